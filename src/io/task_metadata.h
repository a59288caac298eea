/* The task of a checkpoint, its loss and the classes of a binary task, as
 * safetensors metadata strings. */
#ifndef CLMLP_IO_TASK_METADATA_H
#define CLMLP_IO_TASK_METADATA_H

#include "clmlp/io.h"
#include "io/safetensors.h"

/* Adds "task.loss" and, for a binary task, "task.positive_classes". */
clmlp_status clmlp_task_metadata_write(cJSON *metadata, const clmlp_checkpoint_info *info);

/* Reads those keys into info's loss and positive_classes; missing keys give
 * cross-entropy and no positive classes. Returns CLMLP_ERROR_FORMAT for an
 * unknown loss name or an invalid class list. */
clmlp_status clmlp_task_metadata_read(const clmlp_safetensors *st, clmlp_checkpoint_info *info);

#endif
