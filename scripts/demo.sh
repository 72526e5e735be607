#!/usr/bin/env bash
# The main job on the bundled demo: checks the example policy (Kaltiot's, from the seed) with the
# command-line tool and prints the per-cookie panel a visitor would see, with audit findings for
# a sample of observed cookies. (The browser demo arrives with the extension.)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh

cargo build --release --locked --bin cookie-warden
cw=target/release/cookie-warden

printf '\n== validate examples/kaltiot.cookie-policy.json\n'
"$cw" validate examples/kaltiot.cookie-policy.json

printf '\n== show examples/kaltiot.cookie-policy.json --observed examples/kaltiot.observed-cookies.json\n'
"$cw" show examples/kaltiot.cookie-policy.json --observed examples/kaltiot.observed-cookies.json --now 1795910400
