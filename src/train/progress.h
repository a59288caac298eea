/* Progress reports inside a training pass: a small read of the running sums
 * per interval, polled after each batch instead of waited for. */
#ifndef CLMLP_TRAIN_PROGRESS_H
#define CLMLP_TRAIN_PROGRESS_H

#include <CL/cl.h>

#include "clmlp/train.h"
#include "tensor/tensor.h"

typedef struct clmlp_ticker {
    clmlp_progress_fn callback;
    void *user_data;
    double interval;          /* seconds */
    clmlp_tensor *sums;       /* loss sum, correct count, rows, on the device */

    clmlp_progress report;    /* the fields known before the read */
    double started;           /* epoch start, CLOCK_MONOTONIC seconds */
    double next_read;         /* when to enqueue the next read */
    cl_event read_done;       /* the pending read, or NULL */
    float values[3];          /* destination of the pending read */
} clmlp_ticker;

/* Returns CLOCK_MONOTONIC time in seconds. */
double clmlp_now_seconds(void);

/* Starts a training pass of batches batches and samples samples. Reports
 * nothing when callback is NULL. */
void clmlp_ticker_start(clmlp_ticker *ticker, const clmlp_fit_options *options, int epoch,
                        clmlp_tensor *sums, size_t batches, size_t samples);

/* Notes that batch batches (1-based) ending at sample samples has been
 * enqueued: reports a finished read, and enqueues a new one when the
 * interval has passed. Returns CLMLP_ERROR_CANCELLED when the callback asks
 * to stop. */
clmlp_status clmlp_ticker_batch(clmlp_ticker *ticker, size_t batch, size_t samples);

/* Waits for a pending read and releases it without reporting. */
void clmlp_ticker_stop(clmlp_ticker *ticker);

#endif
