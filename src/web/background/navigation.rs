//! Navigation and discovery: which site each tab shows, and finding a site's declaration (its
//! well-known places, a `Link` header, a `<link>` element, its consent platform's data file),
//! then adopting what was found.

use super::*;

/// `webNavigation.onBeforeNavigate` and `onCommitted` for top-level frames: remembers which
/// site the tab shows and makes sure the site's policy is known (from the cache at once, else
/// fetched from the well-known places).
#[wasm_bindgen(js_name = onNavigation)]
pub async fn on_navigation(details: JsValue, committed: bool) -> Result<(), JsValue> {
    if get(&details, "frameId").as_f64() != Some(0.0) {
        return Ok(());
    }
    let Some(url) = get(&details, "url").as_string() else {
        return Ok(());
    };
    let tab_id = get(&details, "tabId").as_f64().map(|t| t as i32);
    let site = web_site(&url);
    // A first visit (nothing known of the site): its third-party requests wait for the look,
    // where the browser lets them. Held before anything is awaited: the page's first requests
    // follow the navigation within milliseconds, and one sent before the hold began would go
    // out with no rule to stop it. A site whose record is not in memory yet is held until the
    // record is read below.
    let mut held = match (tab_id.filter(|t| *t >= 0 && !committed), site.as_ref()) {
        (Some(tab_id), Some(site)) if with(|s| !matches!(s.policy(site), Some(Some(_)))) => {
            hold::start(tab_id, site).then_some(tab_id)
        }
        _ => None,
    };
    if let Some(tab_id) = tab_id.filter(|t| *t >= 0) {
        let changed = with(|s| {
            let tab = s.tabs.entry(tab_id).or_default();
            let changed = tab.site != site;
            if changed {
                tab.deleted = 0;
                tab.blocked = 0;
            }
            // A new document: its banner is looked for afresh.
            if !committed {
                tab.banner = None;
            }
            tab.site = site.clone();
            tab.url = url.clone();
            changed
        });
        if committed || changed {
            persist(Record::Tabs).await;
            persist(Record::Badge(tab_id)).await;
        }
    }
    let Some(site) = site else { return Ok(()) };
    let private = match tab_id.filter(|t| *t >= 0) {
        Some(tab_id) => tab_is_private(tab_id, None).await,
        None => false,
    };
    let candidates = discovery::well_known_candidates(&url);
    // Known after all (stored from an earlier visit, whose rules are in place): let go at once.
    if let Some(tab_id) = held {
        if policy_of(&site).await.is_some() {
            hold::end(tab_id, &site);
            held = None;
        }
    }
    discover(&site, &url, candidates, Discovery::Visit, private).await;
    if let Some(tab_id) = held {
        hold::end(tab_id, &site);
    }
    Ok(())
}

/// Whether a tab is in a private window: from what is known of the tab, else from `hint` (what
/// the event says, where it says it), else from the browser (once per tab).
pub(super) async fn tab_is_private(tab_id: i32, hint: Option<bool>) -> bool {
    if let Some(known) = with(|s| s.tabs.get(&tab_id).and_then(|t| t.private)) {
        return known;
    }
    let private = match hint {
        Some(private) => Some(private),
        None => browser::tab_incognito(tab_id).await,
    };
    with(|s| {
        if let Some(tab) = s.tabs.get_mut(&tab_id) {
            tab.private = private;
        }
    });
    private.unwrap_or(false)
}

/// `webRequest.onHeadersReceived` for top-level documents: a `Link: <...>; rel="cookie-policy"`
/// header outranks the well-known files.
#[wasm_bindgen(js_name = onHeadersReceived)]
pub async fn on_headers_received(details: JsValue) -> Result<(), JsValue> {
    let Some(url) = get(&details, "url").as_string() else {
        return Ok(());
    };
    let Some(site) = web_site(&url) else {
        return Ok(());
    };
    let headers = js_sys::Array::from(&get(&details, "responseHeaders"));
    let links: Vec<String> = headers
        .iter()
        .filter(|h| {
            get(h, "name")
                .as_string()
                .is_some_and(|n| n.eq_ignore_ascii_case("link"))
        })
        .filter_map(|h| get(&h, "value").as_string())
        .collect();
    let target = links
        .iter()
        .find_map(|value| discovery::link_header_target(value, &url));
    // The site's ADPC consent requests, where it links them (read while ADPC is on).
    let requests = links
        .iter()
        .find_map(|value| discovery::link_target(value, &url, crate::adpc::LINK_REL));
    if let Some(requests) = requests.filter(|_| with(|s| s.prefs.adpc)) {
        let (site, url) = (site.clone(), url.clone());
        wasm_bindgen_futures::spawn_local(async move {
            super::messages::read_adpc_requests(&site, &url, &requests, SourceKind::LinkHeader)
                .await;
        });
    }
    if let Some(target) = target {
        let candidate = Candidate {
            url: target,
            kind: SourceKind::LinkHeader,
        };
        let private = match get(&details, "tabId").as_f64().map(|t| t as i32) {
            Some(tab_id) if tab_id >= 0 => {
                tab_is_private(tab_id, get(&details, "incognito").as_bool()).await
            }
            _ => false,
        };
        discover(&site, &url, vec![candidate], Discovery::Visit, private).await;
    }
    Ok(())
}

