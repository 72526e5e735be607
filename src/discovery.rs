//! Policy discovery, as plain decisions: where to look for a site's policy, which of the places
//! a page names may be asked at all, in what order of precedence, whether a fetched answer is
//! acceptable, how long to keep it, and what is cached.
//!
//! The site's own places outrank what a page's content names: a `Link` header on the page (set
//! by the site's server), `/.well-known/cookie-policy.json` on the page's host, then on its
//! registrable domain, and only then a `<link rel="cookie-policy">` in the page (which any
//! script or injected markup in the page can add). Whatever the source, a valid document beats
//! a failed or invalid answer ([`PolicyRecord::replaces`]). A place the page names (header or
//! link) must be on the page's own host, and no place is asked that is an IP address,
//! `localhost`, or on another site ([`check_candidate`]). This module builds URLs and judges
//! answers; the web layer does the fetching.

use crate::diag::Diagnostic;
use crate::domain::{host_of_url, Site};
use crate::policy::{self, CompiledPolicy, Document, DocumentKind};
use crate::view::PolicyState;
use serde::{Deserialize, Serialize};

/// The path of the well-known policy file.
pub const WELL_KNOWN_PATH: &str = "/.well-known/cookie-policy.json";

/// How long, in milliseconds, a third-party request of a page is held while its site's
/// declaration is looked for on a first visit, where the browser lets an extension hold
/// requests (Firefox's blocking `webRequest`): long enough for a site's own policy, bounded so
/// a slow site is not held up for longer.
pub const HOLD_MS: u32 = 1_500;

/// Whether a request is held while its page's site's declaration is looked for: not a
/// top-level document, and to another site than the page's (its own requests are not the
/// declaration's to block).
pub fn holds_request(resource_type: &str, request_host: &str, site: &Site) -> bool {
    let host = request_host.trim_end_matches('.').to_ascii_lowercase();
    resource_type != "main_frame" && !crate::domain::domain_covers(site.as_str(), &host)
}

/// How long finding a site's policy may take, in milliseconds: one fetch, or the well-known
/// places one after another, all within this time.
pub const FETCH_TIMEOUT_MS: u32 = 10_000;

/// Cache lifetime without `Cache-Control: max-age`, and its bounds (seconds).
pub mod ttl {
    /// Without `max-age`: 24 hours.
    pub const DEFAULT: u64 = 24 * 3600;
    /// The shortest honoured: 1 hour.
    pub const MIN: u64 = 3600;
    /// The longest honoured: 7 days.
    pub const MAX: u64 = 7 * 24 * 3600;
    /// How long a failure (not found, invalid, unreachable) is remembered before trying again.
    pub const FAILURE: u64 = 3600;
}

/// Where a policy was found, in increasing order of precedence: what the page's content names
/// ranks lowest, the site's own places above it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SourceKind {
    /// A consent platform's data file that the page loads the platform from (its banner
    /// script names it): a declaration in the platform's format, ranked below the site's own
    /// policy whatever place that was found at.
    ConsentPlatform,
    /// A `<link rel="cookie-policy">` element in the page: page content, which third-party
    /// scripts and injected markup can add, so it is used only where the site's own places
    /// have nothing valid.
    LinkElement,
    /// `/.well-known/cookie-policy.json` on the registrable domain.
    WellKnownSite,
    /// `/.well-known/cookie-policy.json` on the page's host.
    WellKnownHost,
    /// A `Link: <...>; rel="cookie-policy"` header on the page, set by the site's server.
    LinkHeader,
}

impl SourceKind {
    /// Whether the page names this place itself (a header or a link element), rather than it
    /// being one of the well-known places tried for every site.
    pub fn is_named_by_page(self) -> bool {
        matches!(
            self,
            SourceKind::LinkHeader | SourceKind::LinkElement | SourceKind::ConsentPlatform
        )
    }

    /// The highest precedence ([`DocumentKind::precedence`]) a declaration from this place can
    /// have: a consent platform's file is never the site's own policy.
    fn best_precedence(self) -> u8 {
        match self {
            SourceKind::ConsentPlatform => DocumentKind::OneTrust.precedence(),
            _ => DocumentKind::CookiePolicy.precedence(),
        }
    }
}

/// A place to fetch a policy from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Candidate {
    /// The URL.
    pub url: String,
    /// How it was found.
    pub kind: SourceKind,
}

