//! The benchmark workload, shared by the native criterion benchmarks (`benches/engine.rs`) and
//! the same workload compiled to wasm (`tests/wasm_bench.rs`, run by `./run bench` in Node), so
//! the native/wasm ratio compares like with like. Included with `#[path]`, not a module of the
//! crate: it is test scaffolding, and panics on a broken set-up are what we want.

use cookie_warden::decide::{decide, Context, Cookie, SitePolicy, Verdict};
use cookie_warden::domain::Site;
use cookie_warden::known::KnownCookies;
use cookie_warden::policy::{self, CategoryId, CompiledPolicy, Policy};
use cookie_warden::prefs::{Choice, Preferences};
use std::fmt::Write as _;
use std::hint::black_box;

/// A fixed "now" (seconds since the Unix epoch): 2025-06-15.
pub const NOW: u64 = 1_750_000_000;

/// The seed policy shipped in `examples/`.
pub const KALTIOT: &[u8] = include_bytes!("../../examples/kaltiot.cookie-policy.json");

/// Cookies per decision set of a generated policy.
pub const DECIDE_COOKIES: usize = 10_000;

const CATEGORIES: [&str; 4] = ["functional", "statistics", "marketing", "necessary"];

/// A registrable site the workload relies on.
pub fn site(name: &str) -> Site {
    Site::parse_registrable(name).expect("a registrable site")
}

