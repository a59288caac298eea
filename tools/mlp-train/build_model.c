/* Model and optimizer construction from mlp-train's options. */
#include "build_model.h"

#include <stdlib.h>
#include <string.h>

/* Creates the hypernetwork and checks that a full batch of its generated
 * parameters fits the device before training starts. */
static clmlp_status build_hyper(clmlp_context *ctx, const train_options *o, size_t inputs,
                                size_t hidden, size_t classes, clmlp_model **model)
{
    size_t dp_hidden[MAX_LIST_SIZES], dp_count = 0;
    if (o->dp_hidden != NULL)
        parse_size_list(o->dp_hidden, dp_hidden, &dp_count);   /* validated with the options */
    clmlp_status status = clmlp_hyper_mlp_create(ctx, inputs, hidden, dp_hidden, dp_count, 0.0f,
                                                 classes, (uint64_t)o->seed, model);
    if (status != CLMLP_SUCCESS)
        return status;
    return clmlp_dp_mlp_check_memory(ctx, clmlp_hyper_mlp_param_count(*model),
                                     (size_t)o->batch_size);
}

clmlp_status build_model(clmlp_context *ctx, const train_options *o, size_t inputs, size_t classes,
                         clmlp_model **model)
{
    size_t hidden = (size_t)strtoull(o->hidden, NULL, 10);
    if (strcmp(o->model, "hyper") == 0)
        return build_hyper(ctx, o, inputs, hidden, classes, model);
    return clmlp_scratch_mlp_create(ctx, inputs, hidden, classes, (uint64_t)o->seed, model);
}

clmlp_status build_optimizer(clmlp_context *ctx, const train_options *o, clmlp_model *model,
                             clmlp_optimizer **optimizer)
{
    clmlp_tensor *const *params = NULL;
    size_t count = 0;
    clmlp_status status = clmlp_model_parameters(model, &params, NULL, &count);
    if (status != CLMLP_SUCCESS)
        return status;

    clmlp_sgd_options sgd = clmlp_sgd_default();
    sgd.lr = (float)o->lr;
    return clmlp_sgd_create(ctx, params, count, &sgd, optimizer);
}
