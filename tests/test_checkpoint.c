/* Checkpoints of models and optimizers: round trips, resumed training,
 * rebuilding from metadata, rejected files, and prediction. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "io/safetensors.h"
#include "models/model.h"
#include "optim/optimizer.h"

#define FEATURES 12
#define HIDDEN 8
#define CLASSES 3
#define SAMPLES 200

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

/* Random pixels whose label is the brightest third of the image. */
static void make_split(clmlp_mnist *out, uint32_t seed)
{
    memset(out, 0, sizeof *out);
    uint8_t *images = malloc(SAMPLES * FEATURES), *labels = malloc(SAMPLES);
    ck_assert_ptr_nonnull(images);
    ck_assert_ptr_nonnull(labels);
    for (size_t i = 0; i < SAMPLES; i++) {
        int sums[CLASSES] = {0};
        for (size_t j = 0; j < FEATURES; j++) {
            seed = seed * 1664525u + 1013904223u;
            images[i * FEATURES + j] = (uint8_t)(seed >> 24);
            sums[j * CLASSES / FEATURES] += images[i * FEATURES + j];
        }
        labels[i] = (uint8_t)(sums[1] > sums[0] ? (sums[2] > sums[1]) + 1 : (sums[2] > sums[0]) * 2);
    }
    out->images = (clmlp_idx){images, 3, {SAMPLES, 3, 4, 0}, SAMPLES, FEATURES};
    out->labels = (clmlp_idx){labels, 1, {SAMPLES, 0, 0, 0}, SAMPLES, 1};
    out->count = SAMPLES;
    out->rows = 3;
    out->cols = 4;
    out->features = FEATURES;
    out->classes = CLASSES;
}

typedef struct fixture {
    clmlp_context *ctx;
    clmlp_mnist split;
    clmlp_dataset *data;
} fixture;

static void fixture_open(fixture *f, int device)
{
    f->ctx = test_context(device);
    make_split(&f->split, 5);
    ck_assert_ok(clmlp_dataset_create(f->ctx, &f->split, &f->data));
}

static void fixture_close(fixture *f)
{
    clmlp_dataset_free(f->data);
    clmlp_mnist_free(&f->split);
    clmlp_context_free(f->ctx);
}

static void create_pair(clmlp_context *ctx, uint64_t seed, size_t hidden, clmlp_model **model,
                        clmlp_optimizer **optimizer)
{
    ck_assert_ok(clmlp_scratch_mlp_create(ctx, FEATURES, hidden, CLASSES, seed, model));
    clmlp_tensor *const *params;
    size_t count;
    ck_assert_ok(clmlp_model_parameters(*model, &params, NULL, &count));
    clmlp_sgd_options sgd = clmlp_sgd_default();
    sgd.lr = 0.5f;
    sgd.momentum = 0.9f;
    ck_assert_ok(clmlp_sgd_create(ctx, params, count, &sgd, optimizer));
}

static void train_epochs(clmlp_model *model, clmlp_optimizer *optimizer, clmlp_dataset *data,
                         int first, int last)
{
    clmlp_fit_options fit = clmlp_fit_default();
    fit.start_epoch = first;
    fit.epochs = last;
    fit.batch_size = 32;
    fit.seed = 3;
    ck_assert_ok(clmlp_fit(model, optimizer, data, NULL, &fit));
}

static void assert_same_tensor(const clmlp_tensor *a, const clmlp_tensor *b, const char *what,
                               size_t index)
{
    float *x = read_tensor(a), *y = read_tensor(b);
    size_t n = clmlp_tensor_numel(a);
    ck_assert_uint_eq(n, clmlp_tensor_numel(b));
    for (size_t j = 0; j < n; j++)
        ck_assert_msg(fabsf(x[j] - y[j]) <= 1e-6f * (1 + fabsf(x[j])),
                      "%s: tensor %zu element %zu: %g vs %g", what, index, j, (double)x[j],
                      (double)y[j]);
    free(x);
    free(y);
}

typedef struct slot_list {
    clmlp_tensor *tensors[8];
    size_t count;
} slot_list;

static clmlp_status collect_slot(size_t param_index, const char *slot, clmlp_tensor *tensor,
                                 void *user_data)
{
    slot_list *list = user_data;
    ck_assert_uint_eq(param_index, list->count);
    ck_assert_str_eq(slot, "momentum_buffer");
    list->tensors[list->count++] = tensor;
    return CLMLP_SUCCESS;
}

