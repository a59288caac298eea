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

/* One strided-batched product. A stride of 0 shares that operand across the
 * batch; offset places every operand that many floats into its buffer, and
 * pad widens every leading dimension by that many floats. */
typedef struct batched_case {
    bool ta, tb;
    size_t m, n, k, batch;
    bool share_a, share_b;
    size_t offset, pad;
    float alpha, beta;
} batched_case;

typedef clmlp_status (*batched_fn)(clmlp_context *, bool, bool, size_t, size_t, size_t, float,
                                   cl_mem, size_t, size_t, size_t, cl_mem, size_t, size_t, size_t,
                                   float, cl_mem, size_t, size_t, size_t, size_t);

/* Runs one batched product through gemm and checks C against the host
 * reference, the floats before the offset and the guard after C. */
static void check_batched_with(clmlp_context *ctx, batched_fn gemm, const batched_case *t)
{
    size_t lda = (t->ta ? t->m : t->k) + t->pad, ldb = (t->tb ? t->k : t->n) + t->pad;
    size_t ldc = t->n + t->pad;
    size_t a_matrix = (t->ta ? t->k : t->m) * lda, b_matrix = (t->tb ? t->n : t->k) * ldb;
    size_t c_stride = t->m * ldc;
    size_t a_stride = t->share_a ? 0 : a_matrix, b_stride = t->share_b ? 0 : b_matrix;
    size_t a_size = t->offset + (t->share_a ? a_matrix : a_matrix * t->batch);
    size_t b_size = t->offset + (t->share_b ? b_matrix : b_matrix * t->batch);
    size_t c_size = t->offset + c_stride * t->batch + GUARD;
    uint32_t seed = (uint32_t)(t->batch * 17 + t->m + t->n + t->k);
    float *a = malloc(a_size * sizeof *a), *b = malloc(b_size * sizeof *b);
    float *c = malloc(c_size * sizeof *c);
    fill_uniform(a, a_size, -1, 1, &seed);
    fill_uniform(b, b_size, -1, 1, &seed);
    fill_uniform(c, c_size, -1, 1, &seed);
    for (size_t i = c_size - GUARD; i < c_size; i++)
        c[i] = GUARD_VALUE;

    size_t c_matrix = t->m * t->n;
    double *want = malloc(c_matrix * t->batch * sizeof *want);
    for (size_t i = 0; i < t->batch; i++)
        host_gemm(t->ta, t->tb, t->m, t->n, t->k, a + t->offset + i * a_stride, lda,
                  b + t->offset + i * b_stride, ldb, t->alpha, t->beta,
                  c + t->offset + i * c_stride, ldc, want + i * c_matrix);

    clmlp_tensor *da = upload(ctx, a, a_size), *db = upload(ctx, b, b_size), *dc = upload(ctx, c, c_size);
    ck_assert_ok(gemm(ctx, t->ta, t->tb, t->m, t->n, t->k, t->alpha, da->buffer, t->offset, lda,
                      a_stride, db->buffer, t->offset, ldb, b_stride, t->beta, dc->buffer,
                      t->offset, ldc, c_stride, t->batch));
    float *got = read_tensor(dc);

    /* C packed without its padding, which must keep its old values. */
    float *packed = malloc(c_matrix * t->batch * sizeof *packed);
    for (size_t i = 0; i < t->batch * t->m; i++) {
        const float *row = got + t->offset + i * ldc;
        memcpy(packed + i * t->n, row, t->n * sizeof *packed);
        for (size_t j = t->n; j < ldc; j++)
            ck_assert_float_eq(row[j], c[t->offset + i * ldc + j]);
    }
    assert_close(packed, want, c_matrix * t->batch, 1e-4, 1e-4 * sqrt((double)t->k), "C");
    for (size_t i = 0; i < t->offset; i++)
        ck_assert_float_eq(got[i], c[i]);
    for (size_t i = c_size - GUARD; i < c_size; i++)
        ck_assert_float_eq(got[i], GUARD_VALUE);

    clmlp_tensor_free(da);
    clmlp_tensor_free(db);
    clmlp_tensor_free(dc);
    free(a), free(b), free(c), free(want), free(got), free(packed);
}

/* Checks a case through the dispatcher and through CLBlast alone. */
static void check_batched(clmlp_context *ctx, const batched_case *t)
{
    check_batched_with(ctx, clmlp_sgemm_strided_batched, t);
    check_batched_with(ctx, clmlp_sgemm_strided_batched_clblast, t);
}

