//! The tolerant policy parser: bytes in, a [`Document`] (the model plus diagnostics) out.
//!
//! Hard failures (not UTF-8, not JSON, over a limit) are [`PolicyError`]s; everything else is a
//! [`Diagnostic`] with its place, and the parser keeps going so that a site owner sees every
//! problem at once. An element with an error is left out of the model; a document with any
//! error is not valid and the extension does not act on it. Texts are kept as plain text:
//! rendering is the pages' business, and they render text, never HTML.
//!
//! This module must not fetch, read a clock, or know about browsers.

use super::model::*;
use crate::date::Date;
use crate::diag::{Diagnostic, Place};
use crate::domain::{Host, Site};
use crate::pattern::NamePattern;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use thiserror::Error;

/// The limits a document must keep. A larger document is rejected with an error naming the limit.
pub mod limits {
    /// Bytes in one document (512 KiB).
    pub const MAX_BYTES: usize = 512 * 1024;
    /// Services in one policy.
    pub const MAX_SERVICES: usize = 1_000;
    /// Storage entries across all services.
    pub const MAX_STORAGE_ENTRIES: usize = 5_000;
    /// Domains of one service.
    pub const MAX_DOMAINS_PER_SERVICE: usize = 200;
    /// Characters in any one string (keys included).
    pub const MAX_STRING_CHARS: usize = 4_096;
    /// Diagnostics kept for one document; past this they are counted, not kept, so a 512 KiB
    /// document of unknown keys cannot become megabytes of stored warnings.
    pub const MAX_DIAGNOSTICS: usize = 100;
}

/// Which limit a document broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Limit {
    /// [`limits::MAX_SERVICES`].
    Services,
    /// [`limits::MAX_STORAGE_ENTRIES`].
    StorageEntries,
    /// [`limits::MAX_DOMAINS_PER_SERVICE`].
    DomainsPerService,
    /// [`limits::MAX_STRING_CHARS`].
    StringLength,
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Limit::Services => "at most 1,000 services",
            Limit::StorageEntries => "at most 5,000 storage entries in all",
            Limit::DomainsPerService => "at most 200 domains per service",
            Limit::StringLength => "at most 4,096 characters per string",
        })
    }
}

/// Why a document could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum PolicyError {
    /// Larger than [`limits::MAX_BYTES`].
    #[error("the document is {size} bytes; the limit is 512 KiB ({max} bytes)")]
    TooLarge {
        /// The document's size.
        size: usize,
        /// The limit.
        max: usize,
    },
    /// Not UTF-8 text.
    #[error("the document is not UTF-8 text: invalid byte at line {line}, column {column}")]
    NotUtf8 {
        /// 1-based line of the first invalid byte.
        line: usize,
        /// 1-based column (in bytes) of the first invalid byte.
        column: usize,
    },
    /// Not JSON (this includes nesting deeper than 128 levels).
    #[error("the document is not JSON: {message}")]
    NotJson {
        /// serde_json's words, with line and column.
        message: String,
    },
    /// JSON, but not an object.
    #[error("expected a JSON object at the top level, found {found}")]
    NotObject {
        /// What was found instead.
        found: String,
    },
    /// Over one of the limits.
    #[error("{place}: the document is over the limit of {limit} (found {found})")]
    OverLimit {
        /// Where the limit was passed.
        place: String,
        /// Which limit.
        limit: Limit,
        /// How many were found.
        found: usize,
    },
    /// A TCF disclosure file gives no domain to tell whose it is, and no site was given.
    #[error("a TCF disclosure file names no site; give the site it was found for")]
    TcfWithoutSite,
    /// A consent platform's file does not say whose it is, and no site was given.
    #[error("a consent platform's file names no site; give the site it was found for")]
    NoSite,
    /// The file is readable but holds no declaration (a consent platform's other file, or an
    /// answer that says why it has none).
    #[error("{reason}")]
    NoDeclaration {
        /// Why, in words.
        reason: String,
    },
}

