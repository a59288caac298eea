/* Strided-batched GEMM for thin products (m = 1 or k = 1) with a kernel of
 * clmlp's own, because CLBlast's batched routines spend far longer on them
 * than the few floating-point operations they need. */
#include "blas/blas.h"

#include <stdint.h>

/* The kernel indexes with 32-bit unsigned integers. */
static bool fits_uint(size_t value)
{
    return value <= UINT32_MAX;
}

bool clmlp_gemm_thin_applies(bool trans_a, bool trans_b, size_t m, size_t n, size_t k,
                             size_t a_offset, size_t lda, size_t a_stride,
                             size_t b_offset, size_t ldb, size_t b_stride,
                             size_t c_offset, size_t ldc, size_t c_stride, size_t batch)
{
    if (m != 1 && k != 1)
        return false;
    /* The last element of each operand, as in the shape checks. */
    size_t a_last = a_offset + (batch - 1) * a_stride + ((trans_a ? k : m) - 1) * lda +
                    (trans_a ? m : k);
    size_t b_last = b_offset + (batch - 1) * b_stride + ((trans_b ? n : k) - 1) * ldb +
                    (trans_b ? k : n);
    size_t c_last = c_offset + (batch - 1) * c_stride + (m - 1) * ldc + n;
    return fits_uint(a_last) && fits_uint(b_last) && fits_uint(c_last) &&
           batch <= UINT32_MAX / m / n;
}

/* Work-items launched per matrix. Each work-group computes one matrix. When
 * a kernel allows fewer work-items per group, the outer-product launch gets
 * more groups than matrices, and the extra groups return at once. */
#define ITEMS_PER_MATRIX 64

clmlp_status clmlp_gemm_thin_batched(clmlp_context *ctx, bool trans_a, bool trans_b,
                                     size_t m, size_t n, size_t k, float alpha,
                                     cl_mem a, size_t a_offset, size_t lda, size_t a_stride,
                                     cl_mem b, size_t b_offset, size_t ldb, size_t b_stride,
                                     float beta,
                                     cl_mem c, size_t c_offset, size_t ldc, size_t c_stride,
                                     size_t batch)
{
    size_t work_items = batch * ITEMS_PER_MATRIX;
    cl_uint count = (cl_uint)batch, um = (cl_uint)m, un = (cl_uint)n, uk = (cl_uint)k;
    cl_uint ao = (cl_uint)a_offset, sa = (cl_uint)a_stride;
    cl_uint bo = (cl_uint)b_offset, sb = (cl_uint)b_stride;
    cl_uint co = (cl_uint)c_offset, lc = (cl_uint)ldc, sc = (cl_uint)c_stride;

    if (m == 1) {
        /* The row of A is contiguous unless A is stored as a k x 1 column. */
        cl_uint a_step = trans_a ? (cl_uint)lda : 1, lb = (cl_uint)ldb;
        cl_int tb = trans_b;
        return CLMLP_LAUNCH_GROUPS(ctx, "batched_gemm_row", batch, ITEMS_PER_MATRIX,
                                   CLMLP_ARG(count),
                                   CLMLP_ARG(un), CLMLP_ARG(uk), CLMLP_ARG(alpha),
                                   CLMLP_ARG(beta), CLMLP_ARG(tb), CLMLP_ARG(a), CLMLP_ARG(ao),
                                   CLMLP_ARG(a_step), CLMLP_ARG(sa), CLMLP_ARG(b), CLMLP_ARG(bo),
                                   CLMLP_ARG(lb), CLMLP_ARG(sb), CLMLP_ARG(c), CLMLP_ARG(co),
                                   CLMLP_ARG(sc));
    }

    /* k = 1: op(A) is the column x and op(B) the row y of an outer product. */
    cl_uint x_step = trans_a ? 1 : (cl_uint)lda, y_step = trans_b ? (cl_uint)ldb : 1;
    return CLMLP_LAUNCH_1D(ctx, "batched_outer", work_items, CLMLP_ARG(count), CLMLP_ARG(um),
                           CLMLP_ARG(un), CLMLP_ARG(alpha), CLMLP_ARG(beta), CLMLP_ARG(a),
                           CLMLP_ARG(ao), CLMLP_ARG(x_step), CLMLP_ARG(sa), CLMLP_ARG(b),
                           CLMLP_ARG(bo), CLMLP_ARG(y_step), CLMLP_ARG(sb), CLMLP_ARG(c),
                           CLMLP_ARG(co), CLMLP_ARG(lc), CLMLP_ARG(sc));
}
