/* Platform and device discovery and device selection. */
#include "runtime/device.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/cl_error.h"

#define MAX_PLATFORMS 16
#define MAX_DEVICES_PER_PLATFORM 64

/* Copies a device string into out, cut to fit: a driver rejects a buffer
 * shorter than the whole string, so read it whole first. */
static void read_string(cl_device_id device, cl_device_info what, char *out, size_t size)
{
    size_t length = 0;
    char *full = NULL;
    if (clGetDeviceInfo(device, what, 0, NULL, &length) == CL_SUCCESS && length > 0)
        full = malloc(length);
    if (full != NULL && clGetDeviceInfo(device, what, length, full, NULL) == CL_SUCCESS) {
        full[length - 1] = '\0';
        snprintf(out, size, "%s", full);
    } else {
        snprintf(out, size, "unknown");
    }
    free(full);
}

static void fill_info(cl_platform_id platform, cl_device_id device, unsigned p, unsigned d,
                      clmlp_device_info *info)
{
    memset(info, 0, sizeof *info);
    info->platform_index = p;
    info->device_index = d;
    if (clGetPlatformInfo(platform, CL_PLATFORM_NAME, sizeof info->platform_name,
                          info->platform_name, NULL) != CL_SUCCESS)
        snprintf(info->platform_name, sizeof info->platform_name, "unknown");
    info->platform_name[sizeof info->platform_name - 1] = '\0';
    read_string(device, CL_DEVICE_NAME, info->device_name, sizeof info->device_name);
    read_string(device, CL_DEVICE_VERSION, info->device_version, sizeof info->device_version);
    read_string(device, CL_DRIVER_VERSION, info->driver_version, sizeof info->driver_version);

    cl_device_type type = 0;
    cl_uint units = 0;
    cl_ulong global = 0, max_alloc = 0;
    size_t work_group = 0;
    clGetDeviceInfo(device, CL_DEVICE_TYPE, sizeof type, &type, NULL);
    clGetDeviceInfo(device, CL_DEVICE_MAX_COMPUTE_UNITS, sizeof units, &units, NULL);
    clGetDeviceInfo(device, CL_DEVICE_GLOBAL_MEM_SIZE, sizeof global, &global, NULL);
    clGetDeviceInfo(device, CL_DEVICE_MAX_MEM_ALLOC_SIZE, sizeof max_alloc, &max_alloc, NULL);
    clGetDeviceInfo(device, CL_DEVICE_MAX_WORK_GROUP_SIZE, sizeof work_group, &work_group, NULL);
    info->is_gpu = (type & CL_DEVICE_TYPE_GPU) != 0;
    info->is_cpu = (type & CL_DEVICE_TYPE_CPU) != 0;
    info->compute_units = units;
    info->global_memory = global;
    info->max_allocation = max_alloc;
    info->max_work_group_size = work_group;
}

/* Calls visit for every device; stops early when visit returns nonzero. */
static clmlp_status for_each_device(int (*visit)(cl_platform_id, cl_device_id,
                                                 const clmlp_device_info *, void *),
                                    void *user)
{
    cl_platform_id platforms[MAX_PLATFORMS];
    cl_uint platform_count = 0;
    cl_int code = clGetPlatformIDs(MAX_PLATFORMS, platforms, &platform_count);
    if (code == -1001 /* CL_PLATFORM_NOT_FOUND_KHR */ || (code == CL_SUCCESS && platform_count == 0))
        return clmlp_fail(CLMLP_ERROR_NO_PLATFORM,
                          "no OpenCL platform found; install an OpenCL driver "
                          "(for example pocl-opencl-icd) and check /etc/OpenCL/vendors");
    if (code != CL_SUCCESS)
        return clmlp_fail_cl(code, "clGetPlatformIDs", __FILE__, __LINE__);
    if (platform_count > MAX_PLATFORMS)
        platform_count = MAX_PLATFORMS;

    for (cl_uint p = 0; p < platform_count; p++) {
        cl_device_id devices[MAX_DEVICES_PER_PLATFORM];
        cl_uint device_count = 0;
        code = clGetDeviceIDs(platforms[p], CL_DEVICE_TYPE_ALL, MAX_DEVICES_PER_PLATFORM,
                              devices, &device_count);
        if (code == CL_DEVICE_NOT_FOUND)
            continue;
        if (code != CL_SUCCESS)
            return clmlp_fail_cl(code, "clGetDeviceIDs", __FILE__, __LINE__);
        if (device_count > MAX_DEVICES_PER_PLATFORM)
            device_count = MAX_DEVICES_PER_PLATFORM;

        for (cl_uint d = 0; d < device_count; d++) {
            clmlp_device_info info;
            fill_info(platforms[p], devices[d], p, d, &info);
            if (visit(platforms[p], devices[d], &info, user))
                return CLMLP_SUCCESS;
        }
    }
    return CLMLP_SUCCESS;
}

typedef struct device_list {
    clmlp_device_info *items;
    size_t count;
    size_t capacity;
    int out_of_memory;
} device_list;

