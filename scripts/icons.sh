#!/usr/bin/env bash
# Renders icons/icon-{16,32,48,128}.png from icons/icon.svg (the PNGs are checked in, so the
# build does not need this; run it after changing the SVG).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if ! command -v rsvg-convert >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq --no-install-recommends librsvg2-bin
fi
for size in 16 32 48 128; do
  rsvg-convert -w "$size" -h "$size" icons/icon.svg -o "icons/icon-$size.png"
done
ls -l icons/*.png
