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
    let cookie: Cookie = from_js(json(
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
    let answer = fetch_policy("data:application/json,%7B%7D", &site, 10_000).await;
    assert!(
        matches!(answer, Err(FetchProblem::OffSite { .. })),
        "{:?}",
        answer.err()
    );
}
