//! Property tests: the engine's entry points never panic on hostile input, and its matching
//! agrees with simple reference implementations.
//!
//! Each property runs a modest number of cases so the whole file stays well under 30 s in a
//! debug build. A failing case is shrunk by proptest and printed; add it to a unit test.

use cookie_warden::block;
use cookie_warden::decide::{decide, Context, Cookie, PartitionKey, SitePolicy};
use cookie_warden::domain::{domain_covers, host_of_url, Host, Site};
use cookie_warden::duration::parse_retention;
use cookie_warden::known::KnownCookies;
use cookie_warden::pattern::NamePattern;
use cookie_warden::policy::{self, CategoryId, CompiledPolicy, StorageType};
use cookie_warden::prefs::{Choice, Preferences};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{json, Map, Value};

/// `cases` per property, unless `PROPTEST_CASES` asks for more (or fewer) in a longer hunt.
fn config(cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(cases);
    ProptestConfig {
        // Keep failures reproducible in CI without writing regression files into the tree.
        failure_persistence: None,
        ..ProptestConfig::with_cases(cases)
    }
}

fn example_site() -> Site {
    Site::parse_registrable("example.com")
        .unwrap_or_else(|e| panic!("example.com is a registrable domain: {e:?}"))
}

// ---------------------------------------------------------------------------------------------
// Reference implementations
// ---------------------------------------------------------------------------------------------

/// Glob matching by dynamic programming over characters: `*` matches any run (even empty).
fn glob_reference(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let s: Vec<char> = name.chars().collect();
    // dp[j]: whether p[..i] matches s[..j].
    let mut dp = vec![false; s.len() + 1];
    dp[0] = true;
    for &pc in &p {
        let mut next = vec![false; s.len() + 1];
        if pc == '*' {
            let mut any = false;
            for j in 0..=s.len() {
                any |= dp[j];
                next[j] = any;
            }
        } else {
            for j in 1..=s.len() {
                next[j] = dp[j - 1] && s[j - 1] == pc;
            }
        }
        dp = next;
    }
    dp[s.len()]
}

// ---------------------------------------------------------------------------------------------
// Strategies
// ---------------------------------------------------------------------------------------------

/// Field names of the policy format (and of TCF disclosure files), plus a few near misses.
const FIELD_NAMES: &[&str] = &[
    "$schema",
    "version",
    "site",
    "updated",
    "policyUrl",
    "jurisdictions",
    "controller",
    "rights",
    "categories",
    "services",
    "name",
    "address",
    "email",
    "phone",
    "url",
    "necessary",
    "functional",
    "statistics",
    "marketing",
    "label",
    "description",
    "consent",
    "id",
    "provider",
    "privacyPolicy",
    "category",
    "domains",
    "storage",
    "type",
    "domain",
    "maxAgeSeconds",
    "refresh",
    "purpose",
    "disclosures",
    "identifier",
    "cookieRefresh",
    "purposes",
    "specialPurposes",
    "en",
    "fi",
    "fi-FI",
    "Version",
    "",
];

/// Strings a policy might plausibly contain, good and bad.
const INTERESTING_STRINGS: &[&str] = &[
    "1",
    "example.com",
    "www.example.com",
    ".example.com",
    "EXAMPLE.com.",
    "tracker.net",
    "cdn.tracker.net",
    "*.tracker.net",
    "*",
    "**",
    "com",
    "co.uk",
    "192.168.0.1",
    "[::1]",
    "localhost",
    "tracker.net:8080",
    "https://example.com/policy",
    "https://",
    "http://example.com",
    "javascript:alert(1)",
    "2025-04-28",
    "2025-02-30",
    "_ga",
    "_ga_*",
    "a*b*c",
    "",
    "   ",
    "  padded  ",
    "ctl\u{0}\u{1b}[31m",
    "é",
    "ü.example.com",
    "necessary",
    "functional",
    "statistics",
    "marketing",
    "access",
    "withdraw-consent",
    "complaint",
    "cookie",
    "localStorage",
    "sessionStorage",
    "indexedDB",
    "web",
    "app",
    "svc-1",
    "UPPER",
    "privacy@example.com",
    "not an email",
    "<b>html</b>",
];

fn key_strategy() -> BoxedStrategy<String> {
    prop_oneof![
        4 => prop::sample::select(FIELD_NAMES).prop_map(str::to_owned),
        1 => "\\PC{0,10}",
    ]
    .boxed()
}

