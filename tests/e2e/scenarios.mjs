// The end-to-end scenarios, written once and run in both browsers: chromium.test.mjs and
// popup.test.mjs drive them in Chromium (tests/e2e/chromium.mjs, playwright-core),
// firefox.test.mjs in Firefox (tests/e2e/firefox.mjs, selenium-webdriver). Only the driver
// differs; every scenario talks to this interface:
//
//   browser.name                      'chromium' | 'firefox' (prefixes the reported figures)
//   browser.request(message)          the extension's message protocol (src/protocol.rs)
//   browser.cookies(domain, {storeId}) chrome.cookies.getAll as the extension sees it
//   browser.rules()                   the dynamic declarativeNetRequest rules
//   browser.tabs(urlPattern)          chrome.tabs.query({url})
//   browser.newPage()                 a new tab, as a page (below)
//   browser.openPanel(urlPattern)     popup.html?tab=ID for the tab showing urlPattern, rendered
//   browser.suspendBackground()       Chromium: stop the service worker; Firefox: let the event
//                                     page go idle until Firefox suspends it
//   browser.close()
//   page.goto(url)                    load and settle; page.evaluate(fn, arg); page.wait(ms)
//   page.text(sel) / attribute(sel, name) / count(sel) / title() / waitForSelector(sel)
//   page.isSwitchOn(name) / setSwitch(name, on) / toggleSwitchWithKeyboard(name)  switches by
//                                     accessible name (role=switch)
//   page.dialogs() / screenshot(file) / colorScheme('light'|'dark'|null) / axe() / close()
//
// A scenario takes the suite's session `s` ({server, browser, page, restart()}); scenarios of a
// suite run in order and build on each other (the first visit finds the policy, and so on), as
// a visitor's browsing would. The demo server's request log is the proof that a blocked request
// never left the browser.
import assert from 'node:assert/strict';
import path from 'node:path';
import { startDemoServer, HOSTS, buildDemoPolicy } from '../../demo/server.mjs';
import { waitFor, summary, report, measureDeletion, names } from './helpers.mjs';
import { axeViolations } from './axe.mjs';

export const TRACKERS = ['google-analytics.test', 'lfeeder.test'];
export const POLICY_PATHS = ['/.well-known/cookie-policy.json', '/cookie-policy.json', '/tcf-disclosure.json'];
export const KALTIOT_TAB = '*://www.kaltiot.test/*';
const STATISTICS_SWITCH = 'Allow Statistics / Analytics on kaltiot.test';
const MARKETING_SWITCH = 'Allow Marketing / Tracking on kaltiot.test';

// ---------------------------------------------------------------------------------------------
// The session: server, browser, page

/** Starts the demo server; `server.all()` is every request of the run (clearLog keeps them). */
export async function startServer() {
  const server = await startDemoServer();
  const everything = [];
  const clear = server.clearLog;
  server.clearLog = () => {
    everything.push(...server.log);
    clear();
  };
  server.all = () => [...everything, ...server.log];
  return server;
}

/**
 * A suite's session: `start()` launches the browser (through `launchBrowser`, which returns the
 * shared interface) with one page for visits; `restart()` closes it and launches it again on the
 * same profile (a browser restart).
 */
export function session(server, launchBrowser) {
  const s = {
    server,
    browser: null,
    page: null,
    async start() {
      s.browser = await launchBrowser();
      s.page = await s.browser.newPage();
    },
    async restart() {
      await s.browser.close();
      await s.start();
    },
    async stop() {
      await s.browser?.close();
      await server.close();
    },
  };
  return s;
}

// ---------------------------------------------------------------------------------------------
// Chromium (playwright-core) behind the shared interface

/** A playwright page as a scenario page. */
export function playwrightPage(page) {
  const dialogs = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    dialog.dismiss().catch(() => {});
  });
  const toggle = (name) => page.getByRole('switch', { name, exact: true });
  return {
    raw: page,
    evaluate: (fn, arg) => (typeof fn === 'string' ? page.evaluate(fn) : page.evaluate(fn, arg)),
    async goto(url) {
      await page.goto(url, { waitUntil: 'load' });
      await page.waitForLoadState('networkidle').catch(() => {});
    },
    wait: (ms) => page.waitForTimeout(ms),
    title: () => page.title(),
    text: (selector = 'body') => page.innerText(selector),
    attribute: (selector, name) => page.getAttribute(selector, name),
    count: (selector) => page.locator(selector).count(),
    waitForSelector: (selector, { timeout = 15000 } = {}) => page.waitForSelector(selector, { timeout }),
    isSwitchOn: (name) => toggle(name).isChecked(),
    setSwitch: (name, on) => toggle(name).setChecked(on),
    async toggleSwitchWithKeyboard(name) {
      await toggle(name).focus();
      await page.keyboard.press('Space');
    },
    dialogs: async () => [...dialogs],
    screenshot: (file) => page.screenshot({ path: file }),
    colorScheme: (scheme) => page.emulateMedia({ colorScheme: scheme }),
    axe: () => axeViolations(page),
    close: () => page.close(),
  };
}

