/* SGD, Adam and AdamW against three PyTorch steps, and the optimizer state
 * that checkpoints read and restore. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "fixtures.h"

#define COUNT 7

typedef clmlp_status (*create_fn)(clmlp_context *ctx, clmlp_tensor *param,
                                  clmlp_optimizer **optimizer);

/* The configurations of tools/make_fixtures.py, in the same order. */
static clmlp_status create_sgd(clmlp_context *ctx, clmlp_tensor *p, clmlp_optimizer **opt)
{
    clmlp_sgd_options o = clmlp_sgd_default();
    o.lr = 0.1f;
    return clmlp_sgd_create(ctx, &p, 1, &o, opt);
}

static clmlp_status create_sgd_momentum(clmlp_context *ctx, clmlp_tensor *p, clmlp_optimizer **opt)
{
    clmlp_sgd_options o = clmlp_sgd_default();
    o.lr = 0.1f;
    o.momentum = 0.9f;
    o.dampening = 0.1f;
    o.weight_decay = 0.01f;
    return clmlp_sgd_create(ctx, &p, 1, &o, opt);
}

static clmlp_status create_sgd_nesterov(clmlp_context *ctx, clmlp_tensor *p, clmlp_optimizer **opt)
{
    clmlp_sgd_options o = clmlp_sgd_default();
    o.lr = 0.1f;
    o.momentum = 0.9f;
    o.nesterov = true;
    o.weight_decay = 0.01f;
    return clmlp_sgd_create(ctx, &p, 1, &o, opt);
}

static clmlp_status create_adam(clmlp_context *ctx, clmlp_tensor *p, clmlp_optimizer **opt)
{
    clmlp_adam_options o = clmlp_adam_default();
    o.lr = 0.01f;
    return clmlp_adam_create(ctx, &p, 1, &o, opt);
}

static clmlp_status create_adam_decay(clmlp_context *ctx, clmlp_tensor *p, clmlp_optimizer **opt)
{
    clmlp_adam_options o = {.lr = 0.01f, .beta1 = 0.8f, .beta2 = 0.99f, .eps = 1e-6f,
                            .weight_decay = 0.1f};
    return clmlp_adam_create(ctx, &p, 1, &o, opt);
}

static clmlp_status create_adamw(clmlp_context *ctx, clmlp_tensor *p, clmlp_optimizer **opt)
{
    clmlp_adam_options o = clmlp_adamw_default();
    o.lr = 0.01f;
    return clmlp_adamw_create(ctx, &p, 1, &o, opt);
}

static clmlp_status create_adamw_decay(clmlp_context *ctx, clmlp_tensor *p, clmlp_optimizer **opt)
{
    clmlp_adam_options o = clmlp_adamw_default();
    o.lr = 0.01f;
    o.weight_decay = 0.1f;
    return clmlp_adamw_create(ctx, &p, 1, &o, opt);
}

static const struct {
    const char *name;
    create_fn create;
} configs[] = {
    {"sgd", create_sgd},
    {"sgd_momentum", create_sgd_momentum},
    {"sgd_nesterov", create_sgd_nesterov},
    {"adam", create_adam},
    {"adam_decay", create_adam_decay},
    {"adamw", create_adamw},
    {"adamw_decay", create_adamw_decay},
};

