#!/usr/bin/env bash
# Installs what the build and the tests need, skipping whatever is already there, so a warm
# machine spends seconds here. Sourced by the other scripts.
set -euo pipefail

say() { printf '[setup] %s\n' "$*"; }

# The Rust toolchain is the machine's (rustup); the wasm target is added to it.
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
