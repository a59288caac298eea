/* The linear op y = x · Wᵀ + b with PyTorch's weight layout [out, in]. */
#include "clmlp/ops.h"

#include "autograd/tape.h"
#include "blas/blas.h"

/* Inputs: x [B, in], weight [out, in], bias [out] or NULL. */
static clmlp_status linear_backward(clmlp_node *node)
{
    clmlp_tensor *x = node->inputs[0], *w = node->inputs[1], *dy = node->output->grad;
    size_t rows = x->shape[0], in = x->shape[1], out = w->shape[0];
    clmlp_context *ctx = x->ctx;

    /* dx[B, in] += dy[B, out] · W[out, in] */
    clmlp_tensor *dx = NULL;
    CLMLP_TRY(clmlp_input_grad(node, 0, &dx));
    if (dx != NULL)
        CLMLP_TRY(clmlp_sgemm(ctx, false, false, rows, in, out, 1.0f, dy->buffer, dy->offset, out,
                              w->buffer, w->offset, in, 1.0f, dx->buffer, dx->offset, in));

    /* dW[out, in] += dyᵀ · x */
    clmlp_tensor *dw = NULL;
    CLMLP_TRY(clmlp_input_grad(node, 1, &dw));
    if (dw != NULL)
        CLMLP_TRY(clmlp_sgemm(ctx, true, false, out, in, rows, 1.0f, dy->buffer, dy->offset, out,
                              x->buffer, x->offset, in, 1.0f, dw->buffer, dw->offset, in));

    /* db[out] += column sums of dy */
    clmlp_tensor *db = NULL;
    if (node->inputs[2] != NULL)
        CLMLP_TRY(clmlp_input_grad(node, 2, &db));
    if (db != NULL) {
        cl_uint r = (cl_uint)rows, cols = (cl_uint)out;
        cl_uint dy_offset = (cl_uint)dy->offset, db_offset = (cl_uint)db->offset;
        CLMLP_TRY(CLMLP_LAUNCH_1D(ctx, "column_sum_accumulate", cols, CLMLP_ARG(r),
                                  CLMLP_ARG(cols), CLMLP_ARG(dy->buffer), CLMLP_ARG(dy_offset),
                                  CLMLP_ARG(db->buffer), CLMLP_ARG(db_offset)));
    }
    return CLMLP_SUCCESS;
}

clmlp_status clmlp_linear(clmlp_tape *tape, clmlp_tensor *x, clmlp_tensor *weight,
                          clmlp_tensor *bias, clmlp_tensor **out)
{
    if (tape == NULL || out == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_linear: NULL tape or output");
    CLMLP_TRY(clmlp_check_matrix(x, 2, "clmlp_linear", "x"));
    CLMLP_TRY(clmlp_check_matrix(weight, 2, "clmlp_linear", "weight"));
    if (weight->shape[1] != x->shape[1])
        return clmlp_fail(CLMLP_ERROR_SHAPE, "clmlp_linear: x is [%zu, %zu] but weight is "
                          "[%zu, %zu]; weight needs one column per feature of x", x->shape[0],
                          x->shape[1], weight->shape[0], weight->shape[1]);
    if (bias != NULL) {
        CLMLP_TRY(clmlp_check_matrix(bias, 1, "clmlp_linear", "bias"));
        if (bias->shape[0] != weight->shape[0])
            return clmlp_fail(CLMLP_ERROR_SHAPE, "clmlp_linear: weight is [%zu, %zu] but bias has "
                              "%zu elements; it needs one per output", weight->shape[0],
                              weight->shape[1], bias->shape[0]);
    }

    size_t rows = x->shape[0], in = x->shape[1], outputs = weight->shape[0];
    size_t shape[2] = {rows, outputs};
    CLMLP_TRY(clmlp_tape_tensor(tape, CLMLP_FLOAT32, 2, shape, out));
    clmlp_tensor *y = *out;

    /* The bias goes in first, so one GEMM with beta 1 adds the product. */
    float beta = 0.0f;
    if (bias != NULL) {
        cl_uint n = (cl_uint)(rows * outputs), cols = (cl_uint)outputs;
        cl_uint b_offset = (cl_uint)bias->offset, y_offset = (cl_uint)y->offset;
        CLMLP_TRY(CLMLP_LAUNCH_1D(tape->ctx, "broadcast_row", n, CLMLP_ARG(n), CLMLP_ARG(cols),
                                  CLMLP_ARG(bias->buffer), CLMLP_ARG(b_offset),
                                  CLMLP_ARG(y->buffer), CLMLP_ARG(y_offset)));
        beta = 1.0f;
    }
    CLMLP_TRY(clmlp_sgemm(tape->ctx, false, true, rows, outputs, in, 1.0f, x->buffer, x->offset, in,
                          weight->buffer, weight->offset, in, beta, y->buffer, y->offset,
                          outputs));

    clmlp_node *node = NULL;
    clmlp_tensor *inputs[3] = {x, weight, bias};
    return clmlp_tape_record(tape, "linear", linear_backward, y, inputs, 3, &node);
}
