/* Checkpoints: a model's parameters and buffers and an optimizer's state in
 * a safetensors file.
 *
 * A checkpoint is an ordinary safetensors file that other tools read. Its
 * tensors are F32 and named after the model's structure ("W1", "b1" for the
 * scratch MLP; "net.1.weight", "net.2.running_mean" for module-based
 * models), and weights of linear layers use PyTorch's [out, in] layout where
 * the model names them as PyTorch does. Optimizer state is stored as
 * "optimizer.<parameter name>.<slot>", for example
 * "optimizer.W1.momentum_buffer". The "__metadata__" strings hold:
 *
 *   clmlp.version         version of the library that wrote the file
 *   model.family          "scratch", "concise", "fc" or "hyper"
 *   model.config          JSON object with the sizes and settings that
 *                         rebuild the model, absent for a model made from
 *                         a user's module
 *   model.dropout_calls   training forward passes of the Dropout layers,
 *                         the counter of their masks, when the model has any
 *   epoch                 last finished epoch, 0 for an untrained model
 *   train_loss            that epoch's mean training loss, when known
 *   task.loss             "cross_entropy", "bce" or "bce_with_logits"
 *   task.positive_classes comma-separated classes that are label 1 of a
 *                         binary task, such as "5,7,9"; absent otherwise
 *   optimizer             algorithm name, such as "sgd", when saved with one
 *   optimizer.config      JSON object with the algorithm's settings
 *   optimizer.step        number of optimizer steps taken
 *
 * Thread-safety: these calls use the model's and optimizer's context, so
 * they follow the rule of every call on a context: one thread at a time per
 * context. Different contexts may save and load concurrently. */
#ifndef CLMLP_IO_H
#define CLMLP_IO_H

#include "clmlp/model.h"
#include "clmlp/optim.h"
#include "clmlp/train.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Highest class index that clmlp_checkpoint_info.positive_classes can store. */
#define CLMLP_CHECKPOINT_MAX_CLASS 63

/* Training progress and task stored with a checkpoint. A zeroed struct
 * describes a multi-class task trained with cross-entropy. */
typedef struct clmlp_checkpoint_info {
    int epoch;                  /* last finished epoch, 0 before training */
    double train_loss;          /* that epoch's mean training loss; NAN when unknown */
    clmlp_loss_kind loss;       /* the loss the model is trained with */
    uint64_t positive_classes;  /* bit c set: class c is label 1 of a binary task; 0 for none */
} clmlp_checkpoint_info;

/* Writes the model's parameters and buffers, and the optimizer's state and
 * settings when optimizer is not NULL, to path. info may be NULL, which
 * records epoch 0 and no task. The file is written to a temporary file in the same
 * folder and renamed over path after an fsync, so a crash or a failed write
 * leaves any previous file at path unchanged. Returns CLMLP_ERROR_IO when a
 * file operation fails and CLMLP_ERROR_INVALID_ARGUMENT when the optimizer
 * updates tensors that are not the model's. */
CLMLP_API clmlp_status clmlp_checkpoint_save(const char *path, clmlp_model *model,
                                             clmlp_optimizer *optimizer,
                                             const clmlp_checkpoint_info *info);

/* Reads path into an existing model, and into optimizer unless it is NULL.
 * Every tensor's name, dtype and shape is checked against the model and the
 * optimizer before any value changes, so a failed load leaves them as they
 * were. A tensor that the model has but the file lacks, a tensor that the
 * file has but the model lacks, a shape or dtype mismatch, a truncated file
 * or a corrupt header returns CLMLP_ERROR_FORMAT with a message that names
 * the tensor. With optimizer NULL the file's optimizer state is ignored;
 * with an optimizer, the file must hold state of the same algorithm. info
 * (may be NULL) receives the stored progress and task; a file without task
 * metadata gives cross-entropy and no positive classes. The Dropout mask
 * counter of a module model is set from the file, or to 0 without it. */
CLMLP_API clmlp_status clmlp_checkpoint_load(const char *path, clmlp_model *model,
                                             clmlp_optimizer *optimizer,
                                             clmlp_checkpoint_info *info);

/* Creates the model that path's metadata describes on ctx and loads its
 * weights, as clmlp_checkpoint_load() does. When optimizer is not NULL, it
 * also creates the saved optimizer over the model's parameters with the
 * saved settings and state, or sets *optimizer to NULL when the file has
 * none. The caller frees both. Returns CLMLP_ERROR_FORMAT when the metadata
 * is missing or invalid and CLMLP_ERROR_UNSUPPORTED for a model family or
 * optimizer that this build cannot create. */
CLMLP_API clmlp_status clmlp_checkpoint_open(clmlp_context *ctx, const char *path,
                                             clmlp_model **model, clmlp_optimizer **optimizer,
                                             clmlp_checkpoint_info *info);

#ifdef __cplusplus
}
#endif

#endif
