/* Internal module layout: every module embeds struct clmlp_module first. */
#ifndef CLMLP_NN_MODULE_H
#define CLMLP_NN_MODULE_H

#include "clmlp/nn.h"
#include "tensor/tensor.h"

#define CLMLP_MODULE_MAX_PARAMS 2
#define CLMLP_MODULE_MAX_BUFFERS 3

typedef struct clmlp_module_ops {
    const char *kind;   /* PyTorch class name */
    clmlp_status (*forward)(clmlp_module *module, clmlp_tape *tape, clmlp_tensor *x,
                            clmlp_tensor **y);
    void (*free)(clmlp_module *module);   /* frees the kind's own fields; may be NULL */
} clmlp_module_ops;

struct clmlp_module {
    const clmlp_module_ops *ops;
    clmlp_context *ctx;
    bool training;

    /* A LazyLinear before its first input: its parameters do not exist. */
    bool lazy_pending;

    /* Own tensors, named without prefix; owned by the module. */
    clmlp_tensor *params[CLMLP_MODULE_MAX_PARAMS];
    const char *param_names[CLMLP_MODULE_MAX_PARAMS];   /* static strings */
    size_t param_count;
    clmlp_tensor *buffers[CLMLP_MODULE_MAX_BUFFERS];
    const char *buffer_names[CLMLP_MODULE_MAX_BUFFERS];
    size_t buffer_count;

    /* Children of a Sequential, owned; NULL elsewhere. */
    clmlp_module **children;
    size_t child_count, child_capacity;
};

/* Allocates a zeroed module of size bytes (at least sizeof(clmlp_module))
 * in training mode. */
clmlp_status clmlp_module_alloc(clmlp_context *ctx, const clmlp_module_ops *ops, size_t size,
                                clmlp_module **module);

/* Creates a float tensor owned by the module and adds it under name (a
 * static string): a parameter that requires a gradient, or a buffer. */
clmlp_status clmlp_module_add_parameter(clmlp_module *module, const char *name, size_t features,
                                        size_t inputs, clmlp_tensor **tensor);
clmlp_status clmlp_module_add_buffer(clmlp_module *module, const char *name, clmlp_dtype dtype,
                                     size_t count, clmlp_tensor **tensor);

/* Appends *child to sequential when created is success, so a builder can
 * write append(seq, clmlp_relu_create(ctx, &child), &child). Returns the
 * first failure; a failed append has freed the child. */
clmlp_status clmlp_sequential_append_created(clmlp_module *sequential, clmlp_status created,
                                             clmlp_module **child);

/* Returns the number of training forward passes that the Dropout layers in
 * module and its children have made, the counter of their masks: the
 * largest one, or 0 without Dropout. */
uint64_t clmlp_module_dropout_calls(const clmlp_module *module);

/* Sets that counter on every Dropout layer in module and its children, so
 * a restored model draws the masks that the saved one would have drawn. */
void clmlp_module_set_dropout_calls(clmlp_module *module, uint64_t calls);

#endif
