#!/bin/sh
# Runs the example program of docs/api.md on a generated dataset.
# usage: test_api_example.sh MAKE_DATA API_EXAMPLE
set -eu
make_data=$1
example=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

"$make_data" "$dir" good-raw --count 1000
"$example" "$dir" >"$dir/out" || { cat "$dir/out"; echo "FAIL: the example exited with $?" >&2; exit 1; }
grep -q '^epoch 3/3: train loss' "$dir/out" || { echo "FAIL: no third epoch" >&2; exit 1; }
grep -q ' calls ' "$dir/out" || { echo "FAIL: no profile rows" >&2; exit 1; }
echo "ok"
