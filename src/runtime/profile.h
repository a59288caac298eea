/* Internal side of event profiling. The launch helpers and the GEMM wrappers
 * hand each command's event to the context's table. The table resolves the
 * timestamps in batches, and waits only when 65536 events are pending. */
#ifndef CLMLP_RUNTIME_PROFILE_H
#define CLMLP_RUNTIME_PROFILE_H

#include <CL/cl.h>

#include "clmlp/profile.h"

typedef struct clmlp_profile clmlp_profile;

/* Returns where an enqueue call should store its event: NULL when the
 * context records no profile, so the call creates no event. */
#define CLMLP_PROFILE_EVENT(ctx, event) ((ctx)->options.profiling ? &(event) : NULL)

/* Takes ownership of event, the event of one finished or queued command, and
 * adds its time to the entry of kind and key once the command has finished.
 * A NULL event does nothing, which is the case when profiling is off. The
 * event is released even when recording fails. */
clmlp_status clmlp_profile_record(clmlp_context *ctx, clmlp_profile_kind kind, const char *key,
                                  cl_event event);

/* Waits for every recorded command and adds its time to its entry. Does
 * nothing when profiling is off. */
clmlp_status clmlp_profile_flush(clmlp_context *ctx);

/* Releases the pending events and the table. NULL is allowed. */
void clmlp_profile_free(clmlp_profile *profile);

#endif
