#!/bin/sh
# Benchmark of pp-convert against hostile endpoints (pp-mock-llm's faults).
#
#   bench/resilience/run.sh [RUNS]
#
# Builds libpp (release), then runs three scenarios RUNS times each (default
# 3) and prints every run and the medians:
#
#   capacity   2,000 segments, 50 ms latency, a server that answers 429
#              (Retry-After 0.5 s) above 24 requests in flight: pp-convert
#              --jobs 256 with its defaults (adaptive), against --jobs 24
#              --no-adaptive in the same run, the two taking turns;
#              segments done, 429s, wall time.
#   schedule   the server's capacity goes 48 → 12 → 48 (5 s each) under
#              2,400 segments at 200 ms latency, --jobs 96: how fast the
#              limit follows, in every run; the limit over time (from
#              pp-convert -v) and the server's capacity in the last run are
#              drawn into docs/resilience-limit.svg.
#   faults     500 segments, 20 ms latency, 10% 500s, 5% 429s, 2% hangs of
#              20 s, 2% truncated bodies, 1% drops, --timeout 2 --retries 10:
#              segments lost, whether the graph is byte-identical to a
#              fault-free run's, and the wall time against the fault-free one.
#
# Not part of `meson test`.
set -eu
cd "$(dirname "$0")/../.."

runs=${1:-3}
command -v python3 >/dev/null || { echo "needs python3" >&2; exit 1; }
. bench/lib.sh

convert () {
  $build/tools/pp-convert/pp-convert --endpoint "$url" --segment-size 80 --cache none "$@"
}

# outcome JSON KEY: a count of /stats' "outcomes" (0 when absent)
outcome () {
  python3 -c 'import json,sys; print(json.load(sys.stdin).get("outcomes", {}).get(sys.argv[1], 0))' "$2" < "$1"
}

stat_field () {
  python3 -c 'import json,sys; print(json.load(sys.stdin).get(sys.argv[1], 0))' "$2" < "$1"
}

echo "Machine: $(nproc) cores, $(sed -n 's/^model name\t: //p' /proc/cpuinfo | head -1)"

# 1. Capacity. The two modes take turns, so that a change in the machine's
# load (other builds, other benchmarks) weighs on both alike.
make_document 2000 "$work/doc.txt"
for mode in adaptive pinned; do
  : > "$work/wall-$mode"; : > "$work/share-$mode"; : > "$work/done-$mode"
done
for r in $(seq "$runs"); do
  for mode in adaptive pinned; do
    start_mock --latency-ms 50 --capacity 24 --retry-after 0.5
    : > "$work/wall"
    if [ $mode = adaptive ]; then
      timed convert --jobs 256 --stats "$work/stats.json" -o "$work/out.jsonld" "$work/doc.txt" 2>/dev/null
    else
      timed convert --jobs 24 --no-adaptive --stats "$work/stats.json" -o "$work/out.jsonld" "$work/doc.txt" 2>/dev/null
    fi
    cat "$work/wall" >> "$work/wall-$mode"
    mock_stats "?log=0" > "$work/server.json"
    stop_mock
    total=$(stat_field "$work/server.json" requests)
    n429=$(outcome "$work/server.json" 429)
    done_=$(stat_field "$work/stats.json" done)
    echo "$n429 $total" | awk '{ printf "%.2f\n", $2 ? 100 * $1 / $2 : 0 }' >> "$work/share-$mode"
    echo "$done_" >> "$work/done-$mode"
    echo "  capacity, $mode, run $r: exit $status, wall $(cat "$work/wall") s, $done_ of 2000 done, $n429 of $total requests answered 429"
  done
done
for mode in adaptive pinned; do
  eval "wall_$mode=\$(median < \"\$work/wall-$mode\")"
  printf 'capacity 24, %s: median wall %.3f s, 429s %.2f%% of requests, %s segments done\n' \
    "$mode" "$(median < "$work/wall-$mode")" "$(median < "$work/share-$mode")" "$(median < "$work/done-$mode")"
done
# shellcheck disable=SC2154
awk -v a="$wall_adaptive" -v p="$wall_pinned" 'BEGIN { printf "capacity 24: --jobs 256 (adaptive) takes %+.1f%% of --jobs 24 --no-adaptive\n", (a / p - 1) * 100 }'

# 2. Changing capacity
make_document 2400 "$work/doc.txt"
for r in $(seq "$runs"); do
  start_mock --latency-ms 200 --capacity-schedule 0:48,5:12,10:48
  t0=$(date +%s%N)
  G_MESSAGES_DEBUG=libpp convert --jobs 96 -v -o "$work/out.jsonld" "$work/doc.txt" 2> "$work/log" || true
  mock_stats "?log=0" > "$work/server.json"
  stop_mock
  python3 bench/resilience/plot-limit.py "$t0" "$work/log" 0:48,5:12,10:48 docs/resilience-limit.svg | sed "s/^/  schedule, run $r: /"
  echo "  schedule, run $r: server: $(python3 -c 'import json,sys; s = json.load(sys.stdin); print(s["requests"], "requests,", s["over_capacity"], "answered 429 for capacity")' < "$work/server.json")"
done
echo "schedule: the limit over time (the last run) is in docs/resilience-limit.svg"

# 3. Faults
make_document 500 "$work/doc.txt"
: > "$work/wall"
for r in $(seq "$runs"); do
  start_mock --latency-ms 20
  timed convert --jobs 32 --timeout 2 -o "$work/clean.jsonld" "$work/doc.txt" 2>/dev/null
  stop_mock
done
clean=$(median < "$work/wall")
: > "$work/wall"; : > "$work/lost"; : > "$work/same"
for r in $(seq "$runs"); do
  start_mock --latency-ms 20 --p500 0.10 --p429 0.05 --retry-after 0.1 --phang 0.02 --hang-ms 20000 \
    --ptruncate 0.02 --pdrop 0.01 --seed "$r"
  timed convert --jobs 32 --timeout 2 --retries 10 --stats "$work/stats.json" -o "$work/faulty.jsonld" "$work/doc.txt" 2>/dev/null
  mock_stats "?log=0" > "$work/server.json"
  stop_mock
  lost=$(stat_field "$work/stats.json" failed)
  echo "$lost" >> "$work/lost"
  if cmp -s "$work/clean.jsonld" "$work/faulty.jsonld"; then same=yes; else same=no; fi
  echo "$same" >> "$work/same"
  echo "  faults, run $r (seed $r): exit $status, wall $(tail -n 1 "$work/wall") s, $lost segments lost, byte-identical: $same; server: $(python3 -c 'import json,sys; print(json.load(sys.stdin).get("outcomes"))' < "$work/server.json")"
done
printf 'faults: fault-free median wall %.3f s; with faults median %.3f s (%+.3f s; the bound is 3 timeouts, 6 s); segments lost: %s; byte-identical: %s\n' \
  "$clean" "$(median < "$work/wall")" "$(awk -v a="$(median < "$work/wall")" -v b="$clean" 'BEGIN { print a - b }')" \
  "$(sort -u "$work/lost" | tr '\n' ' ')" "$(sort -u "$work/same" | tr '\n' ' ')"
