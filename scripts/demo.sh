#!/bin/sh
# Installs what is missing, builds, and converts the bundled example document
# against pp-mock-llm, a local OpenAI-compatible server, started for the demo
# and stopped after it. The JSON-LD graph alone goes to standard output; the
# set-up, the build and the progress go to standard error, so that
#   ./scripts/demo.sh > graph.jsonld
# writes the graph and nothing else.
set -eu
cd "$(dirname "$0")/.."

./scripts/install-deps.sh 1>&2
./scripts/build.sh 1>&2

portfile=$(mktemp)
_build/tools/pp-mock-llm/pp-mock-llm --port 0 --latency-ms 50 >"$portfile" &
mock=$!
trap 'kill $mock 2>/dev/null; rm -f "$portfile"' EXIT INT TERM

# Wait for the server to say where it listens: its first line on standard
# output is "pp-mock-llm listening on URL" (see pp-mock-llm --help)
url=""
for _ in $(seq 100); do
  url=$(sed -n 's/^pp-mock-llm listening on \(http:[^ ]*\)$/\1/p' "$portfile")
  [ -n "$url" ] && break
  if ! kill -0 $mock 2>/dev/null; then echo "pp-mock-llm did not start" >&2; exit 1; fi
  sleep 0.1
done
[ -n "$url" ] || { echo "pp-mock-llm did not start" >&2; exit 1; }

echo "Converting data/examples/computing-pioneers.md against pp-mock-llm at $url" >&2
meson devenv -C _build -w . \
  pp-convert --endpoint "$url" --jobs 16 data/examples/computing-pioneers.md

cat >&2 <<'MSG'

That was pp-mock-llm, a stand-in that finds capitalised names. To use a real
model, point pp-convert at any OpenAI-compatible server:
  OPENAI_BASE_URL=https://api.openai.com/v1 OPENAI_API_KEY=sk-… pp-convert doc.md
  pp-convert --endpoint http://127.0.0.1:8080/v1 --model llama3 doc.md
MSG
