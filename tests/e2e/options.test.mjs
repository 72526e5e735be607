// End-to-end: the options page in real Chromium (headless). Every change goes through the
// background's message protocol, so what the page shows is checked against `getPreferences`
// and against a site's panel; accessibility is checked with axe-core in both colour schemes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launch, ROOT } from './chromium.mjs';

let browser;
let page;
const files = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-options-'));

const DEFAULTS = {
  version: 2,
  defaults: { necessary: 'allow', functional: 'allow', statistics: 'deny', marketing: 'deny' },
  undeclared: 'keep',
  actWithoutPolicy: true,
  globalPrivacyControl: true,
  trustSiteCategories: false,
  answerBanners: true,
  acceptBanners: false,
  adpc: true,
  sites: {},
};

// Ten sites (more than eight, so the search box shows), with every kind of choice.
const SITE_NAMES = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india'];
const RICH = {
  version: 2,
  defaults: { necessary: 'allow', functional: 'deny', statistics: 'allow', marketing: 'deny' },
  undeclared: 'delete',
  actWithoutPolicy: false,
  globalPrivacyControl: false,
  trustSiteCategories: true,
  answerBanners: false,
  acceptBanners: true,
  adpc: false,
  sites: {
    'kaltiot.test': {
      categories: { statistics: 'allow', marketing: 'deny' },
      services: { leadfeeder: 'allow', 'google-analytics-4': 'deny' },
      cookies: { '2fa_token': 'allow', _ga: 'deny' },
      paused: true,
      leaveBanner: true,
      adpcConsent: ['q1analytics'],
    },
    ...Object.fromEntries(
      SITE_NAMES.map((name, i) => [
        `${name}.test`,
        i % 3 === 0 ? { paused: true } : { categories: { [i % 2 ? 'functional' : 'marketing']: i % 2 ? 'deny' : 'allow' } },
      ]),
    ),
  },
};

const preferences = async () => {
  const answer = await browser.request({ type: 'getPreferences' });
  assert.equal(answer.type, 'preferences', JSON.stringify(answer));
  return answer.preferences;
};

const store = async (prefs) => {
  const answer = await browser.request({ type: 'setPreferences', preferences: prefs });
  assert.equal(answer.type, 'done', JSON.stringify(answer));
};

/** Waits until the page has rendered everything it started. */
const settled = () => page.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: 10000 });

/** Opens (or reloads) the options page and waits for its first render. */
async function open() {
  await page.goto(`chrome-extension://${browser.extensionId}/options.html`);
  await settled();
}

const status = () => page.locator('#options-status').textContent();

function writeFile(name, text) {
  const file = path.join(files, name);
  fs.writeFileSync(file, text);
  return file;
}

before(async () => {
  browser = await launch();
  page = await browser.context.newPage();
});

after(async () => {
  await browser?.close();
  fs.rmSync(files, { recursive: true, force: true });
});

test('a changed default applies to a site without choices of its own (keyboard only)', async () => {
  await store(DEFAULTS);
  await open();
  const statistics = page.getByRole('switch', { name: 'Statistics by default', exact: true });
  assert.equal(await statistics.isChecked(), false);
  await statistics.focus();
  await page.keyboard.press('Space');
  await settled();
  assert.equal((await preferences()).defaults.statistics, 'allow');
  const panel = await browser.request({ type: 'getSitePanel', site: 'nopolicy.test' });
  const category = panel.view.categories.find((c) => c.id === 'statistics');
  assert.equal(category.choice, 'allow');
  assert.equal(category.source, 'default');
  // Re-rendered, and the keyboard focus stayed on the control.
  assert.equal(await statistics.isChecked(), true);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'default-statistics');

  // The other global choices go the same way.
  await page.getByLabel('Delete them').check();
  await settled();
  await page.getByLabel('Send Global Privacy Control').uncheck();
  await settled();
  await page.getByLabel("Take each site's categories as it declares them").check();
  await settled();
  const after = await preferences();
  assert.equal(after.undeclared, 'delete');
  assert.equal(after.globalPrivacyControl, false);
  assert.equal(after.trustSiteCategories, true);
});