START_TEST(optimizers_match_pytorch_steps)
{
    clmlp_context *ctx = test_context(_i);
    fixture_file *f = fixture_open("optimizers.txt");
    size_t n = COUNT;
    float p0[COUNT], grads[3][COUNT];
    fixture_floats(f, "p0", COUNT, p0);
    for (int s = 0; s < 3; s++) {
        char name[32];
        snprintf(name, sizeof name, "grad%d", s);
        fixture_floats(f, name, COUNT, grads[s]);
    }

    for (size_t k = 0; k < sizeof configs / sizeof configs[0]; k++) {
        clmlp_tensor *p = NULL;
        clmlp_optimizer *opt = NULL;
        ck_assert_ok(clmlp_tensor_from_host(ctx, CLMLP_FLOAT32, 1, &n, p0, &p));
        ck_assert_ok(clmlp_tensor_set_requires_grad(p, true));
        ck_assert_ok(configs[k].create(ctx, p, &opt));
        for (int s = 0; s < 3; s++) {
            ck_assert_ok(clmlp_optimizer_zero_grad(opt));
            ck_assert_ok(clmlp_tensor_write(clmlp_tensor_grad(p), grads[s], COUNT));
            ck_assert_ok(clmlp_optimizer_step(opt));
            char name[64];
            snprintf(name, sizeof name, "%s.step%d", configs[k].name, s);
            float *got = read_tensor(p);
            assert_close(got, fixture_values(f, name, COUNT), COUNT, 1e-4, 1e-5, name);
            free(got);
        }
        ck_assert_uint_eq(clmlp_optimizer_step_count(opt), 3);
        clmlp_optimizer_free(opt);
        clmlp_tensor_free(p);
    }
    fixture_close(f);
    clmlp_context_free(ctx);
}
END_TEST

START_TEST(optimizer_state_is_named_and_bounded)
{
    clmlp_context *ctx = test_context(_i);
    size_t n = 4;
    clmlp_tensor *p = NULL, *state = NULL;
    ck_assert_ok(clmlp_tensor_create(ctx, CLMLP_FLOAT32, 1, &n, &p));
    ck_assert_ok(clmlp_tensor_set_requires_grad(p, true));

    clmlp_optimizer *sgd = NULL, *momentum = NULL, *adam = NULL;
    ck_assert_ok(create_sgd(ctx, p, &sgd));
    ck_assert_uint_eq(clmlp_optimizer_state_slots(sgd), 0);
    ck_assert_int_eq(clmlp_optimizer_state(sgd, 0, 0, &state), CLMLP_ERROR_INVALID_ARGUMENT);

    ck_assert_ok(create_sgd_momentum(ctx, p, &momentum));
    ck_assert_uint_eq(clmlp_optimizer_state_slots(momentum), 1);
    ck_assert_str_eq(clmlp_optimizer_state_name(momentum, 0), "momentum_buffer");

    ck_assert_ok(create_adam(ctx, p, &adam));
    ck_assert_str_eq(clmlp_optimizer_name(adam), "adam");
    ck_assert_uint_eq(clmlp_optimizer_param_count(adam), 1);
    ck_assert_uint_eq(clmlp_optimizer_state_slots(adam), 2);
    ck_assert_str_eq(clmlp_optimizer_state_name(adam, 0), "exp_avg");
    ck_assert_str_eq(clmlp_optimizer_state_name(adam, 1), "exp_avg_sq");
    ck_assert_ptr_null(clmlp_optimizer_state_name(adam, 2));
    ck_assert_ok(clmlp_optimizer_state(adam, 0, 1, &state));
    ck_assert_uint_eq(clmlp_tensor_numel(state), n);
    ck_assert_int_eq(clmlp_optimizer_state(adam, 1, 0, &state), CLMLP_ERROR_INVALID_ARGUMENT);

    /* The message names the optimizer and the bad index. */
    ck_assert_ptr_nonnull(strstr(clmlp_error_message(), "parameter 1"));

    clmlp_optimizer_free(sgd);
    clmlp_optimizer_free(momentum);
    clmlp_optimizer_free(adam);
    clmlp_tensor_free(p);
    clmlp_context_free(ctx);
}
END_TEST

/* Copies every state tensor and the step count of from into to. */
static void copy_state(clmlp_optimizer *from, clmlp_optimizer *to)
{
    for (size_t s = 0; s < clmlp_optimizer_state_slots(from); s++) {
        clmlp_tensor *a = NULL, *b = NULL;
        ck_assert_ok(clmlp_optimizer_state(from, 0, s, &a));
        ck_assert_ok(clmlp_optimizer_state(to, 0, s, &b));
        float *values = read_tensor(a);
        ck_assert_ok(clmlp_tensor_write(b, values, clmlp_tensor_numel(a)));
        free(values);
    }
    ck_assert_ok(clmlp_optimizer_set_step_count(to, clmlp_optimizer_step_count(from)));
}

