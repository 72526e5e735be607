#!/usr/bin/env bash
# Benchmarks that print figures (not pass/fail): one table of every measured figure, written to
# dist/bench/perf.json and dist/bench/perf.md.
#   1. the engine natively (criterion): parsing, decisions, tracker-rule planning, look-ups;
#   2. the same decision workload compiled to wasm, in Node (tests/wasm_bench.rs), for the
#      shipped build (opt-level z) and an opt-level 3 build;
#   3. the extension built and packaged (sizes);
#   4. real Chromium with the extension (bench/browser.mjs): deletion latency warm and with the
#      worker stopped, worker start-up, panel render, the worker's heap.
# `./run bench --quick` takes fewer samples (a smoke run); extra arguments go to criterion.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh

browser_args=()
criterion_args=()
for arg in "$@"; do
  case "$arg" in
    --quick) browser_args=(--writes 100 --cold 50 --panels 5) ;;
    *) criterion_args+=("$arg") ;;
  esac
done
mkdir -p dist/bench

echo "== 1. engine, native (criterion)"
cargo bench --locked --bench engine -- "${criterion_args[@]}"

for profile in wasm-release release; do
  echo "== 2. engine in wasm, Node (profile $profile)"
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
    cargo test --locked --profile "$profile" --target wasm32-unknown-unknown --test wasm_bench -- --nocapture \
    | tee /dev/stderr | grep '^wasm-bench' > "dist/bench/wasm-$profile.txt"
done

echo "== 3. build and package"
bash scripts/package.sh

echo "== 4. real Chromium"
node bench/browser.mjs "${browser_args[@]}"

node bench/report.mjs
