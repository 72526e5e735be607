// The end-to-end scenarios, written once and run in both browsers: chromium.test.mjs and
// popup.test.mjs drive them in Chromium (tests/e2e/chromium.mjs, playwright-core),
// firefox.test.mjs in Firefox (tests/e2e/firefox.mjs, selenium-webdriver). Only the driver
// differs; every scenario talks to this interface:
//
//   browser.name                      'chromium' | 'firefox' (prefixes the reported figures)
//   browser.request(message)          the extension's message protocol (src/protocol.rs)
//   browser.cookies(domain, {storeId}) chrome.cookies.getAll as the extension sees it
//   browser.inExtension(fn, arg)      fn(arg) in an extension context (Chromium: the service
//                                     worker; Firefox: an extension page), with chrome.*
//   browser.rules()                   the dynamic declarativeNetRequest rules
//   browser.tabs(urlPattern)          chrome.tabs.query({url})
//   browser.newPage()                 a new tab, as a page (below)
//   browser.openPanel(urlPattern)     popup.html?tab=ID for the tab showing urlPattern, rendered
//   browser.openExtensionPage(path)   a page of the extension (options.html…) in a new tab, as a
//                                     page whose evaluate() may use chrome.* (storage, cookies)
//   browser.updateExtension(version)  Chromium only: the same extension loaded again, newer
//   browser.suspendBackground()       Chromium: stop the service worker; Firefox: let the event
//                                     page go idle until Firefox suspends it
//   browser.close()
//   page.goto(url)                    load and settle; page.evaluate(fn, arg); page.wait(ms)
//   page.text(sel) / attribute(sel, name) / count(sel) / title() / waitForSelector(sel)
//   page.isSwitchOn(name) / setSwitch(name, on) / toggleSwitchWithKeyboard(name)  switches by
//                                     accessible name (role=switch); page.clickButton(name)
//   page.dialogs() / screenshot(file) / colorScheme('light'|'dark'|null) / axe() / close()
//
// A scenario takes the suite's session `s` ({server, browser, page, restart()}); scenarios of a
// suite run in order and build on each other (the first visit finds the policy, and so on), as
// a visitor's browsing would. The demo server's request log is the proof that a blocked request
// never left the browser.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  startDemoServer,
  HOSTS,
  buildDemoPolicy,
  HEAVY_SITES,
  HEAVY_ALLOWED_TRACKER,
  HEAVY_DENIED_TRACKER,
  HUGE_BYTES,
  flipTracker,
  FLIP_VERSIONS,
  GPC_STATS_HOST,
  GPC_WIDGET_HOST,
  MANY_KEYS,
  manyKeysPolicy,
  HTTPS_HOSTS,
  CMP_HOSTS,
  REAL_HOSTS,
  NOPOLICY_THIRD_PARTIES,
  CORPUS_HOSTS,
  SHOP_TRACKERS,
  TIMING_SITES,
} from '../../demo/server.mjs';
import {
  waitFor,
  summary,
  report,
  measureDeletion,
  names,
  timed,
  settled,
  watchCookieChanges,
  cookieChanges,
  timedRequest,
  deletionCounts,
  total,
} from './helpers.mjs';
import { axeViolations } from './axe.mjs';
import { makeCertificate } from '../../demo/tls.mjs';

export const TRACKERS = ['google-analytics.com', 'lfeeder.com'];
// The places the extension fetches a declaration from (its policy, a TCF disclosure, a site's ADPC
// consent requests).
export const POLICY_PATHS = ['/.well-known/cookie-policy.json', '/cookie-policy.json', '/tcf-disclosure.json', '/consent-requests.json', '/partner-requests.json'];
export const KALTIOT_TAB = '*://www.kaltiot.test/*';
const STATISTICS_SWITCH = 'Allow Statistics on kaltiot.test';
const MARKETING_SWITCH = 'Allow Marketing on kaltiot.test';

// ---------------------------------------------------------------------------------------------
// The session: server, browser, page

/**
 * Starts the demo server; `server.all()` is every request of the run (clearLog keeps them). With
 * `https`, it also serves the https sites on 127.0.0.1:443 with a certificate made now.
 */
export async function startServer({ https = false } = {}) {
  const tls = https ? { ...makeCertificate([...Object.values(HTTPS_HOSTS), ...REAL_HOSTS, '*.test']), port: 443 } : null;
  const server = await startDemoServer({ tls });
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
    clickButton: (name) => page.getByRole('button', { name, exact: true }).click(),
    setSwitch: (name, on) => toggle(name).setChecked(on),
    async toggleSwitchWithKeyboard(name) {
      await toggle(name).focus();
      await page.keyboard.press('Space');
    },
    press: (key) => page.keyboard.press(key),
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
    cookies: (domain, options) => browser.cookies(domain, options),
    inExtension: (fn, arg) => browser.inWorker(fn, arg),
    newPrivatePage: async () => playwrightPage(await browser.newPrivatePage()),
    rules: () => browser.rules(),
    tabs: (urlPattern) => browser.inWorker((u) => chrome.tabs.query({ url: u }), urlPattern),
    newPage: async () => playwrightPage(await browser.context.newPage()),
    openPanel: async (urlPattern, size) => playwrightPage(await browser.openPanel(urlPattern, size)),
    openExtensionPage: async (pagePath) => playwrightPage(await browser.openExtensionPage(pagePath)),
    updateExtension: (version) => browser.updateExtension(version),
    suspendBackground: () => browser.stopWorker(),
    close: () => browser.close(),
  };
}

// ---------------------------------------------------------------------------------------------
// Small helpers

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
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

/**
 * Opens every fold of the panel (a category's services, a service's cookies, the undeclared
 * cookies, the activity, the rights), as a visitor would one by one; returns how many opened.
 */
export function openFolds(panel) {
  return panel.evaluate(async () => {
    // A category asks for its services when first opened (the panel renders again), so folds
    // are opened until none is left closed and the panel is ready.
    let opened = 0;
    for (let waits = 0; waits < 400 && opened < 5000; ) {
      const ready = document.body.dataset.ready === 'true' && !document.querySelector('.loading');
      const closed = document.querySelector('button.fold-toggle[aria-expanded="false"]');
      if (ready && !closed) break;
      if (ready && closed) {
        closed.click();
        opened++;
      } else {
        waits++;
        await new Promise((r) => setTimeout(r, 25));
      }
    }
    return opened;
  });
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
  // The static rules block GA4 and Leadfeeder by their real names before the policy is known.
  report(`${browser.name}.firstVisitTrackerRequests`, trackerHits(server));
  assert.equal(trackerHits(server), 0, `no request reached GA4 or Leadfeeder on the first visit: ${log(server)}`);
  const policyFetches = server.log.filter((e) => POLICY_PATHS.includes(e.path)).length;
  assert.ok(policyFetches >= 1, 'the policy was fetched');
}

