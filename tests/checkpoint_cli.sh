#!/bin/sh
# mlp-train checkpoints end to end on Fashion-MNIST. Training with --save
# and then --eval-only report the same accuracy. Damaged files are rejected
# with exit status 1. SIGINT or SIGTERM during an epoch leaves a loadable
# checkpoint of the last finished epoch, and the exit status is 130 or 143.
#
# usage: checkpoint_cli.sh MLP_TRAIN
set -u

train=$1
data=${CLMLP_TEST_DATA:-/usr/share/datasets/fashion-mnist}
if [ ! -e "$data/train-labels-idx1-ubyte.gz" ] && [ ! -e "$data/train-labels-idx1-ubyte" ]; then
  echo "Fashion-MNIST not found in $data (set CLMLP_TEST_DATA): skipped"
  exit 77
fi

dir=$(mktemp -d /tmp/clmlp-cli-XXXXXX)
trap 'rm -rf "$dir"' EXIT
common="--data $data --hidden 16 --batch-size 256"

fail() {
  echo "FAIL: $*"
  for f in "$dir"/*.out "$dir"/*.err; do
    [ -f "$f" ] && { echo "--- $f"; cat "$f"; }
  done
  exit 1
}

# Prints the val_acc value of the first line of file that starts with prefix.
accuracy() {
  sed -n "s|^$2.* val_acc \([0-9.]*\) .*|\1|p" "$1" | head -n 1
}

# One epoch with --save, then --load --eval-only: same validation accuracy,
# and a metrics file with the header and one row for epoch 1.
"$train" $common --epochs 1 --save "$dir/one.st" >"$dir/train.out" 2>"$dir/train.err" ||
  fail "training one epoch exited with $?"
"$train" $common --load "$dir/one.st" --eval-only --metrics "$dir/eval.csv" \
  >"$dir/eval.out" 2>"$dir/eval.err" || fail "--eval-only exited with $?"
trained=$(accuracy "$dir/train.out" "epoch 1/1")
evaluated=$(accuracy "$dir/eval.out" "checkpoint")
[ -n "$trained" ] && [ "$trained" = "$evaluated" ] ||
  fail "val_acc after training \"$trained\" differs from --eval-only's \"$evaluated\""
[ "$(wc -l <"$dir/eval.csv")" -eq 2 ] || fail "eval.csv should have a header and one row"
[ "$(sed -n 2p "$dir/eval.csv" | cut -d, -f1)" = 1 ] || fail "eval.csv row is not epoch 1"

# Damaged checkpoints: exit status 1 (not a crash) and a message.
size=$(wc -c <"$dir/one.st")
head -c $((size / 2)) "$dir/one.st" >"$dir/half.st"
printf '\377\377\377\000\000\000\000\000{}' >"$dir/past.st"
for name in half past; do
  "$train" $common --load "$dir/$name.st" --eval-only >"$dir/$name.out" 2>"$dir/$name.err"
  rc=$?
  [ $rc -eq 1 ] || fail "loading $name.st exited with $rc, expected 1"
  grep -q "cannot load the checkpoint: .*$name.st" "$dir/$name.err" ||
    fail "loading $name.st printed no message naming the file"
done

# Starts a long run, waits for its first finished epoch, sends the signal
# during the next epoch, and checks the exit status and the checkpoint.
interrupt() {
  signal=$1 expected=$2
  out="$dir/$signal.out"
  "$train" $common --epochs 100 --save "$dir/$signal.st" >"$out" 2>"$dir/$signal.err" &
  pid=$!
  waited=0
  until grep -q "^epoch 1/100 " "$out"; do
    kill -0 $pid 2>/dev/null || fail "training ended before its first epoch"
    [ $waited -lt 3000 ] || { kill -KILL $pid; fail "no epoch finished in 300 s"; }
    sleep 0.1
    waited=$((waited + 1))
  done
  kill -"$signal" $pid
  wait $pid
  rc=$?
  [ $rc -eq "$expected" ] || fail "after SIG$signal mlp-train exited with $rc, expected $expected"

  last=$(sed -n 's/^epoch \([0-9]*\)\/100 .*/\1/p' "$out" | tail -n 1)
  "$train" $common --load "$dir/$signal.st" --eval-only >"$dir/$signal-eval.out" 2>&1 ||
    fail "the checkpoint left by SIG$signal does not load"
  grep -q "^checkpoint .* epoch $last " "$dir/$signal-eval.out" ||
    fail "the checkpoint left by SIG$signal is not epoch $last"
  [ "$(accuracy "$dir/$signal-eval.out" checkpoint)" = "$(accuracy "$out" "epoch $last/100")" ] ||
    fail "the checkpoint left by SIG$signal does not reproduce epoch $last's accuracy"
}

interrupt INT 130
interrupt TERM 143

leftover=$(find "$dir" -name '*.tmp-*')
[ -z "$leftover" ] || fail "temporary files left behind: $leftover"
echo "checkpoint_cli: all checks passed"
