/* Checkpoints of the module-based models and of Adam: the FC block with
 * BatchNorm1d and Dropout resumes exactly, the concise MLP evaluates the
 * same after a reload, and the task metadata round-trips. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "io/safetensors.h"
#include "models/model.h"
#include "optim/optimizer.h"

#define SAMPLES 160

static char path[64];

static void setup(void)
{
    snprintf(path, sizeof path, "/tmp/clmlp-ckpt-XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
}

static void teardown(void)
{
    unlink(path);
}

typedef struct fixture {
    clmlp_context *ctx;
    clmlp_mnist split;
    clmlp_dataset *data;
} fixture;

static void fixture_open(fixture *f, int device)
{
    f->ctx = test_context(device);
    make_block_split(SAMPLES, 7, &f->split);
    ck_assert_ok(clmlp_dataset_create(f->ctx, &f->split, &f->data));
}

static void fixture_close(fixture *f)
{
    clmlp_dataset_free(f->data);
    clmlp_mnist_free(&f->split);
    clmlp_context_free(f->ctx);
}

/* FC block 64 -> 16 -> 8 -> 4 with BatchNorm1d, ReLU and Dropout 0.3,
 * trained by Adam. */
static void create_fc_adam(clmlp_context *ctx, clmlp_model **model, clmlp_optimizer **optimizer)
{
    static const size_t sizes[] = {16, 8, BLOCK_CLASSES};
    clmlp_fc_options o = clmlp_fc_default();
    o.inputs = BLOCK_FEATURES;
    o.sizes = sizes;
    o.size_count = 3;
    o.batch_norm = true;
    o.dropout = 0.3f;
    o.seed = 12345678901234567ull;
    ck_assert_ok(clmlp_fc_create(ctx, &o, model));

    clmlp_tensor *const *params;
    size_t count;
    ck_assert_ok(clmlp_model_parameters(*model, &params, NULL, &count));
    clmlp_adam_options adam = clmlp_adam_default();
    adam.lr = 0.01f;
    adam.weight_decay = 0.001f;
    ck_assert_ok(clmlp_adam_create(ctx, params, count, &adam, optimizer));
}

static void train_epochs(clmlp_model *model, clmlp_optimizer *optimizer, clmlp_dataset *data,
                         int first, int last)
{
    clmlp_fit_options fit = clmlp_fit_default();
    fit.start_epoch = first;
    fit.epochs = last;
    fit.batch_size = 32;
    fit.seed = 9;
    ck_assert_ok(clmlp_fit(model, optimizer, data, NULL, &fit));
}

/* Asserts that two tensors hold the same bytes. */
static void assert_identical(const clmlp_tensor *a, const clmlp_tensor *b, const char *name)
{
    size_t n = clmlp_tensor_numel(a);
    ck_assert_uint_eq(n, clmlp_tensor_numel(b));
    ck_assert_int_eq(a->dtype, b->dtype);
    uint32_t *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
    ck_assert_ptr_nonnull(x);
    ck_assert_ptr_nonnull(y);
    ck_assert_ok(clmlp_tensor_read(a, x, n));
    ck_assert_ok(clmlp_tensor_read(b, y, n));
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(x[i] == y[i], "%s element %zu: bits %08x vs %08x", name, i, x[i], y[i]);
    free(x);
    free(y);
}

/* Asserts that the models' parameters and buffers and the optimizers'
 * state tensors and step counts are identical. */
