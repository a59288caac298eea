/* The --profile report: device time per kernel and per GEMM shape. */
#ifndef MLP_TRAIN_PROFILE_REPORT_H
#define MLP_TRAIN_PROFILE_REPORT_H

#include <stdio.h>

#include "clmlp.h"

/* Prints the context's profile as a table sorted by time, with calls, total
 * milliseconds, mean microseconds per call and the share of all device
 * time. The context must have been created with profiling on. */
clmlp_status print_profile(FILE *out, clmlp_context *context);

#endif
