/* Chooses, checks and applies CLBlast's GEMM parameters for a context. */
#include "blas/tuning.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <clblast_c.h>

#include "blas/blas.h"
#include "runtime/cache_dir.h"

const char *const clmlp_xgemm_param_names[CLMLP_XGEMM_PARAMS] = {
    "GEMMK", "KREG", "KWG", "KWI", "MDIMA", "MDIMC", "MWG", "NDIMB",
    "NDIMC", "NWG", "SA", "SB", "STRM", "STRN", "VWM", "VWN"};

const char *const clmlp_direct_param_names[CLMLP_DIRECT_PARAMS] = {
    "WGD", "KWID", "MDIMAD", "MDIMCD", "NDIMBD", "NDIMCD", "PADA", "PADB", "VWMD", "VWND"};

bool clmlp_gemm_tuning_shipped(const clmlp_device_info *info, clmlp_gemm_tuning *tuning)
{
    /* PoCL's CPU device: a variant of the best Xgemm set CLBlast's own
     * tuner found on a two-core AVX-512 EPYC (below), and the indirect kernel
     * for every size, which its routine tuner found faster from 256³ up. Its best XgemmDirect set
     * made batched 1 x 10 x 784 products five times slower, so CLBlast's
     * own direct parameters stay. */
    bool pocl = strstr(info->platform_name, "Portable Computing Language") != NULL ||
                strstr(info->device_version, "PoCL") != NULL;
    if (!info->is_cpu || !pocl)
        return false;

    /* The indirect kernel also runs CLBlast's pad and transpose kernels,
     * whose PoCL parameters use work-groups of 256, so a device capped
     * below that (POCL_MAX_WORK_GROUP_SIZE) keeps CLBlast's direct kernel. */
    if (info->max_work_group_size < 256)
        return false;
    /* From clmlp-tune on a 2-core AVX-512 EPYC under PoCL 3.1: CLBlast's own
     * tuner's best GEMMK=0 set with KWG 16, which divides K = 784 so the
     * first layer's operands need no padding, and 128 x 4 column tiles.
     * It took 1.67-1.71 ms for the scratch MLP's two 784-deep products
     * against 2.22-2.26 ms for the tuner's set. */
    static const size_t pocl_cpu_xgemm[CLMLP_XGEMM_PARAMS] = {
        0, 1, 16, 2, 16, 8, 128, 8, 8, 128, 0, 0, 1, 1, 8, 4};
    *tuning = (clmlp_gemm_tuning){.has_xgemm = true, .has_min_indirect = true, .min_indirect = 0};
    memcpy(tuning->xgemm, pocl_cpu_xgemm, sizeof pocl_cpu_xgemm);
    return true;
}

clmlp_gemm_tuning clmlp_gemm_tuning_safe(void)
{
    /* 8 x 8 work-groups on 32 x 32 tiles, no vectors: valid on any device
     * that allows 64 work-items, and nowhere the fastest. */
    return (clmlp_gemm_tuning){
        .has_xgemm = true, .has_direct = true, .has_min_indirect = true,
        .xgemm = {0, 1, 16, 2, 8, 8, 32, 8, 8, 32, 0, 0, 0, 0, 1, 1},
        .direct = {8, 1, 8, 8, 8, 8, 1, 1, 1, 1},
        .min_indirect = 512,
    };
}

static clmlp_status override(clmlp_context *ctx, const char *kernel, size_t count,
                             const char *const *names, const size_t *values)
{
    CLBlastStatusCode code = CLBlastOverrideParameters(ctx->device, kernel, CLBlastPrecisionSingle,
                                                       count, (const char **)names, values);
    if (code != CLBlastSuccess)
        return clmlp_fail(CLMLP_ERROR_CLBLAST, "CLBlastOverrideParameters rejected the %s "
                          "parameters for %s: %s (%d)", kernel, ctx->info.device_name,
                          clmlp_clblast_status_name(code), code);
    return CLMLP_SUCCESS;
}