test("a site's choices are edited, paused and forgotten from the page", async () => {
  await store(RICH);
  await open();
  assert.equal(await page.locator('#site-list > li').count(), 10);

  // More than eight sites: the search box filters them by name.
  const search = page.getByLabel('Find a site');
  await search.fill('kal');
  assert.equal(await page.locator('#site-list > li:not([hidden])').count(), 1);
  assert.match(await page.locator('#site-count').textContent(), /1 of 10/);
  await search.fill('');
  assert.equal(await page.locator('#site-list > li:not([hidden])').count(), 10);

  await page.getByLabel('Statistics on kaltiot.test').selectOption('deny');
  await settled();
  assert.equal((await preferences()).sites['kaltiot.test'].categories.statistics, 'deny');
  await page.getByLabel('Service leadfeeder on kaltiot.test').selectOption('default');
  await settled();
  assert.deepEqual((await preferences()).sites['kaltiot.test'].services, { 'google-analytics-4': 'deny' });
  // A cookie's own choice is listed, and removed with its button.
  const cookies = await page.locator('.site[data-site="kaltiot.test"] .cookie-choices').innerText();
  assert.match(cookies, /2fa_token\s*Always kept on this site/);
  assert.match(cookies, /_ga\s*Always deleted on this site/);
  await page.getByRole('button', { name: 'Remove the choice for _ga on kaltiot.test', exact: true }).click();
  await settled();
  assert.deepEqual((await preferences()).sites['kaltiot.test'].cookies, { '2fa_token': 'allow' });
  await page.getByRole('button', { name: 'Resume on kaltiot.test' }).click();
  await settled();
  assert.equal((await preferences()).sites['kaltiot.test'].paused, undefined);
  await page.getByRole('button', { name: 'Forget this site: bravo.test' }).click();
  await settled();
  const sites = (await preferences()).sites;
  assert.equal(sites['bravo.test'], undefined);
  assert.equal(Object.keys(sites).length, 9);
  assert.match(await status(), /bravo\.test/);
  // Nine sites left: the search box is still there; at eight it goes.
  await page.getByRole('button', { name: 'Forget this site: charlie.test' }).click();
  await settled();
  assert.equal(await page.locator('#site-search').count(), 0);
});

test('export, reset and import bring back exactly the same settings', async () => {
  await store(RICH);
  await open();
  const saved = await preferences();

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export settings' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'cookie-warden-settings.json');
  const exported = path.join(files, 'exported.json');
  await download.saveAs(exported);
  const document = JSON.parse(fs.readFileSync(exported, 'utf8'));
  assert.equal(document.format, 'cookie-warden-settings');
  assert.equal(document.version, 1);
  assert.deepEqual(document.preferences, saved);
  await settled();

  await page.getByRole('button', { name: 'Reset to defaults' }).click();
  await settled();
  assert.deepEqual(await preferences(), saved, 'asking is not resetting');
  await page.getByRole('button', { name: 'Yes, reset' }).click();
  await settled();
  assert.deepEqual(await preferences(), DEFAULTS);
  assert.match(await status(), /reset/i);
  assert.equal(await page.locator('#site-list').count(), 0);

  await page.getByLabel('Import settings from a file').setInputFiles(exported);
  await settled();
  assert.match(await status(), /imported/i);
  assert.deepEqual(await preferences(), saved);
  assert.equal(await page.locator('#site-list > li').count(), 10);
});

test('a malformed import changes nothing and says why', async () => {
  await store(RICH);
  await open();
  const saved = await preferences();
  const cases = [
    ['not-json.json', 'this is { not JSON', /not a JSON file/],
    ['other-shape.json', JSON.stringify({ hello: 'world', items: [1, 2, 3] }), /not a Cookie Warden settings file/],
    ['bare-preferences.json', JSON.stringify(DEFAULTS), /not a Cookie Warden settings file/],
    [
      'broken-choices.json',
      JSON.stringify({
        format: 'cookie-warden-settings',
        version: 1,
        preferences: { ...DEFAULTS, defaults: { statistics: 'perhaps' } },
      }),
      /refused/,
    ],
  ];
  for (const [name, text, expected] of cases) {
    await page.getByLabel('Import settings from a file').setInputFiles(writeFile(name, text));
    await settled();
    const message = await status();
    assert.match(message, expected, `${name}: ${message}`);
    assert.ok(message.includes(name), `${name}: the message names the file: ${message}`);
    assert.ok(await page.locator('#options-status.problem').count(), `${name}: shown as a problem`);
    assert.deepEqual(await preferences(), saved, `${name} changed the settings`);
  }
});

