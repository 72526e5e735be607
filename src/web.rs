//! The web layer (wasm32 only): moves data between JavaScript and the engine, and nothing else.
//! No decision is made here; every function converts its arguments, calls the engine, and
//! converts the answer back with serde-wasm-bindgen.

use crate::domain::Site;
use crate::policy;
use wasm_bindgen::prelude::*;

/// Parses a policy document found for a page of `site` and returns the engine's `Document`
/// (`{kind, policy, diagnostics}`), or throws an `Error` whose message says why the document
/// could not be read at all.
#[wasm_bindgen(js_name = parsePolicy)]
pub fn parse_policy(bytes: &[u8], site: Option<String>) -> Result<JsValue, JsError> {
    let site = site.as_deref().and_then(Site::of_host);
    let document = policy::parse(bytes, site.as_ref()).map_err(|e| JsError::new(&e.to_string()))?;
    serde_wasm_bindgen::to_value(&document).map_err(|e| JsError::new(&e.to_string()))
}

/// Logs through the console, for the bootstrap's start-up message.
#[wasm_bindgen(js_name = engineVersion)]
pub fn engine_version() -> String {
    let version = env!("CARGO_PKG_VERSION");
    gloo::console::debug!("cookie-warden engine", version);
    version.to_owned()
}
