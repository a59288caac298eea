/* The fit and evaluate loops. Loss and accuracy sums stay on the device and
 * are read once per epoch, and once per progress interval when a progress
 * callback is set. */
#include "clmlp/train.h"

#include <math.h>

#include "autograd/tape.h"
#include "clmlp/data.h"
#include "clmlp/ops.h"
#include "models/model.h"
#include "runtime/profile.h"
#include "train/progress.h"

clmlp_fit_options clmlp_fit_default(void)
{
    return (clmlp_fit_options){.epochs = 10, .start_epoch = 1, .batch_size = 256, .seed = 0};
}

/* Device sums: loss * rows, correct rows, rows, and 1 + the index of the
 * first step whose loss was not finite (0 while every loss is finite).
 * Progress reads take the first three. NOTE: the step index is stored as a
 * float, so it is exact only for the first 2^24 steps of an epoch. */
#define SUM_COUNT 4

/* Adds one step's figures into the device sums [SUM_COUNT]. A binary loss
 * counts a row as correct when its output is on the label's side of the
 * threshold: 0.5 for probabilities, 0 for logits. */
static clmlp_status accumulate(clmlp_tensor *sums, clmlp_loss_kind kind, clmlp_tensor *outputs,
                               clmlp_tensor *labels, clmlp_tensor *loss, size_t step)
{
    cl_uint rows = (cl_uint)outputs->shape[0], classes = (cl_uint)outputs->shape[1];
    cl_uint outputs_offset = (cl_uint)outputs->offset, labels_offset = (cl_uint)labels->offset;
    cl_uint loss_offset = (cl_uint)loss->offset, step_index = (cl_uint)step;
    if (kind == CLMLP_LOSS_CROSS_ENTROPY)
        return CLMLP_LAUNCH_1D(sums->ctx, "accumulate_metrics", 1, CLMLP_ARG(rows),
                               CLMLP_ARG(classes), CLMLP_ARG(outputs->buffer),
                               CLMLP_ARG(outputs_offset), CLMLP_ARG(labels->buffer),
                               CLMLP_ARG(labels_offset), CLMLP_ARG(loss->buffer),
                               CLMLP_ARG(loss_offset), CLMLP_ARG(step_index),
                               CLMLP_ARG(sums->buffer));
    float threshold = kind == CLMLP_LOSS_BCE ? 0.5f : 0.0f;
    return CLMLP_LAUNCH_1D(sums->ctx, "accumulate_binary_metrics", 1, CLMLP_ARG(rows),
                           CLMLP_ARG(outputs->buffer), CLMLP_ARG(outputs_offset),
                           CLMLP_ARG(threshold), CLMLP_ARG(labels->buffer),
                           CLMLP_ARG(labels_offset), CLMLP_ARG(loss->buffer),
                           CLMLP_ARG(loss_offset), CLMLP_ARG(step_index),
                           CLMLP_ARG(sums->buffer));
}

/* Computes the loss of the model outputs against int32 labels: class
 * indices for cross-entropy, 0/1 targets of a [B, 1] output otherwise. */
static clmlp_status compute_loss(clmlp_tape *tape, clmlp_loss_kind kind, clmlp_tensor *outputs,
                                 clmlp_tensor *labels, clmlp_tensor **loss)
{
    if (kind == CLMLP_LOSS_CROSS_ENTROPY)
        return clmlp_cross_entropy(tape, outputs, labels, loss);
    if (kind != CLMLP_LOSS_BCE && kind != CLMLP_LOSS_BCE_WITH_LOGITS)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "unknown loss kind %d", (int)kind);
    if (outputs->ndim != 2 || outputs->shape[1] != 1)
        return clmlp_fail(CLMLP_ERROR_SHAPE, "a binary loss needs one output per sample, but the "
                          "model gives [%zu, %zu]", outputs->shape[0],
                          outputs->ndim == 2 ? outputs->shape[1] : 0);

    size_t rows = labels->shape[0];
    clmlp_tensor *targets = NULL;
    CLMLP_TRY(clmlp_tape_tensor(tape, CLMLP_FLOAT32, 1, &rows, &targets));
    cl_uint n = (cl_uint)rows, labels_offset = (cl_uint)labels->offset;
    cl_uint targets_offset = (cl_uint)targets->offset;
    CLMLP_TRY(CLMLP_LAUNCH_1D(tape->ctx, "int_to_float", n, CLMLP_ARG(n),
                              CLMLP_ARG(labels->buffer), CLMLP_ARG(labels_offset),
                              CLMLP_ARG(targets->buffer), CLMLP_ARG(targets_offset)));
    if (kind == CLMLP_LOSS_BCE)
        return clmlp_binary_cross_entropy(tape, outputs, targets, loss);
    return clmlp_bce_with_logits(tape, outputs, targets, loss);
}

