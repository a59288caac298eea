/* Paths, reads and atomic writes of clmlp's files under the user's cache
 * directory. */
#include "runtime/cache_dir.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "core/hash.h"

/* Makes path and each missing parent, as mkdir -p does. */
static int make_dirs(char *path)
{
    for (char *p = path + 1; *p != '\0'; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        int failed = mkdir(path, 0755) != 0 && errno != EEXIST;
        *p = '/';
        if (failed)
            return -1;
    }
    return mkdir(path, 0755) != 0 && errno != EEXIST ? -1 : 0;
}

clmlp_status clmlp_cache_dir(char *path, size_t size, int create)
{
    const char *own = getenv("CLMLP_CACHE_DIR");
    const char *xdg = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME");
    int written;
    if (own != NULL && own[0] != '\0')
        written = snprintf(path, size, "%s", own);
    else if (xdg != NULL && xdg[0] == '/')
        written = snprintf(path, size, "%s/clmlp", xdg);
    else if (home != NULL && home[0] != '\0')
        written = snprintf(path, size, "%s/.cache/clmlp", home);
    else
        return clmlp_fail(CLMLP_ERROR_IO, "no cache folder: CLMLP_CACHE_DIR, XDG_CACHE_HOME and "
                          "HOME are all unset");
    if (written < 0 || (size_t)written >= size)
        return clmlp_fail(CLMLP_ERROR_IO, "the cache folder path is too long");

    if (create && make_dirs(path) != 0)
        return clmlp_fail(CLMLP_ERROR_IO, "cannot create the cache folder %s: %s", path,
                          strerror(errno));
    return CLMLP_SUCCESS;
}

uint64_t clmlp_device_key(const clmlp_device_info *info)
{
    uint64_t key = CLMLP_HASH_SEED;
    key = clmlp_hash_string(key, info->platform_name);
    key = clmlp_hash_string(key, info->device_name);
    key = clmlp_hash_string(key, info->device_version);
    return clmlp_hash_string(key, info->driver_version);
}

clmlp_status clmlp_cache_file(const char *prefix, uint64_t key, const char *suffix, int create,
                              char *path, size_t size)
{
    char dir[3072];
    CLMLP_TRY(clmlp_cache_dir(dir, sizeof dir, create));
    int written = snprintf(path, size, "%s/%s-%016" PRIx64 "%s", dir, prefix, key, suffix);
    if (written < 0 || (size_t)written >= size)
        return clmlp_fail(CLMLP_ERROR_IO, "the cache file path under %s is too long", dir);
    return CLMLP_SUCCESS;
}

clmlp_status clmlp_cache_write(const char *path, const void *data, size_t size)
{
    /* The process id keeps two writers from sharing a temporary file. */
    char temporary[4200];
    snprintf(temporary, sizeof temporary, "%s.%ld.tmp", path, (long)getpid());
    FILE *file = fopen(temporary, "wb");
    if (file == NULL)
        return clmlp_fail(CLMLP_ERROR_IO, "cannot write cache file %s: %s", temporary,
                          strerror(errno));
    size_t done = fwrite(data, 1, size, file);
    int failed = fclose(file) != 0 || done != size;
    if (failed || rename(temporary, path) != 0) {
        clmlp_status status = clmlp_fail(CLMLP_ERROR_IO, "cannot write cache file %s: %s", path,
                                         strerror(errno));
        remove(temporary);
        return status;
    }
    return CLMLP_SUCCESS;
}

clmlp_status clmlp_cache_read(const char *path, unsigned char **data, size_t *size)
{
    FILE *file = fopen(path, "rb");
    if (file == NULL)
        return clmlp_fail(CLMLP_ERROR_IO, "cannot open cache file %s: %s", path, strerror(errno));

    long length = -1;
    if (fseek(file, 0, SEEK_END) == 0)
        length = ftell(file);
    if (length < 0 || fseek(file, 0, SEEK_SET) != 0) {
        fclose(file);
        return clmlp_fail(CLMLP_ERROR_IO, "cannot size cache file %s", path);
    }

    /* One spare byte lets text readers add a terminator. */
    unsigned char *bytes = malloc((size_t)length + 1);
    if (bytes == NULL) {
        fclose(file);
        return clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory reading %s", path);
    }
    size_t got = fread(bytes, 1, (size_t)length, file);
    fclose(file);
    if (got != (size_t)length) {
        free(bytes);
        return clmlp_fail(CLMLP_ERROR_IO, "short read of cache file %s", path);
    }
    bytes[length] = '\0';
    *data = bytes;
    *size = (size_t)length;
    return CLMLP_SUCCESS;
}
