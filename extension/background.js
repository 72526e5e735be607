// Cookie Warden's background: a bootstrap only. It loads the engine (Rust compiled to
// WebAssembly), registers every listener synchronously at top level (so a stopped worker that is
// woken by an event still receives it), and hands each event to Rust once the engine has
// started. All logic is in Rust (src/web/).
import init, * as engine from './pkg/background.js';

// Start-up marks (ms since this worker started), read by `./run bench`.
const marks = { scriptStart: performance.now() };
const ready = init({ module_or_path: new URL('./pkg/background_bg.wasm', import.meta.url) })
  .then((wasm) => {
    marks.wasmReady = performance.now();
    globalThis.cookieWarden.wasmMemoryBytes = () => wasm.memory.buffer.byteLength;
  })
  .then(() => engine.start())
  .then(() => { marks.started = performance.now(); });

const later = (handler) => (...args) =>
  ready.then(() => handler(...args)).catch((error) => console.error('cookie-warden:', error));

chrome.cookies.onChanged.addListener(later(async (change) => {
  await engine.onCookieChanged(change);
  marks.firstCookieDecided ??= performance.now();
}));
chrome.webNavigation.onBeforeNavigate.addListener(later((details) => engine.onNavigation(details, false)));
chrome.webNavigation.onCommitted.addListener(later((details) => engine.onNavigation(details, true)));
chrome.webRequest.onHeadersReceived.addListener(
  later(engine.onHeadersReceived),
  { urls: ['http://*/*', 'https://*/*'], types: ['main_frame'] },
  ['responseHeaders'],
);
chrome.webRequest.onErrorOccurred.addListener(later(engine.onRequestError), { urls: ['http://*/*', 'https://*/*'] });
chrome.tabs.onRemoved.addListener(later(engine.onTabRemoved));
chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  ready
    .then(() => engine.onMessage(message, sender))
    .then(sendResponse, (error) => sendResponse({ type: 'error', message: String(error) }));
  return true;
});

// The same message protocol, callable in the worker itself (the demo and the tests use it): the
// sender is the background's own page.
const self_ = { id: chrome.runtime.id, url: location.href };
globalThis.cookieWarden = {
  ready,
  marks,
  request: (message) => ready.then(() => engine.onMessage(message, self_)),
};
