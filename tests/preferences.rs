//! Stored choices: every fixture under `tests/fixtures/prefs/` is loaded, and the preferences it
//! becomes (as stored JSON) and what the loader said are compared with the `.expected` file.
//! Older versions are migrated; damaged parts fall back to defaults; the rest is kept.

mod common;

use common::{check_expect, fixtures, json_files};
use cookie_warden::domain::Site;
use cookie_warden::policy::CategoryId;
use cookie_warden::prefs::{Choice, ChoiceSource, Preferences, PREFS_VERSION};
use serde_json::{json, Value};

fn loaded(stored: &Value) -> String {
    let (prefs, diagnostics) = Preferences::load(stored);
    let mut out = String::new();
    for d in &diagnostics {
        out.push_str(&format!("{d}\n"));
    }
    out.push_str(&serde_json::to_string_pretty(&prefs.to_json()).unwrap_or_default());
    out.push('\n');
    out
}

#[test]
fn stored_preferences_fixtures_load_as_expected() {
    let dir = fixtures().join("prefs");
    let files = json_files(&dir);
    assert!(files.len() >= 5, "fixtures missing from {}", dir.display());
    for file in files {
        let text =
            std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let stored: Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        check_expect(&file.with_extension("expected"), &loaded(&stored));
    }
}

#[test]
fn anything_at_all_in_storage_loads_without_panicking() {
    let cases = [
        json!(null),
        json!(42),
        json!("{\"version\": 2, \"defa"),
        json!([1, 2, 3]),
        json!({"version": "two"}),
        json!({"version": 2, "sites": [1]}),
        json!({"version": 2, "sites": {"kaltiot.com": {"categories": [true]}}}),
        json!({"version": 2, "defaults": null}),
    ];
    for stored in cases {
        let (prefs, _) = Preferences::load(&stored);
        assert_eq!(prefs.version, PREFS_VERSION, "{stored}");
    }
    let (prefs, diagnostics) = Preferences::load(&json!(null));
    assert_eq!(prefs, Preferences::default());
    assert!(
        diagnostics.is_empty(),
        "nothing stored yet is not a problem"
    );
}

#[test]
fn saved_preferences_load_back_unchanged() {
    let site = Site::of_host("kaltiot.com").unwrap_or_else(|| panic!("site"));
    let mut prefs = Preferences::default();
    prefs.set_category(&site, CategoryId::Statistics, Some(Choice::Allow));
    prefs.set_service(&site, "leadfeeder", Some(Choice::Deny));
    prefs.set_paused(
        &Site::of_host("example.org").unwrap_or_else(|| panic!("site")),
        true,
    );
    prefs.defaults.insert(CategoryId::Marketing, Choice::Allow);
    prefs.global_privacy_control = false;
    let (back, diagnostics) = Preferences::load(&prefs.to_json());
    assert_eq!(back, prefs);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
}

#[test]
fn choices_resolve_service_then_category_then_default() {
    let site = Site::of_host("kaltiot.com").unwrap_or_else(|| panic!("site"));
    let mut prefs = Preferences::default();
    let stats = CategoryId::Statistics;
    assert_eq!(
        prefs.choice(&site, stats, Some("leadfeeder")),
        (Choice::Deny, ChoiceSource::Default)
    );
    prefs.set_category(&site, stats, Some(Choice::Allow));
    assert_eq!(
        prefs.choice(&site, stats, Some("leadfeeder")),
        (Choice::Allow, ChoiceSource::SiteCategory)
    );
    prefs.set_service(&site, "leadfeeder", Some(Choice::Deny));
    assert_eq!(
        prefs.choice(&site, stats, Some("leadfeeder")),
        (Choice::Deny, ChoiceSource::SiteService)
    );
    assert_eq!(
        prefs.choice(&site, stats, Some("google-analytics-4")),
        (Choice::Allow, ChoiceSource::SiteCategory)
    );
    // Removing every override forgets the site.
    prefs.set_service(&site, "leadfeeder", None);
    prefs.set_category(&site, stats, None);
    assert!(prefs.sites.is_empty());
    // The built-in defaults.
    let defaults: Vec<(CategoryId, Choice)> = CategoryId::ALL
        .iter()
        .map(|c| (*c, prefs.default_for(*c)))
        .collect();
    assert_eq!(
        defaults,
        [
            (CategoryId::Necessary, Choice::Allow),
            (CategoryId::Functional, Choice::Allow),
            (CategoryId::Statistics, Choice::Deny),
            (CategoryId::Marketing, Choice::Deny),
        ]
    );
}

