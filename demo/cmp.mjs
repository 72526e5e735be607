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

/** A stand-in for OneTrust's banner script: shows a note; loads nothing. */
export const OT_STUB_JS = `// OneTrust banner stand-in (Cookie Warden demo). The real stub loads the banner and its data;
// this one only shows that a banner would be here.
(function () {
  var note = document.createElement('div');
  note.id = 'onetrust-banner-sdk';
  note.textContent = 'Cookie banner (OneTrust stand-in)';
  (document.body || document.documentElement).appendChild(note);
})();
`;

/** A stand-in for Cookiebot's uc.js: shows a note; loads nothing. */
export const COOKIEBOT_UC_JS = `// Cookiebot uc.js stand-in (Cookie Warden demo).
(function () {
  var note = document.createElement('div');
  note.id = 'CybotCookiebotDialog';
  note.textContent = 'Cookie banner (Cookiebot stand-in)';
  (document.body || document.documentElement).appendChild(note);
})();
`;

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
