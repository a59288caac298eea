/* The batched product, views and the dynamic-parameter MLP against PyTorch
 * fixtures and central finite differences, and the hypernetwork over three
 * SGD steps against PyTorch. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "autograd/tape.h"
#include "common.h"
#include "hyper_fixtures.h"

static clmlp_tensor *leaf(clmlp_context *ctx, int ndim, const size_t *shape, const float *data)
{
    clmlp_tensor *t = NULL;
    ck_assert_ok(clmlp_tensor_from_host(ctx, CLMLP_FLOAT32, ndim, shape, data, &t));
    ck_assert_ok(clmlp_tensor_set_requires_grad(t, true));
    return t;
}

static clmlp_tensor *labels_tensor(clmlp_context *ctx, const int *labels, size_t rows)
{
    clmlp_tensor *t = NULL;
    ck_assert_ok(clmlp_tensor_from_host(ctx, CLMLP_INT32, 1, &rows, labels, &t));
    return t;
}

static void assert_tensor(const clmlp_tensor *t, const double *want, double rel_tol,
                          double abs_tol, const char *what)
{
    float *got = read_tensor(t);
    assert_close(got, want, clmlp_tensor_numel(t), rel_tol, abs_tol, what);
    free(got);
}

static void assert_tensor_f(const clmlp_tensor *t, const float *want, double rel_tol,
                            double abs_tol, const char *what)
{
    size_t n = clmlp_tensor_numel(t);
    double *wide = malloc(n * sizeof *wide);
    for (size_t i = 0; i < n; i++)
        wide[i] = want[i];
    assert_tensor(t, wide, rel_tol, abs_tol, what);
    free(wide);
}

/* A host loss in double precision over a flat vector of every input. */
typedef double (*host_loss_fn)(const double *values, const void *setup);

/* Central differences of loss at every element of values[0..n). */
static double *finite_differences(host_loss_fn loss, double *values, size_t n, const void *setup)
{
    const double h = 1e-6;
    double *grad = malloc(n * sizeof *grad);
    for (size_t i = 0; i < n; i++) {
        double saved = values[i];
        values[i] = saved + h;
        double up = loss(values, setup);
        values[i] = saved - h;
        double down = loss(values, setup);
        values[i] = saved;
        grad[i] = (up - down) / (2 * h);
    }
    return grad;
}

/* ---- bmm on a padded view ---------------------------------------------- */

/* a is a view [B, M, K] of a padded base [B, M, K + PAD]; b is [B, K, N]. */
enum { BMM_B = 3, BMM_M = 2, BMM_K = 4, BMM_N = 3, BMM_PAD = 2 };
#define BMM_A_SIZE (BMM_B * BMM_M * (BMM_K + BMM_PAD))
#define BMM_B_SIZE (BMM_B * BMM_K * BMM_N)

static const int bmm_labels[BMM_B * BMM_M] = {0, 2, 1, 1, 2, 0};

/* values contains the padded base of a, then b. */
static double host_bmm_loss(const double *values, const void *setup)
{
    (void)setup;
    const double *a = values, *b = values + BMM_A_SIZE;
    double c[BMM_B * BMM_M * BMM_N];
    for (size_t s = 0; s < BMM_B; s++)
        for (size_t i = 0; i < BMM_M; i++)
            for (size_t j = 0; j < BMM_N; j++) {
                double sum = 0.0;
                for (size_t p = 0; p < BMM_K; p++)
                    sum += a[(s * BMM_M + i) * (BMM_K + BMM_PAD) + p] *
                           b[(s * BMM_K + p) * BMM_N + j];
                c[(s * BMM_M + i) * BMM_N + j] = sum;
            }
    return host_cross_entropy(c, bmm_labels, BMM_B * BMM_M, BMM_N);
}

START_TEST(bmm_view_gradients_match_finite_differences)
{
    clmlp_context *ctx = test_context(_i);
    float a_values[BMM_A_SIZE], b_values[BMM_B_SIZE];
    uint32_t seed = 7;
    fill_uniform(a_values, BMM_A_SIZE, -1.5f, 1.5f, &seed);
    fill_uniform(b_values, BMM_B_SIZE, -1.5f, 1.5f, &seed);
    double values[BMM_A_SIZE + BMM_B_SIZE];
    for (size_t i = 0; i < BMM_A_SIZE; i++)
        values[i] = a_values[i];
    for (size_t i = 0; i < BMM_B_SIZE; i++)
        values[BMM_A_SIZE + i] = b_values[i];

    size_t base_shape[3] = {BMM_B, BMM_M, BMM_K + BMM_PAD}, b_shape[3] = {BMM_B, BMM_K, BMM_N};
    clmlp_tensor *base = leaf(ctx, 3, base_shape, a_values), *b = leaf(ctx, 3, b_shape, b_values);
    clmlp_tensor *labels = labels_tensor(ctx, bmm_labels, BMM_B * BMM_M);

    clmlp_tape *tape = NULL;
    clmlp_tensor *a, *c, *flat, *loss;
    size_t a_shape[3] = {BMM_B, BMM_M, BMM_K};
    size_t a_strides[3] = {BMM_M * (BMM_K + BMM_PAD), BMM_K + BMM_PAD, 1};
    size_t flat_shape[2] = {BMM_B * BMM_M, BMM_N}, flat_strides[2] = {BMM_N, 1};
    ck_assert_ok(clmlp_tape_create(ctx, &tape));
    ck_assert_ok(clmlp_view(tape, base, 3, a_shape, a_strides, 0, &a));
    ck_assert_ok(clmlp_bmm(tape, a, b, &c));
    ck_assert_ok(clmlp_view(tape, c, 2, flat_shape, flat_strides, 0, &flat));
    ck_assert_ok(clmlp_cross_entropy(tape, flat, labels, &loss));
    ck_assert_ok(clmlp_backward(tape, loss));

    double want_loss = host_bmm_loss(values, NULL);
    assert_tensor(loss, &want_loss, 1e-5, 1e-6, "bmm loss");

    /* The padding columns get exactly zero: finite differences give 0 there. */
    double *want = finite_differences(host_bmm_loss, values, BMM_A_SIZE + BMM_B_SIZE, NULL);
    assert_tensor(clmlp_tensor_grad(base), want, 1e-3, 1e-5, "gradient of a's base");
    float *base_grad = read_tensor(clmlp_tensor_grad(base));
    for (size_t r = 0; r < BMM_B * BMM_M; r++)
        for (size_t p = BMM_K; p < BMM_K + BMM_PAD; p++)
            ck_assert_float_eq(base_grad[r * (BMM_K + BMM_PAD) + p], 0.0f);
    assert_tensor(clmlp_tensor_grad(b), want + BMM_A_SIZE, 1e-3, 1e-5, "gradient of b");

    free(base_grad);
    free(want);
    clmlp_tape_free(tape);
    clmlp_tensor_free(base);
    clmlp_tensor_free(b);
    clmlp_tensor_free(labels);
    clmlp_context_free(ctx);
}
END_TEST

