//! The known-cookie table: what is commonly known about cookie names (`_ga` is Google Analytics,
//! statistics, two years), from the Open Cookie Database (Apache-2.0), shipped inside the engine
//! as `data/known-cookies.csv`.
//!
//! This module owns reading that table and looking names up in it. It must not decide anything
//! about a cookie (that is `decide`'s job) and knows nothing about policies beyond
//! [`CategoryId`]; lifetimes are read by [`crate::duration`].

use crate::bundled::Dataset;
use crate::domain::{domain_covers, Site};
use crate::duration::{parse_retention, Retention};
use crate::policy::CategoryId;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;
use thiserror::Error;

/// The table as shipped.
/// The bundled known-cookie table (`data/known-cookies.csv`), as text.
#[cfg(feature = "embed-known-cookies")]
pub const BUNDLED_CSV: &str = include_str!("../data/known-cookies.csv");

/// The columns the table must have, in any order.
const COLUMNS: [&str; 8] = [
    "platform",
    "category",
    "name",
    "prefix_match",
    "domain",
    "retention",
    "controller",
    "privacy_url",
];

/// What is commonly known about one cookie name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KnownCookie {
    /// The product that sets it, such as `Google Analytics`.
    pub platform: String,
    /// The table's category as one of ours: Analytics is statistics, Personalization is
    /// functional, Security is necessary.
    pub category: CategoryId,
    /// The table's own word for the category, such as `Analytics`.
    pub source_category: String,
    /// The cookie's name, or the start of it when `prefix` is true.
    pub name: String,
    /// Whether every name starting with `name` is meant (`_ga_` for `_ga_ABC123`).
    pub prefix: bool,
    /// The domain the cookie is set for, when the table says: lowercase, without a leading dot
    /// or the table's `(3rd party)` remark; of alternatives, the first.
    pub domain: Option<String>,
    /// The lifetime, as read from `retention_text`.
    pub retention: Retention,
    /// The lifetime as the table writes it, such as `2 years after last activity`.
    pub retention_text: String,
    /// Who controls the data, such as `Google`.
    pub controller: String,
    /// The controller's privacy policy, when the table gives one.
    pub privacy_url: Option<String>,
}

/// Why text is not a known-cookie table.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum KnownError {
    /// The CSV itself cannot be read (such as text that is not UTF-8).
    #[error("known-cookies.csv line {line}: {message}")]
    Csv {
        /// The line where reading failed (1-based).
        line: u64,
        /// What the CSV reader said.
        message: String,
    },
    /// The header lacks a column.
    #[error("known-cookies.csv line 1: expected a column {0:?} in the header")]
    MissingColumn(&'static str),
    /// A row has a different number of columns than the header.
    #[error("known-cookies.csv line {line}: expected {expected} columns, found {found}")]
    Columns {
        /// The row's line (1-based).
        line: u64,
        /// Columns in the header.
        expected: usize,
        /// Columns in the row.
        found: usize,
    },
    /// A category this engine cannot map to one of its four.
    #[error("known-cookies.csv line {line}: unknown category {category:?}")]
    Category {
        /// The row's line (1-based).
        line: u64,
        /// The category as written.
        category: String,
    },
    /// `prefix_match` is neither `0` nor `1`.
    #[error("known-cookies.csv line {line}: expected prefix_match 0 or 1, found {value:?}")]
    PrefixMatch {
        /// The row's line (1-based).
        line: u64,
        /// The value as written.
        value: String,
    },
    /// A row without a cookie name.
    #[error("known-cookies.csv line {line}: expected a cookie name, found none")]
    EmptyName {
        /// The row's line (1-based).
        line: u64,
    },
}

/// What the table says of one cookie ([`KnownCookies::evidence`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evidence<'a> {
    /// The entry says what the cookie is.
    Specific(&'a KnownCookie),
    /// An entry matches the name, but says nothing about this cookie.
    NotEvidence {
        /// The entry.
        entry: &'a KnownCookie,
        /// Why it is no evidence.
        why: NoEvidence,
    },
    /// No entry matches.
    Unknown,
}