/// The well-known candidates for a page URL: the page's host, then its registrable domain (once
/// when they are the same). Same scheme and port as the page. Only http(s) pages have any.
pub fn well_known_candidates(page_url: &str) -> Vec<Candidate> {
    let Some((scheme, rest)) = page_url.split_once("://") else {
        return Vec::new();
    };
    if scheme != "http" && scheme != "https" {
        return Vec::new();
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let authority = authority.rsplit_once('@').map_or(authority, |(_, a)| a);
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') && p.bytes().all(|b| b.is_ascii_digit()) => (h, Some(p)),
        _ => (authority, None),
    };
    let host = host.to_ascii_lowercase();
    if host.is_empty() {
        return Vec::new();
    }
    let origin = |h: &str| match port {
        Some(p) if !p.is_empty() => format!("{scheme}://{h}:{p}"),
        _ => format!("{scheme}://{h}"),
    };
    let mut out = vec![Candidate {
        url: format!("{}{WELL_KNOWN_PATH}", origin(&host)),
        kind: SourceKind::WellKnownHost,
    }];
    if let Some(site) = Site::of_host(&host) {
        if site.as_str() != host {
            out.push(Candidate {
                url: format!("{}{WELL_KNOWN_PATH}", origin(site.as_str())),
                kind: SourceKind::WellKnownSite,
            });
        }
    }
    out
}

/// Finds `rel="cookie-policy"` in a `Link` header value and resolves it against `base` (the
/// page's URL). Returns `None` when the header has no such link or the URL is not http(s).
pub fn link_header_target(header: &str, base: &str) -> Option<String> {
    link_target(header, base, "cookie-policy")
}

/// Finds the link of relation `rel` in a `Link` header value and resolves it against `base`.
/// Returns `None` when the header has no such link or the URL is not http(s).
pub fn link_target(header: &str, base: &str, rel: &str) -> Option<String> {
    for link in split_links(header) {
        let link = link.trim();
        let Some(rest) = link.strip_prefix('<') else {
            continue;
        };
        let Some((target, params)) = rest.split_once('>') else {
            continue;
        };
        let is_policy = params.split(';').any(|param| {
            let Some((name, value)) = param.split_once('=') else {
                return false;
            };
            name.trim().eq_ignore_ascii_case("rel")
                && value
                    .trim()
                    .trim_matches('"')
                    .split_ascii_whitespace()
                    .any(|r| r.eq_ignore_ascii_case(rel))
        });
        if is_policy {
            return resolve_url(target.trim(), base);
        }
    }
    None
}