/** Deletes _ga, _ga_DEMO123 and _lfa, keeps cw_lang and visitor_note (reported as undeclared), blocks the trackers. */
export async function laterVisitsBlockAndDelete({ server, browser, page }) {
  server.clearLog();
  await page.goto(server.url(HOSTS.kaltiot));
  assert.equal(trackerHits(server), 0, `tracker requests arrived: ${log(server)}`);
  assert.ok(server.requestsTo('googletagmanager.com').length > 0, 'Tag Manager (functional) is allowed');
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
  assert.deepEqual(ga.blockedDomains, ['google-analytics.com', 'analytics.google.com']);
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

/**
 * A site without a policy that loads well-known trackers by their real names (mapped to the
 * local server): on the first visit none of them reaches the server (the static rules are in
 * place before any page loads), while what pages need loads (the tag manager's container, a
 * captcha, a CDN library, a consent platform's script). The page's own _ga and _lfa are
 * deleted by the guess, its login session and CSRF cookies stay.
 */
export async function knownTrackersBlockedWithoutPolicy({ server, browser, page }) {
  server.clearLog();
  await page.goto(server.url(HOSTS.nopolicy));
  const { trackers, needed } = NOPOLICY_THIRD_PARTIES;
  const asked = (host, p) => server.log.filter((e) => e.host === host && e.path.split('?')[0] === p.split('?')[0]);
  for (const [host, p] of needed) assert.equal(asked(host, p).length, 1, `${host}${p} (needed) loads: ${log(server)}`);
  const reached = trackers.flatMap(([host, p]) => asked(host, p).map((e) => e.host + e.path));
  reached.push(...server.requestsTo('google-analytics.com').map((e) => e.host + e.path));
  report(`${browser.name}.firstVisitKnownTrackerRequestsWithoutPolicy`, reached.length);
  assert.deepEqual(reached, [], `no known tracker reached the server on the first visit (of ${trackers.length + 1})`);
  assert.equal(await sourceOf(browser, 'nopolicy.test'), 'guessing');
  // No policy: the known-cookie table identifies _ga and _lfa, whose categories are denied.
  await browser.request({ type: 'deleteNow', site: 'nopolicy.test' });
  await waitFor(async () => !names(await browser.cookies('nopolicy.test')).some((n) => ['_ga', '_ga_DEMO123', '_lfa'].includes(n)), {
    what: '_ga, _ga_DEMO123 and _lfa deleted on nopolicy.test',
  });
  const jar = names(await browser.cookies('nopolicy.test'));
  for (const kept of ['sessionid', 'csrftoken']) assert.ok(jar.includes(kept), `${kept} (the login) stays: ${jar}`);

  // Statistics allowed on this site: its statistics trackers get through there (a site rule
  // above the static ones), its marketing trackers stay blocked.
  const site = 'nopolicy.test';
  await browser.request({ type: 'setCategory', site, category: 'statistics', choice: 'allow' });
  try {
    server.clearLog();
    await page.goto(server.url(HOSTS.nopolicy));
    assert.equal(asked('www.google-analytics.com', '/g/collect.js').length, 1, `GA loads once allowed: ${log(server)}`);
    assert.equal(asked('www.googletagmanager.com', '/gtag/js').length, 1, `gtag.js loads once allowed: ${log(server)}`);
    assert.equal(asked('connect.facebook.net', '/en_US/fbevents.js').length, 0, `the Meta pixel stays blocked: ${log(server)}`);
  } finally {
    await browser.request({ type: 'setCategory', site, category: 'statistics', choice: null });
  }
  // Paused: everything loads.
  await browser.request({ type: 'setPaused', site, paused: true });
  try {
    server.clearLog();
    await page.goto(server.url(HOSTS.nopolicy));
    for (const [host, p] of trackers) assert.equal(asked(host, p).length, 1, `${host}${p} loads on a paused site: ${log(server)}`);
  } finally {
    await browser.request({ type: 'setPaused', site, paused: false });
  }
  server.clearLog();
  await page.goto(server.url(HOSTS.nopolicy));
  assert.deepEqual(trackers.flatMap(([host, p]) => asked(host, p).map((e) => e.host + e.path)), [], `blocked again: ${log(server)}`);
}

/**
 * The keep corpus (tests/fixtures/cookie-corpus/keep.tsv: session, login, security and
 * preference cookies of frameworks, shops, CDNs and load balancers) set by a site without a
 * policy: a sweep deletes none of them.
 */
export async function corpusLosesNoCookie({ server, browser, page }) {
  const text = fs.readFileSync(path.join(ROOT, 'tests/fixtures/cookie-corpus/keep.tsv'), 'utf8');
  const token = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
  const all = text
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => l.split('\t'))
    // A platform's own login cookie is set only on its own site; a __Host-/__Secure- name only
    // over https.
    .filter((cells) => !(cells[3] ?? '').trim())
    .map((cells) => cells[0].trim().replace('<32-hex>', '3f2a9c0b7d1e4f6a8b2c9d0e1f3a5b7c').replaceAll('*', 'k3x9'))
    .filter((n) => token.test(n) && !/^__(host|secure)-/i.test(n));
  const corpus = [...new Set(all)].slice(0, CORPUS_HOSTS * 100);
  assert.ok(corpus.length > 500, `the corpus has ${corpus.length} names`);
  server.setVariant('corpusCookies', corpus);
  try {
    const sites = Array.from({ length: Math.ceil(corpus.length / 100) }, (_, i) => `corpus${i + 1}.test`);
    for (const site of sites) await page.goto(server.url(site));
    const stored = async () => new Set((await Promise.all(sites.map((site) => browser.cookies(site)))).flatMap(names));
    // Stored in full unless something deleted some as they were written (then the list says).
    await waitFor(async () => (await stored()).size >= corpus.length, { what: 'the corpus stored' }).catch(() => {});
    for (const site of sites) await browser.request({ type: 'deleteNow', site });
    const left = await stored();
    const lost = corpus.filter((n) => !left.has(n));
    report(`${browser.name}.corpusCookiesDeleted`, `${lost.length} of ${corpus.length}`);
    assert.deepEqual(lost, [], 'no session, login, security or preference cookie is deleted by a guess');
  } finally {
    server.setVariant('corpusCookies');
  }
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
  assert.ok(server.requestsTo('google-analytics.com').length > 0, 'GA loads when statistics is allowed');
  assert.ok(server.requestsTo('lfeeder.com').length > 0, 'Leadfeeder loads when statistics is allowed');
  // A sweep decides every stored cookie: it would delete them if they were not allowed.
  await browser.request({ type: 'deleteNow', site: 'kaltiot.test' });
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
  assert.ok(server.requestsTo('google-analytics.com').length > 0, 'GA allowed');
  assert.equal(server.requestsTo('lfeeder.com').length, 0, 'Leadfeeder denied');
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
    [HOSTS.redirect, 'redirect.test', 'does not follow redirects'],
  ];
  const kaltiot = (await sitePanel(browser, 'kaltiot.test')).view.source;
  for (const [host, site, expected] of cases) {
    server.clearLog();
    await page.goto(server.url(host));
    const view = await waitFor(async () => {
      const v = (await sitePanel(browser, site)).view;
      return v.source.kind === 'invalid' ? v : null;
    }, { what: `the ${site} diagnostic` });
    const text = view.diagnostics.map((d) => d.message).join(' | ');
    assert.ok(text.includes(expected), `${site}: ${text}`);
    assert.equal(view.categories.length, 4, `${site}: guessing mode shows every category`);
    assert.ok((await panelText(browser, host)).includes(expected), `${site}: the panel shows the problem`);
    await waitFor(async () => !names(await browser.cookies(site)).includes('_ga'), { what: `_ga deleted on ${site} from the known-cookie table` });
    // A redirect is not followed: its target (kaltiot.test's policy) is never asked.
    const followed = server.log.filter((e) => e.host === HOSTS.kaltiot).map((e) => e.path);
    assert.deepEqual(followed, [], `${site}: a redirect was followed`);
  }
  // The redirect pointed at kaltiot.test's policy; kaltiot.test's own record is not touched by it.
  assert.deepEqual((await sitePanel(browser, 'kaltiot.test')).view.source, kaltiot);
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
  // Folded at first: the first screen lists the categories only.
  assert.equal(await panel.count('li.cookie'), 0, 'no cookie is listed before its fold is opened');
  assert.ok((await openFolds(panel)) > 4, 'the folds open');
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
  assert.ok(server.requestsTo('google-analytics.com').length > 0, `GA loads: ${log(server)}`);
  assert.ok(server.requestsTo('lfeeder.com').length > 0, `Leadfeeder loads: ${log(server)}`);
  // A sweep decides every stored cookie: it would delete them if they were not allowed.
  await browser.request({ type: 'deleteNow', site: 'kaltiot.test' });
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
  // An address that would add a recipient to the pre-filled e-mail if it went into mailto: as it is.
  hostile.controller.email = 'privacy@kaltiot.com%0D%0ABcc:evil@attacker.test';
  server.setVariant('kaltiotPolicy', hostile);
  try {
    await browser.request({ type: 'refreshPolicy', site: 'kaltiot.test', pageUrl: server.url(HOSTS.kaltiot) });
    const panel = await browser.openPanel(KALTIOT_TAB);
    await openFolds(panel);
    const text = await panel.text('body');
    assert.ok(text.includes(`Evil ${evil} Oy`), 'the controller name is shown literally');
    assert.ok(text.includes(`Stats ${evil}`), 'the label is shown literally');
    assert.ok(text.includes('gnp.exe') && !/[\u202A-\u202E\u2066-\u2069]/.test(text), 'bidi controls are not passed on to the panel');
    const mails = await panel.evaluate(() => [...document.querySelectorAll('a.mail')].map((a) => a.getAttribute('href')));
    assert.ok(mails.every((href) => !/bcc|%0d|%0a/i.test(href)), `no recipient or header added: ${mails}`);
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
  // The load event waits for the page's scripts, the trackers' among them: once it has fired, a
  // tracker that was not blocked has been asked for.
  await waitFor(async () => (await browser.inExtension((id) => chrome.tabs.get(id), container.id)).status === 'complete', {
    what: 'the container tab’s page loaded',
  });
  assert.ok(server.requestsTo('googletagmanager.com').length > 0, 'the page’s allowed script loaded');
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
  // A sweep of every store would take them if the pause did not hold.
  await browser.request({ type: 'deleteNow', site: 'kaltiot.test' });
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
    // A sweep of every store would take it if the pause did not hold.
    await browser.request({ type: 'deleteNow', site: 'kaltiot.test' });
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

// ---------------------------------------------------------------------------------------------
// Hostile and heavy sites, and the reliability of the visitor's choices (chromium.test.mjs,
// firefox.test.mjs)

const POLICY_PATH = '/.well-known/cookie-policy.json';
const under = (host, domain) => host === domain || host.endsWith(`.${domain}`);
const policyRequests = (server, domain) => server.all().filter((e) => under(e.host, domain) && e.path === POLICY_PATH);

/** Visits `host` until its site's policy is known (`kind`: declared, invalid…). */
async function visitUntilPolicy({ server, browser, page }, host, site, kind = 'declared', timeout = 15000) {
  await page.goto(server.url(host));
  return waitFor(
    async () => {
      const view = (await sitePanel(browser, site)).view;
      return view.source.kind === kind ? view : null;
    },
    { timeout, interval: 100, what: `${site}'s policy (${kind})` },
  );
}

/** chrome.storage.local values, read in an extension page. */
const stored = (extensionPage, keys) => extensionPage.evaluate((keys) => chrome.storage.local.get(keys), keys);

/**
 * The rendered panel's text for the tab showing `host`, with every folded part opened, leaving
 * out what matches `without` (the recent activity, say, which keeps what was done before).
 */
async function panelText(browser, host, { without } = {}) {
  const panel = await browser.openPanel(`*://${host}/*`);
  try {
    await openFolds(panel);
    if (without) {
      await panel.evaluate((selector) => {
        for (const e of document.querySelectorAll(selector)) e.remove();
        return true;
      }, without);
    }
    return await panel.text('body');
  } finally {
    await panel.close();
  }
}

/**
 * 2,000 cookies written by one page in one go through document.cookie: 1,000 declared as
 * statistics (denied by default) and 1,000 as functional (allowed). Every statistics cookie ends
 * up gone, the extension removes no functional one, the panel's counts match the removals the
 * browser reported (also after the background restarts from storage), and the background
 * answers at once afterwards. Browsers keep about 180 cookies per site, so they evict cookies of
 * both kinds themselves during the burst (cause "evicted"); only removals with cause "explicit"
 * are the extension's.
 */
export async function cookieBurst(s, { pairs = 1000 } = {}) {
  const { server, browser, page } = s;
  await visitUntilPolicy(s, HOSTS.burst, 'burst.test');
  await page.goto(server.url(HOSTS.burst));
  const watcher = await browser.openExtensionPage('options.html');
  try {
    await watchCookieChanges(watcher, 'burst.test');
    const start = Date.now();
    const writeMs = await page.evaluate((n) => window.burst(n), pairs);
    const statistics = (jar) => jar.filter((c) => c.name.startsWith('st_')).length;
    await waitFor(async () => statistics(await browser.cookies('burst.test')) === 0, {
      timeout: 60000,
      interval: 100,
      what: 'every statistics cookie gone',
    });
    const finishMs = Date.now() - start;
    // While the background may still be working through the burst's events.
    const first = await timedRequest(watcher, { type: 'getPreferences' });
    assert.equal(first.answer.type, 'preferences');
    await settled(() => watcher.evaluate(() => window.cookieWatch.length), { quiet: 1000, timeout: 60000, what: 'the cookie events to stop' });
    const settledMs = Date.now() - start;
    const after = await timedRequest(watcher, { type: 'getPreferences' });

    const events = await cookieChanges(watcher);
    const last = new Map();
    const removals = { explicit: { st: 0, fn: 0 }, evicted: { st: 0, fn: 0 }, other: { st: 0, fn: 0 } };
    for (const [removed, cause, name] of events) {
      const kind = name.slice(0, 2);
      if (kind !== 'st' && kind !== 'fn') continue;
      last.set(name, removed);
      if (removed) removals[cause in removals ? cause : 'other'][kind] += 1;
    }
    const set = (prefix) => [...last.keys()].filter((n) => n.startsWith(prefix));
    assert.equal(set('st_').length, pairs, 'the browser reported every statistics cookie');
    assert.equal(set('fn_').length, pairs, 'the browser reported every functional cookie');
    const left = set('st_').filter((n) => !last.get(n));
    assert.deepEqual(left, [], 'every statistics cookie ended removed');
    assert.equal(removals.explicit.fn, 0, `the extension removed functional cookies: ${JSON.stringify(removals)}`);
    assert.ok(removals.explicit.st > 0, `the extension removed statistics cookies: ${JSON.stringify(removals)}`);
    const jar = await browser.cookies('burst.test');
    assert.ok(jar.some((c) => c.name.startsWith('fn_')), 'functional cookies are kept');

    const [panel, panelMs] = await timed(() => sitePanel(browser, 'burst.test'));
    const counts = deletionCounts(panel.view);
    assert.equal(total(counts, (n) => n.startsWith('fn_')), 0, 'the panel counts no functional deletion');
    // Names are counted one by one up to a bound per site (src/deletions.rs); the rest are
    // counted together, and only statistics cookies were deleted.
    const named = (view) => total(deletionCounts(view), (n) => n.startsWith('st_'));
    assert.equal(named(panel.view) + panel.view.otherDeletions, removals.explicit.st, 'the panel counts every removal the extension made');
    // The counts were stored, not only kept in memory: a restarted background shows the same.
    await browser.suspendBackground();
    const again = (await sitePanel(browser, 'burst.test')).view;
    assert.equal(named(again) + again.otherDeletions, removals.explicit.st, 'the stored counts are complete');

    const figures = {
      cookies: 2 * pairs,
      writeMs: Math.round(writeMs),
      allStatisticsGoneMs: finishMs,
      eventsSettledMs: settledMs,
      requestMsRightAfter: first.ms,
      requestMsAfterSettled: after.ms,
      panelMs,
      deletedByExtension: removals.explicit.st,
      evictedByBrowser: removals.evicted.st + removals.evicted.fn,
    };
    report(`${browser.name}.cookieBurst`, figures);
    assert.ok(first.ms < 2000, `the background answered ${first.ms} ms after the burst`);
    assert.ok(after.ms < 500, `the background answered ${after.ms} ms once the burst was handled`);
  } finally {
    await watcher.close();
  }
}

/**
 * A page that writes _ga again whenever it is gone, for `ms`: each write is deleted once, the
 * cookie is not there once the loop stops, and then nothing more happens (no further
 * deletions, the background answers at once).
 */
export async function cookieRewrittenInALoop(s, { ms = 3000 } = {}) {
  const { server, browser, page } = s;
  await page.goto(server.url(HOSTS.burst));
  const before = deletionCounts((await sitePanel(browser, 'burst.test')).view)._ga ?? 0;
  const watcher = await browser.openExtensionPage('options.html');
  try {
    await watchCookieChanges(watcher, 'burst.test');
    const writes = await page.evaluate(([name, ms]) => window.resetLoop(name, ms), ['_ga', ms]);
    assert.ok(writes > 10, `the page wrote _ga ${writes} times`);
    await waitFor(async () => !names(await browser.cookies('burst.test')).includes('_ga'), { timeout: 2000, what: '_ga gone after the loop' });
    assert.equal(await page.evaluate(() => document.cookie.includes('_ga=')), false, 'the page does not see _ga');
    const count = () => watcher.evaluate(() => window.cookieWatch.length);
    const settledCount = await settled(count, { quiet: 500, what: 'the loop’s events to stop' });
    const removed = (await cookieChanges(watcher)).filter(([removed, cause, name]) => removed && cause === 'explicit' && name === '_ga').length;
    assert.equal(removed, writes, `each of ${writes} writes was deleted once (${removed} removals)`);
    // No spinning: a second later nothing more has happened.
    await page.wait(1000);
    assert.equal(await count(), settledCount, 'no cookie events after the loop stopped');
    const panelCount = deletionCounts((await sitePanel(browser, 'burst.test')).view)._ga ?? 0;
    assert.equal(panelCount - before, writes, 'the panel counts each deletion');
    const { ms: responseMs } = await timedRequest(watcher, { type: 'getPreferences' });
    report(`${browser.name}.cookieRewriteLoop`, { ms, writes, deleted: removed, responseMs });
    assert.ok(responseMs < 500, `the background answered in ${responseMs} ms`);
  } finally {
    await watcher.close();
  }
}

/**
 * Thirty sites with a generated heavy policy each (1,000 services, 5,000 cookies), visited one
 * after another in one tab: the dynamic rules stay within the browser's limit, every site's
 * rules block on its second visit (the server log), the rule book and a later choice are
 * stored, and the first site, visited again after the background restarted, still blocks.
 */
export async function heavyPolicies(s) {
  const { server, browser, page } = s;
  const ext = await browser.openExtensionPage('options.html');
  try {
    const ruleCounts = [];
    const readyMs = [];
    const hasBlockRule = (rules, site) => rules.some((r) => r.action.type === 'block' && r.condition.initiatorDomains?.includes(site));
    for (const site of HEAVY_SITES) {
      const host = `www.${site}`;
      const start = Date.now();
      await page.goto(server.url(host));
      await waitFor(async () => hasBlockRule(await browser.rules(), site), { timeout: 30000, interval: 100, what: `${site}'s block rule` });
      readyMs.push(Date.now() - start);
      server.clearLog();
      await page.goto(server.url(host));
      const from = (tracker) => server.requestsTo(tracker).filter((e) => e.path.endsWith(`from=${site}`));
      assert.equal(from(HEAVY_DENIED_TRACKER).length, 0, `${site}: the denied tracker was blocked: ${log(server)}`);
      assert.equal(from(HEAVY_ALLOWED_TRACKER).length, 1, `${site}: the allowed tracker loaded: ${log(server)}`);
      const rules = await browser.rules();
      ruleCounts.push(rules.length);
      assert.ok(rules.length <= 5000, `${rules.length} dynamic rules after ${site}`);
    }
    const rules = await browser.rules();
    const missing = HEAVY_SITES.filter((site) => !hasBlockRule(rules, site));
    assert.deepEqual(missing, [], 'every heavy site still has its rules');
    const sizes = rules.filter((r) => HEAVY_SITES.includes(r.condition.initiatorDomains?.[0])).map((r) => r.condition.requestDomains.length);
    // What the background stored: the rule book with every site, and a choice made now.
    const { ruleBook } = await stored(ext, 'ruleBook');
    const booked = HEAVY_SITES.filter((site) => ruleBook?.sites?.[site]);
    assert.equal(booked.length, HEAVY_SITES.length, `the stored rule book holds ${booked.length} of the heavy sites`);
    const first = HEAVY_SITES[0];
    await browser.request({ type: 'setCategory', site: first, category: 'marketing', choice: 'allow' });
    const { prefs } = await stored(ext, 'prefs');
    assert.equal(prefs?.sites?.[first]?.categories?.marketing, 'allow', 'a choice made after the heavy sites is stored');
    const bytes = await ext.evaluate(() => chrome.storage.local.getBytesInUse?.(null).catch(() => null) ?? null);
    // Stored policies are bounded (Chrome's storage.local holds 10 MB in all, and thirty of
    // these policies are more than that): the choices and the rule book must always fit.
    const records = await ext.evaluate(async () => {
      const all = await chrome.storage.local.get(null);
      const policies = Object.keys(all).filter((k) => k.startsWith('policy:'));
      return { count: policies.length, bytes: policies.reduce((n, k) => n + JSON.stringify(all[k]).length, 0) };
    });
    assert.ok(records.bytes <= 6 * 1024 * 1024, `stored policy records take ${records.bytes} bytes`);

    // The first site again, from a background that has only storage to go on.
    await browser.suspendBackground();
    server.clearLog();
    await page.goto(server.url(`www.${first}`));
    assert.equal(server.requestsTo(HEAVY_DENIED_TRACKER).length, 0, `${first}: blocked again: ${log(server)}`);
    const view = await waitFor(async () => {
      const v = (await sitePanel(browser, first)).view;
      return v.source.kind === 'declared' ? v : null;
    }, { what: `${first}'s policy back` });
    assert.equal(view.categories.find((c) => c.id === 'marketing').choice, 'allow', 'the choice is in force');
    await browser.request({ type: 'setCategory', site: first, category: 'marketing', choice: null });
    report(`${browser.name}.heavyPolicies`, {
      sites: HEAVY_SITES.length,
      ruleCountAfterEachSite: ruleCounts,
      requestDomainsPerRule: summary(sizes),
      firstVisitToRulesMs: summary(readyMs),
      storageLocalBytes: bytes,
      storedPolicyRecords: records,
      firstSiteRefetched: server.log.some((e) => under(e.host, first) && e.path === POLICY_PATH),
    });
  } finally {
    await ext.close();
  }
}

/**
 * A policy that oversteps its site (www.claims.test): it lists another site (kaltiot.test) and
 * its own domain as trackers, and declares kaltiot.test's cookies as its own statistics
 * cookies. Its own domain is never blocked, its block rule is for its own pages only, the panel
 * says what was ignored, and kaltiot.test's cookies and pages are untouched.
 */
export async function policyClaimsOtherSites(s) {
  const { server, browser, page } = s;
  await page.goto(server.url(HOSTS.kaltiot));
  await waitFor(async () => {
    const jar = names(await browser.cookies('kaltiot.test'));
    return jar.includes('cw_lang') && jar.includes('visitor_note');
  }, { what: 'kaltiot.test’s own cookies' });
  const watcher = await browser.openExtensionPage('options.html');
  try {
    await watchCookieChanges(watcher, 'kaltiot.test');
    const view = await visitUntilPolicy(s, HOSTS.claims, 'claims.test');
    server.clearLog();
    await page.goto(server.url(HOSTS.claims));
    assert.ok(server.log.some((e) => e.host === HOSTS.claims && e.path === '/own.gif'), `the site’s own image loads: ${log(server)}`);
    const rule = (await browser.rules()).find((r) => r.action.type === 'block' && r.condition.initiatorDomains?.includes('claims.test'));
    assert.ok(rule, 'claims.test has a block rule');
    assert.deepEqual(rule.condition.initiatorDomains, ['claims.test'], 'the rule applies to claims.test’s pages only');
    assert.ok(!rule.condition.requestDomains.some((d) => under(d, 'claims.test')), `its own domain is not blocked: ${rule.condition.requestDomains}`);
    const warnings = view.diagnostics.map((d) => d.message).join(' | ');
    assert.match(warnings, /claims\.test belongs to the site claims\.test itself/);
    assert.match(warnings, /kaltiot\.test is not part of claims\.test/);
    const text = await panelText(browser, HOSTS.claims);
    assert.match(text, /belongs to the site claims\.test itself/, 'the panel shows the warning');
    assert.match(text, /kaltiot\.test is not part of claims\.test/, 'the panel shows the warning');

    // kaltiot.test is untouched: its page loads, its cookies stay, nothing of it was removed.
    server.clearLog();
    await page.goto(server.url(HOSTS.kaltiot));
    assert.ok(server.requestsTo('googletagmanager.com').length > 0, `kaltiot.test’s allowed requests load: ${log(server)}`);
    // A sweep decides every stored cookie of kaltiot.test: it would take those claims.test
    // declared if claims.test's policy reached them.
    await browser.request({ type: 'deleteNow', site: 'kaltiot.test' });
    const jar = names(await browser.cookies('kaltiot.test'));
    assert.ok(jar.includes('cw_lang') && jar.includes('visitor_note'), `kaltiot.test keeps its cookies: ${jar}`);
    const removed = (await cookieChanges(watcher)).filter(([r, cause, name]) => r && cause === 'explicit' && ['cw_lang', 'visitor_note'].includes(name));
    assert.deepEqual(removed, [], 'no cookie that claims.test declared was removed from kaltiot.test');
    const kaltiot = (await sitePanel(browser, 'kaltiot.test')).view;
    const cwLang = kaltiot.categories.flatMap((c) => c.services).flatMap((sv) => sv.cookies).find((r) => r.name === 'cw_lang');
    assert.equal(cwLang?.category, 'functional', 'kaltiot.test’s own policy still describes cw_lang');
  } finally {
    await watcher.close();
  }
}

/**
 * A policy answer that starts at once and then never ends (a byte every 500 ms): the site stays
 * in guessing mode while the background answers at once; after the 10 s deadline the fetch is
 * cut off, the failure is stored and shown, and the server sees the connection closed.
 */
export async function policyThatNeverEnds(s) {
  const { server, browser, page } = s;
  server.setVariant('slowTrickle', true);
  const ext = await browser.openExtensionPage('options.html');
  try {
    const before = policyRequests(server, 'slowpolicy.test').length;
    const start = Date.now();
    await page.goto(server.url(HOSTS.slowpolicy));
    const during = [];
    let view;
    while (Date.now() - start < 20000) {
      const { answer, ms } = await timedRequest(ext, { type: 'getSitePanel', site: 'slowpolicy.test' });
      view = answer.view;
      if (view.source.kind !== 'guessing') break;
      during.push(ms);
      await page.wait(500);
    }
    const failedAfterMs = Date.now() - start;
    assert.equal(view.source.kind, 'invalid', `the failure is stored: ${JSON.stringify(view.source)}`);
    const text = view.diagnostics.map((d) => d.message).join(' | ');
    assert.match(text, /no complete answer within 10 s/, text);
    assert.ok(failedAfterMs < 14000, `the site was given up on after ${failedAfterMs} ms`);
    assert.ok(during.length >= 5, `guessing while the fetch hung (${during.length} checks)`);
    const fetches = policyRequests(server, 'slowpolicy.test').slice(before);
    assert.ok(fetches.length >= 1, 'the policy was asked for');
    await waitFor(() => fetches.every((e) => e.closedAt), { timeout: 3000, what: 'the connections closed' });
    for (const e of fetches) {
      assert.equal(e.finished, false);
      assert.ok(e.closedAt - start < 13000, `${e.host}: closed ${e.closedAt - start} ms after the visit`);
    }
    const panel = await panelText(browser, HOSTS.slowpolicy);
    assert.match(panel, /no complete answer within 10 s/, 'the panel shows the failure');
    await waitFor(async () => !names(await browser.cookies('slowpolicy.test')).includes('_ga'), { what: '_ga deleted by the known-cookie table' });
    report(`${browser.name}.neverEndingPolicy`, { failedAfterMs, requests: fetches.length, responseMsWhileHanging: summary(during) });
  } finally {
    server.setVariant('slowTrickle', undefined);
    await ext.close();
  }
}

/**
 * A 50 MB policy answer, streamed without Content-Length: the fetch stops reading past 512 KiB,
 * the failure is shown, and the server sees the connection cut with most of the 50 MB unsent.
 */
export async function policyOf50MB(s) {
  const { server, browser } = s;
  const before = policyRequests(server, 'huge.test').length;
  const view = await visitUntilPolicy(s, HOSTS.huge, 'huge.test', 'invalid', 30000);
  const text = view.diagnostics.map((d) => d.message).join(' | ');
  assert.match(text, /larger than 512 KiB/, text);
  const fetches = policyRequests(server, 'huge.test').slice(before);
  await waitFor(() => fetches.every((e) => e.closedAt), { timeout: 10000, what: 'the connections closed' });
  for (const e of fetches) {
    assert.equal(e.finished, false, `${e.host}: the whole answer was sent`);
    assert.ok(e.bodyBytes < HUGE_BYTES / 2, `${e.host}: ${e.bodyBytes} bytes were sent before the connection closed`);
  }
  // Chromium asks the host and the registrable domain once each. Firefox sometimes looks twice
  // on the first visit (two looks 10-30 ms apart, not yet explained: see the issue note); each
  // look is still cut at 512 KiB, and later visits fetch nothing.
  assert.ok(fetches.length <= 4, `the host and the registrable domain were asked at most twice each: ${fetches.length} requests: ${JSON.stringify(fetches.map((e) => [e.host, e.path]))}`);
  assert.match(await panelText(browser, HOSTS.huge), /larger than 512 KiB/, 'the panel shows the failure');
  // The failure is remembered: more visits do not fetch 50 MB again.
  for (let i = 0; i < 2; i++) await s.page.goto(server.url(HOSTS.huge));
  assert.equal(policyRequests(server, 'huge.test').length, before + fetches.length, 'no fetch on later visits');
  report(`${browser.name}.policyOf50MB`, { requests: fetches.length, bytesSentBeforeCut: fetches.map((e) => e.bodyBytes) });
}

/**
 * A policy that is different on every request (and says no-store, and answers after 300 ms):
 * visits use the cached copy, two refreshes at once fetch at most twice, the site never falls
 * back to guessing meanwhile, and the panel, the rules and the blocking all follow one version.
 */
export async function policyChangingOnEveryRequest(s) {
  const { server, browser, page } = s;
  await visitUntilPolicy(s, HOSTS.flipflop, 'flipflop.test');
  const fetchedFirst = policyRequests(server, 'flipflop.test').length;
  for (let i = 0; i < 3; i++) await page.goto(server.url(HOSTS.flipflop));
  assert.equal(policyRequests(server, 'flipflop.test').length, fetchedFirst, 'visits use the cached policy');

  const ext = await browser.openExtensionPage('options.html');
  try {
    const refresh = { type: 'refreshPolicy', site: 'flipflop.test', pageUrl: server.url(HOSTS.flipflop) };
    const kinds = await ext.evaluate(async (refresh) => {
      const kinds = [];
      let done = false;
      const both = Promise.all([chrome.runtime.sendMessage(refresh), chrome.runtime.sendMessage(refresh)]).then(() => (done = true));
      while (!done) {
        const answer = await chrome.runtime.sendMessage({ type: 'getSitePanel', site: 'flipflop.test' });
        kinds.push(answer.view.source.kind);
        await new Promise((r) => setTimeout(r, 50));
      }
      await both;
      return kinds;
    }, refresh);
    assert.ok(kinds.length > 2, `the panel was read during the refresh: ${kinds}`);
    assert.deepEqual([...new Set(kinds)], ['declared'], `the site kept its policy during the refresh: ${kinds}`);
    const refetched = policyRequests(server, 'flipflop.test').slice(fetchedFirst);
    assert.ok(refetched.length >= 1 && refetched.length <= 2, `two refreshes fetched ${refetched.length} times`);

    const view = (await sitePanel(browser, 'flipflop.test')).view;
    const version = Number(/Flip version (\d+)/.exec(view.controller?.name ?? '')?.[1]);
    assert.ok(refetched.some((e) => e.policyVersion === version), `the panel shows a version just fetched (${version})`);
    const services = view.categories.flatMap((c) => c.services.map((sv) => sv.id));
    assert.deepEqual(services, [`flip-${version}`], 'every part of the panel is of that version');
    const rule = (await browser.rules()).find((r) => r.action.type === 'block' && r.condition.initiatorDomains?.includes('flipflop.test'));
    assert.deepEqual(rule?.condition.requestDomains, [flipTracker(version)], 'the rules are of that version');
    server.clearLog();
    await page.goto(server.url(HOSTS.flipflop));
    assert.equal(server.requestsTo(flipTracker(version)).length, 0, `that version’s tracker is blocked: ${log(server)}`);
    const others = Array.from({ length: FLIP_VERSIONS }, (_, i) => i + 1).filter((n) => n !== version);
    assert.ok(others.every((n) => server.requestsTo(flipTracker(n)).length === 1), `the other versions’ trackers load: ${log(server)}`);
    // The recent activity keeps what earlier versions' services had blocked; the rest is of one.
    const text = await panelText(browser, HOSTS.flipflop, { without: 'section.activity' });
    assert.ok(text.includes(`Flip version ${version}`) && !others.some((n) => text.includes(`Flip service ${n}`)), text);
    assert.equal(policyRequests(server, 'flipflop.test').length, fetchedFirst + refetched.length, 'no fetch after the refresh');
  } finally {
    await ext.close();
  }
}

/**
 * Two extension pages change different choices at the same time: the panel (popup.html?tab=ID)
 * sends site choices through the protocol while the options page changes its own global choices
 * through its controls and sends more site choices; afterwards the stored preferences hold every
 * change.
 */
export async function concurrentChoicesFromTwoPages(s) {
  const { browser } = s;
  await seedSiteTab(s);
  const original = (await browser.request({ type: 'getPreferences' })).preferences;
  const [tab] = await browser.tabs(KALTIOT_TAB);
  const options = await browser.openExtensionPage('options.html');
  const popup = await browser.openExtensionPage(`popup.html?tab=${tab.id}`);
  try {
    await options.waitForSelector('body[data-ready="true"]');
    await popup.waitForSelector('body[data-ready="true"]');
    const categories = ['necessary', 'functional', 'statistics', 'marketing'];
    const changes = (prefix) =>
      Array.from({ length: 20 }, (_, i) => {
        const site = `${prefix}${String(i).padStart(2, '0')}.test`;
        if (i % 5 === 4) return { type: 'setPaused', site, paused: true };
        if (i % 5 === 3) return { type: 'setService', site, service: `svc-${i}`, choice: 'allow' };
        return { type: 'setCategory', site, category: categories[i % 4], choice: i % 2 ? 'allow' : 'deny' };
      });
    // The options page's own controls, set one after another without waiting for the answers:
    // the last value of each is what must be stored.
    const controls = [
      ['default-marketing', true], ['default-statistics', true], ['undeclared-delete', true], ['act-without-policy', false], ['global-privacy-control', false],
      ['default-marketing', false], ['default-statistics', false], ['undeclared-keep', true], ['act-without-policy', true], ['global-privacy-control', true],
      ['default-marketing', true], ['default-statistics', true], ['undeclared-delete', true], ['act-without-policy', false], ['global-privacy-control', false],
      ['default-marketing', false], ['default-statistics', true], ['undeclared-keep', true], ['act-without-policy', false], ['undeclared-delete', true],
    ];
    const fromOptions = changes('optionsside');
    const fromPopup = changes('panelside');
    await options.evaluate(([messages, controls]) => {
      window.concurrent = (async () => {
        const sent = Promise.all(messages.map((m) => chrome.runtime.sendMessage(m)));
        for (const [id, on] of controls) {
          const control = document.getElementById(id);
          if (control.getAttribute('role') === 'switch') {
            // A switch is a button: clicked when it is not yet in the wanted state.
            if ((control.getAttribute('aria-checked') === 'true') !== on) control.click();
          } else {
            control.checked = on;
            control.dispatchEvent(new Event('change', { bubbles: true }));
          }
          await new Promise((r) => setTimeout(r, 1));
        }
        return sent;
      })();
      return true;
    }, [fromOptions, controls]);
    const answers = await popup.evaluate((messages) => Promise.all(messages.map((m) => chrome.runtime.sendMessage(m))), fromPopup);
    const optionAnswers = await options.evaluate(async () => [...(await window.concurrent)]);
    assert.ok([...answers, ...optionAnswers].every((a) => a.type === 'done'), JSON.stringify([...answers, ...optionAnswers]));
    await options.waitForSelector('body[data-ready="true"]');
    await new Promise((r) => setTimeout(r, 300));

    const { prefs } = await stored(options, 'prefs');
    const lost = [];
    for (const m of [...fromOptions, ...fromPopup]) {
      const site = prefs.sites?.[m.site];
      const ok =
        m.type === 'setPaused' ? site?.paused === true
        : m.type === 'setService' ? site?.services?.[m.service] === m.choice
        : site?.categories?.[m.category] === m.choice;
      if (!ok) lost.push(`${m.type} ${m.site}`);
    }
    const final = Object.fromEntries(controls);
    const undeclared = controls.filter(([id]) => id.startsWith('undeclared-')).at(-1)[0].slice('undeclared-'.length);
    const expected = {
      'default marketing': [prefs.defaults?.marketing, final['default-marketing'] ? 'allow' : 'deny'],
      'default statistics': [prefs.defaults?.statistics, final['default-statistics'] ? 'allow' : 'deny'],
      undeclared: [prefs.undeclared, undeclared],
      'act without policy': [prefs.actWithoutPolicy, final['act-without-policy']],
      'global privacy control': [prefs.globalPrivacyControl, final['global-privacy-control']],
    };
    for (const [what, [got, want]] of Object.entries(expected)) if (got !== want) lost.push(`${what} (${got}, not ${want})`);
    assert.deepEqual(lost, [], `changes lost: ${lost.join(', ')}`);
    const answered = (await browser.request({ type: 'getPreferences' })).preferences;
    assert.deepEqual(answered, prefs, 'the background holds what it stored');
  } finally {
    await popup.close();
    await options.close();
    await browser.request({ type: 'setPreferences', preferences: original });
  }
}

/**
 * Damaged and foreign data in chrome.storage (wrong types in the choices of an older version,
 * truncated JSON for the rule book and a policy record, records of the wrong shape or site,
 * garbage in the session counters): a restarted background starts, keeps what it can read,
 * uses defaults for the rest, tells the visitor once on the options page, and enforces.
 */
export async function damagedStorageIsTolerated(s) {
  const { server, browser, page } = s;
  const original = (await browser.request({ type: 'getPreferences' })).preferences;
  const ext = await browser.openExtensionPage('options.html');
  try {
    await ext.evaluate(async () => {
      await chrome.storage.local.set({
        prefs: {
          version: 1,
          defaults: { statistics: 'perhaps', marketing: false, functional: true },
          deleteUndeclared: 'sometimes',
          actWithoutPolicy: 'yes',
          sites: { 'kaltiot.test': { allow: { marketing: true } }, 'nopolicy.test': { paused: 'very' }, 'not a site': 42 },
        },
        ruleBook: '{"sites":{"kaltiot.test":{"slot":0,"lastUs',
        'policy:kaltiot.test': '{"site":"kaltiot.test","source":{"url":"http://www.kal',
        'policy:nopolicy.test': { site: 'evil.test', outcome: { kind: 'notPublished' }, fetchedAt: 'yesterday' },
        'policy:burst.test': [1, 2, 3],
        cookieStores: 'not a list',
      });
      await chrome.storage.session.set({ tabs: 'garbage', deleted: { 'kaltiot.test': { _ga: 'many' } } });
    });
    await ext.close();
    await browser.suspendBackground();

    const answer = await browser.request({ type: 'getPreferences' });
    assert.equal(answer.type, 'preferences', `the background started: ${JSON.stringify(answer)}`);
    const prefs = answer.preferences;
    assert.equal(prefs.sites['kaltiot.test']?.categories?.marketing, 'allow', 'a readable site choice of the older version is kept');
    assert.equal(prefs.defaults.functional, 'allow', 'a readable default is kept');
    assert.equal(prefs.defaults.marketing, 'deny');
    assert.equal(prefs.defaults.statistics, 'deny', 'an unreadable default is the default');
    assert.equal(prefs.undeclared, 'keep');
    assert.equal(prefs.actWithoutPolicy, true);
    const repairs = answer.repairs.join(' | ');
    assert.match(repairs, /statistics/, repairs);

    // Told once: the options page shows the repairs; after the next restart they are gone.
    const options = await browser.openExtensionPage('options.html');
    await options.waitForSelector('body[data-ready="true"]');
    assert.equal(await options.count('#options-repairs'), 1, 'the options page tells the visitor');
    assert.match(await options.text('#options-repairs'), /statistics/);
    await options.close();

    // Enforcement: the first visit finds the policy again (its record was unreadable), the
    // second is blocked and the denied cookies go.
    await visitUntilPolicy(s, HOSTS.kaltiot, 'kaltiot.test');
    server.clearLog();
    await page.goto(server.url(HOSTS.kaltiot));
    assert.equal(trackerHits(server), 0, `trackers blocked: ${log(server)}`);
    await waitFor(async () => !names(await browser.cookies('kaltiot.test')).includes('_ga'), { what: '_ga deleted' });
    const check = await browser.openExtensionPage('options.html');
    const { ruleBook, 'policy:kaltiot.test': record } = await stored(check, ['ruleBook', 'policy:kaltiot.test']);
    assert.equal(typeof ruleBook?.sites?.['kaltiot.test']?.slot, 'number', `the rule book is whole again: ${JSON.stringify(ruleBook)}`);
    assert.equal(record?.site, 'kaltiot.test', 'the policy record is whole again');
    await check.close();

    await browser.suspendBackground();
    const later = await browser.request({ type: 'getPreferences' });
    assert.deepEqual(later.repairs, [], 'the repairs are told once');
  } finally {
    await browser.request({ type: 'setPreferences', preferences: original });
  }
}

/**
 * Chromium: an update of the extension (the same folder loaded again with a new version, as an
 * update from the store replaces the extension): choices, the cached policy and the rules are
 * kept, and enforcement goes on. (Firefox: the temporary reinstall scenario.)
 */
export async function choicesSurviveUpdate(s) {
  const { server, browser, page } = s;
  await browser.request({ type: 'setCategory', site: 'kaltiot.test', category: 'marketing', choice: 'allow' });
  await browser.request({ type: 'setPaused', site: 'burst.test', paused: true });
  try {
    const before = (await browser.rules()).filter((r) => r.condition.initiatorDomains?.includes('kaltiot.test'));
    assert.ok(before.length > 0, 'kaltiot.test has rules before the update');
    // A version above the one built (Cargo.toml's), as a store update is.
    const built = JSON.parse(fs.readFileSync(path.join(ROOT, 'dist/extension/manifest.json'), 'utf8')).version;
    const [major, minor, patch] = built.split('.').map(Number);
    const updateMs = await browser.updateExtension(`${major}.${minor}.${patch + 1}`);
    const prefs = (await browser.request({ type: 'getPreferences' })).preferences;
    assert.equal(prefs.sites['kaltiot.test']?.categories?.marketing, 'allow', 'a category choice survived');
    assert.equal(prefs.sites['burst.test']?.paused, true, 'a pause survived');
    const after = (await browser.rules()).filter((r) => r.condition.initiatorDomains?.includes('kaltiot.test'));
    assert.deepEqual(after, before, 'the site’s rules are kept');
    server.clearLog();
    await page.goto(server.url(HOSTS.kaltiot));
    assert.equal(trackerHits(server), 0, `trackers blocked after the update: ${log(server)}`);
    assert.equal(server.log.filter((e) => POLICY_PATHS.includes(e.path)).length, 0, 'the cached policy was used');
    const [t] = await measureDeletion(page, '_ga', 1);
    assert.ok(t >= 0, '_ga is deleted after the update');
    report(`${browser.name}.extensionUpdateMs`, updateMs);
  } finally {
    await browser.request({ type: 'setCategory', site: 'kaltiot.test', category: 'marketing', choice: null });
    await browser.request({ type: 'setPaused', site: 'burst.test', paused: false });
  }
}

// ---------------------------------------------------------------------------------------------
// Pages that try to steer the extension (issue 10, the security review). Each of these fails on
// the extension as it was before the finding it names was fixed (chromium.test.mjs,
// firefox.test.mjs).

/** Every cookie row of a panel view. */
const rowsOf = (view) => [...view.categories.flatMap((c) => c.services.flatMap((sv) => sv.cookies)), ...view.otherCookies];

/**
 * Fails as soon as `found()` returns anything within `ms`: for requests that must never be
 * sent, watched for longer than the extension takes to send one (a fetch follows the event that
 * would start it by milliseconds).
 */
async function noneWithin(found, ms, what) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const seen = found();
    assert.deepEqual(seen, [], what);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Security 1: a valid policy that declares nothing (`"services": []`) does not make known
 * tracker cookies welcome: `_fbp` (marketing) and `_ga` (statistics) are decided by their
 * common category and deleted, reported as undeclared; a cookie nobody knows is kept.
 */
export async function emptyDeclarationKeepsKnownTrackersOut(s) {
  const { browser, page } = s;
  await visitUntilPolicy(s, HOSTS.emptypolicy, 'emptypolicy.test');
  await browser.request({ type: 'setPaused', site: 'emptypolicy.test', paused: true });
  try {
    await page.evaluate(() => {
      for (const name of ['_fbp', '_ga', 'own_pref']) document.cookie = `${name}=1.2.3; path=/; max-age=600`;
      return true;
    });
    // Paused, they stay (deleteNow sweeps: it would take a cookie that is not allowed), and
    // the panel says what they are.
    await browser.request({ type: 'deleteNow', site: 'emptypolicy.test' });
    const view = (await sitePanel(browser, 'emptypolicy.test')).view;
    assert.equal(view.source.kind, 'declared');
    const fbp = view.otherCookies.find((r) => r.name === '_fbp');
    assert.equal(fbp?.category, 'marketing', `_fbp is known as marketing: ${JSON.stringify(fbp)}`);
    assert.ok(fbp.findings.some((f) => f.finding.code === 'undeclared'), 'and reported as undeclared');
  } finally {
    await browser.request({ type: 'setPaused', site: 'emptypolicy.test', paused: false });
  }
  // Resuming sweeps the site.
  const jar = names(await browser.cookies('emptypolicy.test'));
  assert.ok(!jar.includes('_fbp') && !jar.includes('_ga'), `known tracker cookies deleted: ${jar}`);
  assert.ok(jar.includes('own_pref'), `an unknown undeclared cookie is kept: ${jar}`);
}

/**
 * Security 2: page content does not outrank the site, and a broken answer does not replace a
 * good one. injected.test's well-known policy denies GA (statistics); a <link> in its page
 * names a policy that calls GA functional. brokenlink.test's <link> names a broken document.
 * Either way the site's own valid policy is in force, and GA is blocked on the next visit.
 */
export async function pageContentDoesNotOutrankTheSite(s) {
  const { server, browser, page } = s;
  for (const [host, site] of [[HOSTS.injected, 'injected.test'], [HOSTS.brokenlink, 'brokenlink.test']]) {
    await page.goto(server.url(host));
    const view = await waitFor(async () => {
      const v = (await sitePanel(browser, site)).view;
      return v.source.kind === 'declared' && v.source.url.endsWith('/.well-known/cookie-policy.json') ? v : null;
    }, { what: `${site}'s own well-known policy in force` });
    const ga = view.categories.find((c) => c.id === 'statistics')?.services.find((sv) => sv.id === 'google-analytics-4');
    assert.deepEqual(ga?.blockedDomains, ['google-analytics.test'], `${site}: GA is statistics, blocked`);
    server.clearLog();
    await page.goto(server.url(host));
    await waitFor(() => server.requestsTo(host).some((e) => e.path === '/last.gif'), { what: `${site}'s page loaded` });
    const reached = server.requestsTo('google-analytics.test').filter((e) => e.path.includes(`from=${site}`));
    assert.deepEqual(reached.map((e) => e.path), [], `${site}: GA blocked on the next visit`);
    const after = (await sitePanel(browser, site)).view.source;
    assert.ok(after.kind === 'declared' && after.url.endsWith('/.well-known/cookie-policy.json'), `${site}: still the site's own: ${JSON.stringify(after)}`);
  }
}

/**
 * Security 4: nothing is sent to a place a page names on another site (a Link header to
 * kaltiot.test), on another host of its site (sub.pointer.test), or in the visitor's network
 * (a link to 127.0.0.1, a page on 127.0.0.1 itself); and a redirect is not followed (the
 * redirect.test case of brokenPoliciesMeanGuessing checks its target is never asked).
 */
export async function namedPlacesOffTheSiteAreNotAsked(s) {
  const { server, page } = s;
  server.clearLog();
  await page.goto(server.url(HOSTS.pointer));
  await page.goto(server.url(HOSTS.pointer, '/sub'));
  await page.goto(`http://127.0.0.1:${server.port}/`);
  await waitFor(() => server.requestsTo(HOSTS.pointer).filter((e) => e.path === '/last.gif').length >= 2, { what: 'both pages loaded' });
  const forbidden = () =>
    server.log
      .filter(
        (e) =>
          (e.host === '127.0.0.1' && e.path !== '/' && e.path !== '/favicon.ico') ||
          e.host === 'sub.pointer.test' ||
          (e.host === HOSTS.kaltiot && e.path === '/cookie-policy.json'),
      )
      .map((e) => `${e.host}${e.path}`);
  await noneWithin(forbidden, 1500, 'places off the page’s host or site, or in the visitor’s network, were asked');
  // Discovery did run: the site's own well-known places were asked.
  assert.ok(policyRequests(server, 'pointer.test').length > 0, `pointer.test’s well-known places asked: ${log(server)}`);
}

/**
 * Security 5: policy fetches never send the validators of a cached answer (If-None-Match,
 * If-Modified-Since), which would be an identifier that outlives cookie deletion. The demo
 * server answers every policy with an ETag and a Last-Modified.
 */
export async function policyFetchesSendNoValidators({ server, browser }) {
  server.clearLog();
  for (let i = 0; i < 2; i++) {
    await browser.request({ type: 'refreshPolicy', site: 'kaltiot.test', pageUrl: server.url(HOSTS.kaltiot) });
  }
  const refetched = server.log.filter((e) => e.host.endsWith('kaltiot.test') && POLICY_PATHS.includes(e.path));
  assert.ok(refetched.length >= 2, `the policy was fetched again: ${refetched.length}`);
  const all = server.all().filter((e) => e.referer === null && POLICY_PATHS.includes(e.path));
  const withValidators = all.filter((e) => e.ifNoneMatch !== null || e.ifModifiedSince !== null).map((e) => `${e.host}${e.path}`);
  assert.deepEqual(withValidators, [], 'a policy fetch sent a cached answer’s validators');
  report(`${browser.name}.policyFetchesWithoutValidators`, all.length);
}

/**
 * Security 6: a request an allow rule lets through (an allowed subdomain of a blocked domain:
 * widgets.gpc-cdn.test under gpc-cdn.test) still carries Sec-GPC: 1.
 */
export async function allowedRequestsKeepTheirPrivacySignal(s) {
  const { server, page } = s;
  await visitUntilPolicy(s, HOSTS.gpcallow, 'gpcallow.test');
  await waitFor(async () => (await s.browser.rules()).some((r) => r.action.type === 'allow' && r.condition.initiatorDomains?.includes('gpcallow.test')), {
    what: 'gpcallow.test’s allow rule',
  });
  server.clearLog();
  await page.goto(server.url(HOSTS.gpcallow));
  await waitFor(() => server.requestsTo(HOSTS.gpcallow).some((e) => e.path === '/last.gif'), { what: 'the page loaded' });
  const widget = server.requestsTo(GPC_WIDGET_HOST);
  assert.ok(widget.length > 0, `the allowed widget host loads: ${log(server)}`);
  assert.deepEqual(widget.map((e) => e.gpc), widget.map(() => '1'), 'every allowed request says Sec-GPC: 1');
  assert.equal(server.requestsTo(GPC_STATS_HOST).length, 0, `the denied host is blocked: ${log(server)}`);
}

/**
 * Security 7: cookies partitioned under a site (CHIPS, Firefox's partitioned third-party jar)
 * are the site's: the panel lists them and both the site's sweep and the full sweep reach
 * them. Written with cookies.set and a partitionKey, as a third-party frame's cookie would be
 * stored.
 */
export async function partitionedCookiesAreListedAndSwept({ browser }) {
  const expires = Math.floor(Date.now() / 1000) + 3600;
  const set = (topLevelSite) =>
    browser.inExtension(
      ([topLevelSite, expirationDate]) =>
        chrome.cookies.set({
          url: 'https://www.google-analytics.test/',
          name: '_ga',
          value: 'GA1.2.partitioned',
          secure: true,
          sameSite: 'no_restriction',
          expirationDate,
          partitionKey: { topLevelSite },
        }),
      [topLevelSite, expires],
    );
  const partitioned = (topLevelSite) =>
    browser.inExtension((topLevelSite) => chrome.cookies.getAll({ name: '_ga', partitionKey: { topLevelSite } }), topLevelSite);

  // The site's panel lists a third party's cookie partitioned under it.
  await browser.request({ type: 'setPaused', site: 'kaltiot.test', paused: true });
  try {
    const written = await set('https://kaltiot.test');
    assert.ok(written?.partitionKey?.topLevelSite, `a partitioned cookie was written: ${JSON.stringify(written)}`);
    const view = (await sitePanel(browser, 'kaltiot.test')).view;
    const rows = rowsOf(view).filter((r) => r.name === '_ga' && (r.domain ?? '').includes('google-analytics.test'));
    assert.equal(rows.length, 1, `the panel lists the partitioned cookie: ${JSON.stringify(rowsOf(view).map((r) => [r.name, r.domain]))}`);
  } finally {
    await browser.request({ type: 'setPaused', site: 'kaltiot.test', paused: false });
  }
  assert.deepEqual(await partitioned('https://kaltiot.test'), [], 'the site’s sweep deleted it');

  // The full sweep (after a change of a global choice) reaches a partition too: under a site
  // without a policy that no page of the run visits.
  const unvisited = 'https://partitions-only.test';
  await browser.request({ type: 'setActWithoutPolicy', on: false });
  try {
    await set(unvisited);
    await browser.request({ type: 'deleteNow', site: 'partitions-only.test' });
    assert.equal((await partitioned(unvisited)).length, 1, 'kept while not acting on sites without a policy');
  } finally {
    await browser.request({ type: 'setActWithoutPolicy', on: true });
  }
  assert.deepEqual(await partitioned(unvisited), [], 'the full sweep deleted it');
}

/**
 * Security 8: a valid policy with 20,000 unknown keys is stored as itself plus a bounded list
 * of warnings (it used to become a record of megabytes, evicting every other site's).
 */
export async function manyWarningsStayBounded(s) {
  const { browser } = s;
  const view = await visitUntilPolicy(s, HOSTS.manykeys, 'manykeys.test');
  assert.ok(view.diagnostics.length <= 101, `${view.diagnostics.length} diagnostics`);
  assert.match(view.diagnostics.at(-1).message, new RegExp(`${MANY_KEYS - 100} more problems not listed`));
  const ext = await browser.openExtensionPage('options.html');
  try {
    const bytes = await waitFor(
      () => ext.evaluate(async () => JSON.stringify((await chrome.storage.local.get('policy:manykeys.test'))['policy:manykeys.test'] ?? '').length),
      { what: 'the stored record' },
    );
    // The record holds the document as a JSON string, and its diagnostics.
    const documentBytes = JSON.stringify(manyKeysPolicy()).length;
    assert.ok(bytes < documentBytes + 64 * 1024, `the stored record is ${bytes} bytes for a document of ${documentBytes}`);
    report(`${browser.name}.storedRecordOf20000UnknownKeys`, bytes);
  } finally {
    await ext.close();
  }
}

/**
 * Security 3: a content script (the extension's isolated world in a page, which a compromised
 * renderer controls) may only report its own page's policy link: changing choices, reading
 * choices or another tab's panel, refreshing a site and pausing it are refused, and a link
 * report is for the page the browser says sent it, not one the message names.
 */
export async function contentScriptsMayOnlyReportTheirPage(s) {
  const { server, browser } = s;
  await seedSiteTab(s);
  const [tab] = await browser.tabs(KALTIOT_TAB);
  const before = (await browser.request({ type: 'getPreferences' })).preferences;
  server.clearLog();
  const foreign = server.url(HOSTS.nopolicy, '/cookie-policy.json');
  const answers = await browser.inExtension(
    async ([tabId, foreign]) => {
      const [{ result }] = await chrome.scripting.executeScript({
        target: { tabId },
        args: [foreign],
        func: async (foreign) => {
          const ask = (m) => chrome.runtime.sendMessage(m).catch((e) => ({ type: 'threw', message: String(e) }));
          return {
            setPreferences: await ask({ type: 'setPreferences', preferences: { version: 2, defaults: { statistics: 'allow', marketing: 'allow' } } }),
            getPreferences: await ask({ type: 'getPreferences' }),
            getPanel: await ask({ type: 'getPanel', tabId: 1 }),
            refreshPolicy: await ask({ type: 'refreshPolicy', site: 'kaltiot.test' }),
            setPaused: await ask({ type: 'setPaused', site: 'kaltiot.test', paused: true }),
            setDefault: await ask({ type: 'setDefault', category: 'marketing', choice: 'allow' }),
            policyLink: await ask({ type: 'policyLink', url: foreign, pageUrl: 'http://www.nopolicy.test/' }),
          };
        },
      });
      return result;
    },
    [tab.id, foreign],
  );
  for (const [kind, answer] of Object.entries(answers)) {
    if (kind === 'policyLink') continue;
    assert.equal(answer?.type, 'error', `${kind} from a content script: ${JSON.stringify(answer)}`);
  }
  const after = (await browser.request({ type: 'getPreferences' })).preferences;
  assert.deepEqual(after, before, 'the choices are unchanged');
  await noneWithin(
    () => server.log.filter((e) => e.host === HOSTS.nopolicy).map((e) => e.path),
    1000,
    'a link reported for another page than the sender’s was fetched',
  );
  assert.equal(await sourceOf(browser, 'nopolicy.test'), 'guessing', 'nopolicy.test still has no policy');
}

/** The panel's refresh looks for the policy from the page the tab shows (an http page on a port here). */
export async function panelRefreshUsesTheTabsPage(s) {
  const { server, browser } = s;
  await seedSiteTab(s);
  const panel = await browser.openPanel(KALTIOT_TAB);
  try {
    server.clearLog();
    await panel.clickButton('Refresh the policy');
    await waitFor(() => server.log.some((e) => e.host.endsWith('kaltiot.test') && e.path === '/.well-known/cookie-policy.json'), {
      what: 'the policy fetched again from the tab’s own page',
    });
  } finally {
    await panel.close();
  }
}

/**
 * Security 9: what the extension learns in a private window stays in memory and session
 * storage: a site visited only there has its policy enforced (its trackers blocked by session
 * rules, its denied cookies deleted from the private store), and nothing of it reaches
 * storage.local (no policy record, no index entry, no rule book entry, no remembered private
 * store) or the dynamic rules. `privatePage` is a page in a private window.
 */
export async function privateWindowsLeaveNoTrace({ server, browser }, privatePage) {
  const site = 'privateonly.test';
  await privatePage.goto(server.url(HOSTS.privateonly));
  await waitFor(async () => (await sourceOf(browser, site)) === 'declared', { what: `${site}'s policy, learned in a private window` });
  const sessionRules = () => browser.inExtension(() => chrome.declarativeNetRequest.getSessionRules());
  const blocks = (rules) => rules.some((r) => r.action.type === 'block' && r.condition.initiatorDomains?.includes(site));
  await waitFor(async () => blocks(await sessionRules()) || blocks(await browser.rules()), { what: `${site}'s block rule` });
  server.clearLog();
  await privatePage.goto(server.url(HOSTS.privateonly));
  await waitFor(() => server.requestsTo(HOSTS.privateonly).some((e) => e.path === '/last.gif'), { what: 'the private page loaded' });
  assert.deepEqual(server.requestsTo('google-analytics.test').map((e) => e.path), [], 'the tracker is blocked in the private window');
  await privatePage.evaluate(() => {
    document.cookie = '_ga=GA1.1.private; path=/; max-age=600';
    return true;
  });
  const store = browser.name === 'firefox' ? 'firefox-private' : '1';
  await waitFor(async () => !names(await browser.cookies(site, { storeId: store })).includes('_ga'), { what: '_ga deleted from the private store' });

  const local = await browser.inExtension(() => chrome.storage.local.get(null));
  const traces = [];
  for (const [key, value] of Object.entries(local)) {
    if (JSON.stringify(key).includes(site) || JSON.stringify(value).includes(site)) traces.push(key);
  }
  if ((local.cookieStores ?? []).includes(store)) traces.push('cookieStores');
  assert.deepEqual(traces, [], `storage.local keeps traces of the private visit`);
  const dynamic = (await browser.rules()).filter((r) => r.condition.initiatorDomains?.includes(site));
  assert.deepEqual(dynamic, [], 'no dynamic rule for the site');
  assert.ok(blocks(await sessionRules()), 'its rules are session rules, which the browser forgets when it closes');
}

/**
 * Security 7, Firefox's first-party isolation: every cookie carries a first-party domain, and
 * cookies.getAll without `firstPartyDomain` throws, so a sweep that does not pass it deletes
 * nothing and the panel lists nothing. Paused, then resumed: the resume's sweep deletes them.
 */
export async function sweepsWorkUnderFirstPartyIsolation(s) {
  const { server, browser, page } = s;
  await visitUntilPolicy(s, HOSTS.kaltiot, 'kaltiot.test');
  await browser.request({ type: 'setPaused', site: 'kaltiot.test', paused: true });
  try {
    await page.goto(server.url(HOSTS.kaltiot));
    await page.evaluate(() => {
      document.cookie = '_ga=GA1.1.isolated; path=/; max-age=600';
      return true;
    });
    const jar = await browser.cookies('kaltiot.test');
    assert.ok(jar.some((c) => c.name === '_ga' && c.firstPartyDomain === 'kaltiot.test'), `an isolated _ga: ${JSON.stringify(jar)}`);
    const view = (await sitePanel(browser, 'kaltiot.test')).view;
    assert.ok(rowsOf(view).some((r) => r.name === '_ga' && r.status === 'kept'), 'the panel lists the isolated cookie');
  } finally {
    await browser.request({ type: 'setPaused', site: 'kaltiot.test', paused: false });
  }
  const left = names(await browser.cookies('kaltiot.test'));
  assert.ok(!left.includes('_ga'), `the sweep on resume deleted it: ${left}`);
  assert.ok(left.includes('cw_lang'), `and kept the allowed one: ${left}`);
}

// ---------------------------------------------------------------------------------------------
// Declarations published through consent platforms (issue 11; chromium.test.mjs,
// firefox.test.mjs). The session's server serves https (startServer({https: true})), and the
// browsers resolve the platforms' real host names to it.

const SHOP_TRACKER_HOSTS = [SHOP_TRACKERS.metrics, SHOP_TRACKERS.pixel, SHOP_TRACKERS.ads, SHOP_TRACKERS.widget];

/** Visits `url` until `site`'s declaration comes through `platform`; returns the view and how long that took (ms). */
async function visitUntilPlatform({ browser, page }, url, site, platform) {
  const start = Date.now();
  await page.goto(url);
  const view = await waitFor(
    async () => {
      const v = (await sitePanel(browser, site)).view;
      return v.source.kind === 'consentPlatform' && v.source.platform === platform ? v : null;
    },
    { timeout: 15000, interval: 50, what: `${site}'s declaration through ${platform}` },
  );
  return { view, ms: Date.now() - start };
}

/**
 * The seed site behind a self-hosted OneTrust banner (kaltiot-ot.test, no policy of its own):
 * the declaration is read from the site's /onetrust/ files, its statistics cookies (GA4,
 * Leadfeeder) are deleted and their hosts blocked on the repeat visit, the functional one is
 * kept, the panel shows OneTrust's purposes and lifetimes, and a switch on the panel takes
 * effect.
 */
export async function selfHostedOneTrust(s) {
  const { server, browser, page } = s;
  const site = 'kaltiot-ot.test';
  const { view } = await visitUntilPlatform(s, server.url(HOSTS.kaltiotOt), site, 'OneTrust');
  assert.ok(view.source.url.includes('/onetrust/consent/'), `self-hosted: ${view.source.url}`);
  const statistics = view.categories.find((c) => c.id === 'statistics');
  assert.equal(statistics?.label, 'Performance Cookies', 'the platform’s own category name');
  const ga = statistics.services.flatMap((sv) => sv.cookies).find((r) => r.name === '_ga');
  assert.equal(ga?.purpose, 'Tells visitors apart for visitor statistics.');
  assert.deepEqual(ga?.declaredExpiry, { kind: 'span', count: 2, unit: 'year' }, 'the lifetime as data, for the panel to put in words');
  const ots = statistics.services.map((sv) => sv.name).sort();
  assert.deepEqual(ots, ['Google Analytics 4', 'Leadfeeder', 'kaltiot-ot.test']);

  server.clearLog();
  await page.goto(server.url(HOSTS.kaltiotOt));
  await waitFor(() => server.requestsTo(HOSTS.kaltiotOt).some((e) => e.path === '/last.gif'), { what: 'the page loaded' });
  assert.equal(trackerHits(server), 0, `declared statistics hosts blocked: ${log(server)}`);
  assert.ok(server.requestsTo('googletagmanager.com').length > 0, 'the functional tag manager loads');
  await page.evaluate(() => {
    for (const name of ['_ga', '_ga_DEMO123', '_lfa']) document.cookie = `${name}=GA1.1.1.1; path=/; max-age=600`;
    return true;
  });
  await waitFor(async () => {
    const jar = names(await browser.cookies(site));
    return !['_ga', '_ga_DEMO123', '_lfa'].some((n) => jar.includes(n));
  }, { what: 'the declared statistics cookies deleted' });
  const jar = names(await browser.cookies(site));
  assert.ok(jar.includes('cw_lang'), `the functional cookie is kept: ${jar}`);

  // A switch on the panel: statistics allowed on this site lets GA through, then denied again.
  const label = 'Allow Statistics on kaltiot-ot.test';
  const panel = await browser.openPanel(`*://${HOSTS.kaltiotOt}/*`);
  try {
    const text = await panel.text('body');
    assert.match(text, /Declared through OneTrust/);
    await openFolds(panel);
    assert.match(await panel.text('body'), /The site calls it “Performance Cookies”/, 'the platform’s own name, in the detail');
    assert.match(text, /Read \d+ minutes? ago/, 'and when it was read');
    await panel.setSwitch(label, true);
    await panel.waitForSelector('body[data-ready="true"]');
    // The panel renders again after the change; a switch read meanwhile may be gone.
    await waitFor(() => panel.isSwitchOn(label).catch(() => false), { what: 'the switch on' });
  } finally {
    await panel.close();
  }
  server.clearLog();
  await page.goto(server.url(HOSTS.kaltiotOt));
  assert.ok(server.requestsTo('google-analytics.com').length > 0, `GA loads once allowed: ${log(server)}`);
  await browser.request({ type: 'setCategory', site, category: 'statistics', choice: null });
}

/**
 * Shops that load their consent platform from its real host (cdn.cookielaw.org, over https;
 * consent.cookiebot.com, with the referer the service needs): each declaration is read, the
 * declared statistics and marketing cookies are deleted and hosts blocked on the repeat visit,
 * the necessary and functional cookies kept. The platforms' data is fetched without cookies or
 * a Referer header. Figures: navigation to rules, bytes fetched.
 */
export async function consentPlatformsOnTheirOwnHosts(s) {
  const { server, browser, page } = s;
  const figures = {};
  for (const [host, platform, dataHost] of [
    [HTTPS_HOSTS.onetrustShop, 'OneTrust', 'cdn.cookielaw.org'],
    [HTTPS_HOSTS.cookiebotShop, 'Cookiebot', 'consent.cookiebot.com'],
  ]) {
    const site = host.replace(/^www\./, '');
    server.clearLog();
    const { view } = await visitUntilPlatform(s, server.secureUrl(host), site, platform);
    const rulesMs = await backgroundRulesMs(server, browser, host, site);
    const fetched = server.log.filter((e) => e.host === dataHost && e.referer === null && !e.path.endsWith('.js') || (e.host === dataHost && e.path.includes('/cc.js')));
    assert.ok(fetched.length > 0, `${platform}'s data was fetched: ${log(server)}`);
    for (const e of fetched) {
      assert.equal(e.cookie, null, `${platform}: no cookies sent with ${e.path}`);
      assert.equal(e.referer, null, `${platform}: no Referer header with ${e.path}`);
    }
    const blocked = view.categories.flatMap((c) => c.services.flatMap((sv) => sv.blockedDomains));
    assert.ok(blocked.includes('cmp-ads.test') && blocked.some((d) => d.endsWith('cmp-metrics.test')), `${platform}: declared hosts blocked: ${blocked}`);
    assert.ok(!blocked.some((d) => d.endsWith('cookielaw.org') || d.endsWith('cookiebot.com')), `${platform}: its own hosts are never blocked: ${blocked}`);

    server.clearLog();
    await page.goto(server.secureUrl(host));
    await waitFor(() => server.requestsTo(host).some((e) => e.path === '/last.gif'), { what: `${site}: the page loaded` });
    const reached = SHOP_TRACKER_HOSTS.flatMap((h) => server.requestsTo(h).map((e) => e.host + e.path));
    assert.deepEqual(reached, [], `${platform}: declared statistics and marketing hosts blocked on the repeat visit`);
    await waitFor(async () => {
      const jar = names(await browser.cookies(site));
      return !jar.includes('_ga') && !jar.includes('_ga_SHOP01');
    }, { what: `${site}: the declared statistics cookies deleted` });
    const jar = names(await browser.cookies(site));
    assert.ok(jar.includes('shop_session') && jar.includes('shop_lang'), `${platform}: necessary and functional kept: ${jar}`);
    figures[platform] = {
      navigationToRulesMs: rulesMs,
      dataRequests: fetched.length,
      bytesFetched: fetched.reduce((n, e) => n + (e.responseBytes ?? 0), 0),
    };
  }
  report(`${browser.name}.consentPlatformSites`, figures);
}

/**
 * Third-party cookies a declaration lists under its hosts, stored partitioned under the site
 * (CHIPS in Chrome, Total Cookie Protection in Firefox), are the site's to decide: deleted from
 * that partition when denied, never from the third party's own unpartitioned jar.
 */
export async function partitionedThirdPartyCookiesOfTheSite(s) {
  const { server, browser, page } = s;
  const site = 'onetrust-shop.test';
  const topLevel = `https://${site}`;
  const widget = SHOP_TRACKERS.widget;
  const chips = (partitionKey) =>
    browser.inExtension(([domain, partitionKey]) => chrome.cookies.getAll({ domain, name: 'ad_chip', partitionKey }), [widget, partitionKey]);
  await browser.request({ type: 'setCategory', site, category: 'marketing', choice: 'allow' });
  try {
    // The ad network's own page, visited directly: its own (unpartitioned) cookie.
    await page.goto(server.secureUrl(widget, '/own.html'));
    await waitFor(async () => (await browser.cookies(widget)).some((c) => c.name === 'ad_chip' && !c.partitionKey), { what: 'the widget’s own cookie' });
    // The shop embeds the widget, which stores its cookie under the shop.
    await page.goto(server.secureUrl(HTTPS_HOSTS.onetrustShop));
    await waitFor(async () => (await chips({ topLevelSite: topLevel })).some((c) => c.partitionKey?.topLevelSite === topLevel), {
      what: 'the widget’s cookie partitioned under the shop',
    });
  } finally {
    await browser.request({ type: 'setCategory', site, category: 'marketing', choice: null });
  }
  // Marketing denied again: the partitioned copy goes, the widget's own stays.
  const left = (await chips({ topLevelSite: topLevel })).filter((c) => c.partitionKey?.topLevelSite === topLevel);
  assert.deepEqual(left.map((c) => c.value), [], 'the partitioned cookie is deleted');
  const own = (await browser.cookies(widget)).filter((c) => c.name === 'ad_chip' && !c.partitionKey);
  assert.deepEqual(own.map((c) => c.value), ['OWN'], 'the third party’s own cookie is not touched');
}

/** A page whose consent platform's files are on another site: they are never asked. */
export async function consentPlatformOnAnotherSiteIsNotAsked({ server, page }) {
  server.clearLog();
  await page.goto(server.url(HOSTS.cmpPointer));
  await waitFor(() => server.requestsTo(HOSTS.cmpPointer).some((e) => e.path === '/last.gif'), { what: 'the page loaded' });
  await noneWithin(
    () => server.log.filter((e) => e.host === HOSTS.kaltiot && e.path.startsWith('/onetrust/consent/')).map((e) => e.path),
    1500,
    'another site’s path was asked as the page’s consent platform data',
  );
}

/**
 * Time from the start of a first visit (the page's request reaching the server) to the site's
 * rules installed (as the background noted it, GetTimings; the same machine's clock), for ten
 * sites with a policy of their own and ten whose declaration comes from a self-hosted OneTrust
 * (one fetch against two).
 */
export async function navigationToRules(s) {
  const { server, browser, page } = s;
  const times = { own: [], oneTrust: [] };
  for (const kind of ['own', 'oneTrust']) {
    for (const site of TIMING_SITES[kind]) {
      await page.goto(server.url(`www.${site}`));
      times[kind].push(await backgroundRulesMs(server, browser, `www.${site}`, site));
    }
  }
  report(`${browser.name}.navigationToRulesMs`, { ownPolicy: summary(times.own), oneTrustSelfHosted: summary(times.oneTrust) });
  // What the first visits sent to the tracker their own policies deny, one unknown to the
  // tracker table (so only the site's declaration can block it): Firefox holds third-party
  // requests while the declaration is looked for; Chrome cannot.
  const leaked = TIMING_SITES.own.filter((site) =>
    server.all().some((e) => e.host === HOSTS.gaStandIn && e.path.includes(`from=${site}`)),
  );
  report(`${browser.name}.firstVisitDeclaredTrackerLeaks`, `${leaked.length} of ${TIMING_SITES.own.length}`);
  if (browser.name === 'firefox' && leaked.length) {
    // What the background did for those sites, to tell a late hold from a slow look.
    const { marks } = await browser.request({ type: 'getTimings' });
    const theirs = marks.filter(([name]) => leaked.some((site) => name.includes(site)));
    assert.fail(`held until the declaration was known, then blocked; sent anyway: ${leaked.join(', ')}; the background saw ${JSON.stringify(theirs)}`);
  }
}

/** From the first request for the page on `host` to `site`'s rules installed (ms), once both happened. */
async function backgroundRulesMs(server, browser, host, site) {
  let seen = [];
  return waitFor(
    async () => {
      const { marks } = await browser.request({ type: 'getTimings' });
      seen = marks;
      const navigation = server.all().find((e) => e.host === host && e.path === '/')?.time;
      const rules = marks.filter(([name, ms]) => name === `rules:${site}` && ms >= navigation).map(([, ms]) => ms)[0];
      return navigation !== undefined && rules !== undefined ? rules - navigation : null;
    },
    { timeout: 15000, what: `${site}'s rules` },
  ).catch((error) => {
    throw new Error(`${error.message}; the background saw ${JSON.stringify(seen.slice(-6))}`);
  });
}

/**
 * Issue 12, mislabels: mislabel.test's policy lists Google Analytics (its real host and _ga) as
 * a functional "site tool". By default it is treated as statistics (denied): its requests are
 * blocked, its cookie deleted, and the panel says why; a visitor who trusts sites' own
 * categories gets it as declared (functional, allowed).
 */
export async function mislabeledTrackerTreatedByItsCategory(s) {
  const { server, browser, page } = s;
  const site = 'mislabel.test';
  const view = await visitUntilPolicy(s, HOSTS.mislabel, site);
  const statistics = view.categories.find((c) => c.id === 'statistics');
  const tools = statistics?.services.find((sv) => sv.id === 'site-tools');
  assert.equal(tools?.correction?.declared, 'functional', `shown under statistics, declared functional: ${JSON.stringify(view.categories.map((c) => [c.id, c.services.map((x) => x.id)]))}`);
  const reached = () => server.requestsTo('google-analytics.com').filter((e) => e.path.includes('from=mislabel'));
  server.clearLog();
  await page.goto(server.url(HOSTS.mislabel));
  await waitFor(() => server.requestsTo(HOSTS.mislabel).some((e) => e.path === '/last.gif'), { what: 'the page loaded' });
  assert.deepEqual(reached(), [], `the mislabelled tracker is blocked: ${log(server)}`);
  const text = await panelText(browser, HOSTS.mislabel);
  assert.match(text, /The site declares this as Functional; treated as Statistics, because \S*google-analytics\.com is Google Analytics/);

  assert.equal((await browser.request({ type: 'setTrustSiteCategories', on: true })).type, 'done');
  try {
    const trusted = (await sitePanel(browser, site)).view;
    assert.ok(trusted.categories.find((c) => c.id === 'functional')?.services.some((sv) => sv.id === 'site-tools' && !sv.correction), 'as declared once trusted');
    server.clearLog();
    await page.goto(server.url(HOSTS.mislabel));
    assert.equal(reached().length, 1, `as declared (functional, allowed), it loads: ${log(server)}`);
  } finally {
    await browser.request({ type: 'setTrustSiteCategories', on: false });
  }
  server.clearLog();
  await page.goto(server.url(HOSTS.mislabel));
  await waitFor(() => server.requestsTo(HOSTS.mislabel).some((e) => e.path === '/last.gif'), { what: 'the page loaded' });
  assert.deepEqual(reached(), [], `blocked again: ${log(server)}`);
}

// ---------------------------------------------------------------------------------------------
// The panel at a glance, and one cookie's choice (popup.test.mjs, firefox.test.mjs)

/** Where the summary and every category switch sit in the panel, and what is unfolded. */
function firstScreen(panel) {
  return panel.evaluate(() => {
    const bottom = (e) => Math.round(e.getBoundingClientRect().bottom);
    const switches = [...document.querySelectorAll('.categories [role="switch"]')];
    return {
      viewport: window.innerHeight,
      scrolled: document.scrollingElement.scrollTop,
      summary: document.querySelector('#summary') ? bottom(document.querySelector('#summary')) : null,
      summaryText: document.querySelector('#summary')?.textContent ?? '',
      switches: switches.map((e) => ({ name: e.getAttribute('aria-label'), bottom: bottom(e), checked: e.getAttribute('aria-checked') })),
      expanded: [...document.querySelectorAll('button.fold-toggle[aria-expanded="true"]')].map((b) => b.id),
      cookiesListed: document.querySelectorAll('li.cookie').length,
    };
  });
}

function assertFits(screen, what) {
  assert.ok(screen.summary !== null && screen.summary <= screen.viewport, `${what}: the summary is on the first screen: ${JSON.stringify(screen)}`);
  assert.equal(screen.switches.length, 4, `${what}: one switch per category: ${JSON.stringify(screen.switches)}`);
  for (const s of screen.switches) assert.ok(s.bottom <= screen.viewport, `${what}: ${s.name} at ${s.bottom}px of ${screen.viewport}`);
  assert.equal(screen.scrolled, 0);
  assert.deepEqual(screen.expanded, [], `${what}: nothing is expanded at first`);
  assert.equal(screen.cookiesListed, 0, `${what}: no cookie listed before its fold opens`);
}

/** The seed policy grown to `count` services (the format's limit is 1,000), one cookie each. */
function policyWithServices(count) {
  const policy = buildDemoPolicy();
  const template = policy.services.find((sv) => sv.category === 'statistics');
  for (let i = policy.services.length; i < count; i++) {
    policy.services.push({
      ...template,
      id: `extra-service-${i}`,
      name: `Extra service ${i}`,
      description: { en: `Extra service number ${i}.` },
      domains: [`tracker-${i}.example`],
      storage: [{ ...template.storage[0], name: `extra_${i}`, purpose: { en: 'Counts visits.' } }],
    });
  }
  return policy;
}

/**
 * At 380 × 600 the first screen shows the summary line and every category switch, without
 * scrolling and with nothing expanded: on the seed site and on a site with 1,000 services.
 * Opening a category shows its services; the 1,000 services render when asked.
 */
export async function panelFirstScreenFits(s, { screenshots } = {}) {
  const { server, browser } = s;
  await seedSiteTab(s);
  let panel = await browser.openPanel(KALTIOT_TAB);
  assertFits(await firstScreen(panel), 'the seed site');
  assert.match((await firstScreen(panel)).summaryText, /In this tab: \d+ cookies deleted, \d+ requests blocked; off: Statistics, Marketing/);
  await panel.close();
  server.setVariant('kaltiotPolicy', policyWithServices(1000));
  try {
    await browser.request({ type: 'refreshPolicy', site: 'kaltiot.test', pageUrl: server.url(HOSTS.kaltiot) });
    await waitFor(async () => (await sitePanel(browser, 'kaltiot.test')).view.categories.find((c) => c.id === 'statistics').services.length > 990, { what: 'the 1,000-service policy' });
    panel = await browser.openPanel(KALTIOT_TAB);
    assertFits(await firstScreen(panel), 'a site with 1,000 services');
    const rendered = Number(await panel.attribute('body', 'data-render-ms'));
    report(`${browser.name}.panelRenderMs1000Services`, rendered);
    if (screenshots) await panel.screenshot(shot(browser, screenshots, 'popup-1000-services.png'));
    await panel.evaluate(() => {
      document.querySelector('#fold-cat-statistics').click();
      return true;
    });
    await waitFor(async () => (await panel.count('.service')) > 990, { what: 'the category opened to its services' });
    await panel.close();
  } finally {
    server.setVariant('kaltiotPolicy', undefined);
    await browser.request({ type: 'refreshPolicy', site: 'kaltiot.test', pageUrl: server.url(HOSTS.kaltiot) });
  }
}

/**
 * "Always keep" on one cookie of a denied category: the cookie stays (its siblings go), across a
 * stop of the background and a browser restart; the options page lists the choice; removing it
 * returns the cookie to its category's choice.
 */
export async function cookieKeepWinsAndSurvives(s) {
  const { server } = s;
  const write = (page) =>
    page.evaluate(() => {
      for (const name of ['_ga', '_ga_DEMO123']) document.cookie = `${name}=GA1.1.${Date.now()}; path=/; max-age=600`;
      return true;
    });
  const jarAfterWrite = async () => {
    await write(s.page);
    await s.browser.request({ type: 'deleteNow', site: 'kaltiot.test' });
    return settled(async () => names(await s.browser.cookies('kaltiot.test')), { what: 'the jar' });
  };
  await seedSiteTab(s);
  await write(s.page);
  const panel = await s.browser.openPanel(KALTIOT_TAB);
  await openFolds(panel);
  const keep = 'Always keep _ga on kaltiot.test';
  assert.equal(await panel.count(`button[aria-label="${keep}"]`), 1, 'the choice is offered on the cookie, named with it and the site');
  await panel.clickButton(keep);
  await panel.waitForSelector('body[data-ready="true"]');
  await waitFor(async () => (await panel.count('button[aria-label="Remove the choice for _ga on kaltiot.test"]')) === 1, { what: 'the choice shown' });
  await panel.close();

  let jar = await jarAfterWrite();
  assert.ok(jar.includes('_ga') && !jar.includes('_ga_DEMO123'), `kept, its sibling deleted: ${jar}`);
  await s.browser.suspendBackground();
  jar = await jarAfterWrite();
  assert.ok(jar.includes('_ga') && !jar.includes('_ga_DEMO123'), `after the background stopped: ${jar}`);
  await s.restart();
  await s.page.goto(server.url(HOSTS.kaltiot));
  jar = await jarAfterWrite();
  assert.ok(jar.includes('_ga') && !jar.includes('_ga_DEMO123'), `after a browser restart: ${jar}`);
  const view = (await sitePanel(s.browser, 'kaltiot.test')).view;
  const row = rowsOf(view).find((r) => r.name === '_ga' && r.status === 'kept');
  assert.deepEqual(row?.reason, { code: 'cookieChoice', choice: 'allow' }, JSON.stringify(row));

  const options = await s.browser.openExtensionPage('options.html');
  try {
    await options.waitForSelector('body[data-ready="true"]');
    const listed = await options.text('.site[data-site="kaltiot.test"]');
    assert.match(listed, /_ga\s*Always kept on this site/, listed);
    await options.clickButton('Remove the choice for _ga on kaltiot.test');
    await waitFor(async () => {
      const answer = await s.browser.request({ type: 'getPreferences' });
      return !answer.preferences.sites['kaltiot.test']?.cookies;
    }, { what: 'the choice removed' });
  } finally {
    await options.close();
  }
  jar = await jarAfterWrite();
  assert.ok(!jar.includes('_ga'), `back to its denied category: ${jar}`);
}

/**
 * After a sequence of deletions and blocked requests in one tab, the badge, the panel's summary,
 * its category rows, its cookies' "Deleted N×" and its recent activity say the same numbers.
 */
export async function badgeAndCountsAgree(s) {
  const { server, browser, page } = s;
  // The tab leaves the site and comes back: its counts start again from zero.
  await page.goto(server.url(HOSTS.nopolicy));
  const before = (await sitePanel(browser, 'kaltiot.test')).view;
  const siteTotals = (view) => ({
    deleted: view.categories.reduce((n, c) => n + c.deleted, view.deletedOther),
    blocked: view.categories.reduce((n, c) => n + c.blocked, view.blockedOther),
  });
  const start = siteTotals(before);
  const startCookies = total(deletionCounts(before));
  for (let round = 0; round < 3; round++) {
    await page.goto(server.url(HOSTS.kaltiot));
    await page.evaluate(() => {
      for (const name of ['_ga', '_ga_DEMO123', '_lfa']) document.cookie = `${name}=GA1.1.${Date.now()}; path=/; max-age=600`;
      return true;
    });
    await waitFor(async () => !names(await browser.cookies('kaltiot.test')).includes('_lfa'), { what: 'the cookies deleted' });
  }
  const [tab] = await browser.tabs(KALTIOT_TAB);
  const read = async () => {
    const { deletedInTab, blockedInTab } = await browser.request({ type: 'getPanel', tabId: tab.id });
    const badge = await browser.inExtension((id) => chrome.action.getBadgeText({ tabId: id }), tab.id);
    return { deletedInTab, blockedInTab, badge };
  };
  const { deletedInTab, blockedInTab, badge } = await settled(read, { quiet: 1000, what: 'the counts' });
  const { view } = await browser.request({ type: 'getPanel', tabId: tab.id });
  assert.ok(deletedInTab >= 9, `three rounds of three deletions: ${deletedInTab}`);
  assert.ok(blockedInTab > 0, `the trackers were blocked: ${blockedInTab}`);
  assert.equal(badge, String(deletedInTab + blockedInTab), 'the badge is the tab’s deletions plus its blocked requests');
  const now = siteTotals(view);
  assert.equal(now.deleted - start.deleted, deletedInTab, 'the site’s deletions grew by the tab’s');
  assert.equal(now.blocked - start.blocked, blockedInTab, 'the site’s blocked requests grew by the tab’s');
  assert.equal(total(deletionCounts(view)) - startCookies, deletedInTab, 'the cookies’ “Deleted N×” add up to the same');
  assert.ok(view.activity.some((e) => e.action.kind === 'deleted' && e.subject === '_lfa'), 'the activity lists the deletion');
  assert.ok(view.activity.some((e) => e.action.kind === 'blocked' && e.category === 'statistics'), 'and a blocked request with its category');

  const panel = await browser.openPanel(KALTIOT_TAB);
  const summaryText = await panel.text('#summary');
  assert.ok(summaryText.startsWith(`In this tab: ${deletedInTab} cookies deleted, ${blockedInTab} requests blocked`), summaryText);
  await openFolds(panel);
  const activity = await panel.text('section.activity');
  assert.match(activity, /\d \S*\s*Deleted _lfa — declared as Statistics \(Leadfeeder\): Denied \((your default|this site)\)/);
  assert.match(activity, /Blocked [a-z.-]+ — Statistics/);
  report(`${browser.name}.badgeAgrees`, { badge, deletedInTab, blockedInTab });
  await panel.close();
}

/** Keyboard only: Tab reaches every category's fold and switch; Enter opens, Space switches. */
export async function panelByKeyboard(s) {
  const { browser } = s;
  await seedSiteTab(s);
  const panel = await browser.openPanel(KALTIOT_TAB);
  const focused = () => panel.evaluate(() => document.activeElement?.id || document.activeElement?.getAttribute('aria-label') || '');
  const seen = [];
  for (let i = 0; i < 40 && !seen.includes('cat-marketing'); i++) {
    await panel.press('Tab');
    seen.push(await focused());
  }
  for (const id of ['action-delete', 'fold-cat-necessary', 'cat-necessary', 'fold-cat-statistics', 'cat-statistics', 'cat-marketing']) {
    assert.ok(seen.includes(id), `${id} is reached by Tab: ${seen}`);
  }
  // Back to the statistics fold; Enter opens it, and its services are then reachable.
  await panel.evaluate(() => {
    document.querySelector('#fold-cat-statistics').focus();
    return true;
  });
  await panel.press('Enter');
  assert.equal(await panel.attribute('#fold-cat-statistics', 'aria-expanded'), 'true');
  // Its services are asked for and rendered; the focus stays on the fold.
  await waitFor(async () => (await panel.count('.loading')) === 0 && (await panel.count('body[data-ready="true"]')) === 1 && (await panel.count('.service')) > 0, { what: 'the services' });
  assert.equal(await focused(), 'fold-cat-statistics');
  const next = [];
  for (let i = 0; i < 6; i++) {
    await panel.press('Tab');
    next.push(await focused());
  }
  assert.ok(next.some((id) => id.startsWith('fold-svc-')), `a service's fold follows: ${next}`);
  assert.ok(next.some((id) => id.startsWith('svc-')), `and its switch: ${next}`);
  // Space on a category's switch toggles it without a mouse.
  await panel.toggleSwitchWithKeyboard(MARKETING_SWITCH);
  await waitFor(async () => (await panel.isSwitchOn(MARKETING_SWITCH).catch(() => false)) === true, { what: 'marketing on by keyboard' });
  await panel.waitForSelector('body[data-ready="true"]');
  await panel.toggleSwitchWithKeyboard(MARKETING_SWITCH);
  await waitFor(async () => (await panel.isSwitchOn(MARKETING_SWITCH).catch(() => true)) === false, { what: 'marketing off by keyboard' });
  await panel.close();
  await browser.request({ type: 'setCategory', site: 'kaltiot.test', category: 'marketing', choice: null });
}

/** Switching Necessary off on the panel asks first; "keep" leaves everything as it was. */
export async function necessaryAsksFirst(s) {
  const { browser } = s;
  await seedSiteTab(s);
  const panel = await browser.openPanel(KALTIOT_TAB);
  const name = 'Allow Necessary on kaltiot.test';
  await panel.setSwitch(name, false);
  await panel.waitForSelector('[role="alertdialog"]');
  assert.match(await panel.text('[role="alertdialog"]'), /signs you out of kaltiot\.test/);
  await panel.clickButton('Keep them allowed');
  assert.equal(await panel.isSwitchOn(name), true);
  const view = (await sitePanel(browser, 'kaltiot.test')).view;
  assert.equal(view.categories.find((c) => c.id === 'necessary').choice, 'allow');
  await panel.close();
}

/** The panel with every fold open: axe finds nothing, light and dark, and nothing overflows. */
export async function panelOpenedAccessible(s, { screenshots } = {}) {
  const { browser } = s;
  await seedSiteTab(s);
  const panel = await browser.openPanel(KALTIOT_TAB);
  await openFolds(panel);
  for (const scheme of ['light', 'dark']) {
    await panel.colorScheme(scheme);
    const violations = await panel.axe();
    assert.deepEqual(violations, [], `${scheme}, folds open: ${violations.join('\n')}`);
    assert.ok((await horizontalOverflow(panel)) <= 0, `${scheme}: horizontal scrolling with the folds open`);
    if (screenshots) await panel.screenshot(shot(browser, screenshots, `popup-${scheme}-en-open.png`));
  }
  await panel.colorScheme(null);
  await panel.close();
}

/**
 * Trusting a site: "for an hour" pauses it with an alarm set for the hour's end and the panel
 * says until when; "until the browser restarts" ends with the restart; resuming clears both.
 */
export async function pauseLengths(s) {
  const { browser } = s;
  await seedSiteTab(s);
  let panel = await browser.openPanel(KALTIOT_TAB);
  await panel.clickButton('Trust this site…');
  await panel.clickButton('Pause on kaltiot.test for an hour');
  await panel.waitForSelector('body[data-ready="true"]');
  await waitFor(async () => /Paused on this site until/.test((await panel.text('#summary')) ?? ''), { what: 'the pause shown' });
  const view = (await sitePanel(browser, 'kaltiot.test')).view;
  assert.equal(view.pause?.kind, 'until');
  const left = view.pause.at - Date.now() / 1000;
  assert.ok(left > 3500 && left <= 3600, `an hour from now: ${left} s`);
  const alarm = await browser.inExtension(() => chrome.alarms.get('pause-end'));
  assert.ok(alarm && Math.abs(alarm.scheduledTime / 1000 - view.pause.at) < 2, `the alarm is set for the end: ${JSON.stringify(alarm)}`);
  await panel.clickButton('Resume on kaltiot.test');
  await panel.waitForSelector('body[data-ready="true"]');
  await panel.close();
  await waitFor(async () => !(await sitePanel(browser, 'kaltiot.test')).view.paused, { what: 'resumed' });
  assert.equal(await browser.inExtension(() => chrome.alarms.get('pause-end').then((a) => a ?? null)), null, 'no alarm left');

  panel = await browser.openPanel(KALTIOT_TAB);
  await panel.clickButton('Trust this site…');
  await panel.clickButton('Pause on kaltiot.test until the browser restarts');
  await panel.waitForSelector('body[data-ready="true"]');
  await panel.close();
  await waitFor(async () => (await sitePanel(s.browser, 'kaltiot.test')).view.pause?.kind === 'untilRestart', { what: 'paused until restart' });
  await s.restart();
  await waitFor(async () => !(await sitePanel(s.browser, 'kaltiot.test')).view.paused, { what: 'the pause ended with the restart' });
}

// ---------------------------------------------------------------------------------------------
// Telling sites the visitor's choices (issue 15): consent banners and the ADPC signal

/** What the page's consent-platform stand-in recorded (demo/cmp.mjs). */
const standIn = (page) =>
  page.evaluate(() => ({
    calls: window.__cmpCalls ?? null,
    readyAt: window.__cmpReadyAt ?? null,
    banner: !!document.querySelector('#onetrust-banner-sdk, #CybotCookiebotDialog'),
  }));

/** The panel's line about the tab's consent banner. */
async function bannerLine(browser, host) {
  const panel = await browser.openPanel(`*://${host}/*`);
  try {
    return (await panel.text('#banner-status')).trim();
  } finally {
    await panel.close();
  }
}

/**
 * Waits until the extension has registered its page-side scripts (right after an install the
 * first pages may load before the registration is done: those pages' banners wait for the next).
 */
async function pageScriptsRegistered(browser) {
  await waitFor(
    async () => {
      const ids = (await browser.inExtension(() => chrome.scripting.getRegisteredContentScripts())).map((r) => r.id);
      return ids.includes('cookie-warden-banner') && ids.includes('cookie-warden-adpc');
    },
    { what: 'the page-side scripts registered' },
  );
}

/** Loads `url` with no answer stored by the page's platform stand-in (a first visit to it). */
async function freshBanner(page, url) {
  await page.goto(url);
  await page.evaluate(() => localStorage.clear());
  await page.goto(url);
}

/**
 * OneTrust and Cookiebot stand-ins under their real host names, each with the platform's public
 * interface: the interface is called once, with exactly the visitor's categories, and the
 * banner goes away; the panel says what was told; a changed switch on the panel sends the new
 * answer; a later visit, whose platform holds the answer, sends nothing; a paused site gets
 * nothing. Figure: milliseconds from the platform's interface being ready to its call.
 */
export async function bannersAnsweredThroughTheirPlatforms(s) {
  const { server, browser, page } = s;
  await pageScriptsRegistered(browser);
  const figures = {};
  for (const [host, name, told] of [
    [HTTPS_HOSTS.onetrustShop, 'OneTrust', (c) => `${c.fn} ${c.type} ${c.value}`],
    [HTTPS_HOSTS.cookiebotShop, 'Cookiebot', (c) => `${c.fn} ${JSON.stringify(c.args)}`],
  ]) {
    const site = host.replace(/^www\./, '');
    const url = server.secureUrl(host);
    const want =
      name === 'OneTrust'
        ? ['UpdateConsent Category C0003:1,C0002:0,C0004:0,IABV2_1:0', 'UpdateConsent Category C0003:1,C0002:1,C0004:0,IABV2_1:0']
        : ['submitCustomConsent [true,false,false]', 'submitCustomConsent [true,true,false]'];
    await freshBanner(page, url);
    const first = await waitFor(async () => {
      const state = await standIn(page);
      return state.calls?.length > 0 && !state.banner ? state : null;
    }, { timeout: 15000, what: `${name}: told, and its banner gone` });
    assert.deepEqual(first.calls.map(told), [want[0]], `${name}: called once with the visitor's categories`);
    figures[name] = { readyToAnswerMs: Math.round(first.calls[0].at - first.readyAt) };
    await waitFor(async () => /^Told /.test(await bannerLine(browser, host)), { what: `${name}: the panel says so` });
    assert.equal(await bannerLine(browser, host), `Told ${name}: Functional on, Statistics off, Marketing off`);

    // A switch changed on the panel: the platform is told again, by itself.
    const panel = await browser.openPanel(`*://${host}/*`);
    await panel.setSwitch(`Allow Statistics on ${site}`, true);
    await panel.waitForSelector('body[data-ready="true"]');
    await panel.close();
    const second = await waitFor(async () => {
      const state = await standIn(page);
      return state.calls?.length > 1 ? state : null;
    }, { what: `${name}: told again after the switch` });
    assert.deepEqual(second.calls.map(told), want, `${name}: the new answer`);
    // Back to the default (from the options page, say): the open page is told again, by itself.
    await browser.request({ type: 'setCategory', site, category: 'statistics', choice: null });
    const third = await waitFor(async () => {
      const state = await standIn(page);
      return state.calls?.length > 2 ? state : null;
    }, { what: `${name}: told the default again` });
    assert.deepEqual(third.calls.map(told), [...want, want[0]], `${name}: the default answer again`);

    // A later visit: the platform holds exactly the visitor's answer, so nothing is sent.
    await page.goto(url);
    await page.wait(2500);
    assert.deepEqual((await standIn(page)).calls, [], `${name}: nothing sent when the platform has the answer`);
    await waitFor(async () => /already had your choices/.test(await bannerLine(browser, host)), { what: `${name}: "already"` });

    // A paused site: the banner is left to the visitor.
    await browser.request({ type: 'setPaused', site, paused: true });
    await freshBanner(page, url);
    await page.wait(2500);
    const paused = await standIn(page);
    assert.deepEqual(paused.calls, [], `${name}: nothing sent to a paused site`);
    assert.equal(paused.banner, true, `${name}: its banner stays for the visitor`);
    await waitFor(async () => /you trust this site/.test(await bannerLine(browser, host)), { what: `${name}: the panel says why` });
    await browser.request({ type: 'setPaused', site, paused: false });
  }
  report(`${browser.name}.bannerAnswers`, figures);
}

/**
 * A platform that refuses the answer (its interface throws): its banner is left as it was, the
 * page stays usable (nothing of ours covers it), and the panel says the banner could not be
 * answered.
 */
export async function unanswerableBannerIsLeftAndSaid(s) {
  const { server, browser, page } = s;
  await pageScriptsRegistered(browser);
  const host = HTTPS_HOSTS.onetrustShop;
  await freshBanner(page, server.secureUrl(host, '/broken.html'));
  await waitFor(async () => (await standIn(page)).calls?.length > 0, { what: 'the answer tried' });
  await waitFor(async () => /Could not answer the OneTrust banner; it was left as it is/.test(await bannerLine(browser, host)), {
    what: 'the panel says it failed',
  });
  const state = await page.evaluate(() => {
    const h1 = document.querySelector('h1').getBoundingClientRect();
    const hit = document.elementFromPoint(h1.left + h1.width / 2, h1.top + h1.height / 2);
    return {
      banner: !!document.querySelector('#onetrust-banner-sdk'),
      reachable: hit?.tagName,
      overflow: getComputedStyle(document.body).overflow + getComputedStyle(document.documentElement).overflow,
    };
  });
  assert.deepEqual(state, { banner: true, reachable: 'H1', overflow: 'visiblevisible' }, 'the banner as it was, the page usable');
}

/**
 * A banner no platform interface answers, shaped like TermsFeed's: autoconsent's rules find it
 * and opt out (its "I decline" clicked, never "I agree"), and the panel says so.
 */
export async function autoconsentOptsOut(s) {
  const { server, browser, page } = s;
  await pageScriptsRegistered(browser);
  const start = Date.now();
  await page.goto(server.url(HOSTS.bannerShop));
  const clicks = await waitFor(async () => {
    const c = await page.evaluate(() => window.__bannerClicks);
    return c?.length > 0 ? c : null;
  }, { timeout: 20000, what: 'the banner answered' });
  assert.deepEqual(clicks, ['cc-nb-reject'], 'declined, nothing else');
  assert.equal(await page.count('#termsfeed-banner'), 0, 'the banner is gone');
  await waitFor(async () => /Refused everything on the termsfeed banner/.test(await bannerLine(browser, HOSTS.bannerShop)), {
    what: 'the panel says so',
  });
  report(`${browser.name}.autoconsentOptOutMs`, Date.now() - start);
}

/**
 * ADPC: a site that publishes consent requests (Link header, and a call of
 * navigator.dataProtectionControl.request()) gets `withdraw=*, object=direct-marketing` with
 * default choices and no consent; its requests are listed on the panel with their texts; once
 * the visitor allows one there, its later requests carry `consent="q1analytics"` and the page's
 * call answers the same; a site without requests gets the objection too.
 */
export async function adpcSignalFollowsTheVisitor(s) {
  const { server, browser, page } = s;
  await pageScriptsRegistered(browser);
  const host = HOSTS.adpcShop;
  const site = 'adpc-shop.test';
  await page.goto(server.url(host));
  // From the Link header (two), the <link> element (one) and the page's call (one more).
  await waitFor(async () => (await sitePanel(browser, site)).view.adpc?.requests.length === 4, { what: 'the requests read' });
  server.clearLog();
  await page.goto(server.url(host));
  await waitFor(() => server.requestsTo(host).some((e) => e.path === '/last.gif'), { what: 'the page loaded' });
  const signals = () => [...new Set(server.requestsTo(host).map((e) => e.adpc))];
  assert.deepEqual(signals(), ['withdraw=*, object=direct-marketing'], `default signal on every request: ${log(server)}`);
  const decided = await waitFor(() => page.evaluate(() => window.__adpc), { what: 'the page’s call answered' });
  assert.deepEqual(decided, { consent: [], withdraw: ['*'], object: ['direct-marketing'] });

  const panel = await browser.openPanel(`*://${host}/*`);
  await openFolds(panel);
  const text = await panel.text('section.adpc');
  for (const t of [
    'Measure how visitors use this shop, to improve it.',
    'Send you our newsletter with offers.',
    'Show reviews from our partner.',
    'Share your visits with our advertising partners.',
  ]) {
    assert.ok(text.includes(t), `the site's own text "${t}" in: ${text}`);
  }
  assert.match(text, /ADPC: withdraw=\*, object=direct-marketing/);
  await panel.setSwitch(`Consent to q1analytics on ${site}`, true);
  await panel.waitForSelector('body[data-ready="true"]');
  await panel.close();
  // The open page hears of it (decisionchange), with the new decisions.
  const change = await waitFor(() => page.evaluate(() => window.__adpcChanges?.[0] ?? null), { what: 'decisionchange' });
  assert.deepEqual(change, { consent: ['q1analytics'], withdraw: ['*'], object: ['direct-marketing'] });
  await waitFor(async () => (await browser.rules()).some((r) => r.condition.requestDomains?.includes(site) && r.action.requestHeaders?.[0].header === 'ADPC'), {
    what: 'the site’s header rule',
  });
  server.clearLog();
  await page.goto(server.url(host));
  await waitFor(() => server.requestsTo(host).some((e) => e.path === '/last.gif'), { what: 'the page loaded again' });
  assert.deepEqual(signals(), ['consent="q1analytics", withdraw=*, object=direct-marketing'], `consent to exactly the allowed request: ${log(server)}`);
  const again = await waitFor(() => page.evaluate(() => window.__adpc), { what: 'the page’s call answered again' });
  assert.deepEqual(again.consent, ['q1analytics']);

  server.clearLog();
  await page.goto(server.url(HOSTS.kaltiot));
  const other = [...new Set(server.requestsTo(HOSTS.kaltiot).map((e) => e.adpc))];
  assert.deepEqual(other, ['withdraw=*, object=direct-marketing'], 'a site without requests gets the objection');
  await browser.request({ type: 'setAdpcConsent', site, id: 'q1analytics', allowed: false });
}

/** The kinds of request the privacy policy lists (extension/privacy.html, `data-request`). */
function privacyPolicyRequests() {
  const text = fs.readFileSync(path.join(ROOT, 'extension/privacy.html'), 'utf8');
  return new Set([...text.matchAll(/data-request="([^"]+)"/g)].map((m) => m[1]));
}

/** Which kind of the privacy policy's a request of the extension's own is, if any. */
function requestKind(server, entry) {
  const bare = entry.path.split('?')[0];
  if (bare === '/.well-known/cookie-policy.json') return 'well-known';
  if (server.named().has(`${entry.host}${entry.path}`)) return 'named';
  if (/\/consent\/[0-9a-z-]+\/([0-9a-z-]+\.json|[0-9a-z-]+\/[a-z-]+\.json)$/.test(bare)) return 'onetrust';
  if (/^consent\.cookiebot\.(com|eu)$/.test(entry.host) && /^\/[0-9a-f-]+\/cc\.js$/.test(bare)) return 'cookiebot';
  return null;
}

/**
 * Every request the extension made of its own in this suite's run (no Referer, and not a page
 * the browser loaded: a navigation asks for HTML first, and plain http carries no
 * Sec-Fetch-Dest) is one the privacy policy names, and carried no cookie.
 */
export async function ownRequestsAreThoseThePrivacyPolicyNames({ server, browser }) {
  const kinds = privacyPolicyRequests();
  const navigation = (e) => ['document', 'iframe', 'frame'].includes(e.fetchDest) || /^text\/html/.test(e.accept ?? '');
  const own = server.all().filter((e) => e.referer === null && !navigation(e) && e.path !== '/favicon.ico');
  assert.ok(own.length > 0, 'the extension fetched declarations in this run');
  const counted = {};
  for (const entry of own) {
    const kind = requestKind(server, entry);
    assert.ok(kind && kinds.has(kind), `a request the privacy policy does not name: ${entry.host}${entry.path} (${entry.fetchDest})`);
    assert.equal(entry.cookie, null, `sent with cookies: ${entry.host}${entry.path}`);
    counted[kind] = (counted[kind] ?? 0) + 1;
  }
  report(`${browser.name}.extensionRequestsByKind`, counted);
}

/**
 * Usercentrics, Didomi, CookieYes and Complianz stand-ins (Usercentrics, Didomi and CookieYes
 * under their real script hosts, Complianz on the site as the WordPress plugin is), each with
 * the interface its documentation describes: each is told exactly the visitor's default
 * categories through it, and its banner goes away.
 */
export async function morePlatformsAnsweredPerCategory(s) {
  const { server, browser, page } = s;
  await pageScriptsRegistered(browser);
  const figures = {};
  for (const [host, name, want] of [
    [
      HTTPS_HOSTS.usercentricsShop,
      'Usercentrics',
      ['updateCategoriesConsents [{"id":"functional","consent":true},{"id":"marketing","consent":false}]', 'saveConsents', 'closeCmp'],
    ],
    // Every purpose is denied (an unplaced "cookies" purpose too): Didomi's disagree-to-all.
    [HTTPS_HOSTS.didomiShop, 'Didomi', ['setUserDisagreeToAll', 'notice.hide']],
    [HTTPS_HOSTS.cookieyesShop, 'CookieYes', ['performBannerAction accept_partial necessary,functional']],
    [
      HTTPS_HOSTS.complianzShop,
      'Complianz',
      [
        'cmplz_set_consent functional allow',
        'cmplz_set_consent preferences allow',
        'cmplz_set_consent statistics deny',
        'cmplz_set_consent marketing deny',
        'cmplz_set_banner_status dismissed',
      ],
    ],
  ]) {
    await page.goto(server.secureUrl(host));
    let seen = null;
    const state = await waitFor(
      async () => {
        seen = await page.evaluate(() => ({
          calls: window.__cmpCalls ?? [],
          readyAt: window.__cmpReadyAt,
          banner: !!document.querySelector('[role="dialog"][aria-label="Cookie banner"]:not([style*="display: none"])'),
        }));
        return seen.calls.length >= want.length && !seen.banner ? seen : null;
      },
      {
        timeout: 15000,
        what: `${name}: told, and its banner gone`,
        detail: async () => `${JSON.stringify(seen)}, the panel: ${JSON.stringify(await bannerLine(browser, host))}`,
      },
    );
    assert.deepEqual(state.calls.map((c) => c.text), want, `${name}: exactly the visitor's categories`);
    figures[name] = { readyToAnswerMs: Math.round(state.calls[0].at - state.readyAt) };
    await waitFor(async () => (await bannerLine(browser, host)) === `Told ${name}: Functional on, Statistics off, Marketing off`, {
      what: `${name}: the panel says so`,
    });
  }
  report(`${browser.name}.morePlatformAnswers`, figures);
}

/**
 * A hostile page steers nothing: consent requests it names on another site are never fetched;
 * what its navigator.dataProtectionControl call sends is bounded and shown as text (no markup
 * runs in the panel); a banner outcome it forges in the page is kept short and shown as text.
 */
export async function hostileConsentReportsStayBounded(s) {
  const { server, browser, page } = s;
  await pageScriptsRegistered(browser);
  const site = 'hostile-adpc.test';
  server.clearLog();
  await page.goto(server.url(HOSTS.hostileAdpc));
  await waitFor(async () => (await sitePanel(browser, site)).view.adpc?.requests.length > 0, { what: 'the page’s call heard' });
  await waitFor(async () => (await bannerLine(browser, HOSTS.hostileAdpc)).includes('<b>AAAA'), { what: 'the forged outcome kept, as text' });
  await page.wait(1000);
  const stolen = server.all().filter((e) => /stolen/.test(e.path));
  assert.deepEqual(stolen.map((e) => e.host + e.path), [], 'requests named on another site are never fetched');
  const view = (await sitePanel(browser, site)).view;
  assert.equal(view.adpc.requests.length, 50, 'at most 50 requests kept');
  assert.ok(view.adpc.dropped >= 51, `the rest dropped and counted: ${view.adpc.dropped}`);
  const line = await bannerLine(browser, HOSTS.hostileAdpc);
  const forged = /<b>A*/.exec(line)[0];
  assert.ok(forged.length <= 64, `a forged name is cut to 64 characters: ${forged.length}`);
  const panel = await browser.openPanel(`*://${HOSTS.hostileAdpc}/*`);
  try {
    await openFolds(panel);
    const state = await panel.evaluate(() => ({
      pwned: window.__pwned ?? null,
      images: document.querySelectorAll('section.adpc img, #banner-status img, #banner-status b').length,
      text: document.querySelector('section.adpc')?.textContent ?? '',
      line: document.querySelector('#banner-status')?.textContent ?? '',
    }));
    assert.equal(state.pwned, null, 'no script of the page ran in the panel');
    assert.equal(state.images, 0, 'markup is shown as text');
    assert.ok(state.text.includes('<img src=x onerror='), 'the request text, as text');
    assert.ok(state.line.includes('<b>AAAA'), `the forged name, as text: ${state.line}`);
  } finally {
    await panel.close();
  }
}
