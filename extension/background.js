// Cookie Warden's background: a bootstrap only. It loads the engine (Rust compiled to
// WebAssembly), registers every listener synchronously at top level (so a stopped worker that is
// woken by an event still receives it), and hands each event to Rust once the engine has
// started. All logic is in Rust (src/web/).
import init, * as engine from './pkg/background.js';

const loaded = init({ module_or_path: new URL('./pkg/background_bg.wasm', import.meta.url) });
const ready = loaded.then(() => engine.start());

const later = (handler) => (...args) =>
  ready.then(() => handler(...args)).catch((error) => console.error('cookie-warden:', error));

chrome.cookies.onChanged.addListener(later(engine.onCookieChanged));
chrome.webNavigation.onBeforeNavigate.addListener(later((details) => engine.onNavigation(details, false)));
chrome.webNavigation.onCommitted.addListener(later((details) => engine.onNavigation(details, true)));
chrome.webRequest.onHeadersReceived.addListener(
  later(engine.onHeadersReceived),
  { urls: ['http://*/*', 'https://*/*'], types: ['main_frame'] },
  ['responseHeaders'],
);
// Blocked subresources only (the rules never block a top-level document): a failed navigation
// anywhere does not wake the worker.
chrome.webRequest.onErrorOccurred.addListener(later(engine.onRequestError), {
  urls: ['http://*/*', 'https://*/*'],
  types: ['sub_frame', 'stylesheet', 'script', 'image', 'font', 'object', 'xmlhttprequest', 'ping', 'media', 'websocket', 'other'],
});
chrome.tabs.onRemoved.addListener(later(engine.onTabRemoved));
// A timed pause ("trust this site for an hour") ends.
chrome.alarms.onAlarm.addListener(later(engine.onAlarm));
chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  ready
    .then(() => engine.onMessage(message, sender))
    .then(sendResponse, (error) => sendResponse({ type: 'error', message: String(error) }));
  return true;
});

// test-hooks: begin
// The test and benchmark build only: scripts/build.sh keeps this block in
// dist/extension-testing/ and drops it from dist/extension/, the build that ships.
// The message protocol, callable in the worker itself (the demo and the tests use it; the sender
// is the background's own page), and the start-up figures `./run bench` reads (ms since this
// worker started; the engine marks when it started and decided its first cookie).
const self_ = { id: chrome.runtime.id, url: location.href };
const request = (message) => ready.then(() => engine.onMessage(message, self_));
let wasm = null;
let wasmReady;
loaded.then((exports) => {
  wasm = exports;
  wasmReady = performance.now();
});
globalThis.cookieWarden = {
  ready,
  request,
  wasmMemoryBytes: () => wasm?.memory.buffer.byteLength,
  async marks() {
    const { marks } = await request({ type: 'getTimings' });
    const at = (name) => {
      const mark = marks.find(([event]) => event === name);
      return mark ? mark[1] - performance.timeOrigin : undefined;
    };
    return { wasmReady, started: at('started'), firstCookieDecided: at('first-decision') };
  },
};
// test-hooks: end
