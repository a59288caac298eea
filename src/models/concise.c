/* The concise MLP: Sequential(Flatten, LazyLinear(hidden), ReLU,
 * LazyLinear(outputs)). */
#include "nn/init.h"
#include "nn/module.h"

clmlp_status clmlp_concise_mlp_create(clmlp_context *ctx, size_t hidden, size_t outputs,
                                      uint64_t seed, clmlp_model **model)
{
    if (model == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_concise_mlp_create: NULL output");
    *model = NULL;
    if (hidden == 0 || outputs == 0)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "concise MLP sizes must be positive: "
                          "hidden=%zu outputs=%zu", hidden, outputs);

    clmlp_module *net = NULL, *child = NULL;
    CLMLP_TRY(clmlp_sequential_create(ctx, &net));
    clmlp_status status = clmlp_sequential_append_created(net, clmlp_flatten_create(ctx, &child),
                                                          &child);
    if (status == CLMLP_SUCCESS)
        status = clmlp_sequential_append_created(
            net, clmlp_lazy_linear_create(ctx, hidden, true, clmlp_layer_seed(seed, 1), &child),
            &child);
    if (status == CLMLP_SUCCESS)
        status = clmlp_sequential_append_created(net, clmlp_relu_create(ctx, &child), &child);
    if (status == CLMLP_SUCCESS)
        status = clmlp_sequential_append_created(
            net, clmlp_lazy_linear_create(ctx, outputs, true, clmlp_layer_seed(seed, 3), &child),
            &child);
    if (status != CLMLP_SUCCESS) {
        clmlp_module_free(net);
        return status;
    }
    return clmlp_model_from_module(net, "concise", "net", model);
}
