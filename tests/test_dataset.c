/* The device dataset: batches gathered on the device against a host
 * computation, shuffled orders, label maps and argument checks. */
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "data/dataset.h"
#include "tensor/tensor.h"

#define COUNT 37
#define ROWS 3
#define COLS 5
#define FEATURES (ROWS * COLS)
#define CLASSES 10
#define GUARD 8
#define GUARD_VALUE -777.0f

/* Builds a split in memory: pixel (i, j) is (i * 31 + j * 7) mod 256, with
 * 0 and 255 placed in sample 0, and label i is (i * 3) mod 10. */
static clmlp_mnist make_split(void)
{
    clmlp_mnist m = {0};
    m.count = COUNT;
    m.rows = ROWS;
    m.cols = COLS;
    m.features = FEATURES;
    m.classes = CLASSES;

    m.images.ndim = 3;
    m.images.dims[0] = COUNT;
    m.images.dims[1] = ROWS;
    m.images.dims[2] = COLS;
    m.images.count = COUNT;
    m.images.item_size = FEATURES;
    m.images.data = malloc(COUNT * FEATURES);
    ck_assert_ptr_nonnull(m.images.data);
    for (size_t i = 0; i < COUNT; i++)
        for (size_t j = 0; j < FEATURES; j++)
            m.images.data[i * FEATURES + j] = (uint8_t)(i * 31 + j * 7);
    m.images.data[0] = 0;
    m.images.data[1] = 255;

    m.labels.ndim = 1;
    m.labels.dims[0] = COUNT;
    m.labels.count = COUNT;
    m.labels.item_size = 1;
    m.labels.data = malloc(COUNT);
    ck_assert_ptr_nonnull(m.labels.data);
    for (size_t i = 0; i < COUNT; i++)
        m.labels.data[i] = (uint8_t)(i * 3 % CLASSES);
    return m;
}

static void read_order(const clmlp_dataset *ds, int32_t *order)
{
    cl_int code = clEnqueueReadBuffer(ds->ctx->queue, ds->order, CL_TRUE, 0,
                                      ds->count * sizeof *order, order, 0, NULL, NULL);
    ck_assert_int_eq(code, CL_SUCCESS);
}

static void assert_permutation(const int32_t *order, size_t count)
{
    bool seen[COUNT] = {false};
    for (size_t i = 0; i < count; i++) {
        ck_assert_int_ge(order[i], 0);
        ck_assert_int_lt(order[i], (int)count);
        ck_assert_msg(!seen[order[i]], "order[%zu] = %d appears twice", i, order[i]);
        seen[order[i]] = true;
    }
}

/* Gathers samples order[start .. start+batch-1] into x and y, where x is a
 * view at an offset inside a larger tensor with guard values around it,
 * and checks both against the host. map is NULL for the identity. */
static void check_batch(clmlp_context *ctx, clmlp_dataset *ds, const clmlp_mnist *m,
                        const int32_t *order, size_t start, size_t batch, const int *map)
{
    size_t n = batch * FEATURES, total = n + 2 * GUARD;
    float *initial = malloc(total * sizeof *initial);
    ck_assert_ptr_nonnull(initial);
    for (size_t i = 0; i < total; i++)
        initial[i] = GUARD_VALUE;
    clmlp_tensor *base = NULL, *x = NULL, *y = NULL;
    ck_assert_ok(clmlp_tensor_from_host(ctx, CLMLP_FLOAT32, 1, &total, initial, &base));
    size_t shape[2] = {batch, FEATURES}, strides[2] = {FEATURES, 1};
    ck_assert_ok(clmlp_tensor_view(base, 2, shape, strides, GUARD, &x));
    ck_assert_ok(clmlp_tensor_create(ctx, CLMLP_INT32, 1, &batch, &y));

    ck_assert_ok(clmlp_dataset_batch(ds, start, batch, x, y));

    float *got = read_tensor(base);
    int32_t *labels = malloc(batch * sizeof *labels);
    ck_assert_ptr_nonnull(labels);
    ck_assert_ok(clmlp_tensor_read(y, labels, batch));

    double *want = malloc(n * sizeof *want);
    ck_assert_ptr_nonnull(want);
    for (size_t b = 0; b < batch; b++) {
        size_t sample = (size_t)order[start + b];
        for (size_t j = 0; j < FEATURES; j++)
            want[b * FEATURES + j] = m->images.data[sample * FEATURES + j] / 255.0;
        int label = m->labels.data[sample];
        int target = map != NULL ? map[label] : label;
        ck_assert_msg(labels[b] == target, "y[%zu] (sample %zu) is %d, want %d", b, sample,
                      labels[b], target);
    }
    assert_close(got + GUARD, want, n, 1e-6, 0.0, "x");
    for (size_t i = 0; i < GUARD; i++) {
        ck_assert_float_eq(got[i], GUARD_VALUE);
        ck_assert_float_eq(got[GUARD + n + i], GUARD_VALUE);
    }

    clmlp_tensor_free(x);
    clmlp_tensor_free(base);
    clmlp_tensor_free(y);
    free(initial);
    free(got);
    free(labels);
    free(want);
}

