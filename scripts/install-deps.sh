#!/bin/sh
# Installs the Debian 12 packages libpp needs to build and test, if any is
# missing. Idempotent; run as root.
set -eu

packages="
  gcc
  meson
  ninja-build
  pkg-config
  libglib2.0-dev
  libglib2.0-bin
  libjson-glib-dev
  libsoup-3.0-dev
  libsqlite3-dev
  libhiredis-dev
  libpoppler-glib-dev
  libxml2-dev
  libcairo2-dev
  qpdf
  redis-server
  gobject-introspection
  libgirepository1.0-dev
  gi-docgen
  python3-gi
  gjs
  libgtk-4-dev
  xvfb
"

missing=""
for p in $packages; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done

if [ -n "$missing" ]; then
  echo "Installing:$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  # shellcheck disable=SC2086
  apt-get install -y --no-install-recommends $missing
fi
