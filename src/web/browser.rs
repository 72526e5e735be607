//! Bindings to the `chrome.*` APIs the background uses (promise-returning, in Chrome and
//! Firefox MV3), and conversions between JavaScript values and serde types. No logic.
//!
//! Shared by both modules: each uses its own part (the background the cookie, storage, rule and
//! tab calls; the pages messages, locales and permissions), and the linker keeps only that.
//! A build with both features checks that every binding is used somewhere.
#![cfg_attr(not(all(feature = "background", feature = "pages")), allow(dead_code))]

use js_sys::{Promise, Reflect};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = ["chrome", "cookies"], js_name = getAll)]
    fn cookies_get_all(details: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["chrome", "cookies"], js_name = remove)]
    fn cookies_remove(details: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["chrome", "cookies"], js_name = set)]
    fn cookies_set(details: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["chrome", "cookies"], js_name = getAllCookieStores)]
    fn cookies_get_all_cookie_stores() -> Result<Promise, JsValue>;

    #[wasm_bindgen(catch, js_namespace = ["chrome", "storage", "local"], js_name = get)]
    fn local_get(keys: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["chrome", "storage", "local"], js_name = set)]
    fn local_set(items: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["chrome", "storage", "local"], js_name = remove)]
    fn local_remove(keys: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["chrome", "storage", "session"], js_name = get)]
    fn session_get(keys: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["chrome", "storage", "session"], js_name = set)]
    fn session_set(items: &JsValue) -> Result<Promise, JsValue>;

    #[wasm_bindgen(catch, js_namespace = ["chrome", "declarativeNetRequest"], js_name = updateDynamicRules)]
    fn dnr_update_dynamic_rules(options: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["chrome", "declarativeNetRequest"], js_name = getDynamicRules)]
    fn dnr_get_dynamic_rules() -> Result<Promise, JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["chrome", "declarativeNetRequest"], js_name = updateSessionRules)]
    fn dnr_update_session_rules(options: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["chrome", "declarativeNetRequest"], js_name = getSessionRules)]
    fn dnr_get_session_rules() -> Result<Promise, JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["chrome", "webRequest", "onBeforeRequest"], js_name = addListener)]
    fn web_request_on_before_request_add(
        listener: &js_sys::Function,
        filter: &JsValue,
        extra: &JsValue,
    ) -> Result<(), JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["chrome", "webRequest", "onBeforeRequest"], js_name = removeListener)]
    fn web_request_on_before_request_remove(listener: &js_sys::Function) -> Result<(), JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["chrome", "declarativeNetRequest"], js_name = getEnabledRulesets)]
    fn dnr_get_enabled_rulesets() -> Result<Promise, JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["chrome", "declarativeNetRequest"], js_name = updateEnabledRulesets)]
    fn dnr_update_enabled_rulesets(options: &JsValue) -> Result<Promise, JsValue>;

    #[wasm_bindgen(catch, js_namespace = ["chrome", "action"], js_name = setBadgeText)]
    fn action_set_badge_text(details: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["chrome", "action"], js_name = setBadgeBackgroundColor)]
    fn action_set_badge_background_color(details: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["chrome", "tabs"], js_name = get)]
    fn tabs_get(tab_id: i32) -> Result<Promise, JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["chrome", "alarms"], js_name = create)]
    fn alarms_create(name: &str, info: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["chrome", "alarms"], js_name = clear)]
    fn alarms_clear(name: &str) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(catch, js_name = fetch)]
    fn global_fetch(url: &str, init: &JsValue) -> Result<Promise, JsValue>;
}

/// `chrome.declarativeNetRequest.getMatchedRules(filter)`, looked up when called rather than
/// bound: Chrome has it, Firefox does not (there the lookup fails and the caller gets `Err`,
/// and web-ext lint has no direct reference to flag).
fn dnr_get_matched_rules(filter: &JsValue) -> Result<Promise, JsValue> {
    let dnr = get(&get(&js_sys::global(), "chrome"), "declarativeNetRequest");
    let function: js_sys::Function = get(&dnr, "getMatchedRules").dyn_into()?;
    function.call1(&dnr, filter)?.dyn_into()
}

