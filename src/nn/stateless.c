/* Modules without parameters: the activations and Flatten. */
#include "nn/module.h"

#include <math.h>

#include "clmlp/ops.h"

typedef struct leaky_relu_module {
    clmlp_module base;
    float slope;
} leaky_relu_module;

static clmlp_status relu_forward(clmlp_module *m, clmlp_tape *tape, clmlp_tensor *x,
                                 clmlp_tensor **y)
{
    (void)m;
    return clmlp_relu(tape, x, y);
}

static clmlp_status tanh_forward(clmlp_module *m, clmlp_tape *tape, clmlp_tensor *x,
                                 clmlp_tensor **y)
{
    (void)m;
    return clmlp_tanh(tape, x, y);
}

static clmlp_status sigmoid_forward(clmlp_module *m, clmlp_tape *tape, clmlp_tensor *x,
                                    clmlp_tensor **y)
{
    (void)m;
    return clmlp_sigmoid(tape, x, y);
}

static clmlp_status leaky_relu_forward(clmlp_module *m, clmlp_tape *tape, clmlp_tensor *x,
                                       clmlp_tensor **y)
{
    return clmlp_leaky_relu(tape, x, ((leaky_relu_module *)m)->slope, y);
}

static clmlp_status flatten_forward(clmlp_module *m, clmlp_tape *tape, clmlp_tensor *x,
                                    clmlp_tensor **y)
{
    (void)m;
    return clmlp_flatten(tape, x, y);
}

static const clmlp_module_ops relu_ops = {"ReLU", relu_forward, NULL};
static const clmlp_module_ops tanh_ops = {"Tanh", tanh_forward, NULL};
static const clmlp_module_ops sigmoid_ops = {"Sigmoid", sigmoid_forward, NULL};
static const clmlp_module_ops leaky_relu_ops = {"LeakyReLU", leaky_relu_forward, NULL};
static const clmlp_module_ops flatten_ops = {"Flatten", flatten_forward, NULL};

clmlp_status clmlp_relu_create(clmlp_context *ctx, clmlp_module **module)
{
    return clmlp_module_alloc(ctx, &relu_ops, sizeof(clmlp_module), module);
}

clmlp_status clmlp_tanh_create(clmlp_context *ctx, clmlp_module **module)
{
    return clmlp_module_alloc(ctx, &tanh_ops, sizeof(clmlp_module), module);
}

clmlp_status clmlp_sigmoid_create(clmlp_context *ctx, clmlp_module **module)
{
    return clmlp_module_alloc(ctx, &sigmoid_ops, sizeof(clmlp_module), module);
}

clmlp_status clmlp_flatten_create(clmlp_context *ctx, clmlp_module **module)
{
    return clmlp_module_alloc(ctx, &flatten_ops, sizeof(clmlp_module), module);
}

clmlp_status clmlp_leaky_relu_create(clmlp_context *ctx, float slope, clmlp_module **module)
{
    if (!isfinite(slope))
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "LeakyReLU: slope %g is not finite",
                          (double)slope);
    CLMLP_TRY(clmlp_module_alloc(ctx, &leaky_relu_ops, sizeof(leaky_relu_module), module));
    ((leaky_relu_module *)*module)->slope = slope;
    return CLMLP_SUCCESS;
}
