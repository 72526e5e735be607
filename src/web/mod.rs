//! The web layer (wasm32 only): moves data between `chrome.*` and the engine. Each exported
//! function is one browser event; it converts the event, asks the engine what to do, and carries
//! the answer out (remove a cookie, update rules, store state). Decisions are the engine's.
//!
//! Every handler is idempotent and keeps what matters in `chrome.storage`, because the worker
//! can be stopped between any two events.

mod browser;
mod dom;
mod fetch;
mod hold;
pub mod options;
mod popup;
mod state;
#[cfg(test)]
mod tests;

use crate::block::{self, BlockPlan, Rule, RuleBook, RuleUpdate};
use crate::decide::{decide, is_private_store, Context, Cookie, SitePolicy, Verdict};
use crate::discovery::{self, Candidate, Outcome, PolicyRecord, SourceKind};
use crate::domain::Site;
use crate::known::KnownCookies;
use crate::prefs::Preferences;
use crate::protocol::{Request, Response, Sender, SenderInfo};
use crate::trackers::Trackers;
use crate::view::{site_view, PolicyState, ViewInput};
use browser::{from_js, get, now, storage_get, storage_set, to_js, Area};
use state::{keys, removal_key, with, IndexEntry, Loaded, Record, Removing, TabInfo};
use std::collections::BTreeMap;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// The engine's version, for the bootstrap's log.
#[wasm_bindgen(js_name = engineVersion)]
pub fn engine_version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// Loads the state from storage, reconciles the installed rules with it, and, once per browser
/// session, starts a sweep of every cookie. The bootstrap awaits this once before any event is
/// handled.
///
/// A worker is started again and again (browsers stop idle workers after ~30 s), so this is on
/// the path of every cold deletion: all reads are issued at once (one `get` per storage area and
/// the installed rules, in flight together), and the full sweep runs only on the first start of
/// a browser session or after an install or update (when `storage.session` is empty): events
/// that arrive while the worker is stopped are queued and delivered to it, so a later start has
/// nothing to catch up on.
#[wasm_bindgen]
pub async fn start() -> Result<(), JsValue> {
    // Issued together; awaited one after the other.
    let local = browser::storage_get_many(Area::Local, LOCAL_KEYS);
    let session = browser::storage_get_many(
        Area::Session,
        &[
            keys::TABS,
            keys::DELETED,
            keys::SWEPT,
            keys::SESSION_RULE_BOOK,
        ],
    );
    let installed = browser::dynamic_rules();
    let session_installed = browser::session_rules();
    let local = match local.await {
        Ok(local) => Some(local),
        Err(_) => read_local_again().await,
    };
    let session = session.await.unwrap_or(JsValue::UNDEFINED);
    let installed = installed.await.unwrap_or(JsValue::UNDEFINED);
    let session_installed: Vec<Rule> =
        from_js(session_installed.await.unwrap_or(JsValue::UNDEFINED)).unwrap_or_default();
    let (session_book, _) = RuleBook::from_stored(
        &from_js::<serde_json::Value>(get(&session, keys::SESSION_RULE_BOOK)).unwrap_or_default(),
    );

    let tabs: BTreeMap<i32, TabInfo> = from_js(get(&session, keys::TABS)).unwrap_or_default();
    let deleted = crate::deletions::Deletions::from_stored(
        &from_js::<serde_json::Value>(get(&session, keys::DELETED)).unwrap_or_default(),
    );
    let swept = get(&session, keys::SWEPT).as_bool() == Some(true);
    let installed: Vec<Rule> = from_js(installed).unwrap_or_default();
    with(|s| {
        s.installed = installed.iter().map(|r| (r.id, r.clone())).collect();
        s.session_installed = session_installed.into_iter().map(|r| (r.id, r)).collect();
        s.session_book = session_book;
        s.tabs = tabs;
        s.deleted = deleted;
    });
    match local {
        Some(local) => load_local(&local, &installed).await,
        None => {
            // "Could not read" is not "nothing stored": the defaults (which deny statistics and
            // marketing) are used for now, and nothing is written over what is stored until a
            // read succeeds (ensure_local_read).
            gloo::console::error!(
                "cookie-warden: storage.local could not be read; the defaults apply and nothing is stored until it can be"
            );
            with(|s| {
                s.local_unread = true;
                s.rule_book.adopt_installed(&installed);
            });
        }
    }
    reconcile_rules().await;
    if !swept {
        wasm_bindgen_futures::spawn_local(async {
            sweep(None).await;
            let _ = storage_set(Area::Session, keys::SWEPT, &JsValue::TRUE).await;
        });
    }
    Ok(())
}

/// The `storage.local` keys read at start.
const LOCAL_KEYS: &[&str] = &[
    keys::PREFS,
    keys::RULE_BOOK,
    keys::STORES,
    keys::POLICY_INDEX,
];

/// Reads [`LOCAL_KEYS`] again after a failed read, a few times with short pauses; `None` if
/// every try fails.
async fn read_local_again() -> Option<JsValue> {
    for pause_ms in [50, 200, 500] {
        gloo::timers::future::TimeoutFuture::new(pause_ms).await;
        if let Ok(local) = browser::storage_get_many(Area::Local, LOCAL_KEYS).await {
            return Some(local);
        }
    }
    None
}

