//! Every message key the pages use exists in every language, and the languages have the same
//! keys: a missing string would show its key instead of words.

use std::collections::BTreeSet;
use std::path::Path;

fn keys_of(language: &str) -> BTreeSet<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(format!("extension/_locales/{language}/messages.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let json: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let map = json
        .as_object()
        .unwrap_or_else(|| panic!("{}: not an object", path.display()));
    for (key, value) in map {
        assert!(
            value
                .get("message")
                .and_then(|m| m.as_str())
                .is_some_and(|m| !m.is_empty()),
            "{language}: {key} has no message"
        );
    }
    map.keys().cloned().collect()
}

/// Every `.rs` file under `dir`, at any depth.
fn rust_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.map(|e| e.path()).unwrap_or_default();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

/// The keys the Rust pages ask for: the first string argument of `t(`, `message(` and `msg(`.
fn keys_used() -> BTreeSet<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web");
    let mut used = BTreeSet::new();
    for path in rust_files(&dir) {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        for opener in ["t(\"", "message(\"", "msg(\""] {
            for (at, _) in text.match_indices(opener) {
                // `t("` must be a call of `t`, not the end of `set("`.
                let before = text[..at].chars().next_back();
                if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
                    continue;
                }
                let piece = &text[at + opener.len()..];
                let key: String = piece
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !key.is_empty() && piece[key.len()..].starts_with('"') {
                    used.insert(key);
                }
            }
        }
        // Keys chosen in a match arm: `"popupSomething"` literals.
        for piece in text.split('"').skip(1).step_by(2) {
            let looks_like_key = [
                "popup", "options", "category", "status", "right", "finding", "mail",
            ]
            .iter()
            .any(|p| {
                piece.starts_with(p)
                    && piece.len() > p.len()
                    && piece.chars().all(|c| c.is_ascii_alphanumeric())
                    && piece[p.len()..].starts_with(|c: char| c.is_ascii_uppercase())
            });
            if looks_like_key {
                used.insert(piece.to_owned());
            }
        }
    }
    used
}

#[test]
fn english_and_finnish_have_the_same_keys() {
    let en = keys_of("en");
    let fi = keys_of("fi");
    let only_en: Vec<_> = en.difference(&fi).collect();
    let only_fi: Vec<_> = fi.difference(&en).collect();
    assert!(
        only_en.is_empty() && only_fi.is_empty(),
        "only in en: {only_en:?}; only in fi: {only_fi:?}"
    );
}

#[test]
fn every_key_the_pages_use_exists() {
    let en = keys_of("en");
    let used = keys_used();
    assert!(
        used.len() > 50,
        "the scan found too few keys ({}); is it still reading the pages?",
        used.len()
    );
    let missing: Vec<_> = used.difference(&en).collect();
    assert!(
        missing.is_empty(),
        "used but not in _locales/en: {missing:?}"
    );
}