/// Splits a `Link` header at the commas between links (not those inside `<...>` or quotes).
fn split_links(header: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut start, mut in_angle, mut in_quote) = (0, false, false);
    for (i, c) in header.char_indices() {
        match c {
            '<' if !in_quote => in_angle = true,
            '>' if !in_quote => in_angle = false,
            '"' if !in_angle => in_quote = !in_quote,
            ',' if !in_angle && !in_quote => {
                parts.push(&header[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&header[start..]);
    parts
}

/// Resolves `reference` against `base` for the forms a policy link takes: absolute http(s),
/// scheme-relative (`//host/path`), absolute-path (`/path`) and relative (`path`). Anything
/// that is not http(s) in the end gives `None`.
pub fn resolve_url(reference: &str, base: &str) -> Option<String> {
    let (scheme, rest) = base.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let resolved = if reference.starts_with("http://") || reference.starts_with("https://") {
        reference.to_owned()
    } else if let Some(r) = reference.strip_prefix("//") {
        format!("{scheme}://{r}")
    } else if reference.starts_with('/') {
        format!("{scheme}://{authority}{reference}")
    } else if reference.contains(':') && !reference.starts_with('.') {
        return None;
    } else {
        let path = &rest[authority.len()..];
        let path = path.split(['?', '#']).next().unwrap_or("");
        let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
        format!("{scheme}://{authority}{dir}/{reference}")
    };
    let ok = (resolved.starts_with("http://") || resolved.starts_with("https://"))
        && host_of_url(&resolved).is_some();
    ok.then_some(resolved)
}

/// Whether a policy at `policy_url` may be fetched for a page at `page_url`: http(s) only, and
/// plain http only for a plain-http page.
pub fn may_fetch(policy_url: &str, page_url: &str) -> bool {
    if policy_url.starts_with("https://") {
        return true;
    }
    policy_url.starts_with("http://") && page_url.starts_with("http://")
}

/// Why a place is not asked at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Refusal {
    /// Not http(s), or plain http for an https page.
    #[error("{url} is not an https URL (or http for an http page)")]
    Scheme {
        /// The place.
        url: String,
    },
    /// An IP address or `localhost`: a page must not make the extension send requests into
    /// the visitor's own network.
    #[error("{url} is an IP address or localhost")]
    LocalAddress {
        /// The place.
        url: String,
    },
    /// On another site than the page.
    #[error("{url} is not on {site}")]
    OtherSite {
        /// The place.
        url: String,
        /// The page's site.
        site: String,
    },
    /// A place the page names that is not on the page's own host.
    #[error("{url} is not on the page's host {host}")]
    OtherHost {
        /// The place.
        url: String,
        /// The page's host.
        host: String,
    },
}

/// Checks a place before anything is sent to it, for a page at `page_url`: http(s) (plain http
/// only for a plain-http page), a host name that is not an IP address or `localhost`, on the
/// page's site, and, for a place the page names itself (a `Link` header or element), on the
/// page's own host. A consent platform's data may also come, over https, from one of the
/// [`CONSENT_PLATFORM_DATA_HOSTS`].
pub fn check_candidate(candidate: &Candidate, page_url: &str) -> Result<(), Refusal> {
    let url = &candidate.url;
    if !may_fetch(url, page_url) {
        return Err(Refusal::Scheme { url: url.clone() });
    }
    let host = host_of_url(url).map(str::to_ascii_lowercase);
    let page_host = host_of_url(page_url).map(str::to_ascii_lowercase);
    let (Some(host), Some(page_host)) = (host, page_host) else {
        return Err(Refusal::Scheme { url: url.clone() });
    };
    if is_local_address(&host) || is_local_address(&page_host) {
        return Err(Refusal::LocalAddress { url: url.clone() });
    }
    let site = Site::of_host(&host);
    let page_site = Site::of_host(&page_host);
    if candidate.kind == SourceKind::ConsentPlatform {
        // A consent platform's data: from one of the platforms' own hosts, over https, or from
        // any host of the page's site (self-hosted).
        let listed = CONSENT_PLATFORM_DATA_HOSTS.contains(&host.as_str());
        if listed && url.starts_with("https://") {
            return Ok(());
        }
        if listed || site.is_none() || site != page_site {
            return Err(Refusal::OtherSite {
                url: url.clone(),
                site: page_site.map_or(page_host.clone(), |s| s.to_string()),
            });
        }
        return Ok(());
    }
    if site.is_none() || site != page_site {
        return Err(Refusal::OtherSite {
            url: url.clone(),
            site: page_site.map_or(page_host.clone(), |s| s.to_string()),
        });
    }
    if candidate.kind.is_named_by_page() && host != page_host {
        return Err(Refusal::OtherHost {
            url: url.clone(),
            host: page_host,
        });
    }
    Ok(())
}

/// Whether `host` (lowercase, as in a URL) is an IP literal or a `localhost` name.
fn is_local_address(host: &str) -> bool {
    let host = host.trim_end_matches('.');
    host.starts_with('[')
        || host.parse::<std::net::Ipv4Addr>().is_ok()
        || host.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        || host == "localhost"
        || host.ends_with(".localhost")
}

/// The cache lifetime for a `Cache-Control` header: `max-age` clamped to [1 h, 7 days], 24 h
/// without one.
pub fn cache_ttl(cache_control: Option<&str>) -> u64 {
    let max_age = cache_control.and_then(|value| {
        value.split(',').find_map(|directive| {
            let (name, number) = directive.split_once('=')?;
            name.trim()
                .eq_ignore_ascii_case("max-age")
                .then(|| number.trim().trim_matches('"').parse::<u64>().ok())?
        })
    });
    max_age.map_or(ttl::DEFAULT, |age| age.clamp(ttl::MIN, ttl::MAX))
}

/// Why a fetched answer is not a policy.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum FetchProblem {
    /// Nothing there (404, 410).
    #[error("no policy at {url} (HTTP {status})")]
    NotFound {
        /// Where.
        url: String,
        /// The status.
        status: u16,
    },
    /// Another error status.
    #[error("{url} answered HTTP {status}")]
    Status {
        /// Where.
        url: String,
        /// The status.
        status: u16,
    },
    /// Not of the expected type (JSON, or a consent platform's script).
    #[error("{url} is {content_type}, not {}", if *script { "a script" } else { "JSON" })]
    ContentType {
        /// Where.
        url: String,
        /// What it claimed to be.
        content_type: String,
        /// Whether a script was expected (else JSON).
        #[serde(default)]
        script: bool,
    },
    /// Over 512 KiB.
    #[error("{url} is larger than 512 KiB")]
    TooLarge {
        /// Where.
        url: String,
    },
    /// Answered with a redirect, which is not followed: a policy is read only where it is named.
    #[error("{url} redirects elsewhere; Cookie Warden reads a policy only where it is named and does not follow redirects")]
    Redirected {
        /// Where.
        url: String,
    },
    /// Redirected to another site.
    #[error("{url} redirected to {final_url}, which is not on {site}")]
    OffSite {
        /// Where.
        url: String,
        /// Where it ended.
        final_url: String,
        /// The page's site.
        site: String,
    },
    /// No complete answer within the time a site's discovery may take.
    #[error("{url} sent no complete answer within 10 s")]
    TimedOut {
        /// Where.
        url: String,
    },
    /// Not asked: the place may not be asked for this page.
    #[error("{url} was not asked: {reason}")]
    Refused {
        /// Where.
        url: String,
        /// Why.
        reason: String,
    },
    /// A network error.
    #[error("{url} could not be fetched: {reason}")]
    Network {
        /// Where.
        url: String,
        /// What the browser said.
        reason: String,
    },
}

/// What an answer may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// JSON (`application/json`): a policy, a TCF file, a consent platform's JSON file.
    Json,
    /// A consent platform's script, read as data (`application/javascript`, `text/javascript`).
    Script,
}