/// Takes what `storage.local` holds (the items of [`LOCAL_KEYS`]) into memory: the choices,
/// read tolerantly; the rule book, completed from the `installed` rules; the cookie stores seen;
/// the index of policy records. Stores what had to be repaired.
async fn load_local(local: &JsValue, installed: &[Rule]) {
    let stored_prefs = get(local, keys::PREFS);
    let stored_prefs: serde_json::Value = if stored_prefs.is_undefined() {
        serde_json::Value::Null
    } else {
        from_js(stored_prefs).unwrap_or(serde_json::Value::Null)
    };
    let (prefs, repairs) = Preferences::load(&stored_prefs);
    let stored_book = get(local, keys::RULE_BOOK);
    // The rule book is read entry by entry; what is unreadable is taken back from the rules
    // the browser still has installed.
    let stored_book: serde_json::Value = if stored_book.is_undefined() {
        serde_json::Value::Null
    } else {
        from_js(stored_book).unwrap_or(serde_json::Value::Bool(false))
    };
    let (mut rule_book, book_damage) = RuleBook::from_stored(&stored_book);
    let stores: std::collections::BTreeSet<String> =
        from_js(get(local, keys::STORES)).unwrap_or_default();
    let adopted = rule_book.adopt_installed(installed);
    if book_damage > 0 || !adopted.is_empty() {
        gloo::console::warn!(format!(
            "cookie-warden: the stored rule book had {book_damage} unreadable entries; {} sites taken back from the installed rules",
            adopted.len()
        ));
    }
    let stored_index = get(local, keys::POLICY_INDEX);
    // Without a stored index (an earlier version's storage) it is made from the records once,
    // and stored, so later starts do not read every record again.
    let index_rebuilt = stored_index.is_undefined();
    let policy_index = load_policy_index(stored_index).await;
    let repaired = !repairs.is_empty();
    with(|s| {
        s.prefs = prefs;
        s.repairs = repairs.iter().map(ToString::to_string).collect();
        s.rule_book = rule_book;
        s.stores = stores;
        s.policy_index = policy_index;
        s.local_unread = false;
    });
    if repaired {
        persist(Record::Prefs).await;
    }
    if book_damage > 0 || !adopted.is_empty() {
        persist(Record::RuleBook).await;
    }
    if index_rebuilt {
        persist(Record::PolicyIndex).await;
    }
}

/// Whether what `storage.local` holds is in memory: if the read at start failed, it is tried
/// again now. Choices are changed only when it is, so a change never overwrites stored choices
/// that were not read.
async fn ensure_local_read() -> bool {
    if !with(|s| s.local_unread) {
        return true;
    }
    let Ok(local) = browser::storage_get_many(Area::Local, LOCAL_KEYS).await else {
        return false;
    };
    if !with(|s| s.local_unread) {
        return true;
    }
    let installed: Vec<Rule> = with(|s| s.installed.values().cloned().collect());
    load_local(&local, &installed).await;
    after_global_change().await;
    true
}

