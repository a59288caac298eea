/* A generated dataset that a small MLP learns, and a short training run on
 * it, shared by the training, fault and thread tests. */
#include "generated_split.h"

#include <stdlib.h>
#include <string.h>

/* Builds count samples: each class has a bright block of 16 pixels at its
 * own place, plus noise, so a small MLP can separate them. */
void make_split(size_t count, uint32_t seed, clmlp_mnist *out)
{
    memset(out, 0, sizeof *out);
    uint8_t *images = malloc(count * SPLIT_FEATURES), *labels = malloc(count);
    ck_assert_ptr_nonnull(images);
    ck_assert_ptr_nonnull(labels);
    for (size_t i = 0; i < count; i++) {
        seed = seed * 1664525u + 1013904223u;
        int label = (int)((seed >> 16) % SPLIT_CLASSES);
        labels[i] = (uint8_t)label;
        for (size_t j = 0; j < SPLIT_FEATURES; j++) {
            seed = seed * 1664525u + 1013904223u;
            int noise = (int)((seed >> 24) % 96);
            int signal = (j / 16 == (size_t)label) ? 140 : 0;
            images[i * SPLIT_FEATURES + j] = (uint8_t)(noise + signal);
        }
    }
    out->images = (clmlp_idx){images, 3, {(uint32_t)count, 8, 8, 0}, count, SPLIT_FEATURES};
    out->labels = (clmlp_idx){labels, 1, {(uint32_t)count, 0, 0, 0}, count, 1};
    out->count = count;
    out->rows = 8;
    out->cols = 8;
    out->features = SPLIT_FEATURES;
    out->classes = SPLIT_CLASSES;
}

clmlp_status train_scratch(clmlp_context *ctx, const clmlp_mnist *split, size_t hidden,
                           int epochs, float lr, float *w2)
{
    clmlp_dataset *data = NULL;
    clmlp_model *model = NULL;
    clmlp_optimizer *optimizer = NULL;
    clmlp_tensor *const *params = NULL;
    size_t count = 0;

    clmlp_status status = clmlp_dataset_create(ctx, split, &data);
    if (status == CLMLP_SUCCESS)
        status = clmlp_scratch_mlp_create(ctx, SPLIT_FEATURES, hidden, SPLIT_CLASSES, 11, &model);
    if (status == CLMLP_SUCCESS)
        status = clmlp_model_parameters(model, &params, NULL, &count);
    if (status == CLMLP_SUCCESS) {
        clmlp_sgd_options sgd = clmlp_sgd_default();
        sgd.lr = lr;
        status = clmlp_sgd_create(ctx, params, count, &sgd, &optimizer);
    }
    if (status == CLMLP_SUCCESS) {
        clmlp_fit_options fit = clmlp_fit_default();
        fit.epochs = epochs;
        fit.batch_size = 50;
        fit.seed = 3;
        status = clmlp_fit(model, optimizer, data, NULL, &fit);
    }
    if (status == CLMLP_SUCCESS && w2 != NULL)
        status = clmlp_tensor_read(params[2], w2, hidden * SPLIT_CLASSES);

    clmlp_optimizer_free(optimizer);
    clmlp_model_free(model);
    clmlp_dataset_free(data);
    return status;
}
