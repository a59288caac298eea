/* Short end-to-end training runs on a generated dataset. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

#define FEATURES BLOCK_FEATURES
#define CLASSES BLOCK_CLASSES

typedef struct history {
    double train_loss[16];
    double val_accuracy[16];
    int epochs_seen;
} history;

static int record_epoch(const clmlp_epoch_stats *s, void *user_data)
{
    history *h = user_data;
    ck_assert_int_eq(s->epoch, h->epochs_seen + 1);
    h->train_loss[h->epochs_seen] = s->train_loss;
    h->val_accuracy[h->epochs_seen] = s->val_accuracy;
    h->epochs_seen++;
    ck_assert(s->seconds > 0);
    ck_assert(s->samples_per_second > 0);
    return 0;
}

START_TEST(scratch_mlp_training_lowers_loss)
{
    clmlp_context *ctx = test_context(_i);
    clmlp_mnist train_split, val_split;
    /* 1000 is not a multiple of 64, so the last partial batch runs too. */
    make_block_split(1000, 1, &train_split);
    make_block_split(300, 2, &val_split);
    clmlp_dataset *train, *val;
    ck_assert_ok(clmlp_dataset_create(ctx, &train_split, &train));
    ck_assert_ok(clmlp_dataset_create(ctx, &val_split, &val));

    clmlp_model *model;
    ck_assert_ok(clmlp_scratch_mlp_create(ctx, FEATURES, 32, CLASSES, 7, &model));
    clmlp_tensor *const *params;
    const char *const *names;
    size_t count;
    ck_assert_ok(clmlp_model_parameters(model, &params, &names, &count));
    ck_assert_uint_eq(count, 4);
    ck_assert_str_eq(names[0], "W1");
    ck_assert_str_eq(names[3], "b2");

    double loss_before, accuracy_before;
    ck_assert_ok(clmlp_evaluate(model, val, 64, &loss_before, &accuracy_before));
    /* Weights of scale 0.01 give near-uniform predictions: loss ~ ln 4. */
    ck_assert_double_lt(fabs(loss_before - log(CLASSES)), 0.05);

    clmlp_sgd_options sgd = clmlp_sgd_default();
    sgd.lr = 0.5f;
    clmlp_optimizer *opt;
    ck_assert_ok(clmlp_sgd_create(ctx, params, count, &sgd, &opt));

    history h = {0};
    clmlp_fit_options fit = clmlp_fit_default();
    fit.epochs = 5;
    fit.batch_size = 64;
    fit.on_epoch = record_epoch;
    fit.user_data = &h;
    ck_assert_ok(clmlp_fit(model, opt, train, val, &fit));
    ck_assert_int_eq(h.epochs_seen, 5);
    ck_assert_double_lt(h.train_loss[4], 0.5 * h.train_loss[0]);
    ck_assert_double_gt(h.val_accuracy[4], 0.9);

    double loss_after, accuracy_after;
    ck_assert_ok(clmlp_evaluate(model, val, 37, &loss_after, &accuracy_after));
    ck_assert_double_lt(loss_after, 0.5 * loss_before);
    ck_assert_double_eq_tol(accuracy_after, h.val_accuracy[4], 1e-6);

    clmlp_optimizer_free(opt);
    clmlp_model_free(model);
    clmlp_dataset_free(train);
    clmlp_dataset_free(val);
    clmlp_mnist_free(&train_split);
    clmlp_mnist_free(&val_split);
    clmlp_context_free(ctx);
}
END_TEST

