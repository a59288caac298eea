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
    const char *plot_path;     /* NULL: no SVG chart */
    int quiet;
    double progress_every;     /* seconds between progress line updates */
    int profile;
    const char *activation;    /* fc activation name */
    int batch_norm;            /* fc: BatchNorm1d before each hidden activation */
    double dropout;            /* fc: dropout probability, 0 for none */
    int sigmoid;               /* fc: Sigmoid output trained with binary cross-entropy */
    const char *positive_classes;  /* "5,7,9": a binary task; NULL for all classes */
    const char *optimizer;     /* sgd, adam or adamw */
    double momentum;           /* SGD momentum */
    double weight_decay;
    int list_devices;
    int help;
    const char *save_path;     /* NULL: no checkpoints */
    const char *load_path;     /* NULL: a new model from the model options */
    int eval_only;
    unsigned long long given;  /* bit i: the i-th option appeared on the command line */
} train_options;

#define MAX_LIST_ITEMS 64

/* Parses a comma-separated list of whole numbers from min to max into
 * values (at most MAX_LIST_ITEMS). Returns nonzero on an empty list, an
 * empty item or a number out of range. */
int parse_number_list(const char *text, long long min, long long max, long long *values,
                      size_t *count);

/* Returns nonzero when the option named name ("--lr") was on the command
 * line. */
int option_given(const train_options *options, const char *name);

/* Returns the defaults that --help prints. */
train_options default_options(void);

/* Parses argv into options. On a usage error, writes the message into error
 * and returns nonzero. */
int parse_options(int argc, char **argv, train_options *options, char *error, size_t error_size);

/* Writes the --help text, with every option's default, to out. */
void print_usage(FILE *out);

#endif
