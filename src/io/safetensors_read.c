/* Reading safetensors files: every header field is checked against the file
 * before any tensor byte is read. */
#include "io/safetensors.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "core/error.h"

/* Largest integer that a JSON number (a double in cJSON) represents exactly. */
#define MAX_EXACT_INTEGER 9007199254740992.0

static const struct {
    const char *name;
    unsigned size;
} dtypes[] = {
    {"BOOL", 1}, {"U8", 1}, {"I8", 1}, {"F8_E5M2", 1}, {"F8_E4M3", 1},
    {"I16", 2}, {"U16", 2}, {"F16", 2}, {"BF16", 2},
    {"I32", 4}, {"U32", 4}, {"F32", 4},
    {"I64", 8}, {"U64", 8}, {"F64", 8},
};

/* Reverses the bytes of each of n elements of width bytes on a big-endian
 * host. */
static void to_little_endian(void *data, size_t n, size_t width)
{
    const uint32_t one = 1;
    unsigned char first;
    memcpy(&first, &one, 1);
    if (first == 1)
        return;
    for (size_t i = 0; i < n; i++) {
        unsigned char *b = (unsigned char *)data + i * width;
        for (size_t j = 0; j < width / 2; j++) {
            unsigned char t = b[j];
            b[j] = b[width - 1 - j];
            b[width - 1 - j] = t;
        }
    }
}

void clmlp_floats_to_little_endian(float *data, size_t n)
{
    to_little_endian(data, n, sizeof *data);
}

void clmlp_int64s_to_little_endian(int64_t *data, size_t n)
{
    to_little_endian(data, n, sizeof *data);
}

static unsigned dtype_size(const char *name)
{
    for (size_t i = 0; i < sizeof dtypes / sizeof dtypes[0]; i++)
        if (strcmp(dtypes[i].name, name) == 0)
            return dtypes[i].size;
    return 0;
}

static bool read_integer(const cJSON *item, uint64_t *value)
{
    if (!cJSON_IsNumber(item))
        return false;
    double v = item->valuedouble;
    if (!(v >= 0 && v <= MAX_EXACT_INTEGER) || v != floor(v))
        return false;
    *value = (uint64_t)v;
    return true;
}

/* Reads one header entry into t and checks that its byte range has the size
 * that its dtype and shape imply and lies inside the data section. */
