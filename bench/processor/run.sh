#!/bin/sh
# Benchmark of the processor: pp-convert against pp-mock-llm.
#
#   bench/processor/run.sh [RUNS]
#   SCENARIOS="2000:50:100" bench/processor/run.sh 3
#   CONVERT_OPTIONS="--no-adaptive" SCENARIOS="2000:50:100" bench/processor/run.sh 3
#
# Builds libpp (release), then for each scenario runs pp-convert RUNS times
# (default 5) and prints the median wall time against the ideal
# ceil(segments / workers) × latency, CPU seconds per 1,000 segments (user
# and system, to the microsecond, from bench-rusage) and peak RSS, plus what
# the server saw: requests, duplicated segments and the peak of requests in
# flight. Where the latency is not 0, each run of pp-convert is followed by
# one of bench-transport, the same requests through the LLM client alone (no
# processor, converter or reconciler): the floor that the HTTP client and the
# server set on this machine, with its CPU time and peak RSS, and how
# pp-convert compares with it in the same run. CONVERT_OPTIONS are passed
# to pp-convert. Not part of `meson test`.
set -eu
cd "$(dirname "$0")/../.."

runs=${1:-5}
. bench/lib.sh

# ideal SEGMENTS LATENCY_MS WORKERS: ceil(segments / workers) × latency, in s
ideal () {
  awk -v s="$1" -v l="$2" -v w="$3" 'BEGIN { print int((s + w - 1) / w) * l / 1000 }'
}

# over WALL IDEAL: how far WALL is over IDEAL, in percent (0 without an ideal)
over () {
  awk -v w="$1" -v i="$2" 'BEGIN { print (i > 0 ? (w / i - 1) * 100 : 0) }'
}

# convert_once RUN SEGMENTS LATENCY_MS WORKERS: one pp-convert run of the
# document in $work/doc.txt, its wall time added to $work/convert-wall
convert_once () {
  : > "$work/wall"
  start_mock --latency-ms "$3"
  timed $build/bench/bench-rusage "$work/time" \
    $build/tools/pp-convert/pp-convert --endpoint "$url" --jobs "$4" \
      --segment-size 80 --cache none ${CONVERT_OPTIONS:-} -o "$work/out.jsonld" "$work/doc.txt"
  stats=$(mock_stats "?log=0")
  stop_mock
  read -r user sys rss < "$work/time"
  echo "$user $sys" | awk -v n="$2" '{ print ($1 + $2) * 1000 / n }' >> "$work/cpu"
  echo "$rss" >> "$work/rss"
  cat "$work/wall" >> "$work/convert-wall"
  echo "  run $1: wall $(cat "$work/wall")s, user ${user}s, sys ${sys}s, peak RSS ${rss} KiB; server: $stats"
}

# transport_once SEGMENTS LATENCY_MS WORKERS: the same requests without
# libpp's processor, timed the same way, its wall time added to
# $work/transport-wall
transport_once () {
  : > "$work/wall"
  start_mock --latency-ms "$2"
  timed $build/bench/bench-rusage "$work/time" \
    $build/bench/processor/bench-transport "$url" data/prompts/schemaorg-extract.txt \
      "$1" "$3" > /dev/null
  stop_mock
  read -r user sys rss < "$work/time"
  echo "$user $sys" | awk -v n="$1" '{ print ($1 + $2) * 1000 / n }' >> "$work/transport-cpu"
  echo "$rss" >> "$work/transport-rss"
  cat "$work/wall" >> "$work/transport-wall"
}

# scenario SEGMENTS LATENCY_MS WORKERS: RUNS runs of pp-convert and, where
# the latency is not 0, of bench-transport, one after the other, so that
# both see the machine in the same state
scenario () {
  segments=$1 latency=$2 workers=$3
  make_document "$segments" "$work/doc.txt"
  : > "$work/cpu"; : > "$work/rss"; : > "$work/convert-wall"
  : > "$work/transport-cpu"; : > "$work/transport-rss"; : > "$work/transport-wall"
  for r in $(seq "$runs"); do
    convert_once "$r" "$segments" "$latency" "$workers"
    [ "$latency" = 0 ] || transport_once "$segments" "$latency" "$workers"
  done
  ideal=$(ideal "$segments" "$latency" "$workers")
  wall=$(median < "$work/convert-wall")
  cpu=$(median < "$work/cpu")
  printf '%s segments, %s ms latency, %s workers: median wall %.3fs (ideal %ss, %+.1f%%), CPU %.3f s per 1,000 segments, peak RSS %.1f MiB\n' \
    "$segments" "$latency" "$workers" "$wall" "$ideal" "$(over "$wall" "$ideal")" \
    "$cpu" "$(median < "$work/rss" | awk '{ print $1 / 1024 }')"
  [ "$latency" != 0 ] || return 0

  transport_wall=$(median < "$work/transport-wall")
  transport_cpu=$(median < "$work/transport-cpu")
  printf '  the same requests through the LLM client alone: median wall %.3fs (%+.1f%%), CPU %.3f s per 1,000 segments, peak RSS %.1f MiB\n' \
    "$transport_wall" "$(over "$transport_wall" "$ideal")" "$transport_cpu" \
    "$(median < "$work/transport-rss" | awk '{ print $1 / 1024 }')"
  printf '  pp-convert against it: wall %+.1f%%, CPU %.2f times\n' \
    "$(over "$wall" "$transport_wall")" \
    "$(awk -v c="$cpu" -v t="$transport_cpu" 'BEGIN { print (t > 0 ? c / t : 0) }')"
}

echo "Machine: $(nproc) cores, $(sed -n 's/^model name\t: //p' /proc/cpuinfo | head -1)"
# SEGMENTS:LATENCY_MS:WORKERS
for s in ${SCENARIOS:-2000:50:100 2000:0:100 10000:0:100}; do
  # shellcheck disable=SC2046
  scenario $(echo "$s" | tr ':' ' ')
done

echo "Cancellation:"
$build/bench/processor/bench-cancel "$runs"
