/* Recording ops and replaying them backwards. */
#include "autograd/tape.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

clmlp_status clmlp_tape_create(clmlp_context *ctx, clmlp_tape **tape)
{
    if (ctx == NULL || tape == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_tape_create: NULL context or output");
    clmlp_tape *t = calloc(1, sizeof *t);
    if (t == NULL)
        return clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory creating a tape");
    t->ctx = ctx;
    t->recording = true;
    *tape = t;
    return CLMLP_SUCCESS;
}

void clmlp_tape_reset(clmlp_tape *tape)
{
    if (tape == NULL)
        return;
    /* Views are freed before the tensors they look into. */
    for (size_t i = tape->tensor_count; i-- > 0;)
        clmlp_tensor_free(tape->tensors[i]);
    tape->tensor_count = 0;
    tape->node_count = 0;
}

void clmlp_tape_free(clmlp_tape *tape)
{
    if (tape == NULL)
        return;
    clmlp_tape_reset(tape);
    for (size_t i = 0; i < tape->node_capacity; i++)
        free(tape->nodes[i]);
    free(tape->nodes);
    free(tape->tensors);
    free(tape);
}

void clmlp_tape_set_recording(clmlp_tape *tape, bool recording)
{
    if (tape)
        tape->recording = recording;
}

bool clmlp_tape_recording(const clmlp_tape *tape)
{
    return tape ? tape->recording : false;
}

clmlp_status clmlp_tape_adopt(clmlp_tape *tape, clmlp_tensor *tensor)
{
    if (tape->tensor_count == tape->tensor_capacity) {
        size_t capacity = tape->tensor_capacity ? tape->tensor_capacity * 2 : 32;
        clmlp_tensor **grown = realloc(tape->tensors, capacity * sizeof *grown);
        if (grown == NULL) {
            clmlp_tensor_free(tensor);
            return clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory growing a tape");
        }
        tape->tensors = grown;
        tape->tensor_capacity = capacity;
    }
    tape->tensors[tape->tensor_count++] = tensor;
    return CLMLP_SUCCESS;
}

clmlp_status clmlp_tape_tensor(clmlp_tape *tape, clmlp_dtype dtype, int ndim, const size_t *shape,
                               clmlp_tensor **tensor)
{
    CLMLP_TRY(clmlp_tensor_alloc(tape->ctx, dtype, ndim, shape, tensor));
    return clmlp_tape_adopt(tape, *tensor);
}

static clmlp_status next_node(clmlp_tape *tape, clmlp_node **node)
{
    if (tape->node_count == tape->node_capacity) {
        size_t capacity = tape->node_capacity ? tape->node_capacity * 2 : 32;
        clmlp_node **grown = realloc(tape->nodes, capacity * sizeof *grown);
        if (grown == NULL)
            return clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory growing a tape");
        tape->nodes = grown;
        for (size_t i = tape->node_capacity; i < capacity; i++)
            tape->nodes[i] = NULL;
        tape->node_capacity = capacity;
    }
    clmlp_node **slot = &tape->nodes[tape->node_count];
    if (*slot == NULL) {
        *slot = malloc(sizeof **slot);
        if (*slot == NULL)
            return clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory growing a tape");
    }
    memset(*slot, 0, sizeof **slot);
    tape->node_count++;
    *node = *slot;
    return CLMLP_SUCCESS;
}

clmlp_status clmlp_tape_record(clmlp_tape *tape, const char *op, clmlp_backward_fn backward,
                               clmlp_tensor *output, clmlp_tensor *const *inputs,
                               size_t input_count, clmlp_node **node)
{
    *node = NULL;
    if (!tape->recording)
        return CLMLP_SUCCESS;

    bool needed = false;
    for (size_t i = 0; i < input_count; i++)
        needed = needed || (inputs[i] != NULL && inputs[i]->requires_grad);
    if (!needed)
        return CLMLP_SUCCESS;

    clmlp_node *n = NULL;
    CLMLP_TRY(next_node(tape, &n));
    n->backward = backward;
    n->op = op;
    n->output = output;
    for (size_t i = 0; i < input_count && i < CLMLP_NODE_INPUTS; i++)
        n->inputs[i] = inputs[i];
    output->requires_grad = true;
    output->grad_fn = n;
    *node = n;
    return CLMLP_SUCCESS;
}

clmlp_status clmlp_input_grad(clmlp_node *node, size_t index, clmlp_tensor **grad)
{
    *grad = NULL;
    clmlp_tensor *input = node->inputs[index];
    if (input == NULL || !input->requires_grad)
        return CLMLP_SUCCESS;
    return clmlp_tensor_ensure_grad(input, grad);
}

clmlp_status clmlp_backward(clmlp_tape *tape, clmlp_tensor *loss)
{
    if (tape == NULL || loss == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_backward: NULL tape or loss");
    if (clmlp_tensor_numel(loss) != 1)
        return clmlp_fail(CLMLP_ERROR_SHAPE, "clmlp_backward: the loss must have one element, "
                          "not %zu", clmlp_tensor_numel(loss));
    if (!loss->requires_grad)
        return clmlp_fail(CLMLP_ERROR_NOT_READY, "clmlp_backward: the loss does not depend on any "
                          "tensor that requires a gradient, or the tape was not recording");

    clmlp_tensor *seed = NULL;
    CLMLP_TRY(clmlp_tensor_ensure_grad(loss, &seed));
    CLMLP_TRY(clmlp_tensor_fill(seed, 1.0f));

    return clmlp_tape_replay(tape);
}

clmlp_status clmlp_tape_replay(clmlp_tape *tape)
{
    /* Nodes are in creation order, so newest first visits every consumer of a
     * tensor before the op that produced it. */
    for (size_t i = tape->node_count; i-- > 0;) {
        clmlp_node *node = tape->nodes[i];
        if (node->output->grad == NULL)
            continue;   /* no gradient reached this op */
        clmlp_status status = node->backward(node);
        if (status != CLMLP_SUCCESS)
            return clmlp_fail_append(status, " (in the backward pass of %s)", node->op);
    }
    return CLMLP_SUCCESS;
}