/// Checks a response's head before its body is read: a success, from where it was asked (or
/// the site), of the type `expect`ed, not larger than the limit.
pub fn check_head(
    url: &str,
    final_url: &str,
    site: &Site,
    status: u16,
    content_type: Option<&str>,
    content_length: Option<u64>,
    expect: Expect,
) -> Result<(), FetchProblem> {
    if status == 404 || status == 410 {
        return Err(FetchProblem::NotFound {
            url: url.to_owned(),
            status,
        });
    }
    if !(200..300).contains(&status) {
        return Err(FetchProblem::Status {
            url: url.to_owned(),
            status,
        });
    }
    // The answer must come from an http(s) place on the site, or from the place asked (a
    // consent platform's host).
    let web = final_url.starts_with("https://") || final_url.starts_with("http://");
    let final_host = host_of_url(final_url).filter(|_| web);
    let final_site = final_host.and_then(Site::of_host);
    if final_host.is_none() || (final_site.as_ref() != Some(site) && final_host != host_of_url(url))
    {
        return Err(FetchProblem::OffSite {
            url: url.to_owned(),
            final_url: final_url.to_owned(),
            site: site.to_string(),
        });
    }
    let media = content_type
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    // JSON only: not HTML, and not the many other `+json` types (JSON-LD, problem reports)
    // that a site may serve for other purposes. A consent platform's script is a script.
    let acceptable = match expect {
        Expect::Json => media == "application/json",
        Expect::Script => matches!(
            media.as_str(),
            "application/javascript" | "text/javascript" | "application/x-javascript"
        ),
    };
    if !acceptable {
        return Err(FetchProblem::ContentType {
            url: url.to_owned(),
            content_type: if media.is_empty() {
                "untyped".into()
            } else {
                media
            },
            script: expect == Expect::Script,
        });
    }
    if content_length.is_some_and(|n| n > policy::parse::limits::MAX_BYTES as u64) {
        return Err(FetchProblem::TooLarge {
            url: url.to_owned(),
        });
    }
    Ok(())
}

/// What is cached about a site's policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyRecord {
    /// The site.
    pub site: Site,
    /// Where the answer came from (`None` when nothing was found anywhere).
    pub source: Option<Candidate>,
    /// When it was fetched (seconds since the Unix epoch).
    pub fetched_at: u64,
    /// When to look again.
    pub expires_at: u64,
    /// What was found.
    pub outcome: Outcome,
}

/// How good a record's answer is, in increasing order ([`PolicyRecord::quality`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Quality {
    /// A failure, or nothing found.
    Nothing,
    /// A document that is invalid or could not be read.
    Invalid,
    /// A valid policy.
    Valid,
}

/// What a fetch found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Outcome {
    /// A document was read; `text` is kept so the policy can be parsed again after a restart.
    Document {
        /// The document's text: a policy of the project's own format, either as the site
        /// published it or (when `format` is another one) as converted from the declaration
        /// the site published (a consent platform's script is not kept, only what it declares).
        /// Empty for an invalid declaration of another format.
        text: String,
        /// Whether it is valid.
        valid: bool,
        /// Its diagnostics.
        diagnostics: Vec<Diagnostic>,
        /// The format the site published, when `text` was converted from it (records of
        /// earlier versions keep what the site published and have none).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        format: Option<DocumentKind>,
        /// The services it puts in a more permissive category than they are known by
        /// ([`crate::trackers::corrections`]), worked out when it was read, so that compiling
        /// it again (on every worker start) looks nothing up; records of earlier versions have
        /// none and work them out when compiled.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        corrections: Option<Vec<crate::trackers::Correction>>,
    },
    /// The document could not be read at all.
    Unreadable {
        /// Why, in words.
        error: String,
    },
    /// The fetch failed.
    Failed {
        /// Why.
        problem: FetchProblem,
    },
    /// No policy anywhere.
    NotPublished,
}

