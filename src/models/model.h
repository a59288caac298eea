/* Internal model layout: each family embeds struct clmlp_model first. */
#ifndef CLMLP_MODELS_MODEL_H
#define CLMLP_MODELS_MODEL_H

#include <cJSON.h>

#include "clmlp/model.h"
#include "tensor/state.h"
#include "tensor/tensor.h"

typedef struct clmlp_model_ops {
    const char *family;
    clmlp_status (*forward)(clmlp_model *model, clmlp_tape *tape, clmlp_tensor *x,
                            clmlp_tensor **logits);
    void (*set_training)(clmlp_model *model, bool training);   /* may be NULL */
    void (*free)(clmlp_model *model);                          /* frees the family's fields */
    /* Visits every tensor a checkpoint stores, parameters first, in a fixed
     * order. NULL visits params[] under param_names[], then buffers[] under
     * buffer_names[], untransposed. */
    clmlp_status (*visit_state)(clmlp_model *model, clmlp_state_fn fn, void *user_data);
    /* Adds the sizes and settings that rebuild the model to a JSON object;
     * clmlp_model_from_config() reads them back. NULL: the model cannot be
     * rebuilt from a checkpoint alone. */
    clmlp_status (*write_config)(const clmlp_model *model, cJSON *config);
} clmlp_model_ops;

#define CLMLP_MAX_PARAMS 64

struct clmlp_model {
    const clmlp_model_ops *ops;
    clmlp_context *ctx;
    bool training;
    clmlp_tensor *params[CLMLP_MAX_PARAMS];     /* owned */
    const char *param_names[CLMLP_MAX_PARAMS];  /* owned copies */
    size_t param_count;
    clmlp_tensor *buffers[CLMLP_MAX_PARAMS];
    const char *buffer_names[CLMLP_MAX_PARAMS]; /* owned copies */
    size_t buffer_count;
    /* When set, the tensors in params and buffers belong to a module and
     * clmlp_model_free() leaves them alone; the names are still owned. */
    bool borrows_tensors;
    const char *family;   /* replaces ops->family when set; owned by the family */
    /* Brings the parameter and buffer arrays up to date before they are
     * returned; NULL for families whose tensors never change. */
    clmlp_status (*refresh_tensors)(clmlp_model *model);
};

/* Creates a parameter tensor named name and appends it to the model. */
clmlp_status clmlp_model_add_parameter(clmlp_model *model, const char *name, int ndim,
                                       const size_t *shape, clmlp_tensor **param);

/* Calls fn on every tensor of the model's checkpoint state. */
clmlp_status clmlp_model_visit_state(clmlp_model *model, clmlp_state_fn fn, void *user_data);

/* Creates a model of the named family from the configuration that its
 * write_config hook wrote, with untrained weights. Returns
 * CLMLP_ERROR_UNSUPPORTED for a family this build cannot rebuild. */
clmlp_status clmlp_model_from_config(clmlp_context *ctx, const char *family, const cJSON *config,
                                     clmlp_model **model);

/* Creates a scratch MLP from {"inputs": N, "hidden": N, "outputs": N}. */
clmlp_status clmlp_scratch_mlp_from_config(clmlp_context *ctx, const cJSON *config,
                                           clmlp_model **model);

/* Gives a model made by clmlp_model_from_module() the settings that its
 * family's from_config function reads back. The model owns config from
 * then on, even on failure. Its write_config hook copies config and adds
 * "inputs", the in_features of the first Linear, because a LazyLinear
 * learns it only at the first forward pass. */
clmlp_status clmlp_module_model_set_config(clmlp_model *model, cJSON *config);

/* Layer sizes of a module model's configuration: at most this many hidden
 * sizes, and each size at most CLMLP_MAX_CONFIG_SIZE. The bound only keeps a
 * corrupt checkpoint from requesting a huge allocation. */
#define CLMLP_MAX_CONFIG_LAYERS 64
#define CLMLP_MAX_CONFIG_SIZE ((size_t)1 << 24)

/* Creates a concise MLP from {"inputs": N, "hidden": [N], "outputs": N,
 * "seed": "N"} and creates its lazy parameters for inputs features. */
clmlp_status clmlp_concise_mlp_from_config(clmlp_context *ctx, const cJSON *config,
                                           clmlp_model **model);

/* Creates an FC block from {"inputs": N, "hidden": [N, ...], "outputs": N,
 * "activation": "relu", "batch_norm": false, "dropout": 0, "sigmoid": false,
 * "seed": "N"}. The hidden list may be empty; the other keys but inputs,
 * hidden and outputs may be missing and then take clmlp_fc_default()'s
 * values. */
clmlp_status clmlp_fc_from_config(clmlp_context *ctx, const cJSON *config, clmlp_model **model);

/* Creates a hypernetwork from {"inputs": N, "generator_hidden": N,
 * "dp_hidden": [N, ...], "dropout": 0, "outputs": N, "seed": "N"}. The
 * dp_hidden list may be empty; dropout and seed may be missing and are then
 * 0. */
clmlp_status clmlp_hyper_mlp_from_config(clmlp_context *ctx, const cJSON *config,
                                         clmlp_model **model);

#endif