/// What kind of document a policy was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DocumentKind {
    /// Cookie policy format version 1.
    CookiePolicy,
    /// An IAB TCF Vendor Device Storage Disclosure, converted.
    TcfDisclosure,
    /// A OneTrust (CookiePro) declaration (its language file's `DomainData`), converted.
    OneTrust,
    /// A Cookiebot declaration (its `cc.js` cookie tables), converted.
    Cookiebot,
}

impl DocumentKind {
    /// The consent platform the declaration came through, if any (`OneTrust`).
    pub fn platform(self) -> Option<&'static str> {
        match self {
            DocumentKind::CookiePolicy | DocumentKind::TcfDisclosure => None,
            DocumentKind::OneTrust => Some("OneTrust"),
            DocumentKind::Cookiebot => Some("Cookiebot"),
        }
    }

    /// How this kind of declaration ranks when a site has several (higher first): the site's
    /// own policy, then its consent platform's declaration, then TCF disclosures.
    pub fn precedence(self) -> u8 {
        match self {
            DocumentKind::CookiePolicy => 2,
            DocumentKind::OneTrust | DocumentKind::Cookiebot => 1,
            DocumentKind::TcfDisclosure => 0,
        }
    }
}

/// A parsed document: the policy (when the document named a usable site) and what the parser
/// had to say about it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Document {
    /// What the document was.
    pub kind: DocumentKind,
    /// The policy, with every element that had an error left out.
    pub policy: Option<Policy>,
    /// Errors and warnings, in document order.
    pub diagnostics: Vec<Diagnostic>,
}

impl Document {
    /// Whether the document has no errors (warnings are fine) and so may be acted on.
    pub fn is_valid(&self) -> bool {
        self.policy.is_some() && !self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The policy, if the document is valid.
    pub fn valid_policy(&self) -> Option<&Policy> {
        self.policy.as_ref().filter(|_| self.is_valid())
    }

    /// The errors only.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.is_error())
    }
}

/// Reads `bytes` as one JSON object: at most [`limits::MAX_BYTES`], UTF-8 (a leading byte-order
/// mark is allowed), JSON, an object, no string over [`limits::MAX_STRING_CHARS`]. The first
/// step of every JSON format ([`crate::policy::formats`]).
pub(crate) fn json_object(bytes: &[u8]) -> Result<Map<String, Value>, PolicyError> {
    let text = text_of(bytes)?;
    let value: Value = serde_json::from_str(text).map_err(|e| {
        let looks_like_html = text.trim_start().starts_with('<');
        PolicyError::NotJson {
            message: if looks_like_html {
                format!("it looks like HTML ({e})")
            } else {
                e.to_string()
            },
        }
    })?;
    check_string_lengths(&value, &Place::root())?;
    match value {
        Value::Object(root) => Ok(root),
        other => Err(PolicyError::NotObject {
            found: describe(&other),
        }),
    }
}

