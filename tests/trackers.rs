//! The tracker table and what is built from it: the static rulesets that block known trackers
//! before any declaration is known, and the site rules that lift or add to them.

use cookie_warden::block::{
    self, plan_for, priority, ruleset_id, static_rules, static_ruleset_text, RULESET_CATEGORIES,
};
use cookie_warden::domain::Site;
use cookie_warden::known::KnownCookies;
use cookie_warden::policy::CompiledPolicy;
use cookie_warden::policy::{self, CategoryId, Policy};
use cookie_warden::prefs::{Choice, Preferences};
use cookie_warden::trackers::{corrections, Trackers};
use std::collections::BTreeSet;

fn table() -> &'static Trackers {
    Trackers::bundled()
}

fn site(name: &str) -> Site {
    Site::of_host(name).unwrap_or_else(|| panic!("{name}"))
}

fn kaltiot() -> Policy {
    let document = policy::parse(
        include_bytes!("../examples/kaltiot.cookie-policy.json"),
        None,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    document
        .valid_policy()
        .cloned()
        .unwrap_or_else(|| panic!("invalid"))
}

fn hosts(plan_set: &BTreeSet<cookie_warden::domain::Host>) -> Vec<&str> {
    plan_set.iter().map(|h| h.as_str()).collect()
}

/// Hosts that pages need for other things than tracking: never blocked by domain.
const NEEDED: [&str; 14] = [
    "www.googletagmanager.com",
    "googletagmanager.com",
    "www.google.com",
    "google.com",
    "www.gstatic.com",
    "gstatic.com",
    "fonts.googleapis.com",
    "ajax.googleapis.com",
    "cdn.jsdelivr.net",
    "cdnjs.cloudflare.com",
    "hcaptcha.com",
    "cdn.cookielaw.org",
    "consent.cookiebot.com",
    "connect.facebook.net",
];

#[test]
fn the_checked_in_rulesets_are_current() {
    for category in RULESET_CATEGORIES {
        let id = ruleset_id(category).unwrap_or_else(|| panic!("{category:?} has no ruleset"));
        let path = format!("{}/extension/rules/{id}.json", env!("CARGO_MANIFEST_DIR"));
        let shipped = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert!(
            shipped == static_ruleset_text(table(), category),
            "{path} is not what data/trackers.csv gives: run `cargo run --bin cookie-warden -- rules extension/rules`"
        );
    }
    let manifest: serde_json::Value = serde_json::from_str(include_str!("../manifest.json"))
        .unwrap_or_else(|e| panic!("manifest.json: {e}"));
    let resources = manifest["declarative_net_request"]["rule_resources"]
        .as_array()
        .unwrap_or_else(|| panic!("the manifest declares no static rulesets"));
    let declared: Vec<(&str, &str, bool)> = resources
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap_or(""),
                r["path"].as_str().unwrap_or(""),
                r["enabled"].as_bool().unwrap_or(false),
            )
        })
        .collect();
    // On at install: statistics and marketing are denied by default.
    assert_eq!(
        declared,
        [
            ("statistics", "rules/statistics.json", true),
            ("marketing", "rules/marketing.json", true)
        ]
    );
}

