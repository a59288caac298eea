/* Internal layout of a dataset held on the device. */
#ifndef CLMLP_DATA_DATASET_H
#define CLMLP_DATA_DATASET_H

#include <CL/cl.h>

#include "clmlp/data.h"
#include "runtime/context.h"

struct clmlp_dataset {
    clmlp_context *ctx;
    size_t count;
    size_t features;
    size_t classes;

    cl_mem images;      /* uint8 [count, features] */
    cl_mem labels;      /* uint8 [count] */
    cl_mem order;       /* int32 [count], sample indices in batch order */
    cl_mem label_map;   /* int32 [classes] */

    int32_t *host_order; /* the host copy of order, count entries */
};

#endif
