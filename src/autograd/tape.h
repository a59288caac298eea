/* Internal tape records, shared by the op implementations. */
#ifndef CLMLP_AUTOGRAD_TAPE_H
#define CLMLP_AUTOGRAD_TAPE_H

#include "clmlp/autograd.h"
#include "tensor/tensor.h"

#define CLMLP_NODE_INPUTS 4

typedef struct clmlp_node clmlp_node;

/* Adds the gradient of node->output into the gradients of its inputs. */
typedef clmlp_status (*clmlp_backward_fn)(clmlp_node *node);

struct clmlp_node {
    clmlp_backward_fn backward;
    const char *op;                               /* name for error messages */
    clmlp_tensor *output;
    clmlp_tensor *inputs[CLMLP_NODE_INPUTS];      /* NULL where unused */
    clmlp_tensor *saved[CLMLP_NODE_INPUTS];       /* extra tensors the backward reads */
    float scalars[4];
    int ints[4];
};

struct clmlp_tape {
    clmlp_context *ctx;
    bool recording;

    clmlp_node **nodes;                           /* kept across resets for reuse */
    size_t node_count, node_capacity;

    clmlp_tensor **tensors;                       /* freed by reset, newest last */
    size_t tensor_count, tensor_capacity;
};

/* Allocates an uninitialised tensor owned by the tape. */
clmlp_status clmlp_tape_tensor(clmlp_tape *tape, clmlp_dtype dtype, int ndim, const size_t *shape,
                               clmlp_tensor **tensor);

/* Hands an existing tensor to the tape, which frees it on reset. */
clmlp_status clmlp_tape_adopt(clmlp_tape *tape, clmlp_tensor *tensor);

/* Records output as made from inputs when the tape is recording and any
 * input requires a gradient; *node is NULL when nothing was recorded. */
clmlp_status clmlp_tape_record(clmlp_tape *tape, const char *op, clmlp_backward_fn backward,
                               clmlp_tensor *output, clmlp_tensor *const *inputs,
                               size_t input_count, clmlp_node **node);

/* Returns the gradient of an op input to accumulate into, or NULL (with
 * success) when that input needs none. */
clmlp_status clmlp_input_grad(clmlp_node *node, size_t index, clmlp_tensor **grad);

/* Runs the backward of every recorded node whose output has a gradient,
 * newest first. clmlp_backward() seeds the loss and calls it; a test can
 * instead write an upstream gradient into any output and call it. */
clmlp_status clmlp_tape_replay(clmlp_tape *tape);

#endif
