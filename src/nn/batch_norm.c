/* BatchNorm1d: the batch-norm op with its parameters and running statistics. */
#include "nn/module.h"

#include <math.h>

#include "clmlp/ops.h"

typedef struct batch_norm_module {
    clmlp_module base;
    clmlp_batch_norm_options options;
    clmlp_tensor *weight, *bias;                        /* NULL without affine */
    clmlp_tensor *running_mean, *running_var, *num_batches_tracked;
} batch_norm_module;

clmlp_batch_norm_options clmlp_batch_norm_default(void)
{
    return (clmlp_batch_norm_options){.eps = 1e-5f, .momentum = 0.1f, .affine = true};
}

static clmlp_status batch_norm_forward(clmlp_module *m, clmlp_tape *tape, clmlp_tensor *x,
                                       clmlp_tensor **y)
{
    batch_norm_module *b = (batch_norm_module *)m;
    return clmlp_batch_norm(tape, x, b->weight, b->bias, b->running_mean, b->running_var,
                            b->num_batches_tracked, m->training, b->options.momentum,
                            b->options.eps, y);
}

static const clmlp_module_ops batch_norm_ops = {"BatchNorm1d", batch_norm_forward, NULL};

static clmlp_status create_tensors(batch_norm_module *b, size_t features)
{
    clmlp_module *m = &b->base;
    if (b->options.affine) {
        CLMLP_TRY(clmlp_module_add_parameter(m, "weight", features, 0, &b->weight));
        CLMLP_TRY(clmlp_tensor_fill(b->weight, 1.0f));
        CLMLP_TRY(clmlp_module_add_parameter(m, "bias", features, 0, &b->bias));
    }
    CLMLP_TRY(clmlp_module_add_buffer(m, "running_mean", CLMLP_FLOAT32, features,
                                      &b->running_mean));
    CLMLP_TRY(clmlp_module_add_buffer(m, "running_var", CLMLP_FLOAT32, features,
                                      &b->running_var));
    CLMLP_TRY(clmlp_tensor_fill(b->running_var, 1.0f));
    return clmlp_module_add_buffer(m, "num_batches_tracked", CLMLP_INT32, 1,
                                   &b->num_batches_tracked);
}

clmlp_status clmlp_batch_norm1d_create(clmlp_context *ctx, size_t features,
                                       const clmlp_batch_norm_options *options,
                                       clmlp_module **module)
{
    clmlp_batch_norm_options o = options ? *options : clmlp_batch_norm_default();
    if (features == 0)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "BatchNorm1d: features must be at least 1");
    if (!(o.eps > 0.0f) || !isfinite(o.eps) || !(o.momentum >= 0.0f && o.momentum <= 1.0f))
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "BatchNorm1d: eps %g must be positive and "
                          "momentum %g in [0, 1]", (double)o.eps, (double)o.momentum);

    CLMLP_TRY(clmlp_module_alloc(ctx, &batch_norm_ops, sizeof(batch_norm_module), module));
    batch_norm_module *b = (batch_norm_module *)*module;
    b->options = o;
    clmlp_status status = create_tensors(b, features);
    if (status != CLMLP_SUCCESS) {
        clmlp_module_free(*module);
        *module = NULL;
    }
    return status;
}
