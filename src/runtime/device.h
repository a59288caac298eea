/* Device lookup shared by selection and context creation. */
#ifndef CLMLP_RUNTIME_DEVICE_H
#define CLMLP_RUNTIME_DEVICE_H

#include <CL/cl.h>

#include "clmlp/runtime.h"

/* Finds the device a selector names (see clmlp_select_device). Any output
 * pointer may be NULL. */
clmlp_status clmlp_find_device(const char *selector, clmlp_device_info *info,
                               cl_platform_id *platform, cl_device_id *device);

#endif
