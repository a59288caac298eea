/* Sum of two matrices with any row strides, such as a batch and per-sample biases. */
#include "clmlp/batched.h"

#include "autograd/tape.h"

/* Row stride of a 2-D operand whose columns are adjacent. */
static clmlp_status row_operand(const clmlp_tensor *t, const char *what, cl_uint *row_stride)
{
    if (t == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_add: %s is NULL", what);
    if (t->dtype != CLMLP_FLOAT32 || t->ndim != 2)
        return clmlp_fail(CLMLP_ERROR_SHAPE, "clmlp_add: %s must be a 2-D float32 tensor", what);
    if (t->strides[1] != 1 && t->shape[1] != 1)
        return clmlp_fail(CLMLP_ERROR_SHAPE, "clmlp_add: %s must have adjacent columns", what);
    size_t ld = t->shape[0] == 1 ? t->shape[1] : t->strides[0];
    if (ld < t->shape[1])
        return clmlp_fail(CLMLP_ERROR_SHAPE, "clmlp_add: the rows of %s overlap (row stride %zu, "
                          "%zu columns)", what, ld, t->shape[1]);
    *row_stride = (cl_uint)ld;
    return CLMLP_SUCCESS;
}

/* Adds dy into the gradient of input index, whatever its row stride. */
static clmlp_status add_into_input(clmlp_node *node, size_t index)
{
    clmlp_tensor *dy = node->output->grad, *dx = NULL;
    CLMLP_TRY(clmlp_input_grad(node, index, &dx));
    if (dx == NULL)
        return CLMLP_SUCCESS;
    cl_uint dx_ld = 0;
    CLMLP_TRY(row_operand(dx, "a gradient", &dx_ld));
    cl_uint cols = (cl_uint)dy->shape[1], n = (cl_uint)dy->shape[0] * cols;
    cl_uint dy_offset = (cl_uint)dy->offset, dx_offset = (cl_uint)dx->offset;
    return CLMLP_LAUNCH_1D(dy->ctx, "accumulate_rows", n, CLMLP_ARG(n), CLMLP_ARG(cols),
                           CLMLP_ARG(dy->buffer), CLMLP_ARG(dy_offset), CLMLP_ARG(cols),
                           CLMLP_ARG(dx->buffer), CLMLP_ARG(dx_offset), CLMLP_ARG(dx_ld));
}

static clmlp_status add_backward(clmlp_node *node)
{
    CLMLP_TRY(add_into_input(node, 0));
    return add_into_input(node, 1);
}

clmlp_status clmlp_add(clmlp_tape *tape, clmlp_tensor *a, clmlp_tensor *b, clmlp_tensor **out)
{
    if (tape == NULL || out == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_add: NULL tape or output");
    cl_uint a_ld = 0, b_ld = 0;
    CLMLP_TRY(row_operand(a, "a", &a_ld));
    CLMLP_TRY(row_operand(b, "b", &b_ld));
    if (a->shape[0] != b->shape[0] || a->shape[1] != b->shape[1])
        return clmlp_fail(CLMLP_ERROR_SHAPE, "clmlp_add: a is [%zu, %zu] but b is [%zu, %zu]; the "
                          "shapes must be equal", a->shape[0], a->shape[1], b->shape[0],
                          b->shape[1]);

    CLMLP_TRY(clmlp_tape_tensor(tape, CLMLP_FLOAT32, 2, a->shape, out));
    clmlp_tensor *y = *out;
    cl_uint cols = (cl_uint)a->shape[1], n = (cl_uint)a->shape[0] * cols;
    cl_uint a_offset = (cl_uint)a->offset, b_offset = (cl_uint)b->offset;
    cl_uint y_offset = (cl_uint)y->offset;
    CLMLP_TRY(CLMLP_LAUNCH_1D(tape->ctx, "add_rows", n, CLMLP_ARG(n), CLMLP_ARG(cols),
                              CLMLP_ARG(a->buffer), CLMLP_ARG(a_offset), CLMLP_ARG(a_ld),
                              CLMLP_ARG(b->buffer), CLMLP_ARG(b_offset), CLMLP_ARG(b_ld),
                              CLMLP_ARG(y->buffer), CLMLP_ARG(y_offset)));

    clmlp_node *node = NULL;
    clmlp_tensor *inputs[2] = {a, b};
    return clmlp_tape_record(tape, "add", add_backward, y, inputs, 2, &node);
}
