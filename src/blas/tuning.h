/* CLBlast tuning parameters per device: the sets clmlp ships, the file the
 * tuner writes under the cache folder, and applying them through
 * CLBlastOverrideParameters. */
#ifndef CLMLP_BLAS_TUNING_H
#define CLMLP_BLAS_TUNING_H

#include <stdbool.h>
#include <stddef.h>

#include "runtime/context.h"

#define CLMLP_XGEMM_PARAMS 16
#define CLMLP_DIRECT_PARAMS 10

/* Parameter names of CLBlast's Xgemm and XgemmDirect kernels, in the order
 * of the value arrays below. */
extern const char *const clmlp_xgemm_param_names[CLMLP_XGEMM_PARAMS];
extern const char *const clmlp_direct_param_names[CLMLP_DIRECT_PARAMS];

/* One set of GEMM parameters. A group whose has_ flag is false keeps
 * CLBlast's own database values. */
typedef struct clmlp_gemm_tuning {
    bool has_xgemm, has_direct, has_min_indirect;
    size_t xgemm[CLMLP_XGEMM_PARAMS];
    size_t direct[CLMLP_DIRECT_PARAMS];
    /* CLBlast runs its direct kernel when m * n * k is below this size cubed,
     * and the indirect (padded, tiled) kernel otherwise. */
    size_t min_indirect;
} clmlp_gemm_tuning;

/* Fills the set clmlp ships for the device and returns true, or returns
 * false when it ships none for it. */
bool clmlp_gemm_tuning_shipped(const clmlp_device_info *info, clmlp_gemm_tuning *tuning);

/* A small, valid set for any device, used when a stored set proves wrong
 * and nothing is shipped for the device. */
clmlp_gemm_tuning clmlp_gemm_tuning_safe(void);

/* Applies every group that the set has. Returns CLMLP_ERROR_CLBLAST when
 * CLBlast rejects a group. */
clmlp_status clmlp_gemm_tuning_apply(clmlp_context *ctx, const clmlp_gemm_tuning *tuning);

/* Parses the text of a tuning file: '#' comments and lines of a kernel name
 * (Xgemm, XgemmDirect or GemmRoutine) followed by NAME=VALUE for every one
 * of its parameters. Returns CLMLP_ERROR_FORMAT naming the bad line. */
clmlp_status clmlp_gemm_tuning_parse(const char *text, clmlp_gemm_tuning *tuning);

/* Writes the set as tuning file text, with a comment naming the device.
 * Returns the length it needs, as snprintf does. */
size_t clmlp_gemm_tuning_format(const clmlp_gemm_tuning *tuning, const clmlp_device_info *info,
                                char *text, size_t size);

/* The path of the device's tuning file under the cache folder. */
clmlp_status clmlp_gemm_tuning_path(const clmlp_device_info *info, int create, char *path,
                                    size_t size);

/* Runs GEMMs of awkward shapes with every transpose against a host
 * reference and sets *correct. Blocks until they finish. */
clmlp_status clmlp_gemm_tuning_verify(clmlp_context *ctx, bool *correct);

/* Chooses and applies the parameters of a new context. With
 * CLMLP_CLBLAST_TUNING=off it applies nothing. Otherwise it applies the
 * stored file when that exists, parses and computes correctly, unless
 * CLMLP_CLBLAST_TUNING=shipped. Else it applies the shipped set. A stored
 * set that fails is renamed to *.rejected and logged as a warning. */
clmlp_status clmlp_gemm_tuning_setup(clmlp_context *ctx);

#endif