fn string_strategy() -> BoxedStrategy<String> {
    prop_oneof![
        3 => prop::sample::select(INTERESTING_STRINGS).prop_map(str::to_owned),
        1 => "[a-z0-9._*-]{0,16}",
        1 => any::<String>().prop_map(|s| s.chars().take(24).collect()),
    ]
    .boxed()
}

fn number_strategy() -> BoxedStrategy<Value> {
    prop_oneof![
        prop::sample::select(vec![
            json!(0),
            json!(1),
            json!(2),
            json!(-1),
            json!(1.5),
            json!(1e300),
            json!(u64::MAX),
            json!(i64::MIN),
        ]),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
    ]
    .boxed()
}

fn leaf_strategy() -> BoxedStrategy<Value> {
    prop_oneof![
        4 => string_strategy().prop_map(Value::String),
        2 => number_strategy(),
        1 => any::<bool>().prop_map(Value::Bool),
        1 => Just(Value::Null),
    ]
    .boxed()
}

/// Any JSON value, with object keys mostly drawn from the format's field names.
fn value_strategy() -> BoxedStrategy<Value> {
    leaf_strategy()
        .prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::vec((key_strategy(), inner), 0..6)
                    .prop_map(|fields| Value::Object(fields.into_iter().collect())),
            ]
        })
        .boxed()
}

/// A field that is usually `good`, sometimes missing and sometimes any value at all.
fn field(name: &'static str, good: BoxedStrategy<Value>) -> BoxedStrategy<Option<(String, Value)>> {
    prop_oneof![
        40 => good.prop_map(move |v| Some((name.to_owned(), v))),
        1 => Just(None),
        1 => value_strategy().prop_map(move |v| Some((name.to_owned(), v))),
    ]
    .boxed()
}

/// An object made of `fields`, plus (rarely) a stray field.
fn object(fields: Vec<BoxedStrategy<Option<(String, Value)>>>) -> BoxedStrategy<Value> {
    let extra = prop_oneof![
        30 => Just(Vec::new()),
        1 => prop::collection::vec((key_strategy(), value_strategy()), 1..3),
    ];
    (fields, extra)
        .prop_map(|(fields, extra)| {
            let mut map: Map<String, Value> = fields.into_iter().flatten().collect();
            for (key, value) in extra {
                map.entry(key).or_insert(value);
            }
            Value::Object(map)
        })
        .boxed()
}

fn text_strategy() -> BoxedStrategy<Value> {
    prop_oneof![
        3 => "[A-Za-z ,.]{1,20}".prop_map(Value::String),
        1 => ("[A-Za-z ]{1,10}", "[a-zäö ]{1,10}").prop_map(|(en, fi)| json!({"en": en, "fi": fi})),
        1 => string_strategy().prop_map(Value::String),
    ]
    .boxed()
}

fn select_value(values: &'static [&'static str]) -> BoxedStrategy<Value> {
    prop::sample::select(values)
        .prop_map(|s| Value::String(s.to_owned()))
        .boxed()
}

fn storage_entry_strategy() -> BoxedStrategy<Value> {
    object(vec![
        field("name", "[a-z_]{1,5}\\*?[a-z_]{0,3}".prop_map(Value::String).boxed()),
        prop_oneof![
            4 => Just(None),
            1 => select_value(&["cookie", "localStorage", "sessionStorage", "indexedDB", "web"])
                .prop_map(|v| Some(("type".to_owned(), v))),
        ]
        .boxed(),
        prop_oneof![
            3 => Just(None),
            1 => select_value(&["example.com", "www.example.com", "cdn.tracker.net", "Tracker.NET.", "example.com", "www.example.com", "cdn.tracker.net", "com"])
                .prop_map(|v| Some(("domain".to_owned(), v))),
        ]
        .boxed(),
        field("maxAgeSeconds", (0u64..100_000_000).prop_map(Value::from).boxed()),
        prop_oneof![3 => Just(None), 1 => any::<bool>().prop_map(|b| Some(("refresh".to_owned(), Value::Bool(b))))].boxed(),
        prop_oneof![1 => Just(None), 1 => text_strategy().prop_map(|t| Some(("purpose".to_owned(), t)))].boxed(),
    ])
}

