//! The web layer (wasm32 only): moves data between `chrome.*` and the engine. Each exported
//! function is one browser event; it converts the event, asks the engine what to do, and carries
//! the answer out (remove a cookie, update rules, store state). Decisions are the engine's.
//!
//! Every handler is idempotent and keeps what matters in `chrome.storage`, because the worker
//! can be stopped between any two events.

mod browser;
mod dom;
mod fetch;
pub mod options;
mod popup;
mod state;
#[cfg(test)]
mod tests;

use crate::block::{self, BlockPlan, Rule, RuleBook, RuleUpdate};
use crate::decide::{decide, Context, Cookie, SitePolicy, Verdict};
use crate::discovery::{self, Candidate, Outcome, PolicyRecord, SourceKind};
use crate::domain::Site;
use crate::known::KnownCookies;
use crate::prefs::Preferences;
use crate::protocol::{Request, Response};
use crate::view::{site_view, PolicyState, ViewInput};
use browser::{from_js, get, now, storage_get, storage_set, to_js, Area};
use state::{keys, with, Loaded, TabInfo};
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
    let local =
        browser::storage_get_many(Area::Local, &[keys::PREFS, keys::RULE_BOOK, keys::STORES]);
    let session =
        browser::storage_get_many(Area::Session, &[keys::TABS, keys::DELETED, keys::SWEPT]);
    let installed = browser::dynamic_rules();
    let local = local.await.unwrap_or(JsValue::UNDEFINED);
    let session = session.await.unwrap_or(JsValue::UNDEFINED);
    let installed = installed.await.unwrap_or(JsValue::UNDEFINED);

    let stored_prefs = get(&local, keys::PREFS);
    let stored_prefs: serde_json::Value = if stored_prefs.is_undefined() {
        serde_json::Value::Null
    } else {
        from_js(stored_prefs).unwrap_or(serde_json::Value::Null)
    };
    let (prefs, repairs) = Preferences::load(&stored_prefs);
    let rule_book: RuleBook = from_js(get(&local, keys::RULE_BOOK)).unwrap_or_default();
    let stores: std::collections::BTreeSet<String> =
        from_js(get(&local, keys::STORES)).unwrap_or_default();
    let tabs: BTreeMap<i32, TabInfo> = from_js(get(&session, keys::TABS)).unwrap_or_default();
    let deleted: BTreeMap<Site, BTreeMap<String, u32>> =
        from_js(get(&session, keys::DELETED)).unwrap_or_default();
    let swept = get(&session, keys::SWEPT).as_bool() == Some(true);
    let installed: Vec<Rule> = from_js(installed).unwrap_or_default();
    let repaired = !repairs.is_empty();
    with(|s| {
        s.prefs = prefs;
        s.repairs = repairs.iter().map(ToString::to_string).collect();
        s.rule_book = rule_book;
        s.installed = installed.into_iter().map(|r| (r.id, r)).collect();
        s.tabs = tabs;
        s.deleted = deleted;
        s.stores = stores;
    });
    if repaired {
        save_prefs().await;
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

/// `chrome.cookies.onChanged`: decides a cookie that was just set, and deletes it if the
/// visitor's choices say so.
#[wasm_bindgen(js_name = onCookieChanged)]
pub async fn on_cookie_changed(info: JsValue) -> Result<(), JsValue> {
    if get(&info, "removed").as_bool().unwrap_or(false) {
        return Ok(());
    }
    let raw = get(&info, "cookie");
    let cookie: Cookie = from_js(raw.clone())?;
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
            save_tabs().await;
            browser::set_badge(
                tab_id,
                &badge_text(with(|s| s.tabs.get(&tab_id).map_or(0, |t| t.deleted))),
            )
            .await;
        }
    }
    let Some(site) = site else { return Ok(()) };
    let candidates = discovery::well_known_candidates(&url);
    discover(&site, &url, candidates).await;
    Ok(())
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
        discover(&site, &url, vec![candidate]).await;
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
    let loaded = policy_of(&site).await;
    let counted = with(|s| {
        let blocks = loaded
            .as_ref()
            .and_then(|l| l.compiled.as_ref())
            .is_some_and(|(compiled, _, _)| block::plan(compiled.policy(), &s.prefs).blocks(&host));
        if blocks {
            if let Some(tab) = s.tabs.get_mut(&tab_id) {
                tab.blocked += 1;
            }
        }
        blocks
    });
    if counted {
        save_tabs().await;
    }
    Ok(())
}

