/* Tensor creation, host transfers, views and gradients. */
#include "tensor/tensor.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tensor/pool.h"

/* Kernel arguments carry sizes as 32-bit integers. */
#define MAX_ELEMENTS ((size_t)INT32_MAX)

static clmlp_status check_shape(int ndim, const size_t *shape, size_t *numel)
{
    if (ndim < 1 || ndim > CLMLP_MAX_DIMS)
        return clmlp_fail(CLMLP_ERROR_SHAPE, "a tensor needs 1 to %d dimensions, not %d",
                          CLMLP_MAX_DIMS, ndim);
    if (shape == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "tensor shape is NULL");

    size_t n = 1;
    for (int i = 0; i < ndim; i++) {
        if (shape[i] == 0)
            return clmlp_fail(CLMLP_ERROR_SHAPE, "dimension %d of a tensor is 0; every dimension "
                              "must be at least 1", i);
        if (shape[i] > MAX_ELEMENTS / n)
            return clmlp_fail(CLMLP_ERROR_SHAPE, "a tensor with dimension %d of %zu has more than "
                              "%zu elements, the most that clmlp's 32-bit kernel indices reach; "
                              "use a smaller batch size or model", i, shape[i], MAX_ELEMENTS);
        n *= shape[i];
    }
    *numel = n;
    return CLMLP_SUCCESS;
}

static size_t dtype_size(clmlp_dtype dtype)
{
    (void)dtype;
    return 4;   /* float32 and int32 */
}

clmlp_status clmlp_tensor_alloc(clmlp_context *ctx, clmlp_dtype dtype, int ndim,
                                const size_t *shape, clmlp_tensor **tensor)
{
    if (ctx == NULL || tensor == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_tensor_create: NULL context or output");
    *tensor = NULL;
    if (dtype != CLMLP_FLOAT32 && dtype != CLMLP_INT32)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "unknown tensor dtype %d", (int)dtype);
    size_t numel = 0;
    CLMLP_TRY(check_shape(ndim, shape, &numel));

    clmlp_tensor *t = calloc(1, sizeof *t);
    if (t == NULL)
        return clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory creating a tensor");
    t->ctx = ctx;
    t->dtype = dtype;
    t->ndim = ndim;
    memcpy(t->shape, shape, (size_t)ndim * sizeof *shape);
    size_t stride = 1;
    for (int i = ndim - 1; i >= 0; i--) {
        t->strides[i] = stride;
        stride *= shape[i];
    }
    t->buffer_bytes = numel * dtype_size(dtype);
    t->owns_buffer = true;

    clmlp_status status = clmlp_pool_acquire(ctx, t->buffer_bytes, &t->buffer);
    if (status != CLMLP_SUCCESS) {
        free(t);
        return status;
    }
    *tensor = t;
    return CLMLP_SUCCESS;
}

clmlp_status clmlp_tensor_create(clmlp_context *ctx, clmlp_dtype dtype, int ndim,
                                 const size_t *shape, clmlp_tensor **tensor)
{
    CLMLP_TRY(clmlp_tensor_alloc(ctx, dtype, ndim, shape, tensor));
    clmlp_status status = clmlp_tensor_fill(*tensor, 0.0f);
    if (status != CLMLP_SUCCESS) {
        clmlp_tensor_free(*tensor);
        *tensor = NULL;
    }
    return status;
}

