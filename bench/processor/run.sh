#!/bin/sh
# Benchmark of the processor: pp-convert against pp-mock-llm.
#
#   bench/processor/run.sh [RUNS]
#   SCENARIOS="2000:50:100" bench/processor/run.sh 3
#   CONVERT_OPTIONS="--no-adaptive" SCENARIOS="2000:50:100" bench/processor/run.sh 3
#
# Builds libpp (release), then for each scenario runs pp-convert RUNS times
# (default 5) and prints the median wall time against the ideal
# ceil(segments / workers) × latency, CPU seconds per 1,000 segments and peak
# RSS, plus what the server saw: requests, duplicated segments and the peak
# of requests in flight. Where the latency is not 0, it also times
# bench-transport, the same requests through the LLM client alone (no
# processor, converter or reconciler): the floor that the HTTP client and the
# server set on this machine, with its CPU time and peak RSS, and how
# pp-convert compares with it in the same run. CONVERT_OPTIONS are passed
# to pp-convert. Not part of `meson test`.
set -eu
cd "$(dirname "$0")/../.."

runs=${1:-5}
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
. bench/lib.sh

# ideal SEGMENTS LATENCY_MS WORKERS: ceil(segments / workers) × latency, in s
ideal () {
  awk -v s="$1" -v l="$2" -v w="$3" 'BEGIN { print int((s + w - 1) / w) * l / 1000 }'
}

# over WALL IDEAL: how far WALL is over IDEAL, in percent (0 without an ideal)
over () {
  awk -v w="$1" -v i="$2" 'BEGIN { print (i > 0 ? (w / i - 1) * 100 : 0) }'
}

# scenario SEGMENTS LATENCY_MS WORKERS
scenario () {
  segments=$1 latency=$2 workers=$3
  make_document "$segments" "$work/doc.txt"
  : > "$work/wall"; : > "$work/cpu"; : > "$work/rss"; : > "$work/convert-wall"
  for r in $(seq "$runs"); do
    start_mock --latency-ms "$latency"
    timed /usr/bin/time -f "%U %S %M" -o "$work/time" \
      $build/tools/pp-convert/pp-convert --endpoint "$url" --jobs "$workers" \
        --segment-size 80 --cache none ${CONVERT_OPTIONS:-} -o "$work/out.jsonld" "$work/doc.txt"
    stats=$(mock_stats "?log=0")
    stop_mock
    read -r user sys rss < "$work/time"
    echo "$user $sys" | awk -v n="$segments" '{ print ($1 + $2) * 1000 / n }' >> "$work/cpu"
    echo "$rss" >> "$work/rss"
    tail -n 1 "$work/wall" >> "$work/convert-wall"
    echo "  run $r: wall $(tail -n 1 "$work/wall")s, user ${user}s, sys ${sys}s, peak RSS ${rss} KiB; server: $stats"
  done
  ideal=$(ideal "$segments" "$latency" "$workers")
  wall=$(median < "$work/wall")
  printf '%s segments, %s ms latency, %s workers: median wall %.3fs (ideal %ss, %+.1f%%), CPU %.3f s per 1,000 segments, peak RSS %.1f MiB\n' \
    "$segments" "$latency" "$workers" "$wall" "$ideal" "$(over "$wall" "$ideal")" \
    "$(median < "$work/cpu")" "$(median < "$work/rss" | awk '{ print $1 / 1024 }')"
}

# transport SEGMENTS LATENCY_MS WORKERS: the same requests without libpp's
# processor, timed the same way, and compared with the pp-convert runs of
# the scenario just measured
transport () {
  segments=$1 latency=$2 workers=$3
  : > "$work/wall"; : > "$work/transport-cpu"; : > "$work/transport-rss"
  for r in $(seq "$runs"); do
    start_mock --latency-ms "$latency"
    timed /usr/bin/time -f "%U %S %M" -o "$work/time" \
      $build/bench/processor/bench-transport "$url" data/prompts/schemaorg-extract.txt \
        "$segments" "$workers" > /dev/null
    stop_mock
    read -r user sys rss < "$work/time"
    echo "$user $sys" | awk -v n="$segments" '{ print ($1 + $2) * 1000 / n }' >> "$work/transport-cpu"
    echo "$rss" >> "$work/transport-rss"
  done
  wall=$(median < "$work/wall")
  cpu=$(median < "$work/transport-cpu")
  printf '  the same requests through the LLM client alone: median wall %.3fs (%+.1f%%), CPU %.3f s per 1,000 segments, peak RSS %.1f MiB\n' \
    "$wall" "$(over "$wall" "$(ideal "$segments" "$latency" "$workers")")" "$cpu" \
    "$(median < "$work/transport-rss" | awk '{ print $1 / 1024 }')"
  printf '  pp-convert against it: wall %+.1f%%, CPU %.2f times\n' \
    "$(over "$(median < "$work/convert-wall")" "$wall")" \
    "$(awk -v c="$(median < "$work/cpu")" -v t="$cpu" 'BEGIN { print (t > 0 ? c / t : 0) }')"
}

echo "Machine: $(nproc) cores, $(sed -n 's/^model name\t: //p' /proc/cpuinfo | head -1)"
# SEGMENTS:LATENCY_MS:WORKERS
for s in ${SCENARIOS:-2000:50:100 2000:0:100 10000:0:100}; do
  # shellcheck disable=SC2046
  scenario $(echo "$s" | tr ':' ' ')
  # shellcheck disable=SC2046
  [ "$(echo "$s" | cut -d: -f2)" = 0 ] || transport $(echo "$s" | tr ':' ' ')
done

echo "Cancellation:"
$build/bench/processor/bench-cancel "$runs"
