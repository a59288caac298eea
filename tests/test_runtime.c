/* Device listing and selection, kernel programs from CLMLP_KERNEL_DIR, and
 * error names. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "runtime/cl_error.h"
#include "runtime/embedded.h"

START_TEST(error_names)
{
    ck_assert_str_eq(clmlp_cl_error_name(-5), "CL_OUT_OF_RESOURCES");
    ck_assert_str_eq(clmlp_cl_error_name(-4), "CL_MEM_OBJECT_ALLOCATION_FAILURE");
    ck_assert_str_eq(clmlp_cl_error_name(-11), "CL_BUILD_PROGRAM_FAILURE");
    ck_assert_str_eq(clmlp_status_name(CLMLP_ERROR_SHAPE), "CLMLP_ERROR_SHAPE");
    ck_assert_int_eq(clmlp_fail_cl(-5, "clFinish(queue)", "src/x.c", 3), CLMLP_ERROR_OPENCL);
    ck_assert_ptr_nonnull(strstr(clmlp_error_message(), "clFinish failed with CL_OUT_OF_RESOURCES"));
    ck_assert_int_eq(clmlp_fail_cl(-4, "clCreateBuffer", "src/x.c", 3),
                     CLMLP_ERROR_OUT_OF_DEVICE_MEMORY);
}
END_TEST

START_TEST(list_devices_reports_fields)
{
    clmlp_device_info *devices = NULL;
    size_t count = 0;
    ck_assert_ok(clmlp_list_devices(&devices, &count));
    ck_assert_uint_gt(count, 0);
    for (size_t i = 0; i < count; i++) {
        ck_assert_uint_gt(strlen(devices[i].device_name), 0);
        ck_assert_uint_gt(strlen(devices[i].platform_name), 0);
        ck_assert_uint_gt(devices[i].global_memory, 0);
        ck_assert_uint_gt(devices[i].max_allocation, 0);
        ck_assert_uint_gt(devices[i].max_work_group_size, 0);
        ck_assert_uint_gt(devices[i].compute_units, 0);
    }
    free(devices);
}
END_TEST

START_TEST(select_by_index_and_name)
{
    clmlp_device_info *devices = NULL;
    size_t count = 0;
    ck_assert_ok(clmlp_list_devices(&devices, &count));
    const clmlp_device_info *d = &devices[_i];

    char selector[32];
    snprintf(selector, sizeof selector, "%u:%u", d->platform_index, d->device_index);
    clmlp_device_info got;
    ck_assert_ok(clmlp_select_device(selector, &got));
    ck_assert_str_eq(got.device_name, d->device_name);

    /* A case-insensitive substring of the name picks the first match. */
    char upper[128];
    snprintf(upper, sizeof upper, "%s", d->device_name);
    for (char *c = upper; *c; c++)
        *c = (char)(*c >= 'a' && *c <= 'z' ? *c - 32 : *c);
    ck_assert_ok(clmlp_select_device(upper, &got));
    ck_assert_ptr_nonnull(strstr(got.device_name, d->device_name) ? got.device_name : NULL);

    /* The platform name matches too. */
    ck_assert_ok(clmlp_select_device(d->platform_name, &got));
    free(devices);
}
END_TEST

START_TEST(default_prefers_gpu)
{
    clmlp_device_info *devices = NULL;
    size_t count = 0;
    ck_assert_ok(clmlp_list_devices(&devices, &count));
    const clmlp_device_info *want = &devices[0];
    for (size_t i = 0; i < count; i++) {
        if (devices[i].is_gpu) {
            want = &devices[i];
            break;
        }
    }
    clmlp_device_info got;
    ck_assert_ok(clmlp_select_device(NULL, &got));
    ck_assert_uint_eq(got.platform_index, want->platform_index);
    ck_assert_uint_eq(got.device_index, want->device_index);
    ck_assert_ok(clmlp_select_device("", &got));
    ck_assert_uint_eq(got.device_index, want->device_index);
    free(devices);
}
END_TEST

START_TEST(unknown_device_lists_choices)
{
    clmlp_device_info got;
    ck_assert_int_eq(clmlp_select_device("no-such-device-xyz", &got), CLMLP_ERROR_DEVICE_NOT_FOUND);
    const char *message = clmlp_error_message();
    ck_assert_ptr_nonnull(strstr(message, "no-such-device-xyz"));
    ck_assert_ptr_nonnull(strstr(message, "available devices"));
    ck_assert_int_eq(clmlp_select_device("9:9", &got), CLMLP_ERROR_DEVICE_NOT_FOUND);
    clmlp_context *ctx = NULL;
    ck_assert_int_eq(clmlp_context_create("no-such-device-xyz", &ctx), CLMLP_ERROR_DEVICE_NOT_FOUND);
    ck_assert_ptr_null(ctx);
}
END_TEST