/* ---- overlapping views ------------------------------------------------- */

/* loss = CE(base[:, 0:4] + base[:, 2:6]) for base [3, 7]; column 6 is unused. */
enum { OV_ROWS = 3, OV_COLS = 7, OV_WIDTH = 4 };
static const int overlap_labels[OV_ROWS] = {3, 0, 2};

static double host_overlap_loss(const double *base, const void *setup)
{
    (void)setup;
    double sum[OV_ROWS * OV_WIDTH];
    for (size_t r = 0; r < OV_ROWS; r++)
        for (size_t c = 0; c < OV_WIDTH; c++)
            sum[r * OV_WIDTH + c] = base[r * OV_COLS + c] + base[r * OV_COLS + c + 2];
    return host_cross_entropy(sum, overlap_labels, OV_ROWS, OV_WIDTH);
}

START_TEST(overlapping_view_gradients_add_up)
{
    clmlp_context *ctx = test_context(_i);
    float values[OV_ROWS * OV_COLS];
    uint32_t seed = 11;
    fill_uniform(values, OV_ROWS * OV_COLS, -2.0f, 2.0f, &seed);
    double host[OV_ROWS * OV_COLS];
    for (size_t i = 0; i < OV_ROWS * OV_COLS; i++)
        host[i] = values[i];

    size_t shape[2] = {OV_ROWS, OV_COLS}, view_shape[2] = {OV_ROWS, OV_WIDTH};
    size_t strides[2] = {OV_COLS, 1};
    clmlp_tensor *base = leaf(ctx, 2, shape, values);
    clmlp_tensor *labels = labels_tensor(ctx, overlap_labels, OV_ROWS);
    clmlp_tape *tape = NULL;
    clmlp_tensor *left, *right, *sum, *loss;
    ck_assert_ok(clmlp_tape_create(ctx, &tape));
    ck_assert_ok(clmlp_view(tape, base, 2, view_shape, strides, 0, &left));
    ck_assert_ok(clmlp_view(tape, base, 2, view_shape, strides, 2, &right));
    ck_assert_ok(clmlp_add(tape, left, right, &sum));
    ck_assert_ok(clmlp_cross_entropy(tape, sum, labels, &loss));
    ck_assert_ok(clmlp_backward(tape, loss));

    double want_loss = host_overlap_loss(host, NULL);
    assert_tensor(loss, &want_loss, 1e-5, 1e-6, "overlap loss");
    double *want = finite_differences(host_overlap_loss, host, OV_ROWS * OV_COLS, NULL);
    assert_tensor(clmlp_tensor_grad(base), want, 1e-3, 1e-5, "gradient of the base");
    float *grad = read_tensor(clmlp_tensor_grad(base));
    for (size_t r = 0; r < OV_ROWS; r++)
        ck_assert_float_eq(grad[r * OV_COLS + OV_COLS - 1], 0.0f);

    free(grad);
    free(want);
    clmlp_tape_free(tape);
    clmlp_tensor_free(base);
    clmlp_tensor_free(labels);
    clmlp_context_free(ctx);
}
END_TEST

/* ---- the dynamic-parameter MLP against PyTorch ------------------------- */

/* One PyTorch case of the dynamic-parameter MLP on DP_BATCH samples. */
typedef struct dp_fixture {
    const char *name;
    size_t hidden_count;                  /* 0, or 1 hidden layer of DP_HIDDEN */
    const float *x, *logits, *loss, *dx;
    const int *labels;
    const float *w[2], *b[2], *dw[2], *db[2];
    const float *norm_dweight, *norm_dbias, *running_mean, *running_var;
} dp_fixture;

static const dp_fixture dp_fixtures[2] = {
    {"no hidden layer", 0, dp0_x, dp0_logits, dp0_loss, dp0_dx, dp0_labels,
     {dp0_w0, NULL}, {dp0_b0, NULL}, {dp0_dw0, NULL}, {dp0_db0, NULL}, NULL, NULL, NULL, NULL},
    {"one hidden layer", 1, dp1_x, dp1_logits, dp1_loss, dp1_dx, dp1_labels,
     {dp1_w0, dp1_w1}, {dp1_b0, dp1_b1}, {dp1_dw0, dp1_dw1}, {dp1_db0, dp1_db1},
     dp1_norm0_dweight, dp1_norm0_dbias, dp1_norm0_running_mean, dp1_norm0_running_var},
};

static const size_t dp_hidden[1] = {DP_HIDDEN};

/* Sizes of layer l of a fixture's network. */
static void dp_layer_sizes(const dp_fixture *f, size_t l, size_t *in, size_t *out)
{
    *in = l == 0 ? DP_INPUTS : DP_HIDDEN;
    *out = l < f->hidden_count ? DP_HIDDEN : DP_OUTPUTS;
}

static clmlp_dp_mlp *dp_create(clmlp_context *ctx, const dp_fixture *f)
{
    clmlp_dp_mlp *mlp = NULL;
    ck_assert_ok(clmlp_dp_mlp_create(ctx, DP_INPUTS, dp_hidden, f->hidden_count, 0.0f, DP_OUTPUTS,
                                     0, &mlp));
    ck_assert_uint_eq(clmlp_dp_mlp_layer_count(mlp), f->hidden_count + 1);
    return mlp;
}

