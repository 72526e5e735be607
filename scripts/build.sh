#!/usr/bin/env bash
# Builds the engine for the browser (wasm32, release). The extension's assembly step arrives
# with the extension.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh
cargo build --lib --release --locked --target wasm32-unknown-unknown
ls -l target/wasm32-unknown-unknown/release/cookie_warden.wasm
