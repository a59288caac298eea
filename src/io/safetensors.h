/* Reading and writing files in the safetensors format: an 8-byte
 * little-endian header length, a JSON header that gives each tensor's dtype,
 * shape and byte range, then the tensor bytes, little-endian and row-major. */
#ifndef CLMLP_IO_SAFETENSORS_H
#define CLMLP_IO_SAFETENSORS_H

#include <stdint.h>
#include <stdio.h>

#include <cJSON.h>

#include "clmlp/tensor.h"

/* Headers above this size are rejected before any allocation, so a corrupt
 * length cannot request gigabytes. The reference implementation of the
 * format uses the same bound of 100 MiB. */
#define CLMLP_SAFETENSORS_MAX_HEADER ((uint64_t)100 << 20)

/* Rank limit for tensors in a file; clmlp's own tensors have at most
 * CLMLP_MAX_DIMS dimensions. */
#define CLMLP_SAFETENSORS_MAX_DIMS 8

/* One tensor listed in a file's header, checked against the file size. */
typedef struct clmlp_st_tensor {
    const char *name;            /* points into the parsed header */
    const char *dtype;           /* "F32", "I64", ...; points into the parsed header */
    int ndim;
    uint64_t shape[CLMLP_SAFETENSORS_MAX_DIMS];
    uint64_t begin, end;         /* byte range within the data section */
} clmlp_st_tensor;

/* An open file whose header passed every check. */
typedef struct clmlp_safetensors {
    FILE *file;
    char *path;                  /* owned copy, for messages */
    uint64_t data_start;         /* 8 + header length */
    uint64_t data_size;          /* bytes after the header */
    cJSON *header;
    const cJSON *metadata;       /* the "__metadata__" object, or NULL */
    clmlp_st_tensor *tensors;    /* sorted by begin offset */
    size_t count;
} clmlp_safetensors;

/* Opens path and checks its header. The length must fit in the file and
 * under CLMLP_SAFETENSORS_MAX_HEADER, and the JSON must parse. Every entry
 * needs a known dtype and a shape whose size matches its offsets, and names
 * must be unique. The tensors must cover the data section exactly, without
 * gaps or overlaps, and the metadata values must be strings. Returns CLMLP_ERROR_IO when the file cannot
 * be read and CLMLP_ERROR_FORMAT, naming the tensor, when a check fails.
 * The caller closes the file with clmlp_safetensors_close(). */
clmlp_status clmlp_safetensors_open(const char *path, clmlp_safetensors **file);

/* Returns the tensor named name, or NULL. */
const clmlp_st_tensor *clmlp_safetensors_find(const clmlp_safetensors *file, const char *name);

/* Returns the metadata string under key, or NULL when absent. */
const char *clmlp_safetensors_metadata(const clmlp_safetensors *file, const char *key);

/* Reads an F32 tensor into data, which has room for its element count, in host
 * byte order. */
clmlp_status clmlp_safetensors_read_f32(const clmlp_safetensors *file,
                                        const clmlp_st_tensor *tensor, float *data);

/* Reads an I64 tensor into data, which has room for its element count, in host
 * byte order. */
clmlp_status clmlp_safetensors_read_i64(const clmlp_safetensors *file,
                                        const clmlp_st_tensor *tensor, int64_t *data);

/* Closes the file. NULL is allowed. */
void clmlp_safetensors_close(clmlp_safetensors *file);

/* One tensor to write; data contains its elements in row-major order. */
typedef struct clmlp_st_entry {
    const char *name;
    int ndim;
    size_t shape[CLMLP_MAX_DIMS];
    const float *data;
    /* When not NULL, the tensor is written as I64 from these elements and
     * data is not read; PyTorch stores counters such as BatchNorm's
     * num_batches_tracked this way. */
    const int64_t *int64_data;
} clmlp_st_entry;

/* Writes count F32 or I64 tensors and the metadata (a JSON object of
 * strings, or NULL) to path without ever leaving a partial file there. The
 * bytes go to a temporary file in the same folder, which is flushed, synced
 * and renamed over path, and then the folder is synced. On failure the temporary file
 * is removed and any previous file at path is left unchanged. */
clmlp_status clmlp_safetensors_write(const char *path, const clmlp_st_entry *entries, size_t count,
                                     const cJSON *metadata);

/* Reverses the byte order of n floats in place when the host is
 * big-endian, so data moves between host order and the file's
 * little-endian order. */
void clmlp_floats_to_little_endian(float *data, size_t n);

/* Does the same for n 64-bit integers. */
void clmlp_int64s_to_little_endian(int64_t *data, size_t n);

#endif
