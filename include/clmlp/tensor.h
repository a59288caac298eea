/* Tensors: device buffers with a dtype, a shape and row-major strides. */
#ifndef CLMLP_TENSOR_H
#define CLMLP_TENSOR_H

#include <stdbool.h>
#include <stddef.h>

#include "clmlp/runtime.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CLMLP_MAX_DIMS 4

typedef enum clmlp_dtype {
    CLMLP_FLOAT32 = 0,
    CLMLP_INT32 = 1
} clmlp_dtype;

typedef struct clmlp_tensor clmlp_tensor;

/* Creates a zero-filled, contiguous tensor of ndim (1 to CLMLP_MAX_DIMS)
 * dimensions. Every dimension must be at least 1. The caller frees it with
 * clmlp_tensor_free(). */
CLMLP_API clmlp_status clmlp_tensor_create(clmlp_context *ctx, clmlp_dtype dtype, int ndim,
                                           const size_t *shape, clmlp_tensor **tensor);

/* Creates a tensor and copies numel elements from host memory into it. */
CLMLP_API clmlp_status clmlp_tensor_from_host(clmlp_context *ctx, clmlp_dtype dtype, int ndim,
                                              const size_t *shape, const void *data,
                                              clmlp_tensor **tensor);

/* Releases the tensor and its gradient. NULL is allowed. A tensor made by
 * an op belongs to the tape and must not be freed by the caller. */
CLMLP_API void clmlp_tensor_free(clmlp_tensor *tensor);

/* Copies host data into a contiguous tensor; count must equal its numel.
 * Blocks until the copy is done. */
CLMLP_API clmlp_status clmlp_tensor_write(clmlp_tensor *tensor, const void *data, size_t count);

/* Copies a contiguous tensor to host memory; count must equal its numel.
 * Blocks until every queued command that writes the tensor has finished. */
CLMLP_API clmlp_status clmlp_tensor_read(const clmlp_tensor *tensor, void *data, size_t count);

/* Sets every element of a contiguous float tensor to value. */
CLMLP_API clmlp_status clmlp_tensor_fill(clmlp_tensor *tensor, float value);

CLMLP_API int clmlp_tensor_ndim(const clmlp_tensor *tensor);
/* Returns the shape array, valid while the tensor lives. */
CLMLP_API const size_t *clmlp_tensor_shape(const clmlp_tensor *tensor);
CLMLP_API size_t clmlp_tensor_numel(const clmlp_tensor *tensor);
CLMLP_API clmlp_dtype clmlp_tensor_dtype(const clmlp_tensor *tensor);

/* Marks a float tensor as a leaf whose gradient the tape accumulates. The
 * gradient tensor is created zero-filled and lives as long as the tensor. */
CLMLP_API clmlp_status clmlp_tensor_set_requires_grad(clmlp_tensor *tensor, bool requires_grad);
CLMLP_API bool clmlp_tensor_requires_grad(const clmlp_tensor *tensor);

/* Returns the gradient tensor, or NULL when there is none yet. It is owned
 * by the tensor. */
CLMLP_API clmlp_tensor *clmlp_tensor_grad(const clmlp_tensor *tensor);

#ifdef __cplusplus
}
#endif

#endif
