/* Philox4x32-10 counter-based random numbers, checked against the Random123
 * known-answer values in tests/test_philox.c. Every output is a pure function
 * of a 128-bit counter and a 64-bit key, so an OpenCL C port can give the
 * same numbers on every device. */
#ifndef CLMLP_CORE_PHILOX_H
#define CLMLP_CORE_PHILOX_H

#include <stdint.h>

/* Tags XORed into key[1] so that one seed gives unrelated numbers to each
 * use of the generator. */
#define CLMLP_PHILOX_STREAM_SHUFFLE 0x53485546u /* "SHUF" */
#define CLMLP_PHILOX_STREAM_DROPOUT 0x44524f50u /* "DROP"; cl/random.cl receives it in the key */

/* Writes the four 32-bit words of Philox4x32 with 10 rounds for a counter
 * and a key. */
void clmlp_philox4x32_10(const uint32_t counter[4], const uint32_t key[2], uint32_t out[4]);

/* Maps a random word to a float in [0, 1) with 24 random bits. */
float clmlp_philox_uniform(uint32_t bits);

/* Maps a random word to a float in (0, 1], safe for a logarithm. */
float clmlp_philox_uniform_open_zero(uint32_t bits);

/* Turns two random words into two independent standard normal values with
 * the Box-Muller transform. */
void clmlp_philox_normal2(uint32_t bits0, uint32_t bits1, float out[2]);

#endif
