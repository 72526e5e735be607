// The store listing beside the zips (scripts/package.sh): what the Chrome Web Store's and
// addons.mozilla.org's forms ask for besides the package, in dist/listing/:
//   description-<lang>.txt   the short description (the manifest's, from _locales) and the long one
//   permissions.md           the single purpose, each permission's justification, no remote code
//                            (from permissions.json, beside the manifest)
//   privacy.html             the extension's privacy policy (extension/privacy.html, also shipped)
//   screenshots/*.png        1280×800 (Chrome's size; Firefox's listing takes the same): the real
//                            panel and options page on the demo sites, in headless Chromium
//
//   node scripts/store-listing.mjs [dist/listing]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.resolve(ROOT, process.argv[2] ?? 'dist/listing');
const SIZE = { width: 1280, height: 800 };
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(path.join(out, 'screenshots'), { recursive: true });

// Descriptions, from the locale files (the manifest's description is the short one).
for (const lang of fs.readdirSync(path.join(ROOT, 'extension/_locales'))) {
  const messages = JSON.parse(fs.readFileSync(path.join(ROOT, 'extension/_locales', lang, 'messages.json'), 'utf8'));
  const text = (key) => messages[key]?.message ?? '';
  fs.writeFileSync(
    path.join(out, `description-${lang}.txt`),
    `${text('extName')}\n\nShort description:\n${text('extDescription')}\n\nLong description:\n${text('storeLongDescription')}\n`,
  );
}

// Permission justifications, in the order of the stores' forms.
const justified = JSON.parse(fs.readFileSync(path.join(ROOT, 'permissions.json'), 'utf8'));
const lines = [
  '# Cookie Warden: permission justifications',
  '',
  '## Single purpose',
  '',
  justified.singlePurpose,
  '',
  '## Permissions',
  '',
  ...Object.entries(justified.permissions).map(([name, why]) => `- \`${name}\`: ${why}`),
  '',
  '## Host permissions',
  '',
  ...Object.entries(justified.hostPermissions).map(([name, why]) => `- \`${name}\`: ${why}`),
  '',
  '## Remote code',
  '',
  justified.remoteCode,
  '',
  '## Data use',
  '',
  justified.dataUse,
  '',
];
fs.writeFileSync(path.join(out, 'permissions.md'), lines.join('\n'));
fs.copyFileSync(path.join(ROOT, 'extension/privacy.html'), path.join(out, 'privacy.html'));

// Screenshots of the real panel and options page, on the demo's seed site.
const { launch } = await import('../tests/e2e/chromium.mjs');
const { startDemoServer, HOSTS } = await import('../demo/server.mjs');
const server = await startDemoServer();
const browser = await launch();
try {
  const page = await browser.context.newPage();
  await page.setViewportSize(SIZE);
  const seed = server.url(HOSTS.kaltiot);
  await page.goto(seed, { waitUntil: 'load' });
  const declared = async () => (await browser.request({ type: 'getSitePanel', site: 'kaltiot.test' })).view?.source?.kind === 'declared';
  for (let i = 0; i < 200 && !(await declared()); i++) await new Promise((r) => setTimeout(r, 50));
  await page.goto(seed, { waitUntil: 'load' });
  await page.waitForTimeout(500);
  const panel = await browser.openPanel('*://www.kaltiot.test/*', SIZE);
  await panel.screenshot({ path: path.join(out, 'screenshots', '1-panel.png') });
  // The statistics category open, with its services and cookies.
  await panel.click('#fold-cat-statistics').catch(() => {});
  await panel.waitForSelector('body[data-ready="true"]');
  await panel.waitForTimeout(300);
  await panel.screenshot({ path: path.join(out, 'screenshots', '2-panel-statistics.png') });
  const options = await browser.openExtensionPage('options.html');
  await options.setViewportSize(SIZE);
  await options.waitForSelector('body[data-ready="true"]', { timeout: 15000 }).catch(() => {});
  await options.screenshot({ path: path.join(out, 'screenshots', '3-options.png') });
  console.log(`[listing] ${path.relative(ROOT, out)}: descriptions, permissions.md, privacy.html, 3 screenshots at ${SIZE.width}×${SIZE.height}`);
} finally {
  await browser.close();
  await server.close();
}
