/* SGEMM and strided-batched SGEMM against a double-precision host GEMM. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "blas/blas.h"
#include "common.h"
#include "tensor/tensor.h"

#define GUARD 8
#define GUARD_VALUE -777.0f

/* C[m, n] = op(A) · op(B) in double precision; row-major with leading dims. */
static void host_gemm(bool ta, bool tb, size_t m, size_t n, size_t k, const float *a, size_t lda,
                      const float *b, size_t ldb, double alpha, double beta, const float *c0,
                      size_t ldc, double *c)
{
    for (size_t i = 0; i < m; i++) {
        for (size_t j = 0; j < n; j++) {
            double sum = 0.0;
            for (size_t p = 0; p < k; p++) {
                double av = ta ? a[p * lda + i] : a[i * lda + p];
                double bv = tb ? b[j * ldb + p] : b[p * ldb + j];
                sum += av * bv;
            }
            c[i * n + j] = alpha * sum + beta * c0[i * ldc + j];
        }
    }
}

static clmlp_tensor *upload(clmlp_context *ctx, const float *data, size_t n)
{
    clmlp_tensor *t = NULL;
    ck_assert_ok(clmlp_tensor_from_host(ctx, CLMLP_FLOAT32, 1, &n, data, &t));
    return t;
}

/* Runs one GEMM with operands placed at the given offsets and extra
 * leading-dimension padding, then checks C and the guard after it. */
static void check_gemm(clmlp_context *ctx, bool ta, bool tb, size_t m, size_t n, size_t k,
                       size_t offset, size_t pad, float alpha, float beta)
{
    size_t a_rows = ta ? k : m, a_cols = ta ? m : k;
    size_t b_rows = tb ? n : k, b_cols = tb ? k : n;
    size_t lda = a_cols + pad, ldb = b_cols + pad, ldc = n + pad;
    size_t a_size = offset + a_rows * lda, b_size = offset + b_rows * ldb;
    size_t c_size = offset + m * ldc + GUARD;

    uint32_t seed = (uint32_t)(m * 131 + n * 7 + k);
    float *a = malloc(a_size * sizeof *a), *b = malloc(b_size * sizeof *b);
    float *c = malloc(c_size * sizeof *c);
    fill_uniform(a, a_size, -1.0f, 1.0f, &seed);
    fill_uniform(b, b_size, -1.0f, 1.0f, &seed);
    fill_uniform(c, c_size, -1.0f, 1.0f, &seed);
    for (size_t i = c_size - GUARD; i < c_size; i++)
        c[i] = GUARD_VALUE;

    double *want = malloc(m * n * sizeof *want);
    host_gemm(ta, tb, m, n, k, a + offset, lda, b + offset, ldb, alpha, beta, c + offset, ldc, want);

    clmlp_tensor *da = upload(ctx, a, a_size), *db = upload(ctx, b, b_size), *dc = upload(ctx, c, c_size);
    ck_assert_ok(clmlp_sgemm(ctx, ta, tb, m, n, k, alpha, da->buffer, offset, lda, db->buffer,
                             offset, ldb, beta, dc->buffer, offset, ldc));
    float *got = read_tensor(dc);

    float *packed = malloc(m * n * sizeof *packed);
    for (size_t i = 0; i < m; i++)
        memcpy(packed + i * n, got + offset + i * ldc, n * sizeof *packed);
    assert_close(packed, want, m * n, 1e-4, 1e-4 * sqrt((double)k), "C");

    /* Nothing before the offset, in the padding, or in the guard may change. */
    for (size_t i = 0; i < offset; i++)
        ck_assert_float_eq(got[i], c[i]);
    for (size_t i = 0; i < m; i++)
        for (size_t j = n; j < ldc; j++)
            ck_assert_float_eq(got[offset + i * ldc + j], c[offset + i * ldc + j]);
    for (size_t i = c_size - GUARD; i < c_size; i++)
        ck_assert_float_eq(got[i], GUARD_VALUE);

    clmlp_tensor_free(da);
    clmlp_tensor_free(db);
    clmlp_tensor_free(dc);
    free(a), free(b), free(c), free(want), free(got), free(packed);
}

static const size_t odd_sizes[] = {1, 7, 33, 257};

START_TEST(gemm_odd_shapes_all_transposes)
{
    clmlp_context *ctx = test_context(_i);
    for (int t = 0; t < 4; t++)
        for (size_t mi = 0; mi < 4; mi++)
            for (size_t ni = 0; ni < 4; ni++)
                for (size_t ki = 0; ki < 4; ki++)
                    check_gemm(ctx, t & 1, t & 2, odd_sizes[mi], odd_sizes[ni], odd_sizes[ki], 0,
                               0, 1.0f, 0.0f);
    clmlp_context_free(ctx);
}
END_TEST

