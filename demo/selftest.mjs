// Self-test of the demo server: node --test demo/selftest.mjs
// Starts the server in-process on a free port and fetches every route with the Host header set,
// as a browser with `MAP *.test 127.0.0.1` would.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  startDemoServer,
  HOSTS,
  buildDemoPolicy,
  HEAVY_SITES,
  HEAVY_ALLOWED_TRACKER,
  HEAVY_DENIED_TRACKER,
  EXTRA_HOSTS,
  flipTracker,
  REAL_HOSTS,
  NOPOLICY_THIRD_PARTIES,
} from './server.mjs';

let srv;

/** GET (or another method) http://127.0.0.1:PORT{path} with the given Host. */
function get(host, urlPath = '/', { port = srv.port, method = 'GET', headers = {}, timeout = 10000 } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: urlPath,
        method,
        headers: { Host: `${host}:${port}`, ...headers },
        agent: false,
        timeout,
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode, headers: res.headers, body, text: body.toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

before(async () => {
  srv = await startDemoServer({ port: 0 });
  assert.ok(srv.port > 0);
});

after(async () => {
  await srv.close();
});

test('url() builds http URLs with the port', () => {
  assert.equal(srv.url(HOSTS.kaltiot), `http://www.kaltiot.test:${srv.port}/`);
  assert.equal(srv.url(HOSTS.gaStandIn, '/g/collect.js'), `http://www.google-analytics.test:${srv.port}/g/collect.js`);
  assert.equal(srv.secureUrl(HOSTS.ga, '/g/collect.js'), `https://www.google-analytics.com:${srv.securePort}/g/collect.js`);
});

test('HOSTS names every site under .test, but the seed site\'s third parties by their real names', () => {
  const real = ['gtm', 'ga', 'lf'];
  for (const [key, host] of Object.entries(HOSTS)) {
    if (!real.includes(key)) assert.match(host, /^[a-z0-9.-]+\.test$/, key);
  }
  assert.equal(HOSTS.kaltiot, 'www.kaltiot.test');
  assert.equal(HOSTS.nopolicy, 'www.nopolicy.test');
  assert.equal(HOSTS.tcf, 'www.tcf-shop.test');
  assert.equal(HOSTS.gtm, 'www.googletagmanager.com');
  assert.equal(HOSTS.ga, 'www.google-analytics.com');
  assert.equal(HOSTS.lf, 'sc.lfeeder.com');
  for (const host of [HOSTS.gtm, HOSTS.ga, HOSTS.lf]) assert.ok(REAL_HOSTS.includes(host), host);
});

test('Kaltiot home page: policy link, trackers, beacon, cookies', async () => {
  for (const host of [HOSTS.kaltiot, HOSTS.kaltiotBare]) {
    const r = await get(host, '/');
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(r.headers['cache-control'], 'no-store');
    assert.deepEqual(r.headers['set-cookie'], [
      'cw_lang=en; Path=/; Max-Age=31536000',
      'visitor_note=1; Path=/; Max-Age=86400',
    ]);
    assert.equal(r.headers.link, undefined);
    assert.match(r.text, /<link rel="cookie-policy" href="\/cookie-policy\.json">/);
    const p = srv.securePort;
    assert.ok(r.text.includes(`<script src="https://www.googletagmanager.com:${p}/gtm.js?id=GTM-DEMO"></script>`));
    assert.ok(r.text.includes(`<script async src="https://www.google-analytics.com:${p}/g/collect.js"></script>`));
    assert.ok(r.text.includes(`<script async src="https://sc.lfeeder.com:${p}/lftracker.js"></script>`));
    assert.ok(r.text.includes(`<img src="https://www.google-analytics.com:${p}/g/collect?beacon=page" width="1" height="1" alt=""`));
    assert.match(r.text, /Cookie settings/);
    assert.match(r.text, /href="\/cookie-policy-eu\/"/);
  }
});

test('Kaltiot demo policy at both addresses', async () => {
  for (const [host, p] of [
    [HOSTS.kaltiot, '/cookie-policy.json'],
    [HOSTS.kaltiot, '/.well-known/cookie-policy.json'],
    [HOSTS.kaltiotBare, '/.well-known/cookie-policy.json'],
  ]) {
    const r = await get(host, p);
    assert.equal(r.status, 200, `${host}${p}`);
    assert.equal(r.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(r.headers['cache-control'], 'max-age=3600');
    const policy = JSON.parse(r.text);
    assert.equal(policy.version, 1);
    assert.equal(policy.site, 'kaltiot.test');
    // The https links are kept, since the format accepts only https.
    assert.equal(policy.policyUrl, 'https://www.kaltiot.com/cookie-policy-eu/');
    assert.equal(policy.controller.url, 'https://www.kaltiot.com/');
    const ids = policy.services.map((s) => s.id);
    assert.deepEqual(ids, ['kaltiot-site', 'google-tag-manager', 'google-analytics-4', 'leadfeeder']);
    const byId = Object.fromEntries(policy.services.map((s) => [s.id, s]));
    assert.equal(byId['kaltiot-site'].category, 'functional');
    assert.deepEqual(byId['kaltiot-site'].storage.map((e) => [e.name, e.maxAgeSeconds]), [['cw_lang', 31536000]]);
    assert.deepEqual(byId['google-tag-manager'].domains, ['googletagmanager.com']);
    assert.deepEqual(byId['google-analytics-4'].domains, ['google-analytics.com', 'analytics.google.com']);
    assert.deepEqual(byId.leadfeeder.domains, ['leadfeeder.com', 'lfeeder.com']);
    const names = policy.services.flatMap((s) => (s.storage ?? []).map((e) => e.name));
    assert.ok(!names.includes('visitor_note'), 'visitor_note stays undeclared');
    assert.deepEqual(policy, buildDemoPolicy());
  }
});

test('Kaltiot human-readable policy page', async () => {
  const r = await get(HOSTS.kaltiot, '/cookie-policy-eu/');
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-type'], 'text/html; charset=utf-8');
  for (const s of [
    'Google Tag Manager',
    'Google Analytics 4',
    'Leadfeeder',
    '<code>_ga</code>',
    '<code>_ga_*</code>',
    '<code>_lfa</code>',
    '2 years',
    'Kaltiot Technologies Oy',
    'Svaanintie 4 A2, 90230 Oulu, Finland',
    'privacy@kaltiot.com',
    'Your rights',
  ]) {
    assert.ok(r.text.includes(s), s);
  }
  const redirect = await get(HOSTS.kaltiot, '/cookie-policy-eu');
  assert.equal(redirect.status, 301);
  assert.equal(redirect.headers.location, '/cookie-policy-eu/');
});

test('variant kaltiotPolicy replaces the demo policy', async () => {
  srv.setVariant('kaltiotPolicy', { version: 1, site: 'kaltiot.test', services: [] });
  try {
    const r = await get(HOSTS.kaltiot, '/cookie-policy.json');
    assert.deepEqual(JSON.parse(r.text).services, []);
  } finally {
    srv.setVariant('kaltiotPolicy', null);
  }
  const r = await get(HOSTS.kaltiot, '/cookie-policy.json');
  assert.equal(JSON.parse(r.text).services.length, 4);
});

test('tracker stand-ins: scripts and pixels', async () => {
  const scripts = [
    [HOSTS.gtm, '/gtm.js?id=GTM-DEMO', /dataLayer/],
    ['region1.google-analytics.test', '/g/collect.js', /_ga_DEMO123=/],
    [HOSTS.ga, '/g/collect.js', /document\.cookie = "_ga=GA1\.1\.123\.456; path=\/; max-age=63072000"/],
    [HOSTS.lf, '/lftracker.js', /document\.cookie = "_lfa=LF1\.1\.abc; path=\/; max-age=63072000"/],
    [HOSTS.ads, '/ad.js', /shop_ad_id=/],
  ];
  for (const [host, p, re] of scripts) {
    const r = await get(host, p);
    assert.equal(r.status, 200, `${host}${p}`);
    assert.equal(r.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(r.headers['cache-control'], 'no-store');
    assert.match(r.text, re);
    if (!p.startsWith('/gtm')) assert.match(r.text, /document\.currentScript\.src/);
  }
  for (const [host, p] of [
    [HOSTS.ga, '/g/collect?v=2&tid=G-DEMO'],
    [HOSTS.ga, '/g/collect?beacon=page'],
    [HOSTS.lf, '/pixel.gif'],
    [HOSTS.ads, '/pixel.gif?slot=shop'],
  ]) {
    const r = await get(host, p);
    assert.equal(r.status, 200, `${host}${p}`);
    assert.equal(r.headers['content-type'], 'image/gif');
    assert.equal(r.body.subarray(0, 6).toString('latin1'), 'GIF89a');
    assert.equal(r.body.readUInt16LE(6), 1); // width
    assert.equal(r.body.readUInt16LE(8), 1); // height
  }
  const missing = await get(HOSTS.ga, '/');
  assert.equal(missing.status, 404);
});

test('nopolicy site: no policy anywhere, real trackers and the hosts pages need', async () => {
  const r = await get(HOSTS.nopolicy, '/');
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-type'], 'text/html; charset=utf-8');
  assert.equal(r.headers.link, undefined);
  assert.doesNotMatch(r.text, /rel="cookie-policy"/);
  for (const [host, p] of [...NOPOLICY_THIRD_PARTIES.trackers, ...NOPOLICY_THIRD_PARTIES.needed]) {
    assert.ok(r.text.includes(`https://${host}:${srv.securePort}${p}`), `${host}${p}`);
    assert.equal((await get(host, p)).status, 200, `${host}${p} answers`);
  }
  assert.match(String(r.headers['set-cookie']), /sessionid=/);
  for (const host of [HOSTS.nopolicy, 'nopolicy.test']) {
    for (const p of ['/.well-known/cookie-policy.json', '/cookie-policy.json']) {
      assert.equal((await get(host, p)).status, 404, `${host}${p}`);
    }
  }
});

test('TCF shop: Link header and disclosure file', async () => {
  const r = await get(HOSTS.tcf, '/');
  assert.equal(r.status, 200);
  assert.equal(r.headers.link, '</tcf-disclosure.json>; rel="cookie-policy"');
  assert.doesNotMatch(r.text, /<link rel="cookie-policy"/);
  assert.ok(r.text.includes(`http://ads.adserver.test:${srv.port}/ad.js`));
  const d = await get(HOSTS.tcf, '/tcf-disclosure.json');
  assert.equal(d.status, 200);
  assert.equal(d.headers['content-type'], 'application/json; charset=utf-8');
  assert.equal(d.headers['cache-control'], 'max-age=3600');
  const json = JSON.parse(d.text);
  assert.ok(Array.isArray(json.disclosures));
  const shop = json.disclosures.find((x) => x.identifier === 'shop_ad_id');
  assert.equal(shop.type, 'cookie');
  assert.equal(shop.maxAgeSeconds, 7776000);
  assert.equal(shop.domain, undefined, 'shop_ad_id lives on the shop site');
  assert.deepEqual(json.domains.map((x) => x.domain), ['adserver.test']);
  assert.equal((await get(HOSTS.tcf, '/.well-known/cookie-policy.json')).status, 404);
});

test('broken-policy sites', async () => {
  for (const key of ['wrongsite', 'oversize', 'badjson', 'htmlpolicy', 'slowpolicy', 'redirect']) {
    const r = await get(HOSTS[key], '/');
    assert.equal(r.status, 200, key);
    assert.equal(r.headers['content-type'], 'text/html; charset=utf-8');
    assert.match(r.text, /<script>document\.cookie = "_ga=GA1\.1\.123\.456; path=\/; max-age=63072000";<\/script>/);
    assert.doesNotMatch(r.text, /rel="cookie-policy"/);
    assert.equal(r.headers.link, undefined);
  }
  const wp = '/.well-known/cookie-policy.json';

  const wrong = await get(HOSTS.wrongsite, wp);
  assert.equal(wrong.status, 200);
  assert.equal(wrong.headers['content-type'], 'application/json; charset=utf-8');
  assert.equal(JSON.parse(wrong.text).site, 'kaltiot.test');

  const over = await get(HOSTS.oversize, wp);
  assert.equal(over.status, 200);
  assert.equal(over.headers['content-type'], 'application/json; charset=utf-8');
  assert.equal(over.body.length, 600 * 1024);
  assert.equal(over.headers['content-length'], String(600 * 1024));
  assert.equal(JSON.parse(over.text).site, 'oversize.test');
  srv.setVariant('oversizeChunked', true);
  try {
    const chunked = await get(HOSTS.oversize, wp);
    assert.equal(chunked.headers['content-length'], undefined);
    assert.equal(chunked.headers['transfer-encoding'], 'chunked');
    assert.equal(chunked.body.length, 600 * 1024);
  } finally {
    srv.setVariant('oversizeChunked', undefined);
  }

  const bad = await get(HOSTS.badjson, wp);
  assert.equal(bad.status, 200);
  assert.equal(bad.headers['content-type'], 'application/json; charset=utf-8');
  assert.equal(bad.text, '{"version": 1,');
  assert.throws(() => JSON.parse(bad.text));

  const htmlp = await get(HOSTS.htmlpolicy, wp);
  assert.equal(htmlp.status, 200);
  assert.equal(htmlp.headers['content-type'], 'text/html; charset=utf-8');
  assert.match(htmlp.text, /^<!doctype html>/);

  const redir = await get(HOSTS.redirect, wp);
  assert.equal(redir.status, 302);
  assert.equal(redir.headers.location, `http://www.kaltiot.test:${srv.port}/cookie-policy.json`);
});

test('slow policy: delay set by setVariant("slowMs")', async () => {
  srv.setVariant('slowMs', 300);
  try {
    srv.clearLog();
    const started = Date.now();
    const pending = get(HOSTS.slowpolicy, '/.well-known/cookie-policy.json');
    // The request is logged on arrival, well before it is answered.
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(srv.requestsTo('slowpolicy.test').length, 1);
    const r = await pending;
    assert.ok(Date.now() - started >= 290, `answered after ${Date.now() - started} ms`);
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(JSON.parse(r.text).site, 'slowpolicy.test');
  } finally {
    srv.setVariant('slowMs', undefined);
  }
  // The default is 15 s: nothing within half a second.
  await assert.rejects(get(HOSTS.slowpolicy, '/.well-known/cookie-policy.json', { timeout: 500 }), /timeout|socket hang up/);
});

test('close() does not wait for a pending slow answer', async () => {
  const other = await startDemoServer({ port: 0 });
  const pending = get(HOSTS.slowpolicy, '/.well-known/cookie-policy.json', { port: other.port }).catch((e) => e);
  while (other.log.length === 0) await new Promise((r) => setTimeout(r, 10));
  const started = Date.now();
  await other.close();
  assert.ok(Date.now() - started < 2000);
  assert.ok((await pending) instanceof Error);
});

test('hostile and heavy sites', async () => {
  const wp = '/.well-known/cookie-policy.json';
  const burst = await get(HOSTS.burst, '/');
  assert.match(burst.text, /window\.burst = function/);
  assert.match(burst.text, /window\.resetLoop = function/);
  const burstPolicy = JSON.parse((await get(HOSTS.burst, wp)).text);
  assert.deepEqual(burstPolicy.services.map((sv) => [sv.category, sv.storage.length]), [['functional', 1000], ['statistics', 1001]]);

  for (const site of [HEAVY_SITES[0], HEAVY_SITES[29]]) {
    const page = await get(`www.${site}`, '/');
    assert.ok(page.text.includes(`${HEAVY_ALLOWED_TRACKER}:${srv.port}/pixel.gif?from=${site}`));
    assert.ok(page.text.includes(`${HEAVY_DENIED_TRACKER}:${srv.port}/pixel.gif?from=${site}`));
    const policy = await get(site, wp);
    assert.ok(policy.body.length < 512 * 1024, `${policy.body.length} bytes`);
    const json = JSON.parse(policy.text);
    assert.equal(json.site, site);
    assert.equal(json.services.length, 1000);
    assert.equal(json.services.reduce((n, sv) => n + sv.storage.length, 0), 5000);
  }
  assert.equal((await get(HEAVY_DENIED_TRACKER, '/pixel.gif')).status, 200);
  assert.ok(EXTRA_HOSTS.includes(`www.${HEAVY_SITES[29]}`) && EXTRA_HOSTS.includes(flipTracker(8)));

  const claims = JSON.parse((await get(HOSTS.claims, wp)).text);
  assert.deepEqual(claims.services[0].domains.slice(0, 2), ['kaltiot.test', 'claims.test']);
  assert.equal((await get(HOSTS.claims, '/own.gif')).status, 200);

  srv.clearLog();
  const versions = [];
  for (let i = 0; i < 3; i++) {
    const r = await get(HOSTS.flipflop, wp);
    assert.equal(r.headers['cache-control'], 'no-store');
    versions.push(JSON.parse(r.text).services[0].id);
  }
  assert.deepEqual(versions, ['flip-1', 'flip-2', 'flip-3']);
  assert.deepEqual(srv.log.map((e) => e.policyVersion), [1, 2, 3]);
});

test('a 50 MB answer stops when the client goes away; a trickle never ends', async () => {
  srv.clearLog();
  await new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port: srv.port, path: '/.well-known/cookie-policy.json', headers: { Host: HOSTS.huge }, agent: false }, (res) => {
      let got = 0;
      res.on('data', (chunk) => {
        got += chunk.length;
        if (got > 1024 * 1024) req.destroy();
      });
    });
    req.on('close', resolve);
    req.on('error', () => {});
    req.end();
  });
  const entry = srv.log[0];
  for (let i = 0; i < 50 && !entry.closedAt; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(entry.finished, false);
  assert.ok(entry.closedAt, 'the server saw the connection close');
  assert.ok(entry.bodyBytes < 20 * 1024 * 1024, `${entry.bodyBytes} bytes sent`);

  srv.setVariant('slowTrickle', true);
  try {
    // Headers at once, then a byte every 500 ms: after 1.2 s a few bytes and no end.
    const seen = await new Promise((resolve) => {
      const req = http.request({ host: '127.0.0.1', port: srv.port, path: '/.well-known/cookie-policy.json', headers: { Host: HOSTS.slowpolicy }, agent: false }, (res) => {
        let bytes = 0;
        let ended = false;
        res.on('data', (chunk) => (bytes += chunk.length));
        res.on('end', () => (ended = true));
        setTimeout(() => {
          req.destroy();
          resolve({ status: res.statusCode, bytes, ended });
        }, 1200);
      });
      req.on('error', () => {});
      req.end();
    });
    assert.equal(seen.status, 200);
    assert.equal(seen.ended, false);
    assert.ok(seen.bytes >= 2 && seen.bytes <= 4, `${seen.bytes} bytes in 1.2 s`);
  } finally {
    srv.setVariant('slowTrickle', undefined);
  }
});

