/* Writes a small MNIST-style dataset of raw IDX files into a folder, so the
 * mlp-train tests run without Fashion-MNIST. */
#include <stdio.h>
#include <stdlib.h>

#include "common.h"

/* Writes an IDX file of unsigned bytes with the given dimensions. */
static int write_idx(const char *dir, const char *name, const clmlp_idx *idx)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (f == NULL) {
        perror(path);
        return 1;
    }
    /* Magic: two zero bytes, type 0x08 (unsigned byte), the dimension count. */
    unsigned char header[4] = {0, 0, 0x08, (unsigned char)idx->ndim};
    fwrite(header, 1, sizeof header, f);
    for (int i = 0; i < idx->ndim; i++) {
        uint32_t d = idx->dims[i];
        unsigned char big_endian[4] = {(unsigned char)(d >> 24), (unsigned char)(d >> 16),
                                       (unsigned char)(d >> 8), (unsigned char)d};
        fwrite(big_endian, 1, sizeof big_endian, f);
    }
    fwrite(idx->data, idx->item_size, idx->count, f);
    if (ferror(f) | fclose(f)) {
        perror(path);
        return 1;
    }
    return 0;
}

static int write_split(const char *dir, const char *split, size_t count, uint32_t seed)
{
    clmlp_mnist data;
    make_block_split(count, seed, &data);
    char images[64], labels[64];
    snprintf(images, sizeof images, "%s-images-idx3-ubyte", split);
    snprintf(labels, sizeof labels, "%s-labels-idx1-ubyte", split);
    int failed = write_idx(dir, images, &data.images) || write_idx(dir, labels, &data.labels);
    clmlp_mnist_free(&data);
    return failed;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: write_fixture DIR\n");
        return 2;
    }
    if (write_split(argv[1], "train", 1000, 1) || write_split(argv[1], "t10k", 300, 2))
        return 1;
    return 0;
}
