/* Writes a small MNIST-style data folder for the mlp-train tests, valid or
 * with one chosen defect, so they run without Fashion-MNIST or Python. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define ZLIB_CONST
#include <zlib.h>

#define CLASSES 10
#define MAX_SIDE 65535 /* so that side * side pixels fit in 32 bits */
#define NOISE_LEVELS 96 /* noise pixels are 0 to 95 */
#define SIGNAL 150      /* added to the pixels of a sample's class block */

#define USAGE "usage: make_data DIR DEFECT [--side N] [--count N]\n"

enum defect {
    GOOD,
    GOOD_RAW,
    BAD_MAGIC,
    SHORT_BODY,
    OVERFLOW,
    COUNT_MISMATCH,
    LABEL_RANGE,
    TRUNCATED_GZ,
    CORRUPT_GZ,
    MISSING_FILE,
    EMPTY,
    DEFECT_COUNT
};

/* Defect names as the command line takes them, in enum defect order. Every
 * defect but good-raw and empty writes gzip files, and each one damages only
 * the train split. */
static const struct {
    const char *name;
    const char *help;
} defects[DEFECT_COUNT] = {
    {"good", "valid gzip files"},
    {"good-raw", "valid uncompressed files"},
    {"bad-magic", "train images start with bytes 0x12 0x34"},
    {"short-body", "train images lack the last 100 bytes"},
    {"overflow", "train images claim 0xFFFFFFFF x 0xFFFF x 0xFFFF bytes"},
    {"count-mismatch", "train labels hold one label fewer than the images"},
    {"label-range", "the last train label is 10, past the classes 0 to 9"},
    {"truncated-gz", "train images keep only the first half of the gzip file"},
    {"corrupt-gz", "16 bytes in the middle of the train images' gzip file flipped"},
    {"missing-file", "no train labels file"},
    {"empty", "an empty folder"},
};

/* A malloc'd byte array. */
typedef struct {
    uint8_t *data;
    size_t size;
} buffer;

/* 64-bit linear congruential generator with Knuth's MMIX constants. */
static uint64_t rng_state;

/* Returns a pseudo-random integer in [0, n), from the generator's high bits
 * where an LCG is most random. The modulo bias is negligible for small n. */
static unsigned random_below(unsigned n)
{
    rng_state = rng_state * 6364136223846793005u + 1442695040888963407u;
    return (unsigned)((rng_state >> 33) % n);
}

static void *allocate(size_t size)
{
    void *p = malloc(size > 0 ? size : 1);
    if (p == NULL) {
        fprintf(stderr, "make_data: out of memory for %zu bytes\n", size);
        exit(1);
    }
    return p;
}

static void put_be32(uint8_t *out, uint32_t value)
{
    out[0] = (uint8_t)(value >> 24);
    out[1] = (uint8_t)(value >> 16);
    out[2] = (uint8_t)(value >> 8);
    out[3] = (uint8_t)value;
}

/* Allocates an unsigned-byte IDX file of ndim dimensions with room for
 * body_size bytes of data, writes its header and returns the data's start.
 * The header is two zero bytes, type 0x08, the dimension count, then each
 * dimension as a big-endian 32-bit integer. */
static uint8_t *new_idx(buffer *out, const uint32_t *dims, int ndim, size_t body_size)
{
    size_t header_size = 4 + 4 * (size_t)ndim;
    out->size = header_size + body_size;
    out->data = allocate(out->size);
    out->data[0] = 0;
    out->data[1] = 0;
    out->data[2] = 0x08;
    out->data[3] = (uint8_t)ndim;
    for (int i = 0; i < ndim; i++)
        put_be32(out->data + 4 + 4 * i, dims[i]);
    return out->data + header_size;
}

/* Builds the image and label files of count samples of side x side pixels.
 * Every pixel is noise in 0 to 95. The pixels label * block to
 * (label + 1) * block - 1 get 150 more, so each class has a bright block at
 * its own place and a small MLP learns to separate them. */
static void make_split(size_t count, uint32_t side, uint64_t seed, buffer *images, buffer *labels)
{
    size_t features = (size_t)side * side;
    size_t block = features / CLASSES > 0 ? features / CLASSES : 1;
    uint32_t image_dims[3] = {(uint32_t)count, side, side};
    uint32_t label_dims[1] = {(uint32_t)count};
    uint8_t *pixels = new_idx(images, image_dims, 3, count * features);
    uint8_t *classes = new_idx(labels, label_dims, 1, count);

    rng_state = seed;
    for (size_t i = 0; i < count; i++) {
        unsigned label = random_below(CLASSES);
        classes[i] = (uint8_t)label;
        for (size_t j = 0; j < features; j++) {
            unsigned signal = j / block == label ? SIGNAL : 0;
            /* At most 95 + 150 = 245, so the sum fits a byte. */
            pixels[i * features + j] = (uint8_t)(random_below(NOISE_LEVELS) + signal);
        }
    }
}

