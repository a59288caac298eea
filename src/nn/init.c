/* Normal and uniform initialisers computed on the host and uploaded once. */
#include "nn/init.h"

#include <math.h>
#include <stdlib.h>

#include "core/philox.h"

/* Separates initialisation numbers from those of other uses of one seed. */
#define STREAM_INIT 0x494e4954u /* "INIT" */

typedef float (*draw_fn)(uint64_t seed, uint32_t stream, uint64_t index, float a, float b);

/* Returns the four Philox words for element index of a stream. */
static void draw_words(uint64_t seed, uint32_t stream, uint64_t index, uint32_t out[4])
{
    uint32_t counter[4] = {(uint32_t)index, (uint32_t)(index >> 32), stream, 0};
    uint32_t key[2] = {(uint32_t)seed, (uint32_t)(seed >> 32) ^ STREAM_INIT};
    clmlp_philox4x32_10(counter, key, out);
}

static float draw_normal(uint64_t seed, uint32_t stream, uint64_t index, float mean, float std)
{
    uint32_t words[4];
    float normal[2];
    draw_words(seed, stream, index, words);
    clmlp_philox_normal2(words[0], words[1], normal);
    return mean + std * normal[0];
}

static float draw_uniform(uint64_t seed, uint32_t stream, uint64_t index, float low, float high)
{
    uint32_t words[4];
    draw_words(seed, stream, index, words);
    return low + (high - low) * clmlp_philox_uniform(words[0]);
}

static clmlp_status init_with(clmlp_tensor *t, draw_fn draw, float a, float b, uint64_t seed,
                              uint32_t stream)
{
    if (t == NULL || t->dtype != CLMLP_FLOAT32 || !clmlp_tensor_is_contiguous(t))
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "an initialiser needs a contiguous float tensor");
    size_t n = clmlp_tensor_numel(t);
    float *values = malloc(n * sizeof *values);
    if (values == NULL)
        return clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory initialising %zu values", n);
    for (size_t i = 0; i < n; i++)
        values[i] = draw(seed, stream, i, a, b);
    clmlp_status status = clmlp_tensor_write(t, values, n);
    free(values);
    return status;
}

clmlp_status clmlp_init_normal(clmlp_tensor *t, float mean, float std, uint64_t seed, uint32_t stream)
{
    return init_with(t, draw_normal, mean, std, seed, stream);
}

clmlp_status clmlp_init_uniform(clmlp_tensor *t, float low, float high, uint64_t seed, uint32_t stream)
{
    return init_with(t, draw_uniform, low, high, seed, stream);
}

uint64_t clmlp_layer_seed(uint64_t seed, uint64_t index)
{
    /* SplitMix64's finaliser spreads nearby seeds and indices apart. */
    uint64_t z = seed + (index + 1) * 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
