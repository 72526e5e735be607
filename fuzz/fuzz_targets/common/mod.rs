//! Checks shared by the policy targets: what must hold for any document the parser returns.
//!
//! Everything downstream of `policy::parse` (compiling, look-ups, decisions, audits, blocking
//! plans, the popup's view) must not panic on any policy the parser accepted, and a few
//! properties can be checked exactly:
//! - `CompiledPolicy::lookup` agrees with a brute-force scan that applies the format's rule
//!   (exact beats pattern, longer literal beats shorter, then document order);
//! - every declared entry is found for a name it matches on its own domain;
//! - a valid policy, serialised (what `cookie-warden convert` prints), parses back valid and
//!   equal.

#![allow(dead_code)]

use cookie_warden::audit::{audit_cookie, audit_declaration};
use cookie_warden::block::{self, RuleBook};
use cookie_warden::decide::{decide, Context, Cookie, PartitionKey, SitePolicy};
use cookie_warden::domain::{domain_covers, Site};
use cookie_warden::known::KnownCookies;
use cookie_warden::policy::{
    self, CategoryId, CompiledPolicy, Document, DocumentKind, Policy, PolicyError, StorageEntry,
    StorageType,
};
use cookie_warden::prefs::{Choice, Preferences};
use cookie_warden::view::{site_view, to_text, PolicyState, ViewInput};
use std::collections::BTreeMap;

/// `now` values: a real date, the epoch and the far end of `u64`.
const NOWS: [u64; 3] = [1_795_910_400, 0, u64::MAX];

/// At most this many entries are looked up / turned into cookies, so one input stays fast.
const MAX_ENTRIES_CHECKED: usize = 64;

/// The site every target expects (`Some(&site)` runs).
pub fn example_site() -> Site {
    match Site::parse_registrable("example.com") {
        Ok(site) => site,
        Err(e) => panic!("example.com must be registrable: {e}"),
    }
}

/// Parses `bytes` both without and with an expected site and checks each result.
pub fn parse_and_check(bytes: &[u8]) {
    let site = example_site();
    let now = NOWS[bytes.len() % NOWS.len()];
    for expected in [None, Some(&site)] {
        match policy::parse(bytes, expected) {
            Ok(document) => check_document(&document, expected, now),
            Err(e) => {
                // Hard failures must still print and serialise.
                let _ = e.to_string();
                let _ = serde_json::to_string(&e);
            }
        }
    }
}

/// Everything that must hold for a document the parser returned.
pub fn check_document(document: &Document, expected: Option<&Site>, now: u64) {
    for d in &document.diagnostics {
        let _ = d.to_string();
    }
    if let Err(e) = serde_json::to_string(document) {
        panic!("a parsed document must serialise: {e}");
    }
    let _ = document.errors().count();
    let Some(policy) = &document.policy else {
        return;
    };
    if let Some(expected) = expected {
        if document.is_valid() {
            assert_eq!(
                &policy.site, expected,
                "a valid document must be for the expected site"
            );
        }
    }
    let compiled = CompiledPolicy::new(policy.clone());
    check_lookups(&compiled);
    exercise_engine(document, &compiled, now);
    if document.is_valid() {
        check_round_trip(document, policy);
    }
}

/// Every storage entry, with where it stands.
fn entries(policy: &Policy) -> impl Iterator<Item = (usize, usize, &StorageEntry)> {
    policy.services.iter().enumerate().flat_map(|(s, service)| {
        service
            .storage
            .iter()
            .enumerate()
            .map(move |(e, entry)| (s, e, entry))
    })
}

