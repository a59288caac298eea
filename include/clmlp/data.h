/* Data: IDX files, MNIST-style splits, and datasets held on the device that
 * shuffle and gather batches there. */
#ifndef CLMLP_DATA_H
#define CLMLP_DATA_H

#include <stddef.h>
#include <stdint.h>

#include "clmlp/tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Largest IDX body clmlp reads, in bytes (2 GiB). A header that claims more
 * is rejected before anything is allocated. */
#define CLMLP_IDX_MAX_BYTES ((size_t)1 << 31)

/* An IDX array of unsigned bytes: dims[0] items of item_size bytes each,
 * row-major. */
typedef struct clmlp_idx {
    uint8_t *data;      /* count * item_size bytes, owned by the struct */
    int ndim;           /* 1 to 4 */
    uint32_t dims[4];   /* dims[ndim..3] are 0 */
    size_t count;       /* dims[0] */
    size_t item_size;   /* product of dims[1..ndim-1]; 1 when ndim is 1 */
} clmlp_idx;

/* Reads an IDX file of unsigned bytes (type code 0x08), gzip-compressed or
 * raw. zlib detects gzip data by its first two bytes. On failure *out is
 * zeroed, so clmlp_idx_free() is always safe to call. Returns
 * CLMLP_ERROR_IO when the file cannot be opened or read, and
 * CLMLP_ERROR_FORMAT with the path and the problem in the message when the
 * header is invalid, the body is shorter or longer than the header claims,
 * or the gzip data is truncated or damaged. */
CLMLP_API clmlp_status clmlp_idx_read(const char *path, clmlp_idx *out);

/* Frees the data and zeroes the struct. NULL is allowed. */
CLMLP_API void clmlp_idx_free(clmlp_idx *idx);

/* One split of an MNIST-style dataset, such as Fashion-MNIST, on the host. */
typedef struct clmlp_mnist {
    clmlp_idx images;   /* [count, rows, cols] unsigned bytes */
    clmlp_idx labels;   /* [count] class indices, each below classes */
    size_t count;
    size_t rows;
    size_t cols;
    size_t features;    /* rows * cols */
    size_t classes;
} clmlp_mnist;

/* Reads DIR/SPLIT-images-idx3-ubyte and DIR/SPLIT-labels-idx1-ubyte, each
 * with or without a .gz suffix (the .gz file wins when both exist). split is
 * "train" or "t10k" for the standard files. classes (1 to 256) bounds every
 * label. On failure *out is zeroed. Returns CLMLP_ERROR_IO when the folder
 * or a file is missing, and CLMLP_ERROR_FORMAT when a file is invalid, the
 * image and label counts differ, or a label is not below classes. */
CLMLP_API clmlp_status clmlp_mnist_read(const char *dir, const char *split, size_t classes,
                                        clmlp_mnist *out);

/* Frees both arrays and zeroes the struct. NULL is allowed. */
CLMLP_API void clmlp_mnist_free(clmlp_mnist *mnist);

/* A dataset held on the device: image and label bytes, an int32 order of
 * sample indices, and an int32 label map from class index to target. */
typedef struct clmlp_dataset clmlp_dataset;

/* Copies a split to the device once. The order starts as 0, 1, ..., count-1
 * and the label map as the identity. mnist may be freed afterwards, but the
 * dataset must be freed before ctx. Returns CLMLP_ERROR_FORMAT when a label
 * is not below mnist->classes, CLMLP_ERROR_OUT_OF_DEVICE_MEMORY when a
 * buffer is larger than the device allows, and CLMLP_ERROR_SHAPE when count
 * or features do not fit the 32-bit sizes of the gather kernels. */
CLMLP_API clmlp_status clmlp_dataset_create(clmlp_context *ctx, const clmlp_mnist *mnist,
                                            clmlp_dataset **dataset);

/* Releases the device buffers and the dataset. NULL is allowed. */
CLMLP_API void clmlp_dataset_free(clmlp_dataset *dataset);

/* Number of samples. */
CLMLP_API size_t clmlp_dataset_count(const clmlp_dataset *dataset);

/* Bytes per image, which is the number of float features per sample. */
CLMLP_API size_t clmlp_dataset_features(const clmlp_dataset *dataset);

/* Number of class indices, the length of the label map. */
CLMLP_API size_t clmlp_dataset_classes(const clmlp_dataset *dataset);

/* Replaces the label map: a sample of class c gets target map[c]. classes
 * must equal clmlp_dataset_classes() and every target must be at least 0.
 * A binary task maps the positive classes to 1 and the rest to 0. Blocks
 * until the copy is done. */
CLMLP_API clmlp_status clmlp_dataset_set_label_map(clmlp_dataset *dataset, const int *map,
                                                   size_t classes);

/* Sets the order to a random permutation that depends only on seed, epoch
 * and the count: a Fisher-Yates shuffle driven by Philox4x32-10. Blocks
 * until the order is on the device. */
CLMLP_API clmlp_status clmlp_dataset_shuffle(clmlp_dataset *dataset, uint64_t seed,
                                             uint64_t epoch);

/* Sets the order back to 0, 1, ..., count-1. Blocks until it is on the
 * device. */
CLMLP_API clmlp_status clmlp_dataset_reset_order(clmlp_dataset *dataset);

/* Gathers samples order[start .. start+batch-1] into x, a contiguous
 * float32 tensor [batch, features] of pixels divided by 255, and y, a
 * contiguous int32 tensor [batch] of mapped labels. The last batch of an
 * epoch may be smaller than the others: the caller passes tensors of that
 * size. Enqueues two kernels and returns without waiting. Returns
 * CLMLP_ERROR_SHAPE when the range leaves the dataset or a tensor has the
 * wrong dtype or shape. */
CLMLP_API clmlp_status clmlp_dataset_batch(clmlp_dataset *dataset, size_t start, size_t batch,
                                           clmlp_tensor *x, clmlp_tensor *y);

#ifdef __cplusplus
}
#endif

#endif
