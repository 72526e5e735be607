//! Decisions as a table: one cookie, one set of choices, the verdict and its reason.

use cookie_warden::decide::{decide, Context, Cookie, PartitionKey, Reason, SitePolicy, Verdict};
use cookie_warden::domain::Site;
use cookie_warden::known::KnownCookies;
use cookie_warden::policy::{self, CategoryId, CompiledPolicy};
use cookie_warden::prefs::{Choice, ChoiceSource, Preferences, UndeclaredAction};

/// 2026-11-29, the day these cases were written.
const NOW: u64 = 1_795_910_400;

fn compiled(bytes: &[u8], site: &str) -> CompiledPolicy {
    let site = Site::of_host(site);
    let document = policy::parse(bytes, site.as_ref()).unwrap_or_else(|e| panic!("{e}"));
    let policy = document.valid_policy().cloned();
    CompiledPolicy::new(policy.unwrap_or_else(|| panic!("invalid: {:?}", document.diagnostics)))
}

fn kaltiot() -> CompiledPolicy {
    compiled(
        include_bytes!("../examples/kaltiot.cookie-policy.json"),
        "kaltiot.com",
    )
}

fn cookie(name: &str, domain: &str) -> Cookie {
    Cookie {
        name: name.into(),
        domain: domain.into(),
        host_only: !domain.starts_with('.'),
        path: "/".into(),
        expiration_date: Some((NOW + 86_400 * 365) as f64),
        store_id: "0".into(),
        ..Cookie::default()
    }
}

/// A short form of a decision: `delete declared statistics google-analytics-4 default`.
fn summary(verdict: Verdict, reason: &Reason) -> String {
    let verdict = match verdict {
        Verdict::Keep => "keep",
        Verdict::Delete => "delete",
    };
    let source = |s: &ChoiceSource| match s {
        ChoiceSource::Default => "default",
        ChoiceSource::SiteCategory => "site-category",
        ChoiceSource::SiteService => "site-service",
    };
    let reason = match reason {
        Reason::SitePaused => "paused".to_owned(),
        Reason::CookieChoice { choice } => format!("cookie {choice:?}").to_lowercase(),
        Reason::Declared {
            category,
            service_id,
            source: s,
            ..
        } => format!("declared {} {service_id} {}", category.id(), source(s)),
        Reason::Undeclared => "undeclared".into(),
        Reason::UndeclaredKnown {
            category,
            platform,
            source: s,
            ..
        } => format!(
            "undeclared-known {} {platform} {}",
            category.id(),
            source(s)
        ),
        Reason::Inferred {
            category,
            platform,
            source: s,
            ..
        } => format!("inferred {} {platform} {}", category.id(), source(s)),
        Reason::NoPolicyNotActing => "not-acting".into(),
        Reason::Unknown => "unknown".into(),
        Reason::Expired => "expired".into(),
    };
    format!("{verdict} {reason}")
}

type Edit = fn(&mut Preferences, &Site);

