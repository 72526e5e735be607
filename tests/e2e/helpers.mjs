// Helpers shared by the end-to-end scenarios: waiting, measuring, and reporting figures.
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './chromium.mjs';

/**
 * Polls `fn` until it returns a truthy value; returns that value, or throws after `timeout`. The
 * error says what was awaited and, with `detail` (an async function), what was seen instead.
 */
export async function waitFor(fn, { timeout = 10000, interval = 50, what = 'a condition', detail = null } = {}) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > end) {
      const seen = detail ? `; seen: ${await Promise.resolve(detail()).catch((e) => `(${e.message})`)}` : '';
      throw new Error(`timed out after ${timeout} ms waiting for ${what}${seen}`);
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** Opens `url` and waits until the page and the requests it starts have settled. */
export async function visit(page, url) {
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForLoadState('networkidle').catch(() => {});
}

/** Median, 95th percentile and maximum of a list of numbers. */
export function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return { n: sorted.length, median: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1] };
}

const metricsFile = path.join(ROOT, 'dist', 'e2e-metrics.json');

/** Prints a measured figure and records it in dist/e2e-metrics.json. */
export function report(name, value) {
  const line = typeof value === 'object' ? JSON.stringify(value) : String(value);
  console.log(`# metric ${name}: ${line}`);
  let all = {};
  try {
    all = JSON.parse(fs.readFileSync(metricsFile, 'utf8'));
  } catch {
    all = {};
  }
  all[name] = value;
  fs.mkdirSync(path.dirname(metricsFile), { recursive: true });
  fs.writeFileSync(metricsFile, JSON.stringify(all, null, 2) + '\n');
}

/**
 * In a page: writes cookie `name` through document.cookie `count` times and measures, each
 * time, how long until it is gone from document.cookie (ms; -1 if it never goes within 5 s).
 */
export function measureDeletion(page, name, count) {
  return page.evaluate(
    async ([name, count]) => {
      const yieldNow = () =>
        new Promise((resolve) => {
          const channel = new MessageChannel();
          channel.port1.onmessage = () => resolve();
          channel.port2.postMessage(0);
        });
      const times = [];
      for (let i = 0; i < count; i++) {
        const value = `GA1.1.${Date.now()}.${i}`;
        const present = () => document.cookie.split('; ').includes(`${name}=${value}`);
        document.cookie = `${name}=${value}; path=/; max-age=63072000`;
        const start = performance.now();
        let elapsed = 0;
        while (present()) {
          elapsed = performance.now() - start;
          if (elapsed > 5000) {
            elapsed = -1;
            break;
          }
          await yieldNow();
        }
        times.push(elapsed === -1 ? -1 : performance.now() - start);
      }
      return times;
    },
    [name, count],
  );
}

/** The names of the cookies in a list. */
export const names = (cookies) => cookies.map((c) => c.name).sort();

/** Runs `fn` and returns `[its value, how long it took in ms]`. */
export async function timed(fn) {
  const start = performance.now();
  const value = await fn();
  return [value, Math.round((performance.now() - start) * 10) / 10];
}

/**
 * Polls `fn` until its value (compared as JSON) has not changed for `quiet` ms; returns it.
 * Throws after `timeout` if it keeps changing.
 */
export async function settled(fn, { quiet = 500, interval = 100, timeout = 30000, what = 'a value to settle' } = {}) {
  const end = Date.now() + timeout;
  let last = JSON.stringify(await fn());
  let since = Date.now();
  for (;;) {
    await new Promise((r) => setTimeout(r, interval));
    const value = await fn();
    const now = JSON.stringify(value);
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= quiet) {
      return value;
    }
    if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
  }
}

/**
 * In an extension page (which may use chrome.cookies): records every cookies.onChanged event of
 * cookies on `domain` or under it, as [removed, cause, name], until the page closes. What a
 * page's evaluate() keeps for a later one lives on `window` (Firefox runs each script in a
 * sandbox of its own, whose `globalThis` is gone afterwards).
 */
export function watchCookieChanges(extensionPage, domain) {
  return extensionPage.evaluate((domain) => {
    const events = [];
    window.cookieWatch = events;
    chrome.cookies.onChanged.addListener(({ removed, cause, cookie }) => {
      const host = cookie.domain.replace(/^\./, '');
      if (host === domain || host.endsWith(`.${domain}`)) events.push([removed, cause, cookie.name]);
    });
    return true;
  }, domain);
}

/** What watchCookieChanges recorded so far. */
export const cookieChanges = (extensionPage) => extensionPage.evaluate(() => window.cookieWatch ?? []);

/**
 * One request of the message protocol sent from an extension page (as the panel and the options
 * page send them), with the round trip measured there: `{answer, ms}`.
 */
export function timedRequest(extensionPage, message) {
  return extensionPage.evaluate(async (message) => {
    const start = performance.now();
    const answer = await chrome.runtime.sendMessage(message);
    return { answer, ms: Math.round((performance.now() - start) * 10) / 10 };
  }, message);
}

/** A panel's deletion counts per cookie name (from every row of a SiteView that has one). */
export function deletionCounts(view) {
  const counts = {};
  const rows = [...view.categories.flatMap((c) => c.services.flatMap((s) => s.cookies)), ...view.otherCookies];
  for (const row of rows) if (row.deletedCount > 0) counts[row.name] = Math.max(counts[row.name] ?? 0, row.deletedCount);
  return counts;
}

/** The sum of a name → count map's counts, for the names that pass `keep`. */
export const total = (counts, keep = () => true) =>
  Object.entries(counts).reduce((n, [name, count]) => n + (keep(name) ? count : 0), 0);