/* Checks the BatchNorm1d gradients and running statistics of a fixture. */
static void assert_norms(clmlp_dp_mlp *mlp, const dp_fixture *f)
{
    clmlp_named_tensors params = {0}, buffers = {0};
    ck_assert_ok(clmlp_dp_mlp_parameters(mlp, "dp", &params));
    ck_assert_ok(clmlp_dp_mlp_buffers(mlp, "dp", &buffers));
    ck_assert_uint_eq(params.count, 2 * f->hidden_count);
    if (f->hidden_count > 0) {
        ck_assert_str_eq(params.items[0].name, "dp.norms.0.weight");
        ck_assert_str_eq(params.items[1].name, "dp.norms.0.bias");
        assert_tensor_f(clmlp_tensor_grad(params.items[0].tensor), f->norm_dweight, 1e-4, 1e-6,
                        "BatchNorm1d weight gradient");
        assert_tensor_f(clmlp_tensor_grad(params.items[1].tensor), f->norm_dbias, 1e-4, 1e-6,
                        "BatchNorm1d bias gradient");
        ck_assert_str_eq(buffers.items[0].name, "dp.norms.0.running_mean");
        ck_assert_str_eq(buffers.items[1].name, "dp.norms.0.running_var");
        assert_tensor_f(buffers.items[0].tensor, f->running_mean, 1e-5, 1e-6, "running_mean");
        assert_tensor_f(buffers.items[1].tensor, f->running_var, 1e-5, 1e-6, "running_var");
    }
    clmlp_named_tensors_free(&params);
    clmlp_named_tensors_free(&buffers);
}

/* Runs the network, the mean cross-entropy and the backward pass on a new
 * tape, which the caller frees. */
static clmlp_tape *dp_loss_backward(clmlp_context *ctx, clmlp_dp_mlp *mlp, clmlp_tensor *x,
                                    clmlp_tensor **w, clmlp_tensor **b, clmlp_tensor *labels,
                                    clmlp_tensor **logits, clmlp_tensor **loss)
{
    clmlp_tape *tape = NULL;
    ck_assert_ok(clmlp_tape_create(ctx, &tape));
    ck_assert_ok(clmlp_dp_mlp_forward(mlp, tape, x, w, b, logits));
    ck_assert_ok(clmlp_cross_entropy(tape, *logits, labels, loss));
    ck_assert_ok(clmlp_backward(tape, *loss));
    return tape;
}

START_TEST(dp_mlp_matches_pytorch_bmm)
{
    clmlp_context *ctx = test_context(_i);
    for (size_t k = 0; k < 2; k++) {
        const dp_fixture *f = &dp_fixtures[k];
        clmlp_dp_mlp *mlp = dp_create(ctx, f);
        size_t layers = f->hidden_count + 1;

        size_t x_shape[2] = {DP_BATCH, DP_INPUTS};
        clmlp_tensor *x = leaf(ctx, 2, x_shape, f->x), *w[2] = {NULL, NULL}, *b[2] = {NULL, NULL};
        for (size_t l = 0; l < layers; l++) {
            size_t in, out;
            dp_layer_sizes(f, l, &in, &out);
            size_t w_shape[3] = {DP_BATCH, in, out}, b_shape[2] = {DP_BATCH, out};
            w[l] = leaf(ctx, 3, w_shape, f->w[l]);
            b[l] = leaf(ctx, 2, b_shape, f->b[l]);
        }
        clmlp_tensor *labels = labels_tensor(ctx, f->labels, DP_BATCH);

        clmlp_tensor *logits, *loss;
        clmlp_tape *tape = dp_loss_backward(ctx, mlp, x, w, b, labels, &logits, &loss);

        assert_tensor_f(logits, f->logits, 1e-4, 1e-5, f->name);
        assert_tensor_f(loss, f->loss, 1e-5, 1e-6, f->name);
        assert_tensor_f(clmlp_tensor_grad(x), f->dx, 1e-4, 1e-6, "dx");
        for (size_t l = 0; l < layers; l++) {
            assert_tensor_f(clmlp_tensor_grad(w[l]), f->dw[l], 1e-4, 1e-6, "dW");
            assert_tensor_f(clmlp_tensor_grad(b[l]), f->db[l], 1e-4, 1e-6, "db");
        }
        assert_norms(mlp, f);

        clmlp_tape_free(tape);
        clmlp_tensor_free(x);
        for (size_t l = 0; l < layers; l++) {
            clmlp_tensor_free(w[l]);
            clmlp_tensor_free(b[l]);
        }
        clmlp_tensor_free(labels);
        clmlp_dp_mlp_free(mlp);
    }
    clmlp_context_free(ctx);
}
END_TEST

START_TEST(dp_mlp_split_grads_follow_layout)
{
    clmlp_context *ctx = test_context(_i);
    for (size_t k = 0; k < 2; k++) {
        const dp_fixture *f = &dp_fixtures[k];
        clmlp_dp_mlp *mlp = dp_create(ctx, f);
        size_t layers = f->hidden_count + 1, row = clmlp_dp_mlp_param_count(mlp);

        /* Each sample's row contains every layer's weight [in, out], then its bias. */
        float *params = malloc(DP_BATCH * row * sizeof *params);
        double *want_grad = malloc(DP_BATCH * row * sizeof *want_grad);
        for (size_t s = 0; s < DP_BATCH; s++) {
            size_t at = s * row;
            for (size_t l = 0; l < layers; l++) {
                size_t in, out;
                dp_layer_sizes(f, l, &in, &out);
                for (size_t i = 0; i < in * out; i++, at++) {
                    params[at] = f->w[l][s * in * out + i];
                    want_grad[at] = f->dw[l][s * in * out + i];
                }
                for (size_t i = 0; i < out; i++, at++) {
                    params[at] = f->b[l][s * out + i];
                    want_grad[at] = f->db[l][s * out + i];
                }
            }
            ck_assert_uint_eq(at, (s + 1) * row);
        }
        size_t x_shape[2] = {DP_BATCH, DP_INPUTS}, p_shape[2] = {DP_BATCH, row};
        clmlp_tensor *x = NULL, *p = leaf(ctx, 2, p_shape, params);
        ck_assert_ok(clmlp_tensor_from_host(ctx, CLMLP_FLOAT32, 2, x_shape, f->x, &x));
        clmlp_tensor *labels = labels_tensor(ctx, f->labels, DP_BATCH);

        clmlp_tape *tape = NULL;
        clmlp_tensor *w[2], *b[2], *logits, *loss;
        ck_assert_ok(clmlp_tape_create(ctx, &tape));
        ck_assert_ok(clmlp_dp_mlp_split(mlp, tape, p, w, b));
        ck_assert_uint_eq(clmlp_tensor_shape(w[0])[1], DP_INPUTS);
        ck_assert_ok(clmlp_dp_mlp_forward(mlp, tape, x, w, b, &logits));
        ck_assert_ok(clmlp_cross_entropy(tape, logits, labels, &loss));
        ck_assert_ok(clmlp_backward(tape, loss));

        assert_tensor_f(logits, f->logits, 1e-4, 1e-5, f->name);
        assert_tensor(clmlp_tensor_grad(p), want_grad, 1e-4, 1e-6, "gradient of the params row");

        clmlp_tape_free(tape);
        clmlp_tensor_free(x);
        clmlp_tensor_free(p);
        clmlp_tensor_free(labels);
        clmlp_dp_mlp_free(mlp);
        free(params);
        free(want_grad);
    }
    clmlp_context_free(ctx);
}
END_TEST