test('unknown host and unknown path', async () => {
  const r = await get('www.unknown.test', '/');
  assert.equal(r.status, 404);
  assert.equal(r.headers['content-type'], 'text/plain; charset=utf-8');
  assert.equal((await get(HOSTS.kaltiot, '/no-such-page')).status, 404);
});

test('the https listener serves the real host names', async () => {
  const r = await new Promise((resolve, reject) => {
    const req = https.request(
      { host: '127.0.0.1', port: srv.securePort, path: '/g/collect.js', servername: HOSTS.ga, headers: { Host: HOSTS.ga }, rejectUnauthorized: false },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode, text }));
      },
    );
    req.on('error', reject);
    req.end();
  });
  assert.equal(r.status, 200);
  assert.match(r.text, /_ga=/);
  assert.equal(srv.log.at(-1).scheme, 'https');
});

test('requests are logged with their details', async () => {
  srv.clearLog();
  const logRef = srv.log;
  await get(HOSTS.kaltiot, '/cookie-policy.json?x=1', {
    headers: { Referer: 'http://www.kaltiot.test/', Origin: 'http://www.kaltiot.test', Cookie: 'cw_lang=en', 'User-Agent': 'selftest' },
  });
  await get(HOSTS.gaStandIn, '/g/collect?v=2&tid=G-DEMO');
  await get('region1.google-analytics.test', '/g/collect');
  await get('xgoogle-analytics.test', '/');
  assert.equal(srv.log, logRef);
  assert.equal(srv.log.length, 4);
  const [first] = srv.log;
  assert.equal(first.host, 'www.kaltiot.test', 'port stripped');
  assert.equal(first.method, 'GET');
  assert.equal(first.path, '/cookie-policy.json?x=1');
  assert.equal(first.referer, 'http://www.kaltiot.test/');
  assert.equal(first.origin, 'http://www.kaltiot.test');
  assert.equal(first.cookie, 'cw_lang=en');
  assert.equal(first.userAgent, 'selftest');
  assert.equal(typeof first.time, 'number');
  assert.deepEqual(srv.requestsTo('google-analytics.test').map((e) => e.host), [
    'www.google-analytics.test',
    'region1.google-analytics.test',
  ]);
  assert.equal(srv.requestsTo('www.kaltiot.test').length, 1);
  assert.equal(srv.requestsTo('kaltiot.test').length, 1);
  assert.equal(srv.requestsTo('lfeeder.test').length, 0);
  srv.clearLog();
  assert.equal(srv.log.length, 0);
  assert.equal(srv.log, logRef, 'clearLog keeps the same array');
});

test('setVariant refuses unknown names', () => {
  assert.throws(() => srv.setVariant('slowMS', 1), /unknown variant/);
});

test('command line: prints where it listens and appends a JSON-lines log', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-demo-'));
  const logFile = path.join(dir, 'requests.jsonl');
  const serverPath = fileURLToPath(new URL('./server.mjs', import.meta.url));
  const child = spawn(process.execPath, [serverPath, '--port', '0', '--log', logFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    let out = '';
    const port = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line in: ${out}`)), 10000);
      child.stdout.on('data', (d) => {
        out += d;
        const m = /^listening on http:\/\/127\.0\.0\.1:(\d+)$/m.exec(out);
        if (m && out.includes('www.kaltiot.test')) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
    });
    assert.ok(port > 0);
    assert.ok(out.includes(`http://www.kaltiot.test:${port}/`));
    const r = await get(HOSTS.kaltiot, '/', { port });
    assert.equal(r.status, 200);
    const lines = fs.readFileSync(logFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines.length, 1);
    assert.equal(lines[0].host, 'www.kaltiot.test');
    assert.equal(lines[0].path, '/');
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r() : child.on('exit', r)));
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
