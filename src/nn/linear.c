/* Linear and LazyLinear with PyTorch's default initialisation. */
#include "nn/module.h"

#include <math.h>

#include "clmlp/ops.h"
#include "nn/init.h"

typedef struct linear_module {
    clmlp_module base;
    size_t out_features;
    bool has_bias;
    uint64_t seed;
    clmlp_tensor *weight, *bias;
} linear_module;

/* Creates weight [out, in] and bias [out], both U(-1/sqrt(in), 1/sqrt(in)).
 * For the weight that is PyTorch's kaiming_uniform_ with a = sqrt(5):
 * gain sqrt(2 / (1 + 5)) times sqrt(3 / in). */
static clmlp_status create_parameters(linear_module *l, size_t in_features)
{
    float bound = 1.0f / sqrtf((float)in_features);
    CLMLP_TRY(clmlp_module_add_parameter(&l->base, "weight", l->out_features, in_features,
                                         &l->weight));
    CLMLP_TRY(clmlp_init_uniform(l->weight, -bound, bound, l->seed, 0));
    if (l->has_bias) {
        CLMLP_TRY(clmlp_module_add_parameter(&l->base, "bias", l->out_features, 0, &l->bias));
        CLMLP_TRY(clmlp_init_uniform(l->bias, -bound, bound, l->seed, 1));
    }
    return CLMLP_SUCCESS;
}

static clmlp_status linear_forward(clmlp_module *m, clmlp_tape *tape, clmlp_tensor *x,
                                   clmlp_tensor **y)
{
    linear_module *l = (linear_module *)m;
    if (m->lazy_pending) {
        CLMLP_TRY(clmlp_check_matrix(x, 2, "LazyLinear", "x"));
        CLMLP_TRY(create_parameters(l, x->shape[1]));
        m->lazy_pending = false;
    }
    return clmlp_linear(tape, x, l->weight, l->bias, y);
}

static const clmlp_module_ops linear_ops = {"Linear", linear_forward, NULL};
static const clmlp_module_ops lazy_linear_ops = {"LazyLinear", linear_forward, NULL};

static clmlp_status create(clmlp_context *ctx, const clmlp_module_ops *ops, size_t out_features,
                           bool bias, uint64_t seed, clmlp_module **module)
{
    CLMLP_TRY(clmlp_module_alloc(ctx, ops, sizeof(linear_module), module));
    linear_module *l = (linear_module *)*module;
    l->out_features = out_features;
    l->has_bias = bias;
    l->seed = seed;
    if (out_features == 0) {
        clmlp_module_free(*module);
        *module = NULL;
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "%s: out_features must be at least 1",
                          ops->kind);
    }
    return CLMLP_SUCCESS;
}

clmlp_status clmlp_linear_create(clmlp_context *ctx, size_t in_features, size_t out_features,
                                 bool bias, uint64_t seed, clmlp_module **module)
{
    if (in_features == 0)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "Linear: in_features must be at least 1");
    CLMLP_TRY(create(ctx, &linear_ops, out_features, bias, seed, module));
    clmlp_status status = create_parameters((linear_module *)*module, in_features);
    if (status != CLMLP_SUCCESS) {
        clmlp_module_free(*module);
        *module = NULL;
    }
    return status;
}

clmlp_status clmlp_lazy_linear_create(clmlp_context *ctx, size_t out_features, bool bias,
                                      uint64_t seed, clmlp_module **module)
{
    CLMLP_TRY(create(ctx, &lazy_linear_ops, out_features, bias, seed, module));
    (*module)->lazy_pending = true;
    return CLMLP_SUCCESS;
}
