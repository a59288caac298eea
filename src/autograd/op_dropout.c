/* Training-mode dropout with masks from Philox on the device. */
#include "clmlp/ops.h"

#include <math.h>

#include "autograd/tape.h"
#include "core/philox.h"

/* saved[0] contains the mask: 1/(1-p) where kept, 0 where dropped. */
static clmlp_status dropout_backward(clmlp_node *node)
{
    clmlp_tensor *mask = node->saved[0], *dy = node->output->grad, *dx = NULL;
    CLMLP_TRY(clmlp_input_grad(node, 0, &dx));
    if (dx == NULL)
        return CLMLP_SUCCESS;
    cl_uint n = (cl_uint)clmlp_tensor_numel(mask);
    cl_uint dy_offset = (cl_uint)dy->offset, dx_offset = (cl_uint)dx->offset;
    return CLMLP_LAUNCH_1D(dy->ctx, "dropout_backward", n, CLMLP_ARG(n), CLMLP_ARG(mask->buffer),
                           CLMLP_ARG(dy->buffer), CLMLP_ARG(dy_offset), CLMLP_ARG(dx->buffer),
                           CLMLP_ARG(dx_offset));
}

clmlp_status clmlp_dropout(clmlp_tape *tape, clmlp_tensor *x, float p, uint64_t seed,
                           uint64_t counter, clmlp_tensor **out)
{
    if (tape == NULL || out == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_dropout: NULL tape or output");
    CLMLP_TRY(clmlp_check_matrix(x, 0, "clmlp_dropout", "x"));
    if (!(p >= 0.0f && p < 1.0f))
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_dropout: probability %g must be in "
                          "[0, 1)", (double)p);
    if (clmlp_tensor_numel(x) > UINT32_MAX)
        return clmlp_fail(CLMLP_ERROR_SHAPE, "clmlp_dropout: %zu elements exceed the 32-bit "
                          "element counter", clmlp_tensor_numel(x));

    clmlp_tensor *mask = NULL;
    CLMLP_TRY(clmlp_tape_tensor(tape, CLMLP_FLOAT32, x->ndim, x->shape, out));
    CLMLP_TRY(clmlp_tape_tensor(tape, CLMLP_FLOAT32, x->ndim, x->shape, &mask));
    clmlp_tensor *y = *out;

    cl_uint n = (cl_uint)clmlp_tensor_numel(x);
    cl_uint x_offset = (cl_uint)x->offset, y_offset = (cl_uint)y->offset;
    float scale = 1.0f / (1.0f - p);
    cl_uint key_lo = (cl_uint)seed;
    cl_uint key_hi = (cl_uint)(seed >> 32) ^ CLMLP_PHILOX_STREAM_DROPOUT;
    cl_uint counter_lo = (cl_uint)counter, counter_hi = (cl_uint)(counter >> 32);
    CLMLP_TRY(CLMLP_LAUNCH_1D(tape->ctx, "dropout_forward", n, CLMLP_ARG(n), CLMLP_ARG(x->buffer),
                              CLMLP_ARG(x_offset), CLMLP_ARG(y->buffer), CLMLP_ARG(y_offset),
                              CLMLP_ARG(mask->buffer), CLMLP_ARG(p), CLMLP_ARG(scale),
                              CLMLP_ARG(key_lo), CLMLP_ARG(key_hi), CLMLP_ARG(counter_lo),
                              CLMLP_ARG(counter_hi)));

    clmlp_node *node = NULL;
    CLMLP_TRY(clmlp_tape_record(tape, "dropout", dropout_backward, y, &x, 1, &node));
    if (node != NULL)
        node->saved[0] = mask;
    return CLMLP_SUCCESS;
}
