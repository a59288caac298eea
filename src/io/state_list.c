/* Collecting a model's and an optimizer's state tensors under the names a
 * checkpoint gives them. */
#include "io/state_list.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static clmlp_status append(clmlp_state_list *list, const char *prefix, const char *name,
                           const char *suffix, clmlp_tensor *tensor, bool transposed)
{
    if (!clmlp_tensor_is_contiguous(tensor) ||
        (transposed && (tensor->ndim != 2 || tensor->dtype != CLMLP_FLOAT32)))
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "state tensor %s%s%s must be contiguous, "
                          "and a 2-D float tensor when transposed", prefix, name, suffix);
    if (list->count == list->capacity) {
        size_t capacity = list->capacity ? 2 * list->capacity : 16;
        clmlp_state_item *items = realloc(list->items, capacity * sizeof *items);
        if (items == NULL)
            return clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory listing state");
        list->items = items;
        list->capacity = capacity;
    }

    size_t size = strlen(prefix) + strlen(name) + strlen(suffix) + 1;
    char *full = malloc(size);
    if (full == NULL)
        return clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory listing state");
    snprintf(full, size, "%s%s%s", prefix, name, suffix);
    list->items[list->count++] = (clmlp_state_item){full, tensor, transposed};
    return CLMLP_SUCCESS;
}

static clmlp_status add_model_entry(const clmlp_state_entry *entry, void *user_data)
{
    return append(user_data, "", entry->name, "", entry->tensor, entry->transposed);
}

typedef struct optimizer_visit {
    clmlp_state_list *list;
    size_t model_count;          /* the model's items come first in the list */
    clmlp_optimizer *optimizer;
} optimizer_visit;

/* Names a slot after the model tensor that the optimizer's parameter is. */
static clmlp_status add_optimizer_entry(size_t param_index, const char *slot, clmlp_tensor *tensor,
                                        void *user_data)
{
    optimizer_visit *v = user_data;
    const clmlp_tensor *param = v->optimizer->params[param_index];
    for (size_t i = 0; i < v->model_count; i++) {
        const clmlp_state_item *owner = &v->list->items[i];
        if (owner->tensor != param)
            continue;
        char suffix[64];
        snprintf(suffix, sizeof suffix, ".%s", slot);
        return append(v->list, CLMLP_OPTIMIZER_PREFIX, owner->name, suffix, tensor,
                      owner->transposed);
    }
    return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "optimizer parameter %zu is not a tensor of "
                      "the model, so its state cannot be named", param_index);
}

clmlp_status clmlp_state_list_collect(clmlp_model *model, clmlp_optimizer *optimizer,
                                      clmlp_state_list *list)
{
    *list = (clmlp_state_list){0};
    clmlp_status status = clmlp_model_visit_state(model, add_model_entry, list);
    if (status == CLMLP_SUCCESS && optimizer != NULL && optimizer->ops->visit_state != NULL) {
        optimizer_visit visit = {list, list->count, optimizer};
        status = optimizer->ops->visit_state(optimizer, add_optimizer_entry, &visit);
    }
    if (status != CLMLP_SUCCESS)
        clmlp_state_list_free(list);
    return status;
}

void clmlp_state_list_free(clmlp_state_list *list)
{
    for (size_t i = 0; i < list->count; i++)
        free(list->items[i].name);
    free(list->items);
    *list = (clmlp_state_list){0};
}

int clmlp_state_item_file_shape(const clmlp_state_item *item, size_t shape[CLMLP_MAX_DIMS])
{
    const clmlp_tensor *t = item->tensor;
    for (int d = 0; d < t->ndim; d++)
        shape[d] = t->shape[d];
    if (item->transposed) {
        shape[0] = t->shape[1];
        shape[1] = t->shape[0];
    }
    return t->ndim;
}

/* Transposes src [rows, cols] into dst [cols, rows]. */
static void transpose(const float *src, size_t rows, size_t cols, float *dst)
{
    for (size_t r = 0; r < rows; r++)
        for (size_t c = 0; c < cols; c++)
            dst[c * rows + r] = src[r * cols + c];
}

/* Allocates the buffer for a transposed item in device layout. */
static clmlp_status alloc_device_order(const clmlp_state_item *item, float **buffer)
{
    *buffer = malloc(clmlp_tensor_numel(item->tensor) * sizeof **buffer);
    if (*buffer == NULL)
        return clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory copying %s",
                          item->name);
    return CLMLP_SUCCESS;
}

bool clmlp_state_item_is_int(const clmlp_state_item *item)
{
    return item->tensor->dtype == CLMLP_INT32;
}

const char *clmlp_state_item_file_dtype(const clmlp_state_item *item)
{
    return clmlp_state_item_is_int(item) ? "I64" : "F32";
}

/* Reads an int32 tensor and widens it to the file's int64 values. */
static clmlp_status read_int(const clmlp_state_item *item, int64_t *data)
{
    size_t n = clmlp_tensor_numel(item->tensor);
    int32_t *device_values = malloc(n * sizeof *device_values);
    if (device_values == NULL)
        return clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory copying %s",
                          item->name);
    clmlp_status status = clmlp_tensor_read(item->tensor, device_values, n);
    for (size_t i = 0; status == CLMLP_SUCCESS && i < n; i++)
        data[i] = device_values[i];
    free(device_values);
    return status;
}

/* Narrows the file's int64 values to the int32 tensor. */
static clmlp_status write_int(const clmlp_state_item *item, const int64_t *data)
{
    size_t n = clmlp_tensor_numel(item->tensor);
    for (size_t i = 0; i < n; i++)
        if (data[i] < INT32_MIN || data[i] > INT32_MAX)
            return clmlp_fail(CLMLP_ERROR_FORMAT, "tensor \"%s\" element %zu is %lld, outside "
                              "the int32 range that clmlp keeps it in", item->name, i,
                              (long long)data[i]);
    int32_t *device_values = malloc(n * sizeof *device_values);
    if (device_values == NULL)
        return clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory copying %s",
                          item->name);
    for (size_t i = 0; i < n; i++)
        device_values[i] = (int32_t)data[i];
    clmlp_status status = clmlp_tensor_write(item->tensor, device_values, n);
    free(device_values);
    return status;
}

clmlp_status clmlp_state_item_read(const clmlp_state_item *item, void *data)
{
    const clmlp_tensor *t = item->tensor;
    size_t n = clmlp_tensor_numel(t);
    if (clmlp_state_item_is_int(item))
        return read_int(item, data);
    if (!item->transposed)
        return clmlp_tensor_read(t, data, n);

    float *device_order;
    CLMLP_TRY(alloc_device_order(item, &device_order));
    clmlp_status status = clmlp_tensor_read(t, device_order, n);
    if (status == CLMLP_SUCCESS)
        transpose(device_order, t->shape[0], t->shape[1], data);
    free(device_order);
    return status;
}

clmlp_status clmlp_state_item_write(const clmlp_state_item *item, const void *data)
{
    clmlp_tensor *t = item->tensor;
    size_t n = clmlp_tensor_numel(t);
    if (clmlp_state_item_is_int(item))
        return write_int(item, data);
    if (!item->transposed)
        return clmlp_tensor_write(t, data, n);

    float *device_order;
    CLMLP_TRY(alloc_device_order(item, &device_order));
    transpose(data, t->shape[1], t->shape[0], device_order);
    clmlp_status status = clmlp_tensor_write(t, device_order, n);
    free(device_order);
    return status;
}
