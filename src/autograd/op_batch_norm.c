/* Batch normalisation over the rows of [B, F], with running statistics. */
#include "clmlp/ops.h"

#include <math.h>

#include "autograd/tape.h"

/* Inputs: x, weight, bias (weight and bias may be NULL). saved: mean,
 * invstd, and two [F] scratch tensors for the per-feature sums. ints[0] is
 * 1 in training mode. */
static clmlp_status batch_norm_backward(clmlp_node *node)
{
    clmlp_tensor *x = node->inputs[0], *weight = node->inputs[1];
    clmlp_tensor *mean = node->saved[0], *invstd = node->saved[1];
    clmlp_tensor *sum_dy = node->saved[2], *sum_dy_xhat = node->saved[3];
    clmlp_tensor *dy = node->output->grad, *dx = NULL, *dweight = NULL, *dbias = NULL;
    CLMLP_TRY(clmlp_input_grad(node, 0, &dx));
    CLMLP_TRY(clmlp_input_grad(node, 1, &dweight));
    CLMLP_TRY(clmlp_input_grad(node, 2, &dbias));

    cl_uint rows = (cl_uint)x->shape[0], features = (cl_uint)x->shape[1];
    cl_uint x_offset = (cl_uint)x->offset, dy_offset = (cl_uint)dy->offset;
    cl_int want_dweight = dweight != NULL, want_dbias = dbias != NULL;
    /* Flags off mean the kernels never touch these buffers. */
    cl_mem dweight_buffer = dweight ? dweight->buffer : dy->buffer;
    cl_mem dbias_buffer = dbias ? dbias->buffer : dy->buffer;
    cl_uint dweight_offset = dweight ? (cl_uint)dweight->offset : 0;
    cl_uint dbias_offset = dbias ? (cl_uint)dbias->offset : 0;
    CLMLP_TRY(CLMLP_LAUNCH_1D(x->ctx, "batch_norm_backward_sums", features, CLMLP_ARG(rows),
                              CLMLP_ARG(features), CLMLP_ARG(x->buffer), CLMLP_ARG(x_offset),
                              CLMLP_ARG(dy->buffer), CLMLP_ARG(dy_offset),
                              CLMLP_ARG(mean->buffer), CLMLP_ARG(invstd->buffer),
                              CLMLP_ARG(sum_dy->buffer), CLMLP_ARG(sum_dy_xhat->buffer),
                              CLMLP_ARG(want_dweight), CLMLP_ARG(dweight_buffer),
                              CLMLP_ARG(dweight_offset), CLMLP_ARG(want_dbias),
                              CLMLP_ARG(dbias_buffer), CLMLP_ARG(dbias_offset)));
    if (dx == NULL)
        return CLMLP_SUCCESS;

    cl_uint n = rows * features, dx_offset = (cl_uint)dx->offset;
    cl_int affine = weight != NULL, training = node->ints[0];
    cl_mem weight_buffer = weight ? weight->buffer : x->buffer;
    cl_uint weight_offset = weight ? (cl_uint)weight->offset : 0;
    return CLMLP_LAUNCH_1D(x->ctx, "batch_norm_backward_input", n, CLMLP_ARG(n), CLMLP_ARG(rows),
                           CLMLP_ARG(features), CLMLP_ARG(x->buffer), CLMLP_ARG(x_offset),
                           CLMLP_ARG(dy->buffer), CLMLP_ARG(dy_offset), CLMLP_ARG(mean->buffer),
                           CLMLP_ARG(invstd->buffer), CLMLP_ARG(sum_dy->buffer),
                           CLMLP_ARG(sum_dy_xhat->buffer), CLMLP_ARG(affine),
                           CLMLP_ARG(weight_buffer), CLMLP_ARG(weight_offset),
                           CLMLP_ARG(training), CLMLP_ARG(dx->buffer), CLMLP_ARG(dx_offset));
}

