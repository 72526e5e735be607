//! Cookie events and enforcement: a cookie that was set is decided and, if the visitor's
//! choices say so, removed; sweeps of a site's (or every) stored cookie; deletion counts.

use super::*;

/// `chrome.cookies.onChanged`: decides a cookie that was just set, and deletes it if the
/// visitor's choices say so.
#[wasm_bindgen(js_name = onCookieChanged)]
pub async fn on_cookie_changed(info: JsValue) -> Result<(), JsValue> {
    let raw = get(&info, "cookie");
    let cookie = browser::cookie_from_js(raw.clone())?;
    if get(&info, "removed").as_bool().unwrap_or(false) {
        // A removal the background asked for is counted when the browser reports it done (an
        // expired overwrite for a partitioned cookie, see enforce).
        let cause = get(&info, "cause").as_string();
        if matches!(cause.as_deref(), Some("explicit" | "expired_overwrite")) {
            let asked = with(|s| s.removing.remove(&cookie.id()));
            if let Some(Removing { site, reason, .. }) = asked {
                count_deletion(&site, &cookie.name, reason).await;
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
    with(|s| {
        if !s.first_decision_marked {
            s.first_decision_marked = true;
            s.mark("first-decision".into());
        }
    });
    Ok(())
}

/// Decides one cookie of `site` and removes it if it must go.
pub(super) async fn enforce(
    site: &Site,
    loaded: Option<&Loaded>,
    cookie: &Cookie,
    raw: &JsValue,
) -> bool {
    let decision = with(|s| {
        let policy = loaded
            .and_then(|l| l.usable.as_ref())
            .map_or(SitePolicy::None, |u| SitePolicy::Declared(&u.policy));
        let ctx = Context {
            site,
            policy,
            prefs: &s.prefs,
            known: KnownCookies::bundled(),
        };
        decide(cookie, &ctx, now())
    });
    if decision.verdict != Verdict::Delete {
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
    let key = cookie.id();
    with(|s| {
        let now = now();
        if s.removing.len() > 10_000 {
            s.removing.retain(|_, r| r.asked + 60 > now);
        }
        s.removing.insert(
            key.clone(),
            Removing {
                site: site.clone(),
                reason: decision.reason,
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

/// Counts one deletion of cookie `name` of `site` for `reason`, for the panel (its counts and
/// its recent activity) and for the tabs showing it.
pub(super) async fn count_deletion(site: &Site, name: &str, reason: crate::decide::Reason) {
    let tabs: Vec<(i32, u32)> = with(|s| {
        s.deleted.count(site, name);
        s.activity
            .record(site, crate::activity::Event::deleted(now(), name, reason));
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
    persist(Record::Activity).await;
    for (tab_id, _) in &tabs {
        persist(Record::Badge(*tab_id)).await;
    }
    if !tabs.is_empty() {
        persist(Record::Tabs).await;
    }
}

/// Remembers a cookie store the extension has seen a cookie in: Firefox lists only the stores
/// with open tabs, and a container's cookies must still be swept after its tab is closed.
pub(super) async fn remember_store(store: &str) {
    // A private window's store is not remembered: that the visitor used one is not kept.
    if store.is_empty() || is_private_store(store) || with(|s| s.stores.contains(store)) {
        return;
    }
    with(|s| s.stores.insert(store.to_owned()));
    persist(Record::Stores).await;
}

/// The cookie stores to look in: those the browser lists, and those seen before.
pub(super) async fn cookie_stores() -> Vec<String> {
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
pub(super) async fn sweep(site: Option<&Site>) {
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
pub(super) async fn stored_cookies(site: Option<&Site>) -> Vec<(Cookie, JsValue)> {
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
            let Ok(cookie) = browser::cookie_from_js(raw.clone()) else {
                continue;
            };
            if site.is_some_and(|s| cookie.owner_site().as_ref() != Some(s)) {
                continue;
            }
            if seen.insert(cookie.id()) {
                found.push((cookie, raw));
            }
        }
    }
    found
}
