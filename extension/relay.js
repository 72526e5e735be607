// Cookie Warden's relay between the page-side scripts that run in the page's own world
// (banner.js: the consent platform's interface; adpc.js: navigator.dataProtectionControl) and
// the background, in the top frame only. Messages cross the two worlds as JSON text in
// CustomEvents on the document; the page can see and forge them, so the background takes the
// page from the browser's report of the sender, accepts only the few reports listed here, and
// decides everything (src/protocol.rs, Request::allowed_from).
if (window === window.top) {
  const toPage = (message) =>
    document.dispatchEvent(new CustomEvent('cookie-warden:page', { detail: JSON.stringify(message) }));
  const reports = new Set(['bannerReady', 'bannerOutcome', 'adpcRequests']);
  const ask = (message) => chrome.runtime.sendMessage(message).catch(() => null);
  let autoAsked = false;

  // Autoconsent, when the background loaded it into this world: its reports become the
  // banner's outcome.
  const automatic = (action) => {
    if (typeof globalThis.cookieWardenAutoconsent !== 'function') return;
    let last = null;
    globalThis.cookieWardenAutoconsent((event) => {
      let outcome = null;
      if (event.kind === 'done') outcome = { kind: 'automatic', cmp: String(event.cmp), action };
      else if (event.kind === 'failed') outcome = { kind: 'failed', platform: null, cmp: String(event.cmp) };
      else if (event.kind === 'none') toPage({ type: 'autoconsentNone' });
      if (outcome && JSON.stringify(outcome) !== last) {
        last = JSON.stringify(outcome);
        ask({ type: 'bannerOutcome', outcome });
      }
    });
  };

  document.addEventListener('cookie-warden:extension', async (event) => {
    let message;
    try {
      message = JSON.parse(String(event.detail));
    } catch {
      return;
    }
    if (!message || typeof message !== 'object') return;
    const { seq, type } = message;
    if (type === 'bannerAuto') {
      // Once per page: each answer may load the library into it, and the page can send this too.
      if (autoAsked) return;
      autoAsked = true;
      const answer = await ask({ type: 'bannerAuto' });
      if (answer?.type === 'bannerAuto' && answer.action) automatic(answer.action);
      toPage({ seq, answer });
      return;
    }
    if (!reports.has(type)) return;
    const { seq: _seq, ...request } = message;
    const answer = await ask(request);
    toPage({ seq, answer });
  });

  // The background asks for a new answer after the visitor changed a choice (or pressed
  // "Answer again" in the panel).
  chrome.runtime.onMessage.addListener((message) => {
    if (message?.type === 'reanswer' || message?.type === 'adpcChanged') toPage({ type: message.type });
  });
}
