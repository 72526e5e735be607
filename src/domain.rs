//! Hostnames and sites: [`Host`] (a checked hostname) and [`Site`] (a registrable domain, eTLD+1,
//! found through the bundled Public Suffix List, [`crate::suffix`]).
//!
//! This module owns every rule about which domain covers which. It knows nothing about cookies
//! or policies beyond plain strings.

use serde::Serialize;
use std::fmt;
use thiserror::Error;

/// Why a string is not a hostname a policy may name.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum HostError {
    /// The string is empty.
    #[error("expected a hostname, found an empty string")]
    Empty,
    /// A URL was given where a hostname belongs.
    #[error("expected a hostname such as example.com, found a URL {0:?}")]
    Url(String),
    /// The string has a path, query or fragment.
    #[error("expected a hostname such as example.com, found a path in {0:?}")]
    Path(String),
    /// The string has a port.
    #[error("expected a hostname without a port, found {0:?}")]
    Port(String),
    /// An IP address: policies name domains, never addresses.
    #[error("expected a hostname, found an IP address {0:?}")]
    IpAddress(String),
    /// Not ASCII: internationalised names must be written in punycode.
    #[error("expected a hostname in ASCII (punycode, xn--...), found {0:?}")]
    NotAscii(String),
    /// A label is empty, too long or has characters a hostname cannot have.
    #[error("{0:?} is not a valid hostname")]
    Invalid(String),
    /// The name is a public suffix such as `com` or `co.uk`: it would cover unrelated sites.
    #[error("{0:?} is a public suffix, which would cover every site under it")]
    PublicSuffix(String),
}

/// A checked, lowercase hostname without a leading or trailing dot, such as `www.kaltiot.com`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Host(String);

/// A host is looked up in a set by its text (the derived order and equality are the text's).
impl std::borrow::Borrow<str> for Host {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl Host {
    /// Checks `text` as a hostname a policy may name: no scheme, path, port or IP address, ASCII
    /// labels of letters, digits, `-` and `_`, and not a public suffix. A leading dot (cookie
    /// domain style) and a trailing dot are dropped; letters are lowercased.
    pub fn parse(text: &str) -> Result<Host, HostError> {
        let host = normalize(text)?;
        if is_ip_address(&host) {
            return Err(HostError::IpAddress(text.to_owned()));
        }
        if crate::suffix::registrable_domain(&host).is_none() {
            return Err(HostError::PublicSuffix(host));
        }
        Ok(Host(host))
    }

    /// The hostname as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A host from text already known to be a checked, lowercase hostname (a parent of a
    /// checked host, say), for look-ups.
    pub(crate) fn from_checked(text: &str) -> Host {
        Host(text.to_owned())
    }

    /// Whether this host is `other` or a subdomain of it (`www.a.com` is covered by `a.com`).
    pub fn is_covered_by(&self, other: &str) -> bool {
        domain_covers(other, &self.0)
    }
}

impl fmt::Display for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A site: the registrable domain (eTLD+1) of a host, such as `kaltiot.com` for
/// `www.kaltiot.com`. A host with no registrable domain (an IP address, `localhost`) is its own
/// site.
///
/// A `Site` is always one: it is made only by [`Site::of_host`], [`Site::of_url`],
/// [`Site::parse`] and [`Site::parse_registrable`], and deserialising one checks it like
/// [`Site::parse`], so a stored record, a message or a key cannot carry a host or garbage
/// where a site belongs.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Site(String);

impl<'de> serde::Deserialize<'de> for Site {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Site::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "expected a site (a registrable domain such as example.com), found {:?}",
                text.chars().take(80).collect::<String>()
            ))
        })
    }
}

impl Site {
    /// `text` if it is exactly a site as [`Site::of_host`] gives it (lowercase, no leading or
    /// trailing dot, the registrable domain itself), else `None`: for stored keys and messages,
    /// where anything else is damage or forgery.
    pub fn parse(text: &str) -> Option<Site> {
        Site::of_host(text).filter(|site| site.0 == text)
    }