/* Asserts that the parameters, momentum buffers and step counts of a and b
 * are equal. */
static void assert_same_state(clmlp_optimizer *a, clmlp_optimizer *b, const char *what)
{
    ck_assert_uint_eq(a->step_count, b->step_count);
    for (size_t i = 0; i < a->param_count; i++)
        assert_same_tensor(a->params[i], b->params[i], what, i);

    slot_list slots_a = {0}, slots_b = {0};
    ck_assert_ok(a->ops->visit_state(a, collect_slot, &slots_a));
    ck_assert_ok(b->ops->visit_state(b, collect_slot, &slots_b));
    ck_assert_uint_eq(slots_a.count, a->param_count);
    ck_assert_uint_eq(slots_b.count, b->param_count);
    for (size_t i = 0; i < slots_a.count; i++)
        assert_same_tensor(slots_a.tensors[i], slots_b.tensors[i], what, i);
}

/* A model trained for one epoch and an untrained copy of the same shape,
 * each with its own SGD with momentum. */
typedef struct trained_pair {
    clmlp_model *model, *copy;
    clmlp_optimizer *optimizer, *copy_optimizer;
} trained_pair;

static void trained_pair_open(trained_pair *p, fixture *f)
{
    create_pair(f->ctx, 1, HIDDEN, &p->model, &p->optimizer);
    create_pair(f->ctx, 2, HIDDEN, &p->copy, &p->copy_optimizer);
    train_epochs(p->model, p->optimizer, f->data, 1, 1);
}

static void trained_pair_close(trained_pair *p)
{
    clmlp_optimizer_free(p->copy_optimizer);
    clmlp_model_free(p->copy);
    clmlp_optimizer_free(p->optimizer);
    clmlp_model_free(p->model);
}

START_TEST(save_load_round_trip)
{
    fixture f;
    fixture_open(&f, _i);
    trained_pair p;
    trained_pair_open(&p, &f);

    clmlp_checkpoint_info info = {.epoch = 1, .train_loss = 0.75};
    ck_assert_ok(clmlp_checkpoint_save(path, p.model, p.optimizer, &info));
    clmlp_checkpoint_info loaded = {0};
    ck_assert_ok(clmlp_checkpoint_load(path, p.copy, p.copy_optimizer, &loaded));
    ck_assert_int_eq(loaded.epoch, 1);
    ck_assert_double_eq_tol(loaded.train_loss, 0.75, 1e-9);
    assert_same_state(p.optimizer, p.copy_optimizer, "after loading");

    /* The momentum buffers and the step count came back too: one more epoch
     * on both gives the same weights. */
    train_epochs(p.model, p.optimizer, f.data, 2, 2);
    train_epochs(p.copy, p.copy_optimizer, f.data, 2, 2);
    assert_same_state(p.optimizer, p.copy_optimizer, "after resuming");

    trained_pair_close(&p);
    fixture_close(&f);
}
END_TEST

START_TEST(checkpoint_names_and_metadata)
{
    fixture f;
    fixture_open(&f, _i);
    clmlp_model *model;
    clmlp_optimizer *optimizer;
    create_pair(f.ctx, 1, HIDDEN, &model, &optimizer);
    ck_assert_ok(clmlp_checkpoint_save(path, model, optimizer, NULL));

    clmlp_safetensors *st;
    ck_assert_ok(clmlp_safetensors_open(path, &st));
    ck_assert_uint_eq(st->count, 8);
    static const char *names[] = {"W1", "b1", "W2", "b2", "optimizer.W1.momentum_buffer",
                                  "optimizer.b1.momentum_buffer", "optimizer.W2.momentum_buffer",
                                  "optimizer.b2.momentum_buffer"};
    for (size_t i = 0; i < 8; i++)
        ck_assert_msg(clmlp_safetensors_find(st, names[i]) != NULL, "%s is missing", names[i]);
    ck_assert_uint_eq(clmlp_safetensors_find(st, "W1")->shape[0], FEATURES);
    ck_assert_str_eq(clmlp_safetensors_metadata(st, "model.family"), "scratch");
    ck_assert_str_eq(clmlp_safetensors_metadata(st, "model.config"),
                     "{\"inputs\":12,\"hidden\":8,\"outputs\":3}");
    ck_assert_str_eq(clmlp_safetensors_metadata(st, "epoch"), "0");
    ck_assert_ptr_null(clmlp_safetensors_metadata(st, "train_loss"));
    ck_assert_str_eq(clmlp_safetensors_metadata(st, "optimizer"), "sgd");
    ck_assert_str_eq(clmlp_safetensors_metadata(st, "optimizer.step"), "0");
    ck_assert_ptr_nonnull(strstr(clmlp_safetensors_metadata(st, "optimizer.config"),
                                 "\"momentum\":0.9"));
    clmlp_safetensors_close(st);

    clmlp_optimizer_free(optimizer);
    clmlp_model_free(model);
    fixture_close(&f);
}
END_TEST

