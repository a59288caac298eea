// Counter-based random numbers: Philox4x32-10, the same generator and
// float conversion as the host's, and the dropout that uses it.

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u

// Returns Philox4x32 with 10 rounds of counter c and key k.
uint4 philox4x32_10(uint4 c, uint2 k)
{
    for (int round = 0; round < 10; round++) {
        // The key advances before every round but the first.
        if (round > 0) {
            k.x += PHILOX_W0;
            k.y += PHILOX_W1;
        }
        const uint high0 = mul_hi(PHILOX_M0, c.x), low0 = PHILOX_M0 * c.x;
        const uint high1 = mul_hi(PHILOX_M1, c.z), low1 = PHILOX_M1 * c.z;
        c = (uint4)(high1 ^ c.y ^ k.x, low1, high0 ^ c.w ^ k.y, low0);
    }
    return c;
}

// Maps a word to [0, 1) through its top 24 bits, as the host does.
float philox_uniform(uint bits)
{
    return (float)(bits >> 8) * (1.0f / 16777216.0f);
}

// Element i of n keeps its value, times scale, when the uniform of word 0 of
// Philox(counter = (i, 0, counter_lo, counter_hi), key) is at least p; mask
// receives scale or 0 for the backward pass.
__kernel void dropout_forward(const uint n, __global const float *x, const uint x_offset,
                              __global float *y, const uint y_offset, __global float *mask,
                              const float p, const float scale, const uint key_lo,
                              const uint key_hi, const uint counter_lo, const uint counter_hi)
{
    const uint i = get_global_id(0);
    if (i >= n)
        return;
    const uint4 words = philox4x32_10((uint4)(i, 0u, counter_lo, counter_hi),
                                      (uint2)(key_lo, key_hi));
    const float m = philox_uniform(words.x) >= p ? scale : 0.0f;
    mask[i] = m;
    y[y_offset + i] = x[x_offset + i] * m;
}

// dx += dy * mask.
__kernel void dropout_backward(const uint n, __global const float *mask,
                               __global const float *dy, const uint dy_offset,
                               __global float *dx, const uint dx_offset)
{
    const uint i = get_global_id(0);
    if (i < n)
        dx[dx_offset + i] += dy[dy_offset + i] * mask[i];
}