#[test]
fn decisions_on_a_declared_site() {
    let policy = kaltiot();
    let site = policy.policy().site.clone();
    let none: Edit = |_, _| {};
    let cases: &[(&str, Cookie, Edit, &str)] = &[
        (
            "_ga by default",
            cookie("_ga", ".kaltiot.com"),
            none,
            "delete declared statistics google-analytics-4 default",
        ),
        (
            "_ga_<id> matches the pattern",
            cookie("_ga_K4LT10T", ".kaltiot.com"),
            none,
            "delete declared statistics google-analytics-4 default",
        ),
        (
            "_lfa",
            cookie("_lfa", ".kaltiot.com"),
            none,
            "delete declared statistics leadfeeder default",
        ),
        (
            "host-only on a subdomain",
            cookie("_ga", "www.kaltiot.com"),
            none,
            "delete declared statistics google-analytics-4 default",
        ),
        (
            "undeclared is kept and flagged",
            cookie("visitor_note", "www.kaltiot.com"),
            none,
            "keep undeclared",
        ),
        (
            "an undeclared known cookie follows its common category: functional, kept",
            cookie("PHPSESSID", "www.kaltiot.com"),
            none,
            "keep undeclared-known functional PHP.net default",
        ),
        (
            "an undeclared known tracker cookie follows its common category: marketing, deleted",
            cookie("_fbp", ".kaltiot.com"),
            none,
            "delete undeclared-known marketing Facebook default",
        ),
        (
            "an undeclared known tracker cookie allowed on the site",
            cookie("_fbp", ".kaltiot.com"),
            |p, s| p.set_category(s, CategoryId::Marketing, Some(Choice::Allow)),
            "keep undeclared-known marketing Facebook site-category",
        ),
        (
            "not acting on guesses: an undeclared known cookie is only reported",
            cookie("_fbp", ".kaltiot.com"),
            |p, _| p.act_without_policy = false,
            "keep undeclared",
        ),
        (
            "undeclared deleted when chosen",
            cookie("PHPSESSID", "www.kaltiot.com"),
            |p, _| p.undeclared = UndeclaredAction::Delete,
            "delete undeclared",
        ),
        (
            "statistics allowed on the site",
            cookie("_ga", ".kaltiot.com"),
            |p, s| p.set_category(s, CategoryId::Statistics, Some(Choice::Allow)),
            "keep declared statistics google-analytics-4 site-category",
        ),
        (
            "a service denied inside an allowed category",
            cookie("_lfa", ".kaltiot.com"),
            |p, s| {
                p.set_category(s, CategoryId::Statistics, Some(Choice::Allow));
                p.set_service(s, "leadfeeder", Some(Choice::Deny));
            },
            "delete declared statistics leadfeeder site-service",
        ),
        (
            "a service allowed inside a denied category",
            cookie("_lfa", ".kaltiot.com"),
            |p, s| p.set_service(s, "leadfeeder", Some(Choice::Allow)),
            "keep declared statistics leadfeeder site-service",
        ),
        (
            "statistics allowed by default",
            cookie("_ga", ".kaltiot.com"),
            |p, _| {
                p.defaults.insert(CategoryId::Statistics, Choice::Allow);
            },
            "keep declared statistics google-analytics-4 default",
        ),
        (
            "another site's override does not apply",
            cookie("_ga", ".kaltiot.com"),
            |p, _| {
                let other = Site::of_host("example.com").unwrap_or_else(|| panic!("site"));
                p.set_category(&other, CategoryId::Statistics, Some(Choice::Allow));
            },
            "delete declared statistics google-analytics-4 default",
        ),
        (
            "paused",
            cookie("_ga", ".kaltiot.com"),
            |p, s| p.set_paused(s, true),
            "keep paused",
        ),
        (
            "expired",
            Cookie {
                expiration_date: Some((NOW - 1) as f64),
                ..cookie("_ga", ".kaltiot.com")
            },
            none,
            "keep expired",
        ),
    ];
    for (name, cookie, edit, expected) in cases {
        let mut prefs = Preferences::default();
        edit(&mut prefs, &site);
        let ctx = Context {
            site: &site,
            policy: SitePolicy::Declared(&policy),
            prefs: &prefs,
            known: KnownCookies::bundled(),
        };
        let decision = decide(cookie, &ctx, NOW);
        assert_eq!(
            summary(decision.verdict, &decision.reason),
            *expected,
            "{name}"
        );
    }
}

/// Regression (issue 10, security 1): a declaration, even an empty one, must not switch off what
/// is known. A tracker that publishes `"services": []` keeps none of its known cookies, and a
/// first party that leaves out `_ga` does not keep it either; both are still undeclared.
#[test]
fn an_empty_declaration_does_not_make_known_trackers_welcome() {
    let policy = compiled(
        br#"{"version": 1, "site": "tracker.example", "services": []}"#,
        "tracker.example",
    );
    let site = policy.policy().site.clone();
    let prefs = Preferences::default();
    let ctx = Context {
        site: &site,
        policy: SitePolicy::Declared(&policy),
        prefs: &prefs,
        known: KnownCookies::bundled(),
    };
    let cases = [
        ("_fbp", "delete undeclared-known marketing Facebook default"),
        (
            "_ga",
            "delete undeclared-known statistics Google Analytics default",
        ),
        (
            "_gcl_au",
            "delete undeclared-known marketing Google default",
        ),
        ("my_own_cookie", "keep undeclared"),
    ];
    for (name, expected) in cases {
        let decision = decide(&cookie(name, ".tracker.example"), &ctx, NOW);
        assert_eq!(
            summary(decision.verdict, &decision.reason),
            expected,
            "{name}"
        );
    }
    let audit = cookie_warden::audit::audit_cookie(
        &cookie("_fbp", ".tracker.example"),
        &policy,
        KnownCookies::bundled(),
        NOW,
    );
    assert!(
        audit
            .iter()
            .any(|f| matches!(f, cookie_warden::audit::Finding::Undeclared { .. })),
        "still reported as undeclared: {audit:?}"
    );
}

