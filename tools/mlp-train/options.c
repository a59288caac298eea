/* Parsing and help text of mlp-train's options, driven by one table. */
#include "options.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_DATA_DIR "/usr/share/datasets/fashion-mnist"

typedef enum option_kind {
    KIND_FLAG,      /* int field set to 1, no value */
    KIND_INTEGER,   /* long long field in [min, max] */
    KIND_NUMBER,    /* double field in [min, max], finite; above min when min_exclusive */
    KIND_TEXT       /* const char * field */
} option_kind;

typedef struct option_spec {
    const char *name;
    const char *value_name;   /* shown in --help, NULL for flags */
    option_kind kind;
    size_t offset;            /* of the field in train_options */
    double min, max;
    int min_exclusive;
    const char *help;
} option_spec;

#define FIELD(f) offsetof(train_options, f)

static const option_spec specs[] = {
    {"--model", "NAME", KIND_TEXT, FIELD(model), 0, 0, 0, "model family: scratch, concise, fc or hyper"},
    {"--data", "DIR", KIND_TEXT, FIELD(data_dir), 0, 0, 0,
     "folder with the Fashion-MNIST IDX files, gzip-compressed or raw"},
    {"--epochs", "N", KIND_INTEGER, FIELD(epochs), 1, 1e6, 0,
     "number of passes over the training set"},
    {"--batch-size", "N", KIND_INTEGER, FIELD(batch_size), 1, 1 << 20, 0, "samples per batch"},
    {"--lr", "X", KIND_NUMBER, FIELD(lr), 0, 1e6, 1, "learning rate, per step"},
    {"--hidden", "LIST", KIND_TEXT, FIELD(hidden), 0, 0, 0,
     "hidden units; for fc a comma-separated list of layer sizes, to which the output size "
     "is appended; for hyper, the generator's hidden units"},
    {"--dp-hidden", "LIST", KIND_TEXT, FIELD(dp_hidden), 0, 0, 0,
     "hyper: comma-separated hidden sizes of the per-sample network"},
    {"--activation", "NAME", KIND_TEXT, FIELD(activation), 0, 0, 0,
     "fc activation: relu, tanh or leakyrelu (slope 0.01), in any case"},
    {"--batch-norm", NULL, KIND_FLAG, FIELD(batch_norm), 0, 0, 0,
     "fc: BatchNorm1d before each hidden activation"},
    {"--dropout", "P", KIND_NUMBER, FIELD(dropout), 0, 1e6, 0,
     "fc: dropout probability in [0, 1) after each hidden activation; 0 adds none"},
    {"--sigmoid", NULL, KIND_FLAG, FIELD(sigmoid), 0, 0, 0,
     "fc: a Sigmoid output trained with binary cross-entropy; needs --positive-classes"},
    {"--positive-classes", "LIST", KIND_TEXT, FIELD(positive_classes), 0, 0, 0,
     "train a binary task: these comma-separated classes (0-9) are 1, the rest 0; reports "
     "binary accuracy"},
    {"--optimizer", "NAME", KIND_TEXT, FIELD(optimizer), 0, 0, 0, "sgd, adam or adamw"},
    {"--momentum", "X", KIND_NUMBER, FIELD(momentum), 0, 1e6, 0, "SGD momentum, 0 for none"},
    {"--weight-decay", "X", KIND_NUMBER, FIELD(weight_decay), 0, 1e6, 0,
     "L2 penalty for sgd and adam, decoupled decay for adamw"},
    {"--seed", "N", KIND_INTEGER, FIELD(seed), 0, 9.0e18, 0,
     "seed of the initial weights and the shuffling"},
    {"--device", "SEL", KIND_TEXT, FIELD(device), 0, 0, 0,
     "OpenCL device as P:D indices or part of its name; without it, the CLMLP_DEVICE "
     "variable, else the first GPU, else the first device"},
    {"--metrics", "FILE", KIND_TEXT, FIELD(metrics_path), 0, 0, 0,
     "write one CSV row per epoch: epoch,train_loss,val_loss,val_acc,seconds"},
    {"--save", "FILE", KIND_TEXT, FIELD(save_path), 0, 0, 0,
     "write a safetensors checkpoint of the model and optimizer after every epoch; on "
     "SIGINT or SIGTERM, stop at the next batch and keep the last finished epoch's file"},
    {"--load", "FILE", KIND_TEXT, FIELD(load_path), 0, 0, 0,
     "continue training from a checkpoint's model, optimizer and epoch; the model and "
     "optimizer options come from the checkpoint, and a different --model is an error"},
    {"--eval-only", NULL, KIND_FLAG, FIELD(eval_only), 0, 0, 0,
     "with --load, report the validation loss and accuracy without training"},
    {"--plot", "FILE", KIND_TEXT, FIELD(plot_path), 0, 0, 0,
     "rewrite an SVG chart of loss and accuracy per epoch after every epoch"},
    {"--profile", NULL, KIND_FLAG, FIELD(profile), 0, 0, 0,
     "after training, print the device time of each kernel and GEMM shape"},
    {"--progress-every", "SECONDS", KIND_NUMBER, FIELD(progress_every), 0, 3600, 1,
     "time between updates of the progress line on a terminal"},
    {"--quiet", NULL, KIND_FLAG, FIELD(quiet), 0, 0, 0,
     "print only errors and the last epoch's summary"},
    {"--list-devices", NULL, KIND_FLAG, FIELD(list_devices), 0, 0, 0,
     "list the OpenCL devices and exit"},
    {"--help", NULL, KIND_FLAG, FIELD(help), 0, 0, 0, "show this help and exit"},
};