/// Awaits a promise-returning call; a synchronous throw and a rejection both become `Err`.
async fn call(promise: Result<Promise, JsValue>) -> Result<JsValue, JsValue> {
    JsFuture::from(promise?).await
}

// Conversions go through JSON text (`serde_json` on our side, the browser's `JSON` on the
// other): every type then has one serde (de)serializer in the module, not two, which keeps the
// module small (serde code is most of it), and big values (policy records, panels) cross in one
// call instead of one per field. Only cookies, small and on the hottest path, are read field by
// field ([`cookie_from_js`]).

/// Converts a serde value to a plain JavaScript value (objects, not `Map`s).
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    let text = serde_json::to_string(value).map_err(|e| JsValue::from_str(&e.to_string()))?;
    js_sys::JSON::parse(&text)
}

/// Converts a JavaScript value to a serde type; `undefined` reads as `null` (so it is `None`
/// for an `Option`, and an error for what must be there).
pub fn from_js<T: DeserializeOwned>(value: JsValue) -> Result<T, JsValue> {
    let text = if value.is_undefined() {
        "null".to_owned()
    } else {
        js_sys::JSON::stringify(&value)?
            .as_string()
            .unwrap_or_else(|| "null".to_owned())
    };
    serde_json::from_str(&text).map_err(|e| JsValue::from_str(&e.to_string()))
}

/// Reads a `cookies.Cookie` object field by field (serde-wasm-bindgen), without JSON text.
#[cfg(feature = "background")]
pub fn cookie_from_js(value: JsValue) -> Result<crate::decide::Cookie, JsValue> {
    serde_wasm_bindgen::from_value(value).map_err(|e| JsValue::from_str(&e.to_string()))
}

