/* Reader of the PyTorch reference files under tests/fixtures/. */
#include "fixtures.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

fixture_file *fixture_open(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", FIXTURE_DIR, name);
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open fixture file %s; regenerate it with "
                  "tools/make_fixtures.py", path);

    fixture_file *file = calloc(1, sizeof *file);
    ck_assert_ptr_nonnull(file);
    char record_name[64];
    size_t count = 0;
    while (fscanf(f, "%63s %zu", record_name, &count) == 2) {
        file->records = realloc(file->records, (file->count + 1) * sizeof *file->records);
        ck_assert_ptr_nonnull(file->records);
        fixture_record *r = &file->records[file->count++];
        snprintf(r->name, sizeof r->name, "%s", record_name);
        r->count = count;
        r->values = malloc((count ? count : 1) * sizeof *r->values);
        ck_assert_ptr_nonnull(r->values);
        for (size_t i = 0; i < count; i++)
            ck_assert_msg(fscanf(f, "%lf", &r->values[i]) == 1, "%s: record %s is shorter than "
                          "%zu values", path, record_name, count);
    }
    ck_assert_msg(feof(f), "%s: malformed record header after %zu records", path, file->count);
    fclose(f);
    return file;
}

void fixture_close(fixture_file *file)
{
    if (file == NULL)
        return;
    for (size_t i = 0; i < file->count; i++)
        free(file->records[i].values);
    free(file->records);
    free(file);
}

const double *fixture_values(const fixture_file *file, const char *name, size_t count)
{
    for (size_t i = 0; i < file->count; i++) {
        if (strcmp(file->records[i].name, name) == 0) {
            ck_assert_msg(file->records[i].count == count, "fixture %s has %zu values, the test "
                          "expects %zu", name, file->records[i].count, count);
            return file->records[i].values;
        }
    }
    ck_abort_msg("fixture %s is missing; regenerate with tools/make_fixtures.py", name);
    return NULL;
}

void fixture_floats(const fixture_file *file, const char *name, size_t count, float *out)
{
    const double *values = fixture_values(file, name, count);
    for (size_t i = 0; i < count; i++)
        out[i] = (float)values[i];
}
