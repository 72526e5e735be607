#!/usr/bin/env bash
# Every test, in the order a failure is cheapest to find:
#   formatting and lints (native and wasm32), the engine's tests (unit, fixture tables, property
#   tests, the command-line tool), the web layer's tests in headless Chromium and Firefox
#   (wasm-bindgen-test), then the extension end to end in real Chromium and Firefox against the
#   local demo sites.
# Ends with one line that sums every test run: "tests: N passed, N failed".
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh

step() { printf '\n== %s\n' "$*"; }
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (native)"
cargo clippy --all-targets --locked -- -D warnings

step "cargo clippy (wasm32)"
cargo clippy --lib --target wasm32-unknown-unknown --locked -- -D warnings
cargo clippy --lib --test wasm_bench --profile test --target wasm32-unknown-unknown --locked -- -D warnings

step "cargo test (the engine, natively)"
cargo test --locked 2>&1 | tee -a "$log"

step "wasm-bindgen-test (the web layer, in headless Chromium)"
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  CHROMEDRIVER="$(command -v chromedriver)" \
  cargo test --locked --lib --target wasm32-unknown-unknown 2>&1 | tee -a "$log"

step "wasm-bindgen-test (the web layer, in headless Firefox)"
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  GECKODRIVER="$(command -v geckodriver)" \
  cargo test --locked --lib --target wasm32-unknown-unknown 2>&1 | tee -a "$log"

step "build the extension"
bash scripts/build.sh

step "end to end (Chromium and Firefox, local demo sites)"
node --test --test-concurrency=1 tests/e2e/ 2>&1 | tee -a "$log"

awk '
  /^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
  /^# pass [0-9]+$/ { p += $3 }
  /^# fail [0-9]+$/ { f += $3 }
  END { printf "\ntests: %d passed, %d failed\n", p, f }' "$log"
