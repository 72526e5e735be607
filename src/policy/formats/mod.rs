//! The formats a cookie declaration comes in, behind one front door: [`read`] takes the bytes a
//! site published (its own policy, a TCF disclosure file, a consent platform's data file),
//! recognises the format ([`Format::detect`]) and converts it into the one policy model with
//! diagnostics that name places in the original file. Each foreign format is one module here:
//! [`tcf`], [`onetrust`], [`cookiebot`]; adding one is a module, a [`Format`] arm and a fixture
//! folder (`tests/fixtures/formats/<name>/`).
//!
//! A converted declaration is hostile input like any policy: [`Builder`] keeps every host it is
//! given to the rules of the site (a first-party entry on another site is ignored and reported;
//! the site's own domain is storage only, never a host to block; a consent platform's own hosts
//! are never blocked), and texts are plain text. Nothing here fetches or runs a script: scripts
//! are read as data ([`js`]).

pub mod cookiebot;
pub mod js;
pub mod onetrust;
pub mod tcf;

use super::model::*;
use super::parse::{self, limits, Document, Limit, PolicyError, Reader};
use crate::diag::Place;
use crate::domain::{Host, HostError, Site};
use crate::pattern::NamePattern;
use serde_json::{Map, Value};
use std::collections::HashMap;

/// The formats the engine reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// This project's own cookie policy format, version 1.
    CookiePolicy,
    /// An IAB TCF Vendor Device Storage Disclosure file.
    Tcf,
    /// OneTrust (CookiePro): a language file (`consent/<id>/<ruleSet>/<lang>.json`) or what
    /// `OneTrust.GetDomainData()` returns.
    OneTrust,
    /// Cookiebot: the `cc.js` script of a domain group.
    Cookiebot,
}

impl Format {
    /// Every format, for the command line's list.
    pub const ALL: [Format; 4] = [
        Format::CookiePolicy,
        Format::Tcf,
        Format::OneTrust,
        Format::Cookiebot,
    ];

    /// The name the command line takes (`onetrust`).
    pub fn name(self) -> &'static str {
        match self {
            Format::CookiePolicy => "cookie-policy",
            Format::Tcf => "tcf",
            Format::OneTrust => "onetrust",
            Format::Cookiebot => "cookiebot",
        }
    }

    /// The format with this name.
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(name))
    }

    /// Recognises a document's format from its text: a JSON object with `version` is a cookie
    /// policy, with `disclosures` a TCF file, with OneTrust's `DomainData` (or its `Groups`) a
    /// OneTrust declaration; a script that assigns Cookiebot's cookie tables (or answers as
    /// Cookiebot does) is Cookiebot's. `None` when it is none of these.
    pub fn detect(text: &str) -> Option<Format> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let trimmed = text.trim_start();
        if trimmed.starts_with('{') {
            let head: Option<Map<String, Value>> = serde_json::from_str(trimmed).ok();
            if let Some(root) = head {
                if root.contains_key("version") {
                    return Some(Format::CookiePolicy);
                }
                if root.contains_key("disclosures") {
                    return Some(Format::Tcf);
                }
                if onetrust::is_domain_data(&root) || root.contains_key("RuleSet") {
                    return Some(Format::OneTrust);
                }
                return Some(Format::CookiePolicy);
            }
        }
        if cookiebot::looks_like(text) {
            return Some(Format::Cookiebot);
        }
        None
    }
}

/// Reads a declaration of any format the engine knows, found for a page of `site` (when known).
/// The front door of [`crate::policy::parse`].
pub fn read(bytes: &[u8], site: Option<&Site>) -> Result<Document, PolicyError> {
    let text = parse::text_of(bytes)?;
    match Format::detect(text) {
        Some(format) => read_as(format, bytes, site),
        // Neither JSON nor a script we know: say what the JSON reader says.
        None => read_as(Format::CookiePolicy, bytes, site),
    }
}

/// Reads `bytes` as `format`.
pub fn read_as(format: Format, bytes: &[u8], site: Option<&Site>) -> Result<Document, PolicyError> {
    match format {
        Format::CookiePolicy => parse::read_v1(&parse::json_object(bytes)?, site),
        Format::Tcf => tcf::convert(&parse::json_object(bytes)?, site),
        Format::OneTrust => onetrust::convert(&parse::json_object(bytes)?, site),
        Format::Cookiebot => cookiebot::convert(parse::text_of(bytes)?, site),
    }
}

/// Hosts a consent platform serves its own banner and data from: never a tracker of the site's
/// to block (the banner and its choices would stop working), whatever a declaration says.
pub const CONSENT_PLATFORM_DOMAINS: &[&str] = &[
    "cookielaw.org",
    "onetrust.com",
    "cookiepro.com",
    "cookiebot.com",
    "cookiebot.eu",
    "usercentrics.eu",
    "cookieyes.com",
    "cdn-cookieyes.com",
    "termly.io",
    "consensu.org",
];

