/* Loader for one split of an MNIST-style dataset: an image file and a label
 * file in the IDX format, as Fashion-MNIST and MNIST ship them. */
#include "clmlp/data.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/error.h"

/* Labels are bytes, so no dataset has more than 256 classes. */
#define MAX_CLASSES 256

static bool is_file(const char *path)
{
    struct stat info;
    return stat(path, &info) == 0 && !S_ISDIR(info.st_mode);
}

/* Sets *path to a new string DIR/SPLIT-KIND-ubyte.gz when that file exists,
 * else DIR/SPLIT-KIND-ubyte when that one exists. kind is "images-idx3" or
 * "labels-idx1". */
static clmlp_status find_file(const char *dir, const char *split, const char *kind, char **path)
{
    *path = NULL;
    int length = snprintf(NULL, 0, "%s/%s-%s-ubyte.gz", dir, split, kind);
    if (length < 0)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "cannot format a file name in %s", dir);
    char *candidate = malloc((size_t)length + 1);
    if (candidate == NULL)
        return clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory building a path");

    snprintf(candidate, (size_t)length + 1, "%s/%s-%s-ubyte.gz", dir, split, kind);
    if (is_file(candidate)) {
        *path = candidate;
        return CLMLP_SUCCESS;
    }

    /* The same name without ".gz". */
    candidate[length - 3] = '\0';
    if (is_file(candidate)) {
        *path = candidate;
        return CLMLP_SUCCESS;
    }

    clmlp_status status = clmlp_fail(CLMLP_ERROR_IO, "%s-%s-ubyte not found in the data folder %s: "
                                     "expected %s.gz or %s (gzip or raw IDX)", split, kind, dir,
                                     candidate, candidate);
    free(candidate);
    return status;
}

static clmlp_status check_arguments(const char *dir, const char *split, size_t classes)
{
    if (dir == NULL || split == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_mnist_read: NULL folder or split");
    if (split[0] == '\0' || strchr(split, '/') != NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_mnist_read: invalid split \"%s\"; "
                          "use \"train\" or \"t10k\"", split);
    if (classes < 1 || classes > MAX_CLASSES)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_mnist_read: %zu classes requested; "
                          "byte labels allow 1 to %d", classes, MAX_CLASSES);

    struct stat info;
    if (stat(dir, &info) != 0)
        return clmlp_fail(CLMLP_ERROR_IO, "data folder %s not found (%s); pass --data DIR with the "
                          "Fashion-MNIST IDX files", dir, strerror(errno));
    if (!S_ISDIR(info.st_mode))
        return clmlp_fail(CLMLP_ERROR_IO, "data folder %s is not a folder; pass --data DIR with the "
                          "Fashion-MNIST IDX files", dir);
    return CLMLP_SUCCESS;
}

/* Checks the shapes and labels of a split that was read. */
static clmlp_status check_split(const clmlp_mnist *m, const char *images_path,
                                const char *labels_path)
{
    if (m->images.ndim != 3)
        return clmlp_fail(CLMLP_ERROR_FORMAT, "%s has %d dimensions; an image file must have 3 "
                          "[count, rows, cols]", images_path, m->images.ndim);
    if (m->labels.ndim != 1)
        return clmlp_fail(CLMLP_ERROR_FORMAT, "%s has %d dimensions; a label file must have 1 "
                          "[count]", labels_path, m->labels.ndim);
    if (m->images.count != m->labels.count)
        return clmlp_fail(CLMLP_ERROR_FORMAT, "%s contains %zu images but %s contains %zu "
                          "labels; both files must come from the same split", images_path,
                          m->images.count, labels_path, m->labels.count);

    for (size_t i = 0; i < m->labels.count; i++) {
        if (m->labels.data[i] >= m->classes)
            return clmlp_fail(CLMLP_ERROR_FORMAT, "%s: label %zu is %u, but the dataset has %zu "
                              "classes (0 to %zu)", labels_path, i, (unsigned)m->labels.data[i],
                              m->classes, m->classes - 1);
    }
    return CLMLP_SUCCESS;
}

static clmlp_status read_split(const char *dir, const char *split, clmlp_mnist *m,
                               char **images_path, char **labels_path)
{
    CLMLP_TRY(find_file(dir, split, "images-idx3", images_path));
    CLMLP_TRY(find_file(dir, split, "labels-idx1", labels_path));
    CLMLP_TRY(clmlp_idx_read(*images_path, &m->images));
    CLMLP_TRY(clmlp_idx_read(*labels_path, &m->labels));
    CLMLP_TRY(check_split(m, *images_path, *labels_path));

    m->count = m->images.count;
    m->rows = m->images.dims[1];
    m->cols = m->images.dims[2];
    m->features = m->images.item_size;
    return CLMLP_SUCCESS;
}

clmlp_status clmlp_mnist_read(const char *dir, const char *split, size_t classes,
                              clmlp_mnist *out)
{
    if (out == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_mnist_read: NULL output");
    memset(out, 0, sizeof *out);
    CLMLP_TRY(check_arguments(dir, split, classes));

    clmlp_mnist m = {0};
    m.classes = classes;
    char *images_path = NULL, *labels_path = NULL;
    clmlp_status status = read_split(dir, split, &m, &images_path, &labels_path);
    free(images_path);
    free(labels_path);

    if (status != CLMLP_SUCCESS) {
        clmlp_mnist_free(&m);
        return status;
    }
    *out = m;
    return CLMLP_SUCCESS;
}

void clmlp_mnist_free(clmlp_mnist *mnist)
{
    if (mnist == NULL)
        return;
    clmlp_idx_free(&mnist->images);
    clmlp_idx_free(&mnist->labels);
    memset(mnist, 0, sizeof *mnist);
}