#[test]
fn decisions_on_a_site_without_a_policy_are_guesses() {
    let site = Site::of_host("example.org").unwrap_or_else(|| panic!("site"));
    let none: Edit = |_, _| {};
    let cases: &[(&str, Cookie, Edit, &str)] = &[
        (
            "_ga is known as analytics",
            cookie("_ga", ".example.org"),
            none,
            "delete inferred statistics Google Analytics default",
        ),
        (
            "_ga_<id> by prefix",
            cookie("_ga_XYZ", ".example.org"),
            none,
            "delete inferred statistics Google Analytics default",
        ),
        (
            "_fbp is marketing",
            cookie("_fbp", ".example.org"),
            none,
            "delete inferred marketing Facebook default",
        ),
        (
            "marketing allowed on the site",
            cookie("_fbp", ".example.org"),
            |p, s| p.set_category(s, CategoryId::Marketing, Some(Choice::Allow)),
            "keep inferred marketing Facebook site-category",
        ),
        (
            "PHPSESSID is functional",
            cookie("PHPSESSID", "www.example.org"),
            none,
            "keep inferred functional PHP.net default",
        ),
        (
            "unknown names are kept",
            cookie("my_own_cookie", "www.example.org"),
            none,
            "keep unknown",
        ),
        (
            "not acting on sites without a policy",
            cookie("_ga", ".example.org"),
            |p, _| p.act_without_policy = false,
            "keep not-acting",
        ),
    ];
    for (name, cookie, edit, expected) in cases {
        let mut prefs = Preferences::default();
        edit(&mut prefs, &site);
        let ctx = Context {
            site: &site,
            policy: SitePolicy::None,
            prefs: &prefs,
            known: KnownCookies::bundled(),
        };
        let decision = decide(cookie, &ctx, NOW);
        assert_eq!(
            summary(decision.verdict, &decision.reason),
            *expected,
            "{name}"
        );
    }
}

#[test]
fn the_most_specific_declaration_wins_and_domains_are_respected() {
    let policy = compiled(
        br#"{"version": 1, "site": "example.com", "services": [
            {"id": "broad", "name": "Broad", "category": "marketing",
             "storage": [{"name": "_x*", "maxAgeSeconds": 1}, {"name": "*_id", "maxAgeSeconds": 1}]},
            {"id": "narrow", "name": "Narrow", "category": "statistics",
             "storage": [{"name": "_x_id*", "maxAgeSeconds": 1}]},
            {"id": "exact", "name": "Exact", "category": "functional",
             "storage": [{"name": "_x_id", "maxAgeSeconds": 1}]},
            {"id": "shop", "name": "Shop", "category": "necessary",
             "storage": [{"name": "cart", "domain": "shop.example.com", "maxAgeSeconds": 1}]},
            {"id": "third", "name": "Third", "category": "marketing",
             "storage": [{"name": "tp", "domain": "tracker.example.net", "maxAgeSeconds": 1}]}
        ]}"#,
        "example.com",
    );
    let cases = [
        ("_x_id", ".example.com", Some("exact")),
        ("_x_id2", ".example.com", Some("narrow")),
        ("_xyz", ".example.com", Some("broad")),
        ("user_id", ".example.com", Some("broad")),
        ("cart", "shop.example.com", Some("shop")),
        ("cart", "a.shop.example.com", Some("shop")),
        ("cart", "www.example.com", None),
        ("tp", ".tracker.example.net", Some("third")),
        ("tp", ".example.com", None),
        ("_x_id", ".example.org", None),
    ];
    for (name, domain, expected) in cases {
        let found = policy.lookup(name, domain, policy::StorageType::Cookie);
        assert_eq!(
            found.map(|d| d.service.id.as_str()),
            expected,
            "{name} on {domain}"
        );
    }
}

#[test]
fn a_cookie_belongs_to_its_partition_then_first_party_domain_then_its_own_site() {
    let cases = [
        (
            cookie("_ga", ".google-analytics.com"),
            None,
            None,
            "google-analytics.com",
        ),
        (
            cookie("_ga", ".google-analytics.com"),
            Some("https://kaltiot.com"),
            None,
            "kaltiot.com",
        ),
        (
            cookie("_ga", "www.kaltiot.com"),
            Some("https://www.kaltiot.com:443"),
            None,
            "kaltiot.com",
        ),
        (
            cookie("IDE", ".doubleclick.net"),
            None,
            Some("kaltiot.com"),
            "kaltiot.com",
        ),
        (
            cookie("x", "a.b.example.co.uk"),
            None,
            Some(""),
            "example.co.uk",
        ),
    ];
    for (mut cookie, partition, first_party, expected) in cases {
        cookie.partition_key = partition.map(|site| PartitionKey {
            top_level_site: Some(site.into()),
        });
        cookie.first_party_domain = first_party.map(str::to_owned);
        assert_eq!(
            cookie.owner_site().map(|s| s.to_string()),
            Some(expected.to_owned()),
            "{cookie:?}"
        );
    }
}