#[test]
fn only_our_settings_files_are_read() {
    use cookie_warden::settings::{self, Refusal};
    use serde_json::json;
    let ours =
        r#"{"format": "cookie-warden-settings", "version": 1, "preferences": {"version": 2}}"#;
    let cases: &[(&str, Result<serde_json::Value, Refusal>)] = &[
        (ours, Ok(json!({"version": 2}))),
        ("not json", Err(Refusal::NotJson)),
        (r#"{"version": 2}"#, Err(Refusal::NotOurs)),
        ("[1, 2]", Err(Refusal::NotOurs)),
        (
            r#"{"format": "cookie-warden-settings", "version": 1, "preferences": 3}"#,
            Err(Refusal::NotOurs),
        ),
        (
            r#"{"format": "cookie-warden-settings", "version": "1", "preferences": {}}"#,
            Err(Refusal::NotOurs),
        ),
        (
            r#"{"format": "cookie-warden-settings", "version": 9, "preferences": {}}"#,
            Err(Refusal::Newer),
        ),
    ];
    for (text, want) in cases {
        assert_eq!(&settings::unwrap(text), want, "{text}");
    }
    // What is exported reads back.
    let prefs = cookie_warden::prefs::Preferences::default().to_json();
    let file = settings::export(prefs.clone(), "2026-12-01T00:00:00.000Z", "0.1.0");
    assert_eq!(settings::unwrap(&file.to_string()), Ok(prefs));
}

#[test]
fn whole_preferences_are_taken_only_when_they_read_without_errors() {
    use cookie_warden::settings::accept;
    use serde_json::json;
    let defaults = cookie_warden::prefs::Preferences::default();
    // (preferences, taken)
    let cases: Vec<(serde_json::Value, bool)> = vec![
        (defaults.to_json(), true),
        (json!({ "version": 2 }), true),
        (json!({ "version": 2, "somethingNew": true }), true),
        (json!(3), false),
        (json!(null), false),
        (json!([]), false),
        (
            json!({ "version": 2, "defaults": { "statistics": "sometimes" } }),
            false,
        ),
    ];
    for (preferences, taken) in cases {
        let outcome = accept(&preferences);
        assert_eq!(outcome.is_ok(), taken, "{preferences}: {outcome:?}");
        if let Err(message) = outcome {
            assert!(
                message.starts_with("these settings were not imported: "),
                "{message}"
            );
        }
    }
}

#[test]
fn cookie_choices_and_timed_pauses_are_stored_read_back_and_bounded() {
    use cookie_warden::prefs::{Pause, PauseLength, MAX_COOKIE_CHOICES_PER_SITE};
    let site = Site::parse("kaltiot.com").unwrap_or_else(|| panic!("site"));
    let mut prefs = Preferences::default();
    assert!(prefs.set_cookie(&site, "2fa_token", Some(Choice::Allow)));
    assert!(
        !prefs.set_cookie(&site, "", Some(Choice::Allow)),
        "an empty name is refused"
    );
    assert!(!prefs.set_cookie(&site, &"x".repeat(5000), Some(Choice::Deny)));
    for i in 1..MAX_COOKIE_CHOICES_PER_SITE {
        assert!(prefs.set_cookie(&site, &format!("c{i}"), Some(Choice::Deny)));
    }
    assert!(!prefs.set_cookie(&site, "one_too_many", Some(Choice::Deny)));
    assert!(
        prefs.set_cookie(&site, "2fa_token", Some(Choice::Deny)),
        "a known name can change"
    );
    prefs.set_pause(&site, Some(PauseLength::Hour), 1_000);
    assert_eq!(prefs.pause_of(&site), Some(Pause::Until(4_600)));
    assert_eq!(prefs.next_pause_end(), Some(4_600));

    let (back, diagnostics) = Preferences::load(&prefs.to_json());
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert_eq!(
        back, prefs,
        "an export or a restart keeps every cookie choice and the pause"
    );

    assert!(prefs.expire_pauses(4_599).is_empty());
    assert_eq!(prefs.expire_pauses(4_600), vec![site.clone()]);
    assert!(!prefs.is_paused(&site));
    prefs.set_pause(&site, Some(PauseLength::UntilRestart), 0);
    assert_eq!(prefs.pause_of(&site), Some(Pause::UntilRestart));
    assert_eq!(prefs.end_session_pauses(), vec![site.clone()]);
    assert!(!prefs.is_paused(&site));
    assert_eq!(prefs.cookie_choice(&site, "2fa_token"), Some(Choice::Deny));

    // Damaged cookie choices lose only the damaged entry.
    let stored = json!({
        "version": PREFS_VERSION,
        "sites": {"kaltiot.com": {"cookies": {"keep_me": "allow", "bad": 3, "": "deny"},
                                   "pausedUntil": "soon"}}
    });
    let (prefs, diagnostics) = Preferences::load(&stored);
    assert_eq!(prefs.cookie_choice(&site, "keep_me"), Some(Choice::Allow));
    assert_eq!(prefs.cookie_choice(&site, "bad"), None);
    assert!(!prefs.is_paused(&site));
    let said: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
    assert_eq!(said.len(), 3, "{said:?}");
    assert!(
        said.iter()
            .any(|d| d.contains("sites.kaltiot.com.cookies.bad")),
        "{said:?}"
    );
    assert!(said.iter().any(|d| d.contains("pausedUntil")), "{said:?}");
}
