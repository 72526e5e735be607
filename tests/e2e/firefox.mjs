// Launching real Firefox (Debian's firefox-esr) with the extension, headless, through
// selenium-webdriver and geckodriver. Only the driver lives here; the scenarios are in
// tests/e2e/scenarios.mjs and are shared with Chromium (tests/e2e/chromium.mjs).
//
// How Firefox differs from Chromium, and what this driver does about it:
// - The extension is installed as a temporary add-on (`installAddon(dir, true)`, as
//   about:debugging does) or, with `addon: 'permanent'`, as an ordinary unsigned add-on
//   (firefox-esr honours `xpinstall.signatures.required = false`). Firefox removes temporary
//   add-ons when it quits, so a relaunch installs it again: its gecko id is fixed, so its
//   storage.local (choices, rule book, policy cache) is found again, but its dynamic DNR rules
//   are not. A permanent add-on stays in the profile, and a relaunch is a real browser restart.
// - The extension's origin is fixed with `extensions.webextensions.uuids`, and named test hosts
//   resolve to 127.0.0.1 through `network.dns.localDomains` (exact names only: every host a demo
//   page, a policy or the extension asks for is listed in LOCAL_HOSTS).
// - Extension pages cannot be opened by navigation from content: geckodriver runs with
//   `--allow-system-access` and a chrome-context script opens them with the system principal.
//   The message protocol and `chrome.*` calls then run in such a page (options.html), as
//   `inWorker` does in Chromium's service worker.
// - The background is an event page; `extensions.background.idle.timeout` (2 s here instead of
//   30 s) lets it suspend quickly, so the suite exercises wake-ups; `backgroundState()` reads
//   whether it really stopped.
// - One WebDriver session drives every tab, one at a time: each page helper switches to its tab
//   before it acts.
import { Builder, By, Key } from 'selenium-webdriver';
import firefox from 'selenium-webdriver/firefox.js';
import command from 'selenium-webdriver/lib/command.js';
import { Zip } from 'selenium-webdriver/io/zip.js';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HOSTS, EXTRA_HOSTS } from '../../demo/server.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// CW_EXTENSION: another build of the extension (a control run against an older one).
export const EXTENSION = process.env.CW_EXTENSION || path.join(ROOT, 'dist/extension');

/** The add-on id from the manifest (browser_specific_settings.gecko.id). */
export const ADDON_ID = JSON.parse(fs.readFileSync(path.join(ROOT, 'manifest.json'), 'utf8'))
  .browser_specific_settings.gecko.id;

/** The fixed internal UUID of the extension: its pages are moz-extension://UUID/… */
export const EXTENSION_UUID = 'c0c1e0a4-3d1e-4c5a-9f00-000000c00c1e';

/**
 * Every host name the tests reach, all mapped to 127.0.0.1. Firefox's localDomains matches
 * exact names only, so besides the demo server's HOSTS this lists each registrable domain (the
 * extension looks for a policy there too) and the tracker domains the demo policy names that no
 * page loads (a missing name fails like a blocked request would, and would hide real blocking).
 */
export const LOCAL_HOSTS = Object.freeze(
  [
    ...new Set([
      ...Object.values(HOSTS).flatMap((h) => [h, h.split('.').slice(-2).join('.')]),
      ...EXTRA_HOSTS,
      'analytics.google.com',
      'www.analytics.google.com',
      'google.com',
      'leadfeeder.com',
      'www.leadfeeder.com',
    ]),
  ].sort(),
);

const FIREFOX = process.env.FIREFOX || '/usr/bin/firefox-esr';
const AXE = path.join(ROOT, 'node_modules/axe-core/axe.min.js');

