#!/usr/bin/env bash
# Benchmarks that print figures (criterion): parsing, matching and decisions.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh
cargo bench --locked --bench engine -- "$@"
