/* A generated dataset that a small MLP learns, and a short training run on
 * it, shared by the training, fault and thread tests. */
#ifndef CLMLP_TESTS_GENERATED_SPLIT_H
#define CLMLP_TESTS_GENERATED_SPLIT_H

#include <check.h>
#include <stddef.h>
#include <stdint.h>

#include "clmlp.h"

#define SPLIT_FEATURES 64
#define SPLIT_CLASSES 4

/* Fills out with count 8 x 8 images of SPLIT_CLASSES classes that depend
 * only on seed. Free it with clmlp_mnist_free(). */
void make_split(size_t count, uint32_t seed, clmlp_mnist *out);

/* Trains a new scratch MLP with `hidden` units (weights seeded with 11) on
 * split for `epochs` epochs of SGD at learning rate lr in batches of 50,
 * shuffled with seed 3. Copies W2, hidden x SPLIT_CLASSES floats, into w2
 * when it is not NULL. Frees everything it creates, also on failure, and
 * returns the first failing status. It asserts nothing, so threads may
 * call it. */
clmlp_status train_scratch(clmlp_context *ctx, const clmlp_mnist *split, size_t hidden,
                           int epochs, float lr, float *w2);

#endif
