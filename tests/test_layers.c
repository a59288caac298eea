/* The layer ops against double-precision host versions and central finite
 * differences, and the modules and losses against PyTorch fixtures. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "autograd/tape.h"
#include "common.h"
#include "core/philox.h"
#include "fixtures.h"

#define MAX_INPUTS 3
#define MAX_VALUES 64
#define DROPOUT_P 0.3f
#define DROPOUT_SEED 0x1234567887654321ull
#define DROPOUT_COUNTER 5u

/* A case: out = f(inputs) on the host in double precision and on the
 * device. The scalar checked by finite differences is sum(r * out) for a
 * fixed r, which the device gets as the upstream gradient of out. Only the
 * first grad_inputs inputs get gradients; the others are constants such as
 * targets. */
typedef struct grad_case {
    const char *name;
    int input_count, grad_inputs;
    size_t shapes[MAX_INPUTS][2];            /* [rows, cols]; cols 0 means 1-D */
    float low[MAX_INPUTS], high[MAX_INPUTS]; /* range of the random inputs */
    size_t rows, cols;                       /* output shape for the host function */
    void (*host)(double *const *in, double *out);
    clmlp_status (*device)(clmlp_tape *tape, clmlp_tensor **in, clmlp_tensor **out);
    float min_magnitude;                     /* keeps inputs off kinks at 0 */
} grad_case;

static size_t numel(const size_t *shape)
{
    return shape[0] * (shape[1] ? shape[1] : 1);
}

/* out[B, O] = x[B, I] · Wᵀ + b for x [4, 3], W [2, 3], b [2]. */
static void host_linear(double *const *in, double *out)
{
    for (size_t b = 0; b < 4; b++)
        for (size_t o = 0; o < 2; o++) {
            double sum = in[2][o];
            for (size_t i = 0; i < 3; i++)
                sum += in[0][b * 3 + i] * in[1][o * 3 + i];
            out[b * 2 + o] = sum;
        }
}

static clmlp_status device_linear(clmlp_tape *tape, clmlp_tensor **in, clmlp_tensor **out)
{
    return clmlp_linear(tape, in[0], in[1], in[2], out);
}

/* The same without bias, x [3, 5] and W [4, 5]. */
static void host_linear_no_bias(double *const *in, double *out)
{
    for (size_t b = 0; b < 3; b++)
        for (size_t o = 0; o < 4; o++) {
            double sum = 0;
            for (size_t i = 0; i < 5; i++)
                sum += in[0][b * 5 + i] * in[1][o * 5 + i];
            out[b * 4 + o] = sum;
        }
}

static clmlp_status device_linear_no_bias(clmlp_tape *tape, clmlp_tensor **in, clmlp_tensor **out)
{
    return clmlp_linear(tape, in[0], in[1], NULL, out);
}

static void host_tanh(double *const *in, double *out)
{
    for (size_t i = 0; i < 12; i++)
        out[i] = tanh(in[0][i]);
}

static clmlp_status device_tanh(clmlp_tape *tape, clmlp_tensor **in, clmlp_tensor **out)
{
    return clmlp_tanh(tape, in[0], out);
}

static void host_sigmoid(double *const *in, double *out)
{
    for (size_t i = 0; i < 12; i++)
        out[i] = 1.0 / (1.0 + exp(-in[0][i]));
}

static clmlp_status device_sigmoid(clmlp_tape *tape, clmlp_tensor **in, clmlp_tensor **out)
{
    return clmlp_sigmoid(tape, in[0], out);
}

static void host_leaky_relu(double *const *in, double *out)
{
    for (size_t i = 0; i < 12; i++)
        out[i] = in[0][i] > 0 ? in[0][i] : 0.01 * in[0][i];
}

static clmlp_status device_leaky_relu(clmlp_tape *tape, clmlp_tensor **in, clmlp_tensor **out)
{
    return clmlp_leaky_relu(tape, in[0], 0.01f, out);
}

/* Batch norm of x [5, 3] with weight and bias [3], batch statistics. */
static void host_batch_norm_train(double *const *in, double *out)
{
    for (size_t f = 0; f < 3; f++) {
        double mean = 0, var = 0;
        for (size_t r = 0; r < 5; r++)
            mean += in[0][r * 3 + f] / 5;
        for (size_t r = 0; r < 5; r++)
            var += (in[0][r * 3 + f] - mean) * (in[0][r * 3 + f] - mean) / 5;
        for (size_t r = 0; r < 5; r++)
            out[r * 3 + f] = (in[0][r * 3 + f] - mean) / sqrt(var + 1e-5) * in[1][f] + in[2][f];
    }
}

static clmlp_status device_batch_norm_train(clmlp_tape *tape, clmlp_tensor **in,
                                            clmlp_tensor **out)
{
    return clmlp_batch_norm(tape, in[0], in[1], in[2], NULL, NULL, NULL, true, 0.1f, 1e-5f, out);
}

/* Batch norm of x [4, 3] with fixed running statistics. */
static const float running_mean_values[3] = {0.5f, -0.25f, 1.0f};
static const float running_var_values[3] = {2.0f, 0.5f, 1.5f};

