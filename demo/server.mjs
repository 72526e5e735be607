#!/usr/bin/env node
// Cookie Warden demo and test web server.
//
// One node:http server (and an https one beside it) that plays several named sites at once,
// chosen by the Host header (the port is ignored). The browser under test maps every *.test
// name, and the real host names in REAL_HOSTS (trackers, consent platforms, hosts pages need,
// served over https), to 127.0.0.1:
//   Chromium: --host-resolver-rules="MAP *.test 127.0.0.1, MAP www.google-analytics.com ..."
//   Firefox:  network.dns.localDomains = "www.kaltiot.test,www.google-analytics.com,..."
// so a page is opened as http://www.kaltiot.test:PORT/.
//
// Use it in-process from tests (startDemoServer) or from the command line:
//   node demo/server.mjs --port 8080 [--host 127.0.0.1] [--log requests.jsonl] [--quiet]
//
// Node standard library only; see demo/README.md for what each site is for.

import http from 'node:http';
import https from 'node:https';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeCertificate } from './tls.mjs';
import {
  ONETRUST,
  COOKIEBOT_CBID,
  CMP_HOSTS,
  SHOP_TRACKERS,
  kaltiotLanguageFile,
  shopLanguageFile,
  ruleSetFile,
  oneTrustStub,
  termsFeedBanner,
  CMP_SCRIPT_HOSTS,
  USERCENTRICS_JS,
  DIDOMI_JS,
  COOKIEYES_JS,
  COMPLIANZ_JS,
  COOKIEBOT_UC_JS,
  cookiebotDeclaration,
  cookiebotDomainWarning,
} from './cmp.mjs';

export { ONETRUST, COOKIEBOT_CBID, CMP_HOSTS, SHOP_TRACKERS };

/** The host name of every site the server plays. */
export const HOSTS = Object.freeze({
  // The seed site (Kaltiot) with its demo policy; the bare domain serves the same site.
  kaltiot: 'www.kaltiot.test',
  kaltiotBare: 'kaltiot.test',
  // A site that publishes nothing but loads the same trackers.
  nopolicy: 'www.nopolicy.test',
  // A shop that publishes a TCF Vendor Device Storage Disclosure through a Link header.
  tcf: 'www.tcf-shop.test',
  // The seed site's third parties by their real names (on this server over https; the test
  // browsers map them here): Google Tag Manager, Google Analytics 4, Leadfeeder.
  gtm: 'www.googletagmanager.com',
  ga: 'www.google-analytics.com',
  lf: 'sc.lfeeder.com',
  // A stand-in tracker no table knows, for the scenarios about a site's own rules (issue 10).
  gaStandIn: 'www.google-analytics.test',
  ads: 'ads.adserver.test',
  // Sites whose policy is broken in one way each.
  wrongsite: 'www.wrongsite.test',
  oversize: 'www.oversize.test',
  badjson: 'www.badjson.test',
  htmlpolicy: 'www.htmlpolicy.test',
  slowpolicy: 'www.slowpolicy.test',
  redirect: 'www.redirect.test',
  // Hostile and heavy sites (tests/e2e/scenarios.mjs, issue 6).
  burst: 'www.burst.test',
  claims: 'www.claims.test',
  huge: 'www.huge.test',
  flipflop: 'www.flipflop.test',
  // Pages that try to steer the extension (tests/e2e/scenarios.mjs, issue 10).
  emptypolicy: 'www.emptypolicy.test',
  injected: 'www.injected.test',
  brokenlink: 'www.brokenlink.test',
  pointer: 'www.pointer.test',
  gpcallow: 'www.gpcallow.test',
  manykeys: 'www.manykeys.test',
  privateonly: 'www.privateonly.test',
  // A site whose policy lists Google Analytics (by its real host) as functional (issue 12).
  mislabel: 'www.mislabel.test',
  // Sites whose declaration comes from their consent platform (demo/cmp.mjs, issue 11).
  kaltiotOt: 'www.kaltiot-ot.test',
  cmpPointer: 'www.cmp-pointer.test',
  // A banner only autoconsent's rules answer, and a site asking for consent with ADPC (issue 15).
  bannerShop: 'www.banner-shop.test',
  adpcShop: 'www.adpc-shop.test',
  hostileAdpc: 'www.hostile-adpc.test',
});

/** The ADPC consent requests of www.adpc-shop.test: in its resource, and in its script's call. */
export const ADPC_REQUESTS = Object.freeze({
  resource: [
    { id: 'q1analytics', text: 'Measure how visitors use this shop, to improve it.' },
    { id: 'q2newsletter', text: 'Send you our newsletter with offers.' },
  ],
  js: [
    { id: 'q1analytics', text: 'Measure how visitors use this shop, to improve it.' },
    { id: 'q3reviews', text: 'Show reviews from our partner.' },
  ],
  link: [{ id: 'q4partners', text: 'Share your visits with our advertising partners.' }],
});

/**
 * Sites served over https only, on port 443 (startDemoServer's `https` option): the shops that
 * load their consent platform from its real host names (demo/cmp.mjs).
 */
export const HTTPS_HOSTS = Object.freeze({
  onetrustShop: 'www.onetrust-shop.test',
  cookiebotShop: 'www.cookiebot-shop.test',
  // Shops behind the other platforms answered through their interface (issue 15).
  usercentricsShop: 'www.uc-shop.test',
  didomiShop: 'www.didomi-shop.test',
  cookieyesShop: 'www.cky-shop.test',
  complianzShop: 'www.cmplz-shop.test',
});

/**
 * Sites for timing the way to a site's rules on a first visit: TIMING_SITES.own publish a small
 * policy of their own at the well-known place, TIMING_SITES.oneTrust a self-hosted OneTrust
 * declaration (pages on www.<site>, over http).
 */
export const TIMING_SITES = Object.freeze({
  own: Object.freeze(Array.from({ length: 10 }, (_, i) => `own-policy-${String(i + 1).padStart(2, '0')}.test`)),
  oneTrust: Object.freeze(Array.from({ length: 10 }, (_, i) => `ot-policy-${String(i + 1).padStart(2, '0')}.test`)),
});

/**
 * What www.nopolicy.test's page loads from third parties by their real names, each [host, path]:
 * TRACKERS are known trackers (data/trackers.csv), blocked from the first visit while their
 * categories are denied; NEEDED are what pages need (a tag manager's container, a captcha, a
 * CDN library, a consent platform's script), never blocked.
 */
export const NOPOLICY_THIRD_PARTIES = Object.freeze({
  trackers: Object.freeze([
    ['www.google-analytics.com', '/g/collect.js'],
    ['www.googletagmanager.com', '/gtag/js?id=G-DEMO'],
    ['sc.lfeeder.com', '/lftracker.js'],
    ['connect.facebook.net', '/en_US/fbevents.js'],
    ['bat.bing.com', '/bat.js'],
    ['static.hotjar.com', '/c/hotjar-1.js?sv=6'],
    ['snap.licdn.com', '/li.lms-analytics/insight.min.js'],
    ['www.clarity.ms', '/tag/demo'],
    ['analytics.tiktok.com', '/i18n/pixel/events.js'],
  ]),
  needed: Object.freeze([
    ['www.googletagmanager.com', '/gtm.js?id=GTM-DEMO'],
    ['www.google.com', '/recaptcha/api.js'],
    ['cdn.jsdelivr.net', '/npm/demo-lib@1.0.0/dist/lib.min.js'],
    ['cdn.cookielaw.org', '/scripttemplates/otSDKStub.js'],
  ]),
});

/** Every real host name the demo serves (the test browsers map each to the local server). */
export const REAL_HOSTS = Object.freeze([
  ...new Set([
    ...CMP_HOSTS,
    ...CMP_SCRIPT_HOSTS,
    'www.googletagmanager.com',
    'www.google-analytics.com',
    'region1.google-analytics.com',
    'sc.lfeeder.com',
    ...[...NOPOLICY_THIRD_PARTIES.trackers, ...NOPOLICY_THIRD_PARTIES.needed].map(([h]) => h),
  ]),
]);

/**
 * How many sites (corpus1.test …, none with a policy) the keep corpus's cookies are spread
 * over, 100 each: a browser keeps some 180 cookies per site.
 */
export const CORPUS_HOSTS = 8;

/** gpcallow.test's trackers: the statistics host (denied) and the functional one under it (allowed). */
export const GPC_STATS_HOST = 'stats.gpc-cdn.test';
export const GPC_WIDGET_HOST = 'widgets.gpc-cdn.test';

/** How many unknown keys manykeys.test's policy has (one warning each, were they all kept). */
export const MANY_KEYS = 20000;

/**
 * Thirty sites that serve one generated heavy policy each (1,000 services, 5,000 storage
 * entries), on distinct registrable domains, since the extension's rule book keys sites by
 * registrable domain: heavy01.test … heavy30.test, pages on www.heavyNN.test.
 */
export const HEAVY_SITES = Object.freeze(
  Array.from({ length: 30 }, (_, i) => `heavy${String(i + 1).padStart(2, '0')}.test`),
);

/** The tracker host of the heavy policies' service `i` (each service lists one). */
export const heavyTracker = (i) => `t${String(i).padStart(4, '0')}.heavy-cdn.test`;

/** Heavy policies: service 1 is functional (allowed by default), service 2 statistics (denied). */
export const HEAVY_ALLOWED_TRACKER = heavyTracker(1);
export const HEAVY_DENIED_TRACKER = heavyTracker(2);

/** How long www.flipflop.test takes to answer its policy request. */
const FLIP_DELAY_MS = 300;

/** How many versions flipflop.test's policy goes through (then it starts again at 1). */
export const FLIP_VERSIONS = 8;

/** The tracker host of flipflop.test's policy version `n` (each version lists another). */
export const flipTracker = (n) => `v${n}.flip-cdn.test`;

/**
 * Host names a test browser must resolve besides HOSTS and their registrable domains (Firefox
 * maps exact names only): the heavy sites, the trackers their pages load, flipflop's trackers.
 */
