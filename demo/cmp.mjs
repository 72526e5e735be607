// Consent platforms for the demo and test sites: the files OneTrust and Cookiebot serve, in the
// shapes of the real ones (structure from public samples; names, hosts and texts our own), and
// stand-ins for their banner scripts (which here only show a note; Cookie Warden reads the data
// files and never runs a platform's script).
//
// Sites that use them (demo/server.mjs):
//   www.kaltiot-ot.test      the seed site behind a self-hosted OneTrust banner (http, demo port)
//   www.onetrust-shop.test   a shop that loads OneTrust from cdn.cookielaw.org (https, 443)
//   www.cookiebot-shop.test  a shop that loads Cookiebot from consent.cookiebot.com (https, 443)

/** OneTrust domain ids and the rule set of the demo tenants. */
export const ONETRUST = Object.freeze({
  kaltiotId: '0190aaaa-0000-7000-8000-00000000c001',
  shopId: '0190aaaa-0000-7000-8000-00000000c002',
  ruleSetId: '0190bbbb-0000-7000-8000-0000000000e1',
});

/** The Cookiebot domain group id of www.cookiebot-shop.test. */
export const COOKIEBOT_CBID = '00000000-0000-4000-8000-00000000cb01';

/** Hosts the consent platforms' data come from (real names, mapped to the local server). */
export const CMP_HOSTS = Object.freeze(['cdn.cookielaw.org', 'consent.cookiebot.com']);

/** Third-party hosts the shops declare (https, 443). */
export const SHOP_TRACKERS = Object.freeze({
  metrics: 'metrics.cmp-metrics.test',
  pixel: 'px.cmp-metrics.test',
  ads: 'ads.cmp-ads.test',
  widget: 'widget.cmp-ads.test',
});

const cookie = (Name, Host, days, description, extra = {}) => ({
  Name,
  Host,
  IsSession: days === 0,
  Length: String(days),
  DurationType: days >= 365 ? 365 : 1,
  description,
  thirdPartyDescription: null,
  patternKey: null,
  ...extra,
});

const group = (id, name, description, status, firstParty, hosts = [], extra = {}) => ({
  OptanonGroupId: id,
  CustomGroupId: id,
  GroupId: `g-${id}`,
  Parent: '',
  GroupName: name,
  GroupDescription: description,
  Status: status,
  Type: 'COOKIE',
  FirstPartyCookies: firstParty,
  Hosts: hosts,
  ...extra,
});

const host = (HostName, DisplayName, Description, PrivacyPolicy, Cookies) => ({
  HostName,
  DisplayName,
  HostId: `H-${HostName}`,
  Description,
  PrivacyPolicy,
  Cookies,
});

/**
 * The language file of the seed site behind OneTrust (kaltiot-ot.test): the demo policy's
 * services as OneTrust groups. `trackers` names the stand-in hosts ({ga, lf, gtm}); `lang` is
 * 'en' or 'fi'.
 */
