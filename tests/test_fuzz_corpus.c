/* Replays the committed fuzz corpus through the IDX and checkpoint readers,
 * so every input a fuzzer once found interesting, crashes included, is
 * checked on each test run without clang. */
#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "io/safetensors.h"

/* Calls check on the path of every file in dir and returns the number of
 * files. */
static int for_each_corpus_file(const char *dir, void (*check)(const char *path))
{
    DIR *folder = opendir(dir);
    ck_assert_msg(folder != NULL, "cannot open the corpus folder %s", dir);
    int files = 0;
    struct dirent *entry;
    while ((entry = readdir(folder)) != NULL) {
        if (entry->d_name[0] == '.')
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, entry->d_name);
        check(path);
        files++;
    }
    closedir(folder);
    return files;
}

/* The reader either succeeds with data or fails with a format error, a
 * message naming the file and a zeroed output. */
static void check_idx_file(const char *path)
{
    clmlp_idx idx;
    clmlp_status status = clmlp_idx_read(path, &idx);
    if (status == CLMLP_SUCCESS) {
        ck_assert_ptr_nonnull(idx.data);
        ck_assert_uint_eq(idx.count, idx.dims[0]);
    } else {
        ck_assert_msg(status == CLMLP_ERROR_FORMAT, "%s returned %s: %s", path,
                      clmlp_status_name(status), clmlp_error_message());
        ck_assert_ptr_nonnull(strstr(clmlp_error_message(), path));
        ck_assert_ptr_null(idx.data);
    }
    clmlp_idx_free(&idx);
}

/* The reader either opens the file or fails with a format error. */
static void check_checkpoint_file(const char *path)
{
    clmlp_safetensors *file = NULL;
    clmlp_status status = clmlp_safetensors_open(path, &file);
    ck_assert_msg(status == CLMLP_SUCCESS || status == CLMLP_ERROR_FORMAT, "%s returned %s: %s",
                  path, clmlp_status_name(status), clmlp_error_message());
    clmlp_safetensors_close(file);
}

START_TEST(idx_corpus_reads_cleanly)
{
    ck_assert_int_ge(for_each_corpus_file(FUZZ_CORPUS_DIR "/idx", check_idx_file), 8);
}
END_TEST

START_TEST(checkpoint_corpus_opens_cleanly)
{
    ck_assert_int_ge(for_each_corpus_file(FUZZ_CORPUS_DIR "/checkpoint", check_checkpoint_file), 3);
}
END_TEST

START_TEST(idx_seeds_give_expected_status)
{
    clmlp_idx idx;
    ck_assert_ok(clmlp_idx_read(FUZZ_CORPUS_DIR "/idx/images-3d.gz", &idx));
    ck_assert_uint_eq(idx.count, 2);
    ck_assert_uint_eq(idx.item_size, 9);
    clmlp_idx_free(&idx);
    ck_assert_int_eq(clmlp_idx_read(FUZZ_CORPUS_DIR "/idx/short-body", &idx), CLMLP_ERROR_FORMAT);
    ck_assert_int_eq(clmlp_idx_read(FUZZ_CORPUS_DIR "/idx/extra-bytes", &idx), CLMLP_ERROR_FORMAT);
    ck_assert_int_eq(clmlp_idx_read(FUZZ_CORPUS_DIR "/idx/int32-type", &idx), CLMLP_ERROR_FORMAT);
}
END_TEST

int main(void)
{
    Suite *suite = suite_create("fuzz-corpus");
    TCase *tc = tcase_create("readers");
    tcase_add_test(tc, idx_corpus_reads_cleanly);
    tcase_add_test(tc, idx_seeds_give_expected_status);
    tcase_add_test(tc, checkpoint_corpus_opens_cleanly);
    suite_add_tcase(suite, tc);
    return run_suite(suite, false);
}
