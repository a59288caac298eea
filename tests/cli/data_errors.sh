#!/usr/bin/env bash
# mlp-train on data folders with one defect each: exit status 1 and a message
# that names the file and the problem; valid gzip and raw folders train.
. "$(dirname "$0")/lib.sh"

quick=(--epochs 1 --hidden 16 --batch-size 64)

expect 0 '^epoch 1/1 ' --data "$(make_data good good)" "${quick[@]}"
expect 0 '^epoch 1/1 ' --data "$(make_data raw good-raw)" "${quick[@]}"

dir=$(make_data bad-magic bad-magic)
expect 1 "train-images-idx3-ubyte.gz starts with bytes 12 34.*not an IDX file" --data "$dir" "${quick[@]}"

dir=$(make_data short-body short-body)
expect 1 "train-images-idx3-ubyte.gz: the header claims 12800 bytes of data but the file contains 12700" \
    --data "$dir" "${quick[@]}"

dir=$(make_data overflow overflow)
expect 1 "train-images-idx3-ubyte.gz: the header's dimensions describe more than [0-9]+ bytes" \
    --data "$dir" "${quick[@]}"

dir=$(make_data count-mismatch count-mismatch)
expect 1 "contains 200 images but .*train-labels-idx1-ubyte.gz contains 199 labels" \
    --data "$dir" "${quick[@]}"

dir=$(make_data label-range label-range)
expect 1 "train-labels-idx1-ubyte.gz: label 199 is 10, but the dataset has 10 classes" \
    --data "$dir" "${quick[@]}"

dir=$(make_data truncated-gz truncated-gz)
expect 1 "train-images-idx3-ubyte.gz: the gzip data ends early.*truncated" --data "$dir" "${quick[@]}"

dir=$(make_data corrupt-gz corrupt-gz)
expect 1 "train-images-idx3-ubyte.gz: (invalid gzip data|the gzip data ends early)" \
    --data "$dir" "${quick[@]}"

dir=$(make_data missing-file missing-file)
expect 1 "train-labels-idx1-ubyte not found in the data folder $dir" --data "$dir" "${quick[@]}"

dir=$(make_data empty empty)
expect 1 "train-images-idx3-ubyte not found in the data folder $dir" --data "$dir" "${quick[@]}"

expect 1 "data folder $WORK/absent not found" --data "$WORK/absent" "${quick[@]}"

touch "$WORK/plain-file"
expect 1 "data folder $WORK/plain-file is not a folder" --data "$WORK/plain-file" "${quick[@]}"

finish