#define SPEC_COUNT (sizeof specs / sizeof specs[0])

/* train_options.given has one bit per option. */
_Static_assert(SPEC_COUNT <= 64, "more options than bits in train_options.given");

train_options default_options(void)
{
    return (train_options){
        .model = "scratch",
        .data_dir = DEFAULT_DATA_DIR,
        .epochs = 10,
        .batch_size = 256,
        .lr = 0.1,
        .hidden = "256",
        .seed = 0,
        .progress_every = 0.5,
        .activation = "relu",
        .optimizer = "sgd",
    };
}

static void format_default(const option_spec *spec, const train_options *d, char *text, size_t size)
{
    const char *base = (const char *)d;
    text[0] = '\0';
    switch (spec->kind) {
    case KIND_FLAG:
        snprintf(text, size, " (default off)");
        break;
    case KIND_INTEGER:
        snprintf(text, size, " (default %lld)", *(const long long *)(base + spec->offset));
        break;
    case KIND_NUMBER:
        snprintf(text, size, " (default %g)", *(const double *)(base + spec->offset));
        break;
    case KIND_TEXT: {
        const char *value = *(const char *const *)(base + spec->offset);
        snprintf(text, size, " (default %s)", value != NULL ? value : "none");
        break;
    }
    }
}

/* Prints text from column indent, breaking lines at spaces before column
 * width; the caller has already printed the first line's first indent
 * columns. */
static void print_wrapped(FILE *out, const char *text, int indent, int width)
{
    int column = indent;
    while (*text != '\0') {
        int word = (int)strcspn(text, " ");
        if (column > indent && column + 1 + word > width) {
            fprintf(out, "\n%*s", indent, "");
            column = indent;
        } else if (column > indent) {
            fputc(' ', out);
            column++;
        }
        fprintf(out, "%.*s", word, text);
        column += word;
        text += word;
        while (*text == ' ')
            text++;
    }
    fputc('\n', out);
}

void print_usage(FILE *out)
{
    train_options d = default_options();
    fprintf(out,
            "usage: mlp-train [options]\n"
            "\n"
            "Trains a multilayer perceptron on Fashion-MNIST with OpenCL. Each epoch prints the\n"
            "train loss, the validation loss and accuracy on the t10k files, its wall time in\n"
            "seconds and the training samples per second. On a terminal, a progress line shows\n"
            "the batch, the running loss, the speed and the time left in the epoch.\n"
            "\n"
            "options:\n");
    for (size_t i = 0; i < SPEC_COUNT; i++) {
        char left[64], def[160], text[512];
        snprintf(left, sizeof left, "%s%s%s", specs[i].name, specs[i].value_name ? " " : "",
                 specs[i].value_name ? specs[i].value_name : "");
        format_default(&specs[i], &d, def, sizeof def);
        snprintf(text, sizeof text, "%s%s", specs[i].help, def);
        fprintf(out, "  %-24s ", left);
        print_wrapped(out, text, 27, 79);
    }
    fprintf(out, "\nOptions take their value as \"--name value\" or \"--name=value\".\n");
}