/* Runs dp1's network with the given dropout and mode; returns the logits. */
static float *dp_logits_with(clmlp_context *ctx, float dropout, bool training)
{
    const dp_fixture *f = &dp_fixtures[1];
    clmlp_dp_mlp *mlp = NULL;
    ck_assert_ok(clmlp_dp_mlp_create(ctx, DP_INPUTS, dp_hidden, 1, dropout, DP_OUTPUTS, 5, &mlp));
    clmlp_dp_mlp_set_training(mlp, training);

    size_t x_shape[2] = {DP_BATCH, DP_INPUTS};
    size_t w0_shape[3] = {DP_BATCH, DP_INPUTS, DP_HIDDEN}, b0_shape[2] = {DP_BATCH, DP_HIDDEN};
    size_t w1_shape[3] = {DP_BATCH, DP_HIDDEN, DP_OUTPUTS}, b1_shape[2] = {DP_BATCH, DP_OUTPUTS};
    clmlp_tensor *x, *w[2], *b[2], *logits;
    ck_assert_ok(clmlp_tensor_from_host(ctx, CLMLP_FLOAT32, 2, x_shape, f->x, &x));
    ck_assert_ok(clmlp_tensor_from_host(ctx, CLMLP_FLOAT32, 3, w0_shape, f->w[0], &w[0]));
    ck_assert_ok(clmlp_tensor_from_host(ctx, CLMLP_FLOAT32, 2, b0_shape, f->b[0], &b[0]));
    ck_assert_ok(clmlp_tensor_from_host(ctx, CLMLP_FLOAT32, 3, w1_shape, f->w[1], &w[1]));
    ck_assert_ok(clmlp_tensor_from_host(ctx, CLMLP_FLOAT32, 2, b1_shape, f->b[1], &b[1]));

    clmlp_tape *tape = NULL;
    ck_assert_ok(clmlp_tape_create(ctx, &tape));
    ck_assert_ok(clmlp_dp_mlp_forward(mlp, tape, x, w, b, &logits));
    float *values = read_tensor(logits);

    clmlp_tape_free(tape);
    clmlp_tensor_free(x);
    for (int l = 0; l < 2; l++) {
        clmlp_tensor_free(w[l]);
        clmlp_tensor_free(b[l]);
    }
    clmlp_dp_mlp_free(mlp);
    return values;
}

START_TEST(dp_mlp_dropout_follows_mode)
{
    clmlp_context *ctx = test_context(_i);
    enum { N = DP_BATCH * DP_OUTPUTS };

    /* Evaluation skips dropout, so p = 0.5 and p = 0 give the same logits. */
    float *eval_dropped = dp_logits_with(ctx, 0.5f, false);
    float *eval_plain = dp_logits_with(ctx, 0.0f, false);
    for (size_t i = 0; i < N; i++)
        ck_assert_float_eq(eval_dropped[i], eval_plain[i]);

    /* Training with p = 0 matches PyTorch. With p = 0.5, dropped hidden units
     * change some logits. */
    float *train_plain = dp_logits_with(ctx, 0.0f, true);
    float *train_dropped = dp_logits_with(ctx, 0.5f, true);
    double want[N];
    for (size_t i = 0; i < N; i++)
        want[i] = dp1_logits[i];
    assert_close(train_plain, want, N, 1e-4, 1e-5, "logits with dropout 0");
    size_t changed = 0;
    for (size_t i = 0; i < N; i++)
        changed += train_dropped[i] != train_plain[i];
    ck_assert_msg(changed > 0, "dropout 0.5 in training changed no logit");

    free(eval_dropped);
    free(eval_plain);
    free(train_plain);
    free(train_dropped);
    clmlp_context_free(ctx);
}
END_TEST

START_TEST(dp_mlp_without_output_layer)
{
    clmlp_context *ctx = test_context(_i);
    const dp_fixture *f = &dp_fixtures[1];
    clmlp_dp_mlp *mlp = NULL;
    ck_assert_ok(clmlp_dp_mlp_create(ctx, DP_INPUTS, dp_hidden, 1, 0.0f, 0, 0, &mlp));
    ck_assert_uint_eq(clmlp_dp_mlp_layer_count(mlp), 1);
    ck_assert_uint_eq(clmlp_dp_mlp_output_size(mlp), DP_HIDDEN);
    ck_assert_uint_eq(clmlp_dp_mlp_param_count(mlp), (DP_INPUTS + 1) * DP_HIDDEN);

    /* In evaluation BatchNorm1d uses its initial running mean 0 and variance 1. */
    clmlp_dp_mlp_set_training(mlp, false);
    size_t x_shape[2] = {DP_BATCH, DP_INPUTS};
    size_t w_shape[3] = {DP_BATCH, DP_INPUTS, DP_HIDDEN}, b_shape[2] = {DP_BATCH, DP_HIDDEN};
    clmlp_tensor *x, *w, *b, *out;
    ck_assert_ok(clmlp_tensor_from_host(ctx, CLMLP_FLOAT32, 2, x_shape, f->x, &x));
    ck_assert_ok(clmlp_tensor_from_host(ctx, CLMLP_FLOAT32, 3, w_shape, f->w[0], &w));
    ck_assert_ok(clmlp_tensor_from_host(ctx, CLMLP_FLOAT32, 2, b_shape, f->b[0], &b));
    clmlp_tape *tape = NULL;
    ck_assert_ok(clmlp_tape_create(ctx, &tape));
    ck_assert_ok(clmlp_dp_mlp_forward(mlp, tape, x, &w, &b, &out));
    ck_assert_uint_eq(clmlp_tensor_shape(out)[1], DP_HIDDEN);

    double want[DP_BATCH * DP_HIDDEN];
    for (size_t s = 0; s < DP_BATCH; s++)
        for (size_t j = 0; j < DP_HIDDEN; j++) {
            double sum = f->b[0][s * DP_HIDDEN + j];
            for (size_t p = 0; p < DP_INPUTS; p++)
                sum += (double)f->x[s * DP_INPUTS + p] *
                       f->w[0][(s * DP_INPUTS + p) * DP_HIDDEN + j];
            sum /= sqrt(1.0 + 1e-5);
            want[s * DP_HIDDEN + j] = sum > 0 ? sum : 0;
        }
    assert_tensor(out, want, 1e-5, 1e-6, "last hidden layer");

    clmlp_tape_free(tape);
    clmlp_tensor_free(x);
    clmlp_tensor_free(w);
    clmlp_tensor_free(b);
    clmlp_dp_mlp_free(mlp);
    clmlp_context_free(ctx);
}
END_TEST

