#!/bin/sh
# Checks that mlp-train's SVG chart is well-formed XML with three curves, a
# legend, axis labels, ticks and an escaped title.
# usage: test_plot_svg.sh TEST_PLOT_SVG XMLLINT
set -eu
writer=$1
xmllint=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# Counts the elements that an XPath expression over local names selects.
count() {
    "$xmllint" --xpath "count($2)" "$1"
}

for epochs in 1 2 12 150; do
    svg="$dir/chart-$epochs.svg"
    "$writer" "$epochs" "$svg" || fail "writing a chart of $epochs epochs"
    [ ! -e "$svg.tmp" ] || fail "$svg.tmp was left behind"
    "$xmllint" --noout "$svg" || fail "chart of $epochs epochs is not well-formed XML"

    [ "$(count "$svg" "/*[local-name()='svg']")" = 1 ] || fail "no svg root element"
    [ "$(count "$svg" "//*[local-name()='polyline']")" = 3 ] || fail "expected 3 curves"
    [ "$(count "$svg" "//*[@id='val-accuracy']/*[local-name()='circle']")" = "$epochs" ] ||
        fail "expected $epochs accuracy points"
    [ "$(count "$svg" "//*[@id='legend']/*[local-name()='text']")" = 3 ] ||
        fail "expected 3 legend entries"
    for label in "train loss" "validation loss" "validation accuracy (right axis)" \
        "epoch" "loss (cross-entropy)" "validation accuracy"; do
        [ "$(count "$svg" "//*[local-name()='text'][.='$label']")" -ge 1 ] ||
            fail "no text \"$label\" in the chart of $epochs epochs"
    done
    ticks=$(count "$svg" "//*[local-name()='text'][@class='tick']")
    [ "$ticks" -ge 8 ] || fail "only $ticks tick labels in the chart of $epochs epochs"
    title=$("$xmllint" --xpath "string(//*[local-name()='title'])" "$svg")
    [ "$title" = 'scratch <hidden 256> & "batch" 64' ] || fail "title reads \"$title\""
done

# Ticks of the accuracy axis sit on the loss grid: both axes get as many labels.
svg="$dir/chart-12.svg"
left=$(count "$svg" "//*[local-name()='text'][@class='tick'][@text-anchor='end']")
right=$(count "$svg" "//*[local-name()='text'][@class='tick'][@text-anchor='start']")
[ "$left" = "$right" ] || fail "$left loss ticks but $right accuracy ticks"

# An unwritable path is an error, not a crash.
if "$writer" 3 "$dir/missing/chart.svg" 2>/dev/null; then
    fail "writing into a missing folder succeeded"
fi
echo "ok"
