/* Checked reads of model and optimizer settings from JSON objects. */
#ifndef CLMLP_CORE_CONFIG_H
#define CLMLP_CORE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include <cJSON.h>

#include "core/error.h"

/* Reads the required whole number key of config into value and checks that
 * it lies in [min, max]. what names the object in error messages. Returns
 * CLMLP_ERROR_FORMAT when the key is missing, not a whole number or out of
 * range. */
clmlp_status clmlp_config_size(const cJSON *config, const char *what, const char *key, size_t min,
                               size_t max, size_t *value);

/* Reads the optional finite number key; value keeps its contents when the
 * key is missing. */
clmlp_status clmlp_config_number(const cJSON *config, const char *what, const char *key,
                                 double *value);

/* Reads the optional boolean key; value keeps its contents when the key is
 * missing. */
clmlp_status clmlp_config_bool(const cJSON *config, const char *what, const char *key,
                               bool *value);

/* Adds a number to a JSON object; returns CLMLP_ERROR_OUT_OF_HOST_MEMORY
 * when cJSON cannot allocate. */
clmlp_status clmlp_config_add_number(cJSON *config, const char *key, double value);

/* Adds a float as the shortest decimal that reads back as the same float,
 * so 0.9f appears as 0.9 instead of 0.899999976158142. */
clmlp_status clmlp_config_add_float(cJSON *config, const char *key, float value);

/* Adds a boolean to a JSON object. */
clmlp_status clmlp_config_add_bool(cJSON *config, const char *key, bool value);

#endif