/// A property of a JavaScript object (`undefined` when missing).
pub fn get(object: &JsValue, key: &str) -> JsValue {
    Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// A one-key object `{key: value}`.
fn single(key: &str, value: &JsValue) -> Result<JsValue, JsValue> {
    let object = js_sys::Object::new();
    Reflect::set(&object, &JsValue::from_str(key), value)?;
    Ok(object.into())
}

/// `chrome.cookies.getAll(details)`.
pub async fn get_all_cookies(details: &JsValue) -> Result<Vec<JsValue>, JsValue> {
    let list = call(cookies_get_all(details)).await?;
    Ok(js_sys::Array::from(&list).iter().collect())
}

thread_local! {
    static FIRST_PARTY_DOMAIN: std::cell::OnceCell<bool> = const { std::cell::OnceCell::new() };
}

/// Whether `cookies.getAll` takes `firstPartyDomain` (Firefox, which requires it while
/// first-party isolation is on; Chrome rejects the unknown key at once, synchronously).
fn first_party_domain_supported() -> bool {
    FIRST_PARTY_DOMAIN.with(|known| {
        *known.get_or_init(|| {
            let probe = js_sys::Object::new();
            let _ = Reflect::set(&probe, &"firstPartyDomain".into(), &JsValue::NULL);
            let _ = Reflect::set(&probe, &"name".into(), &"cookie-warden-probe".into());
            match cookies_get_all(&probe.into()) {
                Ok(promise) => {
                    // The answer is not wanted; a rejection must not go unhandled.
                    wasm_bindgen_futures::spawn_local(async move {
                        let _ = JsFuture::from(promise).await;
                    });
                    true
                }
                Err(_) => false,
            }
        })
    })
}

/// Which partitions a cookie query covers.
pub enum Partitions<'a> {
    /// Unpartitioned cookies and those of every partition (`partitionKey: {}`).
    All,
    /// Cookies partitioned under one top-level site, given as `scheme://site`.
    Under(&'a str),
}

/// The details of a `cookies.getAll` query: one store (the default when empty), cookies of
/// `domain` (every domain when `None`), in `partitions`, and, where the browser knows
/// first-party isolation, of every first-party domain.
pub fn cookie_query(store: &str, domain: Option<&str>, partitions: Partitions<'_>) -> JsValue {
    let query = js_sys::Object::new();
    let set = |key: &str, value: &JsValue| {
        let _ = Reflect::set(&query, &JsValue::from_str(key), value);
    };
    if !store.is_empty() {
        set("storeId", &JsValue::from_str(store));
    }
    if let Some(domain) = domain {
        set("domain", &JsValue::from_str(domain));
    }
    let key = js_sys::Object::new();
    if let Partitions::Under(top_level_site) = partitions {
        let _ = Reflect::set(
            &key,
            &"topLevelSite".into(),
            &JsValue::from_str(top_level_site),
        );
    }
    set("partitionKey", &key.into());
    if first_party_domain_supported() {
        set("firstPartyDomain", &JsValue::NULL);
    }
    query.into()
}

/// `chrome.cookies.remove(details)`.
pub async fn remove_cookie(details: &JsValue) -> Result<JsValue, JsValue> {
    call(cookies_remove(details)).await
}

/// `chrome.cookies.set(details)`.
pub async fn set_cookie(details: &JsValue) -> Result<JsValue, JsValue> {
    call(cookies_set(details)).await
}

/// The ids of every cookie store (profile, private, containers).
pub async fn cookie_store_ids() -> Vec<String> {
    let Ok(stores) = call(cookies_get_all_cookie_stores()).await else {
        return Vec::new();
    };
    js_sys::Array::from(&stores)
        .iter()
        .filter_map(|store| get(&store, "id").as_string())
        .collect()
}

/// Which storage area.
#[derive(Clone, Copy)]
pub enum Area {
    /// `chrome.storage.local`: survives restarts.
    Local,
    /// `chrome.storage.session`: survives worker restarts, not browser restarts.
    Session,
}

/// Reads one key (`undefined` when absent).
pub async fn storage_get(area: Area, key: &str) -> Result<JsValue, JsValue> {
    let keys = JsValue::from_str(key);
    let items = match area {
        Area::Local => call(local_get(&keys)).await?,
        Area::Session => call(session_get(&keys)).await?,
    };
    Ok(get(&items, key))
}

/// Reads several keys of one area in one call, issued when called (not when awaited) so that
/// reads of both areas can be in flight together. Resolves to the object of items found.
pub fn storage_get_many(
    area: Area,
    keys: &[&str],
) -> impl std::future::Future<Output = Result<JsValue, JsValue>> {
    let list = js_sys::Array::new();
    for key in keys {
        list.push(&JsValue::from_str(key));
    }
    let promise = match area {
        Area::Local => local_get(&list),
        Area::Session => session_get(&list),
    };
    call(promise)
}

/// Every item of `chrome.storage.local` whose key starts with `prefix`, from one read.
pub async fn local_items(prefix: &str) -> Vec<(String, JsValue)> {
    let Ok(items) = call(local_get(&JsValue::NULL)).await else {
        return Vec::new();
    };
    js_sys::Object::keys(items.unchecked_ref::<js_sys::Object>())
        .iter()
        .filter_map(|k| k.as_string())
        .filter(|k| k.starts_with(prefix))
        .map(|k| {
            let value = get(&items, &k);
            (k, value)
        })
        .collect()
}

/// Removes one key of `chrome.storage.local`.
pub async fn local_remove_key(key: &str) -> Result<(), JsValue> {
    call(local_remove(&JsValue::from_str(key)))
        .await
        .map(|_| ())
}

/// Writes one key.
pub async fn storage_set(area: Area, key: &str, value: &JsValue) -> Result<(), JsValue> {
    let items = single(key, value)?;
    match area {
        Area::Local => call(local_set(&items)).await?,
        Area::Session => call(session_set(&items)).await?,
    };
    Ok(())
}

/// `chrome.declarativeNetRequest.updateDynamicRules(options)`.
pub async fn update_dynamic_rules(options: &JsValue) -> Result<(), JsValue> {
    call(dnr_update_dynamic_rules(options)).await.map(|_| ())
}

/// `chrome.declarativeNetRequest.getDynamicRules()`, issued when called (not when awaited).
pub fn dynamic_rules() -> impl std::future::Future<Output = Result<JsValue, JsValue>> {
    call(dnr_get_dynamic_rules())
}

/// `chrome.declarativeNetRequest.updateSessionRules(options)`.
pub async fn update_session_rules(options: &JsValue) -> Result<(), JsValue> {
    call(dnr_update_session_rules(options)).await.map(|_| ())
}

/// `chrome.declarativeNetRequest.getSessionRules()`, issued when called (not when awaited).
pub fn session_rules() -> impl std::future::Future<Output = Result<JsValue, JsValue>> {
    call(dnr_get_session_rules())
}

/// `chrome.webRequest.onBeforeRequest.addListener(listener, {urls: http(s), tabId},
/// ["blocking"])`: fails where the browser does not let an extension hold requests (Chrome's
/// Manifest V3).
pub fn add_blocking_request_listener(
    listener: &js_sys::Function,
    tab_id: i32,
) -> Result<(), JsValue> {
    let filter = js_sys::Object::new();
    let urls = js_sys::Array::of2(&"http://*/*".into(), &"https://*/*".into());
    js_sys::Reflect::set(&filter, &"urls".into(), &urls)?;
    js_sys::Reflect::set(&filter, &"tabId".into(), &JsValue::from(tab_id))?;
    let extra = js_sys::Array::of1(&"blocking".into());
    web_request_on_before_request_add(listener, &filter, &extra)
}

/// `chrome.webRequest.onBeforeRequest.removeListener(listener)`.
pub fn remove_request_listener(listener: &js_sys::Function) {
    let _ = web_request_on_before_request_remove(listener);
}

/// `chrome.declarativeNetRequest.getEnabledRulesets()`: the ids of the static rulesets on.
pub async fn enabled_rulesets() -> Result<Vec<String>, JsValue> {
    let ids = call(dnr_get_enabled_rulesets()).await?;
    Ok(js_sys::Array::from(&ids)
        .iter()
        .filter_map(|id| id.as_string())
        .collect())
}

/// `chrome.declarativeNetRequest.updateEnabledRulesets(options)`.
pub async fn update_enabled_rulesets(options: &JsValue) -> Result<(), JsValue> {
    call(dnr_update_enabled_rulesets(options)).await.map(|_| ())
}

/// Whether a tab is in a private (incognito) window, if the browser says.
pub async fn tab_incognito(tab_id: i32) -> Option<bool> {
    let tab = call(tabs_get(tab_id)).await.ok()?;
    get(&tab, "incognito").as_bool()
}

/// The ids of the rules matched in a tab (`getMatchedRules`), where the browser allows it.
pub async fn matched_rule_ids(tab_id: i32) -> Vec<u32> {
    let Ok(filter) = single("tabId", &JsValue::from(tab_id)) else {
        return Vec::new();
    };
    let Ok(info) = call(dnr_get_matched_rules(&filter)).await else {
        return Vec::new();
    };
    js_sys::Array::from(&get(&info, "rulesMatchedInfo"))
        .iter()
        .filter_map(|m| get(&get(&m, "rule"), "ruleId").as_f64())
        .map(|id| id as u32)
        .collect()
}

/// Sets alarm `name` to go off at `when` (milliseconds since the Unix epoch), replacing it.
pub async fn set_alarm(name: &str, when: f64) {
    let info = js_sys::Object::new();
    let _ = Reflect::set(&info, &"when".into(), &JsValue::from_f64(when));
    if let Ok(answer) = alarms_create(name, &info) {
        if let Ok(promise) = answer.dyn_into::<Promise>() {
            let _ = JsFuture::from(promise).await;
        }
    }
}

/// Clears alarm `name`.
pub async fn clear_alarm(name: &str) {
    if let Ok(answer) = alarms_clear(name) {
        if let Ok(promise) = answer.dyn_into::<Promise>() {
            let _ = JsFuture::from(promise).await;
        }
    }
}

/// Shows `text` on the toolbar button in one tab.
pub async fn set_badge(tab_id: i32, text: &str) {
    let details = js_sys::Object::new();
    let _ = Reflect::set(&details, &"tabId".into(), &JsValue::from(tab_id));
    let _ = Reflect::set(&details, &"text".into(), &JsValue::from_str(text));
    let _ = call(action_set_badge_text(&details)).await;
    let colour = js_sys::Object::new();
    let _ = Reflect::set(&colour, &"tabId".into(), &JsValue::from(tab_id));
    let _ = Reflect::set(&colour, &"color".into(), &JsValue::from_str("#8a4b14"));
    let _ = call(action_set_badge_background_color(&colour)).await;
}

/// The URL a tab shows, if the extension may know it.
pub async fn tab_url(tab_id: i32) -> Option<String> {
    let tab = call(tabs_get(tab_id)).await.ok()?;
    get(&tab, "url").as_string()
}

/// `fetch(url, init)`.
pub async fn fetch(url: &str, init: &JsValue) -> Result<JsValue, JsValue> {
    call(global_fetch(url, init)).await
}

/// Seconds since the Unix epoch: the web layer's clock, passed to the engine as `now`.
pub fn now() -> u64 {
    (js_sys::Date::now() / 1000.0) as u64
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = ["chrome", "runtime"], js_name = sendMessage)]
    fn runtime_send_message(message: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["chrome", "tabs"], js_name = query)]
    fn tabs_query(query: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["chrome", "i18n"], js_name = getMessage)]
    fn i18n_get_message(key: &str, substitutions: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["chrome", "i18n"], js_name = getUILanguage)]
    fn i18n_get_ui_language() -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["chrome", "runtime"], js_name = getManifest)]
    fn runtime_get_manifest() -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["chrome", "runtime"], js_name = getURL)]
    fn runtime_get_url(path: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["chrome", "permissions"], js_name = contains)]
    fn permissions_contains(permissions: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["chrome", "permissions"], js_name = request)]
    fn permissions_request(permissions: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["chrome", "scripting"], js_name = executeScript)]
    fn scripting_execute(injection: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["chrome", "tabs"], js_name = sendMessage)]
    fn tabs_send_message(
        tab_id: i32,
        message: &JsValue,
        options: &JsValue,
    ) -> Result<Promise, JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["chrome", "scripting"], js_name = registerContentScripts)]
    fn scripting_register(scripts: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["chrome", "scripting"], js_name = unregisterContentScripts)]
    fn scripting_unregister(filter: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["chrome", "scripting"], js_name = getRegisteredContentScripts)]
    fn scripting_registered(filter: &JsValue) -> Result<Promise, JsValue>;
}

