// Benchmarks: setup that fails should stop the run loudly, so unwrap/expect are fine here, and
// criterion's macros generate undocumented items.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

//! Engine benchmarks: parsing (parse + validate + compile), decisions per second, tracker-block
//! planning and known-cookie lookups. Run with `cargo bench --bench engine` (or `./run bench`,
//! which also runs the same decision workload in wasm and the browser measurements).

#[path = "support/workload.rs"]
mod workload;

use cookie_warden::block::{plan, RuleBook};
use cookie_warden::known::KnownCookies;
use cookie_warden::policy::{self, CompiledPolicy};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;
use std::time::Duration;
use workload::{generated_policy_json, prefs_for, site, valid_policy, KALTIOT, NOW};

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
    for set in workload::decision_sets() {
        assert!(set.run(known) > 0, "{}: nothing would be deleted", set.name);
        group.throughput(Throughput::Elements(set.cookies.len() as u64));
        group.bench_function(set.name, |b| b.iter(|| black_box(set.run(known))));
    }
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
    // With the bundled tracker table, as the extension plans (known trackers the declaration
    // does not list follow the site's choices), and the mislabel check done when a record is
    // compiled.
    let trackers = cookie_warden::trackers::Trackers::bundled();
    group.bench_function("plan-for-1000-with-tracker-table", |b| {
        b.iter(|| {
            cookie_warden::block::plan_for(
                black_box(&example),
                Some(black_box(&policy)),
                black_box(&prefs),
                trackers,
            )
        })
    });
    group.bench_function("corrections-1000", |b| {
        b.iter(|| {
            cookie_warden::trackers::corrections(
                black_box(&policy),
                trackers,
                KnownCookies::bundled(),
            )
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

fn bench_suffix(c: &mut Criterion) {
    let mut group = c.benchmark_group("suffix");
    let hosts = [
        "www.kaltiot.com",
        "a.b.example.co.uk",
        "user.github.io",
        "t1-a.tracker1.net",
        "www.kaltiot.test",
        "shop.xn--55qx5d.cn",
        "deep.sub.domain.example.com.au",
        "b.c.kobe.jp",
    ];
    group.throughput(Throughput::Elements(hosts.len() as u64));
    group.bench_function("bundled-list", |b| {
        b.iter(|| {
            for host in &hosts {
                black_box(cookie_warden::suffix::registrable_domain(black_box(host)));
            }
        })
    });
    // The compiled-in matcher the bundled list replaced (kept as a dev-dependency), for scale.
    group.bench_function("psl-crate", |b| {
        b.iter(|| {
            for host in &hosts {
                black_box(psl::domain_str(black_box(host)));
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
    targets = bench_parse, bench_decide, bench_block, bench_known, bench_suffix
}
criterion_main!(engine);
