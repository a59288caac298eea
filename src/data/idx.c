/* IDX reader for unsigned-byte arrays, raw or gzip-compressed, through zlib.
 *
 * An IDX file is two zero bytes, a type code, the number of dimensions, one
 * big-endian uint32 per dimension, and then the elements in row-major order
 * with nothing after them. */
#include "clmlp/data.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/error.h"

#define IDX_TYPE_UNSIGNED_BYTE 0x08
#define IDX_MAX_DIMS 4

/* gzread takes an unsigned length, so reads go in chunks of this size. */
#define READ_CHUNK ((size_t)1 << 20)

/* The body buffer starts at most this large and doubles as data arrives, so
 * a short file whose header claims a large body costs little memory. */
#define INITIAL_BODY_CAPACITY ((size_t)16 << 20)

static const char *type_name(int code)
{
    switch (code) {
    case 0x08: return "unsigned byte";
    case 0x09: return "signed byte";
    case 0x0B: return "int16";
    case 0x0C: return "int32";
    case 0x0D: return "float32";
    case 0x0E: return "float64";
    }
    return "unknown";
}

/* Returns zlib's reason for the stream's last error without the
 * "PATH: " prefix that gzerror adds. */
static const char *zlib_reason(gzFile gz, const char *path, int *code)
{
    const char *text = gzerror(gz, code);
    size_t length = strlen(path);
    if (strncmp(text, path, length) == 0 && strncmp(text + length, ": ", 2) == 0)
        text += length + 2;
    return text;
}

/* Records the stream's last zlib error. zlib decompresses ahead of the
 * reader, so the error may show up before the damaged part is requested. */
static clmlp_status fail_read(gzFile gz, const char *path)
{
    int code = Z_OK;
    const char *reason = zlib_reason(gz, path, &code);
    if (code == Z_ERRNO)
        return clmlp_fail(CLMLP_ERROR_IO, "cannot read %s: %s", path, reason);
    if (code == Z_BUF_ERROR)
        return clmlp_fail(CLMLP_ERROR_FORMAT, "%s: the gzip data ends early (%s); the file is "
                          "truncated, download it again", path, reason);
    if (code == Z_MEM_ERROR)
        return clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory reading %s", path);
    return clmlp_fail(CLMLP_ERROR_FORMAT, "%s: invalid gzip data (%s); the file is damaged, "
                      "download it again", path, reason);
}

/* Reads up to length bytes into buffer. *got is less than length only at
 * the end of the data; a truncated or damaged gzip stream is an error. */
static clmlp_status read_up_to(gzFile gz, const char *path, void *buffer, size_t length,
                               size_t *got)
{
    *got = 0;
    while (*got < length) {
        size_t request = length - *got < READ_CHUNK ? length - *got : READ_CHUNK;
        int n = gzread(gz, (unsigned char *)buffer + *got, (unsigned)request);
        if (n < 0)
            return fail_read(gz, path);
        if (n == 0)
            break;
        *got += (size_t)n;
    }

    /* A gzip stream cut short returns its bytes and only sets Z_BUF_ERROR. */
    int code = Z_OK;
    gzerror(gz, &code);
    if (code != Z_OK)
        return fail_read(gz, path);
    return CLMLP_SUCCESS;
}

static uint32_t read_be32(const unsigned char *bytes)
{
    return (uint32_t)bytes[0] << 24 | (uint32_t)bytes[1] << 16 | (uint32_t)bytes[2] << 8 |
           (uint32_t)bytes[3];
}

/* Reads and checks the magic number and the dimensions, and sets ndim,
 * dims, count and item_size. */
static clmlp_status read_header(gzFile gz, const char *path, clmlp_idx *idx)
{
    unsigned char magic[4];
    size_t got = 0;
    CLMLP_TRY(read_up_to(gz, path, magic, sizeof magic, &got));
    if (got < sizeof magic)
        return clmlp_fail(CLMLP_ERROR_FORMAT, "%s contains only %zu bytes, fewer than the 4-byte IDX "
                          "magic number; it is not an IDX file", path, got);
    if (magic[0] != 0 || magic[1] != 0)
        return clmlp_fail(CLMLP_ERROR_FORMAT, "%s starts with bytes %02x %02x, not the 00 00 of an "
                          "IDX magic number; it is not an IDX file", path, magic[0], magic[1]);
    if (magic[2] != IDX_TYPE_UNSIGNED_BYTE)
        return clmlp_fail(CLMLP_ERROR_FORMAT, "%s has IDX element type code 0x%02X (%s); clmlp "
                          "reads only unsigned bytes (0x08)", path, magic[2], type_name(magic[2]));
    int ndim = magic[3];
    if (ndim < 1 || ndim > IDX_MAX_DIMS)
        return clmlp_fail(CLMLP_ERROR_FORMAT, "%s declares %d dimensions; clmlp reads IDX files of "
                          "1 to %d dimensions", path, ndim, IDX_MAX_DIMS);

    unsigned char dim_bytes[4 * IDX_MAX_DIMS];
    size_t dim_length = 4 * (size_t)ndim;
    CLMLP_TRY(read_up_to(gz, path, dim_bytes, dim_length, &got));
    if (got < dim_length)
        return clmlp_fail(CLMLP_ERROR_FORMAT, "%s ends inside its header: %d dimensions need %zu "
                          "bytes of sizes but only %zu follow the magic number", path, ndim,
                          dim_length, got);

    /* Checking each product against the bound also rules out size_t overflow. */
    size_t bytes = 1;
    for (int i = 0; i < ndim; i++) {
        uint32_t dim = read_be32(dim_bytes + 4 * i);
        if (dim == 0)
            return clmlp_fail(CLMLP_ERROR_FORMAT, "%s: dimension %d is 0; every IDX dimension must "
                              "be at least 1", path, i);
        if (dim > CLMLP_IDX_MAX_BYTES / bytes)
            return clmlp_fail(CLMLP_ERROR_FORMAT, "%s: the header's dimensions describe more than "
                              "%zu bytes (dimension %d is %u); the file is damaged or too large "
                              "for clmlp", path, CLMLP_IDX_MAX_BYTES, i, (unsigned)dim);
        bytes *= dim;
        idx->dims[i] = dim;
    }
    idx->ndim = ndim;
    idx->count = idx->dims[0];
    idx->item_size = bytes / idx->count;
    return CLMLP_SUCCESS;
}