static void host_batch_norm_eval(double *const *in, double *out)
{
    for (size_t i = 0; i < 12; i++) {
        size_t f = i % 3;
        out[i] = (in[0][i] - running_mean_values[f]) / sqrt(running_var_values[f] + 1e-5) *
                     in[1][f] + in[2][f];
    }
}

static clmlp_status device_batch_norm_eval(clmlp_tape *tape, clmlp_tensor **in,
                                           clmlp_tensor **out)
{
    size_t three = 3;
    clmlp_tensor *mean = NULL, *var = NULL;
    CLMLP_TRY(clmlp_tensor_from_host(tape->ctx, CLMLP_FLOAT32, 1, &three, running_mean_values,
                                     &mean));
    CLMLP_TRY(clmlp_tape_adopt(tape, mean));
    CLMLP_TRY(clmlp_tensor_from_host(tape->ctx, CLMLP_FLOAT32, 1, &three, running_var_values, &var));
    CLMLP_TRY(clmlp_tape_adopt(tape, var));
    return clmlp_batch_norm(tape, in[0], in[1], in[2], mean, var, NULL, false, 0.1f, 1e-5f, out);
}

/* Dropout of x [4, 8]; the host mask comes from the host Philox, so the
 * forward check also proves that the OpenCL port gives the same numbers. */
static void host_dropout(double *const *in, double *out)
{
    uint32_t key[2] = {(uint32_t)DROPOUT_SEED,
                       (uint32_t)(DROPOUT_SEED >> 32) ^ CLMLP_PHILOX_STREAM_DROPOUT};
    for (uint32_t i = 0; i < 32; i++) {
        uint32_t counter[4] = {i, 0, DROPOUT_COUNTER, 0}, words[4];
        clmlp_philox4x32_10(counter, key, words);
        bool keep = clmlp_philox_uniform(words[0]) >= DROPOUT_P;
        out[i] = keep ? in[0][i] / (1.0 - (double)DROPOUT_P) : 0.0;
    }
}

static clmlp_status device_dropout(clmlp_tape *tape, clmlp_tensor **in, clmlp_tensor **out)
{
    return clmlp_dropout(tape, in[0], DROPOUT_P, DROPOUT_SEED, DROPOUT_COUNTER, out);
}

/* Binary cross-entropy on logits z [6] with targets t [6]. */
static void host_bce_with_logits(double *const *in, double *out)
{
    double total = 0;
    for (size_t i = 0; i < 6; i++) {
        double z = in[0][i], t = in[1][i];
        total += fmax(z, 0) - z * t + log1p(exp(-fabs(z)));
    }
    out[0] = total / 6;
}

static clmlp_status device_bce_with_logits(clmlp_tape *tape, clmlp_tensor **in, clmlp_tensor **out)
{
    return clmlp_bce_with_logits(tape, in[0], in[1], out);
}

/* Binary cross-entropy on probabilities p [6] with targets t [6]. */
static void host_bce(double *const *in, double *out)
{
    double total = 0;
    for (size_t i = 0; i < 6; i++) {
        double p = in[0][i], t = in[1][i];
        total -= t * log(p) + (1 - t) * log(1 - p);
    }
    out[0] = total / 6;
}

static clmlp_status device_bce(clmlp_tape *tape, clmlp_tensor **in, clmlp_tensor **out)
{
    return clmlp_binary_cross_entropy(tape, in[0], in[1], out);
}

/* Mean squared error of x [3, 4] against t [3, 4]. */
static void host_mse(double *const *in, double *out)
{
    double total = 0;
    for (size_t i = 0; i < 12; i++)
        total += (in[0][i] - in[1][i]) * (in[0][i] - in[1][i]);
    out[0] = total / 12;
}

static clmlp_status device_mse(clmlp_tape *tape, clmlp_tensor **in, clmlp_tensor **out)
{
    return clmlp_mse_loss(tape, in[0], in[1], out);
}

