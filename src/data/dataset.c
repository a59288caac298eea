/* The dataset held on the device: uploads once, shuffles the sample order,
 * and gathers normalised batches with the kernels in cl/data.cl. */
#include "data/dataset.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "data/shuffle.h"
#include "tensor/tensor.h"

/* Labels are bytes, so the label map never needs more than 256 entries. */
#define MAX_CLASSES 256

/* Checks that a split read by clmlp_mnist_read, or filled in by the caller,
 * is consistent and fits the gather kernels. */
static clmlp_status check_mnist(const clmlp_mnist *m)
{
    if (m->images.data == NULL || m->labels.data == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_dataset_create: the split has no "
                          "image or label data; read it with clmlp_mnist_read first");
    if (m->count == 0 || m->images.count != m->count || m->labels.count != m->count)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_dataset_create: the split has %zu "
                          "samples, %zu images and %zu labels; all three must be equal and "
                          "nonzero", m->count, m->images.count, m->labels.count);
    if (m->features == 0 || m->images.item_size != m->features)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_dataset_create: the split has %zu "
                          "features but %zu bytes per image; they must be equal and nonzero",
                          m->features, m->images.item_size);
    if (m->classes < 1 || m->classes > MAX_CLASSES)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_dataset_create: %zu classes; byte "
                          "labels allow 1 to %d", m->classes, MAX_CLASSES);

    /* The order stores int32 sample indices, and kernels take cl_uint sizes. */
    if (m->count > INT32_MAX || m->features > UINT32_MAX)
        return clmlp_fail(CLMLP_ERROR_SHAPE, "clmlp_dataset_create: %zu samples of %zu features "
                          "exceed the gather kernels' limits of %d samples and %u features",
                          m->count, m->features, INT32_MAX, UINT32_MAX);

    /* gather_labels indexes the label map with every label. */
    for (size_t i = 0; i < m->count; i++) {
        if (m->labels.data[i] >= m->classes)
            return clmlp_fail(CLMLP_ERROR_FORMAT, "clmlp_dataset_create: label %zu is %u, but the "
                              "split has %zu classes (0 to %zu)", i, (unsigned)m->labels.data[i],
                              m->classes, m->classes - 1);
    }
    return CLMLP_SUCCESS;
}

/* Creates a read-only buffer filled from host memory; what names it in the
 * message. */
static clmlp_status create_buffer(clmlp_context *ctx, size_t bytes, const void *host,
                                  const char *what, cl_mem *buffer)
{
    if ((uint64_t)bytes > ctx->info.max_allocation)
        return clmlp_fail(CLMLP_ERROR_OUT_OF_DEVICE_MEMORY, "the dataset's %s need %zu bytes, but "
                          "%s allows at most %llu bytes in one buffer; use a device with a larger "
                          "CL_DEVICE_MAX_MEM_ALLOC_SIZE", what, bytes, ctx->info.device_name,
                          (unsigned long long)ctx->info.max_allocation);

    cl_int code = CL_SUCCESS;
    *buffer = clCreateBuffer(ctx->context, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, bytes,
                             (void *)host, &code);
    if (code != CL_SUCCESS) {
        *buffer = NULL;
        clmlp_fail_cl(code, "clCreateBuffer", __FILE__, __LINE__);
        return clmlp_fail_append(code == CL_MEM_OBJECT_ALLOCATION_FAILURE ||
                                         code == CL_OUT_OF_RESOURCES
                                     ? CLMLP_ERROR_OUT_OF_DEVICE_MEMORY
                                     : CLMLP_ERROR_OPENCL,
                                 " creating the dataset's %s (%zu bytes)", what, bytes);
    }
    return CLMLP_SUCCESS;
}

