//! The policy model, version 1: the Rust types a parsed policy becomes.
//!
//! Serialising a [`Policy`] gives the document format (camelCase field names), and the JSON
//! Schema in `schema/cookie-policy.schema.json` is generated from these types. Values here have
//! already been checked by the parser; nothing in this module validates or reads the network.

use crate::date::Date;
use crate::domain::{Host, Site};
use crate::pattern::NamePattern;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;

/// The only version of the format this engine reads.
pub const FORMAT_VERSION: u64 = 1;

/// One of the four cookie categories a visitor chooses between.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum CategoryId {
    /// Strictly necessary for the site to work.
    Necessary,
    /// Technical or functional: preferences, convenience.
    Functional,
    /// Statistics and analytics.
    Statistics,
    /// Marketing and tracking.
    Marketing,
}

impl CategoryId {
    /// All categories, in the order they are shown.
    pub const ALL: [CategoryId; 4] = [
        CategoryId::Necessary,
        CategoryId::Functional,
        CategoryId::Statistics,
        CategoryId::Marketing,
    ];

    /// The identifier used in documents (`statistics`).
    pub fn id(self) -> &'static str {
        match self {
            CategoryId::Necessary => "necessary",
            CategoryId::Functional => "functional",
            CategoryId::Statistics => "statistics",
            CategoryId::Marketing => "marketing",
        }
    }

    /// Parses a document identifier.
    pub fn from_id(id: &str) -> Option<CategoryId> {
        CategoryId::ALL.into_iter().find(|c| c.id() == id)
    }

    /// The English name shown when a policy gives no label (`Statistics`).
    pub fn default_label(self) -> &'static str {
        match self {
            CategoryId::Necessary => "Necessary",
            CategoryId::Functional => "Functional",
            CategoryId::Statistics => "Statistics",
            CategoryId::Marketing => "Marketing",
        }
    }

    /// Whether a site needs consent for this category when its policy does not say.
    pub fn default_consent(self) -> bool {
        matches!(self, CategoryId::Statistics | CategoryId::Marketing)
    }
}

impl fmt::Display for CategoryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.default_label())
    }
}

/// Human-readable text, in one language or several.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Text {
    /// One string, in whatever language the site writes.
    Plain(String),
    /// BCP 47 language tag → string, in document order.
    Localized(Vec<(String, String)>),
}

impl Text {
    /// The text for a visitor whose browser prefers `language` (such as `fi-FI`): that language,
    /// then its primary subtag (`fi`), then `en`, then the first one given.
    pub fn pick(&self, language: &str) -> &str {
        match self {
            Text::Plain(text) => text,
            Text::Localized(entries) => {
                let primary = language.split(['-', '_']).next().unwrap_or(language);
                let find = |tag: &str| {
                    entries
                        .iter()
                        .find(|(t, _)| t.eq_ignore_ascii_case(tag))
                        .map(|(_, text)| text.as_str())
                };
                find(language)
                    .or_else(|| {
                        entries
                            .iter()
                            .find(|(t, _)| {
                                t.split(['-', '_'])
                                    .next()
                                    .is_some_and(|p| p.eq_ignore_ascii_case(primary))
                            })
                            .map(|(_, text)| text.as_str())
                    })
                    .or_else(|| find("en"))
                    .or_else(|| entries.first().map(|(_, text)| text.as_str()))
                    .unwrap_or("")
            }
        }
    }
}

impl Serialize for Text {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match self {
            Text::Plain(text) => serializer.serialize_str(text),
            Text::Localized(entries) => {
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                for (tag, text) in entries {
                    map.serialize_entry(tag, text)?;
                }
                map.end()
            }
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl schemars::JsonSchema for Text {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Text".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "Text in one language (a string) or several (BCP 47 language tag → string). The visitor sees their browser's language, then `en`, then the first.",
            "oneOf": [
                { "type": "string", "maxLength": 4096 },
                { "type": "object", "minProperties": 1,
                  "additionalProperties": { "type": "string", "maxLength": 4096 } }
            ]
        })
    }
}

/// A visitor's right under data-protection law that the controller declares.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Right {
    /// To see the personal data held.
    Access,
    /// To have it corrected.
    Rectification,
    /// To have it erased.
    Erasure,
    /// To have its processing restricted.
    Restriction,
    /// To receive it in a portable form.
    Portability,
    /// To object to its processing.
    Objection,
    /// To withdraw consent given earlier.
    WithdrawConsent,
    /// To complain to a supervisory authority.
    Complaint,
}

impl Right {
    /// All rights, in document order.
    pub const ALL: [Right; 8] = [
        Right::Access,
        Right::Rectification,
        Right::Erasure,
        Right::Restriction,
        Right::Portability,
        Right::Objection,
        Right::WithdrawConsent,
        Right::Complaint,
    ];

    /// The identifier used in documents (`withdraw-consent`).
    pub fn id(self) -> &'static str {
        match self {
            Right::Access => "access",
            Right::Rectification => "rectification",
            Right::Erasure => "erasure",
            Right::Restriction => "restriction",
            Right::Portability => "portability",
            Right::Objection => "objection",
            Right::WithdrawConsent => "withdraw-consent",
            Right::Complaint => "complaint",
        }
    }

    /// Parses a document identifier.
    pub fn from_id(id: &str) -> Option<Right> {
        Right::ALL.into_iter().find(|r| r.id() == id)
    }
}

/// Who is responsible for the data, and how to reach them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Controller {
    /// The controller's legal name.
    pub name: String,
    /// Postal address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// E-mail address for privacy requests.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Telephone number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Contact page (https).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// What a policy says about one category.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct CategoryInfo {
    /// The site's own name for the category.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<Text>,
    /// What the category is for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    /// Whether the site asks consent for it; absent means the category's default.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consent: Option<bool>,
}

