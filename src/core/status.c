/* Status names, the per-thread error message, logging and version. */
#include "core/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static _Thread_local char error_message[2048];

static clmlp_log_fn log_callback;
static void *log_user_data;

const char *clmlp_status_name(clmlp_status status)
{
    switch (status) {
    case CLMLP_SUCCESS: return "CLMLP_SUCCESS";
    case CLMLP_ERROR_INVALID_ARGUMENT: return "CLMLP_ERROR_INVALID_ARGUMENT";
    case CLMLP_ERROR_SHAPE: return "CLMLP_ERROR_SHAPE";
    case CLMLP_ERROR_OUT_OF_HOST_MEMORY: return "CLMLP_ERROR_OUT_OF_HOST_MEMORY";
    case CLMLP_ERROR_OUT_OF_DEVICE_MEMORY: return "CLMLP_ERROR_OUT_OF_DEVICE_MEMORY";
    case CLMLP_ERROR_NO_PLATFORM: return "CLMLP_ERROR_NO_PLATFORM";
    case CLMLP_ERROR_DEVICE_NOT_FOUND: return "CLMLP_ERROR_DEVICE_NOT_FOUND";
    case CLMLP_ERROR_BUILD_FAILED: return "CLMLP_ERROR_BUILD_FAILED";
    case CLMLP_ERROR_OPENCL: return "CLMLP_ERROR_OPENCL";
    case CLMLP_ERROR_CLBLAST: return "CLMLP_ERROR_CLBLAST";
    case CLMLP_ERROR_IO: return "CLMLP_ERROR_IO";
    case CLMLP_ERROR_FORMAT: return "CLMLP_ERROR_FORMAT";
    case CLMLP_ERROR_NOT_READY: return "CLMLP_ERROR_NOT_READY";
    case CLMLP_ERROR_DIVERGED: return "CLMLP_ERROR_DIVERGED";
    case CLMLP_ERROR_CANCELLED: return "CLMLP_ERROR_CANCELLED";
    case CLMLP_ERROR_UNSUPPORTED: return "CLMLP_ERROR_UNSUPPORTED";
    }
    return "CLMLP_ERROR_UNKNOWN";
}

const char *clmlp_error_message(void)
{
    return error_message;
}

void clmlp_clear_error(void)
{
    error_message[0] = '\0';
}

clmlp_status clmlp_fail(clmlp_status status, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    vsnprintf(error_message, sizeof error_message, format, args);
    va_end(args);
    return status;
}

clmlp_status clmlp_fail_append(clmlp_status status, const char *format, ...)
{
    char suffix[sizeof error_message];
    va_list args;
    va_start(args, format);
    vsnprintf(suffix, sizeof suffix, format, args);
    va_end(args);

    /* The original message stays first; the suffix adds the caller's context. */
    size_t used = strlen(error_message);
    if (used + 1 < sizeof error_message)
        snprintf(error_message + used, sizeof error_message - used, "%s", suffix);
    return status;
}

void clmlp_set_log_callback(clmlp_log_fn callback, void *user_data)
{
    log_callback = callback;
    log_user_data = user_data;
}

void clmlp_log(clmlp_log_level level, const char *format, ...)
{
    if (log_callback == NULL)
        return;

    char message[1024];
    va_list args;
    va_start(args, format);
    vsnprintf(message, sizeof message, format, args);
    va_end(args);
    log_callback(level, message, log_user_data);
}

const char *clmlp_version(void)
{
    return CLMLP_VERSION_STRING;
}