/* ---- the dynamic-parameter MLP against finite differences -------------- */

/* Network sizes of a finite-difference case: FD_IN inputs, an optional
 * hidden layer of FD_HIDDEN, FD_OUT outputs, FD_B samples. */
enum { FD_B = 4, FD_IN = 7, FD_HIDDEN = 3, FD_OUT = 5 };
static const int fd_labels[FD_B] = {4, 1, 0, 3};

typedef struct fd_setup {
    size_t layers;
    size_t in[2], out[2];
} fd_setup;

/* BatchNorm1d with batch statistics, weight 1 and bias 0, then ReLU. */
static void host_norm_relu(double *h, size_t rows, size_t cols)
{
    for (size_t c = 0; c < cols; c++) {
        double mean = 0.0, var = 0.0;
        for (size_t r = 0; r < rows; r++)
            mean += h[r * cols + c];
        mean /= (double)rows;
        for (size_t r = 0; r < rows; r++)
            var += (h[r * cols + c] - mean) * (h[r * cols + c] - mean);
        var /= (double)rows;
        for (size_t r = 0; r < rows; r++) {
            double v = (h[r * cols + c] - mean) / sqrt(var + 1e-5);
            h[r * cols + c] = v > 0 ? v : 0;
        }
    }
}

/* values contains x, then every layer's W [B, in, out] and bias [B, out]. */
static double host_dp_loss(const double *values, const void *setup_ptr)
{
    const fd_setup *setup = setup_ptr;
    double h[FD_B * FD_HIDDEN * FD_OUT + FD_B * FD_IN], next[FD_B * FD_OUT + FD_B * FD_HIDDEN];
    const double *at = values + FD_B * FD_IN;
    for (size_t i = 0; i < FD_B * FD_IN; i++)
        h[i] = values[i];
    for (size_t l = 0; l < setup->layers; l++) {
        size_t in = setup->in[l], out = setup->out[l];
        const double *w = at, *bias = at + FD_B * in * out;
        for (size_t s = 0; s < FD_B; s++)
            for (size_t j = 0; j < out; j++) {
                double sum = bias[s * out + j];
                for (size_t p = 0; p < in; p++)
                    sum += h[s * in + p] * w[(s * in + p) * out + j];
                next[s * out + j] = sum;
            }
        at = bias + FD_B * out;
        if (l + 1 < setup->layers)
            host_norm_relu(next, FD_B, out);
        memcpy(h, next, FD_B * out * sizeof *h);
    }
    return host_cross_entropy(h, fd_labels, FD_B, FD_OUT);
}

static void check_dp_finite_differences(clmlp_context *ctx, const fd_setup *setup)
{
    size_t total = FD_B * FD_IN, offsets[5] = {0};
    for (size_t l = 0; l < setup->layers; l++) {
        offsets[2 * l + 1] = total;
        total += FD_B * setup->in[l] * setup->out[l];
        offsets[2 * l + 2] = total;
        total += FD_B * setup->out[l];
    }
    float *values = malloc(total * sizeof *values);
    double *host = malloc(total * sizeof *host);
    uint32_t seed = 99;
    fill_uniform(values, total, -1.0f, 1.0f, &seed);
    for (size_t i = 0; i < total; i++)
        host[i] = values[i];

    size_t hidden = FD_HIDDEN;
    clmlp_dp_mlp *mlp = NULL;
    ck_assert_ok(clmlp_dp_mlp_create(ctx, FD_IN, &hidden, setup->layers - 1, 0.0f, FD_OUT, 0,
                                     &mlp));
    size_t x_shape[2] = {FD_B, FD_IN};
    clmlp_tensor *x = leaf(ctx, 2, x_shape, values), *w[2], *b[2];
    for (size_t l = 0; l < setup->layers; l++) {
        size_t w_shape[3] = {FD_B, setup->in[l], setup->out[l]}, b_shape[2] = {FD_B, setup->out[l]};
        w[l] = leaf(ctx, 3, w_shape, values + offsets[2 * l + 1]);
        b[l] = leaf(ctx, 2, b_shape, values + offsets[2 * l + 2]);
    }
    clmlp_tensor *labels = labels_tensor(ctx, fd_labels, FD_B);

    clmlp_tensor *logits, *loss;
    clmlp_tape *tape = dp_loss_backward(ctx, mlp, x, w, b, labels, &logits, &loss);

    double want_loss = host_dp_loss(host, setup);
    assert_tensor(loss, &want_loss, 1e-5, 1e-6, "loss");
    double *want = finite_differences(host_dp_loss, host, total, setup);
    assert_tensor(clmlp_tensor_grad(x), want, 1e-3, 1e-5, "dx");
    for (size_t l = 0; l < setup->layers; l++) {
        assert_tensor(clmlp_tensor_grad(w[l]), want + offsets[2 * l + 1], 1e-3, 1e-5, "dW");
        assert_tensor(clmlp_tensor_grad(b[l]), want + offsets[2 * l + 2], 1e-3, 1e-5, "db");
    }

    free(want);
    clmlp_tape_free(tape);
    clmlp_tensor_free(x);
    for (size_t l = 0; l < setup->layers; l++) {
        clmlp_tensor_free(w[l]);
        clmlp_tensor_free(b[l]);
    }
    clmlp_tensor_free(labels);
    clmlp_dp_mlp_free(mlp);
    free(values);
    free(host);
}

START_TEST(dp_mlp_matches_finite_differences)
{
    clmlp_context *ctx = test_context(_i);
    const fd_setup no_hidden = {1, {FD_IN, 0}, {FD_OUT, 0}};
    const fd_setup one_hidden = {2, {FD_IN, FD_HIDDEN}, {FD_HIDDEN, FD_OUT}};
    check_dp_finite_differences(ctx, &no_hidden);
    check_dp_finite_differences(ctx, &one_hidden);
    clmlp_context_free(ctx);
}
END_TEST

