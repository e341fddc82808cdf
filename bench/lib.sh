# lib.sh: what the benchmarks' scripts share. Source it from the top of the
# source tree: it builds libpp (release) in $build (default _build-bench),
# makes a scratch directory $work, and stops the servers it started
# (pp-mock-llm, and $redis when a script sets it) and removes $work on exit.

build=${build:-_build-bench}
command -v curl >/dev/null || { echo "needs curl (apt-get install curl)" >&2; exit 1; }
if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" --buildtype=release >/dev/null
fi
ninja -C "$build" >/dev/null

work=$(mktemp -d)
mock=""
redis=""
trap 'test -n "$mock" && kill $mock 2>/dev/null; test -n "$redis" && kill $redis 2>/dev/null; rm -rf "$work"' EXIT INT TERM

PP_PLUGIN_PATH=$(ls -d "$PWD/$build"/plugins/*/ | tr '\n' ':')
export PP_PLUGIN_PATH
export PP_DATA_DIR="$PWD/data"

# make_document N FILE: a document of N paragraphs of about 60 characters,
# one segment each
make_document () {
  awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++) printf "Record %d: the engineer Grace Hopper%d visited Boston.\n\n", i, i }' > "$2"
}

# start_mock OPTION…: starts pp-mock-llm with the options; sets $mock (its
# pid) and $url (its base URL)
start_mock () {
  # A fresh file each time: the previous server's port must not be read
  rm -f "$work/port"
  : > "$work/port"
  $build/tools/pp-mock-llm/pp-mock-llm --port 0 "$@" >> "$work/port" &
  mock=$!
  url=""
  while [ -z "$url" ]; do
    kill -0 $mock 2>/dev/null || { echo "pp-mock-llm did not start" >&2; exit 1; }
    url=$(sed -n 's/^pp-mock-llm listening on \(http:[^ ]*\)$/\1/p' "$work/port")
  done
}

stop_mock () {
  kill $mock 2>/dev/null || true
  wait $mock 2>/dev/null || true
  mock=""
}

# mock_stats [QUERY]: what the running pp-mock-llm reports on /stats
mock_stats () {
  curl -s "${url%/v1}/stats${1:-}"
}

median () {
  sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# timed COMMAND…: runs COMMAND and adds its wall time in seconds, to the
# millisecond (time's %e counts hundredths), to $work/wall; COMMAND's exit
# status is kept in $status
timed () {
  t0=$(date +%s%N)
  status=0
  "$@" || status=$?
  t1=$(date +%s%N)
  awk -v t0="$t0" -v t1="$t1" 'BEGIN { printf "%.3f\n", (t1 - t0) / 1e9 }' >> "$work/wall"
}
