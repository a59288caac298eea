/* Device buffer pool of a context, so steady-state training allocates nothing. */
#ifndef CLMLP_TENSOR_POOL_H
#define CLMLP_TENSOR_POOL_H

#include "runtime/context.h"

/* Returns a buffer of exactly bytes, reused from the pool when one is free. */
clmlp_status clmlp_pool_acquire(clmlp_context *ctx, size_t bytes, cl_mem *buffer);

/* Parks a buffer in the pool for reuse. */
void clmlp_pool_release(clmlp_context *ctx, cl_mem buffer, size_t bytes);

/* Releases every pooled buffer to the driver. */
void clmlp_pool_release_all(clmlp_context *ctx);

#endif