static int usage_error(char *error, size_t size, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    vsnprintf(error, size, format, args);
    va_end(args);
    return 1;
}

static int parse_value(const option_spec *spec, const char *text, train_options *o, char *error,
                       size_t size)
{
    char *base = (char *)o;
    char *end = NULL;
    errno = 0;
    if (spec->kind == KIND_TEXT) {
        if (text[0] == '\0')
            return usage_error(error, size, "%s needs a non-empty value", spec->name);
        *(const char **)(base + spec->offset) = text;
        return 0;
    }

    if (spec->kind == KIND_INTEGER) {
        long long v = strtoll(text, &end, 10);
        if (text[0] == '\0' || *end != '\0' || errno == ERANGE)
            return usage_error(error, size, "%s expects a whole number, got \"%s\"", spec->name, text);
        if ((double)v < spec->min || (double)v > spec->max)
            return usage_error(error, size, "%s must be between %.0f and %.0f, got %s", spec->name,
                               spec->min, spec->max, text);
        *(long long *)(base + spec->offset) = v;
        return 0;
    }

    double v = strtod(text, &end);
    if (text[0] == '\0' || *end != '\0' || errno == ERANGE || !isfinite(v))
        return usage_error(error, size, "%s expects a finite number, got \"%s\"", spec->name, text);
    if (spec->min_exclusive ? !(v > spec->min) : !(v >= spec->min))
        return usage_error(error, size, "%s must be %s %g, got %s", spec->name,
                           spec->min_exclusive ? "greater than" : "at least", spec->min, text);
    if (v > spec->max)
        return usage_error(error, size, "%s must be at most %g, got %s", spec->name, spec->max, text);
    *(double *)(base + spec->offset) = v;
    return 0;
}

static const option_spec *find_spec(const char *name)
{
    for (size_t i = 0; i < SPEC_COUNT; i++)
        if (strcmp(specs[i].name, name) == 0)
            return &specs[i];
    return NULL;
}

int parse_number_list(const char *text, long long min, long long max, long long *values,
                      size_t *count)
{
    *count = 0;
    const char *p = text;
    for (;;) {
        char *end = NULL;
        errno = 0;
        if (*count == MAX_LIST_ITEMS || *p < '0' || *p > '9')
            return 1;
        long long v = strtoll(p, &end, 10);
        if (errno == ERANGE || v < min || v > max)
            return 1;
        values[(*count)++] = v;
        if (*end == '\0')
            return 0;
        if (*end != ',')
            return 1;
        p = end + 1;
    }
}

static int is_one_of(const char *value, const char *const *names)
{
    for (size_t i = 0; names[i] != NULL; i++)
        if (strcmp(value, names[i]) == 0)
            return 1;
    return 0;
}

/* Checks the options that only the FC block takes. */
static int validate_fc(const train_options *o, char *error, size_t size)
{
    /* With --load the family comes from the checkpoint, whose settings win. */
    int is_fc = strcmp(o->model, "fc") == 0 || o->load_path != NULL;
    if (!is_fc && (o->batch_norm || o->dropout != 0.0 || o->sigmoid ||
                   strcmp(o->activation, "relu") != 0))
        return usage_error(error, size, "--activation, --batch-norm, --dropout and --sigmoid "
                           "apply to --model fc only");
    if (!(o->dropout < 1.0))
        return usage_error(error, size, "--dropout must be in [0, 1), got %g", o->dropout);
    if (o->sigmoid && o->positive_classes == NULL)
        return usage_error(error, size, "--sigmoid needs --positive-classes, because a sigmoid "
                           "output trains a binary task");

    static const char *const activations[] = {"relu", "tanh", "leakyrelu", NULL};
    char lower[32];
    size_t n = 0;
    for (; o->activation[n] != '\0' && n + 1 < sizeof lower; n++)
        lower[n] = (char)tolower((unsigned char)o->activation[n]);
    lower[n] = '\0';
    if (o->activation[n] != '\0' || !is_one_of(lower, activations))
        return usage_error(error, size, "unknown activation \"%s\" for --activation; the "
                           "activations are: relu, tanh, leakyrelu", o->activation);
    return 0;
}

