// Cookie Warden's use of DuckDuckGo's autoconsent (MPL-2.0, npm @duckduckgo/autoconsent, bundled
// unmodified by esbuild into autoconsent.js; scripts/build.sh). The background injects the
// bundle into a tab's top frame, in the content scripts' world, only when the page has a banner
// that no consent platform's own interface answered and the visitor denies what it asks
// (src/consent.rs, auto_action). relay.js then calls cookieWardenAutoconsent(report).
//
// What autoconsent may do here: find the banner with its rules and opt out by clicking the
// banner's own buttons. Not here: accepting (the compact rules have no opt-in steps, so an
// opt-in could "succeed" without a click), hiding banners with CSS instead of answering them
// (cosmetic rules can leave a page locked), hiding before detection (prehide), or heuristics.
// Rules that need the page's own world ask for an `eval`; this content script answers `false`
// at once: the platforms that need it are answered through their own interfaces by banner.js.
import AutoConsent, { filterCompactRules } from '@duckduckgo/autoconsent';
import compact from '@duckduckgo/autoconsent/rules/compact-rules.json';

globalThis.cookieWardenAutoconsent = (report) => {
  if (globalThis.cookieWardenAutoconsentStarted) return;
  globalThis.cookieWardenAutoconsentStarted = true;
  let consent = null;
  let found = null;
  const send = async (message) => {
    switch (message.type) {
      case 'eval':
        // Answered after the constructor has returned.
        queueMicrotask(() => consent?.receiveMessageCallback({ type: 'evalResp', id: message.id, result: false }));
        break;
      case 'popupFound':
        found = message.cmp;
        report({ kind: 'found', cmp: message.cmp });
        break;
      case 'optOutResult':
        if (!message.result) report({ kind: 'failed', cmp: message.cmp || found || '' });
        break;
      case 'autoconsentDone':
        report({ kind: 'done', cmp: message.cmp || found || '', cosmetic: !!message.isCosmetic });
        break;
      case 'autoconsentError':
        report({ kind: 'failed', cmp: found || '' });
        break;
      default:
        break;
    }
  };
  const config = {
    enabled: true,
    autoAction: 'optOut',
    // The platforms banner.js answers per category through their own interfaces.
    disabledCmps: [
      'Onetrust',
      'Cybotcookiebot',
      'usercentrics-api',
      'usercentrics-button',
      'didomi',
      'cookieyes',
      'Complianz banner',
      'Complianz categories',
      'Complianz notice',
      'Complianz opt-out',
      'Complianz optin',
    ],
    enablePrehide: false,
    enableCosmeticRules: false,
    enableGeneratedRules: true,
    enableHeuristicDetection: false,
    detectRetries: 20,
    isMainWorld: false,
    logs: { lifecycle: false, rulesteps: false, detectionsteps: false, evals: false, errors: false, messages: false, waits: false },
  };
  const rules = { autoconsent: [], compact: filterCompactRules(compact, { url: location.href, mainFrame: true }) };
  consent = new AutoConsent(send, config, rules);
  // Nothing found within the retries: say so once, so the page side can report the banner it
  // saw as unanswered.
  setTimeout(() => {
    if (!found) report({ kind: 'none' });
  }, 12000);
};
