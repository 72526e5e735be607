//! Bindings to the `chrome.*` APIs the background uses (promise-returning, in Chrome and
//! Firefox MV3), and conversions between JavaScript values and serde types. No logic.

use js_sys::{Promise, Reflect};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = ["chrome", "cookies"], js_name = getAll)]
    fn cookies_get_all(details: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["chrome", "cookies"], js_name = remove)]
    fn cookies_remove(details: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["chrome", "cookies"], js_name = getAllCookieStores)]
    fn cookies_get_all_cookie_stores() -> Result<Promise, JsValue>;

    #[wasm_bindgen(catch, js_namespace = ["chrome", "storage", "local"], js_name = get)]
    fn local_get(keys: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["chrome", "storage", "local"], js_name = set)]
    fn local_set(items: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["chrome", "storage", "session"], js_name = get)]
    fn session_get(keys: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["chrome", "storage", "session"], js_name = set)]
    fn session_set(items: &JsValue) -> Result<Promise, JsValue>;

    #[wasm_bindgen(catch, js_namespace = ["chrome", "declarativeNetRequest"], js_name = updateDynamicRules)]
    fn dnr_update_dynamic_rules(options: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["chrome", "declarativeNetRequest"], js_name = getDynamicRules)]
    fn dnr_get_dynamic_rules() -> Result<Promise, JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["chrome", "declarativeNetRequest"], js_name = getMatchedRules)]
    fn dnr_get_matched_rules(filter: &JsValue) -> Result<Promise, JsValue>;

    #[wasm_bindgen(catch, js_namespace = ["chrome", "action"], js_name = setBadgeText)]
    fn action_set_badge_text(details: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["chrome", "action"], js_name = setBadgeBackgroundColor)]
    fn action_set_badge_background_color(details: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["chrome", "tabs"], js_name = get)]
    fn tabs_get(tab_id: i32) -> Result<Promise, JsValue>;

    #[wasm_bindgen(catch, js_name = fetch)]
    fn global_fetch(url: &str, init: &JsValue) -> Result<Promise, JsValue>;
}

/// Awaits a promise-returning call; a synchronous throw and a rejection both become `Err`.
async fn call(promise: Result<Promise, JsValue>) -> Result<JsValue, JsValue> {
    JsFuture::from(promise?).await
}

/// Converts a serde value to a plain JavaScript value (objects, not `Map`s).
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsValue::from_str(&e.to_string()))
}

/// Converts a JavaScript value to a serde type.
pub fn from_js<T: DeserializeOwned>(value: JsValue) -> Result<T, JsValue> {
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

/// `chrome.cookies.remove(details)`.
pub async fn remove_cookie(details: &JsValue) -> Result<JsValue, JsValue> {
    call(cookies_remove(details)).await
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

/// `chrome.declarativeNetRequest.getDynamicRules()`.
pub async fn dynamic_rules() -> Result<JsValue, JsValue> {
    call(dnr_get_dynamic_rules()).await
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