/* Gathers a whole epoch in batches of batch_size, the last one partial. */
static void check_epoch(clmlp_context *ctx, clmlp_dataset *ds, const clmlp_mnist *m,
                        size_t batch_size, const int *map)
{
    int32_t order[COUNT];
    read_order(ds, order);
    assert_permutation(order, COUNT);
    for (size_t start = 0; start < COUNT; start += batch_size) {
        size_t batch = COUNT - start < batch_size ? COUNT - start : batch_size;
        check_batch(ctx, ds, m, order, start, batch, map);
    }
}

START_TEST(dataset_gathers_in_order)
{
    clmlp_context *ctx = test_context(_i);
    clmlp_mnist m = make_split();
    clmlp_dataset *ds = NULL;
    ck_assert_ok(clmlp_dataset_create(ctx, &m, &ds));
    ck_assert_uint_eq(clmlp_dataset_count(ds), COUNT);
    ck_assert_uint_eq(clmlp_dataset_features(ds), FEATURES);
    ck_assert_uint_eq(clmlp_dataset_classes(ds), CLASSES);

    int32_t order[COUNT];
    read_order(ds, order);
    for (int i = 0; i < COUNT; i++)
        ck_assert_int_eq(order[i], i);
    check_batch(ctx, ds, &m, order, 0, COUNT, NULL);
    check_batch(ctx, ds, &m, order, COUNT - 1, 1, NULL);

    /* The dataset keeps its own copy of the split. */
    clmlp_mnist copy = make_split();
    clmlp_mnist_free(&m);
    check_batch(ctx, ds, &copy, order, 3, 11, NULL);

    clmlp_mnist_free(&copy);
    clmlp_dataset_free(ds);
    clmlp_context_free(ctx);
}
END_TEST

START_TEST(dataset_gathers_shuffled_batches)
{
    clmlp_context *ctx = test_context(_i);
    clmlp_mnist m = make_split();
    clmlp_dataset *ds = NULL;
    ck_assert_ok(clmlp_dataset_create(ctx, &m, &ds));

    /* 37 samples in batches of 8 end with a partial batch of 5. */
    ck_assert_ok(clmlp_dataset_shuffle(ds, 42, 0));
    check_epoch(ctx, ds, &m, 8, NULL);
    ck_assert_ok(clmlp_dataset_shuffle(ds, 42, 1));
    check_epoch(ctx, ds, &m, 16, NULL);

    clmlp_mnist_free(&m);
    clmlp_dataset_free(ds);
    clmlp_context_free(ctx);
}
END_TEST

START_TEST(dataset_shuffle_is_seeded)
{
    clmlp_context *ctx = test_context(_i);
    clmlp_mnist m = make_split();
    clmlp_dataset *ds = NULL;
    ck_assert_ok(clmlp_dataset_create(ctx, &m, &ds));

    int32_t first[COUNT], again[COUNT], next_epoch[COUNT], other_seed[COUNT];
    ck_assert_ok(clmlp_dataset_shuffle(ds, 7, 3));
    read_order(ds, first);
    ck_assert_ok(clmlp_dataset_shuffle(ds, 7, 4));
    read_order(ds, next_epoch);
    ck_assert_ok(clmlp_dataset_shuffle(ds, 8, 3));
    read_order(ds, other_seed);
    ck_assert_ok(clmlp_dataset_shuffle(ds, 7, 3));
    read_order(ds, again);

    assert_permutation(first, COUNT);
    assert_permutation(next_epoch, COUNT);
    assert_permutation(other_seed, COUNT);
    ck_assert_mem_eq(first, again, sizeof first);
    ck_assert_mem_ne(first, next_epoch, sizeof first);
    ck_assert_mem_ne(first, other_seed, sizeof first);

    /* Shuffling moves samples, and resetting restores 0 .. count-1. */
    size_t moved = 0;
    for (int i = 0; i < COUNT; i++)
        moved += first[i] != i;
    ck_assert_uint_gt(moved, COUNT / 2);
    ck_assert_ok(clmlp_dataset_reset_order(ds));
    read_order(ds, again);
    for (int i = 0; i < COUNT; i++)
        ck_assert_int_eq(again[i], i);

    clmlp_mnist_free(&m);
    clmlp_dataset_free(ds);
    clmlp_context_free(ctx);
}
END_TEST

