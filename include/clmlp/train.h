/* Training and evaluation loops over datasets held on the device. */
#ifndef CLMLP_TRAIN_H
#define CLMLP_TRAIN_H

#include <stddef.h>
#include <stdint.h>

#include "clmlp/model.h"
#include "clmlp/optim.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct clmlp_dataset clmlp_dataset;

/* Figures for one finished epoch. Losses are means over samples. */
typedef struct clmlp_epoch_stats {
    int epoch;                    /* 1-based */
    int epochs;                   /* the last epoch of the run */
    double train_loss;            /* mean training loss, measured before each step's update */
    double val_loss;
    double val_accuracy;          /* fraction in [0, 1] */
    double seconds;               /* wall time of the epoch, evaluation included */
    double samples_per_second;    /* training samples over training time */
} clmlp_epoch_stats;

/* Called after every epoch. Returning nonzero stops training, and clmlp_fit
 * then returns CLMLP_ERROR_CANCELLED. */
typedef int (*clmlp_epoch_fn)(const clmlp_epoch_stats *stats, void *user_data);

/* Called before every training batch. Returning nonzero stops training at
 * that batch boundary: the epoch in progress is abandoned without an
 * on_epoch call, and clmlp_fit returns CLMLP_ERROR_CANCELLED. It may read a
 * flag that a signal handler sets. */
typedef int (*clmlp_stop_fn)(void *user_data);

/* Progress within an epoch's training pass, as of the last batch that the
 * device had finished when clmlp_fit read the running sums. */
typedef struct clmlp_progress {
    int epoch;                    /* 1-based */
    int epochs;                   /* the last epoch of the run */
    size_t batch;                 /* batches finished in this epoch */
    size_t batches;               /* batches in the epoch */
    size_t samples;               /* training samples finished in this epoch */
    size_t samples_total;         /* training samples in the epoch */
    double running_loss;          /* mean training loss over the finished samples */
    double seconds;               /* wall time since the epoch started */
    double samples_per_second;    /* samples over seconds */
    double seconds_left;          /* estimate for the rest of the pass, evaluation excluded */
} clmlp_progress;

/* Called during an epoch, about once per progress interval. Returning nonzero
 * stops training, and clmlp_fit then returns CLMLP_ERROR_CANCELLED. */
typedef int (*clmlp_progress_fn)(const clmlp_progress *progress, void *user_data);

/* The loss a training run minimises, and the accuracy it reports. */
typedef enum clmlp_loss_kind {
    CLMLP_LOSS_CROSS_ENTROPY = 0,   /* logits [B, C], class labels; argmax accuracy */
    CLMLP_LOSS_BCE,                 /* probabilities [B, 1], 0/1 labels; accuracy of p > 0.5 */
    CLMLP_LOSS_BCE_WITH_LOGITS      /* logits [B, 1], 0/1 labels; accuracy of z > 0 */
} clmlp_loss_kind;

typedef struct clmlp_fit_options {
    int epochs;                   /* train until this epoch, 1-based */
    int start_epoch;              /* first epoch to run, 1 unless resuming */
    size_t batch_size;            /* the last batch of an epoch may be smaller */
    uint64_t seed;                /* shuffling seed; epoch e uses stream e */
    clmlp_epoch_fn on_epoch;      /* may be NULL */
    void *user_data;              /* passed to on_epoch, should_stop and on_progress */
    clmlp_stop_fn should_stop;    /* may be NULL */
    /* May be NULL. clmlp_fit queues a small read of the running sums every
     * few batches, spaced by the measured speed to about one interval of
     * device time, and calls on_progress as the device finishes each read.
     * The host waits only when 32 reads are pending, and at the end of the
     * epoch, where it reports the remaining reads as they finish. */
    clmlp_progress_fn on_progress;
    double progress_interval;     /* seconds between calls; 0 means 0.5 */
    clmlp_loss_kind loss;         /* cross-entropy by default */
} clmlp_fit_options;

/* Returns 10 epochs from epoch 1, batch 256, seed 0, no callbacks,
 * cross-entropy. */
CLMLP_API clmlp_fit_options clmlp_fit_default(void);

/* Trains model with optimizer on train, minimising options->loss against
 * the dataset labels (mapped by its label map), and evaluates on val (may be
 * NULL) after each epoch. Returns CLMLP_ERROR_DIVERGED when the loss becomes NaN or infinite. */
CLMLP_API clmlp_status clmlp_fit(clmlp_model *model, clmlp_optimizer *optimizer,
                                 clmlp_dataset *train, clmlp_dataset *val,
                                 const clmlp_fit_options *options);

/* Computes the mean loss and the accuracy of model on data in evaluation
 * mode, in batches of batch_size, in dataset order. */
CLMLP_API clmlp_status clmlp_evaluate(clmlp_model *model, clmlp_dataset *data, size_t batch_size,
                                      double *loss, double *accuracy);

/* clmlp_evaluate() with the loss and accuracy of a given loss kind. */
CLMLP_API clmlp_status clmlp_evaluate_loss(clmlp_model *model, clmlp_dataset *data,
                                           size_t batch_size, clmlp_loss_kind loss_kind,
                                           double *loss, double *accuracy);

#ifdef __cplusplus
}
#endif

#endif
