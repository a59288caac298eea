/* Internal optimizer layout shared by every algorithm. */
#ifndef CLMLP_OPTIM_OPTIMIZER_H
#define CLMLP_OPTIM_OPTIMIZER_H

#include <stdint.h>

#include "clmlp/optim.h"
#include "tensor/tensor.h"

typedef struct clmlp_optimizer_ops {
    const char *name;
    clmlp_status (*step)(clmlp_optimizer *optimizer);
    void (*free_state)(clmlp_optimizer *optimizer);
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

/* Creates zero-filled state tensors shaped like each parameter, slots per
 * parameter, named by names (static strings). */
clmlp_status clmlp_optimizer_alloc_state(clmlp_optimizer *optimizer, size_t slots,
                                         const char *const *names);

#endif