/* Gathers one batch into tensors owned by the tape. */
static clmlp_status load_batch(clmlp_tape *tape, clmlp_dataset *data, size_t start, size_t rows,
                               clmlp_tensor **x, clmlp_tensor **y)
{
    size_t x_shape[2] = {rows, clmlp_dataset_features(data)};
    CLMLP_TRY(clmlp_tape_tensor(tape, CLMLP_FLOAT32, 2, x_shape, x));
    CLMLP_TRY(clmlp_tape_tensor(tape, CLMLP_INT32, 1, &rows, y));
    return clmlp_dataset_batch(data, start, rows, *x, *y);
}

/* Runs every batch of data through the model; with an optimizer, also
 * back-propagates and steps. Adds the sums into sums and passes each batch
 * to ticker (may be NULL). options is NULL for evaluation; otherwise its
 * should_stop hook runs before every batch. */
static clmlp_status run_epoch(clmlp_model *model, clmlp_optimizer *optimizer, clmlp_tape *tape,
                              clmlp_dataset *data, size_t batch_size, clmlp_loss_kind kind,
                              clmlp_tensor *sums, const clmlp_fit_options *options,
                              clmlp_ticker *ticker)
{
    size_t count = clmlp_dataset_count(data);
    clmlp_tape_set_recording(tape, optimizer != NULL);

    for (size_t start = 0; start < count; start += batch_size) {
        if (options != NULL && options->should_stop != NULL &&
            options->should_stop(options->user_data) != 0)
            return clmlp_fail(CLMLP_ERROR_CANCELLED, "training stopped by the should_stop "
                              "callback before the batch starting at sample %zu", start);
        size_t rows = count - start < batch_size ? count - start : batch_size;
        clmlp_tensor *x, *y, *logits, *loss;
        clmlp_status status = load_batch(tape, data, start, rows, &x, &y);
        if (status == CLMLP_SUCCESS)
            status = clmlp_model_forward(model, tape, x, &logits);
        if (status == CLMLP_SUCCESS)
            status = compute_loss(tape, kind, logits, y, &loss);
        if (status == CLMLP_SUCCESS && optimizer != NULL) {
            status = clmlp_optimizer_zero_grad(optimizer);
            if (status == CLMLP_SUCCESS)
                status = clmlp_backward(tape, loss);
            if (status == CLMLP_SUCCESS)
                status = clmlp_optimizer_step(optimizer);
        }
        if (status == CLMLP_SUCCESS)
            status = accumulate(sums, kind, logits, y, loss, start / batch_size);
        if (status == CLMLP_SUCCESS && ticker != NULL)
            status = clmlp_ticker_batch(ticker, start / batch_size + 1, start + rows);
        clmlp_tape_reset(tape);
        if (status != CLMLP_SUCCESS)
            return clmlp_fail_append(status, " (batch starting at sample %zu)", start);
    }
    return CLMLP_SUCCESS;
}

/* Reads the sums into a mean loss and an accuracy. *bad_step is 1 + the
 * index of the first step with a non-finite loss, or 0; it may be NULL. */
