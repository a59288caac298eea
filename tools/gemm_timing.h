/* Timing of clmlp's GEMM calls on one shape, shared by gemm-bench and
 * clmlp-tune. */
#ifndef CLMLP_TOOLS_GEMM_TIMING_H
#define CLMLP_TOOLS_GEMM_TIMING_H

#include <stdbool.h>
#include <stddef.h>

#include "clmlp.h"

/* One product: op(A) is m x k, op(B) is k x n, batch of them strided. */
typedef struct gemm_shape {
    size_t m, n, k, batch;
    bool ta, tb;
} gemm_shape;

/* Parses MxNxK[:TT][*BATCH], where T marks a transposed operand and N a
 * plain one, for example 784x256x256:TN or 1x10x784:NN*256. Returns 0 on
 * success and -1 on a malformed shape. */
int gemm_shape_parse(const char *text, gemm_shape *shape);

/* Measures the median seconds per call over seven rounds of about 50 ms
 * each, after three warm-up calls. */
clmlp_status gemm_shape_time(clmlp_context *ctx, const gemm_shape *shape, double *seconds);

double gemm_now_seconds(void);

#endif
