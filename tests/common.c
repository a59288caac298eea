/* Shared test helpers. */
#include "common.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int test_device_count(void)
{
    static int count = -1;
    if (count >= 0)
        return count;
    clmlp_device_info *devices = NULL;
    size_t n = 0;
    count = clmlp_list_devices(&devices, &n) == CLMLP_SUCCESS ? (int)n : 0;
    free(devices);
    return count;
}

clmlp_context *test_context(int device)
{
    return test_context_with(device, false);
}

clmlp_context *test_context_with(int device, bool profiling)
{
    clmlp_device_info *devices = NULL;
    size_t n = 0;
    ck_assert_ok(clmlp_list_devices(&devices, &n));
    ck_assert_int_lt(device, (int)n);

    char selector[32];
    snprintf(selector, sizeof selector, "%u:%u", devices[device].platform_index,
             devices[device].device_index);
    free(devices);

    clmlp_context_options options = clmlp_context_default();
    options.device = selector;
    options.profiling = profiling;
    clmlp_context *ctx = NULL;
    ck_assert_ok(clmlp_context_create_with(&options, &ctx));
    return ctx;
}

void assert_close(const float *got, const double *want, size_t n, double rel_tol, double abs_tol,
                  const char *what)
{
    for (size_t i = 0; i < n; i++) {
        double diff = fabs((double)got[i] - want[i]);
        ck_assert_msg(diff <= abs_tol + rel_tol * fabs(want[i]),
                      "%s[%zu]: got %.9g, want %.9g (difference %.3g)", what, i, (double)got[i],
                      want[i], diff);
    }
}

void fill_uniform(float *x, size_t n, float lo, float hi, uint32_t *state)
{
    for (size_t i = 0; i < n; i++) {
        *state = *state * 1664525u + 1013904223u;
        x[i] = lo + (hi - lo) * (float)(*state >> 8) / 16777216.0f;
    }
}

float *read_tensor(const clmlp_tensor *t)
{
    size_t n = clmlp_tensor_numel(t);
    float *data = malloc(n * sizeof *data);
    ck_assert_ptr_nonnull(data);
    ck_assert_ok(clmlp_tensor_read(t, data, n));
    return data;
}

int run_suite(Suite *suite, bool has_device_tests)
{
    bool skip_devices = has_device_tests && test_device_count() == 0;
    if (skip_devices)
        fprintf(stderr, "no OpenCL device found: the device tests did not run\n");

    SRunner *runner = srunner_create(suite);
    /* OpenCL drivers start threads, which do not survive fork(). */
    srunner_set_fork_status(runner, CK_NOFORK);
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    if (failed != 0)
        return EXIT_FAILURE;
    /* Exit status 77 makes meson report the suite as skipped, not passed. */
    return skip_devices ? 77 : EXIT_SUCCESS;
}

/* Mean softmax cross-entropy of logits [rows, classes], in double precision. */
double host_cross_entropy(const double *z, const int *labels, size_t rows, size_t classes)
{
    double total = 0.0;
    for (size_t b = 0; b < rows; b++) {
        const double *row = z + b * classes;
        double max_z = row[0];
        for (size_t c = 1; c < classes; c++)
            max_z = fmax(max_z, row[c]);
        double sum = 0.0;
        for (size_t c = 0; c < classes; c++)
            sum += exp(row[c] - max_z);
        total += max_z + log(sum) - row[labels[b]];
    }
    return total / (double)rows;
}

void make_block_split(size_t count, uint32_t seed, clmlp_mnist *out)
{
    memset(out, 0, sizeof *out);
    uint8_t *images = malloc(count * BLOCK_FEATURES), *labels = malloc(count);
    if (images == NULL || labels == NULL) {
        fprintf(stderr, "make_block_split: out of memory for %zu samples\n", count);
        abort();
    }
    for (size_t i = 0; i < count; i++) {
        seed = seed * 1664525u + 1013904223u;
        int label = (int)((seed >> 16) % BLOCK_CLASSES);
        labels[i] = (uint8_t)label;
        for (size_t j = 0; j < BLOCK_FEATURES; j++) {
            seed = seed * 1664525u + 1013904223u;
            int noise = (int)((seed >> 24) % 96);
            int signal = (j / 16 == (size_t)label) ? 140 : 0;
            images[i * BLOCK_FEATURES + j] = (uint8_t)(noise + signal);
        }
    }
    out->images = (clmlp_idx){images, 3, {(uint32_t)count, 8, 8, 0}, count, BLOCK_FEATURES};
    out->labels = (clmlp_idx){labels, 1, {(uint32_t)count, 0, 0, 0}, count, 1};
    out->count = count;
    out->rows = 8;
    out->cols = 8;
    out->features = BLOCK_FEATURES;
    out->classes = BLOCK_CLASSES;
}
