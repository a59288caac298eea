/* Elementwise losses against float targets, mean over every element:
 * binary cross-entropy on logits and on probabilities, and squared error. */
#include "clmlp/ops.h"

#include "autograd/tape.h"

/* Loss kinds as cl/loss.cl numbers them. */
enum { KIND_BCE_WITH_LOGITS = 0, KIND_BCE = 1, KIND_MSE = 2 };

/* Inputs: x, targets. ints[0] is the kind. */
static clmlp_status pointwise_loss_backward(clmlp_node *node)
{
    clmlp_tensor *x = node->inputs[0], *t = node->inputs[1], *dloss = node->output->grad;
    clmlp_tensor *dx = NULL;
    CLMLP_TRY(clmlp_input_grad(node, 0, &dx));
    if (dx == NULL)
        return CLMLP_SUCCESS;
    cl_uint n = (cl_uint)clmlp_tensor_numel(x);
    cl_int kind = node->ints[0];
    cl_uint x_offset = (cl_uint)x->offset, t_offset = (cl_uint)t->offset;
    cl_uint dloss_offset = (cl_uint)dloss->offset, dx_offset = (cl_uint)dx->offset;
    return CLMLP_LAUNCH_1D(x->ctx, "pointwise_loss_backward", n, CLMLP_ARG(n), CLMLP_ARG(kind),
                           CLMLP_ARG(x->buffer), CLMLP_ARG(x_offset), CLMLP_ARG(t->buffer),
                           CLMLP_ARG(t_offset), CLMLP_ARG(dloss->buffer), CLMLP_ARG(dloss_offset),
                           CLMLP_ARG(dx->buffer), CLMLP_ARG(dx_offset));
}

static clmlp_status pointwise_loss(clmlp_tape *tape, const char *op, int kind, clmlp_tensor *x,
                                   clmlp_tensor *targets, clmlp_tensor **out)
{
    if (tape == NULL || out == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "%s: NULL tape or output", op);
    CLMLP_TRY(clmlp_check_matrix(x, 0, op, "input"));
    CLMLP_TRY(clmlp_check_matrix(targets, 0, op, "targets"));
    size_t n = clmlp_tensor_numel(x);
    if (clmlp_tensor_numel(targets) != n) {
        char x_shape[96], t_shape[96];
        clmlp_format_shape(x, x_shape, sizeof x_shape);
        clmlp_format_shape(targets, t_shape, sizeof t_shape);
        return clmlp_fail(CLMLP_ERROR_SHAPE, "%s: input %s and targets %s must have the same "
                          "number of elements", op, x_shape, t_shape);
    }

    clmlp_tensor *element_loss = NULL, *loss = NULL;
    size_t one = 1;
    CLMLP_TRY(clmlp_tape_tensor(tape, CLMLP_FLOAT32, 1, &n, &element_loss));
    CLMLP_TRY(clmlp_tape_tensor(tape, CLMLP_FLOAT32, 1, &one, &loss));

    cl_uint count = (cl_uint)n, zero = 0;
    cl_int k = kind;
    cl_uint x_offset = (cl_uint)x->offset, t_offset = (cl_uint)targets->offset;
    CLMLP_TRY(CLMLP_LAUNCH_1D(tape->ctx, "pointwise_loss", n, CLMLP_ARG(count), CLMLP_ARG(k),
                              CLMLP_ARG(x->buffer), CLMLP_ARG(x_offset),
                              CLMLP_ARG(targets->buffer), CLMLP_ARG(t_offset),
                              CLMLP_ARG(element_loss->buffer)));
    float scale = 1.0f / (float)n;
    CLMLP_TRY(CLMLP_LAUNCH_GROUPS(tape->ctx, "sum_scaled", 1, 256, CLMLP_ARG(count),
                                  CLMLP_ARG(element_loss->buffer), CLMLP_ARG(zero),
                                  CLMLP_ARG(loss->buffer), CLMLP_ARG(zero), CLMLP_ARG(scale)));
    *out = loss;

    /* Only the input gets a gradient; the targets are constants. */
    clmlp_node *node = NULL;
    clmlp_tensor *inputs[2] = {x, targets};
    CLMLP_TRY(clmlp_tape_record(tape, op, pointwise_loss_backward, loss, inputs, 1, &node));
    if (node != NULL) {
        node->inputs[1] = targets;
        node->ints[0] = kind;
    }
    return CLMLP_SUCCESS;
}

clmlp_status clmlp_bce_with_logits(clmlp_tape *tape, clmlp_tensor *logits, clmlp_tensor *targets,
                                   clmlp_tensor **out)
{
    return pointwise_loss(tape, "clmlp_bce_with_logits", KIND_BCE_WITH_LOGITS, logits, targets,
                          out);
}

clmlp_status clmlp_binary_cross_entropy(clmlp_tape *tape, clmlp_tensor *probs,
                                        clmlp_tensor *targets, clmlp_tensor **out)
{
    return pointwise_loss(tape, "clmlp_binary_cross_entropy", KIND_BCE, probs, targets, out);
}

clmlp_status clmlp_mse_loss(clmlp_tape *tape, clmlp_tensor *input, clmlp_tensor *targets,
                            clmlp_tensor **out)
{
    return pointwise_loss(tape, "clmlp_mse_loss", KIND_MSE, input, targets, out);
}