export function kaltiotLanguageFile(lang = 'en', domain = 'kaltiot-ot.test') {
  const fi = lang === 'fi';
  const site = `.${domain}`;
  return {
    DomainData: {
      Language: { Culture: lang },
      cctId: ONETRUST.kaltiotId,
      Groups: [
        group(
          'C0001',
          fi ? 'Välttämättömät evästeet' : 'Strictly Necessary Cookies',
          fi ? '<p>Sivusto ei toimi ilman näitä.</p>' : '<p>The site does not work without these.</p>',
          'always active',
          [cookie('OptanonConsent', site, 365, fi ? 'Tallentaa evästevalintasi.' : 'Stores your cookie choices.')],
        ),
        group('C0003', fi ? 'Toiminnalliset evästeet' : 'Functional Cookies', fi ? 'Muistavat valintasi.' : 'Remember your choices.', 'active', [
          cookie('cw_lang', `www.${domain}`, 365, fi ? 'Muistaa sivustolle valitsemasi kielen.' : 'Remembers the language you chose for the site.'),
        ], [host('googletagmanager.test', 'Google Tag Manager', 'Loads the site’s other scripts.', 'https://policies.google.com/privacy', [])]),
        group(
          'C0002',
          fi ? 'Tilastointievästeet' : 'Performance Cookies',
          fi ? 'Kertovat, miten sivustoa käytetään.' : 'Tell us how the site is used.',
          'inactive',
          [
            cookie('_ga', site, 730, fi ? 'Erottaa kävijät toisistaan kävijätilastoja varten.' : 'Tells visitors apart for visitor statistics.'),
            cookie('_ga_DEMO123', site, 730, fi ? 'Säilyttää tilastoistunnon tilan.' : 'Keeps the state of a statistics session.', { patternKey: '_ga_' }),
            cookie('_lfa', site, 730, fi ? 'Tunnistaa vierailevat yritykset.' : 'Identifies the companies that visit.'),
          ],
          [
            host('google-analytics.com', 'Google Analytics 4', 'Visitor statistics.', 'https://policies.google.com/privacy', []),
            host('lfeeder.com', 'Leadfeeder', 'Company identification.', 'https://www.leadfeeder.com/privacy/', []),
          ],
        ),
      ],
    },
    CommonData: {
      OptanonGroupIdPerformanceCookies: 'C0002',
      OptanonGroupIdFunctionalityCookies: 'C0003',
      OptanonGroupIdTargetingCookies: 'C0004',
      OptanonGroupIdSocialCookies: 'C0005',
    },
  };
}

/** The language file of www.onetrust-shop.test (served from cdn.cookielaw.org). */
export function shopLanguageFile(lang = 'en') {
  const site = '.onetrust-shop.test';
  const t = SHOP_TRACKERS;
  return {
    DomainData: {
      Language: { Culture: lang },
      cctId: ONETRUST.shopId,
      Groups: [
        group('C0001', 'Strictly Necessary Cookies', 'Needed for the shop to work.', 'always active', [
          cookie('shop_session', 'www.onetrust-shop.test', 0, 'Keeps your basket while you shop.'),
          cookie('OptanonConsent', site, 365, 'Stores your cookie choices.'),
        ]),
        group('C0003', 'Functional Cookies', 'Remember your choices.', 'active', [cookie('shop_lang', site, 30, 'Remembers your language.')]),
        group('C0002', 'Performance Cookies', 'Count visits and measure the shop.', 'inactive', [
          cookie('_ga', site, 730, 'Tells visitors apart for statistics.'),
          cookie('_ga_SHOP01', site, 730, 'Keeps the state of a statistics session.', { patternKey: '_ga_' }),
        ], [
          host('cmp-metrics.test', 'Example Metrics', 'Measures the audience.', 'https://cmp-metrics.test/privacy', [
            cookie('cm_id', 'cmp-metrics.test', 389, 'A visitor id of the metrics service.'),
          ]),
        ]),
        group('C0004', 'Targeting Cookies', 'Set by our advertising partners to show you ads.', 'inactive', [], [
          host('cmp-ads.test', 'Example Ads', 'An advertising network.', 'https://cmp-ads.test/privacy', [
            cookie('ad_uid', 'cmp-ads.test', 390, 'An advertising identifier.'),
            cookie('ad_chip', t.widget, 30, 'An identifier of the ad widget, stored per site.'),
          ]),
        ]),
        {
          OptanonGroupId: 'IABV2_1',
          CustomGroupId: 'IABV2_1',
          Parent: '',
          GroupName: 'Store and/or access information on a device',
          Type: 'IAB2V2_PURPOSE',
          Status: 'inactive',
          FirstPartyCookies: [],
          Hosts: [],
        },
      ],
    },
    CommonData: {
      OptanonGroupIdPerformanceCookies: 'C0002',
      OptanonGroupIdFunctionalityCookies: 'C0003',
      OptanonGroupIdTargetingCookies: 'C0004',
      OptanonGroupIdSocialCookies: 'C0005',
    },
  };
}

