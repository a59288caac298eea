/* Differentiable ops on tensors. Each output belongs to the tape, lives until
 * clmlp_tape_reset(), and is recorded for clmlp_backward() when the tape is
 * recording and an input requires a gradient. Matrices are row-major
 * [rows, columns]; a batch is [batch, features]. */
#ifndef CLMLP_OPS_H
#define CLMLP_OPS_H

#include "clmlp/autograd.h"

#ifdef __cplusplus
extern "C" {
#endif

/* out[M, N] = a[M, K] · b[K, N]. */
CLMLP_API clmlp_status clmlp_matmul(clmlp_tape *tape, clmlp_tensor *a, clmlp_tensor *b,
                                    clmlp_tensor **out);

/* out[B, N] = x[B, N] + bias[N], the bias added to every row. */
CLMLP_API clmlp_status clmlp_add_bias(clmlp_tape *tape, clmlp_tensor *x, clmlp_tensor *bias,
                                      clmlp_tensor **out);

/* out = max(x, 0), elementwise. The gradient at 0 is 0, as in PyTorch. */
CLMLP_API clmlp_status clmlp_relu(clmlp_tape *tape, clmlp_tensor *x, clmlp_tensor **out);

/* Softmax cross-entropy: out[1] = mean over rows b of
 * logsumexp(logits[b, :]) - logits[b, labels[b]], computed with the row
 * maximum subtracted. labels is an int32 tensor [B] of class indices; a label
 * outside [0, C) makes that row's loss NaN, so callers check labels first. */
CLMLP_API clmlp_status clmlp_cross_entropy(clmlp_tape *tape, clmlp_tensor *logits,
                                           clmlp_tensor *labels, clmlp_tensor **out);

#ifdef __cplusplus
}
#endif

#endif