/// `tabs.onRemoved`.
#[wasm_bindgen(js_name = onTabRemoved)]
pub async fn on_tab_removed(tab_id: i32) -> Result<(), JsValue> {
    if with(|s| s.tabs.remove(&tab_id).is_some()) {
        save_tabs().await;
    }
    Ok(())
}

/// `runtime.onMessage`: one request of the typed protocol, one response.
#[wasm_bindgen(js_name = onMessage)]
pub async fn on_message(message: JsValue, sender: JsValue) -> Result<JsValue, JsValue> {
    let response = match from_js::<Request>(message) {
        Ok(request) => handle(request, &sender).await,
        Err(e) => Response::Error {
            message: format!("not a request: {}", e.as_string().unwrap_or_default()),
        },
    };
    to_js(&response)
}

async fn handle(request: Request, sender: &JsValue) -> Response {
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
        Request::GetSitePanel { site, language } => match Site::of_host(&site) {
            Some(site) => panel(&site, None, language.as_deref()).await,
            None => Response::Error {
                message: format!("{site:?} is not a site"),
            },
        },
        Request::GetSiteText { site, language } => match Site::of_host(&site) {
            Some(site) => match panel(&site, None, language.as_deref()).await {
                Response::Panel { view, .. } => Response::Text {
                    text: crate::view::to_text(&view),
                },
                other => other,
            },
            None => Response::Error {
                message: format!("{site:?} is not a site"),
            },
        },
        Request::DeleteNow { ref site } => match Site::of_host(site) {
            Some(site) => {
                sweep(Some(&site)).await;
                Response::Done
            }
            None => Response::Error {
                message: format!("{site:?} is not a site"),
            },
        },
        Request::RefreshPolicy {
            ref site,
            ref page_url,
        } => {
            let Some(site) = Site::of_host(site) else {
                return Response::Error {
                    message: format!("{site:?} is not a site"),
                };
            };
            let page = page_url
                .clone()
                .unwrap_or_else(|| format!("https://{site}/"));
            with(|s| s.policies.insert(site.clone(), None));
            discover(&site, &page, discovery::well_known_candidates(&page)).await;
            Response::Done
        }
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
            save_prefs().await;
            reconcile_rules().await;
            let sites: Vec<Site> = with(|s| s.policies.keys().cloned().collect());
            for site in sites {
                apply_rules(&site).await;
            }
            sweep(None).await;
            Response::Done
        }
        Request::PolicyLink { url, page_url } => {
            let tab_matches = get(&get(sender, "tab"), "id").as_f64().is_some();
            if let (true, Some(site)) = (tab_matches, web_site(&page_url)) {
                if discovery::resolve_url(&url, &page_url).is_some() {
                    let candidate = Candidate {
                        url,
                        kind: SourceKind::LinkElement,
                    };
                    discover(&site, &page_url, vec![candidate]).await;
                }
            }
            Response::Done
        }
        change => {
            let Some(site) = change.site() else {
                return Response::Error {
                    message: "the request names no site".into(),
                };
            };
            if with(|s| change.apply_to(&mut s.prefs)) {
                save_prefs().await;
                apply_rules(&site).await;
                sweep(Some(&site)).await;
            }
            Response::Done
        }
    }
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

/// The site's policy record, from memory or storage.
async fn policy_of(site: &Site) -> Option<Rc<Loaded>> {
    if let Some(loaded) = with(|s| s.policies.get(site).cloned()) {
        return loaded;
    }
    let stored = storage_get(Area::Local, &keys::policy(site)).await.ok()?;
    let loaded = if stored.is_undefined() || stored.is_null() {
        None
    } else {
        from_js::<PolicyRecord>(stored)
            .ok()
            .filter(|r| &r.site == site)
            .map(Loaded::new)
    };
    with(|s| s.policies.entry(site.clone()).or_insert(loaded).clone())
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
    let removed = browser::remove_cookie(&details.into()).await;
    if removed.is_ok_and(|r| !r.is_null()) {
        count_deletion(site, &cookie.name).await;
        return true;
    }
    false
}