START_TEST(open_rebuilds_from_metadata)
{
    fixture f;
    fixture_open(&f, _i);
    clmlp_model *model, *rebuilt;
    clmlp_optimizer *optimizer, *rebuilt_optimizer;
    create_pair(f.ctx, 1, HIDDEN, &model, &optimizer);
    train_epochs(model, optimizer, f.data, 1, 2);
    clmlp_checkpoint_info info = {.epoch = 2, .train_loss = NAN};
    ck_assert_ok(clmlp_checkpoint_save(path, model, optimizer, &info));

    clmlp_checkpoint_info loaded;
    ck_assert_ok(clmlp_checkpoint_open(f.ctx, path, &rebuilt, &rebuilt_optimizer, &loaded));
    ck_assert_int_eq(loaded.epoch, 2);
    ck_assert(isnan(loaded.train_loss));
    ck_assert_str_eq(clmlp_model_family(rebuilt), "scratch");
    ck_assert_str_eq(clmlp_optimizer_name(rebuilt_optimizer), "sgd");
    ck_assert_float_eq(clmlp_optimizer_lr(rebuilt_optimizer), 0.5f);
    assert_same_state(optimizer, rebuilt_optimizer, "rebuilt");

    double loss, accuracy, rebuilt_loss, rebuilt_accuracy;
    ck_assert_ok(clmlp_evaluate(model, f.data, 64, &loss, &accuracy));
    ck_assert_ok(clmlp_evaluate(rebuilt, f.data, 64, &rebuilt_loss, &rebuilt_accuracy));
    ck_assert_double_eq_tol(loss, rebuilt_loss, 1e-6);
    ck_assert_double_eq(accuracy, rebuilt_accuracy);
    clmlp_optimizer_free(rebuilt_optimizer);
    clmlp_model_free(rebuilt);

    /* Without an optimizer output, only the model is created. */
    ck_assert_ok(clmlp_checkpoint_open(f.ctx, path, &rebuilt, NULL, NULL));
    clmlp_model_free(rebuilt);

    clmlp_optimizer_free(optimizer);
    clmlp_model_free(model);
    fixture_close(&f);
}
END_TEST

/* Loads path into model and expects CLMLP_ERROR_FORMAT with part in the
 * message. */
static void expect_load_rejected(clmlp_model *model, clmlp_optimizer *optimizer, const char *part)
{
    clmlp_status status = clmlp_checkpoint_load(path, model, optimizer, NULL);
    ck_assert_msg(status == CLMLP_ERROR_FORMAT, "got %s: %s", clmlp_status_name(status),
                  clmlp_error_message());
    ck_assert_msg(strstr(clmlp_error_message(), part) != NULL, "message \"%s\" lacks \"%s\"",
                  clmlp_error_message(), part);
}

/* Writes the model's first count parameters plus, when extra is set, one
 * tensor the model does not have. */
static void write_partial(clmlp_model *model, size_t count, bool extra)
{
    clmlp_st_entry entries[5] = {{0}};
    float *data[5] = {0};
    for (size_t i = 0; i < count; i++) {
        data[i] = read_tensor(model->params[i]);
        entries[i] = (clmlp_st_entry){model->param_names[i], model->params[i]->ndim,
                                      {model->params[i]->shape[0], model->params[i]->shape[1]},
                                      data[i], NULL};
    }
    static const float bonus[2] = {1, 2};
    if (extra)
        entries[count++] = (clmlp_st_entry){"net.9.weight", 1, {2, 0, 0, 0}, bonus, NULL};
    ck_assert_ok(clmlp_safetensors_write(path, entries, count, NULL));
    for (size_t i = 0; i < 5; i++)
        free(data[i]);
}

