/* mlp-train: trains a multilayer perceptron on Fashion-MNIST through clmlp. */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>

#include "clmlp.h"
#include "build_model.h"
#include "device_list.h"
#include "options.h"
#include "plot_svg.h"
#include "profile_report.h"
#include "progress.h"
#include "stop_signal.h"

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
    const char *save_path;
    clmlp_model *model;
    clmlp_optimizer *optimizer;
    train_task task;               /* from the options, or from --load's checkpoint */
    int save_failed;
    char save_error[1024];         /* the library's message for the failed save */
    int saved_epoch;               /* last epoch written to save_path, 0 for none */
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

/* Writes one CSV row; an unknown train loss (NAN) leaves its field empty. */
static int write_metrics_row(run_state *state, int epoch, double train_loss, double val_loss,
                             double val_accuracy, double seconds)
{
    char loss[32] = "";
    if (!isnan(train_loss))
        snprintf(loss, sizeof loss, "%.6f", train_loss);
    fprintf(state->metrics, "%d,%s,%.6f,%.6f,%.3f\n", epoch, loss, val_loss, val_accuracy, seconds);
    if (fflush(state->metrics) != 0) {
        state->write_failed = errno;
        return 1;
    }
    return 0;
}

static int on_epoch(const clmlp_epoch_stats *s, void *user_data)
{
    run_state *state = user_data;

    /* Save before printing, so a printed epoch is always on disk. */
    if (state->save_path != NULL) {
        clmlp_checkpoint_info info = {.epoch = s->epoch, .train_loss = s->train_loss,
                                      .loss = state->task.loss,
                                      .positive_classes = state->task.positive_classes};
        if (clmlp_checkpoint_save(state->save_path, state->model, state->optimizer, &info) !=
            CLMLP_SUCCESS) {
            state->save_failed = 1;
            /* clmlp_fit replaces the message with its own "stopped by the
             * epoch callback", so keep the one that names the file. */
            snprintf(state->save_error, sizeof state->save_error, "%s", clmlp_error_message());
            return 1;
        }
        state->saved_epoch = s->epoch;
    }

    print_epoch(stdout, state->mode, s);
    state->plot_failed = remember_epoch(state, s);
    if (state->plot_failed == 0 && state->plot_path != NULL)
        state->plot_failed = plot_svg_write(state->plot_path, state->plot_title, state->history,
                                            state->history_count);
    if (state->plot_failed != 0)
        return 1;

    if (state->metrics != NULL)
        return write_metrics_row(state, s->epoch, s->train_loss, s->val_loss, s->val_accuracy,
                                 s->seconds);
    return 0;
}

