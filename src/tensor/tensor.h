/* Internal layout of a tensor, and helpers for ops. */
#ifndef CLMLP_TENSOR_TENSOR_H
#define CLMLP_TENSOR_TENSOR_H

#include <CL/cl.h>

#include "clmlp/tensor.h"
#include "runtime/context.h"

struct clmlp_node;

struct clmlp_tensor {
    clmlp_context *ctx;
    clmlp_dtype dtype;
    int ndim;
    size_t shape[CLMLP_MAX_DIMS];
    size_t strides[CLMLP_MAX_DIMS];   /* in elements */
    size_t offset;                    /* in elements from the start of buffer */

    cl_mem buffer;
    size_t buffer_bytes;
    bool owns_buffer;                 /* false for views */
    struct clmlp_tensor *base;        /* the tensor a view looks into, or NULL */

    bool requires_grad;
    struct clmlp_tensor *grad;        /* owned by this tensor */
    struct clmlp_node *grad_fn;       /* the tape node that made it, or NULL */
};

/* Allocates an uninitialised contiguous tensor, taking its buffer from the
 * context's pool. */
clmlp_status clmlp_tensor_alloc(clmlp_context *ctx, clmlp_dtype dtype, int ndim,
                                const size_t *shape, clmlp_tensor **tensor);

/* Creates a view that shares base's buffer: shape, strides and offset are
 * in elements of base's buffer. The view must be freed before base. */
clmlp_status clmlp_tensor_view(clmlp_tensor *base, int ndim, const size_t *shape,
                               const size_t *strides, size_t offset, clmlp_tensor **view);

bool clmlp_tensor_is_contiguous(const clmlp_tensor *tensor);

/* Checks that a tensor is a contiguous float tensor of rank ndim; what names
 * the operand in the message. */
clmlp_status clmlp_check_matrix(const clmlp_tensor *tensor, int ndim, const char *op,
                                const char *what);

/* Returns the gradient of tensor, creating a zero-filled one on first use. */
clmlp_status clmlp_tensor_ensure_grad(clmlp_tensor *tensor, clmlp_tensor **grad);

/* Writes "[a, b, c]" into text. */
void clmlp_format_shape(const clmlp_tensor *tensor, char *text, size_t size);

#endif
