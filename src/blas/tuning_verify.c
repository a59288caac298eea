/* Checks that the GEMM parameters in force compute correctly, against a
 * double-precision host product. */
#include "blas/tuning.h"

#include <math.h>
#include <stdlib.h>

#include "blas/blas.h"

/* Sizes that fit no tile evenly and span more than one tile of the
 * largest work-groups. */
#define VERIFY_M 67
#define VERIFY_N 131
#define VERIFY_K 45

/* Host C = op(A) · op(B), row-major, in double precision. */
static void host_gemm(bool ta, bool tb, const float *a, const float *b, double *c)
{
    for (size_t i = 0; i < VERIFY_M; i++)
        for (size_t j = 0; j < VERIFY_N; j++) {
            double sum = 0.0;
            for (size_t p = 0; p < VERIFY_K; p++) {
                double x = ta ? a[p * VERIFY_M + i] : a[i * VERIFY_K + p];
                double y = tb ? b[j * VERIFY_K + p] : b[p * VERIFY_N + j];
                sum += x * y;
            }
            c[i * VERIFY_N + j] = sum;
        }
}

static clmlp_status make_buffer(clmlp_context *ctx, size_t floats, const float *data,
                                cl_mem *buffer)
{
    cl_int code = CL_SUCCESS;
    cl_mem_flags flags = CL_MEM_READ_WRITE | (data != NULL ? CL_MEM_COPY_HOST_PTR : 0);
    *buffer = clCreateBuffer(ctx->context, flags, floats * sizeof(float), (void *)data, &code);
    if (code != CL_SUCCESS)
        return clmlp_fail_cl(code, "clCreateBuffer", __FILE__, __LINE__);
    return CLMLP_SUCCESS;
}

/* Runs one transpose case and compares it with the host. */
static clmlp_status check_case(clmlp_context *ctx, bool ta, bool tb, const float *a,
                               const float *b, cl_mem da, cl_mem db, cl_mem dc, float *c,
                               double *want, bool *correct)
{
    size_t lda = ta ? VERIFY_M : VERIFY_K, ldb = tb ? VERIFY_K : VERIFY_N;
    CLMLP_TRY(clmlp_sgemm(ctx, ta, tb, VERIFY_M, VERIFY_N, VERIFY_K, 1.0f, da, 0, lda, db, 0, ldb,
                          0.0f, dc, 0, VERIFY_N));
    CLMLP_CL_CHECK(clEnqueueReadBuffer(ctx->queue, dc, CL_TRUE, 0,
                                       VERIFY_M * VERIFY_N * sizeof(float), c, 0, NULL, NULL));
    host_gemm(ta, tb, a, b, want);
    for (size_t i = 0; i < VERIFY_M * VERIFY_N; i++)
        if (!(fabs(c[i] - want[i]) <= 1e-4 + 1e-4 * fabs(want[i])))
            *correct = false;
    return CLMLP_SUCCESS;
}

static clmlp_status verify_with(clmlp_context *ctx, float *a, float *b, float *c, double *want,
                                bool *correct)
{
    /* Small integers keep every partial sum exact in single precision. */
    uint32_t state = 12345;
    for (size_t i = 0; i < VERIFY_M * VERIFY_K; i++, state = state * 1664525u + 1013904223u)
        a[i] = (float)((int)(state >> 28) - 8);
    for (size_t i = 0; i < VERIFY_K * VERIFY_N; i++, state = state * 1664525u + 1013904223u)
        b[i] = (float)((int)(state >> 28) - 8);

    cl_mem da = NULL, db = NULL, dc = NULL;
    clmlp_status status = make_buffer(ctx, VERIFY_M * VERIFY_K, a, &da);
    if (status == CLMLP_SUCCESS)
        status = make_buffer(ctx, VERIFY_K * VERIFY_N, b, &db);
    if (status == CLMLP_SUCCESS)
        status = make_buffer(ctx, VERIFY_M * VERIFY_N, NULL, &dc);
    *correct = true;
    for (int t = 0; t < 4 && status == CLMLP_SUCCESS; t++)
        status = check_case(ctx, t & 1, t & 2, a, b, da, db, dc, c, want, correct);
    if (da)
        clReleaseMemObject(da);
    if (db)
        clReleaseMemObject(db);
    if (dc)
        clReleaseMemObject(dc);
    return status;
}

clmlp_status clmlp_gemm_tuning_verify(clmlp_context *ctx, bool *correct)
{
    float *a = malloc(VERIFY_M * VERIFY_K * sizeof *a);
    float *b = malloc(VERIFY_K * VERIFY_N * sizeof *b);
    float *c = malloc(VERIFY_M * VERIFY_N * sizeof *c);
    double *want = malloc(VERIFY_M * VERIFY_N * sizeof *want);
    clmlp_status status = CLMLP_SUCCESS;
    if (a == NULL || b == NULL || c == NULL || want == NULL)
        status = clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory checking GEMM "
                            "parameters");
    else
        status = verify_with(ctx, a, b, c, want, correct);
    free(a);
    free(b);
    free(c);
    free(want);
    return status;
}
