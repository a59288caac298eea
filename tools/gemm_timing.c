/* Timing of clmlp's GEMM calls on one shape. */
#include "gemm_timing.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "blas/blas.h"
#include "runtime/context.h"

double gemm_now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int gemm_shape_parse(const char *text, gemm_shape *s)
{
    char ta = 'N', tb = 'N';
    unsigned long long m, n, k, batch = 1;
    int used = 0;
    if (sscanf(text, "%llux%llux%llu%n", &m, &n, &k, &used) != 3)
        return -1;
    text += used;
    if (*text == ':' && text[1] != '\0' && text[2] != '\0') {
        ta = text[1];
        tb = text[2];
        text += 3;
    }
    if (*text == '*' && sscanf(text + 1, "%llu%n", &batch, &used) == 1)
        text += 1 + used;
    if (*text != '\0' || m == 0 || n == 0 || k == 0 || batch == 0 ||
        (ta != 'N' && ta != 'T') || (tb != 'N' && tb != 'T'))
        return -1;
    *s = (gemm_shape){m, n, k, batch, ta == 'T', tb == 'T'};
    return 0;
}

static clmlp_status run_once(clmlp_context *ctx, const gemm_shape *s, cl_mem a, cl_mem b, cl_mem c)
{
    size_t lda = s->ta ? s->m : s->k, ldb = s->tb ? s->k : s->n;
    if (s->batch == 1)
        return clmlp_sgemm(ctx, s->ta, s->tb, s->m, s->n, s->k, 1.0f, a, 0, lda, b, 0, ldb, 0.0f,
                           c, 0, s->n);
    return clmlp_sgemm_strided_batched(ctx, s->ta, s->tb, s->m, s->n, s->k, 1.0f, a, 0, lda,
                                       s->m * s->k, b, 0, ldb, s->k * s->n, 0.0f, c, 0, s->n,
                                       s->m * s->n, s->batch);
}

static int compare_doubles(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

clmlp_status gemm_shape_time(clmlp_context *ctx, const gemm_shape *s, double *seconds)
{
    size_t floats_a = s->batch * s->m * s->k, floats_b = s->batch * s->k * s->n;
    size_t floats_c = s->batch * s->m * s->n;
    float *host = calloc(floats_a > floats_b ? floats_a : floats_b, sizeof *host);
    cl_int code = CL_SUCCESS;
    cl_mem a = clCreateBuffer(ctx->context, CL_MEM_READ_WRITE, floats_a * 4, NULL, &code);
    cl_mem b = clCreateBuffer(ctx->context, CL_MEM_READ_WRITE, floats_b * 4, NULL, &code);
    cl_mem c = clCreateBuffer(ctx->context, CL_MEM_READ_WRITE, floats_c * 4, NULL, &code);
    clmlp_status status = host != NULL && a && b && c ? CLMLP_SUCCESS : CLMLP_ERROR_OUT_OF_HOST_MEMORY;
    for (size_t i = 0; host != NULL && i < (floats_a > floats_b ? floats_a : floats_b); i++)
        host[i] = (float)(i % 7) * 0.25f - 0.75f;
    if (status == CLMLP_SUCCESS) {
        clEnqueueWriteBuffer(ctx->queue, a, CL_TRUE, 0, floats_a * 4, host, 0, NULL, NULL);
        clEnqueueWriteBuffer(ctx->queue, b, CL_TRUE, 0, floats_b * 4, host, 0, NULL, NULL);
    }

    /* Enough calls per round to last about 50 ms, measured after warm-up. */
    size_t calls = 1;
    double rounds[7];
    for (int warm = 0; warm < 3 && status == CLMLP_SUCCESS; warm++)
        status = run_once(ctx, s, a, b, c);
    if (status == CLMLP_SUCCESS)
        status = clmlp_context_finish(ctx);
    for (int r = -1; r < 7 && status == CLMLP_SUCCESS; r++) {
        double started = gemm_now_seconds();
        for (size_t i = 0; i < calls && status == CLMLP_SUCCESS; i++)
            status = run_once(ctx, s, a, b, c);
        if (status == CLMLP_SUCCESS)
            status = clmlp_context_finish(ctx);
        double seconds = (gemm_now_seconds() - started) / (double)calls;
        if (r < 0)
            calls = seconds < 0.05 ? (size_t)(0.05 / seconds) + 1 : 1;
        else
            rounds[r] = seconds;
    }
    if (status == CLMLP_SUCCESS) {
        qsort(rounds, 7, sizeof rounds[0], compare_doubles);
        *seconds = rounds[3];
    }
    free(host);
    if (a)
        clReleaseMemObject(a);
    if (b)
        clReleaseMemObject(b);
    if (c)
        clReleaseMemObject(c);
    return status;
}