/* Writes every embedded program into dir, replacing the one named broken
 * (if any) with source that does not compile. */
static void write_kernels(const char *dir, const char *broken)
{
    for (size_t i = 0; i < clmlp_embedded_program_count; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s.cl", dir, clmlp_embedded_programs[i].name);
        FILE *f = fopen(path, "w");
        ck_assert_ptr_nonnull(f);
        if (broken && strcmp(broken, clmlp_embedded_programs[i].name) == 0)
            fputs("__kernel void fill(__global float *x) { x[0] = undefined_name; }\n", f);
        else
            fputs(clmlp_embedded_programs[i].source, f);
        ck_assert_int_eq(fclose(f), 0);
    }
}

static void remove_kernels(const char *dir)
{
    for (size_t i = 0; i < clmlp_embedded_program_count; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s.cl", dir, clmlp_embedded_programs[i].name);
        remove(path);
    }
    rmdir(dir);
}

START_TEST(kernel_dir_overrides_sources)
{
    char dir[] = "/tmp/clmlp-kernels-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    clmlp_device_info *devices = NULL;
    size_t count = 0;
    ck_assert_ok(clmlp_list_devices(&devices, &count));
    char selector[32];
    snprintf(selector, sizeof selector, "%u:%u", devices[_i].platform_index, devices[_i].device_index);

    /* Good sources from the folder build. */
    write_kernels(dir, NULL);
    setenv("CLMLP_KERNEL_DIR", dir, 1);
    clmlp_context *ctx = NULL;
    ck_assert_ok(clmlp_context_create(selector, &ctx));
    clmlp_context_free(ctx);

    /* A broken program fails with the device name and the build log. */
    write_kernels(dir, "elementwise");
    ctx = NULL;
    ck_assert_int_eq(clmlp_context_create(selector, &ctx), CLMLP_ERROR_BUILD_FAILED);
    ck_assert_ptr_null(ctx);
    const char *message = clmlp_error_message();
    ck_assert_ptr_nonnull(strstr(message, "elementwise"));
    ck_assert_ptr_nonnull(strstr(message, devices[_i].device_name));
    ck_assert_ptr_nonnull(strstr(message, "undefined_name"));

    /* A folder without the sources is an I/O error naming the file. */
    remove_kernels(dir);
    ck_assert_int_eq(clmlp_context_create(selector, &ctx), CLMLP_ERROR_IO);
    ck_assert_ptr_nonnull(strstr(clmlp_error_message(), "elementwise.cl"));

    unsetenv("CLMLP_KERNEL_DIR");
    free(devices);
}
END_TEST

START_TEST(tensor_round_trip_and_checks)
{
    clmlp_context *ctx = test_context(_i);
    size_t shape[2] = {3, 5};
    float values[15];
    uint32_t seed = 9;
    fill_uniform(values, 15, -2, 2, &seed);
    clmlp_tensor *t = NULL;
    ck_assert_ok(clmlp_tensor_from_host(ctx, CLMLP_FLOAT32, 2, shape, values, &t));
    float back[15];
    ck_assert_ok(clmlp_tensor_read(t, back, 15));
    for (int i = 0; i < 15; i++)
        ck_assert_float_eq(back[i], values[i]);
    ck_assert_int_eq(clmlp_tensor_read(t, back, 14), CLMLP_ERROR_SHAPE);
    clmlp_tensor_free(t);

    size_t zero_shape[2] = {3, 0};
    ck_assert_int_eq(clmlp_tensor_create(ctx, CLMLP_FLOAT32, 2, zero_shape, &t), CLMLP_ERROR_SHAPE);
    ck_assert_int_eq(clmlp_tensor_create(ctx, CLMLP_FLOAT32, 5, shape, &t), CLMLP_ERROR_SHAPE);
    size_t huge[2] = {(size_t)1 << 40, (size_t)1 << 40};
    ck_assert_int_eq(clmlp_tensor_create(ctx, CLMLP_FLOAT32, 2, huge, &t), CLMLP_ERROR_SHAPE);
    clmlp_context_free(ctx);
}
END_TEST

int main(void)
{
    Suite *suite = suite_create("runtime");
    TCase *host = tcase_create("host");
    tcase_add_test(host, error_names);
    suite_add_tcase(suite, host);

    TCase *tc = tcase_create("device");
    tcase_set_timeout(tc, 300);
    if (test_device_count() > 0) {
        tcase_add_test(tc, list_devices_reports_fields);
        tcase_add_test(tc, default_prefers_gpu);
        tcase_add_test(tc, unknown_device_lists_choices);
    }
    add_device_test(tc, select_by_index_and_name);
    add_device_test(tc, kernel_dir_overrides_sources);
    add_device_test(tc, tensor_round_trip_and_checks);
    suite_add_tcase(suite, tc);
    return run_suite(suite, true);
}