static int should_stop(void *user_data)
{
    (void)user_data;
    return stop_signal_received() != 0;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Reports the validation loss and accuracy of a loaded checkpoint. */
static int evaluate_checkpoint(run_state *state, const train_options *o, clmlp_dataset *val_data,
                               const clmlp_checkpoint_info *info)
{
    double started = now_seconds(), loss, accuracy;
    if (clmlp_evaluate_loss(state->model, val_data, (size_t)o->batch_size, state->task.loss,
                            &loss, &accuracy) != CLMLP_SUCCESS)
        return fail("evaluation failed");
    double seconds = now_seconds() - started;
    printf("checkpoint %s  epoch %d  val_loss %.4f  val_acc %.4f  %.2f s\n", o->load_path,
           info->epoch, loss, accuracy, seconds);
    if (state->metrics != NULL && write_metrics_row(state, info->epoch, info->train_loss, loss,
                                                    accuracy, seconds) != 0)
        return 1;
    return 0;
}

/* Warns about model and optimizer options that --load overrides with the
 * checkpoint's settings, so that a user is not misled by them. */
static void warn_ignored_options(const train_options *o)
{
    static const char *const overridden[] = {
        "--hidden", "--lr", "--optimizer", "--momentum", "--weight-decay", "--activation",
        "--batch-norm", "--dropout", "--sigmoid", "--dp-hidden",
    };
    for (size_t i = 0; i < sizeof overridden / sizeof overridden[0]; i++)
        if (option_given(o, overridden[i]))
            fprintf(stderr, "mlp-train: warning: %s is ignored because the model and optimizer "
                    "settings come from %s\n", overridden[i], o->load_path);
}

/* Creates the model and optimizer from --load's checkpoint, or from the
 * model options, and sets the task. A checkpoint without optimizer state
 * gets a new optimizer from the options. */
static int create_model(clmlp_context *ctx, const train_options *o, size_t features,
                        run_state *state, clmlp_checkpoint_info *info)
{
    state->task = task_from_options(o);
    if (o->load_path != NULL) {
        clmlp_optimizer **optimizer = o->eval_only ? NULL : &state->optimizer;
        if (clmlp_checkpoint_open(ctx, o->load_path, &state->model, optimizer, info) !=
            CLMLP_SUCCESS)
            return fail("cannot load the checkpoint");
        printf("loaded %s: %s model after epoch %d\n", o->load_path,
               clmlp_model_family(state->model), info->epoch);
        const char *family = clmlp_model_family(state->model);
        if (option_given(o, "--model") && strcmp(o->model, family) != 0) {
            fprintf(stderr, "mlp-train: error: --model %s differs from the %s model in %s; omit "
                    "--model to use the checkpoint's, or train a new model without --load\n",
                    o->model, family, o->load_path);
            return 1;
        }
        if (o->positive_classes != NULL &&
            state->task.positive_classes != info->positive_classes) {
            fprintf(stderr, "mlp-train: error: --positive-classes %s differs from the classes "
                    "that %s was trained on; omit the option to use the checkpoint's\n",
                    o->positive_classes, o->load_path);
            return 1;
        }
        state->task = (train_task){info->loss, info->positive_classes};
        warn_ignored_options(o);
    } else if (build_model(ctx, o, features, CLASSES, &state->model) != CLMLP_SUCCESS) {
        return fail("cannot create the model");
    }
    if (!o->eval_only && state->optimizer == NULL &&
        build_optimizer(ctx, o, state->model, &state->optimizer) != CLMLP_SUCCESS)
        return fail("cannot create the optimizer");
    return 0;
}

/* Trains from the epoch after info's. Returns the exit status: 128 plus
 * the signal number after SIGINT or SIGTERM. */
static int fit_model(run_state *state, const train_options *o, clmlp_dataset *train_data,
                     clmlp_dataset *val_data, const clmlp_checkpoint_info *info)
{
    clmlp_fit_options fit = clmlp_fit_default();
    fit.epochs = (int)o->epochs;
    fit.start_epoch = info->epoch + 1;
    fit.batch_size = (size_t)o->batch_size;
    fit.seed = (uint64_t)o->seed;
    fit.on_epoch = on_epoch;
    fit.should_stop = should_stop;
    if (state->mode == OUTPUT_TERMINAL)
        fit.on_progress = on_progress;
    fit.progress_interval = o->progress_every;
    fit.user_data = state;
    fit.loss = state->task.loss;
    if (fit.start_epoch > fit.epochs) {
        printf("the checkpoint has finished epoch %d of --epochs %d; nothing to train\n",
               info->epoch, fit.epochs);
        return 0;
    }
    if (stop_signal_install() != 0) {
        fprintf(stderr, "mlp-train: error: cannot install signal handlers: %s\n", strerror(errno));
        return 1;
    }

    clmlp_status status = clmlp_fit(state->model, state->optimizer, train_data, val_data, &fit);
    int signo = stop_signal_received();
    if (status == CLMLP_SUCCESS && signo == 0) {
        if (state->mode == OUTPUT_QUIET && state->history_count > 0) {
            char line[256];
            format_epoch_line(line, sizeof line, &state->history[state->history_count - 1]);
            printf("%s\n", line);
        }
        return 0;
    }
    if (signo != 0 && !state->save_failed && !state->write_failed) {
        fprintf(stderr, "mlp-train: stopped by %s", signo == SIGINT ? "SIGINT" : "SIGTERM");
        if (state->save_path != NULL && state->saved_epoch > 0)
            fprintf(stderr, "; %s contains epoch %d", state->save_path, state->saved_epoch);
        fprintf(stderr, "\n");
        return 128 + signo;
    }
    if (state->write_failed)
        fprintf(stderr, "mlp-train: error: cannot write metrics file %s: %s\n", o->metrics_path,
                strerror(state->write_failed));
    else if (state->save_failed)
        fprintf(stderr, "mlp-train: error: cannot save the checkpoint: %s\n", state->save_error);
    else if (state->plot_failed)
        fprintf(stderr, "mlp-train: error: cannot write the chart %s: %s\n",
                o->plot_path ? o->plot_path : "(in memory)", strerror(state->plot_failed));
    else
        fail("training failed");
    return 1;
}

/* Checks that a file named by flag can be created before any epoch runs:
 * it is not a folder and its folder exists. Returns nonzero after printing
 * an error. */
static int check_output_path(const char *flag, const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        fprintf(stderr, "mlp-train: error: %s %s is a folder; give a file name inside it\n", flag,
                path);
        return 1;
    }

    const char *slash = strrchr(path, '/');
    if (slash == NULL || slash == path)
        return 0;
    char folder[4096];
    if ((size_t)(slash - path) >= sizeof folder) {
        fprintf(stderr, "mlp-train: error: %s %s: the folder name is longer than %zu bytes\n",
                flag, path, sizeof folder - 1);
        return 1;
    }
    snprintf(folder, sizeof folder, "%.*s", (int)(slash - path), path);
    if (stat(folder, &st) != 0) {
        fprintf(stderr, "mlp-train: error: %s %s: cannot use folder %s: %s; create it first\n",
                flag, path, folder, strerror(errno));
        return 1;
    }
    if (!S_ISDIR(st.st_mode)) {
        fprintf(stderr, "mlp-train: error: %s %s: %s is not a folder\n", flag, path, folder);
        return 1;
    }
    return 0;
}

