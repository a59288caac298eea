/* IDX and MNIST split reading from raw and gzip files written by the tests,
 * including damaged files that must fail with the exact status. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "common.h"

static char temp_dir[64];

static void make_temp_dir(void)
{
    snprintf(temp_dir, sizeof temp_dir, "/tmp/clmlp-idx-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(temp_dir));
}

/* Removes the test folder and every file in it (and in one level of
 * subfolders). */
static void remove_tree(const char *dir)
{
    DIR *listing = opendir(dir);
    if (listing == NULL)
        return;
    struct dirent *entry;
    while ((entry = readdir(listing)) != NULL) {
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
            continue;
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, entry->d_name);
        if (unlink(path) != 0)
            remove_tree(path);
    }
    closedir(listing);
    rmdir(dir);
}

static void cleanup_temp_dir(void)
{
    remove_tree(temp_dir);
}

/* Returns a malloc'd "TEMP/name". */
static char *temp_path(const char *name)
{
    size_t size = strlen(temp_dir) + strlen(name) + 2;
    char *path = malloc(size);
    ck_assert_ptr_nonnull(path);
    snprintf(path, size, "%s/%s", temp_dir, name);
    return path;
}

/* The bytes of an IDX file in memory: the header followed by the body. */
typedef struct idx_bytes {
    unsigned char *data;
    size_t size;
} idx_bytes;

/* Builds a file of the given type code and dimensions with a body of
 * body_size bytes (i * 7 + 3 mod 256), whatever the dimensions claim. */
static idx_bytes build_idx(int type, int ndim, const uint32_t *dims, size_t body_size)
{
    idx_bytes file;
    file.size = 4 + 4 * (size_t)ndim + body_size;
    file.data = malloc(file.size);
    ck_assert_ptr_nonnull(file.data);
    file.data[0] = 0;
    file.data[1] = 0;
    file.data[2] = (unsigned char)type;
    file.data[3] = (unsigned char)ndim;
    for (int i = 0; i < ndim; i++) {
        file.data[4 + 4 * i] = (unsigned char)(dims[i] >> 24);
        file.data[5 + 4 * i] = (unsigned char)(dims[i] >> 16);
        file.data[6 + 4 * i] = (unsigned char)(dims[i] >> 8);
        file.data[7 + 4 * i] = (unsigned char)dims[i];
    }
    unsigned char *body = file.data + 4 + 4 * (size_t)ndim;
    for (size_t i = 0; i < body_size; i++)
        body[i] = (unsigned char)(i * 7 + 3);
    return file;
}

/* Builds a valid file whose body matches its dimensions. */
static idx_bytes build_valid_idx(int ndim, const uint32_t *dims)
{
    size_t body = 1;
    for (int i = 0; i < ndim; i++)
        body *= dims[i];
    return build_idx(0x08, ndim, dims, body);
}

static void write_raw(const char *path, const void *data, size_t size)
{
    FILE *file = fopen(path, "wb");
    ck_assert_msg(file != NULL, "cannot create %s: %s", path, strerror(errno));
    ck_assert_uint_eq(fwrite(data, 1, size, file), size);
    ck_assert_int_eq(fclose(file), 0);
}

static void write_gzip(const char *path, const void *data, size_t size)
{
    gzFile file = gzopen(path, "wb");
    ck_assert_ptr_nonnull(file);
    const unsigned char *bytes = data;
    size_t written = 0;
    while (written < size) {
        unsigned chunk = size - written > (1u << 20) ? (1u << 20) : (unsigned)(size - written);
        ck_assert_int_eq(gzwrite(file, bytes + written, chunk), (int)chunk);
        written += chunk;
    }
    ck_assert_int_eq(gzclose(file), Z_OK);
}

/* Reads a whole file into a malloc'd buffer. */
static unsigned char *read_whole(const char *path, size_t *size)
{
    FILE *file = fopen(path, "rb");
    ck_assert_ptr_nonnull(file);
    ck_assert_int_eq(fseek(file, 0, SEEK_END), 0);
    long length = ftell(file);
    ck_assert_int_ge(length, 0);
    ck_assert_int_eq(fseek(file, 0, SEEK_SET), 0);
    unsigned char *data = malloc((size_t)length + 1);
    ck_assert_ptr_nonnull(data);
    ck_assert_uint_eq(fread(data, 1, (size_t)length, file), (size_t)length);
    fclose(file);
    *size = (size_t)length;
    return data;
}

