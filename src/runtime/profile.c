/* Per-context table of device time per kernel and per GEMM shape, filled
 * from OpenCL event timestamps. */
#include "runtime/profile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/context.h"

/* Commands pending before the table checks which have finished, and the
 * count at which it waits for the older half instead of growing further. */
#define RESOLVE_AT 4096
#define WAIT_AT 65536

typedef struct pending_event {
    cl_event event;
    size_t entry;   /* index into clmlp_profile.entries */
} pending_event;

struct clmlp_profile {
    clmlp_profile_entry *entries;
    size_t entry_count;
    size_t entry_capacity;
    pending_event *pending;
    size_t pending_count;
    size_t pending_capacity;
};

/* Grows *items (of item_size bytes each) to room for at least count + 1. */
static clmlp_status reserve(void **items, size_t *capacity, size_t count, size_t item_size)
{
    if (count < *capacity)
        return CLMLP_SUCCESS;
    size_t grown = *capacity ? *capacity * 2 : 64;
    void *bigger = realloc(*items, grown * item_size);
    if (bigger == NULL)
        return clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory growing the "
                          "profile to %zu items", grown);
    *items = bigger;
    *capacity = grown;
    return CLMLP_SUCCESS;
}

static clmlp_status find_entry(clmlp_profile *p, clmlp_profile_kind kind, const char *key,
                               size_t *index)
{
    for (size_t i = 0; i < p->entry_count; i++) {
        if (p->entries[i].kind == kind && strcmp(p->entries[i].name, key) == 0) {
            *index = i;
            return CLMLP_SUCCESS;
        }
    }
    CLMLP_TRY(reserve((void **)&p->entries, &p->entry_capacity, p->entry_count,
                      sizeof *p->entries));
    clmlp_profile_entry *e = &p->entries[p->entry_count];
    memset(e, 0, sizeof *e);
    e->kind = kind;
    snprintf(e->name, sizeof e->name, "%s", key);
    *index = p->entry_count++;
    return CLMLP_SUCCESS;
}

/* Adds the time of pending[0 .. count) to their entries, releases those
 * events and drops them from the list. The commands must have finished. */
static clmlp_status resolve_first(clmlp_profile *p, size_t count)
{
    clmlp_status status = CLMLP_SUCCESS;
    for (size_t i = 0; i < count; i++) {
        cl_ulong start = 0, end = 0;
        cl_event event = p->pending[i].event;
        cl_int code = clGetEventProfilingInfo(event, CL_PROFILING_COMMAND_START, sizeof start,
                                              &start, NULL);
        if (code == CL_SUCCESS)
            code = clGetEventProfilingInfo(event, CL_PROFILING_COMMAND_END, sizeof end, &end, NULL);
        if (code != CL_SUCCESS && status == CLMLP_SUCCESS)
            status = clmlp_fail_cl(code, "clGetEventProfilingInfo", __FILE__, __LINE__);
        if (code == CL_SUCCESS) {
            clmlp_profile_entry *e = &p->entries[p->pending[i].entry];
            e->calls++;
            e->nanoseconds += end > start ? end - start : 0;
        }
        clReleaseEvent(event);
    }
    memmove(p->pending, p->pending + count, (p->pending_count - count) * sizeof *p->pending);
    p->pending_count -= count;
    return status;
}

/* Returns how many of the oldest pending commands have finished. An
 * in-order queue finishes commands in order, so the scan stops at the first
 * one still running. */
static size_t count_finished(const clmlp_profile *p)
{
    size_t done = 0;
    while (done < p->pending_count) {
        cl_int state = CL_QUEUED;
        if (clGetEventInfo(p->pending[done].event, CL_EVENT_COMMAND_EXECUTION_STATUS,
                           sizeof state, &state, NULL) != CL_SUCCESS || state != CL_COMPLETE)
            break;
        done++;
    }
    return done;
}

/* Keeps the pending list short without waiting, unless the device is more
 * than WAIT_AT commands behind. */