START_TEST(batched_gemm_shapes)
{
    clmlp_context *ctx = test_context(_i);
    static const batched_case cases[] = {
        {false, false, 1, 1, 1, 5, false, false, 0, 0, 1.0f, 1.0f},
        {false, false, 1, 10, 784, 33, false, false, 0, 0, 1.0f, 1.0f},
        {true, false, 7, 1, 33, 9, false, false, 0, 0, 1.0f, 1.0f},
        {false, true, 7, 33, 1, 4, false, true, 0, 0, 1.0f, 1.0f},
        {true, true, 33, 7, 5, 3, false, true, 0, 0, 1.0f, 1.0f},
        {false, true, 9, 12, 17, 6, false, false, 5, 3, 0.5f, -1.0f},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_batched(ctx, &cases[i]);
    clmlp_context_free(ctx);
}
END_TEST

/* The thin products clmlp runs with its own kernel (m = 1 or k = 1) in
 * every transpose, with shared operands, offsets, alpha and beta, and
 * column counts on both sides of the 64 work-items of a group. */
START_TEST(batched_gemm_thin_products)
{
    clmlp_context *ctx = test_context(_i);
    static const size_t sizes[][3] = {
        {1, 10, 784}, {1, 784, 10}, {784, 10, 1}, {1, 1, 1}, {1, 65, 3}, {1, 3, 65}, {5, 9, 1},
        {70, 2, 1}, {1, 64, 1},
    };
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        for (int t = 0; t < 4; t++) {
            batched_case c = {t & 1, t & 2, sizes[i][0], sizes[i][1], sizes[i][2], 7,
                              false, false, 0, 0, 1.0f, 0.0f};
            check_batched(ctx, &c);
            c.share_a = true;
            c.offset = 3;
            c.pad = 2;
            c.alpha = -0.5f;
            c.beta = 1.0f;
            check_batched(ctx, &c);
            c.share_a = false;
            c.share_b = true;
            c.beta = 2.0f;
            c.batch = 1;
            check_batched(ctx, &c);
        }
    }
    clmlp_context_free(ctx);
}
END_TEST

/* With beta 0, BLAS ignores C, so NaN there must not reach the result. */
START_TEST(batched_gemm_thin_beta_zero_ignores_nan)
{
    clmlp_context *ctx = test_context(_i);
    static const size_t sizes[][3] = {{1, 10, 20}, {1, 3, 20}, {6, 4, 1}};
    for (size_t s = 0; s < 3; s++) {
        size_t m = sizes[s][0], n = sizes[s][1], k = sizes[s][2], batch = 4;
        float a[4 * 6 * 20], b[4 * 20 * 10], c[4 * 6 * 10];
        uint32_t seed = 11;
        fill_uniform(a, batch * m * k, -1, 1, &seed);
        fill_uniform(b, batch * k * n, -1, 1, &seed);
        for (size_t i = 0; i < batch * m * n; i++)
            c[i] = NAN;
        double want[4 * 6 * 10];
        float zeros[6 * 10] = {0};
        for (size_t i = 0; i < batch; i++)
            host_gemm(false, false, m, n, k, a + i * m * k, k, b + i * k * n, n, 1.0, 0.0, zeros,
                      n, want + i * m * n);

        clmlp_tensor *da = upload(ctx, a, batch * m * k), *db = upload(ctx, b, batch * k * n);
        clmlp_tensor *dc = upload(ctx, c, batch * m * n);
        ck_assert_ok(clmlp_sgemm_strided_batched(ctx, false, false, m, n, k, 1.0f, da->buffer, 0,
                                                 k, m * k, db->buffer, 0, n, k * n, 0.0f,
                                                 dc->buffer, 0, n, m * n, batch));
        float *got = read_tensor(dc);
        assert_close(got, want, batch * m * n, 1e-5, 1e-5, "C");
        free(got);
        clmlp_tensor_free(da);
        clmlp_tensor_free(db);
        clmlp_tensor_free(dc);
    }
    clmlp_context_free(ctx);
}
END_TEST

/* Layouts the hypernetwork uses: dot products per sample, shared operands
 * and padded matrices that lie apart in one buffer. */
START_TEST(batched_gemm_layouts)
{
    clmlp_context *ctx = test_context(_i);
    static const batched_case cases[] = {
        /* m = n = 1: a dot product per sample, alone and with a shared operand. */
        {false, false, 1, 1, 57, 13, false, false, 0, 0, 1.0f, 1.0f},
        {false, false, 1, 1, 57, 13, true, false, 0, 0, 1.0f, 1.0f},
        {true, false, 1, 1, 9, 6, false, true, 3, 0, 1.0f, 1.0f},
        /* A shared with stride 0 against per-sample B, padded and offset. */
        {false, false, 5, 7, 11, 6, true, false, 2, 4, 1.0f, 1.0f},
        {true, false, 5, 7, 11, 6, true, false, 2, 4, 1.0f, 1.0f},
        {false, true, 5, 7, 11, 6, true, false, 2, 4, 1.0f, 1.0f},
        {true, true, 5, 7, 11, 6, true, false, 2, 4, 1.0f, 1.0f},
        /* The hypernetwork's products: x_b [1, 784] times W_b [784, 10], and
         * the two gradient products. */
        {false, false, 1, 10, 784, 19, false, false, 0, 10, 1.0f, 1.0f},
        {false, true, 1, 784, 10, 19, false, false, 0, 10, 1.0f, 1.0f},
        {true, false, 784, 10, 1, 19, false, false, 0, 10, 1.0f, 1.0f},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_batched(ctx, &cases[i]);
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
    add_device_test(tc, batched_gemm_thin_products);
    add_device_test(tc, batched_gemm_thin_beta_zero_ignores_nan);
    add_device_test(tc, batched_gemm_layouts);
    suite_add_tcase(suite, tc);
    return run_suite(suite, true);
}