/* Checks an optional per-feature tensor. */
static clmlp_status check_feature_tensor(const clmlp_tensor *t, size_t features, const char *what)
{
    if (t == NULL)
        return CLMLP_SUCCESS;
    CLMLP_TRY(clmlp_check_matrix(t, 1, "clmlp_batch_norm", what));
    if (t->shape[0] != features)
        return clmlp_fail(CLMLP_ERROR_SHAPE, "clmlp_batch_norm: %s has %zu elements but x has %zu "
                          "features", what, t->shape[0], features);
    return CLMLP_SUCCESS;
}

static clmlp_status check_arguments(const clmlp_tensor *x, const clmlp_tensor *weight,
                                    const clmlp_tensor *bias, const clmlp_tensor *running_mean,
                                    const clmlp_tensor *running_var,
                                    const clmlp_tensor *num_batches_tracked, bool training,
                                    float momentum, float eps)
{
    CLMLP_TRY(clmlp_check_matrix(x, 2, "clmlp_batch_norm", "x"));
    size_t rows = x->shape[0], features = x->shape[1];
    CLMLP_TRY(check_feature_tensor(weight, features, "weight"));
    CLMLP_TRY(check_feature_tensor(bias, features, "bias"));
    CLMLP_TRY(check_feature_tensor(running_mean, features, "running_mean"));
    CLMLP_TRY(check_feature_tensor(running_var, features, "running_var"));
    if ((weight == NULL) != (bias == NULL))
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_batch_norm: give both weight and "
                          "bias, or neither");
    if ((running_mean == NULL) != (running_var == NULL))
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_batch_norm: give both running_mean "
                          "and running_var, or neither");
    if (num_batches_tracked != NULL &&
        (num_batches_tracked->dtype != CLMLP_INT32 || clmlp_tensor_numel(num_batches_tracked) != 1))
        return clmlp_fail(CLMLP_ERROR_SHAPE, "clmlp_batch_norm: num_batches_tracked must be an "
                          "int32 tensor of one element");
    if (!(eps > 0.0f) || !isfinite(eps) || !(momentum >= 0.0f && momentum <= 1.0f))
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_batch_norm: eps %g must be positive "
                          "and momentum %g in [0, 1]", (double)eps, (double)momentum);
    if (training && rows < 2)
        return clmlp_fail(CLMLP_ERROR_SHAPE, "clmlp_batch_norm: training needs more than one "
                          "value per feature, but x is [%zu, %zu]; use a batch of at least 2 or "
                          "evaluation mode", rows, features);
    if (!training && running_mean == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_batch_norm: evaluation mode needs "
                          "running_mean and running_var");
    return CLMLP_SUCCESS;
}

/* Writes the statistics the normalisation uses into mean and invstd. */
static clmlp_status compute_stats(clmlp_context *ctx, clmlp_tensor *x, clmlp_tensor *running_mean,
                                  clmlp_tensor *running_var, clmlp_tensor *num_batches_tracked,
                                  bool training, float momentum, float eps, clmlp_tensor *mean,
                                  clmlp_tensor *invstd)
{
    cl_uint rows = (cl_uint)x->shape[0], features = (cl_uint)x->shape[1];
    cl_uint rm_offset = running_mean ? (cl_uint)running_mean->offset : 0;
    cl_uint rv_offset = running_var ? (cl_uint)running_var->offset : 0;
    cl_mem rm_buffer = running_mean ? running_mean->buffer : mean->buffer;
    cl_mem rv_buffer = running_var ? running_var->buffer : mean->buffer;
    if (!training)
        return CLMLP_LAUNCH_1D(ctx, "batch_norm_running_stats", features, CLMLP_ARG(features),
                               CLMLP_ARG(rm_buffer), CLMLP_ARG(rm_offset), CLMLP_ARG(rv_buffer),
                               CLMLP_ARG(rv_offset), CLMLP_ARG(eps), CLMLP_ARG(mean->buffer),
                               CLMLP_ARG(invstd->buffer));

    cl_uint x_offset = (cl_uint)x->offset;
    cl_int update_running = running_mean != NULL, count_batches = num_batches_tracked != NULL;
    cl_mem nbt_buffer = num_batches_tracked ? num_batches_tracked->buffer : mean->buffer;
    cl_uint nbt_offset = num_batches_tracked ? (cl_uint)num_batches_tracked->offset : 0;
    return CLMLP_LAUNCH_1D(ctx, "batch_norm_batch_stats", features, CLMLP_ARG(rows),
                           CLMLP_ARG(features), CLMLP_ARG(x->buffer), CLMLP_ARG(x_offset),
                           CLMLP_ARG(mean->buffer), CLMLP_ARG(invstd->buffer), CLMLP_ARG(eps),
                           CLMLP_ARG(momentum), CLMLP_ARG(update_running), CLMLP_ARG(rm_buffer),
                           CLMLP_ARG(rm_offset), CLMLP_ARG(rv_buffer), CLMLP_ARG(rv_offset),
                           CLMLP_ARG(count_batches), CLMLP_ARG(nbt_buffer),
                           CLMLP_ARG(nbt_offset));
}

