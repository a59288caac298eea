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

/* Fixture tolerance: 1e-4 relative, 1e-5 absolute. */
#define REL_TOL 1e-4
#define ABS_TOL 1e-5

/* Uploads a fixture record as a new float tensor. */
static clmlp_tensor *fixture_tensor(clmlp_context *ctx, const fixture_file *f, const char *name,
                                    int ndim, const size_t *shape)
{
    size_t n = 1;
    for (int i = 0; i < ndim; i++)
        n *= shape[i];
    float values[MAX_VALUES];
    ck_assert_uint_le(n, MAX_VALUES);
    fixture_floats(f, name, n, values);
    clmlp_tensor *t = NULL;
    ck_assert_ok(clmlp_tensor_from_host(ctx, CLMLP_FLOAT32, ndim, shape, values, &t));
    return t;
}

/* Writes a fixture record into an existing tensor. */
static void write_fixture(clmlp_tensor *t, const fixture_file *f, const char *name)
{
    float values[MAX_VALUES];
    size_t n = clmlp_tensor_numel(t);
    fixture_floats(f, name, n, values);
    ck_assert_ok(clmlp_tensor_write(t, values, n));
}

static void expect_fixture(const clmlp_tensor *t, const fixture_file *f, const char *name)
{
    size_t n = clmlp_tensor_numel(t);
    float *got = read_tensor(t);
    assert_close(got, fixture_values(f, name, n), n, REL_TOL, ABS_TOL, name);
    free(got);
}

/* Runs module forward on x, seeds the output gradient with upstream and
 * back-propagates; returns the output, owned by tape. */
static clmlp_tensor *forward_backward(clmlp_module *module, clmlp_tape *tape, clmlp_tensor *x,
                                      const fixture_file *f, const char *upstream)
{
    clmlp_tensor *y = NULL, *dy = NULL;
    ck_assert_ok(clmlp_module_forward(module, tape, x, &y));
    ck_assert_ok(clmlp_tensor_ensure_grad(y, &dy));
    write_fixture(dy, f, upstream);
    ck_assert_ok(clmlp_tape_replay(tape));
    return y;
}

/* Returns the parameter or buffer named name in list. */
static clmlp_tensor *named(const clmlp_named_tensors *list, const char *name)
{
    for (size_t i = 0; i < list->count; i++)
        if (strcmp(list->items[i].name, name) == 0)
            return list->items[i].tensor;
    ck_abort_msg("no tensor named %s", name);
    return NULL;
}

START_TEST(linear_matches_pytorch)
{
    clmlp_context *ctx = test_context(_i);
    fixture_file *f = fixture_open("modules.txt");
    size_t x_shape[2] = {4, 3};
    clmlp_module *linear = NULL;
    ck_assert_ok(clmlp_linear_create(ctx, 3, 2, true, 1, &linear));
    clmlp_named_tensors params;
    ck_assert_ok(clmlp_module_parameters(linear, NULL, &params));
    ck_assert_uint_eq(params.count, 2);
    clmlp_tensor *weight = named(&params, "weight"), *bias = named(&params, "bias");
    write_fixture(weight, f, "linear.weight");
    write_fixture(bias, f, "linear.bias");

    clmlp_tensor *x = fixture_tensor(ctx, f, "linear.x", 2, x_shape);
    ck_assert_ok(clmlp_tensor_set_requires_grad(x, true));
    clmlp_tape *tape = NULL;
    ck_assert_ok(clmlp_tape_create(ctx, &tape));
    clmlp_tensor *y = forward_backward(linear, tape, x, f, "linear.upstream");
    expect_fixture(y, f, "linear.y");
    expect_fixture(clmlp_tensor_grad(x), f, "linear.dx");
    expect_fixture(clmlp_tensor_grad(weight), f, "linear.dweight");
    expect_fixture(clmlp_tensor_grad(bias), f, "linear.dbias");

    clmlp_tape_free(tape);
    clmlp_tensor_free(x);
    clmlp_named_tensors_free(&params);
    clmlp_module_free(linear);
    fixture_close(f);
    clmlp_context_free(ctx);
}
END_TEST

