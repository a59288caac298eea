/* Seeded permutations for shuffling a dataset. */
#ifndef CLMLP_DATA_SHUFFLE_H
#define CLMLP_DATA_SHUFFLE_H

#include <stddef.h>
#include <stdint.h>

/* Fills order with a permutation of 0 .. count-1 that depends only on
 * count, seed and epoch. count must be at most INT32_MAX. */
void clmlp_shuffle_permutation(int32_t *order, size_t count, uint64_t seed, uint64_t epoch);

#endif