clmlp_status clmlp_batch_norm(clmlp_tape *tape, clmlp_tensor *x, clmlp_tensor *weight,
                              clmlp_tensor *bias, clmlp_tensor *running_mean,
                              clmlp_tensor *running_var, clmlp_tensor *num_batches_tracked,
                              bool training, float momentum, float eps, clmlp_tensor **out)
{
    if (tape == NULL || out == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_batch_norm: NULL tape or output");
    CLMLP_TRY(check_arguments(x, weight, bias, running_mean, running_var, num_batches_tracked,
                              training, momentum, eps));

    size_t features = x->shape[1];
    clmlp_tensor *mean = NULL, *invstd = NULL;
    CLMLP_TRY(clmlp_tape_tensor(tape, CLMLP_FLOAT32, 1, &features, &mean));
    CLMLP_TRY(clmlp_tape_tensor(tape, CLMLP_FLOAT32, 1, &features, &invstd));
    CLMLP_TRY(clmlp_tape_tensor(tape, CLMLP_FLOAT32, 2, x->shape, out));
    clmlp_tensor *y = *out;
    CLMLP_TRY(compute_stats(tape->ctx, x, running_mean, running_var, num_batches_tracked,
                            training, momentum, eps, mean, invstd));

    cl_uint n = (cl_uint)clmlp_tensor_numel(x), f = (cl_uint)features;
    cl_uint x_offset = (cl_uint)x->offset, y_offset = (cl_uint)y->offset;
    cl_int affine = weight != NULL;
    cl_mem weight_buffer = weight ? weight->buffer : x->buffer;
    cl_mem bias_buffer = bias ? bias->buffer : x->buffer;
    cl_uint weight_offset = weight ? (cl_uint)weight->offset : 0;
    cl_uint bias_offset = bias ? (cl_uint)bias->offset : 0;
    CLMLP_TRY(CLMLP_LAUNCH_1D(tape->ctx, "batch_norm_forward", n, CLMLP_ARG(n), CLMLP_ARG(f),
                              CLMLP_ARG(x->buffer), CLMLP_ARG(x_offset), CLMLP_ARG(mean->buffer),
                              CLMLP_ARG(invstd->buffer), CLMLP_ARG(affine),
                              CLMLP_ARG(weight_buffer), CLMLP_ARG(weight_offset),
                              CLMLP_ARG(bias_buffer), CLMLP_ARG(bias_offset),
                              CLMLP_ARG(y->buffer), CLMLP_ARG(y_offset)));

    clmlp_node *node = NULL;
    clmlp_tensor *inputs[3] = {x, weight, bias};
    CLMLP_TRY(clmlp_tape_record(tape, "batch_norm", batch_norm_backward, y, inputs, 3, &node));
    if (node != NULL) {
        node->saved[0] = mean;
        node->saved[1] = invstd;
        CLMLP_TRY(clmlp_tape_tensor(tape, CLMLP_FLOAT32, 1, &features, &node->saved[2]));
        CLMLP_TRY(clmlp_tape_tensor(tape, CLMLP_FLOAT32, 1, &features, &node->saved[3]));
        node->ints[0] = training ? 1 : 0;
    }
    return CLMLP_SUCCESS;
}