#[test]
fn the_static_rules_block_every_tracker_and_no_needed_host() {
    let mut total = 0;
    for category in RULESET_CATEGORIES {
        let rules = static_rules(table(), category);
        total += rules.len();
        let ids: BTreeSet<u32> = rules.iter().map(|r| r.id).collect();
        assert_eq!(ids.len(), rules.len(), "{category:?}: ids are unique");
        for rule in &rules {
            assert_eq!(rule.action.kind, block::ActionKind::Block);
            assert_eq!(rule.priority, priority::STATIC_BLOCK);
            assert_eq!(rule.condition.domain_type.as_deref(), Some("thirdParty"));
            assert_eq!(
                rule.condition.excluded_resource_types.as_deref(),
                Some(&["main_frame".to_owned()][..])
            );
            for domain in rule.condition.request_domains.iter().flatten() {
                for needed in NEEDED {
                    assert!(
                        !cookie_warden::domain::domain_covers(domain, needed),
                        "{domain} would block the needed host {needed}"
                    );
                }
            }
        }
        // Every entry of the category is in exactly one rule: by host, or by its endpoint.
        for tracker in table().iter().filter(|t| t.category == category) {
            let found = rules
                .iter()
                .filter(|r| match &tracker.path {
                    None => r
                        .condition
                        .request_domains
                        .iter()
                        .flatten()
                        .any(|d| d == tracker.host.as_str()),
                    Some(path) => {
                        r.condition.url_filter.as_deref()
                            == Some(&format!("||{}{path}", tracker.host.as_str()))
                    }
                })
                .count();
            assert_eq!(found, 1, "{} {:?}", tracker.host.as_str(), tracker.path);
        }
    }
    // Far inside the 30,000 static rules both browsers guarantee.
    assert!(total < 1_000, "{total} static rules");
}

#[test]
fn requests_are_blocked_by_the_defaults_before_any_declaration() {
    let prefs = Preferences::default();
    let nopolicy = site("nopolicy.example");
    let plan = plan_for(&nopolicy, None, &prefs, table());
    assert!(
        plan.is_empty(),
        "default choices need no site rules: {plan:?}"
    );
    let blocks = |host: &str, path: &str| plan.blocks_request(host, path, table(), &prefs);
    assert!(blocks("www.google-analytics.com", "/g/collect?v=2"));
    assert!(blocks("region1.google-analytics.com", "/g/collect"));
    assert!(blocks("sc.lfeeder.com", "/lftracker_v1_x.js"));
    assert!(
        blocks("www.googletagmanager.com", "/gtag/js?id=G-1"),
        "gtag.js by its path"
    );
    assert!(
        !blocks("www.googletagmanager.com", "/gtm.js?id=GTM-1"),
        "the container loads"
    );
    assert!(!blocks("www.google.com", "/recaptcha/api.js"));
    assert!(!blocks("cdn.jsdelivr.net", "/npm/x"));
    assert!(!blocks(
        "cdn.cookielaw.org",
        "/scripttemplates/otSDKStub.js"
    ));

    // Statistics allowed by default: its ruleset is off, marketing's stays on.
    let mut open = Preferences::default();
    open.defaults.insert(CategoryId::Statistics, Choice::Allow);
    let switch = block::ruleset_switch(&open);
    assert_eq!(switch.enable_ruleset_ids, ["marketing"]);
    assert_eq!(switch.disable_ruleset_ids, ["statistics"]);
    let plan = plan_for(&nopolicy, None, &open, table());
    assert!(!plan.blocks_request("www.google-analytics.com", "/g/collect", table(), &open));
    assert_eq!(
        block::ruleset_switch(&Preferences::default()).enable_ruleset_ids,
        ["statistics", "marketing"]
    );
}