static clmlp_status create_buffers(clmlp_dataset *ds, const clmlp_mnist *m)
{
    int32_t identity[MAX_CLASSES];
    for (size_t c = 0; c < ds->classes; c++)
        identity[c] = (int32_t)c;

    clmlp_context *ctx = ds->ctx;
    CLMLP_TRY(create_buffer(ctx, ds->count * ds->features, m->images.data, "images",
                            &ds->images));
    CLMLP_TRY(create_buffer(ctx, ds->count, m->labels.data, "labels", &ds->labels));
    CLMLP_TRY(create_buffer(ctx, ds->count * sizeof(int32_t), ds->host_order, "sample order",
                            &ds->order));
    return create_buffer(ctx, ds->classes * sizeof(int32_t), identity, "label map",
                         &ds->label_map);
}

clmlp_status clmlp_dataset_create(clmlp_context *ctx, const clmlp_mnist *mnist,
                                  clmlp_dataset **dataset)
{
    if (ctx == NULL || mnist == NULL || dataset == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_dataset_create: NULL context, split "
                          "or output");
    *dataset = NULL;
    CLMLP_TRY(check_mnist(mnist));

    clmlp_dataset *ds = calloc(1, sizeof *ds);
    if (ds == NULL)
        return clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory creating a dataset");
    ds->ctx = ctx;
    ds->count = mnist->count;
    ds->features = mnist->features;
    ds->classes = mnist->classes;

    ds->host_order = malloc(ds->count * sizeof *ds->host_order);
    if (ds->host_order == NULL) {
        clmlp_dataset_free(ds);
        return clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory for the order of "
                          "%zu samples", mnist->count);
    }
    for (size_t i = 0; i < ds->count; i++)
        ds->host_order[i] = (int32_t)i;

    clmlp_status status = create_buffers(ds, mnist);
    if (status != CLMLP_SUCCESS) {
        clmlp_dataset_free(ds);
        return status;
    }
    *dataset = ds;
    return CLMLP_SUCCESS;
}

void clmlp_dataset_free(clmlp_dataset *ds)
{
    if (ds == NULL)
        return;
    cl_mem buffers[] = {ds->images, ds->labels, ds->order, ds->label_map};
    for (size_t i = 0; i < sizeof buffers / sizeof buffers[0]; i++) {
        if (buffers[i] != NULL)
            clReleaseMemObject(buffers[i]);
    }
    free(ds->host_order);
    free(ds);
}

size_t clmlp_dataset_count(const clmlp_dataset *ds)
{
    return ds == NULL ? 0 : ds->count;
}

size_t clmlp_dataset_features(const clmlp_dataset *ds)
{
    return ds == NULL ? 0 : ds->features;
}

size_t clmlp_dataset_classes(const clmlp_dataset *ds)
{
    return ds == NULL ? 0 : ds->classes;
}

clmlp_status clmlp_dataset_set_label_map(clmlp_dataset *ds, const int *map, size_t classes)
{
    if (ds == NULL || map == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_dataset_set_label_map: NULL "
                          "dataset or map");
    if (classes != ds->classes)
        return clmlp_fail(CLMLP_ERROR_SHAPE, "clmlp_dataset_set_label_map: the map has %zu "
                          "entries but the dataset has %zu classes; give one target per class",
                          classes, ds->classes);

    int32_t targets[MAX_CLASSES];
    for (size_t c = 0; c < classes; c++) {
        if (map[c] < 0)
            return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_dataset_set_label_map: class "
                              "%zu maps to %d; targets must be at least 0", c, map[c]);
        targets[c] = (int32_t)map[c];
    }

    CLMLP_CL_CHECK(clEnqueueWriteBuffer(ds->ctx->queue, ds->label_map, CL_TRUE, 0,
                                        classes * sizeof(int32_t), targets, 0, NULL, NULL));
    return CLMLP_SUCCESS;
}

/* Copies the host order to the device. The write blocks, so host_order may
 * change as soon as it returns; the in-order queue runs it after every
 * gather already enqueued. */
