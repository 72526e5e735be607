// Benchmarks: setup that fails should stop the run loudly, so unwrap/expect are fine here, and
// criterion's macros generate undocumented items.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

//! Engine benchmarks: parsing (parse + validate + compile), decisions per second, tracker-block
//! planning and known-cookie lookups. Run with `cargo bench --bench engine` (or
//! `scripts/bench.sh`).

use cookie_warden::block::{plan, RuleBook};
use cookie_warden::decide::{decide, Context, Cookie, SitePolicy};
use cookie_warden::domain::Site;
use cookie_warden::known::KnownCookies;
use cookie_warden::policy::{self, CategoryId, CompiledPolicy, Policy};
use cookie_warden::prefs::{Choice, Preferences};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::fmt::Write as _;
use std::hint::black_box;
use std::time::Duration;

/// A fixed "now" (seconds since the Unix epoch): 2025-06-15.
const NOW: u64 = 1_750_000_000;

/// The seed policy shipped in `examples/`.
const KALTIOT: &[u8] = include_bytes!("../examples/kaltiot.cookie-policy.json");

/// Decisions per iteration of the `decide/generated-1000` benchmark.
const DECIDE_COOKIES: usize = 10_000;

const CATEGORIES: [&str; 4] = ["functional", "statistics", "marketing", "necessary"];

fn site(name: &str) -> Site {
    Site::parse_registrable(name).expect("a registrable site")
}

