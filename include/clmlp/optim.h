/* Optimizers that update parameters on the device. */
#ifndef CLMLP_OPTIM_H
#define CLMLP_OPTIM_H

#include <stdbool.h>
#include <stdint.h>

#include "clmlp/tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct clmlp_optimizer clmlp_optimizer;

/* Stochastic gradient descent with PyTorch's update rule (torch.optim.SGD). */
typedef struct clmlp_sgd_options {
    float lr;              /* learning rate, > 0 */
    float momentum;        /* 0 disables the momentum buffer */
    float dampening;       /* scales the new gradient in the momentum buffer by 1 - dampening */
    float weight_decay;    /* L2 penalty added to the gradient: g += weight_decay * p */
    bool nesterov;         /* Nesterov momentum; needs momentum > 0 and dampening 0 */
} clmlp_sgd_options;

/* Returns lr 0.01 and every other option 0 or false. */
CLMLP_API clmlp_sgd_options clmlp_sgd_default(void);

/* Creates an SGD optimizer over count parameters, which must be float
 * tensors that require gradients. The optimizer keeps the pointers but does
 * not own the tensors; free it before them. */
CLMLP_API clmlp_status clmlp_sgd_create(clmlp_context *ctx, clmlp_tensor *const *params,
                                        size_t count, const clmlp_sgd_options *options,
                                        clmlp_optimizer **optimizer);

/* Adam and AdamW with PyTorch's update rule and bias correction
 * (torch.optim.Adam and torch.optim.AdamW, amsgrad off). */
typedef struct clmlp_adam_options {
    float lr;              /* learning rate, > 0; default 1e-3 */
    float beta1;           /* first-moment decay in [0, 1); default 0.9 */
    float beta2;           /* second-moment decay in [0, 1); default 0.999 */
    float eps;             /* added to the root of the second moment, >= 0; default 1e-8 */
    float weight_decay;    /* >= 0; Adam adds weight_decay * p to the gradient, AdamW
                              multiplies p by 1 - lr * weight_decay before the update.
                              Default 0 for Adam and 0.01 for AdamW */
} clmlp_adam_options;

CLMLP_API clmlp_adam_options clmlp_adam_default(void);
CLMLP_API clmlp_adam_options clmlp_adamw_default(void);

/* Create Adam and AdamW over params, with the same ownership rules as SGD.
 * options may be NULL for the defaults. */
CLMLP_API clmlp_status clmlp_adam_create(clmlp_context *ctx, clmlp_tensor *const *params,
                                         size_t count, const clmlp_adam_options *options,
                                         clmlp_optimizer **optimizer);
CLMLP_API clmlp_status clmlp_adamw_create(clmlp_context *ctx, clmlp_tensor *const *params,
                                          size_t count, const clmlp_adam_options *options,
                                          clmlp_optimizer **optimizer);

/* Applies one update from the parameters' current gradients. */
CLMLP_API clmlp_status clmlp_optimizer_step(clmlp_optimizer *optimizer);

/* Sets every parameter's gradient to zero. Gradients accumulate until this
 * is called, as in PyTorch. */
CLMLP_API clmlp_status clmlp_optimizer_zero_grad(clmlp_optimizer *optimizer);

CLMLP_API clmlp_status clmlp_optimizer_set_lr(clmlp_optimizer *optimizer, float lr);
CLMLP_API float clmlp_optimizer_lr(const clmlp_optimizer *optimizer);

/* Returns the name of the algorithm: "sgd", "adam" or "adamw". */
CLMLP_API const char *clmlp_optimizer_name(const clmlp_optimizer *optimizer);

/* Number of parameters the optimizer updates. */
CLMLP_API size_t clmlp_optimizer_param_count(const clmlp_optimizer *optimizer);

/* Number of state tensors kept per parameter: 0 for SGD without momentum, 1
 * for SGD with momentum ("momentum_buffer"), 2 for Adam and AdamW
 * ("exp_avg", "exp_avg_sq"). */
CLMLP_API size_t clmlp_optimizer_state_slots(const clmlp_optimizer *optimizer);

/* Returns the PyTorch name of state slot, or NULL when out of range. */
CLMLP_API const char *clmlp_optimizer_state_name(const clmlp_optimizer *optimizer, size_t slot);

/* Returns the state tensor of slot for parameter param, shaped like the
 * parameter and owned by the optimizer. Write into it with
 * clmlp_tensor_write() to restore a checkpoint. Returns
 * CLMLP_ERROR_INVALID_ARGUMENT when an index is out of range. */
CLMLP_API clmlp_status clmlp_optimizer_state(clmlp_optimizer *optimizer, size_t param, size_t slot,
                                             clmlp_tensor **state);

/* Number of steps taken, PyTorch's "step". SGD's first step with momentum
 * starts the buffer from the gradient; Adam's bias correction uses it. */
CLMLP_API uint64_t clmlp_optimizer_step_count(const clmlp_optimizer *optimizer);

/* Sets the step count, to restore a checkpoint together with the state
 * tensors. */
CLMLP_API clmlp_status clmlp_optimizer_set_step_count(clmlp_optimizer *optimizer, uint64_t steps);

/* Frees the optimizer and its state. NULL is allowed. */
CLMLP_API void clmlp_optimizer_free(clmlp_optimizer *optimizer);

#ifdef __cplusplus
}
#endif

#endif