START_TEST(activations_match_pytorch)
{
    clmlp_context *ctx = test_context(_i);
    fixture_file *f = fixture_open("modules.txt");
    size_t shape[2] = {3, 4};
    const char *names[4] = {"relu", "tanh", "sigmoid", "leakyrelu"};
    for (int k = 0; k < 4; k++) {
        clmlp_module *m = NULL;
        if (k == 0)
            ck_assert_ok(clmlp_relu_create(ctx, &m));
        else if (k == 1)
            ck_assert_ok(clmlp_tanh_create(ctx, &m));
        else if (k == 2)
            ck_assert_ok(clmlp_sigmoid_create(ctx, &m));
        else
            ck_assert_ok(clmlp_leaky_relu_create(ctx, CLMLP_LEAKY_RELU_SLOPE, &m));

        clmlp_tensor *x = fixture_tensor(ctx, f, "act.x", 2, shape);
        ck_assert_ok(clmlp_tensor_set_requires_grad(x, true));
        clmlp_tape *tape = NULL;
        ck_assert_ok(clmlp_tape_create(ctx, &tape));
        clmlp_tensor *y = forward_backward(m, tape, x, f, "act.upstream");
        char name[64];
        snprintf(name, sizeof name, "%s.y", names[k]);
        expect_fixture(y, f, name);
        snprintf(name, sizeof name, "%s.dx", names[k]);
        expect_fixture(clmlp_tensor_grad(x), f, name);

        clmlp_tape_free(tape);
        clmlp_tensor_free(x);
        clmlp_module_free(m);
    }
    fixture_close(f);
    clmlp_context_free(ctx);
}
END_TEST

