/* Models that wrap a module: the concise MLP, the FC block and user
 * Sequentials. */
#include "core/config.h"
#include "models/model.h"
#include "nn/module.h"

#include <stdlib.h>
#include <string.h>

typedef struct module_model {
    clmlp_model base;
    clmlp_module *module;     /* owned */
    char *family;             /* owned copy */
    char *prefix;             /* owned copy */
    bool listed;              /* the arrays hold every tensor: no lazy layer is pending */
    cJSON *config;            /* owned; the family's settings, NULL for a user module */
} module_model;

/* Replaces the names and tensors in the model's arrays with a fresh list. */
static clmlp_status copy_list(clmlp_named_tensors *list, clmlp_tensor **tensors,
                              const char **names, size_t *count)
{
    if (list->count > CLMLP_MAX_PARAMS)
        return clmlp_fail(CLMLP_ERROR_UNSUPPORTED, "a model can have at most %d parameter or "
                          "buffer tensors, this module has %zu", CLMLP_MAX_PARAMS, list->count);
    for (size_t i = 0; i < *count; i++)
        free((char *)names[i]);
    /* The list's name strings move into the model. */
    for (size_t i = 0; i < list->count; i++) {
        tensors[i] = list->items[i].tensor;
        names[i] = list->items[i].name;
        list->items[i].name = NULL;
    }
    *count = list->count;
    return CLMLP_SUCCESS;
}

static clmlp_status refresh(clmlp_model *model)
{
    module_model *m = (module_model *)model;
    clmlp_named_tensors params = {0}, buffers = {0};
    clmlp_status status = clmlp_module_parameters(m->module, m->prefix, &params);
    if (status == CLMLP_SUCCESS)
        status = clmlp_module_buffers(m->module, m->prefix, &buffers);
    if (status == CLMLP_SUCCESS)
        status = copy_list(&params, model->params, model->param_names, &model->param_count);
    if (status == CLMLP_SUCCESS)
        status = copy_list(&buffers, model->buffers, model->buffer_names, &model->buffer_count);
    clmlp_named_tensors_free(&params);
    clmlp_named_tensors_free(&buffers);
    m->listed = status == CLMLP_SUCCESS;
    return status;
}

static clmlp_status module_model_forward(clmlp_model *model, clmlp_tape *tape, clmlp_tensor *x,
                                         clmlp_tensor **logits)
{
    module_model *m = (module_model *)model;
    CLMLP_TRY(clmlp_module_forward(m->module, tape, x, logits));
    /* The first forward creates lazy parameters; list them once. */
    if (!m->listed)
        CLMLP_TRY(refresh(model));
    return CLMLP_SUCCESS;
}

/* Lists the tensors once, so names handed out earlier stay valid. */
static clmlp_status ensure_listed(clmlp_model *model)
{
    return ((module_model *)model)->listed ? CLMLP_SUCCESS : refresh(model);
}

static void module_model_set_training(clmlp_model *model, bool training)
{
    clmlp_module_set_training(((module_model *)model)->module, training);
}

static void module_model_free(clmlp_model *model)
{
    module_model *m = (module_model *)model;
    clmlp_module_free(m->module);
    cJSON_Delete(m->config);
    free(m->family);
    free(m->prefix);
}

static clmlp_status module_model_write_config(const clmlp_model *model, cJSON *config)
{
    const module_model *m = (const module_model *)model;
    if (m->config == NULL)
        return CLMLP_SUCCESS;
    for (const cJSON *item = m->config->child; item != NULL; item = item->next) {
        cJSON *copy = cJSON_Duplicate(item, true);
        if (copy == NULL || !cJSON_AddItemToObject(config, item->string, copy)) {
            cJSON_Delete(copy);
            return clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory writing the "
                              "configuration of a %s model", m->family);
        }
    }
    if (cJSON_GetObjectItemCaseSensitive(config, "inputs") != NULL)
        return CLMLP_SUCCESS;
    /* The first parameter is the first Linear's weight, [out, in]. */
    if (!m->listed || model->param_count == 0 || model->params[0]->ndim != 2)
        return clmlp_fail(CLMLP_ERROR_NOT_READY, "the %s model's input size is unknown until its "
                          "lazy layers have seen their first input", m->family);
    return clmlp_config_add_number(config, "inputs", (double)model->params[0]->shape[1]);
}

static const clmlp_model_ops module_model_ops = {
    .family = "module",
    .forward = module_model_forward,
    .set_training = module_model_set_training,
    .free = module_model_free,
    .write_config = module_model_write_config,
};

clmlp_status clmlp_module_model_set_config(clmlp_model *model, cJSON *config)
{
    if (model == NULL || model->ops != &module_model_ops || config == NULL) {
        cJSON_Delete(config);
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_module_model_set_config: needs a "
                          "model made from a module and a configuration");
    }
    module_model *m = (module_model *)model;
    cJSON_Delete(m->config);
    m->config = config;
    return CLMLP_SUCCESS;
}

static char *copy_text(const char *text)
{
    char *copy = malloc(strlen(text) + 1);
    if (copy != NULL)
        strcpy(copy, text);
    return copy;
}

clmlp_status clmlp_model_from_module(clmlp_module *module, const char *family, const char *prefix,
                                     clmlp_model **model)
{
    if (model == NULL || module == NULL || family == NULL) {
        clmlp_module_free(module);
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_model_from_module: NULL argument");
    }
    *model = NULL;
    module_model *m = calloc(1, sizeof *m);
    if (m != NULL) {
        m->family = copy_text(family);
        m->prefix = copy_text(prefix ? prefix : "");
    }
    if (m == NULL || m->family == NULL || m->prefix == NULL) {
        if (m != NULL) {
            free(m->family);
            free(m->prefix);
        }
        free(m);
        clmlp_module_free(module);
        return clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory creating a model");
    }
    m->module = module;
    m->base.ops = &module_model_ops;
    m->base.ctx = module->ctx;
    m->base.training = module->training;
    m->base.borrows_tensors = true;
    m->base.family = m->family;
    m->base.refresh_tensors = ensure_listed;
    *model = &m->base;

    /* Layers that are not lazy list their tensors now; lazy ones wait. */
    clmlp_status status = refresh(&m->base);
    if (status == CLMLP_ERROR_NOT_READY) {
        clmlp_clear_error();
        status = CLMLP_SUCCESS;
    }
    if (status != CLMLP_SUCCESS) {
        clmlp_model_free(&m->base);
        *model = NULL;
    }
    return status;
}

clmlp_module *clmlp_model_module(clmlp_model *model)
{
    if (model == NULL || model->ops != &module_model_ops)
        return NULL;
    return ((module_model *)model)->module;
}