/* Checks values that depend on each other or on a fixed list of names. */
static int validate(const train_options *o, char *error, size_t size)
{
    static const char *const models[] = {"scratch", "concise", "fc", "hyper", NULL};
    static const char *const optimizers[] = {"sgd", "adam", "adamw", NULL};
    if (!is_one_of(o->model, models))
        return usage_error(error, size, "unknown model \"%s\" for --model; the models are: "
                           "scratch, concise, fc, hyper", o->model);
    if (!is_one_of(o->optimizer, optimizers))
        return usage_error(error, size, "unknown optimizer \"%s\" for --optimizer; the "
                           "optimizers are: sgd, adam, adamw", o->optimizer);
    /* The optimizer takes a float32 learning rate. */
    if (!((float)o->lr > 0.0f))
        return usage_error(error, size, "--lr %g is below the smallest positive float32; use a "
                           "larger learning rate", o->lr);
    if (o->eval_only && o->load_path == NULL)
        return usage_error(error, size, "--eval-only needs a checkpoint to evaluate: add --load FILE");
    if (o->momentum != 0.0 && strcmp(o->optimizer, "sgd") != 0)
        return usage_error(error, size, "--momentum applies to --optimizer sgd only");

    long long values[MAX_LIST_ITEMS];
    size_t count = 0;
    if (parse_number_list(o->hidden, 1, 1 << 20, values, &count) != 0)
        return usage_error(error, size, "--hidden expects %s from 1 to %d, got \"%s\"",
                           strcmp(o->model, "fc") == 0 ? "a comma-separated list of up to 64 sizes"
                                                       : "one size", 1 << 20, o->hidden);
    if (count > 1 && strcmp(o->model, "fc") != 0)
        return usage_error(error, size, "--hidden takes one size for --model %s, got \"%s\"; "
                           "lists are for --model fc", o->model, o->hidden);
    if (o->dp_hidden != NULL && strcmp(o->model, "hyper") != 0)
        return usage_error(error, size, "--dp-hidden applies to --model hyper only");
    if (o->dp_hidden != NULL && parse_number_list(o->dp_hidden, 1, 1 << 20, values, &count) != 0)
        return usage_error(error, size, "--dp-hidden expects a comma-separated list of up to %d "
                           "sizes from 1 to %d, such as 64,32, got \"%s\"", MAX_LIST_ITEMS,
                           1 << 20, o->dp_hidden);
    if (o->positive_classes != NULL &&
        parse_number_list(o->positive_classes, 0, 9, values, &count) != 0)
        return usage_error(error, size, "--positive-classes expects a comma-separated list of "
                           "classes from 0 to 9, got \"%s\"", o->positive_classes);
    return validate_fc(o, error, size);
}

int parse_options(int argc, char **argv, train_options *o, char *error, size_t size)
{
    *o = default_options();

    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "-h") == 0)
            arg = "--help";

        /* Split "--name=value". */
        char name[64];
        const char *value = NULL;
        const char *eq = strchr(arg, '=');
        if (eq != NULL && (size_t)(eq - arg) < sizeof name) {
            snprintf(name, sizeof name, "%.*s", (int)(eq - arg), arg);
            value = eq + 1;
        } else {
            snprintf(name, sizeof name, "%s", arg);
        }

        const option_spec *spec = find_spec(name);
        if (spec == NULL)
            return usage_error(error, size, "unknown option \"%s\"; run mlp-train --help for the "
                               "list", arg);
        o->given |= 1ull << (size_t)(spec - specs);
        if (spec->kind == KIND_FLAG) {
            if (value != NULL)
                return usage_error(error, size, "%s takes no value", spec->name);
            *(int *)((char *)o + spec->offset) = 1;
            continue;
        }
        if (value == NULL) {
            if (i + 1 >= argc)
                return usage_error(error, size, "%s needs a value (%s)", spec->name, spec->value_name);
            value = argv[++i];
        }
        if (parse_value(spec, value, o, error, size) != 0)
            return 1;
    }
    if (o->help || o->list_devices)
        return 0;
    return validate(o, error, size);
}

int option_given(const train_options *o, const char *name)
{
    const option_spec *spec = find_spec(name);
    return spec != NULL && (o->given >> (size_t)(spec - specs) & 1u) != 0;
}