/// Why a matching entry is no evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum NoEvidence {
    /// The name is too short to tell one platform's from anyone's.
    ShortName,
    /// Only a prefix of under four characters matches.
    ShortPrefix,
    /// A word any site may use for its own cookie (a session, a language, a token).
    GenericName,
    /// The platform's own cookie on its own site: its login cookies look like its advertising
    /// ones, and a guess must not sign the visitor out.
    PlatformsOwnSite,
}

impl fmt::Display for NoEvidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NoEvidence::ShortName => "the name is too short to say whose it is",
            NoEvidence::ShortPrefix => "only a short prefix matches",
            NoEvidence::GenericName => "a name any site may use for its own session or settings",
            NoEvidence::PlatformsOwnSite => {
                "the platform's own cookie on its own site (it may be a login cookie)"
            }
        })
    }
}

/// Names any site may give its own session, login, security, language or basket cookie; a
/// guess never takes them for a tracker's, whatever the table lists them for (compared without
/// case, and without `__Host-` / `__Secure-`).
pub const GENERIC_NAMES: &[&str] = &[
    "session",
    "sessionid",
    "session_id",
    "sessid",
    "sess",
    "sid",
    "ssid",
    "token",
    "auth",
    "auth_token",
    "authtoken",
    "access_token",
    "refresh_token",
    "id_token",
    "jwt",
    "user",
    "userid",
    "user_id",
    "username",
    "uid",
    "uuid",
    "id",
    "lang",
    "language",
    "locale",
    "country",
    "region",
    "currency",
    "cart",
    "basket",
    "checkout",
    "csrf",
    "csrftoken",
    "csrf_token",
    "_csrf",
    "xsrf",
    "xsrf-token",
    "_xsrf",
    "remember",
    "remember_me",
    "remember_token",
    "login",
    "logged_in",
    "loggedin",
    "consent",
    "cookieconsent",
    "test",
    "timezone",
    "tz",
    "theme",
    "device",
    "device_id",
    "deviceid",
    "state",
    "nonce",
    "visitor",
];

/// Words that make any name a site's own session, login or consent cookie when they stand as
/// a word of it (`svSession`, `intercom-session-…`, `_tracking_consent`, `_gh_sess`), however
/// the rest reads.
pub const GENERIC_WORDS: &[&str] = &[
    "session",
    "sess",
    "sessid",
    "sessionid",
    "consent",
    "csrf",
    "xsrf",
    "auth",
    "login",
    "token",
    "remember",
];

/// Sites one platform signs its visitors in on besides the one the table names.
const PLATFORM_ALIASES: &[(&str, &str)] = &[
    ("twitter.com", "x.com"),
    ("google.com", "youtube.com"),
    ("facebook.com", "messenger.com"),
    ("live.com", "microsoft.com"),
    ("live.com", "microsoftonline.com"),
];

/// Whether `site` is the platform's own (`platform`, from the table), or the platform under
/// another country's suffix (`google.fi` for `google.com`), or one of its [`PLATFORM_ALIASES`].
fn same_platform(platform: &Site, site: &Site) -> bool {
    let label = |s: &Site| s.as_str().split('.').next().unwrap_or("").to_owned();
    platform == site
        || label(platform) == label(site)
        || PLATFORM_ALIASES.iter().any(|(a, b)| {
            (platform.as_str() == *a && site.as_str() == *b)
                || (platform.as_str() == *b && site.as_str() == *a)
        })
}

