/* Checked reads and writes of settings in JSON objects. */
#include "core/config.h"

#include <errno.h>
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

clmlp_status clmlp_config_size_list(const cJSON *config, const char *what, const char *key,
                                    size_t min, size_t max, size_t min_count, size_t max_count,
                                    size_t *values, size_t *count)
{
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(config, key);
    if (list == NULL)
        return clmlp_fail(CLMLP_ERROR_FORMAT, "%s: the configuration lacks \"%s\"", what, key);
    int length = cJSON_IsArray(list) ? cJSON_GetArraySize(list) : -1;
    if (length < 0 || (size_t)length < min_count || (size_t)length > max_count)
        return clmlp_fail(CLMLP_ERROR_FORMAT, "%s: \"%s\" must be an array of %zu to %zu whole "
                          "numbers", what, key, min_count, max_count);
    for (int i = 0; i < length; i++) {
        const cJSON *item = cJSON_GetArrayItem(list, i);
        double number = cJSON_IsNumber(item) ? item->valuedouble : NAN;
        if (!(number >= (double)min && number <= (double)max) || number != floor(number))
            return clmlp_fail(CLMLP_ERROR_FORMAT, "%s: \"%s\" item %d must be a whole number "
                              "from %zu to %zu", what, key, i, min, max);
        values[i] = (size_t)number;
    }
    *count = (size_t)length;
    return CLMLP_SUCCESS;
}

clmlp_status clmlp_config_text(const cJSON *config, const char *what, const char *key,
                               const char **value)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(config, key);
    if (item == NULL)
        return CLMLP_SUCCESS;
    if (!cJSON_IsString(item))
        return clmlp_fail(CLMLP_ERROR_FORMAT, "%s: \"%s\" must be a string", what, key);
    *value = item->valuestring;
    return CLMLP_SUCCESS;
}

clmlp_status clmlp_config_seed(const cJSON *config, const char *what, const char *key,
                               uint64_t *value)
{
    const char *text = NULL;
    CLMLP_TRY(clmlp_config_text(config, what, key, &text));
    if (text == NULL)
        return CLMLP_SUCCESS;
    char *end = NULL;
    errno = 0;
    unsigned long long seed = strtoull(text, &end, 10);
    if (text[0] < '0' || text[0] > '9' || *end != '\0' || errno == ERANGE)
        return clmlp_fail(CLMLP_ERROR_FORMAT, "%s: \"%s\" is \"%s\", not a decimal seed from 0 "
                          "to 2^64 - 1", what, key, text);
    *value = (uint64_t)seed;
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

clmlp_status clmlp_config_add_size_list(cJSON *config, const char *key, const size_t *values,
                                        size_t count)
{
    cJSON *list = cJSON_AddArrayToObject(config, key);
    bool ok = list != NULL;
    for (size_t i = 0; ok && i < count; i++)
        ok = cJSON_AddItemToArray(list, cJSON_CreateNumber((double)values[i]));
    if (!ok)
        return clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory writing \"%s\"", key);
    return CLMLP_SUCCESS;
}

clmlp_status clmlp_config_add_text(cJSON *config, const char *key, const char *value)
{
    if (cJSON_AddStringToObject(config, key, value) == NULL)
        return clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory writing \"%s\"", key);
    return CLMLP_SUCCESS;
}

clmlp_status clmlp_config_add_seed(cJSON *config, const char *key, uint64_t value)
{
    char text[32];
    snprintf(text, sizeof text, "%llu", (unsigned long long)value);
    return clmlp_config_add_text(config, key, text);
}
