/* mlp-train: trains a multilayer perceptron on Fashion-MNIST through clmlp. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clmlp.h"
#include "build_model.h"
#include "device_list.h"
#include "options.h"
#include "plot_svg.h"
#include "profile_report.h"
#include "progress.h"

#define CLASSES 10

static int fail(const char *what)
{
    fprintf(stderr, "mlp-train: error: %s: %s\n", what, clmlp_error_message());
    return 1;
}

static int list_devices(void)
{
    if (print_devices(stdout) != CLMLP_SUCCESS)
        return fail("cannot list OpenCL devices");
    return 0;
}

typedef struct run_state {
    FILE *metrics;
    const char *metrics_path;
    int write_failed;
    output_mode mode;
    const char *plot_path;
    char plot_title[192];
    int plot_failed;               /* errno of the failed chart write */
    clmlp_epoch_stats *history;    /* every finished epoch, for the chart and --quiet */
    size_t history_count;
    size_t history_capacity;
} run_state;

static int on_progress(const clmlp_progress *p, void *user_data)
{
    (void)user_data;
    draw_progress(stdout, p);
    return 0;
}

/* Appends s to the history; returns nonzero when out of memory. */
static int remember_epoch(run_state *state, const clmlp_epoch_stats *s)
{
    if (state->history_count == state->history_capacity) {
        size_t grown = state->history_capacity ? state->history_capacity * 2 : 16;
        clmlp_epoch_stats *bigger = realloc(state->history, grown * sizeof *bigger);
        if (bigger == NULL)
            return ENOMEM;
        state->history = bigger;
        state->history_capacity = grown;
    }
    state->history[state->history_count++] = *s;
    return 0;
}

static int on_epoch(const clmlp_epoch_stats *s, void *user_data)
{
    run_state *state = user_data;
    print_epoch(stdout, state->mode, s);
    state->plot_failed = remember_epoch(state, s);
    if (state->plot_failed == 0 && state->plot_path != NULL)
        state->plot_failed = plot_svg_write(state->plot_path, state->plot_title, state->history,
                                            state->history_count);
    if (state->plot_failed != 0)
        return 1;

    if (state->metrics != NULL) {
        fprintf(state->metrics, "%d,%.6f,%.6f,%.6f,%.3f\n", s->epoch, s->train_loss, s->val_loss,
                s->val_accuracy, s->seconds);
        if (fflush(state->metrics) != 0) {
            state->write_failed = errno;
            return 1;
        }
    }
    return 0;
}

static int train(const train_options *o)
{
    int rc = 1;
    clmlp_context *ctx = NULL;
    clmlp_mnist train_split = {0}, val_split = {0};
    clmlp_dataset *train_data = NULL, *val_data = NULL;
    clmlp_model *model = NULL;
    clmlp_optimizer *optimizer = NULL;
    run_state state = {.metrics_path = o->metrics_path, .plot_path = o->plot_path,
                       .mode = output_mode_for(o->quiet, stdout)};
    snprintf(state.plot_title, sizeof state.plot_title,
             "mlp-train: %s MLP, hidden %s, batch %lld, lr %g", o->model, o->hidden,
             o->batch_size, o->lr);

    const char *device = o->device ? o->device : clmlp_device_from_environment();
    if (clmlp_mnist_read(o->data_dir, "train", CLASSES, &train_split) != CLMLP_SUCCESS) {
        fail("cannot load the training data");
        goto done;
    }
    if (clmlp_mnist_read(o->data_dir, "t10k", CLASSES, &val_split) != CLMLP_SUCCESS) {
        fail("cannot load the validation data");
        goto done;
    }
    clmlp_context_options context_options = clmlp_context_default();
    context_options.device = device;
    context_options.profiling = o->profile;
    if (clmlp_context_create_with(&context_options, &ctx) != CLMLP_SUCCESS) {
        fail("cannot create an OpenCL context");
        goto done;
    }
    if (state.mode != OUTPUT_QUIET)
        printf("device %s (%s)\n", clmlp_context_device(ctx)->device_name,
               clmlp_context_device(ctx)->platform_name);

    if (clmlp_dataset_create(ctx, &train_split, &train_data) != CLMLP_SUCCESS ||
        clmlp_dataset_create(ctx, &val_split, &val_data) != CLMLP_SUCCESS) {
        fail("cannot upload the dataset");
        goto done;
    }

    if (build_model(ctx, o, clmlp_dataset_features(train_data), CLASSES, &model) != CLMLP_SUCCESS) {
        fail("cannot create the model");
        goto done;
    }
    if (build_optimizer(ctx, o, model, &optimizer) != CLMLP_SUCCESS) {
        fail("cannot create the optimizer");
        goto done;
    }

    if (o->metrics_path != NULL) {
        state.metrics = fopen(o->metrics_path, "w");
        if (state.metrics == NULL) {
            fprintf(stderr, "mlp-train: error: cannot write metrics file %s: %s\n",
                    o->metrics_path, strerror(errno));
            goto done;
        }
        fprintf(state.metrics, "epoch,train_loss,val_loss,val_acc,seconds\n");
    }

    clmlp_fit_options fit = clmlp_fit_default();
    fit.epochs = (int)o->epochs;
    fit.batch_size = (size_t)o->batch_size;
    fit.seed = (uint64_t)o->seed;
    fit.on_epoch = on_epoch;
    if (state.mode == OUTPUT_TERMINAL)
        fit.on_progress = on_progress;
    fit.progress_interval = o->progress_every;
    fit.user_data = &state;
    if (clmlp_fit(model, optimizer, train_data, val_data, &fit) != CLMLP_SUCCESS) {
        if (state.write_failed)
            fprintf(stderr, "mlp-train: error: cannot write metrics file %s: %s\n",
                    o->metrics_path, strerror(state.write_failed));
        else if (state.plot_failed)
            fprintf(stderr, "mlp-train: error: cannot write the chart %s: %s\n",
                    o->plot_path ? o->plot_path : "(in memory)", strerror(state.plot_failed));
        else
            fail("training failed");
        goto done;
    }
    if (state.mode == OUTPUT_QUIET && state.history_count > 0) {
        char line[256];
        format_epoch_line(line, sizeof line, &state.history[state.history_count - 1]);
        printf("%s\n", line);
    }
    if (o->profile && print_profile(stdout, ctx) != CLMLP_SUCCESS) {
        fail("cannot read the profile");
        goto done;
    }
    rc = 0;

done:
    if (state.metrics != NULL && fclose(state.metrics) != 0 && rc == 0) {
        fprintf(stderr, "mlp-train: error: cannot write metrics file %s: %s\n", o->metrics_path,
                strerror(errno));
        rc = 1;
    }
    free(state.history);
    clmlp_optimizer_free(optimizer);
    clmlp_model_free(model);
    clmlp_dataset_free(train_data);
    clmlp_dataset_free(val_data);
    clmlp_mnist_free(&train_split);
    clmlp_mnist_free(&val_split);
    clmlp_context_free(ctx);
    return rc;
}

int main(int argc, char **argv)
{
    train_options options;
    char error[512];
    if (parse_options(argc, argv, &options, error, sizeof error) != 0) {
        fprintf(stderr, "mlp-train: error: %s\n", error);
        return 2;
    }
    if (options.help) {
        print_usage(stdout);
        return 0;
    }
    if (options.list_devices)
        return list_devices();
    return train(&options);
}