/// Whether `name` is one of the [`GENERIC_NAMES`], or has one of the [`GENERIC_WORDS`] as a
/// word (words are split at `_`, `-`, `.` and where a lowercase letter meets a capital).
pub fn is_generic_name(name: &str) -> bool {
    if GENERIC_NAMES.iter().any(|g| g.eq_ignore_ascii_case(name)) {
        return true;
    }
    let mut words = Vec::new();
    let mut word = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        let boundary = !c.is_ascii_alphanumeric() || (c.is_ascii_uppercase() && previous_lower);
        if boundary && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        if c.is_ascii_alphanumeric() {
            word.push(c.to_ascii_lowercase());
        }
        previous_lower = c.is_ascii_lowercase();
    }
    if !word.is_empty() {
        words.push(word);
    }
    words.iter().any(|w| GENERIC_WORDS.contains(&w.as_str()))
}

/// The known-cookie table, indexed for lookup by exact name and by prefix.
///
/// The bundled table is read on its first use, not when the extension starts: a freshly started
/// worker deciding a cookie its site declares never needs it, and reading 2,264 rows costs tens
/// of milliseconds before the browser has optimised the module.
#[derive(Debug, Clone, Default)]
pub struct KnownCookies {
    /// Where the text to read on first use comes from (the bundled table); `None` when `table`
    /// is already set.
    lazy: Option<Dataset>,
    /// The rows and their indexes.
    table: OnceLock<Table>,
}

#[derive(Debug, Clone, Default)]
struct Table {
    /// The rows, in file order.
    entries: Vec<KnownCookie>,
    /// Exact name → indices of its rows, in file order.
    exact: HashMap<String, Vec<usize>>,
    /// Prefix rows, as a byte trie.
    prefixes: PrefixTrie,
}

impl KnownCookies {
    /// The table shipped with the extension, read on first use. If the bundled file were ever
    /// broken this is an empty table (the tests make sure it is not).
    pub fn bundled() -> &'static KnownCookies {
        static BUNDLED: KnownCookies = KnownCookies {
            lazy: Some(Dataset::KnownCookies),
            table: OnceLock::new(),
        };
        &BUNDLED
    }

    /// Reads a table in the shape of `data/known-cookies.csv` (see [`KnownCookies::bundled`]
    /// for the bundled one); errors name the line.
    pub fn from_csv(text: &str) -> Result<KnownCookies, KnownError> {
        Ok(KnownCookies {
            lazy: None,
            table: OnceLock::from(Table::from_csv(text)?),
        })
    }

    fn table(&self) -> &Table {
        static EMPTY: OnceLock<Table> = OnceLock::new();
        match self.lazy.map(|d| d.text()) {
            // Not compiled into this build.
            Some(None) => EMPTY.get_or_init(Table::default),
            Some(Some(text)) => self
                .table
                .get_or_init(|| Table::from_csv(text).unwrap_or_default()),
            None => self.table.get_or_init(Table::default),
        }
    }

    /// How many rows the table has.
    pub fn len(&self) -> usize {
        self.table().entries.len()
    }

    /// Whether the table has no rows.
    pub fn is_empty(&self) -> bool {
        self.table().entries.is_empty()
    }

    /// The best entry for a cookie `name` (case-sensitive, as cookie names are) whose domain is
    /// `cookie_domain` (a leading dot is allowed; it may be empty).
    ///
    /// Exact names beat prefixes, and the longest matching prefix beats shorter ones. Among rows
    /// for the same name, one whose domain covers the cookie's domain beats one without a
    /// domain, which beats one for another domain; ties go to the first row in the table.
    pub fn lookup(&self, name: &str, cookie_domain: &str) -> Option<&KnownCookie> {
        self.table().lookup(name, cookie_domain)
    }

    /// What a cookie `name` on `cookie_domain`, decided for `site`, is taken to be when no
    /// declaration says: the table's entry only when it is evidence ([`KnownCookies::evidence`]).
    /// Every decision that rests on the table goes through here.
    pub fn guess(&self, name: &str, cookie_domain: &str, site: &Site) -> Option<&KnownCookie> {
        match self.evidence(name, cookie_domain, site) {
            Evidence::Specific(entry) => Some(entry),
            Evidence::NotEvidence { .. } | Evidence::Unknown => None,
        }
    }

    /// Whether the table says what a cookie is, or only that a name like it exists. A name is
    /// no evidence when it is short (two letters, or three without a leading `_`), a word any
    /// site might use for its own session or settings ([`GENERIC_NAMES`]), matched only by a
    /// short prefix (under four characters), or the platform's own cookie on its own site
    /// (where its login cookies look like its advertising ones). So `_ga`, `_fbp`, `_gcl_au`
    /// and `hubspotutk` are evidence; a Django site's `sessionid` (listed for Instagram), a
    /// Rails `_session_id` (matched by a two-letter prefix) and Google's own `SID` on
    /// google.com are not. `cookie_domain` picks among entries for the same name.
    pub fn evidence(&self, name: &str, cookie_domain: &str, site: &Site) -> Evidence<'_> {
        let Some(entry) = self.lookup(name, cookie_domain) else {
            return Evidence::Unknown;
        };
        let no = |why| Evidence::NotEvidence { entry, why };
        let bare = name
            .strip_prefix("__Host-")
            .or_else(|| name.strip_prefix("__Secure-"))
            .unwrap_or(name);
        if entry.prefix {
            if entry.name.chars().count() < 4 {
                return no(NoEvidence::ShortPrefix);
            }
        } else {
            let length = entry.name.chars().count();
            if length <= 2 || (length == 3 && !entry.name.starts_with('_')) {
                return no(NoEvidence::ShortName);
            }
        }
        if is_generic_name(bare) {
            return no(NoEvidence::GenericName);
        }
        // The table's domain column is often where the platform's script runs, not where the
        // cookie lives (`_fbp` is "facebook.com" but lives on every site with the pixel), so it
        // only tells the platform's own site apart.
        if let Some(domain) = &entry.domain {
            if Site::of_host(domain).is_some_and(|platform| same_platform(&platform, site)) {
                return no(NoEvidence::PlatformsOwnSite);
            }
        }
        Evidence::Specific(entry)
    }

    /// Every entry, in table order.
    pub fn iter(&self) -> impl Iterator<Item = &KnownCookie> {
        self.table().entries.iter()
    }
}