START_TEST(gemm_mlp_shapes)
{
    clmlp_context *ctx = test_context(_i);
    /* The products of one scratch MLP step: X·W1, dH·W2ᵀ, Xᵀ·dH, Hᵀ·dY. */
    check_gemm(ctx, false, false, 256, 256, 784, 0, 0, 1.0f, 0.0f);
    check_gemm(ctx, false, true, 256, 256, 10, 0, 0, 1.0f, 0.0f);
    check_gemm(ctx, true, false, 784, 256, 256, 0, 0, 1.0f, 1.0f);
    check_gemm(ctx, true, false, 256, 10, 256, 0, 0, 1.0f, 1.0f);
    check_gemm(ctx, false, false, 96, 10, 784, 0, 0, 1.0f, 0.0f);
    clmlp_context_free(ctx);
}
END_TEST

START_TEST(gemm_offsets_and_padding)
{
    clmlp_context *ctx = test_context(_i);
    for (int t = 0; t < 4; t++) {
        check_gemm(ctx, t & 1, t & 2, 33, 7, 257, 13, 5, 0.5f, 2.0f);
        check_gemm(ctx, t & 1, t & 2, 1, 33, 7, 1, 3, -1.0f, 1.0f);
    }
    clmlp_context_free(ctx);
}
END_TEST

START_TEST(gemm_beta_zero_ignores_nan)
{
    clmlp_context *ctx = test_context(_i);
    size_t m = 7, n = 5, k = 3;
    float a[21], b[15], c[35];
    uint32_t seed = 3;
    fill_uniform(a, 21, -1, 1, &seed);
    fill_uniform(b, 15, -1, 1, &seed);
    for (int i = 0; i < 35; i++)
        c[i] = NAN;
    double want[35];
    float zeros[35] = {0};
    host_gemm(false, false, m, n, k, a, k, b, n, 1.0, 0.0, zeros, n, want);

    clmlp_tensor *da = upload(ctx, a, 21), *db = upload(ctx, b, 15), *dc = upload(ctx, c, 35);
    ck_assert_ok(clmlp_sgemm(ctx, false, false, m, n, k, 1.0f, da->buffer, 0, k, db->buffer, 0, n,
                             0.0f, dc->buffer, 0, n));
    float *got = read_tensor(dc);
    assert_close(got, want, 35, 1e-5, 1e-6, "C");
    free(got);
    clmlp_tensor_free(da);
    clmlp_tensor_free(db);
    clmlp_tensor_free(dc);
    clmlp_context_free(ctx);
}
END_TEST

START_TEST(gemm_rejects_bad_operands)
{
    clmlp_context *ctx = test_context(_i);
    float data[16] = {0};
    clmlp_tensor *t = upload(ctx, data, 16);

    /* A 4x4 product fits; a 4x5 one overruns the 16-float buffers. */
    ck_assert_ok(clmlp_sgemm(ctx, false, false, 4, 4, 4, 1, t->buffer, 0, 4, t->buffer, 0, 4, 0,
                             t->buffer, 0, 4));
    ck_assert_int_eq(clmlp_sgemm(ctx, false, false, 4, 5, 4, 1, t->buffer, 0, 4, t->buffer, 0, 5,
                                 0, t->buffer, 0, 5),
                     CLMLP_ERROR_SHAPE);
    ck_assert_int_eq(clmlp_sgemm(ctx, false, false, 0, 4, 4, 1, t->buffer, 0, 4, t->buffer, 0, 4,
                                 0, t->buffer, 0, 4),
                     CLMLP_ERROR_SHAPE);
    ck_assert_int_eq(clmlp_sgemm(ctx, false, false, 4, 4, 4, 1, t->buffer, 0, 3, t->buffer, 0, 4,
                                 0, t->buffer, 0, 4),
                     CLMLP_ERROR_SHAPE);
    ck_assert_ptr_nonnull(strstr(clmlp_error_message(), "leading dimension"));
    ck_assert_int_eq(clmlp_sgemm(ctx, false, false, 4, 4, 4, 1, t->buffer, 1, 4, t->buffer, 0, 4,
                                 0, t->buffer, 0, 4),
                     CLMLP_ERROR_SHAPE);
    clmlp_tensor_free(t);
    clmlp_context_free(ctx);
}
END_TEST

/* Placement of a batched product's operands: a shared operand has batch
 * stride 0, gap floats lie between consecutive matrices, and every operand
 * starts offset floats into its buffer. */
typedef struct batch_layout {
    bool share_a, share_b;
    size_t gap, offset;
} batch_layout;

/* Runs one strided-batched GEMM and checks every C matrix, the gaps between
 * them and the guard after the last against a host GEMM per matrix. */
