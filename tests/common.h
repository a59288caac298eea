/* Shared helpers for the Check test suites: one run per OpenCL device. */
#ifndef CLMLP_TESTS_COMMON_H
#define CLMLP_TESTS_COMMON_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clmlp.h"

/* Number of OpenCL devices; 0 when there is no platform. */
int test_device_count(void);

/* Creates a context on device index i (in clmlp_list_devices order) and
 * fails the test when that is impossible. */
clmlp_context *test_context(int device);

/* Creates a context as test_context() does, with event profiling on when
 * profiling is true. */
clmlp_context *test_context_with(int device, bool profiling);

/* Fails the test with the library's message unless status is success. */
#define ck_assert_ok(call)                                                             \
    do {                                                                               \
        clmlp_status ck_status_ = (call);                                              \
        ck_assert_msg(ck_status_ == CLMLP_SUCCESS, "%s returned %s: %s", #call,        \
                      clmlp_status_name(ck_status_), clmlp_error_message());           \
    } while (0)

/* Asserts |got - want| <= abs_tol + rel_tol * |want| element by element. */
void assert_close(const float *got, const double *want, size_t n, double rel_tol, double abs_tol,
                  const char *what);

/* Deterministic uniform values in [lo, hi) from a small linear congruential
 * generator, so tests repeat exactly. */
void fill_uniform(float *x, size_t n, float lo, float hi, uint32_t *state);

/* Copies a tensor to a new malloc'd host array. */
float *read_tensor(const clmlp_tensor *t);

/* Returns the mean softmax cross-entropy of logits [rows, classes], in
 * double precision, with the row maximum subtracted. */
double host_cross_entropy(const double *z, const int *labels, size_t rows, size_t classes);

/* Runs a suite without forking and returns the exit status for main: 77
 * (skipped) when it has device tests but no device exists. */
int run_suite(Suite *suite, bool has_device_tests);

#define BLOCK_FEATURES 64   /* 8 x 8 pixels */
#define BLOCK_CLASSES 4

/* Builds count samples of BLOCK_FEATURES pixels: each of the BLOCK_CLASSES
 * classes has a bright block of 16 pixels at its own place, plus noise, so a
 * small MLP can separate them. Free it with clmlp_mnist_free(). */
void make_block_split(size_t count, uint32_t seed, clmlp_mnist *out);

/* Adds a test that runs once per device, with _i as the device index. */
#define add_device_test(tc, fn) tcase_add_loop_test((tc), (fn), 0, test_device_count())

#endif