/* ---- the hypernetwork over three SGD steps ----------------------------- */

/* clmlp_model_parameters or clmlp_model_buffers. */
typedef clmlp_status (*tensor_list_fn)(clmlp_model *model, clmlp_tensor *const **tensors,
                                       const char *const **names, size_t *count);

static clmlp_tensor *tensor_named(clmlp_model *model, tensor_list_fn list, const char *name)
{
    clmlp_tensor *const *tensors = NULL;
    const char *const *names = NULL;
    size_t count = 0;
    ck_assert_ok(list(model, &tensors, &names, &count));
    for (size_t i = 0; i < count; i++)
        if (strcmp(names[i], name) == 0)
            return tensors[i];
    ck_abort_msg("the model has no tensor %s", name);
    return NULL;
}

static clmlp_tensor *param_named(clmlp_model *model, const char *name)
{
    return tensor_named(model, clmlp_model_parameters, name);
}

static clmlp_tensor *buffer_named(clmlp_model *model, const char *name)
{
    return tensor_named(model, clmlp_model_buffers, name);
}

/* A named tensor with its values before and after training. */
typedef struct named_values {
    const char *name;
    const float *start, *end;
} named_values;

/* One PyTorch hypernetwork run of HY_STEPS SGD steps. */
typedef struct hyper_fixture {
    size_t dp_hidden_count, n_params;
    named_values params[4];
    const float *x, *losses;
    const int *labels;
    const float *norm_weight, *norm_bias, *running_mean, *running_var;   /* after training */
} hyper_fixture;

static const hyper_fixture hyper_fixtures[2] = {
    {0, HY0_PARAMS,
     {{"generator.1.weight", hy0_w1, hy0_w1_final}, {"generator.1.bias", hy0_b1, hy0_b1_final},
      {"generator.3.weight", hy0_w2, hy0_w2_final}, {"generator.3.bias", hy0_b2, hy0_b2_final}},
     hy0_x, hy0_losses, hy0_labels, NULL, NULL, NULL, NULL},
    {1, HY1_PARAMS,
     {{"generator.1.weight", hy1_w1, hy1_w1_final}, {"generator.1.bias", hy1_b1, hy1_b1_final},
      {"generator.3.weight", hy1_w2, hy1_w2_final}, {"generator.3.bias", hy1_b2, hy1_b2_final}},
     hy1_x, hy1_losses, hy1_labels, hy1_norm0_weight_final, hy1_norm0_bias_final,
     hy1_norm0_running_mean, hy1_norm0_running_var},
};

static void check_hyper_steps(clmlp_context *ctx, const hyper_fixture *f)
{
    size_t dp_hidden = HY_DP_HIDDEN;
    clmlp_model *model = NULL;
    ck_assert_ok(clmlp_hyper_mlp_create(ctx, HY_INPUTS, HY_HIDDEN, &dp_hidden, f->dp_hidden_count,
                                        0.0f, HY_OUTPUTS, 0, &model));
    ck_assert_str_eq(clmlp_model_family(model), "hyper");
    ck_assert_uint_eq(clmlp_hyper_mlp_param_count(model), f->n_params);
    for (int i = 0; i < 4; i++) {
        clmlp_tensor *t = param_named(model, f->params[i].name);
        ck_assert_ok(clmlp_tensor_write(t, f->params[i].start, clmlp_tensor_numel(t)));
    }

    clmlp_tensor *const *params = NULL;
    size_t count = 0;
    ck_assert_ok(clmlp_model_parameters(model, &params, NULL, &count));
    ck_assert_uint_eq(count, 4 + 2 * f->dp_hidden_count);
    clmlp_sgd_options sgd = clmlp_sgd_default();
    sgd.lr = 0.1f;
    clmlp_optimizer *optimizer = NULL;
    ck_assert_ok(clmlp_sgd_create(ctx, params, count, &sgd, &optimizer));
    clmlp_tape *tape = NULL;
    ck_assert_ok(clmlp_tape_create(ctx, &tape));

    size_t x_shape[2] = {HY_BATCH, HY_INPUTS}, rows = HY_BATCH;
    for (int step = 0; step < HY_STEPS; step++) {
        clmlp_tensor *x, *y, *logits, *loss;
        ck_assert_ok(clmlp_tape_tensor(tape, CLMLP_FLOAT32, 2, x_shape, &x));
        ck_assert_ok(clmlp_tensor_write(x, f->x + step * HY_BATCH * HY_INPUTS,
                                        HY_BATCH * HY_INPUTS));
        ck_assert_ok(clmlp_tape_tensor(tape, CLMLP_INT32, 1, &rows, &y));
        ck_assert_ok(clmlp_tensor_write(y, f->labels + step * HY_BATCH, HY_BATCH));
        ck_assert_ok(clmlp_model_forward(model, tape, x, &logits));
        ck_assert_ok(clmlp_cross_entropy(tape, logits, y, &loss));
        ck_assert_ok(clmlp_optimizer_zero_grad(optimizer));
        ck_assert_ok(clmlp_backward(tape, loss));
        ck_assert_ok(clmlp_optimizer_step(optimizer));

        char what[64];
        snprintf(what, sizeof what, "loss of step %d with %zu hidden layers", step + 1,
                 f->dp_hidden_count);
        assert_tensor_f(loss, &f->losses[step], 1e-5, 1e-6, what);
        clmlp_tape_reset(tape);
    }
    for (int i = 0; i < 4; i++)
        assert_tensor_f(param_named(model, f->params[i].name), f->params[i].end, 1e-4, 1e-6,
                        f->params[i].name);
    if (f->dp_hidden_count > 0) {
        assert_tensor_f(param_named(model, "dp.norms.0.weight"), f->norm_weight, 1e-4, 1e-6,
                        "dp.norms.0.weight");
        assert_tensor_f(param_named(model, "dp.norms.0.bias"), f->norm_bias, 1e-4, 1e-6,
                        "dp.norms.0.bias");
        assert_tensor_f(buffer_named(model, "dp.norms.0.running_mean"), f->running_mean, 1e-4,
                        1e-6, "dp.norms.0.running_mean");
        assert_tensor_f(buffer_named(model, "dp.norms.0.running_var"), f->running_var, 1e-4,
                        1e-6, "dp.norms.0.running_var");
    }

    clmlp_tape_free(tape);
    clmlp_optimizer_free(optimizer);
    clmlp_model_free(model);
}