static clmlp_status read_sums(clmlp_tensor *sums, double *loss, double *accuracy,
                              size_t *bad_step)
{
    float values[SUM_COUNT];
    CLMLP_TRY(clmlp_tensor_read(sums, values, SUM_COUNT));
    double rows = values[2] > 0 ? values[2] : 1;
    *loss = values[0] / rows;
    *accuracy = values[1] / rows;
    if (bad_step != NULL)
        *bad_step = (size_t)values[3];
    return CLMLP_SUCCESS;
}

static clmlp_status check_batch(clmlp_model *model, clmlp_dataset *data, size_t batch_size)
{
    if (model == NULL || data == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "NULL model or dataset");
    if (batch_size == 0)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "the batch size must be at least 1");
    if (clmlp_dataset_count(data) == 0)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "the dataset is empty");
    return CLMLP_SUCCESS;
}

/* Evaluates on a tape and sums tensor that the caller owns. */
static clmlp_status evaluate_with(clmlp_model *model, clmlp_tape *tape, clmlp_tensor *sums,
                                  clmlp_dataset *data, size_t batch_size, clmlp_loss_kind kind,
                                  double *loss, double *accuracy)
{
    bool was_training = clmlp_model_training(model);
    clmlp_model_set_training(model, false);
    clmlp_status status = clmlp_tensor_fill(sums, 0.0f);
    if (status == CLMLP_SUCCESS)
        status = run_epoch(model, NULL, tape, data, batch_size, kind, sums, NULL, NULL);
    clmlp_model_set_training(model, was_training);
    if (status == CLMLP_SUCCESS)
        status = read_sums(sums, loss, accuracy, NULL);
    return status;
}

clmlp_status clmlp_evaluate(clmlp_model *model, clmlp_dataset *data, size_t batch_size,
                            double *loss, double *accuracy)
{
    return clmlp_evaluate_loss(model, data, batch_size, CLMLP_LOSS_CROSS_ENTROPY, loss, accuracy);
}

