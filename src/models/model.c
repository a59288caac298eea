/* Functions common to every model family. */
#include "models/model.h"

#include <stdlib.h>
#include <string.h>

clmlp_status clmlp_model_forward(clmlp_model *model, clmlp_tape *tape, clmlp_tensor *x,
                                 clmlp_tensor **logits)
{
    if (model == NULL || tape == NULL || x == NULL || logits == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_model_forward: NULL argument");
    return model->ops->forward(model, tape, x, logits);
}

clmlp_status clmlp_model_parameters(clmlp_model *model, clmlp_tensor *const **params,
                                    const char *const **names, size_t *count)
{
    if (model == NULL || count == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_model_parameters: NULL argument");
    *count = 0;
    if (model->refresh_tensors != NULL)
        CLMLP_TRY(model->refresh_tensors(model));
    if (params)
        *params = model->params;
    if (names)
        *names = model->param_names;
    *count = model->param_count;
    return CLMLP_SUCCESS;
}

clmlp_status clmlp_model_buffers(clmlp_model *model, clmlp_tensor *const **buffers,
                                 const char *const **names, size_t *count)
{
    if (model == NULL || count == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_model_buffers: NULL argument");
    *count = 0;
    if (model->refresh_tensors != NULL)
        CLMLP_TRY(model->refresh_tensors(model));
    if (buffers)
        *buffers = model->buffers;
    if (names)
        *names = model->buffer_names;
    *count = model->buffer_count;
    return CLMLP_SUCCESS;
}

void clmlp_model_set_training(clmlp_model *model, bool training)
{
    if (model == NULL)
        return;
    model->training = training;
    if (model->ops->set_training)
        model->ops->set_training(model, training);
}

bool clmlp_model_training(const clmlp_model *model)
{
    return model ? model->training : false;
}

const char *clmlp_model_family(const clmlp_model *model)
{
    if (model == NULL)
        return "";
    return model->family ? model->family : model->ops->family;
}

void clmlp_model_free(clmlp_model *model)
{
    if (model == NULL)
        return;
    if (model->ops && model->ops->free)
        model->ops->free(model);
    for (size_t i = 0; i < model->param_count; i++) {
        if (!model->borrows_tensors)
            clmlp_tensor_free(model->params[i]);
        free((char *)model->param_names[i]);
    }
    for (size_t i = 0; i < model->buffer_count; i++) {
        if (!model->borrows_tensors)
            clmlp_tensor_free(model->buffers[i]);
        free((char *)model->buffer_names[i]);
    }
    free(model);
}

clmlp_status clmlp_model_add_parameter(clmlp_model *model, const char *name, int ndim,
                                       const size_t *shape, clmlp_tensor **param)
{
    if (model->param_count == CLMLP_MAX_PARAMS)
        return clmlp_fail(CLMLP_ERROR_UNSUPPORTED, "a model can have at most %d parameter tensors",
                          CLMLP_MAX_PARAMS);
    char *copy = malloc(strlen(name) + 1);
    if (copy == NULL)
        return clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory naming %s", name);
    strcpy(copy, name);

    clmlp_tensor *t = NULL;
    clmlp_status status = clmlp_tensor_create(model->ctx, CLMLP_FLOAT32, ndim, shape, &t);
    if (status == CLMLP_SUCCESS)
        status = clmlp_tensor_set_requires_grad(t, true);
    if (status != CLMLP_SUCCESS) {
        clmlp_tensor_free(t);
        free(copy);
        return status;
    }
    model->params[model->param_count] = t;
    model->param_names[model->param_count] = copy;
    model->param_count++;
    *param = t;
    return CLMLP_SUCCESS;
}

clmlp_status clmlp_model_visit_state(clmlp_model *model, clmlp_state_fn fn, void *user_data)
{
    if (model->ops->visit_state != NULL)
        return model->ops->visit_state(model, fn, user_data);
    if (model->refresh_tensors != NULL)
        CLMLP_TRY(model->refresh_tensors(model));
    for (size_t i = 0; i < model->param_count; i++) {
        clmlp_state_entry entry = {model->param_names[i], model->params[i], false};
        CLMLP_TRY(fn(&entry, user_data));
    }
    for (size_t i = 0; i < model->buffer_count; i++) {
        clmlp_state_entry entry = {model->buffer_names[i], model->buffers[i], false};
        CLMLP_TRY(fn(&entry, user_data));
    }
    return CLMLP_SUCCESS;
}
