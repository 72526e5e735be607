// End-to-end: the real extension in real Chromium (headless) against the local demo sites.
// The server's request log is the proof that a blocked request never left the browser.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newProfile } from './chromium.mjs';
import { startDemoServer, HOSTS } from '../../demo/server.mjs';
import { waitFor, visit, summary, report, measureDeletion, names } from './helpers.mjs';

const TRACKERS = ['google-analytics.test', 'lfeeder.test'];
const POLICY_PATHS = ['/.well-known/cookie-policy.json', '/cookie-policy.json', '/tcf-disclosure.json'];

let server;
let browser;
let page;
const profile = newProfile();

const trackerHits = () => TRACKERS.reduce((n, t) => n + server.requestsTo(t).length, 0);
const panel = (site) => browser.request({ type: 'getSitePanel', site });
const sourceOf = async (site) => (await panel(site)).view.source.kind;

// Every request the server saw during the run (tests clear the live log as they go).
const everything = [];

before(async () => {
  server = await startDemoServer();
  const clear = server.clearLog;
  server.clearLog = () => {
    everything.push(...server.log);
    clear();
  };
  browser = await launch({ profile });
  page = await browser.context.newPage();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('first visit: the policy is found; trackers that slipped through before it are counted', async () => {
  server.clearLog();
  await visit(page, server.url(HOSTS.kaltiot));
  await waitFor(async () => (await sourceOf('kaltiot.test')) === 'declared', { what: 'the demo policy' });
  const leaked = trackerHits();
  report('chromium.firstVisitTrackerRequests', leaked);
  const policyFetches = server.log.filter((e) => POLICY_PATHS.includes(e.path)).length;
  assert.ok(policyFetches >= 1, 'the policy was fetched');
});

test('later visits: denied trackers never reach the server; disallowed cookies are gone', async () => {
  server.clearLog();
  await visit(page, server.url(HOSTS.kaltiot));
  assert.equal(trackerHits(), 0, `tracker requests arrived: ${JSON.stringify(server.log.map((e) => e.host + e.path))}`);
  assert.ok(server.requestsTo('googletagmanager.test').length > 0, 'Tag Manager (functional) is allowed');
  const jar = names(await browser.cookies('kaltiot.test'));
  for (const gone of ['_ga', '_ga_DEMO123', '_lfa']) assert.ok(!jar.includes(gone), `${gone} is still stored: ${jar}`);
  assert.ok(jar.includes('cw_lang'), `the functional cookie stays: ${jar}`);
  assert.ok(jar.includes('visitor_note'), `the undeclared cookie stays: ${jar}`);

  const view = (await panel('kaltiot.test')).view;
  const undeclared = view.otherCookies.find((r) => r.name === 'visitor_note');
  assert.ok(undeclared, 'the undeclared cookie is listed');
  assert.ok(undeclared.findings.some((f) => f.finding.code === 'undeclared'), 'and reported as undeclared');
  const statistics = view.categories.find((c) => c.id === 'statistics');
  const ga = statistics.services.find((s) => s.id === 'google-analytics-4');
  assert.deepEqual(ga.blockedDomains, ['google-analytics.test', 'analytics.google.test']);

  // The tab's counters: what was blocked (declarativeNetRequestFeedback) and deleted in it.
  const [tab] = await browser.inWorker(() => chrome.tabs.query({ url: '*://www.kaltiot.test/*' }));
  const tabPanel = await browser.request({ type: 'getPanel', tabId: tab.id });
  assert.equal(tabPanel.type, 'panel');
  assert.equal(tabPanel.view.site, 'kaltiot.test');
  assert.ok(tabPanel.blockedInTab > 0, `blocked requests counted: ${tabPanel.blockedInTab}`);
  report('chromium.blockedInTabOnRevisit', tabPanel.blockedInTab);
});

test('Global Privacy Control is sent by default, to servers and to pages', async () => {
  await waitFor(async () => (await browser.rules()).some((r) => r.action.type === 'modifyHeaders'), { what: 'the GPC rule' });
  server.clearLog();
  await visit(page, server.url(HOSTS.kaltiot));
  const home = server.log.find((e) => e.host === HOSTS.kaltiot && e.path === '/');
  assert.equal(home?.gpc, '1', 'Sec-GPC: 1 on the page request');
  assert.equal(await page.evaluate(() => navigator.globalPrivacyControl), true);
});

test('the same trackers load on a site whose policy does not deny them', async () => {
  server.clearLog();
  await visit(page, server.url(HOSTS.nopolicy));
  assert.ok(server.requestsTo('google-analytics.test').length > 0, 'GA stand-in arrived from nopolicy.test');
  assert.ok(server.requestsTo('lfeeder.test').length > 0, 'Leadfeeder stand-in arrived from nopolicy.test');
  assert.equal(await sourceOf('nopolicy.test'), 'guessing');
  // No policy: the known-cookie table still identifies _ga as statistics, which is denied.
  await waitFor(async () => !names(await browser.cookies('nopolicy.test')).includes('_ga'), { what: '_ga deleted on nopolicy.test' });
});

test('deletion latency with a warm worker (document.cookie write → gone)', async () => {
  await visit(page, server.url(HOSTS.kaltiot));
  const times = await measureDeletion(page, '_ga', 120);
  assert.ok(times.every((t) => t >= 0), `some writes were never deleted: ${times.filter((t) => t < 0).length}`);
  report('chromium.deletionWarmMs', summary(times));
});

test('deletion latency after the worker was stopped', async () => {
  await visit(page, server.url(HOSTS.kaltiot));
  const times = [];
  for (let i = 0; i < 100; i++) {
    await browser.stopWorker();
    const [t] = await measureDeletion(page, '_ga', 1);
    times.push(t);
  }
  assert.ok(times.every((t) => t >= 0), `some writes were never deleted after a stop: ${times.filter((t) => t < 0).length}`);
  report('chromium.deletionColdMs', summary(times));
});

test('allowing statistics keeps the cookies and lets the trackers load; denying again removes both', async () => {
  let answer = await browser.request({ type: 'setCategory', site: 'kaltiot.test', category: 'statistics', choice: 'allow' });
  assert.equal(answer.type, 'done');
  server.clearLog();
  await visit(page, server.url(HOSTS.kaltiot));
  assert.ok(server.requestsTo('google-analytics.test').length > 0, 'GA loads when statistics is allowed');
  assert.ok(server.requestsTo('lfeeder.test').length > 0, 'Leadfeeder loads when statistics is allowed');
  await page.waitForTimeout(300);
  let jar = names(await browser.cookies('kaltiot.test'));
  for (const kept of ['_ga', '_ga_DEMO123', '_lfa']) assert.ok(jar.includes(kept), `${kept} kept when allowed: ${jar}`);

  answer = await browser.request({ type: 'setCategory', site: 'kaltiot.test', category: 'statistics', choice: 'deny' });
  assert.equal(answer.type, 'done');
  jar = names(await browser.cookies('kaltiot.test'));
  for (const gone of ['_ga', '_ga_DEMO123', '_lfa']) assert.ok(!jar.includes(gone), `${gone} deleted at once when denied: ${jar}`);
  server.clearLog();
  await visit(page, server.url(HOSTS.kaltiot));
  assert.equal(trackerHits(), 0, 'trackers blocked again');
});

test('a service switch inside an allowed category: only that service is blocked', async () => {
  await browser.request({ type: 'setCategory', site: 'kaltiot.test', category: 'statistics', choice: 'allow' });
  await browser.request({ type: 'setService', site: 'kaltiot.test', service: 'leadfeeder', choice: 'deny' });
  server.clearLog();
  await visit(page, server.url(HOSTS.kaltiot));
  assert.ok(server.requestsTo('google-analytics.test').length > 0, 'GA allowed');
  assert.equal(server.requestsTo('lfeeder.test').length, 0, 'Leadfeeder denied');
  await browser.request({ type: 'setService', site: 'kaltiot.test', service: 'leadfeeder', choice: null });
  await browser.request({ type: 'setCategory', site: 'kaltiot.test', category: 'statistics', choice: null });
});

test('enforcement continues after the service worker is stopped', async () => {
  await browser.stopWorker();
  server.clearLog();
  await visit(page, server.url(HOSTS.kaltiot));
  assert.equal(trackerHits(), 0);
  await waitFor(async () => {
    const jar = names(await browser.cookies('kaltiot.test'));
    return !jar.includes('_ga') && !jar.includes('_lfa');
  }, { what: 'cookies deleted by a restarted worker' });
});

test('a TCF disclosure file found through a Link header is used', async () => {
  await visit(page, server.url(HOSTS.tcf));
  await waitFor(async () => (await sourceOf('tcf-shop.test')) === 'tcf', { what: 'the TCF policy' });
  server.clearLog();
  await visit(page, server.url(HOSTS.tcf));
  assert.equal(server.requestsTo('adserver.test').length, 0, 'the marketing vendor is blocked');
  const jar = names(await browser.cookies('tcf-shop.test'));
  assert.ok(!jar.includes('shop_ad_id'), `the vendor's cookie is deleted: ${jar}`);
});

test('broken policies leave the site in guessing mode with the problem stored', async () => {
  const cases = [
    [HOSTS.wrongsite, 'wrongsite.test', 'policy is for kaltiot.test, not wrongsite.test'],
    [HOSTS.oversize, 'oversize.test', 'larger than 512 KiB'],
    [HOSTS.badjson, 'badjson.test', 'not JSON'],
    [HOSTS.htmlpolicy, 'htmlpolicy.test', 'not JSON'],
    [HOSTS.redirect, 'redirect.test', 'not on redirect.test'],
  ];
  for (const [host, site, expected] of cases) {
    await visit(page, server.url(host));
    const view = await waitFor(async () => {
      const v = (await panel(site)).view;
      return v.source.kind === 'invalid' ? v : null;
    }, { what: `the ${site} diagnostic` });
    const text = view.diagnostics.map((d) => d.message).join(' | ');
    assert.ok(text.includes(expected), `${site}: ${text}`);
    assert.equal(view.categories.length, 4, `${site}: guessing mode shows every category`);
    await waitFor(async () => !names(await browser.cookies(site)).includes('_ga'), { what: `_ga deleted on ${site} from the known-cookie table` });
  }
  // The extension is still working.
  assert.equal((await panel('kaltiot.test')).view.source.kind, 'declared');
});

test('the extension’s own requests are policy fetches only, without cookies', async () => {
  // Pages send a Referer with their subresource requests; the browser's own requests (the
  // test's page.goto, favicons) and the extension's fetches (referrerPolicy no-referrer) do not.
  const all = [...everything, ...server.log];
  const browserOwn = new Set(['/', '/favicon.ico']);
  const withoutReferer = all.filter((e) => e.referer === null);
  const navigations = withoutReferer.filter((e) => browserOwn.has(e.path));
  const fetches = withoutReferer.filter((e) => !browserOwn.has(e.path));
  assert.ok(navigations.length > 0 && fetches.length > 0, 'both kinds were logged');
  for (const entry of fetches) {
    assert.ok(POLICY_PATHS.includes(entry.path), `unexpected request ${entry.host}${entry.path}`);
    assert.equal(entry.cookie, null, `a policy fetch sent cookies: ${entry.host}${entry.path}`);
  }
  report('chromium.extensionRequests', fetches.length);
});

test('choices, rules and the policy cache survive a browser restart', async () => {
  await browser.request({ type: 'setPaused', site: 'nopolicy.test', paused: true });
  await browser.close();
  browser = await launch({ profile });
  page = await browser.context.newPage();
  server.clearLog();
  await visit(page, server.url(HOSTS.kaltiot));
  assert.equal(trackerHits(), 0, 'trackers blocked at once after the restart');
  const fetched = server.log.filter((e) => POLICY_PATHS.includes(e.path)).length;
  assert.equal(fetched, 0, 'the cached policy was used, not fetched again');
  await waitFor(async () => !names(await browser.cookies('kaltiot.test')).includes('_ga'), { what: '_ga deleted after the restart' });
  const prefs = await browser.request({ type: 'getPreferences' });
  assert.equal(prefs.preferences.sites['nopolicy.test']?.paused, true, 'the pause survived');
});
