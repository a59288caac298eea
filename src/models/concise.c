/* The concise MLP: Sequential(Flatten, LazyLinear(hidden), ReLU,
 * LazyLinear(outputs)). */
#include "core/config.h"
#include "models/model.h"
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
    CLMLP_TRY(clmlp_model_from_module(net, "concise", "net", model));

    /* The input size joins the configuration at save time, once the lazy
     * layers know it. */
    cJSON *config = cJSON_CreateObject();
    status = config != NULL ? clmlp_config_add_size_list(config, "hidden", &hidden, 1)
                            : clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory "
                                         "creating a concise MLP");
    if (status == CLMLP_SUCCESS)
        status = clmlp_config_add_number(config, "outputs", (double)outputs);
    if (status == CLMLP_SUCCESS)
        status = clmlp_config_add_seed(config, "seed", seed);
    if (status == CLMLP_SUCCESS)
        return clmlp_module_model_set_config(*model, config);
    cJSON_Delete(config);
    clmlp_model_free(*model);
    *model = NULL;
    return status;
}

clmlp_status clmlp_concise_mlp_from_config(clmlp_context *ctx, const cJSON *config,
                                           clmlp_model **model)
{
    const size_t max = CLMLP_MAX_CONFIG_SIZE;
    size_t inputs, hidden, hidden_count, outputs;
    uint64_t seed = 0;
    CLMLP_TRY(clmlp_config_size(config, "concise MLP", "inputs", 1, max, &inputs));
    CLMLP_TRY(clmlp_config_size_list(config, "concise MLP", "hidden", 1, max, 1, 1, &hidden,
                                     &hidden_count));
    CLMLP_TRY(clmlp_config_size(config, "concise MLP", "outputs", 1, max, &outputs));
    CLMLP_TRY(clmlp_config_seed(config, "concise MLP", "seed", &seed));
    CLMLP_TRY(clmlp_concise_mlp_create(ctx, hidden, outputs, seed, model));

    size_t input_shape[2] = {1, inputs};
    clmlp_status status = clmlp_module_materialize(clmlp_model_module(*model), 2, input_shape);
    if (status != CLMLP_SUCCESS) {
        clmlp_model_free(*model);
        *model = NULL;
    }
    return status;
}
