#!/usr/bin/env bash
# mlp-train with a network too large for clmlp or for the device: exit
# status 1 and a message with the size requested and the limit, without a
# crash or a long run.
. "$(dirname "$0")/lib.sh"

# 128 x 128 images make W1 16384 x 1048576, past the 2^31 - 1 elements that
# 32-bit kernel indices reach.
data=$(make_data large good --side 128 --count 16)
expect 1 'dimension 1 of 1048576 has more than 2147483647 elements.*smaller batch size or model' \
    --data "$data" --epochs 1 --hidden 1048576 --batch-size 1048576

# PoCL's POCL_MEMORY_LIMIT=1 gives its CPU device 1 GiB of global memory and
# a maximum allocation of 256 MiB, far below W1's 784 x 1048576 floats.
if "$MLP_TRAIN" --list-devices 2>/dev/null | grep -q pthread; then
    data=$(make_data mnist-size good --side 28 --count 16)
    POCL_MEMORY_LIMIT=1 expect 1 \
        'a buffer of 3288334336 bytes exceeds the maximum allocation of .*\([0-9]+ bytes\)' \
        --data "$data" --epochs 1 --hidden 1048576 --device pthread
else
    echo "skip: no PoCL pthread device for the POCL_MEMORY_LIMIT case"
fi

finish
