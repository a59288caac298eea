/* Builds the model and optimizer that mlp-train's options describe. */
#ifndef MLP_TRAIN_BUILD_MODEL_H
#define MLP_TRAIN_BUILD_MODEL_H

#include "clmlp.h"
#include "options.h"

/* The task a model learns: its loss and, for a binary task, the classes
 * that are label 1, as a checkpoint stores them. */
typedef struct train_task {
    clmlp_loss_kind loss;
    uint64_t positive_classes;     /* bit c set: class c is label 1; 0 for all classes */
} train_task;

/* Returns the task of the options: cross-entropy, or binary cross-entropy
 * on the classes of --positive-classes, on probabilities with --sigmoid and
 * on logits without. */
train_task task_from_options(const train_options *options);

/* Returns the model's output count: classes, or 1 for a binary task. */
size_t task_outputs(const train_options *options, size_t classes);

/* Sets the label map of a binary task on dataset; does nothing otherwise. */
clmlp_status apply_task_labels(const train_task *task, clmlp_dataset *dataset);

/* Creates the model family named by --model for inputs features and classes
 * outputs. On failure the library's error message gives the reason. */
clmlp_status build_model(clmlp_context *ctx, const train_options *options, size_t inputs,
                         size_t classes, clmlp_model **model);

/* Creates the optimizer over the model's parameters. */
clmlp_status build_optimizer(clmlp_context *ctx, const train_options *options, clmlp_model *model,
                             clmlp_optimizer **optimizer);

#endif