fn service_strategy() -> BoxedStrategy<Value> {
    object(vec![
        field("id", "[a-z]{1,3}-[0-9]{1,3}".prop_map(Value::String).boxed()),
        field("name", "[A-Za-z ]{1,12}".prop_map(Value::String).boxed()),
        field(
            "category",
            select_value(&["necessary", "functional", "statistics", "marketing"]),
        ),
        prop_oneof![1 => Just(None), 1 => text_strategy().prop_map(|t| Some(("description".to_owned(), t)))].boxed(),
        prop_oneof![
            1 => Just(None),
            1 => select_value(&["https://tracker.net/privacy", "http://tracker.net", "javascript:x"])
                .prop_map(|v| Some(("privacyPolicy".to_owned(), v))),
        ]
        .boxed(),
        field(
            "domains",
            prop::collection::vec(
                select_value(&[
                    "tracker.net",
                    "cdn.tracker.net",
                    "ads.example.org",
                    "Tracker.NET.",
                    ".doubleclick.net",
                    "example.com",
                    "www.example.com",
                ]),
                0..4,
            )
            .prop_map(Value::Array)
            .boxed(),
        ),
        field(
            "storage",
            prop::collection::vec(storage_entry_strategy(), 0..4).prop_map(Value::Array).boxed(),
        ),
    ])
}

/// A document shaped like a cookie policy (or, sometimes, a TCF disclosure file), usually valid
/// and sometimes damaged in one place or another.
fn policy_shaped_strategy() -> BoxedStrategy<Value> {
    let cookie_policy = object(vec![
        field("version", Just(json!(1)).boxed()),
        field("site", select_value(&["example.com", "example.com", "example.com", "example.com", "example.com", "example.com", "EXAMPLE.COM", "www.example.com", "example.com", "example.com", "example.com", "other.org"])),
        prop_oneof![
            1 => Just(None),
            1 => select_value(&["2025-04-28", "2024-02-29", "2025-01-01", "2000-12-31", "1999-01-09", "2023-02-29"]).prop_map(|v| Some(("updated".to_owned(), v))),
        ]
        .boxed(),
        prop_oneof![
            1 => Just(None),
            1 => select_value(&["https://example.com/cookies", "ftp://example.com"]).prop_map(|v| Some(("policyUrl".to_owned(), v))),
        ]
        .boxed(),
        prop_oneof![
            1 => Just(None),
            1 => prop::collection::vec(select_value(&["EEA", "CH", "US-CA", "EEA", "CH", "US-CA", "EEA", "CH", ""]), 0..3)
                .prop_map(|v| Some(("jurisdictions".to_owned(), Value::Array(v)))),
        ]
        .boxed(),
        prop_oneof![
            1 => Just(None),
            1 => object(vec![
                field("name", "[A-Za-z ]{1,12}".prop_map(Value::String).boxed()),
                prop_oneof![1 => Just(None), 1 => select_value(&["privacy@example.com", "nobody"]).prop_map(|v| Some(("email".to_owned(), v)))].boxed(),
            ])
            .prop_map(|v| Some(("controller".to_owned(), v))),
        ]
        .boxed(),
        prop_oneof![
            1 => Just(None),
            1 => prop::collection::vec(select_value(&["access", "erasure", "complaint", "withdraw-consent", "flying"]), 0..4)
                .prop_map(|v| Some(("rights".to_owned(), Value::Array(v)))),
        ]
        .boxed(),
        prop_oneof![
            1 => Just(None),
            1 => prop::collection::vec(
                (
                    prop::sample::select(&["necessary", "functional", "statistics", "marketing", "necessary", "functional", "statistics", "marketing", "other"][..]),
                    object(vec![
                        prop_oneof![1 => Just(None), 1 => text_strategy().prop_map(|t| Some(("label".to_owned(), t)))].boxed(),
                        prop_oneof![1 => Just(None), 1 => any::<bool>().prop_map(|b| Some(("consent".to_owned(), Value::Bool(b))))].boxed(),
                    ]),
                ),
                0..3,
            )
            .prop_map(|cats| {
                let map: Map<String, Value> = cats.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
                Some(("categories".to_owned(), Value::Object(map)))
            }),
        ]
        .boxed(),
        field(
            "services",
            prop::collection::vec(service_strategy(), 0..4).prop_map(Value::Array).boxed(),
        ),
    ]);
    let disclosure = object(vec![
        field("identifier", "[a-z_]{1,5}\\*?".prop_map(Value::String).boxed()),
        field("type", select_value(&["cookie", "web", "app"])),
        field("maxAgeSeconds", (0u64..100_000_000).prop_map(Value::from).boxed()),
        prop_oneof![
            1 => Just(None),
            1 => select_value(&["tracker.net", "*.tracker.net", "*", "example.com"]).prop_map(|v| Some(("domain".to_owned(), v))),
        ]
        .boxed(),
        prop_oneof![
            1 => Just(None),
            1 => prop::collection::vec(0u64..12, 0..3).prop_map(|p| Some(("purposes".to_owned(), json!(p)))),
        ]
        .boxed(),
    ]);
    let tcf = object(vec![
        field("disclosures", prop::collection::vec(disclosure, 0..4).prop_map(Value::Array).boxed()),
        prop_oneof![
            1 => Just(None),
            1 => prop::collection::vec(select_value(&["tracker.net", "*.ads.org", "com"]), 0..3)
                .prop_map(|d| Some(("domains".to_owned(), Value::Array(d.into_iter().map(|d| json!({"domain": d})).collect())))),
        ]
        .boxed(),
    ]);
    prop_oneof![
        8 => cookie_policy,
        2 => tcf,
        1 => value_strategy(),
    ]
    .boxed()
}

