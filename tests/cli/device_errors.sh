#!/usr/bin/env bash
# mlp-train without a usable device or kernel: a device that does not exist,
# no OpenCL platform at all, and kernel sources that fail to build. Each
# exits 1 with a message that names the problem.
. "$(dirname "$0")/lib.sh"

data=$(make_data good good)
quick=(--data "$data" --epochs 1 --hidden 16)

expect 1 'no OpenCL device matches "no-such-device"; .*available devices:' \
    "${quick[@]}" --device no-such-device
expect 1 'no OpenCL device matches "9:9"' "${quick[@]}" --device 9:9
CLMLP_DEVICE=no-such-device expect 1 'no OpenCL device matches "no-such-device"' "${quick[@]}"

# An ICD loader with an empty vendor folder finds no platform.
mkdir "$WORK/no-vendors"
OCL_ICD_VENDORS="$WORK/no-vendors" expect 1 'no OpenCL platform found' "${quick[@]}"
OCL_ICD_VENDORS="$WORK/no-vendors" expect 1 'cannot list OpenCL devices: no OpenCL platform found' \
    --list-devices

# A copy of the kernel sources with one program that does not compile.
mkdir "$WORK/kernels"
cp "$KERNEL_SOURCES"/*.cl "$WORK/kernels/"
echo '__kernel void broken(__global float *x) { x[0] = undefined_name; }' >"$WORK/kernels/loss.cl"
CLMLP_KERNEL_DIR="$WORK/kernels" expect 1 'OpenCL program loss failed to build .*undefined_name' \
    "${quick[@]}"

# A kernel folder without the sources names the missing file.
CLMLP_KERNEL_DIR="$WORK/no-kernels" expect 1 'cannot open kernel source .*no-kernels/[a-z]+\.cl' \
    "${quick[@]}"

finish
