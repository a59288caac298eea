/* The table of optimizers that a checkpoint's metadata can rebuild. */
#include "optim/optimizer.h"

#include <string.h>

typedef clmlp_status (*optimizer_from_config_fn)(clmlp_context *ctx, clmlp_tensor *const *params,
                                                 size_t count, const cJSON *config,
                                                 clmlp_optimizer **optimizer);

static const struct {
    const char *name;
    optimizer_from_config_fn create;
} algorithms[] = {
    {"sgd", clmlp_sgd_from_config},
    {"adam", clmlp_adam_from_config},
    {"adamw", clmlp_adamw_from_config},
};

clmlp_status clmlp_optimizer_from_config(clmlp_context *ctx, const char *name,
                                         clmlp_tensor *const *params, size_t count,
                                         const cJSON *config, clmlp_optimizer **optimizer)
{
    for (size_t i = 0; i < sizeof algorithms / sizeof algorithms[0]; i++)
        if (strcmp(algorithms[i].name, name) == 0)
            return algorithms[i].create(ctx, params, count, config, optimizer);
    return clmlp_fail(CLMLP_ERROR_UNSUPPORTED, "optimizer \"%s\" cannot be rebuilt from a "
                      "checkpoint by this build of clmlp", name);
}
