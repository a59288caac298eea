/* An application that embeds clmlp: it trains a small MLP briefly on
 * generated 8x8 images, saves a checkpoint, loads it into a new model as a
 * separate program would, and predicts the classes of a batch.
 *
 * Build it against an installed clmlp and run it:
 *
 *     cc predict.c $(pkg-config --cflags --libs clmlp) -o predict
 *     ./predict [CHECKPOINT]
 *
 * CHECKPOINT is the file to write, predict-example.safetensors by default.
 * The device comes from CLMLP_DEVICE, else the first GPU, else the first
 * device. The exit status is 0 when the loaded model predicts the same
 * labels as the trained one and matches at least 90% of the true labels. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <clmlp.h>

#define SIDE 8
#define FEATURES (SIDE * SIDE)
#define CLASSES 4
#define SAMPLES 800
#define BATCH 16

/* Makes count images in which class c has a bright quarter c, plus noise. */
static int make_images(size_t count, unsigned seed, clmlp_mnist *out)
{
    memset(out, 0, sizeof *out);
    uint8_t *images = malloc(count * FEATURES), *labels = malloc(count);
    if (images == NULL || labels == NULL) {
        free(images);
        free(labels);
        return 1;
    }
    for (size_t i = 0; i < count; i++) {
        seed = seed * 1103515245u + 12345u;
        int label = (int)((seed >> 16) % CLASSES);
        labels[i] = (uint8_t)label;
        for (size_t p = 0; p < FEATURES; p++) {
            seed = seed * 1103515245u + 12345u;
            int quarter = (int)(p / SIDE / (SIDE / 2) * 2 + p % SIDE / (SIDE / 2));
            images[i * FEATURES + p] = (uint8_t)((seed >> 24) % 100 + (quarter == label ? 150 : 0));
        }
    }
    out->images = (clmlp_idx){images, 3, {(uint32_t)count, SIDE, SIDE, 0}, count, FEATURES};
    out->labels = (clmlp_idx){labels, 1, {(uint32_t)count, 0, 0, 0}, count, 1};
    out->count = count;
    out->rows = SIDE;
    out->cols = SIDE;
    out->features = FEATURES;
    out->classes = CLASSES;
    return 0;
}

static int report(const char *what)
{
    fprintf(stderr, "predict: %s: %s\n", what, clmlp_error_message());
    return 1;
}

/* Trains a scratch MLP for three epochs and saves it to path. */
static int train_and_save(clmlp_context *ctx, const clmlp_mnist *images, const char *path,
                          const float *batch, int32_t *labels)
{
    clmlp_dataset *data = NULL;
    clmlp_model *model = NULL;
    clmlp_optimizer *optimizer = NULL;
    clmlp_tensor *const *params;
    size_t count;
    clmlp_sgd_options sgd = clmlp_sgd_default();
    sgd.lr = 0.1f;
    clmlp_fit_options fit = clmlp_fit_default();
    fit.epochs = 3;
    fit.batch_size = 32;
    clmlp_checkpoint_info info = {.epoch = 3, .train_loss = 0};

    int rc = 1;
    if (clmlp_dataset_create(ctx, images, &data) != CLMLP_SUCCESS)
        report("cannot upload the images");
    else if (clmlp_scratch_mlp_create(ctx, FEATURES, 32, CLASSES, 1, &model) != CLMLP_SUCCESS ||
             clmlp_model_parameters(model, &params, NULL, &count) != CLMLP_SUCCESS ||
             clmlp_sgd_create(ctx, params, count, &sgd, &optimizer) != CLMLP_SUCCESS)
        report("cannot create the model");
    else if (clmlp_fit(model, optimizer, data, NULL, &fit) != CLMLP_SUCCESS)
        report("training failed");
    else if (clmlp_predict(model, batch, BATCH, FEATURES, CLASSES, NULL, labels) != CLMLP_SUCCESS)
        report("prediction failed");
    else if (clmlp_checkpoint_save(path, model, optimizer, &info) != CLMLP_SUCCESS)
        report("cannot save the checkpoint");
    else
        rc = 0;
    clmlp_optimizer_free(optimizer);
    clmlp_model_free(model);
    clmlp_dataset_free(data);
    return rc;
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "predict-example.safetensors";
    printf("clmlp %s\n", clmlp_version());

    clmlp_mnist images;
    if (make_images(SAMPLES, 7, &images) != 0) {
        fprintf(stderr, "predict: out of memory\n");
        return 1;
    }
    /* The batch to predict: the first images, scaled to [0, 1] as the
     * dataset's gather kernel scales them. */
    float batch[BATCH * FEATURES], probabilities[BATCH * CLASSES];
    int32_t trained_labels[BATCH], loaded_labels[BATCH];
    for (size_t i = 0; i < BATCH * FEATURES; i++)
        batch[i] = (float)images.images.data[i] / 255.0f;

    clmlp_context *ctx = NULL;
    clmlp_model *model = NULL;
    int rc = 1;
    if (clmlp_context_create(clmlp_device_from_environment(), &ctx) != CLMLP_SUCCESS) {
        report("cannot create an OpenCL context");
        goto done;
    }
    printf("device %s\n", clmlp_context_device(ctx)->device_name);
    if (train_and_save(ctx, &images, path, batch, trained_labels) != 0)
        goto done;

    /* Another program would start here: rebuild the model from the file. */
    clmlp_checkpoint_info info;
    if (clmlp_checkpoint_open(ctx, path, &model, NULL, &info) != CLMLP_SUCCESS) {
        report("cannot load the checkpoint");
        goto done;
    }
    if (clmlp_predict(model, batch, BATCH, FEATURES, CLASSES, probabilities, loaded_labels) !=
        CLMLP_SUCCESS) {
        report("prediction failed");
        goto done;
    }

    int same = 0, correct = 0;
    printf("loaded %s (%s, epoch %d)\nsample  label  predicted  probability\n", path,
           clmlp_model_family(model), info.epoch);
    for (int i = 0; i < BATCH; i++) {
        int label = images.labels.data[i];
        same += loaded_labels[i] == trained_labels[i];
        correct += loaded_labels[i] == label;
        printf("%6d  %5d  %9d  %11.4f\n", i, label, (int)loaded_labels[i],
               (double)probabilities[i * CLASSES + loaded_labels[i]]);
    }
    printf("%d of %d correct\n", correct, BATCH);
    rc = same == BATCH && correct * 10 >= BATCH * 9 ? 0 : 1;

done:
    clmlp_model_free(model);
    clmlp_context_free(ctx);
    clmlp_mnist_free(&images);
    return rc;
}