/* Writes a file to TEMP/name, gzip-compressed when the name ends in .gz,
 * and returns its malloc'd path. */
static char *write_idx(const char *name, idx_bytes file)
{
    char *path = temp_path(name);
    size_t length = strlen(name);
    if (length > 3 && strcmp(name + length - 3, ".gz") == 0)
        write_gzip(path, file.data, file.size);
    else
        write_raw(path, file.data, file.size);
    return path;
}

/* Asserts that reading path fails with status, that the message names the
 * file and contains fragment (unless NULL), and that out is zeroed. */
static void check_idx_error(const char *path, clmlp_status status, const char *fragment)
{
    clmlp_idx idx;
    memset(&idx, 0xAB, sizeof idx);
    clmlp_status got = clmlp_idx_read(path, &idx);
    const char *message = clmlp_error_message();
    ck_assert_msg(got == status, "%s: got %s, want %s (%s)", path, clmlp_status_name(got),
                  clmlp_status_name(status), message);
    ck_assert_msg(strstr(message, path) != NULL, "the message does not name %s: %s", path,
                  message);
    if (fragment != NULL)
        ck_assert_msg(strstr(message, fragment) != NULL, "the message lacks \"%s\": %s", fragment,
                      message);
    ck_assert_ptr_null(idx.data);
    ck_assert_int_eq(idx.ndim, 0);
    ck_assert_uint_eq(idx.count, 0);
}

/* Writes name (raw or gzip by its suffix) and checks that reading it fails. */
static void check_file_error(const char *name, idx_bytes file, clmlp_status status,
                             const char *fragment)
{
    char *path = write_idx(name, file);
    check_idx_error(path, status, fragment);
    free(path);
}

static void check_idx_contents(const clmlp_idx *idx, int ndim, const uint32_t *dims)
{
    ck_assert_int_eq(idx->ndim, ndim);
    size_t item_size = 1;
    for (int i = 0; i < 4; i++)
        ck_assert_uint_eq(idx->dims[i], i < ndim ? dims[i] : 0);
    for (int i = 1; i < ndim; i++)
        item_size *= dims[i];
    ck_assert_uint_eq(idx->count, dims[0]);
    ck_assert_uint_eq(idx->item_size, item_size);
    ck_assert_ptr_nonnull(idx->data);

    /* One assert per byte would make Check record millions of points. */
    size_t size = idx->count * idx->item_size, mismatch = size;
    for (size_t i = 0; i < size && mismatch == size; i++)
        if (idx->data[i] != (unsigned char)(i * 7 + 3))
            mismatch = i;
    ck_assert_msg(mismatch == size, "byte %zu is %u, want %u", mismatch,
                  (unsigned)idx->data[mismatch], (unsigned)(unsigned char)(mismatch * 7 + 3));
}

START_TEST(idx_reads_raw_and_gzip)
{
    const uint32_t dims3[] = {5, 3, 4}, dims1[] = {9}, dims4[] = {2, 3, 1, 5};
    const struct {
        const char *name;
        int ndim;
        const uint32_t *dims;
    } cases[] = {
        {"three.idx", 3, dims3}, {"three.idx.gz", 3, dims3}, {"one.idx", 1, dims1},
        {"one.idx.gz", 1, dims1}, {"four.idx", 4, dims4},   {"four.idx.gz", 4, dims4},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        idx_bytes file = build_valid_idx(cases[c].ndim, cases[c].dims);
        char *path = write_idx(cases[c].name, file);
        clmlp_idx idx;
        ck_assert_ok(clmlp_idx_read(path, &idx));
        check_idx_contents(&idx, cases[c].ndim, cases[c].dims);
        clmlp_idx_free(&idx);
        ck_assert_ptr_null(idx.data);
        free(path);
        free(file.data);
    }
}
END_TEST

