/* The table of model families that a checkpoint's metadata can rebuild. */
#include "models/model.h"

#include <string.h>

typedef clmlp_status (*model_from_config_fn)(clmlp_context *ctx, const cJSON *config,
                                             clmlp_model **model);

static const struct {
    const char *family;
    model_from_config_fn create;
} families[] = {
    {"scratch", clmlp_scratch_mlp_from_config},
    {"concise", clmlp_concise_mlp_from_config},
    {"fc", clmlp_fc_from_config},
    {"hyper", clmlp_hyper_mlp_from_config},
};

clmlp_status clmlp_model_from_config(clmlp_context *ctx, const char *family, const cJSON *config,
                                     clmlp_model **model)
{
    for (size_t i = 0; i < sizeof families / sizeof families[0]; i++)
        if (strcmp(families[i].family, family) == 0)
            return families[i].create(ctx, config, model);
    return clmlp_fail(CLMLP_ERROR_UNSUPPORTED, "model family \"%s\" cannot be rebuilt from a "
                      "checkpoint by this build of clmlp", family);
}