/// The format's rule, by brute force: the entry of `kind` whose pattern matches `name` and whose
/// domain (or the site) covers `domain`, most specific first, then first in the document.
pub fn reference_lookup<'a>(
    policy: &'a Policy,
    name: &str,
    domain: &str,
    kind: StorageType,
) -> Option<(usize, usize, &'a StorageEntry)> {
    let domain = domain.trim_start_matches('.');
    let mut best: Option<(usize, usize, &StorageEntry)> = None;
    for (s, e, entry) in entries(policy) {
        let home = entry
            .domain
            .as_ref()
            .map_or(policy.site.as_str(), |d| d.as_str());
        if entry.kind != kind || !domain_covers(home, domain) || !entry.name.matches(name) {
            continue;
        }
        best = match best {
            Some(current) if !entry.name.specificity_cmp(&current.2.name).is_lt() => Some(current),
            _ => Some((s, e, entry)),
        };
    }
    best
}

/// Compares the index with the brute-force rule, for names built from the declared patterns.
pub fn check_lookups(compiled: &CompiledPolicy) {
    let policy = compiled.policy();
    let all: Vec<_> = entries(policy).take(MAX_ENTRIES_CHECKED).collect();
    for &(_, _, entry) in &all {
        let home = entry
            .domain
            .as_ref()
            .map_or(policy.site.as_str(), |d| d.as_str())
            .to_owned();
        let literal: String = entry.name.as_str().replace('*', "");
        // The pattern with its wildcards matching nothing must match, on its own domain.
        assert!(
            entry.name.matches(&literal),
            "{:?} does not match its own literal text {literal:?}",
            entry.name.as_str()
        );
        assert!(
            entry.name.matches(entry.name.as_str()),
            "{:?} does not match itself",
            entry.name.as_str()
        );
        let names = [
            literal.clone(),
            entry.name.as_str().to_owned(),
            format!("{literal}x"),
            format!("x{literal}"),
            entry.name.as_str().replace('*', "\u{e9}*"),
        ];
        let domains = [
            home.clone(),
            format!(".{home}"),
            format!("sub.{home}"),
            "other.invalid".to_owned(),
        ];
        for name in &names {
            for domain in &domains {
                for kind in [entry.kind, StorageType::Cookie] {
                    let got = compiled.lookup(name, domain, kind);
                    let want = reference_lookup(policy, name, domain, kind);
                    match (got, want) {
                        (None, None) => {}
                        (Some(g), Some((_, _, w))) if std::ptr::eq(g.entry, w) => {
                            assert!(
                                g.service.storage.iter().any(|e| std::ptr::eq(e, g.entry)),
                                "declaration's service does not hold its entry"
                            );
                        }
                        (g, w) => panic!(
                            "lookup({name:?}, {domain:?}, {kind:?}) gave {:?}, the rule gives {:?}",
                            g.map(|d| d.entry.name.as_str()),
                            w.map(|(s, e, x)| (s, e, x.name.as_str()))
                        ),
                    }
                }
            }
        }
        // An entry is always found for its literal name on its own domain.
        assert!(
            compiled.lookup(&literal, &home, entry.kind).is_some(),
            "{:?} on {home}: declared but not found",
            entry.name.as_str()
        );
    }
}