export const EXTRA_HOSTS = Object.freeze([
  ...HEAVY_SITES.flatMap((site) => [site, `www.${site}`]),
  HEAVY_ALLOWED_TRACKER,
  HEAVY_DENIED_TRACKER,
  ...Array.from({ length: FLIP_VERSIONS }, (_, n) => flipTracker(n + 1)),
  GPC_STATS_HOST,
  GPC_WIDGET_HOST,
  'sub.pointer.test',
  HOSTS.gaStandIn,
  ...REAL_HOSTS,
  ...Array.from({ length: CORPUS_HOSTS }, (_, i) => `corpus${i + 1}.test`),
  ...Object.values(HTTPS_HOSTS),
  ...Object.values(HTTPS_HOSTS).map((h) => h.replace(/^www\./, '')),
  ...Object.values(SHOP_TRACKERS),
  ...CMP_HOSTS,
  ...[...TIMING_SITES.own, ...TIMING_SITES.oneTrust].flatMap((site) => [site, `www.${site}`]),
]);

/** Per-test switches for setVariant(name, value), with their defaults. */
export const VARIANT_DEFAULTS = Object.freeze({
  // How long www.slowpolicy.test takes to answer its policy request, in milliseconds.
  slowMs: 15000,
  // When true, www.oversize.test sends its policy chunked, without Content-Length, so only a
  // reader that counts bytes as they arrive can notice the size.
  oversizeChunked: false,
  // When not null, the document (object or string) served as the Kaltiot demo policy instead of
  // the one computed from the example, for tests of policy changes and caching.
  kaltiotPolicy: null,
  // Cookie names that cN.nopolicy.test/corpus sets, a hundred per host (the keep corpus).
  corpusCookies: [],
  // When true, www.slowpolicy.test answers its policy at once with headers and then trickles
  // one byte every 500 ms, forever: only a deadline on the whole fetch ends it.
  slowTrickle: false,
});

const EXAMPLE_POLICY_URL = new URL('../examples/kaltiot.cookie-policy.json', import.meta.url);
const TCF_DISCLOSURE_URL = new URL('./sites/tcf-disclosure.json', import.meta.url);

/** The first-party functional cookie the demo site sets, declared only in the demo policy. */
const KALTIOT_SITE_SERVICE = Object.freeze({
  id: 'kaltiot-site',
  name: 'Kaltiot website',
  provider: 'Kaltiot Technologies Oy',
  category: 'functional',
  storage: [
    {
      name: 'cw_lang',
      maxAgeSeconds: 31536000,
      purpose: {
        en: 'Remembers the language you chose for the site.',
        fi: 'Muistaa sivustolle valitsemasi kielen.',
      },
    },
  ],
});

/** `x.com` → `x.test` for a policy domain (also a cookie-style leading dot). */
function testDomain(domain) {
  return domain.replace(/\.com$/i, '.test');
}

/**
 * The demo policy: the seed example (examples/kaltiot.cookie-policy.json) with `site` and every
 * service and storage domain moved from .com to .test, and one extra service (`kaltiot-site`,
 * functional, cookie `cw_lang`) inserted first. The https links are kept as they are: the format
 * accepts only https links, and they are only displayed. Returns a fresh copy on every call.
 */
export function buildDemoPolicy() {
  const policy = JSON.parse(fs.readFileSync(EXAMPLE_POLICY_URL, 'utf8'));
  policy.site = testDomain(policy.site);
  for (const service of policy.services) {
    for (const entry of service.storage ?? []) {
      if (typeof entry.domain === 'string') entry.domain = testDomain(entry.domain);
    }
  }
  policy.services.unshift(structuredClone(KALTIOT_SITE_SERVICE));
  return policy;
}

/** A small valid policy for `site` that declares the `_ga` cookie the broken sites set. */
function smallPolicy(site) {
  return {
    version: 1,
    site,
    services: [
      {
        id: 'google-analytics-4',
        name: 'Google Analytics 4',
        provider: 'Google',
        category: 'statistics',
        domains: ['google-analytics.test'],
        storage: [{ name: '_ga', maxAgeSeconds: 63072000, purpose: 'Distinguishes visitors.' }],
      },
    ],
  };
}

/** A JSON policy for oversize.test of exactly 600 KiB: well-formed, valid but for its size. */
function oversizePolicy() {
  const target = 600 * 1024;
  const policy = smallPolicy('oversize.test');
  const filler = 'Padding that makes this document larger than the 512 KiB limit. '.repeat(12);
  const fillerService = (i) => ({
    id: `filler-${i}`,
    name: `Filler service ${i}`,
    category: 'statistics',
    description: filler,
    storage: [],
  });
  // Each filler service takes a little over this many bytes once indented in the document.
  const each = JSON.stringify([fillerService(99999)], null, 4).length;
  const count = Math.floor((target - 8192) / each);
  for (let i = 0; i < count; i++) policy.services.push(fillerService(i));
  let text = JSON.stringify(policy, null, 2);
  if (Buffer.byteLength(text) > target - 2) throw new Error('oversize policy overshot its size');
  // Pad with whitespace inside the closing brace to hit the size exactly.
  text = text.slice(0, -1) + ' '.repeat(target - Buffer.byteLength(text)) + '}';
  return Buffer.from(text, 'utf8');
}

/** The policy of www.burst.test: 1,000 functional cookies fn_0000…, 1,000 statistics cookies st_0000… and _ga. */
export function burstPolicy() {
  const names = (prefix) => Array.from({ length: 1000 }, (_, i) => `${prefix}_${String(i).padStart(4, '0')}`);
  return {
    version: 1,
    site: 'burst.test',
    services: [
      {
        id: 'burst-site',
        name: 'Burst site',
        category: 'functional',
        storage: names('fn').map((name) => ({ name, maxAgeSeconds: 86400 })),
      },
      {
        id: 'burst-stats',
        name: 'Burst statistics',
        category: 'statistics',
        storage: [...names('st'), '_ga'].map((name) => ({ name, maxAgeSeconds: 86400 })),
      },
    ],
  };
}

/** How many bytes www.huge.test's policy answer has (50 MB), if the client reads them all. */
export const HUGE_BYTES = 50 * 1024 * 1024;

const HEAVY_CATEGORIES = ['necessary', 'functional', 'statistics', 'marketing'];

/**
 * The generated heavy policy for `site`: 1,000 services (categories in turn: necessary,
 * functional, statistics, marketing), each listing one tracker host (heavyTracker(i)) and five
 * cookies h{i}_{0..4} with a short purpose: 5,000 storage entries, about 450 KB written compactly
 * (under the 512 KiB limit; thirty of them are more than Chrome's 10 MB storage.local quota).
 */
export function heavyPolicy(site) {
  const services = [];
  for (let i = 0; i < 1000; i++) {
    services.push({
      id: `s${i}`,
      name: `Service ${i}`,
      category: HEAVY_CATEGORIES[i % 4],
      domains: [heavyTracker(i)],
      storage: Array.from({ length: 5 }, (_, j) => ({ name: `h${i}_${j}`, maxAgeSeconds: 86400, purpose: `Cookie ${j} of ${i}` })),
    });
  }
  return { version: 1, site, controller: { name: `Heavy ${site}` }, services };
}

/**
 * The policy of www.claims.test, which oversteps its site three ways: a statistics service that
 * lists another site (kaltiot.test) and the site's own domain as trackers, and declares
 * kaltiot.test's cookies (cw_lang, visitor_note) with their domain, as statistics.
 */
export function claimsPolicy() {
  return {
    version: 1,
    site: 'claims.test',
    controller: { name: 'Claims Ltd' },
    services: [
      {
        id: 'claims-analytics',
        name: 'Claims analytics',
        category: 'statistics',
        domains: ['kaltiot.test', 'claims.test', 'www.claims.test', 'google-analytics.test'],
        storage: [
          { name: 'cw_lang', domain: '.kaltiot.test', maxAgeSeconds: 86400 },
          { name: 'visitor_note', domain: 'kaltiot.test', maxAgeSeconds: 86400 },
          { name: '_ga', maxAgeSeconds: 63072000 },
        ],
      },
    ],
  };
}

/** Version `n` of flipflop.test's policy: another service, tracker, cookie and controller each time. */
export function flipPolicy(n) {
  return {
    version: 1,
    site: 'flipflop.test',
    controller: { name: `Flip version ${n}` },
    services: [
      {
        id: `flip-${n}`,
        name: `Flip service ${n}`,
        category: 'statistics',
        domains: [flipTracker(n)],
        storage: [{ name: `flip_${n}`, maxAgeSeconds: 86400 }],
      },
    ],
  };
}

// A real 1×1 transparent GIF.
const PIXEL_GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

// ---------------------------------------------------------------------------------------------
// Small helpers

function escapeHtml(text) {
  return String(text).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
  );
}

/** The English text of a policy text (string or language map). */
function en(text) {
  if (text == null) return '';
  if (typeof text === 'string') return text;
  return text.en ?? Object.values(text)[0] ?? '';
}

function lifetimeInWords(seconds) {
  if (seconds === 0) return 'session (deleted when you close the browser)';
  const units = [
    [365 * 86400, 'year'],
    [30 * 86400, 'month'],
    [86400, 'day'],
    [3600, 'hour'],
    [60, 'minute'],
    [1, 'second'],
  ];
  for (const [size, name] of units) {
    if (seconds >= size && seconds % size === 0) {
      const n = seconds / size;
      return `${n} ${name}${n === 1 ? '' : 's'}`;
    }
  }
  const days = Math.round(seconds / 86400);
  return `about ${days} day${days === 1 ? '' : 's'}`;
}

const RIGHT_WORDS = {
  access: 'to see the personal data we hold about you',
  rectification: 'to have it corrected or completed',
  erasure: 'to have it deleted',
  restriction: 'to have its processing restricted',
  portability: 'to receive it in a portable form, or have it sent to another controller',
  objection: 'to object to its processing',
  'withdraw-consent': 'to withdraw your consent at any time',
  complaint: 'to complain to a supervisory authority',
};