impl Table {
    /// Reads a table in the shape of `data/known-cookies.csv`: a header naming the columns
    /// `platform, category, name, prefix_match, domain, retention, controller, privacy_url` (in
    /// any order, others ignored), then one row per cookie.
    fn from_csv(text: &str) -> Result<Table, KnownError> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .from_reader(text.as_bytes());
        let header = reader.headers().map_err(|e| csv_error(&e, 1))?.clone();
        let mut index = [0usize; COLUMNS.len()];
        for (slot, column) in index.iter_mut().zip(COLUMNS) {
            *slot = header
                .iter()
                .position(|h| h.trim().trim_start_matches('\u{feff}') == column)
                .ok_or(KnownError::MissingColumn(column))?;
        }
        let [platform, category, name, prefix_match, domain, retention, controller, privacy_url] =
            index;

        let mut table = Table::default();
        for record in reader.records() {
            let record = record.map_err(|e| csv_error(&e, 0))?;
            let line = record.position().map_or(0, |p| p.line());
            if record.len() != header.len() {
                return Err(KnownError::Columns {
                    line,
                    expected: header.len(),
                    found: record.len(),
                });
            }
            let field = |i: usize| record.get(i).unwrap_or("").trim();
            let source_category = field(category);
            let Some(mapped) = map_category(source_category) else {
                return Err(KnownError::Category {
                    line,
                    category: source_category.to_owned(),
                });
            };
            let prefix = match field(prefix_match) {
                "0" | "" => false,
                "1" => true,
                other => {
                    return Err(KnownError::PrefixMatch {
                        line,
                        value: other.to_owned(),
                    })
                }
            };
            let cookie_name = field(name);
            if cookie_name.is_empty() {
                return Err(KnownError::EmptyName { line });
            }
            let retention_text = record.get(retention).unwrap_or("");
            let url = field(privacy_url);
            table.push(KnownCookie {
                platform: field(platform).to_owned(),
                category: mapped,
                source_category: source_category.to_owned(),
                name: cookie_name.to_owned(),
                prefix,
                domain: clean_domain(field(domain)),
                retention: parse_retention(retention_text),
                retention_text: retention_text.to_owned(),
                controller: field(controller).to_owned(),
                privacy_url: (!url.is_empty()).then(|| url.to_owned()),
            });
        }
        Ok(table)
    }

    fn push(&mut self, entry: KnownCookie) {
        let id = self.entries.len();
        if entry.prefix {
            self.prefixes.insert(&entry.name, id);
        } else {
            self.exact.entry(entry.name.clone()).or_default().push(id);
        }
        self.entries.push(entry);
    }

    fn lookup(&self, name: &str, cookie_domain: &str) -> Option<&KnownCookie> {
        let ids = match self.exact.get(name) {
            Some(ids) => ids.as_slice(),
            None => self.prefixes.longest(name)?,
        };
        let id = match ids {
            [] => return None,
            [only] => *only,
            _ => self.best_for_domain(ids, cookie_domain)?,
        };
        self.entries.get(id)
    }

    /// Of several rows for one name, the one whose domain fits `cookie_domain` best.
    fn best_for_domain(&self, ids: &[usize], cookie_domain: &str) -> Option<usize> {
        let trimmed = cookie_domain.trim().trim_start_matches('.');
        let domain: Cow<'_, str> = if trimmed.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(trimmed.to_ascii_lowercase())
        } else {
            Cow::Borrowed(trimmed)
        };
        ids.iter().copied().min_by_key(|&id| {
            match self.entries.get(id).and_then(|e| e.domain.as_deref()) {
                Some(outer) if !domain.is_empty() && domain_covers(outer, &domain) => 0,
                None => 1,
                Some(_) => 2,
            }
        })
    }
}