/** The Chromium driver's browser (tests/e2e/chromium.mjs) as the shared interface. */
export function chromiumBrowser(browser) {
  return {
    name: 'chromium',
    raw: browser,
    profile: browser.profile,
    request: (message) => browser.request(message),
    cookies: (domain) => browser.cookies(domain),
    rules: () => browser.rules(),
    tabs: (urlPattern) => browser.inWorker((u) => chrome.tabs.query({ url: u }), urlPattern),
    newPage: async () => playwrightPage(await browser.context.newPage()),
    openPanel: async (urlPattern, size) => playwrightPage(await browser.openPanel(urlPattern, size)),
    suspendBackground: () => browser.stopWorker(),
    close: () => browser.close(),
  };
}

// ---------------------------------------------------------------------------------------------
// Small helpers

const trackerHits = (server) => TRACKERS.reduce((n, t) => n + server.requestsTo(t).length, 0);
const sitePanel = (browser, site) => browser.request({ type: 'getSitePanel', site });
const sourceOf = async (browser, site) => (await sitePanel(browser, site)).view.source.kind;
const log = (server) => JSON.stringify(server.log.map((e) => e.host + e.path));

/** Visits the seed site until its policy is known, then once more (the visit a panel describes). */
export async function visitSeedSiteTwice({ server, browser, page }) {
  await page.goto(server.url(HOSTS.kaltiot));
  await waitFor(async () => (await sourceOf(browser, 'kaltiot.test')) === 'declared', { what: 'the policy' });
  await page.goto(server.url(HOSTS.kaltiot));
}

/** Makes sure a tab shows the seed site (the panel describes a tab). */
async function seedSiteTab({ server, browser, page }) {
  if (!(await browser.tabs(KALTIOT_TAB)).length) await page.goto(server.url(HOSTS.kaltiot));
}

/** The text of the cookie entry named `name` in the service block titled `service`. */
function cookieEntry(panel, service, name) {
  return panel.evaluate(
    ([service, name]) => {
      const block = [...document.querySelectorAll('.service')].find((b) => b.querySelector('h3')?.textContent.startsWith(service));
      const item = block && [...block.querySelectorAll('li.cookie')].find((li) => li.querySelector('.cookie-name')?.textContent === name);
      return item ? item.innerText : null;
    },
    [service, name],
  );
}

/** The rendered text of the first `selector` element whose text contains `hasText`. */
function textOf(panel, selector, hasText) {
  return panel.evaluate(
    ([selector, hasText]) => [...document.querySelectorAll(selector)].find((e) => e.innerText.includes(hasText))?.innerText ?? null,
    [selector, hasText],
  );
}