/** Host name of a request, lowercased, port and trailing dot removed. */
function requestHost(req) {
  let host = String(req.headers.host ?? '').trim().toLowerCase();
  if (host.startsWith('[')) {
    host = host.slice(0, host.indexOf(']') + 1);
  } else {
    host = host.replace(/:\d*$/, '');
  }
  return host.replace(/\.$/, '');
}

function hostUnder(host, domain) {
  return host === domain || host.endsWith('.' + domain);
}

// ---------------------------------------------------------------------------------------------
// Pages and scripts. `o` is an object with the origins of the third-party stand-ins.

function page({ title, head = '', body }) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
${head}<style>
  body { font-family: system-ui, sans-serif; margin: 0; color: #1d2b36; line-height: 1.5; }
  header, main, footer { max-width: 52rem; margin: 0 auto; padding: 1rem 1.5rem; }
  header { display: flex; justify-content: space-between; align-items: center; }
  header a { color: inherit; text-decoration: none; font-weight: 700; }
  nav a { margin-left: 1rem; font-weight: 400; }
  .hero { background: #00263e; color: #fff; padding: 3rem 1.5rem; }
  .hero > * { max-width: 52rem; margin-left: auto; margin-right: auto; }
  footer { border-top: 1px solid #ccd; font-size: 0.9rem; color: #556; }
  footer a { margin-right: 1rem; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; border-bottom: 1px solid #dde; padding: 0.3rem 0.5rem; vertical-align: top; }
</style>
</head>
<body>
${body}
</body>
</html>
`;
}

function kaltiotHeader() {
  return `<header>
  <a href="/">Kaltiot</a>
  <nav><a href="/#solutions">Solutions</a><a href="/#company">Company</a><a href="/#contact">Contact</a></nav>
</header>`;
}

function kaltiotFooter(policy) {
  const c = policy.controller ?? {};
  return `<footer>
  <p>
    <a href="#cookie-settings" id="cookie-settings">Cookie settings</a>
    <a href="/cookie-policy-eu/" id="cookie-policy-link">Cookie policy (EU)</a>
  </p>
  <p>${escapeHtml(c.name ?? '')} · ${escapeHtml(c.address ?? '')} ·
    <a href="mailto:${escapeHtml(c.email ?? '')}">${escapeHtml(c.email ?? '')}</a></p>
  <p><small>Demo copy for Cookie Warden tests. Not the real kaltiot.com.</small></p>
</footer>`;
}

function kaltiotHome(o, policy) {
  return page({
    title: 'Kaltiot – Smart IoT for locating assets and people',
    head: `<link rel="cookie-policy" href="/cookie-policy.json">
<script src="${o.gtm}/gtm.js?id=GTM-DEMO"></script>
<script async src="${o.ga}/g/collect.js"></script>
<script async src="${o.lf}/lftracker.js"></script>
`,
    body: `${kaltiotHeader()}
<section class="hero">
  <h1>Know where things are.</h1>
  <p>Kaltiot connects everyday things to the cloud. Our Bluetooth tags, gateways and cloud
     service show where your assets, tools and people are — indoors and in real time.</p>
</section>
<main>
  <h2 id="solutions">Smart IoT, made in Oulu</h2>
  <p>From hospitals to factories and logistics centres, Kaltiot's smart IoT solutions cut the
     time spent searching for equipment and make everyday work safer. Tags last for years on one
     battery, and the platform scales from a single building to thousands of sites.</p>
  <ul>
    <li>Asset tracking: find equipment in seconds.</li>
    <li>Safety: know that everyone got out.</li>
    <li>Insights: see how spaces and devices are really used.</li>
  </ul>
  <h2 id="company">Company</h2>
  <p>Kaltiot Technologies Oy is an IoT company from Oulu, Finland, building on decades of
     wireless and mobile expertise from the region.</p>
  <h2 id="contact">Contact</h2>
  <p>Svaanintie 4 A2, 90230 Oulu, Finland</p>
  <img src="${o.ga}/g/collect?beacon=page" width="1" height="1" alt="" id="beacon">
</main>
${kaltiotFooter(policy)}`,
  });
}

function kaltiotPolicyPage(policy) {
  const categories = policy.categories ?? {};
  const byCategory = new Map();
  for (const service of policy.services ?? []) {
    if (!byCategory.has(service.category)) byCategory.set(service.category, []);
    byCategory.get(service.category).push(service);
  }
  const order = ['necessary', 'functional', 'statistics', 'marketing'];
  const sections = [];
  for (const key of order) {
    const cat = categories[key];
    const services = byCategory.get(key) ?? [];
    if (!cat && services.length === 0) continue;
    const label = en(cat?.label) || key[0].toUpperCase() + key.slice(1);
    let html = `<section id="category-${key}">\n<h2>${escapeHtml(label)}</h2>\n`;
    if (cat?.description) html += `<p>${escapeHtml(en(cat.description))}</p>\n`;
    for (const s of services) {
      html += `<h3 id="service-${escapeHtml(s.id)}">${escapeHtml(s.name)}</h3>\n`;
      if (s.description) html += `<p>${escapeHtml(en(s.description))}</p>\n`;
      const facts = [];
      if (s.provider) facts.push(`Provider: ${escapeHtml(s.provider)}`);
      if (s.domains?.length) facts.push(`Domains: ${s.domains.map(escapeHtml).join(', ')}`);
      if (s.privacyPolicy) {
        facts.push(`Privacy policy: <a href="${escapeHtml(s.privacyPolicy)}">${escapeHtml(s.privacyPolicy)}</a>`);
      }
      if (facts.length) html += `<p>${facts.join('<br>')}</p>\n`;
      if (s.storage?.length) {
        html += '<table>\n<tr><th>Cookie</th><th>Expires after</th><th>Purpose</th></tr>\n';
        for (const e of s.storage) {
          html += `<tr><td><code>${escapeHtml(e.name)}</code></td><td>${escapeHtml(
            lifetimeInWords(e.maxAgeSeconds ?? 0),
          )}</td><td>${escapeHtml(en(e.purpose))}</td></tr>\n`;
        }
        html += '</table>\n';
      } else {
        html += '<p>This service sets no cookies of its own.</p>\n';
      }
    }
    html += '</section>';
    sections.push(html);
  }
  const rights = (policy.rights ?? [])
    .map((r) => `<li>${escapeHtml(RIGHT_WORDS[r] ?? r)}</li>`)
    .join('\n');
  const c = policy.controller ?? {};
  return page({
    title: 'Cookie policy (EU) – Kaltiot',
    head: '<link rel="cookie-policy" href="/cookie-policy.json">\n',
    body: `${kaltiotHeader()}
<main>
  <h1>Cookie policy (EU)</h1>
  <p>Last updated ${escapeHtml(policy.updated ?? '')}. This policy applies to visitors from
     ${escapeHtml((policy.jurisdictions ?? []).join(' and '))}. It explains which cookies
     ${escapeHtml(c.name ?? 'we')} uses on this website, what they are for and how long they last.
     A machine-readable copy is at <a href="/cookie-policy.json">/cookie-policy.json</a>.</p>
  ${sections.join('\n  ')}
  <section id="rights">
    <h2>Your rights</h2>
    <p>You have the right:</p>
    <ul>
${rights}
    </ul>
  </section>
  <section id="contact">
    <h2>Contact</h2>
    <p>${escapeHtml(c.name ?? '')}<br>
       ${escapeHtml(c.address ?? '')}<br>
       <a href="mailto:${escapeHtml(c.email ?? '')}">${escapeHtml(c.email ?? '')}</a></p>
  </section>
</main>
${kaltiotFooter(policy)}`,
  });
}

function noPolicyPage(o) {
  const { trackers, needed } = NOPOLICY_THIRD_PARTIES;
  const scripts = [...needed, ...trackers]
    .map(([h, p]) => `<script async src="${escapeHtml(o.secure(h) + p)}"></script>`)
    .join('\n');
  return page({
    title: 'No Policy Ltd – we publish nothing',
    // The cookies Google Analytics and Leadfeeder would set, set by the page itself (their
    // scripts are blocked from the first visit), beside a login session's.
    head: `${scripts}
<script>
  document.cookie = "_ga=GA1.1.123.456; path=/; max-age=63072000";
  document.cookie = "_ga_DEMO123=GS1.1.123.1.0.0; path=/; max-age=63072000";
  document.cookie = "_lfa=LF1.1.abc; path=/; max-age=63072000";
</script>
`,
    body: `<main>
  <h1>No Policy Ltd</h1>
  <p>This site publishes no machine-readable cookie policy. It loads well-known trackers by
     their real names (Google Analytics, Leadfeeder, the Meta pixel, …), its tag manager, a
     captcha, a CDN library and a consent platform's script, and sets <code>_ga</code>,
     <code>_ga_DEMO123</code> and <code>_lfa</code> itself, beside its login session.</p>
  <img src="${o.ga}/g/collect?beacon=page" width="1" height="1" alt="" id="beacon">
</main>`,
  });
}

function tcfShopPage(o) {
  return page({
    title: 'TCF Shop – gadgets with ads',
    head: `<script async src="${o.ads}/ad.js"></script>
`,
    body: `<main>
  <h1>TCF Shop</h1>
  <p>This shop publishes an IAB TCF Vendor Device Storage Disclosure at
     <a href="/tcf-disclosure.json">/tcf-disclosure.json</a>, announced only by a
     <code>Link</code> header on this page. Its ad script sets <code>shop_ad_id</code> on this
     site and <code>shop_ad_freq</code> in localStorage.</p>
  <div id="ad-slot">(ad)</div>
</main>`,
  });
}

function brokenPage(host, what) {
  return page({
    title: `${host} – ${what}`,
    head: `<script>document.cookie = "_ga=GA1.1.123.456; path=/; max-age=63072000";</script>
`,
    body: `<main>
  <h1>${escapeHtml(host)}</h1>
  <p>Its policy at <a href="/.well-known/cookie-policy.json">/.well-known/cookie-policy.json</a>
     ${escapeHtml(what)}. This page sets <code>_ga</code> with an inline script.</p>
</main>`,
  });
}

function burstPage() {
  return page({
    title: 'Burst – a page that writes cookies in bulk',
    body: `<main>
  <h1>Burst</h1>
  <p>Writes cookies through <code>document.cookie</code> when asked: <code>burst(n)</code> writes
     n statistics cookies (st_…) and n functional ones (fn_…) interleaved, in one go;
     <code>resetLoop(name, ms)</code> writes the cookie again whenever it is gone, for ms.</p>
</main>
<script>
window.burst = function (n) {
  var start = performance.now();
  for (var i = 0; i < n; i++) {
    var id = String(i).padStart(4, '0');
    document.cookie = 'st_' + id + '=' + i + '; path=/; max-age=86400';
    document.cookie = 'fn_' + id + '=' + i + '; path=/; max-age=86400';
  }
  return performance.now() - start;
};
window.resetLoop = function (name, ms) {
  return new Promise(function (resolve) {
    var writes = 0;
    var end = Date.now() + ms;
    var present = function () {
      return document.cookie.split('; ').some(function (c) { return c.indexOf(name + '=') === 0; });
    };
    var timer = setInterval(function () {
      if (!present()) {
        document.cookie = name + '=GA1.1.' + Date.now() + '.' + writes + '; path=/; max-age=63072000';
        writes++;
      }
      if (Date.now() >= end) {
        clearInterval(timer);
        resolve(writes);
      }
    }, 2);
  });
};
</script>`,
  });
}

function heavyPage(site, o) {
  return page({
    title: `${site} – a site with a heavy policy`,
    body: `<main>
  <h1>${escapeHtml(site)}</h1>
  <p>Its well-known policy declares 1,000 services and 5,000 cookies. This page loads one
     functional tracker (allowed by default) and one statistics tracker (denied by default).</p>
  <img src="${o.heavyAllowed}/pixel.gif?from=${escapeHtml(site)}" width="1" height="1" alt="">
  <img src="${o.heavyDenied}/pixel.gif?from=${escapeHtml(site)}" width="1" height="1" alt="">
</main>`,
  });
}

function claimsPage(o) {
  return page({
    title: 'Claims Ltd – a policy that claims too much',
    head: `<script>document.cookie = "_ga=GA1.1.123.456; path=/; max-age=63072000";</script>
`,
    body: `<main>
  <h1>Claims Ltd</h1>
  <p>Its policy lists kaltiot.test and its own domain as trackers and declares kaltiot.test's
     cookies as its own statistics cookies.</p>
  <img src="/own.gif" width="1" height="1" alt="" id="own">
  <img src="${o.kaltiot}/claims-pixel.gif" width="1" height="1" alt="" id="other">
</main>`,
  });
}

function flipPage(o) {
  const pixels = Array.from({ length: FLIP_VERSIONS }, (_, i) => `  <img src="${o.flip(i + 1)}/pixel.gif" width="1" height="1" alt="">`);
  return page({
    title: 'Flip-flop – a different policy on every request',
    body: `<main>
  <h1>Flip-flop</h1>
  <p>Its well-known policy changes on every request (versions 1 to ${FLIP_VERSIONS} in turn, each
     denying its own tracker) and is sent with <code>Cache-Control: no-store</code>. This page
     loads every version's tracker.</p>
${pixels.join('\n')}
</main>`,
  });
}

/** A small valid policy for `site` with GA (statistics, google-analytics.test), optionally as another category. */
function gaPolicy(site, category = 'statistics') {
  const policy = smallPolicy(site);
  policy.services[0].category = category;
  return policy;
}

/** The page of a site that tries to steer the extension (issue 10), loading the GA stand-in with `from=site`. */
function steeringPage(host, o, { head = '', about, script = '' }) {
  const site = host.replace(/^www\./, '');
  return page({
    title: `${host} – ${about}`,
    head: `${head}<script async src="${o.gaStandIn}/g/collect.js?from=${escapeHtml(site)}"></script>
`,
    body: `<main>
  <h1>${escapeHtml(host)}</h1>
  <p>${escapeHtml(about)}</p>
  <img src="/last.gif" width="1" height="1" alt="" id="last">
</main>${script}`,
  });
}

/** mislabel.test's policy: Google Analytics, by its real host and cookie, declared as functional. */
export function mislabelPolicy() {
  return {
    version: 1,
    site: 'mislabel.test',
    services: [
      {
        id: 'site-tools',
        name: 'Site tools',
        provider: 'Google',
        category: 'functional',
        domains: ['google-analytics.com'],
        storage: [{ name: '_ga', maxAgeSeconds: 63072000, purpose: 'Remembers the visitor.' }],
      },
    ],
  };
}

/** manykeys.test's policy: valid, with MANY_KEYS unknown top-level keys. */
export function manyKeysPolicy() {
  const policy = gaPolicy('manykeys.test');
  for (let i = 0; i < MANY_KEYS; i++) policy[`unknown${String(i).padStart(5, '0')}`] = 1;
  return JSON.stringify(policy);
}

/** The seed site behind a self-hosted OneTrust banner: no policy of its own, the same trackers. */
function kaltiotOtHome(o) {
  return page({
    title: 'Kaltiot (behind OneTrust) – Smart IoT for locating assets and people',
    head: `<script src="/onetrust/scripttemplates/otSDKStub.js" data-domain-script="${ONETRUST.kaltiotId}" charset="UTF-8"></script>
<script src="${o.gtm}/gtm.js?id=GTM-DEMO"></script>
<script async src="${o.ga}/g/collect.js"></script>
<script async src="${o.lf}/lftracker.js"></script>
`,
    body: `${kaltiotHeader()}
<section class="hero">
  <h1>Know where things are.</h1>
  <p>The seed site as it would look behind a OneTrust banner: it publishes no policy of its own;
     its consent platform's declaration (self-hosted under /onetrust/) lists the same cookies.</p>
</section>
<main>
  <img src="${o.ga}/g/collect?beacon=page" width="1" height="1" alt="" id="beacon">
  <img src="/last.gif" width="1" height="1" alt="" id="last">
</main>`,
  });
}

/** A page that names another site's path as its OneTrust data (never asked). */
function cmpPointerPage(o) {
  return page({
    title: 'CMP pointer – a consent platform on another site',
    head: `<script src="${o.kaltiot}/onetrust/scripttemplates/otSDKStub.js?did=${ONETRUST.kaltiotId}"></script>
`,
    body: `<main><h1>CMP pointer</h1><p>Its OneTrust stub is on another site.</p>
  <img src="/last.gif" width="1" height="1" alt="" id="last"></main>`,
  });
}

/** A shop (https) whose declaration comes from `platform`, loaded by `stub`; its cookies and trackers. */
function shopPage(h, platform, stub, secure) {
  const t = SHOP_TRACKERS;
  return page({
    title: `${h} – a shop behind ${platform}`,
    head: `${stub}
<script>
  document.cookie = 'shop_session=S1; path=/; secure';
  document.cookie = 'shop_lang=fi; path=/; max-age=2592000; secure';
  document.cookie = '_ga=GA1.1.1.1; path=/; max-age=63072000; secure';
  document.cookie = '_ga_SHOP01=GS1.1.1; path=/; max-age=63072000; secure';
</script>
`,
    body: `<main>
  <h1>${escapeHtml(h)}</h1>
  <p>A shop whose cookie declaration is published by its consent platform, ${escapeHtml(platform)}.</p>
  <img src="${secure(t.metrics)}/m.gif" width="1" height="1" alt="">
  <img src="${secure(t.pixel)}/pixel.gif" width="1" height="1" alt="">
  <img src="${secure(t.ads)}/pixel.gif" width="1" height="1" alt="">
  <iframe src="${secure(t.widget)}/frame.html" width="200" height="60" title="Ad widget"></iframe>
  <img src="/last.gif" width="1" height="1" alt="" id="last">
</main>`,
  });
}

const GTM_JS = `// Google Tag Manager stand-in (Cookie Warden demo). Sets up dataLayer, loads nothing.
(function () {
  window.dataLayer = window.dataLayer || [];
  window.dataLayer.push({ 'gtm.start': Date.now(), event: 'gtm.js' });
  window.cookieWardenDemo = window.cookieWardenDemo || {};
  window.cookieWardenDemo.gtm = true;
})();
`;

const GA_JS = `// Google Analytics 4 stand-in (Cookie Warden demo).
(function () {
  var origin = new URL(document.currentScript.src).origin;
  document.cookie = "_ga=GA1.1.123.456; path=/; max-age=63072000";
  document.cookie = "_ga_DEMO123=GS1.1.123.1.0.0; path=/; max-age=63072000";
  new Image().src = origin + "/g/collect?v=2&tid=G-DEMO";
  window.cookieWardenDemo = window.cookieWardenDemo || {};
  window.cookieWardenDemo.ga = true;
})();
`;

const LF_JS = `// Leadfeeder stand-in (Cookie Warden demo).
(function () {
  var origin = new URL(document.currentScript.src).origin;
  document.cookie = "_lfa=LF1.1.abc; path=/; max-age=63072000";
  new Image().src = origin + "/pixel.gif";
  window.cookieWardenDemo = window.cookieWardenDemo || {};
  window.cookieWardenDemo.lf = true;
})();
`;

const AD_JS = `// Ad server stand-in for www.tcf-shop.test (Cookie Warden demo).
(function () {
  var origin = new URL(document.currentScript.src).origin;
  document.cookie = "shop_ad_id=AD.1.789; path=/; max-age=7776000";
  try { localStorage.setItem("shop_ad_freq", JSON.stringify({ demo: 1 })); } catch (e) {}
  var img = new Image();
  img.src = origin + "/pixel.gif?slot=shop";
  img.width = 1; img.height = 1; img.alt = "";
  var slot = document.getElementById("ad-slot");
  if (slot) { slot.textContent = "Ad: buy more gadgets"; slot.appendChild(img); }
  else { document.documentElement.appendChild(img); }
  window.cookieWardenDemo = window.cookieWardenDemo || {};
  window.cookieWardenDemo.ads = true;
})();
`;

// ---------------------------------------------------------------------------------------------
// The server

/**
 * Starts the demo server.
 * @returns {Promise<{port: number, url: (host: string, path?: string) => string,
 *   log: Array<{time: number, host: string, method: string, path: string, referer: string|null,
 *   origin: string|null, cookie: string|null, userAgent: string|null}>,
 *   requestsTo: (hostSuffix: string) => Array<object>, clearLog: () => void,
 *   setVariant: (name: string, value: any) => void, close: () => Promise<void>}>}
 */
export async function startDemoServer({
  port = 0,
  host = '127.0.0.1',
  quiet = true,
  logFile = null,
  // { key, cert, port = 443 }: also serve https (the HTTPS_HOSTS and the consent platforms'
  // real host names) with this certificate.
  tls = null,
} = {}) {
  const demoPolicy = buildDemoPolicy();
  const demoPolicyBody = JSON.stringify(demoPolicy, null, 2) + '\n';
  const burstBody = JSON.stringify(burstPolicy());
  const claimsBody = JSON.stringify(claimsPolicy(), null, 2);
  // One heavy document, with a placeholder for the site so each site's copy is a string replace.
  const heavyTemplate = JSON.stringify(heavyPolicy('@SITE@'));
  const heavyBodies = new Map();
  const heavyBody = (site) => {
    if (!heavyBodies.has(site)) heavyBodies.set(site, Buffer.from(heavyTemplate.replaceAll('@SITE@', site)));
    return heavyBodies.get(site);
  };
  let flipServed = 0;
  const tcfBody = fs.readFileSync(TCF_DISCLOSURE_URL);
  const oversizeBody = oversizePolicy();
  const variants = { ...VARIANT_DEFAULTS };
  const log = [];
  const timers = new Set();
  let actualPort = port;

  const origin = (h) => `http://${h}:${actualPort}`;
  let securePort = 443;
  const secure = (h) => `https://${h}${securePort !== 443 ? `:${securePort}` : ''}`;
  const origins = () => ({
    gtm: secure(HOSTS.gtm),
    ga: secure(HOSTS.ga),
    lf: secure(HOSTS.lf),
    gaStandIn: origin(HOSTS.gaStandIn),
    secure,
    ads: origin(HOSTS.ads),
    kaltiot: origin(HOSTS.kaltiot),
    heavyAllowed: origin(HEAVY_ALLOWED_TRACKER),
    heavyDenied: origin(HEAVY_DENIED_TRACKER),
    flip: (n) => origin(flipTracker(n)),
  });

  // --- response helpers ---
  // Every address a page named as its policy or its ADPC consent requests (Link headers,
  // <link> elements), as host + path: what the extension may fetch because a page named it.
  const named = new Set();
  const noteNamed = (req, reference) => {
    try {
      const url = new URL(reference, `${req.secure ? 'https' : 'http'}://${req.headers.host}/`);
      named.add(`${url.hostname}${url.pathname}${url.search}`);
    } catch {}
  };
  const send = (res, status, type, body, headers = {}) => {
    const buf = Buffer.isBuffer(body) ? body : Buffer.from(String(body), 'utf8');
    for (const link of [headers.Link ?? headers.link ?? []].flat()) {
      for (const [, target] of String(link).matchAll(/<([^>]*)>[^,]*rel="?(?:cookie-policy|consent-requests)/g)) noteNamed(res.req, target);
    }
    if (String(type).startsWith('text/html')) {
      for (const [tag] of String(body).matchAll(/<link\b[^>]*>/g)) {
        const href = /href="([^"]*)"/.exec(tag)?.[1];
        if (href && /rel="[^"]*(cookie-policy|consent-requests)/i.test(tag)) noteNamed(res.req, href);
      }
    }
    const entry = entries.get(res.req);
    if (entry) entry.responseBytes = buf.length;
    res.writeHead(status, { 'Content-Type': type, 'Content-Length': buf.length, ...headers });
    res.end(buf);
  };
  const html = (res, body, headers = {}) =>
    send(res, 200, 'text/html; charset=utf-8', body, { 'Cache-Control': 'no-store', ...headers });
  const js = (res, body) =>
    send(res, 200, 'text/javascript; charset=utf-8', body, { 'Cache-Control': 'no-store' });
  const gif = (res) => send(res, 200, 'image/gif', PIXEL_GIF, { 'Cache-Control': 'no-store' });
  // Validators on every policy answer: a client that cached it would send them back
  // (If-None-Match, If-Modified-Since), which the log records.
  const policyJson = (res, body) =>
    send(res, 200, 'application/json; charset=utf-8', body, {
      'Cache-Control': 'max-age=3600',
      ETag: '"cw-demo-policy"',
      'Last-Modified': 'Tue, 28 Apr 2025 00:00:00 GMT',
    });
  const notFound = (res, what = 'Not found') =>
    send(res, 404, 'text/plain; charset=utf-8', what + '\n', { 'Cache-Control': 'no-store' });
  const redirect = (res, location, status = 302) =>
    send(res, status, 'text/plain; charset=utf-8', `Redirecting to ${location}\n`, {
      Location: location,
      'Cache-Control': 'no-store',
    });

  const isPolicyPath = (p) => p === '/.well-known/cookie-policy.json';

  // Streamed answers record on their log entry how many body bytes they wrote, whether they
  // finished, and when the connection closed (the client gave up, or the answer ended).
  const entries = new WeakMap();
  const track = (req, res) => {
    const entry = entries.get(req) ?? {};
    entry.bodyBytes = 0;
    entry.finished = false;
    entry.closedAt = null;
    res.on('close', () => {
      entry.closedAt = Date.now();
    });
    return entry;
  };
  /** Writes `total` bytes of `chunk`s with backpressure; stops when the client goes away. */
  const stream = (res, entry, total, chunk) => {
    const pump = () => {
      while (!res.destroyed && entry.bodyBytes < total) {
        const piece = chunk.subarray(0, Math.min(chunk.length, total - entry.bodyBytes));
        entry.bodyBytes += piece.length;
        if (!res.write(piece)) return res.once('drain', pump);
      }
      if (!res.destroyed) {
        entry.finished = true;
        res.end();
      }
    };
    pump();
  };

  // --- sites: each takes (req, res, pathname, hostname) and answers ---
  const kaltiot = (req, res, p) => {
    if (p === '/' || p === '/index.html') {
      return html(res, kaltiotHome(origins(), demoPolicy), {
        'Set-Cookie': ['cw_lang=en; Path=/; Max-Age=31536000', 'visitor_note=1; Path=/; Max-Age=86400'],
      });
    }
    if (p === '/cookie-policy-eu') return redirect(res, '/cookie-policy-eu/', 301);
    if (p === '/cookie-policy-eu/') return html(res, kaltiotPolicyPage(demoPolicy));
    if (p === '/cookie-policy.json' || isPolicyPath(p)) {
      const override = variants.kaltiotPolicy;
      if (override == null) return policyJson(res, demoPolicyBody);
      return policyJson(res, typeof override === 'string' ? override : JSON.stringify(override, null, 2));
    }
    return notFound(res);
  };

  const nopolicy = (req, res, p) => {
    if (p === '/' || p === '/index.html') {
      return html(res, noPolicyPage(origins()), {
        'Set-Cookie': ['sessionid=s3cr3t; Path=/; Max-Age=1209600; HttpOnly', 'csrftoken=t0k3n; Path=/; Max-Age=31449600'],
      });
    }
    return notFound(res);
  };
  // corpusN.test/: the Nth hundred of the names in the `corpusCookies` variant, as cookies for
  // a year; the sites publish nothing.
  const corpus = (req, res, p, h) => {
    const n = Number(/^corpus(\d+)\.test$/.exec(h)?.[1] ?? 0) - 1;
    if (p !== '/' || n < 0) return notFound(res);
    const names = variants.corpusCookies.slice(n * 100, n * 100 + 100);
    return html(res, `<!doctype html><title>corpus ${n + 1}</title><p>${names.length} cookies</p>`, {
      'Set-Cookie': names.map((name) => `${name}=1; Path=/; Max-Age=31536000`),
    });
  };

  const mislabel = (req, res, p) => {
    if (p === '/' || p === '/index.html') {
      return html(
        res,
        page({
          title: 'Mislabel Ltd – Google Analytics declared as functional',
          head: `<script async src="${origins().ga}/g/collect.js?from=mislabel"></script>\n`,
          body: `<main>
  <h1>Mislabel Ltd</h1>
  <p>Its policy lists Google Analytics as a functional "site tool".</p>
  <img src="/last.gif" width="1" height="1" alt="" id="last">
</main>`,
        }),
      );
    }
    if (isPolicyPath(p)) return policyJson(res, JSON.stringify(mislabelPolicy(), null, 2));
    if (p === '/last.gif') return gif(res);
    return notFound(res);
  };

  const tcf = (req, res, p) => {
    if (p === '/' || p === '/index.html') {
      return html(res, tcfShopPage(origins()), { Link: '</tcf-disclosure.json>; rel="cookie-policy"' });
    }
    if (p === '/tcf-disclosure.json') return policyJson(res, tcfBody);
    return notFound(res);
  };

  const gtm = (req, res, p) => (p === '/gtm.js' ? js(res, GTM_JS) : p === '/gtag/js' ? js(res, GA_JS) : notFound(res));
  // The other real third parties nopolicy.test loads: a script for a .js path, else a GIF.
  const realThirdParty = (req, res, p) =>
    /\.js$|\/gtag\/js$|\/tag\//.test(p) ? js(res, `// ${requestHost(req)} stand-in (Cookie Warden demo)\n`) : gif(res);

  const ga = (req, res, p) => {
    if (p === '/g/collect.js') return js(res, GA_JS);
    if (p === '/g/collect') return gif(res);
    return notFound(res);
  };

  const lf = (req, res, p) => {
    if (p === '/lftracker.js') return js(res, LF_JS);
    if (p === '/pixel.gif') return gif(res);
    return notFound(res);
  };

  const ads = (req, res, p) => {
    if (p === '/ad.js') return js(res, AD_JS);
    if (p === '/pixel.gif') return gif(res);
    return notFound(res);
  };

  const broken = (what, policy) => (req, res, p, h) => {
    if (p === '/' || p === '/index.html') return html(res, brokenPage(h, what));
    if (isPolicyPath(p)) return policy(req, res);
    return notFound(res);
  };

  const wrongsite = broken('is for kaltiot.test, not wrongsite.test', (req, res) =>
    policyJson(res, demoPolicyBody),
  );
  const oversize = broken('is 600 KiB, over the 512 KiB limit', (req, res) => {
    if (!variants.oversizeChunked) return policyJson(res, oversizeBody);
    res.writeHead(200, {
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'max-age=3600',
    });
    for (let i = 0; i < oversizeBody.length; i += 64 * 1024) {
      res.write(oversizeBody.subarray(i, i + 64 * 1024));
    }
    res.end();
  });
  const badjson = broken('is truncated JSON', (req, res) =>
    policyJson(res, '{"version": 1,'),
  );
  const htmlpolicy = broken('is an HTML page', (req, res) =>
    send(
      res,
      200,
      'text/html; charset=utf-8',
      page({ title: 'Cookie policy', body: '<h1>Cookie policy</h1><p>We use cookies.</p>' }),
      { 'Cache-Control': 'max-age=3600' },
    ),
  );
  const slowpolicy = broken('answers only after a long delay', (req, res) => {
    const body = JSON.stringify(smallPolicy('slowpolicy.test'), null, 2);
    if (variants.slowTrickle) {
      const entry = track(req, res);
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
      res.write(' ');
      entry.bodyBytes = 1;
      const timer = setInterval(() => {
        if (res.destroyed) return;
        res.write(' ');
        entry.bodyBytes += 1;
      }, 500);
      timers.add(timer);
      res.on('close', () => {
        clearInterval(timer);
        timers.delete(timer);
      });
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!res.destroyed) policyJson(res, body);
    }, Number(variants.slowMs) || 0);
    timers.add(timer);
    res.on('close', () => {
      clearTimeout(timer);
      timers.delete(timer);
    });
  });
  const redirectSite = broken('redirects to the Kaltiot policy', (req, res) =>
    redirect(res, `${origin(HOSTS.kaltiot)}/cookie-policy.json`),
  );

  const burst = (req, res, p) => {
    if (p === '/' || p === '/index.html') return html(res, burstPage());
    if (isPolicyPath(p)) return policyJson(res, burstBody);
    return notFound(res);
  };

  const heavy = (req, res, p, h) => {
    const site = HEAVY_SITES.find((s) => hostUnder(h, s));
    if (p === '/' || p === '/index.html') return html(res, heavyPage(site, origins()));
    if (isPolicyPath(p)) return policyJson(res, heavyBody(site));
    return notFound(res);
  };

  const pixels = (req, res, p) => (p === '/pixel.gif' ? gif(res) : notFound(res));

  const claims = (req, res, p) => {
    if (p === '/' || p === '/index.html') return html(res, claimsPage(origins()));
    if (p === '/own.gif') return gif(res);
    if (isPolicyPath(p)) return policyJson(res, claimsBody);
    return notFound(res);
  };

  // 50 MB of one JSON document that never closes its string, streamed without Content-Length.
  const huge = broken('streams a 50 MB answer', (req, res) => {
    const entry = track(req, res);
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'max-age=3600' });
    const head = Buffer.from('{"version": 1, "site": "huge.test", "services": [], "padding": "');
    res.write(head);
    entry.bodyBytes = head.length;
    stream(res, entry, HUGE_BYTES, Buffer.alloc(64 * 1024, 'x'));
  });

  const flipflop = (req, res, p) => {
    if (p === '/' || p === '/index.html') return html(res, flipPage(origins()));
    if (isPolicyPath(p)) {
      flipServed += 1;
      const n = ((flipServed - 1) % FLIP_VERSIONS) + 1;
      const entry = entries.get(req);
      if (entry) entry.policyVersion = n;
      // A little slow, so that what the extension shows while a fetch is under way can be seen.
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (res.destroyed) return;
        send(res, 200, 'application/json; charset=utf-8', JSON.stringify(flipPolicy(n), null, 2), {
          'Cache-Control': 'no-store',
          'X-Policy-Version': String(n),
        });
      }, FLIP_DELAY_MS);
      timers.add(timer);
      return;
    }
    return notFound(res);
  };

  // --- pages that try to steer the extension (issue 10) ---
  const emptyBody = JSON.stringify({ version: 1, site: 'emptypolicy.test', services: [] });
  const steering = (pageOf, files) => (req, res, p, h) => {
    if (p === '/' || p === '/index.html') return html(res, ...[].concat(pageOf(h)));
    if (p === '/last.gif') return gif(res);
    if (p in files) return policyJson(res, files[p]());
    return notFound(res);
  };
  const emptypolicy = steering(
    (h) => steeringPage(h, origins(), { about: 'Publishes a valid policy that declares nothing.' }),
    { '/.well-known/cookie-policy.json': () => emptyBody },
  );
  const injected = steering(
    (h) =>
      steeringPage(h, origins(), {
        about: 'Its own well-known policy denies GA as statistics; a link in the page names a policy that calls GA functional.',
        head: '<link rel="cookie-policy" href="/injected-policy.json">\n',
      }),
    {
      '/.well-known/cookie-policy.json': () => JSON.stringify(gaPolicy('injected.test')),
      '/injected-policy.json': () => JSON.stringify(gaPolicy('injected.test', 'functional')),
    },
  );
  const brokenlink = steering(
    (h) =>
      steeringPage(h, origins(), {
        about: 'Its own well-known policy is valid; a link in the page names a broken one.',
        head: '<link rel="cookie-policy" href="/broken-policy.json">\n',
      }),
    {
      '/.well-known/cookie-policy.json': () => JSON.stringify(gaPolicy('brokenlink.test')),
      '/broken-policy.json': () => '{"version": 1,',
    },
  );
  const pointer = (req, res, p, h) => {
    if (p === '/' || p === '/index.html') {
      // A link to an address in the visitor's network, a Link header to another site.
      return html(
        res,
        steeringPage(h, origins(), {
          about: 'Names policies at 127.0.0.1 and on another site.',
          head: `<link rel="cookie-policy" href="http://127.0.0.1:${actualPort}/cookie-policy.json">\n`,
        }),
        { Link: `<${origin(HOSTS.kaltiot)}/cookie-policy.json>; rel="cookie-policy"` },
      );
    }
    if (p === '/sub') {
      // Another host of the same site, named by the page and by a header.
      return html(
        res,
        steeringPage(h, origins(), {
          about: 'Names a policy on another host of its site.',
          head: `<link rel="cookie-policy" href="${origin('sub.pointer.test')}/p.json">\n`,
        }),
        { Link: `<${origin('sub.pointer.test')}/h.json>; rel="cookie-policy"` },
      );
    }
    if (p === '/last.gif') return gif(res);
    if (p === '/p.json' || p === '/h.json') return policyJson(res, JSON.stringify(gaPolicy('pointer.test', 'functional')));
    return notFound(res);
  };
  const gpcPolicy = JSON.stringify({
    version: 1,
    site: 'gpcallow.test',
    services: [
      { id: 'stats', name: 'Stats', category: 'statistics', domains: ['gpc-cdn.test'], storage: [] },
      { id: 'widgets', name: 'Widgets', category: 'functional', domains: [GPC_WIDGET_HOST], storage: [] },
    ],
  });
  const gpcallow = (req, res, p, h) => {
    if (p === '/' || p === '/index.html') {
      return html(
        res,
        page({
          title: `${h} – an allowed subdomain of a blocked domain`,
          body: `<main>
  <h1>${escapeHtml(h)}</h1>
  <p>Its policy denies gpc-cdn.test (statistics) and allows ${GPC_WIDGET_HOST} (functional).</p>
  <img src="${origin(GPC_STATS_HOST)}/pixel.gif" width="1" height="1" alt="">
  <img src="${origin(GPC_WIDGET_HOST)}/pixel.gif" width="1" height="1" alt="">
  <img src="/last.gif" width="1" height="1" alt="" id="last">
</main>`,
        }),
      );
    }
    if (p === '/last.gif') return gif(res);
    if (isPolicyPath(p)) return policyJson(res, gpcPolicy);
    return notFound(res);
  };
  const manyKeysBody = manyKeysPolicy();
  const manykeys = steering(
    (h) => steeringPage(h, origins(), { about: `Its policy has ${MANY_KEYS} unknown keys.` }),
    { '/.well-known/cookie-policy.json': () => manyKeysBody },
  );
  const privateonly = steering(
    (h) => steeringPage(h, origins(), { about: 'Visited only in private windows.' }),
    { '/.well-known/cookie-policy.json': () => JSON.stringify(gaPolicy('privateonly.test')) },
  );

  // --- consent platforms (issue 11) ---
  const jsonBody = (value) => JSON.stringify(value);
  const scriptAnswer = (res, body, maxAge = 3600) =>
    send(res, 200, 'application/javascript; charset=utf-8', body, { 'Cache-Control': `max-age=${maxAge}` });
  const json = (res, value) => policyJson(res, jsonBody(value));
  /** OneTrust's files under `base` (a path prefix) for domain `id` with `languageFile(lang)`. */
  const oneTrustFiles = (res, p, base, id, languageFile) => {
    if (p === `${base}/scripttemplates/otSDKStub.js`) {
      const variant = new URL(res.req.url, 'https://x').searchParams.get('variant') ?? '';
      return scriptAnswer(res, oneTrustStub(languageFile('en').DomainData, { variant }), variant ? 0 : 3600);
    }
    if (p === `${base}/consent/${id}/${id}.json`) return json(res, ruleSetFile(id));
    const lang = new RegExp(`^${base}/consent/${id}/${ONETRUST.ruleSetId}/([a-z-]+)\\.json$`).exec(p)?.[1];
    if (lang === 'en' || lang === 'fi') return json(res, languageFile(lang));
    return null;
  };
  const kaltiotOt = (req, res, p) => {
    if (p === '/' || p === '/index.html') {
      return html(res, kaltiotOtHome(origins()), {
        'Set-Cookie': ['cw_lang=en; Path=/; Max-Age=31536000', 'visitor_note=1; Path=/; Max-Age=86400'],
      });
    }
    if (p === '/last.gif') return gif(res);
    if (oneTrustFiles(res, p, '/onetrust', ONETRUST.kaltiotId, kaltiotLanguageFile) !== null) return;
    return notFound(res);
  };
  const timingOwn = (req, res, p, h) => {
    const site = h.replace(/^www\./, '');
    if (p === '/' || p === '/index.html') return html(res, steeringPage(h, origins(), { about: 'A site with a small policy of its own.' }));
    if (p === '/last.gif') return gif(res);
    if (isPolicyPath(p)) return policyJson(res, JSON.stringify(gaPolicy(site)));
    return notFound(res);
  };
  const timingOneTrust = (req, res, p, h) => {
    const site = h.replace(/^www\./, '');
    if (p === '/' || p === '/index.html') {
      return html(
        res,
        steeringPage(h, origins(), {
          about: 'A site whose declaration comes from a self-hosted OneTrust.',
          head: `<script src="/onetrust/scripttemplates/otSDKStub.js" data-domain-script="${ONETRUST.kaltiotId}"></script>\n`,
        }),
      );
    }
    if (p === '/last.gif') return gif(res);
    if (oneTrustFiles(res, p, '/onetrust', ONETRUST.kaltiotId, (lang) => kaltiotLanguageFile(lang, site)) !== null) return;
    return notFound(res);
  };
  const cmpPointer = (req, res, p) => {
    if (p === '/' || p === '/index.html') return html(res, cmpPointerPage(origins()));
    if (p === '/last.gif') return gif(res);
    return notFound(res);
  };
  const cookielaw = (req, res, p) => {
    if (oneTrustFiles(res, p, '', ONETRUST.shopId, shopLanguageFile) !== null) return;
    return notFound(res);
  };
  const cookiebot = (req, res, p) => {
    if (p === '/uc.js') return scriptAnswer(res, COOKIEBOT_UC_JS);
    if (p === `/${COOKIEBOT_CBID}/cc.js`) {
      // The service answers only for the domains of the group, named by `referer`.
      const referer = new URL(req.url, 'https://x').searchParams.get('referer') ?? '';
      return scriptAnswer(res, referer === HTTPS_HOSTS.cookiebotShop ? cookiebotDeclaration() : cookiebotDomainWarning(referer), 0);
    }
    return notFound(res);
  };
  const shop = (pageOf) => (req, res, p, h) => {
    if (p === '/' || p === '/index.html') return html(res, pageOf(h));
    if (p === '/last.gif') return gif(res);
    return notFound(res);
  };
  const onetrustShopPage = shop((h) => shopPage(h, 'OneTrust', `<script src="https://cdn.cookielaw.org/scripttemplates/otSDKStub.js" data-domain-script="${ONETRUST.shopId}" charset="UTF-8"></script>`, secure));
  const onetrustShop = (req, res, p, h) => {
    // A page whose OneTrust refuses every answer (the interface throws).
    if (p === '/broken.html') {
      return html(res, shopPage(h, 'OneTrust', `<script src="https://cdn.cookielaw.org/scripttemplates/otSDKStub.js?variant=broken" data-domain-script="${ONETRUST.shopId}" charset="UTF-8"></script>`, secure));
    }
    return onetrustShopPage(req, res, p, h);
  };
  // A page that tries to steer the extension through ADPC and the banner relay (issue 15).
  const hostileAdpc = (req, res, p, h) => {
    if (p === '/' || p === '/index.html') {
      const other = `http://${HOSTS.kaltiot}:${actualPort}`;
      const many = Array.from({ length: 100 }, (_, i) => ({ id: `r${i}`, text: `Request ${i}` }));
      const requests = [{ id: 'x1', text: '<img src=x onerror="window.__pwned=1">' }, { id: 'bad id', text: 'dropped' }, ...many];
      return html(
        res,
        page({
          title: `${h} – a page that names other sites and forges reports`,
          head: `<link rel="consent-requests" href="${other}/stolen-link.json">\n`,
          body: `<main><h1>${escapeHtml(h)}</h1></main>
<script>
  if (navigator.dataProtectionControl) navigator.dataProtectionControl.request(${JSON.stringify(requests)});
  setTimeout(function () {
    document.dispatchEvent(new CustomEvent('cookie-warden:extension', { detail: JSON.stringify({
      type: 'bannerOutcome', seq: 'forged', outcome: { kind: 'failed', platform: null, cmp: '<b>' + 'A'.repeat(500) } }) }));
  }, 500);
</script>`,
        }),
        { Link: `<${other}/stolen-header.json>; rel="consent-requests"` },
      );
    }
    return notFound(res);
  };
  const bannerShop = (req, res, p, h) => {
    if (p === '/' || p === '/index.html') {
      return html(
        res,
        page({
          title: `${h} – a shop with a TermsFeed-style banner`,
          body: `<main><h1>${escapeHtml(h)}</h1><p>A shop whose cookie banner has no interface to answer through.</p><p><a id="next" href="/next.html">Next page</a></p><img src="/last.gif" width="1" height="1" alt="" id="last"></main>\n${termsFeedBanner()}`,
        }),
      );
    }
    if (p === '/next.html') return html(res, page({ title: 'Next', body: '<main><h1>Next page</h1></main>' }));
    if (p === '/last.gif') return gif(res);
    return notFound(res);
  };
  // A site that publishes ADPC consent requests: in a Link header on its pages, and through
  // navigator.dataProtectionControl.request() from its script.
  const adpcShop = (req, res, p, h) => {
    if (p === '/' || p === '/index.html') {
      return html(
        res,
        page({
          title: `${h} – a shop that asks for consent through ADPC`,
          head: '<link rel="consent-requests" href="/partner-requests.json">\n',
          body: `<main><h1>${escapeHtml(h)}</h1><p>Asks for consent with ADPC.</p><output id="decisions"></output><img src="/last.gif" width="1" height="1" alt="" id="last"></main>
<script>
  window.__adpc = null;
  if (navigator.dataProtectionControl) {
    navigator.dataProtectionControl.request(${JSON.stringify(ADPC_REQUESTS.js)}).then(function (d) {
      window.__adpc = d;
      document.getElementById('decisions').textContent = JSON.stringify(d);
    });
    window.__adpcChanges = [];
    navigator.dataProtectionControl.addEventListener('decisionchange', function (e) {
      window.__adpcChanges.push(e.userDecisions);
    });
  }
</script>`,
        }),
        { Link: '</consent-requests.json>; rel="consent-requests"' },
      );
    }
    if (p === '/consent-requests.json') return policyJson(res, JSON.stringify({ consentRequests: ADPC_REQUESTS.resource }));
    // The object form (the specification's informative example), linked from the page.
    if (p === '/partner-requests.json') {
      return policyJson(res, JSON.stringify({ consentRequests: Object.fromEntries(ADPC_REQUESTS.link.map((r) => [r.id, r.text])) }));
    }
    if (p === '/last.gif') return gif(res);
    return notFound(res);
  };
  const cookiebotShop = shop((h) => shopPage(h, 'Cookiebot', `<script id="Cookiebot" src="https://consent.cookiebot.com/uc.js" data-cbid="${COOKIEBOT_CBID}" data-blockingmode="auto"></script>`, secure));
  // The other platforms' scripts, under their real names (Complianz's on the site).
  const cmpScript = (file, body) => (req, res, p) => (p === file ? scriptAnswer(res, body, 0) : notFound(res));
  const usercentrics = cmpScript('/ui/loader.js', USERCENTRICS_JS);
  const didomi = cmpScript('/0000aaaa-demo-key/loader.js', DIDOMI_JS);
  const cookieyes = cmpScript('/client_data/0000cky0demo/script.js', COOKIEYES_JS);
  const usercentricsShop = shop((h) => shopPage(h, 'Usercentrics', '<script id="usercentrics-cmp" src="https://web.cmp.usercentrics.eu/ui/loader.js" data-settings-id="demoSettings01" async></script>', secure));
  const didomiShop = shop((h) => shopPage(h, 'Didomi', '<script>window.didomiOnReady = window.didomiOnReady || [];</script><script src="https://sdk.privacy-center.org/0000aaaa-demo-key/loader.js?target=www.didomi-shop.test" async></script>', secure));
  // The site's own script after CookieYes' is slow, as on many real pages: CookieYes' interface
  // is there well before its banner (drawn once the body is parsed), which must be waited for.
  const cookieyesShopPage = shop((h) =>
    shopPage(h, 'CookieYes', '<script id="cookieyes" src="https://cdn-cookieyes.com/client_data/0000cky0demo/script.js"></script>\n<script src="/theme.js"></script>', secure),
  );
  const cookieyesShop = (req, res, p, h) => {
    if (p !== '/theme.js') return cookieyesShopPage(req, res, p, h);
    setTimeout(() => scriptAnswer(res, '// the shop\'s theme (Cookie Warden tests): slow to arrive, does nothing\n', 0), 600);
  };
  const complianzShopPage = shop((h) => shopPage(h, 'Complianz', '<script src="/wp-content/plugins/complianz-gdpr/cookiebanner/js/complianz.min.js"></script>', secure));
  const complianzShop = (req, res, p, h) =>
    p === '/wp-content/plugins/complianz-gdpr/cookiebanner/js/complianz.min.js' ? scriptAnswer(res, COMPLIANZ_JS, 0) : complianzShopPage(req, res, p, h);
  const shopTrackers = (req, res, p) => {
    if (p === '/pixel.gif' || p === '/m.gif') return gif(res);
    if (p === '/frame.html') {
      // An embedded ad widget that stores its cookie in the embedding site's partition (CHIPS;
      // Firefox partitions third-party cookies whatever the attribute).
      return html(res, '<!doctype html><title>ad widget</title><p>Ad widget</p>', {
        'Set-Cookie': 'ad_chip=W1; Path=/; Max-Age=2592000; Secure; SameSite=None; Partitioned',
      });
    }
    if (p === '/own.html') {
      // The widget's own site, visited directly: its unpartitioned cookie.
      return html(res, '<!doctype html><title>ad network</title><p>The ad network’s own page</p>', {
        'Set-Cookie': 'ad_chip=OWN; Path=/; Max-Age=2592000; Secure; SameSite=None',
      });
    }
    return notFound(res);
  };

  // Which site answers for a host: [domain, handler]; the domain and its subdomains match.
  const sites = [
    ['kaltiot.test', kaltiot],
    ['nopolicy.test', nopolicy],
    ...Array.from({ length: CORPUS_HOSTS }, (_, i) => [`corpus${i + 1}.test`, corpus]),
    ['tcf-shop.test', tcf],
    ['mislabel.test', mislabel],
    ['googletagmanager.com', gtm],
    ['google-analytics.com', ga],
    ['analytics.google.com', ga],
    ['google-analytics.test', ga],
    ['lfeeder.com', lf],
    ['leadfeeder.com', lf],
    ...NOPOLICY_THIRD_PARTIES.trackers
      .concat(NOPOLICY_THIRD_PARTIES.needed)
      .filter(([h]) => !/googletagmanager|google-analytics|lfeeder|cookielaw/.test(h))
      .map(([h]) => [h, realThirdParty]),
    ['adserver.test', ads],
    ['wrongsite.test', wrongsite],
    ['oversize.test', oversize],
    ['badjson.test', badjson],
    ['htmlpolicy.test', htmlpolicy],
    ['slowpolicy.test', slowpolicy],
    ['redirect.test', redirectSite],
    ['burst.test', burst],
    ...HEAVY_SITES.map((site) => [site, heavy]),
    ['heavy-cdn.test', pixels],
    ['flip-cdn.test', pixels],
    ['claims.test', claims],
    ['huge.test', huge],
    ['flipflop.test', flipflop],
    ['emptypolicy.test', emptypolicy],
    ['injected.test', injected],
    ['brokenlink.test', brokenlink],
    ['pointer.test', pointer],
    ['gpcallow.test', gpcallow],
    ['gpc-cdn.test', pixels],
    ['manykeys.test', manykeys],
    ['privateonly.test', privateonly],
    ['kaltiot-ot.test', kaltiotOt],
    ['cmp-pointer.test', cmpPointer],
    ...TIMING_SITES.own.map((site) => [site, timingOwn]),
    ...TIMING_SITES.oneTrust.map((site) => [site, timingOneTrust]),
    ['cookielaw.org', cookielaw],
    ['cookiebot.com', cookiebot],
    ['onetrust-shop.test', onetrustShop],
    ['cookiebot-shop.test', cookiebotShop],
    ['banner-shop.test', bannerShop],
    ['usercentrics.eu', usercentrics],
    ['privacy-center.org', didomi],
    ['cdn-cookieyes.com', cookieyes],
    ['uc-shop.test', usercentricsShop],
    ['didomi-shop.test', didomiShop],
    ['cky-shop.test', cookieyesShop],
    ['cmplz-shop.test', complianzShop],
    ['adpc-shop.test', adpcShop],
    ['hostile-adpc.test', hostileAdpc],
    ['cmp-metrics.test', shopTrackers],
    ['cmp-ads.test', shopTrackers],
  ];

  const handle = (req, res) => {
    const h = requestHost(req);
    const entry = {
      time: Date.now(),
      scheme: req.secure ? 'https' : 'http',
      host: h,
      method: req.method,
      path: req.url,
      referer: req.headers.referer ?? null,
      origin: req.headers.origin ?? null,
      cookie: req.headers.cookie ?? null,
      userAgent: req.headers['user-agent'] ?? null,
      // Who asked: a page's document, script or image, or the extension's own fetch.
      fetchDest: req.headers['sec-fetch-dest'] ?? null,
      fetchSite: req.headers['sec-fetch-site'] ?? null,
      // Global Privacy Control, as the browser sent it.
      gpc: req.headers['sec-gpc'] ?? null,
      // The Advanced Data Protection Control signal, as the browser sent it.
      adpc: req.headers.adpc ?? null,
      // What the client asked for (a navigation asks for HTML first).
      accept: req.headers.accept ?? null,
      // Validators of a cached answer, had the client kept one.
      ifNoneMatch: req.headers['if-none-match'] ?? null,
      ifModifiedSince: req.headers['if-modified-since'] ?? null,
    };
    // Logged before anything is answered: a request that is not in the log never arrived.
    log.push(entry);
    entries.set(req, entry);
    if (logFile) {
      try {
        fs.appendFileSync(logFile, JSON.stringify(entry) + '\n');
      } catch (err) {
        if (!quiet) console.error(`cannot write ${logFile}: ${err.message}`);
      }
    }
    if (!quiet) console.log(`${new Date(entry.time).toISOString()} ${req.method} http://${h}${req.url}`);

    // Drain any request body (POST beacons) so the connection stays usable.
    req.resume();

    if (!['GET', 'HEAD', 'POST'].includes(req.method)) {
      return send(res, 405, 'text/plain; charset=utf-8', 'Method not allowed\n', { Allow: 'GET, HEAD, POST' });
    }
    let pathname;
    try {
      pathname = new URL(req.url, 'http://x').pathname;
    } catch {
      return send(res, 400, 'text/plain; charset=utf-8', 'Bad request\n');
    }
    const site = sites.find(([domain]) => hostUnder(h, domain));
    if (!site) return notFound(res, `Unknown host ${h || '(none)'}`);
    try {
      site[1](req, res, pathname, h);
    } catch (err) {
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', `Server error: ${err.message}\n`);
      else res.destroy(err);
    }
  };

  const listen = (srv, p) =>
    new Promise((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(p, host, () => {
        srv.off('error', reject);
        resolve();
      });
    });
  const server = http.createServer(handle);
  await listen(server, port);
  actualPort = server.address().port;
  // https always: the real host names are served over it (on tls.port, else any free port).
  const { key, cert } = tls?.key ? tls : makeCertificate(['*.test', ...REAL_HOSTS, ...Object.values(HTTPS_HOSTS)]);
  const secureServer = https.createServer({ key, cert }, (req, res) => {
    req.secure = true;
    handle(req, res);
  });
  await listen(secureServer, tls?.port ?? 0);
  securePort = secureServer.address().port;

  return {
    port: actualPort,
    /** The https listener's port (443 when asked for, as the consent platforms' names need). */
    securePort,
    host,
    url: (h, p = '/') => `http://${h}:${actualPort}${p.startsWith('/') ? p : '/' + p}`,
    /** The https address of a page (with the `tls` option). */
    secureUrl: (h, p = '/') => `${secure(h)}${p.startsWith('/') ? p : '/' + p}`,
    log,
    /** Every address (host + path) a page named as its policy or consent requests. */
    named: () => new Set(named),
    requestsTo: (suffix) => {
      const s = String(suffix).toLowerCase().replace(/^\./, '');
      return log.filter((e) => hostUnder(e.host, s));
    },
    clearLog: () => {
      log.length = 0;
    },
    setVariant: (name, value) => {
      if (!Object.hasOwn(VARIANT_DEFAULTS, name)) {
        throw new Error(`unknown variant ${name}; known: ${Object.keys(VARIANT_DEFAULTS).join(', ')}`);
      }
      variants[name] = value === undefined ? VARIANT_DEFAULTS[name] : value;
    },
    close: () =>
      new Promise((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        let open = secureServer ? 2 : 1;
        const done = () => {
          open -= 1;
          if (open === 0) resolve();
        };
        server.close(done);
        server.closeAllConnections();
        if (secureServer) {
          secureServer.close(done);
          secureServer.closeAllConnections();
        }
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// Command line

function parseArgs(argv) {
  const opts = { port: 8080, host: '127.0.0.1', quiet: false, logFile: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--port') opts.port = Number(value());
    else if (a.startsWith('--port=')) opts.port = Number(a.slice(7));
    else if (a === '--host') opts.host = value();
    else if (a.startsWith('--host=')) opts.host = a.slice(7);
    else if (a === '--log') opts.logFile = path.resolve(value());
    else if (a.startsWith('--log=')) opts.logFile = path.resolve(a.slice(6));
    else if (a === '--quiet') opts.quiet = true;
    else if (a === '--help' || a === '-h') opts.help = true;
    else throw new Error(`unknown argument ${a}`);
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) {
    throw new Error('--port needs a number from 0 to 65535');
  }
  return opts;
}

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`demo/server.mjs: ${err.message}`);
    process.exit(2);
  }
  if (opts.help) {
    console.log('usage: node demo/server.mjs [--port 8080] [--host 127.0.0.1] [--log FILE] [--quiet]');
    return;
  }
  const srv = await startDemoServer(opts);
  console.log(`listening on http://${opts.host}:${srv.port} and https://${opts.host}:${srv.securePort}`);
  console.log(`real host names served over https (map them too): ${REAL_HOSTS.join(', ')}`);
  console.log('sites (map *.test to 127.0.0.1 in the browser, e.g. Chromium');
  console.log('  --host-resolver-rules="MAP *.test 127.0.0.1"):');
  const width = Math.max(...Object.keys(HOSTS).map((k) => k.length));
  for (const [key, h] of Object.entries(HOSTS)) {
    console.log(`  ${key.padEnd(width)}  ${srv.url(h)}`);
  }
  if (opts.logFile) console.log(`appending requests as JSON lines to ${opts.logFile}`);
  const stop = () => {
    srv.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

const invokedPath = process.argv[1] ? path.resolve(process.argv[1]) : null;
const thisPath = fileURLToPath(import.meta.url);
function sameFile(a, b) {
  try {
    return fs.realpathSync(a) === fs.realpathSync(b);
  } catch {
    return a === b;
  }
}
if (invokedPath && sameFile(invokedPath, thisPath)) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
