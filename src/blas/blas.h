/* Row-major GEMM and strided-batched GEMM through CLBlast. This is the only
 * part of clmlp that calls CLBlast. */
#ifndef CLMLP_BLAS_BLAS_H
#define CLMLP_BLAS_BLAS_H

#include <CL/cl.h>
#include <stdbool.h>

#include "runtime/context.h"

/* C = alpha * op(A) * op(B) + beta * C with row-major matrices: op(A) is
 * m x k, op(B) is k x n and C is m x n. Offsets and leading dimensions are in
 * elements. Shapes are checked before anything is enqueued. */
clmlp_status clmlp_sgemm(clmlp_context *ctx, bool trans_a, bool trans_b,
                         size_t m, size_t n, size_t k, float alpha,
                         cl_mem a, size_t a_offset, size_t lda,
                         cl_mem b, size_t b_offset, size_t ldb, float beta,
                         cl_mem c, size_t c_offset, size_t ldc);

/* batch independent GEMMs; matrix i of A starts at a_offset + i * a_stride
 * (likewise B and C). A stride of 0 shares one matrix across the batch.
 * Products with m = 1 or k = 1 run clmlp's own kernel, the rest CLBlast. */
clmlp_status clmlp_sgemm_strided_batched(clmlp_context *ctx, bool trans_a, bool trans_b,
                                         size_t m, size_t n, size_t k, float alpha,
                                         cl_mem a, size_t a_offset, size_t lda, size_t a_stride,
                                         cl_mem b, size_t b_offset, size_t ldb, size_t b_stride,
                                         float beta,
                                         cl_mem c, size_t c_offset, size_t ldc, size_t c_stride,
                                         size_t batch);

/* clmlp_sgemm_strided_batched through CLBlast whatever the shape, after
 * the same checks; for tests and benchmarks that compare the two paths. */
clmlp_status clmlp_sgemm_strided_batched_clblast(clmlp_context *ctx, bool trans_a, bool trans_b,
                                                 size_t m, size_t n, size_t k, float alpha,
                                                 cl_mem a, size_t a_offset, size_t lda,
                                                 size_t a_stride,
                                                 cl_mem b, size_t b_offset, size_t ldb,
                                                 size_t b_stride, float beta,
                                                 cl_mem c, size_t c_offset, size_t ldc,
                                                 size_t c_stride, size_t batch);

/* Whether clmlp_gemm_thin_batched takes a batched product whose sizes are
 * positive: m = 1 or k = 1, with every index within 32 bits. */
bool clmlp_gemm_thin_applies(bool trans_a, bool trans_b, size_t m, size_t n, size_t k,
                             size_t a_offset, size_t lda, size_t a_stride,
                             size_t b_offset, size_t ldb, size_t b_stride,
                             size_t c_offset, size_t ldc, size_t c_stride, size_t batch);

/* Enqueues a checked batched product for which clmlp_gemm_thin_applies, with
 * one work-item per element of C. */
clmlp_status clmlp_gemm_thin_batched(clmlp_context *ctx, bool trans_a, bool trans_b,
                                     size_t m, size_t n, size_t k, float alpha,
                                     cl_mem a, size_t a_offset, size_t lda, size_t a_stride,
                                     cl_mem b, size_t b_offset, size_t ldb, size_t b_stride,
                                     float beta,
                                     cl_mem c, size_t c_offset, size_t ldc, size_t c_stride,
                                     size_t batch);

/* Returns the name of a CLBlast status code, such as "CLBlastInvalidLeadDimA". */
const char *clmlp_clblast_status_name(int code);

#endif