/// Whether `host` belongs to one of the [`CONSENT_PLATFORM_DOMAINS`].
pub fn is_consent_platform_host(host: &str) -> bool {
    CONSENT_PLATFORM_DOMAINS
        .iter()
        .any(|d| crate::domain::domain_covers(d, host))
}

/// What a declaration's host turned out to be for the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum HostUse {
    /// Another site's host: a third party of this site, whose requests can be blocked.
    ThirdParty(Host),
    /// The site's own: storage only, never a host to block.
    Own(Host),
    /// A consent platform's host: never blocked.
    ConsentPlatform(Host),
}

/// Builds a policy for `site` out of a consent platform's declaration: services found by a key
/// (a provider, a host) within a category, their domains checked against the site, storage
/// entries, category labels. Counts are kept inside the format's limits.
pub(crate) struct Builder {
    site: Site,
    services: Vec<Service>,
    by_key: HashMap<(String, CategoryId), usize>,
    entries: usize,
    pub(crate) categories: std::collections::BTreeMap<CategoryId, CategoryInfo>,
}

impl Builder {
    pub(crate) fn new(site: Site) -> Builder {
        Builder {
            site,
            services: Vec::new(),
            by_key: HashMap::new(),
            entries: 0,
            categories: Default::default(),
        }
    }

    pub(crate) fn site(&self) -> &Site {
        &self.site
    }

    /// What `text` (a host name, a cookie domain with a leading dot) is to the site, or why it is
    /// not a host.
    pub(crate) fn host_use(&self, text: &str) -> Result<HostUse, HostError> {
        let host = Host::parse(text.trim())?;
        Ok(if self.site.covers(host.as_str()) {
            HostUse::Own(host)
        } else if is_consent_platform_host(host.as_str()) {
            HostUse::ConsentPlatform(host)
        } else {
            HostUse::ThirdParty(host)
        })
    }

    /// The service for `key` in `category`, made with `name` (and `provider`) if new. Returns
    /// `None` past the service limit (reported once by the caller through `reader`).
    pub(crate) fn service(
        &mut self,
        reader: &mut Reader,
        place: &Place,
        key: &str,
        category: CategoryId,
        name: &str,
    ) -> Option<usize> {
        let map_key = (key.to_ascii_lowercase(), category);
        if let Some(&i) = self.by_key.get(&map_key) {
            return Some(i);
        }
        if self.services.len() >= limits::MAX_SERVICES {
            reader.warning(
                place,
                format!("past the limit of {}; left out", Limit::Services),
            );
            return None;
        }
        let (name, _) = parse::scrub_controls(name.trim());
        let mut id = slug(&format!("{}-{}", key, category.id()));
        if self.services.iter().any(|s| s.id == id) {
            id = format!("{id}-{}", self.services.len());
        }
        self.services.push(Service {
            id,
            name: if name.is_empty() {
                key.to_owned()
            } else {
                name
            },
            provider: None,
            description: None,
            privacy_policy: None,
            category,
            domains: Vec::new(),
            storage: Vec::new(),
        });
        let i = self.services.len() - 1;
        self.by_key.insert(map_key, i);
        Some(i)
    }

    /// The service at `i`, to fill in.
    pub(crate) fn service_mut(&mut self, i: usize) -> &mut Service {
        &mut self.services[i]
    }

    /// Adds a third party's host to service `i`'s domains (the hosts blocked when it is denied).
    /// The site's own hosts and consent platforms' hosts are not added (reported as such).
    pub(crate) fn add_domain(&mut self, reader: &mut Reader, place: &Place, i: usize, text: &str) {
        match self.host_use(text) {
            Ok(HostUse::ThirdParty(host)) => {
                let service = &mut self.services[i];
                if service.domains.contains(&host) {
                    return;
                }
                if service.domains.len() >= limits::MAX_DOMAINS_PER_SERVICE {
                    reader.warning(
                        place,
                        format!("past the limit of {}; left out", Limit::DomainsPerService),
                    );
                    return;
                }
                service.domains.push(host);
            }
            Ok(HostUse::Own(_)) => {}
            Ok(HostUse::ConsentPlatform(host)) => reader.warning(
                place,
                format!("{host} serves the consent platform itself; never blocked"),
            ),
            Err(e) => reader.warning(place, format!("{e}; ignored")),
        }
    }

    /// Adds a storage entry to service `i`, inside the limit of entries.
    pub(crate) fn add_entry(
        &mut self,
        reader: &mut Reader,
        place: &Place,
        i: usize,
        entry: StorageEntry,
    ) {
        if self.entries >= limits::MAX_STORAGE_ENTRIES {
            reader.warning(
                place,
                format!("past the limit of {}; left out", Limit::StorageEntries),
            );
            return;
        }
        let service = &mut self.services[i];
        let same = |e: &StorageEntry| {
            e.name == entry.name && e.kind == entry.kind && e.domain == entry.domain
        };
        if service.storage.iter().any(same) {
            return;
        }
        self.entries += 1;
        service.storage.push(entry);
    }

    /// The policy.
    pub(crate) fn finish(self) -> Policy {
        Policy {
            version: FORMAT_VERSION,
            site: self.site,
            updated: None,
            policy_url: None,
            jurisdictions: Vec::new(),
            controller: None,
            rights: Vec::new(),
            categories: self.categories,
            services: self.services,
        }
    }
}

