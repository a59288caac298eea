/* Loads the kernel sources and compiles them for the context's device. */
#include "runtime/program.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/embedded.h"
#include "runtime/program_cache.h"

/* Fast-math options stay off: they break NaN checks and drift from references. */
#define BUILD_OPTIONS "-cl-std=CL1.2"

/* Reads dir/name.cl into a malloc'd string. */
static clmlp_status read_source(const char *dir, const char *name, char **source)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.cl", dir, name);

    FILE *file = fopen(path, "rb");
    if (file == NULL)
        return clmlp_fail(CLMLP_ERROR_IO, "cannot open kernel source %s (from CLMLP_KERNEL_DIR): %s",
                          path, strerror(errno));

    size_t capacity = 16384, length = 0;
    char *text = malloc(capacity);
    while (text != NULL) {
        length += fread(text + length, 1, capacity - length - 1, file);
        if (length < capacity - 1)
            break;
        capacity *= 2;
        char *grown = realloc(text, capacity);
        if (grown == NULL) {
            free(text);
            text = NULL;
        } else {
            text = grown;
        }
    }
    int failed = ferror(file);
    fclose(file);
    if (text == NULL)
        return clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory reading %s", path);
    if (failed) {
        free(text);
        return clmlp_fail(CLMLP_ERROR_IO, "read error on kernel source %s", path);
    }
    text[length] = '\0';
    *source = text;
    return CLMLP_SUCCESS;
}

static clmlp_status build_failure(clmlp_context *ctx, cl_program program, const char *name,
                                  cl_int code)
{
    size_t log_size = 0;
    clGetProgramBuildInfo(program, ctx->device, CL_PROGRAM_BUILD_LOG, 0, NULL, &log_size);
    char *log = malloc(log_size + 1);
    if (log != NULL) {
        log[0] = '\0';
        clGetProgramBuildInfo(program, ctx->device, CL_PROGRAM_BUILD_LOG, log_size, log, NULL);
        log[log_size] = '\0';
    }
    clmlp_status status = clmlp_fail(CLMLP_ERROR_BUILD_FAILED,
                                     "OpenCL program %s failed to build on %s (%s): %s", name,
                                     ctx->info.device_name, clmlp_cl_error_name(code),
                                     log ? log : "(no build log)");
    free(log);
    return status;
}

static clmlp_status build_one(clmlp_context *ctx, const char *name, const char *source)
{
    cl_program program = NULL;
    clmlp_program_cache_load(ctx, name, source, BUILD_OPTIONS, &program);
    if (program != NULL) {
        ctx->programs_from_cache++;
        ctx->programs[ctx->program_count++] = program;
        return CLMLP_SUCCESS;
    }

    cl_int code = CL_SUCCESS;
    program = clCreateProgramWithSource(ctx->context, 1, &source, NULL, &code);
    if (code != CL_SUCCESS)
        return clmlp_fail_cl(code, "clCreateProgramWithSource", __FILE__, __LINE__);

    code = clBuildProgram(program, 1, &ctx->device, BUILD_OPTIONS, NULL, NULL);
    if (code != CL_SUCCESS) {
        clmlp_status status = build_failure(ctx, program, name, code);
        clReleaseProgram(program);
        return status;
    }
    clmlp_program_cache_store(ctx, name, source, BUILD_OPTIONS, program);
    ctx->programs[ctx->program_count++] = program;
    return CLMLP_SUCCESS;
}

clmlp_status clmlp_build_programs(clmlp_context *ctx)
{
    const char *dir = getenv("CLMLP_KERNEL_DIR");
    if (dir != NULL && dir[0] == '\0')
        dir = NULL;
    if (clmlp_embedded_program_count > CLMLP_MAX_PROGRAMS)
        return clmlp_fail(CLMLP_ERROR_UNSUPPORTED, "too many kernel programs");

    for (size_t i = 0; i < clmlp_embedded_program_count; i++) {
        const clmlp_embedded_program *program = &clmlp_embedded_programs[i];
        if (dir == NULL) {
            CLMLP_TRY(build_one(ctx, program->name, program->source));
            continue;
        }

        char *source = NULL;
        CLMLP_TRY(read_source(dir, program->name, &source));
        clmlp_status status = build_one(ctx, program->name, source);
        free(source);
        CLMLP_TRY(status);
    }
    return CLMLP_SUCCESS;
}
