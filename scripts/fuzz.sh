#!/usr/bin/env bash
# Fuzzes the engine with cargo-fuzz (libFuzzer): the policy parser, the TCF converter, the
# retention-text parser and name patterns (the crate in fuzz/, outside the main workspace).
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#
# SECONDS per target (default 600); targets default to all four, run one at a time under
# `nice -n 19` with -jobs=1, so the other core stays free. Each target's corpus is
# fuzz/corpus/<target>/ (seeded from the test fixtures, the examples, data/known-cookies.csv and
# fuzz/seeds/ on every run); crashes, timeouts and OOMs land in fuzz/artifacts/<target>/; the
# libFuzzer log is dist/fuzz/<target>.log. A summary line per target is printed and a markdown
# table appended to dist/fuzz-report.md. Exits 1 if any target found something.
#
# Runs on stable Rust: RUSTC_BOOTSTRAP=1 lets it take the -Z flags cargo-fuzz passes.
# FUZZ_SANITIZER=none turns AddressSanitizer off (default: address).
# FUZZ_ARGS adds libFuzzer flags, e.g. FUZZ_ARGS='-fork=1 -ignore_crashes=1' to keep going after a
# crash. To replay one input: fuzz/target/x86_64-unknown-linux-gnu/release/<target> <file>.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

cargo_fuzz_version=0.13.2
all_targets=(policy_parser tcf_converter retention_text name_pattern)
seconds="${1:-600}"
if [ "$#" -gt 0 ]; then shift; fi
targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then targets=("${all_targets[@]}"); fi
sanitizer="${FUZZ_SANITIZER:-address}"
read -r -a extra_args <<<"${FUZZ_ARGS:-}"

say() { printf '[fuzz] %s\n' "$*"; }

if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -eq 0 ]; then
  echo "usage: scripts/fuzz.sh [SECONDS] [${all_targets[*]}]" >&2
  exit 2
fi
for target in "${targets[@]}"; do
  case " ${all_targets[*]} " in
    *" $target "*) ;;
    *) echo "unknown target $target; expected one of: ${all_targets[*]}" >&2; exit 2 ;;
  esac
done

export RUSTC_BOOTSTRAP=1
if [ "$(cargo fuzz --version 2>/dev/null | awk '{print $2}')" != "$cargo_fuzz_version" ]; then
  say "installing cargo-fuzz $cargo_fuzz_version (a few minutes, once)"
  cargo install cargo-fuzz --version "$cargo_fuzz_version" --locked
fi

# --- seed corpus -----------------------------------------------------------------------------
# Every seed is stored under its content hash, so re-running adds nothing twice.
say "building the seed corpus"
python3 - "$root" <<'PY'
import csv, hashlib, pathlib, sys

root = pathlib.Path(sys.argv[1])
corpus = root / "fuzz" / "corpus"

