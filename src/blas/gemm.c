/* GEMM wrappers that validate operands and translate CLBlast errors. */
#include "blas/blas.h"

#include <clblast_c.h>
#include <stdio.h>

#include "runtime/profile.h"

const char *clmlp_clblast_status_name(int code)
{
    switch (code) {
    case CLBlastNotImplemented: return "CLBlastNotImplemented";
    case CLBlastInvalidMatrixA: return "CLBlastInvalidMatrixA";
    case CLBlastInvalidMatrixB: return "CLBlastInvalidMatrixB";
    case CLBlastInvalidMatrixC: return "CLBlastInvalidMatrixC";
    case CLBlastInvalidDimension: return "CLBlastInvalidDimension";
    case CLBlastInvalidLeadDimA: return "CLBlastInvalidLeadDimA";
    case CLBlastInvalidLeadDimB: return "CLBlastInvalidLeadDimB";
    case CLBlastInvalidLeadDimC: return "CLBlastInvalidLeadDimC";
    case CLBlastInsufficientMemoryA: return "CLBlastInsufficientMemoryA";
    case CLBlastInsufficientMemoryB: return "CLBlastInsufficientMemoryB";
    case CLBlastInsufficientMemoryC: return "CLBlastInsufficientMemoryC";
    case CLBlastInsufficientMemoryTemp: return "CLBlastInsufficientMemoryTemp";
    case CLBlastInvalidBatchCount: return "CLBlastInvalidBatchCount";
    case CLBlastInvalidOverrideKernel: return "CLBlastInvalidOverrideKernel";
    case CLBlastMissingOverrideParameter: return "CLBlastMissingOverrideParameter";
    case CLBlastInvalidLocalMemUsage: return "CLBlastInvalidLocalMemUsage";
    case CLBlastDatabaseError: return "CLBlastDatabaseError";
    case CLBlastUnknownError: return "CLBlastUnknownError";
    case CLBlastUnexpectedError: return "CLBlastUnexpectedError";
    default: break;
    }
    /* CLBlast passes OpenCL's own codes through unchanged. */
    return clmlp_cl_error_name(code);
}

/* Hands a GEMM's event to the profile under a key of its transposes and
 * shape; batch 0 names a plain GEMM.
 * NOTE: CLBlast gives the event of its last kernel only, so a GEMM that
 * pads or transposes its operands first reports less than its full time. */
static clmlp_status record_gemm(clmlp_context *ctx, cl_event event, bool trans_a, bool trans_b,
                                size_t m, size_t n, size_t k, size_t batch)
{
    if (event == NULL)
        return CLMLP_SUCCESS;
    char key[96];
    if (batch == 0)
        snprintf(key, sizeof key, "sgemm %c%c m=%zu n=%zu k=%zu", trans_a ? 'T' : 'N',
                 trans_b ? 'T' : 'N', m, n, k);
    else
        snprintf(key, sizeof key, "sgemm_batched %c%c m=%zu n=%zu k=%zu batch=%zu",
                 trans_a ? 'T' : 'N', trans_b ? 'T' : 'N', m, n, k, batch);
    return clmlp_profile_record(ctx, CLMLP_PROFILE_GEMM, key, event);
}

static clmlp_status fail_clblast(int code, const char *routine, size_t m, size_t n, size_t k)
{
    clmlp_status status = CLMLP_ERROR_CLBLAST;
    if (code == CLBlastTempBufferAllocFailure || code == CL_MEM_OBJECT_ALLOCATION_FAILURE)
        status = CLMLP_ERROR_OUT_OF_DEVICE_MEMORY;
    else if (code == CLBlastOpenCLOutOfHostMemory)
        status = CLMLP_ERROR_OUT_OF_HOST_MEMORY;
    return clmlp_fail(status, "%s failed with %s (%d) for m=%zu n=%zu k=%zu", routine,
                      clmlp_clblast_status_name(code), code, m, n, k);
}

/* Checks one operand: rows x cols stored row-major with leading dimension ld,
 * batch matrices stride elements apart, inside a buffer of buffer_bytes. */
