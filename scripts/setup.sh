#!/usr/bin/env bash
# Installs what the build and the tests need, skipping whatever is already there, so a warm
# machine spends seconds here. Sourced by the other scripts; safe to run on its own.
#   rustup: the wasm32-unknown-unknown target, rustfmt, clippy
#   cargo:  wasm-bindgen-cli at exactly the version in Cargo.lock
#   cargo:  geckodriver (no Debian package)
#   apt:    chromium, chromium-driver and firefox-esr (Debian's; the tests never download a browser),
#           openssl (the demo server's https certificate, made at start)
#   npm:    the pinned tools in package-lock.json (binaryen's wasm-opt, playwright-core,
#           selenium-webdriver, axe-core, web-ext, esbuild) and DuckDuckGo's autoconsent, which
#           the build bundles into the extension
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

say() { printf '[setup] %s\n' "$*"; }

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
for component in rustfmt clippy; do
  if ! rustup component list --installed 2>/dev/null | grep -q "^$component"; then
    say "adding $component"
    rustup component add "$component"
  fi
done

# wasm-bindgen's CLI must equal the wasm-bindgen crate in Cargo.lock.
wbg_version="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$root/Cargo.lock")"
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wbg_version" ]; then
  say "installing wasm-bindgen-cli $wbg_version (a few minutes)"
  # Not --locked: one of its locked dependencies is missing from the registry.
  cargo install wasm-bindgen-cli --version "$wbg_version"
fi

# geckodriver has no Debian package; cargo builds it (a few minutes, once).
geckodriver_version=0.37.1
if [ "$(geckodriver --version 2>/dev/null | awk 'NR == 1 {print $2}')" != "$geckodriver_version" ]; then
  say "installing geckodriver $geckodriver_version (a few minutes)"
  cargo install geckodriver --version "$geckodriver_version" --locked
fi

apt_missing=()
command -v chromium >/dev/null 2>&1 || apt_missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || apt_missing+=(chromium-driver)
command -v firefox-esr >/dev/null 2>&1 || apt_missing+=(firefox-esr)
command -v openssl >/dev/null 2>&1 || apt_missing+=(openssl)
if ((${#apt_missing[@]})); then
  say "installing ${apt_missing[*]} (apt)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${apt_missing[@]}" >/dev/null
fi

if [ ! -d "$root/node_modules" ] || [ "$root/package-lock.json" -nt "$root/node_modules/.package-lock.json" ]; then
  say "installing the pinned npm tools"
  (cd "$root" && npm ci --no-audit --no-fund --loglevel=error)
fi
