/* Flatten: a [B, rest] view of a contiguous tensor, with a pass-through
 * gradient. */
#include "clmlp/ops.h"

#include "autograd/tape.h"

static clmlp_status flatten_backward(clmlp_node *node)
{
    clmlp_tensor *dy = node->output->grad, *dx = NULL;
    CLMLP_TRY(clmlp_input_grad(node, 0, &dx));
    if (dx == NULL)
        return CLMLP_SUCCESS;
    cl_uint n = (cl_uint)clmlp_tensor_numel(dy);
    cl_uint dy_offset = (cl_uint)dy->offset, dx_offset = (cl_uint)dx->offset;
    return CLMLP_LAUNCH_1D(dy->ctx, "accumulate", n, CLMLP_ARG(n), CLMLP_ARG(dy->buffer),
                           CLMLP_ARG(dy_offset), CLMLP_ARG(dx->buffer), CLMLP_ARG(dx_offset));
}

clmlp_status clmlp_flatten(clmlp_tape *tape, clmlp_tensor *x, clmlp_tensor **out)
{
    if (tape == NULL || out == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_flatten: NULL tape or output");
    CLMLP_TRY(clmlp_check_matrix(x, 0, "clmlp_flatten", "x"));

    size_t rows = x->shape[0];
    size_t shape[2] = {rows, clmlp_tensor_numel(x) / rows};
    size_t strides[2] = {shape[1], 1};
    CLMLP_TRY(clmlp_tensor_view(x, 2, shape, strides, x->offset, out));
    CLMLP_TRY(clmlp_tape_adopt(tape, *out));

    clmlp_node *node = NULL;
    return clmlp_tape_record(tape, "flatten", flatten_backward, *out, &x, 1, &node);
}
