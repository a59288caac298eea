/* Ops for per-sample parameters: batched matrix products, views that share
 * a tensor's buffer, and sums of strided matrices. Outputs belong to the
 * tape, as for the ops in clmlp/ops.h. */
#ifndef CLMLP_BATCHED_H
#define CLMLP_BATCHED_H

#include "clmlp/autograd.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Batched matrix product with torch.bmm semantics:
 * out[b] = a[b] · b[b] for every b, with a [B, m, k], b [B, k, n] and a new
 * contiguous out [B, m, n]. The operands may be views: within a matrix the
 * columns must be adjacent (last stride 1) and the row stride at least the
 * column count, and matrices may lie any batch stride apart. A batch stride
 * of 0 shares one matrix across the batch, which is allowed only for an
 * operand that needs no gradient. The backward adds dC·bᵀ into a's gradient
 * and aᵀ·dC into b's, each with one strided-batched GEMM.
 * Returns CLMLP_ERROR_SHAPE for ranks, dtypes or sizes that do not fit and
 * CLMLP_ERROR_UNSUPPORTED for a shared operand that requires a gradient. */
CLMLP_API clmlp_status clmlp_bmm(clmlp_tape *tape, clmlp_tensor *a, clmlp_tensor *b,
                                 clmlp_tensor **out);

/* Makes a view of base without copying: a tensor of ndim dimensions with the
 * given shape and strides (in elements) whose first element is element
 * offset of base, counted from base's first element. The view must stay
 * inside base's elements. Its gradient is a view of the same region of
 * base's gradient, so an op that adds into the view's gradient adds into
 * base's gradient directly. Views of one base may overlap. base must be
 * contiguous or itself a view made by clmlp_view().
 * Returns CLMLP_ERROR_SHAPE when the view leaves base. */
CLMLP_API clmlp_status clmlp_view(clmlp_tape *tape, clmlp_tensor *base, int ndim,
                                  const size_t *shape, const size_t *strides, size_t offset,
                                  clmlp_tensor **out);

/* out[R, C] = a[R, C] + b[R, C], where a and b are 2-D with adjacent
 * columns and any row stride (at least C), so either may be a view such as
 * one bias row per sample. out is new and contiguous. Rows of an operand
 * that requires a gradient must not overlap.
 * Returns CLMLP_ERROR_SHAPE when the shapes differ. */
CLMLP_API clmlp_status clmlp_add(clmlp_tape *tape, clmlp_tensor *a, clmlp_tensor *b,
                                 clmlp_tensor **out);

#ifdef __cplusplus
}
#endif

#endif