START_TEST(hyper_three_sgd_steps_match_pytorch)
{
    clmlp_context *ctx = test_context(_i);
    check_hyper_steps(ctx, &hyper_fixtures[0]);
    check_hyper_steps(ctx, &hyper_fixtures[1]);
    clmlp_context_free(ctx);
}
END_TEST

START_TEST(hyper_init_is_pytorch_uniform)
{
    clmlp_context *ctx = test_context(_i);
    clmlp_model *model = NULL;
    ck_assert_ok(clmlp_hyper_mlp_create(ctx, 784, 16, NULL, 0, 0.0f, 10, 3, &model));
    /* 784 inputs and 10 outputs give 784 * 10 + 10 generated parameters. */
    ck_assert_uint_eq(clmlp_hyper_mlp_param_count(model), 7850);
    ck_assert_uint_eq(clmlp_tensor_shape(param_named(model, "generator.3.weight"))[0], 7850);
    ck_assert_uint_eq(clmlp_tensor_shape(param_named(model, "generator.1.weight"))[1], 784);

    /* Every value lies within +-1/sqrt(fan_in) and spreads over most of it. */
    const char *names[4] = {"generator.1.weight", "generator.1.bias", "generator.3.weight",
                            "generator.3.bias"};
    const double fan_in[4] = {784, 784, 16, 16};
    for (int i = 0; i < 4; i++) {
        clmlp_tensor *t = param_named(model, names[i]);
        float *values = read_tensor(t);
        double bound = 1.0 / sqrt(fan_in[i]), largest = 0.0;
        for (size_t j = 0; j < clmlp_tensor_numel(t); j++) {
            ck_assert_msg(fabs(values[j]) <= bound, "%s[%zu] = %g is outside +-%g", names[i], j,
                          (double)values[j], bound);
            largest = fmax(largest, fabs(values[j]));
        }
        ck_assert_msg(largest > 0.8 * bound, "%s reaches only %g of +-%g", names[i], largest,
                      bound);
        free(values);
    }
    clmlp_model_free(model);
    clmlp_context_free(ctx);
}
END_TEST

/* Returns logits [HY_BATCH, HY_OUTPUTS] of a model in evaluation mode on the
 * first fixture batch. */
static float *eval_logits(clmlp_context *ctx, clmlp_model *model)
{
    size_t x_shape[2] = {HY_BATCH, HY_INPUTS};
    clmlp_tape *tape = NULL;
    clmlp_tensor *x, *logits;
    ck_assert_ok(clmlp_tape_create(ctx, &tape));
    ck_assert_ok(clmlp_tape_tensor(tape, CLMLP_FLOAT32, 2, x_shape, &x));
    ck_assert_ok(clmlp_tensor_write(x, hy1_x, HY_BATCH * HY_INPUTS));
    clmlp_model_set_training(model, false);
    ck_assert_ok(clmlp_model_forward(model, tape, x, &logits));
    float *values = read_tensor(logits);
    clmlp_tape_free(tape);
    return values;
}

START_TEST(hyper_checkpoint_rebuilds_model)
{
    clmlp_context *ctx = test_context(_i);
    size_t dp_hidden = HY_DP_HIDDEN;
    clmlp_model *model = NULL, *loaded = NULL;
    ck_assert_ok(clmlp_hyper_mlp_create(ctx, HY_INPUTS, HY_HIDDEN, &dp_hidden, 1, 0.25f,
                                        HY_OUTPUTS, 7, &model));

    /* One training step moves the running statistics away from their start. */
    clmlp_tensor *const *params = NULL;
    size_t count = 0, x_shape[2] = {HY_BATCH, HY_INPUTS}, rows = HY_BATCH;
    ck_assert_ok(clmlp_model_parameters(model, &params, NULL, &count));
    clmlp_sgd_options sgd = clmlp_sgd_default();
    clmlp_optimizer *optimizer = NULL;
    ck_assert_ok(clmlp_sgd_create(ctx, params, count, &sgd, &optimizer));
    clmlp_tape *tape = NULL;
    clmlp_tensor *x, *y, *logits, *loss;
    ck_assert_ok(clmlp_tape_create(ctx, &tape));
    ck_assert_ok(clmlp_tape_tensor(tape, CLMLP_FLOAT32, 2, x_shape, &x));
    ck_assert_ok(clmlp_tensor_write(x, hy1_x, HY_BATCH * HY_INPUTS));
    ck_assert_ok(clmlp_tape_tensor(tape, CLMLP_INT32, 1, &rows, &y));
    ck_assert_ok(clmlp_tensor_write(y, hy1_labels, HY_BATCH));
    ck_assert_ok(clmlp_model_forward(model, tape, x, &logits));
    ck_assert_ok(clmlp_cross_entropy(tape, logits, y, &loss));
    ck_assert_ok(clmlp_backward(tape, loss));
    ck_assert_ok(clmlp_optimizer_step(optimizer));
    clmlp_tape_free(tape);

    char path[] = "/tmp/clmlp-hyper-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    ck_assert_ok(clmlp_checkpoint_save(path, model, NULL, NULL));
    clmlp_checkpoint_info info;
    ck_assert_ok(clmlp_checkpoint_open(ctx, path, &loaded, NULL, &info));
    unlink(path);

    /* The rebuilt model has the same family, sizes, weights and statistics. */
    ck_assert_str_eq(clmlp_model_family(loaded), "hyper");
    ck_assert_uint_eq(clmlp_hyper_mlp_param_count(loaded), HY1_PARAMS);
    size_t loaded_count = 0, buffers = 0;
    ck_assert_ok(clmlp_model_parameters(loaded, NULL, NULL, &loaded_count));
    ck_assert_uint_eq(loaded_count, count);
    ck_assert_ok(clmlp_model_buffers(loaded, NULL, NULL, &buffers));
    ck_assert_uint_eq(buffers, 3);
    float *want = eval_logits(ctx, model), *got = eval_logits(ctx, loaded);
    for (size_t i = 0; i < HY_BATCH * HY_OUTPUTS; i++)
        ck_assert_float_eq(got[i], want[i]);

    free(want);
    free(got);
    clmlp_optimizer_free(optimizer);
    clmlp_model_free(model);
    clmlp_model_free(loaded);
    clmlp_context_free(ctx);
}
END_TEST

