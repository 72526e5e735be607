// The release packages (scripts/package.sh): the Chrome and Firefox zips hold exactly the files
// of dist/extension/ (deterministically), the Firefox package passes `web-ext lint`, the Chrome
// package starts in real Chromium with no entry on its chrome://extensions errors page, and the
// source archive is the tracked tree plus a BUILD.md whose checksums are the Firefox zip's.
// It packages the dist/extension/ already built (`package.sh --no-build`, a few seconds; a full
// build only when there is none), so the zips checked are those of the current build, and it
// leaves dist/extension/ as it is.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { launch, ROOT } from './chromium.mjs';

// What ships: dist/extension/ (the tests' own build, dist/extension-testing/, adds test hooks).
const EXTENSION = path.join(ROOT, 'dist/extension');

const VERSION = /^version = "([^"]+)"/m.exec(fs.readFileSync(path.join(ROOT, 'Cargo.toml'), 'utf8'))[1];
const DIST = path.join(ROOT, 'dist');
const CHROME_ZIP = path.join(DIST, `cookie-warden-chrome-${VERSION}.zip`);
const FIREFOX_ZIP = path.join(DIST, `cookie-warden-firefox-${VERSION}.zip`);
const SOURCE_TGZ = path.join(DIST, `cookie-warden-source-${VERSION}.tar.gz`);
const FIREFOX_DIR = path.join(DIST, 'firefox-package');

const REQUIRED = [
  'manifest.json',
  'background.js',
  'content.js',
  'gpc.js',
  'popup.html',
  'options.html',
  'pkg/background.js',
  'pkg/background_bg.wasm',
  'pkg/pages.js',
  'pkg/pages_bg.wasm',
  '_locales/en/messages.json',
  '_locales/fi/messages.json',
  'icons/icon-16.png',
  'icons/icon-32.png',
  'icons/icon-48.png',
  'icons/icon-128.png',
];
const FORBIDDEN = [
  /\.rs$/,
  /(^|\/)Cargo\.(toml|lock)$/,
  /(^|\/)node_modules\//,
  /(^|\/)package(-lock)?\.json$/,
  /^(src|target|tests|scripts|demo|docs|data|benches)\//,
  /(^|\/)\./, // dotfiles
  /\.map$/,
];

// The one warning the shared manifest earns in Firefox: it ignores background.service_worker
// (Chrome's), and runs background.scripts.
const ALLOWED_WARNINGS = new Set(['BACKGROUND_SERVICE_WORKER_IGNORED']);
let firefoxManifest;

before(() => {
  const args = fs.existsSync(path.join(EXTENSION, 'manifest.json')) ? ['--no-build'] : [];
  const output = execFileSync('bash', [path.join(ROOT, 'scripts/package.sh'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 20 * 60 * 1000,
  });
  for (const line of output.split('\n')) {
    if (/^\[package\] (dist\/|web-ext|\[listing\])/.test(line)) console.log(line);
  }
  firefoxManifest = JSON.parse(fs.readFileSync(path.join(FIREFOX_DIR, 'manifest.json'), 'utf8'));
});

// --- small readers, so the test needs neither unzip nor tar ------------------------------------

/** Every entry of a zip file: name, bytes, DOS date and time, Unix mode. */
function readZip(file) {
  const zip = fs.readFileSync(file);
  let end = zip.length - 22;
  while (end >= 0 && zip.readUInt32LE(end) !== 0x06054b50) end--;
  assert.ok(end >= 0, `${file}: no end of central directory`);
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const entries = [];
  for (let i = 0; i < count; i++) {
    assert.equal(zip.readUInt32LE(at), 0x02014b50, `${file}: central directory entry ${i}`);
    const method = zip.readUInt16LE(at + 10);
    const time = zip.readUInt16LE(at + 12);
    const date = zip.readUInt16LE(at + 14);
    const packed = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const skip = nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    const mode = zip.readUInt32LE(at + 38) >>> 16;
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(start, start + packed);
    const bytes = method === 8 ? zlib.inflateRawSync(raw) : Buffer.from(raw);
    assert.equal(bytes.length, size, `${file}: ${name} size`);
    entries.push({ name, bytes, date, time, mode, method });
    at += 46 + skip;
  }
  return entries;
}

/** Every regular file of a .tar.gz (ustar and pax names) and the pax global comment. */
function readTarGz(file) {
  const tar = zlib.gunzipSync(fs.readFileSync(file));
  const files = new Map();
  let comment = null;
  let paxPath = null;
  for (let at = 0; at + 512 <= tar.length; ) {
    const header = tar.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const field = (start, length) => header.toString('utf8', start, start + length).replace(/\0.*$/s, '');
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1) || '0';
    const body = tar.subarray(at + 512, at + 512 + size);
    const prefix = field(345, 155);
    const name = paxPath ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    if (type === 'x' || type === 'g') {
      for (const record of body.toString('utf8').split('\n').filter(Boolean)) {
        const [key, ...value] = record.replace(/^\d+ /, '').split('=');
        if (key === 'path' && type === 'x') paxPath = value.join('=');
        if (key === 'comment' && type === 'g') comment = value.join('=');
      }
    } else {
      if (type === '0') files.set(name, Buffer.from(body));
      paxPath = null;
    }
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return { files, comment };
}

/** The files of a folder, as sorted relative paths with '/'. */
function listFiles(dir) {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.relative(dir, path.join(d.parentPath ?? d.path, d.name)).split(path.sep).join('/'))
    .sort();
}

