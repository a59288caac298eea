/* SIGINT and SIGTERM handling for mlp-train: the handler only records the
 * signal, and training checks it between batches. */
#ifndef MLP_TRAIN_STOP_SIGNAL_H
#define MLP_TRAIN_STOP_SIGNAL_H

/* Installs the handlers. Returns nonzero and sets errno on failure. */
int stop_signal_install(void);

/* Returns the number of the first SIGINT or SIGTERM received, or 0. */
int stop_signal_received(void);

#endif