START_TEST(idx_reads_large_files)
{
    /* 20 MB is more than the reader's first buffer and many zlib chunks. */
    const uint32_t dims[] = {5000, 4000};
    idx_bytes file = build_valid_idx(2, dims);
    const char *names[] = {"large.idx", "large.idx.gz"};
    for (int n = 0; n < 2; n++) {
        char *path = write_idx(names[n], file);
        clmlp_idx idx;
        ck_assert_ok(clmlp_idx_read(path, &idx));
        check_idx_contents(&idx, 2, dims);
        clmlp_idx_free(&idx);
        free(path);
    }
    free(file.data);
}
END_TEST

START_TEST(idx_free_accepts_null)
{
    clmlp_idx_free(NULL);
    clmlp_mnist_free(NULL);
}
END_TEST

START_TEST(idx_rejects_bad_magic)
{
    const uint32_t dims[] = {2, 2};
    idx_bytes file = build_valid_idx(2, dims);
    file.data[1] = 0x01;
    check_file_error("magic.idx", file, CLMLP_ERROR_FORMAT, "magic");
    check_file_error("magic.idx.gz", file, CLMLP_ERROR_FORMAT, "magic");
    free(file.data);
}
END_TEST

START_TEST(idx_rejects_other_types)
{
    const uint32_t dims[] = {2, 2};
    idx_bytes file = build_idx(0x0D, 2, dims, 16 * 4);
    check_file_error("float.idx", file, CLMLP_ERROR_FORMAT, "0x0D (float32)");
    free(file.data);

    file = build_idx(0x0C, 2, dims, 16 * 4);
    check_file_error("int.idx.gz", file, CLMLP_ERROR_FORMAT, "0x0C (int32)");
    free(file.data);
}
END_TEST

START_TEST(idx_rejects_bad_dimension_count)
{
    const uint32_t dims[] = {1, 1, 1, 1, 1};
    idx_bytes file = build_idx(0x08, 0, dims, 1);
    check_file_error("zero-dims.idx", file, CLMLP_ERROR_FORMAT, "0 dimensions");
    free(file.data);

    file = build_idx(0x08, 5, dims, 1);
    check_file_error("five-dims.idx", file, CLMLP_ERROR_FORMAT, "5 dimensions");
    free(file.data);
}
END_TEST

START_TEST(idx_rejects_zero_dimension)
{
    const uint32_t dims[] = {4, 0, 3};
    idx_bytes file = build_idx(0x08, 3, dims, 0);
    check_file_error("zero.idx", file, CLMLP_ERROR_FORMAT, "dimension 1 is 0");
    check_file_error("zero.idx.gz", file, CLMLP_ERROR_FORMAT, "dimension 1 is 0");
    free(file.data);
}
END_TEST

START_TEST(idx_rejects_oversized_dimensions)
{
    /* The product overflows a 64-bit size_t. */
    const uint32_t huge[] = {0xffffffffu, 0xffffffffu, 0xffffffffu};
    idx_bytes file = build_idx(0x08, 3, huge, 8);
    check_file_error("overflow.idx", file, CLMLP_ERROR_FORMAT, "more than 2147483648 bytes");
    free(file.data);

    /* 2^32 bytes fit in size_t but exceed the 2 GiB limit. */
    const uint32_t large[] = {65536, 65536};
    file = build_idx(0x08, 2, large, 8);
    check_file_error("large.idx.gz", file, CLMLP_ERROR_FORMAT, "more than 2147483648 bytes");
    free(file.data);

    /* Exactly 2 GiB passes the header check and fails on the short body. */
    const uint32_t limit[] = {32768, 65536};
    file = build_idx(0x08, 2, limit, 8);
    check_file_error("limit.idx", file, CLMLP_ERROR_FORMAT,
                     "the header claims 2147483648 bytes of data but the file contains 8");
    free(file.data);
}
END_TEST

