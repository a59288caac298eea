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
 * (likewise B and C). A stride of 0 shares one matrix across the batch. */
clmlp_status clmlp_sgemm_strided_batched(clmlp_context *ctx, bool trans_a, bool trans_b,
                                         size_t m, size_t n, size_t k, float alpha,
                                         cl_mem a, size_t a_offset, size_t lda, size_t a_stride,
                                         cl_mem b, size_t b_offset, size_t ldb, size_t b_stride,
                                         float beta,
                                         cl_mem c, size_t c_offset, size_t ldc, size_t c_stride,
                                         size_t batch);

/* Returns the name of a CLBlast status code, such as "CLBlastInvalidLeadDimA". */
const char *clmlp_clblast_status_name(int code);

#endif