def add(target, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    folder = corpus / target
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / ("seed-" + hashlib.sha1(data).hexdigest())
    if not path.exists():
        path.write_bytes(data)

def files(pattern):
    return sorted(p for p in root.glob(pattern) if p.is_file())

for p in files("tests/fixtures/policies/*.json") + files("examples/*.cookie-policy.json"):
    add("policy_parser", p.read_bytes())
for p in files("tests/fixtures/tcf/*.json"):
    add("policy_parser", p.read_bytes())
    add("tcf_converter", p.read_bytes())
for target in ("policy_parser", "tcf_converter", "retention_text", "name_pattern"):
    for p in files(f"fuzz/seeds/{target}/*"):
        add(target, p.read_bytes())

with open(root / "data" / "known-cookies.csv", encoding="utf-8", newline="") as f:
    rows = list(csv.DictReader(f))
for text in sorted({r["retention"] for r in rows}):
    add("retention_text", text)
# Names in groups of 16: the patterns (prefix rows end in `*`), an empty line, then names.
for i in range(0, len(rows), 16):
    group = rows[i : i + 16]
    patterns = [r["name"] + ("*" if r["prefix_match"] == "1" else "") for r in group]
    names = [r["name"] for r in group] + [r["name"] + "123" for r in group if r["prefix_match"] == "1"]
    add("name_pattern", "\n".join(patterns) + "\n\n" + "\n".join(names))
PY

# --- build -----------------------------------------------------------------------------------
say "building the targets (release, debug assertions, sanitizer: $sanitizer)"
(cd fuzz && nice -n 19 cargo fuzz build -O --debug-assertions --sanitizer "$sanitizer")
triple="$(rustc -vV | awk '/^host:/ {print $2}')"
bin_dir="$root/fuzz/target/$triple/release"

# --- run -------------------------------------------------------------------------------------
mkdir -p dist/fuzz
rows=()
failed=0
for target in "${targets[@]}"; do
  corpus_dir="$root/fuzz/corpus/$target"
  artifacts="$root/fuzz/artifacts/$target"
  log="$root/dist/fuzz/$target.log"
  mkdir -p "$artifacts"
  dict=()
  case "$target" in
    policy_parser|tcf_converter) dict=(-dict="$root/fuzz/dict/policy.dict") ;;
    retention_text) dict=(-dict="$root/fuzz/dict/retention.dict") ;;
  esac
  before="$(find "$artifacts" -type f -printf '%f\n' | sort)"
  say "$target: ${seconds}s"
  # -jobs=1 makes libFuzzer run one worker that writes fuzz-0.log in the working directory.
  work="$(mktemp -d)"
  status=0
  (cd "$work" && nice -n 19 "$bin_dir/$target" "$corpus_dir" \
    -jobs=1 -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" "${dict[@]}" "${extra_args[@]}") >"$log.driver" 2>&1 || status=$?
  cat "$work"/fuzz-*.log >"$log" 2>/dev/null || true
  cat "$log.driver" >>"$log"
  rm -rf "$work" "$log.driver"

  final_stat() { sed -nE "s/^stat::$1: *([0-9]+).*/\1/p" "$log" | tail -n 1; }
  execs="$(final_stat number_of_executed_units)"
  rate="$(final_stat average_exec_per_sec)"
  last="$(grep -E '^#[0-9]+' "$log" | grep 'cov:' | tail -n 1 || true)"
  cov="$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$last")"
  ft="$(sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<<"$last")"
  corp="$(sed -nE 's/.* corp: ([0-9]+\/[0-9]+[a-zA-Z]*).*/\1/p' <<<"$last")"
  new="$(comm -13 <(printf '%s\n' "$before") <(find "$artifacts" -type f -printf '%f\n' | sort) | sed '/^$/d')"
  found="$(sed '/^$/d' <<<"$new" | wc -l)"
  kinds="$(sed -E 's/-.*//' <<<"$new" | sed '/^$/d' | sort | uniq -c | awk '{printf "%s%s×%s", sep, $2, $1; sep=", "}')"
  if [ "$found" -gt 0 ] || { [ "$status" -ne 0 ] && [ -z "$execs" ]; }; then failed=1; fi
  line="$target: ${execs:-?} executions, ${rate:-?} exec/s, cov ${cov:-?}, ft ${ft:-?}, corpus ${corp:-?} (files/bytes), new findings: $found${kinds:+ ($kinds)}, exit $status"
  say "$line"
  rows+=("| $target | $seconds | ${execs:-?} | ${rate:-?} | ${cov:-?} | ${ft:-?} | ${corp:-?} | $found${kinds:+ ($kinds)} |")
done

{
  echo
  echo "## Fuzzing $(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- src 2>/dev/null || echo ' + uncommitted src'), sanitizer $sanitizer"
  echo
  echo "| target | seconds | executions | exec/s | cov | ft | corpus (files/size) | findings |"
  echo "|---|---:|---:|---:|---:|---:|---|---|"
  printf '%s\n' "${rows[@]}"
} >>dist/fuzz-report.md
say "summary appended to dist/fuzz-report.md"
if [ "$failed" -ne 0 ]; then
  say "findings in fuzz/artifacts/: replay one with $bin_dir/<target> <file>"
  exit 1
fi
