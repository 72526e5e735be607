// End-to-end: the real extension in real Firefox (Debian's firefox-esr, headless, through
// selenium-webdriver and geckodriver) against the local demo sites. The scenarios are the
// Chromium suite's (tests/e2e/scenarios.mjs); only the driver differs. Firefox's own: the
// background is an event page that Firefox suspends when idle (here after 2 s), container tabs
// keep their own cookie stores, and the add-on is either installed for good (most of this
// suite, so a restart is a real restart) or temporarily, as a developer loads it (the end).
import { test, before, after } from 'node:test';
import fs from 'node:fs';
import path from 'node:path';
import { launch, newProfile, ROOT } from './firefox.mjs';
import * as scenario from './scenarios.mjs';

const SHOTS = path.join(ROOT, 'dist', 'screenshots');
fs.mkdirSync(SHOTS, { recursive: true });

const profile = newProfile();
const temporaryProfile = newProfile();
let s;

before(async () => {
  s = scenario.session(await scenario.startServer({ https: true }), () => launch({ profile, addon: 'permanent' }));
  await s.start();
});

after(async () => {
  await s?.stop();
  for (const dir of [profile, temporaryProfile]) fs.rmSync(dir, { recursive: true, force: true });
});

test('first visit: the policy is found, and no request reaches GA4 or Leadfeeder before it', () => scenario.firstVisitFindsPolicy(s));

test('later visits: denied trackers never reach the server; disallowed cookies are gone, the functional and undeclared ones kept', () =>
  scenario.laterVisitsBlockAndDelete(s));

// Firefox 153 ESR has no declarativeNetRequest.getMatchedRules; the extension counts the
// requests its rules stopped from webRequest.onErrorOccurred instead.
test('the tab counts the requests it blocked', () => scenario.tabCountsBlockedRequests(s));

test('Global Privacy Control is sent by default, to servers and to pages', () => scenario.globalPrivacyControl(s));

test('a site without a policy: known trackers blocked from the first visit, what pages need loads, the login stays', () =>
  scenario.knownTrackersBlockedWithoutPolicy(s));
test('a site without a policy: the keep corpus loses no cookie', () => scenario.corpusLosesNoCookie(s));
test('a known tracker a policy declares as functional is treated as statistics, unless the visitor trusts the site', () =>
  scenario.mislabeledTrackerTreatedByItsCategory(s));

test('deletion latency with a running event page (100 document.cookie writes → gone)', () =>
  scenario.deletionLatencyWarm(s, { count: 100 }));

test('the panel lists the seed site’s cookies with purpose, expiry and status', async () => {
  await scenario.visitSeedSiteTwice(s);
  await scenario.panelListsCookies(s);
});

test('the panel renders quickly (popup open → panel rendered)', () => scenario.panelRendersQuickly(s));

test('the panel has no accessibility violations and fits 380 px without horizontal scrolling, light and dark', () =>
  scenario.panelAccessibleAndFits(s, { screenshots: SHOTS }));

test('toggling Statistics on the panel lets trackers load; toggling off deletes and blocks them', () => scenario.panelStatisticsSwitch(s));

test('allowing statistics keeps the cookies and lets the trackers load; denying again removes both', () =>
  scenario.statisticsAllowedThenDenied(s));

test('a service switch inside an allowed category: only that service is blocked', () => scenario.serviceSwitchInsideAllowedCategory(s));

test('the event page really suspends when idle, and enforcement and choices outlive it', async () => {
  await scenario.enforcementAfterSuspend(s);
});

test('deletion latency when the write wakes a suspended event page', () =>
  scenario.deletionLatencyAfterSuspend(s, { count: 5, metric: 'deletionAfterSuspendMs' }));

test('a TCF disclosure file found through a Link header is used', () => scenario.tcfDisclosureViaLinkHeader(s));

test('broken policies leave the site in guessing mode with the problem stored', () => scenario.brokenPoliciesMeanGuessing(s));

test('hostile policy texts are shown as text, and no script runs', () => scenario.hostilePolicyTexts(s, { screenshots: SHOTS }));

