/* Each op's forward against a double-precision host version, and its
 * gradient against central finite differences of that host version. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "autograd/tape.h"
#include "common.h"

#define MAX_INPUTS 3

/* A test case: the host loss in double precision over the inputs, and the
 * same computation built from device ops. */
typedef struct op_case {
    const char *name;
    int input_count;
    size_t shapes[MAX_INPUTS][2];          /* [rows, cols]; cols 0 means 1-D */
    double (*host_loss)(double *const *inputs, const int *labels, size_t rows, size_t classes);
    clmlp_status (*device_loss)(clmlp_tape *tape, clmlp_tensor **inputs, clmlp_tensor *labels,
                                clmlp_tensor **loss);
    size_t rows, classes;                  /* shape of the logits fed to cross-entropy */
    float min_magnitude;                   /* keep inputs away from kinks such as ReLU's 0 */
} op_case;

static size_t numel(const size_t *shape)
{
    return shape[0] * (shape[1] ? shape[1] : 1);
}

static void host_matmul(const double *a, const double *b, size_t m, size_t k, size_t n, double *c)
{
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < n; j++) {
            double sum = 0.0;
            for (size_t p = 0; p < k; p++)
                sum += a[i * k + p] * b[p * n + j];
            c[i * n + j] = sum;
        }
}

/* loss = CE(logits) */
static double host_ce_only(double *const *in, const int *labels, size_t rows, size_t classes)
{
    return host_cross_entropy(in[0], labels, rows, classes);
}

static clmlp_status device_ce_only(clmlp_tape *tape, clmlp_tensor **in, clmlp_tensor *labels,
                                   clmlp_tensor **loss)
{
    return clmlp_cross_entropy(tape, in[0], labels, loss);
}

/* loss = CE(A[5, 4] · B[4, 3]) */
static double host_matmul_ce(double *const *in, const int *labels, size_t rows, size_t classes)
{
    double c[15];
    host_matmul(in[0], in[1], 5, 4, 3, c);
    return host_cross_entropy(c, labels, rows, classes);
}

static clmlp_status device_matmul_ce(clmlp_tape *tape, clmlp_tensor **in, clmlp_tensor *labels,
                                     clmlp_tensor **loss)
{
    clmlp_tensor *c;
    CLMLP_TRY(clmlp_matmul(tape, in[0], in[1], &c));
    return clmlp_cross_entropy(tape, c, labels, loss);
}

/* loss = CE(X[6, 5] + bias[5]) */
static double host_bias_ce(double *const *in, const int *labels, size_t rows, size_t classes)
{
    double y[30];
    for (size_t i = 0; i < 30; i++)
        y[i] = in[0][i] + in[1][i % 5];
    return host_cross_entropy(y, labels, rows, classes);
}

static clmlp_status device_bias_ce(clmlp_tape *tape, clmlp_tensor **in, clmlp_tensor *labels,
                                   clmlp_tensor **loss)
{
    clmlp_tensor *y;
    CLMLP_TRY(clmlp_add_bias(tape, in[0], in[1], &y));
    return clmlp_cross_entropy(tape, y, labels, loss);
}

/* loss = CE(ReLU(X[4, 6]) · W[6, 3]) */
static double host_relu_ce(double *const *in, const int *labels, size_t rows, size_t classes)
{
    double h[24], z[12];
    for (size_t i = 0; i < 24; i++)
        h[i] = in[0][i] > 0 ? in[0][i] : 0;
    host_matmul(h, in[1], 4, 6, 3, z);
    return host_cross_entropy(z, labels, rows, classes);
}

static clmlp_status device_relu_ce(clmlp_tape *tape, clmlp_tensor **in, clmlp_tensor *labels,
                                   clmlp_tensor **loss)
{
    clmlp_tensor *h, *z;
    CLMLP_TRY(clmlp_relu(tape, in[0], &h));
    CLMLP_TRY(clmlp_matmul(tape, h, in[1], &z));
    return clmlp_cross_entropy(tape, z, labels, loss);
}

/* The scratch MLP: loss = CE(ReLU(X[5, 7] · W1[7, 6] + b1) · W2[6, 4] + b2), with
 * X given as input 0 and gradients checked for W1 (1), b1 (2). W2 and b2 are
 * covered by the matmul and bias cases. */
static double host_mlp_ce(double *const *in, const int *labels, size_t rows, size_t classes)
{
    static const double w2[24] = {0.3, -0.2, 0.5, 0.1, -0.4, 0.2, 0.3, -0.1, 0.6, -0.3, 0.2, 0.4,
                                  -0.5, 0.1, 0.2, -0.2, 0.3, 0.3, -0.6, 0.1, 0.2, -0.1, 0.4, 0.5};
    double h[30], z[20];
    host_matmul(in[0], in[1], 5, 7, 6, h);
    for (size_t i = 0; i < 30; i++) {
        h[i] += in[2][i % 6];
        h[i] = h[i] > 0 ? h[i] : 0;
    }
    host_matmul(h, w2, 5, 6, 4, z);
    return host_cross_entropy(z, labels, rows, classes);
}

