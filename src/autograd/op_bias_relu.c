/* The fused op max(x + bias, 0): one kernel forward, and no tensor for
 * x + bias or its gradient. */
#include "clmlp/ops.h"

#include "autograd/tape.h"

/* dx += g by ReLU's own backward kernel, and dbias += the column sums of g
 * by a kernel that recomputes g from y and dy, where g = dy where y > 0.
 * Neither needs a tensor for the gradient of x + bias. */
static clmlp_status add_bias_relu_backward(clmlp_node *node)
{
    clmlp_tensor *y = node->output, *dy = y->grad, *dx = NULL, *dbias = NULL;
    cl_uint rows = (cl_uint)y->shape[0], cols = (cl_uint)y->shape[1], n = rows * cols;
    cl_uint y_offset = (cl_uint)y->offset, dy_offset = (cl_uint)dy->offset;

    CLMLP_TRY(clmlp_input_grad(node, 0, &dx));
    if (dx != NULL) {
        cl_uint dx_offset = (cl_uint)dx->offset;
        CLMLP_TRY(CLMLP_LAUNCH_1D(y->ctx, "relu_backward", n, CLMLP_ARG(n), CLMLP_ARG(y->buffer),
                                  CLMLP_ARG(y_offset), CLMLP_ARG(dy->buffer), CLMLP_ARG(dy_offset),
                                  CLMLP_ARG(dx->buffer), CLMLP_ARG(dx_offset)));
    }

    CLMLP_TRY(clmlp_input_grad(node, 1, &dbias));
    if (dbias != NULL) {
        cl_uint dbias_offset = (cl_uint)dbias->offset;
        CLMLP_TRY(CLMLP_LAUNCH_1D(y->ctx, "relu_column_sum_accumulate", cols, CLMLP_ARG(rows),
                                  CLMLP_ARG(cols), CLMLP_ARG(y->buffer), CLMLP_ARG(y_offset),
                                  CLMLP_ARG(dy->buffer), CLMLP_ARG(dy_offset),
                                  CLMLP_ARG(dbias->buffer), CLMLP_ARG(dbias_offset)));
    }
    return CLMLP_SUCCESS;
}

clmlp_status clmlp_add_bias_relu(clmlp_tape *tape, clmlp_tensor *x, clmlp_tensor *bias,
                                 clmlp_tensor **out)
{
    if (tape == NULL || out == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_add_bias_relu: NULL tape or output");
    CLMLP_TRY(clmlp_check_matrix(x, 2, "clmlp_add_bias_relu", "x"));
    CLMLP_TRY(clmlp_check_matrix(bias, 1, "clmlp_add_bias_relu", "bias"));
    if (bias->shape[0] != x->shape[1])
        return clmlp_fail(CLMLP_ERROR_SHAPE, "clmlp_add_bias_relu: x is [%zu, %zu] but bias has "
                          "%zu elements; it needs one per column", x->shape[0], x->shape[1],
                          bias->shape[0]);

    CLMLP_TRY(clmlp_tape_tensor(tape, CLMLP_FLOAT32, 2, x->shape, out));
    clmlp_tensor *y = *out;
    cl_uint rows = (cl_uint)x->shape[0], cols = (cl_uint)x->shape[1];
    cl_uint x_offset = (cl_uint)x->offset, b_offset = (cl_uint)bias->offset;
    cl_uint y_offset = (cl_uint)y->offset;
    CLMLP_TRY(CLMLP_LAUNCH_1D(tape->ctx, "add_bias_relu", rows, CLMLP_ARG(rows), CLMLP_ARG(cols),
                              CLMLP_ARG(x->buffer), CLMLP_ARG(x_offset), CLMLP_ARG(bias->buffer),
                              CLMLP_ARG(b_offset), CLMLP_ARG(y->buffer), CLMLP_ARG(y_offset)));

    clmlp_node *node = NULL;
    clmlp_tensor *inputs[2] = {x, bias};
    return clmlp_tape_record(tape, "add_bias_relu", add_bias_relu_backward, y, inputs, 2, &node);
}