/// `bytes` as text: at most [`limits::MAX_BYTES`], UTF-8, without a leading byte-order mark.
pub(crate) fn text_of(bytes: &[u8]) -> Result<&str, PolicyError> {
    if bytes.len() > limits::MAX_BYTES {
        return Err(PolicyError::TooLarge {
            size: bytes.len(),
            max: limits::MAX_BYTES,
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let (line, column) = line_and_column(bytes, e.valid_up_to());
        PolicyError::NotUtf8 { line, column }
    })?;
    Ok(text.strip_prefix('\u{feff}').unwrap_or(text))
}

/// Reads a cookie policy of this project's own format (version 1) from its JSON object, found
/// for a page of `expected_site` (when known). A policy for another site gets the error
/// "policy is for X, not Y".
pub(crate) fn read_v1(
    root: &Map<String, Value>,
    expected_site: Option<&Site>,
) -> Result<Document, PolicyError> {
    check_counts(root)?;
    let mut reader = Reader::default();
    let policy = reader.policy(root, expected_site);
    Ok(Document {
        kind: DocumentKind::CookiePolicy,
        policy,
        diagnostics: reader.finish(),
    })
}

fn line_and_column(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    (line, column)
}

/// Rejects any string or key over [`limits::MAX_STRING_CHARS`]. serde_json's recursion limit
/// (128) bounds the depth of this walk.
fn check_string_lengths(value: &Value, place: &Place) -> Result<(), PolicyError> {
    let over = |s: &str| {
        s.len() > limits::MAX_STRING_CHARS && s.chars().count() > limits::MAX_STRING_CHARS
    };
    let fail = |place: &Place, s: &str| PolicyError::OverLimit {
        place: place.to_string(),
        limit: Limit::StringLength,
        found: s.chars().count(),
    };
    match value {
        Value::String(s) if over(s) => Err(fail(place, s)),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(i, item)| check_string_lengths(item, &place.index(i))),
        Value::Object(map) => map.iter().try_for_each(|(key, item)| {
            let inner = place.field(&truncate(key, 40));
            if over(key) {
                return Err(fail(&inner, key));
            }
            check_string_lengths(item, &inner)
        }),
        _ => Ok(()),
    }
}

/// Rejects documents with more services, storage entries or domains than the limits allow.
pub(crate) fn check_counts(root: &Map<String, Value>) -> Result<(), PolicyError> {
    let Some(Value::Array(services)) = root.get("services") else {
        return Ok(());
    };
    let services_place = Place::root().field("services");
    if services.len() > limits::MAX_SERVICES {
        return Err(PolicyError::OverLimit {
            place: services_place.to_string(),
            limit: Limit::Services,
            found: services.len(),
        });
    }
    let mut storage_total = 0;
    for (i, service) in services.iter().enumerate() {
        if let Some(Value::Array(domains)) = service.get("domains") {
            if domains.len() > limits::MAX_DOMAINS_PER_SERVICE {
                return Err(PolicyError::OverLimit {
                    place: services_place.index(i).field("domains").to_string(),
                    limit: Limit::DomainsPerService,
                    found: domains.len(),
                });
            }
        }
        if let Some(Value::Array(storage)) = service.get("storage") {
            storage_total += storage.len();
        }
    }
    if storage_total > limits::MAX_STORAGE_ENTRIES {
        return Err(PolicyError::OverLimit {
            place: services_place.to_string(),
            limit: Limit::StorageEntries,
            found: storage_total,
        });
    }
    Ok(())
}

/// A short description of a JSON value for "expected X, found Y" messages.
pub(crate) fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => format!("{:?}", truncate(s, 60)),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

fn truncate(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

/// Whether `text` is one plain e-mail address that can go into a `mailto:` link as it is: a
/// local part of letters, digits and `.!#$'*+/=^_`{|}~-` (no `%`, so nothing percent-encoded
/// such as `%0D%0A` can add header lines or recipients), `@`, and a host name with a dot.
pub(crate) fn is_plain_email(text: &str) -> bool {
    let Some((user, host)) = text.split_once('@') else {
        return false;
    };
    let user_ok = !user.is_empty()
        && user.len() <= 64
        && user
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".!#$'*+/=^_`{|}~-".contains(&b));
    user_ok && host.contains('.') && Host::parse(host).is_ok()
}

