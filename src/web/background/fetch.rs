//! Fetching a policy (or a consent platform's declaration): GET without credentials, at most 512 KiB (the body is read as a stream
//! and cut off past the limit, so a 50 MB answer costs 512 KiB), 10 s in all (an answer that
//! never ends is cut off too), then the engine's checks. The only network requests the
//! extension makes are these.

use super::browser::{self, get};
use crate::discovery::{check_head, Expect, FetchProblem, FETCH_TIMEOUT_MS};
use crate::domain::Site;
use crate::policy::parse::limits::MAX_BYTES;
use js_sys::{Reflect, Uint8Array};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, ReadableStreamDefaultReader, Response};

/// A policy document as fetched.
pub struct Fetched {
    /// The body (at most 512 KiB).
    pub body: Vec<u8>,
    /// The `Cache-Control` header.
    pub cache_control: Option<String>,
}

fn network(url: &str, error: &JsValue) -> FetchProblem {
    let reason = error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "unknown error".into());
    FetchProblem::Network {
        url: url.to_owned(),
        reason,
    }
}

/// Fetches `url` as the policy of `site`, giving up after `timeout_ms` (at most
/// [`FETCH_TIMEOUT_MS`]) for the whole answer, body included.
pub async fn fetch_policy(
    url: &str,
    site: &Site,
    timeout_ms: u32,
    expect: Expect,
) -> Result<Fetched, FetchProblem> {
    let controller = AbortController::new().map_err(|e| network(url, &e))?;
    let abort = controller.clone();
    let expired = Rc::new(Cell::new(false));
    let expire = expired.clone();
    // Dropping the timer (when this function returns) cancels it.
    let _timer =
        gloo::timers::callback::Timeout::new(timeout_ms.min(FETCH_TIMEOUT_MS), move || {
            expire.set(true);
            abort.abort();
        });
    let timed_out = |problem: FetchProblem| {
        if expired.get() {
            FetchProblem::TimedOut {
                url: url.to_owned(),
            }
        } else {
            problem
        }
    };
    fetch_within(url, site, &controller, expect)
        .await
        .map_err(timed_out)
}

async fn fetch_within(
    url: &str,
    site: &Site,
    controller: &AbortController,
    expect: Expect,
) -> Result<Fetched, FetchProblem> {
    let init = js_sys::Object::new();
    for (key, value) in [
        ("method", JsValue::from_str("GET")),
        ("credentials", JsValue::from_str("omit")),
        // Never stored, never revalidated: a cached answer's ETag or Last-Modified sent back to
        // the site would be an identifier that outlives every cookie deletion.
        ("cache", JsValue::from_str("no-store")),
        // A policy is read only where it is named: a redirect could point anywhere (another
        // site, the visitor's own network), and following it would send a request there.
        ("redirect", JsValue::from_str("manual")),
        ("referrerPolicy", JsValue::from_str("no-referrer")),
        ("signal", controller.signal().into()),
    ] {
        let _ = Reflect::set(&init, &JsValue::from_str(key), &value);
    }
    let response: Response = browser::fetch(url, &init)
        .await
        .map_err(|e| network(url, &e))?
        .dyn_into()
        .map_err(|e| network(url, &e))?;
    if response.type_() == web_sys::ResponseType::Opaqueredirect {
        return Err(FetchProblem::Redirected {
            url: url.to_owned(),
        });
    }
    let headers = response.headers();
    let header = |name: &str| headers.get(name).ok().flatten();
    let content_length = header("content-length").and_then(|v| v.trim().parse::<u64>().ok());
    check_head(
        url,
        &response.url(),
        site,
        response.status(),
        header("content-type").as_deref(),
        content_length,
        expect,
    )?;
    let cache_control = header("cache-control");
    let body = read_capped(&response, url).await.inspect_err(|_| {
        // Nothing more is wanted from this answer: the connection goes too.
        controller.abort();
    })?;
    Ok(Fetched {
        body,
        cache_control,
    })
}

/// Reads the body chunk by chunk, stopping (and cancelling the stream) past the limit.
pub(crate) async fn read_capped(response: &Response, url: &str) -> Result<Vec<u8>, FetchProblem> {
    let Some(stream) = response.body() else {
        return Ok(Vec::new());
    };
    let reader: ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
    let mut body = Vec::new();
    loop {
        let chunk = JsFuture::from(reader.read())
            .await
            .map_err(|e| network(url, &e))?;
        if get(&chunk, "done").as_bool().unwrap_or(true) {
            break;
        }
        let bytes = Uint8Array::new(&get(&chunk, "value"));
        if body.len() + bytes.length() as usize > MAX_BYTES {
            let _ = reader.cancel();
            return Err(FetchProblem::TooLarge {
                url: url.to_owned(),
            });
        }
        let start = body.len();
        body.resize(start + bytes.length() as usize, 0);
        bytes.copy_to(&mut body[start..]);
    }
    Ok(body)
}
