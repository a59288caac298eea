/* Philox4x32-10 and its conversions to uniform and normal floats. */
#include "core/philox.h"

#include <math.h>

/* Round multipliers and Weyl key increments of Philox4x32. */
#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u
#define PHILOX_ROUNDS 10

#define TWO_PI 6.28318530717958647692f

static void multiply_high_low(uint32_t a, uint32_t b, uint32_t *high, uint32_t *low)
{
    uint64_t product = (uint64_t)a * b;
    *high = (uint32_t)(product >> 32);
    *low = (uint32_t)product;
}

void clmlp_philox4x32_10(const uint32_t counter[4], const uint32_t key[2], uint32_t out[4])
{
    uint32_t c0 = counter[0], c1 = counter[1], c2 = counter[2], c3 = counter[3];
    uint32_t k0 = key[0], k1 = key[1];

    for (int round = 0; round < PHILOX_ROUNDS; round++) {
        /* The key advances before every round but the first. */
        if (round > 0) {
            k0 += PHILOX_W0;
            k1 += PHILOX_W1;
        }

        uint32_t high0, low0, high1, low1;
        multiply_high_low(PHILOX_M0, c0, &high0, &low0);
        multiply_high_low(PHILOX_M1, c2, &high1, &low1);
        c0 = high1 ^ c1 ^ k0;
        c1 = low1;
        c2 = high0 ^ c3 ^ k1;
        c3 = low0;
    }

    out[0] = c0;
    out[1] = c1;
    out[2] = c2;
    out[3] = c3;
}

float clmlp_philox_uniform(uint32_t bits)
{
    /* The top 24 bits fill a float's significand exactly. */
    return (float)(bits >> 8) * (1.0f / 16777216.0f);
}

float clmlp_philox_uniform_open_zero(uint32_t bits)
{
    return (float)((bits >> 8) + 1u) * (1.0f / 16777216.0f);
}

void clmlp_philox_normal2(uint32_t bits0, uint32_t bits1, float out[2])
{
    float radius = sqrtf(-2.0f * logf(clmlp_philox_uniform_open_zero(bits0)));
    float angle = TWO_PI * clmlp_philox_uniform(bits1);
    out[0] = radius * cosf(angle);
    out[1] = radius * sinf(angle);
}
