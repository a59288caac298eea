/* Model and optimizer construction from mlp-train's options. */
#include "build_model.h"

#include <stdlib.h>

clmlp_status build_model(clmlp_context *ctx, const train_options *o, size_t inputs, size_t classes,
                         clmlp_model **model)
{
    size_t hidden = (size_t)strtoull(o->hidden, NULL, 10);
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
