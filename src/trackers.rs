//! The tracker table: well-known analytics and advertising hosts (`www.google-analytics.com` is
//! Google Analytics, statistics), each with the source that names it, shipped as
//! `data/trackers.csv` (facts the project lists itself; see `data/NOTICE`). They are blocked
//! from the first request by static rules (per category, [`crate::block::static_rules`]), so
//! protection holds before any declaration is known, and a site's declaration is checked
//! against them (a known tracker declared in a more permissive category, [`corrections`]).
//!
//! Hosts pages need for other things are never here as whole hosts (a tag manager's
//! container, captchas, shared CDNs, consent platforms): where an analytics endpoint shares
//! such a host, the row names the endpoint's path. This module reads the table and looks hosts
//! up; it decides nothing about a request.

use crate::bundled::Dataset;
use crate::domain::{domain_covers, Host};
use crate::known::KnownCookies;
use crate::policy::{CategoryId, Policy};
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;
use thiserror::Error;

/// The bundled table, as text.
#[cfg(feature = "embed-trackers")]
pub const BUNDLED_CSV: &str = include_str!("../data/trackers.csv");

/// One host (or endpoint) of a tracker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Tracker {
    /// The host; it covers its subdomains.
    pub host: Host,
    /// A path prefix, when only that endpoint of the host is the tracker's (`/gtag/js`).
    pub path: Option<String>,
    /// The service (`Google Analytics`).
    pub service: String,
    /// Statistics or marketing.
    pub category: CategoryId,
    /// Where the fact comes from.
    pub source: String,
}

/// Why text is not a tracker table.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TrackerError {
    /// The header is not `host,path,service,category,source`.
    #[error("trackers.csv line 1: expected the header host,path,service,category,source")]
    Header,
    /// A row is malformed.
    #[error("trackers.csv line {line}: {message}")]
    Row {
        /// The row's line (1-based).
        line: usize,
        /// What is wrong.
        message: String,
    },
}

/// The tracker table.
#[derive(Debug, Clone, Default)]
pub struct Trackers {
    entries: Vec<Tracker>,
}