START_TEST(idx_rejects_short_header)
{
    const uint32_t dims[] = {3, 3, 3};
    idx_bytes file = build_valid_idx(3, dims);

    file.size = 0;
    check_file_error("empty.idx", file, CLMLP_ERROR_FORMAT, "contains only 0 bytes");
    check_file_error("empty.idx.gz", file, CLMLP_ERROR_FORMAT, "contains only 0 bytes");

    file.size = 3;
    check_file_error("three-bytes.idx", file, CLMLP_ERROR_FORMAT, "contains only 3 bytes");

    /* The magic number and two of the three dimensions. */
    file.size = 12;
    check_file_error("cut-header.idx", file, CLMLP_ERROR_FORMAT, "ends inside its header");
    free(file.data);
}
END_TEST

START_TEST(idx_rejects_short_body)
{
    const uint32_t dims[] = {4, 4};
    idx_bytes file = build_idx(0x08, 2, dims, 10);
    check_file_error("short.idx", file, CLMLP_ERROR_FORMAT,
                     "the header claims 16 bytes of data but the file contains 10");
    check_file_error("short.idx.gz", file, CLMLP_ERROR_FORMAT,
                     "the header claims 16 bytes of data but the file contains 10");
    free(file.data);
}
END_TEST

START_TEST(idx_rejects_trailing_bytes)
{
    const uint32_t dims[] = {4, 4};
    idx_bytes file = build_idx(0x08, 2, dims, 19);
    check_file_error("long.idx", file, CLMLP_ERROR_FORMAT, "3 bytes follow the 16 bytes of data");
    check_file_error("long.idx.gz", file, CLMLP_ERROR_FORMAT,
                     "3 bytes follow the 16 bytes of data");
    free(file.data);

    /* More trailing bytes than the reader's scratch buffer. */
    file = build_idx(0x08, 2, dims, 16 + 10000);
    check_file_error("longer.idx", file, CLMLP_ERROR_FORMAT,
                     "10000 bytes follow the 16 bytes of data");
    free(file.data);
}
END_TEST

/* Writes a valid gzip IDX file of about 100 KB and returns its bytes. */
static unsigned char *good_gzip(const char *name, size_t *size)
{
    const uint32_t dims[] = {128, 28, 28};
    idx_bytes file = build_valid_idx(3, dims);

    /* Vary the bytes so that deflate emits real Huffman blocks. */
    uint32_t state = 5;
    for (size_t i = 16; i < file.size; i++) {
        state = state * 1664525u + 1013904223u;
        file.data[i] = (unsigned char)(state >> 24) & 0x3f;
    }
    char *path = write_idx(name, file);
    unsigned char *bytes = read_whole(path, size);
    free(path);
    free(file.data);
    return bytes;
}

START_TEST(idx_rejects_truncated_gzip)
{
    size_t size = 0;
    unsigned char *bytes = good_gzip("whole.idx.gz", &size);
    char *whole = temp_path("whole.idx.gz");
    clmlp_idx idx;
    ck_assert_ok(clmlp_idx_read(whole, &idx));
    clmlp_idx_free(&idx);
    free(whole);

    /* Cuts inside the gzip header, inside the deflate data, just before the
     * 8-byte trailer (CRC-32 and length), and inside the trailer. */
    const size_t keep[] = {5, 12, size / 3, size / 2, size - 9, size - 8, size - 4, size - 1};
    for (size_t k = 0; k < sizeof keep / sizeof keep[0]; k++) {
        char *path = temp_path("truncated.idx.gz");
        write_raw(path, bytes, keep[k]);
        check_idx_error(path, CLMLP_ERROR_FORMAT, "truncated");
        free(path);
    }
    free(bytes);
}
END_TEST

START_TEST(idx_rejects_corrupt_gzip)
{
    size_t size = 0;
    unsigned char *bytes = good_gzip("corrupt.idx.gz", &size);

    /* Flipped bytes in the deflate data, in the CRC-32 and in the length. */
    const size_t flip[] = {20, 64, size / 4, size / 2, size - 12, size - 8, size - 2};
    for (size_t f = 0; f < sizeof flip / sizeof flip[0]; f++) {
        unsigned char *damaged = malloc(size);
        ck_assert_ptr_nonnull(damaged);
        memcpy(damaged, bytes, size);
        damaged[flip[f]] ^= 0x5a;
        damaged[flip[f] + 1] ^= 0xc3;

        char *path = temp_path("corrupt.idx.gz");
        write_raw(path, damaged, size);
        check_idx_error(path, CLMLP_ERROR_FORMAT, NULL);
        free(path);
        free(damaged);
    }
    free(bytes);
}
END_TEST

