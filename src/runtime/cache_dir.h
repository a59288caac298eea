/* Paths of clmlp's files under the user's cache directory. */
#ifndef CLMLP_RUNTIME_CACHE_DIR_H
#define CLMLP_RUNTIME_CACHE_DIR_H

#include <stddef.h>
#include <stdint.h>

#include "clmlp/runtime.h"

/* Writes the cache folder into path: $CLMLP_CACHE_DIR when set, else
 * $XDG_CACHE_HOME/clmlp, else $HOME/.cache/clmlp. With create, makes the
 * folder and its parents. Returns CLMLP_ERROR_IO when no folder can be named
 * or made. */
clmlp_status clmlp_cache_dir(char *path, size_t size, int create);

/* A key that changes whenever the device, its platform or its driver does. */
uint64_t clmlp_device_key(const clmlp_device_info *info);

/* Writes <cache dir>/<prefix>-<16 hex digits of key><suffix> into path. */
clmlp_status clmlp_cache_file(const char *prefix, uint64_t key, const char *suffix, int create,
                              char *path, size_t size);

/* Replaces path with size bytes of data through a temporary file and a
 * rename, so a reader never sees half a file. */
clmlp_status clmlp_cache_write(const char *path, const void *data, size_t size);

/* Reads a whole file into a malloc'd buffer. Returns CLMLP_ERROR_IO when it
 * is missing or unreadable. */
clmlp_status clmlp_cache_read(const char *path, unsigned char **data, size_t *size);

#endif