const horizontalOverflow = (page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

// ---------------------------------------------------------------------------------------------
// Enforcement: discovery, deletion, blocking (chromium.test.mjs, firefox.test.mjs)

export async function firstVisitFindsPolicy({ server, browser, page }) {
  server.clearLog();
  await page.goto(server.url(HOSTS.kaltiot));
  await waitFor(async () => (await sourceOf(browser, 'kaltiot.test')) === 'declared', { what: 'the demo policy' });
  report(`${browser.name}.firstVisitTrackerRequests`, trackerHits(server));
  const policyFetches = server.log.filter((e) => POLICY_PATHS.includes(e.path)).length;
  assert.ok(policyFetches >= 1, 'the policy was fetched');
}

/** Deletes _ga, _ga_DEMO123 and _lfa, keeps cw_lang and visitor_note (reported as undeclared), blocks the trackers. */
export async function laterVisitsBlockAndDelete({ server, browser, page }) {
  server.clearLog();
  await page.goto(server.url(HOSTS.kaltiot));
  assert.equal(trackerHits(server), 0, `tracker requests arrived: ${log(server)}`);
  assert.ok(server.requestsTo('googletagmanager.test').length > 0, 'Tag Manager (functional) is allowed');
  // Each deletion follows its write by milliseconds; the jar is read until they are done.
  let jar = [];
  await waitFor(async () => {
    jar = names(await browser.cookies('kaltiot.test'));
    return !['_ga', '_ga_DEMO123', '_lfa'].some((n) => jar.includes(n));
  }, { timeout: 3000 }).catch(() => {});
  for (const gone of ['_ga', '_ga_DEMO123', '_lfa']) assert.ok(!jar.includes(gone), `${gone} is still stored: ${jar}`);
  assert.ok(jar.includes('cw_lang'), `the functional cookie stays: ${jar}`);
  assert.ok(jar.includes('visitor_note'), `the undeclared cookie stays: ${jar}`);

  const view = (await sitePanel(browser, 'kaltiot.test')).view;
  const undeclared = view.otherCookies.find((r) => r.name === 'visitor_note');
  assert.ok(undeclared, 'the undeclared cookie is listed');
  assert.ok(undeclared.findings.some((f) => f.finding.code === 'undeclared'), 'and reported as undeclared');
  const statistics = view.categories.find((c) => c.id === 'statistics');
  const ga = statistics.services.find((s) => s.id === 'google-analytics-4');
  assert.deepEqual(ga.blockedDomains, ['google-analytics.test', 'analytics.google.test']);
}

/** The tab's counters: what was blocked (declarativeNetRequestFeedback) and deleted in it. */
export async function tabCountsBlockedRequests({ server, browser, page }) {
  const [tab] = await browser.tabs(KALTIOT_TAB);
  assert.ok(tab, `a tab shows the seed site (${await page.evaluate(() => location.href)})`);
  const tabPanel = await browser.request({ type: 'getPanel', tabId: tab.id });
  assert.equal(tabPanel.type, 'panel');
  assert.equal(tabPanel.view.site, 'kaltiot.test');
  report(`${browser.name}.blockedInTabOnRevisit`, tabPanel.blockedInTab);
  assert.ok(tabPanel.blockedInTab > 0, `blocked requests counted: ${tabPanel.blockedInTab} (${server.log.length} requests logged)`);
}

export async function globalPrivacyControl({ server, browser, page }) {
  await waitFor(async () => (await browser.rules()).some((r) => r.action.type === 'modifyHeaders'), { what: 'the GPC rule' });
  server.clearLog();
  await page.goto(server.url(HOSTS.kaltiot));
  const home = server.log.find((e) => e.host === HOSTS.kaltiot && e.path === '/');
  assert.equal(home?.gpc, '1', 'Sec-GPC: 1 on the page request');
  assert.equal(await page.evaluate(() => navigator.globalPrivacyControl), true);
}

export async function trackersLoadWithoutPolicy({ server, browser, page }) {
  server.clearLog();
  await page.goto(server.url(HOSTS.nopolicy));
  assert.ok(server.requestsTo('google-analytics.test').length > 0, 'GA stand-in arrived from nopolicy.test');
  assert.ok(server.requestsTo('lfeeder.test').length > 0, 'Leadfeeder stand-in arrived from nopolicy.test');
  assert.equal(await sourceOf(browser, 'nopolicy.test'), 'guessing');
  // No policy: the known-cookie table still identifies _ga as statistics, which is denied.
  await waitFor(async () => !names(await browser.cookies('nopolicy.test')).includes('_ga'), { what: '_ga deleted on nopolicy.test' });
}

/** `count` document.cookie writes of _ga, each measured until it is gone (ms). */
export async function deletionLatencyWarm({ server, browser, page }, { count = 120 } = {}) {
  await page.goto(server.url(HOSTS.kaltiot));
  await measureDeletion(page, '_ga', 1); // wakes the background if it was idle
  const times = await measureDeletion(page, '_ga', count);
  assert.ok(times.every((t) => t >= 0), `some writes were never deleted: ${times.filter((t) => t < 0).length}`);
  report(`${browser.name}.deletionWarmMs`, summary(times));
}

/** Each write after the background was stopped or suspended: how long until the woken background deletes it. */
export async function deletionLatencyAfterSuspend({ server, browser, page }, { count = 100, metric = 'deletionColdMs' } = {}) {
  await page.goto(server.url(HOSTS.kaltiot));
  const times = [];
  for (let i = 0; i < count; i++) {
    await browser.suspendBackground();
    const [t] = await measureDeletion(page, '_ga', 1);
    times.push(t);
  }
  assert.ok(times.every((t) => t >= 0), `some writes were never deleted after a stop: ${times.filter((t) => t < 0).length}`);
  report(`${browser.name}.${metric}`, summary(times));
}

/** Through the message protocol (the options page and the panel use it). */
export async function statisticsAllowedThenDenied({ server, browser, page }) {
  let answer = await browser.request({ type: 'setCategory', site: 'kaltiot.test', category: 'statistics', choice: 'allow' });
  assert.equal(answer.type, 'done');
  server.clearLog();
  await page.goto(server.url(HOSTS.kaltiot));
  assert.ok(server.requestsTo('google-analytics.test').length > 0, 'GA loads when statistics is allowed');
  assert.ok(server.requestsTo('lfeeder.test').length > 0, 'Leadfeeder loads when statistics is allowed');
  await page.wait(300);
  let jar = names(await browser.cookies('kaltiot.test'));
  for (const kept of ['_ga', '_ga_DEMO123', '_lfa']) assert.ok(jar.includes(kept), `${kept} kept when allowed: ${jar}`);

  answer = await browser.request({ type: 'setCategory', site: 'kaltiot.test', category: 'statistics', choice: 'deny' });
  assert.equal(answer.type, 'done');
  jar = names(await browser.cookies('kaltiot.test'));
  for (const gone of ['_ga', '_ga_DEMO123', '_lfa']) assert.ok(!jar.includes(gone), `${gone} deleted at once when denied: ${jar}`);
  server.clearLog();
  await page.goto(server.url(HOSTS.kaltiot));
  assert.equal(trackerHits(server), 0, `trackers blocked again: ${log(server)}`);
}

export async function serviceSwitchInsideAllowedCategory({ server, browser, page }) {
  await browser.request({ type: 'setCategory', site: 'kaltiot.test', category: 'statistics', choice: 'allow' });
  await browser.request({ type: 'setService', site: 'kaltiot.test', service: 'leadfeeder', choice: 'deny' });
  server.clearLog();
  await page.goto(server.url(HOSTS.kaltiot));
  assert.ok(server.requestsTo('google-analytics.test').length > 0, 'GA allowed');
  assert.equal(server.requestsTo('lfeeder.test').length, 0, 'Leadfeeder denied');
  await browser.request({ type: 'setService', site: 'kaltiot.test', service: 'leadfeeder', choice: null });
  await browser.request({ type: 'setCategory', site: 'kaltiot.test', category: 'statistics', choice: null });
}

/** Choices, rules and the cached policy outlive a stopped (Chromium) or suspended (Firefox) background. */
export async function enforcementAfterSuspend({ server, browser, page }) {
  await browser.request({ type: 'setPaused', site: 'tcf-shop.test', paused: true });
  await browser.suspendBackground();
  server.clearLog();
  await page.goto(server.url(HOSTS.kaltiot));
  assert.equal(trackerHits(server), 0, `trackers blocked after the suspension: ${log(server)}`);
  await waitFor(async () => {
    const jar = names(await browser.cookies('kaltiot.test'));
    return !jar.includes('_ga') && !jar.includes('_lfa');
  }, { what: 'cookies deleted by a restarted background' });
  assert.equal(server.log.filter((e) => POLICY_PATHS.includes(e.path)).length, 0, 'the cached policy was used, not fetched again');
  // The background that answers now was started after the suspension, from storage.
  const prefs = await browser.request({ type: 'getPreferences' });
  assert.equal(prefs.preferences.sites['tcf-shop.test']?.paused, true, 'a choice made before the suspension is kept');
  await browser.request({ type: 'setPaused', site: 'tcf-shop.test', paused: false });
}

export async function tcfDisclosureViaLinkHeader({ server, browser, page }) {
  await page.goto(server.url(HOSTS.tcf));
  await waitFor(async () => (await sourceOf(browser, 'tcf-shop.test')) === 'tcf', { what: 'the TCF policy' });
  server.clearLog();
  await page.goto(server.url(HOSTS.tcf));
  assert.equal(server.requestsTo('adserver.test').length, 0, 'the marketing vendor is blocked');
  const jar = names(await browser.cookies('tcf-shop.test'));
  assert.ok(!jar.includes('shop_ad_id'), `the vendor's cookie is deleted: ${jar}`);
}

export async function brokenPoliciesMeanGuessing({ server, browser, page }) {
  const cases = [
    [HOSTS.wrongsite, 'wrongsite.test', 'policy is for kaltiot.test, not wrongsite.test'],
    [HOSTS.oversize, 'oversize.test', 'larger than 512 KiB'],
    [HOSTS.badjson, 'badjson.test', 'not JSON'],
    [HOSTS.htmlpolicy, 'htmlpolicy.test', 'not JSON'],
    [HOSTS.redirect, 'redirect.test', 'not on redirect.test'],
  ];
  for (const [host, site, expected] of cases) {
    await page.goto(server.url(host));
    const view = await waitFor(async () => {
      const v = (await sitePanel(browser, site)).view;
      return v.source.kind === 'invalid' ? v : null;
    }, { what: `the ${site} diagnostic` });
    const text = view.diagnostics.map((d) => d.message).join(' | ');
    assert.ok(text.includes(expected), `${site}: ${text}`);
    assert.equal(view.categories.length, 4, `${site}: guessing mode shows every category`);
    await waitFor(async () => !names(await browser.cookies(site)).includes('_ga'), { what: `_ga deleted on ${site} from the known-cookie table` });
  }
  // The extension is still working.
  assert.equal(await sourceOf(browser, 'kaltiot.test'), 'declared');
}

export async function ownRequestsArePolicyFetchesOnly({ server, browser }) {
  // Pages send a Referer with their subresource requests; the browser's own requests (the
  // test's navigations, favicons) and the extension's fetches (referrerPolicy no-referrer) do not.
  const browserOwn = new Set(['/', '/favicon.ico']);
  const withoutReferer = server.all().filter((e) => e.referer === null);
  const navigations = withoutReferer.filter((e) => browserOwn.has(e.path));
  const fetches = withoutReferer.filter((e) => !browserOwn.has(e.path));
  assert.ok(navigations.length > 0 && fetches.length > 0, 'both kinds were logged');
  for (const entry of fetches) {
    assert.ok(POLICY_PATHS.includes(entry.path), `unexpected request ${entry.host}${entry.path}`);
    assert.equal(entry.cookie, null, `a policy fetch sent cookies: ${entry.host}${entry.path}`);
  }
  report(`${browser.name}.extensionRequests`, fetches.length);
}

export async function choicesSurviveRestart(s) {
  await s.browser.request({ type: 'setPaused', site: 'nopolicy.test', paused: true });
  await s.restart();
  const { server, browser, page } = s;
  server.clearLog();
  await page.goto(server.url(HOSTS.kaltiot));
  assert.equal(trackerHits(server), 0, `trackers blocked at once after the restart: ${log(server)}`);
  const fetched = server.log.filter((e) => POLICY_PATHS.includes(e.path)).length;
  assert.equal(fetched, 0, 'the cached policy was used, not fetched again');
  await waitFor(async () => !names(await browser.cookies('kaltiot.test')).includes('_ga'), { what: '_ga deleted after the restart' });
  const prefs = await browser.request({ type: 'getPreferences' });
  assert.equal(prefs.preferences.sites['nopolicy.test']?.paused, true, 'the pause survived');
}

// ---------------------------------------------------------------------------------------------
// The panel (popup.test.mjs, firefox.test.mjs)

export async function panelListsCookies({ browser, page }) {
  // The trackers' cookies, written as their scripts would (the first visit may have found the
  // policy before a tracker script ran, and then there was nothing to delete).
  await page.evaluate(() => {
    for (const name of ['_ga', '_ga_DEMO123', '_lfa']) document.cookie = `${name}=GA1.1.1.1; path=/; max-age=600`;
  });
  await waitFor(async () => {
    const jar = names(await browser.cookies('kaltiot.test'));
    return !['_ga', '_ga_DEMO123', '_lfa'].some((n) => jar.includes(n));
  }, { what: 'the written cookies deleted' });
  const panel = await browser.openPanel(KALTIOT_TAB);
  const statistics = await textOf(panel, 'section.category', 'Statistics / Analytics');
  assert.ok(statistics?.includes('Google Analytics 4') && statistics.includes('Leadfeeder'), statistics);
  for (const [service, name] of [['Google Analytics 4', '_ga'], ['Google Analytics 4', '_ga_DEMO123'], ['Leadfeeder', '_lfa']]) {
    const entry = await cookieEntry(panel, service, name);
    assert.ok(entry, `${name} listed under ${service}`);
    assert.match(entry, /Declared: 2 years/, `${name}: ${entry}`);
    assert.match(entry, /Deleted \d+×/, `${name}: ${entry}`);
    assert.ok(entry.split('\n').some((line) => line.length > 30), `${name} has a purpose: ${entry}`);
  }
  const functional = await cookieEntry(panel, 'Kaltiot website', 'cw_lang');
  assert.match(functional, /Kept/);
  const undeclared = await panel.text('section.other');
  assert.match(undeclared, /visitor_note/);
  assert.match(undeclared, /visitor_note is not declared in the policy/);
  const rights = await panel.text('section.rights');
  assert.match(rights, /Kaltiot Technologies Oy/);
  const mail = await panel.attribute('a.mail', 'href');
  assert.ok(mail.startsWith('mailto:privacy@kaltiot.com?subject='), mail);
  assert.ok(decodeURIComponent(mail).includes('cw_lang'), 'the mail lists the stored cookie identifiers');
  report(`${browser.name}.panelRenderMs`, Number(await panel.attribute('body', 'data-render-ms')));
  await panel.close();
}

export async function panelRendersQuickly({ browser }) {
  const times = [];
  for (let i = 0; i < 10; i++) {
    const panel = await browser.openPanel(KALTIOT_TAB);
    times.push(Number(await panel.attribute('body', 'data-render-ms')));
    await panel.close();
  }
  assert.ok(times.every((t) => t > 0), `render times measured: ${times}`);
  report(`${browser.name}.panelRenderMsOver10`, summary(times));
}

export async function panelStatisticsSwitch({ server, browser, page }) {
  let panel = await browser.openPanel(KALTIOT_TAB);
  await panel.setSwitch(STATISTICS_SWITCH, true);
  await panel.waitForSelector('body[data-ready="true"]');
  await waitFor(() => panel.isSwitchOn(STATISTICS_SWITCH), { what: 'the switch on' });
  server.clearLog();
  await page.goto(server.url(HOSTS.kaltiot));
  assert.ok(server.requestsTo('google-analytics.test').length > 0, `GA loads: ${log(server)}`);
  assert.ok(server.requestsTo('lfeeder.test').length > 0, `Leadfeeder loads: ${log(server)}`);
  await page.wait(300);
  let jar = names(await browser.cookies('kaltiot.test'));
  assert.ok(jar.includes('_ga') && jar.includes('_lfa'), `kept: ${jar}`);
  await panel.close();

  panel = await browser.openPanel(KALTIOT_TAB);
  // Keyboard only: focus the switch and press Space.
  await panel.toggleSwitchWithKeyboard(STATISTICS_SWITCH);
  await waitFor(async () => !(await panel.isSwitchOn(STATISTICS_SWITCH).catch(() => true)), { what: 'the switch off' });
  await waitFor(async () => {
    const j = names(await browser.cookies('kaltiot.test'));
    return !j.includes('_ga') && !j.includes('_lfa');
  }, { what: 'cookies deleted at once' });
  server.clearLog();
  await page.goto(server.url(HOSTS.kaltiot));
  assert.equal(trackerHits(server), 0, `blocked again: ${log(server)}`);
  await panel.close();
}

export async function panelChoiceSurvivesRestart(s) {
  const panel = await s.browser.openPanel(KALTIOT_TAB);
  await panel.setSwitch(MARKETING_SWITCH, true);
  await panel.waitForSelector('body[data-ready="true"]');
  await waitFor(() => panel.isSwitchOn(MARKETING_SWITCH), { what: 'the switch on' });
  await panel.close();
  await s.restart();
  await s.page.goto(s.server.url(HOSTS.kaltiot));
  const again = await s.browser.openPanel(KALTIOT_TAB);
  assert.equal(await again.isSwitchOn(MARKETING_SWITCH), true);
  assert.equal(await again.isSwitchOn(STATISTICS_SWITCH), false);
  // Back to the default, so later scenarios start from it.
  await again.setSwitch(MARKETING_SWITCH, false);
  await again.waitForSelector('body[data-ready="true"]');
  await waitFor(async () => !(await again.isSwitchOn(MARKETING_SWITCH).catch(() => true)), { what: 'the switch off' });
  await again.close();
}

/** Screenshots go to `dir`, Chromium's under their old names, other browsers' prefixed. */
const shot = (browser, dir, name) => path.join(dir, browser.name === 'chromium' ? name : `${browser.name}-${name}`);

export async function panelAccessibleAndFits(s, { screenshots } = {}) {
  const { browser } = s;
  await seedSiteTab(s);
  const panel = await browser.openPanel(KALTIOT_TAB);
  for (const scheme of ['light', 'dark']) {
    await panel.colorScheme(scheme);
    const violations = await panel.axe();
    assert.deepEqual(violations, [], `${scheme}: ${violations.join('\n')}`);
    const overflow = await horizontalOverflow(panel);
    assert.ok(overflow <= 0, `${scheme}: ${overflow}px of horizontal scrolling`);
    if (screenshots) await panel.screenshot(shot(browser, screenshots, `popup-${scheme}-en.png`));
  }
  await panel.colorScheme(null);
  await panel.close();
}

/** Policy texts with markup, scripts, bidi overrides and very long words: shown as text. */
export async function hostilePolicyTexts(s, { screenshots } = {}) {
  const { server, browser } = s;
  await seedSiteTab(s);
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
    const text = await panel.text('body');
    assert.ok(text.includes(`Evil ${evil} Oy`), 'the controller name is shown literally');
    assert.ok(text.includes(`Stats ${evil}`), 'the label is shown literally');
    assert.equal(await panel.count('main img, main script'), 0, 'no element was made from policy text');
    assert.notEqual(await panel.title(), 'pwned');
    assert.deepEqual(await panel.dialogs(), []);
    const overflow = await horizontalOverflow(panel);
    assert.ok(overflow <= 0, `long words do not break the layout: ${overflow}px`);
    if (screenshots) await panel.screenshot(shot(browser, screenshots, 'popup-hostile.png'));
    await panel.close();
  } finally {
    server.setVariant('kaltiotPolicy', undefined);
    await browser.request({ type: 'refreshPolicy', site: 'kaltiot.test', pageUrl: server.url(HOSTS.kaltiot) });
  }
}

