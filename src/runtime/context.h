/* Internal layout of a context, and kernel launch helpers. */
#ifndef CLMLP_RUNTIME_CONTEXT_H
#define CLMLP_RUNTIME_CONTEXT_H

#include <CL/cl.h>
#include <stdbool.h>

#include "clmlp/runtime.h"
#include "runtime/cl_error.h"

#define CLMLP_MAX_PROGRAMS 16
#define CLMLP_MAX_KERNELS 96

typedef struct clmlp_kernel_entry {
    const char *name;          /* the string literal passed to clmlp_kernel() */
    cl_kernel kernel;
    size_t work_group_size;    /* the largest local size this kernel allows */
} clmlp_kernel_entry;

typedef struct clmlp_pool_entry {
    cl_mem buffer;
    size_t bytes;
} clmlp_pool_entry;

struct clmlp_context {
    clmlp_context_options options;   /* as created, with device set to NULL */
    clmlp_device_info info;
    cl_platform_id platform;
    cl_device_id device;
    cl_context context;
    cl_command_queue queue;

    cl_program programs[CLMLP_MAX_PROGRAMS];
    size_t program_count;
    size_t programs_from_cache;   /* programs built from the on-disk binary cache */

    clmlp_kernel_entry kernels[CLMLP_MAX_KERNELS];
    size_t kernel_count;

    /* Released buffers kept for reuse, so a training step creates none. */
    clmlp_pool_entry *pool;
    size_t pool_count;
    size_t pool_capacity;
    size_t bytes_in_use;       /* device bytes held by live tensors */
    size_t bytes_pooled;       /* device bytes parked in the pool */
    size_t peak_bytes;

    /* Device time per kernel and GEMM shape; NULL until profiling records
     * its first event. */
    struct clmlp_profile *profile;

    /* Test hook for fault injection: when positive, counts buffer creations
     * in the pool down, and the one that brings it to zero fails with
     * CL_MEM_OBJECT_ALLOCATION_FAILURE instead of calling clCreateBuffer. */
    size_t fail_buffer_countdown;
    size_t buffers_created;    /* clCreateBuffer calls of the pool and the GEMM scratch */

    /* Scratch for CLBlast's indirect GEMM, which would otherwise create and
     * release temporary buffers in every call. It only grows. */
    cl_mem gemm_scratch;
    size_t gemm_scratch_bytes;
};

/* Looks up a kernel by its name in any program, creating it on first use. */
clmlp_status clmlp_kernel(clmlp_context *ctx, const char *name, clmlp_kernel_entry **entry);

/* One kernel argument: a pointer to the value and its size. */
typedef struct clmlp_arg {
    size_t size;
    const void *value;
} clmlp_arg;

#define CLMLP_ARG(x) ((clmlp_arg){sizeof(x), &(x)})

/* Sets the arguments and enqueues a 1D range of n work-items, rounded up to
 * a multiple of the local size, so the kernel must ignore ids at or above n. */
clmlp_status clmlp_launch_1d(clmlp_context *ctx, const char *name, size_t n,
                             size_t arg_count, const clmlp_arg *args);

/* Enqueues `groups` work-groups for reductions that use local memory. The
 * local size is the largest power of two that the kernel allows, at most
 * max_local. A __local float array of that many elements is passed after the
 * given arguments. */
clmlp_status clmlp_launch_group(clmlp_context *ctx, const char *name, size_t groups,
                                size_t max_local, size_t arg_count, const clmlp_arg *args);

#define CLMLP_LAUNCH_1D(ctx, name, n, ...)                                          \
    clmlp_launch_1d((ctx), (name), (n), sizeof((clmlp_arg[]){__VA_ARGS__}) / sizeof(clmlp_arg), \
                    (clmlp_arg[]){__VA_ARGS__})

#define CLMLP_LAUNCH_GROUPS(ctx, name, groups, max_local, ...)                      \
    clmlp_launch_group((ctx), (name), (groups), (max_local),                        \
                       sizeof((clmlp_arg[]){__VA_ARGS__}) / sizeof(clmlp_arg),      \
                       (clmlp_arg[]){__VA_ARGS__})

#endif