static clmlp_status device_mlp_ce(clmlp_tape *tape, clmlp_tensor **in, clmlp_tensor *labels,
                                  clmlp_tensor **loss)
{
    static const float w2_values[24] = {0.3f, -0.2f, 0.5f, 0.1f, -0.4f, 0.2f, 0.3f, -0.1f,
                                        0.6f, -0.3f, 0.2f, 0.4f, -0.5f, 0.1f, 0.2f, -0.2f,
                                        0.3f, 0.3f, -0.6f, 0.1f, 0.2f, -0.1f, 0.4f, 0.5f};
    size_t w2_shape[2] = {6, 4};
    clmlp_tensor *w2 = NULL, *a, *h_pre, *h, *z;
    /* The tape takes W2 so it is freed with the step's other tensors. */
    CLMLP_TRY(clmlp_tensor_from_host(tape->ctx, CLMLP_FLOAT32, 2, w2_shape, w2_values, &w2));
    CLMLP_TRY(clmlp_tape_adopt(tape, w2));
    CLMLP_TRY(clmlp_matmul(tape, in[0], in[1], &a));
    CLMLP_TRY(clmlp_add_bias(tape, a, in[2], &h_pre));
    CLMLP_TRY(clmlp_relu(tape, h_pre, &h));
    CLMLP_TRY(clmlp_matmul(tape, h, w2, &z));
    return clmlp_cross_entropy(tape, z, labels, loss);
}

/* The scratch MLP with the fused bias and ReLU op; host_mlp_ce is its loss. */
static clmlp_status device_mlp_fused_ce(clmlp_tape *tape, clmlp_tensor **in, clmlp_tensor *labels,
                                        clmlp_tensor **loss)
{
    static const float w2_values[24] = {0.3f, -0.2f, 0.5f, 0.1f, -0.4f, 0.2f, 0.3f, -0.1f,
                                        0.6f, -0.3f, 0.2f, 0.4f, -0.5f, 0.1f, 0.2f, -0.2f,
                                        0.3f, 0.3f, -0.6f, 0.1f, 0.2f, -0.1f, 0.4f, 0.5f};
    size_t w2_shape[2] = {6, 4};
    clmlp_tensor *w2 = NULL, *a, *h, *z;
    CLMLP_TRY(clmlp_tensor_from_host(tape->ctx, CLMLP_FLOAT32, 2, w2_shape, w2_values, &w2));
    CLMLP_TRY(clmlp_tape_adopt(tape, w2));
    CLMLP_TRY(clmlp_matmul(tape, in[0], in[1], &a));
    CLMLP_TRY(clmlp_add_bias_relu(tape, a, in[2], &h));
    CLMLP_TRY(clmlp_matmul(tape, h, w2, &z));
    return clmlp_cross_entropy(tape, z, labels, loss);
}

/* loss = CE(ReLU(X[4, 3] + bias[3])), with X and bias both taking gradients. */
static double host_bias_relu_ce(double *const *in, const int *labels, size_t rows, size_t classes)
{
    double y[12];
    for (size_t i = 0; i < 12; i++) {
        y[i] = in[0][i] + in[1][i % 3];
        y[i] = y[i] > 0 ? y[i] : 0;
    }
    return host_cross_entropy(y, labels, rows, classes);
}

static clmlp_status device_bias_relu_ce(clmlp_tape *tape, clmlp_tensor **in, clmlp_tensor *labels,
                                        clmlp_tensor **loss)
{
    clmlp_tensor *y;
    CLMLP_TRY(clmlp_add_bias_relu(tape, in[0], in[1], &y));
    return clmlp_cross_entropy(tape, y, labels, loss);
}

static const op_case cases[] = {
    {"cross_entropy", 1, {{6, 5}}, host_ce_only, device_ce_only, 6, 5, 0.0f},
    {"matmul", 2, {{5, 4}, {4, 3}}, host_matmul_ce, device_matmul_ce, 5, 3, 0.0f},
    {"add_bias", 2, {{6, 5}, {5, 0}}, host_bias_ce, device_bias_ce, 6, 5, 0.0f},
    {"relu", 2, {{4, 6}, {6, 3}}, host_relu_ce, device_relu_ce, 4, 3, 0.05f},
    {"scratch_mlp", 3, {{5, 7}, {7, 6}, {6, 0}}, host_mlp_ce, device_mlp_ce, 5, 4, 0.0f},
    {"scratch_mlp_fused", 3, {{5, 7}, {7, 6}, {6, 0}}, host_mlp_ce, device_mlp_fused_ce, 5, 4,
     0.0f},
    {"add_bias_relu", 2, {{4, 3}, {3, 0}}, host_bias_relu_ce, device_bias_relu_ce, 4, 3, 0.05f},
};