#[test]
fn a_sites_choices_lift_or_add_to_the_defaults() {
    let shop = site("shop.example");
    // Statistics allowed on this site only: its known statistics trackers are let through
    // there (an endpoint on a shared host by its host), marketing stays blocked.
    let mut prefs = Preferences::default();
    prefs.set_category(&shop, CategoryId::Statistics, Some(Choice::Allow));
    let plan = plan_for(&shop, None, &prefs, table());
    let allowed = hosts(&plan.allowed);
    assert!(allowed.contains(&"www.google-analytics.com"), "{allowed:?}");
    assert!(
        allowed.contains(&"www.googletagmanager.com"),
        "gtag.js's host: {allowed:?}"
    );
    assert!(!allowed.contains(&"connect.facebook.net"));
    assert!(plan.blocked.is_empty());
    assert!(!plan.blocks_request("www.google-analytics.com", "/g/collect", table(), &prefs));
    assert!(plan.blocks_request("bat.bing.com", "/action/0", table(), &prefs));
    let rules = block::site_rules(&shop, 0, &plan);
    assert_eq!(rules.len(), 1);
    assert_eq!(
        (rules[0].action.kind, rules[0].priority),
        (block::ActionKind::Allow, priority::SITE_ALLOW)
    );
    assert!(rules[0].priority > priority::STATIC_BLOCK);
    assert_eq!(
        rules[0].condition.initiator_domains.as_deref(),
        Some(&["shop.example".to_owned()][..])
    );

    // Statistics allowed by default but denied on this site: its trackers get a block rule.
    let mut prefs = Preferences::default();
    prefs.defaults.insert(CategoryId::Statistics, Choice::Allow);
    prefs.set_category(&shop, CategoryId::Statistics, Some(Choice::Deny));
    let plan = plan_for(&shop, None, &prefs, table());
    assert!(hosts(&plan.blocked).contains(&"www.google-analytics.com"));
    assert!(
        !hosts(&plan.blocked).contains(&"www.googletagmanager.com"),
        "a site rule has no paths"
    );
    assert!(plan.blocks_request("www.google-analytics.com", "/g/collect", table(), &prefs));

    // Paused: everything through, above every block rule, on the site's documents and by
    // initiator (service workers).
    let mut prefs = Preferences::default();
    prefs.set_paused(&shop, true);
    let plan = plan_for(&shop, None, &prefs, table());
    assert!(plan.allow_all && !plan.is_empty());
    assert!(!plan.blocks_request("www.google-analytics.com", "/g/collect", table(), &prefs));
    let rules = block::site_rules(&shop, 3, &plan);
    let kinds: Vec<(block::ActionKind, u32)> =
        rules.iter().map(|r| (r.action.kind, r.priority)).collect();
    assert_eq!(
        kinds,
        [
            (block::ActionKind::AllowAllRequests, priority::PAUSE),
            (block::ActionKind::Allow, priority::PAUSE)
        ]
    );
    const { assert!(priority::PAUSE > priority::SITE_ALLOW && priority::PAUSE < priority::GPC_HEADER) };
    assert_eq!(
        rules[0].condition.request_domains.as_deref(),
        Some(&["shop.example".to_owned()][..])
    );
    assert_eq!(
        rules[0].condition.resource_types.as_deref(),
        Some(&["main_frame".to_owned(), "sub_frame".to_owned()][..])
    );
    let ids: Vec<u32> = rules.iter().map(|r| r.id).collect();
    assert_eq!(
        ids,
        block::slot_rule_ids(3),
        "a paused site uses its slot's ids"
    );
}

#[test]
fn allow_wins_over_the_static_rules_for_a_declared_service() {
    let policy = kaltiot();
    let site = policy.site.clone();
    // Defaults: GA4 and Leadfeeder denied; the declaration's block rule lists them, and no
    // allow rule is needed.
    let prefs = Preferences::default();
    let plan = plan_for(&site, Some(&policy), &prefs, table());
    assert!(plan.declared);
    assert!(hosts(&plan.blocked).contains(&"google-analytics.com"));
    assert!(plan.allowed.is_empty(), "{:?}", plan.allowed);
    // GA4 allowed on the site: its declared domains get through, above the static rules; the
    // tag manager the site declares as necessary does not lift the static gtag.js rule.
    let mut prefs = Preferences::default();
    prefs.set_service(&site, "google-analytics-4", Some(Choice::Allow));
    let plan = plan_for(&site, Some(&policy), &prefs, table());
    let allowed = hosts(&plan.allowed);
    assert!(allowed.contains(&"google-analytics.com"), "{allowed:?}");
    assert!(!allowed.contains(&"googletagmanager.com"), "{allowed:?}");
    assert!(!plan.blocks_request("www.google-analytics.com", "/g/collect", table(), &prefs));
    assert!(plan.blocks_request("sc.lfeeder.com", "/lftracker_v1_x.js", table(), &prefs));
    // The other sites are not touched: the rule names the site as initiator.
    let rules = block::site_rules(&site, 0, &plan);
    assert!(
        rules
            .iter()
            .all(|r| r.condition.initiator_domains.as_deref()
                == Some(&[site.as_str().to_owned()][..]))
    );
}

