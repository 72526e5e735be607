// The popup's per-site panel in real Chromium: what it lists, its switches (proven by the
// server log and the cookie jar), hostile policy texts, accessibility, size, themes, languages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { launch, newProfile, ROOT } from './chromium.mjs';
import { startDemoServer, HOSTS, buildDemoPolicy } from '../../demo/server.mjs';
import { waitFor, visit, report, names, summary } from './helpers.mjs';
import { axeViolations } from './axe.mjs';

const SHOTS = path.join(ROOT, 'dist', 'screenshots');
fs.mkdirSync(SHOTS, { recursive: true });
const KALTIOT_TAB = '*://www.kaltiot.test/*';

let server;
let browser;
let page;
const profile = newProfile();

before(async () => {
  server = await startDemoServer();
  browser = await launch({ profile });
  page = await browser.context.newPage();
  // The first visit finds the policy; the second is the one the panel describes.
  await visit(page, server.url(HOSTS.kaltiot));
  await waitFor(async () => (await browser.request({ type: 'getSitePanel', site: 'kaltiot.test' })).view.source.kind === 'declared', { what: 'the policy' });
  await visit(page, server.url(HOSTS.kaltiot));
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** The text of the cookie entry named `name` in the service block titled `service`. */
async function cookieEntry(panel, service, name) {
  return panel.evaluate(
    ([service, name]) => {
      const block = [...document.querySelectorAll('.service')].find((b) => b.querySelector('h3')?.textContent.startsWith(service));
      const item = block && [...block.querySelectorAll('li.cookie')].find((li) => li.querySelector('.cookie-name')?.textContent === name);
      return item ? item.innerText : null;
    },
    [service, name],
  );
}

test('the panel lists the seed site’s cookies with purpose, expiry and status', async () => {
  const panel = await browser.openPanel(KALTIOT_TAB);
  const statistics = await panel.locator('section.category', { hasText: 'Statistics / Analytics' }).innerText();
  assert.ok(statistics.includes('Google Analytics 4') && statistics.includes('Leadfeeder'), statistics);
  for (const [service, name] of [['Google Analytics 4', '_ga'], ['Google Analytics 4', '_ga_DEMO123'], ['Leadfeeder', '_lfa']]) {
    const entry = await cookieEntry(panel, service, name);
    assert.ok(entry, `${name} listed under ${service}`);
    assert.match(entry, /Declared: 2 years/, `${name}: ${entry}`);
    assert.match(entry, /Deleted \d+×/, `${name}: ${entry}`);
    assert.ok(entry.split('\n').some((line) => line.length > 30), `${name} has a purpose: ${entry}`);
  }
  const functional = await cookieEntry(panel, 'Kaltiot website', 'cw_lang');
  assert.match(functional, /Kept/);
  const undeclared = await panel.locator('section.other').innerText();
  assert.match(undeclared, /visitor_note/);
  assert.match(undeclared, /visitor_note is not declared in the policy/);
  const rights = await panel.locator('section.rights').innerText();
  assert.match(rights, /Kaltiot Technologies Oy/);
  const mail = await panel.locator('a.mail').first().getAttribute('href');
  assert.ok(mail.startsWith('mailto:privacy@kaltiot.com?subject='), mail);
  assert.ok(decodeURIComponent(mail).includes('cw_lang'), 'the mail lists the stored cookie identifiers');
  report('chromium.panelRenderMs', Number(await panel.getAttribute('body', 'data-render-ms')));
  await panel.close();
});

test('the panel renders quickly (popup open → panel rendered)', async () => {
  const times = [];
  for (let i = 0; i < 10; i++) {
    const panel = await browser.openPanel(KALTIOT_TAB);
    times.push(Number(await panel.getAttribute('body', 'data-render-ms')));
    await panel.close();
  }
  assert.ok(times.every((t) => t > 0), `render times measured: ${times}`);
  report('chromium.panelRenderMsOver10', summary(times));
});

test('toggling Statistics on the panel lets trackers load; toggling off deletes and blocks them', async () => {
  let panel = await browser.openPanel(KALTIOT_TAB);
  await panel.getByRole('switch', { name: 'Allow Statistics / Analytics on kaltiot.test' }).check();
  await panel.waitForSelector('body[data-ready="true"]');
  assert.equal(await panel.getByRole('switch', { name: 'Allow Statistics / Analytics on kaltiot.test' }).isChecked(), true);
  server.clearLog();
  await visit(page, server.url(HOSTS.kaltiot));
  assert.ok(server.requestsTo('google-analytics.test').length > 0, 'GA loads');
  assert.ok(server.requestsTo('lfeeder.test').length > 0, 'Leadfeeder loads');
  await page.waitForTimeout(300);
  let jar = names(await browser.cookies('kaltiot.test'));
  assert.ok(jar.includes('_ga') && jar.includes('_lfa'), `kept: ${jar}`);
  await panel.close();

  panel = await browser.openPanel(KALTIOT_TAB);
  // Keyboard only: focus the switch and press Space.
  await panel.getByRole('switch', { name: 'Allow Statistics / Analytics on kaltiot.test' }).focus();
  await panel.keyboard.press('Space');
  await waitFor(async () => !(await panel.getByRole('switch', { name: 'Allow Statistics / Analytics on kaltiot.test' }).isChecked()), { what: 'the switch off' });
  await waitFor(async () => {
    const j = names(await browser.cookies('kaltiot.test'));
    return !j.includes('_ga') && !j.includes('_lfa');
  }, { what: 'cookies deleted at once' });
  server.clearLog();
  await visit(page, server.url(HOSTS.kaltiot));
  assert.equal(server.requestsTo('google-analytics.test').length + server.requestsTo('lfeeder.test').length, 0, 'blocked again');
  await panel.close();
});

test('a choice made on the panel survives a browser restart', async () => {
  const panel = await browser.openPanel(KALTIOT_TAB);
  await panel.getByRole('switch', { name: 'Allow Marketing / Tracking on kaltiot.test' }).check();
  await panel.waitForSelector('body[data-ready="true"]');
  await panel.close();
  await browser.close();
  browser = await launch({ profile });
  page = await browser.context.newPage();
  await visit(page, server.url(HOSTS.kaltiot));
  const again = await browser.openPanel(KALTIOT_TAB);
  assert.equal(await again.getByRole('switch', { name: 'Allow Marketing / Tracking on kaltiot.test' }).isChecked(), true);
  assert.equal(await again.getByRole('switch', { name: 'Allow Statistics / Analytics on kaltiot.test' }).isChecked(), false);
  await again.close();
});

test('the panel has no accessibility violations and fits 380×600 without horizontal scrolling', async () => {
  const panel = await browser.openPanel(KALTIOT_TAB);
  for (const scheme of ['light', 'dark']) {
    await panel.emulateMedia({ colorScheme: scheme });
    const violations = await axeViolations(panel);
    assert.deepEqual(violations, [], `${scheme}: ${violations.join('\n')}`);
    const overflow = await panel.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `${scheme}: ${overflow}px of horizontal scrolling`);
    await panel.screenshot({ path: path.join(SHOTS, `popup-${scheme}-en.png`) });
  }
  await panel.close();
});

test('hostile policy texts are shown as text, and no script runs', async () => {
  const hostile = buildDemoPolicy();
  const evil = '<img src=x onerror="document.title=\'pwned\'"><script>document.title="pwned"</script>';
  hostile.controller.name = `Evil ${evil} Oy`;
  hostile.categories.statistics.label = { en: `Stats ${evil}` };
  hostile.services[2].name = `GA ${evil}`;
  hostile.services[2].storage[0].purpose = `Purpose ${evil} \u202Egnp.exe\u202C ${'x'.repeat(3800)} 🍪🍪🍪`;
  server.setVariant('kaltiotPolicy', hostile);
  try {
    await browser.request({ type: 'refreshPolicy', site: 'kaltiot.test', pageUrl: server.url(HOSTS.kaltiot) });
    const panel = await browser.openPanel(KALTIOT_TAB);
    const dialogs = [];
    panel.on('dialog', (d) => dialogs.push(d.message()));
    const text = await panel.innerText('body');
    assert.ok(text.includes(`Evil ${evil} Oy`), 'the controller name is shown literally');
    assert.ok(text.includes(`Stats ${evil}`), 'the label is shown literally');
    assert.equal(await panel.locator('main img, main script').count(), 0, 'no element was made from policy text');
    assert.notEqual(await panel.title(), 'pwned');
    assert.deepEqual(dialogs, []);
    const overflow = await panel.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `long words do not break the layout: ${overflow}px`);
    await panel.screenshot({ path: path.join(SHOTS, 'popup-hostile.png') });
    await panel.close();
  } finally {
    server.setVariant('kaltiotPolicy', undefined);
    await browser.request({ type: 'refreshPolicy', site: 'kaltiot.test', pageUrl: server.url(HOSTS.kaltiot) });
  }
});

test('in Finnish the panel speaks Finnish, including the policy’s own texts', async () => {
  const fi = await launch({ lang: 'fi' });
  try {
    const p = await fi.context.newPage();
    await visit(p, server.url(HOSTS.kaltiot));
    await waitFor(async () => (await fi.request({ type: 'getSitePanel', site: 'kaltiot.test' })).view.source.kind === 'declared', { what: 'the policy' });
    await visit(p, server.url(HOSTS.kaltiot));
    const panel = await fi.openPanel(KALTIOT_TAB);
    const text = await panel.innerText('body');
    assert.match(text, /Oikeutesi/, 'our own strings are Finnish');
    assert.match(text, /Poista kielletyt evästeet nyt/);
    const label = await panel.locator('section.category h2').nth(1).innerText();
    assert.notEqual(label, 'Statistics / Analytics', `the policy's Finnish label is used: ${label}`);
    for (const scheme of ['light', 'dark']) {
      await panel.emulateMedia({ colorScheme: scheme });
      await panel.screenshot({ path: path.join(SHOTS, `popup-${scheme}-fi.png`) });
    }
  } finally {
    await fi.close();
  }
});