/// Prefixes in a byte trie, so finding the longest prefix of a name costs one step per byte of
/// the name, however many prefixes there are.
#[derive(Debug, Clone)]
struct PrefixTrie {
    nodes: Vec<TrieNode>,
}

#[derive(Debug, Clone, Default)]
struct TrieNode {
    /// Next byte → node index, sorted by byte.
    children: Vec<(u8, usize)>,
    /// Rows whose prefix ends here, in file order.
    ids: Vec<usize>,
}

impl Default for PrefixTrie {
    fn default() -> Self {
        PrefixTrie {
            nodes: vec![TrieNode::default()],
        }
    }
}

impl PrefixTrie {
    fn insert(&mut self, prefix: &str, id: usize) {
        let mut node = 0;
        for byte in prefix.bytes() {
            let next_free = self.nodes.len();
            let Some(current) = self.nodes.get_mut(node) else {
                return;
            };
            node = match current.children.binary_search_by_key(&byte, |&(b, _)| b) {
                Ok(at) => current.children[at].1,
                Err(at) => {
                    current.children.insert(at, (byte, next_free));
                    self.nodes.push(TrieNode::default());
                    next_free
                }
            };
        }
        if let Some(end) = self.nodes.get_mut(node) {
            end.ids.push(id);
        }
    }

    /// The rows of the longest prefix of `name`, if any prefix matches.
    fn longest(&self, name: &str) -> Option<&[usize]> {
        let mut node = self.nodes.first()?;
        let mut found = (!node.ids.is_empty()).then_some(node.ids.as_slice());
        for byte in name.bytes() {
            let Ok(at) = node.children.binary_search_by_key(&byte, |&(b, _)| b) else {
                break;
            };
            node = self.nodes.get(node.children[at].1)?;
            if !node.ids.is_empty() {
                found = Some(node.ids.as_slice());
            }
        }
        found
    }
}

