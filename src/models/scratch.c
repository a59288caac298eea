/* The scratch MLP: explicit parameters and a hand-written forward pass. */
#include "clmlp/ops.h"
#include "core/config.h"
#include "models/model.h"
#include "nn/init.h"

#include <stdlib.h>

typedef struct scratch_mlp {
    clmlp_model base;
    clmlp_tensor *w1, *b1, *w2, *b2;
} scratch_mlp;

static clmlp_status scratch_forward(clmlp_model *model, clmlp_tape *tape, clmlp_tensor *x,
                                    clmlp_tensor **logits)
{
    scratch_mlp *m = (scratch_mlp *)model;
    clmlp_tensor *xw1, *h_pre, *h, *hw2;
    CLMLP_TRY(clmlp_matmul(tape, x, m->w1, &xw1));
    CLMLP_TRY(clmlp_add_bias(tape, xw1, m->b1, &h_pre));
    CLMLP_TRY(clmlp_relu(tape, h_pre, &h));
    CLMLP_TRY(clmlp_matmul(tape, h, m->w2, &hw2));
    return clmlp_add_bias(tape, hw2, m->b2, logits);
}

static clmlp_status scratch_write_config(const clmlp_model *model, cJSON *config)
{
    const scratch_mlp *m = (const scratch_mlp *)model;
    CLMLP_TRY(clmlp_config_add_number(config, "inputs", (double)m->w1->shape[0]));
    CLMLP_TRY(clmlp_config_add_number(config, "hidden", (double)m->w1->shape[1]));
    return clmlp_config_add_number(config, "outputs", (double)m->w2->shape[1]);
}

static const clmlp_model_ops scratch_ops = {
    .family = "scratch",
    .forward = scratch_forward,
    .write_config = scratch_write_config,
};

clmlp_status clmlp_scratch_mlp_from_config(clmlp_context *ctx, const cJSON *config,
                                           clmlp_model **model)
{
    const size_t max = CLMLP_MAX_CONFIG_SIZE;
    size_t inputs, hidden, outputs;
    CLMLP_TRY(clmlp_config_size(config, "scratch MLP", "inputs", 1, max, &inputs));
    CLMLP_TRY(clmlp_config_size(config, "scratch MLP", "hidden", 1, max, &hidden));
    CLMLP_TRY(clmlp_config_size(config, "scratch MLP", "outputs", 1, max, &outputs));
    return clmlp_scratch_mlp_create(ctx, inputs, hidden, outputs, 0, model);
}

clmlp_status clmlp_scratch_mlp_create(clmlp_context *ctx, size_t inputs, size_t hidden,
                                      size_t outputs, uint64_t seed, clmlp_model **model)
{
    if (ctx == NULL || model == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_scratch_mlp_create: NULL argument");
    *model = NULL;
    if (inputs == 0 || hidden == 0 || outputs == 0)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "scratch MLP sizes must be positive: "
                          "inputs=%zu hidden=%zu outputs=%zu", inputs, hidden, outputs);

    scratch_mlp *m = calloc(1, sizeof *m);
    if (m == NULL)
        return clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory creating a model");
    m->base.ops = &scratch_ops;
    m->base.ctx = ctx;
    m->base.training = true;

    size_t w1_shape[2] = {inputs, hidden}, w2_shape[2] = {hidden, outputs};
    clmlp_status status = clmlp_model_add_parameter(&m->base, "W1", 2, w1_shape, &m->w1);
    if (status == CLMLP_SUCCESS)
        status = clmlp_model_add_parameter(&m->base, "b1", 1, &hidden, &m->b1);
    if (status == CLMLP_SUCCESS)
        status = clmlp_model_add_parameter(&m->base, "W2", 2, w2_shape, &m->w2);
    if (status == CLMLP_SUCCESS)
        status = clmlp_model_add_parameter(&m->base, "b2", 1, &outputs, &m->b2);

    /* Biases stay zero from creation; each weight gets its own random stream. */
    if (status == CLMLP_SUCCESS)
        status = clmlp_init_normal(m->w1, 0.0f, 0.01f, seed, 0);
    if (status == CLMLP_SUCCESS)
        status = clmlp_init_normal(m->w2, 0.0f, 0.01f, seed, 1);
    if (status != CLMLP_SUCCESS) {
        clmlp_model_free(&m->base);
        return status;
    }
    *model = &m->base;
    return CLMLP_SUCCESS;
}