/* Applies the defect to the train images or labels file, in place. */
static void damage(enum defect defect, buffer *file, int is_images)
{
    if (defect == BAD_MAGIC && is_images) {
        file->data[0] = 0x12;
        file->data[1] = 0x34;
    } else if (defect == SHORT_BODY && is_images) {
        file->size = file->size > 100 ? file->size - 100 : 0;
    } else if (defect == OVERFLOW && is_images) {
        /* 0xFFFFFFFF items of 0xFFFF x 0xFFFF bytes: just under 2^64 bytes,
         * far past what the IDX reader accepts. */
        uint32_t dims[3] = {0xFFFFFFFFu, 0xFFFF, 0xFFFF};
        free(file->data);
        new_idx(file, dims, 3, 0);
    } else if (defect == COUNT_MISMATCH && !is_images) {
        /* One label fewer, in the header and in the body. */
        uint32_t count = (uint32_t)(file->size - 8);
        put_be32(file->data + 4, count - 1);
        file->size--;
    } else if (defect == LABEL_RANGE && !is_images) {
        file->data[file->size - 1] = CLASSES;
    }
}

/* Compresses the bytes of in into out, in the gzip format. */
static void gzip_buffer(const buffer *in, buffer *out)
{
    z_stream stream;
    memset(&stream, 0, sizeof stream);
    /* 15 + 16 window bits: the largest window, with a gzip header. */
    if (deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        fprintf(stderr, "make_data: deflateInit2 failed: %s\n", stream.msg ? stream.msg : "no message");
        exit(1);
    }
    size_t capacity = deflateBound(&stream, in->size);
    out->data = allocate(capacity);
    stream.next_out = out->data;

    /* avail_in and avail_out are unsigned int, so feed and drain in pieces. */
    const uint8_t *next_in = in->data;
    size_t in_left = in->size;
    int status;
    do {
        if (stream.avail_in == 0 && in_left > 0) {
            uInt piece = in_left > UINT_MAX ? UINT_MAX : (uInt)in_left;
            stream.next_in = next_in;
            stream.avail_in = piece;
            next_in += piece;
            in_left -= piece;
        }
        if (stream.avail_out == 0) {
            size_t room = capacity - (size_t)(stream.next_out - out->data);
            stream.avail_out = room > UINT_MAX ? UINT_MAX : (uInt)room;
        }
        status = deflate(&stream, in_left == 0 ? Z_FINISH : Z_NO_FLUSH);
    } while (status == Z_OK);
    if (status != Z_STREAM_END) {
        fprintf(stderr, "make_data: deflate failed with status %d\n", status);
        exit(1);
    }
    out->size = (size_t)(stream.next_out - out->data);
    deflateEnd(&stream);
}

static void write_file(const char *path, const buffer *file)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL) {
        fprintf(stderr, "make_data: cannot create %s: %s\n", path, strerror(errno));
        exit(1);
    }
    size_t written = fwrite(file->data, 1, file->size, f);
    if (written != file->size || fclose(f) != 0) {
        fprintf(stderr, "make_data: cannot write %s: %s\n", path, strerror(errno));
        exit(1);
    }
}

/* Damages, compresses and writes one of the four IDX files as dir/stem or
 * dir/stem.gz, then frees it. */
static void write_idx(const char *dir, const char *stem, buffer *file, enum defect defect)
{
    int is_train = strncmp(stem, "train", 5) == 0;
    int is_images = strstr(stem, "images") != NULL;
    if (defect == MISSING_FILE && strcmp(stem, "train-labels-idx1-ubyte") == 0) {
        free(file->data);
        return;
    }
    if (is_train)
        damage(defect, file, is_images);

    char path[4096];
    if (defect == GOOD_RAW) {
        snprintf(path, sizeof path, "%s/%s", dir, stem);
        write_file(path, file);
        free(file->data);
        return;
    }

    buffer packed;
    gzip_buffer(file, &packed);
    free(file->data);
    if (is_train && is_images && defect == TRUNCATED_GZ) {
        packed.size /= 2;
    } else if (is_train && is_images && defect == CORRUPT_GZ) {
        /* A gzip file has at least 20 bytes, so its middle lies past the
         * 10-byte header, in the deflate data or the CRC trailer. */
        for (size_t i = packed.size / 2; i < packed.size / 2 + 16 && i < packed.size; i++)
            packed.data[i] ^= 0xA5;
    }
    snprintf(path, sizeof path, "%s/%s.gz", dir, stem);
    write_file(path, &packed);
    free(packed.data);
}

