/* Progress reports during a training pass, from reads of the device's
 * running sums queued between batches. */
#include "train/progress.h"

#include <math.h>
#include <time.h>

#include "runtime/context.h"

/* Reads per pass before the speed is known. */
#define FIRST_PASS_READS 20

double clmlp_now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void clmlp_ticker_init(clmlp_ticker *ticker, const clmlp_fit_options *options, clmlp_tensor *sums,
                       size_t batches, size_t samples)
{
    *ticker = (clmlp_ticker){
        .callback = options->on_progress,
        .user_data = options->user_data,
        .interval = options->progress_interval > 0 ? options->progress_interval : 0.5,
        .sums = sums,
        .stride = batches / FIRST_PASS_READS > 0 ? batches / FIRST_PASS_READS : 1,
        .report = {.epochs = options->epochs, .batches = batches, .samples_total = samples},
    };
}

void clmlp_ticker_start(clmlp_ticker *ticker, int epoch)
{
    ticker->report.epoch = epoch;
    ticker->started = clmlp_now_seconds();
    ticker->last_time = ticker->started;
    ticker->last_batch = 0;
    ticker->next_batch = ticker->stride;
}

/* Learns the stride that puts about one interval of device time between
 * reads, from the batches done since the last report. */
static void update_stride(clmlp_ticker *t, size_t batch, double now)
{
    if (batch <= t->last_batch || now <= t->last_time)
        return;
    double batches_per_second = (double)(batch - t->last_batch) / (now - t->last_time);
    double stride = floor(batches_per_second * t->interval + 0.5);
    t->stride = stride < 1 ? 1 : stride > (double)t->report.batches ? t->report.batches
                                                                     : (size_t)stride;
    t->last_batch = batch;
    t->last_time = now;
}

/* Removes the oldest read from the ring and releases its event. */
static clmlp_ticker_read pop_read(clmlp_ticker *t)
{
    clmlp_ticker_read read = t->reads[t->first];
    clReleaseEvent(read.done);
    t->first = (t->first + 1) % CLMLP_TICKER_READS;
    t->count--;
    return read;
}

/* Calls the callback with the sums of a finished read. */
static clmlp_status report_read(clmlp_ticker *t, const clmlp_ticker_read *read, double now)
{
    update_stride(t, read->batch, now);

    clmlp_progress *r = &t->report;
    r->batch = read->batch;
    r->samples = read->samples;
    r->running_loss = read->values[2] > 0 ? read->values[0] / read->values[2] : 0.0;
    r->seconds = now - t->started;
    r->samples_per_second = r->seconds > 0 ? (double)r->samples / r->seconds : 0.0;
    r->seconds_left = r->samples_per_second > 0
                          ? (double)(r->samples_total - r->samples) / r->samples_per_second
                          : 0.0;
    if (t->callback(r, t->user_data) != 0)
        return clmlp_fail(CLMLP_ERROR_CANCELLED, "training stopped by the progress callback in "
                          "epoch %d", r->epoch);
    return CLMLP_SUCCESS;
}

/* Returns whether the oldest pending read has finished. */
static clmlp_status oldest_finished(clmlp_ticker *t, bool *finished)
{
    cl_int state = CL_QUEUED;
    cl_int code = clGetEventInfo(t->reads[t->first].done, CL_EVENT_COMMAND_EXECUTION_STATUS,
                                 sizeof state, &state, NULL);
    if (code != CL_SUCCESS)
        return clmlp_fail_cl(code, "clGetEventInfo", __FILE__, __LINE__);
    if (state < 0)
        return clmlp_fail_cl(state, "clEnqueueReadBuffer of the progress sums", __FILE__, __LINE__);
    *finished = state == CL_COMPLETE;
    return CLMLP_SUCCESS;
}

/* Drops every finished read and reports the newest of them. In-order
 * queues finish reads in order, so the scan stops at the first pending one. */
static clmlp_status poll_reads(clmlp_ticker *t)
{
    bool any = false, finished = true;
    clmlp_ticker_read newest;
    while (t->count > 0) {
        CLMLP_TRY(oldest_finished(t, &finished));
        if (!finished)
            break;
        newest = pop_read(t);
        any = true;
    }
    return any ? report_read(t, &newest, clmlp_now_seconds()) : CLMLP_SUCCESS;
}

/* Waits for the oldest read and reports it. */
static clmlp_status wait_oldest(clmlp_ticker *t)
{
    CLMLP_CL_CHECK(clWaitForEvents(1, &t->reads[t->first].done));
    clmlp_ticker_read read = pop_read(t);
    return report_read(t, &read, clmlp_now_seconds());
}

clmlp_status clmlp_ticker_batch(clmlp_ticker *t, size_t batch, size_t samples)
{
    if (t->callback == NULL)
        return CLMLP_SUCCESS;
    if (t->count > 0)
        CLMLP_TRY(poll_reads(t));
    if (batch < t->next_batch || batch == t->report.batches)
        return CLMLP_SUCCESS;
    if (t->count == CLMLP_TICKER_READS)
        CLMLP_TRY(wait_oldest(t));

    /* Enqueue the read without blocking and push it to the device. */
    clmlp_ticker_read *read = &t->reads[(t->first + t->count) % CLMLP_TICKER_READS];
    clmlp_tensor *sums = t->sums;
    CLMLP_CL_CHECK(clEnqueueReadBuffer(sums->ctx->queue, sums->buffer, CL_FALSE,
                                       sums->offset * sizeof(float), sizeof read->values,
                                       read->values, 0, NULL, &read->done));
    CLMLP_CL_CHECK(clFlush(sums->ctx->queue));
    read->batch = batch;
    read->samples = samples;
    t->count++;
    t->next_batch = batch + t->stride;
    return CLMLP_SUCCESS;
}

clmlp_status clmlp_ticker_finish(clmlp_ticker *t)
{
    while (t->count > 0)
        CLMLP_TRY(wait_oldest(t));
    return CLMLP_SUCCESS;
}

void clmlp_ticker_stop(clmlp_ticker *t)
{
    /* Each read writes into t->reads, so it must finish before t goes away. */
    while (t->count > 0) {
        clWaitForEvents(1, &t->reads[t->first].done);
        pop_read(t);
    }
}