// ---------------------------------------------------------------------------------------------
// Firefox only: containers

/**
 * A container tab keeps its own cookie jar (store `firefox-container-1`). The extension must
 * decide those cookies and remove them from that store: chrome.cookies.remove without `storeId`
 * works on the default store, where the container's cookie is not, so it would stay. The
 * default store's jar must be left alone.
 */
export async function containerCookiesUseTheirStore({ server, browser }) {
  const CONTAINER = 'firefox-container-1';
  const DEFAULT = 'firefox-default';
  const set = (storeId, name, url = server.url(HOSTS.kaltiot)) =>
    browser.inExtension(
      ([url, name, storeId]) =>
        chrome.cookies.set({ url, name, value: `x.${Date.now()}`, storeId, expirationDate: Math.floor(Date.now() / 1000) + 3600 }),
      [url, name, storeId],
    );
  const jar = async (storeId, site = 'kaltiot.test') => names(await browser.cookies(site, { storeId }));

  // 1. A container tab on the seed site: the trackers are blocked there too, the functional
  //    cookie lands in the container's store, the denied ones do not stay there.
  server.clearLog();
  const container = await browser.inExtension(
    (url) => chrome.tabs.create({ url, cookieStoreId: 'firefox-container-1', active: false }),
    server.url(HOSTS.kaltiot),
  );
  assert.equal(container.cookieStoreId, CONTAINER);
  await waitFor(async () => (await jar(CONTAINER)).includes('cw_lang'), { what: 'cw_lang in the container store' });
  await waitFor(() => server.requestsTo('googletagmanager.test').length > 0, { what: 'the container tab’s page loaded' });
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(trackerHits(server), 0, `trackers blocked in the container tab: ${log(server)}`);
  assert.ok(!(await jar(CONTAINER)).includes('_ga'), 'no _ga in the container store');

  // 2. A denied cookie written into the container store is deleted from that store (a removal
  //    without storeId would look in the default store, find nothing, and leave it); the default
  //    store's jar is not touched.
  const defaultBefore = await jar(DEFAULT);
  const written = await set(CONTAINER, '_ga');
  assert.equal(written?.storeId, CONTAINER, `cookies.set wrote to the container: ${JSON.stringify(written)}`);
  await waitFor(async () => !(await jar(CONTAINER)).includes('_ga'), { what: '_ga deleted from the container store' });
  assert.deepEqual(await jar(DEFAULT), defaultBefore, 'the default store was not touched');

  // 3. Paused: the same cookie in both stores stays in both; resumed: the sweep empties both.
  await browser.request({ type: 'setPaused', site: 'kaltiot.test', paused: true });
  await set(DEFAULT, '_ga');
  await set(CONTAINER, '_ga');
  await set(CONTAINER, '_lfa');
  await new Promise((r) => setTimeout(r, 500));
  assert.ok((await jar(DEFAULT)).includes('_ga'), 'paused: kept in the default store');
  assert.ok((await jar(CONTAINER)).includes('_ga'), 'paused: kept in the container store');
  await browser.request({ type: 'setPaused', site: 'kaltiot.test', paused: false });
  await waitFor(async () => {
    const [d, c] = [await jar(DEFAULT), await jar(CONTAINER)];
    return !d.includes('_ga') && !c.includes('_ga') && !c.includes('_lfa');
  }, { what: 'both stores swept on resume' });
  assert.ok((await jar(CONTAINER)).includes('cw_lang'), 'the allowed cookie stays in the container');

  await browser.inExtension((id) => chrome.tabs.remove(id), container.id);
}

