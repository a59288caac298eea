/* Module containers and the models built from them: Sequential names,
 * LazyLinear before and after its first input, the concise MLP, and the FC
 * block's layer order and activation names. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

/* Asserts the kinds of a Sequential's children, in order. */
static void expect_kinds(const clmlp_module *net, const char *const *kinds, size_t count)
{
    ck_assert_uint_eq(clmlp_sequential_length(net), count);
    for (size_t i = 0; i < count; i++)
        ck_assert_msg(strcmp(clmlp_module_kind(clmlp_sequential_child(net, i)), kinds[i]) == 0,
                      "child %zu is %s, want %s", i,
                      clmlp_module_kind(clmlp_sequential_child(net, i)), kinds[i]);
}

static void expect_names(clmlp_named_tensors *list, const char *const *names, size_t count)
{
    ck_assert_uint_eq(list->count, count);
    for (size_t i = 0; i < count; i++)
        ck_assert_str_eq(list->items[i].name, names[i]);
}

START_TEST(sequential_names_follow_pytorch)
{
    clmlp_context *ctx = test_context(_i);
    clmlp_module *net = NULL, *child = NULL;
    ck_assert_ok(clmlp_sequential_create(ctx, &net));
    ck_assert_ok(clmlp_linear_create(ctx, 6, 5, true, 1, &child));
    ck_assert_ok(clmlp_sequential_append(net, child));
    ck_assert_ok(clmlp_batch_norm1d_create(ctx, 5, NULL, &child));
    ck_assert_ok(clmlp_sequential_append(net, child));
    ck_assert_ok(clmlp_relu_create(ctx, &child));
    ck_assert_ok(clmlp_sequential_append(net, child));
    ck_assert_ok(clmlp_linear_create(ctx, 5, 2, false, 2, &child));
    ck_assert_ok(clmlp_sequential_append(net, child));
    /* Appending to a module that is not a Sequential fails and frees the
     * module given as child. */
    clmlp_module *extra = NULL;
    ck_assert_ok(clmlp_relu_create(ctx, &extra));
    ck_assert_int_eq(clmlp_sequential_append(child, extra), CLMLP_ERROR_INVALID_ARGUMENT);

    clmlp_named_tensors params, buffers;
    ck_assert_ok(clmlp_module_parameters(net, "net", &params));
    const char *const param_names[] = {"net.0.weight", "net.0.bias", "net.1.weight", "net.1.bias",
                                       "net.3.weight"};
    expect_names(&params, param_names, 5);
    ck_assert_uint_eq(clmlp_tensor_shape(params.items[0].tensor)[0], 5);
    ck_assert_uint_eq(clmlp_tensor_shape(params.items[0].tensor)[1], 6);
    ck_assert_ok(clmlp_module_buffers(net, NULL, &buffers));
    const char *const buffer_names[] = {"1.running_mean", "1.running_var",
                                        "1.num_batches_tracked"};
    expect_names(&buffers, buffer_names, 3);
    ck_assert_int_eq(clmlp_tensor_dtype(buffers.items[2].tensor), CLMLP_INT32);

    /* Mode reaches every child. */
    clmlp_module_set_training(net, false);
    ck_assert(!clmlp_module_training(clmlp_sequential_child(net, 1)));

    clmlp_named_tensors_free(&params);
    clmlp_named_tensors_free(&buffers);
    clmlp_module_free(net);
    clmlp_context_free(ctx);
}
END_TEST

