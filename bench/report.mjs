// Gathers every figure `./run bench` measured into dist/bench/perf.json and dist/bench/perf.md
// (a Markdown table with the budgets), and prints the table. Inputs:
//   target/criterion/<group>/<bench>/new/{estimates,benchmark}.json   native engine (criterion)
//   dist/bench/wasm-<profile>.txt    the same decision workload in wasm, Node (tests/wasm_bench.rs)
//   dist/bench/browser.json          real Chromium (bench/browser.mjs)
//   dist/e2e-metrics.json            Firefox's event-page figures, from the last `./run test`
//   dist/extension, dist/*.zip       sizes
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const at = (...p) => path.join(ROOT, ...p);
const readJson = (file) => (fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : null);
const rows = [];
const row = (area, name, value, unit, budget = null, meets = null, note = '') =>
  rows.push({ area, name, value, unit, budget, meets, note });
const fmt = (v, digits = 1) =>
  v == null ? 'n/a' : v >= 100000 ? Math.round(v).toLocaleString('en-US') : Number(v.toFixed(digits)).toLocaleString('en-US');

// Native engine (criterion): time per iteration and, with a throughput, elements per second.
const criterion = at('target/criterion');
const native = {};
for (const group of fs.existsSync(criterion) ? fs.readdirSync(criterion) : []) {
  for (const bench of fs.readdirSync(path.join(criterion, group))) {
    const dir = path.join(criterion, group, bench, 'new');
    const estimates = readJson(path.join(dir, 'estimates.json'));
    const meta = readJson(path.join(dir, 'benchmark.json'));
    if (!estimates || !meta) continue;
    const ns = estimates.median.point_estimate;
    const elements = meta.throughput?.Elements;
    native[`${group}/${bench}`] = { ns, elements };
  }
}
const nativeRow = (key, label) => {
  const b = native[key];
  if (!b) return;
  if (key.startsWith('decide/') || key.startsWith('known/') || key.startsWith('suffix/')) {
    const perSecond = (b.elements / b.ns) * 1e9;
    const isBudget = key === 'decide/generated-1000';
    row('engine, native', label, perSecond, '/s', isBudget ? '≥ 1,000,000 /s' : null, isBudget ? perSecond >= 1e6 : null);
  } else {
    row('engine, native', label, b.ns / 1e3, 'µs');
  }
};
nativeRow('parse/kaltiot', 'parse + validate + compile, seed policy');
nativeRow('parse/generated-100', 'parse + validate + compile, 100 services');
nativeRow('parse/generated-1000', 'parse + validate + compile, 1,000 services');
nativeRow('decide/kaltiot', 'decisions, seed policy');
nativeRow('decide/generated-100', 'decisions, 100-service policy');
nativeRow('decide/generated-1000', 'decisions, 1,000-service policy (one core)');
nativeRow('decide/no-policy', 'decisions, no policy (known-cookie table)');
nativeRow('block/plan-1000', 'tracker-rule planning + rule book, 1,000 services');
nativeRow('known/lookup', 'known-cookie lookups');
nativeRow('suffix/bundled-list', 'registrable-domain look-ups, bundled list');
nativeRow('suffix/psl-crate', 'registrable-domain look-ups, psl crate (replaced; for scale)');

// The same workload in wasm (Node), per build profile.
const wasm = {};
for (const profile of ['wasm-release', 'release']) {
  const file = at('dist/bench', `wasm-${profile}.txt`);
  if (!fs.existsSync(file)) continue;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const m = /^wasm-bench (\S+) ([\d.]+) (decisions\/s|us)/.exec(line);
    if (m) (wasm[profile] ??= {})[m[1]] = Number(m[2]);
  }
}
const shipped = wasm['wasm-release'] ?? {};
const speed = wasm.release ?? {};
for (const key of ['decide/kaltiot', 'decide/generated-100', 'decide/generated-1000', 'decide/no-policy']) {
  if (shipped[key] == null) continue;
  const n = native[key];
  const nativePerSecond = n ? (n.elements / n.ns) * 1e9 : null;
  const ratio = nativePerSecond ? `native/wasm ${(nativePerSecond / shipped[key]).toFixed(1)}×` : '';
  const o3 = speed[key] ? `; opt-level 3 build: ${fmt(speed[key], 0)} /s` : '';
  row('engine, wasm (Node)', `${key.replace('decide/', 'decisions, ')}`, shipped[key], '/s', null, null, ratio + o3);
}
for (const key of ['parse/kaltiot', 'parse/generated-1000', 'start/known-cookie-table']) {
  if (shipped[key] == null) continue;
  const n = native[key];
  const ratio = n ? `native/wasm 1:${(shipped[key] / (n.ns / 1e3)).toFixed(1)}` : '';
  row('engine, wasm (Node)', key, shipped[key], 'µs', null, null, ratio);
}

