/* The hypernetwork model: a generator MLP makes each sample's parameters for
 * a dynamic-parameter MLP. */
#include "clmlp/hyper.h"

#include <math.h>
#include <stdlib.h>

#include "clmlp/ops.h"
#include "models/model.h"
#include "nn/init.h"

typedef struct hyper_mlp {
    clmlp_model base;
    clmlp_tensor *w1, *b1, *w2, *b2;   /* generator weights [in, out] and biases */
    clmlp_dp_mlp *dp;
    clmlp_tensor **weights, **biases;  /* per-layer views, rebuilt every forward pass */
} hyper_mlp;

static clmlp_status hyper_forward(clmlp_model *model, clmlp_tape *tape, clmlp_tensor *x,
                                  clmlp_tensor **logits)
{
    hyper_mlp *m = (hyper_mlp *)model;
    CLMLP_TRY(clmlp_check_matrix(x, 2, "hypernetwork forward", "x"));
    CLMLP_TRY(clmlp_dp_mlp_check_memory(model->ctx, clmlp_dp_mlp_param_count(m->dp),
                                        x->shape[0]));

    /* The generator; x is already flat, [B, inputs]. */
    clmlp_tensor *xw1, *h_pre, *h, *hw2, *params;
    CLMLP_TRY(clmlp_matmul(tape, x, m->w1, &xw1));
    CLMLP_TRY(clmlp_add_bias(tape, xw1, m->b1, &h_pre));
    CLMLP_TRY(clmlp_relu(tape, h_pre, &h));
    CLMLP_TRY(clmlp_matmul(tape, h, m->w2, &hw2));
    CLMLP_TRY(clmlp_add_bias(tape, hw2, m->b2, &params));

    CLMLP_TRY(clmlp_dp_mlp_split(m->dp, tape, params, m->weights, m->biases));
    return clmlp_dp_mlp_forward(m->dp, tape, x, m->weights, m->biases, logits);
}

static void hyper_set_training(clmlp_model *model, bool training)
{
    clmlp_dp_mlp_set_training(((hyper_mlp *)model)->dp, training);
}

static void hyper_free(clmlp_model *model)
{
    hyper_mlp *m = (hyper_mlp *)model;
    clmlp_dp_mlp_free(m->dp);
    free(m->weights);
    free(m->biases);
}

static const clmlp_model_ops hyper_ops = {"hyper", hyper_forward, hyper_set_training, hyper_free};

/* Adds a Linear layer's weight [in, out] and bias [out], both uniform in
 * +-1/sqrt(in) as PyTorch's default initialisation draws them. */
static clmlp_status add_linear(hyper_mlp *m, const char *weight_name, const char *bias_name,
                               size_t in, size_t out, uint64_t seed, uint32_t stream,
                               clmlp_tensor **weight, clmlp_tensor **bias)
{
    size_t shape[2] = {in, out};
    float bound = (float)(1.0 / sqrt((double)in));
    CLMLP_TRY(clmlp_model_add_parameter(&m->base, weight_name, 2, shape, weight));
    CLMLP_TRY(clmlp_model_add_parameter(&m->base, bias_name, 1, &out, bias));
    CLMLP_TRY(clmlp_init_uniform(*weight, -bound, bound, seed, stream));
    return clmlp_init_uniform(*bias, -bound, bound, seed, stream + 1);
}

static clmlp_status build(hyper_mlp *m, size_t inputs, size_t generator_hidden,
                          const size_t *dp_hidden, size_t dp_hidden_count, float dropout,
                          size_t outputs, uint64_t seed)
{
    CLMLP_TRY(clmlp_dp_mlp_create(m->base.ctx, inputs, dp_hidden, dp_hidden_count, dropout,
                                  outputs, &m->dp));
    size_t layers = clmlp_dp_mlp_layer_count(m->dp);
    m->weights = calloc(layers, sizeof *m->weights);
    m->biases = calloc(layers, sizeof *m->biases);
    if (m->weights == NULL || m->biases == NULL)
        return clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory creating a "
                          "hypernetwork");

    size_t n_params = clmlp_dp_mlp_param_count(m->dp);
    CLMLP_TRY(add_linear(m, "generator.1.weight", "generator.1.bias", inputs, generator_hidden,
                         seed, 0, &m->w1, &m->b1));
    return add_linear(m, "generator.3.weight", "generator.3.bias", generator_hidden, n_params,
                      seed, 2, &m->w2, &m->b2);
}

clmlp_status clmlp_hyper_mlp_create(clmlp_context *ctx, size_t inputs, size_t generator_hidden,
                                    const size_t *dp_hidden, size_t dp_hidden_count,
                                    float dropout, size_t outputs, uint64_t seed,
                                    clmlp_model **model)
{
    if (ctx == NULL || model == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_hyper_mlp_create: NULL argument");
    *model = NULL;
    if (generator_hidden == 0)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "hypernetwork: the generator's hidden "
                          "size must be positive");

    hyper_mlp *m = calloc(1, sizeof *m);
    if (m == NULL)
        return clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory creating a model");
    m->base.ops = &hyper_ops;
    m->base.ctx = ctx;
    m->base.training = true;
    clmlp_status status = build(m, inputs, generator_hidden, dp_hidden, dp_hidden_count, dropout,
                                outputs, seed);
    if (status != CLMLP_SUCCESS) {
        clmlp_model_free(&m->base);
        return status;
    }
    *model = &m->base;
    return CLMLP_SUCCESS;
}

size_t clmlp_hyper_mlp_param_count(const clmlp_model *model)
{
    if (model == NULL || model->ops != &hyper_ops)
        return 0;
    return clmlp_dp_mlp_param_count(((const hyper_mlp *)model)->dp);
}
