/* Building the kernel programs of a context. */
#ifndef CLMLP_RUNTIME_PROGRAM_H
#define CLMLP_RUNTIME_PROGRAM_H

#include "runtime/context.h"

/* Builds every program, from the embedded sources or from CLMLP_KERNEL_DIR. */
clmlp_status clmlp_build_programs(clmlp_context *ctx);

#endif