START_TEST(idx_reports_missing_file)
{
    char *path = temp_path("no-such-file.idx.gz");
    check_idx_error(path, CLMLP_ERROR_IO, strerror(ENOENT));
    free(path);

    /* A folder opens but cannot be read. */
    check_idx_error(temp_dir, CLMLP_ERROR_IO, NULL);
}
END_TEST

START_TEST(idx_rejects_null_arguments)
{
    clmlp_idx idx;
    ck_assert_int_eq(clmlp_idx_read(NULL, &idx), CLMLP_ERROR_INVALID_ARGUMENT);
    ck_assert_int_eq(clmlp_idx_read("x", NULL), CLMLP_ERROR_INVALID_ARGUMENT);
}
END_TEST

/* Writes a split of image_count 3x4 images and label_count labels under
 * TEMP/folder. Label i is labels[i], or i % 10 when labels is NULL. */
static char *write_split(const char *folder, const char *split, bool gzip_images,
                         bool gzip_labels, uint32_t image_count, uint32_t label_count,
                         const unsigned char *labels)
{
    char *dir = temp_path(folder);
    ck_assert_int_eq(mkdir(dir, 0700), 0);

    const uint32_t image_dims[] = {image_count, 3, 4};
    idx_bytes images = build_valid_idx(3, image_dims);
    idx_bytes label_file = build_valid_idx(1, &label_count);
    for (uint32_t i = 0; i < label_count; i++)
        label_file.data[8 + i] = labels != NULL ? labels[i] : (unsigned char)(i % 10);

    char name[256];
    snprintf(name, sizeof name, "%s/%s-images-idx3-ubyte%s", folder, split,
             gzip_images ? ".gz" : "");
    free(write_idx(name, images));
    snprintf(name, sizeof name, "%s/%s-labels-idx1-ubyte%s", folder, split,
             gzip_labels ? ".gz" : "");
    free(write_idx(name, label_file));

    free(images.data);
    free(label_file.data);
    return dir;
}

/* Asserts that reading the split fails with status, that the message
 * contains each non-NULL fragment, and that out is zeroed. */
static void check_mnist_error(const char *dir, const char *split, size_t classes,
                              clmlp_status status, const char *fragment1, const char *fragment2)
{
    clmlp_mnist mnist;
    memset(&mnist, 0xAB, sizeof mnist);
    clmlp_status got = clmlp_mnist_read(dir, split, classes, &mnist);
    const char *message = clmlp_error_message();
    ck_assert_msg(got == status, "got %s, want %s (%s)", clmlp_status_name(got),
                  clmlp_status_name(status), message);
    const char *fragments[] = {fragment1, fragment2};
    for (int i = 0; i < 2; i++)
        ck_assert_msg(fragments[i] == NULL || strstr(message, fragments[i]) != NULL,
                      "the message lacks \"%s\": %s", fragments[i], message);
    ck_assert_ptr_null(mnist.images.data);
    ck_assert_ptr_null(mnist.labels.data);
    ck_assert_uint_eq(mnist.count, 0);
}

START_TEST(mnist_reads_raw_and_gzip_splits)
{
    const struct {
        const char *folder;
        bool gzip_images, gzip_labels;
    } cases[] = {{"raw", false, false}, {"gzip", true, true}, {"mixed", true, false}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        char *dir = write_split(cases[c].folder, "t10k", cases[c].gzip_images,
                                cases[c].gzip_labels, 25, 25, NULL);
        clmlp_mnist mnist;
        ck_assert_ok(clmlp_mnist_read(dir, "t10k", 10, &mnist));
        ck_assert_uint_eq(mnist.count, 25);
        ck_assert_uint_eq(mnist.rows, 3);
        ck_assert_uint_eq(mnist.cols, 4);
        ck_assert_uint_eq(mnist.features, 12);
        ck_assert_uint_eq(mnist.classes, 10);
        ck_assert_uint_eq(mnist.images.count, 25);
        ck_assert_uint_eq(mnist.labels.count, 25);
        for (size_t i = 0; i < 25 * 12; i++)
            ck_assert_uint_eq(mnist.images.data[i], (unsigned char)(i * 7 + 3));
        for (size_t i = 0; i < 25; i++)
            ck_assert_uint_eq(mnist.labels.data[i], i % 10);
        clmlp_mnist_free(&mnist);
        ck_assert_ptr_null(mnist.images.data);
        free(dir);
    }
}
END_TEST

