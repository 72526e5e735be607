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
import { axeViolations } from './axe.mjs';

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

test('in Finnish the panel speaks Finnish: no English word from the engine, on own-format and TCF sites', async () => {
  const fi = await launch({ lang: 'fi' });
  // Words only the engine could bring (lifetimes, findings, reasons, category names, states):
  // none may reach a Finnish panel. Policy texts are the site's own and may be in any language.
  const ENGINE_ENGLISH = /\b(years?|months?|days?|hours?|minutes?|seconds?|session|expired|declared|undeclared|commonly|guessed|allowed|denied|by default|Necessary|Functional|Statistics|Marketing|stored|deleted|blocked)\b/i;
  try {
    const p = await fi.context.newPage();
    for (const [host, site, kind] of [[HOSTS.kaltiot, 'kaltiot.test', 'declared'], [HOSTS.tcf, 'tcf-shop.test', 'tcf']]) {
      await visit(p, s.server.url(host));
      await waitFor(async () => (await fi.request({ type: 'getSitePanel', site })).view.source.kind === kind, { what: `${site}'s declaration` });
      await visit(p, s.server.url(host));
      const panel = await fi.openPanel(`*://${host}/*`);
      const headers = await panel.locator('section.category .category-name').allInnerTexts();
      assert.deepEqual(headers, ['Välttämättömät', 'Toiminnalliset', 'Tilastointi', 'Markkinointi'], `${site}: Finnish category headers`);
      if (kind === 'declared') {
        for (const scheme of ['light', 'dark']) {
          await panel.emulateMedia({ colorScheme: scheme });
          await panel.screenshot({ path: path.join(SHOTS, `popup-${scheme}-fi.png`) });
        }
      }
      await scenario.openFolds({ evaluate: (fn) => panel.evaluate(fn) });
      // Only our own words: the policy's texts (purposes, descriptions, names) are left out.
      const ours = await panel.evaluate(() => {
        const skip = '.purpose, .description, .service-name, .site-label, .cookie-name, code, address, .source, .corrected, .blocked, a';
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        const parts = [];
        for (let n; (n = walker.nextNode()); ) if (!n.parentElement.closest(skip)) parts.push(n.textContent);
        return parts.join(' ');
      });
      const english = ours.match(ENGINE_ENGLISH);
      assert.equal(english, null, `${site}: English “${english?.[0]}” in: ${ours.slice(Math.max(0, (english?.index ?? 0) - 80), (english?.index ?? 0) + 80)}`);
      const text = await panel.innerText('body');
      assert.match(text, /Oikeutesi/, 'our own strings are Finnish');
      assert.match(text, /Poista kielletyt evästeet nyt/);
      assert.match(text, /\d+ (vuotta|kuukautta|päivää|vuosi)/, `${site}: lifetimes in Finnish`);
      if (kind === 'declared') {
        const violationsByScheme = {};
        for (const scheme of ['light', 'dark']) {
          await panel.emulateMedia({ colorScheme: scheme });
          violationsByScheme[scheme] = await axeViolations(panel);
        }
        assert.deepEqual(violationsByScheme, { light: [], dark: [] }, 'axe in Finnish, folds open');
      }
      await panel.close();
    }
  } finally {
    await fi.close();
  }
});

test('the first screen at 380×600 shows the summary and every category switch, also with 1,000 services', () =>
  scenario.panelFirstScreenFits(s, { screenshots: SHOTS }));

test('“always keep” on one cookie wins over its denied category and survives a worker stop and a restart', () =>
  scenario.cookieKeepWinsAndSurvives(s));

test('the badge, the summary, the category rows and the cookies’ counts agree', () => scenario.badgeAndCountsAgree(s));

test('every switch and fold works from the keyboard alone', () => scenario.panelByKeyboard(s));

test('switching Necessary off asks first', () => scenario.necessaryAsksFirst(s));

test('with every fold open the panel has no accessibility violations, light and dark', () =>
  scenario.panelOpenedAccessible(s, { screenshots: SHOTS }));

test('trusting a site for an hour sets an alarm for its end; until the browser restarts ends with the restart', () =>
  scenario.pauseLengths(s));
