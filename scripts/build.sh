#!/bin/sh
# Configures (once) and builds libpp in _build, warnings as errors, with the
# API reference (gi-docgen, fatal on warnings).
set -eu
cd "$(dirname "$0")/.."

if [ -f _build/build.ninja ]; then
  meson setup --reconfigure _build -Dwerror=true -Ddocs=true >/dev/null
else
  meson setup _build -Dwerror=true -Ddocs=true
fi
ninja -C _build