static clmlp_status parse_entry(const clmlp_safetensors *st, const cJSON *item, clmlp_st_tensor *t)
{
    t->name = item->string;
    const cJSON *dtype = cJSON_GetObjectItemCaseSensitive(item, "dtype");
    const cJSON *shape = cJSON_GetObjectItemCaseSensitive(item, "shape");
    const cJSON *offsets = cJSON_GetObjectItemCaseSensitive(item, "data_offsets");
    if (!cJSON_IsObject(item) || !cJSON_IsString(dtype) || !cJSON_IsArray(shape) ||
        !cJSON_IsArray(offsets))
        return clmlp_fail(CLMLP_ERROR_FORMAT, "%s: tensor \"%s\" needs a dtype string and shape "
                          "and data_offsets arrays", st->path, t->name);

    t->dtype = dtype->valuestring;
    unsigned element_size = dtype_size(t->dtype);
    if (element_size == 0)
        return clmlp_fail(CLMLP_ERROR_FORMAT, "%s: tensor \"%s\" has unknown dtype \"%s\"",
                          st->path, t->name, t->dtype);

    int ndim = cJSON_GetArraySize(shape);
    if (ndim > CLMLP_SAFETENSORS_MAX_DIMS)
        return clmlp_fail(CLMLP_ERROR_FORMAT, "%s: tensor \"%s\" has %d dimensions; at most %d "
                          "are supported", st->path, t->name, ndim, CLMLP_SAFETENSORS_MAX_DIMS);
    t->ndim = ndim;
    uint64_t bytes = element_size;
    for (int d = 0; d < ndim; d++) {
        if (!read_integer(cJSON_GetArrayItem(shape, d), &t->shape[d]))
            return clmlp_fail(CLMLP_ERROR_FORMAT, "%s: tensor \"%s\": dimension %d of its shape "
                              "is not a non-negative whole number", st->path, t->name, d);
        if (t->shape[d] != 0 && bytes > UINT64_MAX / t->shape[d])
            return clmlp_fail(CLMLP_ERROR_FORMAT, "%s: tensor \"%s\": its shape is too large",
                              st->path, t->name);
        bytes *= t->shape[d];
    }

    if (cJSON_GetArraySize(offsets) != 2 || !read_integer(cJSON_GetArrayItem(offsets, 0), &t->begin) ||
        !read_integer(cJSON_GetArrayItem(offsets, 1), &t->end) || t->begin > t->end)
        return clmlp_fail(CLMLP_ERROR_FORMAT, "%s: tensor \"%s\": data_offsets must be two whole "
                          "numbers [begin, end] with begin <= end", st->path, t->name);
    if (t->end > st->data_size)
        return clmlp_fail(CLMLP_ERROR_FORMAT, "%s: tensor \"%s\" ends at byte %llu of the data "
                          "section, which has only %llu bytes; the file is truncated",
                          st->path, t->name, (unsigned long long)t->end,
                          (unsigned long long)st->data_size);
    if (t->end - t->begin != bytes)
        return clmlp_fail(CLMLP_ERROR_FORMAT, "%s: tensor \"%s\" spans %llu bytes, but its dtype "
                          "%s and shape need %llu", st->path, t->name,
                          (unsigned long long)(t->end - t->begin), t->dtype,
                          (unsigned long long)bytes);
    return CLMLP_SUCCESS;
}

static int compare_begin(const void *a, const void *b)
{
    const clmlp_st_tensor *x = a, *y = b;
    if (x->begin < y->begin)
        return -1;
    return x->begin > y->begin ? 1 : 0;
}

static int compare_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Checks that names are unique and that the tensors tile the data section
 * from its first to its last byte. */
static clmlp_status check_layout(clmlp_safetensors *st)
{
    const char **names = malloc((st->count + 1) * sizeof *names);
    if (names == NULL)
        return clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory reading %s", st->path);
    for (size_t i = 0; i < st->count; i++)
        names[i] = st->tensors[i].name;
    qsort(names, st->count, sizeof *names, compare_name);
    for (size_t i = 1; i < st->count; i++) {
        if (strcmp(names[i - 1], names[i]) == 0) {
            clmlp_status status = clmlp_fail(CLMLP_ERROR_FORMAT, "%s: tensor \"%s\" appears "
                                             "twice in the header", st->path, names[i]);
            free(names);
            return status;
        }
    }
    free(names);

    qsort(st->tensors, st->count, sizeof *st->tensors, compare_begin);
    uint64_t expected = 0;
    for (size_t i = 0; i < st->count; i++) {
        const clmlp_st_tensor *t = &st->tensors[i];
        if (t->begin != expected)
            return clmlp_fail(CLMLP_ERROR_FORMAT, "%s: tensor \"%s\" starts at byte %llu of the "
                              "data section, but the previous tensor ends at byte %llu",
                              st->path, t->name, (unsigned long long)t->begin,
                              (unsigned long long)expected);
        expected = t->end;
    }
    if (expected != st->data_size)
        return clmlp_fail(CLMLP_ERROR_FORMAT, "%s: the tensors cover %llu bytes, but the data "
                          "section has %llu", st->path, (unsigned long long)expected,
                          (unsigned long long)st->data_size);
    return CLMLP_SUCCESS;
}