static clmlp_status trim_pending(clmlp_profile *p)
{
    if (p->pending_count < RESOLVE_AT)
        return CLMLP_SUCCESS;
    CLMLP_TRY(resolve_first(p, count_finished(p)));
    if (p->pending_count < WAIT_AT)
        return CLMLP_SUCCESS;

    size_t half = p->pending_count / 2;
    cl_int code = clWaitForEvents(1, &p->pending[half - 1].event);
    if (code != CL_SUCCESS)
        return clmlp_fail_cl(code, "clWaitForEvents", __FILE__, __LINE__);
    return resolve_first(p, half);
}

clmlp_status clmlp_profile_record(clmlp_context *ctx, clmlp_profile_kind kind, const char *key,
                                  cl_event event)
{
    if (event == NULL)
        return CLMLP_SUCCESS;

    clmlp_status status = CLMLP_SUCCESS;
    if (ctx->profile == NULL) {
        ctx->profile = calloc(1, sizeof *ctx->profile);
        if (ctx->profile == NULL)
            status = clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory creating "
                                "the profile table");
    }
    clmlp_profile *p = ctx->profile;
    size_t entry = 0;
    if (status == CLMLP_SUCCESS)
        status = find_entry(p, kind, key, &entry);
    if (status == CLMLP_SUCCESS)
        status = reserve((void **)&p->pending, &p->pending_capacity, p->pending_count,
                         sizeof *p->pending);
    if (status != CLMLP_SUCCESS) {
        clReleaseEvent(event);
        return status;
    }

    p->pending[p->pending_count++] = (pending_event){event, entry};
    return trim_pending(p);
}

clmlp_status clmlp_profile_flush(clmlp_context *ctx)
{
    clmlp_profile *p = ctx->profile;
    if (p == NULL || p->pending_count == 0)
        return CLMLP_SUCCESS;
    cl_int code = clWaitForEvents(1, &p->pending[p->pending_count - 1].event);
    if (code != CL_SUCCESS)
        return clmlp_fail_cl(code, "clWaitForEvents", __FILE__, __LINE__);
    return resolve_first(p, p->pending_count);
}

void clmlp_profile_free(clmlp_profile *profile)
{
    if (profile == NULL)
        return;
    for (size_t i = 0; i < profile->pending_count; i++)
        clReleaseEvent(profile->pending[i].event);
    free(profile->pending);
    free(profile->entries);
    free(profile);
}

/* Checks the arguments of the public calls and resolves pending events. */
static clmlp_status prepare_public(clmlp_context *ctx, const char *function)
{
    if (ctx == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "%s: NULL context", function);
    if (!ctx->options.profiling)
        return clmlp_fail(CLMLP_ERROR_UNSUPPORTED, "%s: the context records no profile; create "
                          "it with clmlp_context_options.profiling set", function);
    return clmlp_profile_flush(ctx);
}

static int by_time_descending(const void *a, const void *b)
{
    const clmlp_profile_entry *x = a, *y = b;
    if (x->nanoseconds != y->nanoseconds)
        return x->nanoseconds < y->nanoseconds ? 1 : -1;
    return strcmp(x->name, y->name);
}

clmlp_status clmlp_profile_read(clmlp_context *ctx, clmlp_profile_entry **entries, size_t *count)
{
    if (entries == NULL || count == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_profile_read: NULL output pointer");
    *entries = NULL;
    *count = 0;
    CLMLP_TRY(prepare_public(ctx, "clmlp_profile_read"));

    clmlp_profile *p = ctx->profile;
    if (p == NULL || p->entry_count == 0)
        return CLMLP_SUCCESS;
    clmlp_profile_entry *copy = malloc(p->entry_count * sizeof *copy);
    if (copy == NULL)
        return clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory copying %zu "
                          "profile entries", p->entry_count);
    memcpy(copy, p->entries, p->entry_count * sizeof *copy);
    qsort(copy, p->entry_count, sizeof *copy, by_time_descending);
    *entries = copy;
    *count = p->entry_count;
    return CLMLP_SUCCESS;
}

clmlp_status clmlp_profile_reset(clmlp_context *ctx)
{
    CLMLP_TRY(prepare_public(ctx, "clmlp_profile_reset"));
    clmlp_profile *p = ctx->profile;
    for (size_t i = 0; p != NULL && i < p->entry_count; i++) {
        p->entries[i].calls = 0;
        p->entries[i].nanoseconds = 0;
    }
    return CLMLP_SUCCESS;
}