static clmlp_status check_operand(const char *name, cl_mem buffer, size_t offset, size_t rows,
                                  size_t cols, size_t ld, size_t stride, size_t batch)
{
    if (buffer == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "GEMM operand %s is a NULL buffer", name);
    if (ld < cols)
        return clmlp_fail(CLMLP_ERROR_SHAPE, "GEMM operand %s: leading dimension %zu is below its "
                          "%zu columns", name, ld, cols);

    size_t bytes = 0;
    cl_int code = clGetMemObjectInfo(buffer, CL_MEM_SIZE, sizeof bytes, &bytes, NULL);
    if (code != CL_SUCCESS)
        return clmlp_fail_cl(code, "clGetMemObjectInfo", __FILE__, __LINE__);

    size_t last = offset + (batch - 1) * stride + (rows - 1) * ld + cols;
    if (last * sizeof(float) > bytes)
        return clmlp_fail(CLMLP_ERROR_SHAPE, "GEMM operand %s needs %zu floats but its buffer "
                          "has room for %zu", name, last, bytes / sizeof(float));
    return CLMLP_SUCCESS;
}

static clmlp_status check_gemm(bool trans_a, bool trans_b, size_t m, size_t n, size_t k,
                               cl_mem a, size_t a_offset, size_t lda, size_t a_stride,
                               cl_mem b, size_t b_offset, size_t ldb, size_t b_stride,
                               cl_mem c, size_t c_offset, size_t ldc, size_t c_stride,
                               size_t batch)
{
    if (m == 0 || n == 0 || k == 0 || batch == 0)
        return clmlp_fail(CLMLP_ERROR_SHAPE, "GEMM sizes must be positive: m=%zu n=%zu k=%zu "
                          "batch=%zu", m, n, k, batch);
    /* Stored shapes: A is m x k, or k x m when transposed; likewise B. */
    CLMLP_TRY(check_operand("A", a, a_offset, trans_a ? k : m, trans_a ? m : k, lda, a_stride, batch));
    CLMLP_TRY(check_operand("B", b, b_offset, trans_b ? n : k, trans_b ? k : n, ldb, b_stride, batch));
    CLMLP_TRY(check_operand("C", c, c_offset, m, n, ldc, c_stride, batch));
    return CLMLP_SUCCESS;
}

/* Grows the context's GEMM scratch to at least bytes. The queue is in
 * order, so consecutive GEMMs can share one scratch buffer. */
static clmlp_status gemm_scratch(clmlp_context *ctx, size_t bytes)
{
    if (bytes == 0 || bytes <= ctx->gemm_scratch_bytes)
        return CLMLP_SUCCESS;
    if (ctx->gemm_scratch != NULL) {
        clReleaseMemObject(ctx->gemm_scratch);
        ctx->gemm_scratch = NULL;
        ctx->gemm_scratch_bytes = 0;
    }

    cl_int code = CL_SUCCESS;
    cl_mem buffer = clCreateBuffer(ctx->context, CL_MEM_READ_WRITE, bytes, NULL, &code);
    if (code != CL_SUCCESS) {
        clmlp_status status = clmlp_fail_cl(code, "clCreateBuffer", __FILE__, __LINE__);
        return clmlp_fail_append(status, " for %zu bytes of GEMM scratch on %s", bytes,
                                 ctx->info.device_name);
    }
    ctx->gemm_scratch = buffer;
    ctx->gemm_scratch_bytes = bytes;
    ctx->buffers_created++;
    return CLMLP_SUCCESS;
}

clmlp_status clmlp_sgemm(clmlp_context *ctx, bool trans_a, bool trans_b,
                         size_t m, size_t n, size_t k, float alpha,
                         cl_mem a, size_t a_offset, size_t lda,
                         cl_mem b, size_t b_offset, size_t ldb, float beta,
                         cl_mem c, size_t c_offset, size_t ldc)
{
    CLMLP_TRY(check_gemm(trans_a, trans_b, m, n, k, a, a_offset, lda, 0, b, b_offset, ldb, 0,
                         c, c_offset, ldc, 0, 1));
    CLBlastTranspose ta = trans_a ? CLBlastTransposeYes : CLBlastTransposeNo;
    CLBlastTranspose tb = trans_b ? CLBlastTransposeYes : CLBlastTransposeNo;
    size_t scratch_bytes = 0;
    CLBlastStatusCode code = CLBlastSGemmTempBufferSize(CLBlastLayoutRowMajor, ta, tb, m, n, k,
                                                        a_offset, lda, b_offset, ldb, c_offset,
                                                        ldc, &ctx->queue, &scratch_bytes);
    if (code != CLBlastSuccess)
        return fail_clblast(code, "CLBlastSGemmTempBufferSize", m, n, k);
    CLMLP_TRY(gemm_scratch(ctx, scratch_bytes));

    cl_event event = NULL;
    code = CLBlastSgemmWithTempBuffer(CLBlastLayoutRowMajor, ta, tb, m, n, k, alpha, a, a_offset,
                                      lda, b, b_offset, ldb, beta, c, c_offset, ldc, &ctx->queue,
                                      CLMLP_PROFILE_EVENT(ctx, event), ctx->gemm_scratch);
    if (code != CLBlastSuccess)
        return fail_clblast(code, "CLBlastSgemmWithTempBuffer", m, n, k);
    return record_gemm(ctx, event, trans_a, trans_b, m, n, k, 0);
}

