/* mlp-train's per-epoch output and its in-place progress line. */
#include "progress.h"

#include <string.h>
#include <unistd.h>

/* Clears from the cursor to the end of the line (ANSI EL). */
#define CLEAR_LINE "\033[K"
#define BAR_WIDTH 20

output_mode output_mode_for(int quiet, FILE *out)
{
    if (quiet)
        return OUTPUT_QUIET;
    return isatty(fileno(out)) ? OUTPUT_TERMINAL : OUTPUT_LINES;
}

void format_epoch_line(char *line, size_t size, const clmlp_epoch_stats *s)
{
    snprintf(line, size,
             "epoch %d/%d  train_loss %.4f  val_loss %.4f  val_acc %.4f  %.2f s  %.0f samples/s",
             s->epoch, s->epochs, s->train_loss, s->val_loss, s->val_accuracy, s->seconds,
             s->samples_per_second);
}

/* Writes seconds as M:SS, or H:MM:SS from an hour on. */
static void format_duration(char *text, size_t size, double seconds)
{
    long total = seconds > 0 ? (long)(seconds + 0.5) : 0;
    if (total >= 3600)
        snprintf(text, size, "%ld:%02ld:%02ld", total / 3600, total / 60 % 60, total % 60);
    else
        snprintf(text, size, "%ld:%02ld", total / 60, total % 60);
}

void draw_progress(FILE *out, const clmlp_progress *p)
{
    char bar[BAR_WIDTH + 1];
    size_t filled = p->batches ? p->batch * BAR_WIDTH / p->batches : 0;
    memset(bar, '#', filled);
    memset(bar + filled, '.', BAR_WIDTH - filled);
    bar[BAR_WIDTH] = '\0';

    char left[32];
    format_duration(left, sizeof left, p->seconds_left);
    fprintf(out, "\repoch %d/%d [%s] %zu/%zu  loss %.4f  %.0f samples/s  %s left" CLEAR_LINE,
            p->epoch, p->epochs, bar, p->batch, p->batches, p->running_loss,
            p->samples_per_second, left);
    fflush(out);
}

void print_epoch(FILE *out, output_mode mode, const clmlp_epoch_stats *stats)
{
    if (mode == OUTPUT_QUIET)
        return;
    char line[256];
    format_epoch_line(line, sizeof line, stats);
    fprintf(out, "%s%s\n", mode == OUTPUT_TERMINAL ? "\r" CLEAR_LINE : "", line);
    fflush(out);
}