// ---------------------------------------------------------------------------------------------
// Policy parsing
// ---------------------------------------------------------------------------------------------

/// Parses `bytes` and checks what must hold of any answer: a valid document round-trips through
/// its own serialisation, and anything with a policy can be compiled, planned and decided on.
fn check_document(bytes: &[u8], expected: Option<&Site>) -> Result<(), TestCaseError> {
    let Ok(doc) = policy::parse(bytes, expected) else {
        return Ok(());
    };
    if let Some(policy) = &doc.policy {
        let compiled = CompiledPolicy::new(policy.clone());
        let prefs = Preferences::default();
        let plan = block::plan(policy, &prefs);
        let _ = block::RuleBook::default().update_site(&policy.site, &plan, 1_700_000_000);
        let cookie = Cookie {
            name: "_ga".into(),
            domain: format!(".{}", policy.site),
            ..Cookie::default()
        };
        let ctx = Context {
            site: &policy.site,
            policy: SitePolicy::Declared(&compiled),
            prefs: &prefs,
            known: KnownCookies::bundled(),
        };
        let _ = decide(&cookie, &ctx, 1_700_000_000);
    }
    if doc.is_valid() {
        let policy = doc
            .policy
            .as_ref()
            .unwrap_or_else(|| panic!("a valid document has a policy"));
        let again_bytes =
            serde_json::to_vec(policy).unwrap_or_else(|e| panic!("a policy serialises: {e:?}"));
        let again = policy::parse(&again_bytes, expected);
        let again = match again {
            Ok(again) => again,
            Err(e) => {
                return Err(TestCaseError::fail(format!(
                    "re-serialised policy does not parse: {e}\n{}",
                    String::from_utf8_lossy(&again_bytes)
                )))
            }
        };
        prop_assert!(
            again.is_valid(),
            "re-serialised policy is invalid: {:?}\n{}",
            again.errors().collect::<Vec<_>>(),
            String::from_utf8_lossy(&again_bytes)
        );
        prop_assert_eq!(again.policy.as_ref(), Some(policy));
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn parse_never_panics_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let _ = policy::parse(&bytes, None);
        let _ = policy::parse(&bytes, Some(&example_site()));
    }

    #[test]
    fn parse_never_panics_on_json_like_text(text in "[\\[\\]{}\",:0-9a-z .*\\\\-]{0,200}") {
        let _ = policy::parse(text.as_bytes(), None);
    }

    #[test]
    fn parse_never_panics_on_arbitrary_json(value in value_strategy(), with_site in any::<bool>()) {
        let bytes = serde_json::to_vec(&value).unwrap_or_else(|e| panic!("a JSON value serialises: {e:?}"));
        let site = example_site();
        check_document(&bytes, with_site.then_some(&site))?;
    }

    #[test]
    fn valid_policies_round_trip(value in policy_shaped_strategy(), with_site in any::<bool>()) {
        let bytes = serde_json::to_vec(&value).unwrap_or_else(|e| panic!("a JSON value serialises: {e:?}"));
        let site = example_site();
        check_document(&bytes, with_site.then_some(&site))?;
    }
}

/// The round-trip property above means little if the shaped documents are never valid: make
/// sure a fair share of them are (and that some are not).
#[test]
fn policy_shaped_documents_are_often_valid() {
    let mut runner = TestRunner::new(Config::default());
    let strategy = policy_shaped_strategy();
    let site = example_site();
    let (mut valid, mut invalid, total) = (0, 0, 300);
    for _ in 0..total {
        let value = strategy
            .new_tree(&mut runner)
            .unwrap_or_else(|e| panic!("a document: {e:?}"))
            .current();
        let bytes =
            serde_json::to_vec(&value).unwrap_or_else(|e| panic!("a JSON value serialises: {e:?}"));
        match policy::parse(&bytes, Some(&site)) {
            Ok(doc) if doc.is_valid() => valid += 1,
            _ => invalid += 1,
        }
    }
    assert!(
        valid * 10 >= total,
        "only {valid} of {total} shaped documents are valid"
    );
    assert!(
        invalid > 0,
        "every shaped document is valid: the damage never happens"
    );
}