static void check_batched_layout(clmlp_context *ctx, bool ta, bool tb, size_t m, size_t n,
                                 size_t k, size_t batch, batch_layout layout)
{
    size_t off = layout.offset;
    size_t a_stride = layout.share_a ? 0 : m * k + layout.gap;
    size_t b_stride = layout.share_b ? 0 : k * n + layout.gap, c_stride = m * n + layout.gap;
    size_t a_size = off + (layout.share_a ? m * k : a_stride * batch);
    size_t b_size = off + (layout.share_b ? k * n : b_stride * batch);
    size_t c_size = off + c_stride * batch + GUARD;
    uint32_t seed = (uint32_t)(batch * 17 + m + n + k);
    float *a = malloc(a_size * sizeof *a), *b = malloc(b_size * sizeof *b);
    float *c = malloc(c_size * sizeof *c);
    fill_uniform(a, a_size, -1, 1, &seed);
    fill_uniform(b, b_size, -1, 1, &seed);
    fill_uniform(c, c_size, -1, 1, &seed);
    for (size_t i = c_size - GUARD; i < c_size; i++)
        c[i] = GUARD_VALUE;

    double *want = malloc(m * n * batch * sizeof *want);
    for (size_t i = 0; i < batch; i++)
        host_gemm(ta, tb, m, n, k, a + off + i * a_stride, ta ? m : k, b + off + i * b_stride,
                  tb ? k : n, 1.0, 1.0, c + off + i * c_stride, n, want + i * m * n);

    clmlp_tensor *da = upload(ctx, a, a_size), *db = upload(ctx, b, b_size), *dc = upload(ctx, c, c_size);
    ck_assert_ok(clmlp_sgemm_strided_batched(ctx, ta, tb, m, n, k, 1.0f, da->buffer, off,
                                             ta ? m : k, a_stride, db->buffer, off, tb ? k : n,
                                             b_stride, 1.0f, dc->buffer, off, n, c_stride, batch));
    float *got = read_tensor(dc);
    float *packed = malloc(m * n * batch * sizeof *packed);
    for (size_t i = 0; i < batch; i++)
        memcpy(packed + i * m * n, got + off + i * c_stride, m * n * sizeof *packed);
    assert_close(packed, want, m * n * batch, 1e-4, 1e-4 * sqrt((double)k), "C");

    /* The offset, the gaps between matrices and the guard stay as they were. */
    for (size_t i = 0; i < off; i++)
        ck_assert_float_eq(got[i], c[i]);
    for (size_t i = 0; i < batch; i++)
        for (size_t j = m * n; j < c_stride; j++)
            ck_assert_float_eq(got[off + i * c_stride + j], c[off + i * c_stride + j]);
    for (size_t i = c_size - GUARD; i < c_size; i++)
        ck_assert_float_eq(got[i], GUARD_VALUE);

    clmlp_tensor_free(da);
    clmlp_tensor_free(db);
    clmlp_tensor_free(dc);
    free(a), free(b), free(c), free(want), free(got), free(packed);
}

/* Batched products with packed matrices; share_b gives B batch stride 0. */
static void check_batched(clmlp_context *ctx, bool ta, bool tb, size_t m, size_t n, size_t k,
                          size_t batch, bool share_b)
{
    check_batched_layout(ctx, ta, tb, m, n, k, batch, (batch_layout){.share_b = share_b});
}

START_TEST(batched_gemm_shapes)
{
    clmlp_context *ctx = test_context(_i);
    check_batched(ctx, false, false, 1, 1, 1, 5, false);
    check_batched(ctx, false, false, 1, 10, 784, 33, false);
    check_batched(ctx, true, false, 7, 1, 33, 9, false);
    check_batched(ctx, false, true, 7, 33, 1, 4, true);
    check_batched(ctx, true, true, 33, 7, 5, 3, true);
    clmlp_context_free(ctx);
}
END_TEST

START_TEST(batched_gemm_layouts)
{
    clmlp_context *ctx = test_context(_i);
    /* m = n = 1: a dot product per sample, alone and with a shared operand. */
    check_batched_layout(ctx, false, false, 1, 1, 57, 13, (batch_layout){0});
    check_batched_layout(ctx, false, false, 1, 1, 57, 13, (batch_layout){.share_a = true});
    check_batched_layout(ctx, true, false, 1, 1, 9, 6, (batch_layout){.share_b = true, .offset = 3});

    /* A shared with stride 0 against per-sample B, with gaps and offsets. */
    for (int t = 0; t < 4; t++)
        check_batched_layout(ctx, t & 1, t & 2, 5, 7, 11, 6,
                             (batch_layout){.share_a = true, .gap = 4, .offset = 2});

    /* The hypernetwork's products: x_b [1, 784] times W_b [784, 10], whose
     * matrices lie 7850 floats apart, and the two gradient products. */
    check_batched_layout(ctx, false, false, 1, 10, 784, 19, (batch_layout){.gap = 10});
    check_batched_layout(ctx, false, true, 1, 784, 10, 19, (batch_layout){.gap = 10});
    check_batched_layout(ctx, true, false, 784, 10, 1, 19, (batch_layout){.gap = 10});
    clmlp_context_free(ctx);
}
END_TEST

int main(void)
{
    Suite *suite = suite_create("gemm");
    TCase *tc = tcase_create("device");
    tcase_set_timeout(tc, 600);
    add_device_test(tc, gemm_odd_shapes_all_transposes);
    add_device_test(tc, gemm_mlp_shapes);
    add_device_test(tc, gemm_offsets_and_padding);
    add_device_test(tc, gemm_beta_zero_ignores_nan);
    add_device_test(tc, gemm_rejects_bad_operands);
    add_device_test(tc, batched_gemm_shapes);
    add_device_test(tc, batched_gemm_layouts);
    suite_add_tcase(suite, tc);
    return run_suite(suite, true);
}
