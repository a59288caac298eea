/* Context creation: OpenCL context, in-order queue and kernel programs. */
#include "runtime/context.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blas/tuning.h"
#include "runtime/device.h"
#include "runtime/embedded.h"
#include "runtime/profile.h"
#include "runtime/program.h"
#include "tensor/pool.h"

clmlp_context_options clmlp_context_default(void)
{
    return (clmlp_context_options){.device = NULL, .profiling = false};
}

clmlp_status clmlp_context_create(const char *selector, clmlp_context **context)
{
    clmlp_context_options options = clmlp_context_default();
    options.device = selector;
    return clmlp_context_create_with(&options, context);
}

clmlp_status clmlp_context_create_with(const clmlp_context_options *options,
                                       clmlp_context **context)
{
    if (context == NULL || options == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_context_create: NULL output pointer");
    *context = NULL;

    clmlp_context *ctx = calloc(1, sizeof *ctx);
    if (ctx == NULL)
        return clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory creating a context");

    ctx->options = *options;
    ctx->options.device = NULL;   /* the caller's string may not outlive this call */
    clmlp_status status = clmlp_find_device(options->device, &ctx->info, &ctx->platform,
                                            &ctx->device);
    if (status != CLMLP_SUCCESS) {
        free(ctx);
        return status;
    }

    cl_int code = CL_SUCCESS;
    cl_context_properties properties[] = {CL_CONTEXT_PLATFORM,
                                          (cl_context_properties)ctx->platform, 0};
    ctx->context = clCreateContext(properties, 1, &ctx->device, NULL, NULL, &code);
    if (code != CL_SUCCESS) {
        status = clmlp_fail_cl(code, "clCreateContext", __FILE__, __LINE__);
        goto fail;
    }

    cl_command_queue_properties queue_properties = options->profiling ? CL_QUEUE_PROFILING_ENABLE : 0;
    ctx->queue = clCreateCommandQueue(ctx->context, ctx->device, queue_properties, &code);
    if (code != CL_SUCCESS) {
        status = clmlp_fail_cl(code, "clCreateCommandQueue", __FILE__, __LINE__);
        goto fail;
    }

    status = clmlp_build_programs(ctx);
    if (status != CLMLP_SUCCESS)
        goto fail;

    /* CLBlast keeps parameters per device, so this sets them for the process. */
    status = clmlp_gemm_tuning_setup(ctx);
    if (status != CLMLP_SUCCESS)
        goto fail;

    *context = ctx;
    return CLMLP_SUCCESS;

fail:
    clmlp_context_free(ctx);
    return status;
}

void clmlp_context_free(clmlp_context *ctx)
{
    if (ctx == NULL)
        return;
    if (ctx->queue)
        clFinish(ctx->queue);
    clmlp_pool_release_all(ctx);
    if (ctx->gemm_scratch)
        clReleaseMemObject(ctx->gemm_scratch);
    clmlp_profile_free(ctx->profile);
    for (size_t i = 0; i < ctx->kernel_count; i++)
        clReleaseKernel(ctx->kernels[i].kernel);
    for (size_t i = 0; i < ctx->program_count; i++)
        if (ctx->programs[i])
            clReleaseProgram(ctx->programs[i]);
    if (ctx->queue)
        clReleaseCommandQueue(ctx->queue);
    if (ctx->context)
        clReleaseContext(ctx->context);
    free(ctx);
}

const clmlp_device_info *clmlp_context_device(const clmlp_context *ctx)
{
    return ctx ? &ctx->info : NULL;
}

clmlp_status clmlp_context_memory(const clmlp_context *ctx, clmlp_memory_stats *stats)
{
    if (ctx == NULL || stats == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_context_memory: NULL argument");
    *stats = (clmlp_memory_stats){ctx->bytes_in_use, ctx->bytes_pooled, ctx->peak_bytes,
                                  ctx->buffers_created};
    return CLMLP_SUCCESS;
}

clmlp_status clmlp_context_finish(clmlp_context *ctx)
{
    if (ctx == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_context_finish: NULL context");
    CLMLP_CL_CHECK(clFinish(ctx->queue));
    return CLMLP_SUCCESS;
}

clmlp_status clmlp_kernel(clmlp_context *ctx, const char *name, clmlp_kernel_entry **entry)
{
    /* Names are string literals, so pointer equality finds repeat calls fast. */
    for (size_t i = 0; i < ctx->kernel_count; i++) {
        if (ctx->kernels[i].name == name || strcmp(ctx->kernels[i].name, name) == 0) {
            *entry = &ctx->kernels[i];
            return CLMLP_SUCCESS;
        }
    }
    if (ctx->kernel_count == CLMLP_MAX_KERNELS)
        return clmlp_fail(CLMLP_ERROR_UNSUPPORTED, "too many kernels (limit %d) creating %s",
                          CLMLP_MAX_KERNELS, name);

    for (size_t p = 0; p < ctx->program_count; p++) {
        cl_int code = CL_SUCCESS;
        cl_kernel kernel = clCreateKernel(ctx->programs[p], name, &code);
        if (code == CL_INVALID_KERNEL_NAME)
            continue;
        if (code != CL_SUCCESS)
            return clmlp_fail_cl(code, "clCreateKernel", __FILE__, __LINE__);

        size_t work_group = 1;
        code = clGetKernelWorkGroupInfo(kernel, ctx->device, CL_KERNEL_WORK_GROUP_SIZE,
                                        sizeof work_group, &work_group, NULL);
        if (code != CL_SUCCESS) {
            clReleaseKernel(kernel);
            return clmlp_fail_cl(code, "clGetKernelWorkGroupInfo", __FILE__, __LINE__);
        }

        clmlp_kernel_entry *e = &ctx->kernels[ctx->kernel_count++];
        e->name = name;
        e->kernel = kernel;
        e->work_group_size = work_group ? work_group : 1;
        *entry = e;
        return CLMLP_SUCCESS;
    }
    return clmlp_fail(CLMLP_ERROR_BUILD_FAILED,
                      "kernel %s is missing from the OpenCL programs; check CLMLP_KERNEL_DIR", name);
}

static clmlp_status set_args(clmlp_kernel_entry *e, size_t arg_count, const clmlp_arg *args)
{
    for (size_t i = 0; i < arg_count; i++) {
        cl_int code = clSetKernelArg(e->kernel, (cl_uint)i, args[i].size, args[i].value);
        if (code != CL_SUCCESS)
            return clmlp_fail(CLMLP_ERROR_OPENCL, "clSetKernelArg failed with %s on argument %zu of %s",
                              clmlp_cl_error_name(code), i, e->name);
    }
    return CLMLP_SUCCESS;
}

static clmlp_status enqueue(clmlp_context *ctx, clmlp_kernel_entry *e, size_t global, size_t local)
{
    cl_event event = NULL;
    cl_int code = clEnqueueNDRangeKernel(ctx->queue, e->kernel, 1, NULL, &global, &local, 0, NULL,
                                         CLMLP_PROFILE_EVENT(ctx, event));
    if (code != CL_SUCCESS) {
        clmlp_status status = clmlp_fail_cl(code, "clEnqueueNDRangeKernel", __FILE__, __LINE__);
        return clmlp_fail_append(status, " launching %s with %zu work-items in groups of %zu",
                                 e->name, global, local);
    }
    return clmlp_profile_record(ctx, CLMLP_PROFILE_KERNEL, e->name, event);
}

clmlp_status clmlp_launch_1d(clmlp_context *ctx, const char *name, size_t n, size_t arg_count,
                             const clmlp_arg *args)
{
    if (n == 0)
        return CLMLP_SUCCESS;
    clmlp_kernel_entry *e = NULL;
    CLMLP_TRY(clmlp_kernel(ctx, name, &e));
    CLMLP_TRY(set_args(e, arg_count, args));

    size_t local = e->work_group_size < 64 ? e->work_group_size : 64;
    size_t global = (n + local - 1) / local * local;
    return enqueue(ctx, e, global, local);
}

clmlp_status clmlp_launch_group(clmlp_context *ctx, const char *name, size_t groups,
                                size_t max_local, size_t arg_count, const clmlp_arg *args)
{
    if (groups == 0)
        return CLMLP_SUCCESS;
    clmlp_kernel_entry *e = NULL;
    CLMLP_TRY(clmlp_kernel(ctx, name, &e));
    CLMLP_TRY(set_args(e, arg_count, args));

    /* Reductions halve the active work-items each round, so use a power of two. */
    size_t limit = e->work_group_size < max_local ? e->work_group_size : max_local;
    size_t local = 1;
    while (local * 2 <= limit)
        local *= 2;

    cl_int code = clSetKernelArg(e->kernel, (cl_uint)arg_count, local * sizeof(float), NULL);
    if (code != CL_SUCCESS)
        return clmlp_fail(CLMLP_ERROR_OPENCL, "clSetKernelArg failed with %s on the local buffer of %s",
                          clmlp_cl_error_name(code), e->name);
    return enqueue(ctx, e, groups * local, local);
}