/** OneTrust's rule-set file of domain `id`: one EU rule set (Finnish and English), the default. */
export function ruleSetFile(id) {
  return {
    ScriptType: 'PRODUCTION',
    Version: '202504.1.0',
    OptanonDataJSON: id,
    RuleSet: [
      {
        Id: ONETRUST.ruleSetId,
        Name: 'EU',
        Countries: ['fi', 'se', 'de'],
        States: {},
        LanguageSwitcherPlaceholder: { default: 'en', fi: 'fi' },
        Default: true,
        Global: false,
        Type: 'GDPR',
      },
    ],
  };
}

/**
 * A stand-in for OneTrust's banner script with OneTrust's public interface, as its developer
 * documentation and the SDK describe it: `OneTrust.GetDomainData()` (the groups of `domainData`),
 * `OneTrust.UpdateConsent("Category", "C0002:0,C0004:1")` (saves, closes the banner),
 * `OneTrust.IsAlertBoxClosed()`, `window.OnetrustActiveGroups` (",C0001,C0003,"), and a banner
 * (`#onetrust-banner-sdk`) with the usual buttons until an answer is saved. The answer is kept in
 * localStorage (the real one keeps it in its OptanonConsent cookie; a stand-in leaves the shop's
 * cookies as the tests expect them). For the tests it records each call in `window.__cmpCalls`
 * with the time, and when its interface was ready in `window.__cmpReadyAt`.
 * `variant: 'broken'`: UpdateConsent throws, as a platform that refuses the answer would.
 */
export function oneTrustStub(domainData, { variant = '' } = {}) {
  const groups = (domainData?.Groups ?? []).map((g) => ({
    CustomGroupId: g.CustomGroupId,
    OptanonGroupId: g.OptanonGroupId,
    GroupName: g.GroupName,
    Status: g.Status,
    Parent: g.Parent,
    Type: g.Type,
  }));
  return `// OneTrust banner stand-in (Cookie Warden tests): OneTrust's public interface, nothing else.
(function () {
  var groups = ${JSON.stringify(groups)};
  var broken = ${JSON.stringify(variant === 'broken')};
  var key = 'standin-onetrust' + (broken ? '-broken' : '');
  var saved = null;
  try { saved = JSON.parse(localStorage.getItem(key)); } catch (e) {}
  var calls = (window.__cmpCalls = []);
  var alwaysOn = groups.filter(function (g) { return /always active/i.test(g.Status); }).map(function (g) { return g.CustomGroupId; });
  var setActive = function () {
    var on = alwaysOn.concat(saved ? saved.on : []);
    window.OnetrustActiveGroups = ',' + on.join(',') + ',';
  };
  setActive();
  var banner = null;
  var show = function () {
    if (saved || banner) return;
    banner = document.createElement('div');
    banner.id = 'onetrust-banner-sdk';
    banner.setAttribute('role', 'dialog');
    banner.setAttribute('aria-label', 'Cookie banner');
    banner.style.cssText = 'position:fixed;left:0;right:0;bottom:0;padding:1rem;background:#fff;border-top:2px solid #333;';
    banner.innerHTML = '<p>We use cookies (OneTrust stand-in).</p><button id="onetrust-accept-btn-handler">Accept All Cookies</button> <button id="onetrust-reject-all-handler">Reject All</button>';
    document.body.appendChild(banner);
  };
  if (document.body) show(); else document.addEventListener('DOMContentLoaded', show);
  var save = function (on) {
    saved = { on: on };
    localStorage.setItem(key, JSON.stringify(saved));
    setActive();
    if (banner) { banner.remove(); banner = null; }
  };
  window.OneTrust = {
    GetDomainData: function () { return { Groups: groups }; },
    IsAlertBoxClosed: function () { return !!saved; },
    UpdateConsent: function (type, value) {
      calls.push({ fn: 'UpdateConsent', type: type, value: value, at: performance.now() });
      if (broken) throw new Error('OneTrust stand-in: consent not accepted');
      if (type !== 'Category') return;
      var on = saved ? saved.on.slice() : [];
      String(value).split(',').forEach(function (pair) {
        var parts = pair.split(':');
        var id = parts[0];
        if (alwaysOn.indexOf(id) >= 0) return;
        on = on.filter(function (g) { return g !== id; });
        if (parts[1] === '1') on.push(id);
      });
      save(on);
    },
    AllowAll: function () { calls.push({ fn: 'AllowAll', at: performance.now() }); save(groups.map(function (g) { return g.CustomGroupId; })); },
    RejectAll: function () { calls.push({ fn: 'RejectAll', at: performance.now() }); save([]); },
    Close: function () { calls.push({ fn: 'Close', at: performance.now() }); },
  };
  window.__cmpReadyAt = performance.now();
})();
`;
}

