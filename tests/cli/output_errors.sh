#!/usr/bin/env bash
# mlp-train with --save and --plot destinations that cannot be written, and
# --load with a --model that contradicts the checkpoint: exit status 1 and
# a message that names the path or the model, before any epoch is trained.
# Options that --load overrides print a warning.
. "$(dirname "$0")/lib.sh"

data=$(make_data good good)
quick=(--data "$data" --epochs 1 --hidden 8)

expect 1 "--save $WORK/absent/run.st: cannot use folder $WORK/absent: No such file or directory" \
    "${quick[@]}" --save "$WORK/absent/run.st"
expect 1 "--save $data is a folder; give a file name inside it" "${quick[@]}" --save "$data"
expect 1 "--plot $data is a folder; give a file name inside it" "${quick[@]}" --plot "$data"

touch "$WORK/plain-file"
expect 1 "--plot $WORK/plain-file/curves.svg: $WORK/plain-file is not a folder" \
    "${quick[@]}" --plot "$WORK/plain-file/curves.svg"

# No epoch may run before these errors, so no checkpoint appears.
if [ -e "$WORK/absent" ]; then
    echo "FAIL: --save created $WORK/absent" >&2
    failures=$((failures + 1))
fi

expect 0 "epoch 1/1" "${quick[@]}" --model fc --save "$WORK/fc.st"
expect 1 "--model scratch differs from the fc model in $WORK/fc.st; omit --model" \
    --data "$data" --load "$WORK/fc.st" --eval-only --model scratch
expect 0 "checkpoint $WORK/fc.st  epoch 1" --data "$data" --load "$WORK/fc.st" --eval-only --model fc

# Model and optimizer options come from the checkpoint; naming one warns.
expect 0 "warning: --lr is ignored because the model and optimizer settings come from $WORK/fc.st" \
    --data "$data" --load "$WORK/fc.st" --eval-only --lr 5
expect 0 "warning: --batch-norm is ignored" --data "$data" --load "$WORK/fc.st" --eval-only \
    --batch-norm

finish
