/* Batched matrix product op: forward and backward through strided-batched GEMM. */
#include "clmlp/batched.h"

#include "autograd/tape.h"
#include "blas/blas.h"

/* Where the matrices of a 3-D operand lie: row stride and batch stride. */
typedef struct batch_layout {
    size_t ld, stride;
} batch_layout;

static clmlp_status batch_operand(const clmlp_tensor *t, const char *what, batch_layout *layout)
{
    if (t == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_bmm: %s is NULL", what);
    if (t->dtype != CLMLP_FLOAT32 || t->ndim != 3)
        return clmlp_fail(CLMLP_ERROR_SHAPE, "clmlp_bmm: %s must be a 3-D float32 tensor [B, rows, "
                          "columns], got %d dimensions", what, t->ndim);
    if (t->strides[2] != 1 && t->shape[2] != 1)
        return clmlp_fail(CLMLP_ERROR_SHAPE, "clmlp_bmm: %s must have adjacent columns, but its "
                          "column stride is %zu", what, t->strides[2]);

    /* A single row or a single matrix leaves its stride free; use the packed one. */
    layout->ld = t->shape[1] == 1 ? t->shape[2] : t->strides[1];
    layout->stride = t->shape[0] == 1 ? t->shape[1] * layout->ld : t->strides[0];
    if (layout->ld < t->shape[2])
        return clmlp_fail(CLMLP_ERROR_SHAPE, "clmlp_bmm: %s has row stride %zu below its %zu "
                          "columns", what, layout->ld, t->shape[2]);
    return CLMLP_SUCCESS;
}

static clmlp_status bmm_backward(clmlp_node *node)
{
    clmlp_tensor *a = node->inputs[0], *b = node->inputs[1], *dc = node->output->grad;
    size_t batch = a->shape[0], m = a->shape[1], k = a->shape[2], n = b->shape[2];
    batch_layout la = {0, 0}, lb = {0, 0};
    CLMLP_TRY(batch_operand(a, "a", &la));
    CLMLP_TRY(batch_operand(b, "b", &lb));
    clmlp_context *ctx = a->ctx;

    /* dA[b] += dC[b] · B[b]ᵀ */
    clmlp_tensor *da = NULL;
    CLMLP_TRY(clmlp_input_grad(node, 0, &da));
    if (da != NULL) {
        batch_layout lda = {0, 0};
        CLMLP_TRY(batch_operand(da, "the gradient of a", &lda));
        CLMLP_TRY(clmlp_sgemm_strided_batched(ctx, false, true, m, k, n, 1.0f,
                                              dc->buffer, dc->offset, n, m * n,
                                              b->buffer, b->offset, lb.ld, lb.stride, 1.0f,
                                              da->buffer, da->offset, lda.ld, lda.stride, batch));
    }

    /* dB[b] += A[b]ᵀ · dC[b] */
    clmlp_tensor *db = NULL;
    CLMLP_TRY(clmlp_input_grad(node, 1, &db));
    if (db != NULL) {
        batch_layout ldb = {0, 0};
        CLMLP_TRY(batch_operand(db, "the gradient of b", &ldb));
        CLMLP_TRY(clmlp_sgemm_strided_batched(ctx, true, false, k, n, m, 1.0f,
                                              a->buffer, a->offset, la.ld, la.stride,
                                              dc->buffer, dc->offset, n, m * n, 1.0f,
                                              db->buffer, db->offset, ldb.ld, ldb.stride, batch));
    }
    return CLMLP_SUCCESS;
}

/* A gradient written with batch stride 0 would have every sample's GEMM
 * race on one matrix, so a shared operand cannot take a gradient. */
static clmlp_status check_shared(const clmlp_tape *tape, const clmlp_tensor *t,
                                 const batch_layout *layout, const char *what)
{
    if (layout->stride == 0 && t->shape[0] > 1 && t->requires_grad && tape->recording)
        return clmlp_fail(CLMLP_ERROR_UNSUPPORTED, "clmlp_bmm: %s is shared across the batch "
                          "(batch stride 0) and requires a gradient; give each sample its own "
                          "matrix or use clmlp_matmul", what);
    return CLMLP_SUCCESS;
}

clmlp_status clmlp_bmm(clmlp_tape *tape, clmlp_tensor *a, clmlp_tensor *b, clmlp_tensor **out)
{
    if (tape == NULL || out == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_bmm: NULL tape or output");
    batch_layout la = {0, 0}, lb = {0, 0};
    CLMLP_TRY(batch_operand(a, "a", &la));
    CLMLP_TRY(batch_operand(b, "b", &lb));
    if (a->shape[0] != b->shape[0] || a->shape[2] != b->shape[1])
        return clmlp_fail(CLMLP_ERROR_SHAPE, "clmlp_bmm: a is [%zu, %zu, %zu] but b is [%zu, %zu, "
                          "%zu]; the batch sizes and the inner sizes must match", a->shape[0],
                          a->shape[1], a->shape[2], b->shape[0], b->shape[1], b->shape[2]);
    CLMLP_TRY(check_shared(tape, a, &la, "a"));
    CLMLP_TRY(check_shared(tape, b, &lb, "b"));

    size_t batch = a->shape[0], m = a->shape[1], k = a->shape[2], n = b->shape[2];
    size_t shape[3] = {batch, m, n};
    CLMLP_TRY(clmlp_tape_tensor(tape, CLMLP_FLOAT32, 3, shape, out));
    clmlp_tensor *c = *out;
    CLMLP_TRY(clmlp_sgemm_strided_batched(tape->ctx, false, false, m, n, k, 1.0f,
                                          a->buffer, a->offset, la.ld, la.stride,
                                          b->buffer, b->offset, lb.ld, lb.stride, 0.0f,
                                          c->buffer, c->offset, n, m * n, batch));

    clmlp_node *node = NULL;
    clmlp_tensor *inputs[2] = {a, b};
    return clmlp_tape_record(tape, "bmm", bmm_backward, c, inputs, 2, &node);
}
