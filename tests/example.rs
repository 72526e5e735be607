//! The seed's policy, as shipped in `examples/`, is complete and is exactly what the model
//! writes back: nothing in it is ignored or lost.

use cookie_warden::domain::Site;
use cookie_warden::policy::{self, CategoryId, Right};

const EXAMPLE: &str = include_str!("../examples/kaltiot.cookie-policy.json");

#[test]
fn the_example_is_valid_with_no_warnings_and_round_trips() {
    let site = Site::of_host("www.kaltiot.com");
    let document =
        policy::parse(EXAMPLE.as_bytes(), site.as_ref()).unwrap_or_else(|e| panic!("{e}"));
    assert!(document.is_valid());
    assert!(
        document.diagnostics.is_empty(),
        "{:?}",
        document.diagnostics
    );
    let written = serde_json::to_string_pretty(&document.policy).unwrap_or_default();
    assert_eq!(written.trim_end(), EXAMPLE.trim_end());
}

#[test]
fn the_example_carries_everything_the_seed_says() {
    let document = policy::parse(EXAMPLE.as_bytes(), None).unwrap_or_else(|e| panic!("{e}"));
    let policy = document.policy.unwrap_or_else(|| panic!("no policy"));
    assert_eq!(policy.site.as_str(), "kaltiot.com");
    assert_eq!(
        policy.updated.map(|d| d.to_string()).as_deref(),
        Some("2025-04-28")
    );
    assert_eq!(policy.jurisdictions, ["EEA", "CH"]);
    let controller = policy.controller.clone().unwrap_or_default();
    assert_eq!(controller.name, "Kaltiot Technologies Oy");
    assert_eq!(
        controller.address.as_deref(),
        Some("Svaanintie 4 A2, 90230 Oulu, Finland")
    );
    assert_eq!(controller.email.as_deref(), Some("privacy@kaltiot.com"));
    for right in [
        Right::Access,
        Right::Rectification,
        Right::Portability,
        Right::Objection,
    ] {
        assert!(policy.rights.contains(&right), "{right:?}");
    }
    let categories: Vec<(CategoryId, bool)> = policy
        .categories
        .iter()
        .map(|(id, info)| (*id, info.description.is_some() && info.label.is_some()))
        .collect();
    assert_eq!(
        categories,
        [
            (CategoryId::Functional, true),
            (CategoryId::Statistics, true),
            (CategoryId::Marketing, true)
        ]
    );
    assert!(!policy.consent_required(CategoryId::Functional));
    assert!(policy.consent_required(CategoryId::Statistics));
    let services: Vec<(&str, CategoryId, Vec<&str>)> = policy
        .services
        .iter()
        .map(|s| {
            (
                s.id.as_str(),
                s.category,
                s.storage.iter().map(|e| e.name.as_str()).collect(),
            )
        })
        .collect();
    assert_eq!(
        services,
        [
            ("google-tag-manager", CategoryId::Functional, vec![]),
            (
                "google-analytics-4",
                CategoryId::Statistics,
                vec!["_ga", "_ga_*"]
            ),
            ("leadfeeder", CategoryId::Statistics, vec!["_lfa"]),
        ]
    );
    assert!(policy
        .services
        .iter()
        .flat_map(|s| &s.storage)
        .all(|e| e.max_age_seconds == Some(63_072_000) && e.purpose.is_some()));
}
