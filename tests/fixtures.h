/* Reader of the PyTorch reference files that tools/make_fixtures.py writes
 * under tests/fixtures/. */
#ifndef CLMLP_TESTS_FIXTURES_H
#define CLMLP_TESTS_FIXTURES_H

#include <stddef.h>

typedef struct fixture_record {
    char name[64];
    size_t count;
    double *values;
} fixture_record;

typedef struct fixture_file {
    fixture_record *records;
    size_t count;
} fixture_file;

/* Reads tests/fixtures/NAME and fails the test when it is missing or
 * malformed. */
fixture_file *fixture_open(const char *name);

void fixture_close(fixture_file *file);

/* Returns the values of record name and fails the test unless it exists
 * with exactly count values. */
const double *fixture_values(const fixture_file *file, const char *name, size_t count);

/* Copies record name into a float array of count values. */
void fixture_floats(const fixture_file *file, const char *name, size_t count, float *out);

#endif
