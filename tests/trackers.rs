//! The tracker table and what is built from it: the static rulesets that block known trackers
//! before any declaration is known, and the site rules that lift or add to them.

use cookie_warden::block::{
    self, plan_for, priority, ruleset_id, static_rules, static_ruleset_text, RULESET_CATEGORIES,
};
use cookie_warden::domain::Site;
use cookie_warden::policy::{self, CategoryId, Policy};
use cookie_warden::prefs::{Choice, Preferences};
use cookie_warden::trackers::Trackers;
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
    document.valid_policy().cloned().expect("valid")
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
        let id = ruleset_id(category).expect("a ruleset");
        let path = format!("{}/extension/rules/{id}.json", env!("CARGO_MANIFEST_DIR"));
        let shipped = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert!(
            shipped == static_ruleset_text(table(), category),
            "{path} is not what data/trackers.csv gives: run `cargo run --bin cookie-warden -- rules extension/rules`"
        );
    }
    let manifest: serde_json::Value =
        serde_json::from_str(include_str!("../manifest.json")).expect("manifest");
    let resources = manifest["declarative_net_request"]["rule_resources"]
        .as_array()
        .expect("the manifest declares the static rulesets");
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
            assert_eq!(rule.action.kind, "block");
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
        (rules[0].action.kind.as_str(), rules[0].priority),
        ("allow", priority::SITE_ALLOW)
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
    let kinds: Vec<(&str, u32)> = rules
        .iter()
        .map(|r| (r.action.kind.as_str(), r.priority))
        .collect();
    assert_eq!(
        kinds,
        [
            ("allowAllRequests", priority::PAUSE),
            ("allow", priority::PAUSE)
        ]
    );
    assert!(priority::PAUSE > priority::SITE_BLOCK && priority::PAUSE < priority::GPC_HEADER);
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
