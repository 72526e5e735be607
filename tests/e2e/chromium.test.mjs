// End-to-end: the real extension in real Chromium (headless) against the local demo sites.
// The scenarios are shared with Firefox (tests/e2e/scenarios.mjs); only the driver differs.
// The server's request log is the proof that a blocked request never left the browser.
import { test, before, after } from 'node:test';
import fs from 'node:fs';
import { launch, newProfile, extensionCopy } from './chromium.mjs';
import * as scenario from './scenarios.mjs';

const profile = newProfile();
// The suite's own copy of the extension, which the update scenario changes and loads again.
const extensionDir = extensionCopy();
let s;

before(async () => {
  s = scenario.session(await scenario.startServer({ https: true }), async () =>
    scenario.chromiumBrowser(await launch({ profile, extensionDir })),
  );
  await s.start();
});

after(async () => {
  await s?.stop();
  fs.rmSync(extensionDir, { recursive: true, force: true });
});

test('first visit: the policy is found, and no request reaches GA4 or Leadfeeder before it', () => scenario.firstVisitFindsPolicy(s));

test('later visits: denied trackers never reach the server; disallowed cookies are gone', async () => {
  await scenario.laterVisitsBlockAndDelete(s);
  await scenario.tabCountsBlockedRequests(s);
});

test('Global Privacy Control is sent by default, to servers and to pages', () => scenario.globalPrivacyControl(s));

test('a site without a policy: known trackers blocked from the first visit, what pages need loads, the login stays', () =>
  scenario.knownTrackersBlockedWithoutPolicy(s));
test('a site without a policy: the keep corpus loses no cookie', () => scenario.corpusLosesNoCookie(s));
test('a known tracker a policy declares as functional is treated as statistics, unless the visitor trusts the site', () =>
  scenario.mislabeledTrackerTreatedByItsCategory(s));

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

// Hostile and heavy sites; the reliability of the visitor's choices.

test('a burst of 2,000 cookie writes: every denied one goes, no allowed one is touched, the worker answers', () =>
  scenario.cookieBurst(s));

test('a cookie written again after every deletion: deleted each time, and nothing spins after', () => scenario.cookieRewrittenInALoop(s));

test('thirty sites with 1,000-service policies: rules within limits, blocking on each, the first site again', () =>
  scenario.heavyPolicies(s));

test('a policy that claims another site’s cookies and domains, and its own domain: bounded and reported', () =>
  scenario.policyClaimsOtherSites(s));

test('a policy answer that never ends: guessing meanwhile, given up after 10 s, reported', () => scenario.policyThatNeverEnds(s));

test('a 50 MB policy answer: cut off at 512 KiB, reported, the connection closed', () => scenario.policyOf50MB(s));

test('a policy that differs on every request: cached, refreshed without thrashing, one version shown and enforced', () =>
  scenario.policyChangingOnEveryRequest(s));

test('two extension pages changing choices at the same time lose nothing', () => scenario.concurrentChoicesFromTwoPages(s));

test('damaged or foreign data in storage: the worker starts, keeps what it can, tells once, enforces', () =>
  scenario.damagedStorageIsTolerated(s));

test('choices, rules and enforcement survive an extension update (the same extension loaded again, newer)', () =>
  scenario.choicesSurviveUpdate(s));

// Pages that try to steer the extension (issue 10): each fails on the code before its fix.

test('a policy that declares nothing does not make known tracker cookies welcome', () => scenario.emptyDeclarationKeepsKnownTrackersOut(s));

test('page content does not outrank the site’s own policy, and a broken answer does not replace a valid one', () =>
  scenario.pageContentDoesNotOutrankTheSite(s));

test('nothing is sent to places a page names off its host or site, or in the visitor’s network', () =>
  scenario.namedPlacesOffTheSiteAreNotAsked(s));

test('policy fetches never send a cached answer’s validators', () => scenario.policyFetchesSendNoValidators(s));

test('requests an allow rule lets through still carry Sec-GPC', () => scenario.allowedRequestsKeepTheirPrivacySignal(s));

test('cookies partitioned under a site are listed and swept', () => scenario.partitionedCookiesAreListedAndSwept(s));

test('a policy of 20,000 unknown keys is stored with a bounded list of warnings', () => scenario.manyWarningsStayBounded(s));

test('a content script may only report its own page’s policy link', () => scenario.contentScriptsMayOnlyReportTheirPage(s));


// Declarations published through consent platforms (issue 11).

test('a self-hosted OneTrust declaration is read, enforced and shown; a panel switch takes effect', () => scenario.selfHostedOneTrust(s));

test('OneTrust from cdn.cookielaw.org and Cookiebot from consent.cookiebot.com: read without cookies, enforced on the repeat visit', () =>
  scenario.consentPlatformsOnTheirOwnHosts(s));

test('a third party’s cookie partitioned under the site is the site’s to delete; its own jar is not touched', () =>
  scenario.partitionedThirdPartyCookiesOfTheSite(s));

test('a consent platform’s files on another site are never asked', () => scenario.consentPlatformOnAnotherSiteIsNotAsked(s));

test('navigation to rules: sites with their own policy and with a self-hosted OneTrust', () => scenario.navigationToRules(s));

// Telling sites the visitor's choices (issue 15).

test('OneTrust and Cookiebot are told exactly the visitor’s categories through their own interfaces; a switch re-answers; a paused site gets nothing', () =>
  scenario.bannersAnsweredThroughTheirPlatforms(s));

test('Usercentrics, Didomi, CookieYes and Complianz are told exactly the visitor’s categories through their own interfaces', () =>
  scenario.morePlatformsAnsweredPerCategory(s));

test('a banner whose platform refuses the answer is left as it was, the page usable, and the panel says so', () =>
  scenario.unanswerableBannerIsLeftAndSaid(s));

test('a banner only autoconsent knows is opted out of, never accepted', () => scenario.autoconsentOptsOut(s));

test('ADPC: withdraw and objection by default, consent to exactly what the visitor allowed on the panel', () =>
  scenario.adpcSignalFollowsTheVisitor(s));

test('a hostile page’s consent requests and banner reports stay bounded, on its own site, and are shown as text', () =>
  scenario.hostileConsentReportsStayBounded(s));

// Issue 16: what the privacy policy says the extension sends is all it sent.
test('every request of the extension’s own in this run is one the privacy policy names', () =>
  scenario.ownRequestsAreThoseThePrivacyPolicyNames(s));

// Incognito windows: a browser of its own, with the extension allowed in incognito (the
// visitor's choice on chrome://extensions; Chrome runs extensions there only when allowed).
test('what is learned in an incognito window leaves no trace in storage.local or the dynamic rules', async () => {
  const server = await scenario.startServer();
  const browser = scenario.chromiumBrowser(await launch());
  try {
    const privatePage = await browser.newPrivatePage();
    await scenario.privateWindowsLeaveNoTrace({ server, browser }, privatePage);
  } finally {
    await browser.close();
    await server.close();
  }
});
