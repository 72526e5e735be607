// Launching real Chromium (Debian's) with the unpacked extension, headless, through
// playwright-core. Only the driver lives here; the scenarios are in tests/e2e/*.test.mjs.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const EXTENSION = path.join(ROOT, 'dist/extension');

/** A fresh profile folder. */
export function newProfile() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cw-chromium-'));
}

/**
 * Starts Chromium with the extension and returns helpers around it. `profile` keeps cookies,
 * storage and rules between launches (a browser restart); `extensionDir` loads another unpacked
 * copy of the extension (such as a store package) instead of dist/extension/.
 */
export async function launch({
  profile = newProfile(),
  headless = true,
  lang = 'en-US',
  extensionDir = EXTENSION,
} = {}) {
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless,
    viewport: { width: 1200, height: 900 },
    locale: lang,
    args: [
      `--lang=${lang}`,
      `--disable-extensions-except=${extensionDir}`,
      `--load-extension=${extensionDir}`,
      '--host-resolver-rules=MAP *.test 127.0.0.1',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  let worker = context.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://'));
  if (!worker) worker = await context.waitForEvent('serviceworker', { timeout: 20000 });
  const extensionId = new URL(worker.url()).host;

  const currentWorker = async () => {
    const live = context.serviceWorkers().find((w) => w.url().startsWith(`chrome-extension://${extensionId}/`));
    return live ?? context.waitForEvent('serviceworker', { timeout: 20000 });
  };

  const browser = {
    context,
    profile,
    extensionId,
    /** Runs `fn(arg)` in the extension's service worker (waking it if needed). */
    async inWorker(fn, arg) {
      for (let attempt = 0; ; attempt++) {
        const w = await currentWorker();
        try {
          await w.evaluate(() => globalThis.cookieWarden.ready);
          return await w.evaluate(fn, arg);
        } catch (error) {
          if (attempt >= 3) throw error;
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    },
    /** One request of the extension's message protocol. */
    request(message) {
      return browser.inWorker((m) => globalThis.cookieWarden.request(m), message);
    },
    /** Every cookie in the default store, as the extension sees them. */
    cookies(domain) {
      return browser.inWorker((d) => chrome.cookies.getAll(d ? { domain: d } : {}), domain ?? null);
    },
    /** The extension's dynamic declarativeNetRequest rules. */
    rules() {
      return browser.inWorker(() => chrome.declarativeNetRequest.getDynamicRules());
    },
    /** Stops the extension's service worker, as Chrome does when it is idle. */
    async stopWorker() {
      const page = context.pages()[0] ?? (await context.newPage());
      const cdp = await context.newCDPSession(page);
      await cdp.send('ServiceWorker.enable');
      await cdp.send('ServiceWorker.stopAllWorkers');
      await cdp.detach();
      // Give the browser a moment to tear the worker down before the next event wakes it.
      await new Promise((r) => setTimeout(r, 100));
    },
    /** Opens the popup's panel for the tab showing `urlPattern`, at popup size. */
    async openPanel(urlPattern, { width = 380, height = 600 } = {}) {
      const [tab] = await browser.inWorker((u) => chrome.tabs.query({ url: u }), urlPattern);
      const panel = await context.newPage();
      await panel.setViewportSize({ width, height });
      await panel.goto(`chrome-extension://${extensionId}/popup.html?tab=${tab.id}`);
      await panel.waitForSelector('body[data-ready="true"]', { timeout: 15000 });
      return panel;
    },
    close: () => context.close(),
  };
  return browser;
}
