//! What the stores ask for besides the package, kept true: every permission and host
//! permission of `manifest.json` has a justification in `permissions.json` (and nothing else
//! has one); Firefox's data-collection declaration stays `none`; the version released last in
//! `CHANGELOG.md` is `Cargo.toml`'s; the listing descriptions fit the stores' limits; and the
//! privacy policy names every place Cookie Warden stores data and every kind of request it makes.

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

fn read(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn json(name: &str) -> Value {
    serde_json::from_str(&read(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn strings(value: &Value) -> BTreeSet<String> {
    value
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

fn keys(value: &Value) -> BTreeSet<String> {
    value
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

#[test]
fn every_permission_has_a_justification_and_only_those() {
    let manifest = json("manifest.json");
    let justified = json("permissions.json");
    for (field, kind) in [
        ("permissions", "permissions"),
        ("host_permissions", "hostPermissions"),
    ] {
        let asked = strings(&manifest[field]);
        let given = keys(&justified[kind]);
        let missing: Vec<_> = asked.difference(&given).collect();
        let extra: Vec<_> = given.difference(&asked).collect();
        assert!(
            missing.is_empty(),
            "manifest.json {field} without a justification in permissions.json {kind}: {missing:?}"
        );
        assert!(
            extra.is_empty(),
            "permissions.json {kind} justifies what manifest.json does not ask for: {extra:?}"
        );
        for (name, why) in justified[kind].as_object().into_iter().flatten() {
            let why = why.as_str().unwrap_or_default();
            assert!(
                why.len() >= 40,
                "{kind}.{name}: say why, in a sentence: {why:?}"
            );
        }
    }
    for field in ["singlePurpose", "remoteCode", "dataUse"] {
        let text = justified[field].as_str().unwrap_or_default();
        assert!(text.len() >= 40, "permissions.json {field} is missing");
    }
    assert!(justified["remoteCode"]
        .as_str()
        .unwrap_or_default()
        .starts_with("No."));
}

#[test]
fn firefox_is_told_that_no_data_is_collected() {
    let manifest = json("manifest.json");
    let declared =
        &manifest["browser_specific_settings"]["gecko"]["data_collection_permissions"]["required"];
    assert_eq!(strings(declared), BTreeSet::from(["none".to_owned()]));
    assert!(read("extension/privacy.html").contains("data_collection_permissions"));
}

#[test]
fn the_changelog_names_the_version_being_built() {
    let cargo = read("Cargo.toml");
    let version = cargo
        .lines()
        .find_map(|l| l.strip_prefix("version = \""))
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or_else(|| panic!("no version in Cargo.toml"));
    let changelog = read("CHANGELOG.md");
    let released: Vec<&str> = changelog
        .lines()
        .filter_map(|l| l.strip_prefix("## "))
        .filter(|h| *h != "Unreleased")
        .collect();
    let newest = released
        .first()
        .unwrap_or_else(|| panic!("CHANGELOG.md names no version"));
    assert!(
        newest.starts_with(&format!("{version} — ")),
        "CHANGELOG.md's newest version is {newest:?}, Cargo.toml says {version} (scripts/bump.sh keeps them together)"
    );
    assert!(
        changelog.contains("## Unreleased\n"),
        "an Unreleased section for what comes next"
    );
    let lock = read("Cargo.lock");
    assert!(
        lock.contains(&format!(
            "name = \"cookie-warden\"\nversion = \"{version}\""
        )),
        "Cargo.lock has the same version"
    );
}

#[test]
fn the_listing_descriptions_fit_the_stores() {
    for lang in ["en", "fi"] {
        let messages = json(&format!("extension/_locales/{lang}/messages.json"));
        let text = |key: &str| {
            messages[key]["message"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        };
        let short = text("extDescription");
        assert!(
            !short.is_empty() && short.chars().count() <= 132,
            "{lang}: Chrome's short description is at most 132 characters ({})",
            short.chars().count()
        );
        let long = text("storeLongDescription");
        assert!(
            long.chars().count() > 500 && long.chars().count() <= 16_000,
            "{lang}: a long description for the listing"
        );
    }
}

#[test]
fn the_privacy_policy_names_every_stored_key_and_every_kind_of_request() {
    let policy = read("extension/privacy.html");
    // Every storage key the background writes (src/web/background/state.rs, `keys`).
    let state = read("src/web/background/state.rs");
    let stored: Vec<&str> = state
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pub const "))
        .filter_map(|l| l.split_once(": &str = \"").map(|(_, v)| v))
        .filter_map(|v| v.strip_suffix("\";"))
        .collect();
    assert!(stored.len() >= 10, "storage keys read: {stored:?}");
    // Keys of this session's counters are named by what they hold.
    let session_words = [
        ("tabs", "tabs"),
        ("deleted", "deletions"),
        ("swept", "storage.session"),
        ("activity", "activity"),
        ("adpc", "ADPC requests"),
        ("sessionStarted", "storage.session"),
        ("sessionRuleBook", "private window"),
    ];
    for key in stored {
        let named = policy.contains(&format!("<code>{key}</code>"))
            || policy.contains(&format!("<code>{key}&lt;"))
            || session_words
                .iter()
                .any(|(k, words)| *k == key && policy.contains(words));
        assert!(named, "privacy.html says nothing of the stored key {key:?}");
    }
    for kind in ["well-known", "named", "onetrust", "cookiebot"] {
        assert!(
            policy.contains(&format!("data-request=\"{kind}\"")),
            "privacy.html lists the {kind} request"
        );
    }
    for claim in [
        "never their values",
        "Sec-GPC: 1",
        "ADPC",
        "no remote code",
        "Reset to defaults",
    ] {
        assert!(policy.contains(claim), "privacy.html: {claim:?}");
    }
}
