/* Prints the OpenCL devices that mlp-train can run on. */
#include "device_list.h"

#include <stdlib.h>
#include <string.h>

static const char *device_type(const clmlp_device_info *d)
{
    if (d->is_gpu)
        return "GPU";
    if (d->is_cpu)
        return "CPU";
    return "other";
}

/* Writes bytes in binary units, such as "15.6 GiB". */
static void format_bytes(char *text, size_t size, uint64_t bytes)
{
    static const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double value = (double)bytes;
    size_t unit = 0;
    while (value >= 1024 && unit + 1 < sizeof units / sizeof units[0]) {
        value /= 1024;
        unit++;
    }
    snprintf(text, size, unit == 0 ? "%.0f %s" : "%.1f %s", value, units[unit]);
}

clmlp_status print_devices(FILE *out)
{
    clmlp_device_info *devices = NULL;
    size_t count = 0;
    clmlp_status status = clmlp_list_devices(&devices, &count);
    if (status != CLMLP_SUCCESS)
        return status;

    clmlp_device_info chosen;
    int have_default = clmlp_select_device(NULL, &chosen) == CLMLP_SUCCESS;
    fprintf(out, "   %-5s %-5s %5s %11s %11s  %-10s %s\n", "index", "type", "units", "memory",
            "max alloc", "OpenCL", "device");
    for (size_t i = 0; i < count; i++) {
        const clmlp_device_info *d = &devices[i];
        if (i == 0 || d->platform_index != devices[i - 1].platform_index)
            fprintf(out, "platform %u: %s\n", d->platform_index, d->platform_name);

        int is_default = have_default && d->platform_index == chosen.platform_index &&
                         d->device_index == chosen.device_index;
        char index[16], memory[32], allocation[32], version[16] = "?";
        snprintf(index, sizeof index, "%u:%u", d->platform_index, d->device_index);
        format_bytes(memory, sizeof memory, d->global_memory);
        format_bytes(allocation, sizeof allocation, d->max_allocation);
        /* device_version reads "OpenCL <major>.<minor> <vendor text>". */
        sscanf(d->device_version, "OpenCL %15s", version);
        fprintf(out, " %c %-5s %-5s %5u %11s %11s  %-10s %s\n", is_default ? '*' : ' ', index,
                device_type(d), d->compute_units, memory, allocation, version, d->device_name);
    }
    if (have_default)
        fprintf(out, "* default device: --device and CLMLP_DEVICE select another\n");
    free(devices);
    return CLMLP_SUCCESS;
}
