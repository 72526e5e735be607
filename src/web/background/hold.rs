//! Holding a first visit's third-party requests while its site's declaration is looked for, in
//! browsers that let an extension hold requests (Firefox's blocking `webRequest`; Chrome has
//! none in Manifest V3, where the static rules carry first visits alone).
//!
//! A held tab has a listener of its own, filtered to the tab, only while it is held: an idle
//! background is never woken for a request, and no other request (the extension's own fetch of
//! the declaration least of all, which Firefox would make wait behind a held one) passes it. A
//! held request waits until its tab's look ends or [`discovery::HOLD_MS`] pass, then is
//! cancelled if the site's rules (its declaration, the visitor's choices, the known trackers)
//! block it, and let go otherwise.

use super::state::{with, Holding};
use super::{browser, plan_of, policy_of};
use crate::discovery;
use crate::domain::{host_of_url, path_of_url, Site};
use crate::trackers::Trackers;
use wasm_bindgen::prelude::*;

/// Starts holding `tab_id`'s third-party requests for `site`; returns whether it does (the
/// browser lets it).
pub fn start(tab_id: i32, site: &Site) -> bool {
    if with(|s| s.hold_unsupported) {
        return false;
    }
    let counted = with(|s| match s.holding.get_mut(&tab_id) {
        Some(held) if &held.site == site => {
            held.looks += 1;
            true
        }
        _ => false,
    });
    if counted {
        return true;
    }
    end_tab(tab_id);
    let listener = Closure::<dyn FnMut(JsValue) -> JsValue>::new(on_before_request);
    match browser::add_blocking_request_listener(listener.as_ref().unchecked_ref(), tab_id) {
        Ok(()) => {
            with(|s| {
                s.mark(format!("hold:{site}"));
                s.holding.insert(
                    tab_id,
                    Holding {
                        site: site.clone(),
                        looks: 1,
                        listener,
                    },
                )
            });
            true
        }
        Err(e) => {
            gloo::console::warn!("cookie-warden: requests cannot be held here", e);
            with(|s| s.hold_unsupported = true);
            false
        }
    }
}

/// Ends one look of `tab_id` for `site`; the tab is let go when the last ends (a later
/// navigation of the tab may hold it for another site meanwhile).
pub fn end(tab_id: i32, site: &Site) {
    let last = with(|s| match s.holding.get_mut(&tab_id) {
        Some(held) if &held.site == site => {
            held.looks = held.looks.saturating_sub(1);
            held.looks == 0
        }
        _ => false,
    });
    if last {
        end_tab(tab_id);
        with(|s| s.mark(format!("hold-end:{site}")));
    }
}

fn end_tab(tab_id: i32) {
    if let Some(held) = with(|s| s.holding.remove(&tab_id)) {
        browser::remove_request_listener(held.listener.as_ref().unchecked_ref());
    }
}

/// `webRequest.onBeforeRequest` of a held tab: `undefined` for a request that is not held,
/// else a promise of `{cancel}`.
fn on_before_request(details: JsValue) -> JsValue {
    let tab_id = browser::get(&details, "tabId").as_f64().map(|t| t as i32);
    let kind = browser::get(&details, "type")
        .as_string()
        .unwrap_or_default();
    let url = browser::get(&details, "url")
        .as_string()
        .unwrap_or_default();
    let Some(host) = host_of_url(&url).map(str::to_ascii_lowercase) else {
        return JsValue::UNDEFINED;
    };
    let held_site = |tab_id: i32| with(|s| s.holding.get(&tab_id).map(|h| h.site.clone()));
    let Some((tab_id, site)) = tab_id.and_then(|t| held_site(t).map(|site| (t, site))) else {
        return JsValue::UNDEFINED;
    };
    if !discovery::holds_request(&kind, &host, &site) {
        return JsValue::UNDEFINED;
    }
    let path = path_of_url(&url).to_owned();
    wasm_bindgen_futures::future_to_promise(async move {
        let started = js_sys::Date::now();
        while held_site(tab_id).as_ref() == Some(&site)
            && js_sys::Date::now() - started < f64::from(discovery::HOLD_MS)
        {
            gloo::timers::future::TimeoutFuture::new(20).await;
        }
        let loaded = policy_of(&site).await;
        let cancel = with(|s| {
            plan_of(&site, loaded.as_deref(), &s.prefs).blocks_request(
                &host,
                &path,
                Trackers::bundled(),
                &s.prefs,
            )
        });
        with(|s| {
            s.mark(format!(
                "held:{site}:{}",
                if cancel { "cancelled" } else { "released" }
            ))
        });
        let answer = js_sys::Object::new();
        js_sys::Reflect::set(&answer, &"cancel".into(), &JsValue::from_bool(cancel))?;
        Ok(answer.into())
    })
    .into()
}
