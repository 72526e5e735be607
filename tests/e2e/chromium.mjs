// Launching real Chromium (Debian's) with the unpacked extension, headless, through
// playwright-core. Only the driver lives here; the scenarios are in tests/e2e/*.test.mjs.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { REAL_HOSTS } from '../../demo/server.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// The build with the test hooks (scripts/build.sh); CW_EXTENSION: another build of the
// extension (a control run against an older one).
export const EXTENSION = process.env.CW_EXTENSION || path.join(ROOT, 'dist/extension-testing');

/** `promise`, or an error naming `what` after `ms` (a step that hangs fails, and says which). */
function within(ms, what, promise) {
  let timer;
  const late = new Promise((_, fail) => {
    timer = setTimeout(() => fail(new Error(`${what}: no answer after ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** A fresh profile folder. */
export function newProfile() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cw-chromium-'));
}

/**
 * A copy of dist/extension/ in a folder of its own, for a suite that updates the extension (an
 * unpacked extension's id comes from its folder, so the update must be loaded from the same one).
 */
export function extensionCopy() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-extension-'));
  fs.cpSync(EXTENSION, dir, { recursive: true });
  return dir;
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
      // The demo sites, and the real host names the demo serves (consent platforms, trackers,
      // the hosts pages need), on the local servers: never the internet.
      `--host-resolver-rules=${['*.test', ...REAL_HOSTS].map((h) => `MAP ${h} 127.0.0.1`).join(', ')}`,
      // The https sites' certificate is made at test start (tests/e2e/tls.mjs).
      '--ignore-certificate-errors',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // For Extensions.loadUnpacked (updateExtension).
      '--enable-unsafe-extension-debugging',
    ],
  });
  let worker = context.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://'));
  if (!worker) worker = await context.waitForEvent('serviceworker', { timeout: 20000 });
  const extensionId = new URL(worker.url()).host;

  const cdp = async (method, params) => {
    const page = context.pages()[0] ?? (await context.newPage());
    const session = await context.newCDPSession(page);
    try {
      await session.send('ServiceWorker.enable');
      return await session.send(method, params);
    } finally {
      await session.detach();
    }
  };

  // After stopWorker() playwright keeps handing out the stopped worker, and an evaluate() on it
  // waits until something starts the worker again (the same target comes back). The driver then
  // wakes it as the extension's own pages do: with a message from an extension page. Seconds
  // after a stop, playwright may also drop the worker for good even though it runs again; then
  // an extension page stands in for it (chrome.* calls, and the protocol by message).
  let asleep = false;
  let standInPage = null;
  const ours = (w) => w.url().startsWith(`chrome-extension://${extensionId}/`);

  // While the extension is being enabled again (after setEnabled, an update) its pages answer
  // ERR_BLOCKED_BY_CLIENT for a moment (Chrome indexes its static rulesets meanwhile).
  const openOwnPage = async (page) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await page.goto(`chrome-extension://${extensionId}/manifest.json`);
      } catch (error) {
        if (attempt >= 20 || !String(error).includes('ERR_BLOCKED_BY_CLIENT')) throw error;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  };

  const wake = async () => {
    const page = await context.newPage();
    try {
      await openOwnPage(page);
      await page.evaluate(() => chrome.runtime.sendMessage({ type: 'getPreferences' }));
    } finally {
      await page.close();
    }
  };

  const standIn = async () => {
    if (!standInPage || standInPage.isClosed()) {
      standInPage = await context.newPage();
      await openOwnPage(standInPage);
      await standInPage.evaluate(() => {
        globalThis.cookieWarden = {
          get ready() {
            return chrome.runtime.sendMessage({ type: 'getPreferences' }).then(() => true);
          },
          request: (message) => chrome.runtime.sendMessage(message),
        };
      });
    }
    return standInPage;
  };

  /** The running worker (started again if the driver stopped it), or a page standing in for it. */
  const currentWorker = async () => {
    if (asleep) {
      await wake();
      asleep = false;
    }
    // The newest of ours: after a reload the old target may linger in the list.
    const live = context.serviceWorkers().filter(ours).at(-1);
    if (live) return live;
    const started = context.waitForEvent('serviceworker', { predicate: ours, timeout: 3000 }).catch(() => null);
    await wake();
    return (await started) ?? standIn();
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
          // A worker target that stopped for good never answers: give up on it and wake the
          // extension again.
          // (The shipped build has no hooks: then there is nothing to wait for.)
          await within(10000, 'the service worker', w.evaluate(() => globalThis.cookieWarden?.ready));
          return await w.evaluate(fn, arg);
        } catch (error) {
          if (attempt >= 5) throw error;
          if (String(error).includes('the service worker: no answer')) asleep = true;
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    },
    /** One request of the extension's message protocol. */
    request(message) {
      return browser.inWorker((m) => globalThis.cookieWarden.request(m), message);
    },
    /** Every cookie of `domain` (all without one) in a store (the default store without one), as the extension sees them. */
    cookies(domain, { storeId } = {}) {
      const details = {};
      if (domain) details.domain = domain;
      if (storeId) details.storeId = storeId;
      return browser.inWorker((d) => chrome.cookies.getAll(d), details);
    },
    /**
     * Lets the extension run in incognito windows (the visitor's choice on chrome://extensions)
     * and opens an incognito window; returns its page. Chrome reloads the extension for the
     * change, and under --disable-extensions-except it comes back disabled, so it is enabled
     * again (chrome.management, as the page's own switch does).
     */
    async newPrivatePage() {
      // Chrome reloads the extension: its worker comes back as a new target, and the old one
      // (which playwright may still list) never answers again.
      const restarted = context.waitForEvent('serviceworker', { predicate: ours, timeout: 20000 }).catch(() => null);
      const settings = await context.newPage();
      try {
        await settings.goto('chrome://extensions');
        await within(
          15000,
          'allowing the extension in incognito',
          settings.evaluate(
            (id) =>
              new Promise((ok, fail) =>
                chrome.developerPrivate.updateExtensionConfiguration({ extensionId: id, incognitoAccess: true }, () =>
                  chrome.runtime.lastError ? fail(new Error(chrome.runtime.lastError.message)) : ok(),
                ),
              ),
            extensionId,
          ),
        );
        // The reload may disable the extension after an early setEnabled: enabled until it stays so.
        await within(
          30000,
          'enabling the extension again',
          settings.evaluate(async (id) => {
            const info = () => new Promise((ok) => chrome.developerPrivate.getExtensionInfo(id, ok));
            let enabledFor = 0;
            while (enabledFor < 3) {
              const { state } = await info();
              if (state === 'ENABLED') enabledFor++;
              else {
                enabledFor = 0;
                await new Promise((ok) => chrome.management.setEnabled(id, true, ok));
              }
              await new Promise((r) => setTimeout(r, 250));
            }
          }, extensionId),
        );
      } finally {
        await settings.close();
      }
      standInPage = null;
      asleep = false;
      await restarted;
      await within(60000, 'the reloaded worker', browser.request({ type: 'getPreferences' }));
      const before = new Set(context.pages());
      await within(15000, 'opening an incognito window', browser.inWorker(() => chrome.windows.create({ incognito: true }).then(() => true)));
      const end = Date.now() + 10000;
      for (;;) {
        const page = context.pages().find((p) => !before.has(p));
        if (page) return page;
        if (Date.now() > end) throw new Error('no incognito page appeared');
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    /** The extension's dynamic declarativeNetRequest rules. */
    rules() {
      return browser.inWorker(() => chrome.declarativeNetRequest.getDynamicRules());
    },
    /** Stops the extension's service worker, as Chrome does when it is idle. */
    async stopWorker() {
      await cdp('ServiceWorker.stopAllWorkers');
      asleep = true;
      // Give the browser a moment to tear the worker down before the next event wakes it.
      await new Promise((r) => setTimeout(r, 100));
    },
    /**
     * Updates the extension: stamps `version` into the manifest of its folder (a copy made by
     * extensionCopy(), never dist/extension/) and loads the folder again (CDP
     * Extensions.loadUnpacked, as "Load unpacked" does; the id stays, storage and dynamic rules
     * are kept as in a store update), then waits until the new version's worker answers.
     * Returns how long that took (ms). chrome.runtime.reload() is no way to do this here: an
     * extension loaded with --load-extension that reloads itself does not come back in
     * headless Chromium.
     */
    async updateExtension(version) {
      if (path.resolve(extensionDir) === path.resolve(EXTENSION)) throw new Error('updateExtension needs an extensionCopy()');
      const file = path.join(extensionDir, 'manifest.json');
      const manifest = JSON.parse(fs.readFileSync(file, 'utf8'));
      manifest.version = version;
      fs.writeFileSync(file, JSON.stringify(manifest, null, 2) + '\n');
      const start = Date.now();
      const session = await context.browser().newBrowserCDPSession();
      try {
        const { id } = await session.send('Extensions.loadUnpacked', { path: extensionDir });
        if (id !== extensionId) throw new Error(`the update got another id: ${id}`);
      } finally {
        await session.detach();
      }
      standInPage = null;
      asleep = false;
      const end = Date.now() + 20000;
      for (;;) {
        const probe = await context.newPage();
        try {
          await probe.goto(`chrome-extension://${extensionId}/manifest.json`);
          const answer = await probe.evaluate(async () => ({
            version: chrome.runtime.getManifest().version,
            type: (await chrome.runtime.sendMessage({ type: 'getPreferences' }))?.type,
          }));
          if (answer.version === version && answer.type === 'preferences') return Date.now() - start;
        } catch {
          // Not loaded again yet.
        } finally {
          await probe.close().catch(() => {});
        }
        if (Date.now() > end) throw new Error(`version ${version} did not start`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    /** Opens a page of the extension (e.g. 'options.html') in a new tab. */
    async openExtensionPage(pagePath) {
      const page = await context.newPage();
      await page.goto(`chrome-extension://${extensionId}/${pagePath}`);
      return page;
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
