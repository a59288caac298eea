/* The hypernetwork model: a generator MLP makes each sample's parameters for
 * a dynamic-parameter MLP. */
#include "clmlp/hyper.h"

#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "models/model.h"
#include "nn/module.h"

typedef struct hyper_mlp {
    clmlp_model base;
    clmlp_module *generator;           /* Sequential(Flatten, LazyLinear, ReLU, LazyLinear) */
    clmlp_dp_mlp *dp;
    clmlp_tensor **weights, **biases;  /* per-layer views, rebuilt every forward pass */

    /* The settings that write_config stores and clmlp_hyper_mlp_from_config() reads. */
    size_t inputs, generator_hidden, outputs;
    size_t *dp_hidden, dp_hidden_count;
    float dropout;
    uint64_t seed;
} hyper_mlp;

static clmlp_status hyper_forward(clmlp_model *model, clmlp_tape *tape, clmlp_tensor *x,
                                  clmlp_tensor **logits)
{
    hyper_mlp *m = (hyper_mlp *)model;
    CLMLP_TRY(clmlp_check_matrix(x, 2, "hypernetwork forward", "x"));
    CLMLP_TRY(clmlp_dp_mlp_check_memory(model->ctx, clmlp_dp_mlp_param_count(m->dp),
                                        x->shape[0]));

    clmlp_tensor *params = NULL;
    CLMLP_TRY(clmlp_module_forward(m->generator, tape, x, &params));
    CLMLP_TRY(clmlp_dp_mlp_split(m->dp, tape, params, m->weights, m->biases));
    return clmlp_dp_mlp_forward(m->dp, tape, x, m->weights, m->biases, logits);
}

static void hyper_set_training(clmlp_model *model, bool training)
{
    hyper_mlp *m = (hyper_mlp *)model;
    clmlp_module_set_training(m->generator, training);
    clmlp_dp_mlp_set_training(m->dp, training);
}

static void hyper_free(clmlp_model *model)
{
    hyper_mlp *m = (hyper_mlp *)model;
    clmlp_module_free(m->generator);
    clmlp_dp_mlp_free(m->dp);
    free(m->weights);
    free(m->biases);
    free(m->dp_hidden);
}

static clmlp_status hyper_write_config(const clmlp_model *model, cJSON *config)
{
    const hyper_mlp *m = (const hyper_mlp *)model;
    CLMLP_TRY(clmlp_config_add_number(config, "inputs", (double)m->inputs));
    CLMLP_TRY(clmlp_config_add_number(config, "generator_hidden", (double)m->generator_hidden));
    CLMLP_TRY(clmlp_config_add_size_list(config, "dp_hidden", m->dp_hidden, m->dp_hidden_count));
    CLMLP_TRY(clmlp_config_add_float(config, "dropout", m->dropout));
    CLMLP_TRY(clmlp_config_add_number(config, "outputs", (double)m->outputs));
    return clmlp_config_add_seed(config, "seed", m->seed);
}

/* Checkpoints store the parameters, then the BatchNorm1d buffers, as the
 * default visit_state does. */
static const clmlp_model_ops hyper_ops = {
    .family = "hyper",
    .forward = hyper_forward,
    .set_training = hyper_set_training,
    .free = hyper_free,
    .write_config = hyper_write_config,
};

/* Moves a list's tensors and names to the end of the model's arrays. */
static clmlp_status append_list(clmlp_named_tensors *list, clmlp_tensor **tensors,
                                const char **names, size_t *count)
{
    if (*count + list->count > CLMLP_MAX_PARAMS)
        return clmlp_fail(CLMLP_ERROR_UNSUPPORTED, "a model can have at most %d parameter or "
                          "buffer tensors, the hypernetwork needs %zu", CLMLP_MAX_PARAMS,
                          *count + list->count);
    for (size_t i = 0; i < list->count; i++) {
        tensors[*count] = list->items[i].tensor;
        names[*count] = list->items[i].name;
        list->items[i].name = NULL;
        (*count)++;
    }
    return CLMLP_SUCCESS;
}

/* Lists the generator's parameters, then the per-sample network's
 * BatchNorm1d parameters and buffers, in the model's arrays. */
static clmlp_status list_tensors(hyper_mlp *m)
{
    clmlp_model *model = &m->base;
    clmlp_named_tensors generator = {0}, norms = {0}, buffers = {0};
    clmlp_status status = clmlp_module_parameters(m->generator, "generator", &generator);
    if (status == CLMLP_SUCCESS)
        status = clmlp_dp_mlp_parameters(m->dp, "dp", &norms);
    if (status == CLMLP_SUCCESS)
        status = clmlp_dp_mlp_buffers(m->dp, "dp", &buffers);
    if (status == CLMLP_SUCCESS)
        status = append_list(&generator, model->params, model->param_names, &model->param_count);
    if (status == CLMLP_SUCCESS)
        status = append_list(&norms, model->params, model->param_names, &model->param_count);
    if (status == CLMLP_SUCCESS)
        status = append_list(&buffers, model->buffers, model->buffer_names, &model->buffer_count);
    clmlp_named_tensors_free(&generator);
    clmlp_named_tensors_free(&norms);
    clmlp_named_tensors_free(&buffers);
    return status;
}