// ---------------------------------------------------------------------------------------------
// Name patterns
// ---------------------------------------------------------------------------------------------

/// A literal piece of a pattern: no `*`.
fn literal() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[ab_]{0,4}",
        1 => "[^*]{0,6}",
    ]
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn pattern_parse_and_match_never_panic(pattern in any::<String>(), name in any::<String>()) {
        if let Ok(p) = NamePattern::parse(&pattern) {
            let _ = p.matches(&name);
            let _ = p.literal_len();
            let _ = p.literal_prefix();
            prop_assert_eq!(p.as_str(), pattern.as_str());
        }
    }

    #[test]
    fn pattern_without_wildcard_matches_only_itself(
        pattern in prop_oneof!["[ab_]{1,4}", "[^*]{1,8}"],
        name in prop_oneof!["[ab_]{0,4}", "[^*]{0,8}", any::<String>()],
    ) {
        let p = NamePattern::parse(&pattern).unwrap_or_else(|e| panic!("a non-empty name without * is a pattern: {e:?}"));
        prop_assert!(p.is_exact());
        prop_assert!(p.matches(&pattern));
        prop_assert_eq!(p.matches(&name), pattern == name);
        prop_assert_eq!(p.literal_len(), pattern.len());
    }

    #[test]
    fn prefix_star_suffix_matches_any_middle(a in literal(), b in literal(), x in any::<String>()) {
        prop_assume!(!(a.is_empty() && b.is_empty()));
        let pattern = format!("{a}*{b}");
        let p = NamePattern::parse(&pattern).unwrap_or_else(|e| panic!("a*b with a literal part is a pattern: {e:?}"));
        prop_assert!(!p.is_exact());
        prop_assert_eq!(p.literal_prefix(), a.as_str());
        prop_assert_eq!(p.literal_len(), a.len() + b.len());
        let name = format!("{a}{x}{b}");
        prop_assert!(p.matches(&name), "{pattern:?} should match {name:?}");
    }

    #[test]
    fn pattern_matches_every_filling_of_its_wildcards(
        pieces in prop::collection::vec(literal(), 1..5)
            .prop_filter("a pattern needs a literal part", |p| p.iter().any(|piece| !piece.is_empty())),
        fillers in prop::collection::vec(any::<String>(), 4),
    ) {
        let pattern = pieces.join("*");
        let p = NamePattern::parse(&pattern).unwrap_or_else(|e| panic!("a pattern with a literal part: {e:?}"));
        let mut name = pieces[0].clone();
        for (piece, filler) in pieces[1..].iter().zip(&fillers) {
            name.push_str(filler);
            name.push_str(piece);
        }
        prop_assert!(p.matches(&name), "{pattern:?} should match {name:?}");
        prop_assert_eq!(p.literal_len(), pattern.len() - (pieces.len() - 1));
    }

    #[test]
    fn pattern_matching_agrees_with_reference(pattern in "[ab*]{1,6}", name in "[ab]{0,7}") {
        match NamePattern::parse(&pattern) {
            Ok(p) => prop_assert_eq!(
                p.matches(&name),
                glob_reference(&pattern, &name),
                "{:?} vs {:?}", pattern, name
            ),
            Err(_) => prop_assert!(pattern.chars().all(|c| c == '*')),
        }
    }

    #[test]
    fn unicode_pattern_matching_agrees_with_reference(pattern in "[aé*_]{1,6}", name in "[aé_]{0,7}") {
        if let Ok(p) = NamePattern::parse(&pattern) {
            prop_assert_eq!(p.matches(&name), glob_reference(&pattern, &name), "{:?} vs {:?}", pattern, name);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Hosts and sites
// ---------------------------------------------------------------------------------------------

fn host_like() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => "[a-zA-Z0-9._:/\\[\\]@*-]{0,40}",
        1 => "([a-z0-9-]{1,8}\\.){0,3}(com|co\\.uk|net|org|github\\.io|fi|xn--p1ai|local)\\.?",
        1 => any::<String>(),
    ]
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn hosts_and_sites_never_panic(text in host_like()) {
        let host = Host::parse(&text);
        let site = Site::of_host(&text);
        let _ = Site::of_url(&text);
        let _ = Site::parse_registrable(&text);
        let _ = host_of_url(&text);
        if let Ok(host) = host {
            // Parsing is idempotent, and a host belongs to its own site.
            let again = Host::parse(host.as_str());
            prop_assert_eq!(again.as_ref(), Ok(&host));
            let own = Site::of_host(host.as_str()).unwrap_or_else(|| panic!("a host has a site"));
            prop_assert!(own.covers(host.as_str()), "{} should cover {}", own, host);
            prop_assert!(domain_covers(host.as_str(), host.as_str()));
            prop_assert!(site.is_some());
        }
    }

    #[test]
    fn cookie_owner_site_never_panics(
        domain in host_like(),
        top in prop::option::of(host_like()),
        fpd in prop::option::of(host_like()),
    ) {
        let cookie = Cookie {
            domain,
            partition_key: Some(PartitionKey { top_level_site: top }),
            first_party_domain: fpd,
            ..Cookie::default()
        };
        let _ = cookie.owner_site();
        let _ = cookie.host();
    }
}