/**
 * Container cookies are also swept when no container tab is open (on resume, on "delete now").
 * Firefox's cookies.getAllCookieStores() lists only stores that have open tabs, so a sweep that
 * walks only those stores misses a container's jar while the container has no tab.
 */
export async function containerCookiesSweptWithoutContainerTab({ server, browser }) {
  const CONTAINER = 'firefox-container-1';
  const jar = async () => names(await browser.cookies('kaltiot.test', { storeId: CONTAINER }));
  const stores = await browser.inExtension(() => chrome.cookies.getAllCookieStores());
  assert.ok(!stores.some((st) => st.id === CONTAINER), `no container tab is open: ${JSON.stringify(stores)}`);
  await browser.request({ type: 'setPaused', site: 'kaltiot.test', paused: true });
  try {
    await browser.inExtension(
      ([url, storeId]) => chrome.cookies.set({ url, name: '_ga', value: 'x', storeId, expirationDate: Math.floor(Date.now() / 1000) + 3600 }),
      [server.url(HOSTS.kaltiot), CONTAINER],
    );
    assert.ok((await jar()).includes('_ga'), 'paused: kept');
  } finally {
    await browser.request({ type: 'setPaused', site: 'kaltiot.test', paused: false });
  }
  await browser.request({ type: 'deleteNow', site: 'kaltiot.test' });
  await waitFor(async () => !(await jar()).includes('_ga'), { timeout: 3000, what: '_ga swept from the container store' });
}