impl Trackers {
    /// The bundled table, read once on first use.
    pub fn bundled() -> &'static Trackers {
        static TABLE: OnceLock<Trackers> = OnceLock::new();
        static EMPTY: OnceLock<Trackers> = OnceLock::new();
        match Dataset::Trackers.text() {
            Some(text) => TABLE.get_or_init(|| Trackers::from_csv(text).unwrap_or_default()),
            // Not compiled into this build.
            None => EMPTY.get_or_init(Trackers::default),
        }
    }

    /// Reads a table in the shape of `data/trackers.csv`. Fields hold no commas or quotes, so
    /// a row is split at its commas (a source URL may have more; they stay in it).
    pub fn from_csv(text: &str) -> Result<Trackers, TrackerError> {
        let mut lines = text.lines();
        if lines.next().map(str::trim) != Some("host,path,service,category,source") {
            return Err(TrackerError::Header);
        }
        let mut entries = Vec::new();
        for (i, line) in lines.enumerate() {
            let line_number = i + 2;
            if line.trim().is_empty() {
                continue;
            }
            let fail = |message: String| TrackerError::Row {
                line: line_number,
                message,
            };
            let mut cells = line.splitn(5, ',');
            let (Some(host), Some(path), Some(service), Some(category), Some(source)) = (
                cells.next(),
                cells.next(),
                cells.next(),
                cells.next(),
                cells.next(),
            ) else {
                return Err(fail("expected five columns".into()));
            };
            let host = Host::parse(host).map_err(|e| fail(e.to_string()))?;
            let category = match category.trim() {
                "statistics" => CategoryId::Statistics,
                "marketing" => CategoryId::Marketing,
                other => {
                    return Err(fail(format!(
                        "expected statistics or marketing, found {other:?}"
                    )))
                }
            };
            let path = path.trim();
            if !path.is_empty() && !path.starts_with('/') {
                return Err(fail(format!("a path starts with /, found {path:?}")));
            }
            if source.trim().is_empty() || service.trim().is_empty() {
                return Err(fail("every row names its service and its source".into()));
            }
            entries.push(Tracker {
                host,
                path: (!path.is_empty()).then(|| path.to_owned()),
                service: service.trim().to_owned(),
                category,
                source: source.trim().to_owned(),
            });
        }
        Ok(Trackers { entries })
    }

    /// Every entry, in table order.
    pub fn iter(&self) -> impl Iterator<Item = &Tracker> {
        self.entries.iter()
    }

    /// How many entries the table has.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the table has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The tracker a request to `host` goes to, when the whole host is one (the entry of the
    /// longest host that covers it); endpoints on shared hosts are not matched by host alone.
    pub fn of_host(&self, host: &str) -> Option<&Tracker> {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        self.entries
            .iter()
            .filter(|t| t.path.is_none() && domain_covers(t.host.as_str(), &host))
            .max_by_key(|t| t.host.as_str().len())
    }

    /// The entries a request to `host` at `path` matches: by host (covering subdomains) and,
    /// for an endpoint on a shared host, by path prefix too.
    pub fn matching<'a, 'b>(
        &'a self,
        host: &'b str,
        path: &'b str,
    ) -> impl Iterator<Item = &'a Tracker> + 'b
    where
        'a: 'b,
    {
        self.entries.iter().filter(move |t| {
            domain_covers(t.host.as_str(), host)
                && t.path.as_deref().is_none_or(|p| path.starts_with(p))
        })
    }

    /// The trackers whose hosts lie under `domain` (a host a declaration lists): `google-
    /// analytics.com` covers `www.google-analytics.com`.
    pub fn under<'a>(&'a self, domain: &'a str) -> impl Iterator<Item = &'a Tracker> + 'a {
        self.entries
            .iter()
            .filter(move |t| t.path.is_none() && domain_covers(domain, t.host.as_str()))
    }
}

/// How much a category asks of the visitor: a category a visitor is more likely to allow
/// ranks lower.
fn rank(category: CategoryId) -> u8 {
    match category {
        CategoryId::Necessary => 0,
        CategoryId::Functional => 1,
        CategoryId::Statistics => 2,
        CategoryId::Marketing => 3,
    }
}

/// A service a declaration puts in a more permissive category than what it is known to be: a
/// known tracker's host among its domains, or a distinctive cookie of a tracker among its
/// entries. It is treated by the category it is known by, unless the visitor trusts the sites'
/// own categories.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Correction {
    /// The service's id in the declaration.
    pub service: String,
    /// The category the declaration gives it.
    pub declared: CategoryId,
    /// The category it is treated by.
    pub treated_as: CategoryId,
    /// What gives it away: a host (`www.google-analytics.com`) or a cookie name (`_ga`).
    pub evidence: String,
    /// What that is known as (`Google Analytics`).
    pub known_as: String,
}

