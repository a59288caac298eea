/* Writes mlp-train's SVG chart for synthetic histories, for the shell test
 * that checks the files with xmllint. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot_svg.h"

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: test_plot_svg EPOCHS FILE.svg\n");
        return 2;
    }
    int epochs = atoi(argv[1]);
    if (epochs < 1 || epochs > 1000) {
        fprintf(stderr, "test_plot_svg: EPOCHS must be from 1 to 1000, got %s\n", argv[1]);
        return 2;
    }
    clmlp_epoch_stats *history = calloc((size_t)epochs, sizeof *history);
    if (history == NULL)
        return 1;
    for (int i = 0; i < epochs; i++) {
        double t = i + 1;
        history[i] = (clmlp_epoch_stats){.epoch = i + 1, .epochs = epochs,
                                         .train_loss = 0.3 + 0.9 / t, .val_loss = 0.4 + 0.6 / t,
                                         .val_accuracy = 0.9 - 0.15 / t, .seconds = 1};
    }
    /* The title carries characters that XML must escape. */
    int error = plot_svg_write(argv[2], "scratch <hidden 256> & \"batch\" 64", history,
                               (size_t)epochs);
    free(history);
    if (error != 0) {
        fprintf(stderr, "test_plot_svg: cannot write %s: %s\n", argv[2], strerror(error));
        return 1;
    }
    return 0;
}
