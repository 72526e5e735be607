// The popup's per-site panel in real Chromium: what it lists, its switches (proven by the
// server log and the cookie jar), hostile policy texts, accessibility, size, themes, languages.
// The scenarios are shared with Firefox (tests/e2e/scenarios.mjs); Finnish is Chromium's only
// (Firefox's UI language needs a language pack).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { launch, newProfile, ROOT } from './chromium.mjs';
import { HOSTS } from '../../demo/server.mjs';
import { waitFor, visit } from './helpers.mjs';
import * as scenario from './scenarios.mjs';

const SHOTS = path.join(ROOT, 'dist', 'screenshots');
fs.mkdirSync(SHOTS, { recursive: true });

const profile = newProfile();
let s;

before(async () => {
  s = scenario.session(await scenario.startServer(), async () => scenario.chromiumBrowser(await launch({ profile })));
  await s.start();
  // The first visit finds the policy; the second is the one the panel describes.
  await scenario.visitSeedSiteTwice(s);
});

after(async () => {
  await s?.stop();
});

test('the panel lists the seed site’s cookies with purpose, expiry and status', () => scenario.panelListsCookies(s));

test('the panel renders quickly (popup open → panel rendered)', () => scenario.panelRendersQuickly(s));

test('toggling Statistics on the panel lets trackers load; toggling off deletes and blocks them', () => scenario.panelStatisticsSwitch(s));

test('a choice made on the panel survives a browser restart', () => scenario.panelChoiceSurvivesRestart(s));

test('the panel has no accessibility violations and fits 380×600 without horizontal scrolling', () =>
  scenario.panelAccessibleAndFits(s, { screenshots: SHOTS }));

test('hostile policy texts are shown as text, and no script runs', () => scenario.hostilePolicyTexts(s, { screenshots: SHOTS }));

test('the panel’s refresh looks for the policy from the tab’s own page', () => scenario.panelRefreshUsesTheTabsPage(s));

test('in Finnish the panel speaks Finnish, including the policy’s own texts', async () => {
  const fi = await launch({ lang: 'fi' });
  try {
    const p = await fi.context.newPage();
    await visit(p, s.server.url(HOSTS.kaltiot));
    await waitFor(async () => (await fi.request({ type: 'getSitePanel', site: 'kaltiot.test' })).view.source.kind === 'declared', { what: 'the policy' });
    await visit(p, s.server.url(HOSTS.kaltiot));
    const panel = await fi.openPanel(scenario.KALTIOT_TAB);
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
