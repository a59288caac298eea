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
    long long seed;
    const char *device;        /* NULL: CLMLP_DEVICE, else the default device */
    const char *metrics_path;  /* NULL: no CSV */
    const char *plot_path;     /* NULL: no SVG chart */
    int quiet;
    double progress_every;     /* seconds between progress line updates */
    int profile;
    int list_devices;
    int help;
    const char *save_path;     /* NULL: no checkpoints */
    const char *load_path;     /* NULL: a new model from the model options */
    int eval_only;
} train_options;

/* Returns the defaults that --help prints. */
train_options default_options(void);

/* Parses argv into options. On a usage error, writes the message into error
 * and returns nonzero. */
int parse_options(int argc, char **argv, train_options *options, char *error, size_t error_size);

/* Writes the --help text, with every option's default, to out. */
void print_usage(FILE *out);

#endif