/// The table's category word as one of the engine's four.
fn map_category(word: &str) -> Option<CategoryId> {
    match word.to_ascii_lowercase().as_str() {
        "analytics" | "statistics" => Some(CategoryId::Statistics),
        "marketing" | "advertising" => Some(CategoryId::Marketing),
        "functional" | "personalization" | "preferences" => Some(CategoryId::Functional),
        "security" | "necessary" => Some(CategoryId::Necessary),
        _ => None,
    }
}

/// The domain in the table's `domain` column: `microsoft.com (3rd party)` is `microsoft.com`;
/// `.linkedin.com` is `linkedin.com`; of `a (3rd party) or b (3rd party)` the first; a template
/// label such as `ads-[account].adhese.com` is dropped, leaving `adhese.com`; blank is `None`.
fn clean_domain(text: &str) -> Option<String> {
    let lower = text.to_lowercase().replace("(3rd party)", " ");
    let token = lower.split_whitespace().find(|t| *t != "or")?;
    let ascii: String = token.chars().filter(char::is_ascii_graphic).collect();
    let mut domain = ascii.trim_matches('.');
    while let Some((label, rest)) = domain.split_once('.') {
        if !label.contains(['[', ']']) {
            break;
        }
        domain = rest;
    }
    (!domain.is_empty() && !domain.contains(['[', ']'])).then(|| domain.to_owned())
}

