//! The audit (declaration against observation) and the popup's view model.

use cookie_warden::audit::{audit_cookie, audit_declaration, Finding};
use cookie_warden::decide::Cookie;
use cookie_warden::deletions::SiteDeletions;
use cookie_warden::domain::Site;
use cookie_warden::known::KnownCookies;
use cookie_warden::policy::{self, CategoryId, CompiledPolicy, DocumentKind};
use cookie_warden::prefs::{Choice, Preferences};
use cookie_warden::view::{site_view, CookieRow, PolicyState, SiteView, Source, Status, ViewInput};
use std::collections::BTreeMap;

/// 2026-11-29.
const NOW: u64 = 1_795_910_400;
const DAY: u64 = 86_400;
const TWO_YEARS: u64 = 63_072_000;

fn kaltiot() -> CompiledPolicy {
    let site = Site::of_host("kaltiot.com");
    let document = policy::parse(
        include_bytes!("../examples/kaltiot.cookie-policy.json"),
        site.as_ref(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    CompiledPolicy::new(
        document
            .valid_policy()
            .cloned()
            .unwrap_or_else(|| panic!("invalid")),
    )
}

fn cookie(name: &str, domain: &str, lifetime: Option<u64>) -> Cookie {
    Cookie {
        name: name.into(),
        domain: domain.into(),
        session: lifetime.is_none(),
        expiration_date: lifetime.map(|l| (NOW + l) as f64),
        store_id: "0".into(),
        ..Cookie::default()
    }
}

fn codes(findings: &[Finding]) -> Vec<String> {
    findings.iter().map(ToString::to_string).collect()
}

#[test]
fn observed_cookies_are_checked_against_the_declaration() {
    let policy = kaltiot();
    let known = KnownCookies::bundled();
    let limit = TWO_YEARS * 3 / 2;
    let cases: &[(Cookie, &[&str])] = &[
        (cookie("_ga", ".kaltiot.com", Some(TWO_YEARS)), &[]),
        (cookie("_ga", ".kaltiot.com", Some(limit)), &[]),
        (
            cookie("_ga", ".kaltiot.com", Some(limit + 1)),
            &["_ga lives longer than declared: 3 years left, 2 years declared"],
        ),
        (cookie("_ga", ".kaltiot.com", None), &[]),
        (
            cookie("_lfa", ".kaltiot.com", Some(DAY)),
            &["_lfa is declared as Statistics but is commonly used for Marketing (Leadfeeder)"],
        ),
        (
            cookie("_fbp", ".kaltiot.com", Some(90 * DAY)),
            &["_fbp is not declared in the policy (commonly Marketing by Facebook)"],
        ),
        (
            cookie("my_pref", "www.kaltiot.com", None),
            &["my_pref is not declared in the policy"],
        ),
    ];
    for (cookie, expected) in cases {
        assert_eq!(
            codes(&audit_cookie(cookie, &policy, known, NOW)),
            *expected,
            "{cookie:?}"
        );
    }
}

#[test]
fn a_session_declaration_with_a_persistent_cookie_is_reported() {
    let document = policy::parse(
        br#"{"version": 1, "site": "example.com", "services": [{"id": "s", "name": "S", "category": "functional",
            "storage": [{"name": "sid", "maxAgeSeconds": 0}]}]}"#,
        None,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let policy = CompiledPolicy::new(document.policy.unwrap_or_else(|| panic!("no policy")));
    let known = KnownCookies::bundled();
    let persistent = audit_cookie(
        &cookie("sid", "www.example.com", Some(30 * DAY)),
        &policy,
        known,
        NOW,
    );
    assert_eq!(
        codes(&persistent),
        ["sid is declared as a session cookie but persists for 30 days"]
    );
    let session = audit_cookie(&cookie("sid", "www.example.com", None), &policy, known, NOW);
    assert!(session.is_empty(), "{session:?}");
}

