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

#ifdef __cplusplus
}
#endif

#endif