static clmlp_status parse_metadata(clmlp_safetensors *st, const cJSON *metadata)
{
    if (!cJSON_IsObject(metadata))
        return clmlp_fail(CLMLP_ERROR_FORMAT, "%s: __metadata__ must be an object", st->path);
    const cJSON *item;
    cJSON_ArrayForEach(item, metadata) {
        if (!cJSON_IsString(item))
            return clmlp_fail(CLMLP_ERROR_FORMAT, "%s: metadata \"%s\" must be a string",
                              st->path, item->string);
    }
    st->metadata = metadata;
    return CLMLP_SUCCESS;
}

/* Parses the JSON header text and every entry in it. */
static clmlp_status parse_header(clmlp_safetensors *st, const char *text, size_t length)
{
    if (text[0] != '{')
        return clmlp_fail(CLMLP_ERROR_FORMAT, "%s: the header does not start with '{'; this is "
                          "not a safetensors file", st->path);
    const char *end = NULL;
    st->header = cJSON_ParseWithLengthOpts(text, length, &end, false);
    if (st->header == NULL || !cJSON_IsObject(st->header))
        return clmlp_fail(CLMLP_ERROR_FORMAT, "%s: the header is not a valid JSON object (error "
                          "near byte %td)", st->path, end ? end - text : (ptrdiff_t)0);
    for (const char *p = end; p < text + length; p++)
        if (*p != ' ')
            return clmlp_fail(CLMLP_ERROR_FORMAT, "%s: the header has bytes after its JSON "
                              "object at byte %td", st->path, p - text);

    size_t count = (size_t)cJSON_GetArraySize(st->header);
    st->tensors = calloc(count + 1, sizeof *st->tensors);
    if (st->tensors == NULL)
        return clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory reading %s", st->path);

    const cJSON *item;
    cJSON_ArrayForEach(item, st->header) {
        if (strcmp(item->string, "__metadata__") == 0)
            CLMLP_TRY(parse_metadata(st, item));
        else
            CLMLP_TRY(parse_entry(st, item, &st->tensors[st->count++]));
    }
    return check_layout(st);
}

/* Reads the length prefix and the header, checking the length against the
 * file size and the header bound before allocating. */
static clmlp_status read_header(clmlp_safetensors *st)
{
    if (fseeko(st->file, 0, SEEK_END) != 0)
        return clmlp_fail(CLMLP_ERROR_IO, "cannot seek in %s: %s", st->path, strerror(errno));
    off_t size = ftello(st->file);
    if (size < 0 || fseeko(st->file, 0, SEEK_SET) != 0)
        return clmlp_fail(CLMLP_ERROR_IO, "cannot seek in %s: %s", st->path, strerror(errno));
    if (size < 8)
        return clmlp_fail(CLMLP_ERROR_FORMAT, "%s is %lld bytes long, too short for the 8-byte "
                          "header length of a safetensors file", st->path, (long long)size);

    unsigned char prefix[8];
    if (fread(prefix, 1, 8, st->file) != 8)
        return clmlp_fail(CLMLP_ERROR_IO, "cannot read %s: %s", st->path, strerror(errno));
    uint64_t length = 0;
    for (int i = 7; i >= 0; i--)
        length = length << 8 | prefix[i];
    if (length > CLMLP_SAFETENSORS_MAX_HEADER)
        return clmlp_fail(CLMLP_ERROR_FORMAT, "%s: the header length %llu exceeds the limit of "
                          "%llu bytes", st->path, (unsigned long long)length,
                          (unsigned long long)CLMLP_SAFETENSORS_MAX_HEADER);
    if (length > (uint64_t)size - 8)
        return clmlp_fail(CLMLP_ERROR_FORMAT, "%s: the header length %llu points past the end of "
                          "the file, which is %lld bytes long; the file is truncated or not a "
                          "safetensors file", st->path, (unsigned long long)length,
                          (long long)size);
    if (length < 2)
        return clmlp_fail(CLMLP_ERROR_FORMAT, "%s: the header length %llu is too small for a "
                          "JSON object", st->path, (unsigned long long)length);
    st->data_start = 8 + length;
    st->data_size = (uint64_t)size - st->data_start;

    char *text = malloc((size_t)length);
    if (text == NULL)
        return clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory reading %s", st->path);
    clmlp_status status = CLMLP_SUCCESS;
    if (fread(text, 1, (size_t)length, st->file) != (size_t)length)
        status = clmlp_fail(CLMLP_ERROR_IO, "cannot read the header of %s", st->path);
    else
        status = parse_header(st, text, (size_t)length);
    free(text);
    return status;
}

