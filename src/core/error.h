/* Internal helpers that record an error message and return its status. */
#ifndef CLMLP_CORE_ERROR_H
#define CLMLP_CORE_ERROR_H

#include "clmlp/status.h"

#define CLMLP_STR2(x) #x
#define CLMLP_STR(x) CLMLP_STR2(x)
#define CLMLP_VERSION_STRING \
    CLMLP_STR(CLMLP_VERSION_MAJOR) "." CLMLP_STR(CLMLP_VERSION_MINOR) "." CLMLP_STR(CLMLP_VERSION_PATCH)

#if defined(__GNUC__)
#define CLMLP_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define CLMLP_PRINTF(fmt, args)
#endif

/* Replaces the thread's error message and returns status. */
clmlp_status clmlp_fail(clmlp_status status, const char *format, ...) CLMLP_PRINTF(2, 3);

/* Appends text to the thread's error message and returns status. */
clmlp_status clmlp_fail_append(clmlp_status status, const char *format, ...) CLMLP_PRINTF(2, 3);

/* Sends a message to the application's log callback, if it set one. */
void clmlp_log(clmlp_log_level level, const char *format, ...) CLMLP_PRINTF(2, 3);

/* Returns from the enclosing function when a clmlp call fails. */
#define CLMLP_TRY(call)                          \
    do {                                         \
        clmlp_status try_status_ = (call);       \
        if (try_status_ != CLMLP_SUCCESS)        \
            return try_status_;                  \
    } while (0)

#endif
