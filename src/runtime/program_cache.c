/* Compiled kernel programs cached on disk. A file contains a header (magic,
 * key, binary size) and the device binary that clGetProgramInfo returns. */
#include "runtime/program_cache.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "runtime/cache_dir.h"

#define MAGIC "clmlp-program-1"
#define MAGIC_SIZE 16

typedef struct cache_header {
    char magic[MAGIC_SIZE];
    uint64_t key;
    uint64_t binary_size;
} cache_header;

static bool cache_enabled(void)
{
    const char *mode = getenv("CLMLP_PROGRAM_CACHE");
    return mode == NULL || strcmp(mode, "off") != 0;
}

static uint64_t program_key(clmlp_context *ctx, const char *name, const char *source,
                            const char *options)
{
    uint64_t key = clmlp_hash_bytes(CLMLP_HASH_SEED, &(uint64_t){clmlp_device_key(&ctx->info)},
                                    sizeof(uint64_t));
    key = clmlp_hash_string(key, name);
    key = clmlp_hash_string(key, source);
    return clmlp_hash_string(key, options);
}

static bool cache_path(uint64_t key, int create, char *path, size_t size)
{
    bool ok = clmlp_cache_file("program", key, ".bin", create, path, size) == CLMLP_SUCCESS;
    clmlp_clear_error();
    return ok;
}

/* Creates and builds a program from a binary; NULL when the driver refuses. */
static cl_program build_binary(clmlp_context *ctx, const unsigned char *binary, size_t size,
                               const char *options)
{
    cl_int code = CL_SUCCESS, binary_status = CL_SUCCESS;
    cl_program program = clCreateProgramWithBinary(ctx->context, 1, &ctx->device, &size, &binary,
                                                   &binary_status, &code);
    if (code != CL_SUCCESS || binary_status != CL_SUCCESS) {
        if (program != NULL)
            clReleaseProgram(program);
        return NULL;
    }
    if (clBuildProgram(program, 1, &ctx->device, options, NULL, NULL) != CL_SUCCESS) {
        clReleaseProgram(program);
        return NULL;
    }
    return program;
}

void clmlp_program_cache_load(clmlp_context *ctx, const char *name, const char *source,
                              const char *options, cl_program *program)
{
    *program = NULL;
    char path[4096];
    uint64_t key = program_key(ctx, name, source, options);
    if (!cache_enabled() || !cache_path(key, 0, path, sizeof path))
        return;

    unsigned char *data = NULL;
    size_t size = 0;
    if (clmlp_cache_read(path, &data, &size) != CLMLP_SUCCESS) {
        clmlp_clear_error();
        return;
    }

    /* Anything but an exact header and size falls back to the source. */
    cache_header header;
    if (size > sizeof header) {
        memcpy(&header, data, sizeof header);
        if (memcmp(header.magic, MAGIC, MAGIC_SIZE) == 0 && header.key == key &&
            header.binary_size == size - sizeof header)
            *program = build_binary(ctx, data + sizeof header, size - sizeof header, options);
    }
    free(data);
    if (*program == NULL)
        clmlp_log(CLMLP_LOG_DEBUG, "ignored the cached binary of program %s in %s", name, path);
}

/* Returns a malloc'd copy of the program's binary for the context's device. */
static unsigned char *program_binary(cl_program program, size_t *size)
{
    if (clGetProgramInfo(program, CL_PROGRAM_BINARY_SIZES, sizeof *size, size, NULL) != CL_SUCCESS ||
        *size == 0)
        return NULL;
    unsigned char *binary = malloc(*size);
    if (binary != NULL &&
        clGetProgramInfo(program, CL_PROGRAM_BINARIES, sizeof binary, &binary, NULL) != CL_SUCCESS) {
        free(binary);
        binary = NULL;
    }
    return binary;
}

void clmlp_program_cache_store(clmlp_context *ctx, const char *name, const char *source,
                               const char *options, cl_program program)
{
    char path[4096];
    uint64_t key = program_key(ctx, name, source, options);
    if (!cache_enabled() || !cache_path(key, 1, path, sizeof path))
        return;

    size_t size = 0;
    unsigned char *binary = program_binary(program, &size);
    unsigned char *file = binary ? malloc(sizeof(cache_header) + size) : NULL;
    if (file != NULL) {
        cache_header header = {.key = key, .binary_size = size};
        memcpy(header.magic, MAGIC, MAGIC_SIZE);
        memcpy(file, &header, sizeof header);
        memcpy(file + sizeof header, binary, size);
        if (clmlp_cache_write(path, file, sizeof header + size) != CLMLP_SUCCESS) {
            clmlp_log(CLMLP_LOG_DEBUG, "cannot cache program %s: %s", name, clmlp_error_message());
            clmlp_clear_error();
        }
    }
    free(binary);
    free(file);
}