START_TEST(batch_norm_matches_pytorch)
{
    clmlp_context *ctx = test_context(_i);
    fixture_file *f = fixture_open("modules.txt");
    clmlp_module *bn = NULL;
    ck_assert_ok(clmlp_batch_norm1d_create(ctx, 3, NULL, &bn));
    clmlp_named_tensors params, buffers;
    ck_assert_ok(clmlp_module_parameters(bn, NULL, &params));
    ck_assert_ok(clmlp_module_buffers(bn, NULL, &buffers));
    ck_assert_uint_eq(buffers.count, 3);
    clmlp_tensor *weight = named(&params, "weight"), *bias = named(&params, "bias");
    write_fixture(weight, f, "bn.weight");
    write_fixture(bias, f, "bn.bias");

    /* Three training steps, each with fresh gradients. */
    clmlp_tape *tape = NULL;
    ck_assert_ok(clmlp_tape_create(ctx, &tape));
    size_t train_shape[2] = {5, 3};
    for (int step = 0; step < 3; step++) {
        char name[64];
        snprintf(name, sizeof name, "bn.step%d.x", step);
        clmlp_tensor *x = fixture_tensor(ctx, f, name, 2, train_shape);
        ck_assert_ok(clmlp_tensor_set_requires_grad(x, true));
        ck_assert_ok(clmlp_tensor_fill(clmlp_tensor_grad(weight), 0.0f));
        ck_assert_ok(clmlp_tensor_fill(clmlp_tensor_grad(bias), 0.0f));
        snprintf(name, sizeof name, "bn.step%d.upstream", step);
        clmlp_tensor *y = forward_backward(bn, tape, x, f, name);
        snprintf(name, sizeof name, "bn.step%d.y", step);
        expect_fixture(y, f, name);
        snprintf(name, sizeof name, "bn.step%d.dx", step);
        expect_fixture(clmlp_tensor_grad(x), f, name);
        snprintf(name, sizeof name, "bn.step%d.dweight", step);
        expect_fixture(clmlp_tensor_grad(weight), f, name);
        snprintf(name, sizeof name, "bn.step%d.dbias", step);
        expect_fixture(clmlp_tensor_grad(bias), f, name);
        clmlp_tape_reset(tape);
        clmlp_tensor_free(x);
    }
    expect_fixture(named(&buffers, "running_mean"), f, "bn.running_mean");
    expect_fixture(named(&buffers, "running_var"), f, "bn.running_var");
    int tracked = 0;
    ck_assert_ok(clmlp_tensor_read(named(&buffers, "num_batches_tracked"), &tracked, 1));
    ck_assert_int_eq(tracked, 3);

    /* Evaluation uses the running statistics and leaves them alone. */
    clmlp_module_set_training(bn, false);
    ck_assert_ok(clmlp_tensor_fill(clmlp_tensor_grad(weight), 0.0f));
    ck_assert_ok(clmlp_tensor_fill(clmlp_tensor_grad(bias), 0.0f));
    size_t eval_shape[2] = {4, 3};
    clmlp_tensor *x = fixture_tensor(ctx, f, "bn.eval.x", 2, eval_shape);
    ck_assert_ok(clmlp_tensor_set_requires_grad(x, true));
    clmlp_tensor *y = forward_backward(bn, tape, x, f, "bn.eval.upstream");
    expect_fixture(y, f, "bn.eval.y");
    expect_fixture(clmlp_tensor_grad(x), f, "bn.eval.dx");
    expect_fixture(clmlp_tensor_grad(weight), f, "bn.eval.dweight");
    expect_fixture(clmlp_tensor_grad(bias), f, "bn.eval.dbias");
    expect_fixture(named(&buffers, "running_mean"), f, "bn.running_mean");
    ck_assert_ok(clmlp_tensor_read(named(&buffers, "num_batches_tracked"), &tracked, 1));
    ck_assert_int_eq(tracked, 3);

    clmlp_tape_free(tape);
    clmlp_tensor_free(x);
    clmlp_named_tensors_free(&params);
    clmlp_named_tensors_free(&buffers);
    clmlp_module_free(bn);
    fixture_close(f);
    clmlp_context_free(ctx);
}
END_TEST

START_TEST(batch_norm_rejects_single_sample_in_training)
{
    clmlp_context *ctx = test_context(_i);
    clmlp_module *bn = NULL;
    ck_assert_ok(clmlp_batch_norm1d_create(ctx, 4, NULL, &bn));
    size_t shape[2] = {1, 4};
    clmlp_tensor *x = NULL, *y = NULL;
    ck_assert_ok(clmlp_tensor_create(ctx, CLMLP_FLOAT32, 2, shape, &x));
    clmlp_tape *tape = NULL;
    ck_assert_ok(clmlp_tape_create(ctx, &tape));

    ck_assert_int_eq(clmlp_module_forward(bn, tape, x, &y), CLMLP_ERROR_SHAPE);
    ck_assert_ptr_nonnull(strstr(clmlp_error_message(), "more than one value"));
    clmlp_module_set_training(bn, false);
    ck_assert_ok(clmlp_module_forward(bn, tape, x, &y));

    clmlp_tape_free(tape);
    clmlp_tensor_free(x);
    clmlp_module_free(bn);
    clmlp_context_free(ctx);
}
END_TEST

/* Runs a loss op on fixture inputs and compares the loss and, when
 * grad_name is not NULL, the input gradient. */
