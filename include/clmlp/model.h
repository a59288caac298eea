/* Models: a forward pass from a batch to logits, and named parameters. */
#ifndef CLMLP_MODEL_H
#define CLMLP_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "clmlp/autograd.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct clmlp_model clmlp_model;

/* Computes logits [B, outputs] from x [B, inputs] on the tape. The logits
 * belong to the tape. */
CLMLP_API clmlp_status clmlp_model_forward(clmlp_model *model, clmlp_tape *tape, clmlp_tensor *x,
                                           clmlp_tensor **logits);

/* Returns the trainable parameters and their names ("W1", "net.1.weight", ...).
 * Both arrays belong to the model and stay valid until it changes shape or is
 * freed. A model with lazy layers has none until its first forward pass, and
 * returns CLMLP_ERROR_NOT_READY before it. */
CLMLP_API clmlp_status clmlp_model_parameters(clmlp_model *model, clmlp_tensor *const **params,
                                              const char *const **names, size_t *count);

/* Returns the buffers, state that is saved but not trained, such as
 * "net.2.running_mean", with the same lifetime rules as the parameters. A
 * model without buffers returns a count of 0. */
CLMLP_API clmlp_status clmlp_model_buffers(clmlp_model *model, clmlp_tensor *const **buffers,
                                           const char *const **names, size_t *count);

/* Switches between training (the default) and evaluation mode. */
CLMLP_API void clmlp_model_set_training(clmlp_model *model, bool training);
CLMLP_API bool clmlp_model_training(const clmlp_model *model);

/* Returns the family name: "scratch", "concise", "fc" or "hyper". */
CLMLP_API const char *clmlp_model_family(const clmlp_model *model);

/* Frees the model and its parameters. NULL is allowed. */
CLMLP_API void clmlp_model_free(clmlp_model *model);

/* The scratch MLP, written with explicit parameters as a from-scratch
 * tutorial writes it: W1 [inputs, hidden] and W2 [hidden, outputs] drawn
 * from N(0, 0.01^2) with the given seed, zero biases b1 and b2, and
 * logits = ReLU(X·W1 + b1)·W2 + b2. */
CLMLP_API clmlp_status clmlp_scratch_mlp_create(clmlp_context *ctx, size_t inputs, size_t hidden,
                                                size_t outputs, uint64_t seed, clmlp_model **model);

#ifdef __cplusplus
}
#endif

#endif