START_TEST(restored_state_continues_the_same_run)
{
    clmlp_context *ctx = test_context(_i);
    size_t n = 4;
    float p0[4] = {0.5f, -1.0f, 2.0f, 0.0f}, g[4] = {0.3f, -0.2f, 0.1f, 1.0f};
    for (size_t k = 1; k < sizeof configs / sizeof configs[0]; k++) {
        clmlp_tensor *p = NULL, *q = NULL;
        clmlp_optimizer *first = NULL, *second = NULL;
        ck_assert_ok(clmlp_tensor_from_host(ctx, CLMLP_FLOAT32, 1, &n, p0, &p));
        ck_assert_ok(clmlp_tensor_set_requires_grad(p, true));
        ck_assert_ok(clmlp_tensor_write(clmlp_tensor_grad(p), g, 4));
        ck_assert_ok(configs[k].create(ctx, p, &first));
        ck_assert_ok(clmlp_optimizer_step(first));
        ck_assert_ok(clmlp_optimizer_step(first));

        /* A second optimizer on a copy of the parameter, given the state. */
        float *after_two = read_tensor(p);
        ck_assert_ok(clmlp_tensor_from_host(ctx, CLMLP_FLOAT32, 1, &n, after_two, &q));
        ck_assert_ok(clmlp_tensor_set_requires_grad(q, true));
        ck_assert_ok(clmlp_tensor_write(clmlp_tensor_grad(q), g, 4));
        ck_assert_ok(configs[k].create(ctx, q, &second));
        copy_state(first, second);
        ck_assert_ok(clmlp_optimizer_step(first));
        ck_assert_ok(clmlp_optimizer_step(second));

        float *want_f = read_tensor(p), *got = read_tensor(q);
        double want[4];
        for (int i = 0; i < 4; i++)
            want[i] = want_f[i];
        assert_close(got, want, 4, 0.0, 0.0, configs[k].name);

        free(after_two);
        free(want_f);
        free(got);
        clmlp_optimizer_free(first);
        clmlp_optimizer_free(second);
        clmlp_tensor_free(p);
        clmlp_tensor_free(q);
    }
    clmlp_context_free(ctx);
}
END_TEST

START_TEST(adam_rejects_bad_options)
{
    clmlp_context *ctx = test_context(_i);
    size_t n = 2;
    clmlp_tensor *p = NULL;
    clmlp_optimizer *opt = NULL;
    ck_assert_ok(clmlp_tensor_create(ctx, CLMLP_FLOAT32, 1, &n, &p));
    ck_assert_ok(clmlp_tensor_set_requires_grad(p, true));
    clmlp_adam_options o = clmlp_adam_default();
    o.beta1 = 1.0f;
    ck_assert_int_eq(clmlp_adam_create(ctx, &p, 1, &o, &opt), CLMLP_ERROR_INVALID_ARGUMENT);
    o = clmlp_adamw_default();
    ck_assert(fabsf(o.weight_decay - 0.01f) < 1e-9f);
    o.weight_decay = -0.5f;
    ck_assert_int_eq(clmlp_adamw_create(ctx, &p, 1, &o, &opt), CLMLP_ERROR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(clmlp_error_message(), "weight decay"));
    ck_assert_ptr_null(opt);
    clmlp_tensor_free(p);
    clmlp_context_free(ctx);
}
END_TEST

int main(void)
{
    Suite *suite = suite_create("optim");
    TCase *tc = tcase_create("device");
    tcase_set_timeout(tc, 600);
    add_device_test(tc, optimizers_match_pytorch_steps);
    add_device_test(tc, optimizer_state_is_named_and_bounded);
    add_device_test(tc, restored_state_continues_the_same_run);
    add_device_test(tc, adam_rejects_bad_options);
    suite_add_tcase(suite, tc);
    return run_suite(suite, true);
}
