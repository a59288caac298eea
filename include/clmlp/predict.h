/* Inference on host inputs: class probabilities and labels for a batch.
 *
 * Thread-safety: a context and everything created on it (models,
 * optimizers, tensors, datasets) may be used by one thread at a time,
 * because they share the context's queue and buffer pool. Programs that
 * predict from several threads at once give each thread its own context
 * and its own model, loaded from the same checkpoint with
 * clmlp_checkpoint_open(). Error messages are kept per thread. */
#ifndef CLMLP_PREDICT_H
#define CLMLP_PREDICT_H

#include <stddef.h>
#include <stdint.h>

#include "clmlp/model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Runs model in evaluation mode on inputs, a row-major host array
 * [batch, features] of batch * features floats (for Fashion-MNIST, pixels
 * scaled to [0, 1]). Writes the softmax probabilities into probabilities
 * [batch, classes] and the most probable class of each row, the first one
 * on ties, into labels [batch]. Either output may be NULL. The caller owns
 * every array; the call reads and writes them only until it returns. The
 * model's training mode is restored afterwards. Returns
 * CLMLP_ERROR_SHAPE when features or classes does not match the model and
 * CLMLP_ERROR_INVALID_ARGUMENT for a NULL model or inputs or a zero batch. */
CLMLP_API clmlp_status clmlp_predict(clmlp_model *model, const float *inputs, size_t batch,
                                     size_t features, size_t classes, float *probabilities,
                                     int32_t *labels);

#ifdef __cplusplus
}
#endif

#endif