clmlp_status clmlp_gemm_tuning_apply(clmlp_context *ctx, const clmlp_gemm_tuning *tuning)
{
    if (tuning->has_xgemm)
        CLMLP_TRY(override(ctx, "Xgemm", CLMLP_XGEMM_PARAMS, clmlp_xgemm_param_names,
                           tuning->xgemm));
    if (tuning->has_direct)
        CLMLP_TRY(override(ctx, "XgemmDirect", CLMLP_DIRECT_PARAMS, clmlp_direct_param_names,
                           tuning->direct));
    if (tuning->has_min_indirect) {
        static const char *const routine_names[1] = {"XGEMM_MIN_INDIRECT_SIZE"};
        CLMLP_TRY(override(ctx, "GemmRoutine", 1, routine_names, &tuning->min_indirect));
    }
    return CLMLP_SUCCESS;
}

clmlp_status clmlp_gemm_tuning_path(const clmlp_device_info *info, int create, char *path,
                                    size_t size)
{
    return clmlp_cache_file("clblast", clmlp_device_key(info), ".txt", create, path, size);
}

/* Loads the stored set; *found is false when there is no file. */
static clmlp_status load_stored(const char *path, clmlp_gemm_tuning *tuning, bool *found)
{
    *found = false;
    FILE *probe = fopen(path, "rb");
    if (probe == NULL)
        return CLMLP_SUCCESS;
    fclose(probe);
    *found = true;

    unsigned char *text = NULL;
    size_t size = 0;
    CLMLP_TRY(clmlp_cache_read(path, &text, &size));
    clmlp_status status = clmlp_gemm_tuning_parse((const char *)text, tuning);
    free(text);
    return status;
}

/* Applies a stored set and keeps it only when it computes correctly. */
static clmlp_status try_stored(clmlp_context *ctx, const char *path, bool *found, bool *used)
{
    clmlp_gemm_tuning stored;
    bool correct = false;
    *used = false;
    clmlp_status status = load_stored(path, &stored, found);
    if (!*found)
        return CLMLP_SUCCESS;
    if (status == CLMLP_SUCCESS)
        status = clmlp_gemm_tuning_apply(ctx, &stored);
    if (status == CLMLP_SUCCESS)
        status = clmlp_gemm_tuning_verify(ctx, &correct);
    if (status == CLMLP_SUCCESS && correct) {
        *used = true;
        return CLMLP_SUCCESS;
    }

    /* Set the file aside so that the next context does not pay for it again. */
    char rejected[4200];
    snprintf(rejected, sizeof rejected, "%s.rejected", path);
    rename(path, rejected);
    clmlp_log(CLMLP_LOG_WARNING, "discarded the CLBlast parameters stored in %s (moved to %s): %s",
              path, rejected, status != CLMLP_SUCCESS ? clmlp_error_message()
                                                      : "its GEMMs gave wrong results");
    clmlp_clear_error();
    return CLMLP_SUCCESS;
}

clmlp_status clmlp_gemm_tuning_setup(clmlp_context *ctx)
{
    const char *mode = getenv("CLMLP_CLBLAST_TUNING");
    if (mode != NULL && strcmp(mode, "off") == 0)
        return CLMLP_SUCCESS;

    char path[4096];
    bool found = false, used = false;
    bool want_stored = mode == NULL || strcmp(mode, "shipped") != 0;
    if (want_stored && clmlp_gemm_tuning_path(&ctx->info, 0, path, sizeof path) == CLMLP_SUCCESS)
        CLMLP_TRY(try_stored(ctx, path, &found, &used));
    clmlp_clear_error();
    if (used)
        return CLMLP_SUCCESS;

    clmlp_gemm_tuning tuning;
    if (clmlp_gemm_tuning_shipped(&ctx->info, &tuning))
        return clmlp_gemm_tuning_apply(ctx, &tuning);

    /* A rejected stored set may still be in CLBlast's tables; replace it. */
    if (found) {
        tuning = clmlp_gemm_tuning_safe();
        return clmlp_gemm_tuning_apply(ctx, &tuning);
    }
    return CLMLP_SUCCESS;
}