static void run_case(clmlp_context *ctx, const op_case *c)
{
    uint32_t seed = 12345;
    float *values[MAX_INPUTS];
    double *host[MAX_INPUTS];
    clmlp_tensor *inputs[MAX_INPUTS];
    for (int i = 0; i < c->input_count; i++) {
        size_t n = numel(c->shapes[i]);
        values[i] = malloc(n * sizeof(float));
        host[i] = malloc(n * sizeof(double));
        fill_uniform(values[i], n, -1.5f, 1.5f, &seed);
        for (size_t j = 0; j < n; j++) {
            /* Move values off the kink so finite differences stay on one side. */
            if (fabsf(values[i][j]) < c->min_magnitude)
                values[i][j] = values[i][j] < 0 ? -c->min_magnitude : c->min_magnitude;
            host[i][j] = values[i][j];
        }
        int ndim = c->shapes[i][1] ? 2 : 1;
        ck_assert_ok(clmlp_tensor_from_host(ctx, CLMLP_FLOAT32, ndim, c->shapes[i], values[i],
                                            &inputs[i]));
        ck_assert_ok(clmlp_tensor_set_requires_grad(inputs[i], true));
    }

    int labels[16];
    for (size_t b = 0; b < c->rows; b++)
        labels[b] = (int)((b * 7 + 3) % c->classes);
    clmlp_tensor *label_tensor = NULL;
    ck_assert_ok(clmlp_tensor_from_host(ctx, CLMLP_INT32, 1, &c->rows, labels, &label_tensor));

    clmlp_tape *tape = NULL;
    clmlp_tensor *loss = NULL;
    ck_assert_ok(clmlp_tape_create(ctx, &tape));
    ck_assert_ok(c->device_loss(tape, inputs, label_tensor, &loss));
    ck_assert_ok(clmlp_backward(tape, loss));

    /* Forward value. */
    float got_loss;
    ck_assert_ok(clmlp_tensor_read(loss, &got_loss, 1));
    double want_loss = c->host_loss(host, labels, c->rows, c->classes);
    assert_close(&got_loss, &want_loss, 1, 1e-5, 1e-6, c->name);

    /* Gradients against central differences of the double-precision loss. */
    const double h = 1e-6;
    for (int i = 0; i < c->input_count; i++) {
        size_t n = numel(c->shapes[i]);
        double *want = malloc(n * sizeof *want);
        for (size_t j = 0; j < n; j++) {
            double saved = host[i][j];
            host[i][j] = saved + h;
            double up = c->host_loss(host, labels, c->rows, c->classes);
            host[i][j] = saved - h;
            double down = c->host_loss(host, labels, c->rows, c->classes);
            host[i][j] = saved;
            want[j] = (up - down) / (2 * h);
        }
        float *got = read_tensor(clmlp_tensor_grad(inputs[i]));
        char what[64];
        snprintf(what, sizeof what, "%s: gradient of input %d", c->name, i);
        assert_close(got, want, n, 1e-3, 1e-5, what);
        free(got);
        free(want);
    }

    clmlp_tape_free(tape);
    clmlp_tensor_free(label_tensor);
    for (int i = 0; i < c->input_count; i++) {
        clmlp_tensor_free(inputs[i]);
        free(values[i]);
        free(host[i]);
    }
}

START_TEST(op_gradients_match_finite_differences)
{
    clmlp_context *ctx = test_context(_i);
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
        run_case(ctx, &cases[k]);
    clmlp_context_free(ctx);
}
END_TEST

START_TEST(cross_entropy_is_stable_for_large_logits)
{
    clmlp_context *ctx = test_context(_i);
    /* exp(1000) overflows float; subtracting the row maximum avoids it. */
    float logits[6] = {1000.0f, 0.0f, -1000.0f, -5000.0f, 5000.0f, 4999.0f};
    int labels[2] = {0, 2};
    size_t shape[2] = {2, 3}, rows = 2;
    clmlp_tensor *z, *y, *loss;
    clmlp_tape *tape;
    ck_assert_ok(clmlp_tensor_from_host(ctx, CLMLP_FLOAT32, 2, shape, logits, &z));
    ck_assert_ok(clmlp_tensor_from_host(ctx, CLMLP_INT32, 1, &rows, labels, &y));
    ck_assert_ok(clmlp_tape_create(ctx, &tape));
    ck_assert_ok(clmlp_cross_entropy(tape, z, y, &loss));
    float got;
    ck_assert_ok(clmlp_tensor_read(loss, &got, 1));
    /* Row 0 loses ~0; row 1 loses 5000 - 4999 + log(1 + e^-1). */
    double want = (0.0 + 1.0 + log1p(exp(-1.0))) / 2.0;
    assert_close(&got, &want, 1, 1e-5, 1e-5, "loss");
    clmlp_tape_free(tape);
    clmlp_tensor_free(z);
    clmlp_tensor_free(y);
    clmlp_context_free(ctx);
}
END_TEST

