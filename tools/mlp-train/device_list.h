/* The --list-devices table of OpenCL platforms and devices. */
#ifndef MLP_TRAIN_DEVICE_LIST_H
#define MLP_TRAIN_DEVICE_LIST_H

#include <stdio.h>

#include "clmlp.h"

/* Prints every platform, then each of its devices with its P:D index, type,
 * compute units, global memory, maximum allocation and OpenCL version, and
 * marks the device that an empty selector picks. On failure prints nothing
 * and returns the status, with the library message set. */
clmlp_status print_devices(FILE *out);

#endif