/// A policy for `example.com` with `services` services, each with 4 exact cookie names
/// (`svc{i}_c{j}`), 1 pattern (`svc{i}_p*`) and 3 third-party domains, categories cycling
/// through functional, statistics, marketing and necessary. Compact JSON, so 1,000 services stay
/// under the 512 KiB limit.
fn generated_policy_json(services: usize) -> Vec<u8> {
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
fn valid_policy(bytes: &[u8], site: &Site) -> Policy {
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
fn generated_cookies(services: usize, count: usize) -> Vec<Cookie> {
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

/// Preferences with a few overrides for `site`.
fn prefs_for(site: &Site) -> Preferences {
    let mut prefs = Preferences::default();
    prefs.set_category(site, CategoryId::Statistics, Some(Choice::Allow));
    prefs.set_service(site, "svc3", Some(Choice::Allow));
    prefs.set_service(site, "svc5", Some(Choice::Deny));
    prefs.set_service(site, "google-analytics-4", Some(Choice::Deny));
    prefs
}

fn bench_parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse");
    let kaltiot = site("kaltiot.com");
    valid_policy(KALTIOT, &kaltiot);
    group.throughput(Throughput::Bytes(KALTIOT.len() as u64));
    group.bench_function("kaltiot", |b| {
        b.iter(|| {
            let doc = policy::parse(black_box(KALTIOT), Some(&kaltiot)).unwrap();
            CompiledPolicy::new(doc.policy.unwrap())
        })
    });

    let example = site("example.com");
    for services in [100, 1000] {
        let bytes = generated_policy_json(services);
        let checked = valid_policy(&bytes, &example);
        assert_eq!(checked.services.len(), services);
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function(format!("generated-{services}"), |b| {
            b.iter(|| {
                let doc = policy::parse(black_box(&bytes), Some(&example)).unwrap();
                CompiledPolicy::new(doc.policy.unwrap())
            })
        });
    }
    group.finish();
}

fn bench_decide(c: &mut Criterion) {
    let mut group = c.benchmark_group("decide");
    let known = KnownCookies::bundled();
    assert!(
        !known.is_empty(),
        "the bundled known-cookie table must load"
    );

    // The 1,000-service policy.
    let example = site("example.com");
    let compiled = CompiledPolicy::new(valid_policy(&generated_policy_json(1000), &example));
    let prefs = prefs_for(&example);
    let cookies = generated_cookies(1000, DECIDE_COOKIES);
    let ctx = Context {
        site: &example,
        policy: SitePolicy::Declared(&compiled),
        prefs: &prefs,
        known,
    };
    group.throughput(Throughput::Elements(cookies.len() as u64));
    group.bench_function("generated-1000", |b| {
        b.iter(|| {
            for cookie in &cookies {
                black_box(decide(black_box(cookie), &ctx, NOW));
            }
        })
    });

    // The seed policy.
    let kaltiot = site("kaltiot.com");
    let kaltiot_policy = CompiledPolicy::new(valid_policy(KALTIOT, &kaltiot));
    let kaltiot_prefs = prefs_for(&kaltiot);
    let names = [
        "_ga",
        "_ga_ABC123XYZ",
        "_lfa",
        "_gid",
        "PHPSESSID",
        "wp-settings-1",
        "_ga_Q2W3E4",
    ];
    let kaltiot_cookies: Vec<Cookie> = (0..1000)
        .map(|k| {
            let domain = if k % 2 == 0 {
                ".kaltiot.com"
            } else {
                "www.kaltiot.com"
            };
            cookie(names[k % names.len()].to_owned(), domain, k)
        })
        .collect();
    let ctx = Context {
        site: &kaltiot,
        policy: SitePolicy::Declared(&kaltiot_policy),
        prefs: &kaltiot_prefs,
        known,
    };
    group.throughput(Throughput::Elements(kaltiot_cookies.len() as u64));
    group.bench_function("kaltiot", |b| {
        b.iter(|| {
            for cookie in &kaltiot_cookies {
                black_box(decide(black_box(cookie), &ctx, NOW));
            }
        })
    });

    // No policy: the known-cookie table decides.
    let names = [
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
    ];
    let plain_prefs = Preferences::default();
    let unknown_cookies: Vec<Cookie> = (0..1000)
        .map(|k| {
            let domain = if k % 2 == 0 {
                ".example.com"
            } else {
                "www.example.com"
            };
            cookie(names[k % names.len()].to_owned(), domain, k)
        })
        .collect();
    let ctx = Context {
        site: &example,
        policy: SitePolicy::None,
        prefs: &plain_prefs,
        known,
    };
    group.throughput(Throughput::Elements(unknown_cookies.len() as u64));
    group.bench_function("no-policy", |b| {
        b.iter(|| {
            for cookie in &unknown_cookies {
                black_box(decide(black_box(cookie), &ctx, NOW));
            }
        })
    });
    group.finish();
}

fn bench_block(c: &mut Criterion) {
    let mut group = c.benchmark_group("block");
    let example = site("example.com");
    let policy = valid_policy(&generated_policy_json(1000), &example);
    let prefs = prefs_for(&example);
    let once = plan(&policy, &prefs);
    assert!(
        !once.is_empty(),
        "the 1,000-service policy must block something"
    );
    group.bench_function("plan-1000", |b| {
        b.iter(|| {
            let planned = plan(black_box(&policy), black_box(&prefs));
            let mut book = RuleBook::default();
            book.update_site(&example, &planned, NOW)
        })
    });
    group.finish();
}

fn bench_known(c: &mut Criterion) {
    let mut group = c.benchmark_group("known");
    let known = KnownCookies::bundled();
    // Present exact names, prefix hits and misses, on a few domains.
    let names = [
        ("_ga", ".example.com"),
        ("_gid", "www.example.com"),
        ("CookieConsent", ".example.com"),
        ("_fbp", ".example.com"),
        ("_ga_ABC123", ".example.com"),
        ("_gat_gtag_UA_12345_1", "www.example.com"),
        ("AMCV_12345%40AdobeOrg", ".example.com"),
        ("CookieConsentBulkSetting-abc", ".cookiebot.com"),
        ("userlang_fi", "consent.cookiebot.com"),
        ("session_token", ".example.com"),
        ("zzz_not_a_cookie", "example.com"),
        ("", ""),
    ];
    let queries: Vec<(&str, &str)> = names.iter().copied().cycle().take(1200).collect();
    assert!(queries.iter().any(|(n, d)| known.lookup(n, d).is_some()));
    assert!(queries.iter().any(|(n, d)| known.lookup(n, d).is_none()));
    group.throughput(Throughput::Elements(queries.len() as u64));
    group.bench_function("lookup", |b| {
        b.iter(|| {
            for (name, domain) in &queries {
                black_box(known.lookup(black_box(name), black_box(domain)));
            }
        })
    });
    group.finish();
}

criterion_group! {
    name = engine;
    config = Criterion::default()
        .sample_size(20)
        .measurement_time(Duration::from_secs(2))
        .warm_up_time(Duration::from_millis(500));
    targets = bench_parse, bench_decide, bench_block, bench_known
}
criterion_main!(engine);