START_TEST(lazy_linear_materializes_on_first_forward)
{
    clmlp_context *ctx = test_context(_i);
    clmlp_module *lazy = NULL;
    ck_assert_ok(clmlp_lazy_linear_create(ctx, 3, true, 42, &lazy));
    clmlp_named_tensors params;
    ck_assert_int_eq(clmlp_module_parameters(lazy, "fc", &params), CLMLP_ERROR_NOT_READY);
    ck_assert_ptr_nonnull(strstr(clmlp_error_message(), "LazyLinear fc"));
    ck_assert_uint_eq(params.count, 0);

    /* The first input has 16 features, so every value is within 1/4. */
    size_t shape[2] = {2, 16};
    clmlp_tensor *x = NULL, *y = NULL;
    ck_assert_ok(clmlp_tensor_create(ctx, CLMLP_FLOAT32, 2, shape, &x));
    clmlp_tape *tape = NULL;
    ck_assert_ok(clmlp_tape_create(ctx, &tape));
    ck_assert_ok(clmlp_module_forward(lazy, tape, x, &y));
    ck_assert_uint_eq(clmlp_tensor_shape(y)[1], 3);
    ck_assert_ok(clmlp_module_parameters(lazy, "fc", &params));
    const char *const names[] = {"fc.weight", "fc.bias"};
    expect_names(&params, names, 2);
    ck_assert_uint_eq(clmlp_tensor_shape(params.items[0].tensor)[0], 3);
    ck_assert_uint_eq(clmlp_tensor_shape(params.items[0].tensor)[1], 16);
    float *w = read_tensor(params.items[0].tensor);
    float low = w[0], high = w[0];
    for (int i = 0; i < 48; i++) {
        ck_assert(fabsf(w[i]) <= 0.25f);
        low = fminf(low, w[i]);
        high = fmaxf(high, w[i]);
    }
    ck_assert_msg(high - low > 0.25f, "weights span only [%g, %g]", (double)low, (double)high);
    free(w);
    ck_assert_str_eq(clmlp_module_kind(lazy), "LazyLinear");

    /* A later input of another width is a shape error. */
    size_t wrong[2] = {2, 15};
    clmlp_tensor *x2 = NULL;
    ck_assert_ok(clmlp_tensor_create(ctx, CLMLP_FLOAT32, 2, wrong, &x2));
    ck_assert_int_eq(clmlp_module_forward(lazy, tape, x2, &y), CLMLP_ERROR_SHAPE);

    clmlp_named_tensors_free(&params);
    clmlp_tape_free(tape);
    clmlp_tensor_free(x);
    clmlp_tensor_free(x2);
    clmlp_module_free(lazy);
    clmlp_context_free(ctx);
}
END_TEST

START_TEST(concise_model_lists_parameters_after_forward)
{
    clmlp_context *ctx = test_context(_i);
    clmlp_model *model = NULL;
    ck_assert_ok(clmlp_concise_mlp_create(ctx, 5, 10, 0, &model));
    ck_assert_str_eq(clmlp_model_family(model), "concise");
    const char *const kinds[] = {"Flatten", "LazyLinear", "ReLU", "LazyLinear"};
    expect_kinds(clmlp_model_module(model), kinds, 4);

    clmlp_tensor *const *params = NULL;
    const char *const *names = NULL;
    size_t count = 99;
    ck_assert_int_eq(clmlp_model_parameters(model, &params, &names, &count), CLMLP_ERROR_NOT_READY);
    ck_assert_uint_eq(count, 0);

    /* A [3, 2, 4] input is flattened to 8 features. */
    size_t shape[3] = {3, 2, 4};
    clmlp_tensor *x = NULL, *logits = NULL;
    ck_assert_ok(clmlp_tensor_create(ctx, CLMLP_FLOAT32, 3, shape, &x));
    clmlp_tape *tape = NULL;
    ck_assert_ok(clmlp_tape_create(ctx, &tape));
    ck_assert_ok(clmlp_model_forward(model, tape, x, &logits));
    ck_assert_uint_eq(clmlp_tensor_shape(logits)[0], 3);
    ck_assert_uint_eq(clmlp_tensor_shape(logits)[1], 10);

    ck_assert_ok(clmlp_model_parameters(model, &params, &names, &count));
    ck_assert_uint_eq(count, 4);
    ck_assert_str_eq(names[0], "net.1.weight");
    ck_assert_str_eq(names[3], "net.3.bias");
    ck_assert_uint_eq(clmlp_tensor_shape(params[0])[1], 8);
    size_t buffer_count = 9;
    ck_assert_ok(clmlp_model_buffers(model, NULL, NULL, &buffer_count));
    ck_assert_uint_eq(buffer_count, 0);

    /* The optimizer can be created now. */
    clmlp_optimizer *opt = NULL;
    ck_assert_ok(clmlp_adam_create(ctx, params, count, NULL, &opt));

    clmlp_optimizer_free(opt);
    clmlp_tape_free(tape);
    clmlp_tensor_free(x);
    clmlp_model_free(model);
    clmlp_context_free(ctx);
}
END_TEST

