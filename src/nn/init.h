/* Parameter initialisers, drawn from the counter-based generator. */
#ifndef CLMLP_NN_INIT_H
#define CLMLP_NN_INIT_H

#include <stdint.h>

#include "tensor/tensor.h"

/* Fills a contiguous float tensor with N(mean, std^2). Element i draws from
 * the Philox stream (seed, stream, i), so results do not depend on the
 * device. */
clmlp_status clmlp_init_normal(clmlp_tensor *tensor, float mean, float std, uint64_t seed,
                               uint32_t stream);

/* Fills a contiguous float tensor with U(low, high). */
clmlp_status clmlp_init_uniform(clmlp_tensor *tensor, float low, float high, uint64_t seed,
                                uint32_t stream);

/* Derives the seed of layer index from a model seed, so that layers of the
 * same shape start from different numbers. */
uint64_t clmlp_layer_seed(uint64_t seed, uint64_t index);

#endif