static void assert_same_run(clmlp_model *a, clmlp_optimizer *opt_a, clmlp_model *b,
                            clmlp_optimizer *opt_b)
{
    clmlp_tensor *const *ta, *const *tb;
    const char *const *names;
    size_t na, nb;
    ck_assert_ok(clmlp_model_parameters(a, &ta, &names, &na));
    ck_assert_ok(clmlp_model_parameters(b, &tb, NULL, &nb));
    ck_assert_uint_eq(na, nb);
    for (size_t i = 0; i < na; i++)
        assert_identical(ta[i], tb[i], names[i]);
    ck_assert_ok(clmlp_model_buffers(a, &ta, &names, &na));
    ck_assert_ok(clmlp_model_buffers(b, &tb, NULL, &nb));
    ck_assert_uint_eq(na, nb);
    ck_assert_uint_gt(na, 0);
    for (size_t i = 0; i < na; i++)
        assert_identical(ta[i], tb[i], names[i]);

    ck_assert_uint_eq(clmlp_optimizer_step_count(opt_a), clmlp_optimizer_step_count(opt_b));
    ck_assert_uint_eq(clmlp_optimizer_state_slots(opt_a), 2);
    ck_assert_uint_eq(clmlp_optimizer_state_slots(opt_b), 2);
    for (size_t p = 0; p < clmlp_optimizer_param_count(opt_a); p++) {
        for (size_t s = 0; s < 2; s++) {
            clmlp_tensor *sa, *sb;
            ck_assert_ok(clmlp_optimizer_state(opt_a, p, s, &sa));
            ck_assert_ok(clmlp_optimizer_state(opt_b, p, s, &sb));
            assert_identical(sa, sb, clmlp_optimizer_state_name(opt_a, s));
        }
    }
}

START_TEST(fc_adam_resume_is_exact)
{
    fixture f;
    fixture_open(&f, _i);

    /* Uninterrupted: three epochs. */
    clmlp_model *straight;
    clmlp_optimizer *straight_optimizer;
    create_fc_adam(f.ctx, &straight, &straight_optimizer);
    train_epochs(straight, straight_optimizer, f.data, 1, 3);

    /* Interrupted: two epochs, a checkpoint, and the third epoch on a model
     * and an optimizer rebuilt from the file alone. */
    clmlp_model *first, *resumed;
    clmlp_optimizer *first_optimizer, *resumed_optimizer;
    create_fc_adam(f.ctx, &first, &first_optimizer);
    train_epochs(first, first_optimizer, f.data, 1, 2);
    clmlp_checkpoint_info info = {.epoch = 2, .train_loss = NAN};
    ck_assert_ok(clmlp_checkpoint_save(path, first, first_optimizer, &info));
    clmlp_optimizer_free(first_optimizer);
    clmlp_model_free(first);

    clmlp_checkpoint_info loaded;
    ck_assert_ok(clmlp_checkpoint_open(f.ctx, path, &resumed, &resumed_optimizer, &loaded));
    ck_assert_int_eq(loaded.epoch, 2);
    ck_assert_str_eq(clmlp_model_family(resumed), "fc");
    ck_assert_str_eq(clmlp_optimizer_name(resumed_optimizer), "adam");
    ck_assert_float_eq(clmlp_optimizer_lr(resumed_optimizer), 0.01f);
    train_epochs(resumed, resumed_optimizer, f.data, 3, 3);

    assert_same_run(straight, straight_optimizer, resumed, resumed_optimizer);

    clmlp_optimizer_free(resumed_optimizer);
    clmlp_model_free(resumed);
    clmlp_optimizer_free(straight_optimizer);
    clmlp_model_free(straight);
    fixture_close(&f);
}
END_TEST