START_TEST(dataset_applies_label_map)
{
    clmlp_context *ctx = test_context(_i);
    clmlp_mnist m = make_split();
    clmlp_dataset *ds = NULL;
    ck_assert_ok(clmlp_dataset_create(ctx, &m, &ds));

    /* A binary task: classes 2, 5 and 9 are positive. */
    const int binary[CLASSES] = {0, 0, 1, 0, 0, 1, 0, 0, 0, 1};
    ck_assert_ok(clmlp_dataset_set_label_map(ds, binary, CLASSES));
    ck_assert_ok(clmlp_dataset_shuffle(ds, 1, 0));
    check_epoch(ctx, ds, &m, 10, binary);

    /* Any non-negative targets pass through. */
    const int scattered[CLASSES] = {9, 8, 7, 6, 5, 4, 3, 2, 1, 1000};
    ck_assert_ok(clmlp_dataset_set_label_map(ds, scattered, CLASSES));
    check_epoch(ctx, ds, &m, 37, scattered);

    const int negative[CLASSES] = {0, 0, 0, -1, 0, 0, 0, 0, 0, 0};
    ck_assert_int_eq(clmlp_dataset_set_label_map(ds, negative, CLASSES),
                     CLMLP_ERROR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(clmlp_error_message(), "class 3 maps to -1"));
    ck_assert_int_eq(clmlp_dataset_set_label_map(ds, binary, CLASSES - 1), CLMLP_ERROR_SHAPE);
    ck_assert_int_eq(clmlp_dataset_set_label_map(ds, NULL, CLASSES),
                     CLMLP_ERROR_INVALID_ARGUMENT);

    /* The rejected maps left the last good one in place. */
    check_epoch(ctx, ds, &m, 37, scattered);

    clmlp_mnist_free(&m);
    clmlp_dataset_free(ds);
    clmlp_context_free(ctx);
}
END_TEST

START_TEST(dataset_rejects_bad_batches)
{
    clmlp_context *ctx = test_context(_i);
    clmlp_mnist m = make_split();
    clmlp_dataset *ds = NULL;
    ck_assert_ok(clmlp_dataset_create(ctx, &m, &ds));

    size_t batch = 4, x_shape[2] = {4, FEATURES}, wide[2] = {4, FEATURES + 1}, five = 5;
    clmlp_tensor *x = NULL, *y = NULL, *x_wide = NULL, *y_float = NULL, *y_long = NULL;
    ck_assert_ok(clmlp_tensor_create(ctx, CLMLP_FLOAT32, 2, x_shape, &x));
    ck_assert_ok(clmlp_tensor_create(ctx, CLMLP_INT32, 1, &batch, &y));
    ck_assert_ok(clmlp_tensor_create(ctx, CLMLP_FLOAT32, 2, wide, &x_wide));
    ck_assert_ok(clmlp_tensor_create(ctx, CLMLP_FLOAT32, 1, &batch, &y_float));
    ck_assert_ok(clmlp_tensor_create(ctx, CLMLP_INT32, 1, &five, &y_long));

    ck_assert_ok(clmlp_dataset_batch(ds, COUNT - 4, 4, x, y));
    ck_assert_int_eq(clmlp_dataset_batch(ds, COUNT - 3, 4, x, y), CLMLP_ERROR_SHAPE);
    ck_assert_ptr_nonnull(strstr(clmlp_error_message(), "samples 34 to 38"));
    ck_assert_int_eq(clmlp_dataset_batch(ds, COUNT, 4, x, y), CLMLP_ERROR_SHAPE);
    ck_assert_int_eq(clmlp_dataset_batch(ds, 0, 0, x, y), CLMLP_ERROR_SHAPE);
    ck_assert_int_eq(clmlp_dataset_batch(ds, 0, 3, x, y), CLMLP_ERROR_SHAPE);
    ck_assert_int_eq(clmlp_dataset_batch(ds, 0, 4, x_wide, y), CLMLP_ERROR_SHAPE);
    ck_assert_ptr_nonnull(strstr(clmlp_error_message(), "x has shape [4, 16]"));
    ck_assert_int_eq(clmlp_dataset_batch(ds, 0, 4, x, y_float), CLMLP_ERROR_SHAPE);
    ck_assert_int_eq(clmlp_dataset_batch(ds, 0, 4, x, y_long), CLMLP_ERROR_SHAPE);
    ck_assert_int_eq(clmlp_dataset_batch(ds, 0, 4, y, y), CLMLP_ERROR_SHAPE);
    ck_assert_int_eq(clmlp_dataset_batch(ds, 0, 4, NULL, y), CLMLP_ERROR_INVALID_ARGUMENT);
    ck_assert_int_eq(clmlp_dataset_batch(ds, 0, 4, x, NULL), CLMLP_ERROR_INVALID_ARGUMENT);
    ck_assert_int_eq(clmlp_dataset_batch(NULL, 0, 4, x, y), CLMLP_ERROR_INVALID_ARGUMENT);

    clmlp_tensor_free(x);
    clmlp_tensor_free(y);
    clmlp_tensor_free(x_wide);
    clmlp_tensor_free(y_float);
    clmlp_tensor_free(y_long);
    clmlp_mnist_free(&m);
    clmlp_dataset_free(ds);
    clmlp_context_free(ctx);
}
END_TEST

