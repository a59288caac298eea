/* gemm-bench: GFLOP/s of clmlp's GEMM calls on the shapes of a training
 * step, and the start-up time of a context. */
#include <stdio.h>
#include <string.h>

#include "clmlp.h"
#include "gemm_timing.h"

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

    double started = gemm_now_seconds();
    clmlp_context *ctx = NULL;
    if (clmlp_context_create(device, &ctx) != CLMLP_SUCCESS) {
        fprintf(stderr, "gemm-bench: cannot create a context: %s\n", clmlp_error_message());
        return 1;
    }
    if (startup)
        printf("startup %.3f\n", gemm_now_seconds() - started);

    int rc = 0;
    for (int i = first; i < argc && rc == 0; i++) {
        gemm_shape s;
        double seconds = 0;
        if (gemm_shape_parse(argv[i], &s) != 0) {
            rc = usage();
        } else if (gemm_shape_time(ctx, &s, &seconds) != CLMLP_SUCCESS) {
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
