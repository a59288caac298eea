/* Checked reads and writes of settings in JSON objects. */
#include "core/config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

clmlp_status clmlp_config_size(const cJSON *config, const char *what, const char *key, size_t min,
                               size_t max, size_t *value)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(config, key);
    if (item == NULL)
        return clmlp_fail(CLMLP_ERROR_FORMAT, "%s: the configuration lacks \"%s\"", what, key);
    double number = cJSON_IsNumber(item) ? item->valuedouble : NAN;
    if (!(number >= (double)min && number <= (double)max) || number != floor(number))
        return clmlp_fail(CLMLP_ERROR_FORMAT, "%s: \"%s\" must be a whole number from %zu to %zu",
                          what, key, min, max);
    *value = (size_t)number;
    return CLMLP_SUCCESS;
}

clmlp_status clmlp_config_number(const cJSON *config, const char *what, const char *key,
                                 double *value)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(config, key);
    if (item == NULL)
        return CLMLP_SUCCESS;
    if (!cJSON_IsNumber(item) || !isfinite(item->valuedouble))
        return clmlp_fail(CLMLP_ERROR_FORMAT, "%s: \"%s\" must be a finite number", what, key);
    *value = item->valuedouble;
    return CLMLP_SUCCESS;
}

clmlp_status clmlp_config_bool(const cJSON *config, const char *what, const char *key,
                               bool *value)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(config, key);
    if (item == NULL)
        return CLMLP_SUCCESS;
    if (!cJSON_IsBool(item))
        return clmlp_fail(CLMLP_ERROR_FORMAT, "%s: \"%s\" must be true or false", what, key);
    *value = cJSON_IsTrue(item);
    return CLMLP_SUCCESS;
}

clmlp_status clmlp_config_add_number(cJSON *config, const char *key, double value)
{
    if (cJSON_AddNumberToObject(config, key, value) == NULL)
        return clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory writing \"%s\"", key);
    return CLMLP_SUCCESS;
}

clmlp_status clmlp_config_add_float(cJSON *config, const char *key, float value)
{
    /* Nine significant digits always read back as the same float. */
    double shortest = value;
    for (int digits = 1; digits <= 9; digits++) {
        char text[32];
        snprintf(text, sizeof text, "%.*g", digits, (double)value);
        if ((float)strtod(text, NULL) == value) {
            shortest = strtod(text, NULL);
            break;
        }
    }
    return clmlp_config_add_number(config, key, shortest);
}

clmlp_status clmlp_config_add_bool(cJSON *config, const char *key, bool value)
{
    if (cJSON_AddBoolToObject(config, key, value) == NULL)
        return clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory writing \"%s\"", key);
    return CLMLP_SUCCESS;
}
