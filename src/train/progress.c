/* Progress reports during a training pass, read from the device's running
 * sums at most once per interval. */
#include "train/progress.h"

#include <time.h>

#include "runtime/context.h"

double clmlp_now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void clmlp_ticker_start(clmlp_ticker *ticker, const clmlp_fit_options *options, int epoch,
                        clmlp_tensor *sums, size_t batches, size_t samples)
{
    *ticker = (clmlp_ticker){
        .callback = options->on_progress,
        .user_data = options->user_data,
        .interval = options->progress_interval > 0 ? options->progress_interval : 0.5,
        .sums = sums,
        .report = {.epoch = epoch, .epochs = options->epochs, .batches = batches,
                   .samples_total = samples},
    };
    ticker->started = clmlp_now_seconds();
    ticker->next_read = ticker->started + ticker->interval;
}

/* Calls the callback with the sums of the finished read and releases it. */
static clmlp_status report_read(clmlp_ticker *t, double now)
{
    clReleaseEvent(t->read_done);
    t->read_done = NULL;

    clmlp_progress *r = &t->report;
    r->running_loss = t->values[2] > 0 ? t->values[0] / t->values[2] : 0.0;
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

/* Reports the pending read once it has finished. When the host has run a
 * whole interval past it, waits for it, which keeps the host at most about
 * one interval ahead of the device. */
static clmlp_status poll_read(clmlp_ticker *t, double now)
{
    cl_int state = CL_QUEUED;
    cl_int code = clGetEventInfo(t->read_done, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof state,
                                 &state, NULL);
    if (code != CL_SUCCESS)
        return clmlp_fail_cl(code, "clGetEventInfo", __FILE__, __LINE__);
    if (state < 0)
        return clmlp_fail_cl(state, "clEnqueueReadBuffer of the progress sums", __FILE__, __LINE__);
    if (state == CL_COMPLETE)
        return report_read(t, now);
    if (now < t->next_read)
        return CLMLP_SUCCESS;

    CLMLP_CL_CHECK(clWaitForEvents(1, &t->read_done));
    return report_read(t, clmlp_now_seconds());
}

clmlp_status clmlp_ticker_batch(clmlp_ticker *t, size_t batch, size_t samples)
{
    if (t->callback == NULL)
        return CLMLP_SUCCESS;
    double now = clmlp_now_seconds();
    if (t->read_done != NULL)
        CLMLP_TRY(poll_read(t, now));
    if (t->read_done != NULL || now < t->next_read)
        return CLMLP_SUCCESS;

    /* Enqueue the read without blocking and push it to the device. */
    clmlp_tensor *sums = t->sums;
    CLMLP_CL_CHECK(clEnqueueReadBuffer(sums->ctx->queue, sums->buffer, CL_FALSE,
                                       sums->offset * sizeof(float), sizeof t->values, t->values,
                                       0, NULL, &t->read_done));
    CLMLP_CL_CHECK(clFlush(sums->ctx->queue));
    t->report.batch = batch;
    t->report.samples = samples;
    t->next_read = now + t->interval;
    return CLMLP_SUCCESS;
}

void clmlp_ticker_stop(clmlp_ticker *t)
{
    if (t->read_done == NULL)
        return;
    /* The read writes into t->values, so it must finish before t goes away. */
    clWaitForEvents(1, &t->read_done);
    clReleaseEvent(t->read_done);
    t->read_done = NULL;
}
