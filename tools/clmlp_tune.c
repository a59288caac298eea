/* clmlp-tune: searches CLBlast GEMM parameters for the shapes of a model's
 * training step on one device, checks each candidate against a host GEMM,
 * and stores the fastest correct one where new contexts on that device
 * load it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blas/tuning.h"
#include "clmlp.h"
#include "gemm_timing.h"
#include "runtime/cache_dir.h"
#include "runtime/context.h"

/* The scratch MLP's products at batch 256 and 256 hidden units. */
static const char *const scratch_shapes[] = {"256x256x784:NN", "256x10x256:NN", "256x256x10:NT",
                                             "256x10x256:TN", "784x256x256:TN"};

/* Xgemm candidates, in clmlp_xgemm_param_names order: GEMMK KREG KWG KWI
 * MDIMA MDIMC MWG NDIMB NDIMC NWG SA SB STRM STRN VWM VWN. The first two
 * are the best GEMMK=0 and GEMMK=1 sets CLBlast's tuner found on a
 * two-core AVX-512 EPYC under PoCL, the third is the set clmlp ships for
 * PoCL's CPU device, and the rest vary tile and vector sizes. */
static const size_t xgemm_candidates[][CLMLP_XGEMM_PARAMS] = {
    {0, 1, 32, 2, 16, 8, 128, 8, 8, 64, 0, 0, 1, 1, 8, 1},
    {1, 4, 1, 1, 4, 4, 128, 4, 4, 16, 0, 0, 0, 0, 8, 2},
    {0, 1, 16, 2, 16, 8, 128, 8, 8, 128, 0, 0, 1, 1, 8, 4},
    {0, 1, 32, 2, 8, 8, 64, 8, 8, 64, 0, 0, 1, 1, 8, 1},
    {0, 1, 32, 2, 16, 8, 128, 8, 8, 32, 0, 0, 1, 1, 8, 1},
    {0, 1, 32, 2, 8, 8, 64, 8, 8, 64, 0, 0, 0, 0, 4, 2},
    {0, 1, 16, 2, 8, 8, 32, 8, 8, 32, 0, 0, 0, 0, 1, 1},
};

/* Switch-over sizes: always the indirect kernel, or CLBlast's 896. */
static const size_t min_indirect_candidates[] = {0, 896};

#define MAX_SHAPES 32

static int fail(const char *what)
{
    fprintf(stderr, "clmlp-tune: %s: %s\n", what, clmlp_error_message());
    return 1;
}

/* Sums the seconds per call of every shape; sets *total to -1 when the set
 * fails or computes wrongly. */
static clmlp_status try_candidate(clmlp_context *ctx, const clmlp_gemm_tuning *tuning,
                                  const gemm_shape *shapes, size_t count, double *total)
{
    bool correct = false;
    *total = -1;
    if (clmlp_gemm_tuning_apply(ctx, tuning) != CLMLP_SUCCESS ||
        clmlp_gemm_tuning_verify(ctx, &correct) != CLMLP_SUCCESS || !correct) {
        clmlp_clear_error();
        return CLMLP_SUCCESS;
    }
    double sum = 0;
    for (size_t i = 0; i < count; i++) {
        double seconds = 0;
        CLMLP_TRY(gemm_shape_time(ctx, &shapes[i], &seconds));
        sum += seconds;
    }
    *total = sum;
    return CLMLP_SUCCESS;
}

static int store(clmlp_context *ctx, const clmlp_gemm_tuning *best)
{
    char path[4096], text[2048];
    size_t length = clmlp_gemm_tuning_format(best, &ctx->info, text, sizeof text);
    if (clmlp_gemm_tuning_path(&ctx->info, 1, path, sizeof path) != CLMLP_SUCCESS ||
        clmlp_cache_write(path, text, length) != CLMLP_SUCCESS)
        return fail("cannot store the parameters");
    printf("stored in %s:\n%s", path, text);
    return 0;
}

static int tune(clmlp_context *ctx, const gemm_shape *shapes, size_t count)
{
    clmlp_gemm_tuning best = {0};
    double best_total = -1;
    size_t candidates = sizeof xgemm_candidates / sizeof xgemm_candidates[0];
    size_t switches = sizeof min_indirect_candidates / sizeof min_indirect_candidates[0];
    for (size_t x = 0; x < candidates; x++) {
        for (size_t s = 0; s < switches; s++) {
            clmlp_gemm_tuning tuning = {.has_xgemm = true, .has_min_indirect = true,
                                        .min_indirect = min_indirect_candidates[s]};
            memcpy(tuning.xgemm, xgemm_candidates[x], sizeof tuning.xgemm);

            /* The first call after new parameters recompiles CLBlast's kernels. */
            double total = 0;
            if (try_candidate(ctx, &tuning, shapes, count, &total) != CLMLP_SUCCESS)
                return fail("timing failed");
            if (total < 0)
                printf("Xgemm set %zu, switch %zu: failed or wrong, skipped\n", x,
                       min_indirect_candidates[s]);
            else
                printf("Xgemm set %zu, switch %zu: %.3f ms per step\n", x,
                       min_indirect_candidates[s], total * 1e3);
            fflush(stdout);
            if (total >= 0 && (best_total < 0 || total < best_total)) {
                best = tuning;
                best_total = total;
            }
        }
    }
    if (best_total < 0) {
        fprintf(stderr, "clmlp-tune: no candidate computed correctly; nothing stored\n");
        return 1;
    }
    return store(ctx, &best);
}

int main(int argc, char **argv)
{
    const char *device = clmlp_device_from_environment();
    int first = 1;
    if (argc > 2 && strcmp(argv[1], "--device") == 0) {
        device = argv[2];
        first = 3;
    }
    if (first < argc && strncmp(argv[first], "--", 2) == 0) {
        fprintf(stderr, "usage: clmlp-tune [--device SEL] [SHAPE...]\n"
                        "SHAPE is MxNxK[:TT][*BATCH]; the default is the scratch MLP's step\n");
        return 2;
    }

    gemm_shape shapes[MAX_SHAPES];
    size_t count = 0;
    for (int i = first; i < argc && count < MAX_SHAPES; i++, count++)
        if (gemm_shape_parse(argv[i], &shapes[count]) != 0) {
            fprintf(stderr, "clmlp-tune: invalid shape %s\n", argv[i]);
            return 2;
        }
    for (size_t i = 0; count == 0 && i < sizeof scratch_shapes / sizeof scratch_shapes[0]; i++)
        gemm_shape_parse(scratch_shapes[i], &shapes[i]);
    if (count == 0)
        count = sizeof scratch_shapes / sizeof scratch_shapes[0];

    /* The candidates replace whatever the context applied; none is stored
     * until one proves correct and fastest. */
    setenv("CLMLP_CLBLAST_TUNING", "off", 1);
    clmlp_context *ctx = NULL;
    if (clmlp_context_create(device, &ctx) != CLMLP_SUCCESS)
        return fail("cannot create an OpenCL context");
    printf("tuning CLBlast GEMM on %s (%s, driver %s)\n", ctx->info.device_name,
           ctx->info.platform_name, ctx->info.driver_version);
    int rc = tune(ctx, shapes, count);
    clmlp_context_free(ctx);
    return rc;
}
