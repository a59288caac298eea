/* OpenCL error names and the check macro used around OpenCL calls. */
#ifndef CLMLP_RUNTIME_CL_ERROR_H
#define CLMLP_RUNTIME_CL_ERROR_H

#include <CL/cl.h>

#include "core/error.h"

/* Returns the name of an OpenCL error code, such as "CL_OUT_OF_RESOURCES". */
const char *clmlp_cl_error_name(cl_int code);

/* Maps an OpenCL error to a status and records "CALL failed with NAME". */
clmlp_status clmlp_fail_cl(cl_int code, const char *call, const char *file, int line);

#define CLMLP_CL_CHECK(call)                                                  \
    do {                                                                      \
        cl_int cl_check_code_ = (call);                                       \
        if (cl_check_code_ != CL_SUCCESS)                                     \
            return clmlp_fail_cl(cl_check_code_, #call, __FILE__, __LINE__);  \
    } while (0)

#endif
