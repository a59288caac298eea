/* mlp-train: trains a multilayer perceptron on Fashion-MNIST through clmlp. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clmlp.h"
#include "build_model.h"
#include "options.h"

#define CLASSES 10

static int fail(const char *what)
{
    fprintf(stderr, "mlp-train: error: %s: %s\n", what, clmlp_error_message());
    return 1;
}

static int list_devices(void)
{
    clmlp_device_info *devices = NULL;
    size_t count = 0;
    if (clmlp_list_devices(&devices, &count) != CLMLP_SUCCESS)
        return fail("cannot list OpenCL devices");

    clmlp_device_info chosen;
    int have_default = clmlp_select_device(NULL, &chosen) == CLMLP_SUCCESS;
    for (size_t i = 0; i < count; i++) {
        const clmlp_device_info *d = &devices[i];
        int is_default = have_default && d->platform_index == chosen.platform_index &&
                         d->device_index == chosen.device_index;
        printf("%u:%u  %s  [%s]  %s%s\n", d->platform_index, d->device_index, d->device_name,
               d->platform_name, d->is_gpu ? "GPU" : d->is_cpu ? "CPU" : "other",
               is_default ? "  (default)" : "");
    }
    free(devices);
    return 0;
}

typedef struct run_state {
    FILE *metrics;
    const char *metrics_path;
    int write_failed;
} run_state;

static int on_epoch(const clmlp_epoch_stats *s, void *user_data)
{
    run_state *state = user_data;
    printf("epoch %d/%d  train_loss %.4f  val_loss %.4f  val_acc %.4f  %.2f s  %.0f samples/s\n",
           s->epoch, s->epochs, s->train_loss, s->val_loss, s->val_accuracy, s->seconds,
           s->samples_per_second);
    fflush(stdout);

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
    run_state state = {.metrics_path = o->metrics_path};

    const char *device = o->device ? o->device : clmlp_device_from_environment();
    if (clmlp_mnist_read(o->data_dir, "train", CLASSES, &train_split) != CLMLP_SUCCESS) {
        fail("cannot load the training data");
        goto done;
    }
    if (clmlp_mnist_read(o->data_dir, "t10k", CLASSES, &val_split) != CLMLP_SUCCESS) {
        fail("cannot load the validation data");
        goto done;
    }
    if (clmlp_context_create(device, &ctx) != CLMLP_SUCCESS) {
        fail("cannot create an OpenCL context");
        goto done;
    }
    printf("device %s (%s)\n", clmlp_context_device(ctx)->device_name,
           clmlp_context_device(ctx)->platform_name);

    if (clmlp_dataset_create(ctx, &train_split, &train_data) != CLMLP_SUCCESS ||
        clmlp_dataset_create(ctx, &val_split, &val_data) != CLMLP_SUCCESS) {
        fail("cannot upload the dataset");
        goto done;
    }
    if (apply_task_labels(o, train_data) != CLMLP_SUCCESS ||
        apply_task_labels(o, val_data) != CLMLP_SUCCESS) {
        fail("cannot set the binary labels");
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
    fit.user_data = &state;
    fit.loss = task_loss(o);
    if (clmlp_fit(model, optimizer, train_data, val_data, &fit) != CLMLP_SUCCESS) {
        if (state.write_failed)
            fprintf(stderr, "mlp-train: error: cannot write metrics file %s: %s\n",
                    o->metrics_path, strerror(state.write_failed));
        else
            fail("training failed");
        goto done;
    }
    rc = 0;

done:
    if (state.metrics != NULL && fclose(state.metrics) != 0 && rc == 0) {
        fprintf(stderr, "mlp-train: error: cannot write metrics file %s: %s\n", o->metrics_path,
                strerror(errno));
        rc = 1;
    }
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