// ---------------------------------------------------------------------------------------------
// CompiledPolicy::lookup against a brute-force reference
// ---------------------------------------------------------------------------------------------

const ENTRY_DOMAINS: &[Option<&str>] = &[
    None,
    None,
    Some("example.com"),
    Some("www.example.com"),
    Some("other.net"),
    Some("cdn.other.net"),
];
const COOKIE_DOMAINS: &[&str] = &[
    "example.com",
    ".example.com",
    "www.example.com",
    ".www.example.com",
    "a.www.example.com",
    "other.net",
    ".cdn.other.net",
    "evil-example.com",
    "",
];

#[derive(Debug, Clone)]
struct EntrySpec {
    name: String,
    domain: Option<&'static str>,
    local_storage: bool,
}

fn entry_spec(names: impl Strategy<Value = String> + 'static) -> impl Strategy<Value = EntrySpec> {
    (
        names,
        prop::sample::select(ENTRY_DOMAINS),
        prop::bool::weighted(0.15),
    )
        .prop_map(|(name, domain, local_storage)| EntrySpec {
            name,
            domain,
            local_storage,
        })
}

fn policy_json(services: &[Vec<EntrySpec>]) -> Vec<u8> {
    let services: Vec<Value> = services
        .iter()
        .enumerate()
        .map(|(i, entries)| {
            let storage: Vec<Value> = entries
                .iter()
                .map(|e| {
                    let mut entry = json!({ "name": e.name, "maxAgeSeconds": 0 });
                    if let Some(domain) = e.domain {
                        entry["domain"] = json!(domain);
                    }
                    if e.local_storage {
                        entry["type"] = json!("localStorage");
                    }
                    entry
                })
                .collect();
            json!({
                "id": format!("svc-{i}"),
                "name": format!("Service {i}"),
                "category": CategoryId::ALL[i % 4].id(),
                "storage": storage,
            })
        })
        .collect();
    serde_json::to_vec(&json!({ "version": 1, "site": "example.com", "services": services }))
        .unwrap_or_else(|e| panic!("a JSON value serialises: {e:?}"))
}

/// The entry that should declare `name` on `domain`: among the entries (in document order) that
/// match and whose domain covers, exact first, then the longest literal part, then the first.
fn reference_lookup(
    policy: &policy::Policy,
    name: &str,
    domain: &str,
    kind: StorageType,
) -> Option<(usize, usize)> {
    let domain = domain.trim_start_matches('.');
    policy
        .services
        .iter()
        .enumerate()
        .flat_map(|(s, service)| {
            service
                .storage
                .iter()
                .enumerate()
                .map(move |(e, entry)| (s, e, entry))
        })
        .filter(|(_, _, entry)| {
            let owner = entry
                .domain
                .as_ref()
                .map_or(policy.site.as_str(), |d| d.as_str());
            entry.kind == kind
                && domain_covers(owner, domain)
                && glob_reference(entry.name.as_str(), name)
        })
        .min_by_key(|(s, e, entry)| {
            (
                !entry.name.is_exact(),
                std::cmp::Reverse(entry.name.literal_len()),
                *s,
                *e,
            )
        })
        .map(|(s, e, _)| (s, e))
}

/// Where `entry` sits in `policy`, by identity.
fn position_of(policy: &policy::Policy, entry: &policy::StorageEntry) -> Option<(usize, usize)> {
    policy.services.iter().enumerate().find_map(|(s, service)| {
        service
            .storage
            .iter()
            .position(|candidate| std::ptr::eq(candidate, entry))
            .map(|e| (s, e))
    })
}

