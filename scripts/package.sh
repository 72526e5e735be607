#!/usr/bin/env bash
# Release packages in dist/, from the unpacked extension that scripts/build.sh assembles:
#   cookie-warden-chrome-<version>.zip   for the Chrome Web Store (and "Load unpacked")
#   cookie-warden-firefox-<version>.zip  for addons.mozilla.org (and about:debugging)
#   cookie-warden-source-<version>.tar.gz  the tracked source (git archive HEAD) plus BUILD.md,
#                                          which AMO's reviewers need to rebuild the wasm
# The zips hold exactly the files of dist/extension/, in sorted order with fixed timestamps and
# modes, so the same build always gives byte-identical zips. manifest.json stays the one source:
#   Firefox: dist/extension/ unchanged, so a reviewer's `./run build` gives the zip's content
#            byte for byte (Firefox ignores background.service_worker, with a lint warning);
#   Chrome:  background.scripts dropped (Chrome lists "'background.scripts' requires manifest
#            version of 2 or lower" among the extension's errors; browser_specific_settings it
#            ignores silently, so that stays).
# The staging folders dist/chrome-package/ and dist/firefox-package/ are what went into the zips.
# dist/listing/ is what the stores' forms ask for besides (scripts/store-listing.mjs).
# Then `web-ext lint` checks the Firefox package and the sizes are printed.
#
#   bash scripts/package.sh              build, then package
#   bash scripts/package.sh --no-build   package the dist/extension/ already built
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

build=1
for arg in "$@"; do
  case "$arg" in
    --no-build) build=0 ;;
    *) echo "usage: scripts/package.sh [--no-build]" >&2; exit 2 ;;
  esac
done

if ((build)); then
  bash scripts/build.sh
else
  source scripts/setup.sh
fi
# (after setup.sh, which has a say of its own)
say() { printf '[package] %s\n' "$*"; }
die() { printf '[package] error: %s\n' "$*" >&2; exit 1; }

ext=dist/extension
[ -f "$ext/manifest.json" ] || die "$ext/ is missing: run without --no-build"
version="$(awk -F'"' '/^version = / { print $2; exit }' Cargo.toml)"
built="$(node -p 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).version' "$ext/manifest.json")"
[ "$built" = "$version" ] || die "$ext/ is version $built but Cargo.toml says $version: run without --no-build"

chrome_dir=dist/chrome-package
firefox_dir=dist/firefox-package
chrome_zip="dist/cookie-warden-chrome-$version.zip"
firefox_zip="dist/cookie-warden-firefox-$version.zip"
source_tgz="dist/cookie-warden-source-$version.tar.gz"

# --- staging: a copy of dist/extension/ per store, the manifest derived from the built one ------
rm -rf "$chrome_dir" "$firefox_dir"
cp -r "$ext" "$chrome_dir"
cp -r "$ext" "$firefox_dir"
node -e '
  const fs = require("fs");
  const file = process.argv[1];
  const manifest = JSON.parse(fs.readFileSync(file, "utf8"));
  delete manifest.background.scripts;
  // Chrome lets only policy-installed extensions hold requests (webRequestBlocking): the
  // static rules carry first visits there, and the permission would be an install warning.
  manifest.permissions = manifest.permissions.filter((p) => p !== "webRequestBlocking");
  fs.writeFileSync(file, JSON.stringify(manifest, null, 2) + "\n");
' "$chrome_dir/manifest.json"

