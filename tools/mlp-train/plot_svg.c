/* Writes mlp-train's training curves as a self-contained SVG 1.1 file. */
#include "plot_svg.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WIDTH 760
#define HEIGHT 460
#define LEFT 80      /* room for the loss ticks and label */
#define RIGHT 80     /* room for the accuracy ticks and label */
#define TOP 84       /* room for the title and the legend */
#define BOTTOM 60    /* room for the epoch ticks and label */
#define INSET 12

#define COLOR_TRAIN "#1f77b4"
#define COLOR_VAL "#d62728"
#define COLOR_ACC "#2ca02c"

/* A linear axis from lo to hi with ticks every step, drawn between the
 * pixel positions from and to. */
typedef struct axis {
    double lo, hi, step;
    double from, to;
} axis;

static double axis_pixel(const axis *a, double value)
{
    return a->from + (value - a->lo) / (a->hi - a->lo) * (a->to - a->from);
}

/* Returns the smallest step of the form 1, 2 or 5 times a power of ten that
 * is at least raw. */
static double nice_step(double raw)
{
    double magnitude = pow(10, floor(log10(raw)));
    if (raw > 5 * magnitude)
        return 10 * magnitude;
    if (raw > 2 * magnitude)
        return 5 * magnitude;
    if (raw > magnitude)
        return 2 * magnitude;
    return magnitude;
}

/* Widens a range of zero width, so that a single point gets an axis. */
static void widen_flat_range(double *lo, double *hi)
{
    if (*hi > *lo)
        return;
    double pad = fabs(*lo) > 0 ? fabs(*lo) * 0.05 : 0.5;
    *lo -= pad;
    *hi += pad;
}

/* Widens [lo, hi] to multiples of a nice step that gives at most max_ticks
 * intervals. */
static axis nice_axis(double lo, double hi, int max_ticks, double from, double to)
{
    widen_flat_range(&lo, &hi);
    double step = nice_step((hi - lo) / max_ticks);
    return (axis){floor(lo / step) * step, ceil(hi / step) * step, step, from, to};
}

/* Fits [lo, hi] into exactly intervals nice steps, so that this axis's ticks
 * fall on the grid lines of another axis with that many intervals. */
static axis matching_axis(double lo, double hi, int intervals, double from, double to)
{
    widen_flat_range(&lo, &hi);
    double step = nice_step((hi - lo) / intervals);
    while (floor(lo / step) * step + intervals * step < hi)
        step = nice_step(step * 1.01);
    double start = floor(lo / step) * step;
    return (axis){start, start + intervals * step, step, from, to};
}

/* Digits after the decimal point that a tick step needs. */
static int tick_decimals(double step)
{
    int decimals = (int)ceil(-log10(step) - 1e-9);
    return decimals > 0 ? decimals : 0;
}

static void write_escaped(FILE *f, const char *text)
{
    for (; *text != '\0'; text++) {
        switch (*text) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*text, f); break;
        }
    }
}

/* Draws horizontal grid lines with tick labels on the left (side < 0) or on
 * the right (side > 0); the right axis draws no grid of its own. */
static void write_value_ticks(FILE *f, const axis *y, int side, double x_left, double x_right)
{
    int decimals = tick_decimals(y->step);
    int ticks = (int)floor((y->hi - y->lo) / y->step + 0.5);
    for (int i = 0; i <= ticks; i++) {
        double value = y->lo + i * y->step;
        double py = axis_pixel(y, value);
        if (side < 0)
            fprintf(f, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
                    x_left, py, x_right, py);
        double tx = side < 0 ? x_left - 8 : x_right + 8;
        fprintf(f, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">%.*f</text>\n",
                tx, py + 4, side < 0 ? "end" : "start", decimals, value);
    }
}

static void write_epoch_ticks(FILE *f, const axis *x, double y_top, double y_bottom)
{
    int ticks = (int)floor((x->hi - x->lo) / x->step + 0.5);
    for (int i = 0; i <= ticks; i++) {
        double value = x->lo + i * x->step;
        double px = axis_pixel(x, value);
        fprintf(f, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", px,
                y_top, px, y_bottom);
        fprintf(f, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%.0f</text>\n",
                px, y_bottom + 18, value);
    }
}

/* Which field of clmlp_epoch_stats a curve shows. */
typedef enum curve_field { TRAIN_LOSS, VAL_LOSS, VAL_ACCURACY } curve_field;

static double field_value(const clmlp_epoch_stats *s, curve_field field)
{
    switch (field) {
    case TRAIN_LOSS: return s->train_loss;
    case VAL_LOSS: return s->val_loss;
    case VAL_ACCURACY: break;
    }
    return s->val_accuracy;
}

/* Draws one curve as a polyline with a dot on every epoch. */
static void write_curve(FILE *f, const clmlp_epoch_stats *history, size_t count, curve_field field,
                        const axis *x, const axis *y, const char *color, const char *id,
                        const char *dash)
{
    fprintf(f, "<g id=\"%s\" fill=\"%s\" stroke=\"%s\">\n<polyline fill=\"none\" "
            "stroke-width=\"2.5\"%s%s%s points=\"", id, color, color, dash ? " stroke-dasharray=\"" : "",
            dash ? dash : "", dash ? "\"" : "");
    for (size_t i = 0; i < count; i++)
        fprintf(f, "%s%.1f,%.1f", i ? " " : "", axis_pixel(x, history[i].epoch),
                axis_pixel(y, field_value(&history[i], field)));
    fprintf(f, "\"/>\n");
    for (size_t i = 0; i < count; i++)
        fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\"/>\n", axis_pixel(x, history[i].epoch),
                axis_pixel(y, field_value(&history[i], field)));
    fprintf(f, "</g>\n");
}

