#!/bin/sh
# Benchmark of the caches.
#
#   bench/cache/run.sh [RUNS]
#
# Builds libpp (release), then measures, RUNS times each (default 3):
#
#   lookups   lookups per second from 8 threads (bench-cache-lookup), for
#             the sqlite and the memory cache;
#   warm      a 2,000-segment document converted against pp-mock-llm
#             answering in 500 ms, --jobs 100, with a fresh sqlite cache
#             (cold), then again with the same cache (warm): requests at the
#             server and wall times;
#   redis     the same document converted by one pp-convert process, then by
#             a second one sharing a Redis cache (a redis-server on a free
#             loopback port, started and stopped here): requests at the
#             server for the second.
#
# Not part of `meson test`.
set -eu
cd "$(dirname "$0")/../.."

runs=${1:-3}
. bench/lib.sh

requests () {
  mock_stats "?log=0" | python3 -c 'import json,sys; print(json.load(sys.stdin)["requests"])'
}

echo "Machine: $(nproc) cores, $(sed -n 's/^model name\t: //p' /proc/cpuinfo | head -1)"

for cache in sqlite memory; do
  for r in $(seq "$runs"); do
    spec=$cache
    [ $cache = sqlite ] && spec="sqlite:$work/lookup-$r.sqlite"
    "$build/bench/cache/bench-cache-lookup" --cache "$spec" --threads 8
  done
done

make_document 2000 "$work/doc.txt"
: > "$work/cold"; : > "$work/warm"
for r in $(seq "$runs"); do
  start_mock --latency-ms 500
  : > "$work/wall"
  timed $build/tools/pp-convert/pp-convert --endpoint "$url" --jobs 100 --segment-size 80 \
    --cache "sqlite:$work/warm-$r.sqlite" -o "$work/cold.jsonld" "$work/doc.txt" 2>/dev/null
  cold=$(tail -n 1 "$work/wall"); cold_requests=$(requests)
  timed $build/tools/pp-convert/pp-convert --endpoint "$url" --jobs 100 --segment-size 80 \
    --cache "sqlite:$work/warm-$r.sqlite" -o "$work/warm.jsonld" "$work/doc.txt" 2>/dev/null
  warm=$(tail -n 1 "$work/wall"); warm_requests=$(( $(requests) - cold_requests ))
  stop_mock
  cmp -s "$work/cold.jsonld" "$work/warm.jsonld" && same=yes || same=no
  echo "$cold" >> "$work/cold"; echo "$warm" >> "$work/warm"
  echo "  warm, run $r: cold ${cold} s ($cold_requests requests), warm ${warm} s ($warm_requests requests), same graph: $same"
done
awk -v c="$(median < "$work/cold")" -v w="$(median < "$work/warm")" \
  'BEGIN { printf "warm re-run: median cold %.3f s, warm %.3f s: %.1f× faster\n", c, w, c / w }'

if command -v redis-server >/dev/null; then
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no > "$work/redis.log" 2>&1 &
  redis=$!
  until redis-cli -p "$port" ping >/dev/null 2>&1; do kill -0 $redis || exit 1; done
  start_mock --latency-ms 50
  $build/tools/pp-convert/pp-convert --endpoint "$url" --jobs 100 --segment-size 80 \
    --cache "redis://127.0.0.1:$port" -o "$work/first.jsonld" "$work/doc.txt" 2>/dev/null
  first=$(requests)
  $build/tools/pp-convert/pp-convert --endpoint "$url" --jobs 100 --segment-size 80 \
    --cache "redis://127.0.0.1:$port" -o "$work/second.jsonld" "$work/doc.txt" 2>/dev/null
  second=$(( $(requests) - first ))
  stop_mock
  kill $redis; wait $redis 2>/dev/null || true; redis=""
  echo "redis: the first process sent $first requests, the second $second"
fi
