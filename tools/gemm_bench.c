/* gemm-bench: GFLOP/s of clmlp's GEMM calls on the shapes of a training
 * step, and the start-up time of a context. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "blas/blas.h"
#include "clmlp.h"
#include "runtime/context.h"

typedef struct shape {
    size_t m, n, k, batch;
    bool ta, tb;
} shape;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Parses MxNxK[:TT][*BATCH], where T marks a transposed operand and N a
 * plain one, for example 784x256x256:TN or 1x10x784*256. */
static int parse_shape(const char *text, shape *s)
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
    *s = (shape){m, n, k, batch, ta == 'T', tb == 'T'};
    return 0;
}

static clmlp_status run_once(clmlp_context *ctx, const shape *s, cl_mem a, cl_mem b, cl_mem c)
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

/* Median seconds per call over rounds of calls, after warm-up calls. */
static clmlp_status time_shape(clmlp_context *ctx, const shape *s, double *seconds)
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
        double started = now_seconds();
        for (size_t i = 0; i < calls && status == CLMLP_SUCCESS; i++)
            status = run_once(ctx, s, a, b, c);
        if (status == CLMLP_SUCCESS)
            status = clmlp_context_finish(ctx);
        double seconds = (now_seconds() - started) / (double)calls;
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

static int usage(void)
{
    fprintf(stderr, "usage: gemm-bench [--device SEL] [--startup] SHAPE...\n"
                    "SHAPE is MxNxK[:TT][*BATCH] with T or N per operand, e.g. 784x256x256:TN\n"
                    "prints: shape, milliseconds per call, GFLOP/s\n"
                    "--startup prints the seconds to create a context with all its kernels\n");
    return 2;
}

int main(int argc, char **argv)
{
    const char *device = clmlp_device_from_environment();
    bool startup = false;
    int first = 1;
    for (; first < argc && strncmp(argv[first], "--", 2) == 0; first++) {
        if (strcmp(argv[first], "--device") == 0 && first + 1 < argc)
            device = argv[++first];
        else if (strcmp(argv[first], "--startup") == 0)
            startup = true;
        else
            return usage();
    }

    double started = now_seconds();
    clmlp_context *ctx = NULL;
    if (clmlp_context_create(device, &ctx) != CLMLP_SUCCESS) {
        fprintf(stderr, "gemm-bench: cannot create a context: %s\n", clmlp_error_message());
        return 1;
    }
    if (startup)
        printf("startup %.3f\n", now_seconds() - started);

    int rc = 0;
    for (int i = first; i < argc && rc == 0; i++) {
        shape s;
        double seconds = 0;
        if (parse_shape(argv[i], &s) != 0) {
            rc = usage();
        } else if (time_shape(ctx, &s, &seconds) != CLMLP_SUCCESS) {
            fprintf(stderr, "gemm-bench: %s failed: %s\n", argv[i], clmlp_error_message());
            rc = 1;
        } else {
            double flops = 2.0 * (double)(s.m * s.n * s.k * s.batch);
            printf("%s %.4f %.2f\n", argv[i], seconds * 1e3, flops / seconds * 1e-9);
            fflush(stdout);
        }
    }
    clmlp_context_free(ctx);
    return rc;
}