/// The services of `policy` that its site declares in a more permissive category than the
/// tracker table (hosts) says they are or, for a service it does not know by its hosts and
/// declared as necessary or functional, the known-cookie table (distinctive names, exact
/// entries only), in document order. Endpoints on shared hosts are no evidence (a tag manager listed
/// as necessary is not its analytics endpoint).
pub fn corrections(policy: &Policy, trackers: &Trackers, known: &KnownCookies) -> Vec<Correction> {
    let mut found = Vec::new();
    for service in &policy.services {
        let mut worst: Option<(CategoryId, String, String)> = None;
        let mut consider = |category: CategoryId, evidence: &str, known_as: &str| {
            let current = worst.as_ref().map_or(service.category, |w| w.0);
            if rank(category) > rank(current) {
                worst = Some((category, evidence.to_owned(), known_as.to_owned()));
            }
        };
        for domain in &service.domains {
            for tracker in trackers.iter().filter(|t| {
                t.path.is_none()
                    && (domain_covers(domain.as_str(), t.host.as_str())
                        || domain_covers(t.host.as_str(), domain.as_str()))
            }) {
                consider(tracker.category, tracker.host.as_str(), &tracker.service);
            }
        }
        // The tracker table names services by their hosts, each with its source; where it
        // knows the service, the cookie table's coarser categories are not asked. Nor are they
        // between two categories that both ask consent: a declaration groups the first-party
        // cookies of several vendors into one service (a consent platform's per-category
        // list), and the tables disagree there (Leadfeeder's _lfa: statistics by its host,
        // marketing by the cookie table). A tracker's cookie declared as necessary or
        // functional, which are allowed without asking, is corrected.
        let known_by_host = service.domains.iter().any(|d| {
            trackers.iter().any(|t| {
                t.path.is_none()
                    && (domain_covers(d.as_str(), t.host.as_str())
                        || domain_covers(t.host.as_str(), d.as_str()))
            })
        });
        for entry in service.storage.iter().filter(|e| {
            !known_by_host
                && rank(service.category) <= rank(CategoryId::Functional)
                && e.name.is_exact()
        }) {
            let domain = entry
                .domain
                .as_ref()
                .map_or(policy.site.as_str(), |d| d.as_str());
            if let Some(cookie) = known.guess(entry.name.as_str(), domain, &policy.site) {
                consider(cookie.category, entry.name.as_str(), &cookie.platform);
            }
        }
        if let Some((treated_as, evidence, known_as)) = worst {
            found.push(Correction {
                service: service.id.clone(),
                declared: service.category,
                treated_as,
                evidence,
                known_as,
            });
        }
    }
    found
}

/// `policy` with `corrections` applied: each corrected service in the category it is treated
/// by.
pub fn apply(policy: &mut Policy, corrections: &[Correction]) {
    for correction in corrections {
        if let Some(service) = policy
            .services
            .iter_mut()
            .find(|s| s.id == correction.service)
        {
            service.category = correction.treated_as;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_table_reads_and_every_row_has_a_source() {
        let table = Trackers::from_csv(BUNDLED_CSV).unwrap_or_else(|e| panic!("{e}"));
        assert!(table.len() > 100, "{} rows", table.len());
        assert!(table.iter().all(|t| t.source.starts_with("https://")));
        let ga = table.of_host("www.google-analytics.com");
        assert_eq!(
            ga.map(|t| (t.service.as_str(), t.category)),
            Some(("Google Analytics", CategoryId::Statistics))
        );
        assert_eq!(
            table
                .of_host("collect.www.google-analytics.com")
                .map(|t| t.host.as_str()),
            Some("www.google-analytics.com")
        );
        // Hosts pages need are never whole hosts.
        for needed in [
            "www.googletagmanager.com",
            "www.google.com",
            "www.gstatic.com",
            "cdn.jsdelivr.net",
            "cdn.cookielaw.org",
            "consent.cookiebot.com",
            "www.facebook.com",
            "connect.facebook.net",
        ] {
            assert_eq!(table.of_host(needed), None, "{needed} is a needed host");
        }
        let gtag = table
            .iter()
            .find(|t| t.host.as_str() == "www.googletagmanager.com");
        assert_eq!(gtag.and_then(|t| t.path.as_deref()), Some("/gtag/js"));
    }

    #[test]
    fn broken_tables_say_where() {
        let cases = [
            ("nope\n", "line 1"),
            (
                "host,path,service,category,source\nexample.com,,X,sometimes,https://x\n",
                "line 2: expected statistics or marketing",
            ),
            (
                "host,path,service,category,source\nhttps://x.com,,X,statistics,https://x\n",
                "line 2: expected a hostname",
            ),
            (
                "host,path,service,category,source\nx.com,gtag,X,statistics,https://x\n",
                "a path starts with /",
            ),
            (
                "host,path,service,category,source\nx.com,,X,statistics\n",
                "five columns",
            ),
        ];
        for (text, expected) in cases {
            let err = Trackers::from_csv(text)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(err.contains(expected), "{text:?}: {err}");
        }
    }
}
