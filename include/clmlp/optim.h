/* Optimizers that update parameters on the device. */
#ifndef CLMLP_OPTIM_H
#define CLMLP_OPTIM_H

#include <stdbool.h>

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

/* Applies one update from the parameters' current gradients. */
CLMLP_API clmlp_status clmlp_optimizer_step(clmlp_optimizer *optimizer);

/* Sets every parameter's gradient to zero. Gradients accumulate until this
 * is called, as in PyTorch. */
CLMLP_API clmlp_status clmlp_optimizer_zero_grad(clmlp_optimizer *optimizer);

CLMLP_API clmlp_status clmlp_optimizer_set_lr(clmlp_optimizer *optimizer, float lr);
CLMLP_API float clmlp_optimizer_lr(const clmlp_optimizer *optimizer);

/* Returns the name of the algorithm: "sgd". */
CLMLP_API const char *clmlp_optimizer_name(const clmlp_optimizer *optimizer);

/* Frees the optimizer and its state. NULL is allowed. */
CLMLP_API void clmlp_optimizer_free(clmlp_optimizer *optimizer);

#ifdef __cplusplus
}
#endif

#endif