async fn count_deletion(site: &Site, name: &str) {
    let tabs: Vec<(i32, u32)> = with(|s| {
        *s.deleted
            .entry(site.clone())
            .or_default()
            .entry(name.to_owned())
            .or_insert(0) += 1;
        s.tabs
            .iter_mut()
            .filter(|(_, t)| t.site.as_ref() == Some(site))
            .map(|(id, t)| {
                t.deleted += 1;
                (*id, t.deleted)
            })
            .collect()
    });
    for (tab_id, count) in &tabs {
        browser::set_badge(*tab_id, &badge_text(*count)).await;
    }
    let deleted = with(|s| to_js(&s.deleted));
    if let Ok(deleted) = deleted {
        let _ = storage_set(Area::Session, keys::DELETED, &deleted).await;
    }
    if !tabs.is_empty() {
        save_tabs().await;
    }
}

/// Remembers a cookie store the extension has seen a cookie in: Firefox lists only the stores
/// with open tabs, and a container's cookies must still be swept after its tab is closed.
async fn remember_store(store: &str) {
    if store.is_empty() || with(|s| s.stores.contains(store)) {
        return;
    }
    with(|s| s.stores.insert(store.to_owned()));
    if let Ok(value) = with(|s| to_js(&s.stores)) {
        let _ = storage_set(Area::Local, keys::STORES, &value).await;
    }
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
    let mut stores = cookie_stores().await;
    if stores.is_empty() {
        stores.push(String::new());
    }
    let mut queries: Vec<JsValue> = Vec::new();
    for store in &stores {
        let query = js_sys::Object::new();
        if !store.is_empty() {
            let _ = js_sys::Reflect::set(&query, &"storeId".into(), &JsValue::from_str(store));
        }
        if let Some(site) = site {
            let _ =
                js_sys::Reflect::set(&query, &"domain".into(), &JsValue::from_str(site.as_str()));
        }
        queries.push(query.clone().into());
        if let Some(site) = site {
            // Cookies partitioned under this site (CHIPS), whatever their own domain.
            for scheme in ["https", "http"] {
                let partitioned = js_sys::Object::new();
                if !store.is_empty() {
                    let _ = js_sys::Reflect::set(
                        &partitioned,
                        &"storeId".into(),
                        &JsValue::from_str(store),
                    );
                }
                let key = js_sys::Object::new();
                let _ = js_sys::Reflect::set(
                    &key,
                    &"topLevelSite".into(),
                    &JsValue::from_str(&format!("{scheme}://{site}")),
                );
                let _ = js_sys::Reflect::set(&partitioned, &"partitionKey".into(), &key);
                queries.push(partitioned.into());
            }
        }
    }
    for query in queries {
        let Ok(cookies) = browser::get_all_cookies(&query).await else {
            continue;
        };
        for raw in cookies {
            let Ok(cookie) = from_js::<Cookie>(raw.clone()) else {
                continue;
            };
            let Some(owner) = cookie.owner_site() else {
                continue;
            };
            if site.is_some_and(|s| s != &owner) {
                continue;
            }
            let loaded = policy_of(&owner).await;
            enforce(&owner, loaded.as_deref(), &cookie, &raw).await;
        }
    }
}