// Real Chromium.
const browser = readJson(at('dist/bench/browser.json'));
if (browser) {
  const s = (name, v, budget, limit, note = '') =>
    v && row(`Chromium ${browser.version ?? ''}`.trim(), `${name} (n=${v.n})`, v.median, 'ms median',
      budget, limit == null ? null : v.median <= limit, `p95 ${fmt(v.p95)} ms, max ${fmt(v.max)} ms${note}`);
  s('cookie write → deleted, warm worker', browser.deletionWarmMs, '≤ 5 ms', 5);
  s('cookie write → deleted, worker stopped', browser.deletionColdMs, '≤ 100 ms', 100);
  const w = browser.workerStartMs ?? {};
  s('worker start → wasm instantiated', w.wasmReady, null, null);
  s('worker start → engine started', w.started, null, null);
  s('worker start → first decision done', w.firstCookieDecided, null, null);
  s('popup open → panel rendered', browser.panelRenderMs, '≤ 100 ms', 100);
  s('popup page opened → panel rendered (its module loaded)', browser.panelOpenMs, null, null);
  const h = browser.heapAfterDemoSites;
  if (h) {
    row(`Chromium ${browser.version ?? ''}`.trim(), "worker's JS heap after the 3 demo sites", h.jsUsedBytes / 1024, 'KiB', null, null,
      `total ${fmt(h.jsTotalBytes / 1024, 0)} KiB; wasm linear memory ${fmt(h.wasmMemoryBytes / 1024, 0)} KiB`);
  }
}

// Firefox's event page, from the last `./run test` (dist/e2e-metrics.json): the wake figures
// beside Chromium's worker start.
const e2e = readJson(at('dist/e2e-metrics.json'));
const wake = e2e?.['firefox.deletionAfterSuspendMs'];
if (wake) {
  row('Firefox (from ./run test)', `cookie write → deleted, event page suspended (n=${wake.n})`, wake.median, 'ms median',
    null, null, `the budget is Chromium's; p95 ${fmt(wake.p95)} ms, max ${fmt(wake.max)} ms`);
}
const warmFx = e2e?.['firefox.deletionWarmMs'];
if (warmFx) {
  row('Firefox (from ./run test)', `cookie write → deleted, warm (n=${warmFx.n})`, warmFx.median, 'ms median',
    null, null, `measured under the test suite's load; p95 ${fmt(warmFx.p95)} ms`);
}

// Sizes.
const size = (file) => (fs.existsSync(file) ? fs.statSync(file).size : null);
const gz = (file) => (fs.existsSync(file) ? zlib.gzipSync(fs.readFileSync(file), { level: 9 }).length : null);
// One module per role (scripts/build.sh): the background's is on every cold start.
for (const [role, budget] of [['background', 250], ['pages', null]]) {
  const wasmFile = at(`dist/extension/pkg/${role}_bg.wasm`);
  const glue = at(`dist/extension/pkg/${role}.js`);
  if (!fs.existsSync(wasmFile)) continue;
  row('size', `${role} wasm module, gzip -9`, gz(wasmFile) / 1024, 'KiB', budget ? `≤ ${budget} KB` : null,
    budget ? gz(wasmFile) <= budget * 1000 : null, `raw ${fmt(size(wasmFile) / 1024)} KiB`);
  row('size', `${role} JS glue (wasm-bindgen), gzip -9`, gz(glue) / 1024, 'KiB', null, null, `raw ${fmt(size(glue) / 1024)} KiB`);
}
const version = /^version = "([^"]+)"/m.exec(fs.readFileSync(at('Cargo.toml'), 'utf8'))[1];
for (const store of ['chrome', 'firefox']) {
  const zip = at('dist', `cookie-warden-${store}-${version}.zip`);
  if (fs.existsSync(zip)) row('size', `${store} package zip`, size(zip) / 1024, 'KiB', '≤ 500 KB', size(zip) <= 500 * 1000);
}

const machine = `${process.platform} ${process.arch}, ${(await import('node:os')).cpus().length} cores, Node ${process.version}`;
const result = { measuredAt: new Date().toISOString(), machine, rows, native, wasm, browser };
fs.mkdirSync(at('dist/bench'), { recursive: true });
fs.writeFileSync(at('dist/bench/perf.json'), JSON.stringify(result, null, 2) + '\n');
const mark = (m) => (m == null ? '' : m ? 'met' : '**missed**');
const table = [
  `Cookie Warden performance, ${result.measuredAt} (${machine})`,
  '',
  '| area | measurement | figure | budget | | notes |',
  '|---|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.area} | ${r.name} | ${fmt(r.value, r.unit === '/s' ? 0 : 1)} ${r.unit} | ${r.budget ?? ''} | ${mark(r.meets)} | ${r.note} |`),
  '',
].join('\n');
fs.writeFileSync(at('dist/bench/perf.md'), table);
console.log('\n' + table);
console.log('written: dist/bench/perf.json, dist/bench/perf.md');
