/* Progress reports inside a training pass. The host usually enqueues an
 * epoch's batches well before the device runs them. So the ticker enqueues a
 * small read of the running sums every few batches, and reports each read
 * once the device has reached it. */
#ifndef CLMLP_TRAIN_PROGRESS_H
#define CLMLP_TRAIN_PROGRESS_H

#include <CL/cl.h>

#include "clmlp/train.h"
#include "tensor/tensor.h"

/* Reads in flight at once; with more, the host waits for the oldest. */
#define CLMLP_TICKER_READS 32

typedef struct clmlp_ticker_read {
    cl_event done;
    float values[3];          /* loss sum, correct count, rows */
    size_t batch;             /* batches finished when the read runs */
    size_t samples;
} clmlp_ticker_read;

typedef struct clmlp_ticker {
    clmlp_progress_fn callback;
    void *user_data;
    double interval;          /* seconds between reports */
    clmlp_tensor *sums;

    size_t stride;            /* batches between reads, from the measured speed */
    size_t next_batch;        /* enqueue a read after this batch */
    clmlp_progress report;
    double started;           /* epoch start, CLOCK_MONOTONIC seconds */
    double last_time;         /* time and batch of the last report, for the speed */
    size_t last_batch;

    clmlp_ticker_read reads[CLMLP_TICKER_READS];   /* a ring, oldest at first */
    size_t first, count;
} clmlp_ticker;

/* Returns CLOCK_MONOTONIC time in seconds. */
double clmlp_now_seconds(void);

/* Sets up reports for passes of batches batches and samples samples over
 * sums. Reports nothing when options->on_progress is NULL. */
void clmlp_ticker_init(clmlp_ticker *ticker, const clmlp_fit_options *options, clmlp_tensor *sums,
                       size_t batches, size_t samples);

/* Starts the pass of epoch, keeping the read stride learned so far. */
void clmlp_ticker_start(clmlp_ticker *ticker, int epoch);

/* Notes that batch (1-based), ending at sample samples, has been enqueued:
 * reports the newest finished read and enqueues a new one every stride
 * batches. Returns CLMLP_ERROR_CANCELLED when the callback returns nonzero. */
clmlp_status clmlp_ticker_batch(clmlp_ticker *ticker, size_t batch, size_t samples);

/* Waits for the pending reads in order and reports each, so that progress
 * keeps moving while the device finishes the pass. */
clmlp_status clmlp_ticker_finish(clmlp_ticker *ticker);

/* Waits for the pending reads and releases them without reporting. */
void clmlp_ticker_stop(clmlp_ticker *ticker);

#endif
