/* Command-line options of mlp-train. */
#ifndef MLP_TRAIN_OPTIONS_H
#define MLP_TRAIN_OPTIONS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct train_options {
    const char *model;
    const char *data_dir;
    long long epochs;
    long long batch_size;
    double lr;
    const char *hidden;        /* hidden sizes as text: "256", or "256,128" for fc */
    const char *dp_hidden;     /* hyper: hidden sizes of the per-sample network, NULL for none */
    long long seed;
    const char *device;        /* NULL: CLMLP_DEVICE, else the default device */
    const char *metrics_path;  /* NULL: no CSV */
    int list_devices;
    int help;
} train_options;

/* Returns the defaults that --help prints. */
train_options default_options(void);

/* Parses argv into options. On a usage error, writes the message into error
 * and returns nonzero. */
int parse_options(int argc, char **argv, train_options *options, char *error, size_t error_size);

#define MAX_LIST_SIZES 16

/* Parses a comma-separated list of sizes from 1 to 2^20, such as "64,32",
 * into at most MAX_LIST_SIZES values. Returns nonzero when text is not such
 * a list. */
int parse_size_list(const char *text, size_t *values, size_t *count);

/* Writes the --help text, with every option's default, to out. */
void print_usage(FILE *out);

#endif