START_TEST(fc_block_orders_layers)
{
    clmlp_context *ctx = test_context(_i);
    size_t sizes[3] = {8, 6, 4};
    clmlp_model *model = NULL;

    clmlp_fc_options o = clmlp_fc_default();
    o.inputs = 12;
    o.sizes = sizes;
    o.size_count = 3;
    o.batch_norm = true;
    o.dropout = 0.2f;
    o.sigmoid = true;
    ck_assert_ok(clmlp_fc_create(ctx, &o, &model));
    const char *const full[] = {"Linear", "BatchNorm1d", "ReLU", "Dropout", "Linear",
                                "BatchNorm1d", "ReLU", "Dropout", "Linear", "Sigmoid"};
    expect_kinds(clmlp_model_module(model), full, 10);
    ck_assert_str_eq(clmlp_model_family(model), "fc");
    const char *const *names = NULL;
    size_t count = 0;
    ck_assert_ok(clmlp_model_parameters(model, NULL, &names, &count));
    ck_assert_uint_eq(count, 10);
    ck_assert_str_eq(names[2], "net.1.weight");
    ck_assert_str_eq(names[9], "net.8.bias");
    ck_assert_ok(clmlp_model_buffers(model, NULL, &names, &count));
    ck_assert_uint_eq(count, 6);
    ck_assert_str_eq(names[3], "net.5.running_mean");
    clmlp_model_free(model);

    o.batch_norm = false;
    o.dropout = 0.0f;
    o.sigmoid = false;
    o.activation = CLMLP_ACTIVATION_TANH;
    ck_assert_ok(clmlp_fc_create(ctx, &o, &model));
    const char *const plain[] = {"Linear", "Tanh", "Linear", "Tanh", "Linear"};
    expect_kinds(clmlp_model_module(model), plain, 5);
    clmlp_model_free(model);

    o.activation = CLMLP_ACTIVATION_LEAKY_RELU;
    o.dropout = 0.5f;
    o.size_count = 2;
    ck_assert_ok(clmlp_fc_create(ctx, &o, &model));
    const char *const leaky[] = {"Linear", "LeakyReLU", "Dropout", "Linear"};
    expect_kinds(clmlp_model_module(model), leaky, 4);
    clmlp_model_free(model);

    o.size_count = 1;
    ck_assert_ok(clmlp_fc_create(ctx, &o, &model));
    const char *const single[] = {"Linear"};
    expect_kinds(clmlp_model_module(model), single, 1);
    clmlp_model_free(model);

    o.size_count = 0;
    ck_assert_int_eq(clmlp_fc_create(ctx, &o, &model), CLMLP_ERROR_INVALID_ARGUMENT);
    o.size_count = 2;
    o.dropout = 1.0f;
    ck_assert_int_eq(clmlp_fc_create(ctx, &o, &model), CLMLP_ERROR_INVALID_ARGUMENT);
    o.dropout = 0.0f;
    o.activation = (clmlp_activation)7;
    ck_assert_int_eq(clmlp_fc_create(ctx, &o, &model), CLMLP_ERROR_INVALID_ARGUMENT);
    ck_assert_ptr_null(model);
    clmlp_context_free(ctx);
}
END_TEST

START_TEST(activation_names_ignore_case)
{
    clmlp_activation a;
    ck_assert_ok(clmlp_activation_parse("ReLU", &a));
    ck_assert_int_eq(a, CLMLP_ACTIVATION_RELU);
    ck_assert_ok(clmlp_activation_parse("TANH", &a));
    ck_assert_int_eq(a, CLMLP_ACTIVATION_TANH);
    ck_assert_ok(clmlp_activation_parse("LeakyReLU", &a));
    ck_assert_int_eq(a, CLMLP_ACTIVATION_LEAKY_RELU);

    ck_assert_int_eq(clmlp_activation_parse("swish", &a), CLMLP_ERROR_INVALID_ARGUMENT);
    const char *message = clmlp_error_message();
    ck_assert_ptr_nonnull(strstr(message, "swish"));
    ck_assert_ptr_nonnull(strstr(message, "relu"));
    ck_assert_ptr_nonnull(strstr(message, "tanh"));
    ck_assert_ptr_nonnull(strstr(message, "leakyrelu"));
    ck_assert_int_eq(clmlp_activation_parse("relu6", &a), CLMLP_ERROR_INVALID_ARGUMENT);
}
END_TEST

