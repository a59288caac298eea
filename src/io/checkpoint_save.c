/* Saving a model and its optimizer as a safetensors checkpoint. */
#include "clmlp/io.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/error.h"
#include "io/safetensors.h"
#include "io/state_list.h"
#include "io/task_metadata.h"
#include "nn/module.h"

static clmlp_status add_text(cJSON *metadata, const char *key, const char *value)
{
    if (cJSON_AddStringToObject(metadata, key, value) == NULL)
        return clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory writing \"%s\"", key);
    return CLMLP_SUCCESS;
}

/* Stores a configuration object as JSON text, since safetensors metadata
 * values are strings. */
static clmlp_status add_config(cJSON *metadata, const char *key, const cJSON *config)
{
    char *text = cJSON_PrintUnformatted(config);
    if (text == NULL)
        return clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory writing \"%s\"", key);
    clmlp_status status = add_text(metadata, key, text);
    cJSON_free(text);
    return status;
}

static clmlp_status add_model_metadata(cJSON *metadata, clmlp_model *model)
{
    CLMLP_TRY(add_text(metadata, "model.family", clmlp_model_family(model)));
    uint64_t dropout_calls = clmlp_module_dropout_calls(clmlp_model_module(model));
    if (dropout_calls > 0) {
        char number[32];
        snprintf(number, sizeof number, "%llu", (unsigned long long)dropout_calls);
        CLMLP_TRY(add_text(metadata, "model.dropout_calls", number));
    }
    if (model->ops->write_config == NULL)
        return CLMLP_SUCCESS;

    cJSON *config = cJSON_CreateObject();
    if (config == NULL)
        return clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory writing metadata");
    clmlp_status status = model->ops->write_config(model, config);
    /* A model made from a user's module has no configuration to write. */
    if (status == CLMLP_SUCCESS && config->child != NULL)
        status = add_config(metadata, "model.config", config);
    cJSON_Delete(config);
    return status;
}

static clmlp_status add_optimizer_metadata(cJSON *metadata, const clmlp_optimizer *optimizer)
{
    char step[32];
    snprintf(step, sizeof step, "%llu", (unsigned long long)optimizer->step_count);
    CLMLP_TRY(add_text(metadata, "optimizer", optimizer->ops->name));
    CLMLP_TRY(add_text(metadata, "optimizer.step", step));
    if (optimizer->ops->write_config == NULL)
        return CLMLP_SUCCESS;

    cJSON *config = cJSON_CreateObject();
    if (config == NULL)
        return clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory writing metadata");
    clmlp_status status = optimizer->ops->write_config(optimizer, config);
    if (status == CLMLP_SUCCESS)
        status = add_config(metadata, "optimizer.config", config);
    cJSON_Delete(config);
    return status;
}

static clmlp_status fill_metadata(cJSON *metadata, clmlp_model *model,
                                  const clmlp_optimizer *optimizer,
                                  const clmlp_checkpoint_info *info)
{
    char number[64];
    CLMLP_TRY(add_text(metadata, "clmlp.version", clmlp_version()));
    CLMLP_TRY(add_model_metadata(metadata, model));
    snprintf(number, sizeof number, "%d", info ? info->epoch : 0);
    CLMLP_TRY(add_text(metadata, "epoch", number));
    if (info != NULL && isfinite(info->train_loss)) {
        snprintf(number, sizeof number, "%.9g", info->train_loss);
        CLMLP_TRY(add_text(metadata, "train_loss", number));
    }
    if (info != NULL)
        CLMLP_TRY(clmlp_task_metadata_write(metadata, info));
    if (optimizer != NULL)
        CLMLP_TRY(add_optimizer_metadata(metadata, optimizer));
    return CLMLP_SUCCESS;
}

/* Copies every listed tensor to host memory and writes the file. */
static clmlp_status write_list(const char *path, const clmlp_state_list *list,
                               const cJSON *metadata)
{
    clmlp_st_entry *entries = calloc(list->count + 1, sizeof *entries);
    if (entries == NULL)
        return clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory saving %s", path);

    clmlp_status status = CLMLP_SUCCESS;
    for (size_t i = 0; status == CLMLP_SUCCESS && i < list->count; i++) {
        const clmlp_state_item *item = &list->items[i];
        /* Room for the element count in either file dtype, F32 or I64. */
        void *data = malloc(clmlp_tensor_numel(item->tensor) * sizeof(int64_t));
        entries[i].name = item->name;
        entries[i].ndim = clmlp_state_item_file_shape(item, entries[i].shape);
        if (clmlp_state_item_is_int(item))
            entries[i].int64_data = data;
        else
            entries[i].data = data;
        status = data != NULL ? clmlp_state_item_read(item, data)
                              : clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY,
                                           "out of host memory saving %s", item->name);
    }
    if (status == CLMLP_SUCCESS)
        status = clmlp_safetensors_write(path, entries, list->count, metadata);

    for (size_t i = 0; i < list->count; i++) {
        free((float *)entries[i].data);
        free((int64_t *)entries[i].int64_data);
    }
    free(entries);
    return status;
}

clmlp_status clmlp_checkpoint_save(const char *path, clmlp_model *model,
                                   clmlp_optimizer *optimizer, const clmlp_checkpoint_info *info)
{
    if (path == NULL || model == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_checkpoint_save: NULL path or model");

    clmlp_state_list list;
    CLMLP_TRY(clmlp_state_list_collect(model, optimizer, &list));
    cJSON *metadata = cJSON_CreateObject();
    clmlp_status status = metadata != NULL
        ? fill_metadata(metadata, model, optimizer, info)
        : clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory saving %s", path);
    if (status == CLMLP_SUCCESS)
        status = write_list(path, &list, metadata);
    cJSON_Delete(metadata);
    clmlp_state_list_free(&list);
    return status;
}