static const grad_case cases[] = {
    {"linear", 3, 3, {{4, 3}, {2, 3}, {2, 0}}, {-1.5f, -1.5f, -1.5f}, {1.5f, 1.5f, 1.5f}, 4, 2,
     host_linear, device_linear, 0.0f},
    {"linear_no_bias", 2, 2, {{3, 5}, {4, 5}}, {-1.5f, -1.5f}, {1.5f, 1.5f}, 3, 4,
     host_linear_no_bias, device_linear_no_bias, 0.0f},
    {"tanh", 1, 1, {{3, 4}}, {-2.0f}, {2.0f}, 3, 4, host_tanh, device_tanh, 0.0f},
    {"sigmoid", 1, 1, {{3, 4}}, {-4.0f}, {4.0f}, 3, 4, host_sigmoid, device_sigmoid, 0.0f},
    {"leaky_relu", 1, 1, {{3, 4}}, {-2.0f}, {2.0f}, 3, 4, host_leaky_relu, device_leaky_relu,
     0.05f},
    {"batch_norm_train", 3, 3, {{5, 3}, {3, 0}, {3, 0}}, {-2.0f, 0.5f, -1.0f},
     {2.0f, 1.5f, 1.0f}, 5, 3, host_batch_norm_train, device_batch_norm_train, 0.0f},
    {"batch_norm_eval", 3, 3, {{4, 3}, {3, 0}, {3, 0}}, {-2.0f, 0.5f, -1.0f}, {2.0f, 1.5f, 1.0f},
     4, 3, host_batch_norm_eval, device_batch_norm_eval, 0.0f},
    {"dropout", 1, 1, {{4, 8}}, {-2.0f}, {2.0f}, 4, 8, host_dropout, device_dropout, 0.0f},
    {"bce_with_logits", 2, 1, {{6, 0}, {6, 0}}, {-3.0f, 0.0f}, {3.0f, 1.0f}, 1, 1,
     host_bce_with_logits, device_bce_with_logits, 0.0f},
    {"bce", 2, 1, {{6, 0}, {6, 0}}, {0.05f, 0.0f}, {0.95f, 1.0f}, 1, 1, host_bce, device_bce,
     0.0f},
    {"mse", 2, 1, {{3, 4}, {3, 4}}, {-2.0f, -2.0f}, {2.0f, 2.0f}, 1, 1, host_mse, device_mse,
     0.0f},
};

/* sum(r * f(inputs)) in double precision. */
static double host_weighted(const grad_case *c, double *const *in, const double *r)
{
    double out[MAX_VALUES], total = 0;
    c->host(in, out);
    for (size_t i = 0; i < c->rows * c->cols; i++)
        total += r[i] * out[i];
    return total;
}

static void run_case(clmlp_context *ctx, const grad_case *c)
{
    uint32_t seed = 777;
    float values[MAX_INPUTS][MAX_VALUES];
    double host[MAX_INPUTS][MAX_VALUES];
    double *host_ptrs[MAX_INPUTS];
    clmlp_tensor *inputs[MAX_INPUTS];
    for (int i = 0; i < c->input_count; i++) {
        size_t n = numel(c->shapes[i]);
        fill_uniform(values[i], n, c->low[i], c->high[i], &seed);
        for (size_t j = 0; j < n; j++) {
            if (fabsf(values[i][j]) < c->min_magnitude)
                values[i][j] = values[i][j] < 0 ? -c->min_magnitude : c->min_magnitude;
            host[i][j] = values[i][j];
        }
        host_ptrs[i] = host[i];
        int ndim = c->shapes[i][1] ? 2 : 1;
        ck_assert_ok(clmlp_tensor_from_host(ctx, CLMLP_FLOAT32, ndim, c->shapes[i], values[i],
                                            &inputs[i]));
        if (i < c->grad_inputs)
            ck_assert_ok(clmlp_tensor_set_requires_grad(inputs[i], true));
    }

    /* The upstream gradient r. */
    size_t out_n = c->rows * c->cols;
    float r[MAX_VALUES];
    double r_host[MAX_VALUES];
    fill_uniform(r, out_n, -1.0f, 1.0f, &seed);
    for (size_t j = 0; j < out_n; j++)
        r_host[j] = r[j];

    clmlp_tape *tape = NULL;
    clmlp_tensor *out = NULL, *out_grad = NULL;
    ck_assert_ok(clmlp_tape_create(ctx, &tape));
    ck_assert_ok(c->device(tape, inputs, &out));
    ck_assert_uint_eq(clmlp_tensor_numel(out), out_n);
    ck_assert_ok(clmlp_tensor_ensure_grad(out, &out_grad));
    ck_assert_ok(clmlp_tensor_write(out_grad, r, out_n));
    ck_assert_ok(clmlp_tape_replay(tape));

    /* Forward values. */
    double want_out[MAX_VALUES];
    c->host(host_ptrs, want_out);
    float *got_out = read_tensor(out);
    char what[96];
    snprintf(what, sizeof what, "%s: output", c->name);
    assert_close(got_out, want_out, out_n, 1e-5, 1e-5, what);
    free(got_out);

    /* Gradients against central differences. */
    const double h = 1e-6;
    for (int i = 0; i < c->grad_inputs; i++) {
        size_t n = numel(c->shapes[i]);
        double want[MAX_VALUES];
        for (size_t j = 0; j < n; j++) {
            double saved = host[i][j];
            host[i][j] = saved + h;
            double up = host_weighted(c, host_ptrs, r_host);
            host[i][j] = saved - h;
            double down = host_weighted(c, host_ptrs, r_host);
            host[i][j] = saved;
            want[j] = (up - down) / (2 * h);
        }
        float *got = read_tensor(clmlp_tensor_grad(inputs[i]));
        snprintf(what, sizeof what, "%s: gradient of input %d", c->name, i);
        assert_close(got, want, n, 1e-4, 1e-5, what);
        free(got);
    }

    clmlp_tape_free(tape);
    for (int i = 0; i < c->input_count; i++)
        clmlp_tensor_free(inputs[i]);
}

START_TEST(layer_ops_match_finite_differences)
{
    clmlp_context *ctx = test_context(_i);
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
        run_case(ctx, &cases[k]);
    clmlp_context_free(ctx);
}
END_TEST
