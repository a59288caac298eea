/* Hands a fuzz input to readers that take a path: a temporary file that is
 * rewritten for every input and removed at exit. */
#ifndef CLMLP_FUZZ_INPUT_H
#define CLMLP_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>

/* Writes data to the temporary file and returns its path; aborts when the
 * file cannot be written, because no input could be tested. */
const char *fuzz_input_path(const uint8_t *data, size_t size);

#endif