#[test]
fn the_declaration_alone_shows_staleness_and_category_mismatches() {
    let policy = kaltiot();
    let known = KnownCookies::bundled();
    let at = |date: &str| -> u64 {
        // Whole days from 2025-04-28 (1,745,798,400) to the date, counted by the caller.
        match date {
            "2026-04-27" => 1_745_798_400 + 364 * DAY,
            "2026-04-28" => 1_745_798_400 + 365 * DAY,
            _ => NOW,
        }
    };
    let fresh = codes(&audit_declaration(policy.policy(), known, at("2026-04-27")));
    assert_eq!(
        fresh,
        ["_lfa is declared as Statistics but is commonly used for Marketing (Leadfeeder)"]
    );
    let stale = codes(&audit_declaration(policy.policy(), known, at("2026-04-28")));
    assert_eq!(
        stale,
        [
            "the policy was last updated on 2025-04-28, 12 months ago",
            "_lfa is declared as Statistics but is commonly used for Marketing (Leadfeeder)"
        ]
    );
}

fn view(
    policy: Option<&CompiledPolicy>,
    cookies: &[Cookie],
    prefs: &Preferences,
    language: &str,
    deletions: &BTreeMap<String, u32>,
) -> SiteView {
    let site = policy.map_or_else(
        || Site::of_host("example.org"),
        |p| Some(p.policy().site.clone()),
    );
    let site = site.unwrap_or_else(|| panic!("site"));
    let deletions = SiteDeletions {
        names: deletions.clone(),
        others: 0,
    };
    let state = match policy {
        Some(policy) => PolicyState::Declared {
            policy,
            url: "https://www.kaltiot.com/.well-known/cookie-policy.json",
            kind: DocumentKind::CookiePolicy,
            warnings: &[],
        },
        None => PolicyState::NotPublished,
    };
    site_view(&ViewInput {
        site: &site,
        policy: state,
        prefs,
        known: KnownCookies::bundled(),
        cookies,
        deletions: &deletions,
        activity: None,
        language,
        read_at: None,
        now: NOW,
    })
}

fn row<'a>(view: &'a SiteView, category: CategoryId, service: &str, name: &str) -> &'a CookieRow {
    view.categories
        .iter()
        .find(|c| c.id == category)
        .and_then(|c| c.services.iter().find(|s| s.id == service))
        .and_then(|s| s.cookies.iter().find(|r| r.name == name))
        .unwrap_or_else(|| panic!("no row {name} under {category:?}/{service}"))
}

