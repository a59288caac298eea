/* Matrix product op: forward and backward through GEMM. */
#include "clmlp/ops.h"

#include "autograd/tape.h"
#include "blas/blas.h"

/* Row stride of a matrix whose columns are adjacent in memory. */
static clmlp_status matrix_ld(const clmlp_tensor *t, const char *what, size_t *ld)
{
    if (t == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_matmul: %s is NULL", what);
    if (t->dtype != CLMLP_FLOAT32 || t->ndim != 2)
        return clmlp_fail(CLMLP_ERROR_SHAPE, "clmlp_matmul: %s must be a 2-D float32 tensor", what);
    if (t->strides[1] != 1 && t->shape[1] != 1)
        return clmlp_fail(CLMLP_ERROR_SHAPE, "clmlp_matmul: %s must have adjacent columns", what);
    *ld = t->shape[0] == 1 ? t->shape[1] : t->strides[0];
    return CLMLP_SUCCESS;
}

static clmlp_status matmul_backward(clmlp_node *node)
{
    clmlp_tensor *a = node->inputs[0], *b = node->inputs[1], *dc = node->output->grad;
    size_t m = a->shape[0], k = a->shape[1], n = b->shape[1];
    size_t lda = 0, ldb = 0;
    CLMLP_TRY(matrix_ld(a, "a", &lda));
    CLMLP_TRY(matrix_ld(b, "b", &ldb));
    clmlp_context *ctx = a->ctx;

    /* dA[M, K] += dC[M, N] · Bᵀ */
    clmlp_tensor *da = NULL;
    CLMLP_TRY(clmlp_input_grad(node, 0, &da));
    if (da != NULL)
        CLMLP_TRY(clmlp_sgemm(ctx, false, true, m, k, n, 1.0f, dc->buffer, dc->offset, n,
                              b->buffer, b->offset, ldb, 1.0f, da->buffer, da->offset, k));

    /* dB[K, N] += Aᵀ · dC[M, N] */
    clmlp_tensor *db = NULL;
    CLMLP_TRY(clmlp_input_grad(node, 1, &db));
    if (db != NULL)
        CLMLP_TRY(clmlp_sgemm(ctx, true, false, k, n, m, 1.0f, a->buffer, a->offset, lda,
                              dc->buffer, dc->offset, n, 1.0f, db->buffer, db->offset, n));
    return CLMLP_SUCCESS;
}

clmlp_status clmlp_matmul(clmlp_tape *tape, clmlp_tensor *a, clmlp_tensor *b, clmlp_tensor **out)
{
    if (tape == NULL || out == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_matmul: NULL tape or output");
    size_t lda = 0, ldb = 0;
    CLMLP_TRY(matrix_ld(a, "a", &lda));
    CLMLP_TRY(matrix_ld(b, "b", &ldb));
    if (a->shape[1] != b->shape[0])
        return clmlp_fail(CLMLP_ERROR_SHAPE, "clmlp_matmul: a is [%zu, %zu] but b is [%zu, %zu]; "
                          "the inner sizes must match", a->shape[0], a->shape[1], b->shape[0],
                          b->shape[1]);

    size_t m = a->shape[0], k = a->shape[1], n = b->shape[1];
    size_t shape[2] = {m, n};
    CLMLP_TRY(clmlp_tape_tensor(tape, CLMLP_FLOAT32, 2, shape, out));
    clmlp_tensor *c = *out;
    CLMLP_TRY(clmlp_sgemm(tape->ctx, false, false, m, n, k, 1.0f, a->buffer, a->offset, lda,
                          b->buffer, b->offset, ldb, 0.0f, c->buffer, c->offset, n));

    clmlp_node *node = NULL;
    clmlp_tensor *inputs[2] = {a, b};
    return clmlp_tape_record(tape, "matmul", matmul_backward, c, inputs, 2, &node);
}
