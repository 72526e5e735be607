#!/usr/bin/env bash
# The main job on the bundled demo: builds the extension, checks the example policy with the
# command-line tool, then serves the demo sites and opens Chromium with the extension loaded
# (headless where there is no display), printing what the panel shows for each demo site and
# saving screenshots to dist/demo/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh

bash scripts/build.sh
cargo build --release --locked --bin cookie-warden
printf '\n== cookie-warden validate examples/kaltiot.cookie-policy.json\n'
target/release/cookie-warden validate examples/kaltiot.cookie-policy.json

printf '\n== the extension on the demo sites\n'
node demo/run.mjs "$@"