clmlp_status clmlp_tensor_from_host(clmlp_context *ctx, clmlp_dtype dtype, int ndim,
                                    const size_t *shape, const void *data, clmlp_tensor **tensor)
{
    if (data == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_tensor_from_host: NULL data");
    CLMLP_TRY(clmlp_tensor_alloc(ctx, dtype, ndim, shape, tensor));
    clmlp_status status = clmlp_tensor_write(*tensor, data, clmlp_tensor_numel(*tensor));
    if (status != CLMLP_SUCCESS) {
        clmlp_tensor_free(*tensor);
        *tensor = NULL;
    }
    return status;
}

void clmlp_tensor_free(clmlp_tensor *tensor)
{
    if (tensor == NULL)
        return;
    clmlp_tensor_free(tensor->grad);
    if (tensor->owns_buffer && tensor->buffer)
        clmlp_pool_release(tensor->ctx, tensor->buffer, tensor->buffer_bytes);
    free(tensor);
}

clmlp_status clmlp_tensor_view(clmlp_tensor *base, int ndim, const size_t *shape,
                               const size_t *strides, size_t offset, clmlp_tensor **view)
{
    size_t numel = 0;
    CLMLP_TRY(check_shape(ndim, shape, &numel));

    /* The last element the view can touch must lie inside base's buffer. */
    size_t last = offset;
    for (int i = 0; i < ndim; i++)
        last += (shape[i] - 1) * strides[i];
    if ((last + 1) * dtype_size(base->dtype) > base->buffer_bytes)
        return clmlp_fail(CLMLP_ERROR_SHAPE, "a view reaches element %zu of a buffer of %zu "
                          "elements", last, base->buffer_bytes / dtype_size(base->dtype));

    clmlp_tensor *v = calloc(1, sizeof *v);
    if (v == NULL)
        return clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory creating a view");
    v->ctx = base->ctx;
    v->dtype = base->dtype;
    v->ndim = ndim;
    memcpy(v->shape, shape, (size_t)ndim * sizeof *shape);
    memcpy(v->strides, strides, (size_t)ndim * sizeof *strides);
    v->offset = offset;
    v->buffer = base->buffer;
    v->buffer_bytes = base->buffer_bytes;
    v->owns_buffer = false;
    v->base = base;
    *view = v;
    return CLMLP_SUCCESS;
}

bool clmlp_tensor_is_contiguous(const clmlp_tensor *t)
{
    size_t stride = 1;
    for (int i = t->ndim - 1; i >= 0; i--) {
        if (t->shape[i] != 1 && t->strides[i] != stride)
            return false;
        stride *= t->shape[i];
    }
    return true;
}

void clmlp_format_shape(const clmlp_tensor *t, char *text, size_t size)
{
    size_t used = (size_t)snprintf(text, size, "[");
    for (int i = 0; i < t->ndim && used < size; i++)
        used += (size_t)snprintf(text + used, size - used, i ? ", %zu" : "%zu", t->shape[i]);
    if (used < size)
        snprintf(text + used, size - used, "]");
}

clmlp_status clmlp_check_matrix(const clmlp_tensor *t, int ndim, const char *op, const char *what)
{
    if (t == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "%s: %s is NULL", op, what);
    char shape[96];
    clmlp_format_shape(t, shape, sizeof shape);
    if (t->dtype != CLMLP_FLOAT32)
        return clmlp_fail(CLMLP_ERROR_SHAPE, "%s: %s must be float32", op, what);
    if (ndim > 0 && t->ndim != ndim)
        return clmlp_fail(CLMLP_ERROR_SHAPE, "%s: %s must have %d dimensions, got shape %s", op,
                          what, ndim, shape);
    if (!clmlp_tensor_is_contiguous(t))
        return clmlp_fail(CLMLP_ERROR_SHAPE, "%s: %s with shape %s must be contiguous", op, what,
                          shape);
    return CLMLP_SUCCESS;
}

clmlp_status clmlp_tensor_write(clmlp_tensor *t, const void *data, size_t count)
{
    if (t == NULL || data == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_tensor_write: NULL tensor or data");
    if (!clmlp_tensor_is_contiguous(t))
        return clmlp_fail(CLMLP_ERROR_SHAPE, "clmlp_tensor_write: the tensor is not contiguous");
    if (count != clmlp_tensor_numel(t))
        return clmlp_fail(CLMLP_ERROR_SHAPE, "clmlp_tensor_write: %zu elements given for a tensor "
                          "of %zu", count, clmlp_tensor_numel(t));
    size_t size = dtype_size(t->dtype);
    CLMLP_CL_CHECK(clEnqueueWriteBuffer(t->ctx->queue, t->buffer, CL_TRUE, t->offset * size,
                                        count * size, data, 0, NULL, NULL));
    return CLMLP_SUCCESS;
}

clmlp_status clmlp_tensor_read(const clmlp_tensor *t, void *data, size_t count)
{
    if (t == NULL || data == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_tensor_read: NULL tensor or data");
    if (!clmlp_tensor_is_contiguous(t))
        return clmlp_fail(CLMLP_ERROR_SHAPE, "clmlp_tensor_read: the tensor is not contiguous");
    if (count != clmlp_tensor_numel(t))
        return clmlp_fail(CLMLP_ERROR_SHAPE, "clmlp_tensor_read: room for %zu elements given for a "
                          "tensor of %zu", count, clmlp_tensor_numel(t));
    size_t size = dtype_size(t->dtype);
    CLMLP_CL_CHECK(clEnqueueReadBuffer(t->ctx->queue, t->buffer, CL_TRUE, t->offset * size,
                                       count * size, data, 0, NULL, NULL));
    return CLMLP_SUCCESS;
}

clmlp_status clmlp_tensor_fill(clmlp_tensor *t, float value)
{
    if (t == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_tensor_fill: NULL tensor");
    if (!clmlp_tensor_is_contiguous(t))
        return clmlp_fail(CLMLP_ERROR_SHAPE, "clmlp_tensor_fill: the tensor is not contiguous");
    cl_uint n = (cl_uint)clmlp_tensor_numel(t);
    cl_uint offset = (cl_uint)t->offset;
    return CLMLP_LAUNCH_1D(t->ctx, "fill", n, CLMLP_ARG(n), CLMLP_ARG(t->buffer),
                           CLMLP_ARG(offset), CLMLP_ARG(value));
}

int clmlp_tensor_ndim(const clmlp_tensor *t)
{
    return t ? t->ndim : 0;
}

const size_t *clmlp_tensor_shape(const clmlp_tensor *t)
{
    return t ? t->shape : NULL;
}

size_t clmlp_tensor_numel(const clmlp_tensor *t)
{
    if (t == NULL)
        return 0;
    size_t n = 1;
    for (int i = 0; i < t->ndim; i++)
        n *= t->shape[i];
    return n;
}

clmlp_dtype clmlp_tensor_dtype(const clmlp_tensor *t)
{
    return t ? t->dtype : CLMLP_FLOAT32;
}

clmlp_status clmlp_tensor_ensure_grad(clmlp_tensor *t, clmlp_tensor **grad)
{
    if (t->grad == NULL) {
        CLMLP_TRY(clmlp_tensor_create(t->ctx, CLMLP_FLOAT32, t->ndim, t->shape, &t->grad));
    }
    *grad = t->grad;
    return CLMLP_SUCCESS;
}

clmlp_status clmlp_tensor_set_requires_grad(clmlp_tensor *t, bool requires_grad)
{
    if (t == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_tensor_set_requires_grad: NULL tensor");
    if (requires_grad && t->dtype != CLMLP_FLOAT32)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "only float32 tensors can require gradients");
    t->requires_grad = requires_grad;
    if (requires_grad) {
        clmlp_tensor *grad = NULL;
        CLMLP_TRY(clmlp_tensor_ensure_grad(t, &grad));
    }
    return CLMLP_SUCCESS;
}

bool clmlp_tensor_requires_grad(const clmlp_tensor *t)
{
    return t ? t->requires_grad : false;
}

clmlp_tensor *clmlp_tensor_grad(const clmlp_tensor *t)
{
    return t ? t->grad : NULL;
}