/* Opens the --metrics file. A resumed run appends to a file that has rows
 * already, so the earlier epochs stay; otherwise the file starts with the
 * header. */
static int open_metrics(run_state *state, const train_options *o)
{
    bool append = false;
    if (o->load_path != NULL && !o->eval_only) {
        struct stat info;
        append = stat(o->metrics_path, &info) == 0 && S_ISREG(info.st_mode) && info.st_size > 0;
    }
    state->metrics = fopen(o->metrics_path, append ? "a" : "w");
    if (state->metrics == NULL) {
        fprintf(stderr, "mlp-train: error: cannot write metrics file %s: %s\n", o->metrics_path,
                strerror(errno));
        return 1;
    }
    if (!append)
        fprintf(state->metrics, "epoch,train_loss,val_loss,val_acc,seconds\n");
    return 0;
}

static int train(const train_options *o)
{
    int rc = 1;
    clmlp_context *ctx = NULL;
    clmlp_mnist train_split = {0}, val_split = {0};
    clmlp_dataset *train_data = NULL, *val_data = NULL;
    run_state state = {.metrics_path = o->metrics_path, .save_path = o->save_path,
                       .plot_path = o->plot_path, .mode = output_mode_for(o->quiet, stdout)};
    snprintf(state.plot_title, sizeof state.plot_title,
             "mlp-train: %s MLP, hidden %s, batch %lld, lr %g", o->model, o->hidden,
             o->batch_size, o->lr);
    clmlp_checkpoint_info info = {.epoch = 0, .train_loss = NAN};

    if ((o->save_path != NULL && check_output_path("--save", o->save_path) != 0) ||
        (o->plot_path != NULL && check_output_path("--plot", o->plot_path) != 0))
        return 1;

    const char *device = o->device ? o->device : clmlp_device_from_environment();
    if (!o->eval_only &&
        clmlp_mnist_read(o->data_dir, "train", CLASSES, &train_split) != CLMLP_SUCCESS) {
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

    if ((!o->eval_only && clmlp_dataset_create(ctx, &train_split, &train_data) != CLMLP_SUCCESS) ||
        clmlp_dataset_create(ctx, &val_split, &val_data) != CLMLP_SUCCESS) {
        fail("cannot upload the dataset");
        goto done;
    }
    if (create_model(ctx, o, clmlp_dataset_features(val_data), &state, &info) != 0)
        goto done;
    if ((train_data != NULL && apply_task_labels(&state.task, train_data) != CLMLP_SUCCESS) ||
        apply_task_labels(&state.task, val_data) != CLMLP_SUCCESS) {
        fail("cannot set the binary labels");
        goto done;
    }

    /* A batch of one sample has no batch variance, so BatchNorm1d rejects it
     * in training; catch the last batch before the first epoch. */
    if (train_data != NULL && o->batch_norm &&
        clmlp_dataset_count(train_data) % (size_t)o->batch_size == 1) {
        fprintf(stderr, "mlp-train: error: --batch-norm needs at least 2 samples per batch, but "
                "%zu training samples in batches of %lld leave a last batch of 1; choose another "
                "--batch-size\n", clmlp_dataset_count(train_data), o->batch_size);
        goto done;
    }

    if (o->metrics_path != NULL && open_metrics(&state, o) != 0)
        goto done;

    if (o->eval_only)
        rc = evaluate_checkpoint(&state, o, val_data, &info);
    else
        rc = fit_model(&state, o, train_data, val_data, &info);
    if (rc == 0 && o->profile && print_profile(stdout, ctx) != CLMLP_SUCCESS)
        rc = fail("cannot read the profile");

    clmlp_memory_stats memory;
    if (rc == 0 && state.mode != OUTPUT_QUIET && clmlp_context_memory(ctx, &memory) == CLMLP_SUCCESS)
        printf("device memory peak %.1f MiB in tensors, %zu buffers created\n",
               (double)memory.peak_bytes / 1048576.0, memory.buffers_created);

done:
    if (state.metrics != NULL && fclose(state.metrics) != 0 && rc == 0) {
        fprintf(stderr, "mlp-train: error: cannot write metrics file %s: %s\n", o->metrics_path,
                strerror(errno));
        rc = 1;
    }
    free(state.history);
    clmlp_optimizer_free(state.optimizer);
    clmlp_model_free(state.model);
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