impl PolicyRecord {
    /// The record for a fetched body.
    pub fn from_body(
        site: &Site,
        source: Candidate,
        body: &[u8],
        cache_control: Option<&str>,
        now: u64,
    ) -> PolicyRecord {
        let outcome = match policy::parse(body, Some(site)) {
            Ok(document) => {
                let valid = document.is_valid();
                let (text, format) = match (document.kind, document.valid_policy()) {
                    (DocumentKind::CookiePolicy, _) => {
                        (String::from_utf8_lossy(body).into_owned(), None)
                    }
                    (kind, Some(policy)) => (
                        serde_json::to_string(policy).unwrap_or_default(),
                        Some(kind),
                    ),
                    (kind, None) => (String::new(), Some(kind)),
                };
                let corrections = document.valid_policy().map(|policy| {
                    crate::trackers::corrections(
                        policy,
                        crate::trackers::Trackers::bundled(),
                        crate::known::KnownCookies::bundled(),
                    )
                });
                Outcome::Document {
                    text,
                    valid,
                    diagnostics: document.diagnostics,
                    format,
                    corrections,
                }
            }
            Err(error) => Outcome::Unreadable {
                error: error.to_string(),
            },
        };
        let ttl = match outcome {
            Outcome::Document { valid: true, .. } => cache_ttl(cache_control),
            _ => ttl::FAILURE,
        };
        PolicyRecord {
            site: site.clone(),
            source: Some(source),
            fetched_at: now,
            expires_at: now.saturating_add(ttl),
            outcome,
        }
    }

    /// The record for an answer that holds no usable declaration (`error` says why).
    pub fn unreadable(site: &Site, source: Candidate, error: String, now: u64) -> PolicyRecord {
        PolicyRecord {
            site: site.clone(),
            source: Some(source),
            fetched_at: now,
            expires_at: now.saturating_add(ttl::FAILURE),
            outcome: Outcome::Unreadable { error },
        }
    }

    /// The record for a failed fetch (or, with `source: None`, for nothing found anywhere).
    pub fn failed(
        site: &Site,
        source: Option<Candidate>,
        problem: Option<FetchProblem>,
        now: u64,
    ) -> PolicyRecord {
        PolicyRecord {
            site: site.clone(),
            source,
            fetched_at: now,
            expires_at: now.saturating_add(ttl::FAILURE),
            outcome: problem.map_or(Outcome::NotPublished, |problem| Outcome::Failed { problem }),
        }
    }

    /// Whether a look through candidates in order stops at this answer (to `self.source`): a
    /// document was found (valid or not), the place was one the page named (nothing else is
    /// tried on its behalf), or the look's shared deadline ran out.
    pub fn ends_look(&self) -> bool {
        let found = !matches!(self.outcome, Outcome::Failed { .. });
        let named = self
            .source
            .as_ref()
            .is_some_and(|c| c.kind.is_named_by_page());
        let timed_out = matches!(
            self.outcome,
            Outcome::Failed {
                problem: FetchProblem::TimedOut { .. }
            }
        );
        found || named || timed_out
    }

    /// What a finished look leaves, from its last answer: "not found" at the site's well-known
    /// places means the site publishes nothing ([`Outcome::NotPublished`]); anything else
    /// stays as it is (a place the page named that answers 404 is a broken link, and says so).
    pub fn concluded(self, now: u64) -> PolicyRecord {
        let not_found = matches!(
            self.outcome,
            Outcome::Failed {
                problem: FetchProblem::NotFound { .. }
            }
        );
        let well_known = self
            .source
            .as_ref()
            .is_some_and(|c| !c.kind.is_named_by_page());
        if not_found && well_known {
            PolicyRecord::failed(&self.site, None, None, now)
        } else {
            self
        }
    }

    /// Whether the record is still fresh at `now`.
    pub fn is_fresh(&self, now: u64) -> bool {
        now < self.expires_at
    }

