/* The dynamic-parameter MLP: per-sample layers through strided-batched GEMM. */
#include "clmlp/hyper.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "clmlp/batched.h"
#include "clmlp/nn.h"
#include "clmlp/ops.h"
#include "core/error.h"
#include "tensor/tensor.h"

typedef struct dp_layer {
    size_t in, out;
    size_t weight_offset, bias_offset;   /* in floats within a sample's row */
    bool hidden;                         /* followed by BatchNorm1d, ReLU, Dropout */
} dp_layer;

struct clmlp_dp_mlp {
    clmlp_context *ctx;
    size_t layer_count;
    dp_layer *layers;
    size_t param_count;
    float dropout;
    bool training;

    /* Containers whose child l is hidden layer l's BatchNorm1d or Dropout.
     * They only hold the modules and pass the mode on, and they are never
     * run as a Sequential. NULL without hidden layers. */
    clmlp_module *norms, *dropouts;
};

static clmlp_status check_sizes(size_t inputs, const size_t *hidden, size_t hidden_count,
                                float dropout, size_t outputs)
{
    if (inputs == 0)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "dynamic-parameter MLP: inputs must be "
                          "positive");
    if (hidden_count > 0 && hidden == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "dynamic-parameter MLP: %zu hidden sizes "
                          "but a NULL list", hidden_count);
    for (size_t i = 0; i < hidden_count; i++)
        if (hidden[i] == 0)
            return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "dynamic-parameter MLP: hidden size "
                              "%zu is 0", i);
    if (!(dropout >= 0.0f && dropout < 1.0f))
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "dynamic-parameter MLP: dropout %g is "
                          "outside [0, 1)", (double)dropout);
    if (hidden_count == 0 && outputs == 0)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "dynamic-parameter MLP: no hidden layers "
                          "and no output layer");
    return CLMLP_SUCCESS;
}

/* Lays the layers out in a sample's row, weight then bias, and counts the
 * floats; fails when n_params overflows. */
static clmlp_status lay_out(clmlp_dp_mlp *mlp, size_t inputs, const size_t *hidden,
                            size_t hidden_count, size_t outputs)
{
    size_t offset = 0, in = inputs;
    for (size_t l = 0; l < mlp->layer_count; l++) {
        dp_layer *layer = &mlp->layers[l];
        layer->hidden = l < hidden_count;
        layer->in = in;
        layer->out = layer->hidden ? hidden[l] : outputs;
        if (layer->in + 1 > (SIZE_MAX - offset) / layer->out)
            return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "dynamic-parameter MLP: the layer "
                              "sizes give more than %zu parameters per sample", SIZE_MAX);
        layer->weight_offset = offset;
        layer->bias_offset = offset + layer->in * layer->out;
        offset = layer->bias_offset + layer->out;
        in = layer->out;
    }
    mlp->param_count = offset;
    return CLMLP_SUCCESS;
}

/* Creates BatchNorm1d and Dropout for every hidden layer; dropout masks
 * of layer l come from seed + l. */
static clmlp_status create_hidden_modules(clmlp_dp_mlp *m, size_t hidden_count, uint64_t seed)
{
    CLMLP_TRY(clmlp_sequential_create(m->ctx, &m->norms));
    CLMLP_TRY(clmlp_sequential_create(m->ctx, &m->dropouts));
    for (size_t l = 0; l < hidden_count; l++) {
        clmlp_module *norm = NULL, *dropout = NULL;
        CLMLP_TRY(clmlp_batch_norm1d_create(m->ctx, m->layers[l].out, NULL, &norm));
        CLMLP_TRY(clmlp_sequential_append(m->norms, norm));
        CLMLP_TRY(clmlp_dropout_create(m->ctx, m->dropout, seed + l, &dropout));
        CLMLP_TRY(clmlp_sequential_append(m->dropouts, dropout));
    }
    return CLMLP_SUCCESS;
}

clmlp_status clmlp_dp_mlp_create(clmlp_context *ctx, size_t inputs, const size_t *hidden,
                                 size_t hidden_count, float dropout, size_t outputs,
                                 uint64_t seed, clmlp_dp_mlp **mlp)
{
    if (ctx == NULL || mlp == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_dp_mlp_create: NULL argument");
    *mlp = NULL;
    CLMLP_TRY(check_sizes(inputs, hidden, hidden_count, dropout, outputs));

    clmlp_dp_mlp *m = calloc(1, sizeof *m);
    size_t count = hidden_count + (outputs > 0 ? 1 : 0);
    dp_layer *layers = m ? calloc(count, sizeof *layers) : NULL;
    if (layers == NULL) {
        free(m);
        return clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory creating a "
                          "dynamic-parameter MLP");
    }
    m->ctx = ctx;
    m->layers = layers;
    m->layer_count = count;
    m->dropout = dropout;
    m->training = true;
    clmlp_status status = lay_out(m, inputs, hidden, hidden_count, outputs);
    if (status == CLMLP_SUCCESS && hidden_count > 0)
        status = create_hidden_modules(m, hidden_count, seed);
    if (status != CLMLP_SUCCESS) {
        clmlp_dp_mlp_free(m);
        return status;
    }
    *mlp = m;
    return CLMLP_SUCCESS;
}

