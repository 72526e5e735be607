//! Bytes → the TCF Vendor Device Storage Disclosure converter (reached through `policy::parse`,
//! which converts any object with `disclosures` and no `version`).
//!
//! So that mutations stay on the TCF path, JSON input is reshaped first: an object loses
//! `version` and gains `disclosures` if it has none; an array becomes `{"disclosures": [...]}`.
//! Anything else (not JSON) goes to the parser as it is. The converted document gets the same
//! checks as a parsed one, including the round trip that `cookie-warden convert` relies on: the
//! converted policy, printed, is a valid version 1 policy equal to it.
#![no_main]

#[path = "common/mod.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value};

fuzz_target!(|data: &[u8]| {
    let reshaped = match serde_json::from_slice::<Value>(data) {
        Ok(Value::Object(mut root)) => {
            root.remove("version");
            root.entry("disclosures")
                .or_insert_with(|| Value::Array(Vec::new()));
            serde_json::to_vec(&Value::Object(root)).ok()
        }
        Ok(Value::Array(items)) => {
            let mut root = Map::new();
            root.insert("disclosures".into(), Value::Array(items));
            serde_json::to_vec(&Value::Object(root)).ok()
        }
        _ => None,
    };
    common::parse_and_check(reshaped.as_deref().unwrap_or(data));
});
