//! The web layer's own tests, run in a real browser (headless Chromium) by wasm-bindgen-test:
//! conversions between JavaScript values and the engine's types, and the capped body reader.
//! What needs `chrome.*` is proven by the end-to-end tests in `tests/e2e/`.

use super::browser::{from_js, get, to_js};
use super::fetch::{fetch_policy, read_capped};
use crate::decide::Cookie;
use crate::discovery::FetchProblem;
use crate::domain::Site;
use crate::protocol::{Request, Response};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn json(text: &str) -> JsValue {
    js_sys::JSON::parse(text).unwrap_or(JsValue::UNDEFINED)
}

fn response_of(bytes: &[u8]) -> web_sys::Response {
    let mut copy = bytes.to_vec();
    web_sys::Response::new_with_opt_u8_array(Some(&mut copy)).unwrap_or_else(|e| panic!("{e:?}"))
}

#[wasm_bindgen_test]
fn page_messages_become_requests() {
    let request: Request = from_js(json(
        r#"{"type":"setCategory","site":"kaltiot.test","category":"statistics","choice":"deny"}"#,
    ))
    .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(
        request.site().map(|s| s.to_string()).as_deref(),
        Some("kaltiot.test")
    );
    assert!(from_js::<Request>(json(r#"{"type":"dropTables"}"#)).is_err());
    assert!(from_js::<Request>(JsValue::from_f64(4.0)).is_err());
}

#[wasm_bindgen_test]
fn responses_are_plain_objects() {
    let value = to_js(&Response::Error {
        message: "<img src=x onerror=alert(1)>".into(),
    })
    .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(get(&value, "type").as_string().as_deref(), Some("error"));
    let text = js_sys::JSON::stringify(&value)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_default();
    assert_eq!(
        text,
        r#"{"type":"error","message":"<img src=x onerror=alert(1)>"}"#
    );
}

#[wasm_bindgen_test]
fn browser_cookies_convert_without_their_values() {
    let cookie: Cookie = super::browser::cookie_from_js(json(
        r#"{"name":"_ga","value":"GA1.1.secret","domain":".google-analytics.test","hostOnly":false,"path":"/",
            "secure":true,"httpOnly":false,"sameSite":"no_restriction","session":false,"expirationDate":1858982400.5,
            "storeId":"0","partitionKey":{"topLevelSite":"https://kaltiot.test","hasCrossSiteAncestor":false}}"#,
    ))
    .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(
        cookie.owner_site().map(|s| s.to_string()).as_deref(),
        Some("kaltiot.test")
    );
    assert_eq!(cookie.url(), "https://google-analytics.test/");
    let back = to_js(&cookie).unwrap_or_else(|e| panic!("{e:?}"));
    assert!(
        get(&back, "value").is_undefined(),
        "the engine never holds a cookie's value"
    );
}

#[wasm_bindgen_test]
async fn bodies_are_read_up_to_the_limit_and_no_further() {
    let small = br#"{"version": 1}"#;
    let body = read_capped(&response_of(small), "https://a.test/p.json").await;
    assert_eq!(body.ok().as_deref(), Some(&small[..]));
    let large = vec![b' '; 600 * 1024];
    let body = read_capped(&response_of(&large), "https://a.test/p.json").await;
    assert!(matches!(body, Err(FetchProblem::TooLarge { .. })));
    let exact = vec![b' '; 512 * 1024];
    let body = read_capped(&response_of(&exact), "https://a.test/p.json").await;
    assert_eq!(body.map(|b| b.len()).ok(), Some(512 * 1024));
}

#[wasm_bindgen_test]
async fn a_policy_that_is_not_on_the_site_is_refused() {
    let site = Site::of_host("kaltiot.test").unwrap_or_else(|| panic!("site"));
    let answer = fetch_policy(
        "data:application/json,%7B%7D",
        &site,
        10_000,
        crate::discovery::Expect::Json,
    )
    .await;
    assert!(
        matches!(answer, Err(FetchProblem::OffSite { .. })),
        "{:?}",
        answer.err()
    );
}

/// A stand-in for the `chrome.*` APIs the background calls, in this test page. Reads of
/// `storage.local` fail while `cwFake.failLocalReads` is set; every write is recorded in
/// `cwFake.localWrites` as `[key, value]`.
fn install_fake_chrome() {
    let install = js_sys::Function::new_no_args(
        r#"
        const fake = { failLocalReads: true, local: {}, localWrites: [] };
        const ok = (value) => () => Promise.resolve(value);
        const pick = (store, keys) => {
          if (keys === null) return { ...store };
          const out = {};
          for (const k of [].concat(keys)) if (k in store) out[k] = store[k];
          return out;
        };
        const session = {};
        const chrome = {
          storage: {
            local: {
              get: (keys) => fake.failLocalReads
                ? Promise.reject(new Error('IO error: the disk is busy'))
                : Promise.resolve(pick(fake.local, keys)),
              set: (items) => {
                for (const [k, v] of Object.entries(items)) { fake.localWrites.push([k, v]); fake.local[k] = v; }
                return Promise.resolve();
              },
              remove: ok(undefined),
            },
            session: {
              get: (keys) => Promise.resolve(pick(session, keys)),
              set: (items) => { Object.assign(session, items); return Promise.resolve(); },
            },
          },
          declarativeNetRequest: { getDynamicRules: ok([]), updateDynamicRules: ok(undefined) },
          scripting: {
            getRegisteredContentScripts: ok([]),
            registerContentScripts: ok(undefined),
            unregisterContentScripts: ok(undefined),
          },
          cookies: { getAll: ok([]), getAllCookieStores: ok([]), remove: ok(null) },
          action: { setBadgeText: ok(undefined), setBadgeBackgroundColor: ok(undefined) },
          tabs: { get: ok({}) },
          alarms: { create: ok(undefined), clear: ok(true) },
          runtime: { id: 'fake-id', getURL: (p) => 'chrome-extension://fake-id/' + p },
        };
        Object.defineProperty(globalThis, 'chrome', { value: chrome, configurable: true, writable: true });
        globalThis.cwFake = fake;
        "#,
    );
    install
        .call0(&JsValue::UNDEFINED)
        .unwrap_or_else(|e| panic!("{e:?}"));
}

fn fake() -> JsValue {
    get(&js_sys::global(), "cwFake")
}

/// The `prefs` values the background wrote to `storage.local`, as JSON text.
fn prefs_written() -> Vec<String> {
    js_sys::Array::from(&get(&fake(), "localWrites"))
        .iter()
        .filter(|w| js_sys::Array::from(w).get(0).as_string().as_deref() == Some("prefs"))
        .filter_map(|w| js_sys::JSON::stringify(&js_sys::Array::from(&w).get(1)).ok())
        .filter_map(|t| t.as_string())
        .collect()
}

/// Regression (issue 10, robustness): a rejected `storage.local` read at start used to look
/// like a first run, and the next choice saved the defaults over the visitor's real choices.
/// Now nothing is written until a read succeeds, the change is refused with a reason, and once
/// the stored choices can be read the change is applied on top of them.
#[wasm_bindgen_test]
async fn a_failed_read_of_the_choices_is_not_a_first_run() {
    install_fake_chrome();
    super::start().await.unwrap_or_else(|e| panic!("{e:?}"));
    let sender = json(r#"{"id": "fake-id", "url": "chrome-extension://fake-id/popup.html"}"#);
    let change = || {
        json(
            r#"{"type": "setCategory", "site": "kaltiot.test", "category": "statistics", "choice": "allow"}"#,
        )
    };
    let answer = super::on_message(change(), sender.clone())
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(get(&answer, "type").as_string().as_deref(), Some("error"));
    assert!(
        get(&answer, "message")
            .as_string()
            .unwrap_or_default()
            .contains("could not be read"),
        "the visitor is told why"
    );
    assert_eq!(
        prefs_written(),
        Vec::<String>::new(),
        "nothing written over the stored choices"
    );

    // The disk answers again, and holds the visitor's real choices.
    let stored = json(
        r#"{"prefs": {"version": 2, "defaults": {"necessary": "allow", "functional": "allow", "statistics": "deny", "marketing": "deny"},
            "undeclared": "keep", "actWithoutPolicy": true, "globalPrivacyControl": true,
            "sites": {"nopolicy.test": {"paused": true}}}}"#,
    );
    let _ = js_sys::Reflect::set(&fake(), &"local".into(), &stored);
    let _ = js_sys::Reflect::set(&fake(), &"failLocalReads".into(), &JsValue::FALSE);
    let answer = super::on_message(change(), sender)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(get(&answer, "type").as_string().as_deref(), Some("done"));
    let written = prefs_written();
    let last = written.last().cloned().unwrap_or_default();
    assert!(
        last.contains(r#""nopolicy.test":{"paused":true}"#),
        "the stored choice is kept: {last}"
    );
    assert!(
        last.contains(r#""kaltiot.test":{"categories":{"statistics":"allow"}}"#),
        "and the change made: {last}"
    );
}
