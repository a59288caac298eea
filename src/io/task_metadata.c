/* Writing and reading a checkpoint's task metadata. */
#include "io/task_metadata.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

static const struct {
    const char *name;
    clmlp_loss_kind kind;
} losses[] = {
    {"cross_entropy", CLMLP_LOSS_CROSS_ENTROPY},
    {"bce", CLMLP_LOSS_BCE},
    {"bce_with_logits", CLMLP_LOSS_BCE_WITH_LOGITS},
};

#define LOSS_COUNT (sizeof losses / sizeof losses[0])

clmlp_status clmlp_task_metadata_write(cJSON *metadata, const clmlp_checkpoint_info *info)
{
    const char *loss = NULL;
    for (size_t i = 0; i < LOSS_COUNT; i++)
        if (losses[i].kind == info->loss)
            loss = losses[i].name;
    if (loss == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "checkpoint info: unknown loss kind %d",
                          (int)info->loss);
    if (cJSON_AddStringToObject(metadata, "task.loss", loss) == NULL)
        return clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory writing metadata");
    if (info->positive_classes == 0)
        return CLMLP_SUCCESS;

    /* 64 classes of up to two digits and a comma each fit. */
    char text[256];
    size_t used = 0;
    for (unsigned c = 0; c <= CLMLP_CHECKPOINT_MAX_CLASS; c++)
        if (info->positive_classes >> c & 1u)
            used += (size_t)snprintf(text + used, sizeof text - used, "%s%u", used ? "," : "", c);
    if (cJSON_AddStringToObject(metadata, "task.positive_classes", text) == NULL)
        return clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory writing metadata");
    return CLMLP_SUCCESS;
}

/* Parses "5,7,9" into a bit set of classes 0 to CLMLP_CHECKPOINT_MAX_CLASS. */
static clmlp_status parse_classes(const clmlp_safetensors *st, const char *text, uint64_t *classes)
{
    *classes = 0;
    const char *p = text;
    for (;;) {
        char *end = NULL;
        errno = 0;
        unsigned long c = *p >= '0' && *p <= '9' ? strtoul(p, &end, 10) : ULONG_MAX;
        if (c > CLMLP_CHECKPOINT_MAX_CLASS || errno == ERANGE || (*end != ',' && *end != '\0'))
            return clmlp_fail(CLMLP_ERROR_FORMAT, "%s: metadata \"task.positive_classes\" is "
                              "\"%s\", not a comma-separated list of classes from 0 to %d",
                              st->path, text, CLMLP_CHECKPOINT_MAX_CLASS);
        *classes |= (uint64_t)1 << c;
        if (*end == '\0')
            return CLMLP_SUCCESS;
        p = end + 1;
    }
}

clmlp_status clmlp_task_metadata_read(const clmlp_safetensors *st, clmlp_checkpoint_info *info)
{
    info->loss = CLMLP_LOSS_CROSS_ENTROPY;
    info->positive_classes = 0;
    const char *loss = clmlp_safetensors_metadata(st, "task.loss");
    if (loss != NULL) {
        size_t i = 0;
        while (i < LOSS_COUNT && strcmp(losses[i].name, loss) != 0)
            i++;
        if (i == LOSS_COUNT)
            return clmlp_fail(CLMLP_ERROR_FORMAT, "%s: metadata \"task.loss\" is \"%s\"; the "
                              "known losses are cross_entropy, bce and bce_with_logits",
                              st->path, loss);
        info->loss = losses[i].kind;
    }
    const char *classes = clmlp_safetensors_metadata(st, "task.positive_classes");
    if (classes == NULL)
        return CLMLP_SUCCESS;
    return parse_classes(st, classes, &info->positive_classes);
}