START_TEST(mnist_prefers_gzip_file)
{
    char *dir = write_split("both", "train", true, true, 6, 6, NULL);

    /* A raw image file next to the .gz one would fail the count check. */
    char *raw = temp_path("both/train-images-idx3-ubyte");
    const uint32_t dims[] = {7, 3, 4};
    idx_bytes file = build_valid_idx(3, dims);
    write_raw(raw, file.data, file.size);

    clmlp_mnist mnist;
    ck_assert_ok(clmlp_mnist_read(dir, "train", 10, &mnist));
    ck_assert_uint_eq(mnist.count, 6);
    clmlp_mnist_free(&mnist);
    free(file.data);
    free(raw);
    free(dir);
}
END_TEST

START_TEST(mnist_rejects_count_mismatch)
{
    char *dir = write_split("mismatch", "train", true, false, 5, 4, NULL);
    check_mnist_error(dir, "train", 10, CLMLP_ERROR_FORMAT,
                      "train-images-idx3-ubyte.gz contains 5 images",
                      "train-labels-idx1-ubyte contains 4 labels");
    free(dir);
}
END_TEST

START_TEST(mnist_rejects_label_out_of_range)
{
    const unsigned char labels[] = {0, 1, 2, 10, 4};
    char *dir = write_split("labels", "train", false, true, 5, 5, labels);
    check_mnist_error(dir, "train", 10, CLMLP_ERROR_FORMAT, "train-labels-idx1-ubyte.gz",
                      "label 3 is 10");

    /* The same labels pass with more classes. */
    clmlp_mnist mnist;
    ck_assert_ok(clmlp_mnist_read(dir, "train", 11, &mnist));
    clmlp_mnist_free(&mnist);
    free(dir);
}
END_TEST

START_TEST(mnist_rejects_wrong_ranks)
{
    char *dir = temp_path("ranks");
    ck_assert_int_eq(mkdir(dir, 0700), 0);
    const uint32_t two[] = {4, 12}, one[] = {4}, labels_two[] = {4, 1}, three[] = {4, 3, 4};

    idx_bytes images = build_valid_idx(2, two), labels = build_valid_idx(1, one);
    free(write_idx("ranks/train-images-idx3-ubyte", images));
    free(write_idx("ranks/train-labels-idx1-ubyte", labels));
    check_mnist_error(dir, "train", 256, CLMLP_ERROR_FORMAT, "train-images-idx3-ubyte has 2 "
                      "dimensions", NULL);
    free(images.data);
    free(labels.data);

    images = build_valid_idx(3, three);
    labels = build_valid_idx(2, labels_two);
    free(write_idx("ranks/train-images-idx3-ubyte", images));
    free(write_idx("ranks/train-labels-idx1-ubyte", labels));
    check_mnist_error(dir, "train", 256, CLMLP_ERROR_FORMAT, "train-labels-idx1-ubyte has 2 "
                      "dimensions", NULL);
    free(images.data);
    free(labels.data);
    free(dir);
}
END_TEST

START_TEST(mnist_reports_missing_files)
{
    char *dir = temp_path("empty");
    ck_assert_int_eq(mkdir(dir, 0700), 0);
    check_mnist_error(dir, "train", 10, CLMLP_ERROR_IO, "train-images-idx3-ubyte.gz", dir);
    free(dir);

    /* Images without labels. */
    dir = write_split("no-labels", "t10k", true, true, 3, 3, NULL);
    char *labels = temp_path("no-labels/t10k-labels-idx1-ubyte.gz");
    ck_assert_int_eq(unlink(labels), 0);
    check_mnist_error(dir, "t10k", 10, CLMLP_ERROR_IO, "t10k-labels-idx1-ubyte.gz", dir);
    free(labels);
    free(dir);
}
END_TEST

