#!/bin/sh
# Benchmark of the reconciler's finish: how long the merged graph takes
# once the last segment is in, against the run's wall time.
#
#   bench/reconciler/run.sh [RUNS]
#
# Builds libpp (release), then for two documents of 10,000 segments — the
# one bench/processor/run.sh converts (make_document: one new person per
# segment, and one place in every segment) and names.awk's (people drawn
# from a small pool, a quarter of the names with a typo) — runs pp-convert
# RUNS times (default 3) against pp-mock-llm with 50 ms of latency and 100
# jobs, and prints the median wall time, the median time from the last
# segment's arrival to the merged graph (from libpp's debug log) and their
# ratio. Not part of `meson test`.
set -eu
cd "$(dirname "$0")/../.."

runs=${1:-3}
. bench/lib.sh

# document NAME FILE
document () {
  : > "$work/wall"; : > "$work/finish"; : > "$work/ratio"
  for r in $(seq "$runs"); do
    start_mock --latency-ms 50
    G_MESSAGES_DEBUG=libpp timed $build/tools/pp-convert/pp-convert --endpoint "$url" --jobs 100 \
      --segment-size 80 --cache none -o "$work/out.jsonld" "$2" 2> "$work/log"
    stop_mock
    wall=$(tail -n 1 "$work/wall")
    finish=$(sed -n 's/.*ms, \([0-9.]*\) ms after the last segment arrived$/\1/p' "$work/log" | tail -n 1)
    [ -n "$finish" ] || { echo "no finish time in the debug log" >&2; exit 1; }
    finish=$(awk -v f="$finish" 'BEGIN { printf "%.3f\n", f / 1000 }')
    echo "$finish" >> "$work/finish"
    awk -v f="$finish" -v w="$wall" 'BEGIN { print f / w * 100 }' >> "$work/ratio"
    echo "  run $r: wall ${wall}s, finish ${finish}s"
  done
  printf '%s: median wall %.3fs, finish %.3fs after the last segment, %.1f%% of the wall time\n' \
    "$1" "$(median < "$work/wall")" "$(median < "$work/finish")" "$(median < "$work/ratio")"
}

echo "Machine: $(nproc) cores, $(sed -n 's/^model name\t: //p' /proc/cpuinfo | head -1), load average $(cut -d' ' -f1-3 /proc/loadavg)"
make_document 10000 "$work/records.txt"
awk -v n=10000 -f bench/reconciler/names.awk > "$work/names.md"
document "records (make_document 10000)" "$work/records.txt"
document "names (names.awk n=10000)" "$work/names.md"
