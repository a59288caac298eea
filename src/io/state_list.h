/* The list of named tensors in a checkpoint of a model and its optimizer,
 * and copies between their device layout and their file layout. */
#ifndef CLMLP_IO_STATE_LIST_H
#define CLMLP_IO_STATE_LIST_H

#include "models/model.h"
#include "optim/optimizer.h"

/* Prefix of the names of optimizer state tensors. */
#define CLMLP_OPTIMIZER_PREFIX "optimizer."

typedef struct clmlp_state_item {
    char *name;                  /* owned; the tensor's name in the file */
    clmlp_tensor *tensor;        /* owned by the model or the optimizer */
    bool transposed;             /* held as [in, out], stored as [out, in]; float only */
} clmlp_state_item;

typedef struct clmlp_state_list {
    clmlp_state_item *items;
    size_t count, capacity;
} clmlp_state_list;

/* Lists the model's state tensors, then the optimizer's (optimizer may be
 * NULL) under "optimizer.<parameter name>.<slot>". Returns
 * CLMLP_ERROR_INVALID_ARGUMENT when the optimizer updates a tensor that is
 * not part of the model's state. */
clmlp_status clmlp_state_list_collect(clmlp_model *model, clmlp_optimizer *optimizer,
                                      clmlp_state_list *list);

void clmlp_state_list_free(clmlp_state_list *list);

/* Writes the shape the item has in the file into shape and returns its
 * rank. */
int clmlp_state_item_file_shape(const clmlp_state_item *item, size_t shape[CLMLP_MAX_DIMS]);

/* Returns true for an integer tensor, which is int32 on the device and I64
 * in the file, as PyTorch stores BatchNorm's num_batches_tracked. */
bool clmlp_state_item_is_int(const clmlp_state_item *item);

/* Returns the item's dtype in the file: "F32" or "I64". */
const char *clmlp_state_item_file_dtype(const clmlp_state_item *item);

/* Copies the item's tensor to host memory in file layout. data has room
 * for numel floats, or numel int64_t values for an integer item. */
clmlp_status clmlp_state_item_read(const clmlp_state_item *item, void *data);

/* Copies data, numel values in file layout, into the item's tensor. An
 * integer item rejects values outside the int32 range with
 * CLMLP_ERROR_FORMAT. */
clmlp_status clmlp_state_item_write(const clmlp_state_item *item, const void *data);

#endif