START_TEST(mnist_reports_missing_folder)
{
    check_mnist_error("/no/such/dir", "train", 10, CLMLP_ERROR_IO,
                      "data folder /no/such/dir not found", "--data DIR");

    /* A file where the folder should be. */
    char *file = temp_path("plain-file");
    write_raw(file, "x", 1);
    check_mnist_error(file, "train", 10, CLMLP_ERROR_IO, file, "not a folder");
    free(file);
}
END_TEST

START_TEST(mnist_propagates_damaged_file)
{
    char *dir = write_split("damaged", "train", false, false, 4, 4, NULL);
    char *images = temp_path("damaged/train-images-idx3-ubyte");
    const uint32_t dims[] = {4, 3, 4};
    idx_bytes file = build_idx(0x08, 3, dims, 20);
    write_raw(images, file.data, file.size);
    check_mnist_error(dir, "train", 10, CLMLP_ERROR_FORMAT, images, "contains 20");
    free(file.data);
    free(images);
    free(dir);
}
END_TEST

START_TEST(mnist_rejects_bad_arguments)
{
    char *dir = write_split("arguments", "train", false, false, 2, 2, NULL);
    check_mnist_error(dir, "train", 0, CLMLP_ERROR_INVALID_ARGUMENT, "0 classes", NULL);
    check_mnist_error(dir, "train", 257, CLMLP_ERROR_INVALID_ARGUMENT, "257 classes", NULL);
    check_mnist_error(dir, "", 10, CLMLP_ERROR_INVALID_ARGUMENT, "split", NULL);
    check_mnist_error(dir, "../train", 10, CLMLP_ERROR_INVALID_ARGUMENT, "split", NULL);
    check_mnist_error(NULL, "train", 10, CLMLP_ERROR_INVALID_ARGUMENT, NULL, NULL);
    ck_assert_int_eq(clmlp_mnist_read(dir, "train", 10, NULL), CLMLP_ERROR_INVALID_ARGUMENT);
    free(dir);
}
END_TEST

int main(void)
{
    Suite *suite = suite_create("idx");

    TCase *idx = tcase_create("idx");
    tcase_add_checked_fixture(idx, make_temp_dir, cleanup_temp_dir);
    tcase_set_timeout(idx, 60);
    tcase_add_test(idx, idx_reads_raw_and_gzip);
    tcase_add_test(idx, idx_reads_large_files);
    tcase_add_test(idx, idx_free_accepts_null);
    tcase_add_test(idx, idx_rejects_bad_magic);
    tcase_add_test(idx, idx_rejects_other_types);
    tcase_add_test(idx, idx_rejects_bad_dimension_count);
    tcase_add_test(idx, idx_rejects_zero_dimension);
    tcase_add_test(idx, idx_rejects_oversized_dimensions);
    tcase_add_test(idx, idx_rejects_short_header);
    tcase_add_test(idx, idx_rejects_short_body);
    tcase_add_test(idx, idx_rejects_trailing_bytes);
    tcase_add_test(idx, idx_rejects_truncated_gzip);
    tcase_add_test(idx, idx_rejects_corrupt_gzip);
    tcase_add_test(idx, idx_reports_missing_file);
    tcase_add_test(idx, idx_rejects_null_arguments);
    suite_add_tcase(suite, idx);

    TCase *mnist = tcase_create("mnist");
    tcase_add_checked_fixture(mnist, make_temp_dir, cleanup_temp_dir);
    tcase_add_test(mnist, mnist_reads_raw_and_gzip_splits);
    tcase_add_test(mnist, mnist_prefers_gzip_file);
    tcase_add_test(mnist, mnist_rejects_count_mismatch);
    tcase_add_test(mnist, mnist_rejects_label_out_of_range);
    tcase_add_test(mnist, mnist_rejects_wrong_ranks);
    tcase_add_test(mnist, mnist_reports_missing_files);
    tcase_add_test(mnist, mnist_reports_missing_folder);
    tcase_add_test(mnist, mnist_propagates_damaged_file);
    tcase_add_test(mnist, mnist_rejects_bad_arguments);
    suite_add_tcase(suite, mnist);

    return run_suite(suite, false);
}
