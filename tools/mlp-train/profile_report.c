/* Prints the device time that clmlp's event profile recorded. */
#include "profile_report.h"

#include <stdlib.h>

clmlp_status print_profile(FILE *out, clmlp_context *ctx)
{
    clmlp_profile_entry *entries = NULL;
    size_t count = 0;
    clmlp_status status = clmlp_profile_read(ctx, &entries, &count);
    if (status != CLMLP_SUCCESS)
        return status;

    uint64_t total = 0;
    for (size_t i = 0; i < count; i++)
        total += entries[i].nanoseconds;

    fprintf(out, "\ndevice time by kernel and GEMM shape (OpenCL event timestamps):\n");
    fprintf(out, "%12s %10s %12s %7s  %-6s %s\n", "total ms", "calls", "mean us", "share", "kind",
            "name");
    for (size_t i = 0; i < count; i++) {
        const clmlp_profile_entry *e = &entries[i];
        double mean_us = e->calls ? (double)e->nanoseconds / (double)e->calls / 1e3 : 0.0;
        double share = total ? 100.0 * (double)e->nanoseconds / (double)total : 0.0;
        fprintf(out, "%12.2f %10llu %12.2f %6.1f%%  %-6s %s\n", (double)e->nanoseconds / 1e6,
                (unsigned long long)e->calls, mean_us, share,
                e->kind == CLMLP_PROFILE_GEMM ? "gemm" : "kernel", e->name);
    }
    fprintf(out, "%12.2f ms of device time in all\n", (double)total / 1e6);
    free(entries);
    return CLMLP_SUCCESS;
}
