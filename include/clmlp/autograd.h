/* The tape: records ops during a forward pass and replays them backwards. */
#ifndef CLMLP_AUTOGRAD_H
#define CLMLP_AUTOGRAD_H

#include <stdbool.h>

#include "clmlp/tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A tape owns every tensor that ops create on it, and the record of how each
 * was computed. One tape serves one step at a time: reset it between steps. */
typedef struct clmlp_tape clmlp_tape;

CLMLP_API clmlp_status clmlp_tape_create(clmlp_context *ctx, clmlp_tape **tape);

/* Frees the tape and every tensor it owns. NULL is allowed. */
CLMLP_API void clmlp_tape_free(clmlp_tape *tape);

/* Frees the tensors and records of the previous step; their device buffers
 * go back to the context's pool for the next step. Tensor pointers returned
 * by ops on this tape are invalid afterwards. */
CLMLP_API void clmlp_tape_reset(clmlp_tape *tape);

/* With recording off (evaluation), ops compute outputs but record nothing,
 * and no gradient can flow. On by default. */
CLMLP_API void clmlp_tape_set_recording(clmlp_tape *tape, bool recording);
CLMLP_API bool clmlp_tape_recording(const clmlp_tape *tape);

/* Back-propagates from a one-element loss: seeds its gradient with 1 and
 * adds the gradient of every recorded op, newest first, into the inputs'
 * gradients. Leaf tensors accumulate across calls until zeroed, as in
 * PyTorch. */
CLMLP_API clmlp_status clmlp_backward(clmlp_tape *tape, clmlp_tensor *loss);

#ifdef __cplusplus
}
#endif

#endif