# --- deterministic zips: sorted entries, 1980-01-01 00:00 (zip's epoch), mode 0644, deflate -9 ------
make_zip() {
  python3 - "$1" "$2" <<'PY'
import os, sys, zipfile
src, out = sys.argv[1], sys.argv[2]
names = sorted(
    os.path.relpath(os.path.join(folder, name), src).replace(os.sep, "/")
    for folder, _, files in os.walk(src)
    for name in files
)
with zipfile.ZipFile(out + ".tmp", "w") as archive:
    for name in names:
        info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        info.create_system = 3  # Unix, so the mode below is read
        info.external_attr = 0o100644 << 16
        with open(os.path.join(src, name), "rb") as f:
            archive.writestr(info, f.read(), compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
os.replace(out + ".tmp", out)
PY
}
rm -f dist/cookie-warden-chrome-*.zip dist/cookie-warden-firefox-*.zip dist/cookie-warden-source-*.tar.gz
make_zip "$chrome_dir" "$chrome_zip"
make_zip "$firefox_dir" "$firefox_zip"

# --- the source archive for AMO's reviewers: git archive HEAD plus a generated BUILD.md --------
wbg_version="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
binaryen_version="$(node -p 'require("./package-lock.json").packages["node_modules/binaryen"].version')"
autoconsent_version="$(node -p 'require("./package-lock.json").packages["node_modules/@duckduckgo/autoconsent"].version')"
esbuild_version="$(node -p 'require("./package-lock.json").packages["node_modules/esbuild"].version')"
rustc_version="$(rustc --version)"
rust_toolchain="$(rustc --version | awk '{ print $2 }')"
node_version="$(node --version)"
commit="$(git rev-parse HEAD)"
checksums="$(cd "$firefox_dir" && find . -type f -printf '%P\n' | LC_ALL=C sort | xargs -d '\n' sha256sum)"
build_md="# Rebuilding Cookie Warden $version

This archive is the source of Cookie Warden $version: the files tracked in git at commit
\`$commit\`. The extension's logic is Rust compiled to WebAssembly
(\`pkg/background_bg.wasm\` for the background and \`pkg/pages_bg.wasm\` for the popup and
the options page, each with its wasm-bindgen glue \`pkg/<role>.js\`); every
other file of the add-on is copied from this tree as it is (\`manifest.json\` gets the version
from \`Cargo.toml\`), except \`autoconsent.js\`: DuckDuckGo's \`@duckduckgo/autoconsent\`
$autoconsent_version (MPL-2.0, from npm, unmodified) with its compact rules, bundled and minified
by esbuild $esbuild_version from \`extension/src/autoconsent-entry.mjs\`.

## What it was built with

- Debian 12 (bookworm), x86_64, as root (rustup's default \`CARGO_HOME\`, \`/root/.cargo\`)
- Rust $rust_toolchain through rustup (\`$rustc_version\`) with the target
  \`wasm32-unknown-unknown\`
- \`wasm-bindgen-cli\` $wbg_version (equal to the \`wasm-bindgen\` crate in \`Cargo.lock\`)
- Node.js 20 ($node_version) and npm; \`npm ci\` installs the pinned tools of
  \`package-lock.json\`, of which the build uses binaryen $binaryen_version (its \`wasm-opt\`),
  esbuild $esbuild_version and \`@duckduckgo/autoconsent\` $autoconsent_version

## Steps

\`\`\`sh
rustup toolchain install $rust_toolchain --profile minimal
rustup default $rust_toolchain
rustup target add wasm32-unknown-unknown
cargo install wasm-bindgen-cli --version $wbg_version
npm ci
./run build
\`\`\`

\`./run build\` runs \`scripts/build.sh\`: for each module (\`background\`, \`pages\`), \`cargo build --lib --profile wasm-release --locked --target
wasm32-unknown-unknown --no-default-features --features <module>\`, \`wasm-bindgen --target web\`, \`wasm-opt -Oz\` from npm's binaryen,
then it copies \`manifest.json\` (version stamped), \`extension/\` and \`icons/\` beside the wasm.
It first sources \`scripts/setup.sh\`, which installs only what is missing: the steps above, and
Debian's \`chromium\` and \`chromium-driver\` (through apt, so as root), which only the tests use.

## The result

\`dist/extension/\` is the add-on: its files are identical, byte for byte, to the content of the
submitted \`cookie-warden-firefox-$version.zip\`. To check, from this folder after the build:

\`\`\`sh
cd dist/extension && sha256sum -c <<'EOF'
$checksums
EOF
\`\`\`

The wasm holds the paths of the Rust sources its panic messages name, among them the crates
under \`/root/.cargo/registry/src/\`; build as root with rustup's default \`CARGO_HOME\` (or the
wasm differs in those strings). \`./run package\` makes the zips and this archive again.
"
git archive --format=tar --prefix="cookie-warden-$version/" \
  --add-virtual-file="cookie-warden-$version/BUILD.md:$build_md" HEAD | gzip -9n > "$source_tgz"
changed="$(git status --porcelain -- Cargo.toml Cargo.lock src manifest.json extension icons \
  package.json package-lock.json scripts/build.sh scripts/setup.sh run)"
if [ -n "$changed" ]; then
  say "warning: the source archive is HEAD, but these build inputs have uncommitted changes (in the zips, not in the archive):"
  printf "%s\n" "$changed" | sed "s/^/  /"
fi

# --- the store listing: descriptions, permission justifications, privacy policy, screenshots ---
node scripts/store-listing.mjs dist/listing | sed 's/^/[package] /' || die "the store listing could not be made"

# --- web-ext lint on the Firefox package --------------------------------------------------------
lint_json="$(NO_UPDATE_NOTIFIER=1 node_modules/.bin/web-ext lint --source-dir "$firefox_dir" \
  --output json --no-config-discovery)" || true
node -e '
  const report = JSON.parse(process.argv[1]);
  const codes = (list) => list.map((m) => m.code + (m.file ? ` (${m.file})` : "")).join(", ") || "none";
  console.log(`[package] web-ext lint: ${report.errors.length} errors, ${report.warnings.length} warnings, ${report.notices.length} notices`);
  for (const kind of ["errors", "warnings", "notices"]) if (report[kind].length) console.log(`[package]   ${kind}: ${codes(report[kind])}`);
  if (report.errors.length) process.exit(1);
' "$lint_json" || die "web-ext lint found errors in $firefox_dir"

# --- sizes --------------------------------------------------------------------------------------
wasm_in_zip() {
  python3 -c 'import sys, zipfile; i = zipfile.ZipFile(sys.argv[1]).getinfo(sys.argv[2]); print(i.file_size, i.compress_size)' "$1" "pkg/$2_bg.wasm"
}
for zip in "$chrome_zip" "$firefox_zip"; do
  read -r bg_size bg_packed < <(wasm_in_zip "$zip" background)
  read -r pages_size pages_packed < <(wasm_in_zip "$zip" pages)
  say "$zip: $(stat -c %s "$zip") bytes (background wasm: $bg_size bytes, $bg_packed compressed; pages wasm: $pages_size bytes, $pages_packed compressed)"
done
say "$source_tgz: $(stat -c %s "$source_tgz") bytes"
