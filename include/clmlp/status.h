/* Status codes, error messages, logging and version of the clmlp library. */
#ifndef CLMLP_STATUS_H
#define CLMLP_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define CLMLP_API __declspec(dllexport)
#elif defined(__GNUC__)
#define CLMLP_API __attribute__((visibility("default")))
#else
#define CLMLP_API
#endif

#define CLMLP_VERSION_MAJOR 0
#define CLMLP_VERSION_MINOR 1
#define CLMLP_VERSION_PATCH 0

/* Result of every call that can fail. CLMLP_SUCCESS is zero; every other
 * value leaves a message that clmlp_error_message() returns. */
typedef enum clmlp_status {
    CLMLP_SUCCESS = 0,
    CLMLP_ERROR_INVALID_ARGUMENT,     /* a NULL pointer, zero size or bad option */
    CLMLP_ERROR_SHAPE,                /* tensor shapes or dtypes do not fit the operation */
    CLMLP_ERROR_OUT_OF_HOST_MEMORY,   /* malloc failed */
    CLMLP_ERROR_OUT_OF_DEVICE_MEMORY, /* the device cannot hold a buffer */
    CLMLP_ERROR_NO_PLATFORM,          /* the ICD loader found no OpenCL platform */
    CLMLP_ERROR_DEVICE_NOT_FOUND,     /* no device matches the selection */
    CLMLP_ERROR_BUILD_FAILED,         /* an OpenCL program failed to compile */
    CLMLP_ERROR_OPENCL,               /* an OpenCL call failed; the message names the error */
    CLMLP_ERROR_CLBLAST,              /* a CLBlast routine failed; the message names the error */
    CLMLP_ERROR_IO,                   /* a file could not be opened, read or written */
    CLMLP_ERROR_FORMAT,               /* a file's contents are invalid */
    CLMLP_ERROR_NOT_READY,            /* the object needs a step that has not happened yet */
    CLMLP_ERROR_DIVERGED,             /* the loss became NaN or infinite */
    CLMLP_ERROR_CANCELLED,            /* a callback asked to stop */
    CLMLP_ERROR_UNSUPPORTED           /* the device or build lacks a feature */
} clmlp_status;

/* Returns a constant name such as "CLMLP_ERROR_SHAPE" for a status. */
CLMLP_API const char *clmlp_status_name(clmlp_status status);

/* Returns the message of the last failed call on the calling thread. The
 * message names the value that failed and, where known, what to do. The
 * pointer stays valid until the next clmlp call on the same thread. */
CLMLP_API const char *clmlp_error_message(void);

/* Clears the calling thread's error message. */
CLMLP_API void clmlp_clear_error(void);

typedef enum clmlp_log_level {
    CLMLP_LOG_DEBUG = 0,
    CLMLP_LOG_INFO,
    CLMLP_LOG_WARNING,
    CLMLP_LOG_ERROR
} clmlp_log_level;

/* Receives log messages. The message is only valid during the call. */
typedef void (*clmlp_log_fn)(clmlp_log_level level, const char *message, void *user_data);

/* Sets the process-wide log callback; NULL (the default) discards messages.
 * The library never prints on its own. Call it before creating contexts,
 * because it is not synchronised with running calls. */
CLMLP_API void clmlp_set_log_callback(clmlp_log_fn callback, void *user_data);

/* Returns the library version as "MAJOR.MINOR.PATCH". */
CLMLP_API const char *clmlp_version(void);

#ifdef __cplusplus
}
#endif

#endif