/**
 * A stand-in for Cookiebot's uc.js with Cookiebot's public interface (its SDK documentation):
 * `Cookiebot.consent` ({necessary, preferences, statistics, marketing}), `hasResponse`,
 * `dialog.visible`, `submitCustomConsent(preferences, statistics, marketing)` and `hide()`, the
 * `CookiebotOnDialogInit` event, and a dialog (`#CybotCookiebotDialog`) until an answer is
 * saved (in localStorage here). Calls are recorded in `window.__cmpCalls`.
 */
export const COOKIEBOT_UC_JS = `// Cookiebot uc.js stand-in (Cookie Warden tests): Cookiebot's public interface, nothing else.
(function () {
  var key = 'standin-cookiebot';
  var saved = null;
  try { saved = JSON.parse(localStorage.getItem(key)); } catch (e) {}
  var calls = (window.__cmpCalls = []);
  var dialog = null;
  var show = function () {
    if (saved || dialog) return;
    dialog = document.createElement('div');
    dialog.id = 'CybotCookiebotDialog';
    dialog.setAttribute('role', 'dialog');
    dialog.setAttribute('aria-label', 'Cookie banner');
    dialog.style.cssText = 'position:fixed;left:0;right:0;bottom:0;padding:1rem;background:#fff;border-top:2px solid #333;';
    dialog.innerHTML = '<p>This website uses cookies (Cookiebot stand-in).</p><button id="CybotCookiebotDialogBodyButtonDecline">Deny</button> <button id="CybotCookiebotDialogBodyLevelButtonLevelOptinAllowAll">Allow all</button>';
    document.body.appendChild(dialog);
    window.Cookiebot.dialog.visible = true;
  };
  var consent = saved || { necessary: true, preferences: false, statistics: false, marketing: false };
  window.Cookiebot = window.CookieConsent = {
    consent: consent,
    hasResponse: !!saved,
    dialog: { visible: false },
    submitCustomConsent: function (preferences, statistics, marketing) {
      calls.push({ fn: 'submitCustomConsent', args: [preferences, statistics, marketing], at: performance.now() });
      saved = { necessary: true, preferences: !!preferences, statistics: !!statistics, marketing: !!marketing };
      localStorage.setItem(key, JSON.stringify(saved));
      this.consent = saved;
      this.hasResponse = true;
      this.hide();
    },
    hide: function () {
      if (dialog) { dialog.remove(); dialog = null; }
      this.dialog.visible = false;
    },
  };
  if (document.body) show(); else document.addEventListener('DOMContentLoaded', show);
  window.__cmpReadyAt = performance.now();
  window.dispatchEvent(new Event('CookiebotOnDialogInit'));
})();
`;

/**
 * A page with a banner shaped like TermsFeed's Cookie Consent (v4: `.termsfeed-com---nb` with
 * "I agree" and "I decline" buttons), which autoconsent's rules know and no platform interface
 * answers. A click is recorded in `window.__bannerClicks` and closes it.
 */
