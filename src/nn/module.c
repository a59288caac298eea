/* Functions common to every module: forward, mode, named tensors, free. */
#include "nn/module.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

clmlp_status clmlp_module_alloc(clmlp_context *ctx, const clmlp_module_ops *ops, size_t size,
                                clmlp_module **module)
{
    if (module == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "creating %s: NULL output pointer",
                          ops->kind);
    *module = NULL;
    if (ctx == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "creating %s: NULL context", ops->kind);
    clmlp_module *m = calloc(1, size);
    if (m == NULL)
        return clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory creating %s",
                          ops->kind);
    m->ops = ops;
    m->ctx = ctx;
    m->training = true;
    *module = m;
    return CLMLP_SUCCESS;
}

clmlp_status clmlp_module_add_parameter(clmlp_module *m, const char *name, size_t features,
                                        size_t inputs, clmlp_tensor **tensor)
{
    /* inputs 0 gives a vector [features], else a matrix [features, inputs]. */
    size_t shape[2] = {features, inputs};
    clmlp_tensor *t = NULL;
    CLMLP_TRY(clmlp_tensor_create(m->ctx, CLMLP_FLOAT32, inputs ? 2 : 1, shape, &t));
    clmlp_status status = clmlp_tensor_set_requires_grad(t, true);
    if (status != CLMLP_SUCCESS) {
        clmlp_tensor_free(t);
        return status;
    }
    m->params[m->param_count] = t;
    m->param_names[m->param_count] = name;
    m->param_count++;
    *tensor = t;
    return CLMLP_SUCCESS;
}

clmlp_status clmlp_module_add_buffer(clmlp_module *m, const char *name, clmlp_dtype dtype,
                                     size_t count, clmlp_tensor **tensor)
{
    clmlp_tensor *t = NULL;
    CLMLP_TRY(clmlp_tensor_create(m->ctx, dtype, 1, &count, &t));
    m->buffers[m->buffer_count] = t;
    m->buffer_names[m->buffer_count] = name;
    m->buffer_count++;
    *tensor = t;
    return CLMLP_SUCCESS;
}

clmlp_status clmlp_module_forward(clmlp_module *module, clmlp_tape *tape, clmlp_tensor *x,
                                  clmlp_tensor **y)
{
    if (module == NULL || tape == NULL || x == NULL || y == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_module_forward: NULL argument");
    return module->ops->forward(module, tape, x, y);
}

void clmlp_module_set_training(clmlp_module *module, bool training)
{
    if (module == NULL)
        return;
    module->training = training;
    for (size_t i = 0; i < module->child_count; i++)
        clmlp_module_set_training(module->children[i], training);
}

bool clmlp_module_training(const clmlp_module *module)
{
    return module ? module->training : false;
}

const char *clmlp_module_kind(const clmlp_module *module)
{
    return module ? module->ops->kind : "";
}

static clmlp_status append_named(clmlp_named_tensors *list, const char *prefix, const char *name,
                                 clmlp_tensor *tensor)
{
    clmlp_named_tensor *grown = realloc(list->items, (list->count + 1) * sizeof *grown);
    if (grown == NULL)
        return clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory listing tensors");
    list->items = grown;

    size_t length = strlen(prefix) + strlen(name) + 2;
    char *full = malloc(length);
    if (full == NULL)
        return clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory listing tensors");
    snprintf(full, length, "%s%s%s", prefix, prefix[0] ? "." : "", name);
    list->items[list->count++] = (clmlp_named_tensor){full, tensor};
    return CLMLP_SUCCESS;
}

/* Appends the parameters (or buffers) of m and its children under prefix. */
static clmlp_status collect(clmlp_module *m, const char *prefix, bool buffers,
                            clmlp_named_tensors *list)
{
    if (m->lazy_pending)
        return clmlp_fail(CLMLP_ERROR_NOT_READY, "%s%s%s has no parameters before its first "
                          "forward pass, which sets its input size; run a batch through the "
                          "model first", m->ops->kind, prefix[0] ? " " : "", prefix);
    size_t count = buffers ? m->buffer_count : m->param_count;
    for (size_t i = 0; i < count; i++) {
        const char *name = buffers ? m->buffer_names[i] : m->param_names[i];
        CLMLP_TRY(append_named(list, prefix, name, buffers ? m->buffers[i] : m->params[i]));
    }

    for (size_t i = 0; i < m->child_count; i++) {
        char child_prefix[256];
        snprintf(child_prefix, sizeof child_prefix, "%s%s%zu", prefix, prefix[0] ? "." : "", i);
        CLMLP_TRY(collect(m->children[i], child_prefix, buffers, list));
    }
    return CLMLP_SUCCESS;
}

static clmlp_status list_tensors(clmlp_module *module, const char *prefix, bool buffers,
                                 clmlp_named_tensors *list)
{
    if (list == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "listing module tensors: NULL list");
    *list = (clmlp_named_tensors){NULL, 0};
    if (module == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "listing module tensors: NULL module");
    clmlp_status status = collect(module, prefix ? prefix : "", buffers, list);
    if (status != CLMLP_SUCCESS)
        clmlp_named_tensors_free(list);
    return status;
}

clmlp_status clmlp_module_parameters(clmlp_module *module, const char *prefix,
                                     clmlp_named_tensors *list)
{
    return list_tensors(module, prefix, false, list);
}

clmlp_status clmlp_module_buffers(clmlp_module *module, const char *prefix,
                                  clmlp_named_tensors *list)
{
    return list_tensors(module, prefix, true, list);
}

void clmlp_named_tensors_free(clmlp_named_tensors *list)
{
    if (list == NULL)
        return;
    for (size_t i = 0; i < list->count; i++)
        free((char *)list->items[i].name);
    free(list->items);
    list->items = NULL;
    list->count = 0;
}

clmlp_status clmlp_module_materialize(clmlp_module *module, int ndim, const size_t *input_shape)
{
    if (module == NULL || input_shape == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_module_materialize: NULL argument");

    clmlp_tape *tape = NULL;
    clmlp_tensor *x = NULL, *y = NULL;
    bool was_training = module->training;
    clmlp_status status = clmlp_tensor_create(module->ctx, CLMLP_FLOAT32, ndim, input_shape, &x);
    if (status == CLMLP_SUCCESS)
        status = clmlp_tape_create(module->ctx, &tape);
    if (status == CLMLP_SUCCESS) {
        /* Evaluation mode leaves running statistics and dropout counters alone. */
        clmlp_tape_set_recording(tape, false);
        clmlp_module_set_training(module, false);
        status = clmlp_module_forward(module, tape, x, &y);
        clmlp_module_set_training(module, was_training);
    }
    clmlp_tape_free(tape);
    clmlp_tensor_free(x);
    return status;
}

void clmlp_module_free(clmlp_module *module)
{
    if (module == NULL)
        return;
    if (module->ops->free != NULL)
        module->ops->free(module);
    for (size_t i = 0; i < module->child_count; i++)
        clmlp_module_free(module->children[i]);
    free(module->children);
    for (size_t i = 0; i < module->param_count; i++)
        clmlp_tensor_free(module->params[i]);
    for (size_t i = 0; i < module->buffer_count; i++)
        clmlp_tensor_free(module->buffers[i]);
    free(module);
}
