/* Bias addition and activation ops. */
#include "clmlp/ops.h"

#include "autograd/tape.h"

#include <math.h>

static clmlp_status add_bias_backward(clmlp_node *node)
{
    clmlp_tensor *dy = node->output->grad;
    cl_uint rows = (cl_uint)dy->shape[0], cols = (cl_uint)dy->shape[1];
    cl_uint n = rows * cols, dy_offset = (cl_uint)dy->offset;

    clmlp_tensor *dx = NULL;
    CLMLP_TRY(clmlp_input_grad(node, 0, &dx));
    if (dx != NULL) {
        cl_uint dx_offset = (cl_uint)dx->offset;
        CLMLP_TRY(CLMLP_LAUNCH_1D(dy->ctx, "accumulate", n, CLMLP_ARG(n), CLMLP_ARG(dy->buffer),
                                  CLMLP_ARG(dy_offset), CLMLP_ARG(dx->buffer), CLMLP_ARG(dx_offset)));
    }

    /* The bias gradient is the column sum of dy. */
    clmlp_tensor *dbias = NULL;
    CLMLP_TRY(clmlp_input_grad(node, 1, &dbias));
    if (dbias != NULL) {
        cl_uint db_offset = (cl_uint)dbias->offset;
        CLMLP_TRY(CLMLP_LAUNCH_1D(dy->ctx, "column_sum_accumulate", cols, CLMLP_ARG(rows),
                                  CLMLP_ARG(cols), CLMLP_ARG(dy->buffer), CLMLP_ARG(dy_offset),
                                  CLMLP_ARG(dbias->buffer), CLMLP_ARG(db_offset)));
    }
    return CLMLP_SUCCESS;
}