/* Reads exactly size bytes of elements into a new buffer. */
static clmlp_status read_body(gzFile gz, const char *path, size_t size, uint8_t **data)
{
    size_t capacity = size < INITIAL_BODY_CAPACITY ? size : INITIAL_BODY_CAPACITY;
    uint8_t *buffer = malloc(capacity);
    if (buffer == NULL)
        return clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory reading %zu bytes "
                          "of %s", capacity, path);

    size_t have = 0;
    for (;;) {
        size_t got = 0;
        clmlp_status status = read_up_to(gz, path, buffer + have, capacity - have, &got);
        have += got;
        if (status != CLMLP_SUCCESS) {
            free(buffer);
            return status;
        }
        if (have < capacity || capacity == size)
            break;

        size_t grown = capacity > size / 2 ? size : 2 * capacity;
        uint8_t *larger = realloc(buffer, grown);
        if (larger == NULL) {
            free(buffer);
            return clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory reading %zu "
                              "bytes of %s", grown, path);
        }
        buffer = larger;
        capacity = grown;
    }

    if (have < size) {
        free(buffer);
        return clmlp_fail(CLMLP_ERROR_FORMAT, "%s: the header claims %zu bytes of data but the "
                          "file contains %zu; the file is truncated, download it again", path, size,
                          have);
    }
    *data = buffer;
    return CLMLP_SUCCESS;
}

/* Fails when any byte follows the body. Reading on also makes zlib check
 * the gzip trailer, which contains the CRC-32 and length of the data. */
static clmlp_status check_end(gzFile gz, const char *path, size_t size)
{
    unsigned char scratch[4096];
    size_t extra = 0, got = 0;
    do {
        CLMLP_TRY(read_up_to(gz, path, scratch, sizeof scratch, &got));
        extra += got;
    } while (got == sizeof scratch);

    if (extra > 0)
        return clmlp_fail(CLMLP_ERROR_FORMAT, "%s: %zu bytes follow the %zu bytes of data that the "
                          "header describes; the file is damaged or not an IDX file", path, extra,
                          size);
    return CLMLP_SUCCESS;
}

static clmlp_status read_idx(gzFile gz, const char *path, clmlp_idx *idx)
{
    /* A larger buffer than zlib's 8 KiB default cuts the number of reads. */
    if (gzbuffer(gz, 128 * 1024) != 0)
        return clmlp_fail(CLMLP_ERROR_IO, "cannot set the read buffer size for %s", path);

    CLMLP_TRY(read_header(gz, path, idx));
    size_t size = idx->count * idx->item_size;
    CLMLP_TRY(read_body(gz, path, size, &idx->data));
    return check_end(gz, path, size);
}

clmlp_status clmlp_idx_read(const char *path, clmlp_idx *out)
{
    if (out == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_idx_read: NULL output");
    memset(out, 0, sizeof *out);
    if (path == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_idx_read: NULL path");

    errno = 0;
    gzFile gz = gzopen(path, "rb");
    if (gz == NULL) {
        /* gzopen leaves errno at 0 when only its own allocation failed. */
        if (errno == 0)
            return clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory opening %s", path);
        return clmlp_fail(CLMLP_ERROR_IO, "cannot open %s: %s", path, strerror(errno));
    }

    clmlp_idx idx = {0};
    clmlp_status status = read_idx(gz, path, &idx);

    /* gzclose reports Z_BUF_ERROR when the gzip data ended early. */
    int close_code = gzclose(gz);
    if (status == CLMLP_SUCCESS && close_code == Z_BUF_ERROR)
        status = clmlp_fail(CLMLP_ERROR_FORMAT, "%s: the gzip data ends early; the file is "
                            "truncated, download it again", path);
    else if (status == CLMLP_SUCCESS && close_code != Z_OK)
        status = clmlp_fail(CLMLP_ERROR_IO, "cannot close %s: zlib error %d", path, close_code);

    if (status != CLMLP_SUCCESS) {
        free(idx.data);
        return status;
    }
    *out = idx;
    return CLMLP_SUCCESS;
}

void clmlp_idx_free(clmlp_idx *idx)
{
    if (idx == NULL)
        return;
    free(idx->data);
    memset(idx, 0, sizeof *idx);
}
