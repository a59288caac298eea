/* Compiled kernel programs cached on disk, keyed by device, driver, source
 * and build options, so that a second start skips the OpenCL compiler. */
#ifndef CLMLP_RUNTIME_PROGRAM_CACHE_H
#define CLMLP_RUNTIME_PROGRAM_CACHE_H

#include <CL/cl.h>
#include <stdbool.h>

#include "runtime/context.h"

/* Builds the program from its cached binary. Sets *program to NULL, without
 * failing, when there is no cache entry or it does not load and build:
 * missing, short, corrupt, for another key, or refused by the driver.
 * CLMLP_PROGRAM_CACHE=off turns the cache off. */
void clmlp_program_cache_load(clmlp_context *ctx, const char *name, const char *source,
                              const char *options, cl_program *program);

/* Stores the binary of a program built from source. Failures only log a
 * debug message: the cache is an optimisation. */
void clmlp_program_cache_store(clmlp_context *ctx, const char *name, const char *source,
                               const char *options, cl_program program);

#endif