void clmlp_dp_mlp_free(clmlp_dp_mlp *mlp)
{
    if (mlp == NULL)
        return;
    clmlp_module_free(mlp->norms);
    clmlp_module_free(mlp->dropouts);
    free(mlp->layers);
    free(mlp);
}

size_t clmlp_dp_mlp_layer_count(const clmlp_dp_mlp *mlp)
{
    return mlp ? mlp->layer_count : 0;
}

size_t clmlp_dp_mlp_param_count(const clmlp_dp_mlp *mlp)
{
    return mlp ? mlp->param_count : 0;
}

size_t clmlp_dp_mlp_output_size(const clmlp_dp_mlp *mlp)
{
    return mlp && mlp->layer_count ? mlp->layers[mlp->layer_count - 1].out : 0;
}

void clmlp_dp_mlp_set_training(clmlp_dp_mlp *mlp, bool training)
{
    if (mlp == NULL)
        return;
    mlp->training = training;
    if (mlp->norms != NULL) {
        clmlp_module_set_training(mlp->norms, training);
        clmlp_module_set_training(mlp->dropouts, training);
    }
}

/* Lists the BatchNorm1d tensors as "<prefix>.norms.<l>.<name>". */
static clmlp_status list_norm_tensors(clmlp_dp_mlp *mlp, const char *prefix, bool buffers,
                                      clmlp_named_tensors *list)
{
    if (mlp == NULL || list == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "dynamic-parameter MLP: NULL argument "
                          "listing tensors");
    *list = (clmlp_named_tensors){0};
    if (mlp->norms == NULL)
        return CLMLP_SUCCESS;

    char name[128];
    if (prefix != NULL && prefix[0] != '\0')
        snprintf(name, sizeof name, "%s.norms", prefix);
    else
        snprintf(name, sizeof name, "norms");
    return buffers ? clmlp_module_buffers(mlp->norms, name, list)
                   : clmlp_module_parameters(mlp->norms, name, list);
}

clmlp_status clmlp_dp_mlp_parameters(clmlp_dp_mlp *mlp, const char *prefix,
                                     clmlp_named_tensors *list)
{
    return list_norm_tensors(mlp, prefix, false, list);
}

clmlp_status clmlp_dp_mlp_buffers(clmlp_dp_mlp *mlp, const char *prefix, clmlp_named_tensors *list)
{
    return list_norm_tensors(mlp, prefix, true, list);
}