    /// How good the answer is, whatever its source: a valid document beats an invalid or
    /// unreadable one, which beats a failure or nothing found.
    pub fn quality(&self) -> Quality {
        match &self.outcome {
            Outcome::Document { valid: true, .. } => Quality::Valid,
            Outcome::Document { .. } | Outcome::Unreadable { .. } => Quality::Invalid,
            Outcome::Failed { .. } | Outcome::NotPublished => Quality::Nothing,
        }
    }

    /// Whether the answer says for certain that no usable policy is there (nothing found, an
    /// invalid document), rather than that the site could not be asked (a network error, a
    /// time-out, a server error).
    fn is_definitive(&self) -> bool {
        match &self.outcome {
            Outcome::Failed { problem } => matches!(problem, FetchProblem::NotFound { .. }),
            _ => true,
        }
    }

    /// Where the answer came from (nothing found anywhere ranks lowest).
    fn rank(&self) -> Option<SourceKind> {
        self.source.as_ref().map(|c| c.kind)
    }

    /// The precedence of the declaration this record holds ([`DocumentKind::precedence`]): the
    /// site's own policy, then its consent platform's, then TCF disclosures; 0 without a valid
    /// declaration.
    pub fn precedence(&self) -> u8 {
        match &self.outcome {
            Outcome::Document {
                valid: true,
                format,
                ..
            } => format.unwrap_or(DocumentKind::CookiePolicy).precedence(),
            _ => 0,
        }
    }

    /// Whether this newly fetched record should replace `current` at `now`.
    ///
    /// A better answer always replaces a worse one, whatever its source: a valid document
    /// beats a failure or an invalid document from any place, so nothing a page names (and no
    /// broken answer) can take a valid policy away. A worse answer replaces a valid policy only
    /// once that policy is stale and only if it is definitive (the policy is gone, or the
    /// document is now invalid); a stale policy outlives network errors. Between answers of
    /// the same quality, a fresh record gives way only to one from an equal or higher-ranked
    /// place. Between valid declarations, the site's own policy beats its consent platform's,
    /// which beats a TCF disclosure, whatever place each came from. A `refresh` (the visitor
    /// asked) treats the current record as stale.
    pub fn replaces(&self, current: &PolicyRecord, now: u64, refresh: bool) -> bool {
        let fresh = current.is_fresh(now) && !refresh;
        match self.quality().cmp(&current.quality()) {
            std::cmp::Ordering::Greater => true,
            std::cmp::Ordering::Less => {
                !fresh && (current.quality() != Quality::Valid || self.is_definitive())
            }
            std::cmp::Ordering::Equal => {
                !fresh || (self.precedence(), self.rank()) >= (current.precedence(), current.rank())
            }
        }
    }

    /// Whether a newly found `candidate` should be fetched: the record is stale, or the
    /// candidate is a place the page names itself (a `Link` header or element) that could
    /// replace the record ([`PolicyRecord::replaces`]): the record is not a valid policy, or
    /// the candidate ranks at least as high and is another URL. The well-known places are
    /// tried together, host then registrable domain, so while the record is fresh they are not
    /// asked again, whatever they answered (nothing, a failure, or a policy on the registrable
    /// domain only): a site is not fetched from on every visit.
    pub fn should_fetch(&self, candidate: &Candidate, now: u64) -> bool {
        if !self.is_fresh(now) {
            return true;
        }
        if !candidate.kind.is_named_by_page() {
            return false;
        }
        match &self.source {
            None => true,
            Some(current) if current.url == candidate.url => false,
            Some(current) => {
                self.quality() != Quality::Valid
                    || (candidate.kind.best_precedence(), candidate.kind)
                        >= (self.precedence(), current.kind)
            }
        }
    }

    /// Parses the stored document again into a usable policy (valid documents only), its known
    /// trackers in the categories they are known by unless `trust_site_categories`.
    pub fn compile(&self, trust_site_categories: bool) -> Option<Usable> {
        let Outcome::Document {
            text,
            valid: true,
            format: converted,
            diagnostics: stored,
            corrections,
        } = &self.outcome
        else {
            return None;
        };
        let (document, kind, diagnostics) = match converted {
            // Converted from another format: the text is our own; the diagnostics are the
            // conversion's, with places in the file the site published.
            Some(kind) => {
                let document: Document = policy::formats::read_as(
                    policy::Format::CookiePolicy,
                    text.as_bytes(),
                    Some(&self.site),
                )
                .ok()?;
                (document, *kind, stored.clone())
            }
            None => {
                let document: Document = policy::parse(text.as_bytes(), Some(&self.site)).ok()?;
                let kind = document.kind;
                let diagnostics = document.diagnostics.clone();
                (document, kind, diagnostics)
            }
        };
        document.valid_policy().cloned().map(|p| {
            let compiled = match (trust_site_categories, corrections) {
                (true, _) => CompiledPolicy::new(p),
                (false, Some(found)) => CompiledPolicy::with_corrections(p, found.clone()),
                (false, None) => CompiledPolicy::corrected(p, false),
            };
            Usable {
                policy: compiled,
                kind,
                warnings: diagnostics,
            }
        })
    }