/* Creates dir and any missing parent folders, as mkdir -p does. */
static void make_folders(const char *dir)
{
    size_t length = strlen(dir);
    char *path = allocate(length + 1);
    memcpy(path, dir, length + 1);
    for (size_t i = 1; i <= length; i++) {
        if (path[i] != '/' && path[i] != '\0')
            continue;
        char saved = path[i];
        path[i] = '\0';
        if (mkdir(path, 0777) != 0 && errno != EEXIST) {
            fprintf(stderr, "make_data: cannot create folder %s: %s\n", path, strerror(errno));
            exit(1);
        }
        path[i] = saved;
    }
    free(path);

    struct stat info;
    if (stat(dir, &info) != 0 || !S_ISDIR(info.st_mode)) {
        fprintf(stderr, "make_data: %s is not a folder\n", dir);
        exit(1);
    }
}

static void print_help(void)
{
    printf(USAGE "Writes train-* and t10k-* image and label files in the IDX format into DIR,\n"
                 "creating it if needed. Only the train files get the defect.\n\n"
                 "  --side N   image rows and columns (default 8)\n"
                 "  --count N  training samples; the test split has N / 4, at least 1\n"
                 "             (default 200)\n\n"
                 "DEFECT is one of:\n");
    for (int i = 0; i < DEFECT_COUNT; i++)
        printf("  %-15s %s\n", defects[i].name, defects[i].help);
}

/* Prints the usage error, format with value filled in, and exits with 2. */
static void usage_error(const char *format, const char *value)
{
    fputs("make_data: ", stderr);
    fprintf(stderr, format, value);
    fputs("\n" USAGE "Run make_data --help for the defects.\n", stderr);
    exit(2);
}

/* Parses the value of --side or --count, which must lie in [1, max]. */
static unsigned long parse_count(const char *option, const char *text, unsigned long max)
{
    char *end;
    errno = 0;
    unsigned long value = strtoul(text, &end, 10);
    if (text[0] < '0' || text[0] > '9' || *end != '\0' || errno == ERANGE || value < 1 || value > max) {
        fprintf(stderr, "make_data: %s must be a whole number from 1 to %lu, got \"%s\"\n", option, max,
                text);
        exit(2);
    }
    return value;
}

int main(int argc, char **argv)
{
    const char *positional[2];
    int positional_count = 0;
    unsigned long side = 8, count = 200;

    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            print_help();
            return 0;
        }
        unsigned long *target = NULL;
        const char *option = NULL;
        if (strncmp(arg, "--side", 6) == 0 && (arg[6] == '\0' || arg[6] == '=')) {
            target = &side;
            option = "--side";
        } else if (strncmp(arg, "--count", 7) == 0 && (arg[7] == '\0' || arg[7] == '=')) {
            target = &count;
            option = "--count";
        }
        if (target != NULL) {
            const char *value = strchr(arg, '=');
            if (value != NULL) {
                value++;
            } else if (i + 1 < argc) {
                value = argv[++i];
            } else {
                usage_error("%s needs a value", option);
            }
            *target = parse_count(option, value, option[2] == 's' ? MAX_SIDE : UINT32_MAX);
        } else if (arg[0] == '-' && arg[1] != '\0') {
            usage_error("unknown option \"%s\"", arg);
        } else if (positional_count < 2) {
            positional[positional_count++] = arg;
        } else {
            usage_error("unexpected argument \"%s\"", arg);
        }
    }
    if (positional_count < 2)
        usage_error("%s", "DIR and DEFECT are required");

    const char *dir = positional[0];
    int defect = 0;
    while (defect < DEFECT_COUNT && strcmp(positional[1], defects[defect].name) != 0)
        defect++;
    if (defect == DEFECT_COUNT)
        usage_error("unknown defect \"%s\"", positional[1]);

    if ((size_t)side * side > SIZE_MAX / count) {
        fprintf(stderr, "make_data: %lu images of %lu x %lu pixels exceed the size_t range; "
                        "use a smaller --count or --side\n",
                count, side, side);
        return 1;
    }

    make_folders(dir);
    if (defect == EMPTY)
        return 0;

    buffer images, labels;
    make_split(count, (uint32_t)side, 1, &images, &labels);
    write_idx(dir, "train-images-idx3-ubyte", &images, (enum defect)defect);
    write_idx(dir, "train-labels-idx1-ubyte", &labels, (enum defect)defect);

    size_t test_count = count / 4 > 0 ? count / 4 : 1;
    make_split(test_count, (uint32_t)side, 2, &images, &labels);
    write_idx(dir, "t10k-images-idx3-ubyte", &images, (enum defect)defect);
    write_idx(dir, "t10k-labels-idx1-ubyte", &labels, (enum defect)defect);
    return 0;
}