/* ---- errors ------------------------------------------------------------ */

START_TEST(memory_check_reports_sizes)
{
    clmlp_context *ctx = test_context(_i);
    const clmlp_device_info *device = clmlp_context_device(ctx);
    ck_assert_ok(clmlp_dp_mlp_check_memory(ctx, 7850, 256));

    /* One sample more than the largest allocation allows. */
    size_t batch = (size_t)(device->max_allocation / (7850 * sizeof(float))) + 1;
    ck_assert_int_eq(clmlp_dp_mlp_check_memory(ctx, 7850, batch), CLMLP_ERROR_OUT_OF_DEVICE_MEMORY);
    char needed[64], allowed[64];
    snprintf(needed, sizeof needed, "%zu bytes in one buffer", batch * 7850 * sizeof(float));
    snprintf(allowed, sizeof allowed, "%llu bytes per buffer",
             (unsigned long long)device->max_allocation);
    ck_assert_ptr_nonnull(strstr(clmlp_error_message(), needed));
    ck_assert_ptr_nonnull(strstr(clmlp_error_message(), allowed));
    ck_assert_ptr_nonnull(strstr(clmlp_error_message(), device->device_name));

    clmlp_context_free(ctx);
}
END_TEST

START_TEST(batched_ops_reject_bad_shapes)
{
    clmlp_context *ctx = test_context(_i);
    size_t a_shape[3] = {2, 3, 4}, b_shape[3] = {2, 5, 2}, m_shape[2] = {3, 4};
    clmlp_tensor *a, *b, *m, *out = NULL;
    clmlp_tape *tape;
    ck_assert_ok(clmlp_tensor_create(ctx, CLMLP_FLOAT32, 3, a_shape, &a));
    ck_assert_ok(clmlp_tensor_create(ctx, CLMLP_FLOAT32, 3, b_shape, &b));
    ck_assert_ok(clmlp_tensor_create(ctx, CLMLP_FLOAT32, 2, m_shape, &m));
    ck_assert_ok(clmlp_tape_create(ctx, &tape));

    ck_assert_int_eq(clmlp_bmm(tape, a, b, &out), CLMLP_ERROR_SHAPE);
    ck_assert_ptr_nonnull(strstr(clmlp_error_message(), "[2, 3, 4]"));
    ck_assert_int_eq(clmlp_bmm(tape, m, b, &out), CLMLP_ERROR_SHAPE);
    ck_assert_int_eq(clmlp_bmm(NULL, a, b, &out), CLMLP_ERROR_INVALID_ARGUMENT);

    /* A matrix shared across the batch cannot take a gradient. */
    size_t shared_shape[3] = {2, 4, 2}, shared_strides[3] = {0, 2, 1};
    clmlp_tensor *w = NULL, *shared = NULL;
    size_t w_shape[2] = {4, 2};
    ck_assert_ok(clmlp_tensor_create(ctx, CLMLP_FLOAT32, 2, w_shape, &w));
    ck_assert_ok(clmlp_view(tape, w, 3, shared_shape, shared_strides, 0, &shared));
    ck_assert_ok(clmlp_bmm(tape, a, shared, &out));
    ck_assert_ok(clmlp_tensor_set_requires_grad(w, true));
    ck_assert_ok(clmlp_view(tape, w, 3, shared_shape, shared_strides, 0, &shared));
    ck_assert_int_eq(clmlp_bmm(tape, a, shared, &out), CLMLP_ERROR_UNSUPPORTED);

    /* Views must stay inside their base. */
    size_t view_shape[2] = {3, 4}, view_strides[2] = {4, 1};
    ck_assert_int_eq(clmlp_view(tape, m, 2, view_shape, view_strides, 1, &out), CLMLP_ERROR_SHAPE);
    ck_assert_int_eq(clmlp_add(tape, m, a, &out), CLMLP_ERROR_SHAPE);

    /* The dynamic-parameter MLP checks its sizes and operands. */
    clmlp_dp_mlp *mlp = NULL;
    ck_assert_int_eq(clmlp_dp_mlp_create(ctx, 4, NULL, 0, 0.0f, 0, 0, &mlp),
                     CLMLP_ERROR_INVALID_ARGUMENT);
    ck_assert_int_eq(clmlp_dp_mlp_create(ctx, 4, NULL, 0, 1.0f, 2, 0, &mlp),
                     CLMLP_ERROR_INVALID_ARGUMENT);
    ck_assert_ok(clmlp_dp_mlp_create(ctx, 4, NULL, 0, 0.0f, 2, 0, &mlp));
    ck_assert_int_eq(clmlp_dp_mlp_forward(mlp, tape, m, &b, &m, &out), CLMLP_ERROR_SHAPE);
    ck_assert_ptr_nonnull(strstr(clmlp_error_message(), "[3, 4, 2]"));
    ck_assert_int_eq(clmlp_dp_mlp_split(mlp, tape, m, &a, &b), CLMLP_ERROR_SHAPE);

    clmlp_dp_mlp_free(mlp);
    clmlp_tape_free(tape);
    clmlp_tensor_free(a);
    clmlp_tensor_free(b);
    clmlp_tensor_free(m);
    clmlp_tensor_free(w);
    clmlp_context_free(ctx);
}
END_TEST

int main(void)
{
    Suite *suite = suite_create("hyper");
    TCase *tc = tcase_create("device");
    tcase_set_timeout(tc, 600);
    add_device_test(tc, bmm_view_gradients_match_finite_differences);
    add_device_test(tc, overlapping_view_gradients_add_up);
    add_device_test(tc, dp_mlp_matches_pytorch_bmm);
    add_device_test(tc, dp_mlp_split_grads_follow_layout);
    add_device_test(tc, dp_mlp_dropout_follows_mode);
    add_device_test(tc, dp_mlp_without_output_layer);
    add_device_test(tc, dp_mlp_matches_finite_differences);
    add_device_test(tc, hyper_three_sgd_steps_match_pytorch);
    add_device_test(tc, hyper_init_is_pytorch_uniform);
    add_device_test(tc, hyper_checkpoint_rebuilds_model);
    add_device_test(tc, memory_check_reports_sizes);
    add_device_test(tc, batched_ops_reject_bad_shapes);
    suite_add_tcase(suite, tc);
    return run_suite(suite, true);
}