/// `tabs.onRemoved`.
#[wasm_bindgen(js_name = onTabRemoved)]
pub async fn on_tab_removed(tab_id: i32) -> Result<(), JsValue> {
    if with(|s| s.tabs.remove(&tab_id).is_some()) {
        persist(Record::Tabs).await;
    }
    Ok(())
}

/// A fetch (of a URL, or of a site's well-known places) under way; it ends when dropped.
pub(super) struct Fetching(FetchKey);

impl Fetching {
    /// Marks `key` as being fetched, unless it already is.
    fn start(key: FetchKey) -> Option<Fetching> {
        with(|s| s.fetching.insert(key.clone())).then_some(Fetching(key))
    }
}

impl Drop for Fetching {
    fn drop(&mut self) {
        with(|s| s.fetching.remove(&self.0));
    }
}

/// The record of one answer from `candidate`'s place: what a fetched body says, or why there
/// was none.
fn record_of(
    site: &Site,
    candidate: &Candidate,
    fetched: Result<fetch::Fetched, discovery::FetchProblem>,
) -> PolicyRecord {
    match fetched {
        Ok(f) => PolicyRecord::from_body(
            site,
            candidate.clone(),
            &f.body,
            f.cache_control.as_deref(),
            now(),
        ),
        Err(problem) => PolicyRecord::failed(site, Some(candidate.clone()), Some(problem), now()),
    }
}

/// Why a site's policy is looked for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Discovery {
    /// A page of the site was opened, or it named its policy: a fresh record is used as it is.
    Visit,
    /// The visitor asked for the policy again: it is fetched whatever the cache says, and the
    /// answer replaces what is stored (the policy in force stays until then).
    Refresh,
}

/// The candidates worth fetching given the record in force: all of them for a refresh, else
/// those [`PolicyRecord::should_fetch`] allows.
pub(super) fn still_wanted(
    candidates: Vec<Candidate>,
    current: Option<&Loaded>,
    why: Discovery,
) -> Vec<Candidate> {
    candidates
        .into_iter()
        .filter(|c| {
            why == Discovery::Refresh || current.is_none_or(|l| l.record.should_fetch(c, now()))
        })
        .collect()
}

/// Finds the site's policy from `candidates` (in order; the first document found wins) unless
/// what is cached is fresh and not outranked, then applies it. The candidates share one
/// deadline ([`discovery::FETCH_TIMEOUT_MS`]), so a site that never answers is given up on in
/// 10 s, not 10 s per place.
///
/// `private`: the page is in a private window, so what is learned stays in memory (and in
/// session rules), and nothing about the visit is stored.
pub(super) async fn discover(
    site: &Site,
    page_url: &str,
    candidates: Vec<Candidate>,
    why: Discovery,
    private: bool,
) {
    let current = policy_of(site).await;
    if !private {
        touch_policy(site).await;
    }
    // Nothing is sent to a place the page may not make the extension ask (another site, an
    // address in the visitor's network), whatever named it.
    let candidates = candidates
        .into_iter()
        .filter(|c| match discovery::check_candidate(c, page_url) {
            Ok(()) => true,
            Err(refusal) => {
                gloo::console::warn!(format!("cookie-warden: not asked: {refusal}"));
                false
            }
        })
        .collect();
    let wanted = still_wanted(candidates, current.as_deref(), why);
    if wanted.is_empty() {
        // A private visit leaves no trace in the rule book (not even when a site was last
        // used); the rules of what is already known are in place.
        if current.is_some() && !private {
            apply_rules(site).await;
        }
        return;
    }
    // One look at the well-known places per site at a time: a page load reports itself twice
    // (before navigating and when committed), and the second must not fetch everything again.
    let _well_known = if wanted.iter().all(|c| !c.kind.is_named_by_page()) {
        match Fetching::start(FetchKey::WellKnown(site.clone())) {
            Some(busy) => Some(busy),
            None => return,
        }
    } else {
        None
    };
    // Another look may have finished while this one was reading the record: check again
    // against what is in memory now, under the guard.
    let latest = with(|s| s.policy(site)).flatten();
    let wanted = still_wanted(wanted, latest.as_deref(), why);
    if wanted.is_empty() {
        return;
    }
    let started = js_sys::Date::now();
    let mut result: Option<PolicyRecord> = None;
    for candidate in wanted {
        let Some(_fetching) = Fetching::start(FetchKey::Url(candidate.url.clone())) else {
            return;
        };
        let spent = (js_sys::Date::now() - started).max(0.0) as u32;
        let fetched = match discovery::FETCH_TIMEOUT_MS.checked_sub(spent) {
            Some(left) if left > 0 => {
                fetch::fetch_policy(&candidate.url, site, left, discovery::Expect::Json).await
            }
            _ => Err(discovery::FetchProblem::TimedOut {
                url: candidate.url.clone(),
            }),
        };
        let record = record_of(site, &candidate, fetched);
        let ends = record.ends_look();
        result = Some(record);
        if ends {
            break;
        }
    }
    let Some(record) = result else { return };
    let record = record.concluded(now());
    adopt(site, record, why, private).await;
}

