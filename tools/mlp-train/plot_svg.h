/* SVG chart of the training curves that --plot writes after every epoch. */
#ifndef MLP_TRAIN_PLOT_SVG_H
#define MLP_TRAIN_PLOT_SVG_H

#include <stddef.h>

#include "clmlp.h"

/* Writes a chart of train and validation loss (left axis) and validation
 * accuracy (right axis) against epoch for history[0 .. count), titled
 * title, to path. The chart goes to path.tmp first and is renamed over
 * path, so a viewer never sees half a file. Returns 0, or an errno value
 * when the file cannot be written. */
int plot_svg_write(const char *path, const char *title, const clmlp_epoch_stats *history,
                   size_t count);

#endif