START_TEST(fc_block_trains_in_both_modes)
{
    clmlp_context *ctx = test_context(_i);
    size_t sizes[2] = {6, 1};
    clmlp_fc_options o = clmlp_fc_default();
    o.inputs = 4;
    o.sizes = sizes;
    o.size_count = 2;
    o.batch_norm = true;
    o.dropout = 0.5f;
    o.sigmoid = true;
    clmlp_model *model = NULL;
    ck_assert_ok(clmlp_fc_create(ctx, &o, &model));

    size_t shape[2] = {8, 4}, rows = 8;
    float x_values[32], t_values[8];
    uint32_t seed = 5;
    fill_uniform(x_values, 32, -1.0f, 1.0f, &seed);
    for (int i = 0; i < 8; i++)
        t_values[i] = (float)(i % 2);
    clmlp_tensor *x = NULL, *t = NULL, *y_train = NULL, *y_eval = NULL, *y_eval2 = NULL;
    clmlp_tensor *loss = NULL;
    ck_assert_ok(clmlp_tensor_from_host(ctx, CLMLP_FLOAT32, 2, shape, x_values, &x));
    ck_assert_ok(clmlp_tensor_from_host(ctx, CLMLP_FLOAT32, 1, &rows, t_values, &t));
    clmlp_tape *tape = NULL;
    ck_assert_ok(clmlp_tape_create(ctx, &tape));

    /* Training: probabilities, a loss, gradients for every parameter. */
    ck_assert_ok(clmlp_model_forward(model, tape, x, &y_train));
    ck_assert_ok(clmlp_binary_cross_entropy(tape, y_train, t, &loss));
    ck_assert_ok(clmlp_backward(tape, loss));
    clmlp_tensor *const *params = NULL;
    size_t count = 0;
    ck_assert_ok(clmlp_model_parameters(model, &params, NULL, &count));
    float *dw = read_tensor(clmlp_tensor_grad(params[0]));
    double norm = 0;
    for (int i = 0; i < 24; i++)
        norm += fabs(dw[i]);
    ck_assert_msg(norm > 0, "the first weight got no gradient");
    free(dw);

    /* Evaluation is deterministic: no dropout, running statistics. */
    clmlp_model_set_training(model, false);
    ck_assert_ok(clmlp_model_forward(model, tape, x, &y_eval));
    ck_assert_ok(clmlp_model_forward(model, tape, x, &y_eval2));
    float *a = read_tensor(y_eval), *b = read_tensor(y_eval2);
    ck_assert_mem_eq(a, b, 8 * sizeof(float));
    for (int i = 0; i < 8; i++)
        ck_assert(a[i] > 0.0f && a[i] < 1.0f);
    free(a);
    free(b);

    clmlp_tape_free(tape);
    clmlp_tensor_free(x);
    clmlp_tensor_free(t);
    clmlp_model_free(model);
    clmlp_context_free(ctx);
}
END_TEST

int main(void)
{
    Suite *suite = suite_create("models");
    TCase *host = tcase_create("host");
    tcase_add_test(host, activation_names_ignore_case);
    suite_add_tcase(suite, host);
    TCase *tc = tcase_create("device");
    tcase_set_timeout(tc, 600);
    add_device_test(tc, sequential_names_follow_pytorch);
    add_device_test(tc, lazy_linear_materializes_on_first_forward);
    add_device_test(tc, concise_model_lists_parameters_after_forward);
    add_device_test(tc, fc_block_orders_layers);
    add_device_test(tc, fc_block_trains_in_both_modes);
    suite_add_tcase(suite, tc);
    return run_suite(suite, true);
}
