//! Guesses that are evidence, not coincidence: on a site without a policy (and for cookies a
//! policy leaves out), a cookie is deleted by a guess only when the known-cookie table is
//! evidence of what it is. Measured with a corpus checked into
//! `tests/fixtures/cookie-corpus/`: session, login, security, load-balancer and preference
//! cookies of widespread frameworks, shops, identity providers and CDNs (none may be deleted)
//! and distinctive tracker cookies (which should be).

mod common;

use common::fixtures;
use cookie_warden::decide::{decide, Context, Cookie, SitePolicy, Verdict};
use cookie_warden::domain::Site;
use cookie_warden::known::KnownCookies;
use cookie_warden::policy::{self, CompiledPolicy};
use cookie_warden::prefs::Preferences;

/// 2026-12-01.
const NOW: u64 = 1_796_083_200;

/// The corpus file's names (a `*` filled in, as a site would name the cookie), who sets them,
/// and, for a platform's own login cookie, the platform's site.
fn corpus(file: &str) -> Vec<(String, String, Option<String>)> {
    let text = std::fs::read_to_string(fixtures().join("cookie-corpus").join(file))
        .unwrap_or_else(|e| panic!("{file}: {e}"));
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let mut cells = l.split('\t');
            let name = cells.next().unwrap_or_default().trim();
            let who = cells.next().unwrap_or_default().trim().to_owned();
            let own_site = cells
                .nth(1)
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty());
            let name = name
                .replace("<32-hex>", "3f2a9c0b7d1e4f6a8b2c9d0e1f3a5b7c")
                .replace('*', "k3x9");
            (name, who, own_site)
        })
        .collect()
}

fn cookie(name: &str, domain: &str) -> Cookie {
    Cookie {
        name: name.into(),
        domain: domain.into(),
        path: "/".into(),
        expiration_date: Some((NOW + 86_400 * 30) as f64),
        store_id: "0".into(),
        ..Cookie::default()
    }
}

fn site(name: &str) -> Site {
    Site::parse(name).unwrap_or_else(|| panic!("{name}"))
}

/// Every way a keep cookie can be met: a site's own cookie (host-only and domain-wide) on a site
/// without a policy and left out by a site's policy; a platform's login cookie on the
/// platform's own site, the only place it is set.
fn decisions_for(name: &str, own_site: Option<&str>) -> Vec<(String, Verdict)> {
    let prefs = Preferences::default();
    let known = KnownCookies::bundled();
    let home = site(own_site.unwrap_or("example.com"));
    let empty = CompiledPolicy::new(
        policy::parse(
            format!(r#"{{"version": 1, "site": "{home}", "services": []}}"#).as_bytes(),
            None,
        )
        .ok()
        .and_then(|d| d.valid_policy().cloned())
        .unwrap_or_else(|| panic!("empty policy")),
    );
    let mut out = Vec::new();
    for domain in [format!("www.{home}"), format!(".{home}")] {
        for (how, policy) in [
            ("no policy", SitePolicy::None),
            ("undeclared", SitePolicy::Declared(&empty)),
        ] {
            let ctx = Context {
                site: &home,
                policy,
                prefs: &prefs,
                known,
            };
            let d = decide(&cookie(name, &domain), &ctx, NOW);
            out.push((format!("{domain} {how}"), d.verdict));
        }
    }
    out
}

#[test]
fn no_session_login_or_security_cookie_is_deleted_by_a_guess() {
    let keep = corpus("keep.tsv");
    assert!(keep.len() >= 300, "{} names", keep.len());
    let mut wrong = Vec::new();
    for (name, who, own_site) in &keep {
        for (how, verdict) in decisions_for(name, own_site.as_deref()) {
            if verdict == Verdict::Delete {
                wrong.push(format!("{name} ({who}) {how}"));
            }
        }
    }
    println!(
        "corpus: {} session/login/security cookie names, {} deleted by a guess",
        keep.len(),
        wrong.len()
    );
    assert_eq!(wrong, Vec::<String>::new(), "deleted by a guess");
}

#[test]
fn distinctive_tracker_cookies_are_caught() {
    let trackers = corpus("trackers.tsv");
    let prefs = Preferences::default();
    let example = site("example.com");
    let ctx = Context {
        site: &example,
        policy: SitePolicy::None,
        prefs: &prefs,
        known: KnownCookies::bundled(),
    };
    let caught: Vec<&str> = trackers
        .iter()
        .filter(|(name, _, _)| {
            decide(&cookie(name, ".example.com"), &ctx, NOW).verdict == Verdict::Delete
        })
        .map(|(name, _, _)| name.as_str())
        .collect();
    let missed: Vec<&str> = trackers
        .iter()
        .map(|(name, _, _)| name.as_str())
        .filter(|n| !caught.contains(n))
        .collect();
    println!(
        "corpus: {} tracker cookie names, {} caught by a guess; missed: {}",
        trackers.len(),
        caught.len(),
        missed.join(" ")
    );
    for name in ["_ga", "_fbp", "_gcl_au", "_uetvid", "hubspotutk"] {
        assert!(caught.contains(&name), "{name} is not caught");
    }
    assert!(
        caught.len() * 10 >= trackers.len() * 6,
        "only {} of {} caught",
        caught.len(),
        trackers.len()
    );
}

/// The cases the issue names, and why each is or is not evidence.
#[test]
fn generic_names_and_short_prefixes_are_no_evidence() {
    use cookie_warden::known::{Evidence, NoEvidence};
    let known = KnownCookies::bundled();
    let cases: &[(&str, &str, &str, Option<NoEvidence>)] = &[
        (
            "sessionid",
            ".example.com",
            "example.com",
            Some(NoEvidence::GenericName),
        ),
        (
            "_session_id",
            "www.example.com",
            "example.com",
            Some(NoEvidence::ShortPrefix),
        ),
        (
            "SID",
            ".google.com",
            "google.com",
            Some(NoEvidence::ShortName),
        ),
        (
            "SAPISID",
            ".google.com",
            "google.com",
            Some(NoEvidence::PlatformsOwnSite),
        ),
        (
            "SAPISID",
            ".google.fi",
            "google.fi",
            Some(NoEvidence::PlatformsOwnSite),
        ),
        (
            "SAPISID",
            ".youtube.com",
            "youtube.com",
            Some(NoEvidence::PlatformsOwnSite),
        ),
        (
            "twid",
            ".x.com",
            "x.com",
            Some(NoEvidence::PlatformsOwnSite),
        ),
        (
            "svSession",
            "www.example.com",
            "example.com",
            Some(NoEvidence::GenericName),
        ),
        (
            "_tracking_consent",
            ".example.com",
            "example.com",
            Some(NoEvidence::GenericName),
        ),
        ("_ga", ".example.com", "example.com", None),
        ("_fbp", ".example.com", "example.com", None),
        (
            "IDE",
            ".doubleclick.net",
            "example.com",
            Some(NoEvidence::ShortName),
        ),
    ];
    for (name, domain, decided_for, expected) in cases {
        let s = site(decided_for);
        let got = match known.evidence(name, domain, &s) {
            Evidence::Specific(_) => None,
            Evidence::NotEvidence { why, .. } => Some(why),
            Evidence::Unknown => panic!("{name} is in the table"),
        };
        assert_eq!(got, *expected, "{name} on {domain} for {decided_for}");
    }
}