export function termsFeedBanner() {
  return `<div class="termsfeed-com---nb termsfeed-com---nb-simple termsfeed-com---palette-light" id="termsfeed-banner" role="dialog" aria-label="Cookie consent" style="position:fixed;left:0;right:0;bottom:0;padding:1rem;background:#fff;border-top:2px solid #333;">
  <p class="cc-nb-title">We use cookies</p>
  <p class="cc-nb-text">We use cookies for statistics and marketing.</p>
  <div class="cc-nb-buttons-container">
    <button class="cc-nb-okagree" role="button">I agree</button>
    <button class="cc-nb-reject" role="button">I decline</button>
    <button class="cc-nb-changep" role="button">Change my preferences</button>
  </div>
</div>
<script>
  window.__bannerClicks = [];
  document.querySelectorAll('#termsfeed-banner button').forEach(function (b) {
    b.addEventListener('click', function () {
      window.__bannerClicks.push(b.className);
      if (b.className !== 'cc-nb-changep') document.getElementById('termsfeed-banner').remove();
    });
  });
</script>`;
}

const js = (value) => JSON.stringify(value).replace(/'/g, "\\'");

/**
 * Cookiebot's cc.js for www.cookiebot-shop.test: dialog code (a stand-in) and one assignment per
 * line, strings with \\' escapes, as the service answers.
 */
export function cookiebotDeclaration() {
  const t = SHOP_TRACKERS;
  const rows = {
    Necessary: [
      ['shop_session', 'cookiebot-shop.test', 'Keeps your basket while you shop.', 'Session', 'HTTP', '1', '^shop_session$', 'www.cookiebot-shop.test'],
      ['CookieConsent', 'cookiebot-shop.test', "Stores the user's cookie consent state for the current domain", '1 year', 'HTTP', '1', '', 'cookiebot.com'],
    ],
    Preference: [['shop_lang', 'cookiebot-shop.test', 'Remembers your language.', '30 days', 'HTTP', '1', '', 'www.cookiebot-shop.test']],
    Statistics: [
      ['_ga', 'cookiebot-shop.test', "Registers a unique ID that is used to generate statistical data on how the visitor uses the website.", '2 years', 'HTTP', '1', '', 'cmp-metrics.test'],
      ['_ga_#', 'cookiebot-shop.test', 'Used to store the state of a statistics session.', '2 years', 'HTTP', '1', '^_ga_.*$', 'cmp-metrics.test'],
      ['collect', t.pixel, "Sends data about the visitor's device to the metrics service.", 'Session', 'Pixel', '5', '', t.pixel],
    ],
    Advertising: [['ad_uid', 'cmp-ads.test', "Used by the ad network to recognise the visitor's browser.", '400 days', 'HTTP', '1', '', 'cmp-ads.test']],
    Unclassified: [['shop_ab', 'cookiebot-shop.test', 'Pending', '1 day', 'HTTP', '1', '', 'www.cookiebot-shop.test']],
  };
  const lines = [
    '/* Cookiebot dialog stand-in */ var CookieControl = CookieControl || {}; CookieControl.Dialog = function () { return { show: function () {} }; };',
    "CookieConsent.userCountry = 'FI';",
    "CookieConsentDialog.cookieTableHeaderName = 'Name';",
  ];
  for (const [table, list] of Object.entries(rows)) {
    lines.push(`CookieConsentDialog.cookieTable${table} = ${js(list)};`);
    lines.push(`CookieConsentDialog.cookieTable${table}Count = ${list.length};`);
  }
  lines.push(
    "CookieConsentDialog.privacyPolicies = [['cmp-metrics.test','Example Metrics','https://cmp-metrics.test/privacy'],['cmp-ads.test','Example Ads','https://cmp-ads.test/privacy'],['cookiebot.com','Cookiebot','https://www.cookiebot.com/goto/privacy-policy/']];",
  );
  lines.push("CookieConsentDialog.privacyPolicyText = '{0}\\'s privacy policy';");
  return lines.join('\n') + '\n';
}

/** What Cookiebot answers for a domain it does not serve (the referer names another). */
export function cookiebotDomainWarning(host) {
  return `var cookiedomainwarning='Error: ${String(host).toUpperCase().replace(/[^A-Z0-9.-]/g, '')} is not a valid domain. Please add it to the cookie consent manager to authorize the domain.';\n`;
}

/**
 * Where the other platforms answered through their interface load their script from (real
 * names, mapped to the local server): Usercentrics (v3 loader), Didomi (its SDK's loader),
 * CookieYes (a site's client script). Complianz is a WordPress plugin, on the site itself.
 */
export const CMP_SCRIPT_HOSTS = Object.freeze(['web.cmp.usercentrics.eu', 'sdk.privacy-center.org', 'cdn-cookieyes.com']);

/**
 * A fixed banner at the bottom, for the stand-ins below. Like a real platform's, it is shown
 * once the body exists unless it was already closed (`closeBanner`): an answer given before the
 * page's body was parsed keeps it away.
 */
const bannerJs = (id, className, text, htmlExpression = JSON.stringify(text)) => `
  var banner = document.createElement('div');
  ${id ? `banner.id = ${JSON.stringify(id)};` : ''}
  ${className ? `banner.className = ${JSON.stringify(className)};` : ''}
  banner.setAttribute('role', 'dialog');
  banner.setAttribute('aria-label', 'Cookie banner');
  banner.style.cssText = 'position:fixed;left:0;right:0;bottom:0;padding:1rem;background:#fff;border-top:2px solid #333;';
  banner.innerHTML = ${htmlExpression};
  var bannerClosed = false;
  var showBanner = function () { if (!bannerClosed) document.body.appendChild(banner); };
  var closeBanner = function () { bannerClosed = true; banner.remove(); };
  if (document.body) showBanner(); else document.addEventListener('DOMContentLoaded', showBanner);
  var calls = (window.__cmpCalls = []);
  var record = function (text) { calls.push({ text: text, at: performance.now() }); };
`;

/**
 * Usercentrics' v3 interface (its "control functionality" documentation): `window.__ucCmp`
 * with promise-returning `getConsentDetails`, `updateCategoriesConsents([{id, consent}])`,
 * `saveConsents`, `closeCmp`, and the `UC_UI_INITIALIZED` event once it is ready.
 */
export const USERCENTRICS_JS = `// Usercentrics v3 stand-in (Cookie Warden tests): its public interface, nothing else.
(function () {
${bannerJs('usercentrics-cmp-ui', '', '<p>Privacy settings (Usercentrics stand-in)</p><button>Accept all</button> <button>Deny</button>')}
  var categories = { essential: { name: 'Essential' }, functional: { name: 'Functional' }, marketing: { name: 'Marketing' } };
  window.__ucCmp = {
    getConsentDetails: function () { return Promise.resolve({ categories: categories }); },
    updateCategoriesConsents: function (list) { record('updateCategoriesConsents ' + JSON.stringify(list)); return Promise.resolve(); },
    saveConsents: function () { record('saveConsents'); return Promise.resolve(); },
    closeCmp: function () { record('closeCmp'); closeBanner(); return Promise.resolve(); },
  };
  window.__cmpReadyAt = performance.now();
  setTimeout(function () { window.dispatchEvent(new Event('UC_UI_INITIALIZED')); }, 0);
})();
`;

/**
 * Didomi's web SDK interface (developers.didomi.io, Web SDK reference): the `didomiOnReady`
 * queue, `Didomi.getPurposes()`, `getVendors()`, `setUserDisagreeToAll()`, `setUserStatus()`,
 * `notice.hide()` and `notice.isVisible()`.
 */
export const DIDOMI_JS = `// Didomi SDK stand-in (Cookie Warden tests): its public interface, nothing else.
(function () {
${bannerJs('didomi-host', '', '<p>We care about your privacy (Didomi stand-in)</p><button>Agree</button> <button>Disagree</button>')}
  var visible = true;
  window.Didomi = {
    getPurposes: function () { return [{ id: 'cookies' }, { id: 'select_basic_ads' }, { id: 'measure_content_performance' }]; },
    getVendors: function () { return [{ id: 'vendor-a' }]; },
    setUserDisagreeToAll: function () { record('setUserDisagreeToAll'); },
    setUserAgreeToAll: function () { record('setUserAgreeToAll'); },
    setUserStatus: function (status) { record('setUserStatus ' + JSON.stringify(status.purposes.consent)); },
    notice: { hide: function () { record('notice.hide'); visible = false; closeBanner(); }, isVisible: function () { return visible; } },
    preferences: { hide: function () {} },
  };
  window.__cmpReadyAt = performance.now();
  var queue = window.didomiOnReady || [];
  window.didomiOnReady = { push: function (cb) { cb(window.Didomi); } };
  queue.forEach(function (cb) { cb(window.Didomi); });
})();
`;

/**
 * CookieYes' client script: `getCkyConsent()` (its documented reader), the banner's own
 * `performBannerAction('accept_partial' | 'reject' | 'accept_all')`, which takes the categories
 * from the preference centre's toggles (`#ckySwitch<slug>`), and the `cookieyes_banner_load`
 * event on the document once the banner is drawn.
 */
export const COOKIEYES_JS = `// CookieYes stand-in (Cookie Warden tests): the interface its banner uses, nothing else.
(function () {
  var slugs = ['necessary', 'functional', 'analytics', 'performance', 'advertisement'];
  var toggles = slugs.map(function (s) { return '<label><input type="checkbox" id="ckySwitch' + s + '"' + (s === 'necessary' ? ' checked disabled' : '') + '> ' + s + '</label>'; }).join(' ');
${bannerJs('', 'cky-consent-container', '', `${JSON.stringify('<p>We value your privacy (CookieYes stand-in)</p><div class="cky-preference-center" hidden>__TOGGLES__</div><button>Accept All</button> <button>Reject All</button>')}.replace('__TOGGLES__', toggles)`)}
  var categories = { necessary: true, functional: false, analytics: false, performance: false, advertisement: false };
  var done = false;
  window.getCkyConsent = function () { return { activeLaw: 'gdpr', categories: categories, isUserActionCompleted: done }; };
  window.performBannerAction = function (action) {
    var chosen = slugs.filter(function (s) {
      var t = document.getElementById('ckySwitch' + s);
      return action === 'accept_all' || (action === 'accept_partial' && t && t.checked) || s === 'necessary';
    });
    record('performBannerAction ' + action + ' ' + chosen.join(','));
    slugs.forEach(function (s) { categories[s] = chosen.indexOf(s) >= 0; });
    done = true;
    closeBanner();
  };
  // Ready once its banner is drawn (with the body): CookieYes' documented banner-load event.
  var loaded = function () {
    window.__cmpReadyAt = performance.now();
    document.dispatchEvent(new CustomEvent('cookieyes_banner_load', { detail: getCkyConsent() }));
  };
  if (document.body) loaded(); else document.addEventListener('DOMContentLoaded', loaded);
})();
`;

/**
 * Complianz's banner script (its complianz.js: plain functions on window): `cmplz_categories`,
 * `cmplz_set_consent(category, 'allow' | 'deny')`, `cmplz_set_banner_status('dismissed')`,
 * `cmplz_get_banner_status()`, `cmplz_has_consent(category)`.
 */
export const COMPLIANZ_JS = `// Complianz stand-in (Cookie Warden tests): its public functions, nothing else.
(function () {
${bannerJs('', 'cmplz-cookiebanner cmplz-show', '<p>Manage consent (Complianz stand-in)</p><button class="cmplz-accept">Accept</button> <button class="cmplz-deny">Deny</button>')}
  var consent = {};
  var status = 'show';
  window.cmplz_categories = ['functional', 'preferences', 'statistics', 'marketing'];
  window.cmplz_set_consent = function (category, value) { record('cmplz_set_consent ' + category + ' ' + value); consent[category] = value; };
  window.cmplz_has_consent = function (category) { return consent[category] === 'allow'; };
  window.cmplz_get_banner_status = function () { return status; };
  window.cmplz_set_banner_status = function (value) {
    record('cmplz_set_banner_status ' + value);
    status = value;
    if (value === 'dismissed') { banner.className = 'cmplz-cookiebanner cmplz-dismissed'; banner.style.display = 'none'; }
  };
  window.__cmpReadyAt = performance.now();
})();
`;
