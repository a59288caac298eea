/* Visitors over the named tensors that a checkpoint stores for a model or an
 * optimizer. */
#ifndef CLMLP_TENSOR_STATE_H
#define CLMLP_TENSOR_STATE_H

#include <stdbool.h>
#include <stddef.h>

#include "clmlp/tensor.h"

/* One tensor of a model's state: a parameter or a buffer such as a running
 * mean. */
typedef struct clmlp_state_entry {
    const char *name;          /* "W1", "net.1.weight", "net.2.running_mean", ... */
    clmlp_tensor *tensor;      /* contiguous float tensor owned by the model */
    bool transposed;           /* a 2-D tensor held as [in, out] and saved as [out, in],
                                  the layout of PyTorch's Linear.weight */
} clmlp_state_entry;

typedef clmlp_status (*clmlp_state_fn)(const clmlp_state_entry *entry, void *user_data);

/* One tensor of an optimizer's state for the parameter at param_index in
 * the optimizer's parameter list; slot names it ("momentum_buffer",
 * "exp_avg", ...). The tensor has the parameter's shape. */
typedef clmlp_status (*clmlp_optimizer_state_fn)(size_t param_index, const char *slot,
                                                 clmlp_tensor *tensor, void *user_data);

#endif
