/* Loading a safetensors checkpoint into a model and its optimizer, and
 * rebuilding both from the checkpoint's metadata. */
#include "clmlp/io.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "io/safetensors.h"
#include "io/state_list.h"
#include "io/task_metadata.h"
#include "nn/module.h"

static void format_dims(int ndim, const uint64_t *dims, char *text, size_t size)
{
    size_t used = (size_t)snprintf(text, size, "[");
    for (int d = 0; d < ndim && used < size; d++)
        used += (size_t)snprintf(text + used, size - used, "%s%llu", d ? ", " : "",
                                 (unsigned long long)dims[d]);
    if (used < size)
        snprintf(text + used, size - used, "]");
}

/* Checks that the file has the item with the item's file dtype and shape. */
static clmlp_status match_item(const clmlp_safetensors *st, const clmlp_state_item *item)
{
    bool from_optimizer = strncmp(item->name, CLMLP_OPTIMIZER_PREFIX,
                                  strlen(CLMLP_OPTIMIZER_PREFIX)) == 0;
    const clmlp_st_tensor *t = clmlp_safetensors_find(st, item->name);
    if (t == NULL)
        return clmlp_fail(CLMLP_ERROR_FORMAT, "%s lacks tensor \"%s\", which the %s has",
                          st->path, item->name, from_optimizer ? "optimizer" : "model");
    const char *dtype = clmlp_state_item_file_dtype(item);
    if (strcmp(t->dtype, dtype) != 0)
        return clmlp_fail(CLMLP_ERROR_FORMAT, "%s: tensor \"%s\" has dtype %s, but the %s "
                          "expects %s", st->path, item->name, t->dtype,
                          from_optimizer ? "optimizer" : "model", dtype);

    size_t shape[CLMLP_MAX_DIMS];
    int ndim = clmlp_state_item_file_shape(item, shape);
    bool same = t->ndim == ndim;
    for (int d = 0; same && d < ndim; d++)
        same = t->shape[d] == shape[d];
    if (same)
        return CLMLP_SUCCESS;

    uint64_t expected[CLMLP_MAX_DIMS];
    for (int d = 0; d < ndim; d++)
        expected[d] = shape[d];
    char got_text[128], expected_text[128];
    format_dims(t->ndim, t->shape, got_text, sizeof got_text);
    format_dims(ndim, expected, expected_text, sizeof expected_text);
    return clmlp_fail(CLMLP_ERROR_FORMAT, "%s: tensor \"%s\" has shape %s, but the %s expects %s",
                      st->path, item->name, got_text, from_optimizer ? "optimizer" : "model",
                      expected_text);
}

/* Checks every listed tensor against the file and every tensor of the file
 * against the list. Optimizer tensors in the file are ignored when no
 * optimizer is loaded. */
static clmlp_status match_file(const clmlp_safetensors *st, const clmlp_state_list *list,
                               bool with_optimizer)
{
    for (size_t i = 0; i < list->count; i++)
        CLMLP_TRY(match_item(st, &list->items[i]));

    for (size_t i = 0; i < st->count; i++) {
        const char *name = st->tensors[i].name;
        bool listed = false;
        for (size_t j = 0; !listed && j < list->count; j++)
            listed = strcmp(list->items[j].name, name) == 0;
        bool from_optimizer = strncmp(name, CLMLP_OPTIMIZER_PREFIX,
                                      strlen(CLMLP_OPTIMIZER_PREFIX)) == 0;
        if (!listed && (with_optimizer || !from_optimizer))
            return clmlp_fail(CLMLP_ERROR_FORMAT, "%s has tensor \"%s\", which the %s does not "
                              "have", st->path, name, from_optimizer ? "optimizer" : "model");
    }
    return CLMLP_SUCCESS;
}

/* Parses a metadata value as a whole number in [0, max]; a missing key
 * leaves value unchanged. */
static clmlp_status read_count(const clmlp_safetensors *st, const char *key, unsigned long long max,
                               unsigned long long *value)
{
    const char *text = clmlp_safetensors_metadata(st, key);
    if (text == NULL)
        return CLMLP_SUCCESS;
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (text[0] < '0' || text[0] > '9' || *end != '\0' || errno == ERANGE || v > max)
        return clmlp_fail(CLMLP_ERROR_FORMAT, "%s: metadata \"%s\" is \"%s\", not a whole number "
                          "from 0 to %llu", st->path, key, text, max);
    *value = v;
    return CLMLP_SUCCESS;
}

