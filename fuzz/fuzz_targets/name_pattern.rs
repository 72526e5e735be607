//! Lines of text → `pattern::NamePattern` and `policy::CompiledPolicy::lookup`.
//!
//! The input is read as UTF-8 (invalid bytes become U+FFFD) and split into lines: the lines
//! before the first empty line are patterns, the lines after it are cookie names; without an
//! empty line every line is both. So a seed is just a list of names, one per line.
//!
//! Checked for every pattern that parses: matching never panics and agrees with a plain
//! dynamic-programming glob (`*` = any run, even empty); a pattern matches its own text and its
//! text with the wildcards removed; a pattern without `*` is exact and its own literal prefix;
//! `specificity_cmp` is antisymmetric. Then the patterns become one policy's storage entries and
//! the compiled index must pick, for every name, the entry the format's rule picks (exact beats
//! pattern, longer literal beats shorter, then document order).
#![no_main]

#[path = "common/mod.rs"]
mod common;

use cookie_warden::pattern::{NamePattern, PatternError};
use cookie_warden::policy::{
    CategoryId, CompiledPolicy, Policy, Service, StorageEntry, StorageType,
};
use libfuzzer_sys::fuzz_target;

struct Input {
    patterns: Vec<String>,
    names: Vec<String>,
}

impl Input {
    fn read(data: &[u8]) -> Input {
        let text = String::from_utf8_lossy(data);
        let lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
        match lines.iter().position(String::is_empty) {
            Some(blank) => Input {
                patterns: lines[..blank].to_vec(),
                names: lines[blank + 1..].to_vec(),
            },
            None => Input {
                patterns: lines.clone(),
                names: lines,
            },
        }
    }
}

/// Glob matching by dynamic programming over characters (two rows, reused).
fn glob_reference(pattern: &str, name: &str) -> bool {
    let s: Vec<char> = name.chars().collect();
    let mut dp = vec![false; s.len() + 1];
    let mut next = vec![false; s.len() + 1];
    dp[0] = true;
    for pc in pattern.chars() {
        if pc == '*' {
            let mut any = false;
            for j in 0..=s.len() {
                any |= dp[j];
                next[j] = any;
            }
        } else {
            next[0] = false;
            for j in 1..=s.len() {
                next[j] = dp[j - 1] && s[j - 1] == pc;
            }
        }
        std::mem::swap(&mut dp, &mut next);
    }
    dp[s.len()]
}

/// Character steps the reference may take for one input, so one input stays under a
/// millisecond or so (the reference is quadratic).
const REFERENCE_BUDGET: usize = 1 << 15;

fn check_pattern(text: &str, pattern: &NamePattern, names: &[String], budget: &mut usize) {
    assert_eq!(pattern.as_str(), text);
    assert_eq!(pattern.to_string(), text);
    let literal = text.replace('*', "");
    assert!(pattern.matches(text), "{text:?} does not match itself");
    assert!(
        pattern.matches(&literal),
        "{text:?} does not match {literal:?}"
    );
    assert_eq!(
        pattern.is_exact(),
        !text.contains('*'),
        "{text:?}: is_exact"
    );
    assert!(
        text.starts_with(pattern.literal_prefix()),
        "{text:?}: literal_prefix"
    );
    assert_eq!(
        pattern.literal_len(),
        literal.len(),
        "{text:?}: literal_len"
    );
    if pattern.is_exact() {
        assert_eq!(pattern.literal_prefix(), text);
    } else {
        assert_eq!(
            Some(pattern.literal_prefix()),
            text.split('*').next(),
            "{text:?}: literal_prefix is the text before the first *"
        );
    }
    for name in names {
        let got = pattern.matches(name);
        // Keep the reference cheap on long inputs.
        let cost = (text.len() + 1).saturating_mul(name.len() + 1);
        if cost <= *budget {
            *budget -= cost;
            assert_eq!(
                got,
                glob_reference(text, name),
                "{text:?}.matches({name:?})"
            );
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut input = Input::read(data);
    input.names.truncate(16);
    let mut budget = REFERENCE_BUDGET;
    let mut parsed = Vec::new();
    for text in input.patterns.iter().take(16) {
        match NamePattern::parse(text) {
            Ok(pattern) => {
                check_pattern(text, &pattern, &input.names, &mut budget);
                parsed.push(pattern);
            }
            Err(PatternError::Empty) => assert!(text.is_empty()),
            Err(PatternError::OnlyWildcards) => {
                assert!(!text.is_empty() && text.chars().all(|c| c == '*'));
            }
        }
    }
    for a in &parsed {
        for b in &parsed {
            assert_eq!(
                a.specificity_cmp(b),
                b.specificity_cmp(a).reverse(),
                "specificity of {a} vs {b}"
            );
        }
    }
    if parsed.is_empty() {
        return;
    }

    // The patterns as one policy's storage entries, in two services, with a mix of kinds.
    let site = common::example_site();
    let entries: Vec<StorageEntry> = parsed
        .iter()
        .enumerate()
        .map(|(i, name)| StorageEntry {
            name: name.clone(),
            kind: if i % 4 == 3 {
                StorageType::LocalStorage
            } else {
                StorageType::Cookie
            },
            domain: None,
            max_age_seconds: Some(i as u64),
            refresh: false,
            purpose: None,
        })
        .collect();
    let half = entries.len() / 2;
    let service = |id: &str, storage: &[StorageEntry]| Service {
        id: id.into(),
        name: id.into(),
        provider: None,
        description: None,
        privacy_policy: None,
        category: CategoryId::Statistics,
        domains: Vec::new(),
        storage: storage.to_vec(),
    };
    let policy = Policy {
        version: 1,
        site: site.clone(),
        updated: None,
        policy_url: None,
        jurisdictions: Vec::new(),
        controller: None,
        rights: Vec::new(),
        categories: Default::default(),
        services: vec![
            service("first", &entries[..half]),
            service("second", &entries[half..]),
        ],
    };
    let compiled = CompiledPolicy::new(policy);
    common::check_lookups(&compiled);
    for name in &input.names {
        for kind in [StorageType::Cookie, StorageType::LocalStorage] {
            let got = compiled.lookup(name, ".example.com", kind);
            let want = common::reference_lookup(compiled.policy(), name, "example.com", kind);
            match (got, want) {
                (None, None) => {}
                (Some(g), Some((_, _, w))) if std::ptr::eq(g.entry, w) => {}
                (g, w) => panic!(
                    "lookup({name:?}, {kind:?}) gave {:?}, the rule gives {:?}",
                    g.map(|d| d.entry.name.as_str()),
                    w.map(|(s, e, x)| (s, e, x.name.as_str()))
                ),
            }
        }
    }
});
