#!/bin/sh
# Runs mlp-train on a small generated dataset and checks --help, the man
# page, --list-devices, --plot, --metrics, --profile, --quiet and the
# progress line on a terminal.
# usage: test_cli.sh MLP_TRAIN MAKE_DATA MAN_PAGE
set -eu
mlp_train=$1
make_data=$2
man_page=$3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# --help lists every option with a default, and the man page documents each.
"$mlp_train" --help >"$dir/help" || fail "--help exited with $?"
options=$(grep -o '^  --[a-z-]*' "$dir/help" | tr -d ' ')
[ "$(echo "$options" | wc -l)" -ge 10 ] || fail "--help lists too few options: $options"
for option in $options; do
    escaped=$(echo "$option" | sed 's/-/\\\\-/g')
    grep -q -- "$escaped" "$man_page" || fail "the man page lacks $option"
done
# Join each option's wrapped lines into one before looking for its default.
missing=$(awk '/^  --/ { if (entry != "") print entry; entry = $0; next }
               /^   / && entry != "" { entry = entry $0; next }
               { if (entry != "") print entry; entry = "" }
               END { if (entry != "") print entry }' "$dir/help" |
          grep -vc '(default' || true)
[ "$missing" = 0 ] || fail "$missing options in --help show no default"

# --list-devices names the PoCL devices and marks the default.
"$mlp_train" --list-devices >"$dir/devices" || fail "--list-devices exited with $?"
grep -q 'pthread' "$dir/devices" || fail "--list-devices shows no pthread device"
grep -q '^ \* [0-9]*:[0-9]* ' "$dir/devices" || fail "--list-devices marks no default"
grep -q 'OpenCL' "$dir/devices" || fail "--list-devices shows no OpenCL version column"

"$make_data" "$dir" good-raw --count 1000 || fail "cannot write the generated dataset"
train() {
    "$mlp_train" --data "$dir" --epochs 3 --hidden 16 --batch-size 50 --lr 0.3 --device pthread "$@"
}

# Lines mode: one summary per epoch, the chart, the CSV and the profile.
train --plot "$dir/curves.svg" --metrics "$dir/metrics.csv" --profile >"$dir/out" ||
    fail "training exited with $?"
[ "$(grep -c '^epoch [1-3]/3  train_loss' "$dir/out")" = 3 ] || fail "expected 3 epoch lines"
if grep -q "$(printf '\r')" "$dir/out"; then
    fail "progress line written to a pipe"
fi
[ "$(wc -l <"$dir/metrics.csv")" = 4 ] || fail "metrics CSV needs a header and 3 rows"
grep -q '</svg>' "$dir/curves.svg" || fail "the chart is incomplete"
[ ! -e "$dir/curves.svg.tmp" ] || fail "the chart's temporary file was left behind"
if command -v xmllint >/dev/null; then
    xmllint --noout "$dir/curves.svg" || fail "the chart is not well-formed XML"
fi
# Profile rows read: total ms, calls, mean us, share, kind, name.
awk '$5 == "gemm" && $1 > 0 { g++ } $5 == "kernel" && $1 > 0 { k++ }
     END { exit !(g > 0 && k > 0) }' "$dir/out" ||
    fail "--profile shows no GEMM or kernel with device time"
grep -q 'sgemm NN m=50 n=16 k=64' "$dir/out" || fail "--profile lacks the first layer's GEMM"

# Quiet mode: only the final result.
train --quiet >"$dir/quiet" || fail "--quiet training exited with $?"
[ "$(wc -l <"$dir/quiet")" = 1 ] || fail "--quiet printed $(wc -l <"$dir/quiet") lines"
grep -q '^epoch 3/3  train_loss' "$dir/quiet" || fail "--quiet lacks the final result"

# Terminal mode: script(1) gives mlp-train a pseudo-terminal, so it redraws
# a progress line with carriage returns before each summary.
if command -v script >/dev/null; then
    script -qec "$mlp_train --data $dir --epochs 2 --hidden 16 --batch-size 10 \
        --device pthread --progress-every 0.000001" "$dir/typescript" >/dev/null ||
        fail "training under script exited with $?"
    grep -q "$(printf '\r')epoch 1/2 \[" "$dir/typescript" || fail "no progress line on a terminal"
    grep -q 'loss [0-9.]*  [0-9]* samples/s  [0-9:]* left' "$dir/typescript" ||
        fail "the progress line lacks loss, speed or time left"
    grep -q "$(printf '\r')$(printf '\033')\[Kepoch 2/2  train_loss" "$dir/typescript" ||
        fail "the summary line does not replace the progress line"
else
    echo "script(1) not found: the terminal check did not run" >&2
fi

# A usage error exits 2 and names the option.
if "$mlp_train" --progress-every 0 2>"$dir/error"; then
    fail "--progress-every 0 was accepted"
fi
grep -q -- '--progress-every' "$dir/error" || fail "the usage error does not name the option"
echo "ok"
