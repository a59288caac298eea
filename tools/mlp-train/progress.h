/* Training output of mlp-train: a progress line redrawn in place on a
 * terminal, one summary line per epoch, or only the final result. */
#ifndef MLP_TRAIN_PROGRESS_H
#define MLP_TRAIN_PROGRESS_H

#include <stdio.h>

#include "clmlp.h"

typedef enum output_mode {
    OUTPUT_QUIET,      /* errors and the final result only */
    OUTPUT_LINES,      /* one summary line per epoch, for pipes and files */
    OUTPUT_TERMINAL    /* summary lines plus a progress line redrawn with \r */
} output_mode;

/* Picks the mode for out: quiet when quiet is nonzero, else terminal when
 * out is a terminal, else lines. */
output_mode output_mode_for(int quiet, FILE *out);

/* Writes the summary of one epoch, without a newline, into line. */
void format_epoch_line(char *line, size_t size, const clmlp_epoch_stats *stats);

/* Redraws the progress line on out: the epoch, a bar, the batch count, the
 * running loss, the speed and the time left in the epoch. */
void draw_progress(FILE *out, const clmlp_progress *progress);

/* Prints an epoch's summary line on out in the given mode, replacing the
 * progress line on a terminal. Prints nothing in quiet mode. */
void print_epoch(FILE *out, output_mode mode, const clmlp_epoch_stats *stats);

#endif
