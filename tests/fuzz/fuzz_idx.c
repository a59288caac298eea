/* libFuzzer target for the IDX reader: each input is written to a temporary
 * file and read with clmlp_idx_read(), raw or as gzip when it starts with
 * the gzip magic bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "clmlp/data.h"

static char path[] = "/tmp/clmlp-fuzz-idx-XXXXXX";
static int path_ready;

static void remove_input(void)
{
    unlink(path);
}

/* Writes the input to the temporary file, creating it on the first call. */
static int write_input(const uint8_t *data, size_t size)
{
    if (!path_ready) {
        int fd = mkstemp(path);
        if (fd < 0)
            return -1;
        close(fd);
        atexit(remove_input);
        path_ready = 1;
    }
    FILE *file = fopen(path, "wb");
    if (file == NULL)
        return -1;
    size_t written = fwrite(data, 1, size, file);
    return fclose(file) == 0 && written == size ? 0 : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (write_input(data, size) != 0)
        abort();

    clmlp_idx idx;
    clmlp_status status = clmlp_idx_read(path, &idx);

    /* A success must describe a consistent array, and a failure must leave
     * the output empty. */
    if (status == CLMLP_SUCCESS) {
        if (idx.data == NULL || idx.ndim < 1 || idx.ndim > 4 || idx.count != idx.dims[0])
            abort();
        size_t bytes = idx.item_size;
        for (int i = 1; i < idx.ndim; i++)
            bytes /= idx.dims[i];
        if (bytes != 1 || idx.count * idx.item_size > CLMLP_IDX_MAX_BYTES)
            abort();
        /* Touch the last byte so ASan checks the buffer's length. */
        volatile uint8_t last = idx.data[idx.count * idx.item_size - 1];
        (void)last;
    } else if (idx.data != NULL || idx.count != 0 ||
               (status != CLMLP_ERROR_FORMAT && status != CLMLP_ERROR_IO &&
                status != CLMLP_ERROR_OUT_OF_HOST_MEMORY)) {
        abort();
    }
    clmlp_idx_free(&idx);
    return 0;
}
