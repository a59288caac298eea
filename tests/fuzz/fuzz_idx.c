/* libFuzzer target for the IDX reader: each input is written to a temporary
 * file and read with clmlp_idx_read(), raw or as gzip when it starts with
 * the gzip magic bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "clmlp/data.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    clmlp_idx idx;
    clmlp_status status = clmlp_idx_read(fuzz_input_path(data, size), &idx);

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