fn check_lookup_against_reference(
    services: &[Vec<EntrySpec>],
    queries: &[(String, &str, bool)],
) -> Result<(), TestCaseError> {
    let site = example_site();
    let bytes = policy_json(services);
    let doc = policy::parse(&bytes, Some(&site))
        .unwrap_or_else(|e| panic!("the generated policy parses: {e:?}"));
    prop_assert!(
        doc.is_valid(),
        "generated policy invalid: {:?}",
        doc.errors().collect::<Vec<_>>()
    );
    let compiled = CompiledPolicy::new(
        doc.policy
            .unwrap_or_else(|| panic!("a valid document has a policy")),
    );
    let policy = compiled.policy();
    for (name, domain, local_storage) in queries {
        let kind = if *local_storage {
            StorageType::LocalStorage
        } else {
            StorageType::Cookie
        };
        let found = compiled.lookup(name, domain, kind);
        let got = found.map(|d| {
            position_of(policy, d.entry)
                .unwrap_or_else(|| panic!("the declaration is an entry of the policy"))
        });
        let want = reference_lookup(policy, name, domain, kind);
        let show = |at: Option<(usize, usize)>| {
            at.map(|(s, e)| {
                format!(
                    "services[{s}].storage[{e}] {:?}",
                    policy.services[s].storage[e].name.as_str()
                )
            })
        };
        prop_assert_eq!(
            got,
            want,
            "lookup({:?}, {:?}, {:?}): got {:?}, want {:?}",
            name,
            domain,
            kind,
            show(got),
            show(want)
        );
        if let Some(found) = found {
            let (s, _) = got.unwrap_or_else(|| panic!("found has a position"));
            prop_assert!(std::ptr::eq(found.service, &policy.services[s]));
        }
    }
    Ok(())
}

fn ascii_entry_name() -> impl Strategy<Value = String> {
    "[ab_*]{1,5}".prop_filter("a bare * is not a pattern", |n| n.chars().any(|c| c != '*'))
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn lookup_agrees_with_brute_force(
        services in prop::collection::vec(prop::collection::vec(entry_spec(ascii_entry_name()), 0..6), 1..4),
        queries in prop::collection::vec(
            ("[ab_]{0,6}", prop::sample::select(COOKIE_DOMAINS), prop::bool::weighted(0.15)),
            1..24,
        ),
    ) {
        check_lookup_against_reference(&services, &queries)?;
    }
}

/// Regression: `CompiledPolicy::lookup` once stopped at the first pattern-prefix length that
/// fell inside a multi-byte character of the cookie name, so with entries `a*` and `é*` the
/// cookie `é` came back undeclared although `é*` matches it.
#[test]
fn lookup_agrees_with_brute_force_for_non_ascii_names() {
    let spec = |name: &str| EntrySpec {
        name: name.to_owned(),
        domain: None,
        local_storage: false,
    };
    // The minimal case first, so a failure message names it.
    let minimal = check_lookup_against_reference(
        &[vec![spec("a*"), spec("é*")]],
        &[("é".to_owned(), ".example.com", false)],
    );
    assert!(minimal.is_ok(), "{minimal:?}");

    let mut runner = TestRunner::new(config(256));
    let names =
        "[aé_*]{1,4}".prop_filter("a bare * is not a pattern", |n| n.chars().any(|c| c != '*'));
    let result = runner.run(
        &(
            prop::collection::vec(prop::collection::vec(entry_spec(names), 0..6), 1..4),
            prop::collection::vec(
                (
                    "[aé_]{0,5}",
                    prop::sample::select(COOKIE_DOMAINS),
                    Just(false),
                ),
                1..16,
            ),
        ),
        |(services, queries)| check_lookup_against_reference(&services, &queries),
    );
    assert!(result.is_ok(), "{result:?}");
}

// ---------------------------------------------------------------------------------------------
// Decisions, retention text, the known-cookie table and preferences
// ---------------------------------------------------------------------------------------------