/// `chrome.cookies.onChanged`: decides a cookie that was just set, and deletes it if the
/// visitor's choices say so.
#[wasm_bindgen(js_name = onCookieChanged)]
pub async fn on_cookie_changed(info: JsValue) -> Result<(), JsValue> {
    let raw = get(&info, "cookie");
    let cookie: Cookie = from_js(raw.clone())?;
    if get(&info, "removed").as_bool().unwrap_or(false) {
        // A removal the background asked for is counted when the browser reports it done (an
        // expired overwrite for a partitioned cookie, see enforce).
        let cause = get(&info, "cause").as_string();
        if matches!(cause.as_deref(), Some("explicit" | "expired_overwrite")) {
            let asked = with(|s| s.removing.remove(&removal_key(&cookie)));
            if let Some(Removing { site, .. }) = asked {
                count_deletion(&site, &cookie.name).await;
            }
        }
        return Ok(());
    }
    remember_store(&cookie.store_id).await;
    let Some(site) = cookie.owner_site() else {
        return Ok(());
    };
    let loaded = policy_of(&site).await;
    enforce(&site, loaded.as_deref(), &cookie, &raw).await;
    Ok(())
}

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
    if let Some(tab_id) = tab_id.filter(|t| *t >= 0) {
        let changed = with(|s| {
            let tab = s.tabs.entry(tab_id).or_default();
            let changed = tab.site != site;
            if changed {
                tab.deleted = 0;
                tab.blocked = 0;
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
    // A first visit (nothing known of the site): its third-party requests wait for the look,
    // where the browser lets them.
    let held = match tab_id.filter(|t| *t >= 0 && !committed) {
        Some(tab_id) if policy_of(&site).await.is_none() => {
            hold::start(tab_id, &site).then_some(tab_id)
        }
        _ => None,
    };
    discover(&site, &url, candidates, Discovery::Visit, private).await;
    if let Some(tab_id) = held {
        hold::end(tab_id, &site);
    }
    Ok(())
}

/// Whether a tab is in a private window: from what is known of the tab, else from `hint` (what
/// the event says, where it says it), else from the browser (once per tab).
async fn tab_is_private(tab_id: i32, hint: Option<bool>) -> bool {
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
    let target = headers.iter().find_map(|h| {
        let name = get(&h, "name").as_string()?;
        if !name.eq_ignore_ascii_case("link") {
            return None;
        }
        discovery::link_header_target(&get(&h, "value").as_string()?, &url)
    });
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

/// `webRequest.onErrorOccurred`: a request the browser stopped because of a rule
/// (`NS_ERROR_ABORT` in Firefox, `net::ERR_BLOCKED_BY_CLIENT` in Chrome) is counted for its tab
/// when the tab's site blocks that host. Firefox has no `getMatchedRules` to count with.
#[wasm_bindgen(js_name = onRequestError)]
pub async fn on_request_error(details: JsValue) -> Result<(), JsValue> {
    let error = get(&details, "error").as_string().unwrap_or_default();
    if error != "NS_ERROR_ABORT" && error != "net::ERR_BLOCKED_BY_CLIENT" {
        return Ok(());
    }
    let Some(tab_id) = get(&details, "tabId")
        .as_f64()
        .map(|t| t as i32)
        .filter(|t| *t >= 0)
    else {
        return Ok(());
    };
    let Some(url) = get(&details, "url").as_string() else {
        return Ok(());
    };
    let Some(host) = crate::domain::host_of_url(&url).map(str::to_ascii_lowercase) else {
        return Ok(());
    };
    let Some(site) = with(|s| s.tabs.get(&tab_id).and_then(|t| t.site.clone())) else {
        return Ok(());
    };
    let path = crate::domain::path_of_url(&url);
    let loaded = policy_of(&site).await;
    let counted = with(|s| {
        let blocks = plan_of(&site, loaded.as_deref(), &s.prefs).blocks_request(
            &host,
            path,
            Trackers::bundled(),
            &s.prefs,
        );
        if blocks {
            if let Some(tab) = s.tabs.get_mut(&tab_id) {
                tab.blocked += 1;
            }
        }
        blocks
    });
    if counted {
        persist(Record::Tabs).await;
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

/// `runtime.onMessage`: one request of the typed protocol, one response. Who sent it decides
/// what it may ask ([`Request::allowed_from`]): the extension's own pages anything, a content
/// script only to report its page's policy link.
#[wasm_bindgen(js_name = onMessage)]
pub async fn on_message(message: JsValue, sender: JsValue) -> Result<JsValue, JsValue> {
    let sender = sender_of(&sender);
    let response = match from_js::<Request>(message) {
        Ok(request) if !request.allowed_from(&sender) => Response::Error {
            message: "not allowed from this sender".into(),
        },
        Ok(request) if request.changes_choices() && !ensure_local_read().await => Response::Error {
            message: "your saved choices could not be read, so nothing was changed; try again"
                .into(),
        },
        Ok(request) => handle(request, &sender).await,
        Err(e) => Response::Error {
            message: format!("not a request: {}", e.as_string().unwrap_or_default()),
        },
    };
    to_js(&response)
}

/// Who sent a message, from what the browser says (`runtime.MessageSender`).
fn sender_of(sender: &JsValue) -> Sender {
    let text = |v: JsValue| v.as_string();
    let id = text(get(sender, "id"));
    let origin = text(get(sender, "origin"));
    let url = text(get(sender, "url"));
    let tab_id = get(&get(sender, "tab"), "id").as_f64().map(|t| t as i32);
    let frame_id = get(sender, "frameId").as_f64().map(|f| f as i32);
    let info = SenderInfo {
        id: id.as_deref(),
        origin: origin.as_deref(),
        url: url.as_deref(),
        tab_id,
        frame_id,
    };
    Sender::classify(&info, &browser::extension_id(), &browser::extension_base())
}

async fn handle(request: Request, sender: &Sender) -> Response {
    match request {
        Request::GetPanel { tab_id, language } => {
            let url = match with(|s| s.tabs.get(&tab_id).map(|t| t.url.clone())) {
                Some(url) => Some(url),
                None => browser::tab_url(tab_id).await,
            };
            match url.as_deref().and_then(web_site) {
                Some(site) => panel(&site, Some(tab_id), language.as_deref()).await,
                None => Response::NoSite,
            }
        }
        Request::GetSitePanel { site, language } => panel(&site, None, language.as_deref()).await,
        Request::GetSiteText { site, language } => {
            match panel(&site, None, language.as_deref()).await {
                Response::Panel { view, .. } => Response::Text {
                    text: crate::view::to_text(&view),
                },
                other => other,
            }
        }
        Request::DeleteNow { site } => {
            sweep(Some(&site)).await;
            Response::Done
        }
        Request::RefreshPolicy {
            site,
            tab_id,
            page_url,
        } => {
            // The page to look from: the tab's (the panel's refresh), else the one named, else
            // the site's front page. Only a page of this site.
            let tab_url = match tab_id {
                Some(tab) => match with(|s| s.tabs.get(&tab).map(|t| t.url.clone())) {
                    Some(url) => Some(url),
                    None => browser::tab_url(tab).await,
                },
                None => None,
            };
            let page = [tab_url, page_url]
                .into_iter()
                .flatten()
                .find(|url| web_site(url).as_ref() == Some(&site))
                .unwrap_or_else(|| format!("https://{site}/"));
            let private = match tab_id {
                Some(tab) => tab_is_private(tab, None).await,
                None => false,
            };
            // The policy in force stays in force until the new answer replaces it.
            discover(
                &site,
                &page,
                discovery::well_known_candidates(&page),
                Discovery::Refresh,
                private,
            )
            .await;
            Response::Done
        }
        Request::GetTimings => with(|s| Response::Timings {
            marks: s.timings.iter().cloned().collect(),
        }),
        Request::GetPreferences => with(|s| Response::Preferences {
            preferences: s.prefs.to_json(),
            repairs: s.repairs.clone(),
        }),
        Request::SetPreferences { preferences } => {
            let (prefs, diagnostics) = Preferences::load(&preferences);
            let errors: Vec<String> = diagnostics
                .iter()
                .filter(|d| d.is_error())
                .map(ToString::to_string)
                .collect();
            if !errors.is_empty() || !preferences.is_object() {
                return Response::Error {
                    message: format!("these settings were not imported: {}", errors.join("; ")),
                };
            }
            with(|s| s.prefs = prefs);
            after_global_change().await;
            Response::Done
        }
        Request::PolicyLink { url } => {
            // The page is the one the browser says sent the message: its top-level frame.
            let Sender::ContentScript {
                url: page_url,
                top_frame: true,
                tab_id,
            } = sender
            else {
                return Response::Done;
            };
            let private = tab_is_private(*tab_id, None).await;
            if let Some(site) = web_site(page_url) {
                if let Some(url) = discovery::resolve_url(&url, page_url) {
                    let candidate = Candidate {
                        url,
                        kind: SourceKind::LinkElement,
                    };
                    discover(&site, page_url, vec![candidate], Discovery::Visit, private).await;
                }
            }
            Response::Done
        }
        Request::PageScripts {
            scripts,
            page_language,
            visitor_language,
        } => {
            let Sender::ContentScript {
                url: page_url,
                top_frame: true,
                tab_id,
            } = sender
            else {
                return Response::Done;
            };
            let Some(site) = web_site(page_url) else {
                return Response::Done;
            };
            let private = tab_is_private(*tab_id, None).await;
            for source in
                discovery::consent_platforms(&scripts, page_url, &page_language, &visitor_language)
            {
                discover_platform(&site, page_url, source, private).await;
            }
            Response::Done
        }
        change @ (Request::SetDefault { .. }
        | Request::SetUndeclared { .. }
        | Request::SetActWithoutPolicy { .. }
        | Request::SetGlobalPrivacyControl { .. }
        | Request::SetTrustSiteCategories { .. }) => {
            // Applied to the preferences as they are now, in one step: changes sent at the same
            // time from several pages all take effect.
            with(|s| change.apply_to(&mut s.prefs));
            after_global_change().await;
            Response::Done
        }
        change @ (Request::SetCategory { .. }
        | Request::SetService { .. }
        | Request::SetPaused { .. }
        | Request::ForgetSite { .. }) => {
            let Some(site) = change.site() else {
                return Response::Error {
                    message: "the request names no site".into(),
                };
            };
            if with(|s| change.apply_to(&mut s.prefs)) {
                persist(Record::Prefs).await;
                apply_rules(&site).await;
                sweep(Some(&site)).await;
            }
            Response::Done
        }
    }
}

/// After a change that concerns every site: stores the choices, brings the global rules and
/// every known site's rules in line, and sweeps every cookie.
async fn after_global_change() {
    with(state::State::recompile_policies);
    persist(Record::Prefs).await;
    reconcile_rules().await;
    let sites: Vec<Site> = with(|s| {
        let mut sites = s.sites_in_memory();
        sites.extend(s.rule_book.sites.keys().cloned());
        sites.extend(s.session_book.sites.keys().cloned());
        sites.sort();
        sites.dedup();
        sites
    });
    for site in sites {
        apply_rules(&site).await;
    }
    sweep(None).await;
}

/// The site of an http(s) page URL.
fn web_site(url: &str) -> Option<Site> {
    (url.starts_with("http://") || url.starts_with("https://"))
        .then(|| Site::of_url(url))
        .flatten()
}

fn badge_text(count: u32) -> String {
    match count {
        0 => String::new(),
        1..=999 => count.to_string(),
        _ => "999+".into(),
    }
}

/// The site's policy record, from memory or storage. A stored record that cannot be read, or
/// is another site's, counts as none (the site's policy is looked for again on its next visit).
async fn policy_of(site: &Site) -> Option<Rc<Loaded>> {
    if let Some(loaded) = with(|s| s.policy(site)) {
        return loaded;
    }
    let stored = storage_get(Area::Local, &keys::policy(site)).await.ok()?;
    let trust = with(|s| s.prefs.trust_site_categories);
    let loaded = if stored.is_undefined() || stored.is_null() {
        None
    } else {
        from_js::<PolicyRecord>(stored)
            .ok()
            .filter(|r| &r.site == site)
            .map(|record| Loaded::new(record, trust))
    };
    // Another event may have loaded or replaced it meanwhile; that one wins.
    with(|s| match s.policy(site) {
        Some(current) => current,
        None => {
            s.set_policy(site, loaded.clone());
            loaded
        }
    })
}

/// Decides one cookie of `site` and removes it if it must go.
async fn enforce(site: &Site, loaded: Option<&Loaded>, cookie: &Cookie, raw: &JsValue) -> bool {
    let verdict = with(|s| {
        let policy = loaded
            .and_then(|l| l.compiled.as_ref())
            .map_or(SitePolicy::None, |(compiled, _, _)| {
                SitePolicy::Declared(compiled)
            });
        let ctx = Context {
            site,
            policy,
            prefs: &s.prefs,
            known: KnownCookies::bundled(),
        };
        decide(cookie, &ctx, now()).verdict
    });
    if verdict != Verdict::Delete {
        return false;
    }
    let details = js_sys::Object::new();
    let set = |key: &str, value: JsValue| {
        let _ = js_sys::Reflect::set(&details, &JsValue::from_str(key), &value);
    };
    set("url", JsValue::from_str(&cookie.url()));
    set("name", JsValue::from_str(&cookie.name));
    set("storeId", get(raw, "storeId"));
    let partition = get(raw, "partitionKey");
    if !partition.is_undefined() && !partition.is_null() {
        set("partitionKey", partition);
    }
    let first_party = get(raw, "firstPartyDomain");
    if first_party.is_string() {
        set("firstPartyDomain", first_party);
    }
    let key = removal_key(cookie);
    with(|s| {
        let now = now();
        if s.removing.len() > 10_000 {
            s.removing.retain(|_, r| r.asked + 60 > now);
        }
        s.removing.insert(
            key.clone(),
            Removing {
                site: site.clone(),
                asked: now,
            },
        );
    });
    let partitioned = cookie
        .partition_key
        .as_ref()
        .is_some_and(|k| k.top_level_site.is_some());
    let removed = if partitioned {
        // Chrome's cookies.remove with a partitionKey also removes the third party's own,
        // unpartitioned cookie of that name (seen in Chromium 156), which is not this site's to
        // decide: the partitioned one is overwritten with an expired copy instead, which the
        // browser then drops from that partition only.
        for (key, value) in [
            ("value", JsValue::from_str("")),
            ("expirationDate", JsValue::from_f64(1.0)),
            ("path", JsValue::from_str(&cookie.path)),
            ("secure", JsValue::from_bool(cookie.secure)),
            ("httpOnly", get(raw, "httpOnly")),
            ("sameSite", get(raw, "sameSite")),
        ] {
            if !value.is_undefined() {
                set(key, value);
            }
        }
        if !cookie.host_only {
            set("domain", JsValue::from_str(&cookie.domain));
        }
        browser::set_cookie(&details.into())
            .await
            .map(|_| JsValue::TRUE)
    } else {
        // Chrome answers with the cookie's details whether or not it was still there (a page
        // may have replaced it, or the browser evicted it); Firefox answers null when it was
        // not.
        browser::remove_cookie(&details.into()).await
    };
    // The deletion is counted when cookies.onChanged reports it (on_cookie_changed).
    if !removed.is_ok_and(|r| !r.is_null()) {
        with(|s| s.removing.remove(&key));
        return false;
    }
    true
}

/// Counts one deletion of cookie `name` of `site`, for the panel and for the tabs showing it.
async fn count_deletion(site: &Site, name: &str) {
    let tabs: Vec<(i32, u32)> = with(|s| {
        s.deleted.count(site, name);
        s.tabs
            .iter_mut()
            .filter(|(_, t)| t.site.as_ref() == Some(site))
            .map(|(id, t)| {
                t.deleted += 1;
                (*id, t.deleted)
            })
            .collect()
    });
    // Each write carries every change made before it, so a burst of deletions costs a few
    // writes, not one per deletion.
    persist(Record::Deleted).await;
    for (tab_id, _) in &tabs {
        persist(Record::Badge(*tab_id)).await;
    }
    if !tabs.is_empty() {
        persist(Record::Tabs).await;
    }
}

/// Remembers a cookie store the extension has seen a cookie in: Firefox lists only the stores
/// with open tabs, and a container's cookies must still be swept after its tab is closed.
async fn remember_store(store: &str) {
    // A private window's store is not remembered: that the visitor used one is not kept.
    if store.is_empty() || is_private_store(store) || with(|s| s.stores.contains(store)) {
        return;
    }
    with(|s| s.stores.insert(store.to_owned()));
    persist(Record::Stores).await;
}

/// The cookie stores to look in: those the browser lists, and those seen before.
async fn cookie_stores() -> Vec<String> {
    let listed = browser::cookie_store_ids().await;
    with(|s| {
        let mut all: Vec<String> = listed;
        for seen in &s.stores {
            if !all.contains(seen) {
                all.push(seen.clone());
            }
        }
        all
    })
}

/// Removes every cookie that the visitor's choices disallow: of one site, or of all sites.
async fn sweep(site: Option<&Site>) {
    for (cookie, raw) in stored_cookies(site).await {
        let Some(owner) = cookie.owner_site() else {
            continue;
        };
        let loaded = policy_of(&owner).await;
        enforce(&owner, loaded.as_deref(), &cookie, &raw).await;
    }
}

/// Every cookie stored for `site` (every cookie when `None`), in every cookie store the
/// extension knows and every partition: the site's own cookies wherever they are partitioned,
/// and other sites' cookies partitioned under it (CHIPS, Firefox's Total Cookie Protection),
/// which are the site's to decide. A cookie found by two queries is listed once.
async fn stored_cookies(site: Option<&Site>) -> Vec<(Cookie, JsValue)> {
    use browser::{cookie_query, Partitions};
    let mut stores = cookie_stores().await;
    if stores.is_empty() {
        stores.push(String::new());
    }
    let mut queries: Vec<JsValue> = Vec::new();
    for store in &stores {
        match site {
            None => queries.push(cookie_query(store, None, Partitions::All)),
            Some(site) => {
                queries.push(cookie_query(store, Some(site.as_str()), Partitions::All));
                for scheme in ["https", "http"] {
                    let top_level = format!("{scheme}://{site}");
                    queries.push(cookie_query(store, None, Partitions::Under(&top_level)));
                }
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    let mut found = Vec::new();
    for query in queries {
        let cookies = match browser::get_all_cookies(&query).await {
            Ok(cookies) => cookies,
            Err(e) => {
                gloo::console::warn!("cookie-warden: cookies.getAll failed", e);
                continue;
            }
        };
        for raw in cookies {
            let Ok(cookie) = from_js::<Cookie>(raw.clone()) else {
                continue;
            };
            if site.is_some_and(|s| cookie.owner_site().as_ref() != Some(s)) {
                continue;
            }
            if seen.insert(removal_key(&cookie)) {
                found.push((cookie, raw));
            }
        }
    }
    found
}

/// A fetch (of a URL, or of a site's well-known places) under way; it ends when dropped.
struct Fetching(String);

impl Fetching {
    /// Marks `key` as being fetched, unless it already is.
    fn start(key: String) -> Option<Fetching> {
        with(|s| s.fetching.insert(key.clone())).then_some(Fetching(key))
    }
}

impl Drop for Fetching {
    fn drop(&mut self) {
        with(|s| s.fetching.remove(&self.0));
    }
}

/// Why a site's policy is looked for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Discovery {
    /// A page of the site was opened, or it named its policy: a fresh record is used as it is.
    Visit,
    /// The visitor asked for the policy again: it is fetched whatever the cache says, and the
    /// answer replaces what is stored (the policy in force stays until then).
    Refresh,
}

/// Finds the site's policy from `candidates` (in order; the first document found wins) unless
/// what is cached is fresh and not outranked, then applies it. The candidates share one
/// deadline ([`discovery::FETCH_TIMEOUT_MS`]), so a site that never answers is given up on in
/// 10 s, not 10 s per place.
/// The candidates worth fetching given the record in force: all of them for a refresh, else
/// those [`PolicyRecord::should_fetch`] allows.
fn still_wanted(
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

/// `private`: the page is in a private window, so what is learned stays in memory (and in
/// session rules), and nothing about the visit is stored.
async fn discover(
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
        match Fetching::start(format!("well-known:{site}")) {
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
        let Some(_fetching) = Fetching::start(candidate.url.clone()) else {
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
        let timed_out = matches!(fetched, Err(discovery::FetchProblem::TimedOut { .. }));
        let record = match fetched {
            Ok(f) => PolicyRecord::from_body(
                site,
                candidate.clone(),
                &f.body,
                f.cache_control.as_deref(),
                now(),
            ),
            Err(problem) => {
                PolicyRecord::failed(site, Some(candidate.clone()), Some(problem), now())
            }
        };
        let found = !matches!(record.outcome, Outcome::Failed { .. });
        let explicit = candidate.kind.is_named_by_page();
        result = Some(record);
        if found || explicit || timed_out {
            break;
        }
    }
    let Some(mut record) = result else { return };
    if matches!(
        &record.outcome,
        Outcome::Failed {
            problem: discovery::FetchProblem::NotFound { .. }
        }
    ) && record
        .source
        .as_ref()
        .is_some_and(|c| !c.kind.is_named_by_page())
    {
        record = PolicyRecord::failed(site, None, None, now());
    }
    adopt(site, record, why, private).await;
}

/// Takes a fetched `record` as the site's if it is at least as good as the one in force
/// ([`PolicyRecord::replaces`]), stores it (not for a private window), and applies it: rules,
/// and a sweep of the site's cookies.
async fn adopt(site: &Site, record: PolicyRecord, why: Discovery, private: bool) {
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
async fn discover_platform(
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
    let Some(_fetching) = Fetching::start(candidate.url.clone()) else {
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
        (discovery::Platform::Cookiebot, Ok(f)) => PolicyRecord::from_body(
            site,
            candidate.clone(),
            &f.body,
            f.cache_control.as_deref(),
            now(),
        ),
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
                        Ok(()) => match fetch::fetch_policy(
                            &second.url,
                            site,
                            left(),
                            discovery::Expect::Json,
                        )
                        .await
                        {
                            Err(problem) => failed(problem),
                            Ok(f) => PolicyRecord::from_body(
                                site,
                                candidate.clone(),
                                &f.body,
                                f.cache_control.as_deref(),
                                now(),
                            ),
                        },
                    }
                }
            }
        }
    };
    adopt(site, record, Discovery::Visit, private).await;
}

/// Reads the index of stored policy records; without one (stored by an earlier version), makes
/// it from the records themselves.
async fn load_policy_index(stored: JsValue) -> BTreeMap<Site, IndexEntry> {
    if !stored.is_undefined() {
        let value: serde_json::Value = from_js(stored).unwrap_or(serde_json::Value::Null);
        if let Some(entries) = value.as_object() {
            return entries
                .iter()
                .filter_map(|(site, entry)| {
                    let site = Site::parse(site)?;
                    Some((site, serde_json::from_value(entry.clone()).ok()?))
                })
                .collect();
        }
    }
    let mut index = BTreeMap::new();
    for (key, value) in browser::local_items("policy:").await {
        let Some(site) = Site::of_host(&key["policy:".len()..]) else {
            continue;
        };
        let bytes = js_sys::JSON::stringify(&value)
            .ok()
            .and_then(|t| t.as_string())
            .map_or(0, |t| t.len() as u64);
        index.insert(site, IndexEntry { bytes, used: 0 });
    }
    index
}

/// Stores a site's policy record, first letting the least recently used records of other
/// sites go if the records would take more than [`state::POLICY_STORAGE_BUDGET`]: storage must
/// keep room for the choices and the rule book. A site whose record went keeps its rules; its
/// policy is fetched again on its next visit.
async fn store_policy(site: &Site, record: &PolicyRecord) {
    if with(|s| s.local_unread) {
        return;
    }
    let bytes = serde_json::to_string(record).map_or(0, |t| t.len() as u64);
    let evict: Vec<Site> = with(|s| {
        s.policy_index.remove(site);
        let mut total: u64 = s.policy_index.values().map(|e| e.bytes).sum::<u64>() + bytes;
        let mut by_use: Vec<(u64, Site)> = s
            .policy_index
            .iter()
            .map(|(site, e)| (e.used, site.clone()))
            .collect();
        by_use.sort();
        let mut evict = Vec::new();
        for (_, old) in by_use {
            if total <= state::POLICY_STORAGE_BUDGET {
                break;
            }
            total -= s.policy_index.remove(&old).map_or(0, |e| e.bytes);
            evict.push(old);
        }
        evict
    });
    for old in &evict {
        let _ = browser::local_remove_key(&keys::policy(old)).await;
    }
    let Ok(value) = to_js(record) else { return };
    match storage_set(Area::Local, &keys::policy(site), &value).await {
        Ok(()) => with(|s| {
            s.policy_index
                .insert(site.clone(), IndexEntry { bytes, used: now() });
        }),
        Err(e) => gloo::console::error!("cookie-warden: the policy record was not stored", e),
    }
    persist(Record::PolicyIndex).await;
}

/// Notes that the site's stored record was used (at most once an hour per site), so the
/// records of sites in use are the last to go.
async fn touch_policy(site: &Site) {
    let touched = with(|s| match s.policy_index.get_mut(site) {
        Some(entry) if entry.used + 3600 <= now() => {
            entry.used = now();
            true
        }
        _ => false,
    });
    if touched {
        persist(Record::PolicyIndex).await;
    }
}

/// Brings the site's DNR rules in line with its policy and the visitor's choices. A site whose
/// record is not known (never fetched, or let go from storage) keeps the rules it has until its
/// policy is found again. Rule changes are made one at a time, each from the state as it is
/// when its turn comes, so the installed rules always end as the latest choices say.
async fn apply_rules(site: &Site) {
    let _turn = state::turn(|s| &mut s.rules).await;
    apply_rules_in_turn(site).await;
}

async fn apply_rules_in_turn(site: &Site) {
    let loaded = policy_of(site).await;
    if let Some(loaded) = loaded.as_ref().filter(|l| l.private) {
        apply_session_rules(site, loaded).await;
        return;
    }
    let update = with(|s| {
        let plan = plan_of(site, loaded.as_deref(), &s.prefs);
        // A site whose record was let go keeps the rules its declaration gave it until the
        // declaration is read again; rules that came from the choices alone follow them.
        if loaded.is_none() && s.rule_book.sites.get(site).is_some_and(|i| i.declared) {
            return None;
        }
        let update = s.rule_book.update_site(site, &plan, now());
        update.changes(&s.installed).then_some(update)
    });
    if let Some(update) = update {
        let adds = !update.add_rules.is_empty();
        install(update).await;
        if adds {
            with(|s| s.mark(format!("rules:{site}")));
        }
    }
    persist(Record::RuleBook).await;
}

/// What the rules of `site` must do: from its declaration (if `loaded` has one usable), the
/// visitor's choices and the tracker table.
fn plan_of(site: &Site, loaded: Option<&Loaded>, prefs: &crate::prefs::Preferences) -> BlockPlan {
    let policy = loaded
        .and_then(|l| l.compiled.as_ref())
        .map(|(compiled, _, _)| compiled.policy());
    block::plan_for(site, policy, prefs, Trackers::bundled())
}

/// The rules of a site known only from a private window: session rules, which the browser
/// forgets when it closes, with their own rule book in `storage.session`.
async fn apply_session_rules(site: &Site, loaded: &Loaded) {
    let update = with(|s| {
        let plan = plan_of(site, Some(loaded), &s.prefs);
        let update = s
            .session_book
            .update_site(site, &plan, now())
            .offset_ids(block::SESSION_RULE_ID_OFFSET);
        update.changes(&s.session_installed).then_some(update)
    });
    if let Some(update) = update {
        let adds = !update.add_rules.is_empty();
        install_session(update).await;
        if adds {
            with(|s| s.mark(format!("rules:{site}")));
        }
    }
    persist(Record::SessionRuleBook).await;
}

async fn install_session(update: RuleUpdate) {
    let Ok(options) = to_js(&update) else { return };
    match browser::update_session_rules(&options).await {
        Ok(()) => with(|s| update.apply_to(&mut s.session_installed)),
        Err(e) => gloo::console::error!("cookie-warden: updateSessionRules failed", e),
    }
}

/// Makes the installed rules match the rule book and the Global Privacy Control choice (the
/// `Sec-GPC` header rule and the script that sets `navigator.globalPrivacyControl`): rules of
/// sites the book no longer holds are removed.
async fn reconcile_rules() {
    let _turn = state::turn(|s| &mut s.rules).await;
    let update = with(|s| {
        let owned = s.rule_book.owned_rule_ids();
        let mut update = RuleUpdate::default();
        for id in s.installed.keys() {
            if *id >= block::FIRST_SITE_RULE_ID && !owned.contains(id) {
                update.remove_rule_ids.push(*id);
            }
        }
        let gpc = block::gpc_rule();
        match (s.prefs.global_privacy_control, s.installed.get(&gpc.id)) {
            (true, Some(r)) if *r == gpc => {}
            (true, _) => {
                update.remove_rule_ids.push(gpc.id);
                update.add_rules.push(gpc);
            }
            (false, Some(_)) => update.remove_rule_ids.push(gpc.id),
            (false, None) => {}
        }
        update
    });
    if !update.remove_rule_ids.is_empty() || !update.add_rules.is_empty() {
        install(update).await;
    }
    // Session rules of sites the session rule book no longer holds go too.
    let strays = with(|s| {
        let owned: std::collections::BTreeSet<u32> = s
            .session_book
            .owned_rule_ids()
            .into_iter()
            .map(|id| id + block::SESSION_RULE_ID_OFFSET)
            .collect();
        RuleUpdate {
            remove_rule_ids: s
                .session_installed
                .keys()
                .filter(|id| !owned.contains(id))
                .copied()
                .collect(),
            add_rules: Vec::new(),
        }
    });
    if !strays.remove_rule_ids.is_empty() {
        install_session(strays).await;
    }
    switch_rulesets().await;
    browser::set_gpc_script(with(|s| s.prefs.global_privacy_control)).await;
    // Sites the rule book holds whose rules the browser dropped (Firefox does on a temporary
    // re-install) get them back now, not on their next visit.
    let missing: Vec<Site> = with(|s| {
        s.rule_book
            .sites
            .iter()
            .filter(|(_, info)| {
                !s.installed
                    .contains_key(&block::rule_id(info.slot, block::SiteAction::Block))
            })
            .map(|(site, _)| site.clone())
            .collect()
    });
    for site in missing {
        apply_rules_in_turn(&site).await;
    }
}

/// Switches the static rulesets (the known trackers of each category) on where the visitor's
/// default denies the category and off where it allows it; the browser keeps them so across
/// restarts, so this asks it to change only what differs.
async fn switch_rulesets() {
    let wanted = with(|s| block::ruleset_switch(&s.prefs));
    let enabled = match browser::enabled_rulesets().await {
        Ok(enabled) => enabled,
        Err(e) => {
            gloo::console::error!("cookie-warden: getEnabledRulesets failed", e);
            Vec::new()
        }
    };
    let change = block::RulesetSwitch {
        enable_ruleset_ids: wanted
            .enable_ruleset_ids
            .into_iter()
            .filter(|id| !enabled.contains(id))
            .collect(),
        disable_ruleset_ids: wanted
            .disable_ruleset_ids
            .into_iter()
            .filter(|id| enabled.contains(id))
            .collect(),
    };
    if change == block::RulesetSwitch::default() {
        return;
    }
    let Ok(options) = to_js(&change) else { return };
    if let Err(e) = browser::update_enabled_rulesets(&options).await {
        gloo::console::error!("cookie-warden: updateEnabledRulesets failed", e);
    }
}

async fn install(update: RuleUpdate) {
    let Ok(options) = to_js(&update) else { return };
    match browser::update_dynamic_rules(&options).await {
        Ok(()) => with(|s| update.apply_to(&mut s.installed)),
        Err(e) => gloo::console::error!("cookie-warden: updateDynamicRules failed", e),
    }
}

async fn panel(site: &Site, tab_id: Option<i32>, language: Option<&str>) -> Response {
    let loaded = policy_of(site).await;
    let cookies: Vec<Cookie> = stored_cookies(Some(site))
        .await
        .into_iter()
        .map(|(cookie, _)| cookie)
        .collect();
    let matched = match tab_id {
        Some(tab) => browser::matched_rule_ids(tab).await,
        None => Vec::new(),
    };
    with(|s| {
        let deletions = s.deleted.of(site).cloned().unwrap_or_default();
        let problems = loaded
            .as_ref()
            .map(|l| l.record.problems())
            .unwrap_or_default();
        let url = loaded
            .as_ref()
            .and_then(|l| l.record.source.as_ref())
            .map(|c| c.url.clone())
            .unwrap_or_default();
        let state = match loaded.as_ref().map(|l| (&l.compiled, &l.record.outcome)) {
            Some((Some((compiled, kind, warnings)), _)) => PolicyState::Declared {
                policy: compiled,
                url: &url,
                kind: *kind,
                warnings,
            },
            Some((None, Outcome::NotPublished)) | None => PolicyState::NotPublished,
            Some((None, _)) => PolicyState::Invalid {
                url: &url,
                diagnostics: &problems,
            },
        };
        let view = site_view(&ViewInput {
            site,
            policy: state,
            prefs: &s.prefs,
            known: KnownCookies::bundled(),
            cookies: &cookies,
            deletions: &deletions,
            language: language.unwrap_or("en"),
            read_at: loaded.as_ref().map(|l| l.record.fetched_at),
            now: now(),
        });
        let mut slot_ids = s
            .rule_book
            .sites
            .get(site)
            .map(|i| block::slot_rule_ids(i.slot))
            .unwrap_or_default();
        if let Some(info) = s.session_book.sites.get(site) {
            slot_ids.extend(
                block::slot_rule_ids(info.slot)
                    .into_iter()
                    .map(|id| id + block::SESSION_RULE_ID_OFFSET),
            );
        }
        Response::Panel {
            view: Box::new(view),
            deleted_in_tab: tab_id.and_then(|t| s.tabs.get(&t)).map_or(0, |t| t.deleted),
            blocked_in_tab: u32::try_from(
                matched.iter().filter(|id| slot_ids.contains(id)).count(),
            )
            .unwrap_or(u32::MAX)
            .max(tab_id.and_then(|t| s.tabs.get(&t)).map_or(0, |t| t.blocked)),
        }
    })
}

/// Writes `record` from the state as it is now, and returns once a write that carries this
/// change has finished. Writes of one record go one at a time; a caller whose change an earlier
/// caller's write already carried does not write again, so a burst of changes costs a few
/// writes rather than one each.
async fn persist(record: Record) {
    let change = with(|s| {
        let w = s.written.entry(record).or_default();
        w.changed += 1;
        w.changed
    });
    let _turn = state::turn(move |s| &mut s.written.entry(record).or_default().queue).await;
    let carried = with(|s| {
        let w = s.written.entry(record).or_default();
        (w.written < change).then_some(w.changed)
    });
    let Some(carried) = carried else { return };
    // The snapshot is taken in write()'s first step, before it awaits anything.
    write(record).await;
    with(|s| {
        let w = s.written.entry(record).or_default();
        w.written = w.written.max(carried);
    });
}

async fn write(record: Record) {
    let (area, key, value) = match record {
        Record::Badge(tab_id) => {
            let count = with(|s| s.tabs.get(&tab_id).map_or(0, |t| t.deleted));
            browser::set_badge(tab_id, &badge_text(count)).await;
            return;
        }
        Record::Prefs => (
            Area::Local,
            keys::PREFS,
            with(|s| to_js(&s.prefs.to_json())),
        ),
        Record::RuleBook => (Area::Local, keys::RULE_BOOK, with(|s| to_js(&s.rule_book))),
        Record::Stores => (Area::Local, keys::STORES, with(|s| to_js(&s.stores))),
        Record::PolicyIndex => (
            Area::Local,
            keys::POLICY_INDEX,
            with(|s| to_js(&s.policy_index)),
        ),
        Record::Tabs => (Area::Session, keys::TABS, with(|s| to_js(&s.tabs))),
        Record::SessionRuleBook => (
            Area::Session,
            keys::SESSION_RULE_BOOK,
            with(|s| to_js(&s.session_book)),
        ),
        Record::Deleted => (Area::Session, keys::DELETED, with(|s| to_js(&s.deleted))),
    };
    let Ok(value) = value else { return };
    if matches!(area, Area::Local) && with(|s| s.local_unread) {
        // What is stored was not read: writing now would replace it with what is in memory.
        gloo::console::warn!(format!(
            "cookie-warden: {key} not stored (storage.local unread)"
        ));
        return;
    }
    if let Err(e) = storage_set(area, key, &value).await {
        gloo::console::error!(format!("cookie-warden: {key} was not stored"), e);
    }
}