clmlp_status clmlp_safetensors_open(const char *path, clmlp_safetensors **file)
{
    if (path == NULL || file == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_safetensors_open: NULL argument");
    *file = NULL;
    clmlp_safetensors *st = calloc(1, sizeof *st);
    if (st == NULL || (st->path = malloc(strlen(path) + 1)) == NULL) {
        free(st);
        return clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory opening %s", path);
    }
    strcpy(st->path, path);

    st->file = fopen(path, "rb");
    clmlp_status status = st->file != NULL
        ? read_header(st)
        : clmlp_fail(CLMLP_ERROR_IO, "cannot open %s: %s", path, strerror(errno));
    if (status != CLMLP_SUCCESS) {
        clmlp_safetensors_close(st);
        return status;
    }
    *file = st;
    return CLMLP_SUCCESS;
}

const clmlp_st_tensor *clmlp_safetensors_find(const clmlp_safetensors *st, const char *name)
{
    for (size_t i = 0; i < st->count; i++)
        if (strcmp(st->tensors[i].name, name) == 0)
            return &st->tensors[i];
    return NULL;
}

const char *clmlp_safetensors_metadata(const clmlp_safetensors *st, const char *key)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(st->metadata, key);
    return cJSON_IsString(item) ? item->valuestring : NULL;
}

/* Reads the bytes of tensor t, whose dtype must be dtype, into data. */
static clmlp_status read_bytes(const clmlp_safetensors *st, const clmlp_st_tensor *t,
                               const char *dtype, void *data)
{
    if (strcmp(t->dtype, dtype) != 0)
        return clmlp_fail(CLMLP_ERROR_FORMAT, "%s: tensor \"%s\" has dtype %s; %s is expected",
                          st->path, t->name, t->dtype, dtype);
    size_t bytes = (size_t)(t->end - t->begin);
    if (fseeko(st->file, (off_t)(st->data_start + t->begin), SEEK_SET) != 0)
        return clmlp_fail(CLMLP_ERROR_IO, "cannot seek in %s: %s", st->path, strerror(errno));
    if (fread(data, 1, bytes, st->file) != bytes)
        return clmlp_fail(CLMLP_ERROR_IO, "%s: cannot read tensor \"%s\"; the file changed or "
                          "was truncated while open", st->path, t->name);
    return CLMLP_SUCCESS;
}

clmlp_status clmlp_safetensors_read_f32(const clmlp_safetensors *st, const clmlp_st_tensor *t,
                                        float *data)
{
    CLMLP_TRY(read_bytes(st, t, "F32", data));
    clmlp_floats_to_little_endian(data, (size_t)((t->end - t->begin) / sizeof *data));
    return CLMLP_SUCCESS;
}

clmlp_status clmlp_safetensors_read_i64(const clmlp_safetensors *st, const clmlp_st_tensor *t,
                                        int64_t *data)
{
    CLMLP_TRY(read_bytes(st, t, "I64", data));
    clmlp_int64s_to_little_endian(data, (size_t)((t->end - t->begin) / sizeof *data));
    return CLMLP_SUCCESS;
}

void clmlp_safetensors_close(clmlp_safetensors *st)
{
    if (st == NULL)
        return;
    if (st->file != NULL)
        fclose(st->file);
    cJSON_Delete(st->header);
    free(st->tensors);
    free(st->path);
    free(st);
}
