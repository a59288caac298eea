/* Time spent on the device per kernel and per GEMM shape, from OpenCL event
 * timestamps, for contexts created with profiling on. */
#ifndef CLMLP_PROFILE_H
#define CLMLP_PROFILE_H

#include <stddef.h>
#include <stdint.h>

#include "clmlp/runtime.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What a profile entry measures. */
typedef enum clmlp_profile_kind {
    CLMLP_PROFILE_KERNEL = 0,   /* one clmlp kernel, keyed by its OpenCL kernel name */
    CLMLP_PROFILE_GEMM          /* CLBlast GEMM calls of one shape and transpose pair */
} clmlp_profile_kind;

/* Totals for one kernel or one GEMM shape. */
typedef struct clmlp_profile_entry {
    clmlp_profile_kind kind;
    /* A kernel name such as "relu_forward", or a GEMM key such as
     * "sgemm NT m=256 n=10 k=256" (N or T for op(A), then op(B)) or
     * "sgemm_batched NN m=1 n=32 k=64 batch=256". */
    char name[96];
    uint64_t calls;             /* commands that have finished */
    uint64_t nanoseconds;       /* sum of CL_PROFILING_COMMAND_END - CL_PROFILING_COMMAND_START */
} clmlp_profile_entry;

/* Waits for the commands recorded so far and copies the totals into a
 * malloc'd array, sorted by time, largest first, that the caller frees with
 * free(). *count may be 0, with *entries NULL, before any command ran.
 * Returns CLMLP_ERROR_INVALID_ARGUMENT for NULL pointers and
 * CLMLP_ERROR_UNSUPPORTED when the context was created without
 * clmlp_context_options.profiling. */
CLMLP_API clmlp_status clmlp_profile_read(clmlp_context *context, clmlp_profile_entry **entries,
                                          size_t *count);

/* Waits for the commands recorded so far and sets every total to zero, for
 * example to leave out a warm-up run. Returns the same errors as
 * clmlp_profile_read(). */
CLMLP_API clmlp_status clmlp_profile_reset(clmlp_context *context);

#ifdef __cplusplus
}
#endif

#endif