/// Where a storage entry lives in the browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum StorageType {
    /// An HTTP cookie (the default).
    #[default]
    Cookie,
    /// A `localStorage` key.
    LocalStorage,
    /// A `sessionStorage` key.
    SessionStorage,
    /// An IndexedDB database.
    #[serde(rename = "indexedDB")]
    IndexedDb,
}

impl StorageType {
    /// The identifier used in documents.
    pub fn id(self) -> &'static str {
        match self {
            StorageType::Cookie => "cookie",
            StorageType::LocalStorage => "localStorage",
            StorageType::SessionStorage => "sessionStorage",
            StorageType::IndexedDb => "indexedDB",
        }
    }
}

/// One cookie (or storage key) a service sets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct StorageEntry {
    /// The name; `*` matches any run of characters (`_ga_*`). A bare `*` is invalid.
    #[cfg_attr(
        not(target_arch = "wasm32"),
        schemars(with = "String", length(min = 1, max = 4096))
    )]
    pub name: NamePattern,
    /// Where it is stored; cookies by default.
    #[serde(default, rename = "type", skip_serializing_if = "is_cookie")]
    pub kind: StorageType,
    /// The domain the cookie lives on; the policy's site when absent. Covers subdomains.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(not(target_arch = "wasm32"), schemars(with = "Option<String>"))]
    pub domain: Option<Host>,
    /// Lifetime in seconds; `0` is a session cookie. Required for cookies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_age_seconds: Option<u64>,
    /// Whether the expiry is renewed on each visit.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub refresh: bool,
    /// What the cookie is for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purpose: Option<Text>,
}

fn is_cookie(kind: &StorageType) -> bool {
    *kind == StorageType::Cookie
}

/// A service (first- or third-party) that the site uses, and what it stores.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Service {
    /// Unique within the policy: `[a-z0-9-]{1,64}`.
    #[cfg_attr(
        not(target_arch = "wasm32"),
        schemars(regex(pattern = r"^[a-z0-9-]{1,64}$"))
    )]
    pub id: String,
    /// The name a visitor knows it by.
    pub name: String,
    /// The company behind it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// What the service does on this site.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    /// The provider's privacy policy (https).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub privacy_policy: Option<String>,
    /// The category the service belongs to.
    pub category: CategoryId,
    /// The domains the service's requests go to; each covers its subdomains.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(
        not(target_arch = "wasm32"),
        schemars(with = "Vec<String>", length(max = 200))
    )]
    pub domains: Vec<Host>,
    /// The cookies and storage keys the service sets.
    #[serde(default)]
    pub storage: Vec<StorageEntry>,
}

/// A site's machine-readable cookie policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
#[cfg_attr(
    not(target_arch = "wasm32"),
    schemars(title = "Cookie policy, version 1", extend("$id" = "https://cookie-warden.invalid/schema/cookie-policy-v1.json"))
)]
#[serde(rename_all = "camelCase")]
pub struct Policy {
    /// The format version: `1`.
    #[cfg_attr(not(target_arch = "wasm32"), schemars(range(min = 1, max = 1)))]
    pub version: u64,
    /// The registrable domain (eTLD+1) the policy governs.
    #[cfg_attr(not(target_arch = "wasm32"), schemars(with = "String"))]
    pub site: Site,
    /// When the policy was last changed (`YYYY-MM-DD`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        not(target_arch = "wasm32"),
        schemars(with = "Option<String>", regex(pattern = r"^\d{4}-\d{2}-\d{2}$"))
    )]
    pub updated: Option<Date>,
    /// The human-readable policy page (https).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy_url: Option<String>,
    /// Where the policy applies (`EEA`, `CH`, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub jurisdictions: Vec<String>,
    /// Who is responsible for the data.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub controller: Option<Controller>,
    /// The rights the visitor has.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rights: Vec<Right>,
    /// What the site says about each category.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub categories: BTreeMap<CategoryId, CategoryInfo>,
    /// The services the site uses.
    pub services: Vec<Service>,
}

impl Policy {
    /// Whether the site asks consent for `category` (the policy's word, else the default).
    pub fn consent_required(&self, category: CategoryId) -> bool {
        self.categories
            .get(&category)
            .and_then(|c| c.consent)
            .unwrap_or_else(|| category.default_consent())
    }

    /// The label of `category` in `language`, or its default English name.
    pub fn category_label(&self, category: CategoryId, language: &str) -> String {
        self.categories
            .get(&category)
            .and_then(|c| c.label.as_ref())
            .map_or_else(
                || category.default_label().to_owned(),
                |t| t.pick(language).to_owned(),
            )
    }

    /// The service with this id.
    pub fn service(&self, id: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_picks_language_then_primary_then_english_then_first() {
        let text = Text::Localized(vec![
            ("sv".into(), "svenska".into()),
            ("en".into(), "english".into()),
            ("fi".into(), "suomi".into()),
        ]);
        let cases = [
            ("fi", "suomi"),
            ("fi-FI", "suomi"),
            ("EN-gb", "english"),
            ("de", "english"),
            ("sv-SE", "svenska"),
        ];
        for (language, expected) in cases {
            assert_eq!(text.pick(language), expected, "{language}");
        }
        let no_english = Text::Localized(vec![
            ("sv".into(), "svenska".into()),
            ("fi".into(), "suomi".into()),
        ]);
        assert_eq!(no_english.pick("de"), "svenska");
        assert_eq!(Text::Plain("same".into()).pick("fi"), "same");
    }
}