#[test]
fn the_panel_lists_declared_cookies_with_purpose_expiry_and_status() {
    let policy = kaltiot();
    let prefs = Preferences::default();
    let cookies = [
        cookie("_ga", ".kaltiot.com", Some(TWO_YEARS)),
        cookie("PHPSESSID", "www.kaltiot.com", None),
    ];
    let deletions = BTreeMap::from([("_lfa".to_owned(), 3), ("_ga_K4LT10T".to_owned(), 2)]);
    let view = view(Some(&policy), &cookies, &prefs, "en-GB", &deletions);

    assert_eq!(view.site.as_str(), "kaltiot.com");
    assert!(matches!(view.source, Source::Declared { .. }));
    assert_eq!(view.updated.as_deref(), Some("2025-04-28"));
    assert_eq!(
        view.controller.as_ref().map(|c| c.name.as_str()),
        Some("Kaltiot Technologies Oy")
    );
    assert!(view
        .findings
        .iter()
        .any(|f| matches!(f.finding, Finding::PolicyStale { .. })));

    // Every category has its row (the seed declares nothing necessary: its row has no services).
    let ids: Vec<CategoryId> = view.categories.iter().map(|c| c.id).collect();
    assert!(view.categories[0].services.is_empty());
    assert_eq!(
        ids,
        [
            CategoryId::Necessary,
            CategoryId::Functional,
            CategoryId::Statistics,
            CategoryId::Marketing
        ]
    );
    let statistics = &view.categories[2];
    assert_eq!(statistics.label, "Statistics / Analytics");
    assert_eq!(statistics.choice, Choice::Deny);
    assert!(statistics.consent_required);

    let ga = row(&view, CategoryId::Statistics, "google-analytics-4", "_ga");
    assert_eq!(ga.service.as_deref(), Some("Google Analytics 4"));
    assert_eq!(ga.provider.as_deref(), Some("Google"));
    assert_eq!(
        ga.declared_expiry.map(|l| l.to_string()).as_deref(),
        Some("2 years")
    );
    assert_eq!(
        ga.actual_expiry.map(|l| l.to_string()).as_deref(),
        Some("2 years")
    );
    assert_eq!(ga.status, Status::Deleting);
    assert!(
        ga.purpose
            .as_deref()
            .is_some_and(|p| p.contains("visitor statistics")),
        "{:?}",
        ga.purpose
    );

    // A pattern entry lists the names deleted under it.
    let pattern = row(
        &view,
        CategoryId::Statistics,
        "google-analytics-4",
        "_ga_K4LT10T",
    );
    assert_eq!(
        (pattern.status, pattern.deleted_count),
        (Status::Deleted, 2)
    );
    assert_eq!(
        pattern.declared_expiry.map(|l| l.to_string()).as_deref(),
        Some("2 years")
    );
    let lfa = row(&view, CategoryId::Statistics, "leadfeeder", "_lfa");
    assert_eq!((lfa.status, lfa.deleted_count), (Status::Deleted, 3));
    assert_eq!(
        lfa.declared_expiry.map(|l| l.to_string()).as_deref(),
        Some("2 years")
    );
    assert_eq!(lfa.findings.len(), 1, "{:?}", lfa.findings);

    let ga_service = view.categories[2]
        .services
        .iter()
        .find(|s| s.id == "google-analytics-4");
    let blocked = ga_service
        .map(|s| s.blocked_domains.clone())
        .unwrap_or_default();
    assert_eq!(blocked, ["google-analytics.com", "analytics.google.com"]);
    let gtm = view.categories[1]
        .services
        .iter()
        .find(|s| s.id == "google-tag-manager");
    assert_eq!(gtm.map(|s| s.blocked_domains.len()), Some(0));

    let undeclared: Vec<(&str, Status, usize)> = view
        .other_cookies
        .iter()
        .map(|r| (r.name.as_str(), r.status, r.findings.len()))
        .collect();
    assert_eq!(undeclared, [("PHPSESSID", Status::Kept, 1)]);
}

#[test]
fn the_panel_speaks_the_visitors_language_when_the_policy_does() {
    let policy = kaltiot();
    let view = view(
        Some(&policy),
        &[],
        &Preferences::default(),
        "fi-FI",
        &BTreeMap::new(),
    );
    let untouched = row(&view, CategoryId::Statistics, "google-analytics-4", "_ga_*");
    assert_eq!(
        untouched.status,
        Status::NotStored,
        "a pattern with nothing stored or deleted shows itself"
    );
    let statistics = &view.categories[2];
    assert_ne!(
        statistics.label, "Statistics / Analytics",
        "Finnish label expected"
    );
    let ga = row(&view, CategoryId::Statistics, "google-analytics-4", "_ga");
    let english = row(
        &self::view(
            Some(&policy),
            &[],
            &Preferences::default(),
            "en",
            &BTreeMap::new(),
        ),
        CategoryId::Statistics,
        "google-analytics-4",
        "_ga",
    )
    .purpose
    .clone();
    assert!(
        ga.purpose.is_some() && ga.purpose != english,
        "{:?} vs {english:?}",
        ga.purpose
    );
}

