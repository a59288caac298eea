/* A short training run of the scratch MLP on a generated split, shared by
 * the fault and thread tests. */
#include "train_scratch.h"

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
        status = clmlp_scratch_mlp_create(ctx, BLOCK_FEATURES, hidden, BLOCK_CLASSES, 11, &model);
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
        status = clmlp_tensor_read(params[2], w2, hidden * BLOCK_CLASSES);

    clmlp_optimizer_free(optimizer);
    clmlp_model_free(model);
    clmlp_dataset_free(data);
    return status;
}
