// Cookie Warden's content script: tells the background where the page links its cookie
// policy (<link rel="cookie-policy" href="...">). It reads nothing else from the page. The
// background takes the page from the message's sender, never from the message.
const link = document.querySelector('link[rel~="cookie-policy" i][href]');
if (link && window === window.top) {
  chrome.runtime.sendMessage({ type: 'policyLink', url: link.href }).catch(() => {});
}
