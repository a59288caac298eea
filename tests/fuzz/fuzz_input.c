/* The temporary file through which fuzz inputs reach path-based readers. */
#include "fuzz_input.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char path[] = "/tmp/clmlp-fuzz-XXXXXX";
static int path_ready;

static void remove_input(void)
{
    unlink(path);
}

const char *fuzz_input_path(const uint8_t *data, size_t size)
{
    if (!path_ready) {
        int fd = mkstemp(path);
        if (fd < 0)
            abort();
        close(fd);
        atexit(remove_input);
        path_ready = 1;
    }
    FILE *file = fopen(path, "wb");
    if (file == NULL)
        abort();
    size_t written = fwrite(data, 1, size, file);
    if (fclose(file) != 0 || written != size)
        abort();
    return path;
}