fn retention_like() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => any::<String>(),
        2 => "[0-9]{0,25}(\\.[0-9]{0,5})? ?(s|sec|seconds|m|min|mins|minutes|h|hours|d|day|days|w|weeks|mo|months|y|years|session|forever)?( to | or |, | - )?[0-9]{0,25} ?(years|days|x)?",
        1 => "(never expires|no expiration|[0-9]+ ?years after last activity|varies|local storage|0 days|Session)",
    ]
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn parse_retention_never_panics(text in retention_like()) {
        let _ = parse_retention(&text);
    }

    #[test]
    fn known_lookup_never_panics(
        name in prop_oneof!["(_ga|_gat|AMCV|Cookie)[A-Za-z0-9_%-]{0,12}", any::<String>()],
        domain in prop_oneof![host_like(), Just(String::new())],
    ) {
        let known = KnownCookies::bundled();
        if let Some(found) = known.lookup(&name, &domain) {
            // What the table returns is an entry for this name.
            let fits = if found.prefix { name.starts_with(&found.name) } else { name == found.name };
            prop_assert!(fits, "{:?} returned for {:?}", found.name, name);
        }
    }

    #[test]
    fn decide_never_panics(
        name in prop_oneof!["_ga[_A-Z0-9]{0,6}", any::<String>()],
        domain in host_like(),
        session in any::<bool>(),
        expiration in prop::option::of(prop_oneof![any::<f64>(), Just(f64::NAN), Just(f64::INFINITY), Just(-1.0), Just(1.8e19)]),
        now in any::<u64>(),
        with_policy in any::<bool>(),
    ) {
        let site = example_site();
        let compiled = CompiledPolicy::new(
            policy::parse(include_bytes!("../examples/kaltiot.cookie-policy.json"), None)
                .unwrap_or_else(|e| panic!("the example parses: {e:?}"))
                .policy
                .unwrap_or_else(|| panic!("the example has a policy")),
        );
        let mut prefs = Preferences::default();
        prefs.set_category(&site, CategoryId::Marketing, Some(Choice::Allow));
        let cookie = Cookie {
            name,
            domain,
            session,
            expiration_date: expiration,
            ..Cookie::default()
        };
        let ctx = Context {
            site: &site,
            policy: if with_policy { SitePolicy::Declared(&compiled) } else { SitePolicy::None },
            prefs: &prefs,
            known: KnownCookies::bundled(),
        };
        let decision = decide(&cookie, &ctx, now);
        let _ = decision.reason.to_string();
    }

    #[test]
    fn preferences_load_never_panics(value in value_strategy()) {
        let (prefs, _) = Preferences::load(&value);
        // Whatever was loaded is stored and read back unchanged.
        let (again, diagnostics) = Preferences::load(&prefs.to_json());
        prop_assert_eq!(again, prefs);
        prop_assert!(diagnostics.is_empty(), "{:?}", diagnostics);
    }
}

/// The bundled Public Suffix List (`cookie_warden::suffix`) agrees with the `psl` crate's
/// compiled-in list it was made from, for every rule: the rule itself, one label below it and
/// two labels below it (so wildcards and exceptions are both reached).
#[test]
fn bundled_suffix_list_agrees_with_the_psl_crate_on_every_rule() {
    let rules = include_str!("../data/public-suffix-list.txt");
    let (mut checked, mut differences) = (0, 0);
    for rule in rules.lines() {
        let base = rule.trim_start_matches('!').trim_start_matches("*.");
        for host in [base.to_owned(), format!("x.{base}"), format!("a.x.{base}")] {
            let ours = cookie_warden::suffix::registrable_domain(&host);
            let theirs = psl::domain_str(&host);
            if ours != theirs {
                // The crate stops at a wildcard's parent when a deeper rule lives under it
                // (`*.futurecms.at` beside `*.ex.futurecms.at` makes it call `ex.futurecms.at`
                // registrable); by the list's algorithm the wildcard matches and the name is a
                // public suffix. That is the only disagreement allowed.
                let parent = host.split_once('.').map_or("", |(_, parent)| parent);
                let wildcard = format!("*.{parent}");
                assert!(
                    ours.is_none() && rules.lines().any(|r| r == wildcard),
                    "registrable domain of {host:?} (rule {rule:?}): ours {ours:?}, psl {theirs:?}"
                );
                differences += 1;
            }
            checked += 1;
        }
    }
    assert!(checked > 27_000, "only {checked} hosts checked");
    assert!(
        differences < 40,
        "{differences} differences from the psl crate"
    );
}

proptest! {
    #![proptest_config(config(512))]
    /// Random names built from real suffix labels and random labels agree with the `psl` crate.
    #[test]
    fn bundled_suffix_list_agrees_with_the_psl_crate_on_random_names(
        labels in prop::collection::vec(
            prop_oneof![
                Just("com".to_owned()), Just("uk".to_owned()), Just("co".to_owned()),
                Just("ck".to_owned()), Just("www".to_owned()), Just("github".to_owned()),
                Just("io".to_owned()), Just("jp".to_owned()), Just("kawasaki".to_owned()),
                Just("city".to_owned()), Just("test".to_owned()), "[a-z0-9-]{1,6}",
            ],
            1..6,
        )
    ) {
        let host = labels.join(".");
        prop_assert_eq!(cookie_warden::suffix::registrable_domain(&host), psl::domain_str(&host), "{}", host);
    }
}
