/* Differentiable ops on tensors. Each output belongs to the tape, lives until
 * clmlp_tape_reset(), and is recorded for clmlp_backward() when the tape is
 * recording and an input requires a gradient. Matrices are row-major
 * [rows, columns]; a batch is [batch, features]. */
#ifndef CLMLP_OPS_H
#define CLMLP_OPS_H

#include <stdbool.h>
#include <stdint.h>

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

/* out[B, out] = x[B, in] · weightᵀ + bias, with weight [out, in] as in
 * torch.nn.functional.linear. bias [out] may be NULL. */
CLMLP_API clmlp_status clmlp_linear(clmlp_tape *tape, clmlp_tensor *x, clmlp_tensor *weight,
                                    clmlp_tensor *bias, clmlp_tensor **out);

/* out = tanh(x), elementwise. */
CLMLP_API clmlp_status clmlp_tanh(clmlp_tape *tape, clmlp_tensor *x, clmlp_tensor **out);

/* out = 1 / (1 + exp(-x)), elementwise. */
CLMLP_API clmlp_status clmlp_sigmoid(clmlp_tape *tape, clmlp_tensor *x, clmlp_tensor **out);

/* out = x where x > 0, slope * x elsewhere. The gradient at 0 is slope. */
CLMLP_API clmlp_status clmlp_leaky_relu(clmlp_tape *tape, clmlp_tensor *x, float slope,
                                        clmlp_tensor **out);

/* Reshapes x [B, d1, ...] into [B, d1 * ...], sharing x's buffer. x must be
 * contiguous. */
CLMLP_API clmlp_status clmlp_flatten(clmlp_tape *tape, clmlp_tensor *x, clmlp_tensor **out);

/* Batch normalisation of x [B, F] per feature, as
 * torch.nn.functional.batch_norm: out = (x - mean) / sqrt(var + eps) * weight
 * + bias. weight and bias [F] may be NULL (1 and 0).
 * In training, mean and var are the batch mean and biased variance, B must
 * be at least 2 (CLMLP_ERROR_SHAPE otherwise), and when running_mean and
 * running_var [F] are given they become (1 - momentum) * running + momentum
 * * batch statistic, with the unbiased variance; num_batches_tracked (int32
 * [1], may be NULL) then grows by one.
 * In evaluation, mean and var are running_mean and running_var, which are
 * required, and nothing is updated. Running statistics never get
 * gradients. */
CLMLP_API clmlp_status clmlp_batch_norm(clmlp_tape *tape, clmlp_tensor *x, clmlp_tensor *weight,
                                        clmlp_tensor *bias, clmlp_tensor *running_mean,
                                        clmlp_tensor *running_var,
                                        clmlp_tensor *num_batches_tracked, bool training,
                                        float momentum, float eps, clmlp_tensor **out);

/* Training-mode dropout: zeroes each element of x with probability p in
 * [0, 1) and multiplies the rest by 1/(1-p). Element i is kept when the
 * Philox uniform for (seed, counter, i) is at least p, so one (seed,
 * counter) pair gives the same mask on every device; pass a new counter for
 * each call. For evaluation, skip the op. */
CLMLP_API clmlp_status clmlp_dropout(clmlp_tape *tape, clmlp_tensor *x, float p, uint64_t seed,
                                     uint64_t counter, clmlp_tensor **out);

/* Binary cross-entropy on logits, as torch.nn.BCEWithLogitsLoss: out[1] =
 * mean of max(z, 0) - z * t + log(1 + exp(-|z|)) over all elements. targets
 * is a float tensor of the same element count with values in [0, 1]; it
 * gets no gradient. */
CLMLP_API clmlp_status clmlp_bce_with_logits(clmlp_tape *tape, clmlp_tensor *logits,
                                             clmlp_tensor *targets, clmlp_tensor **out);

/* Binary cross-entropy on probabilities, as torch.nn.BCELoss: out[1] = mean
 * of -(t * log(p) + (1 - t) * log(1 - p)), each log clamped at -100 as
 * PyTorch does so p = 0 or 1 gives a finite loss. */
CLMLP_API clmlp_status clmlp_binary_cross_entropy(clmlp_tape *tape, clmlp_tensor *probs,
                                                  clmlp_tensor *targets, clmlp_tensor **out);

/* Mean squared error, as torch.nn.MSELoss: out[1] = mean of (x - t)^2. */
CLMLP_API clmlp_status clmlp_mse_loss(clmlp_tape *tape, clmlp_tensor *input, clmlp_tensor *targets,
                                      clmlp_tensor **out);

#ifdef __cplusplus
}
#endif

#endif