START_TEST(load_rejects_mismatched_files)
{
    fixture f;
    fixture_open(&f, _i);
    clmlp_model *model, *wider, *plain;
    clmlp_optimizer *optimizer, *wider_optimizer;
    create_pair(f.ctx, 1, HIDDEN, &model, &optimizer);
    create_pair(f.ctx, 2, HIDDEN + 1, &wider, &wider_optimizer);
    ck_assert_ok(clmlp_scratch_mlp_create(f.ctx, FEATURES, HIDDEN, CLASSES, 9, &plain));
    float *before = read_tensor(model->params[0]);

    ck_assert_ok(clmlp_checkpoint_save(path, wider, wider_optimizer, NULL));
    expect_load_rejected(model, optimizer, "tensor \"W1\" has shape [12, 9], but the model "
                         "expects [12, 8]");

    write_partial(plain, 3, false);
    expect_load_rejected(model, NULL, "lacks tensor \"b2\", which the model has");

    write_partial(plain, 4, true);
    expect_load_rejected(model, NULL, "has tensor \"net.9.weight\", which the model does not have");

    /* A file without optimizer state loads into the model alone. */
    write_partial(plain, 4, false);
    expect_load_rejected(model, optimizer, "contains no optimizer state");

    /* None of the rejected files changed the model. */
    float *after = read_tensor(model->params[0]);
    ck_assert_mem_eq(before, after, FEATURES * HIDDEN * sizeof(float));
    free(after);
    ck_assert_ok(clmlp_checkpoint_load(path, model, NULL, NULL));
    after = read_tensor(model->params[0]);
    float *expected = read_tensor(plain->params[0]);
    ck_assert_mem_eq(expected, after, FEATURES * HIDDEN * sizeof(float));

    free(expected);
    free(after);
    free(before);
    clmlp_model_free(plain);
    clmlp_optimizer_free(wider_optimizer);
    clmlp_model_free(wider);
    clmlp_optimizer_free(optimizer);
    clmlp_model_free(model);
    fixture_close(&f);
}
END_TEST

START_TEST(load_rejects_truncated_files)
{
    fixture f;
    fixture_open(&f, _i);
    clmlp_model *model;
    clmlp_optimizer *optimizer;
    create_pair(f.ctx, 1, HIDDEN, &model, &optimizer);
    ck_assert_ok(clmlp_checkpoint_save(path, model, optimizer, NULL));

    FILE *file = fopen(path, "rb+");
    ck_assert_ptr_nonnull(file);
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    fclose(file);
    ck_assert_int_eq(truncate(path, size / 2), 0);
    expect_load_rejected(model, optimizer, "truncated");

    /* Keep only the length and part of the header. */
    ck_assert_int_eq(truncate(path, 40), 0);
    expect_load_rejected(model, optimizer, "points past the end");

    clmlp_model *none = (clmlp_model *)1;
    ck_assert_int_eq(clmlp_checkpoint_open(f.ctx, path, &none, NULL, NULL), CLMLP_ERROR_FORMAT);
    ck_assert_ptr_null(none);

    clmlp_optimizer_free(optimizer);
    clmlp_model_free(model);
    fixture_close(&f);
}
END_TEST

/* Marks the scratch MLP's weights as held in [in, out] and saved in
 * PyTorch's [out, in] layout, as module-based models do. */
static clmlp_status visit_transposed(clmlp_model *model, clmlp_state_fn fn, void *user_data)
{
    for (size_t i = 0; i < model->param_count; i++) {
        clmlp_state_entry entry = {model->param_names[i], model->params[i],
                                   model->params[i]->ndim == 2};
        CLMLP_TRY(fn(&entry, user_data));
    }
    return CLMLP_SUCCESS;
}

START_TEST(transposed_state_round_trip)
{
    fixture f;
    fixture_open(&f, _i);
    trained_pair p;
    trained_pair_open(&p, &f);
    clmlp_model_ops ops = *p.model->ops;
    ops.visit_state = visit_transposed;
    p.model->ops = &ops;
    p.copy->ops = &ops;
    ck_assert_ok(clmlp_checkpoint_save(path, p.model, p.optimizer, NULL));

    /* The file contains W1 as [hidden, inputs], the transpose of the device
     * tensor, and so does its momentum. */
    clmlp_safetensors *st;
    ck_assert_ok(clmlp_safetensors_open(path, &st));
    float *w1 = read_tensor(p.model->params[0]);
    float stored[FEATURES * HIDDEN];
    const clmlp_st_tensor *t = clmlp_safetensors_find(st, "W1");
    ck_assert_uint_eq(t->shape[0], HIDDEN);
    ck_assert_uint_eq(t->shape[1], FEATURES);
    ck_assert_ok(clmlp_safetensors_read_f32(st, t, stored));
    for (size_t r = 0; r < FEATURES; r++)
        for (size_t c = 0; c < HIDDEN; c++)
            ck_assert_float_eq(stored[c * FEATURES + r], w1[r * HIDDEN + c]);
    ck_assert_uint_eq(clmlp_safetensors_find(st, "optimizer.W1.momentum_buffer")->shape[0], HIDDEN);
    clmlp_safetensors_close(st);
    free(w1);

    ck_assert_ok(clmlp_checkpoint_load(path, p.copy, p.copy_optimizer, NULL));
    assert_same_state(p.optimizer, p.copy_optimizer, "transposed");

    trained_pair_close(&p);
    fixture_close(&f);
}
END_TEST