/// Decisions, audits, blocking and the popup view for cookies made from the declaration.
fn exercise_engine(document: &Document, compiled: &CompiledPolicy, now: u64) {
    let policy = compiled.policy();
    let site = &policy.site;
    let known = KnownCookies::bundled();
    let mut cookies: Vec<Cookie> = Vec::new();
    for (i, (_, _, entry)) in entries(policy).take(MAX_ENTRIES_CHECKED).enumerate() {
        let domain = entry
            .domain
            .as_ref()
            .map_or_else(|| format!(".{site}"), |d| d.as_str().to_owned());
        let age = entry.max_age_seconds.unwrap_or(0);
        cookies.push(Cookie {
            name: entry.name.as_str().replace('*', "1"),
            domain,
            host_only: i % 2 == 0,
            path: "/".into(),
            secure: i % 3 == 0,
            session: age == 0,
            expiration_date: (age > 0).then(|| now as f64 + (age as f64) * 2.0),
            store_id: "0".into(),
            partition_key: (i % 5 == 4).then(|| PartitionKey {
                top_level_site: Some(format!("https://{site}")),
            }),
            first_party_domain: None,
        });
    }
    cookies.push(Cookie {
        name: "_ga".into(),
        domain: format!(".{site}"),
        expiration_date: Some(f64::INFINITY),
        ..Cookie::default()
    });

    let mut allow_all = Preferences::default();
    for category in [
        CategoryId::Functional,
        CategoryId::Statistics,
        CategoryId::Marketing,
    ] {
        allow_all.set_category(site, category, Some(Choice::Allow));
    }
    if let Some(service) = policy.services.first() {
        allow_all.set_service(site, &service.id, Some(Choice::Deny));
    }
    let mut paused = Preferences::default();
    paused.set_paused(site, true);

    let warnings: Vec<_> = document.diagnostics.clone();
    let deletions: BTreeMap<String, u32> = cookies.iter().map(|c| (c.name.clone(), 1)).collect();
    for prefs in [&Preferences::default(), &allow_all, &paused] {
        let ctx = Context {
            site,
            policy: SitePolicy::Declared(compiled),
            prefs,
            known,
        };
        for cookie in &cookies {
            let decision = decide(cookie, &ctx, now);
            let _ = decision.reason.to_string();
            let _ = cookie.owner_site();
            let _ = cookie.url();
            let _ = audit_cookie(cookie, compiled, known, now);
        }
        let plan = block::plan(policy, prefs);
        let rules = block::site_rules(site, 7, &plan);
        let mut book = RuleBook::default();
        let first = book.update_site(site, &plan, now);
        let again = book.update_site(site, &plan, now);
        assert_eq!(
            first.add_rules.len(),
            rules.len(),
            "a fresh rule book adds the site's rules"
        );
        for update in [&first, &again] {
            for rule in &update.add_rules {
                assert!(
                    update.remove_rule_ids.contains(&rule.id),
                    "a rule update must remove the ids it adds (rule {})",
                    rule.id
                );
            }
        }
        for language in ["en", "fi-FI"] {
            let state = if document.is_valid() {
                PolicyState::Declared {
                    policy: compiled,
                    url: "https://example.com/.well-known/cookie-policy.json",
                    kind: document.kind,
                    warnings: &warnings,
                }
            } else {
                PolicyState::Invalid {
                    url: "https://example.com/.well-known/cookie-policy.json",
                    diagnostics: &warnings,
                }
            };
            let view = site_view(&ViewInput {
                site,
                policy: state,
                prefs,
                known,
                cookies: &cookies,
                deletions: &deletions,
                activity: None,
                language,
                now,
            });
            let _ = to_text(&view);
            if let Err(e) = serde_json::to_string(&view) {
                panic!("a site view must serialise: {e}");
            }
        }
    }
    let _ = audit_declaration(policy, known, now);
}

/// A valid policy, serialised, is a valid version 1 document for the same site with the same
/// policy in it (this is what `cookie-warden convert` prints for a TCF file).
fn check_round_trip(document: &Document, policy: &Policy) {
    let bytes = match serde_json::to_vec(policy) {
        Ok(bytes) => bytes,
        Err(e) => panic!("a valid policy must serialise: {e}"),
    };
    let text = String::from_utf8_lossy(&bytes).into_owned();
    match policy::parse(&bytes, Some(&policy.site)) {
        // Serialising can make a document just under the limit a little larger.
        Err(PolicyError::TooLarge { .. }) => {}
        Err(e) => panic!(
            "{:?} policy, serialised, does not parse: {e}\n{text}",
            document.kind
        ),
        Ok(again) => {
            assert_eq!(again.kind, DocumentKind::CookiePolicy);
            let errors: Vec<String> = again.errors().map(|d| d.to_string()).collect();
            assert!(
                errors.is_empty(),
                "{:?} policy, serialised, is not valid: {errors:?}\n{text}",
                document.kind
            );
            assert!(
                again.policy.as_ref() == Some(policy),
                "{:?} policy, serialised and parsed again, differs:\n{text}\n{:#?}\nvs\n{:#?}",
                document.kind,
                again.policy,
                policy
            );
        }
    }
}