/// A cookie name as a pattern: exact unless it has `*`; `None` (and a warning) when it cannot be
/// one (empty, or a bare `*`).
pub(crate) fn name_pattern(reader: &mut Reader, place: &Place, name: &str) -> Option<NamePattern> {
    match NamePattern::parse(name.trim()) {
        Ok(pattern) => Some(pattern),
        Err(e) => {
            reader.warning(place, format!("{e}; left out"));
            None
        }
    }
}

/// Plain text from a consent platform's text, which may hold HTML: tags are dropped (block
/// tags leave a space; what `<script>` and `<style>` hold goes too), the few entities platforms
/// use are decoded, white space is folded, control characters replaced.
pub(crate) fn plain_text(text: &str) -> String {
    const BLOCKS: [&str; 16] = [
        "br", "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th",
        "table",
    ];
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut skipping: Option<&str> = None;
    while let Some(open) = rest.find('<') {
        let after = &rest[open + 1..];
        // A tag starts with a letter, `/` or `!`; any other `<` is text.
        if !after.starts_with(|c: char| c.is_ascii_alphabetic() || c == '/' || c == '!') {
            if skipping.is_none() {
                out.push_str(&rest[..=open]);
            }
            rest = after;
            continue;
        }
        if skipping.is_none() {
            out.push_str(&rest[..open]);
        }
        let Some(close) = after.find('>') else {
            rest = "";
            break;
        };
        let tag = after[..close].trim();
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        match (skipping, closing) {
            (Some(skipped), true) if skipped == name => skipping = None,
            (Some(_), _) => {}
            (None, false) if name == "script" || name == "style" => {
                skipping = Some(if name == "script" { "script" } else { "style" });
            }
            (None, _) if BLOCKS.contains(&name.as_str()) => out.push(' '),
            (None, _) => {}
        }
        rest = &after[close + 1..];
    }
    if skipping.is_none() {
        out.push_str(rest);
    }
    let decoded = out
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&amp;", "&");
    let folded = decoded.split_whitespace().collect::<Vec<_>>().join(" ");
    let truncated: String = folded.chars().take(limits::MAX_STRING_CHARS).collect();
    parse::scrub_controls(&truncated).0
}

/// An id made of lowercase letters, digits and `-`.
pub(crate) fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_owned();
    if out.is_empty() {
        "service".into()
    } else {
        out.chars().take(64).collect()
    }
}

/// A category from a consent platform's own name for it (`Performance Cookies`, `Statistics`),
/// by the words platforms use; `None` when the name says nothing known.
pub(crate) fn category_from_words(name: &str) -> Option<CategoryId> {
    let name = name.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| name.contains(w));
    if has(&[
        "strictly",
        "necessary",
        "essential",
        "required",
        "technical",
    ]) {
        Some(CategoryId::Necessary)
    } else if has(&["performance", "analytic", "statistic", "measure"]) {
        Some(CategoryId::Statistics)
    } else if has(&["target", "advertis", "marketing", "social", "tracking"]) {
        Some(CategoryId::Marketing)
    } else if has(&["functional", "preference", "personali"]) {
        Some(CategoryId::Functional)
    } else {
        None
    }
}

/// The value of a JSON string, trimmed (empty when it is not a string).
pub(crate) fn str_of(value: Option<&Value>) -> &str {
    value.and_then(Value::as_str).map_or("", str::trim)
}

/// The site a declaration is for: `site` when given, else an error (consent platform files do
/// not say whose they are).
pub(crate) fn site_or_error(site: Option<&Site>) -> Result<Site, PolicyError> {
    site.cloned().ok_or(PolicyError::NoSite)
}

/// The lifetime for a cookie whose declaration gives none that can be read (Cookiebot's
/// "Persistent", unreadable words): the longest browsers keep a cookie (400 days).
pub const LONGEST_COOKIE_SECONDS: u64 = 400 * 24 * 3600;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_from_platforms_become_plain_text() {
        assert_eq!(
            plain_text("<p>Needed for the <b>site</b>.</p>&nbsp;Fish &amp; chips"),
            "Needed for the site. Fish & chips"
        );
        assert_eq!(plain_text("<img src=x onerror=alert(1)>ok"), "ok");
        assert_eq!(plain_text("a<script>alert(1)</script>b<br>c"), "ab c");
        assert_eq!(plain_text("1 < 2 and 3 > 2"), "1 < 2 and 3 > 2");
        assert_eq!(slug("Google Analytics (GA4)"), "google-analytics-ga4");
        assert_eq!(
            category_from_words("Performance Cookies"),
            Some(CategoryId::Statistics)
        );
        assert_eq!(
            category_from_words("Targeting Cookies"),
            Some(CategoryId::Marketing)
        );
        assert_eq!(
            category_from_words("Strictly Necessary Cookies"),
            Some(CategoryId::Necessary)
        );
        assert_eq!(category_from_words("Our own"), None);
    }
}
