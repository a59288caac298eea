/* The safetensors reader and writer on files written by the tests, including
 * damaged headers that must be rejected with CLMLP_ERROR_FORMAT. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"
#include "io/safetensors.h"

static char temp_dir[64];
static char path[128];

static void setup(void)
{
    snprintf(temp_dir, sizeof temp_dir, "/tmp/clmlp-st-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(temp_dir));
    snprintf(path, sizeof path, "%s/file.safetensors", temp_dir);
}

static int count_files(const char *dir)
{
    DIR *listing = opendir(dir);
    ck_assert_ptr_nonnull(listing);
    int count = 0;
    struct dirent *entry;
    while ((entry = readdir(listing)) != NULL)
        count += entry->d_name[0] != '.';
    closedir(listing);
    return count;
}

static void teardown(void)
{
    DIR *listing = opendir(temp_dir);
    struct dirent *entry;
    while (listing != NULL && (entry = readdir(listing)) != NULL) {
        char file[512];
        snprintf(file, sizeof file, "%s/%s", temp_dir, entry->d_name);
        if (entry->d_name[0] != '.')
            remove(file);
    }
    if (listing != NULL)
        closedir(listing);
    rmdir(temp_dir);
}

/* Writes an 8-byte little-endian length (header_length, or the header's size
 * when it is UINT64_MAX), the header text and data_size bytes 0..255. */
static void write_raw(const char *header, uint64_t header_length, size_t data_size)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    uint64_t length = header_length == UINT64_MAX ? strlen(header) : header_length;
    for (int i = 0; i < 8; i++)
        fputc((int)((length >> (8 * i)) & 0xff), f);
    fputs(header, f);
    for (size_t i = 0; i < data_size; i++)
        fputc((int)(i & 0xff), f);
    ck_assert_int_eq(fclose(f), 0);
}

/* Opens path, expects CLMLP_ERROR_FORMAT and a message containing part. */
static void expect_rejected(const char *part)
{
    clmlp_safetensors *st = (clmlp_safetensors *)1;
    clmlp_status status = clmlp_safetensors_open(path, &st);
    ck_assert_msg(status == CLMLP_ERROR_FORMAT, "got %s: %s", clmlp_status_name(status),
                  clmlp_error_message());
    ck_assert_ptr_null(st);
    ck_assert_msg(strstr(clmlp_error_message(), part) != NULL, "message \"%s\" lacks \"%s\"",
                  clmlp_error_message(), part);
}

START_TEST(write_read_round_trip)
{
    float a[6] = {1, -2, 3.5f, 4, 5, 6}, b[3] = {0.25f, -0.5f, 1e-30f};
    clmlp_st_entry entries[2] = {
        {"layer.weight", 2, {2, 3, 0, 0}, a, NULL},
        {"layer.bias", 1, {3, 0, 0, 0}, b, NULL},
    };
    cJSON *metadata = cJSON_CreateObject();
    cJSON_AddStringToObject(metadata, "epoch", "7");
    ck_assert_ok(clmlp_safetensors_write(path, entries, 2, metadata));
    cJSON_Delete(metadata);

    /* The data section starts at a multiple of 8 and contains both tensors. */
    struct stat info;
    ck_assert_int_eq(stat(path, &info), 0);
    clmlp_safetensors *st;
    ck_assert_ok(clmlp_safetensors_open(path, &st));
    ck_assert_uint_eq(st->data_start % 8, 0);
    ck_assert_uint_eq(st->data_start + st->data_size, (uint64_t)info.st_size);
    ck_assert_uint_eq(st->count, 2);
    ck_assert_str_eq(clmlp_safetensors_metadata(st, "epoch"), "7");
    ck_assert_ptr_null(clmlp_safetensors_metadata(st, "missing"));

    const clmlp_st_tensor *w = clmlp_safetensors_find(st, "layer.weight");
    ck_assert_ptr_nonnull(w);
    ck_assert_str_eq(w->dtype, "F32");
    ck_assert_int_eq(w->ndim, 2);
    ck_assert_uint_eq(w->shape[0], 2);
    ck_assert_uint_eq(w->shape[1], 3);
    float got[6];
    ck_assert_ok(clmlp_safetensors_read_f32(st, w, got));
    ck_assert_mem_eq(got, a, sizeof a);
    ck_assert_ok(clmlp_safetensors_read_f32(st, clmlp_safetensors_find(st, "layer.bias"), got));
    ck_assert_mem_eq(got, b, sizeof b);
    ck_assert_ptr_null(clmlp_safetensors_find(st, "layer"));
    clmlp_safetensors_close(st);
}
END_TEST

START_TEST(reader_accepts_reference_layout)
{
    /* Bytes as the reference Python package writes them: a scalar, an empty
     * tensor, an I64 tensor and header padding with spaces. */
    write_raw("{\"__metadata__\":{\"format\":\"pt\"},"
              "\"s\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]},"
              "\"e\":{\"dtype\":\"F32\",\"shape\":[0,3],\"data_offsets\":[4,4]},"
              "\"n\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[4,20]}}   ",
              UINT64_MAX, 20);
    clmlp_safetensors *st;
    ck_assert_ok(clmlp_safetensors_open(path, &st));
    ck_assert_uint_eq(st->count, 3);
    ck_assert_int_eq(clmlp_safetensors_find(st, "s")->ndim, 0);
    float scalar;
    ck_assert_ok(clmlp_safetensors_read_f32(st, clmlp_safetensors_find(st, "s"), &scalar));
    ck_assert_int_eq(clmlp_safetensors_read_f32(st, clmlp_safetensors_find(st, "n"), &scalar),
                     CLMLP_ERROR_FORMAT);
    clmlp_safetensors_close(st);
}
END_TEST