/// A policy for `example.com` with `services` services, each with 4 exact cookie names
/// (`svc{i}_c{j}`), 1 pattern (`svc{i}_p*`) and 3 third-party domains, categories cycling
/// through functional, statistics, marketing and necessary. Compact JSON, so 1,000 services stay
/// under the 512 KiB limit.
pub fn generated_policy_json(services: usize) -> Vec<u8> {
    let mut out = String::from(r#"{"version":1,"site":"example.com","services":["#);
    for i in 0..services {
        if i > 0 {
            out.push(',');
        }
        let category = CATEGORIES[i % CATEGORIES.len()];
        write!(
            out,
            r#"{{"id":"svc{i}","name":"Service {i}","category":"{category}","domains":["t{i}-a.tracker{i}.net","t{i}-b.tracker{i}.net","cdn{i}.tracker{i}.org"],"storage":["#
        )
        .unwrap();
        for j in 0..4 {
            write!(out, r#"{{"name":"svc{i}_c{j}","maxAgeSeconds":86400}},"#).unwrap();
        }
        write!(out, r#"{{"name":"svc{i}_p*","maxAgeSeconds":0}}]}}"#).unwrap();
    }
    out.push_str("]}");
    out.into_bytes()
}

/// Parses and checks a document that the benchmarks rely on being valid.
pub fn valid_policy(bytes: &[u8], site: &Site) -> Policy {
    assert!(
        bytes.len() <= policy::parse::limits::MAX_BYTES,
        "generated policy is {} bytes, over the 512 KiB limit",
        bytes.len()
    );
    let doc = policy::parse(bytes, Some(site)).expect("the policy parses");
    assert!(
        doc.is_valid(),
        "the benchmark policy must be valid: {:?}",
        doc.errors().collect::<Vec<_>>()
    );
    doc.policy.expect("a valid document has a policy")
}

fn cookie(name: String, domain: &str, i: usize) -> Cookie {
    let session = i % 3 == 0;
    Cookie {
        name,
        domain: domain.to_owned(),
        host_only: !domain.starts_with('.'),
        path: "/".to_owned(),
        secure: true,
        session,
        expiration_date: (!session).then_some((NOW + 86_400) as f64),
        store_id: "0".to_owned(),
        ..Cookie::default()
    }
}

/// Cookies of `example.com` against the generated policy: exact-name hits, pattern hits and
/// undeclared misses, in roughly equal thirds.
pub fn generated_cookies(services: usize, count: usize) -> Vec<Cookie> {
    (0..count)
        .map(|k| {
            let i = (k * 7919) % services;
            let domain = if k % 2 == 0 {
                ".example.com"
            } else {
                "www.example.com"
            };
            let name = match k % 3 {
                0 => format!("svc{i}_c{}", k % 4),
                1 => format!("svc{i}_p{k:x}"),
                _ => format!("undeclared_{k}"),
            };
            cookie(name, domain, k)
        })
        .collect()
}

/// `count` cookies cycling through `names`, half on the site's apex domain, half host-only.
fn named_cookies(names: &[&str], site: &str, count: usize) -> Vec<Cookie> {
    (0..count)
        .map(|k| {
            let domain = if k % 2 == 0 {
                format!(".{site}")
            } else {
                format!("www.{site}")
            };
            cookie(names[k % names.len()].to_owned(), &domain, k)
        })
        .collect()
}

/// Preferences with a few overrides for `site`.
pub fn prefs_for(site: &Site) -> Preferences {
    let mut prefs = Preferences::default();
    prefs.set_category(site, CategoryId::Statistics, Some(Choice::Allow));
    prefs.set_service(site, "svc3", Some(Choice::Allow));
    prefs.set_service(site, "svc5", Some(Choice::Deny));
    prefs.set_service(site, "google-analytics-4", Some(Choice::Deny));
    prefs
}

/// One decision workload: a site, its policy (if any), the visitor's preferences and the
/// cookies to decide.
pub struct DecisionSet {
    /// The benchmark's name, e.g. `generated-1000`.
    pub name: &'static str,
    site: Site,
    policy: Option<CompiledPolicy>,
    prefs: Preferences,
    /// The cookies decided per run.
    pub cookies: Vec<Cookie>,
}

impl DecisionSet {
    /// Decides every cookie once; returns how many were deleted (so the work is not optimised
    /// away, and a broken set-up shows as 0).
    pub fn run(&self, known: &KnownCookies) -> usize {
        let ctx = Context {
            site: &self.site,
            policy: match &self.policy {
                Some(policy) => SitePolicy::Declared(policy),
                None => SitePolicy::None,
            },
            prefs: &self.prefs,
            known,
        };
        self.cookies
            .iter()
            .filter(|cookie| decide(black_box(cookie), &ctx, NOW).verdict == Verdict::Delete)
            .count()
    }
}

/// The decision workloads: generated 100- and 1,000-service policies, the seed policy, and a
/// site with no policy (the known-cookie table decides).
pub fn decision_sets() -> Vec<DecisionSet> {
    let example = site("example.com");
    let kaltiot = site("kaltiot.com");
    let mut sets = Vec::new();
    for (name, services) in [("generated-100", 100), ("generated-1000", 1000)] {
        sets.push(DecisionSet {
            name,
            policy: Some(CompiledPolicy::new(valid_policy(
                &generated_policy_json(services),
                &example,
            ))),
            prefs: prefs_for(&example),
            cookies: generated_cookies(services, DECIDE_COOKIES),
            site: example.clone(),
        });
    }
    sets.push(DecisionSet {
        name: "kaltiot",
        policy: Some(CompiledPolicy::new(valid_policy(KALTIOT, &kaltiot))),
        prefs: prefs_for(&kaltiot),
        cookies: named_cookies(
            &[
                "_ga",
                "_ga_ABC123XYZ",
                "_lfa",
                "_gid",
                "PHPSESSID",
                "wp-settings-1",
                "_ga_Q2W3E4",
            ],
            "kaltiot.com",
            1000,
        ),
        site: kaltiot,
    });
    sets.push(DecisionSet {
        name: "no-policy",
        policy: None,
        prefs: Preferences::default(),
        cookies: named_cookies(
            &[
                "_ga",
                "_ga_ABC123",
                "_gid",
                "_fbp",
                "CookieConsent",
                "AMCV_12345%40AdobeOrg",
                "_gat_gtag_UA_1",
                "session_token",
                "my_unknown_cookie",
                "x",
            ],
            "example.com",
            1000,
        ),
        site: example,
    });
    sets
}