    /// What the panel says of the site's declaration, from this record and what it compiled to
    /// (`usable`, from [`PolicyRecord::compile`]). `problems` must be [`PolicyRecord::problems`]
    /// (the state borrows them). No record at all is [`PolicyState::NotPublished`] too: the
    /// site is guessed about until something is found.
    pub fn state<'a>(
        record: Option<&'a PolicyRecord>,
        usable: Option<&'a Usable>,
        problems: &'a [Diagnostic],
    ) -> PolicyState<'a> {
        let url = record
            .and_then(|r| r.source.as_ref())
            .map_or("", |c| c.url.as_str());
        match (record, usable) {
            (Some(_), Some(usable)) => PolicyState::Declared {
                policy: &usable.policy,
                url,
                kind: usable.kind,
                warnings: &usable.warnings,
            },
            (None, _)
            | (
                Some(PolicyRecord {
                    outcome: Outcome::NotPublished,
                    ..
                }),
                None,
            ) => PolicyState::NotPublished,
            (Some(_), None) => PolicyState::Invalid {
                url,
                diagnostics: problems,
            },
        }
    }

    /// The diagnostics to show for an unusable record: the document's own, or one error that
    /// says why nothing could be read.
    pub fn problems(&self) -> Vec<Diagnostic> {
        let root = crate::diag::Place::root();
        match &self.outcome {
            Outcome::Document { diagnostics, .. } => diagnostics.clone(),
            Outcome::Unreadable { error } => vec![Diagnostic::error(&root, error.clone())],
            Outcome::Failed { problem } => vec![Diagnostic::error(&root, problem.to_string())],
            Outcome::NotPublished => Vec::new(),
        }
    }
}

/// A record's declaration ready for use ([`PolicyRecord::compile`]): the compiled policy, what
/// kind of document it came from, and the warnings to show with it.
#[derive(Debug, Clone)]
pub struct Usable {
    /// The policy, indexed for matching (known trackers corrected, unless the visitor trusts
    /// the site's categories).
    pub policy: CompiledPolicy,
    /// A v1 policy, or converted from a consent platform's or TCF file.
    pub kind: DocumentKind,
    /// The document's (or the conversion's) warnings.
    pub warnings: Vec<Diagnostic>,
}

/// The hosts consent platforms serve their data files from: the one exception to "a page can
/// make the extension ask only the page's own site". A page names its consent platform by
/// loading its script; the extension then reads the platform's declaration for that page's
/// site from one of these (or from the site itself, when the platform is self-hosted), and
/// nowhere else.
pub const CONSENT_PLATFORM_DATA_HOSTS: &[&str] = &[
    // OneTrust and CookiePro.
    "cdn.cookielaw.org",
    "cmp-cdn.cookielaw.org",
    "cdn-apac.onetrust.com",
    "cdn-ukwest.onetrust.com",
    "optanon.blob.core.windows.net",
    "cookie-cdn.cookiepro.com",
    "cookiepro.blob.core.windows.net",
    // Cookiebot.
    "consent.cookiebot.com",
    "consent.cookiebot.eu",
];

/// Which consent platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Platform {
    /// OneTrust (CookiePro).
    OneTrust,
    /// Cookiebot.
    Cookiebot,
}

/// A script element of a page, as the content script reports it: its absolute address, its
/// `id`, and the few `data-` attributes consent platforms configure themselves with.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PageScript {
    /// `src`, absolute.
    pub src: String,
    /// `id`.
    pub id: String,
    /// `data-domain-script` (OneTrust's domain id).
    pub domain_script: Option<String>,
    /// `data-cbid` (Cookiebot's domain group id).
    pub cbid: Option<String>,
    /// `data-language` (OneTrust) or `data-culture` (Cookiebot): the language the site picked.
    pub language: Option<String>,
    /// `data-document-language` (OneTrust: take the page's `lang`).
    pub document_language: Option<String>,
}