/// Replaces control characters (other than tab and newline) and the bidirectional embedding,
/// override and isolate controls (U+202A–U+202E, U+2066–U+2069) with U+FFFD, so that no text
/// from a site can hide itself, reorder what the panel or a terminal shows around it
/// (`\u{202E}gnp.exe`), or break a terminal. Returns whether anything was replaced.
pub(crate) fn scrub_controls(text: &str) -> (String, bool) {
    let is_bad = |c: char| {
        (c.is_control() && c != '\t' && c != '\n')
            || ('\u{202A}'..='\u{202E}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c)
    };
    if !text.chars().any(is_bad) {
        return (text.to_owned(), false);
    }
    (
        text.chars()
            .map(|c| if is_bad(c) { '\u{FFFD}' } else { c })
            .collect(),
        true,
    )
}

/// Reads JSON values into the model, collecting diagnostics (at most
/// [`limits::MAX_DIAGNOSTICS`]; the rest are counted).
#[derive(Default)]
pub(crate) struct Reader {
    diagnostics: Vec<Diagnostic>,
    /// Diagnostics past the limit: how many, and whether any was an error.
    dropped: usize,
    dropped_error: bool,
}

impl Reader {
    fn push(&mut self, diagnostic: Diagnostic) {
        if self.diagnostics.len() < limits::MAX_DIAGNOSTICS {
            self.diagnostics.push(diagnostic);
        } else {
            self.dropped += 1;
            self.dropped_error |= diagnostic.is_error();
        }
    }

    pub(crate) fn error(&mut self, place: &Place, message: impl Into<String>) {
        self.push(Diagnostic::error(place, message));
    }

    pub(crate) fn warning(&mut self, place: &Place, message: impl Into<String>) {
        self.push(Diagnostic::warning(place, message));
    }

    /// The diagnostics, with one more that counts those past the limit (an error if any of
    /// them was one, so the document's validity does not depend on the limit).
    pub(crate) fn finish(self) -> Vec<Diagnostic> {
        let mut diagnostics = self.diagnostics;
        if self.dropped > 0 {
            let message = format!(
                "{} more problems not listed (only the first {} are kept)",
                self.dropped,
                limits::MAX_DIAGNOSTICS
            );
            let root = Place::root();
            diagnostics.push(if self.dropped_error {
                Diagnostic::error(&root, message)
            } else {
                Diagnostic::warning(&root, message)
            });
        }
        diagnostics
    }

    fn expected(&mut self, place: &Place, what: &str, found: &Value) {
        self.error(place, format!("expected {what}, found {}", describe(found)));
    }

    /// Warns about fields not in `known`; they are left out of the model.
    fn unknown_fields(&mut self, map: &Map<String, Value>, known: &[&str], place: &Place) {
        for key in map.keys().filter(|k| !known.contains(&k.as_str())) {
            self.warning(
                &place.field(&truncate(key, 40)),
                "unknown field, ignored (this version of Cookie Warden does not read it)",
            );
        }
    }

    fn required<'a>(
        &mut self,
        map: &'a Map<String, Value>,
        field: &str,
        place: &Place,
    ) -> Option<&'a Value> {
        let value = map.get(field);
        if value.is_none() {
            self.error(&place.field(field), "missing required field");
        }
        value
    }

    fn object<'a>(&mut self, value: &'a Value, place: &Place) -> Option<&'a Map<String, Value>> {
        match value {
            Value::Object(map) => Some(map),
            other => {
                self.expected(place, "an object", other);
                None
            }
        }
    }

    fn array<'a>(&mut self, value: &'a Value, place: &Place) -> Option<&'a [Value]> {
        match value {
            Value::Array(items) => Some(items),
            other => {
                self.expected(place, "an array", other);
                None
            }
        }
    }

    pub(crate) fn string(&mut self, value: &Value, place: &Place) -> Option<String> {
        match value {
            Value::String(s) => {
                let (clean, replaced) = scrub_controls(s.trim());
                if replaced {
                    self.warning(place, "control characters replaced with U+FFFD");
                }
                Some(clean)
            }
            other => {
                self.expected(place, "a string", other);
                None
            }
        }
    }

    fn nonempty_string(&mut self, value: &Value, place: &Place) -> Option<String> {
        let s = self.string(value, place)?;
        if s.is_empty() {
            self.error(place, "expected a non-empty string");
            return None;
        }
        Some(s)
    }

    fn optional_string(
        &mut self,
        map: &Map<String, Value>,
        field: &str,
        place: &Place,
    ) -> Option<String> {
        let value = map.get(field)?;
        self.string(value, &place.field(field))
            .filter(|s| !s.is_empty())
    }

    fn bool(&mut self, value: &Value, place: &Place) -> Option<bool> {
        match value {
            Value::Bool(b) => Some(*b),
            other => {
                self.expected(place, "true or false", other);
                None
            }
        }
    }

    fn max_age(&mut self, value: &Value, place: &Place) -> Option<u64> {
        match value.as_u64() {
            Some(n) => Some(n),
            None => {
                self.expected(place, "a non-negative integer", value);
                None
            }
        }
    }

    /// An https URL; anything else (http, javascript:, mailto:) is dropped with a warning, so no
    /// link from a policy can run script or leave https.
    fn https_url(
        &mut self,
        map: &Map<String, Value>,
        field: &str,
        place: &Place,
    ) -> Option<String> {
        let place = place.field(field);
        let url = self.string(map.get(field)?, &place)?;
        let host_ok = url
            .strip_prefix("https://")
            .and_then(|rest| crate::domain::host_of_url(rest))
            .is_some_and(|h| !h.is_empty());
        if !host_ok || url.contains(char::is_whitespace) {
            self.warning(
                &place,
                format!(
                    "expected an https URL, found {:?}; ignored",
                    truncate(&url, 60)
                ),
            );
            return None;
        }
        Some(url)
    }

    pub(crate) fn text(&mut self, value: &Value, place: &Place) -> Option<Text> {
        match value {
            Value::String(_) => self.string(value, place).map(Text::Plain),
            Value::Object(map) => {
                let mut entries = Vec::new();
                for (tag, text) in map {
                    let inner = place.field(&truncate(tag, 40));
                    if !is_language_tag(tag) {
                        self.warning(
                            &inner,
                            "expected a BCP 47 language tag such as en or fi-FI; ignored",
                        );
                        continue;
                    }
                    if let Some(text) = self.string(text, &inner) {
                        entries.push((tag.clone(), text));
                    }
                }
                if entries.is_empty() {
                    self.error(place, "expected at least one language");
                    return None;
                }
                Some(Text::Localized(entries))
            }
            other => {
                self.expected(
                    place,
                    "a string or an object of language tag → string",
                    other,
                );
                None
            }
        }
    }

    fn optional_text(
        &mut self,
        map: &Map<String, Value>,
        field: &str,
        place: &Place,
    ) -> Option<Text> {
        let value = map.get(field)?;
        self.text(value, &place.field(field))
    }

    pub(crate) fn category(&mut self, value: &Value, place: &Place) -> Option<CategoryId> {
        let id = self.string(value, place)?;
        let category = CategoryId::from_id(&id);
        if category.is_none() {
            self.error(
                place,
                format!(
                    "expected one of necessary, functional, statistics, marketing, found {:?}",
                    truncate(&id, 60)
                ),
            );
        }
        category
    }

    fn host(&mut self, value: &Value, place: &Place) -> Option<Host> {
        let text = self.string(value, place)?;
        match Host::parse(&text) {
            Ok(host) => Some(host),
            Err(e) => {
                self.error(place, e.to_string());
                None
            }
        }
    }

    fn policy(
        &mut self,
        root: &Map<String, Value>,
        expected_site: Option<&Site>,
    ) -> Option<Policy> {
        let place = Place::root();
        self.unknown_fields(
            root,
            &[
                "$schema",
                "version",
                "site",
                "updated",
                "policyUrl",
                "jurisdictions",
                "controller",
                "rights",
                "categories",
                "services",
            ],
            &place,
        );
        let version = self.required(root, "version", &place);
        match version {
            Some(v) if v.as_u64() == Some(FORMAT_VERSION) => {}
            Some(v) => self.expected(&place.field("version"), "1", v),
            None => {}
        }
        let site = self.site(root, expected_site);
        let updated = root.get("updated").and_then(|v| {
            let place = place.field("updated");
            let text = self.string(v, &place)?;
            let date = Date::parse(&text);
            if date.is_none() {
                self.error(
                    &place,
                    format!(
                        "expected a date YYYY-MM-DD, found {:?}",
                        truncate(&text, 40)
                    ),
                );
            }
            date
        });
        let policy_url = self.https_url(root, "policyUrl", &place);
        let jurisdictions = root
            .get("jurisdictions")
            .and_then(|v| self.array(v, &place.field("jurisdictions")))
            .map(|items| {
                items
                    .iter()
                    .enumerate()
                    .filter_map(|(i, v)| {
                        self.nonempty_string(v, &place.field("jurisdictions").index(i))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let controller = root
            .get("controller")
            .and_then(|v| self.controller(v, &place.field("controller")));
        let rights = root
            .get("rights")
            .and_then(|v| self.array(v, &place.field("rights")))
            .map(|items| self.rights(items, &place.field("rights")))
            .unwrap_or_default();
        let categories = root
            .get("categories")
            .and_then(|v| self.categories(v, &place.field("categories")))
            .unwrap_or_default();
        let services = self
            .required(root, "services", &place)
            .and_then(|v| self.array(v, &place.field("services")))
            .map(|items| self.services(items, site.as_ref(), &place.field("services")))
            .unwrap_or_default();
        Some(Policy {
            version: FORMAT_VERSION,
            site: site?,
            updated,
            policy_url,
            jurisdictions,
            controller,
            rights,
            categories,
            services,
        })
    }

    fn site(&mut self, root: &Map<String, Value>, expected: Option<&Site>) -> Option<Site> {
        let place = Place::root().field("site");
        let value = self.required(root, "site", &Place::root())?;
        let text = self.string(value, &place)?;
        let site = match Site::parse_registrable(&text) {
            Ok(site) => site,
            Err(e) => {
                self.error(&place, e.to_string());
                return None;
            }
        };
        if let Some(expected) = expected {
            if &site != expected {
                self.error(&place, format!("policy is for {site}, not {expected}"));
            }
        }
        Some(site)
    }

    fn controller(&mut self, value: &Value, place: &Place) -> Option<Controller> {
        let map = self.object(value, place)?;
        self.unknown_fields(map, &["name", "address", "email", "phone", "url"], place);
        let name = self
            .required(map, "name", place)
            .and_then(|v| self.nonempty_string(v, &place.field("name")))?;
        let email = self.optional_string(map, "email", place);
        let email = email.filter(|e| {
            let ok = is_plain_email(e);
            if !ok {
                self.warning(
                    &place.field("email"),
                    format!(
                        "expected an e-mail address, found {:?}; ignored",
                        truncate(e, 60)
                    ),
                );
            }
            ok
        });
        Some(Controller {
            name,
            address: self.optional_string(map, "address", place),
            email,
            phone: self.optional_string(map, "phone", place),
            url: self.https_url(map, "url", place),
        })
    }

    fn rights(&mut self, items: &[Value], place: &Place) -> Vec<Right> {
        let mut rights = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let Some(id) = self.string(item, &place.index(i)) else {
                continue;
            };
            match Right::from_id(&id) {
                Some(right) if !rights.contains(&right) => rights.push(right),
                Some(_) => self.warning(&place.index(i), "listed twice; ignored"),
                None => self.warning(
                    &place.index(i),
                    format!(
                        "unknown right {:?}, ignored; expected one of access, rectification, erasure, restriction, portability, objection, withdraw-consent, complaint",
                        truncate(&id, 40)
                    ),
                ),
            }
        }
        rights
    }

    fn categories(
        &mut self,
        value: &Value,
        place: &Place,
    ) -> Option<BTreeMap<CategoryId, CategoryInfo>> {
        let map = self.object(value, place)?;
        let mut categories = BTreeMap::new();
        for (key, value) in map {
            let inner = place.field(&truncate(key, 40));
            let Some(id) = CategoryId::from_id(key) else {
                self.error(&inner, "unknown category; expected one of necessary, functional, statistics, marketing");
                continue;
            };
            let Some(fields) = self.object(value, &inner) else {
                continue;
            };
            self.unknown_fields(fields, &["label", "description", "consent"], &inner);
            let info = CategoryInfo {
                label: self.optional_text(fields, "label", &inner),
                description: self.optional_text(fields, "description", &inner),
                consent: fields
                    .get("consent")
                    .and_then(|v| self.bool(v, &inner.field("consent"))),
            };
            categories.insert(id, info);
        }
        Some(categories)
    }

    fn services(&mut self, items: &[Value], site: Option<&Site>, place: &Place) -> Vec<Service> {
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut services = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let inner = place.index(i);
            let Some(service) = self.service(item, site, &inner) else {
                continue;
            };
            if let Some(first) = seen.get(&service.id) {
                self.error(
                    &inner.field("id"),
                    format!("duplicate service id {:?} (first used by services[{first}]); this service is ignored", service.id),
                );
                continue;
            }
            seen.insert(service.id.clone(), i);
            services.push(service);
        }
        services
    }

    fn service(&mut self, value: &Value, site: Option<&Site>, place: &Place) -> Option<Service> {
        let map = self.object(value, place)?;
        self.unknown_fields(
            map,
            &[
                "id",
                "name",
                "provider",
                "description",
                "privacyPolicy",
                "category",
                "domains",
                "storage",
            ],
            place,
        );
        let id = self.required(map, "id", place).and_then(|v| {
            let place = place.field("id");
            let id = self.string(v, &place)?;
            let ok = (1..=64).contains(&id.len())
                && id
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            if !ok {
                self.error(
                    &place,
                    format!(
                        "expected 1 to 64 of a-z, 0-9 and -, found {:?}",
                        truncate(&id, 60)
                    ),
                );
            }
            ok.then_some(id)
        });
        let name = self
            .required(map, "name", place)
            .and_then(|v| self.nonempty_string(v, &place.field("name")));
        let category = self
            .required(map, "category", place)
            .and_then(|v| self.category(v, &place.field("category")));
        let provider = self.optional_string(map, "provider", place);
        let description = self.optional_text(map, "description", place);
        let privacy_policy = self.https_url(map, "privacyPolicy", place);
        let domains = map
            .get("domains")
            .and_then(|v| self.array(v, &place.field("domains")))
            .map(|items| self.domains(items, site, &place.field("domains")))
            .unwrap_or_default();
        let storage = map
            .get("storage")
            .and_then(|v| self.array(v, &place.field("storage")))
            .map(|items| {
                items
                    .iter()
                    .enumerate()
                    .filter_map(|(i, v)| {
                        self.storage_entry(v, site, &place.field("storage").index(i))
                    })
                    .collect()
            })
            .unwrap_or_default();
        Some(Service {
            id: id?,
            name: name?,
            provider,
            description,
            privacy_policy,
            category: category?,
            domains,
            storage,
        })
    }

    fn domains(&mut self, items: &[Value], site: Option<&Site>, place: &Place) -> Vec<Host> {
        let mut seen = HashSet::new();
        let mut domains = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let inner = place.index(i);
            let Some(host) = self.host(item, &inner) else {
                continue;
            };
            if let Some(site) = site.filter(|s| s.covers(host.as_str())) {
                self.warning(
                    &inner,
                    format!("{host} belongs to the site {site} itself; a site's own domain is never blocked (ignored)"),
                );
                continue;
            }
            if seen.insert(host.clone()) {
                domains.push(host);
            }
        }
        domains
    }

    fn storage_entry(
        &mut self,
        value: &Value,
        site: Option<&Site>,
        place: &Place,
    ) -> Option<StorageEntry> {
        let map = self.object(value, place)?;
        self.unknown_fields(
            map,
            &[
                "name",
                "type",
                "domain",
                "maxAgeSeconds",
                "refresh",
                "purpose",
            ],
            place,
        );
        let name = self.required(map, "name", place).and_then(|v| {
            let place = place.field("name");
            let text = self.string(v, &place)?;
            NamePattern::parse(&text)
                .map_err(|e| self.error(&place, e.to_string()))
                .ok()
        });
        let kind = match map.get("type") {
            None => Some(StorageType::Cookie),
            Some(v) => {
                let place = place.field("type");
                let text = self.string(v, &place)?;
                let kind = [
                    StorageType::Cookie,
                    StorageType::LocalStorage,
                    StorageType::SessionStorage,
                    StorageType::IndexedDb,
                ]
                .into_iter()
                .find(|k| k.id() == text);
                if kind.is_none() {
                    self.error(
                        &place,
                        format!(
                            "expected one of cookie, localStorage, sessionStorage, indexedDB, found {:?}",
                            truncate(&text, 40)
                        ),
                    );
                }
                kind
            }
        };
        let domain = map
            .get("domain")
            .and_then(|v| self.host(v, &place.field("domain")));
        // A policy decides only its own site's cookies: another site's domain here can only
        // describe that site's cookies kept under this one (partitioned, third-party).
        if let (Some(domain), Some(site)) = (&domain, site) {
            if !site.covers(domain.as_str()) {
                self.warning(
                    &place.field("domain"),
                    format!(
                        "{domain} is not part of {site}: the entry describes only {domain} cookies kept for {site} (partitioned), never {domain}'s own cookies"
                    ),
                );
            }
        }
        let max_age_seconds = match map.get("maxAgeSeconds") {
            Some(v) => {
                let age = self.max_age(v, &place.field("maxAgeSeconds"));
                age.map(Some)
            }
            None if kind == Some(StorageType::Cookie) => {
                self.error(
                    &place.field("maxAgeSeconds"),
                    "missing required field (required for cookies; 0 means a session cookie)",
                );
                None
            }
            None => Some(None),
        };
        let refresh = map
            .get("refresh")
            .and_then(|v| self.bool(v, &place.field("refresh")))
            .unwrap_or(false);
        let purpose = self.optional_text(map, "purpose", place);
        Some(StorageEntry {
            name: name?,
            kind: kind?,
            domain,
            max_age_seconds: max_age_seconds?,
            refresh,
            purpose,
        })
    }
}

fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let primary_ok = parts
        .next()
        .is_some_and(|p| (2..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphabetic()));
    primary_ok
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression (issue 10, security 10): an e-mail address goes into a `mailto:` link, where
    /// `%0D%0A`, `?` or `,` would add header lines or recipients; bidi controls in any text
    /// would reorder what is shown around them.
    #[test]
    fn addresses_are_plain_and_texts_cannot_reorder_what_is_around_them() {
        for ok in [
            "privacy@kaltiot.com",
            "first.last+cookies@mail.example.co.uk",
        ] {
            assert!(is_plain_email(ok), "{ok}");
        }
        for bad in [
            "privacy@kaltiot.com%0D%0ABcc:evil@x.com",
            "privacy%40kaltiot.com",
            "a@b.com?bcc=evil@x.com",
            "a@b.com,evil@x.com",
            "a b@c.com",
            "@kaltiot.com",
            "privacy@localhost",
            "privacy@192.168.1.1",
            "privacy@kaltiot",
            "privacy@kaltiot.com\r\nBcc: x@y.com",
        ] {
            assert!(!is_plain_email(bad), "{bad}");
        }
        let (clean, replaced) =
            scrub_controls("Purpose \u{202E}gnp.exe\u{202C} and \u{2067}x\u{2069}");
        assert!(replaced);
        assert_eq!(
            clean,
            "Purpose \u{FFFD}gnp.exe\u{FFFD} and \u{FFFD}x\u{FFFD}"
        );
        assert_eq!(
            scrub_controls("Tab\tand\nnewline"),
            ("Tab\tand\nnewline".to_owned(), false)
        );
    }
}
