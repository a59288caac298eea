/* A free list of device buffers keyed by exact size. */
#include "tensor/pool.h"

#include <stdlib.h>

clmlp_status clmlp_pool_acquire(clmlp_context *ctx, size_t bytes, cl_mem *buffer)
{
    for (size_t i = ctx->pool_count; i-- > 0;) {
        if (ctx->pool[i].bytes == bytes) {
            *buffer = ctx->pool[i].buffer;
            ctx->pool[i] = ctx->pool[--ctx->pool_count];
            ctx->bytes_pooled -= bytes;
            ctx->bytes_in_use += bytes;
            return CLMLP_SUCCESS;
        }
    }

    if (bytes > ctx->info.max_allocation)
        return clmlp_fail(CLMLP_ERROR_OUT_OF_DEVICE_MEMORY,
                          "a buffer of %zu bytes exceeds the maximum allocation of %s (%llu bytes); "
                          "use a smaller batch size or model",
                          bytes, ctx->info.device_name,
                          (unsigned long long)ctx->info.max_allocation);

    /* Parked buffers go back to the driver before a request that would
     * overflow the device's global memory is rejected. */
    if (ctx->bytes_in_use + ctx->bytes_pooled + bytes > ctx->info.global_memory)
        clmlp_pool_release_all(ctx);
    if (ctx->bytes_in_use + bytes > ctx->info.global_memory)
        return clmlp_fail(CLMLP_ERROR_OUT_OF_DEVICE_MEMORY,
                          "a buffer of %zu bytes does not fit in the global memory of %s "
                          "(%llu bytes, of which %zu are in use); use a smaller batch size or model",
                          bytes, ctx->info.device_name,
                          (unsigned long long)ctx->info.global_memory, ctx->bytes_in_use);

    cl_int code = CL_SUCCESS;
    cl_mem created = NULL;
    if (ctx->fail_buffer_countdown > 0 && --ctx->fail_buffer_countdown == 0)
        code = CL_MEM_OBJECT_ALLOCATION_FAILURE;
    else
        created = clCreateBuffer(ctx->context, CL_MEM_READ_WRITE, bytes, NULL, &code);
    if (code != CL_SUCCESS) {
        clmlp_status status = clmlp_fail_cl(code, "clCreateBuffer", __FILE__, __LINE__);
        return clmlp_fail_append(status, " for %zu bytes on %s (%zu bytes already in use)", bytes,
                                 ctx->info.device_name, ctx->bytes_in_use);
    }
    *buffer = created;
    ctx->buffers_created++;
    ctx->bytes_in_use += bytes;
    if (ctx->bytes_in_use + ctx->bytes_pooled > ctx->peak_bytes)
        ctx->peak_bytes = ctx->bytes_in_use + ctx->bytes_pooled;
    return CLMLP_SUCCESS;
}

void clmlp_pool_release(clmlp_context *ctx, cl_mem buffer, size_t bytes)
{
    ctx->bytes_in_use -= bytes;
    if (ctx->pool_count == ctx->pool_capacity) {
        size_t capacity = ctx->pool_capacity ? ctx->pool_capacity * 2 : 64;
        clmlp_pool_entry *grown = realloc(ctx->pool, capacity * sizeof *grown);
        if (grown == NULL) {
            /* Without room to park it, the buffer goes back to the driver. */
            clReleaseMemObject(buffer);
            return;
        }
        ctx->pool = grown;
        ctx->pool_capacity = capacity;
    }
    ctx->pool[ctx->pool_count++] = (clmlp_pool_entry){buffer, bytes};
    ctx->bytes_pooled += bytes;
}

void clmlp_pool_release_all(clmlp_context *ctx)
{
    for (size_t i = 0; i < ctx->pool_count; i++)
        clReleaseMemObject(ctx->pool[i].buffer);
    free(ctx->pool);
    ctx->pool = NULL;
    ctx->pool_count = 0;
    ctx->pool_capacity = 0;
    ctx->bytes_pooled = 0;
}
