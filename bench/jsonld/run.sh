#!/bin/sh
# run.sh: flattening benchmark, libpp against jsonld.js
#
#   bench/jsonld/run.sh
#
# Builds bench-jsonld-flatten (release build in $BUILD, default
# _build-bench), installs jsonld@9.0.0 from npm into bench/jsonld/node_modules
# (ignored by git; never a dependency of libpp), generates a document of
# each size in $SIZES, flattens it $RUNS times with each processor, one
# process per run, and prints the medians: flattening time (in-process
# clock, parsing excluded: both time the algorithm on a parsed document),
# for libpp also the time to write the result as JSON text (jsonld.js
# writes nothing), and peak RSS of the whole process (/usr/bin/time -f %M),
# then the ratios jsonld.js / libpp of each size.
#
# Environment: BUILD, SIZES (default "10000 100000"), RUNS (default 5).

set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${BUILD:-$root/_build-bench}
sizes=${SIZES:-"10000 100000"}
runs=${RUNS:-5}

if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" "$root" --buildtype=release >/dev/null
fi
ninja -C "$build" bench/jsonld/bench-jsonld-flatten >/dev/null
bench="$build/bench/jsonld/bench-jsonld-flatten"

if [ ! -x /usr/bin/time ]; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get install -y time >/dev/null
  else
    sudo apt-get install -y time >/dev/null
  fi
fi

if [ ! -d "$here/node_modules/jsonld" ]; then
  (cd "$here" && npm install --no-save --no-package-lock --no-audit --no-fund \
     jsonld@9.0.0 >/dev/null)
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

median () {
  sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

field () {
  # field NAME < line
  tr ' ' '\n' | sed -n "s/^$1=//p"
}

echo "machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
echo "runs per measurement: $runs (medians)"
printf '%-10s %-12s %12s %10s %14s\n' nodes processor flatten_ms write_ms peak_rss_kb

for n in $sizes; do
  "$bench" --dump "$n" > "$tmp/doc.json"

  for processor in libpp jsonld.js; do
    : > "$tmp/times"
    : > "$tmp/writes"
    : > "$tmp/rss"
    i=0
    while [ "$i" -lt "$runs" ]; do
      if [ "$processor" = libpp ]; then
        /usr/bin/time -f %M -o "$tmp/maxrss" "$bench" "$n" > "$tmp/out"
      else
        /usr/bin/time -f %M -o "$tmp/maxrss" node "$here/flatten.mjs" "$tmp/doc.json" > "$tmp/out"
      fi
      field flatten_ms < "$tmp/out" >> "$tmp/times"
      field write_ms < "$tmp/out" >> "$tmp/writes"
      tail -n 1 "$tmp/maxrss" >> "$tmp/rss"
      i=$((i + 1))
    done
    ms=$(median < "$tmp/times")
    rss=$(median < "$tmp/rss")
    write=$(median < "$tmp/writes")
    printf '%-10s %-12s %12s %10s %14s\n' "$n" "$processor" "$ms" "${write:--}" "$rss"
    eval "ms_$(echo "$processor" | tr -dc 'a-z')=\$ms"
    eval "rss_$(echo "$processor" | tr -dc 'a-z')=\$rss"
  done
  awk -v n="$n" -v a="$ms_jsonldjs" -v b="$ms_libpp" -v c="$rss_jsonldjs" -v d="$rss_libpp" \
    'BEGIN { printf "%-10s ratio jsonld.js/libpp: time %.1f, peak RSS %.2f\n", n, a / b, c / d }'
done
