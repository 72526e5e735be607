//! The settings file: what the options page exports and imports, and whether an import is
//! accepted. The page reads the file and shows the outcome; the background takes the
//! preferences only if [`accept`] does.

use crate::prefs::Preferences;
use serde_json::{json, Value};

/// The `format` field of an exported settings file.
pub const FORMAT: &str = "cookie-warden-settings";
/// The version of the export wrapper written and read.
pub const VERSION: u64 = 1;
/// A settings file larger than this (bytes) is refused before it is read.
pub const MAX_IMPORT_BYTES: u64 = 5 * 1024 * 1024;

/// Why a settings file was refused before its preferences were looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Not JSON at all.
    NotJson,
    /// JSON, but not a settings file of ours (no or another `format`, no preferences, a version
    /// that is not a number).
    NotOurs,
    /// A settings file of a newer version than this one reads.
    Newer,
}

/// The settings file for `preferences` (as [`Preferences::to_json`] gives them), exported at
/// `exported` (an ISO 8601 time) by extension version `extension_version`.
pub fn export(preferences: Value, exported: &str, extension_version: &str) -> Value {
    json!({
        "format": FORMAT,
        "version": VERSION,
        "exported": exported,
        "extensionVersion": extension_version,
        "preferences": preferences,
    })
}

/// Checks a settings file's text and takes the preferences out of it.
pub fn unwrap(text: &str) -> Result<Value, Refusal> {
    let document: Value = serde_json::from_str(text).map_err(|_| Refusal::NotJson)?;
    let Value::Object(mut fields) = document else {
        return Err(Refusal::NotOurs);
    };
    if fields.get("format").and_then(Value::as_str) != Some(FORMAT) {
        return Err(Refusal::NotOurs);
    }
    match fields.get("version").and_then(Value::as_u64) {
        Some(VERSION) => {}
        Some(v) if v > VERSION => return Err(Refusal::Newer),
        _ => return Err(Refusal::NotOurs),
    }
    match fields.remove("preferences") {
        Some(preferences @ Value::Object(_)) => Ok(preferences),
        _ => Err(Refusal::NotOurs),
    }
}

/// Whether whole preferences sent to replace the visitor's (an import, a reset) are taken: an
/// object that reads without errors (warnings, such as an unknown key, are repaired as when
/// stored choices are read). The error lists every problem, with its place.
pub fn accept(preferences: &Value) -> Result<Preferences, String> {
    let (prefs, diagnostics) = Preferences::load(preferences);
    let errors: Vec<String> = diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(ToString::to_string)
        .collect();
    if !preferences.is_object() {
        return Err("these settings were not imported: not an object of preferences".into());
    }
    if !errors.is_empty() {
        return Err(format!(
            "these settings were not imported: {}",
            errors.join("; ")
        ));
    }
    Ok(prefs)
}