static clmlp_status read_info(const clmlp_safetensors *st, clmlp_checkpoint_info *info)
{
    CLMLP_TRY(clmlp_task_metadata_read(st, info));
    unsigned long long epoch = 0;
    CLMLP_TRY(read_count(st, "epoch", INT_MAX, &epoch));
    info->epoch = (int)epoch;
    info->train_loss = NAN;
    const char *loss = clmlp_safetensors_metadata(st, "train_loss");
    if (loss != NULL) {
        char *end = NULL;
        info->train_loss = strtod(loss, &end);
        if (end == loss || *end != '\0')
            return clmlp_fail(CLMLP_ERROR_FORMAT, "%s: metadata \"train_loss\" is \"%s\", not a "
                              "number", st->path, loss);
    }
    return CLMLP_SUCCESS;
}

/* Checks that the file contains state of the optimizer's algorithm and reads
 * its step count. */
static clmlp_status read_step(const clmlp_safetensors *st, const clmlp_optimizer *optimizer,
                              uint64_t *step)
{
    const char *name = clmlp_safetensors_metadata(st, "optimizer");
    if (name == NULL)
        return clmlp_fail(CLMLP_ERROR_FORMAT, "%s contains no optimizer state; load it without an "
                          "optimizer", st->path);
    if (strcmp(name, optimizer->ops->name) != 0)
        return clmlp_fail(CLMLP_ERROR_FORMAT, "%s contains state of optimizer \"%s\", not \"%s\"",
                          st->path, name, optimizer->ops->name);
    if (clmlp_safetensors_metadata(st, "optimizer.step") == NULL)
        return clmlp_fail(CLMLP_ERROR_FORMAT, "%s lacks metadata \"optimizer.step\"", st->path);
    unsigned long long value = 0;
    CLMLP_TRY(read_count(st, "optimizer.step", ULLONG_MAX, &value));
    *step = value;
    return CLMLP_SUCCESS;
}

/* NOTE: match_file() has checked names, dtypes and shapes, but an I64
 * value outside the int32 range is found only here, after the tensors
 * before it have changed. */
static clmlp_status copy_tensors(const clmlp_safetensors *st, const clmlp_state_list *list)
{
    for (size_t i = 0; i < list->count; i++) {
        const clmlp_state_item *item = &list->items[i];
        const clmlp_st_tensor *t = clmlp_safetensors_find(st, item->name);
        /* Room for the element count in either file dtype, F32 or I64. */
        void *data = malloc(clmlp_tensor_numel(item->tensor) * sizeof(int64_t));
        if (data == NULL)
            return clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory loading %s",
                              item->name);
        clmlp_status status = clmlp_state_item_is_int(item)
            ? clmlp_safetensors_read_i64(st, t, data)
            : clmlp_safetensors_read_f32(st, t, data);
        if (status == CLMLP_SUCCESS)
            status = clmlp_state_item_write(item, data);
        free(data);
        CLMLP_TRY(status);
    }
    return CLMLP_SUCCESS;
}

/* Checks the whole file against the model and optimizer, then copies. */
static clmlp_status load_open_file(const clmlp_safetensors *st, clmlp_model *model,
                                   clmlp_optimizer *optimizer, clmlp_checkpoint_info *info)
{
    clmlp_checkpoint_info progress;
    uint64_t step = 0;
    unsigned long long dropout_calls = 0;
    CLMLP_TRY(read_info(st, &progress));
    CLMLP_TRY(read_count(st, "model.dropout_calls", ULLONG_MAX, &dropout_calls));
    if (optimizer != NULL)
        CLMLP_TRY(read_step(st, optimizer, &step));

    clmlp_state_list list;
    CLMLP_TRY(clmlp_state_list_collect(model, optimizer, &list));
    clmlp_status status = match_file(st, &list, optimizer != NULL);
    if (status == CLMLP_SUCCESS)
        status = copy_tensors(st, &list);
    clmlp_state_list_free(&list);
    CLMLP_TRY(status);

    clmlp_module_set_dropout_calls(clmlp_model_module(model), dropout_calls);
    if (optimizer != NULL)
        optimizer->step_count = step;
    if (info != NULL)
        *info = progress;
    return CLMLP_SUCCESS;
}

