#!/usr/bin/env bash
# Builds the extension into dist/extension/ (an unpacked extension that Chrome and Firefox load,
# and what the store packages hold) and dist/extension-testing/ (the same with the test hooks of
# extension/background.js, which the end-to-end tests, the demo and the benchmarks load):
#   1. two wasm modules, one per role (src/web/mod.rs), each with only its own cargo feature
#      (profile wasm-release: optimised for size): pkg/background_bg.wasm for the service worker
#      and pkg/pages_bg.wasm for the popup and the options page,
#   2. wasm-bindgen --target web (glue for an ES module) for each,
#   3. wasm-opt from npm's binaryen (Debian's older binaryen breaks the externref table),
#   4. the manifest (version stamped from Cargo.toml), the JS bootstraps and the icons.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh

out=dist/extension
roles=(background pages)
# Each with the data files it uses compiled in (src/bundled.rs): the pages only read sites.
declare -A features=([background]="background,embedded-data" [pages]="pages,embed-suffixes")
staged=target/wasm-roles
mkdir -p "$staged"
for role in "${roles[@]}"; do
  # Each role in a target folder of its own: cargo names a cdylib without a hash, so two
  # feature sets in one folder would overwrite (and rebuild) each other every time.
  cargo build --lib --profile wasm-release --locked --target wasm32-unknown-unknown \
    --no-default-features --features "${features[$role]}" --target-dir "target/wasm-$role"
  cp "target/wasm-$role/wasm32-unknown-unknown/wasm-release/cookie_warden.wasm" "$staged/$role.wasm"
done
rm -rf "$out"
mkdir -p "$out/pkg" "$out/icons"
for role in "${roles[@]}"; do
  wasm-bindgen --target web --no-typescript --out-dir "$out/pkg" --out-name "$role" "$staged/$role.wasm"
  node_modules/.bin/wasm-opt -Oz --strip-debug --strip-producers \
    "$out/pkg/${role}_bg.wasm" -o "$out/pkg/${role}_bg.wasm"
done

version="$(awk -F'"' '/^version = / { print $2; exit }' Cargo.toml)"
node -e '
  const fs = require("fs");
  const manifest = JSON.parse(fs.readFileSync("manifest.json", "utf8"));
  manifest.version = process.argv[1];
  fs.writeFileSync(process.argv[2], JSON.stringify(manifest, null, 2) + "\n");
' "$version" "$out/manifest.json"
cp extension/*.js "$out/"
# DuckDuckGo's autoconsent (MPL-2.0, from npm, unmodified) with its compact rules and our few
# lines that start it (extension/src/autoconsent-entry.mjs): one classic script the background
# injects into a page only when it is needed, never into the background.
node_modules/.bin/esbuild extension/src/autoconsent-entry.mjs --bundle --format=iife \
  --target=firefox140,chrome121 --minify --legal-comments=eof --log-level=warning \
  --outfile="$out/autoconsent.js"
# The shipped background carries no test hooks: the block between the test-hooks markers (the
# protocol callable from the worker, the start-up figures) goes; dist/extension-testing/ keeps it.
sed -i '/^\/\/ test-hooks: begin$/,/^\/\/ test-hooks: end$/d' "$out/background.js"
if grep -q 'cookieWarden' "$out/background.js"; then
  echo "[build] error: $out/background.js still has test hooks" >&2
  exit 1
fi
find extension -maxdepth 1 \( -name '*.html' -o -name '*.css' \) -exec cp {} "$out/" \;
[ -d extension/_locales ] && cp -r extension/_locales "$out/"
# The static rulesets (written by `cookie-warden rules extension/rules` from data/trackers.csv;
# tests/trackers.rs checks they are current).
mkdir -p "$out/rules" && cp extension/rules/*.json "$out/rules/"
cp icons/icon-*.png "$out/icons/"
# The licence notices of the data compiled into the modules.
cp data/NOTICE "$out/NOTICE.txt"
for role in "${roles[@]}"; do
  printf '[build] %s: %s wasm %s bytes (gzip %s), version %s\n' "$out" "$role" \
    "$(stat -c %s "$out/pkg/${role}_bg.wasm")" \
    "$(gzip -9c "$out/pkg/${role}_bg.wasm" | wc -c)" "$version"
done
# The build the tests, the demo and the benchmarks load: the same, with the test hooks.
testing=dist/extension-testing
rm -rf "$testing"
cp -r "$out" "$testing"
cp extension/background.js "$testing/background.js"
printf '[build] %s: the same with the test hooks in background.js\n' "$testing"
