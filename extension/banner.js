// Cookie Warden's banner answerer, in the page's own world of top-level pages while the visitor
// has "answer consent banners" on. It waits (bounded) for the page's consent platform to be
// ready, reports the platform and its groups, and carries out what the background decides
// (src/consent.rs): each group allowed or denied through the platform's own public interface,
// which closes its banner. It never clicks, hides or reloads anything itself. Where no platform
// with such an interface turns up, it asks the background whether autoconsent may opt out.
// Everything it reports is checked by the background, which takes the page from the browser.
(() => {
  const waiting = new Map();
  let seq = 0;
  const ask = (message, timeout = 5000) =>
    new Promise((resolve) => {
      const id = `banner${++seq}`;
      waiting.set(id, resolve);
      document.dispatchEvent(
        new CustomEvent('cookie-warden:extension', { detail: JSON.stringify({ ...message, seq: id }) }),
      );
      setTimeout(() => {
        if (waiting.delete(id)) resolve(null);
      }, timeout);
    });
  const text = (value) => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '');
  const shown = (selector) => {
    const element = document.querySelector(selector);
    if (!element) return false;
    const style = getComputedStyle(element);
    return style.display !== 'none' && style.visibility !== 'hidden' && element.getClientRects().length > 0;
  };
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const byId = (answers) => Object.fromEntries(answers.map((a) => [a.id, a.allow]));
  const names = {
    oneTrust: 'OneTrust',
    cookiebot: 'Cookiebot',
    usercentrics: 'Usercentrics',
    didomi: 'Didomi',
    cookieYes: 'CookieYes',
    complianz: 'Complianz',
  };

  // One adapter per platform: ready() (its interface is there), groups() (its groups, with their
  // state when it holds an answer), apply(answers) and closed().
  const adapters = {
    oneTrust: {
      ready: () =>
        typeof window.OneTrust?.UpdateConsent === 'function' && typeof window.OneTrust?.GetDomainData === 'function',
      groups: () => {
        const answered = typeof OneTrust.IsAlertBoxClosed === 'function' && OneTrust.IsAlertBoxClosed();
        const active = text(window.OnetrustActiveGroups);
        const out = [];
        const walk = (list) => {
          for (const g of Array.isArray(list) ? list : []) {
            const id = text(g?.CustomGroupId) || text(g?.OptanonGroupId);
            if (id && !/always active/i.test(text(g?.Status))) {
              out.push({ id, name: text(g?.GroupName), allowed: answered ? active.includes(`,${id},`) : null });
            }
            walk(g?.SubGroups);
          }
        };
        walk(OneTrust.GetDomainData()?.Groups);
        return out;
      },
      // UpdateConsent saves the answer and closes the banner itself (Close() would apply the
      // close button's consent model instead, so it is not called).
      apply: (answers) => OneTrust.UpdateConsent('Category', answers.map((a) => `${a.id}:${a.allow ? 1 : 0}`).join(',')),
      closed: () => !shown('#onetrust-banner-sdk') && !shown('#onetrust-pc-sdk'),
    },
    cookiebot: {
      ready: () => typeof window.Cookiebot?.submitCustomConsent === 'function',
      groups: () => {
        const held = window.Cookiebot.hasResponse ? window.Cookiebot.consent || {} : null;
        return ['preferences', 'statistics', 'marketing'].map((id) => ({
          id,
          name: '',
          allowed: held ? !!held[id] : null,
        }));
      },
      apply: (answers) => {
        const a = byId(answers);
        Cookiebot.submitCustomConsent(!!a.preferences, !!a.statistics, !!a.marketing);
        if (typeof Cookiebot.hide === 'function') Cookiebot.hide();
      },
      closed: () => !shown('#CybotCookiebotDialog'),
    },
    usercentrics: {
      ready: () =>
        (usercentricsReady && typeof window.__ucCmp?.updateCategoriesConsents === 'function') ||
        (typeof window.UC_UI?.acceptServices === 'function' && typeof window.UC_UI?.getServicesBaseInfo === 'function' && !window.__ucCmp),
      groups: async () => {
        if (window.__ucCmp) {
          const details = (await __ucCmp.getConsentDetails()) || {};
          const categories = details.categories || {};
          return Object.entries(categories).map(([id, c]) => ({ id, name: text(c?.name), allowed: null }));
        }
        const slugs = [...new Set(UC_UI.getServicesBaseInfo().map((s) => text(s?.categorySlug)).filter(Boolean))];
        return slugs.map((id) => ({ id, name: '', allowed: null }));
      },
      apply: async (answers) => {
        if (window.__ucCmp) {
          await __ucCmp.updateCategoriesConsents(answers.map((a) => ({ id: a.id, consent: a.allow })));
          await __ucCmp.saveConsents();
          await __ucCmp.closeCmp();
          return;
        }
        const a = byId(answers);
        const services = UC_UI.getServicesBaseInfo();
        const ids = (allow) => services.filter((s) => !!a[text(s?.categorySlug)] === allow).map((s) => s.id);
        await UC_UI.acceptServices(ids(true));
        await UC_UI.rejectServices(ids(false));
        UC_UI.closeCMP();
      },
      // The interface's closeCmp() has resolved; its banner is in a shadow root.
      closed: () => !shown('#usercentrics-cmp-ui'),
    },
    didomi: {
      ready: () => didomiReady && typeof window.Didomi?.setUserStatus === 'function',
      groups: () =>
        (Didomi.getPurposes?.() || []).map((p) => ({ id: text(p?.id), name: text(p?.name), allowed: null })).filter((g) => g.id),
      apply: (answers) => {
        if (answers.every((a) => !a.allow) && typeof Didomi.setUserDisagreeToAll === 'function') {
          Didomi.setUserDisagreeToAll();
        } else {
          const enabled = answers.filter((a) => a.allow).map((a) => a.id);
          const disabled = answers.filter((a) => !a.allow).map((a) => a.id);
          const vendors = (Didomi.getVendors?.() || []).map((v) => v.id);
          const now = new Date().toISOString();
          Didomi.setUserStatus({
            purposes: { consent: { enabled, disabled }, legitimate_interest: { enabled: [], disabled } },
            vendors: {
              consent: enabled.length ? { enabled: vendors, disabled: [] } : { enabled: [], disabled: vendors },
              legitimate_interest: { enabled: [], disabled: enabled.length ? [] : vendors },
            },
            created: now,
            updated: now,
            source: { type: 'integration', domain: location.hostname },
            action: 'click',
          });
        }
        Didomi.notice?.hide?.();
        Didomi.preferences?.hide?.();
      },
      closed: () => !(window.Didomi?.notice?.isVisible?.() ?? false),
    },
    cookieYes: {
      // Its banner action reads the preference centre's toggles, so the banner must be there
      // (or the visitor's action already taken) before it can be answered.
      ready: () =>
        typeof window.getCkyConsent === 'function' &&
        typeof window.performBannerAction === 'function' &&
        (!!document.querySelector('.cky-consent-container') || !!getCkyConsent()?.isUserActionCompleted),
      groups: () => {
        const consent = getCkyConsent() || {};
        const held = consent.isUserActionCompleted ? consent.categories || {} : null;
        return Object.keys(consent.categories || {}).map((id) => ({ id, name: '', allowed: held ? !!held[id] : null }));
      },
      apply: (answers) => {
        if (answers.every((a) => !a.allow || a.category === 'necessary')) {
          performBannerAction('reject');
          return;
        }
        const toggles = answers.map((a) => [a, document.getElementById(`ckySwitch${a.id}`)]);
        // A category to allow without its toggle would be refused: leave the banner instead.
        if (toggles.some(([a, toggle]) => a.allow && a.category !== 'necessary' && !toggle)) {
          throw new Error('a toggle is missing');
        }
        for (const [a, toggle] of toggles) if (toggle && !toggle.disabled) toggle.checked = a.allow;
        performBannerAction('accept_partial');
      },
      closed: () => !shown('.cky-consent-container'),
    },
    complianz: {
      ready: () => typeof window.cmplz_set_consent === 'function' && typeof window.cmplz_set_banner_status === 'function',
      groups: () => {
        const categories = Array.isArray(window.cmplz_categories)
          ? window.cmplz_categories
          : ['functional', 'preferences', 'statistics', 'marketing'];
        const answered = typeof cmplz_get_banner_status === 'function' && cmplz_get_banner_status() === 'dismissed';
        return categories.map((id) => ({
          id: text(id),
          name: '',
          allowed: answered && typeof cmplz_has_consent === 'function' ? !!cmplz_has_consent(id) : null,
        }));
      },
      // As the banner's own Save button does.
      apply: (answers) => {
        for (const a of answers) cmplz_set_consent(a.id, a.allow ? 'allow' : 'deny');
        cmplz_set_banner_status('dismissed');
        if (typeof cmplz_fire_categories_event === 'function') cmplz_fire_categories_event();
        if (typeof cmplz_track_status === 'function') cmplz_track_status();
      },
      closed: () => !shown('.cmplz-cookiebanner.cmplz-show'),
    },
  };

  // CookieYes draws its banner (and the toggles its action reads) after its interface exists.
  document.addEventListener('cookieyes_banner_load', () => look());
  let usercentricsReady = false;
  let didomiReady = false;
  window.addEventListener('UC_UI_INITIALIZED', () => {
    usercentricsReady = true;
    look();
  });
  try {
    window.didomiOnReady = window.didomiOnReady || [];
    window.didomiOnReady.push(() => {
      didomiReady = true;
      look();
    });
  } catch {}

  let found = null; // the platform being answered
  let busy = false;
  let automatic = false;

  const answer = async (name) => {
    const adapter = adapters[name];
    busy = true;
    try {
      let groups;
      try {
        groups = (await adapter.groups()).slice(0, 64);
      } catch {
        groups = [];
      }
      const reply = await ask({ type: 'bannerReady', platform: name, groups });
      const plan = reply?.type === 'bannerPlan' ? reply.plan : null;
      if (!plan) {
        // No answer (the background was starting, or the message was lost): look again, within
        // the same bound.
        found = null;
        setTimeout(tick, 250);
        return;
      }
      if (plan.kind === 'leave') {
        await ask({ type: 'bannerOutcome', outcome: { kind: 'left', cmp: names[name], why: plan.why } });
        return;
      }
      if (!plan.needed) {
        const outcome = { kind: 'answered', platform: name, wishes: plan.wishes, closed: true, already: true };
        await ask({ type: 'bannerOutcome', outcome });
        return;
      }
      const answers = plan.groups.filter((g) => g.category !== 'necessary' || name === 'cookieYes');
      try {
        await adapter.apply(answers);
      } catch {
        // The platform refused: its banner is left as it is.
        await ask({ type: 'bannerOutcome', outcome: { kind: 'failed', platform: name, cmp: names[name] } });
        return;
      }
      // The platform closes its banner; give it a moment, then say whether it did.
      let closed = false;
      for (let i = 0; i < 10 && !closed; i++) {
        await sleep(100);
        try {
          closed = adapter.closed();
        } catch {}
      }
      const outcome = closed
        ? { kind: 'answered', platform: name, wishes: plan.wishes, closed, already: false }
        : { kind: 'failed', platform: name, cmp: names[name] };
      await ask({ type: 'bannerOutcome', outcome });
    } finally {
      busy = false;
    }
  };

  // Looks for a ready platform: on events, and every 250 ms for at most 15 s after the page's
  // start. Found once, it is answered once per page (and again when asked).
  const look = () => {
    if (found || busy) return;
    for (const name of Object.keys(adapters)) {
      let ready = false;
      try {
        ready = adapters[name].ready();
      } catch {}
      if (ready) {
        found = name;
        answer(name);
        return;
      }
    }
  };
  // Every 50 ms for the first 2 s (a platform is usually ready by then), then every 250 ms, for
  // at most 15 s in all.
  let tries = 0;
  const tick = () => {
    tries += 1;
    look();
    // No platform with an interface by 3 s after the page loaded: autoconsent's rules may
    // recognise the banner (once per page).
    if (!found && !automatic && document.readyState === 'complete' && performance.now() - loadedAt >= 3000) {
      automatic = true;
      ask({ type: 'bannerAuto' }, 15000);
    }
    if (!found && tries < 40 + 52) setTimeout(tick, tries < 40 ? 50 : 250);
  };
  setTimeout(tick, 0);
  document.addEventListener('DOMContentLoaded', look);
  let loadedAt = Infinity;
  if (document.readyState === 'complete') loadedAt = performance.now();
  else window.addEventListener('load', () => (loadedAt = performance.now()), { once: true });

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
    } else if (message?.type === 'reanswer' && found && !busy) {
      answer(found);
    }
  });
})();
