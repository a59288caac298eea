/* Injected OpenCL failures and device memory limits: each failure comes
 * back as a status with the OpenCL error name, and everything created
 * before it can still be freed. */
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "train_scratch.h"
#include "runtime/context.h"
#include "tensor/pool.h"

/* Fails the Nth pool allocation of a whole training run, for every N until
 * a run needs fewer, and checks the status, the message and a clean run
 * afterwards on the same context. */
START_TEST(failed_buffer_creation_propagates)
{
    clmlp_context *ctx = test_context(_i);
    clmlp_mnist split;
    make_block_split(120, 4, &split);

    size_t failures = 0;
    for (size_t n = 1; n < 1000; n++) {
        /* Without parked buffers, every tensor of the run creates one. */
        clmlp_pool_release_all(ctx);
        ctx->fail_buffer_countdown = n;
        clmlp_status status = train_scratch(ctx, &split, 8, 2, 0.1f, NULL);
        if (ctx->fail_buffer_countdown > 0) {
            /* The run needed fewer than n buffers, so nothing failed. */
            ck_assert_ok(status);
            break;
        }
        ck_assert_msg(status == CLMLP_ERROR_OUT_OF_DEVICE_MEMORY,
                      "failure at buffer %zu returned %s: %s", n, clmlp_status_name(status),
                      clmlp_error_message());
        ck_assert_ptr_nonnull(strstr(clmlp_error_message(), "CL_MEM_OBJECT_ALLOCATION_FAILURE"));
        ck_assert_uint_eq(ctx->bytes_in_use, 0);
        failures++;
    }
    /* Parameters, gradients, activations and sums: a run needs many buffers. */
    ck_assert_uint_gt(failures, 8);

    ctx->fail_buffer_countdown = 0;
    ck_assert_ok(train_scratch(ctx, &split, 8, 2, 0.1f, NULL));
    clmlp_mnist_free(&split);
    clmlp_context_free(ctx);
}
END_TEST

START_TEST(pool_checks_device_memory_limits)
{
    clmlp_context *ctx = test_context(_i);
    clmlp_tensor *a = NULL, *b = NULL, *c = NULL;

    /* A buffer above the maximum allocation names both sizes. */
    ctx->info.max_allocation = (size_t)1 << 20;
    size_t two_mib[1] = {(size_t)1 << 19};
    ck_assert_int_eq(clmlp_tensor_create(ctx, CLMLP_FLOAT32, 1, two_mib, &a),
                     CLMLP_ERROR_OUT_OF_DEVICE_MEMORY);
    ck_assert_ptr_null(a);
    ck_assert_ptr_nonnull(strstr(clmlp_error_message(), "a buffer of 2097152 bytes exceeds the "
                                 "maximum allocation"));
    ck_assert_ptr_nonnull(strstr(clmlp_error_message(), "(1048576 bytes)"));

    /* Buffers that together exceed global memory: the message gives the
     * request, the device's memory and the bytes in use. */
    ctx->info.max_allocation = (size_t)4 << 20;
    ctx->info.global_memory = (size_t)3 << 20;
    size_t one_mib[1] = {(size_t)1 << 18};
    ck_assert_ok(clmlp_tensor_create(ctx, CLMLP_FLOAT32, 1, one_mib, &a));
    ck_assert_ok(clmlp_tensor_create(ctx, CLMLP_FLOAT32, 1, one_mib, &b));
    ck_assert_int_eq(clmlp_tensor_create(ctx, CLMLP_FLOAT32, 1, two_mib, &c),
                     CLMLP_ERROR_OUT_OF_DEVICE_MEMORY);
    ck_assert_ptr_nonnull(strstr(clmlp_error_message(), "a buffer of 2097152 bytes does not fit "
                                 "in the global memory"));
    ck_assert_ptr_nonnull(strstr(clmlp_error_message(), "(3145728 bytes, of which 2097152 are in "
                                 "use)"));

    /* A parked buffer goes back to the driver to make room. */
    clmlp_tensor_free(b);
    ck_assert_uint_eq(ctx->bytes_pooled, (size_t)1 << 20);
    ck_assert_ok(clmlp_tensor_create(ctx, CLMLP_FLOAT32, 1, two_mib, &c));
    ck_assert_uint_eq(ctx->bytes_pooled, 0);
    ck_assert_uint_eq(ctx->bytes_in_use, (size_t)3 << 20);

    clmlp_tensor_free(a);
    clmlp_tensor_free(c);
    clmlp_context_free(ctx);
}
END_TEST

int main(void)
{
    Suite *suite = suite_create("faults");
    TCase *tc = tcase_create("device");
    tcase_set_timeout(tc, 600);
    add_device_test(tc, failed_buffer_creation_propagates);
    add_device_test(tc, pool_checks_device_memory_limits);
    suite_add_tcase(suite, tc);
    return run_suite(suite, true);
}