/// A policy for shop.example with one service of `category` listing `domains` and cookies.
fn shop_policy(category: &str, domains: &[&str], cookies: &[&str]) -> Policy {
    let storage: Vec<String> = cookies
        .iter()
        .map(|n| format!(r#"{{"name": "{n}", "maxAgeSeconds": 3600}}"#))
        .collect();
    let domains: Vec<String> = domains.iter().map(|d| format!("\"{d}\"")).collect();
    let text = format!(
        r#"{{"version": 1, "site": "shop.example", "services": [
            {{"id": "tools", "name": "Site tools", "category": "{category}",
              "domains": [{}], "storage": [{}]}}]}}"#,
        domains.join(","),
        storage.join(",")
    );
    let document = policy::parse(text.as_bytes(), None).unwrap_or_else(|e| panic!("{e}"));
    document
        .valid_policy()
        .cloned()
        .unwrap_or_else(|| panic!("invalid: {:?}", document.diagnostics))
}

/// A declared category, domains, cookies, and the correction expected (category, what it is).
type Case = (
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    Option<(CategoryId, &'static str)>,
);

#[test]
fn a_known_tracker_declared_in_a_more_permissive_category_is_treated_by_its_own() {
    let known = KnownCookies::bundled();
    let cases: &[Case] = &[
        // By host: Google Analytics as functional is statistics.
        (
            "functional",
            &["google-analytics.com"],
            &[],
            Some((CategoryId::Statistics, "Google Analytics")),
        ),
        // By a distinctive cookie: _fbp as necessary is marketing.
        (
            "necessary",
            &[],
            &["_fbp"],
            Some((CategoryId::Marketing, "Facebook")),
        ),
        // The strictest evidence wins.
        (
            "functional",
            &["google-analytics.com", "bat.bing.com"],
            &[],
            Some((CategoryId::Marketing, "Microsoft Advertising")),
        ),
        // A service known by its hosts is not judged by the cookie table: Leadfeeder is
        // statistics by its host, whatever the cookie table says of _lfa.
        ("statistics", &["lfeeder.com"], &["_lfa"], None),
        // Between two categories that ask consent, the cookie table does not move a service
        // (a consent platform groups several vendors' first-party cookies in one).
        (
            "statistics",
            &["shop.example"],
            &["_ga", "_lfa", "_fbp"],
            None,
        ),
        (
            "functional",
            &["lfeeder.com"],
            &["_lfa"],
            Some((CategoryId::Statistics, "Leadfeeder")),
        ),
        // Declared as what it is, or stricter: no correction.
        ("statistics", &["google-analytics.com"], &["_ga"], None),
        ("marketing", &["google-analytics.com"], &[], None),
        // A tag manager declared as necessary is not its analytics endpoint (gtag.js by path).
        ("necessary", &["googletagmanager.com"], &[], None),
        // A generic name is no evidence.
        (
            "necessary",
            &[],
            &["sessionid", "_session_id", "csrftoken"],
            None,
        ),
    ];
    for (category, domains, cookies, expected) in cases {
        let policy = shop_policy(category, domains, cookies);
        let found = corrections(&policy, table(), known);
        let got = found
            .first()
            .map(|c| (c.treated_as, c.known_as.as_str(), c.evidence.as_str()));
        match expected {
            None => assert_eq!(got, None, "{category} {domains:?} {cookies:?}"),
            Some((treated, what)) => {
                let (t, known_as, evidence) = got
                    .unwrap_or_else(|| panic!("{category} {domains:?} {cookies:?}: no correction"));
                assert_eq!(t, *treated, "{domains:?} {cookies:?}");
                assert!(
                    known_as.contains(what) || evidence == *what,
                    "{known_as} / {evidence}"
                );
                assert_eq!(found[0].declared.id(), *category);
            }
        }
    }
}

#[test]
fn a_corrected_service_is_blocked_and_shown_unless_the_visitor_trusts_the_site() {
    let shop = site("shop.example");
    let prefs = Preferences::default();
    let policy = shop_policy("functional", &["google-analytics.com"], &["_ga"]);

    let corrected = CompiledPolicy::corrected(policy.clone(), false);
    assert_eq!(
        corrected.policy().services[0].category,
        CategoryId::Statistics
    );
    assert_eq!(corrected.corrections().len(), 1);
    let plan = plan_for(&shop, Some(corrected.policy()), &prefs, table());
    assert!(plan.blocks_request("www.google-analytics.com", "/g/collect", table(), &prefs));
    assert!(
        plan.allowed.is_empty(),
        "no allow rule lifts the static one: {:?}",
        plan.allowed
    );
    let deletions = cookie_warden::deletions::SiteDeletions::default();
    let view = cookie_warden::view::site_view(&cookie_warden::view::ViewInput {
        site: &shop,
        policy: cookie_warden::view::PolicyState::Declared {
            policy: &corrected,
            url: "https://shop.example/.well-known/cookie-policy.json",
            kind: policy::DocumentKind::CookiePolicy,
            warnings: &[],
        },
        prefs: &prefs,
        known: KnownCookies::bundled(),
        cookies: &[],
        deletions: &deletions,
        activity: None,
        language: "en",
        read_at: None,
        now: 1_800_000_000,
    });
    let statistics = view
        .categories
        .iter()
        .find(|c| c.id == CategoryId::Statistics);
    let shown = statistics.and_then(|c| c.services.iter().find(|s| s.id == "tools"));
    let correction = shown.and_then(|s| s.correction.as_ref());
    assert_eq!(
        correction.map(|c| c.declared),
        Some(CategoryId::Functional),
        "shown under statistics, saying so"
    );
    let text = cookie_warden::view::to_text(&view);
    assert!(
        text.contains("declared as functional; treated as statistics: "),
        "{text}"
    );

    // Trusted: as the site declares it; functional is allowed, so an allow rule lets it through
    // above the static rules.
    let trusted = CompiledPolicy::corrected(policy, true);
    assert_eq!(
        trusted.policy().services[0].category,
        CategoryId::Functional
    );
    assert!(trusted.corrections().is_empty());
    let plan = plan_for(&shop, Some(trusted.policy()), &prefs, table());
    assert!(!plan.blocks_request("www.google-analytics.com", "/g/collect", table(), &prefs));
    assert!(hosts(&plan.allowed).contains(&"google-analytics.com"));
}

#[test]
fn a_record_keeps_its_corrections_so_compiling_it_again_looks_nothing_up() {
    use cookie_warden::discovery::{Candidate, Outcome, PolicyRecord, SourceKind};
    let text = r#"{"version": 1, "site": "shop.example", "services": [
        {"id": "tools", "name": "Site tools", "category": "functional",
         "domains": ["google-analytics.com"], "storage": [{"name": "_ga", "maxAgeSeconds": 60}]}]}"#;
    let source = Candidate {
        kind: SourceKind::WellKnownSite,
        url: "https://shop.example/.well-known/cookie-policy.json".into(),
    };
    let mut record =
        PolicyRecord::from_body(&site("shop.example"), source, text.as_bytes(), None, 1_000);
    let Outcome::Document { corrections, .. } = &record.outcome else {
        panic!("a document: {:?}", record.outcome);
    };
    assert_eq!(
        corrections.as_ref().map(Vec::len),
        Some(1),
        "worked out when read"
    );
    let category = |trust: bool, record: &PolicyRecord| {
        record
            .compile(trust)
            .map(|u| u.policy.policy().services[0].category)
    };
    assert_eq!(category(false, &record), Some(CategoryId::Statistics));
    assert_eq!(category(true, &record), Some(CategoryId::Functional));
    // What is stored is what applies (a record of an earlier version, with none, works them
    // out when compiled).
    if let Outcome::Document { corrections, .. } = &mut record.outcome {
        *corrections = Some(Vec::new());
    }
    assert_eq!(category(false, &record), Some(CategoryId::Functional));
    if let Outcome::Document { corrections, .. } = &mut record.outcome {
        *corrections = None;
    }
    assert_eq!(category(false, &record), Some(CategoryId::Statistics));
}