START_TEST(fc_checkpoint_names_and_config)
{
    fixture f;
    fixture_open(&f, _i);
    clmlp_model *model;
    clmlp_optimizer *optimizer;
    create_fc_adam(f.ctx, &model, &optimizer);
    train_epochs(model, optimizer, f.data, 1, 1);
    ck_assert_ok(clmlp_checkpoint_save(path, model, optimizer, NULL));

    /* Layers: 0 Linear, 1 BatchNorm1d, 2 ReLU, 3 Dropout, 4 Linear, 5
     * BatchNorm1d, 6 ReLU, 7 Dropout, 8 Linear. */
    clmlp_safetensors *st;
    ck_assert_ok(clmlp_safetensors_open(path, &st));
    static const char *names[] = {"net.0.weight", "net.1.running_mean", "net.1.running_var",
                                  "net.5.running_mean", "net.8.bias",
                                  "optimizer.net.0.weight.exp_avg",
                                  "optimizer.net.8.bias.exp_avg_sq"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        ck_assert_msg(clmlp_safetensors_find(st, names[i]) != NULL, "%s is missing", names[i]);
    ck_assert_ptr_null(clmlp_safetensors_find(st, "optimizer.net.1.running_mean.exp_avg"));

    /* num_batches_tracked is I64, as PyTorch stores it: 160 samples in
     * batches of 32 are 5 training batches. */
    const clmlp_st_tensor *tracked = clmlp_safetensors_find(st, "net.1.num_batches_tracked");
    ck_assert_ptr_nonnull(tracked);
    ck_assert_str_eq(tracked->dtype, "I64");
    int64_t batches = 0;
    ck_assert_ok(clmlp_safetensors_read_i64(st, tracked, &batches));
    ck_assert_int_eq(batches, 5);

    ck_assert_str_eq(clmlp_safetensors_metadata(st, "model.family"), "fc");
    ck_assert_str_eq(clmlp_safetensors_metadata(st, "model.config"),
                     "{\"inputs\":64,\"hidden\":[16,8],\"outputs\":4,\"activation\":\"relu\","
                     "\"batch_norm\":true,\"dropout\":0.3,\"sigmoid\":false,"
                     "\"seed\":\"12345678901234567\"}");
    ck_assert_str_eq(clmlp_safetensors_metadata(st, "model.dropout_calls"), "5");
    ck_assert_str_eq(clmlp_safetensors_metadata(st, "optimizer"), "adam");
    ck_assert_str_eq(clmlp_safetensors_metadata(st, "optimizer.step"), "5");
    ck_assert_str_eq(clmlp_safetensors_metadata(st, "optimizer.config"),
                     "{\"lr\":0.01,\"beta1\":0.9,\"beta2\":0.999,\"eps\":1e-08,"
                     "\"weight_decay\":0.001}");
    clmlp_safetensors_close(st);

    clmlp_optimizer_free(optimizer);
    clmlp_model_free(model);
    fixture_close(&f);
}
END_TEST

/* Creates a concise MLP whose lazy layers have seen BLOCK_FEATURES inputs. */
static void create_concise(clmlp_context *ctx, clmlp_model **model)
{
    ck_assert_ok(clmlp_concise_mlp_create(ctx, 12, BLOCK_CLASSES, 4, model));
    size_t shape[2] = {1, BLOCK_FEATURES};
    ck_assert_ok(clmlp_module_materialize(clmlp_model_module(*model), 2, shape));
}

START_TEST(concise_checkpoint_evaluates_same)
{
    fixture f;
    fixture_open(&f, _i);
    clmlp_model *model, *loaded;
    clmlp_optimizer *optimizer;
    create_concise(f.ctx, &model);
    clmlp_tensor *const *params;
    size_t count;
    ck_assert_ok(clmlp_model_parameters(model, &params, NULL, &count));
    clmlp_sgd_options sgd = clmlp_sgd_default();
    sgd.lr = 0.2f;
    sgd.momentum = 0.9f;
    ck_assert_ok(clmlp_sgd_create(f.ctx, params, count, &sgd, &optimizer));
    train_epochs(model, optimizer, f.data, 1, 2);
    ck_assert_ok(clmlp_checkpoint_save(path, model, optimizer, NULL));

    clmlp_safetensors *st;
    ck_assert_ok(clmlp_safetensors_open(path, &st));
    ck_assert_str_eq(clmlp_safetensors_metadata(st, "model.config"),
                     "{\"hidden\":[12],\"outputs\":4,\"seed\":\"4\",\"inputs\":64}");
    ck_assert_ptr_nonnull(clmlp_safetensors_find(st, "optimizer.net.3.weight.momentum_buffer"));
    ck_assert_ptr_null(clmlp_safetensors_metadata(st, "model.dropout_calls"));
    clmlp_safetensors_close(st);

    /* The model alone, rebuilt from the metadata: materialised and equal. */
    clmlp_checkpoint_info info;
    ck_assert_ok(clmlp_checkpoint_open(f.ctx, path, &loaded, NULL, &info));
    ck_assert_str_eq(clmlp_model_family(loaded), "concise");
    ck_assert_int_eq(info.loss, CLMLP_LOSS_CROSS_ENTROPY);
    double loss, accuracy, loaded_loss, loaded_accuracy;
    ck_assert_ok(clmlp_evaluate(model, f.data, 64, &loss, &accuracy));
    ck_assert_ok(clmlp_evaluate(loaded, f.data, 64, &loaded_loss, &loaded_accuracy));
    ck_assert_double_gt(accuracy, 0.5);
    ck_assert_double_eq(loss, loaded_loss);
    ck_assert_double_eq(accuracy, loaded_accuracy);
    clmlp_model_free(loaded);

    /* An unmaterialised concise MLP cannot be saved. */
    clmlp_model *lazy;
    ck_assert_ok(clmlp_concise_mlp_create(f.ctx, 12, BLOCK_CLASSES, 4, &lazy));
    ck_assert_int_eq(clmlp_checkpoint_save(path, lazy, NULL, NULL), CLMLP_ERROR_NOT_READY);
    clmlp_clear_error();
    clmlp_model_free(lazy);

    clmlp_optimizer_free(optimizer);
    clmlp_model_free(model);
    fixture_close(&f);
}
END_TEST

START_TEST(task_metadata_round_trip)
{
    fixture f;
    fixture_open(&f, _i);
    clmlp_model *model, *loaded;
    create_concise(f.ctx, &model);

    clmlp_checkpoint_info info = {.epoch = 3, .train_loss = 0.5, .loss = CLMLP_LOSS_BCE,
                                  .positive_classes = (1u << 5) | (1u << 7) | (1u << 9)};
    ck_assert_ok(clmlp_checkpoint_save(path, model, NULL, &info));
    clmlp_safetensors *st;
    ck_assert_ok(clmlp_safetensors_open(path, &st));
    ck_assert_str_eq(clmlp_safetensors_metadata(st, "task.loss"), "bce");
    ck_assert_str_eq(clmlp_safetensors_metadata(st, "task.positive_classes"), "5,7,9");
    clmlp_safetensors_close(st);
    clmlp_checkpoint_info got = {0};
    ck_assert_ok(clmlp_checkpoint_open(f.ctx, path, &loaded, NULL, &got));
    ck_assert_int_eq(got.loss, CLMLP_LOSS_BCE);
    ck_assert_uint_eq(got.positive_classes, info.positive_classes);
    clmlp_model_free(loaded);

    /* Without info: no task keys, and loading gives the multi-class task. */
    ck_assert_ok(clmlp_checkpoint_save(path, model, NULL, NULL));
    got = (clmlp_checkpoint_info){.loss = CLMLP_LOSS_BCE, .positive_classes = 3};
    ck_assert_ok(clmlp_checkpoint_load(path, model, NULL, &got));
    ck_assert_int_eq(got.loss, CLMLP_LOSS_CROSS_ENTROPY);
    ck_assert_uint_eq(got.positive_classes, 0);

    clmlp_model_free(model);
    fixture_close(&f);
}
END_TEST

int main(void)
{
    Suite *suite = suite_create("checkpoint-modules");
    TCase *tc = tcase_create("checkpoint-modules");
    tcase_set_timeout(tc, 600);
    tcase_add_checked_fixture(tc, setup, teardown);
    add_device_test(tc, fc_adam_resume_is_exact);
    add_device_test(tc, fc_checkpoint_names_and_config);
    add_device_test(tc, concise_checkpoint_evaluates_same);
    add_device_test(tc, task_metadata_round_trip);
    suite_add_tcase(suite, tc);
    return run_suite(suite, true);
}