/* Builds Sequential(Flatten, LazyLinear(hidden), ReLU, LazyLinear(n_params))
 * and creates its parameters from one sample of inputs features. */
static clmlp_status build_generator(hyper_mlp *m, size_t inputs, size_t hidden, size_t n_params,
                                    uint64_t seed)
{
    clmlp_context *ctx = m->base.ctx;
    clmlp_module *child = NULL;
    CLMLP_TRY(clmlp_sequential_create(ctx, &m->generator));
    CLMLP_TRY(clmlp_sequential_append_created(m->generator, clmlp_flatten_create(ctx, &child),
                                              &child));
    CLMLP_TRY(clmlp_sequential_append_created(
        m->generator, clmlp_lazy_linear_create(ctx, hidden, true, seed, &child), &child));
    CLMLP_TRY(clmlp_sequential_append_created(m->generator, clmlp_relu_create(ctx, &child),
                                              &child));
    CLMLP_TRY(clmlp_sequential_append_created(
        m->generator, clmlp_lazy_linear_create(ctx, n_params, true, seed + 1, &child), &child));

    size_t shape[2] = {1, inputs};
    return clmlp_module_materialize(m->generator, 2, shape);
}

static clmlp_status build(hyper_mlp *m, size_t inputs, size_t generator_hidden,
                          const size_t *dp_hidden, size_t dp_hidden_count, float dropout,
                          size_t outputs, uint64_t seed)
{
    /* Seeds: seed and seed + 1 for the generator, seed + 2 + l for dropout in layer l. */
    CLMLP_TRY(clmlp_dp_mlp_create(m->base.ctx, inputs, dp_hidden, dp_hidden_count, dropout,
                                  outputs, seed + 2, &m->dp));
    size_t layers = clmlp_dp_mlp_layer_count(m->dp);
    m->weights = calloc(layers, sizeof *m->weights);
    m->biases = calloc(layers, sizeof *m->biases);
    if (m->weights == NULL || m->biases == NULL)
        return clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory creating a "
                          "hypernetwork");

    CLMLP_TRY(build_generator(m, inputs, generator_hidden, clmlp_dp_mlp_param_count(m->dp), seed));
    return list_tensors(m);
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
    m->base.borrows_tensors = true;   /* the modules own every tensor */
    m->inputs = inputs;
    m->generator_hidden = generator_hidden;
    m->outputs = outputs;
    m->dropout = dropout;
    m->seed = seed;
    m->dp_hidden_count = dp_hidden_count;
    m->dp_hidden = malloc((dp_hidden_count ? dp_hidden_count : 1) * sizeof *m->dp_hidden);
    if (m->dp_hidden == NULL) {
        clmlp_model_free(&m->base);
        return clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory creating a model");
    }
    if (dp_hidden_count > 0 && dp_hidden != NULL)
        memcpy(m->dp_hidden, dp_hidden, dp_hidden_count * sizeof *dp_hidden);
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

clmlp_status clmlp_hyper_mlp_from_config(clmlp_context *ctx, const cJSON *config,
                                         clmlp_model **model)
{
    const size_t max = CLMLP_MAX_CONFIG_SIZE;
    size_t inputs, generator_hidden, outputs, dp_hidden[CLMLP_MAX_CONFIG_LAYERS], count;
    double dropout = 0.0;
    uint64_t seed = 0;
    CLMLP_TRY(clmlp_config_size(config, "hypernetwork", "inputs", 1, max, &inputs));
    CLMLP_TRY(clmlp_config_size(config, "hypernetwork", "generator_hidden", 1, max,
                                &generator_hidden));
    CLMLP_TRY(clmlp_config_size_list(config, "hypernetwork", "dp_hidden", 1, max, 0,
                                     CLMLP_MAX_CONFIG_LAYERS, dp_hidden, &count));
    CLMLP_TRY(clmlp_config_number(config, "hypernetwork", "dropout", &dropout));
    CLMLP_TRY(clmlp_config_size(config, "hypernetwork", "outputs", 1, max, &outputs));
    CLMLP_TRY(clmlp_config_seed(config, "hypernetwork", "seed", &seed));
    return clmlp_hyper_mlp_create(ctx, inputs, generator_hidden, dp_hidden, count,
                                  (float)dropout, outputs, seed, model);
}