    /// The site of a host name, as found in a URL or a cookie's domain (a leading dot is
    /// ignored). Returns `None` for text that is not a host name at all.
    pub fn of_host(host: &str) -> Option<Site> {
        let host = normalize(host).ok()?;
        if is_ip_address(&host) {
            return Some(Site(host));
        }
        match crate::suffix::registrable_domain(&host) {
            Some(domain) => Some(Site(domain.to_owned())),
            None => Some(Site(host)),
        }
    }

    /// The site of a URL such as `https://www.kaltiot.com/path` (as in a cookie's
    /// `partitionKey.topLevelSite`). Returns `None` when the URL has no host.
    pub fn of_url(url: &str) -> Option<Site> {
        Site::of_host(host_of_url(url)?)
    }

    /// Checks that `text` is itself a registrable domain, as a policy's `site` must be.
    pub fn parse_registrable(text: &str) -> Result<Site, SiteError> {
        let host = Host::parse(text).map_err(SiteError::Host)?;
        let site = Site::of_host(host.as_str())
            .ok_or_else(|| SiteError::Host(HostError::Invalid(text.into())))?;
        if site.0 != host.0 {
            return Err(SiteError::NotRegistrable {
                found: host.0,
                registrable: site.0,
            });
        }
        Ok(site)
    }

    /// The site as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `host` (a leading dot is ignored) belongs to this site.
    pub fn covers(&self, host: &str) -> bool {
        domain_covers(&self.0, host.trim_start_matches('.'))
    }
}

impl fmt::Display for Site {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Why text is not a registrable domain.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SiteError {
    /// Not a hostname at all.
    #[error(transparent)]
    Host(HostError),
    /// A subdomain was given where the registrable domain belongs.
    #[error("expected a registrable domain such as {registrable}, found {found}")]
    NotRegistrable {
        /// The text as given.
        found: String,
        /// Its registrable domain.
        registrable: String,
    },
}

/// The host of a URL: what stands between `scheme://` (and any `user@`) and the first `/`, `?`,
/// `#` or `:port`. Returns `None` when there is none.
pub fn host_of_url(url: &str) -> Option<&str> {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    let host = if authority.starts_with('[') {
        authority.split_inclusive(']').next()?
    } else {
        authority.split(':').next()?
    };
    (!host.is_empty()).then_some(host)
}

/// The path of a URL with its query: from the first `/` after the authority (`/` when there is
/// none).
pub fn path_of_url(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.find('/').map_or("/", |i| &rest[i..])
}

/// Whether domain `outer` covers `inner`: they are equal, or `inner` ends with `.outer`.
/// Both are expected lowercase without leading dots.
pub fn domain_covers(outer: &str, inner: &str) -> bool {
    inner == outer
        || (inner.len() > outer.len()
            && inner.ends_with(outer)
            && inner.as_bytes()[inner.len() - outer.len() - 1] == b'.')
}

fn normalize(text: &str) -> Result<String, HostError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(HostError::Empty);
    }
    if trimmed.contains("://") {
        return Err(HostError::Url(text.to_owned()));
    }
    if trimmed.contains(['/', '?', '#']) {
        return Err(HostError::Path(text.to_owned()));
    }
    if !trimmed.is_ascii() {
        return Err(HostError::NotAscii(text.to_owned()));
    }
    if trimmed.starts_with('[') || trimmed.matches(':').count() > 1 {
        return Err(HostError::IpAddress(text.to_owned()));
    }
    if trimmed.contains(':') {
        return Err(HostError::Port(text.to_owned()));
    }
    let host = trimmed.strip_prefix('.').unwrap_or(trimmed);
    let host = host.strip_suffix('.').unwrap_or(host).to_ascii_lowercase();
    let valid_label = |label: &str| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    if host.len() > 253 || !host.split('.').all(valid_label) {
        return Err(HostError::Invalid(text.to_owned()));
    }
    Ok(host)
}