static void check_loss(clmlp_context *ctx, const fixture_file *f, const char *prefix,
                       const char *input, const char *grad_name, size_t n,
                       clmlp_status (*loss_op)(clmlp_tape *, clmlp_tensor *, clmlp_tensor *,
                                               clmlp_tensor **))
{
    char name[64];
    snprintf(name, sizeof name, "%s.%s", prefix, input);
    clmlp_tensor *x = fixture_tensor(ctx, f, name, 1, &n);
    snprintf(name, sizeof name, "%s.t", prefix);
    clmlp_tensor *t = fixture_tensor(ctx, f, name, 1, &n);
    ck_assert_ok(clmlp_tensor_set_requires_grad(x, true));
    clmlp_tape *tape = NULL;
    clmlp_tensor *loss = NULL;
    ck_assert_ok(clmlp_tape_create(ctx, &tape));
    ck_assert_ok(loss_op(tape, x, t, &loss));
    snprintf(name, sizeof name, "%s.loss", prefix);
    expect_fixture(loss, f, name);
    if (grad_name != NULL) {
        ck_assert_ok(clmlp_backward(tape, loss));
        snprintf(name, sizeof name, "%s.%s", prefix, grad_name);
        expect_fixture(clmlp_tensor_grad(x), f, name);
    }
    clmlp_tape_free(tape);
    clmlp_tensor_free(x);
    clmlp_tensor_free(t);
}

START_TEST(losses_match_pytorch)
{
    clmlp_context *ctx = test_context(_i);
    fixture_file *f = fixture_open("losses.txt");
    check_loss(ctx, f, "bce_logits", "z", "dz", 6, clmlp_bce_with_logits);
    check_loss(ctx, f, "bce", "p", "dp", 6, clmlp_binary_cross_entropy);
    check_loss(ctx, f, "bce_clamp", "p", NULL, 4, clmlp_binary_cross_entropy);
    check_loss(ctx, f, "mse", "x", "dx", 12, clmlp_mse_loss);

    /* Cross-entropy takes int32 labels. */
    size_t shape[2] = {4, 5}, rows = 4;
    clmlp_tensor *z = fixture_tensor(ctx, f, "ce.z", 2, shape), *labels = NULL, *loss = NULL;
    const double *label_values = fixture_values(f, "ce.labels", 4);
    int label_ints[4];
    for (int i = 0; i < 4; i++)
        label_ints[i] = (int)label_values[i];
    ck_assert_ok(clmlp_tensor_from_host(ctx, CLMLP_INT32, 1, &rows, label_ints, &labels));
    ck_assert_ok(clmlp_tensor_set_requires_grad(z, true));
    clmlp_tape *tape = NULL;
    ck_assert_ok(clmlp_tape_create(ctx, &tape));
    ck_assert_ok(clmlp_cross_entropy(tape, z, labels, &loss));
    ck_assert_ok(clmlp_backward(tape, loss));
    expect_fixture(loss, f, "ce.loss");
    expect_fixture(clmlp_tensor_grad(z), f, "ce.dz");

    clmlp_tape_free(tape);
    clmlp_tensor_free(z);
    clmlp_tensor_free(labels);
    fixture_close(f);
    clmlp_context_free(ctx);
}
END_TEST

START_TEST(losses_reject_mismatched_targets)
{
    clmlp_context *ctx = test_context(_i);
    size_t five = 5, six = 6;
    clmlp_tensor *x = NULL, *t = NULL, *out = NULL;
    ck_assert_ok(clmlp_tensor_create(ctx, CLMLP_FLOAT32, 1, &five, &x));
    ck_assert_ok(clmlp_tensor_create(ctx, CLMLP_FLOAT32, 1, &six, &t));
    clmlp_tape *tape = NULL;
    ck_assert_ok(clmlp_tape_create(ctx, &tape));
    ck_assert_int_eq(clmlp_bce_with_logits(tape, x, t, &out), CLMLP_ERROR_SHAPE);
    ck_assert_int_eq(clmlp_binary_cross_entropy(tape, x, t, &out), CLMLP_ERROR_SHAPE);
    ck_assert_int_eq(clmlp_mse_loss(tape, x, t, &out), CLMLP_ERROR_SHAPE);
    ck_assert_ptr_nonnull(strstr(clmlp_error_message(), "[5]"));
    clmlp_tape_free(tape);
    clmlp_tensor_free(x);
    clmlp_tensor_free(t);
    clmlp_context_free(ctx);
}
END_TEST