static clmlp_status upload_order(clmlp_dataset *ds)
{
    CLMLP_CL_CHECK(clEnqueueWriteBuffer(ds->ctx->queue, ds->order, CL_TRUE, 0,
                                        ds->count * sizeof(int32_t), ds->host_order, 0, NULL,
                                        NULL));
    return CLMLP_SUCCESS;
}

clmlp_status clmlp_dataset_shuffle(clmlp_dataset *ds, uint64_t seed, uint64_t epoch)
{
    if (ds == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_dataset_shuffle: NULL dataset");
    clmlp_shuffle_permutation(ds->host_order, ds->count, seed, epoch);
    return upload_order(ds);
}

clmlp_status clmlp_dataset_reset_order(clmlp_dataset *ds)
{
    if (ds == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_dataset_reset_order: NULL dataset");
    for (size_t i = 0; i < ds->count; i++)
        ds->host_order[i] = (int32_t)i;
    return upload_order(ds);
}

/* Checks the sample range and the output tensors of a batch. */
static clmlp_status check_batch(const clmlp_dataset *ds, size_t start, size_t batch,
                                const clmlp_tensor *x, const clmlp_tensor *y)
{
    if (batch == 0 || start >= ds->count || batch > ds->count - start)
        return clmlp_fail(CLMLP_ERROR_SHAPE, "clmlp_dataset_batch: samples %zu to %zu requested "
                          "from a dataset of %zu; the batch must be nonempty and end at or before "
                          "the last sample", start, start + batch, ds->count);

    CLMLP_TRY(clmlp_check_matrix(x, 2, "clmlp_dataset_batch", "x"));
    char shape[96];
    clmlp_format_shape(x, shape, sizeof shape);
    if (x->shape[0] != batch || x->shape[1] != ds->features)
        return clmlp_fail(CLMLP_ERROR_SHAPE, "clmlp_dataset_batch: x has shape %s; a batch of %zu "
                          "needs [%zu, %zu]", shape, batch, batch, ds->features);

    if (y == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_dataset_batch: y is NULL");
    clmlp_format_shape(y, shape, sizeof shape);
    if (y->dtype != CLMLP_INT32 || y->ndim != 1 || y->shape[0] != batch ||
        !clmlp_tensor_is_contiguous(y))
        return clmlp_fail(CLMLP_ERROR_SHAPE, "clmlp_dataset_batch: y has shape %s; a batch of %zu "
                          "needs a contiguous int32 tensor [%zu]", shape, batch, batch);

    if (x->ctx != ds->ctx || y->ctx != ds->ctx)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_dataset_batch: x and y must belong "
                          "to the dataset's context");
    return CLMLP_SUCCESS;
}

clmlp_status clmlp_dataset_batch(clmlp_dataset *ds, size_t start, size_t batch, clmlp_tensor *x,
                                 clmlp_tensor *y)
{
    if (ds == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_dataset_batch: NULL dataset");
    CLMLP_TRY(check_batch(ds, start, batch, x, y));

    /* check_mnist and the tensor size limit keep every value within cl_uint. */
    cl_uint n = (cl_uint)(batch * ds->features), features = (cl_uint)ds->features;
    cl_uint first = (cl_uint)start, rows = (cl_uint)batch;
    cl_uint x_offset = (cl_uint)x->offset, y_offset = (cl_uint)y->offset;

    CLMLP_TRY(CLMLP_LAUNCH_1D(ds->ctx, "gather_images", n, CLMLP_ARG(n), CLMLP_ARG(features),
                              CLMLP_ARG(ds->images), CLMLP_ARG(ds->order), CLMLP_ARG(first),
                              CLMLP_ARG(x->buffer), CLMLP_ARG(x_offset)));
    return CLMLP_LAUNCH_1D(ds->ctx, "gather_labels", batch, CLMLP_ARG(rows), CLMLP_ARG(ds->labels),
                           CLMLP_ARG(ds->order), CLMLP_ARG(first), CLMLP_ARG(ds->label_map),
                           CLMLP_ARG(y->buffer), CLMLP_ARG(y_offset));
}