const sha256 = (bytes) => crypto.createHash('sha256').update(bytes).digest('hex');
const builtManifest = () => JSON.parse(fs.readFileSync(path.join(EXTENSION, 'manifest.json'), 'utf8'));

/** Every file a manifest names (so a package missing one fails here, not in a store). */
function filesNamedBy(manifest) {
  const named = new Set([
    ...Object.values(manifest.icons ?? {}),
    ...Object.values(manifest.action?.default_icon ?? {}),
    manifest.action?.default_popup,
    manifest.options_ui?.page,
    manifest.background?.service_worker,
    ...(manifest.background?.scripts ?? []),
    ...(manifest.content_scripts ?? []).flatMap((c) => [...(c.js ?? []), ...(c.css ?? [])]),
  ]);
  if (manifest.default_locale) named.add(`_locales/${manifest.default_locale}/messages.json`);
  named.delete(undefined);
  return [...named];
}

// --- the zips -----------------------------------------------------------------------------------

for (const [store, file] of [
  ['chrome', CHROME_ZIP],
  ['firefox', FIREFOX_ZIP],
]) {
  test(`${store} zip: exactly the built extension's files, deterministic, nothing else`, () => {
    const entries = readZip(file);
    const names = entries.map((e) => e.name);
    assert.deepEqual(names, [...names].sort(), 'entries in sorted order');
    assert.deepEqual(names, listFiles(EXTENSION), 'the files of dist/extension/, no more, no fewer');
    for (const name of REQUIRED) assert.ok(names.includes(name), `${name} is in the zip`);
    for (const name of names) {
      for (const pattern of FORBIDDEN) assert.doesNotMatch(name, pattern, `${name} does not belong in a package`);
    }
    for (const entry of entries) {
      assert.equal(entry.date, (0 << 9) | (1 << 5) | 1, `${entry.name}: dated 1980-01-01`);
      assert.equal(entry.time, 0, `${entry.name}: at 00:00`);
      assert.equal(entry.mode, 0o100644, `${entry.name}: mode 0644`);
      assert.equal(entry.method, 8, `${entry.name}: deflated`);
    }
    const background = entries.find((e) => e.name === 'background.js').bytes.toString('utf8');
    assert.doesNotMatch(background, /cookieWarden|test-hooks/, 'the shipped background has no test hooks');
    for (const role of ['background', 'pages']) {
      const wasm = entries.find((e) => e.name === `pkg/${role}_bg.wasm`).bytes;
      assert.deepEqual([...wasm.subarray(0, 4)], [0x00, 0x61, 0x73, 0x6d], `the ${role} wasm is WebAssembly`);
    }

    const manifest = JSON.parse(entries.find((e) => e.name === 'manifest.json').bytes.toString('utf8'));
    assert.equal(manifest.version, VERSION, 'the manifest has the version of Cargo.toml');
    for (const named of filesNamedBy(manifest)) assert.ok(names.includes(named), `the manifest names ${named}`);

    const expected = builtManifest();
    if (store === 'chrome') {
      delete expected.background.scripts;
      expected.permissions = expected.permissions.filter((p) => p !== 'webRequestBlocking');
    }
    assert.deepEqual(
      manifest,
      expected,
      `the ${store} manifest is the built one${store === 'chrome' ? ' less background.scripts and webRequestBlocking' : ''}`,
    );
    for (const entry of entries) {
      if (store === 'chrome' && entry.name === 'manifest.json') continue;
      assert.ok(entry.bytes.equals(fs.readFileSync(path.join(EXTENSION, entry.name))), `${entry.name} as built`);
    }
  });
}

// --- web-ext lint -------------------------------------------------------------------------------