/// Sends one request of the protocol to the background and returns its answer.
pub async fn send_message<T: Serialize + ?Sized>(message: &T) -> Result<JsValue, JsValue> {
    call(runtime_send_message(&to_js(message)?)).await
}

/// The id of the active tab of the current window.
pub async fn active_tab_id() -> Option<i32> {
    let query = js_sys::Object::new();
    let _ = Reflect::set(&query, &"active".into(), &JsValue::TRUE);
    let _ = Reflect::set(&query, &"currentWindow".into(), &JsValue::TRUE);
    let tabs = call(tabs_query(&query.into())).await.ok()?;
    let first = js_sys::Array::from(&tabs).get(0);
    get(&first, "id").as_f64().map(|id| id as i32)
}

/// The localised message `key` (from `_locales/`), with `$1`… substitutions; the key itself if
/// the message is missing, so a forgotten string shows up instead of vanishing.
pub fn message(key: &str, substitutions: &[&str]) -> String {
    let subs: js_sys::Array = substitutions.iter().map(|s| JsValue::from_str(s)).collect();
    match i18n_get_message(key, &subs)
        .ok()
        .and_then(|v| v.as_string())
    {
        Some(text) if !text.is_empty() => text,
        _ => key.to_owned(),
    }
}

/// The browser's UI language (`fi`, `en-US`).
pub fn ui_language() -> String {
    i18n_get_ui_language()
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_else(|| "en".into())
}