START_TEST(dataset_rejects_bad_splits)
{
    clmlp_context *ctx = test_context(_i);
    clmlp_mnist m = make_split();
    clmlp_dataset *ds = NULL;

    /* gather_labels would read past the label map. */
    m.labels.data[5] = CLASSES;
    ck_assert_int_eq(clmlp_dataset_create(ctx, &m, &ds), CLMLP_ERROR_FORMAT);
    ck_assert_ptr_nonnull(strstr(clmlp_error_message(), "label 5 is 10"));
    ck_assert_ptr_null(ds);
    m.labels.data[5] = 0;

    m.labels.count = COUNT - 1;
    ck_assert_int_eq(clmlp_dataset_create(ctx, &m, &ds), CLMLP_ERROR_INVALID_ARGUMENT);
    m.labels.count = COUNT;

    m.features = FEATURES + 1;
    ck_assert_int_eq(clmlp_dataset_create(ctx, &m, &ds), CLMLP_ERROR_INVALID_ARGUMENT);
    m.features = FEATURES;

    m.classes = 0;
    ck_assert_int_eq(clmlp_dataset_create(ctx, &m, &ds), CLMLP_ERROR_INVALID_ARGUMENT);
    m.classes = CLASSES;

    clmlp_mnist empty = {0};
    ck_assert_int_eq(clmlp_dataset_create(ctx, &empty, &ds), CLMLP_ERROR_INVALID_ARGUMENT);
    ck_assert_int_eq(clmlp_dataset_create(NULL, &m, &ds), CLMLP_ERROR_INVALID_ARGUMENT);
    ck_assert_int_eq(clmlp_dataset_create(ctx, NULL, &ds), CLMLP_ERROR_INVALID_ARGUMENT);
    ck_assert_int_eq(clmlp_dataset_create(ctx, &m, NULL), CLMLP_ERROR_INVALID_ARGUMENT);

    /* A device whose buffers are smaller than the images. */
    uint64_t max_allocation = ctx->info.max_allocation;
    ctx->info.max_allocation = COUNT * FEATURES - 1;
    ck_assert_int_eq(clmlp_dataset_create(ctx, &m, &ds), CLMLP_ERROR_OUT_OF_DEVICE_MEMORY);
    ck_assert_ptr_nonnull(strstr(clmlp_error_message(), "CL_DEVICE_MAX_MEM_ALLOC_SIZE"));
    ck_assert_ptr_null(ds);
    ctx->info.max_allocation = max_allocation;

    ck_assert_ok(clmlp_dataset_create(ctx, &m, &ds));
    clmlp_dataset_free(ds);
    clmlp_dataset_free(NULL);
    ck_assert_uint_eq(clmlp_dataset_count(NULL), 0);

    clmlp_mnist_free(&m);
    clmlp_context_free(ctx);
}
END_TEST

int main(void)
{
    Suite *suite = suite_create("dataset");
    TCase *tc = tcase_create("device");
    tcase_set_timeout(tc, 300);
    add_device_test(tc, dataset_gathers_in_order);
    add_device_test(tc, dataset_gathers_shuffled_batches);
    add_device_test(tc, dataset_shuffle_is_seeded);
    add_device_test(tc, dataset_applies_label_map);
    add_device_test(tc, dataset_rejects_bad_batches);
    add_device_test(tc, dataset_rejects_bad_splits);
    suite_add_tcase(suite, tc);
    return run_suite(suite, true);
}
