# Helpers shared by the mlp-train tests: generated data folders and a check
# of mlp-train's exit status and error message.
#
# Each test script is run as: SCRIPT MLP_TRAIN MAKE_DATA KERNEL_SOURCE_DIR
set -uo pipefail

MLP_TRAIN=$1
MAKE_DATA=$2
KERNEL_SOURCES=$3

WORK=$(mktemp -d "${TMPDIR:-/tmp}/clmlp-cli-XXXXXX")
trap 'rm -rf "$WORK"' EXIT
failures=0

# make_data NAME DEFECT [--side N] [--count N]: writes $WORK/NAME with the
# make_data program and prints its path.
make_data() {
    local dir="$WORK/$1"
    shift
    "$MAKE_DATA" "$dir" "$@" >&2 || { echo "make_data failed for $dir" >&2; exit 1; }
    echo "$dir"
}

# expect STATUS PATTERN [ARGS...]: runs mlp-train with ARGS, then checks
# that it exited with STATUS and that the extended regular expression
# PATTERN matches its stderr, or its stdout or stderr when STATUS is 0. A run that
# dies on a signal or exceeds the time limit always fails.
expect() {
    local want=$1 pattern=$2
    shift 2
    local status=0
    timeout 300 "$MLP_TRAIN" "$@" >"$WORK/stdout" 2>"$WORK/stderr" || status=$?

    local output="$WORK/stderr"
    [ "$want" -eq 0 ] && output="$WORK/stdout"
    local problem=""
    if [ "$status" -eq 124 ]; then
        problem="timed out after 300 s"
    elif [ "$status" -gt 128 ]; then
        problem="died on signal $((status - 128))"
    elif [ "$status" -ne "$want" ]; then
        problem="exited with $status, expected $want"
    elif ! grep -Eq -- "$pattern" "$output" && ! grep -Eq -- "$pattern" "$WORK/stderr"; then
        problem="$(basename "$output") does not match /$pattern/"
    fi

    if [ -n "$problem" ]; then
        failures=$((failures + 1))
        echo "FAIL: mlp-train $*: $problem" >&2
        sed 's/^/  stderr: /' "$WORK/stderr" >&2
        tail -n 3 "$WORK/stdout" | sed 's/^/  stdout: /' >&2
    else
        echo "ok: mlp-train $* -> $status"
    fi
}

# finish: exits 1 when any check failed.
finish() {
    if [ "$failures" -gt 0 ]; then
        echo "$failures check(s) failed" >&2
        exit 1
    fi
    exit 0
}