#[test]
fn without_a_policy_the_panel_says_it_is_guessing() {
    let cookies = [
        cookie("_ga", ".example.org", Some(TWO_YEARS)),
        cookie("_fbp", ".example.org", Some(90 * DAY)),
        cookie("own", "www.example.org", None),
    ];
    let mut prefs = Preferences::default();
    let site = Site::of_host("example.org").unwrap_or_else(|| panic!("site"));
    prefs.set_category(&site, CategoryId::Marketing, Some(Choice::Allow));
    let view = view(None, &cookies, &prefs, "en", &BTreeMap::new());
    assert_eq!(view.source, Source::Guessing);
    assert_eq!(view.categories.len(), 4, "every category has a switch");
    let rows: Vec<(&str, Option<CategoryId>, bool, Status)> = view
        .other_cookies
        .iter()
        .map(|r| (r.name.as_str(), r.category, r.inferred, r.status))
        .collect();
    assert_eq!(
        rows,
        [
            ("_ga", Some(CategoryId::Statistics), true, Status::Deleting),
            ("_fbp", Some(CategoryId::Marketing), true, Status::Kept),
            ("own", None, false, Status::Kept),
        ]
    );
    assert_eq!(
        view.other_cookies[0]
            .declared_expiry
            .map(|l| l.to_string())
            .as_deref(),
        Some("2 years")
    );
    assert!(view.other_cookies[0]
        .reason
        .as_ref()
        .is_some_and(|r| r.to_string().contains("guess")));
}

#[test]
fn a_brief_panel_keeps_every_category_and_its_counts_but_no_services() {
    let policy = kaltiot();
    let prefs = Preferences::default();
    let full = view(Some(&policy), &[], &prefs, "en", &BTreeMap::new());
    let brief = full.clone().into_brief();
    assert!(brief.brief && !full.brief);
    assert_eq!(brief.categories.len(), full.categories.len());
    for (b, f) in brief.categories.iter().zip(&full.categories) {
        assert!(b.services.is_empty());
        assert_eq!(
            (b.id, b.choice, b.stored, b.deleted, b.blocked),
            (f.id, f.choice, f.stored, f.deleted, f.blocked)
        );
    }
    assert!(full.categories.iter().any(|c| !c.services.is_empty()));
    assert_eq!(brief.other_cookies, full.other_cookies);
}

#[test]
fn cookies_deleted_earlier_stay_in_the_panel() {
    let deletions = BTreeMap::from([("_ga".to_owned(), 4), ("_fbp".to_owned(), 1)]);
    let view = view(None, &[], &Preferences::default(), "en", &deletions);
    let rows: Vec<(&str, Status, u32, Option<CategoryId>, bool)> = view
        .other_cookies
        .iter()
        .map(|r| {
            (
                r.name.as_str(),
                r.status,
                r.deleted_count,
                r.category,
                r.inferred,
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (
                "_fbp",
                Status::Deleted,
                1,
                Some(CategoryId::Marketing),
                true
            ),
            (
                "_ga",
                Status::Deleted,
                4,
                Some(CategoryId::Statistics),
                true
            ),
        ]
    );
    // With a policy, a deleted cookie the policy declares is shown under its service only.
    let policy = kaltiot();
    let view = self::view(
        Some(&policy),
        &[],
        &Preferences::default(),
        "en",
        &deletions,
    );
    let other: Vec<&str> = view.other_cookies.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(other, ["_fbp"]);
}

/// The popup reads the panel back from JSON: the view must survive the trip unchanged.
#[test]
fn the_panel_survives_the_message_protocol() {
    let policy = kaltiot();
    let cookies = [cookie("_ga", ".kaltiot.com", Some(TWO_YEARS * 2))];
    let deletions = BTreeMap::from([("_lfa".to_owned(), 1)]);
    let view = view(
        Some(&policy),
        &cookies,
        &Preferences::default(),
        "en",
        &deletions,
    );
    let response = cookie_warden::protocol::Response::Panel {
        view: Box::new(view),
        deleted_in_tab: 2,
        blocked_in_tab: 3,
    };
    let json = serde_json::to_string(&response).unwrap_or_default();
    let back: cookie_warden::protocol::Response =
        serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"));
    assert_eq!(back, response);
}