clmlp_status clmlp_evaluate_loss(clmlp_model *model, clmlp_dataset *data, size_t batch_size,
                                 clmlp_loss_kind kind, double *loss, double *accuracy)
{
    CLMLP_TRY(check_batch(model, data, batch_size));
    if (loss == NULL || accuracy == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_evaluate: NULL output");

    clmlp_tape *tape = NULL;
    clmlp_tensor *sums = NULL;
    size_t sum_count = SUM_COUNT;
    clmlp_status status = clmlp_tape_create(model->ctx, &tape);
    if (status == CLMLP_SUCCESS)
        status = clmlp_tensor_create(model->ctx, CLMLP_FLOAT32, 1, &sum_count, &sums);
    if (status == CLMLP_SUCCESS)
        status = evaluate_with(model, tape, sums, data, batch_size, kind, loss, accuracy);
    clmlp_tensor_free(sums);
    clmlp_tape_free(tape);
    return status;
}

/* Returns CLMLP_ERROR_DIVERGED, naming the epoch and the step, when a step's
 * loss or the epoch's mean loss is not finite. */
static clmlp_status check_divergence(clmlp_dataset *train, size_t batch_size, int epoch,
                                     size_t bad_step, double mean_loss)
{
    size_t steps = (clmlp_dataset_count(train) + batch_size - 1) / batch_size;
    if (bad_step > 0)
        return clmlp_fail(CLMLP_ERROR_DIVERGED, "the training loss became NaN or infinite in "
                          "epoch %d at step %zu of %zu (the batch starting at sample %zu); "
                          "lower the learning rate", epoch, bad_step, steps,
                          (bad_step - 1) * batch_size);

    /* Finite losses can still overflow the float sum. */
    if (!isfinite(mean_loss))
        return clmlp_fail(CLMLP_ERROR_DIVERGED, "the mean training loss of epoch %d is %g; "
                          "lower the learning rate", epoch, mean_loss);
    return CLMLP_SUCCESS;
}

static clmlp_status fit_epochs(clmlp_model *model, clmlp_optimizer *optimizer, clmlp_tape *tape,
                               clmlp_tensor *sums, clmlp_dataset *train, clmlp_dataset *val,
                               const clmlp_fit_options *o, clmlp_ticker *ticker)
{
    for (int epoch = o->start_epoch; epoch <= o->epochs; epoch++) {
        double started = clmlp_now_seconds();
        clmlp_epoch_stats stats = {.epoch = epoch, .epochs = o->epochs};

        clmlp_model_set_training(model, true);
        CLMLP_TRY(clmlp_dataset_shuffle(train, o->seed, (uint64_t)epoch));
        CLMLP_TRY(clmlp_tensor_fill(sums, 0.0f));
        clmlp_ticker_start(ticker, epoch);
        clmlp_status status = run_epoch(model, optimizer, tape, train, o->batch_size, o->loss,
                                        sums, o, ticker);
        if (status == CLMLP_SUCCESS)
            status = clmlp_ticker_finish(ticker);
        clmlp_ticker_stop(ticker);
        if (status == CLMLP_ERROR_CANCELLED)
            return status;
        if (status != CLMLP_SUCCESS)
            return clmlp_fail_append(status, " in epoch %d", epoch);
        double unused_accuracy = 0;
        size_t bad_step = 0;
        CLMLP_TRY(read_sums(sums, &stats.train_loss, &unused_accuracy, &bad_step));
        /* The blocking read above has drained the queue, so resolving the
         * profile's events here waits for nothing. */
        CLMLP_TRY(clmlp_profile_flush(model->ctx));
        double trained = clmlp_now_seconds();

        /* A diverged epoch returns before the callback, so a checkpoint that
         * the callback writes keeps the last finite weights. */
        CLMLP_TRY(check_divergence(train, o->batch_size, epoch, bad_step, stats.train_loss));
        if (val != NULL) {
            CLMLP_TRY(evaluate_with(model, tape, sums, val, o->batch_size, o->loss,
                                    &stats.val_loss, &stats.val_accuracy));
            if (!isfinite(stats.val_loss))
                return clmlp_fail(CLMLP_ERROR_DIVERGED, "the validation loss became %g after "
                                  "epoch %d although the training loss was finite; the last "
                                  "steps pushed the weights too far, lower the learning rate",
                                  stats.val_loss, epoch);
        }
        stats.seconds = clmlp_now_seconds() - started;
        stats.samples_per_second = (double)clmlp_dataset_count(train) / (trained - started);

        if (o->on_epoch != NULL && o->on_epoch(&stats, o->user_data) != 0)
            return clmlp_fail(CLMLP_ERROR_CANCELLED, "training stopped by the epoch callback "
                              "after epoch %d", epoch);
    }
    return CLMLP_SUCCESS;
}

clmlp_status clmlp_fit(clmlp_model *model, clmlp_optimizer *optimizer, clmlp_dataset *train,
                       clmlp_dataset *val, const clmlp_fit_options *options)
{
    clmlp_fit_options o = options ? *options : clmlp_fit_default();
    CLMLP_TRY(check_batch(model, train, o.batch_size));
    if (optimizer == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_fit: NULL optimizer");
    if (o.start_epoch < 1 || o.epochs < 0)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_fit: epochs %d and start epoch %d "
                          "must be positive", o.epochs, o.start_epoch);

    clmlp_tape *tape = NULL;
    clmlp_tensor *sums = NULL;
    size_t sum_count = SUM_COUNT;
    size_t count = clmlp_dataset_count(train);
    clmlp_ticker ticker;
    clmlp_status status = clmlp_tape_create(model->ctx, &tape);
    if (status == CLMLP_SUCCESS)
        status = clmlp_tensor_create(model->ctx, CLMLP_FLOAT32, 1, &sum_count, &sums);
    if (status == CLMLP_SUCCESS) {
        clmlp_ticker_init(&ticker, &o, sums, (count + o.batch_size - 1) / o.batch_size, count);
        status = fit_epochs(model, optimizer, tape, sums, train, val, &o, &ticker);
    }
    clmlp_tensor_free(sums);
    clmlp_tape_free(tape);
    return status;
}