test('web-ext lint: the Firefox package has no errors and no warning but the service worker one', () => {
  let stdout;
  try {
    stdout = execFileSync(
      path.join(ROOT, 'node_modules/.bin/web-ext'),
      ['lint', '--source-dir', FIREFOX_DIR, '--output', 'json', '--no-config-discovery'],
      { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_UPDATE_NOTIFIER: '1' }, timeout: 60000 },
    );
  } catch (error) {
    stdout = error.stdout; // it exits non-zero when it finds errors; the report says which
  }
  const report = JSON.parse(stdout);
  const describe = (m) => `${m.code} (${m.file ?? ''}${m.line ? `:${m.line}` : ''}): ${m.message}`;
  console.log(
    `# web-ext lint: ${report.errors.length} errors, ${report.warnings.length} warnings, ${report.notices.length} notices`,
  );
  for (const m of [...report.warnings, ...report.notices]) console.log(`  ${m._type}: ${describe(m)}`);
  assert.deepEqual(report.errors.map(describe), [], 'no errors');
  const unexpected = report.warnings.filter((m) => !ALLOWED_WARNINGS.has(m.code));
  assert.deepEqual(unexpected.map(describe), [], `no warnings but ${[...ALLOWED_WARNINGS].join(', ')}`);
  assert.equal(report.metadata.version, VERSION);
  assert.equal(report.metadata.manifestVersion, 3);
});

// --- the source archive -------------------------------------------------------------------------

test('source archive: the tracked tree at one commit, plus BUILD.md that rebuilds the Firefox zip', () => {
  const { files, comment } = readTarGz(SOURCE_TGZ);
  const prefix = `cookie-warden-${VERSION}/`;
  assert.match(comment ?? '', /^[0-9a-f]{40}$/, 'git archive records its commit');
  const tracked = execFileSync('git', ['ls-tree', '-r', '--name-only', '-z', comment], { cwd: ROOT, encoding: 'utf8' })
    .split('\0')
    .filter(Boolean);
  const names = [...files.keys()];
  for (const name of names) assert.ok(name.startsWith(prefix), `${name} is under ${prefix}`);
  assert.deepEqual(
    names.map((n) => n.slice(prefix.length)).sort(),
    [...tracked, 'BUILD.md'].sort(),
    'the tracked files of the commit and BUILD.md, nothing else',
  );
  for (const needed of ['Cargo.toml', 'Cargo.lock', 'package.json', 'package-lock.json', 'manifest.json', 'run', 'scripts/build.sh', 'scripts/setup.sh', 'src/lib.rs', 'extension/background.js']) {
    assert.ok(files.has(prefix + needed), `${needed} is in the source archive`);
  }
  for (const name of names) assert.doesNotMatch(name, /\/(target|dist|node_modules)\//, `${name} is not built output`);

  const buildMd = files.get(`${prefix}BUILD.md`).toString('utf8');
  const rustc = execFileSync('rustc', ['--version'], { encoding: 'utf8' }).trim();
  const lock = fs.readFileSync(path.join(ROOT, 'Cargo.lock'), 'utf8');
  const wasmBindgen = /name = "wasm-bindgen"\nversion = "([^"]+)"/.exec(lock)[1];
  for (const expected of [
    'Debian 12',
    rustc,
    'rustup target add wasm32-unknown-unknown',
    `cargo install wasm-bindgen-cli --version ${wasmBindgen}`,
    'Node.js 20',
    'npm ci',
    'binaryen 132',
    './run build',
    'dist/extension/',
    `cookie-warden-firefox-${VERSION}.zip`,
  ]) {
    assert.ok(buildMd.includes(expected), `BUILD.md says ${expected}`);
  }
  const sums = [...buildMd.matchAll(/^([0-9a-f]{64}) {2}(\S+)$/gm)].map((m) => `${m[1]}  ${m[2]}`);
  const zipSums = readZip(FIREFOX_ZIP).map((e) => `${sha256(e.bytes)}  ${e.name}`);
  assert.deepEqual(sums, zipSums, "BUILD.md's checksums are the Firefox zip's files");
});

// --- the Chrome package in Chromium -------------------------------------------------------------

/** Chromium's chrome://extensions errors of one extension, developer mode on (reloaded so the
 * manifest is read again with the error console on). */
async function extensionErrors(browser) {
  const page = await browser.context.newPage();
  await page.goto('chrome://extensions/');
  const call = (name, ...args) =>
    page.evaluate(
      ([n, a]) =>
        new Promise((resolve, reject) =>
          chrome.developerPrivate[n](...a, (result) =>
            chrome.runtime.lastError ? reject(new Error(chrome.runtime.lastError.message)) : resolve(result),
          ),
        ),
      [name, args],
    );
  await call('updateProfileConfiguration', { inDeveloperMode: true });
  await call('reload', browser.extensionId, { failQuietly: true });
  // The reloaded worker starts the engine; open the options page too, so its wasm runs with the
  // error console on.
  await browser.inWorker(() => true);
  const options = await browser.context.newPage();
  await options.goto(`chrome-extension://${browser.extensionId}/options.html`);
  await options.waitForSelector('body[data-ready="true"]', { timeout: 15000 });
  await new Promise((r) => setTimeout(r, 500));
  const info = await call('getExtensionInfo', browser.extensionId);
  const messages = (list) => (list ?? []).map((e) => `${e.manifestKey ?? e.source ?? ''}: ${e.message}`);
  return {
    state: info.state,
    installWarnings: info.installWarnings ?? [],
    manifestErrors: messages(info.manifestErrors),
    runtimeErrors: messages(info.runtimeErrors),
  };
}

