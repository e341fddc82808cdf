#!/bin/sh
# Benchmark of the html converter.
#
#   bench/converter-html/run.sh [PAGES] [RUNS]
#
# Builds libpp (release), writes PAGES small saved HTML pages (default
# 1,000), each with a JSON-LD block and a microdata item of its own, and
# converts them all with `pp-convert --converter html`, offline, RUNS times
# (default 3): the wall time of each run, the median, and the nodes in the
# merged graph. Target: 1,000 pages in under 5 s.
#
# Not part of `meson test`.
set -eu
cd "$(dirname "$0")/../.."

pages=${1:-1000}
runs=${2:-3}
. bench/lib.sh

echo "Machine: $(nproc) cores, $(sed -n 's/^model name\t: //p' /proc/cpuinfo | head -1)"

mkdir "$work/pages"
awk -v n="$pages" -v dir="$work/pages" 'BEGIN {
  for (i = 0; i < n; i++) {
    f = sprintf("%s/page-%05d.html", dir, i)
    printf "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n" > f
    printf "<title>Engineer %d</title>\n<link rel=\"canonical\" href=\"https://example.org/people/%d\">\n", i, i > f
    printf "<script type=\"application/ld+json\">\n{\"@context\": \"https://schema.org\", \"@type\": \"Person\",\n" > f
    printf " \"@id\": \"#person\", \"name\": \"Engineer %d\", \"jobTitle\": \"Engineer\",\n", i > f
    printf " \"worksFor\": {\"@type\": \"Organization\", \"name\": \"Works %d\"}}\n</script>\n</head><body>\n", i > f
    printf "<nav><a href=\"/\">Home</a> <a href=\"/people/\">People</a></nav>\n" > f
    printf "<article itemscope itemtype=\"https://schema.org/Article\" itemid=\"#article\">\n" > f
    printf "<h1 itemprop=\"headline\">The work of engineer %d</h1>\n", i > f
    printf "<time itemprop=\"datePublished\" datetime=\"2020-01-%02d\">January %d</time>\n", i % 28 + 1, i % 28 + 1 > f
    printf "<div itemprop=\"author\" itemscope itemtype=\"https://schema.org/Person\">" > f
    printf "<span itemprop=\"name\">Writer %d</span></div>\n", i > f
    printf "<p>Engineer %d built machines and wrote about them at length.</p>\n</article>\n", i > f
    printf "</body></html>\n" > f
    close(f)
  }
}'

: > "$work/wall"
for r in $(seq "$runs"); do
  timed "$build/tools/pp-convert/pp-convert" --converter html --quiet -o "$work/graph.jsonld" "$work/pages"/*.html
  [ "$status" -eq 0 ] || { echo "pp-convert failed with status $status" >&2; exit 1; }
  echo "  run $r: $(tail -n 1 "$work/wall") s"
done

nodes=$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["@graph"]))' "$work/graph.jsonld")
echo "converter-html: $pages pages, median $(median < "$work/wall") s, $nodes nodes in the graph"
