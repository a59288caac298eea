/* Kernel sources embedded into the library at build time. */
#ifndef CLMLP_RUNTIME_EMBEDDED_H
#define CLMLP_RUNTIME_EMBEDDED_H

#include <stddef.h>

typedef struct clmlp_embedded_program {
    const char *name;   /* program name, also the file stem under CLMLP_KERNEL_DIR */
    const char *source;
} clmlp_embedded_program;

extern const clmlp_embedded_program clmlp_embedded_programs[];
extern const size_t clmlp_embedded_program_count;

#endif
