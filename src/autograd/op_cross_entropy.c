/* Softmax cross-entropy loss, mean over the batch. */
#include "clmlp/ops.h"

#include "autograd/tape.h"

/* saved[0] contains the softmax probabilities [B, C]. */
static clmlp_status cross_entropy_backward(clmlp_node *node)
{
    clmlp_tensor *logits = node->inputs[0], *labels = node->inputs[1];
    clmlp_tensor *probs = node->saved[0], *dloss = node->output->grad, *dlogits = NULL;
    CLMLP_TRY(clmlp_input_grad(node, 0, &dlogits));
    if (dlogits == NULL)
        return CLMLP_SUCCESS;

    cl_uint rows = (cl_uint)logits->shape[0], classes = (cl_uint)logits->shape[1];
    cl_uint n = rows * classes;
    cl_uint labels_offset = (cl_uint)labels->offset, dloss_offset = (cl_uint)dloss->offset;
    cl_uint dlogits_offset = (cl_uint)dlogits->offset;
    return CLMLP_LAUNCH_1D(logits->ctx, "cross_entropy_backward", n, CLMLP_ARG(n), CLMLP_ARG(rows),
                           CLMLP_ARG(classes), CLMLP_ARG(probs->buffer), CLMLP_ARG(labels->buffer),
                           CLMLP_ARG(labels_offset), CLMLP_ARG(dloss->buffer),
                           CLMLP_ARG(dloss_offset), CLMLP_ARG(dlogits->buffer),
                           CLMLP_ARG(dlogits_offset));
}

clmlp_status clmlp_cross_entropy(clmlp_tape *tape, clmlp_tensor *logits, clmlp_tensor *labels,
                                 clmlp_tensor **out)
{
    if (tape == NULL || out == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_cross_entropy: NULL tape or output");
    CLMLP_TRY(clmlp_check_matrix(logits, 2, "clmlp_cross_entropy", "logits"));
    if (labels == NULL || labels->dtype != CLMLP_INT32 || labels->ndim != 1 ||
        !clmlp_tensor_is_contiguous(labels))
        return clmlp_fail(CLMLP_ERROR_SHAPE, "clmlp_cross_entropy: labels must be a contiguous "
                          "1-D int32 tensor");
    if (labels->shape[0] != logits->shape[0])
        return clmlp_fail(CLMLP_ERROR_SHAPE, "clmlp_cross_entropy: %zu labels for %zu rows of "
                          "logits", labels->shape[0], logits->shape[0]);

    clmlp_context *ctx = tape->ctx;
    clmlp_tensor *probs = NULL, *row_loss = NULL, *loss = NULL;
    size_t rows = logits->shape[0];
    size_t one = 1;
    CLMLP_TRY(clmlp_tape_tensor(tape, CLMLP_FLOAT32, 2, logits->shape, &probs));
    CLMLP_TRY(clmlp_tape_tensor(tape, CLMLP_FLOAT32, 1, &rows, &row_loss));
    CLMLP_TRY(clmlp_tape_tensor(tape, CLMLP_FLOAT32, 1, &one, &loss));

    cl_uint r = (cl_uint)rows, classes = (cl_uint)logits->shape[1];
    cl_uint logits_offset = (cl_uint)logits->offset, labels_offset = (cl_uint)labels->offset;
    CLMLP_TRY(CLMLP_LAUNCH_1D(ctx, "cross_entropy_rows", rows, CLMLP_ARG(r), CLMLP_ARG(classes),
                              CLMLP_ARG(logits->buffer), CLMLP_ARG(logits_offset),
                              CLMLP_ARG(labels->buffer), CLMLP_ARG(labels_offset),
                              CLMLP_ARG(probs->buffer), CLMLP_ARG(row_loss->buffer)));

    cl_uint zero = 0;
    float scale = 1.0f / (float)rows;
    CLMLP_TRY(CLMLP_LAUNCH_GROUPS(ctx, "sum_scaled", 1, 256, CLMLP_ARG(r),
                                  CLMLP_ARG(row_loss->buffer), CLMLP_ARG(zero),
                                  CLMLP_ARG(loss->buffer), CLMLP_ARG(zero), CLMLP_ARG(scale)));
    *out = loss;

    clmlp_node *node = NULL;
    clmlp_tensor *inputs[2] = {logits, labels};
    CLMLP_TRY(clmlp_tape_record(tape, "cross_entropy", cross_entropy_backward, loss, inputs, 2,
                                &node));
    if (node != NULL)
        node->saved[0] = probs;
    return CLMLP_SUCCESS;
}