/// The extension's id (`runtime.id`).
pub fn extension_id() -> String {
    get(&get(&get(&js_sys::global(), "chrome"), "runtime"), "id")
        .as_string()
        .unwrap_or_default()
}

/// The base URL of the extension's own pages (`runtime.getURL("")`, such as
/// `chrome-extension://ID/`).
pub fn extension_base() -> String {
    runtime_get_url("")
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

/// The extension's version from its manifest.
pub fn extension_version() -> String {
    runtime_get_manifest()
        .ok()
        .and_then(|m| get(&m, "version").as_string())
        .unwrap_or_default()
}

/// The host permissions the extension needs: every http(s) site, for cookies and policies.
fn site_access() -> JsValue {
    let permissions = js_sys::Object::new();
    let origins = js_sys::Array::of2(
        &JsValue::from_str("http://*/*"),
        &JsValue::from_str("https://*/*"),
    );
    let _ = Reflect::set(&permissions, &"origins".into(), &origins);
    permissions.into()
}

/// Whether the visitor has granted access to websites (Firefox makes MV3 host permissions
/// opt-in for permanent installs).
pub async fn has_site_access() -> bool {
    call(permissions_contains(&site_access()))
        .await
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(true)
}

/// Asks the visitor for access to websites. Must be called from a click, before any await.
pub fn request_site_access() -> Option<Promise> {
    permissions_request(&site_access()).ok()
}

/// Registers (or, with `on == false`, unregisters) the main-world script that sets
/// `navigator.globalPrivacyControl` on every page.
pub async fn set_gpc_script(on: bool) {
    set_page_script("cookie-warden-gpc", "gpc.js", on, true).await;
}

/// Registers (or, with `on` false, unregisters) `file` as a script in the page's own world of
/// every http(s) page, at document start, in every frame or only the top one.
pub async fn set_page_script(id: &str, file: &str, on: bool, all_frames: bool) {
    let ids = js_sys::Array::of1(&JsValue::from_str(id));
    let filter = js_sys::Object::new();
    let _ = Reflect::set(&filter, &"ids".into(), &ids);
    let registered = call(scripting_registered(&filter.clone().into()))
        .await
        .map(|list| js_sys::Array::from(&list).length() > 0)
        .unwrap_or(false);
    if on == registered {
        return;
    }
    if !on {
        let _ = call(scripting_unregister(&filter.into())).await;
        return;
    }
    let script = js_sys::Object::new();
    let set = |key: &str, value: JsValue| {
        let _ = Reflect::set(&script, &JsValue::from_str(key), &value);
    };
    set("id", JsValue::from_str(id));
    set("js", js_sys::Array::of1(&JsValue::from_str(file)).into());
    set(
        "matches",
        js_sys::Array::of2(
            &JsValue::from_str("http://*/*"),
            &JsValue::from_str("https://*/*"),
        )
        .into(),
    );
    set("runAt", JsValue::from_str("document_start"));
    set("world", JsValue::from_str("MAIN"));
    set("allFrames", JsValue::from_bool(all_frames));
    let _ = call(scripting_register(&js_sys::Array::of1(&script).into())).await;
}

/// Runs `file` in the content scripts' world of a tab's top-level frame.
pub async fn execute_file(tab_id: i32, file: &str) -> Result<(), JsValue> {
    let injection = js_sys::Object::new();
    let target = js_sys::Object::new();
    let _ = Reflect::set(&target, &"tabId".into(), &JsValue::from(tab_id));
    let _ = Reflect::set(
        &target,
        &"frameIds".into(),
        &js_sys::Array::of1(&JsValue::from(0)),
    );
    let _ = Reflect::set(&injection, &"target".into(), &target);
    let _ = Reflect::set(
        &injection,
        &"files".into(),
        &js_sys::Array::of1(&JsValue::from_str(file)),
    );
    call(scripting_execute(&injection)).await.map(|_| ())
}

/// Sends `message` to the content script of a tab's top-level frame (none there is not an
/// error worth reporting: the answer is dropped).
pub async fn send_to_tab(tab_id: i32, message: &JsValue) {
    let options = js_sys::Object::new();
    let _ = Reflect::set(&options, &"frameId".into(), &JsValue::from(0));
    let _ = call(tabs_send_message(tab_id, message, &options)).await;
}