/// Takes a fetched `record` as the site's if it is at least as good as the one in force
/// ([`PolicyRecord::replaces`]), stores it (not for a private window), and applies it: rules,
/// and a sweep of the site's cookies.
pub(super) async fn adopt(site: &Site, record: PolicyRecord, why: Discovery, private: bool) {
    // A worse or lower-ranked answer never replaces a better one. The check and the update
    // happen together, with no await between them.
    let replaced = with(|s| {
        if let Some(Some(latest)) = s.policy(site) {
            if !record.replaces(&latest.record, now(), why == Discovery::Refresh) {
                return false;
            }
        }
        let trust = s.prefs.trust_site_categories;
        s.set_policy(site, Some(Loaded::learned(record.clone(), private, trust)));
        true
    });
    if !replaced {
        return;
    }
    if !private {
        store_policy(site, &record).await;
    }
    apply_rules(site).await;
    sweep(Some(site)).await;
}

/// Reads the declaration of the consent platform a page loads (`source`, from
/// [`discovery::consent_platforms`]) unless what is known of the site is as good: one or two
/// fetches (OneTrust's rule-set file names the language file) under one deadline, each place
/// checked before it is asked, then [`adopt`].
pub(super) async fn discover_platform(
    site: &Site,
    page_url: &str,
    source: discovery::PlatformSource,
    private: bool,
) {
    use crate::policy::formats::onetrust;
    let candidate = source.candidate.clone();
    if let Err(refusal) = discovery::check_candidate(&candidate, page_url) {
        gloo::console::warn!(format!("cookie-warden: not asked: {refusal}"));
        return;
    }
    let current = policy_of(site).await;
    if still_wanted(
        vec![candidate.clone()],
        current.as_deref(),
        Discovery::Visit,
    )
    .is_empty()
    {
        return;
    }
    let Some(_fetching) = Fetching::start(FetchKey::Url(candidate.url.clone())) else {
        return;
    };
    let started = js_sys::Date::now();
    let left = || {
        discovery::FETCH_TIMEOUT_MS.saturating_sub((js_sys::Date::now() - started).max(0.0) as u32)
    };
    let failed =
        |problem| PolicyRecord::failed(site, Some(candidate.clone()), Some(problem), now());
    let first = fetch::fetch_policy(&candidate.url, site, left(), source.expect()).await;
    let record = match (source.platform, first) {
        (_, Err(problem)) => failed(problem),
        (discovery::Platform::Cookiebot, answer) => record_of(site, &candidate, answer),
        (discovery::Platform::OneTrust, Ok(rule_set)) => {
            match onetrust::language_file_url(
                &rule_set.body,
                &source.base,
                &source.id,
                &source.language,
            ) {
                Err(e) => PolicyRecord::unreadable(site, candidate.clone(), e.to_string(), now()),
                Ok(url) => {
                    let second = Candidate {
                        url,
                        kind: discovery::SourceKind::ConsentPlatform,
                    };
                    match discovery::check_candidate(&second, page_url) {
                        Err(refusal) => failed(discovery::FetchProblem::Refused {
                            url: second.url.clone(),
                            reason: refusal.to_string(),
                        }),
                        Ok(()) if left() == 0 => failed(discovery::FetchProblem::TimedOut {
                            url: second.url.clone(),
                        }),
                        // The record is the consent platform's (its first place), whichever
                        // file answered.
                        Ok(()) => record_of(
                            site,
                            &candidate,
                            fetch::fetch_policy(&second.url, site, left(), discovery::Expect::Json)
                                .await,
                        ),
                    }
                }
            }
        }
    };
    adopt(site, record, Discovery::Visit, private).await;
}
