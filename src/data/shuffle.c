/* Fisher-Yates shuffle driven by Philox4x32-10.
 *
 * Swap step i draws from counter {i, attempt, epoch low, epoch high} and key
 * {seed low, seed high ^ CLMLP_PHILOX_STREAM_SHUFFLE}, so every step is a
 * pure function of (seed, epoch, i) and needs no generator state. */
#include "data/shuffle.h"

#include "core/philox.h"

/* Returns a uniform integer in [0, bound) for step i without modulo bias:
 * Lemire's multiply-and-reject method, which rejects a draw only when its
 * low product word falls below 2^32 mod bound. */
static uint32_t uniform_below(uint32_t bound, uint32_t i, const uint32_t key[2], uint64_t epoch)
{
    uint32_t threshold = (uint32_t)(0u - bound) % bound;
    for (uint32_t attempt = 0;; attempt++) {
        uint32_t counter[4] = {i, attempt, (uint32_t)epoch, (uint32_t)(epoch >> 32)};
        uint32_t words[4];
        clmlp_philox4x32_10(counter, key, words);

        for (int w = 0; w < 4; w++) {
            uint64_t product = (uint64_t)words[w] * bound;
            if ((uint32_t)product >= threshold)
                return (uint32_t)(product >> 32);
        }
    }
}

void clmlp_shuffle_permutation(int32_t *order, size_t count, uint64_t seed, uint64_t epoch)
{
    for (size_t i = 0; i < count; i++)
        order[i] = (int32_t)i;

    const uint32_t key[2] = {(uint32_t)seed, (uint32_t)(seed >> 32) ^ CLMLP_PHILOX_STREAM_SHUFFLE};
    for (size_t i = count; i > 1; i--) {
        size_t last = i - 1;
        size_t j = uniform_below((uint32_t)i, (uint32_t)last, key, epoch);
        int32_t swap = order[last];
        order[last] = order[j];
        order[j] = swap;
    }
}
