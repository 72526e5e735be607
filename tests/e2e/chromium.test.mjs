// End-to-end: the real extension in real Chromium (headless) against the local demo sites.
// The scenarios are shared with Firefox (tests/e2e/scenarios.mjs); only the driver differs.
// The server's request log is the proof that a blocked request never left the browser.
import { test, before, after } from 'node:test';
import { launch, newProfile } from './chromium.mjs';
import * as scenario from './scenarios.mjs';

const profile = newProfile();
let s;

before(async () => {
  s = scenario.session(await scenario.startServer(), async () => scenario.chromiumBrowser(await launch({ profile })));
  await s.start();
});

after(async () => {
  await s?.stop();
});

test('first visit: the policy is found; trackers that slipped through before it are counted', () => scenario.firstVisitFindsPolicy(s));

test('later visits: denied trackers never reach the server; disallowed cookies are gone', async () => {
  await scenario.laterVisitsBlockAndDelete(s);
  await scenario.tabCountsBlockedRequests(s);
});

test('Global Privacy Control is sent by default, to servers and to pages', () => scenario.globalPrivacyControl(s));

test('the same trackers load on a site whose policy does not deny them', () => scenario.trackersLoadWithoutPolicy(s));

test('deletion latency with a warm worker (document.cookie write → gone)', () => scenario.deletionLatencyWarm(s, { count: 120 }));

test('deletion latency after the worker was stopped', () => scenario.deletionLatencyAfterSuspend(s, { count: 100, metric: 'deletionColdMs' }));

test('allowing statistics keeps the cookies and lets the trackers load; denying again removes both', () =>
  scenario.statisticsAllowedThenDenied(s));

test('a service switch inside an allowed category: only that service is blocked', () => scenario.serviceSwitchInsideAllowedCategory(s));

test('enforcement continues after the service worker is stopped', () => scenario.enforcementAfterSuspend(s));

test('a TCF disclosure file found through a Link header is used', () => scenario.tcfDisclosureViaLinkHeader(s));

test('broken policies leave the site in guessing mode with the problem stored', () => scenario.brokenPoliciesMeanGuessing(s));

test('the extension’s own requests are policy fetches only, without cookies', () => scenario.ownRequestsArePolicyFetchesOnly(s));

test('choices, rules and the policy cache survive a browser restart', () => scenario.choicesSurviveRestart(s));
