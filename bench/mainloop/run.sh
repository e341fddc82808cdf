#!/bin/sh
# Benchmark of the smoothness of an application's main loop during a run.
#
#   bench/mainloop/run.sh [RUNS]
#   SEGMENTS=2000 WORKERS=100 LATENCY_MS=50 bench/mainloop/run.sh 3
#   REALTIME=1 bench/mainloop/run.sh 3
#
# Builds libpp (release), then RUNS times (default 5) converts a document of
# SEGMENTS paragraphs (default 2,000) with WORKERS workers (default 100)
# against pp-mock-llm answering after LATENCY_MS (default 50), through
# pp_processor_process_document_async() on the main loop with handlers on
# "progress" and "segment-done", and prints how late a 5 ms timeout of that
# loop ran: the longest time the main context was blocked, next to the
# same timeout on an idle thread of its own, which shows what the machine
# alone adds. With REALTIME=1 both threads run under SCHED_FIFO (where the
# system allows it), so that a busy machine does not delay them. Not part
# of `meson test`.
set -eu
cd "$(dirname "$0")/../.."

runs=${1:-5}
. bench/lib.sh

segments=${SEGMENTS:-2000}
workers=${WORKERS:-100}
latency=${LATENCY_MS:-50}

echo "Machine: $(nproc) cores, $(sed -n 's/^model name\t: //p' /proc/cpuinfo | head -1)"
for r in $(seq "$runs"); do
  start_mock --latency-ms "$latency"
  printf '  run %s: ' "$r"
  $build/bench/mainloop/bench-mainloop ${REALTIME:+--realtime} "$url" "$segments" "$workers"
  stop_mock
done