/* Draws the legend in one row under the title. */
static void write_legend(FILE *f)
{
    static const struct {
        const char *label, *color, *dash;
    } items[] = {
        {"train loss", COLOR_TRAIN, NULL},
        {"validation loss", COLOR_VAL, NULL},
        {"validation accuracy (right axis)", COLOR_ACC, "7,4"},
    };
    double x = LEFT;
    fprintf(f, "<g id=\"legend\">\n");
    for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
        fprintf(f, "<line x1=\"%.1f\" y1=\"58\" x2=\"%.1f\" y2=\"58\" stroke=\"%s\" "
                "stroke-width=\"2.5\"%s%s%s/>\n", x, x + 28, items[i].color,
                items[i].dash ? " stroke-dasharray=\"" : "", items[i].dash ? items[i].dash : "",
                items[i].dash ? "\"" : "");
        fprintf(f, "<text class=\"legend\" x=\"%.1f\" y=\"62\">%s</text>\n", x + 36, items[i].label);
        /* NOTE: item widths come from an estimate of 7 px per character at
         * 13 px, not from measured text. */
        x += 36 + 7.0 * (double)strlen(items[i].label) + 24;
    }
    fprintf(f, "</g>\n");
}

static void write_chart(FILE *f, const char *title, const clmlp_epoch_stats *history, size_t count)
{
    double x_left = LEFT, x_right = WIDTH - RIGHT, y_top = TOP, y_bottom = HEIGHT - BOTTOM;

    double loss_lo = INFINITY, loss_hi = -INFINITY, acc_lo = INFINITY, acc_hi = -INFINITY;
    for (size_t i = 0; i < count; i++) {
        loss_lo = fmin(loss_lo, fmin(history[i].train_loss, history[i].val_loss));
        loss_hi = fmax(loss_hi, fmax(history[i].train_loss, history[i].val_loss));
        acc_lo = fmin(acc_lo, history[i].val_accuracy);
        acc_hi = fmax(acc_hi, history[i].val_accuracy);
    }
    int last_epoch = history[count - 1].epoch;
    int first_epoch = history[0].epoch;
    /* Epochs start INSET pixels inside the frame, so the end dots clear it. */
    axis x = nice_axis(first_epoch, last_epoch > first_epoch ? last_epoch : first_epoch + 1, 10,
                       x_left + INSET, x_right - INSET);
    if (x.step < 1)
        x.step = 1;
    axis loss = nice_axis(loss_lo, loss_hi, 6, y_bottom, y_top);
    int loss_intervals = (int)floor((loss.hi - loss.lo) / loss.step + 0.5);
    axis acc = matching_axis(acc_lo, acc_hi, loss_intervals, y_bottom, y_top);

    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" height=\"%d\" "
            "viewBox=\"0 0 %d %d\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n",
            WIDTH, HEIGHT, WIDTH, HEIGHT);
    fprintf(f, "<style>.grid{stroke:#e0e0e0;stroke-width:1}.tick{font-size:12px;fill:#444}"
            ".label{font-size:14px;fill:#222}.legend{font-size:13px;fill:#222}"
            ".title{font-size:17px;font-weight:bold;fill:#111}</style>\n");
    fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
    fprintf(f, "<title>");
    write_escaped(f, title);
    fprintf(f, "</title>\n<text class=\"title\" x=\"%d\" y=\"30\" text-anchor=\"middle\">",
            WIDTH / 2);
    write_escaped(f, title);
    fprintf(f, "</text>\n");
    write_legend(f);

    write_value_ticks(f, &loss, -1, x_left, x_right);
    write_value_ticks(f, &acc, 1, x_left, x_right);
    write_epoch_ticks(f, &x, y_top, y_bottom);
    fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" "
            "stroke=\"#888\"/>\n", x_left, y_top, x_right - x_left, y_bottom - y_top);

    fprintf(f, "<text class=\"label\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">epoch</text>\n",
            (x_left + x_right) / 2, HEIGHT - 16);
    fprintf(f, "<text class=\"label\" transform=\"translate(22 %.1f) rotate(-90)\" "
            "text-anchor=\"middle\">loss (cross-entropy)</text>\n", (y_top + y_bottom) / 2);
    fprintf(f, "<text class=\"label\" transform=\"translate(%d %.1f) rotate(90)\" "
            "text-anchor=\"middle\">validation accuracy</text>\n", WIDTH - 22,
            (y_top + y_bottom) / 2);

    write_curve(f, history, count, TRAIN_LOSS, &x, &loss, COLOR_TRAIN, "train-loss", NULL);
    write_curve(f, history, count, VAL_LOSS, &x, &loss, COLOR_VAL, "val-loss", NULL);
    write_curve(f, history, count, VAL_ACCURACY, &x, &acc, COLOR_ACC, "val-accuracy", "7,4");
    fprintf(f, "</svg>\n");
}

int plot_svg_write(const char *path, const char *title, const clmlp_epoch_stats *history,
                   size_t count)
{
    if (count == 0)
        return EINVAL;
    size_t size = strlen(path) + sizeof ".tmp";
    char *temp = malloc(size);
    if (temp == NULL)
        return ENOMEM;
    snprintf(temp, size, "%s.tmp", path);

    int error = 0;
    FILE *f = fopen(temp, "w");
    if (f == NULL) {
        error = errno;
        free(temp);
        return error;
    }
    write_chart(f, title, history, count);
    if (ferror(f))
        error = EIO;
    if (fclose(f) != 0 && error == 0)
        error = errno;
    if (error == 0 && rename(temp, path) != 0)
        error = errno;
    if (error != 0)
        remove(temp);
    free(temp);
    return error;
}
