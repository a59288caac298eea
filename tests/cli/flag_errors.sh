#!/usr/bin/env bash
# mlp-train with invalid flags: exit status 2 and a message that names the
# flag and the value, before any file or device is touched.
. "$(dirname "$0")/lib.sh"

data=$(make_data good good)

# Each row: flag and value, then the pattern that the message must match.
while IFS='|' read -r args pattern; do
    read -ra argv <<<"$args"
    expect 2 "$pattern" --data "$data" "${argv[@]}"
done <<'EOF_CASES'
--epochs 0|--epochs must be between 1 and [0-9]+, got 0
--epochs -3|--epochs must be between 1 and [0-9]+, got -3
--epochs ten|--epochs expects a whole number, got "ten"
--epochs 99999999999999999999|--epochs expects a whole number, got "99999999999999999999"
--batch-size 0|--batch-size must be between 1 and [0-9]+, got 0
--batch-size -1|--batch-size must be between 1 and [0-9]+, got -1
--batch-size 1e3|--batch-size expects a whole number, got "1e3"
--lr 0|--lr must be greater than 0, got 0
--lr -0.1|--lr must be greater than 0, got -0.1
--lr nan|--lr expects a finite number, got "nan"
--lr inf|--lr expects a finite number, got "inf"
--lr -inf|--lr expects a finite number, got "-inf"
--lr 1e999|--lr expects a finite number, got "1e999"
--lr fast|--lr expects a finite number, got "fast"
--lr 1e-46|--lr 1e-46 is below the smallest positive float32
--lr=|--lr expects a finite number, got ""
--hidden 0|--hidden expects .*got "0"
--hidden -4|--hidden expects .*got "-4"
--hidden 12x|--hidden expects .*got "12x"
--hidden nan|--hidden expects .*got "nan"
--hidden 256,|--hidden expects .*got "256,"
--hidden ,128|--hidden expects .*got ",128"
--hidden 256,,128|--hidden expects .*got "256,,128"
--hidden 2097152|--hidden expects .*got "2097152"
--hidden=|--hidden needs a non-empty value
--seed -1|--seed must be between 0 and [0-9]+, got -1
--seed x|--seed expects a whole number, got "x"
--model foo|unknown model "foo" for --model
--model=|--model needs a non-empty value
--bogus|unknown option "--bogus"
-x|unknown option "-x"
--epochs|--epochs needs a value
--help=1|--help takes no value
EOF_CASES

finish