static int append_device(cl_platform_id platform, cl_device_id device,
                         const clmlp_device_info *info, void *user)
{
    (void)platform;
    (void)device;
    device_list *list = user;
    if (list->count == list->capacity) {
        size_t capacity = list->capacity ? list->capacity * 2 : 8;
        clmlp_device_info *items = realloc(list->items, capacity * sizeof *items);
        if (items == NULL) {
            list->out_of_memory = 1;
            return 1;
        }
        list->items = items;
        list->capacity = capacity;
    }
    list->items[list->count++] = *info;
    return 0;
}

clmlp_status clmlp_list_devices(clmlp_device_info **devices, size_t *count)
{
    if (devices == NULL || count == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_list_devices: NULL output pointer");
    *devices = NULL;
    *count = 0;

    device_list list = {0};
    clmlp_status status = for_each_device(append_device, &list);
    if (status == CLMLP_SUCCESS && list.out_of_memory)
        status = clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory listing devices");
    if (status == CLMLP_SUCCESS && list.count == 0)
        status = clmlp_fail(CLMLP_ERROR_NO_PLATFORM,
                            "the OpenCL platforms report no devices; check the driver installation");
    if (status != CLMLP_SUCCESS) {
        free(list.items);
        return status;
    }
    *devices = list.items;
    *count = list.count;
    return CLMLP_SUCCESS;
}

static int contains_ignoring_case(const char *text, const char *part)
{
    size_t n = strlen(part);
    if (n == 0)
        return 1;
    for (; *text; text++) {
        size_t i = 0;
        while (i < n && text[i] &&
               tolower((unsigned char)text[i]) == tolower((unsigned char)part[i]))
            i++;
        if (i == n)
            return 1;
    }
    return 0;
}

/* Parses "P:D" with decimal indices; returns 0 when the text has another form. */
static int parse_index_selector(const char *selector, unsigned *platform, unsigned *device)
{
    char *end = NULL;
    if (!isdigit((unsigned char)selector[0]))
        return 0;
    unsigned long p = strtoul(selector, &end, 10);
    if (*end != ':' || !isdigit((unsigned char)end[1]))
        return 0;
    unsigned long d = strtoul(end + 1, &end, 10);
    if (*end != '\0' || p > 1000000 || d > 1000000)
        return 0;
    *platform = (unsigned)p;
    *device = (unsigned)d;
    return 1;
}

typedef struct selection {
    const char *selector;
    int by_index;
    unsigned platform_index, device_index;
    int found;
    int found_gpu_default;
    clmlp_device_info info;
    cl_platform_id platform;
    cl_device_id device;
} selection;

static int match_device(cl_platform_id platform, cl_device_id device,
                        const clmlp_device_info *info, void *user)
{
    selection *s = user;
    int match;
    if (s->selector == NULL)
        match = info->is_gpu || !s->found;   /* the first GPU wins, else the first device */
    else if (s->by_index)
        match = info->platform_index == s->platform_index && info->device_index == s->device_index;
    else
        match = contains_ignoring_case(info->device_name, s->selector) ||
                contains_ignoring_case(info->platform_name, s->selector);
    if (!match)
        return 0;

    s->found = 1;
    s->info = *info;
    s->platform = platform;
    s->device = device;
    if (s->selector == NULL)
        return info->is_gpu;    /* keep looking for a GPU after a CPU default */
    return 1;
}

static void append_device_names(void)
{
    clmlp_device_info *devices = NULL;
    size_t count = 0;
    char saved[512];
    snprintf(saved, sizeof saved, "%s", clmlp_error_message());
    if (clmlp_list_devices(&devices, &count) != CLMLP_SUCCESS) {
        clmlp_fail(CLMLP_ERROR_DEVICE_NOT_FOUND, "%s", saved);
        return;
    }
    clmlp_fail(CLMLP_ERROR_DEVICE_NOT_FOUND, "%s; available devices:", saved);
    for (size_t i = 0; i < count; i++)
        clmlp_fail_append(CLMLP_ERROR_DEVICE_NOT_FOUND, " %u:%u \"%s\" (%s)%s",
                          devices[i].platform_index, devices[i].device_index,
                          devices[i].device_name, devices[i].platform_name,
                          i + 1 < count ? "," : "");
    free(devices);
}

clmlp_status clmlp_find_device(const char *selector, clmlp_device_info *info,
                               cl_platform_id *platform, cl_device_id *device)
{
    selection s = {0};
    if (selector != NULL && selector[0] != '\0') {
        s.selector = selector;
        s.by_index = parse_index_selector(selector, &s.platform_index, &s.device_index);
    }

    CLMLP_TRY(for_each_device(match_device, &s));
    if (!s.found) {
        clmlp_fail(CLMLP_ERROR_DEVICE_NOT_FOUND,
                   "no OpenCL device matches \"%s\"; use \"P:D\" indices or part of a device or "
                   "platform name",
                   selector ? selector : "");
        append_device_names();
        return CLMLP_ERROR_DEVICE_NOT_FOUND;
    }
    if (info)
        *info = s.info;
    if (platform)
        *platform = s.platform;
    if (device)
        *device = s.device;
    return CLMLP_SUCCESS;
}

clmlp_status clmlp_select_device(const char *selector, clmlp_device_info *selected)
{
    if (selected == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_select_device: NULL output pointer");
    return clmlp_find_device(selector, selected, NULL, NULL);
}

const char *clmlp_device_from_environment(void)
{
    const char *value = getenv("CLMLP_DEVICE");
    return (value != NULL && value[0] != '\0') ? value : NULL;
}
