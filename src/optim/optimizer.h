/* Internal optimizer layout shared by every algorithm. */
#ifndef CLMLP_OPTIM_OPTIMIZER_H
#define CLMLP_OPTIM_OPTIMIZER_H

#include <stdint.h>

#include <cJSON.h>

#include "clmlp/optim.h"
#include "tensor/state.h"
#include "tensor/tensor.h"

typedef struct clmlp_optimizer_ops {
    const char *name;
    clmlp_status (*step)(clmlp_optimizer *optimizer);
    void (*free_state)(clmlp_optimizer *optimizer);
    /* Visits the per-parameter state tensors; NULL for a stateless
     * algorithm. */
    clmlp_status (*visit_state)(clmlp_optimizer *optimizer, clmlp_optimizer_state_fn fn,
                                void *user_data);
    /* Adds the algorithm's settings to a JSON object, which
     * clmlp_optimizer_from_config() reads back. */
    clmlp_status (*write_config)(const clmlp_optimizer *optimizer, cJSON *config);
} clmlp_optimizer_ops;

struct clmlp_optimizer {
    const clmlp_optimizer_ops *ops;
    clmlp_context *ctx;
    clmlp_tensor **params;       /* not owned */
    size_t param_count;
    float lr;
    uint64_t step_count;         /* steps taken so far */
    void *state;                 /* algorithm-specific */

    /* Per-parameter state tensors: slot s of parameter i is
     * state_tensors[i * state_slots + s]. Owned. */
    clmlp_tensor **state_tensors;
    size_t state_slots;
    const char *const *state_names;   /* state_slots static names */
};

/* Fills the common fields after checking the parameter list. */
clmlp_status clmlp_optimizer_init(clmlp_optimizer *optimizer, const clmlp_optimizer_ops *ops,
                                  clmlp_context *ctx, clmlp_tensor *const *params, size_t count,
                                  float lr);

/* Creates an optimizer of the named algorithm over params from the
 * settings that its write_config hook wrote. Returns
 * CLMLP_ERROR_UNSUPPORTED for an algorithm this build does not have. */
clmlp_status clmlp_optimizer_from_config(clmlp_context *ctx, const char *name,
                                         clmlp_tensor *const *params, size_t count,
                                         const cJSON *config, clmlp_optimizer **optimizer);

/* Creates SGD from {"lr", "momentum", "dampening", "weight_decay",
 * "nesterov"}; missing keys keep clmlp_sgd_default()'s values. */
clmlp_status clmlp_sgd_from_config(clmlp_context *ctx, clmlp_tensor *const *params, size_t count,
                                   const cJSON *config, clmlp_optimizer **optimizer);
/* Create Adam and AdamW from {"lr", "beta1", "beta2", "eps",
 * "weight_decay"}; missing keys keep clmlp_adam_default()'s or
 * clmlp_adamw_default()'s values. */
clmlp_status clmlp_adam_from_config(clmlp_context *ctx, clmlp_tensor *const *params, size_t count,
                                    const cJSON *config, clmlp_optimizer **optimizer);
clmlp_status clmlp_adamw_from_config(clmlp_context *ctx, clmlp_tensor *const *params, size_t count,
                                     const cJSON *config, clmlp_optimizer **optimizer);

/* Visits every state tensor of clmlp_optimizer_alloc_state, parameter by
 * parameter; it serves as the visit_state hook of SGD and Adam. */
clmlp_status clmlp_optimizer_visit_state_tensors(clmlp_optimizer *optimizer,
                                                 clmlp_optimizer_state_fn fn, void *user_data);

/* Creates zero-filled state tensors shaped like each parameter, slots per
 * parameter, named by names (static strings). */
clmlp_status clmlp_optimizer_alloc_state(clmlp_optimizer *optimizer, size_t slots,
                                         const char *const *names);

#endif