clmlp_status clmlp_add_bias(clmlp_tape *tape, clmlp_tensor *x, clmlp_tensor *bias,
                            clmlp_tensor **out)
{
    if (tape == NULL || out == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_add_bias: NULL tape or output");
    CLMLP_TRY(clmlp_check_matrix(x, 2, "clmlp_add_bias", "x"));
    CLMLP_TRY(clmlp_check_matrix(bias, 1, "clmlp_add_bias", "bias"));
    if (bias->shape[0] != x->shape[1])
        return clmlp_fail(CLMLP_ERROR_SHAPE, "clmlp_add_bias: x is [%zu, %zu] but bias has %zu "
                          "elements; it needs one per column", x->shape[0], x->shape[1],
                          bias->shape[0]);

    CLMLP_TRY(clmlp_tape_tensor(tape, CLMLP_FLOAT32, 2, x->shape, out));
    clmlp_tensor *y = *out;
    cl_uint n = (cl_uint)clmlp_tensor_numel(x), cols = (cl_uint)x->shape[1];
    cl_uint x_offset = (cl_uint)x->offset, b_offset = (cl_uint)bias->offset;
    cl_uint y_offset = (cl_uint)y->offset;
    CLMLP_TRY(CLMLP_LAUNCH_1D(tape->ctx, "add_bias", n, CLMLP_ARG(n), CLMLP_ARG(cols),
                              CLMLP_ARG(x->buffer), CLMLP_ARG(x_offset), CLMLP_ARG(bias->buffer),
                              CLMLP_ARG(b_offset), CLMLP_ARG(y->buffer), CLMLP_ARG(y_offset)));

    clmlp_node *node = NULL;
    clmlp_tensor *inputs[2] = {x, bias};
    return clmlp_tape_record(tape, "add_bias", add_bias_backward, y, inputs, 2, &node);
}

static clmlp_status relu_backward(clmlp_node *node)
{
    clmlp_tensor *y = node->output, *dy = y->grad, *dx = NULL;
    CLMLP_TRY(clmlp_input_grad(node, 0, &dx));
    if (dx == NULL)
        return CLMLP_SUCCESS;
    cl_uint n = (cl_uint)clmlp_tensor_numel(y);
    cl_uint y_offset = (cl_uint)y->offset, dy_offset = (cl_uint)dy->offset;
    cl_uint dx_offset = (cl_uint)dx->offset;
    return CLMLP_LAUNCH_1D(y->ctx, "relu_backward", n, CLMLP_ARG(n), CLMLP_ARG(y->buffer),
                           CLMLP_ARG(y_offset), CLMLP_ARG(dy->buffer), CLMLP_ARG(dy_offset),
                           CLMLP_ARG(dx->buffer), CLMLP_ARG(dx_offset));
}

clmlp_status clmlp_relu(clmlp_tape *tape, clmlp_tensor *x, clmlp_tensor **out)
{
    if (tape == NULL || out == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_relu: NULL tape or output");
    CLMLP_TRY(clmlp_check_matrix(x, 0, "clmlp_relu", "x"));

    CLMLP_TRY(clmlp_tape_tensor(tape, CLMLP_FLOAT32, x->ndim, x->shape, out));
    clmlp_tensor *y = *out;
    cl_uint n = (cl_uint)clmlp_tensor_numel(x);
    cl_uint x_offset = (cl_uint)x->offset, y_offset = (cl_uint)y->offset;
    CLMLP_TRY(CLMLP_LAUNCH_1D(tape->ctx, "relu_forward", n, CLMLP_ARG(n), CLMLP_ARG(x->buffer),
                              CLMLP_ARG(x_offset), CLMLP_ARG(y->buffer), CLMLP_ARG(y_offset)));

    clmlp_node *node = NULL;
    return clmlp_tape_record(tape, "relu", relu_backward, y, &x, 1, &node);
}

/* Backward of an elementwise op whose kernel reads saved[0] (the output, or
 * the input for LeakyReLU) and, for LeakyReLU, the slope in scalars[0]. */
static clmlp_status pointwise_backward(clmlp_node *node, const char *kernel, bool with_slope)
{
    clmlp_tensor *saved = node->saved[0], *dy = node->output->grad, *dx = NULL;
    CLMLP_TRY(clmlp_input_grad(node, 0, &dx));
    if (dx == NULL)
        return CLMLP_SUCCESS;
    cl_uint n = (cl_uint)clmlp_tensor_numel(saved);
    cl_uint saved_offset = (cl_uint)saved->offset, dy_offset = (cl_uint)dy->offset;
    cl_uint dx_offset = (cl_uint)dx->offset;
    if (with_slope)
        return CLMLP_LAUNCH_1D(saved->ctx, kernel, n, CLMLP_ARG(n), CLMLP_ARG(saved->buffer),
                               CLMLP_ARG(saved_offset), CLMLP_ARG(dy->buffer),
                               CLMLP_ARG(dy_offset), CLMLP_ARG(dx->buffer), CLMLP_ARG(dx_offset),
                               CLMLP_ARG(node->scalars[0]));
    return CLMLP_LAUNCH_1D(saved->ctx, kernel, n, CLMLP_ARG(n), CLMLP_ARG(saved->buffer),
                           CLMLP_ARG(saved_offset), CLMLP_ARG(dy->buffer), CLMLP_ARG(dy_offset),
                           CLMLP_ARG(dx->buffer), CLMLP_ARG(dx_offset));
}

static clmlp_status tanh_backward(clmlp_node *node)
{
    return pointwise_backward(node, "tanh_backward", false);
}

static clmlp_status sigmoid_backward(clmlp_node *node)
{
    return pointwise_backward(node, "sigmoid_backward", false);
}

static clmlp_status leaky_relu_backward(clmlp_node *node)
{
    return pointwise_backward(node, "leaky_relu_backward", true);
}

/* Runs an elementwise forward kernel and records its backward. The backward
 * reads the output, except LeakyReLU's, which reads the input. */
static clmlp_status pointwise(clmlp_tape *tape, const char *op, const char *kernel,
                              clmlp_backward_fn backward, clmlp_tensor *x, bool with_slope,
                              float slope, clmlp_tensor **out)
{
    if (tape == NULL || out == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "%s: NULL tape or output", op);
    CLMLP_TRY(clmlp_check_matrix(x, 0, op, "x"));

    CLMLP_TRY(clmlp_tape_tensor(tape, CLMLP_FLOAT32, x->ndim, x->shape, out));
    clmlp_tensor *y = *out;
    cl_uint n = (cl_uint)clmlp_tensor_numel(x);
    cl_uint x_offset = (cl_uint)x->offset, y_offset = (cl_uint)y->offset;
    if (with_slope)
        CLMLP_TRY(CLMLP_LAUNCH_1D(tape->ctx, kernel, n, CLMLP_ARG(n), CLMLP_ARG(x->buffer),
                                  CLMLP_ARG(x_offset), CLMLP_ARG(y->buffer), CLMLP_ARG(y_offset),
                                  CLMLP_ARG(slope)));
    else
        CLMLP_TRY(CLMLP_LAUNCH_1D(tape->ctx, kernel, n, CLMLP_ARG(n), CLMLP_ARG(x->buffer),
                                  CLMLP_ARG(x_offset), CLMLP_ARG(y->buffer), CLMLP_ARG(y_offset)));

    clmlp_node *node = NULL;
    CLMLP_TRY(clmlp_tape_record(tape, op, backward, y, &x, 1, &node));
    if (node != NULL) {
        node->saved[0] = with_slope ? x : y;
        node->scalars[0] = slope;
    }
    return CLMLP_SUCCESS;
}

clmlp_status clmlp_tanh(clmlp_tape *tape, clmlp_tensor *x, clmlp_tensor **out)
{
    return pointwise(tape, "clmlp_tanh", "tanh_forward", tanh_backward, x, false, 0.0f, out);
}

clmlp_status clmlp_sigmoid(clmlp_tape *tape, clmlp_tensor *x, clmlp_tensor **out)
{
    return pointwise(tape, "clmlp_sigmoid", "sigmoid_forward", sigmoid_backward, x, false, 0.0f,
                     out);
}

clmlp_status clmlp_leaky_relu(clmlp_tape *tape, clmlp_tensor *x, float slope, clmlp_tensor **out)
{
    if (!isfinite(slope))
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_leaky_relu: slope %g is not finite",
                          (double)slope);
    return pointwise(tape, "clmlp_leaky_relu", "leaky_relu_forward", leaky_relu_backward, x, true,
                     slope, out);
}