START_TEST(seeded_training_repeats_exactly)
{
    clmlp_context *ctx = test_context(_i);
    clmlp_mnist split;
    make_block_split(300, 5, &split);
    clmlp_dataset *data;
    ck_assert_ok(clmlp_dataset_create(ctx, &split, &data));

    float first[4 * CLASSES];
    for (int run = 0; run < 2; run++) {
        clmlp_model *model;
        ck_assert_ok(clmlp_scratch_mlp_create(ctx, FEATURES, 16, CLASSES, 11, &model));
        clmlp_tensor *const *params;
        size_t count;
        ck_assert_ok(clmlp_model_parameters(model, &params, NULL, &count));
        clmlp_optimizer *opt;
        clmlp_sgd_options sgd = clmlp_sgd_default();
        sgd.lr = 0.3f;
        ck_assert_ok(clmlp_sgd_create(ctx, params, count, &sgd, &opt));
        clmlp_fit_options fit = clmlp_fit_default();
        fit.epochs = 2;
        fit.batch_size = 50;
        fit.seed = 3;
        ck_assert_ok(clmlp_fit(model, opt, data, NULL, &fit));

        /* Compare the first rows of W2 between the two runs. */
        float w2[16 * CLASSES];
        ck_assert_ok(clmlp_tensor_read(params[2], w2, 16 * CLASSES));
        if (run == 0)
            memcpy(first, w2, sizeof first);
        else
            for (int i = 0; i < 4 * CLASSES; i++)
                ck_assert_float_eq(w2[i], first[i]);
        clmlp_optimizer_free(opt);
        clmlp_model_free(model);
    }
    clmlp_dataset_free(data);
    clmlp_mnist_free(&split);
    clmlp_context_free(ctx);
}
END_TEST

START_TEST(fit_rejects_bad_options)
{
    clmlp_context *ctx = test_context(_i);
    clmlp_mnist split;
    make_block_split(10, 5, &split);
    clmlp_dataset *data;
    ck_assert_ok(clmlp_dataset_create(ctx, &split, &data));
    clmlp_model *model;
    ck_assert_ok(clmlp_scratch_mlp_create(ctx, FEATURES, 4, CLASSES, 1, &model));
    clmlp_tensor *const *params;
    size_t count;
    ck_assert_ok(clmlp_model_parameters(model, &params, NULL, &count));
    clmlp_optimizer *opt;
    ck_assert_ok(clmlp_sgd_create(ctx, params, count, NULL, &opt));

    clmlp_fit_options fit = clmlp_fit_default();
    fit.batch_size = 0;
    ck_assert_int_eq(clmlp_fit(model, opt, data, NULL, &fit), CLMLP_ERROR_INVALID_ARGUMENT);
    fit = clmlp_fit_default();
    ck_assert_int_eq(clmlp_fit(model, NULL, data, NULL, &fit), CLMLP_ERROR_INVALID_ARGUMENT);
    ck_assert_int_eq(clmlp_fit(NULL, opt, data, NULL, &fit), CLMLP_ERROR_INVALID_ARGUMENT);

    /* A model whose input size differs from the data is a shape error. */
    clmlp_model *wrong;
    ck_assert_ok(clmlp_scratch_mlp_create(ctx, FEATURES + 1, 4, CLASSES, 1, &wrong));
    double loss, accuracy;
    ck_assert_int_eq(clmlp_evaluate(wrong, data, 4, &loss, &accuracy), CLMLP_ERROR_SHAPE);

    clmlp_model_free(wrong);
    clmlp_optimizer_free(opt);
    clmlp_model_free(model);
    clmlp_dataset_free(data);
    clmlp_mnist_free(&split);
    clmlp_context_free(ctx);
}
END_TEST