fn is_ip_address(host: &str) -> bool {
    host.parse::<std::net::Ipv4Addr>().is_ok()
        || host.bytes().all(|b| b.is_ascii_digit() || b == b'.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_checked_and_normalised() {
        let cases: &[(&str, Result<&str, &str>)] = &[
            ("googletagmanager.com", Ok("googletagmanager.com")),
            ("WWW.Example.COM.", Ok("www.example.com")),
            (".doubleclick.net", Ok("doubleclick.net")),
            ("https://tracker.com", Err("found a URL")),
            ("tracker.com/pixel", Err("found a path")),
            ("tracker.com:8080", Err("without a port")),
            ("192.168.1.1", Err("IP address")),
            ("[::1]", Err("IP address")),
            ("bücher.de", Err("punycode")),
            ("com", Err("public suffix")),
            ("co.uk", Err("public suffix")),
            ("bad..name", Err("not a valid hostname")),
            ("-bad.com", Err("not a valid hostname")),
            ("", Err("empty")),
        ];
        for (input, expected) in cases {
            match (Host::parse(input), expected) {
                (Ok(host), Ok(want)) => assert_eq!(host.as_str(), *want, "{input}"),
                (Err(err), Err(want)) => {
                    assert!(err.to_string().contains(want), "{input}: {err}")
                }
                (got, want) => panic!("{input}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn sites_are_registrable_domains() {
        let cases = [
            ("www.kaltiot.com", "kaltiot.com"),
            (".kaltiot.com", "kaltiot.com"),
            ("a.b.example.co.uk", "example.co.uk"),
            ("www.kaltiot.test", "kaltiot.test"),
            ("127.0.0.1", "127.0.0.1"),
            ("localhost", "localhost"),
        ];
        for (host, site) in cases {
            assert_eq!(
                Site::of_host(host).map(|s| s.0),
                Some(site.to_owned()),
                "{host}"
            );
        }
        assert_eq!(
            Site::of_url("https://www.kaltiot.com:8443/x?y").map(|s| s.0),
            Some("kaltiot.com".to_owned())
        );
    }

    #[test]
    fn sites_check_themselves_when_read() {
        let read = |json: &str| serde_json::from_str::<Site>(json).map_err(|e| e.to_string());
        assert_eq!(
            read(r#""kaltiot.com""#).map(|s| s.0),
            Ok("kaltiot.com".to_owned())
        );
        assert_eq!(
            read(r#""127.0.0.1""#).map(|s| s.0),
            Ok("127.0.0.1".to_owned())
        );
        for forged in [
            r#""www.kaltiot.com""#,
            r#""KALTIOT.COM""#,
            r#"".kaltiot.com""#,
            r#""https://kaltiot.com""#,
            r#""not a site""#,
            r#""""#,
        ] {
            let err = read(forged).err().unwrap_or_default();
            assert!(err.contains("expected a site"), "{forged}: {err}");
        }
        let map: Result<std::collections::BTreeMap<Site, u32>, _> =
            serde_json::from_str(r#"{"kaltiot.com": 1, "a.b.kaltiot.com": 2}"#);
        assert!(map.is_err(), "a forged key is refused");
    }

    #[test]
    fn a_policy_site_must_be_registrable() {
        assert!(Site::parse_registrable("kaltiot.com").is_ok());
        let err = Site::parse_registrable("www.kaltiot.com").err();
        assert_eq!(
            err.map(|e| e.to_string()),
            Some("expected a registrable domain such as kaltiot.com, found www.kaltiot.com".into())
        );
    }

    #[test]
    fn coverage_respects_label_boundaries() {
        assert!(domain_covers("a.com", "a.com"));
        assert!(domain_covers("a.com", "x.a.com"));
        assert!(!domain_covers("a.com", "xa.com"));
        assert!(!domain_covers("x.a.com", "a.com"));
    }
}
