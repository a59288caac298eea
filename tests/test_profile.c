/* Event profiling of kernels and GEMMs, and progress reports during fit. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

/* Everything a short training run needs; freed by free_run(). */
typedef struct run {
    clmlp_mnist split;
    clmlp_dataset *data;
    clmlp_model *model;
    clmlp_optimizer *optimizer;
} run;

static void start_run(clmlp_context *ctx, size_t samples, run *r)
{
    make_block_split(samples, 3, &r->split);
    ck_assert_ok(clmlp_dataset_create(ctx, &r->split, &r->data));
    ck_assert_ok(clmlp_scratch_mlp_create(ctx, BLOCK_FEATURES, 16, BLOCK_CLASSES, 5, &r->model));
    clmlp_tensor *const *params;
    size_t count;
    ck_assert_ok(clmlp_model_parameters(r->model, &params, NULL, &count));
    ck_assert_ok(clmlp_sgd_create(ctx, params, count, NULL, &r->optimizer));
}

static void free_run(run *r)
{
    clmlp_optimizer_free(r->optimizer);
    clmlp_model_free(r->model);
    clmlp_dataset_free(r->data);
    clmlp_mnist_free(&r->split);
}

static const clmlp_profile_entry *find(const clmlp_profile_entry *entries, size_t count,
                                       const char *name)
{
    for (size_t i = 0; i < count; i++)
        if (strcmp(entries[i].name, name) == 0)
            return &entries[i];
    return NULL;
}

START_TEST(profile_times_kernels_and_gemms)
{
    clmlp_context *ctx = test_context_with(_i, true);
    run r;
    start_run(ctx, 200, &r);
    clmlp_fit_options fit = clmlp_fit_default();
    fit.epochs = 1;
    fit.batch_size = 50;
    ck_assert_ok(clmlp_fit(r.model, r.optimizer, r.data, r.data, &fit));

    clmlp_profile_entry *entries = NULL;
    size_t count = 0;
    ck_assert_ok(clmlp_profile_read(ctx, &entries, &count));
    ck_assert_uint_gt(count, 3);

    /* The forward product of the first layer: [50, 64] x [64, 16]. */
    const clmlp_profile_entry *gemm = find(entries, count, "sgemm NN m=50 n=16 k=64");
    ck_assert_msg(gemm != NULL, "no entry for the first layer's GEMM");
    ck_assert_int_eq(gemm->kind, CLMLP_PROFILE_GEMM);
    /* 4 training batches and 4 evaluation batches. */
    ck_assert_uint_eq(gemm->calls, 8);
    ck_assert_uint_gt(gemm->nanoseconds, 0);

    const clmlp_profile_entry *metrics = find(entries, count, "accumulate_metrics");
    ck_assert_msg(metrics != NULL, "no entry for the accumulate_metrics kernel");
    ck_assert_int_eq(metrics->kind, CLMLP_PROFILE_KERNEL);
    ck_assert_uint_eq(metrics->calls, 8);
    ck_assert_uint_gt(metrics->nanoseconds, 0);

    for (size_t i = 1; i < count; i++)
        ck_assert_uint_ge(entries[i - 1].nanoseconds, entries[i].nanoseconds);
    free(entries);

    ck_assert_ok(clmlp_profile_reset(ctx));
    ck_assert_ok(clmlp_profile_read(ctx, &entries, &count));
    for (size_t i = 0; i < count; i++)
        ck_assert_uint_eq(entries[i].calls, 0);
    free(entries);

    free_run(&r);
    clmlp_context_free(ctx);
}
END_TEST

START_TEST(profile_read_rejects_unprofiled_context)
{
    clmlp_context *ctx = test_context_with(_i, false);
    clmlp_profile_entry *entries = NULL;
    size_t count = 0;
    ck_assert_int_eq(clmlp_profile_read(ctx, &entries, &count), CLMLP_ERROR_UNSUPPORTED);
    ck_assert_ptr_null(entries);
    ck_assert_int_eq(clmlp_profile_reset(ctx), CLMLP_ERROR_UNSUPPORTED);
    ck_assert_int_eq(clmlp_profile_read(NULL, &entries, &count), CLMLP_ERROR_INVALID_ARGUMENT);
    ck_assert_int_eq(clmlp_profile_read(ctx, NULL, &count), CLMLP_ERROR_INVALID_ARGUMENT);
    clmlp_context_free(ctx);
}
END_TEST

typedef struct progress_log {
    int calls;
    int stop_after;           /* stop at this call; 0 never stops */
    size_t last_batch;
    int bad_fields;           /* reports with a field out of range */
} progress_log;

static int log_progress(const clmlp_progress *p, void *user_data)
{
    progress_log *log = user_data;
    log->calls++;
    if (p->batch < 1 || p->batch > p->batches || p->batch <= log->last_batch ||
        p->samples > p->samples_total || !(p->running_loss > 0) || !isfinite(p->running_loss) ||
        !(p->seconds > 0) || !(p->samples_per_second > 0) || p->seconds_left < 0)
        log->bad_fields++;
    log->last_batch = p->batch;
    return log->calls == log->stop_after;
}

static int reset_batch(const clmlp_epoch_stats *s, void *user_data)
{
    (void)s;
    ((progress_log *)user_data)->last_batch = 0;
    return 0;
}

START_TEST(progress_reports_during_epoch)
{
    clmlp_context *ctx = test_context_with(_i, false);
    run r;
    start_run(ctx, 400, &r);
    progress_log log = {0};
    clmlp_fit_options fit = clmlp_fit_default();
    fit.epochs = 2;
    fit.batch_size = 10;
    fit.on_progress = log_progress;
    fit.on_epoch = reset_batch;
    fit.user_data = &log;
    /* With a tiny interval, the measured speed soon sets a read after every
     * batch. */
    fit.progress_interval = 1e-9;
    ck_assert_ok(clmlp_fit(r.model, r.optimizer, r.data, NULL, &fit));
    ck_assert_int_gt(log.calls, 1);
    ck_assert_int_eq(log.bad_fields, 0);

    free_run(&r);
    clmlp_context_free(ctx);
}
END_TEST

START_TEST(progress_callback_cancels_fit)
{
    clmlp_context *ctx = test_context_with(_i, false);
    run r;
    start_run(ctx, 400, &r);
    progress_log log = {.stop_after = 1};
    clmlp_fit_options fit = clmlp_fit_default();
    fit.epochs = 3;
    fit.batch_size = 10;
    fit.on_progress = log_progress;
    fit.user_data = &log;
    fit.progress_interval = 1e-9;
    ck_assert_int_eq(clmlp_fit(r.model, r.optimizer, r.data, NULL, &fit), CLMLP_ERROR_CANCELLED);
    ck_assert_int_eq(log.calls, 1);

    free_run(&r);
    clmlp_context_free(ctx);
}
END_TEST

int main(void)
{
    Suite *suite = suite_create("profile");
    TCase *tc = tcase_create("device");
    tcase_set_timeout(tc, 600);
    add_device_test(tc, profile_times_kernels_and_gemms);
    add_device_test(tc, profile_read_rejects_unprofiled_context);
    add_device_test(tc, progress_reports_during_epoch);
    add_device_test(tc, progress_callback_cancels_fit);
    suite_add_tcase(suite, tc);
    return run_suite(suite, true);
}