fn csv_error(error: &csv::Error, fallback_line: u64) -> KnownError {
    KnownError::Csv {
        line: error.position().map_or(fallback_line, |p| p.line()),
        message: error.to_string(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::duration::{DAY, HOUR, YEAR};

    const HEADER: &str =
        "platform,category,name,prefix_match,domain,retention,controller,privacy_url\n";

    fn table(rows: &str) -> KnownCookies {
        KnownCookies::from_csv(&format!("{HEADER}{rows}")).unwrap()
    }

    #[test]
    fn the_bundled_table_parses_whole() {
        let bundled = KnownCookies::bundled();
        assert_eq!(bundled.len(), 2_264);
        assert!(!bundled.is_empty());
        // The fallback is an empty table, so a mapping failure would show as a parse error here.
        assert!(KnownCookies::from_csv(BUNDLED_CSV).is_ok());
        assert!(bundled.iter().all(|k| !k.name.is_empty()));
        assert!(bundled
            .iter()
            .filter_map(|k| k.domain.as_deref())
            .all(|d| d.bytes().all(|b| b.is_ascii_lowercase()
                || b.is_ascii_digit()
                || b == b'.'
                || b == b'-'
                || b == b'_')
                && !d.starts_with('.')
                && !d.ends_with('.')));
        let unknown = bundled
            .iter()
            .filter(|k| k.retention == Retention::Unknown)
            .count();
        assert!(unknown < 60, "{unknown} rows with an unknown retention");
        assert!(bundled.iter().all(|k| k.retention != Retention::Seconds(0)));
    }

    #[test]
    fn bundled_names_are_found() {
        type Want = Option<(&'static str, &'static str, CategoryId, Retention)>;
        let cases: &[(&str, &str, Want)] = &[
            (
                "_ga",
                "",
                Some((
                    "_ga",
                    "Google Analytics",
                    CategoryId::Statistics,
                    Retention::Seconds(2 * YEAR),
                )),
            ),
            (
                "_ga",
                ".example.com",
                Some((
                    "_ga",
                    "Google Analytics",
                    CategoryId::Statistics,
                    Retention::Seconds(2 * YEAR),
                )),
            ),
            (
                "_ga_ABC123",
                "",
                Some((
                    "_ga_",
                    "Google Analytics",
                    CategoryId::Statistics,
                    Retention::Seconds(2 * YEAR),
                )),
            ),
            (
                "_gid",
                "",
                Some((
                    "_gid",
                    "Google Analytics",
                    CategoryId::Statistics,
                    Retention::Seconds(DAY),
                )),
            ),
            (
                "_gat_gtag_UA_1",
                "",
                Some((
                    "_gat_gtag_",
                    "Google Analytics",
                    CategoryId::Statistics,
                    Retention::Seconds(HOUR),
                )),
            ),
            (
                "_gat_UA-1",
                "",
                Some((
                    "_gat",
                    "Google Analytics",
                    CategoryId::Statistics,
                    Retention::Seconds(60),
                )),
            ),
            (
                "_gat_pro",
                "",
                Some((
                    "_gat_pro",
                    "Snapwidget",
                    CategoryId::Functional,
                    Retention::Seconds(DAY),
                )),
            ),
            (
                "_lfa",
                "",
                Some((
                    "_lfa",
                    "Leadfeeder",
                    CategoryId::Marketing,
                    Retention::Seconds(2 * YEAR),
                )),
            ),
            (
                "DSID",
                ".doubleclick.net",
                Some((
                    "DSID",
                    "DoubleClick/Google Marketing",
                    CategoryId::Marketing,
                    Retention::Seconds(14 * DAY),
                )),
            ),
            (
                "DSID",
                "example.com",
                Some((
                    "DSID",
                    "Google",
                    CategoryId::Marketing,
                    Retention::Seconds(14 * DAY),
                )),
            ),
            (
                "token",
                ".adnxs.com",
                Some((
                    "token",
                    "Xandr",
                    CategoryId::Functional,
                    Retention::Seconds(DAY),
                )),
            ),
            (
                "token",
                "ADFORM.NET",
                Some(("token", "Adform", CategoryId::Marketing, Retention::Session)),
            ),
            ("definitely-not-a-known-cookie", "", None),
            ("", "", None),
            ("_G", "", None),
        ];
        let known = KnownCookies::bundled();
        for (name, domain, want) in cases {
            let got = known.lookup(name, domain).map(|k| {
                (
                    k.name.as_str(),
                    k.platform.as_str(),
                    k.category,
                    k.retention,
                )
            });
            assert_eq!(got, *want, "{name} on {domain:?}");
        }
    }

    #[test]
    fn lookup_prefers_exact_then_longest_prefix_then_covering_domain() {
        let known = table(
            "A,Analytics,ab,1,,1 day,A,\n\
             B,Marketing,abc,1,,1 day,B,\n\
             C,Functional,abcd,0,,1 day,C,\n\
             D,Security,dup,0,other.com,1 day,D,\n\
             E,Necessary,dup,0,,1 day,E,\n\
             F,Personalization,dup,0,.Site.COM (3rd party),1 day,F,\n\
             G,Marketing,solo,0,other.com,1 day,G,\n\
             H,Marketing,pre,1,x.com,1 day,H,\n\
             I,Marketing,pre,1,y.com,1 day,I,\n",
        );
        let cases: &[(&str, &str, Option<&str>)] = &[
            ("abcd", "", Some("C")),
            ("abcde", "", Some("B")),
            ("abc", "", Some("B")),
            ("abx", "", Some("A")),
            ("ab", "", Some("A")),
            ("a", "", None),
            ("xab", "", None),
            ("dup", "site.com", Some("F")),
            ("dup", ".www.site.com", Some("F")),
            ("dup", "WWW.SITE.COM", Some("F")),
            ("dup", "elsewhere.com", Some("E")),
            ("dup", "", Some("E")),
            ("dup", "notsite.com", Some("E")),
            ("solo", "elsewhere.com", Some("G")),
            ("pre-1", "a.y.com", Some("I")),
            ("pre-1", "z.com", Some("H")),
        ];
        for (name, domain, want) in cases {
            let got = known.lookup(name, domain).map(|k| k.platform.as_str());
            assert_eq!(got, *want, "{name} on {domain:?}");
        }
    }

    #[test]
    fn rows_are_read_into_entries() {
        let known = table(
            "Bing,Marketing,MUID,0,.bing.com (3rd party) or .microsoft.com (3rd party),1 year,Microsoft, https://privacy.microsoft.com \n",
        );
        let entry = known.lookup("MUID", "").cloned();
        assert_eq!(
            entry,
            Some(KnownCookie {
                platform: "Bing".into(),
                category: CategoryId::Marketing,
                source_category: "Marketing".into(),
                name: "MUID".into(),
                prefix: false,
                domain: Some("bing.com".into()),
                retention: Retention::Seconds(YEAR),
                retention_text: "1 year".into(),
                controller: "Microsoft".into(),
                privacy_url: Some("https://privacy.microsoft.com".into()),
            })
        );
        let json = serde_json::to_value(entry).unwrap();
        assert_eq!(json["sourceCategory"], "Marketing");
        assert_eq!(json["retention"]["kind"], "seconds");
        assert_eq!(json["privacyUrl"], "https://privacy.microsoft.com");
    }

    #[test]
    fn domains_are_cleaned() {
        let cases: &[(&str, Option<&str>)] = &[
            ("", None),
            ("   ", None),
            ("microsoft.com (3rd party)", Some("microsoft.com")),
            (".linkedin.com", Some("linkedin.com")),
            ("Inspectlet.com (3rd party)", Some("inspectlet.com")),
            (
                ".bing.com (3rd party) or .microsoft.com (3rd party)",
                Some("bing.com"),
            ),
            (
                "google-analytics.com (3rd party) or",
                Some("google-analytics.com"),
            ),
            ("or 207.net (3rd party)", Some("207.net")),
            (".amplitude.com.", Some("amplitude.com")),
            (".commander1.com\u{200b}", Some("commander1.com")),
            ("ads-[account].adhese.com", Some("adhese.com")),
            ("[account]", None),
            ("www.googletagmanager.com", Some("www.googletagmanager.com")),
        ];
        for (text, want) in cases {
            assert_eq!(clean_domain(text).as_deref(), *want, "{text:?}");
        }
    }

    #[test]
    fn broken_tables_name_the_line() {
        let cases: &[(&str, &str)] = &[
            (
                "A,Analytics,a,0,,1 day,A,\nB,Analytics,b,0,,1 day,B\n",
                "known-cookies.csv line 3: expected 8 columns, found 7",
            ),
            (
                "A,Analytics,a,0,,1 day,A,\nB,Analytics,b,0,,1 day,B,,extra\n",
                "known-cookies.csv line 3: expected 8 columns, found 9",
            ),
            (
                "A,Analytics,a,0,,1 day,A,\nB,Cosmic,b,0,,1 day,B,\n",
                "known-cookies.csv line 3: unknown category \"Cosmic\"",
            ),
            (
                "A,Analytics,a,yes,,1 day,A,\n",
                "known-cookies.csv line 2: expected prefix_match 0 or 1, found \"yes\"",
            ),
            (
                "A,Analytics,,1,,1 day,A,\n",
                "known-cookies.csv line 2: expected a cookie name, found none",
            ),
            ("A,\"Analytics,a,0,,1 day,A,\n", "known-cookies.csv line 2:"),
        ];
        for (rows, want) in cases {
            let got = KnownCookies::from_csv(&format!("{HEADER}{rows}"))
                .err()
                .map(|e| e.to_string());
            assert!(
                got.as_deref().is_some_and(|g| g.starts_with(want)),
                "{rows:?}: got {got:?}, want {want:?}"
            );
        }
        let missing = KnownCookies::from_csv("platform,category,name\nA,Analytics,a\n").err();
        assert_eq!(
            missing.map(|e| e.to_string()).as_deref(),
            Some("known-cookies.csv line 1: expected a column \"prefix_match\" in the header")
        );
    }

    #[test]
    fn an_empty_table_is_empty() {
        let known = KnownCookies::from_csv(HEADER).unwrap();
        assert!(known.is_empty());
        assert_eq!(known.len(), 0);
        assert_eq!(known.lookup("_ga", ""), None);
    }
}
