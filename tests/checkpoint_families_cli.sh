#!/bin/sh
# mlp-train checkpoints of the FC block with BatchNorm1d and Adam, of the
# concise MLP with AdamW, and of a binary task, on a small generated
# dataset: --load FILE --eval-only without model or task options reports
# the val_loss and val_acc of the epoch that was saved.
# usage: checkpoint_families_cli.sh MLP_TRAIN MAKE_DATA
set -eu
mlp_train=$1
make_data=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

fail() {
    echo "FAIL: $*" >&2
    for f in "$dir"/*.out; do
        [ -f "$f" ] && { echo "--- $f" >&2; cat "$f" >&2; }
    done
    exit 1
}

"$make_data" "$dir" good-raw --count 1000 || fail "cannot write the generated dataset"

# Prints "val_loss X val_acc Y" from the first line of file that starts
# with prefix.
result() {
    sed -n "s|^$2.* \(val_loss [0-9.]*  val_acc [0-9.]*\) .*|\1|p" "$1" | head -n 1
}

# Trains one epoch with the given options and --save, evaluates the file
# with --eval-only alone, and compares the two results.
check() {
    name=$1
    shift
    "$mlp_train" --data "$dir" --device pthread --epochs 1 --save "$dir/$name.st" "$@" \
        >"$dir/$name-train.out" 2>&1 || fail "$name: training exited with $?"
    "$mlp_train" --data "$dir" --device pthread --load "$dir/$name.st" --eval-only \
        >"$dir/$name-eval.out" 2>&1 || fail "$name: --eval-only exited with $?"
    trained=$(result "$dir/$name-train.out" "epoch 1/1")
    evaluated=$(result "$dir/$name-eval.out" "checkpoint")
    [ -n "$trained" ] || fail "$name: no val_loss and val_acc after training"
    [ "$trained" = "$evaluated" ] ||
        fail "$name: \"$trained\" after training, \"$evaluated\" from --eval-only"
}

check fc --model fc --hidden 64,32 --batch-norm --optimizer adam --lr 0.01
check concise --model concise --hidden 32 --optimizer adamw --lr 0.01
check binary --model fc --hidden 16 --dropout 0.2 --positive-classes 1,3 --sigmoid

# The binary task's file continues training on the binary task.
"$mlp_train" --data "$dir" --device pthread --load "$dir/binary.st" --epochs 2 \
    >"$dir/binary-resume.out" 2>&1 || fail "resuming the binary task exited with $?"
grep -q '^epoch 2/2  train_loss' "$dir/binary-resume.out" || fail "the resumed run lacks epoch 2"

# A task option that contradicts the checkpoint is an error.
if "$mlp_train" --data "$dir" --device pthread --load "$dir/binary.st" --eval-only \
    --positive-classes 2 >"$dir/conflict.out" 2>&1; then
    fail "--positive-classes 2 was accepted for a checkpoint of classes 1,3"
fi
grep -q 'differs from the classes' "$dir/conflict.out" || fail "the conflict message is missing"
echo "ok"
