#!/usr/bin/env bash
# mlp-train with a learning rate so large that the loss becomes NaN: exit
# status 1, a message naming the epoch and the step that suggests a lower
# learning rate, and no metrics row for the diverged epoch.
. "$(dirname "$0")/lib.sh"

data=$(make_data diverging good --side 28 --count 1024)
metrics="$WORK/metrics.csv"
expect 1 'the training loss became NaN or infinite in epoch 1 at step [1-8] of 8 .*lower the learning rate' \
    --data "$data" --epochs 3 --hidden 256 --batch-size 128 --lr 1e6 --metrics "$metrics"

# Only the header: the epoch callback never saw the diverged epoch.
rows=$(wc -l <"$metrics")
if [ "$rows" -ne 1 ]; then
    failures=$((failures + 1))
    echo "FAIL: $metrics has $rows lines, expected only the header" >&2
fi

finish