/* Counts kept elements of a dropout output of ones and checks each value. */
static size_t count_kept(const float *y, size_t n, float scale)
{
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        ck_assert_msg(y[i] == 0.0f || fabsf(y[i] - scale) <= 1e-6f * scale,
                      "dropout output %zu is %g, neither 0 nor %g", i, (double)y[i],
                      (double)scale);
        kept += y[i] != 0.0f;
    }
    return kept;
}

START_TEST(dropout_scales_in_training_and_passes_in_eval)
{
    clmlp_context *ctx = test_context(_i);
    enum { N = 4096 };
    size_t shape[2] = {64, 64};
    clmlp_tensor *x = NULL, *y1 = NULL, *y2 = NULL, *y3 = NULL;
    ck_assert_ok(clmlp_tensor_create(ctx, CLMLP_FLOAT32, 2, shape, &x));
    ck_assert_ok(clmlp_tensor_fill(x, 1.0f));
    clmlp_module *a = NULL, *b = NULL;
    ck_assert_ok(clmlp_dropout_create(ctx, 0.25f, 99, &a));
    ck_assert_ok(clmlp_dropout_create(ctx, 0.25f, 99, &b));
    clmlp_tape *tape = NULL;
    ck_assert_ok(clmlp_tape_create(ctx, &tape));

    /* Same seed, same call: the same mask. The next call draws a new one. */
    ck_assert_ok(clmlp_module_forward(a, tape, x, &y1));
    ck_assert_ok(clmlp_module_forward(b, tape, x, &y2));
    ck_assert_ok(clmlp_module_forward(a, tape, x, &y3));
    float *v1 = read_tensor(y1), *v2 = read_tensor(y2), *v3 = read_tensor(y3);
    ck_assert_mem_eq(v1, v2, N * sizeof(float));
    ck_assert_int_ne(memcmp(v1, v3, N * sizeof(float)), 0);

    /* About 75% kept: 3072 expected, standard deviation about 28. */
    size_t kept = count_kept(v1, N, 1.0f / 0.75f);
    ck_assert_msg(kept > 2900 && kept < 3250, "dropout kept %zu of %d", kept, N);

    /* Evaluation mode returns the input itself. */
    clmlp_module_set_training(a, false);
    clmlp_tensor *y_eval = NULL;
    ck_assert_ok(clmlp_module_forward(a, tape, x, &y_eval));
    ck_assert_ptr_eq(y_eval, x);

    free(v1);
    free(v2);
    free(v3);
    clmlp_tape_free(tape);
    clmlp_module_free(a);
    clmlp_module_free(b);
    clmlp_tensor_free(x);
    ck_assert_int_eq(clmlp_dropout_create(ctx, 1.0f, 0, &a), CLMLP_ERROR_INVALID_ARGUMENT);
    ck_assert_int_eq(clmlp_dropout_create(ctx, -0.1f, 0, &a), CLMLP_ERROR_INVALID_ARGUMENT);
    clmlp_context_free(ctx);
}
END_TEST

int main(void)
{
    Suite *suite = suite_create("layers");
    TCase *tc = tcase_create("device");
    tcase_set_timeout(tc, 600);
    add_device_test(tc, layer_ops_match_finite_differences);
    add_device_test(tc, linear_matches_pytorch);
    add_device_test(tc, activations_match_pytorch);
    add_device_test(tc, batch_norm_matches_pytorch);
    add_device_test(tc, batch_norm_rejects_single_sample_in_training);
    add_device_test(tc, losses_match_pytorch);
    add_device_test(tc, losses_reject_mismatched_targets);
    add_device_test(tc, dropout_scales_in_training_and_passes_in_eval);
    suite_add_tcase(suite, tc);
    return run_suite(suite, true);
}