/// A consent platform's declaration a page names, and how to read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlatformSource {
    /// The first file to fetch (OneTrust's rule-set file, Cookiebot's `cc.js`), as a place.
    pub candidate: Candidate,
    /// The platform.
    pub platform: Platform,
    /// The language to ask for.
    pub language: String,
    /// OneTrust: the data's base address (the second file is under it).
    pub base: String,
    /// The platform's id for the site (OneTrust's domain id, Cookiebot's cbid).
    pub id: String,
}

impl PlatformSource {
    /// What the first file is: JSON for OneTrust, a script for Cookiebot.
    pub fn expect(&self) -> Expect {
        match self.platform {
            Platform::OneTrust => Expect::Json,
            Platform::Cookiebot => Expect::Script,
        }
    }
}

/// The consent platforms a page at `page_url` loads, from its script elements: OneTrust's
/// stub (`…/scripttemplates/otSDKStub.js` with `data-domain-script`, or `?did=`), Cookiebot's
/// script (`data-cbid`, a `cbid=` parameter, or a `…/<cbid>/cc.js` / `cd.js` address). The
/// language is the one the site configured, else the page's (when OneTrust is told to take it),
/// else the visitor's. Ids are checked for their form before they go into an address; the
/// places found still go through [`check_candidate`].
pub fn consent_platforms(
    scripts: &[PageScript],
    page_url: &str,
    page_language: &str,
    visitor_language: &str,
) -> Vec<PlatformSource> {
    use crate::policy::formats::{cookiebot, onetrust};
    let mut found: Vec<PlatformSource> = Vec::new();
    let Some(page_host) = host_of_url(page_url).map(str::to_ascii_lowercase) else {
        return found;
    };
    let language_of = |script: &PageScript| {
        let own = script
            .language
            .as_deref()
            .map(str::trim)
            .filter(|l| !l.is_empty());
        let document = (script.document_language.as_deref() == Some("true"))
            .then_some(page_language.trim())
            .filter(|l| !l.is_empty());
        own.or(document).unwrap_or(visitor_language).to_owned()
    };
    for script in scripts.iter().take(500) {
        let src = script.src.trim();
        let lower = src.to_ascii_lowercase();
        if lower.contains("/otsdkstub.js") || lower.contains("/otbannersdk.js") {
            let id = script
                .domain_script
                .clone()
                .or_else(|| query_param(src, "did"))
                .unwrap_or_default();
            let id = id.trim().to_ascii_lowercase();
            let (Some(base), true) = (onetrust::data_base(src), onetrust::is_domain_id(&id)) else {
                continue;
            };
            if found.iter().any(|f| f.platform == Platform::OneTrust) {
                continue;
            }
            found.push(PlatformSource {
                candidate: Candidate {
                    url: onetrust::rule_set_url(&base, &id),
                    kind: SourceKind::ConsentPlatform,
                },
                platform: Platform::OneTrust,
                language: language_of(script),
                base,
                id,
            });
            continue;
        }
        let cookiebot_host = host_of_url(src)
            .map(str::to_ascii_lowercase)
            .filter(|h| h == "consent.cookiebot.com" || h == "consent.cookiebot.eu");
        let in_path = || {
            let path = src.split(['?', '#']).next().unwrap_or("");
            let mut parts = path.rsplit('/');
            let file = parts.next().unwrap_or("");
            let id = parts.next().unwrap_or("");
            (file == "cc.js" || file == "cd.js").then(|| id.to_owned())
        };
        let cbid = script
            .cbid
            .clone()
            .or_else(|| query_param(src, "cbid"))
            .or_else(|| cookiebot_host.as_ref().and_then(|_| in_path()));
        let Some(cbid) = cbid.map(|c| c.trim().to_ascii_lowercase()) else {
            continue;
        };
        if cookiebot_host.is_none() && script.id != "Cookiebot" && script.cbid.is_none() {
            continue;
        }
        if !cookiebot::is_cbid(&cbid) || found.iter().any(|f| f.platform == Platform::Cookiebot) {
            continue;
        }
        let eu = cookiebot_host.as_deref() == Some("consent.cookiebot.eu");
        let language = language_of(script);
        found.push(PlatformSource {
            candidate: Candidate {
                url: cookiebot::declaration_url(&cbid, &page_host, &language, eu),
                kind: SourceKind::ConsentPlatform,
            },
            platform: Platform::Cookiebot,
            language,
            base: String::new(),
            id: cbid,
        });
    }
    found
}

/// The value of query parameter `name` in `url`, if any (not percent-decoded: ids are plain).
fn query_param(url: &str, name: &str) -> Option<String> {
    let query = url.split_once('?')?.1.split('#').next()?;
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        (key == name).then(|| value.to_owned())
    })
}