test('chrome zip in Chromium: the worker starts, with the version, and the errors page is empty', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-chrome-package-'));
  for (const entry of readZip(CHROME_ZIP)) {
    fs.mkdirSync(path.dirname(path.join(dir, entry.name)), { recursive: true });
    fs.writeFileSync(path.join(dir, entry.name), entry.bytes);
  }
  const browser = await launch({ extensionDir: dir });
  try {
    const manifest = await browser.inWorker(() => chrome.runtime.getManifest());
    assert.equal(manifest.version, VERSION);
    assert.equal(manifest.background.service_worker, 'background.js');
    // The shipped worker has no test hooks: its engine is asked as the pages ask it.
    assert.equal(await browser.inWorker(() => typeof globalThis.cookieWarden), 'undefined', 'no test hooks in the package');
    const options = await browser.context.newPage();
    await options.goto(`chrome-extension://${browser.extensionId}/options.html`);
    await options.waitForSelector('body[data-ready="true"]', { timeout: 15000 });
    const answer = await options.evaluate(() => chrome.runtime.sendMessage({ type: 'getPreferences' }));
    assert.equal(answer.type, 'preferences', 'the worker answers the protocol');
    await options.close();
    const errors = await extensionErrors(browser);
    assert.equal(errors.state, 'ENABLED');
    assert.deepEqual(errors, { state: 'ENABLED', installWarnings: [], manifestErrors: [], runtimeErrors: [] });
  } finally {
    await browser.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('control: the same check does see the error the unpacked, shared manifest gets in Chromium', async () => {
  // dist/extension/ keeps background.scripts and webRequestBlocking for Firefox; Chromium lists
  // them as errors, which is why the Chrome zip drops them (and proves the check above reads the
  // real errors page).
  const browser = await launch();
  try {
    const errors = await extensionErrors(browser);
    assert.deepEqual(errors.manifestErrors, [
      "background.scripts: 'background.scripts' requires manifest version of 2 or lower.",
      "webRequestBlocking: 'webRequestBlocking' requires manifest version of 2 or lower.",
    ]);
    assert.deepEqual(errors.runtimeErrors, []);
  } finally {
    await browser.close();
  }
});

// --- the store listing (scripts/store-listing.mjs) ------------------------------------------

const LISTING = path.join(ROOT, 'dist/listing');

/** A PNG's width and height, from its IHDR chunk. */
function pngSize(file) {
  const head = fs.readFileSync(file).subarray(0, 24);
  assert.equal(head.toString('latin1', 1, 4), 'PNG', `${file} is a PNG`);
  return { width: head.readUInt32BE(16), height: head.readUInt32BE(20) };
}

test('the listing folder has the screenshots at the stores’ size, the descriptions, the privacy policy and the permissions', () => {
  const shots = fs.readdirSync(path.join(LISTING, 'screenshots')).filter((f) => f.endsWith('.png'));
  assert.ok(shots.length >= 3, `screenshots: ${shots}`);
  for (const shot of shots) {
    assert.deepEqual(pngSize(path.join(LISTING, 'screenshots', shot)), { width: 1280, height: 800 }, shot);
  }
  for (const lang of ['en', 'fi']) {
    const text = fs.readFileSync(path.join(LISTING, `description-${lang}.txt`), 'utf8');
    const [, short] = /Short description:\n(.*)\n/.exec(text) ?? [];
    const [, long] = /Long description:\n([\s\S]*)$/.exec(text) ?? [];
    assert.ok(short && short.length <= 132, `${lang}: a short description of at most 132 characters: ${short}`);
    assert.ok(long && long.trim().length > 500 && long.length <= 16000, `${lang}: a long description`);
  }
  const privacy = fs.readFileSync(path.join(LISTING, 'privacy.html'), 'utf8');
  assert.equal(privacy, fs.readFileSync(path.join(EXTENSION, 'privacy.html'), 'utf8'), 'the policy shipped is the one listed');
  const permissions = fs.readFileSync(path.join(LISTING, 'permissions.md'), 'utf8');
  for (const permission of [...firefoxManifest.permissions, ...firefoxManifest.host_permissions]) {
    assert.ok(permissions.includes(`\`${permission}\`: `), `${permission} is justified in permissions.md`);
  }
  assert.match(permissions, /## Remote code\n\nNo\./);
});