START_TEST(ops_reject_mismatched_shapes)
{
    clmlp_context *ctx = test_context(_i);
    size_t a_shape[2] = {3, 4}, b_shape[2] = {5, 2}, bias_shape = 3, label_count = 2;
    clmlp_tensor *a, *b, *bias, *labels, *out = NULL;
    clmlp_tape *tape;
    ck_assert_ok(clmlp_tensor_create(ctx, CLMLP_FLOAT32, 2, a_shape, &a));
    ck_assert_ok(clmlp_tensor_create(ctx, CLMLP_FLOAT32, 2, b_shape, &b));
    ck_assert_ok(clmlp_tensor_create(ctx, CLMLP_FLOAT32, 1, &bias_shape, &bias));
    ck_assert_ok(clmlp_tensor_create(ctx, CLMLP_INT32, 1, &label_count, &labels));
    ck_assert_ok(clmlp_tape_create(ctx, &tape));

    ck_assert_int_eq(clmlp_matmul(tape, a, b, &out), CLMLP_ERROR_SHAPE);
    ck_assert_ptr_nonnull(strstr(clmlp_error_message(), "[3, 4]"));
    ck_assert_int_eq(clmlp_add_bias(tape, a, bias, &out), CLMLP_ERROR_SHAPE);
    ck_assert_int_eq(clmlp_cross_entropy(tape, a, labels, &out), CLMLP_ERROR_SHAPE);
    ck_assert_int_eq(clmlp_cross_entropy(tape, a, a, &out), CLMLP_ERROR_SHAPE);
    ck_assert_int_eq(clmlp_matmul(NULL, a, b, &out), CLMLP_ERROR_INVALID_ARGUMENT);

    clmlp_tape_free(tape);
    clmlp_tensor_free(a);
    clmlp_tensor_free(b);
    clmlp_tensor_free(bias);
    clmlp_tensor_free(labels);
    clmlp_context_free(ctx);
}
END_TEST

START_TEST(sgd_step_matches_host_update)
{
    clmlp_context *ctx = test_context(_i);
    float p0[5] = {1, -2, 3, -4, 5}, g[5] = {0.5f, 0.25f, -1, 2, 0};
    size_t n = 5;
    clmlp_tensor *p;
    ck_assert_ok(clmlp_tensor_from_host(ctx, CLMLP_FLOAT32, 1, &n, p0, &p));
    ck_assert_ok(clmlp_tensor_set_requires_grad(p, true));
    ck_assert_ok(clmlp_tensor_write(clmlp_tensor_grad(p), g, 5));

    /* Momentum 0.9, weight decay 0.1, two steps with the same gradient. */
    clmlp_sgd_options o = clmlp_sgd_default();
    o.lr = 0.5f;
    o.momentum = 0.9f;
    o.weight_decay = 0.1f;
    clmlp_optimizer *opt;
    ck_assert_ok(clmlp_sgd_create(ctx, &p, 1, &o, &opt));
    ck_assert_ok(clmlp_optimizer_step(opt));
    ck_assert_ok(clmlp_optimizer_step(opt));

    double want[5];
    for (int i = 0; i < 5; i++) {
        double w = p0[i], buf = 0;
        for (int step = 0; step < 2; step++) {
            double d = g[i] + 0.1 * w;
            buf = step == 0 ? d : 0.9 * buf + d;
            w -= 0.5 * buf;
        }
        want[i] = w;
    }
    float *got = read_tensor(p);
    assert_close(got, want, 5, 1e-5, 1e-6, "parameter");
    free(got);

    /* zero_grad clears the gradient. */
    ck_assert_ok(clmlp_optimizer_zero_grad(opt));
    got = read_tensor(clmlp_tensor_grad(p));
    for (int i = 0; i < 5; i++)
        ck_assert_float_eq(got[i], 0.0f);
    free(got);

    clmlp_optimizer_free(opt);
    clmlp_tensor_free(p);
    clmlp_context_free(ctx);
}
END_TEST

int main(void)
{
    Suite *suite = suite_create("ops");
    TCase *tc = tcase_create("device");
    tcase_set_timeout(tc, 600);
    add_device_test(tc, op_gradients_match_finite_differences);
    add_device_test(tc, cross_entropy_is_stable_for_large_logits);
    add_device_test(tc, ops_reject_mismatched_shapes);
    add_device_test(tc, sgd_step_matches_host_update);
    suite_add_tcase(suite, tc);
    return run_suite(suite, true);
}
