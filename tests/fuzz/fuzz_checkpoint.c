/* libFuzzer target for the checkpoint reader: each input is opened as a
 * safetensors file, and every F32 tensor that its checked header lists is
 * read. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_input.h"
#include "io/safetensors.h"

/* Tensors above this many elements are skipped, so one input costs little. */
#define MAX_READ_ELEMENTS ((uint64_t)1 << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    clmlp_safetensors *file = NULL;
    clmlp_status status = clmlp_safetensors_open(fuzz_input_path(data, size), &file);
    if (status != CLMLP_SUCCESS) {
        if (file != NULL || (status != CLMLP_ERROR_FORMAT && status != CLMLP_ERROR_IO))
            abort();
        return 0;
    }

    for (size_t i = 0; i < file->count; i++) {
        const clmlp_st_tensor *tensor = &file->tensors[i];
        uint64_t elements = 1;
        for (int d = 0; d < tensor->ndim; d++)
            elements = tensor->shape[d] < MAX_READ_ELEMENTS ? elements * tensor->shape[d]
                                                            : MAX_READ_ELEMENTS + 1;
        if (strcmp(tensor->dtype, "F32") != 0 || elements > MAX_READ_ELEMENTS)
            continue;
        /* The header check guarantees that the byte range contains the elements. */
        if (tensor->end - tensor->begin != elements * sizeof(float))
            abort();
        float *values = malloc(elements ? elements * sizeof(float) : 1);
        if (values == NULL)
            abort();
        clmlp_safetensors_read_f32(file, tensor, values);
        free(values);
    }
    clmlp_safetensors_close(file);
    return 0;
}