/* CLBlast's strided-batched GEMM on operands that check_gemm accepted. */
static clmlp_status clblast_batched(clmlp_context *ctx, bool trans_a, bool trans_b,
                                    size_t m, size_t n, size_t k, float alpha,
                                    cl_mem a, size_t a_offset, size_t lda, size_t a_stride,
                                    cl_mem b, size_t b_offset, size_t ldb, size_t b_stride,
                                    float beta,
                                    cl_mem c, size_t c_offset, size_t ldc, size_t c_stride,
                                    size_t batch)
{
    cl_event event = NULL;
    CLBlastStatusCode code = CLBlastSgemmStridedBatched(
        CLBlastLayoutRowMajor, trans_a ? CLBlastTransposeYes : CLBlastTransposeNo,
        trans_b ? CLBlastTransposeYes : CLBlastTransposeNo, m, n, k, alpha,
        a, a_offset, lda, a_stride, b, b_offset, ldb, b_stride, beta,
        c, c_offset, ldc, c_stride, batch, &ctx->queue, CLMLP_PROFILE_EVENT(ctx, event));
    if (code != CLBlastSuccess)
        return fail_clblast(code, "CLBlastSgemmStridedBatched", m, n, k);
    return record_gemm(ctx, event, trans_a, trans_b, m, n, k, batch);
}

clmlp_status clmlp_sgemm_strided_batched_clblast(clmlp_context *ctx, bool trans_a, bool trans_b,
                                                 size_t m, size_t n, size_t k, float alpha,
                                                 cl_mem a, size_t a_offset, size_t lda,
                                                 size_t a_stride,
                                                 cl_mem b, size_t b_offset, size_t ldb,
                                                 size_t b_stride, float beta,
                                                 cl_mem c, size_t c_offset, size_t ldc,
                                                 size_t c_stride, size_t batch)
{
    CLMLP_TRY(check_gemm(trans_a, trans_b, m, n, k, a, a_offset, lda, a_stride, b, b_offset, ldb,
                         b_stride, c, c_offset, ldc, c_stride, batch));
    return clblast_batched(ctx, trans_a, trans_b, m, n, k, alpha, a, a_offset, lda, a_stride,
                           b, b_offset, ldb, b_stride, beta, c, c_offset, ldc, c_stride, batch);
}

clmlp_status clmlp_sgemm_strided_batched(clmlp_context *ctx, bool trans_a, bool trans_b,
                                         size_t m, size_t n, size_t k, float alpha,
                                         cl_mem a, size_t a_offset, size_t lda, size_t a_stride,
                                         cl_mem b, size_t b_offset, size_t ldb, size_t b_stride,
                                         float beta,
                                         cl_mem c, size_t c_offset, size_t ldc, size_t c_stride,
                                         size_t batch)
{
    CLMLP_TRY(check_gemm(trans_a, trans_b, m, n, k, a, a_offset, lda, a_stride, b, b_offset, ldb,
                         b_stride, c, c_offset, ldc, c_stride, batch));
    if (clmlp_gemm_thin_applies(trans_a, trans_b, m, n, k, a_offset, lda, a_stride, b_offset,
                                ldb, b_stride, c_offset, ldc, c_stride, batch))
        return clmlp_gemm_thin_batched(ctx, trans_a, trans_b, m, n, k, alpha, a, a_offset, lda,
                                       a_stride, b, b_offset, ldb, b_stride, beta, c, c_offset,
                                       ldc, c_stride, batch);
    return clblast_batched(ctx, trans_a, trans_b, m, n, k, alpha, a, a_offset, lda, a_stride,
                           b, b_offset, ldb, b_stride, beta, c, c_offset, ldc, c_stride, batch);
}
