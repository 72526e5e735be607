// navigator.dataProtectionControl, in the page's own world of top-level pages while the visitor
// has ADPC on (the Advanced Data Protection Control signal; src/adpc.rs). request(list) reports
// the page's consent requests to Cookie Warden, which shows them in its panel, and resolves with
// the visitor's decisions: consent only for the requests the visitor allowed on this site,
// every other consent withdrawn ("*"), and an objection to direct marketing while marketing is
// denied. A "decisionchange" event follows when the visitor changes a decision.
(() => {
  const control = new EventTarget();
  const waiting = new Map();
  let seq = 0;
  let asked = null;
  const empty = () => ({ consent: [], withdraw: ['*'], object: [] });
  const ask = (requests) =>
    new Promise((resolve) => {
      const id = `adpc${++seq}`;
      waiting.set(id, resolve);
      document.dispatchEvent(
        new CustomEvent('cookie-warden:extension', { detail: JSON.stringify({ type: 'adpcRequests', seq: id, requests }) }),
      );
      setTimeout(() => {
        if (waiting.delete(id)) resolve(null);
      }, 5000);
    });
  const decisions = (answer) => {
    const d = answer && answer.type === 'adpcDecisions' ? answer.decisions : empty();
    return { consent: [...(d.consent || [])], withdraw: [...(d.withdraw || [])], object: [...(d.object || [])] };
  };
  document.addEventListener('cookie-warden:page', (event) => {
    let message;
    try {
      message = JSON.parse(String(event.detail));
    } catch {
      return;
    }
    if (message && waiting.has(message.seq)) {
      waiting.get(message.seq)(message.answer);
      waiting.delete(message.seq);
    } else if (message && message.type === 'adpcChanged' && asked) {
      ask(asked).then((answer) => {
        const change = new Event('decisionchange');
        change.userDecisions = decisions(answer);
        control.dispatchEvent(change);
      });
    }
  });
  const request = async (list) => {
    let requests;
    try {
      requests = JSON.parse(JSON.stringify(list ?? []));
    } catch {
      requests = [];
    }
    asked = requests;
    return decisions(await ask(requests));
  };
  Object.defineProperty(control, 'request', { value: request, enumerable: true });
  Object.defineProperty(Navigator.prototype, 'dataProtectionControl', {
    get: () => control,
    configurable: true,
    enumerable: true,
  });
})();
