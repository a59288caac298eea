/* Writing safetensors files atomically: temporary file, fsync, rename. */
#include "io/safetensors.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"

/* Builds the JSON header: metadata first, then each tensor's dtype, shape
 * and byte range in entry order. */
static clmlp_status build_header(const clmlp_st_entry *entries, size_t count,
                                 const cJSON *metadata, char **text)
{
    cJSON *header = cJSON_CreateObject();
    bool ok = header != NULL;
    if (ok && metadata != NULL) {
        cJSON *copy = cJSON_Duplicate(metadata, true);
        ok = copy != NULL && cJSON_AddItemToObject(header, "__metadata__", copy);
    }

    uint64_t offset = 0;
    for (size_t i = 0; ok && i < count; i++) {
        const clmlp_st_entry *e = &entries[i];
        cJSON *item = cJSON_CreateObject();
        ok = item != NULL && cJSON_AddItemToObject(header, e->name, item);
        ok = ok && cJSON_AddStringToObject(item, "dtype", e->int64_data ? "I64" : "F32") != NULL;
        cJSON *shape = ok ? cJSON_AddArrayToObject(item, "shape") : NULL;
        cJSON *offsets = shape ? cJSON_AddArrayToObject(item, "data_offsets") : NULL;
        ok = offsets != NULL;

        uint64_t bytes = e->int64_data ? sizeof(int64_t) : sizeof(float);
        for (int d = 0; ok && d < e->ndim; d++) {
            bytes *= e->shape[d];
            ok = cJSON_AddItemToArray(shape, cJSON_CreateNumber((double)e->shape[d]));
        }
        ok = ok && cJSON_AddItemToArray(offsets, cJSON_CreateNumber((double)offset));
        offset += bytes;
        ok = ok && cJSON_AddItemToArray(offsets, cJSON_CreateNumber((double)offset));
    }

    *text = ok ? cJSON_PrintUnformatted(header) : NULL;
    cJSON_Delete(header);
    if (*text == NULL)
        return clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory building a "
                          "safetensors header");
    return CLMLP_SUCCESS;
}

static size_t entry_numel(const clmlp_st_entry *e)
{
    size_t n = 1;
    for (int d = 0; d < e->ndim; d++)
        n *= e->shape[d];
    return n;
}

/* Writes one tensor's elements in little-endian order, a chunk at a time. */
static bool write_data(FILE *out, const clmlp_st_entry *entry)
{
    enum { CHUNK = 1024 };
    size_t n = entry_numel(entry);
    bool ok = true;
    for (size_t done = 0; ok && done < n;) {
        size_t step = n - done < CHUNK ? n - done : CHUNK;
        if (entry->int64_data != NULL) {
            int64_t chunk[CHUNK];
            memcpy(chunk, entry->int64_data + done, step * sizeof *chunk);
            clmlp_int64s_to_little_endian(chunk, step);
            ok = fwrite(chunk, sizeof *chunk, step, out) == step;
        } else {
            float chunk[CHUNK];
            memcpy(chunk, entry->data + done, step * sizeof *chunk);
            clmlp_floats_to_little_endian(chunk, step);
            ok = fwrite(chunk, sizeof *chunk, step, out) == step;
        }
        done += step;
    }
    return ok;
}

/* Writes the length, the header padded with spaces to a multiple of 8
 * bytes, and the tensor data in little-endian order. */
static bool write_contents(FILE *out, const char *header, const clmlp_st_entry *entries,
                           size_t count)
{
    size_t length = strlen(header);
    size_t padded = (length + 7) / 8 * 8;
    unsigned char prefix[8];
    for (int i = 0; i < 8; i++)
        prefix[i] = (unsigned char)((uint64_t)padded >> (8 * i));
    bool ok = fwrite(prefix, 1, 8, out) == 8 && fwrite(header, 1, length, out) == length;
    for (size_t i = length; ok && i < padded; i++)
        ok = fputc(' ', out) != EOF;

    for (size_t i = 0; ok && i < count; i++)
        ok = write_data(out, &entries[i]);
    return ok;
}

/* Syncs the folder that contains path, so the rename survives a power loss. */
static int sync_folder(const char *path)
{
    char folder[4096];
    const char *slash = strrchr(path, '/');
    if (slash == NULL)
        snprintf(folder, sizeof folder, ".");
    else if (slash == path)
        snprintf(folder, sizeof folder, "/");
    else
        snprintf(folder, sizeof folder, "%.*s", (int)(slash - path), path);

    int fd = open(folder, O_RDONLY);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

clmlp_status clmlp_safetensors_write(const char *path, const clmlp_st_entry *entries, size_t count,
                                     const cJSON *metadata)
{
    char *header = NULL;
    CLMLP_TRY(build_header(entries, count, metadata, &header));

    size_t temp_size = strlen(path) + sizeof ".tmp-XXXXXX";
    char *temp = malloc(temp_size);
    if (temp == NULL) {
        cJSON_free(header);
        return clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory saving %s", path);
    }
    snprintf(temp, temp_size, "%s.tmp-XXXXXX", path);

    clmlp_status status = CLMLP_SUCCESS;
    int fd = mkstemp(temp);
    FILE *out = fd >= 0 ? fdopen(fd, "wb") : NULL;
    if (out == NULL) {
        status = clmlp_fail(CLMLP_ERROR_IO, "cannot create a temporary file next to %s: %s",
                            path, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(temp);
        }
        goto done;
    }

    /* mkstemp creates the file readable by its owner only; a checkpoint gets
     * the permissions of an ordinary file instead. */
    fchmod(fd, S_IRUSR | S_IWUSR | S_IRGRP | S_IROTH);
    bool ok = write_contents(out, header, entries, count) && fflush(out) == 0 && fsync(fd) == 0;
    int saved_errno = errno;
    if (fclose(out) != 0 && ok) {
        ok = false;
        saved_errno = errno;
    }
    if (ok && rename(temp, path) != 0) {
        ok = false;
        saved_errno = errno;
    }
    if (!ok) {
        unlink(temp);
        status = clmlp_fail(CLMLP_ERROR_IO, "cannot write %s: %s; the previous file, if any, is "
                            "unchanged", path, strerror(saved_errno));
        goto done;
    }
    if (sync_folder(path) != 0)
        status = clmlp_fail(CLMLP_ERROR_IO, "wrote %s but cannot sync its folder: %s", path,
                            strerror(errno));

done:
    free(temp);
    cJSON_free(header);
    return status;
}