function geckodriverPath() {
  if (process.env.GECKODRIVER) return process.env.GECKODRIVER;
  for (const candidate of [path.join(os.homedir(), '.cargo/bin/geckodriver'), '/usr/local/bin/geckodriver']) {
    if (fs.existsSync(candidate)) return candidate;
  }
  try {
    return execFileSync('sh', ['-c', 'command -v geckodriver'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('geckodriver not found (scripts/setup.sh installs it; or set GECKODRIVER)');
  }
}

/**
 * Installs the add-on in `dir` as selenium's installAddon does (zipped, sent to geckodriver),
 * and, with `privateBrowsing`, allowed to run in private windows (the visitor's choice in
 * about:addons; selenium's JavaScript binding does not pass it).
 */
async function install(driver, dir, { temporary, privateBrowsing }) {
  const zip = new Zip();
  await zip.addDir(dir);
  const buffer = await zip.toBuffer('DEFLATE');
  const install = new command.Command('install addon')
    .setParameter('addon', buffer.toString('base64'))
    .setParameter('temporary', temporary);
  if (privateBrowsing) install.setParameter('allowPrivateBrowsing', true);
  return driver.execute(install);
}

/** A fresh profile folder. */
export function newProfile() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cw-firefox-'));
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The script body that runs `source` (a function's text) with one argument and awaits it. */
function asyncCall(source) {
  return `const arg = arguments[0];
const done = arguments[arguments.length - 1];
Promise.resolve()
  .then(() => (${source})(arg))
  .then(
    (value) => done({ ok: true, value: value === undefined ? null : value }),
    (error) => done({ ok: false, error: String((error && error.stack) || error) }),
  );`;
}

/**
 * Starts Firefox with the extension and returns helpers around it, with the same names as the
 * Chromium driver where Firefox allows. `profile` keeps cookies and extension storage between
 * launches (a browser restart). `lang` sets the languages pages are asked for; Firefox's own UI
 * language (and so the extension's _locales choice) stays English without a language pack.
 * `addon`: 'temporary' (about:debugging's way) or 'permanent' (stays installed across restarts).
 */
export async function launch({
  profile = newProfile(),
  headless = true,
  lang = 'en-US',
  idleTimeoutMs = 2000,
  addon = 'temporary',
  privateBrowsing = false,
  extraPrefs = {},
} = {}) {
  if (!['temporary', 'permanent'].includes(addon)) throw new Error(`addon: 'temporary' or 'permanent', not ${addon}`);
  const options = new firefox.Options().setBinary(FIREFOX);
  if (headless) options.addArguments('-headless');
  // -profile uses the folder in place (setProfile would copy it), so a relaunch finds its state.
  options.addArguments('-profile', profile);
  const prefs = {
    'extensions.webextensions.uuids': JSON.stringify({ [ADDON_ID]: EXTENSION_UUID }),
    'network.dns.localDomains': LOCAL_HOSTS.join(','),
    'extensions.background.idle.timeout': idleTimeoutMs,
    // The demo sites are http only: no upgrade attempts to https first.
    'dom.security.https_first': false,
    'dom.security.https_first_pbm': false,
    'dom.security.https_only_mode': false,
    // Containers (contextual identities), for the container-tab scenario.
    'privacy.userContext.enabled': true,
    'privacy.userContext.ui.enabled': true,
    // Quiet: no first-run pages, no background traffic that could reach the local server.
    'browser.startup.homepage_override.mstone': 'ignore',
    'browser.shell.checkDefaultBrowser': false,
    'browser.tabs.warnOnClose': false,
    'network.captive-portal-service.enabled': false,
    'network.connectivity-service.enabled': false,
    'network.prefetch-next': false,
    'network.dns.disablePrefetch': true,
    'network.http.speculative-parallel-limit': 0,
    'browser.urlbar.speculativeConnect.enabled': false,
    // performance.now() at full resolution (Firefox rounds it to 1 ms otherwise): the deletion
    // latency is measured with it.
    'privacy.reduceTimerPrecision': false,
    'intl.accept_languages': lang,
    'intl.locale.requested': lang,
  };
  // Only firefox-esr (and Nightly) honour this: an unsigned add-on can be installed for good.
  if (addon === 'permanent') prefs['xpinstall.signatures.required'] = false;
  for (const [name, value] of Object.entries({ ...prefs, ...extraPrefs })) options.setPreference(name, value);

  const service = new firefox.ServiceBuilder(geckodriverPath())
    .addArguments('--allow-system-access')
    .setStdio('ignore');
  // The https sites' certificate is made at test start (tests/e2e/tls.mjs).
  options.setAcceptInsecureCerts(true);
  const driver = await new Builder().forBrowser('firefox').setFirefoxOptions(options).setFirefoxService(service).build();
  try {
    await driver.manage().setTimeouts({ script: 120000, pageLoad: 30000 });
    // A permanent add-on installed by an earlier launch of this profile is already there.
    const installed = fs.existsSync(path.join(profile, 'extensions', `${ADDON_ID}.xpi`));
    if (addon === 'temporary' || !installed) await install(driver, EXTENSION, { temporary: addon === 'temporary', privateBrowsing });
  } catch (error) {
    await driver.quit().catch(() => {});
    throw error;
  }

  const base = `moz-extension://${EXTENSION_UUID}/`;
  let current = await driver.getWindowHandle();
  let context = 'content';

  const focus = async (handle) => {
    if (context !== 'content') {
      await driver.setContext('content');
      context = 'content';
    }
    if (handle !== current) {
      await driver.switchTo().window(handle);
      current = handle;
    }
  };

  /** Runs `source` (a script body) in the browser's chrome (privileged) context. */
  const inChrome = async (source, ...args) => {
    if (context !== 'chrome') {
      await driver.setContext('chrome');
      context = 'chrome';
    }
    try {
      return await driver.executeScript(source, ...args);
    } finally {
      await driver.setContext('content');
      context = 'content';
    }
  };

  /** Opens `url` in a new tab (extension pages with the system principal) and returns its handle. */
  const openTab = async (url) => {
    const before = new Set(await driver.getAllWindowHandles());
    await inChrome(
      `const tab = gBrowser.addTab(arguments[0], {
         triggeringPrincipal: Services.scriptSecurityManager.getSystemPrincipal(),
       });
       gBrowser.selectedTab = tab;`,
      url,
    );
    let handle;
    for (let i = 0; i < 100 && !handle; i++) {
      handle = (await driver.getAllWindowHandles()).find((h) => !before.has(h));
      if (!handle) await sleep(50);
    }
    if (!handle) throw new Error(`no new tab for ${url}`);
    await focus(handle);
    // The tab starts on about:blank; scripts run before the page replaces it would be lost.
    const end = Date.now() + 15000;
    while ((await driver.getCurrentUrl()) !== url || (await driver.executeScript('return document.readyState')) !== 'complete') {
      if (Date.now() > end) throw new Error(`the tab did not load ${url}`);
      await sleep(25);
    }
    return handle;
  };

  /** A tab, with the page helpers the scenarios use (the same as in scenarios.mjs for Chromium). */
  const pageOf = (handle) => {
    const page = {
      handle,
      /** Runs `fn(arg)` in the page (awaited); a string is run as a script body instead. */
      async evaluate(fn, arg) {
        await focus(handle);
        if (typeof fn === 'string') return driver.executeScript(fn);
        const answer = await driver.executeAsyncScript(asyncCall(fn.toString()), arg === undefined ? null : arg);
        if (!answer?.ok) throw new Error(`in the page: ${answer?.error}`);
        return answer.value;
      },
      /** Opens `url` and waits until the page and the requests it starts have settled. */
      async goto(url) {
        await focus(handle);
        await driver.get(url);
        // The load event has fired; wait until no new resource shows up for 300 ms.
        let count = -1;
        let stableSince = Date.now();
        const end = Date.now() + 5000;
        while (Date.now() < end) {
          const now = await driver.executeScript('return performance.getEntriesByType("resource").length');
          if (now !== count) {
            count = now;
            stableSince = Date.now();
          } else if (Date.now() - stableSince >= 300) {
            break;
          }
          await sleep(75);
        }
      },
      url: async () => {
        await focus(handle);
        return driver.getCurrentUrl();
      },
      wait: (ms) => sleep(ms),
      title: async () => {
        await focus(handle);
        return driver.getTitle();
      },
      /** The rendered text (innerText) of the first element matching `selector`. */
      text: (selector = 'body') => page.evaluate((s) => document.querySelector(s)?.innerText ?? null, selector),
      attribute: (selector, name) =>
        page.evaluate(([s, n]) => document.querySelector(s)?.getAttribute(n) ?? null, [selector, name]),
      count: (selector) => page.evaluate((s) => document.querySelectorAll(s).length, selector),
      /** Waits until `selector` matches (e.g. `body[data-ready="true"]`). */
      async waitForSelector(selector, { timeout = 15000 } = {}) {
        const end = Date.now() + timeout;
        while (!(await page.count(selector))) {
          if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${selector}`);
          await sleep(50);
        }
      },
      /** The switch (role=switch) whose accessible name is `name`, as a WebDriver element. */
      async switchElement(name) {
        await focus(handle);
        for (const element of await driver.findElements(By.css('[role="switch"]'))) {
          if ((await element.getAccessibleName()) === name && (await element.getAriaRole()) === 'switch') return element;
        }
        throw new Error(`no switch named ${JSON.stringify(name)}`);
      },
      /** Clicks the button whose accessible name is `name`. */
      async clickButton(name) {
        await focus(handle);
        for (const element of await driver.findElements(By.css('button'))) {
          if ((await element.getAccessibleName()) === name) return element.click();
        }
        throw new Error(`no button named ${JSON.stringify(name)}`);
      },
      async isSwitchOn(name) {
        return (await (await page.switchElement(name)).getAttribute('aria-checked')) === 'true';
      },
      /** Clicks the switch if it is not already in the wanted state. */
      async setSwitch(name, on) {
        const element = await page.switchElement(name);
        if (((await element.getAttribute('aria-checked')) === 'true') !== on) await element.click();
      },
      /** Presses a key ('Tab', 'Space', 'Enter') where the focus is. */
      async press(key) {
        await focus(handle);
        await driver.actions().sendKeys(Key[key.toUpperCase()]).perform();
      },
      /** Focuses the switch and presses Space (keyboard only). */
      async toggleSwitchWithKeyboard(name) {
        const element = await page.switchElement(name);
        await driver.executeScript('arguments[0].focus()', element);
        await driver.actions().sendKeys(Key.SPACE).perform();
      },
      /** Messages of alert/confirm/prompt dialogs that are open now (dismissed on reading). */
      async dialogs() {
        await focus(handle);
        try {
          const alert = await driver.switchTo().alert();
          const text = await alert.getText();
          await alert.dismiss();
          return [text];
        } catch {
          return [];
        }
      },
      /** axe-core's violations in the page, as "id: target…" lines (like tests/e2e/axe.mjs). */
      async axe() {
        await focus(handle);
        const answer = await driver.executeAsyncScript(`const done = arguments[arguments.length - 1];
${fs.readFileSync(AXE, 'utf8')};
axe.run(document, { resultTypes: ['violations'] }).then(
  (r) => done({ ok: true, value: r.violations.map((v) => v.id + ': ' + v.nodes.map((n) => n.target.join(' ')).join(', ')) }),
  (e) => done({ ok: false, error: String(e) }));`);
        if (!answer?.ok) throw new Error(`axe: ${answer?.error}`);
        return answer.value;
      },
      async screenshot(file) {
        await focus(handle);
        fs.writeFileSync(file, Buffer.from(await driver.takeScreenshot(), 'base64'));
      },
      /** `prefers-color-scheme` for web and extension pages: 'light', 'dark', or null (the default). */
      async colorScheme(scheme) {
        const pref = 'layout.css.prefers-color-scheme.content-override';
        if (scheme == null) await inChrome('Services.prefs.clearUserPref(arguments[0]);', pref);
        else await inChrome('Services.prefs.setIntPref(arguments[0], arguments[1]);', pref, scheme === 'dark' ? 0 : 1);
        await sleep(100);
      },
      async close() {
        await focus(handle);
        await driver.close();
        const rest = await driver.getAllWindowHandles();
        current = null;
        await focus(rest.includes(extensionTab) ? extensionTab : rest[0]);
      },
    };
    return page;
  };

  // The extension is up (after a restart it may still be starting).
  for (let i = 0; ; i++) {
    const up = await inChrome('return Boolean(WebExtensionPolicy.getByID(arguments[0]));', ADDON_ID);
    if (up) break;
    if (i > 200) throw new Error(`${ADDON_ID} did not start`);
    await sleep(50);
  }
  // The extension page that runs the message protocol and chrome.* calls.
  const extensionTab = await openTab(`${base}options.html`);
  const extensionPage = pageOf(extensionTab);
  await extensionPage.waitForSelector('body');
  const firstTab = (await driver.getAllWindowHandles()).find((h) => h !== extensionTab);
  const mainPage = pageOf(firstTab);

  const browser = {
    name: 'firefox',
    driver,
    profile,
    extensionId: EXTENSION_UUID,
    addon,
    /** The tab the browser opened at start, for visits. */
    page: mainPage,
    /** Runs `fn(arg)` in an extension page (the Firefox counterpart of Chromium's `inWorker`). */
    inExtension: (fn, arg) => extensionPage.evaluate(fn, arg),
    /** One request of the extension's message protocol, sent from an extension page. */
    async request(message) {
      // A message that reaches the event page while Firefox unloads it is rejected without an
      // answer (seen once in a full run: an error with no message); the protocol's requests
      // are idempotent, so it is sent again.
      for (let attempt = 0; ; attempt++) {
        try {
          return await browser.inExtension((m) => chrome.runtime.sendMessage(m), message);
        } catch (error) {
          if (attempt >= 2) throw error;
          await sleep(250);
        }
      }
    },
    /** Every cookie of `domain` (all domains without one) in a cookie store (default: the default store). */
    cookies(domain, { storeId } = {}) {
      // firstPartyDomain: null asks for every first-party domain (and is required while
      // first-party isolation is on).
      const details = { firstPartyDomain: null };
      if (domain) details.domain = domain;
      if (storeId) details.storeId = storeId;
      return browser.inExtension((d) => chrome.cookies.getAll(d), details);
    },
    /** The extension's dynamic declarativeNetRequest rules. */
    rules() {
      return browser.inExtension(() => chrome.declarativeNetRequest.getDynamicRules());
    },
    /** The tabs whose URL matches a match pattern. */
    tabs(urlPattern) {
      return browser.inExtension((u) => chrome.tabs.query({ url: u }), urlPattern);
    },
    /** A new tab (about:blank). */
    async newPage() {
      return pageOf(await openTab('about:blank'));
    },
    /** A new private window, as a page (the add-on must be allowed in private windows). */
    async newPrivatePage() {
      const before = new Set(await driver.getAllWindowHandles());
      await inChrome('OpenBrowserWindow({ private: true });');
      let handle;
      for (let i = 0; i < 200 && !handle; i++) {
        handle = (await driver.getAllWindowHandles()).find((h) => !before.has(h));
        if (!handle) await sleep(50);
      }
      if (!handle) throw new Error('no private window opened');
      return pageOf(handle);
    },
    /** Opens `url` in the start tab and returns that page. */
    async visit(url) {
      await mainPage.goto(url);
      return mainPage;
    },
    /** The event page's state: 'running', 'stopped', 'starting' or 'suspending'. */
    async backgroundState() {
      const state = await inChrome(
        `const policy = WebExtensionPolicy.getByID(arguments[0]);
         return policy && policy.extension ? String(policy.extension.backgroundState) : 'missing';`,
        ADDON_ID,
      );
      return state.toLowerCase();
    },
    /**
     * Lets the event page go idle and suspend (as Firefox does after idleTimeoutMs without
     * events); returns once Firefox reports it stopped, with how long that took.
     */
    async suspendBackground({ timeout = 15000 } = {}) {
      const start = Date.now();
      await sleep(Math.min(idleTimeoutMs, 1000));
      while ((await browser.backgroundState()) !== 'stopped') {
        if (Date.now() - start > timeout) throw new Error(`the event page did not suspend within ${timeout} ms`);
        await sleep(200);
      }
      return Date.now() - start;
    },
    /**
     * Opens the popup's panel for the tab showing `urlPattern`, in a tab of its own, with the
     * window sized so that the page's viewport is width × height (every tab shares the window).
     */
    async openPanel(urlPattern, { width = 380, height = 600 } = {}) {
      const [tab] = await browser.tabs(urlPattern);
      if (!tab) throw new Error(`no tab shows ${urlPattern}`);
      const panel = pageOf(await openTab(`${base}popup.html?tab=${tab.id}`));
      await panel.waitForSelector('body[data-ready="true"]');
      await browser.setViewport(panel, width, height);
      return panel;
    },
    /**
     * Makes `page`'s viewport width × height CSS pixels: the window is sized to fit, and where
     * Firefox will not make it that narrow (about 500 px at least), the tab is zoomed so that
     * `width` CSS pixels fill it.
     */
    async setViewport(page, width, height) {
      const measure = () => page.evaluate(() => [innerWidth, innerHeight, outerWidth, outerHeight]);
      let [innerW, innerH, outerW, outerH] = await measure();
      if (innerW !== width || innerH !== height) {
        await driver.manage().window().setRect({ width: outerW - innerW + width, height: outerH - innerH + height });
        await sleep(50);
        [innerW] = await measure();
      }
      for (let attempt = 0; innerW > width && attempt < 4; attempt++) {
        await inChrome('gBrowser.selectedBrowser.fullZoom *= arguments[0];', (innerW + 0.5) / width);
        await sleep(50);
        [innerW] = await measure();
      }
    },
    /** A page of the extension (e.g. 'options.html'), in a tab of its own. */
    async openExtensionPage(pagePath) {
      return pageOf(await openTab(`${base}${pagePath}`));
    },
    /** Runs a script body in the browser's chrome context (prefs, tabs with containers). */
    inChrome,
    close: () => driver.quit(),
  };
  return browser;
}