clmlp_status clmlp_dp_mlp_split(clmlp_dp_mlp *mlp, clmlp_tape *tape, clmlp_tensor *params,
                                clmlp_tensor **weights, clmlp_tensor **biases)
{
    if (mlp == NULL || tape == NULL || weights == NULL || biases == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_dp_mlp_split: NULL argument");
    CLMLP_TRY(clmlp_check_matrix(params, 2, "clmlp_dp_mlp_split", "params"));
    if (params->shape[1] != mlp->param_count)
        return clmlp_fail(CLMLP_ERROR_SHAPE, "clmlp_dp_mlp_split: params has %zu columns but the "
                          "network needs %zu per sample", params->shape[1], mlp->param_count);

    size_t batch = params->shape[0], row = mlp->param_count;
    for (size_t l = 0; l < mlp->layer_count; l++) {
        const dp_layer *layer = &mlp->layers[l];
        size_t w_shape[3] = {batch, layer->in, layer->out}, w_strides[3] = {row, layer->out, 1};
        size_t b_shape[2] = {batch, layer->out}, b_strides[2] = {row, 1};
        CLMLP_TRY(clmlp_view(tape, params, 3, w_shape, w_strides, layer->weight_offset,
                             &weights[l]));
        CLMLP_TRY(clmlp_view(tape, params, 2, b_shape, b_strides, layer->bias_offset, &biases[l]));
    }
    return CLMLP_SUCCESS;
}

static clmlp_status check_layer_operands(const dp_layer *layer, size_t l, size_t batch,
                                         const clmlp_tensor *w, const clmlp_tensor *b)
{
    if (w == NULL || b == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_dp_mlp_forward: layer %zu has a "
                          "NULL weight or bias", l);
    char w_shape[96], b_shape[96];
    clmlp_format_shape(w, w_shape, sizeof w_shape);
    clmlp_format_shape(b, b_shape, sizeof b_shape);
    if (w->ndim != 3 || w->shape[0] != batch || w->shape[1] != layer->in ||
        w->shape[2] != layer->out)
        return clmlp_fail(CLMLP_ERROR_SHAPE, "clmlp_dp_mlp_forward: layer %zu needs weights [%zu, "
                          "%zu, %zu], got %s", l, batch, layer->in, layer->out, w_shape);
    if (b->ndim != 2 || b->shape[0] != batch || b->shape[1] != layer->out)
        return clmlp_fail(CLMLP_ERROR_SHAPE, "clmlp_dp_mlp_forward: layer %zu needs biases [%zu, "
                          "%zu], got %s", l, batch, layer->out, b_shape);
    return CLMLP_SUCCESS;
}

/* y [B, out] = x [B, in] · W_b + bias_b for every sample b. */
static clmlp_status affine_forward(clmlp_tape *tape, const dp_layer *layer, clmlp_tensor *x,
                                   clmlp_tensor *w, clmlp_tensor *bias, clmlp_tensor **y)
{
    size_t batch = x->shape[0];

    /* Each sample's input is a [1, in] matrix for the batched product. */
    size_t x_shape[3] = {batch, 1, layer->in}, x_strides[3] = {x->strides[0], layer->in, 1};
    clmlp_tensor *rows = NULL, *product = NULL, *flat = NULL;
    CLMLP_TRY(clmlp_view(tape, x, 3, x_shape, x_strides, 0, &rows));
    CLMLP_TRY(clmlp_bmm(tape, rows, w, &product));

    size_t flat_shape[2] = {batch, layer->out}, flat_strides[2] = {layer->out, 1};
    CLMLP_TRY(clmlp_view(tape, product, 2, flat_shape, flat_strides, 0, &flat));
    return clmlp_add(tape, flat, bias, y);
}

clmlp_status clmlp_dp_mlp_forward(clmlp_dp_mlp *mlp, clmlp_tape *tape, clmlp_tensor *x,
                                  clmlp_tensor *const *weights, clmlp_tensor *const *biases,
                                  clmlp_tensor **out)
{
    if (mlp == NULL || tape == NULL || weights == NULL || biases == NULL || out == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_dp_mlp_forward: NULL argument");
    CLMLP_TRY(clmlp_check_matrix(x, 2, "clmlp_dp_mlp_forward", "x"));
    if (x->shape[1] != mlp->layers[0].in)
        return clmlp_fail(CLMLP_ERROR_SHAPE, "clmlp_dp_mlp_forward: x has %zu features but the "
                          "network takes %zu", x->shape[1], mlp->layers[0].in);
    size_t batch = x->shape[0];
    for (size_t l = 0; l < mlp->layer_count; l++)
        CLMLP_TRY(check_layer_operands(&mlp->layers[l], l, batch, weights[l], biases[l]));

    clmlp_tensor *h = x;
    for (size_t l = 0; l < mlp->layer_count; l++) {
        CLMLP_TRY(affine_forward(tape, &mlp->layers[l], h, weights[l], biases[l], &h));
        if (!mlp->layers[l].hidden)
            continue;
        CLMLP_TRY(clmlp_module_forward(clmlp_sequential_child(mlp->norms, l), tape, h, &h));
        CLMLP_TRY(clmlp_relu(tape, h, &h));
        CLMLP_TRY(clmlp_module_forward(clmlp_sequential_child(mlp->dropouts, l), tape, h, &h));
    }
    *out = h;
    return CLMLP_SUCCESS;
}

clmlp_status clmlp_dp_mlp_check_memory(const clmlp_context *ctx, size_t n_params, size_t batch)
{
    if (ctx == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_dp_mlp_check_memory: NULL context");
    const clmlp_device_info *device = &ctx->info;

    /* Doubles keep the products exact enough for the message and never wrap. */
    double one = (double)batch * (double)n_params * (double)sizeof(float);
    double both = 2.0 * one;
    if (one > (double)device->max_allocation || both > (double)device->global_memory)
        return clmlp_fail(CLMLP_ERROR_OUT_OF_DEVICE_MEMORY, "the generated parameters of %zu "
                          "samples x %zu floats need %.0f bytes in one buffer and %.0f bytes with "
                          "their gradients, but %s allows %llu bytes per buffer and has %llu "
                          "bytes of global memory; use a smaller batch or fewer parameters",
                          batch, n_params, one, both, device->device_name,
                          (unsigned long long)device->max_allocation,
                          (unsigned long long)device->global_memory);
    return CLMLP_SUCCESS;
}