#define ONE "{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}"

START_TEST(reader_rejects_short_files)
{
    FILE *f = fopen(path, "wb");
    fputs("abc", f);
    fclose(f);
    expect_rejected("too short");

    write_raw(ONE, UINT64_MAX, 4);
    expect_rejected("truncated");

    write_raw(ONE, strlen(ONE) + 100, 0);
    expect_rejected("points past the end");

    write_raw(ONE, (uint64_t)1 << 40, 8);
    expect_rejected("exceeds the limit");

    write_raw(ONE, UINT64_MAX, 12);
    expect_rejected("cover 8 bytes, but the data section has 12");
}
END_TEST

START_TEST(reader_rejects_bad_headers)
{
    static const struct {
        const char *header;
        const char *message;
    } cases[] = {
        {"[1, 2, 3]", "does not start with '{'"},
        {"{\"t\": {\"dtype\": \"F32\"", "not a valid JSON object"},
        {"{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}} x", "bytes after"},
        {"{\"t\":{\"dtype\":\"F31\",\"shape\":[2],\"data_offsets\":[0,8]}}", "unknown dtype"},
        {"{\"t\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", "dimension 0"},
        {"{\"t\":{\"dtype\":\"F32\",\"shape\":[2.5],\"data_offsets\":[0,8]}}", "dimension 0"},
        {"{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", "begin <= end"},
        {"{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}}", "data_offsets"},
        {"{\"t\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", "need 12"},
        {"{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4000]}}", "truncated"},
        {"{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
         "\"u\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", "starts at byte 0"},
        {"{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
         "\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", "appears twice"},
        {"{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", "starts at byte 4"},
        {"{\"t\":{\"dtype\":\"F32\",\"shape\":[1,1,1,1,1,1,1,1,1],\"data_offsets\":[0,4]}}",
         "9 dimensions"},
        {"{\"t\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296,4294967296],"
         "\"data_offsets\":[0,8]}}", "too large"},
        {"{\"t\":[1,2]}", "needs a dtype"},
        {"{\"__metadata__\":{\"epoch\":3}}", "metadata \"epoch\" must be a string"},
        {"{\"__metadata__\":[]}", "__metadata__ must be an object"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        write_raw(cases[i].header, UINT64_MAX, 8);
        expect_rejected(cases[i].message);
    }
}
END_TEST

START_TEST(reader_reports_missing_file)
{
    clmlp_safetensors *st;
    ck_assert_int_eq(clmlp_safetensors_open(path, &st), CLMLP_ERROR_IO);
    ck_assert_ptr_nonnull(strstr(clmlp_error_message(), path));
}
END_TEST

START_TEST(writer_replaces_atomically)
{
    float first[2] = {1, 2}, second[2] = {3, 4};
    clmlp_st_entry entry = {"t", 1, {2, 0, 0, 0}, first, NULL};
    ck_assert_ok(clmlp_safetensors_write(path, &entry, 1, NULL));
    entry.data = second;
    ck_assert_ok(clmlp_safetensors_write(path, &entry, 1, NULL));

    clmlp_safetensors *st;
    float got[2];
    ck_assert_ok(clmlp_safetensors_open(path, &st));
    ck_assert_ok(clmlp_safetensors_read_f32(st, clmlp_safetensors_find(st, "t"), got));
    ck_assert_mem_eq(got, second, sizeof second);
    clmlp_safetensors_close(st);
    ck_assert_int_eq(count_files(temp_dir), 1);

    /* Renaming over a folder fails after the temporary file was written; the
     * temporary file must be gone and the folder must be unchanged. */
    char folder[160];
    snprintf(folder, sizeof folder, "%s/folder", temp_dir);
    ck_assert_int_eq(mkdir(folder, 0700), 0);
    ck_assert_int_eq(clmlp_safetensors_write(folder, &entry, 1, NULL), CLMLP_ERROR_IO);
    ck_assert_ptr_nonnull(strstr(clmlp_error_message(), "cannot write"));
    ck_assert_int_eq(count_files(temp_dir), 2);
    rmdir(folder);

    snprintf(folder, sizeof folder, "%s/missing/file", temp_dir);
    ck_assert_int_eq(clmlp_safetensors_write(folder, &entry, 1, NULL), CLMLP_ERROR_IO);
    ck_assert_ptr_nonnull(strstr(clmlp_error_message(), "temporary file"));
}
END_TEST

int main(void)
{
    Suite *suite = suite_create("safetensors");
    TCase *tc = tcase_create("safetensors");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, write_read_round_trip);
    tcase_add_test(tc, reader_accepts_reference_layout);
    tcase_add_test(tc, reader_rejects_short_files);
    tcase_add_test(tc, reader_rejects_bad_headers);
    tcase_add_test(tc, reader_reports_missing_file);
    tcase_add_test(tc, writer_replaces_atomically);
    suite_add_tcase(suite, tc);
    return run_suite(suite, false);
}