async function axeViolations() {
  const source = fs.readFileSync(path.join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
  await page.evaluate(source);
  const result = await page.evaluate(() => axe.run());
  assert.ok(result.passes.some((r) => r.id === 'color-contrast'), 'axe checked colour contrast');
  return result.violations;
}

const describe = (violations) =>
  violations
    .map((v) => `${v.id}: ${v.help}\n${v.nodes.map((n) => `  ${n.target.join(' ')}: ${n.failureSummary}`).join('\n')}`)
    .join('\n');

test('axe-core finds no violations, light and dark', async () => {
  await store(RICH);
  for (const colorScheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme });
    await open();
    // Everything that can show at once: sites with search, the reset question, a problem.
    await page.getByRole('button', { name: 'Reset to defaults' }).click();
    await settled();
    await page.getByLabel('Import settings from a file').setInputFiles(writeFile('bad.json', 'nope'));
    await settled();
    const violations = await axeViolations();
    assert.equal(violations.length, 0, `${colorScheme}:\n${describe(violations)}`);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await settled();
    await page.getByRole('button', { name: 'Export settings' }).click();
    await settled();
    const after = await axeViolations();
    assert.equal(after.length, 0, `${colorScheme} (done message):\n${describe(after)}`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
});

test('screenshots, light and dark', async () => {
  await store({
    ...RICH,
    sites: Object.fromEntries(Object.entries(RICH.sites).slice(0, 3)),
  });
  const dir = path.join(ROOT, 'dist/screenshots');
  fs.mkdirSync(dir, { recursive: true });
  for (const colorScheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme });
    await open();
    const file = path.join(dir, `options-${colorScheme}.png`);
    await page.screenshot({ path: file, fullPage: true });
    assert.ok(fs.statSync(file).size > 10000, `${file} was written`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
});

// Last, because the background keeps its repair report until the worker restarts.
test('settings that could not be read are reported at the top', async () => {
  await browser.inWorker(() =>
    chrome.storage.local.set({ prefs: { version: 2, defaults: { statistics: 'perhaps' }, undeclared: 42 } }),
  );
  await browser.stopWorker();
  await open();
  const notice = page.locator('#options-repairs');
  const text = await notice.textContent();
  assert.match(text, /Some saved settings could not be read and were reset/);
  assert.match(text, /undeclared/);
  assert.match(text, /statistics/);
  const prefs = await preferences();
  assert.equal(prefs.undeclared, 'keep');
  assert.equal(prefs.defaults.statistics, 'deny');
  // Still shown, once, after a change re-renders the page.
  await page.getByRole('switch', { name: 'Marketing by default', exact: true }).check();
  await settled();
  assert.equal(await page.locator('#options-repairs').count(), 1);
});

test('every switch says its state in words beside it, and the words agree with the switch', async () => {
  await store(RICH);
  await open();
  const rows = await page.evaluate(() =>
    [...document.querySelectorAll('.setting-row')].map((row) => ({
      label: row.querySelector('.setting-label')?.textContent,
      state: row.querySelector('.state')?.textContent,
      checked: row.querySelector('[role="switch"]')?.getAttribute('aria-checked'),
    })),
  );
  assert.equal(rows.length, 10, JSON.stringify(rows));
  for (const row of rows) {
    const on = row.checked === 'true';
    const words = on ? ['Allowed', 'On'] : ['Denied', 'Off'];
    assert.ok(words.includes(row.state), `${row.label}: switch ${row.checked}, words ${row.state}`);
    assert.ok(!row.label.includes(row.state), `the label does not run into the state: ${row.label}`);
  }
  // RICH denies functional by default: its switch is off and says so.
  assert.deepEqual(rows.find((r) => r.label === 'Functional by default'), { label: 'Functional by default', state: 'Denied', checked: 'false' });
});

test('answering banners and the ADPC signal are on by default, accepting off; a site’s exception is listed and can be ended', async () => {
  await store(DEFAULTS);
  await open();
  const on = (name) => page.getByRole('switch', { name, exact: true }).getAttribute('aria-checked');
  assert.equal(await on("Answer sites' consent banners with my choices"), 'true');
  assert.equal(await on('Send the ADPC privacy signal'), 'true');
  assert.equal(await on('Accept a banner where I allow every category'), 'false');
  await store(RICH);
  await open();
  const exception = page.getByRole('switch', { name: 'Answer the consent banner on kaltiot.test', exact: true });
  assert.equal(await exception.getAttribute('aria-checked'), 'false');
  assert.equal(await on('Consent to q1analytics on kaltiot.test'), 'true');
  await exception.click();
  await settled();
  assert.equal((await preferences()).sites['kaltiot.test'].leaveBanner, undefined, 'the exception ended');
});

test('switching Necessary off by default asks first, and saying no changes nothing', async () => {
  await store(DEFAULTS);
  await open();
  const necessary = page.getByRole('switch', { name: 'Necessary by default', exact: true });
  await necessary.click();
  const question = page.getByRole('alertdialog');
  assert.match(await question.innerText(), /signed in/);
  // The safe answer has the focus.
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Keep them allowed');
  await page.keyboard.press('Enter');
  assert.equal(await necessary.getAttribute('aria-checked'), 'true');
  assert.equal((await preferences()).defaults.necessary, 'allow');
  await necessary.click();
  await page.getByRole('button', { name: 'Switch off anyway', exact: true }).click();
  await settled();
  await waitForPrefs((p) => p.defaults.necessary === 'deny');
  await store(DEFAULTS);
});

async function waitForPrefs(ok) {
  const end = Date.now() + 10000;
  while (!ok(await preferences())) {
    if (Date.now() > end) throw new Error('the preferences did not change');
    await new Promise((r) => setTimeout(r, 50));
  }
}