clmlp_status clmlp_checkpoint_load(const char *path, clmlp_model *model,
                                   clmlp_optimizer *optimizer, clmlp_checkpoint_info *info)
{
    if (path == NULL || model == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_checkpoint_load: NULL path or model");
    clmlp_safetensors *st = NULL;
    CLMLP_TRY(clmlp_safetensors_open(path, &st));
    clmlp_status status = load_open_file(st, model, optimizer, info);
    clmlp_safetensors_close(st);
    return status;
}

/* Parses the JSON object stored as text under key. */
static clmlp_status parse_config(const clmlp_safetensors *st, const char *key, cJSON **config)
{
    const char *text = clmlp_safetensors_metadata(st, key);
    if (text == NULL)
        return clmlp_fail(CLMLP_ERROR_FORMAT, "%s lacks metadata \"%s\", so the model cannot be "
                          "rebuilt from the file alone", st->path, key);
    *config = cJSON_Parse(text);
    if (!cJSON_IsObject(*config)) {
        cJSON_Delete(*config);
        *config = NULL;
        return clmlp_fail(CLMLP_ERROR_FORMAT, "%s: metadata \"%s\" is not a JSON object",
                          st->path, key);
    }
    return CLMLP_SUCCESS;
}

static clmlp_status create_model(clmlp_context *ctx, const clmlp_safetensors *st,
                                 clmlp_model **model)
{
    const char *family = clmlp_safetensors_metadata(st, "model.family");
    if (family == NULL)
        return clmlp_fail(CLMLP_ERROR_FORMAT, "%s lacks metadata \"model.family\"; create the "
                          "model yourself and call clmlp_checkpoint_load", st->path);
    cJSON *config = NULL;
    CLMLP_TRY(parse_config(st, "model.config", &config));
    clmlp_status status = clmlp_model_from_config(ctx, family, config, model);
    cJSON_Delete(config);
    return status;
}

/* Creates the saved optimizer, or sets *optimizer to NULL without one. */
static clmlp_status create_optimizer(clmlp_context *ctx, const clmlp_safetensors *st,
                                     clmlp_model *model, clmlp_optimizer **optimizer)
{
    const char *name = clmlp_safetensors_metadata(st, "optimizer");
    if (name == NULL)
        return CLMLP_SUCCESS;
    clmlp_tensor *const *params = NULL;
    size_t count = 0;
    CLMLP_TRY(clmlp_model_parameters(model, &params, NULL, &count));
    cJSON *config = NULL;
    CLMLP_TRY(parse_config(st, "optimizer.config", &config));
    clmlp_status status = clmlp_optimizer_from_config(ctx, name, params, count, config, optimizer);
    cJSON_Delete(config);
    return status;
}

clmlp_status clmlp_checkpoint_open(clmlp_context *ctx, const char *path, clmlp_model **model,
                                   clmlp_optimizer **optimizer, clmlp_checkpoint_info *info)
{
    if (ctx == NULL || path == NULL || model == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_checkpoint_open: NULL argument");
    *model = NULL;
    if (optimizer != NULL)
        *optimizer = NULL;

    clmlp_safetensors *st = NULL;
    CLMLP_TRY(clmlp_safetensors_open(path, &st));
    clmlp_model *created = NULL;
    clmlp_optimizer *created_optimizer = NULL;
    clmlp_status status = create_model(ctx, st, &created);
    if (status == CLMLP_SUCCESS && optimizer != NULL)
        status = create_optimizer(ctx, st, created, &created_optimizer);
    if (status == CLMLP_SUCCESS)
        status = load_open_file(st, created, created_optimizer, info);
    clmlp_safetensors_close(st);

    if (status != CLMLP_SUCCESS) {
        clmlp_optimizer_free(created_optimizer);
        clmlp_model_free(created);
        return status;
    }
    *model = created;
    if (optimizer != NULL)
        *optimizer = created_optimizer;
    return CLMLP_SUCCESS;
}