/**
 * The developer's restart: Firefox drops temporary add-ons when it quits, so after a restart the
 * extension is installed again as a temporary add-on into the same profile. Its storage.local
 * (choices, rule book, cached policies) is kept because the gecko id is the same; Firefox does
 * not keep its dynamic DNR rules. `launchAgain()` returns a fresh temporary-add-on browser on the
 * same profile; `s.rulesAtStart` keeps the rules found right after it started.
 */
export async function reinstallTemporarily(s, launchAgain) {
  await visitSeedSiteTwice(s);
  await s.browser.request({ type: 'setCategory', site: 'kaltiot.test', category: 'marketing', choice: 'allow' });
  const before = (await s.browser.rules()).length;
  await s.browser.close();
  s.browser = await launchAgain();
  // The background restores lost rules as it starts; give it up to 5 s (no page is visited).
  const end = Date.now() + 5000;
  do {
    s.rulesAtStart = await s.browser.rules();
    if (s.rulesAtStart.some((r) => r.action.type === 'block')) break;
    await new Promise((r) => setTimeout(r, 200));
  } while (Date.now() < end);
  s.page = await s.browser.newPage();
  report(`${s.browser.name}.dynamicRulesAfterTemporaryReinstall`, { before, after: s.rulesAtStart.length });
}

