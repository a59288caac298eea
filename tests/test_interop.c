/* PyTorch interoperability: a checkpoint that PyTorch wrote for the concise
 * MLP, Sequential(Flatten, Linear(784, 16), ReLU, Linear(16, 10)), must give
 * PyTorch's probabilities within 1e-5 and the same labels. The fixtures come
 * from tools/make_interop_fixture.py. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "io/safetensors.h"
#include "models/model.h"

#define FEATURES 784
#define HIDDEN 16
#define CLASSES 10
#define MAX_ROWS 16

static const char model_path[] = CLMLP_TEST_FIXTURES "/interop_concise.safetensors";
static const char expected_path[] = CLMLP_TEST_FIXTURES "/interop_expected.safetensors";

typedef struct expected {
    size_t rows;
    float inputs[MAX_ROWS * FEATURES];
    float probabilities[MAX_ROWS * CLASSES];
    float labels[MAX_ROWS];
} expected;

static expected want;

/* Reads PyTorch's inputs and outputs from the expected fixture. */
static void read_expected(void)
{
    clmlp_safetensors *st;
    ck_assert_ok(clmlp_safetensors_open(expected_path, &st));
    const clmlp_st_tensor *inputs = clmlp_safetensors_find(st, "inputs");
    const clmlp_st_tensor *probabilities = clmlp_safetensors_find(st, "probabilities");
    const clmlp_st_tensor *labels = clmlp_safetensors_find(st, "labels");
    ck_assert_ptr_nonnull(inputs);
    ck_assert_ptr_nonnull(probabilities);
    ck_assert_ptr_nonnull(labels);
    want.rows = (size_t)inputs->shape[0];
    ck_assert_uint_le(want.rows, MAX_ROWS);
    ck_assert_uint_eq(inputs->shape[1], FEATURES);
    ck_assert_uint_eq(probabilities->shape[0], want.rows);
    ck_assert_uint_eq(probabilities->shape[1], CLASSES);
    ck_assert_ok(clmlp_safetensors_read_f32(st, inputs, want.inputs));
    ck_assert_ok(clmlp_safetensors_read_f32(st, probabilities, want.probabilities));
    ck_assert_ok(clmlp_safetensors_read_f32(st, labels, want.labels));
    clmlp_safetensors_close(st);
}

/* Predicts the fixture's inputs and compares with PyTorch's outputs. */
static void assert_matches_pytorch(clmlp_model *model)
{
    float probabilities[MAX_ROWS * CLASSES];
    int32_t labels[MAX_ROWS];
    ck_assert_ok(clmlp_predict(model, want.inputs, want.rows, FEATURES, CLASSES, probabilities,
                               labels));
    double reference[MAX_ROWS * CLASSES];
    for (size_t i = 0; i < want.rows * CLASSES; i++)
        reference[i] = want.probabilities[i];
    assert_close(probabilities, reference, want.rows * CLASSES, 0.0, 1e-5, "probabilities");
    for (size_t r = 0; r < want.rows; r++)
        ck_assert_msg(labels[r] == (int32_t)want.labels[r], "row %zu: label %d, PyTorch %d", r,
                      (int)labels[r], (int)want.labels[r]);
}

/* Names the scratch MLP's tensors as PyTorch's Sequential does. Its W1
 * [784, 16] and W2 [16, 10] are the transposes of Linear.weight. */
static clmlp_status visit_as_pytorch(clmlp_model *model, clmlp_state_fn fn, void *user_data)
{
    static const char *names[4] = {"net.1.weight", "net.1.bias", "net.3.weight", "net.3.bias"};
    for (size_t i = 0; i < 4; i++) {
        clmlp_state_entry entry = {names[i], model->params[i], model->params[i]->ndim == 2};
        CLMLP_TRY(fn(&entry, user_data));
    }
    return CLMLP_SUCCESS;
}

START_TEST(pytorch_weights_in_scratch_mlp)
{
    /* The scratch MLP computes ReLU(x W1 + b1) W2 + b2, the same function
     * as the concise MLP, so PyTorch's weights load into it transposed. */
    clmlp_context *ctx = test_context(_i);
    clmlp_model *model;
    ck_assert_ok(clmlp_scratch_mlp_create(ctx, FEATURES, HIDDEN, CLASSES, 0, &model));
    clmlp_model_ops ops = *model->ops;
    ops.visit_state = visit_as_pytorch;
    model->ops = &ops;

    clmlp_checkpoint_info info;
    ck_assert_ok(clmlp_checkpoint_load(model_path, model, NULL, &info));
    ck_assert_int_eq(info.epoch, 0);
    assert_matches_pytorch(model);

    clmlp_model_free(model);
    clmlp_context_free(ctx);
}
END_TEST

START_TEST(pytorch_concise_checkpoint)
{
    /* The fixture's configuration, {"inputs":784,"hidden":[16],"outputs":10},
     * rebuilds the concise MLP with its lazy layers materialised, and
     * PyTorch's [out, in] weights load into its Linear layers as they are. */
    clmlp_context *ctx = test_context(_i);
    clmlp_model *model;
    ck_assert_ok(clmlp_checkpoint_open(ctx, model_path, &model, NULL, NULL));
    ck_assert_str_eq(clmlp_model_family(model), "concise");
    assert_matches_pytorch(model);
    clmlp_model_free(model);
    clmlp_context_free(ctx);
}
END_TEST

int main(void)
{
    Suite *suite = suite_create("interop");
    TCase *tc = tcase_create("interop");
    tcase_add_unchecked_fixture(tc, read_expected, NULL);
    add_device_test(tc, pytorch_weights_in_scratch_mlp);
    add_device_test(tc, pytorch_concise_checkpoint);
    suite_add_tcase(suite, tc);
    return run_suite(suite, true);
}
