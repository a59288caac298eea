/* Checked reads of model and optimizer settings from JSON objects. */
#ifndef CLMLP_CORE_CONFIG_H
#define CLMLP_CORE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#include "core/error.h"

/* Reads the required whole number key of config into value and checks that
 * it lies in [min, max]. what names the object in error messages. Returns
 * CLMLP_ERROR_FORMAT when the key is missing, not a whole number or out of
 * range. */
clmlp_status clmlp_config_size(const cJSON *config, const char *what, const char *key, size_t min,
                               size_t max, size_t *value);

/* Reads the required key, a JSON array of min_count to max_count whole
 * numbers in [min, max], into values and its length into count. */
clmlp_status clmlp_config_size_list(const cJSON *config, const char *what, const char *key,
                                    size_t min, size_t max, size_t min_count, size_t max_count,
                                    size_t *values, size_t *count);

/* Reads the optional string key; value keeps its contents when the key is
 * missing. The string belongs to config. */
clmlp_status clmlp_config_text(const cJSON *config, const char *what, const char *key,
                               const char **value);

/* Reads the optional key, a 64-bit seed stored as a decimal string because
 * JSON numbers lose integers above 2^53; value keeps its contents when the
 * key is missing. */
clmlp_status clmlp_config_seed(const cJSON *config, const char *what, const char *key,
                               uint64_t *value);

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

/* Adds an array of count whole numbers. */
clmlp_status clmlp_config_add_size_list(cJSON *config, const char *key, const size_t *values,
                                        size_t count);

/* Adds a string. */
clmlp_status clmlp_config_add_text(cJSON *config, const char *key, const char *value);

/* Adds a seed as the decimal string that clmlp_config_seed() reads. */
clmlp_status clmlp_config_add_seed(cJSON *config, const char *key, uint64_t value);

/* Adds a boolean to a JSON object. */
clmlp_status clmlp_config_add_bool(cJSON *config, const char *key, bool value);

#endif
