/* The on-disk caches: compiled programs, and stored CLBlast parameters that
 * are used when they work and discarded with a warning when they do not. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blas/blas.h"
#include "blas/tuning.h"
#include "common.h"
#include "runtime/context.h"

static char cache_dir[256];

/* Points the cache at a fresh folder, so tests never touch the user's. */
static void fresh_cache(void)
{
    snprintf(cache_dir, sizeof cache_dir, "/tmp/clmlp-test-cache-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(cache_dir));
    setenv("CLMLP_CACHE_DIR", cache_dir, 1);
}

/* Removes the folder made by fresh_cache and its files. */
static void remove_cache(void)
{
    DIR *dir = opendir(cache_dir);
    if (dir != NULL) {
        for (struct dirent *e = readdir(dir); e != NULL; e = readdir(dir)) {
            char path[512];
            snprintf(path, sizeof path, "%s/%s", cache_dir, e->d_name);
            if (e->d_name[0] != '.')
                remove(path);
        }
        closedir(dir);
    }
    rmdir(cache_dir);
    unsetenv("CLMLP_CACHE_DIR");
}

/* Overwrites every cached program file with the given bytes. */
static int corrupt_programs(const char *bytes)
{
    int count = 0;
    DIR *dir = opendir(cache_dir);
    ck_assert_ptr_nonnull(dir);
    for (struct dirent *e = readdir(dir); e != NULL; e = readdir(dir)) {
        if (strncmp(e->d_name, "program-", 8) != 0)
            continue;
        char path[512];
        snprintf(path, sizeof path, "%s/%s", cache_dir, e->d_name);
        FILE *f = fopen(path, "wb");
        ck_assert_ptr_nonnull(f);
        fputs(bytes, f);
        fclose(f);
        count++;
    }
    closedir(dir);
    return count;
}

/* relu of a few values must match the host, so the programs really work. */
static void assert_relu_works(clmlp_context *ctx)
{
    float values[5] = {-2.0f, -0.5f, 0.0f, 0.5f, 3.0f};
    double want[5] = {0.0, 0.0, 0.0, 0.5, 3.0};
    size_t shape[2] = {1, 5};
    clmlp_tape *tape;
    clmlp_tensor *x, *y;
    ck_assert_ok(clmlp_tape_create(ctx, &tape));
    ck_assert_ok(clmlp_tensor_create(ctx, CLMLP_FLOAT32, 2, shape, &x));
    ck_assert_ok(clmlp_tensor_write(x, values, 5));
    ck_assert_ok(clmlp_relu(tape, x, &y));
    float *got = read_tensor(y);
    assert_close(got, want, 5, 0.0, 0.0, "relu after loading programs");
    free(got);
    clmlp_tape_free(tape);
    clmlp_tensor_free(x);
}

START_TEST(second_context_uses_program_cache)
{
    fresh_cache();
    clmlp_context *first = test_context(_i);
    ck_assert_uint_eq(first->programs_from_cache, 0);
    size_t programs = first->program_count;
    clmlp_context_free(first);

    clmlp_context *second = test_context(_i);
    ck_assert_uint_eq(second->programs_from_cache, programs);
    assert_relu_works(second);
    clmlp_context_free(second);
    remove_cache();
}
END_TEST

START_TEST(corrupt_program_cache_is_ignored)
{
    fresh_cache();
    clmlp_context_free(test_context(_i));
    ck_assert_int_gt(corrupt_programs("clmlp-program-1 but not a binary"), 0);

    clmlp_context *ctx = test_context(_i);
    ck_assert_uint_eq(ctx->programs_from_cache, 0);
    assert_relu_works(ctx);
    clmlp_context_free(ctx);

    /* Building from source wrote good files again. */
    ctx = test_context(_i);
    ck_assert_uint_eq(ctx->programs_from_cache, ctx->program_count);
    clmlp_context_free(ctx);
    remove_cache();
}
END_TEST

START_TEST(tuning_text_round_trips)
{
    clmlp_gemm_tuning safe = clmlp_gemm_tuning_safe(), parsed;
    clmlp_device_info info = {.device_name = "dev", .platform_name = "plat", .driver_version = "1"};
    char text[2048];
    size_t length = clmlp_gemm_tuning_format(&safe, &info, text, sizeof text);
    ck_assert_uint_lt(length, sizeof text);
    ck_assert_uint_eq(length, strlen(text));
    ck_assert_ok(clmlp_gemm_tuning_parse(text, &parsed));
    ck_assert(parsed.has_xgemm && parsed.has_direct && parsed.has_min_indirect);
    ck_assert_mem_eq(parsed.xgemm, safe.xgemm, sizeof safe.xgemm);
    ck_assert_mem_eq(parsed.direct, safe.direct, sizeof safe.direct);
    ck_assert_uint_eq(parsed.min_indirect, safe.min_indirect);

    /* A short buffer still reports the full length, as snprintf does. */
    char small[16];
    ck_assert_uint_eq(clmlp_gemm_tuning_format(&safe, &info, small, sizeof small), length);
    ck_assert_uint_eq(strlen(small), sizeof small - 1);
}
END_TEST

START_TEST(bad_tuning_text_is_refused)
{
    static const char *const bad[] = {
        "",
        "# only a comment\n",
        "Xgemm KWG=32\n",
        "GemmRoutine XGEMM_MIN_INDIRECT_SIZE=abc\n",
        "GemmRoutine XGEMM_MIN_INDIRECT_SIZE=1 XGEMM_MIN_INDIRECT_SIZE=2\n",
        "Unknown A=1\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        clmlp_gemm_tuning t;
        ck_assert_int_eq(clmlp_gemm_tuning_parse(bad[i], &t), CLMLP_ERROR_FORMAT);
    }
}
END_TEST

static int warnings;

static void count_warnings(clmlp_log_level level, const char *message, void *user_data)
{
    (void)message;
    (void)user_data;
    if (level == CLMLP_LOG_WARNING)
        warnings++;
}

/* Writes a tuning file for device index i and returns its path. */
static void store_tuning(int device, const char *text, char *path, size_t size)
{
    clmlp_device_info *devices = NULL;
    size_t count = 0;
    ck_assert_ok(clmlp_list_devices(&devices, &count));
    ck_assert_ok(clmlp_gemm_tuning_path(&devices[device], 1, path, size));
    free(devices);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static void assert_gemm_correct(clmlp_context *ctx)
{
    bool correct = false;
    ck_assert_ok(clmlp_gemm_tuning_verify(ctx, &correct));
    ck_assert(correct);
}

START_TEST(working_stored_tuning_is_used)
{
    fresh_cache();
    clmlp_gemm_tuning safe = clmlp_gemm_tuning_safe();
    clmlp_device_info info = {0};
    char text[2048], path[4096];
    clmlp_gemm_tuning_format(&safe, &info, text, sizeof text);
    store_tuning(_i, text, path, sizeof path);

    warnings = 0;
    clmlp_set_log_callback(count_warnings, NULL);
    clmlp_context *ctx = test_context(_i);
    clmlp_set_log_callback(NULL, NULL);
    ck_assert_int_eq(warnings, 0);
    ck_assert_int_eq(access(path, F_OK), 0);
    assert_gemm_correct(ctx);
    clmlp_context_free(ctx);
    remove_cache();
}
END_TEST

START_TEST(failing_stored_tuning_is_discarded)
{
    /* A garbled file, and a set whose 16-row tiles hold two rows per
     * work-item but are read four rows at a time, so it computes wrongly
     * or fails to compile. */
    static const char *const stored[] = {
        "Xgemm this is not a parameter list\n",
        "Xgemm GEMMK=0 KREG=1 KWG=32 KWI=2 MDIMA=8 MDIMC=8 MWG=16 NDIMB=8 NDIMC=8 NWG=32 "
        "SA=0 SB=0 STRM=0 STRN=0 VWM=4 VWN=1\nGemmRoutine XGEMM_MIN_INDIRECT_SIZE=0\n",
    };
    for (size_t i = 0; i < 2; i++) {
        fresh_cache();
        char path[4096], rejected[4200];
        store_tuning(_i, stored[i], path, sizeof path);

        warnings = 0;
        clmlp_set_log_callback(count_warnings, NULL);
        clmlp_context *ctx = test_context(_i);
        clmlp_set_log_callback(NULL, NULL);
        ck_assert_int_eq(warnings, 1);
        ck_assert_int_ne(access(path, F_OK), 0);
        snprintf(rejected, sizeof rejected, "%s.rejected", path);
        ck_assert_int_eq(access(rejected, F_OK), 0);
        assert_gemm_correct(ctx);
        clmlp_context_free(ctx);
        remove_cache();
    }
}
END_TEST

int main(void)
{
    Suite *suite = suite_create("cache");
    TCase *tc = tcase_create("cache");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, tuning_text_round_trips);
    tcase_add_test(tc, bad_tuning_text_is_refused);
    add_device_test(tc, second_context_uses_program_cache);
    add_device_test(tc, corrupt_program_cache_is_ignored);
    add_device_test(tc, working_stored_tuning_is_used);
    add_device_test(tc, failing_stored_tuning_is_discarded);
    suite_add_tcase(suite, tc);
    return run_suite(suite, true);
}