/// Finds the site's policy from `candidates` (in order; the first document found wins) unless
/// what is cached is fresh and not outranked, then applies it.
async fn discover(site: &Site, page_url: &str, candidates: Vec<Candidate>) {
    let current = policy_of(site).await;
    let wanted: Vec<Candidate> = candidates
        .into_iter()
        .filter(|c| discovery::may_fetch(&c.url, page_url))
        .filter(|c| {
            current
                .as_ref()
                .is_none_or(|l| l.record.should_fetch(c, now()))
        })
        .collect();
    if wanted.is_empty() {
        if current.is_some() {
            apply_rules(site).await;
        }
        return;
    }
    let mut result: Option<PolicyRecord> = None;
    for candidate in wanted {
        let first = with(|s| s.fetching.insert(candidate.url.clone()));
        if !first {
            return;
        }
        let fetched = fetch::fetch_policy(&candidate.url, site).await;
        with(|s| s.fetching.remove(&candidate.url));
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
        let explicit = candidate.kind >= SourceKind::LinkHeader;
        result = Some(record);
        if found || explicit {
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
        .is_some_and(|c| c.kind <= SourceKind::WellKnownHost)
    {
        record = PolicyRecord::failed(site, None, None, now());
    }
    // A slower, lower-ranked answer never replaces a fresher, higher-ranked one. The check and
    // the update happen together, with no await between them.
    let replaced = with(|s| {
        if let Some(Some(latest)) = s.policies.get(site) {
            let rank = |r: &PolicyRecord| r.source.as_ref().map(|c| c.kind);
            let fresh = latest.record.is_fresh(now());
            let better_known = fresh
                && rank(&latest.record) > rank(&record)
                && !matches!(latest.record.outcome, Outcome::NotPublished);
            let failure_over_valid = fresh
                && matches!(record.outcome, Outcome::Failed { .. })
                && matches!(latest.record.outcome, Outcome::Document { valid: true, .. });
            if better_known || failure_over_valid {
                return false;
            }
        }
        s.policies
            .insert(site.clone(), Some(Loaded::new(record.clone())));
        true
    });
    if !replaced {
        return;
    }
    if let Ok(value) = to_js(&record) {
        let _ = storage_set(Area::Local, &keys::policy(site), &value).await;
    }
    apply_rules(site).await;
    sweep(Some(site)).await;
}

/// Brings the site's DNR rules in line with its policy and the visitor's choices.
async fn apply_rules(site: &Site) {
    let loaded = policy_of(site).await;
    let update = with(|s| {
        let plan = loaded
            .as_ref()
            .and_then(|l| l.compiled.as_ref())
            .map_or_else(BlockPlan::default, |(compiled, _, _)| {
                block::plan(compiled.policy(), &s.prefs)
            });
        let update = s.rule_book.update_site(site, &plan, now());
        let unchanged = update
            .add_rules
            .iter()
            .all(|r| s.installed.get(&r.id) == Some(r))
            && update.remove_rule_ids.iter().all(|id| {
                !s.installed.contains_key(id) || update.add_rules.iter().any(|r| r.id == *id)
            });
        (!unchanged).then_some(update)
    });
    if let Some(update) = update {
        install(update).await;
    }
    save_rule_book().await;
}

/// Makes the installed rules match the rule book and the Global Privacy Control choice (the
/// `Sec-GPC` header rule and the script that sets `navigator.globalPrivacyControl`): rules of
/// sites the book no longer holds are removed.
async fn reconcile_rules() {
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
        apply_rules(&site).await;
    }
}

async fn install(update: RuleUpdate) {
    let Ok(options) = to_js(&update) else { return };
    match browser::update_dynamic_rules(&options).await {
        Ok(()) => with(|s| {
            for id in &update.remove_rule_ids {
                s.installed.remove(id);
            }
            for rule in update.add_rules {
                s.installed.insert(rule.id, rule);
            }
        }),
        Err(e) => gloo::console::error!("cookie-warden: updateDynamicRules failed", e),
    }
}

async fn panel(site: &Site, tab_id: Option<i32>, language: Option<&str>) -> Response {
    let loaded = policy_of(site).await;
    let mut cookies = Vec::new();
    for store in cookie_stores().await {
        let query = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&query, &"storeId".into(), &JsValue::from_str(&store));
        let _ = js_sys::Reflect::set(&query, &"domain".into(), &JsValue::from_str(site.as_str()));
        if let Ok(list) = browser::get_all_cookies(&query.into()).await {
            cookies.extend(
                list.into_iter()
                    .filter_map(|raw| from_js::<Cookie>(raw).ok())
                    .filter(|c| c.owner_site().as_ref() == Some(site)),
            );
        }
    }
    let matched = match tab_id {
        Some(tab) => browser::matched_rule_ids(tab).await,
        None => Vec::new(),
    };
    with(|s| {
        let deletions = s.deleted.get(site).cloned().unwrap_or_default();
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
            now: now(),
        });
        let slot_ids = s
            .rule_book
            .sites
            .get(site)
            .map(|i| block::slot_rule_ids(i.slot))
            .unwrap_or_default();
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

async fn save_prefs() {
    if let Ok(value) = with(|s| to_js(&s.prefs.to_json())) {
        let _ = storage_set(Area::Local, keys::PREFS, &value).await;
    }
}

async fn save_rule_book() {
    if let Ok(value) = with(|s| to_js(&s.rule_book)) {
        let _ = storage_set(Area::Local, keys::RULE_BOOK, &value).await;
    }
}

async fn save_tabs() {
    if let Ok(value) = with(|s| to_js(&s.tabs)) {
        let _ = storage_set(Area::Session, keys::TABS, &value).await;
    }
}
