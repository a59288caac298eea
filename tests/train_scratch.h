/* A short training run of the scratch MLP on a generated split, shared by
 * the fault and thread tests. */
#ifndef CLMLP_TESTS_TRAIN_SCRATCH_H
#define CLMLP_TESTS_TRAIN_SCRATCH_H

#include <stddef.h>

#include "common.h"

/* Trains a new scratch MLP with `hidden` units (weights seeded with 11) on
 * a split of make_block_split() for `epochs` epochs of SGD at learning rate
 * lr in batches of 50, shuffled with seed 3. Copies W2, hidden x
 * BLOCK_CLASSES floats, into w2 when it is not NULL. Frees everything it
 * creates, also on failure, and returns the first failing status. It
 * asserts nothing, so threads may call it. */
clmlp_status train_scratch(clmlp_context *ctx, const clmlp_mnist *split, size_t hidden,
                           int epochs, float lr, float *w2);

#endif
