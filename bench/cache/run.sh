#!/bin/sh
# Benchmark of the "sqlite" cache: lookups per second from many threads.
#
#   bench/cache/run.sh [ARGS…]     (ARGS go to bench-cache-lookup, e.g. --threads 8)
#
# Builds libpp (release) and runs bench-cache-lookup with the built plugins.
# Not part of `meson test`.
set -eu
cd "$(dirname "$0")/../.."

build=_build-bench
if [ ! -f $build/build.ninja ]; then
  meson setup $build --buildtype=release >/dev/null
fi
ninja -C $build >/dev/null

PP_PLUGIN_PATH=$(ls -d "$PWD/$build"/plugins/*/ | tr '\n' ':') \
  "$build/bench/cache/bench-cache-lookup" "$@"