/** After reinstallTemporarily: the choice and the cached policy are there; the rules come back with a visit. */
export async function stateSurvivesReinstall({ server, browser, page }) {
  const prefs = (await browser.request({ type: 'getPreferences' })).preferences;
  assert.equal(prefs.sites['kaltiot.test']?.categories?.marketing, 'allow', `the choice survived: ${JSON.stringify(prefs.sites)}`);
  server.clearLog();
  await page.goto(server.url(HOSTS.kaltiot));
  assert.equal(server.log.filter((e) => POLICY_PATHS.includes(e.path)).length, 0, 'the cached policy was used, not fetched again');
  await waitFor(async () => !names(await browser.cookies('kaltiot.test')).includes('_ga'), { what: '_ga deleted after the reinstall' });
  await waitFor(async () => (await browser.rules()).some((r) => r.action.type === 'block'), { what: 'the site’s rules back' });
  server.clearLog();
  await page.goto(server.url(HOSTS.kaltiot));
  assert.equal(trackerHits(server), 0, `trackers blocked: ${log(server)}`);
}

/** Right after a restart that lost the dynamic rules, before any visit: the rule book's rules are installed again. */
export async function rulesReinstalledAtStart({ rulesAtStart }) {
  assert.ok(
    rulesAtStart.some((r) => r.action.type === 'block' && r.condition.initiatorDomains?.includes('kaltiot.test')),
    `kaltiot.test's block rule is installed before its first visit: rule ids ${JSON.stringify(rulesAtStart.map((r) => r.id))}`,
  );
}