START_TEST(predict_matches_host_forward)
{
    fixture f;
    fixture_open(&f, _i);
    clmlp_model *model;
    clmlp_optimizer *optimizer;
    create_pair(f.ctx, 1, HIDDEN, &model, &optimizer);
    train_epochs(model, optimizer, f.data, 1, 1);

    enum { BATCH = 5 };
    float inputs[BATCH * FEATURES], probabilities[BATCH * CLASSES];
    int32_t labels[BATCH];
    uint32_t seed = 11;
    fill_uniform(inputs, BATCH * FEATURES, 0.0f, 1.0f, &seed);
    ck_assert(clmlp_model_training(model));
    ck_assert_ok(clmlp_predict(model, inputs, BATCH, FEATURES, CLASSES, probabilities, labels));
    ck_assert(clmlp_model_training(model));

    /* Host reference: softmax(relu(x W1 + b1) W2 + b2) in double. */
    float *w1 = read_tensor(model->params[0]), *b1 = read_tensor(model->params[1]);
    float *w2 = read_tensor(model->params[2]), *b2 = read_tensor(model->params[3]);
    double want[BATCH * CLASSES];
    for (size_t r = 0; r < BATCH; r++) {
        double hidden[HIDDEN], logits[CLASSES], max = -INFINITY, sum = 0;
        int best = 0;
        for (size_t h = 0; h < HIDDEN; h++) {
            hidden[h] = b1[h];
            for (size_t k = 0; k < FEATURES; k++)
                hidden[h] += (double)inputs[r * FEATURES + k] * w1[k * HIDDEN + h];
            hidden[h] = hidden[h] > 0 ? hidden[h] : 0;
        }
        for (size_t c = 0; c < CLASSES; c++) {
            logits[c] = b2[c];
            for (size_t h = 0; h < HIDDEN; h++)
                logits[c] += hidden[h] * w2[h * CLASSES + c];
            if (logits[c] > max) {
                max = logits[c];
                best = (int)c;
            }
        }
        for (size_t c = 0; c < CLASSES; c++)
            sum += exp(logits[c] - max);
        for (size_t c = 0; c < CLASSES; c++)
            want[r * CLASSES + c] = exp(logits[c] - max) / sum;
        ck_assert_int_eq(labels[r], best);
    }
    assert_close(probabilities, want, BATCH * CLASSES, 1e-5, 1e-6, "probabilities");

    /* Labels alone, and a wrong class count. */
    ck_assert_ok(clmlp_predict(model, inputs, BATCH, FEATURES, CLASSES, NULL, labels));
    ck_assert_int_eq(clmlp_predict(model, inputs, BATCH, FEATURES, CLASSES + 1, NULL, labels),
                     CLMLP_ERROR_SHAPE);
    ck_assert_int_eq(clmlp_predict(model, inputs, 0, FEATURES, CLASSES, NULL, labels),
                     CLMLP_ERROR_INVALID_ARGUMENT);

    free(w1);
    free(b1);
    free(w2);
    free(b2);
    clmlp_optimizer_free(optimizer);
    clmlp_model_free(model);
    fixture_close(&f);
}
END_TEST

int main(void)
{
    Suite *suite = suite_create("checkpoint");
    TCase *tc = tcase_create("checkpoint");
    tcase_set_timeout(tc, 600);
    tcase_add_checked_fixture(tc, setup, teardown);
    add_device_test(tc, save_load_round_trip);
    add_device_test(tc, checkpoint_names_and_metadata);
    add_device_test(tc, open_rebuilds_from_metadata);
    add_device_test(tc, load_rejects_mismatched_files);
    add_device_test(tc, load_rejects_truncated_files);
    add_device_test(tc, transposed_state_round_trip);
    add_device_test(tc, predict_matches_host_forward);
    suite_add_tcase(suite, tc);
    return run_suite(suite, true);
}
