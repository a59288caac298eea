/* The text form of a set of CLBlast GEMM parameters, as stored in the
 * cache folder. */
#include "blas/tuning.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reads NAME=VALUE for every name from the words of one line. */
static int read_values(char *words, size_t count, const char *const *names, size_t *values)
{
    bool seen[CLMLP_XGEMM_PARAMS] = {false};
    size_t matched = 0;
    for (char *save = NULL, *word = strtok_r(words, " \t\r", &save); word != NULL;
         word = strtok_r(NULL, " \t\r", &save)) {
        char *equals = strchr(word, '=');
        if (equals == NULL)
            return -1;
        *equals = '\0';
        char *end = NULL;
        unsigned long long value = strtoull(equals + 1, &end, 10);
        if (end == equals + 1 || *end != '\0' || value > 1u << 20)
            return -1;

        size_t i = 0;
        while (i < count && strcmp(names[i], word) != 0)
            i++;
        if (i == count || seen[i])
            return -1;
        seen[i] = true;
        values[i] = (size_t)value;
        matched++;
    }
    return matched == count ? 0 : -1;
}

static int parse_line(char *line, clmlp_gemm_tuning *tuning)
{
    char *rest = line + strcspn(line, " \t");
    if (*rest != '\0')
        *rest++ = '\0';
    if (strcmp(line, "Xgemm") == 0) {
        tuning->has_xgemm = true;
        return read_values(rest, CLMLP_XGEMM_PARAMS, clmlp_xgemm_param_names, tuning->xgemm);
    }
    if (strcmp(line, "XgemmDirect") == 0) {
        tuning->has_direct = true;
        return read_values(rest, CLMLP_DIRECT_PARAMS, clmlp_direct_param_names, tuning->direct);
    }
    if (strcmp(line, "GemmRoutine") == 0) {
        static const char *const routine_names[1] = {"XGEMM_MIN_INDIRECT_SIZE"};
        tuning->has_min_indirect = true;
        return read_values(rest, 1, routine_names, &tuning->min_indirect);
    }
    return -1;
}

clmlp_status clmlp_gemm_tuning_parse(const char *text, clmlp_gemm_tuning *tuning)
{
    *tuning = (clmlp_gemm_tuning){0};
    size_t number = 0;
    for (const char *line = text; *line != '\0'; number++) {
        size_t length = strcspn(line, "\n");
        char buffer[1024];
        if (length >= sizeof buffer)
            return clmlp_fail(CLMLP_ERROR_FORMAT, "tuning file line %zu is too long", number + 1);
        memcpy(buffer, line, length);
        buffer[length] = '\0';
        line += length + (line[length] == '\n');

        if (buffer[strspn(buffer, " \t\r")] == '\0' || buffer[0] == '#')
            continue;
        if (parse_line(buffer, tuning) != 0)
            return clmlp_fail(CLMLP_ERROR_FORMAT, "tuning file line %zu is not a kernel name "
                              "followed by NAME=VALUE for each of its parameters", number + 1);
    }
    if (!tuning->has_xgemm && !tuning->has_direct && !tuning->has_min_indirect)
        return clmlp_fail(CLMLP_ERROR_FORMAT, "the tuning file contains no parameters");
    return CLMLP_SUCCESS;
}

/* Appends piece to text, counting the full length even past size. */
static void put(char *text, size_t size, size_t *used, const char *piece)
{
    size_t length = strlen(piece);
    if (*used < size) {
        size_t room = size - *used - 1;
        size_t copied = length < room ? length : room;
        memcpy(text + *used, piece, copied);
        text[*used + copied] = '\0';
    }
    *used += length;
}

static void put_group(char *text, size_t size, size_t *used, const char *kernel, size_t count,
                      const char *const *names, const size_t *values)
{
    put(text, size, used, kernel);
    for (size_t i = 0; i < count; i++) {
        char piece[64];
        snprintf(piece, sizeof piece, " %s=%zu", names[i], values[i]);
        put(text, size, used, piece);
    }
    put(text, size, used, "\n");
}

size_t clmlp_gemm_tuning_format(const clmlp_gemm_tuning *tuning, const clmlp_device_info *info,
                                char *text, size_t size)
{
    char header[512];
    snprintf(header, sizeof header, "# CLBlast GEMM parameters for %s, %s, driver %s\n",
             info->device_name, info->platform_name, info->driver_version);
    size_t used = 0;
    if (size > 0)
        text[0] = '\0';
    put(text, size, &used, header);
    if (tuning->has_xgemm)
        put_group(text, size, &used, "Xgemm", CLMLP_XGEMM_PARAMS, clmlp_xgemm_param_names,
                     tuning->xgemm);
    if (tuning->has_direct)
        put_group(text, size, &used, "XgemmDirect", CLMLP_DIRECT_PARAMS,
                     clmlp_direct_param_names, tuning->direct);
    if (tuning->has_min_indirect) {
        static const char *const routine_names[1] = {"XGEMM_MIN_INDIRECT_SIZE"};
        put_group(text, size, &used, "GemmRoutine", 1, routine_names, &tuning->min_indirect);
    }
    return used;
}
