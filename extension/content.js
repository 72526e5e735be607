// Cookie Warden's content script, in the top frame only. It tells the background where the page
// links its cookie policy (<link rel="cookie-policy" href="...">) and its ADPC consent requests
// (<link rel="consent-requests" href="...">), and which scripts it loads
// (their addresses and the few data- attributes consent platforms configure themselves with),
// so the background can read the declaration of the page's consent platform. It reads nothing
// else from the page; the background takes the page from the message's sender, never from the
// message, and decides everything.
if (window === window.top) {
  const link = document.querySelector('link[rel~="cookie-policy" i][href]');
  if (link) chrome.runtime.sendMessage({ type: 'policyLink', url: link.href }).catch(() => {});
  // The site's ADPC consent requests, where it links them (<link rel="consent-requests">).
  const requests = document.querySelector('link[rel~="consent-requests" i][href]');
  if (requests) chrome.runtime.sendMessage({ type: 'adpcLink', url: requests.href }).catch(() => {});

  const attribute = (script, name) => script.getAttribute(name) ?? undefined;
  const scripts = () =>
    [...document.querySelectorAll('script[src]')].slice(0, 500).map((script) => ({
      src: script.src,
      id: script.id,
      domainScript: attribute(script, 'data-domain-script'),
      cbid: attribute(script, 'data-cbid'),
      language: attribute(script, 'data-language') ?? attribute(script, 'data-culture'),
      documentLanguage: attribute(script, 'data-document-language'),
    }));
  let reported = '';
  const report = () => {
    const list = scripts();
    const key = list.map((s) => s.src).join('\n');
    if (key === reported) return;
    reported = key;
    chrome.runtime
      .sendMessage({
        type: 'pageScripts',
        scripts: list,
        pageLanguage: document.documentElement.lang || '',
        visitorLanguage: navigator.language || '',
      })
      .catch(() => {});
  };
  report();
  // A tag manager may add the consent platform's script later; look once more when the page
  // has loaded.
  if (document.readyState === 'complete') report();
  else window.addEventListener('load', report, { once: true });
}