START_TEST(huge_learning_rate_diverges)
{
    clmlp_context *ctx = test_context(_i);
    clmlp_mnist split;
    make_block_split(300, 8, &split);
    clmlp_dataset *data;
    ck_assert_ok(clmlp_dataset_create(ctx, &split, &data));
    clmlp_model *model;
    ck_assert_ok(clmlp_scratch_mlp_create(ctx, FEATURES, 16, CLASSES, 1, &model));
    clmlp_tensor *const *params;
    size_t count;
    ck_assert_ok(clmlp_model_parameters(model, &params, NULL, &count));
    clmlp_sgd_options sgd = clmlp_sgd_default();
    sgd.lr = 1e30f;
    clmlp_optimizer *opt;
    ck_assert_ok(clmlp_sgd_create(ctx, params, count, &sgd, &opt));

    /* The first step's loss is finite, and its update makes the next one NaN. */
    history h = {0};
    clmlp_fit_options fit = clmlp_fit_default();
    fit.epochs = 3;
    fit.batch_size = 50;
    fit.on_epoch = record_epoch;
    fit.user_data = &h;
    ck_assert_int_eq(clmlp_fit(model, opt, data, data, &fit), CLMLP_ERROR_DIVERGED);
    const char *message = clmlp_error_message();
    ck_assert_msg(strstr(message, "in epoch 1 at step 2 of 6 (the batch starting at sample 50)")
                  != NULL, "unexpected message: %s", message);
    ck_assert_ptr_nonnull(strstr(message, "lower the learning rate"));
    /* The callback, which would save a checkpoint, never saw the epoch. */
    ck_assert_int_eq(h.epochs_seen, 0);

    clmlp_optimizer_free(opt);
    clmlp_model_free(model);
    clmlp_dataset_free(data);
    clmlp_mnist_free(&split);
    clmlp_context_free(ctx);
}
END_TEST

typedef struct buffer_counts {
    clmlp_context *ctx;
    size_t created[4];
    int epochs_seen;
} buffer_counts;

static int record_buffers(const clmlp_epoch_stats *s, void *user_data)
{
    (void)s;
    buffer_counts *counts = user_data;
    clmlp_memory_stats memory;
    ck_assert_ok(clmlp_context_memory(counts->ctx, &memory));
    counts->created[counts->epochs_seen++] = memory.buffers_created;
    return 0;
}

START_TEST(steps_after_first_epoch_create_no_buffers)
{
    clmlp_context *ctx = test_context(_i);
    clmlp_mnist train_split, val_split;
    make_block_split(500, 3, &train_split);
    make_block_split(130, 4, &val_split);
    clmlp_dataset *train, *val;
    ck_assert_ok(clmlp_dataset_create(ctx, &train_split, &train));
    ck_assert_ok(clmlp_dataset_create(ctx, &val_split, &val));

    clmlp_model *model;
    clmlp_tensor *const *params;
    const char *const *names;
    size_t count;
    ck_assert_ok(clmlp_scratch_mlp_create(ctx, FEATURES, 32, CLASSES, 7, &model));
    ck_assert_ok(clmlp_model_parameters(model, &params, &names, &count));
    clmlp_optimizer *opt;
    ck_assert_ok(clmlp_sgd_create(ctx, params, count, NULL, &opt));

    /* The first epoch fills the pool, including the partial last batch;
     * every later step and evaluation reuses its buffers. */
    buffer_counts counts = {.ctx = ctx};
    clmlp_fit_options fit = clmlp_fit_default();
    fit.epochs = 3;
    fit.batch_size = 64;
    fit.on_epoch = record_buffers;
    fit.user_data = &counts;
    ck_assert_ok(clmlp_fit(model, opt, train, val, &fit));
    ck_assert_int_eq(counts.epochs_seen, 3);
    ck_assert_uint_gt(counts.created[0], 0);
    ck_assert_uint_eq(counts.created[1], counts.created[0]);
    ck_assert_uint_eq(counts.created[2], counts.created[0]);

    clmlp_optimizer_free(opt);
    clmlp_model_free(model);
    clmlp_dataset_free(train);
    clmlp_dataset_free(val);
    clmlp_mnist_free(&train_split);
    clmlp_mnist_free(&val_split);
    clmlp_context_free(ctx);
}
END_TEST

int main(void)
{
    Suite *suite = suite_create("train");
    TCase *tc = tcase_create("device");
    tcase_set_timeout(tc, 600);
    add_device_test(tc, scratch_mlp_training_lowers_loss);
    add_device_test(tc, seeded_training_repeats_exactly);
    add_device_test(tc, fit_rejects_bad_options);
    add_device_test(tc, huge_learning_rate_diverges);
    add_device_test(tc, steps_after_first_epoch_create_no_buffers);
    suite_add_tcase(suite, tc);
    return run_suite(suite, true);
}
