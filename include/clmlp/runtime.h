/* OpenCL devices and contexts: discovery, selection and kernel programs. */
#ifndef CLMLP_RUNTIME_H
#define CLMLP_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clmlp/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Facts about one OpenCL device, as the driver reports them. */
typedef struct clmlp_device_info {
    unsigned platform_index;
    unsigned device_index;       /* index within its platform */
    char platform_name[128];
    char device_name[128];
    char device_version[64];     /* "OpenCL 3.0 PoCL ..." */
    char driver_version[64];
    int is_gpu;
    int is_cpu;
    unsigned compute_units;
    uint64_t global_memory;      /* bytes */
    uint64_t max_allocation;     /* bytes, CL_DEVICE_MAX_MEM_ALLOC_SIZE */
    size_t max_work_group_size;
} clmlp_device_info;

/* Lists every device of every platform, in platform then device order.
 * On success *devices is a malloc'd array the caller frees with free().
 * Returns CLMLP_ERROR_NO_PLATFORM when the ICD loader finds no platform. */
CLMLP_API clmlp_status clmlp_list_devices(clmlp_device_info **devices, size_t *count);

/* Picks a device. selector is "P:D" (platform and device index), a
 * case-insensitive substring of the device or platform name, or NULL or ""
 * for the default: the first GPU, else the first device. Returns
 * CLMLP_ERROR_DEVICE_NOT_FOUND with the list of devices in the message when
 * nothing matches. */
CLMLP_API clmlp_status clmlp_select_device(const char *selector, clmlp_device_info *selected);

/* The selector from the CLMLP_DEVICE environment variable, or NULL. */
CLMLP_API const char *clmlp_device_from_environment(void);

typedef struct clmlp_context clmlp_context;

/* Creates a context and an in-order queue on the selected device and builds
 * every kernel program. The programs come from the sources embedded in the
 * library, or from the folder in CLMLP_KERNEL_DIR when it is set. A program
 * that fails to build returns CLMLP_ERROR_BUILD_FAILED with the device name
 * and the build log in the message. */
CLMLP_API clmlp_status clmlp_context_create(const char *selector, clmlp_context **context);

/* Settings for clmlp_context_create_with(). */
typedef struct clmlp_context_options {
    const char *device;       /* selector as for clmlp_select_device; NULL for the default */
    bool profiling;           /* record OpenCL event times of every kernel and GEMM */
} clmlp_context_options;

/* Returns the defaults: default device, profiling off. */
CLMLP_API clmlp_context_options clmlp_context_default(void);

/* Creates a context as clmlp_context_create() does, with more settings. */
CLMLP_API clmlp_status clmlp_context_create_with(const clmlp_context_options *options,
                                                 clmlp_context **context);

/* Releases the context, its queue, programs and pooled buffers. NULL is
 * allowed. Every tensor, model and optimizer of the context must be freed
 * first. */
CLMLP_API void clmlp_context_free(clmlp_context *context);

/* Returns the device the context runs on. The pointer lives as long as the
 * context. */
CLMLP_API const clmlp_device_info *clmlp_context_device(const clmlp_context *context);

/* Device memory that a context's tensors use, from its buffer pool. */
typedef struct clmlp_memory_stats {
    size_t bytes_in_use;       /* held by live tensors now */
    size_t bytes_pooled;       /* parked in the pool for reuse */
    size_t peak_bytes;         /* the most ever held by tensors and the pool together */
    size_t buffers_created;    /* device buffers the pool has created so far */
} clmlp_memory_stats;

/* Fills *stats for the context. Datasets' own buffers are not included.
 * Returns CLMLP_ERROR_INVALID_ARGUMENT for NULL arguments. */
CLMLP_API clmlp_status clmlp_context_memory(const clmlp_context *context,
                                            clmlp_memory_stats *stats);

/* Waits until every command queued on the context has finished. */
CLMLP_API clmlp_status clmlp_context_finish(clmlp_context *context);

#ifdef __cplusplus
}
#endif

#endif