test('container tabs: their cookies are decided and removed in their own store', () => scenario.containerCookiesUseTheirStore(s));

// cookies.getAllCookieStores() in Firefox lists only stores with open tabs; the extension also
// sweeps the stores it has seen cookies in, so a container without a tab is still swept.
test('container cookies are swept when no container tab is open', () =>
  scenario.containerCookiesSweptWithoutContainerTab(s));

test('the extension’s own requests are policy fetches only, without cookies', () => scenario.ownRequestsArePolicyFetchesOnly(s));

test('choices, rules and the policy cache survive a browser restart', () => scenario.choicesSurviveRestart(s));

test('a choice made on the panel survives a browser restart', () => scenario.panelChoiceSurvivesRestart(s));

test('the first screen at 380×600 shows the summary and every category switch, also with 1,000 services', () =>
  scenario.panelFirstScreenFits(s, { screenshots: SHOTS }));

test('“always keep” on one cookie wins over its denied category and survives an event-page stop and a restart', () =>
  scenario.cookieKeepWinsAndSurvives(s));

test('the badge, the summary, the category rows and the cookies’ counts agree', () => scenario.badgeAndCountsAgree(s));

test('every switch and fold works from the keyboard alone', () => scenario.panelByKeyboard(s));

test('switching Necessary off asks first', () => scenario.necessaryAsksFirst(s));

test('trusting a site for an hour sets an alarm for its end; until the browser restarts ends with the restart', () =>
  scenario.pauseLengths(s));

test('with every fold open the panel has no accessibility violations, light and dark', () =>
  scenario.panelOpenedAccessible(s, { screenshots: SHOTS }));

// Hostile and heavy sites; the reliability of the visitor's choices.

test('a burst of 2,000 cookie writes: every denied one goes, no allowed one is touched, the event page answers', () =>
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

test('damaged or foreign data in storage: the event page starts, keeps what it can, tells once, enforces', () =>
  scenario.damagedStorageIsTolerated(s));

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

test('the panel’s refresh looks for the policy from the tab’s own page', () => scenario.panelRefreshUsesTheTabsPage(s));

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

// An extension update in Firefox is covered by the temporary reinstall below (the same add-on id
// installed again into the profile).
test('a temporary add-on installed again after a restart keeps choices and cached policies', async () => {
  await s.browser.close();
  s.browser = await launch({ profile: temporaryProfile, addon: 'temporary' });
  s.page = await s.browser.newPage();
  await scenario.reinstallTemporarily(s, () => launch({ profile: temporaryProfile, addon: 'temporary' }));
  await scenario.stateSurvivesReinstall(s);
});

// Firefox drops a temporary add-on's dynamic rules when it quits; the extension's start
// (src/web/background/rules.rs reconcile_rules) reinstalls the rules its rule book owns.
test('after a temporary reinstall the blocking rules are back before the first visit', () =>
  scenario.rulesReinstalledAtStart(s));

// Private windows: a browser of its own, with the add-on allowed in private windows (the
// visitor's choice in about:addons; Firefox runs add-ons there only when allowed).
test('what is learned in a private window leaves no trace in storage.local or the dynamic rules', async () => {
  const server = await scenario.startServer();
  const browser = await launch({ addon: 'temporary', privateBrowsing: true });
  try {
    const privatePage = await browser.newPrivatePage();
    await scenario.privateWindowsLeaveNoTrace({ server, browser }, privatePage);
  } finally {
    await browser.close();
    await server.close();
  }
});

// First-party isolation (privacy.firstparty.isolate, also part of resistFingerprinting setups).
test('under first-party isolation the panel lists and the sweeps delete cookies', async () => {
  const server = await scenario.startServer();
  const browser = await launch({ addon: 'temporary', extraPrefs: { 'privacy.firstparty.isolate': true } });
  try {
    const page = await browser.newPage();
    await scenario.sweepsWorkUnderFirstPartyIsolation({ server, browser, page });
  } finally {
    await browser.close();
    await server.close();
  }
});