#[test]
fn reasons_read_as_sentences() {
    let policy = kaltiot();
    let site = policy.policy().site.clone();
    let prefs = Preferences::default();
    let ctx = Context {
        site: &site,
        policy: SitePolicy::Declared(&policy),
        prefs: &prefs,
        known: KnownCookies::bundled(),
    };
    let decision = decide(&cookie("_ga", ".kaltiot.com"), &ctx, NOW);
    assert_eq!(
        decision.reason.to_string(),
        "declared as Statistics (Google Analytics 4), which you deny by default"
    );
}

#[test]
fn a_cookie_is_identified_by_store_domain_path_name_and_partition() {
    let base = Cookie {
        name: "_ga".into(),
        domain: ".kaltiot.com".into(),
        path: "/".into(),
        store_id: "0".into(),
        ..Cookie::default()
    };
    let partitioned = |site: &str| Cookie {
        partition_key: Some(PartitionKey {
            top_level_site: Some(site.into()),
        }),
        ..base.clone()
    };
    let same = [
        Cookie {
            secure: !base.secure,
            expiration_date: Some(1.0),
            ..base.clone()
        },
        Cookie {
            first_party_domain: Some(String::new()),
            ..base.clone()
        },
        Cookie {
            partition_key: Some(PartitionKey {
                top_level_site: None,
            }),
            ..base.clone()
        },
    ];
    for cookie in &same {
        assert_eq!(cookie.id(), base.id(), "{cookie:?}");
    }
    let different = [
        Cookie {
            name: "_gid".into(),
            ..base.clone()
        },
        Cookie {
            domain: "kaltiot.com".into(),
            ..base.clone()
        },
        Cookie {
            path: "/en".into(),
            ..base.clone()
        },
        Cookie {
            store_id: "firefox-private".into(),
            ..base.clone()
        },
        Cookie {
            first_party_domain: Some("kaltiot.com".into()),
            ..base.clone()
        },
        partitioned("https://kaltiot.com"),
    ];
    for cookie in &different {
        assert_ne!(cookie.id(), base.id(), "{cookie:?}");
    }
    assert_ne!(
        partitioned("https://kaltiot.com").id(),
        partitioned("https://example.com").id()
    );
}

#[test]
fn a_cookie_choice_beats_its_service_and_category_but_not_a_pause() {
    let policy = kaltiot();
    let site = Site::parse("kaltiot.com").unwrap_or_else(|| panic!("site"));
    let decide_with = |prefs: &Preferences, c: &Cookie| {
        let ctx = Context {
            site: &site,
            policy: SitePolicy::Declared(&policy),
            prefs,
            known: KnownCookies::bundled(),
        };
        let d = decide(c, &ctx, NOW);
        summary(d.verdict, &d.reason)
    };
    let mut prefs = Preferences::default();
    let ga = cookie("_ga", ".kaltiot.com");
    let lang = cookie("cw_lang", "www.kaltiot.com");
    let unknown = cookie("mystery_login", "www.kaltiot.com");
    // Statistics denied by default, the service allowed on the site: "always delete" still wins.
    prefs.set_service(&site, "google-analytics-4", Some(Choice::Allow));
    assert!(prefs.set_cookie(&site, "_ga", Some(Choice::Deny)));
    // "Always keep" beats a denied category, and "always delete" an undeclared kept cookie.
    prefs.set_category(&site, CategoryId::Functional, Some(Choice::Deny));
    assert!(prefs.set_cookie(&site, "cw_lang", Some(Choice::Allow)));
    assert!(prefs.set_cookie(&site, "mystery_login", Some(Choice::Deny)));
    assert_eq!(decide_with(&prefs, &ga), "delete cookie deny");
    assert_eq!(decide_with(&prefs, &lang), "keep cookie allow");
    assert_eq!(decide_with(&prefs, &unknown), "delete cookie deny");
    // Another site's cookie of the same name is not touched by this site's choice.
    let other = Site::parse("example.org").unwrap_or_else(|| panic!("site"));
    assert_eq!(prefs.cookie_choice(&other, "_ga"), None);
    // A pause keeps everything.
    prefs.set_paused(&site, true);
    assert_eq!(decide_with(&prefs, &ga), "keep paused");
    // Removing the choice returns the cookie to its service's choice.
    prefs.set_paused(&site, false);
    prefs.set_cookie(&site, "_ga", None);
    assert!(decide_with(&prefs, &ga).starts_with("keep declared statistics"));
}
