#!/usr/bin/env bash
# Releases the changes under "## Unreleased" in CHANGELOG.md as VERSION: the heading becomes
# "## VERSION — YYYY-MM-DD" (a new empty "Unreleased" above it), and Cargo.toml and Cargo.lock
# get the same version (scripts/build.sh stamps it into the manifest). Refuses a version that is
# not newer than the current one, or an empty "Unreleased".
#
#   bash scripts/bump.sh 0.3.0
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
version="${1:-}"
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "usage: scripts/bump.sh MAJOR.MINOR.PATCH" >&2; exit 2; }
current="$(awk -F'"' '/^version = / { print $2; exit }' Cargo.toml)"
newest="$(printf '%s\n%s\n' "$current" "$version" | sort -V | tail -1)"
if [ "$version" = "$current" ] || [ "$newest" != "$version" ]; then
  echo "bump: $version is not newer than $current" >&2
  exit 1
fi
node - "$version" "$(date -u +%F)" <<'JS'
const fs = require('fs');
const [version, day] = process.argv.slice(2);
const text = fs.readFileSync('CHANGELOG.md', 'utf8');
const match = /^## Unreleased\n([\s\S]*?)(?=^## )/m.exec(text);
if (!match || !match[1].trim()) {
  console.error('bump: CHANGELOG.md has nothing under "## Unreleased"');
  process.exit(1);
}
const released = `## Unreleased\n\n## ${version} — ${day}\n${match[1].replace(/^\n*/, '\n')}`;
fs.writeFileSync('CHANGELOG.md', text.replace(match[0], released));
JS
sed -i "0,/^version = \"$current\"/s//version = \"$version\"/" Cargo.toml
# The crate's own entry in Cargo.lock.
sed -i "/^name = \"cookie-warden\"$/{n;s/^version = \"$current\"/version = \"$version\"/}" Cargo.lock
echo "bump: $current -> $version (Cargo.toml, Cargo.lock, CHANGELOG.md)"
