//! The formats a declaration comes in besides the project's own: every fixture under
//! `tests/fixtures/formats/<format>/` (in the shapes of the real files, with names and texts of
//! our own) is read for the site example.com, and what the reader says (the hard error, or each
//! diagnostic, the verdict and the converted policy) is compared with the `.expected` file
//! beside it. Finding the files, and hostile and huge answers, are tables below.

mod common;

use common::{check_expect, fixtures};
use cookie_warden::discovery::{self, Candidate, PageScript, Platform, SourceKind};
use cookie_warden::domain::Site;
use cookie_warden::policy::formats::{cookiebot, onetrust, Format};
use cookie_warden::policy::{self, DocumentKind, PolicyError};

fn site(name: &str) -> Site {
    Site::parse(name).unwrap_or_else(|| panic!("{name}"))
}

/// What the reader says about `bytes`: the hard error, or each diagnostic, the verdict, and the
/// converted policy.
fn outcome(bytes: &[u8], site: &Site) -> String {
    match policy::parse(bytes, Some(site)) {
        Err(error) => format!("fatal: {error}\n"),
        Ok(document) => {
            let mut out = format!("format: {:?}\n", document.kind);
            for d in &document.diagnostics {
                out.push_str(&format!("{d}\n"));
            }
            out.push_str(&format!("valid: {}\n", document.is_valid()));
            out.push_str(&serde_json::to_string_pretty(&document.policy).unwrap_or_default());
            out.push('\n');
            out
        }
    }
}

fn check_folder(folder: &str, at_least: usize) {
    let dir = fixtures().join("formats").join(folder);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json" || e == "js"))
        .collect();
    files.sort();
    assert!(
        files.len() >= at_least,
        "fixtures missing from {}",
        dir.display()
    );
    for file in files {
        let bytes = std::fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        check_expect(
            &file.with_extension("expected"),
            &outcome(&bytes, &site("example.com")),
        );
    }
}

#[test]
fn onetrust_fixtures_match_their_expectations() {
    check_folder("onetrust", 6);
}

#[test]
fn cookiebot_fixtures_match_their_expectations() {
    check_folder("cookiebot", 4);
}

/// Each fixture is recognised as what it is, without being told.
#[test]
fn formats_are_recognised_by_their_shape() {
    let read = |path: &str| std::fs::read_to_string(fixtures().join(path)).unwrap_or_default();
    let cases = [
        (
            "formats/onetrust/language-file.json",
            Some(Format::OneTrust),
        ),
        ("formats/onetrust/numeric-ids.json", Some(Format::OneTrust)),
        ("formats/onetrust/rule-set.json", Some(Format::OneTrust)),
        ("formats/cookiebot/cc.js", Some(Format::Cookiebot)),
        (
            "formats/cookiebot/out-of-region.js",
            Some(Format::Cookiebot),
        ),
        ("tcf/analytics.json", Some(Format::Tcf)),
        ("policies/texts.json", Some(Format::CookiePolicy)),
    ];
    for (path, expected) in cases {
        assert_eq!(Format::detect(&read(path)), expected, "{path}");
    }
    assert_eq!(Format::detect("<html>nothing</html>"), None);
    assert_eq!(Format::detect("var x = 1;"), None);
    assert_eq!(Format::from_name("OneTrust"), Some(Format::OneTrust));
}

/// A converted declaration is a valid version-1 policy: serialised, it reads back the same.
#[test]
fn converted_declarations_are_valid_version_1_policies() {
    for path in [
        "formats/onetrust/language-file.json",
        "formats/cookiebot/cc.js",
    ] {
        let bytes = std::fs::read(fixtures().join(path)).unwrap_or_default();
        let document = policy::parse(&bytes, Some(&site("example.com")))
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        let converted = document
            .valid_policy()
            .cloned()
            .unwrap_or_else(|| panic!("{path}: invalid"));
        let text = serde_json::to_string(&converted).unwrap_or_default();
        let again = policy::parse(text.as_bytes(), Some(&site("example.com")))
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(again.kind, DocumentKind::CookiePolicy);
        assert_eq!(
            again.valid_policy(),
            Some(&converted),
            "{path}: {:?}",
            again.diagnostics
        );
    }
}

/// A declaration only decides its own site: what it lists for another site, and its own
/// domain or the consent platform's hosts, are never hosts to block.
#[test]
fn converted_declarations_keep_to_their_site() {
    for path in [
        "formats/onetrust/language-file.json",
        "formats/cookiebot/cc.js",
    ] {
        let bytes = std::fs::read(fixtures().join(path)).unwrap_or_default();
        let document =
            policy::parse(&bytes, Some(&site("example.com"))).unwrap_or_else(|e| panic!("{e}"));
        let policy = document.policy.unwrap_or_else(|| panic!("{path}"));
        for service in &policy.services {
            for domain in &service.domains {
                let d = domain.as_str();
                assert!(
                    !site("example.com").covers(d),
                    "{path}: {} blocks the site's own {d}",
                    service.id
                );
                assert!(
                    !d.ends_with("cookielaw.org") && !d.ends_with("cookiebot.com"),
                    "{path}: {} blocks the platform's {d}",
                    service.id
                );
            }
            for entry in &service.storage {
                assert_ne!(
                    entry.name.as_str(),
                    "evil_first_party",
                    "{path}: another site's first-party cookie kept"
                );
            }
        }
    }
}

#[test]
fn hard_failures_say_what_the_file_is_not() {
    let cases: Vec<(&str, Vec<u8>, Option<Site>, &str)> = vec![
        (
            "no site",
            br#"{"DomainData": {"Groups": []}}"#.to_vec(),
            None,
            "names no site",
        ),
        (
            "a rule-set file",
            std::fs::read(fixtures().join("formats/onetrust/rule-set.json")).unwrap_or_default(),
            Some(site("example.com")),
            "rule-set file",
        ),
        (
            "truncated",
            br#"{"DomainData": {"Groups": [{"CustomGroupId": "C0001""#.to_vec(),
            Some(site("example.com")),
            "not JSON",
        ),
        (
            "out of region",
            std::fs::read(fixtures().join("formats/cookiebot/out-of-region.js"))
                .unwrap_or_default(),
            Some(site("example.com")),
            "outside the site's regions",
        ),
        (
            "not served",
            std::fs::read(fixtures().join("formats/cookiebot/domain-warning.js"))
                .unwrap_or_default(),
            Some(site("example.com")),
            "does not serve example.com",
        ),
        (
            "600 KiB of script",
            format!(
                "CookieConsentDialog.cookieTableNecessary = [];{}",
                " ".repeat(600 * 1024)
            )
            .into_bytes(),
            Some(site("example.com")),
            "the limit is 512 KiB",
        ),
    ];
    for (name, bytes, site, expected) in cases {
        let message = policy::parse(&bytes, site.as_ref())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(message.contains(expected), "{name}: {message:?}");
    }
    assert_eq!(
        policy::formats::read_as(Format::OneTrust, br#"{"Groups": []}"#, None),
        Err(PolicyError::NoSite)
    );
}

/// A huge declaration (1,200 hosts of 2 cookies) stays within the format's limits, says so, and
/// is still usable.
#[test]
fn huge_declarations_stay_within_the_limits() {
    let hosts: Vec<String> = (0..1_200)
        .map(|i| {
            let cookies: Vec<String> = (0..2)
                .map(|j| format!(r#"{{"Name": "c{i}_{j}", "Host": "t{i}.example", "IsSession": false, "Length": "30"}}"#))
                .collect();
            format!(r#"{{"HostName": "t{i}.example", "Cookies": [{}]}}"#, cookies.join(","))
        })
        .collect();
    let text = format!(
        r#"{{"DomainData": {{"Groups": [{{"CustomGroupId": "C0004", "GroupName": "Targeting", "Status": "inactive", "Type": "COOKIE", "FirstPartyCookies": [], "Hosts": [{}]}}]}}}}"#,
        hosts.join(",")
    );
    assert!(text.len() < 512 * 1024, "{}", text.len());
    let document = policy::parse(text.as_bytes(), Some(&site("example.com")))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(document.is_valid(), "{:?}", document.diagnostics.first());
    let policy = document.policy.unwrap_or_else(|| panic!("no policy"));
    assert_eq!(policy.services.len(), 1_000);
    assert!(document
        .diagnostics
        .iter()
        .any(|d| d.to_string().contains("at most 1,000 services")));
    assert!(document.diagnostics.len() <= 101);
}

/// Where a page's consent platform publishes its declaration, from the page's script elements.
#[test]
fn consent_platforms_are_found_from_the_page_scripts() {
    let script = |src: &str| PageScript {
        src: src.into(),
        ..PageScript::default()
    };
    let ot_id = "0190aaaa-bbbb-7ccc-8ddd-eeeeffff0000";
    let cbid = "00000000-0000-4000-8000-000000000001";
    let page = "https://www.example.com/shop/";
    type Case<'a> = (&'a str, Vec<PageScript>, Vec<(Platform, &'a str)>);
    let cases: Vec<Case> = vec![
        (
            "OneTrust's stub on its CDN",
            vec![PageScript {
                domain_script: Some(ot_id.into()),
                ..script("https://cdn.cookielaw.org/scripttemplates/otSDKStub.js")
            }],
            vec![(Platform::OneTrust, "https://cdn.cookielaw.org/consent/0190aaaa-bbbb-7ccc-8ddd-eeeeffff0000/0190aaaa-bbbb-7ccc-8ddd-eeeeffff0000.json")],
        ),
        (
            "the id in the stub's address, self-hosted",
            vec![script(&format!("https://www.example.com/assets/onetrust/scripttemplates/otSDKStub.js?did={ot_id}"))],
            vec![(Platform::OneTrust, "https://www.example.com/assets/onetrust/consent/0190aaaa-bbbb-7ccc-8ddd-eeeeffff0000/0190aaaa-bbbb-7ccc-8ddd-eeeeffff0000.json")],
        ),
        (
            "the test scripts",
            vec![PageScript {
                domain_script: Some(format!("{ot_id}-test")),
                ..script("https://cdn.cookielaw.org/scripttemplates/otSDKStub.js")
            }],
            vec![(Platform::OneTrust, "https://cdn.cookielaw.org/consent/0190aaaa-bbbb-7ccc-8ddd-eeeeffff0000-test/0190aaaa-bbbb-7ccc-8ddd-eeeeffff0000-test.json")],
        ),
        (
            "Cookiebot by data-cbid",
            vec![PageScript {
                id: "Cookiebot".into(),
                cbid: Some(cbid.into()),
                language: Some("FI".into()),
                ..script("https://consent.cookiebot.com/uc.js")
            }],
            vec![(Platform::Cookiebot, "https://consent.cookiebot.com/00000000-0000-4000-8000-000000000001/cc.js?renew=false&referer=www.example.com&dnt=false&init=false&culture=FI")],
        ),
        (
            "Cookiebot's declaration script, .eu",
            vec![script(&format!("https://consent.cookiebot.eu/{cbid}/cd.js"))],
            vec![(Platform::Cookiebot, "https://consent.cookiebot.eu/00000000-0000-4000-8000-000000000001/cc.js?renew=false&referer=www.example.com&dnt=false&init=false&culture=EN")],
        ),
        (
            "an id that is not one is not put into an address",
            vec![PageScript {
                domain_script: Some("../../../evil".into()),
                ..script("https://cdn.cookielaw.org/scripttemplates/otSDKStub.js")
            }, PageScript {
                cbid: Some("x/../y".into()),
                ..script("https://consent.cookiebot.com/uc.js")
            }],
            vec![],
        ),
        ("unrelated scripts", vec![script("https://www.example.com/app.js")], vec![]),
    ];
    for (name, scripts, expected) in cases {
        let found: Vec<(Platform, String)> =
            discovery::consent_platforms(&scripts, page, "en", "en-US")
                .into_iter()
                .map(|s| (s.platform, s.candidate.url))
                .collect();
        let expected: Vec<(Platform, String)> = expected
            .into_iter()
            .map(|(p, u)| (p, u.to_owned()))
            .collect();
        assert_eq!(found, expected, "{name}");
    }
}

/// A consent platform's data comes from the platforms' own hosts (https) or from the page's
/// site, never from elsewhere.
#[test]
fn consent_platform_data_is_asked_only_of_the_platform_or_the_site() {
    let at = |url: &str| Candidate {
        url: url.into(),
        kind: SourceKind::ConsentPlatform,
    };
    let page = "https://www.example.com/";
    let cases = [
        ("https://cdn.cookielaw.org/consent/x/x.json", true),
        ("https://consent.cookiebot.com/x/cc.js", true),
        ("https://static.example.com/onetrust/consent/x/x.json", true),
        ("http://cdn.cookielaw.org/consent/x/x.json", false),
        (
            "https://cdn.cookielaw.org.evil.example/consent/x/x.json",
            false,
        ),
        ("https://evil.example/consent/x/x.json", false),
        ("https://192.168.1.1/consent/x/x.json", false),
    ];
    for (url, allowed) in cases {
        assert_eq!(
            discovery::check_candidate(&at(url), page).is_ok(),
            allowed,
            "{url}"
        );
    }
}

/// OneTrust's rule-set file names the language file: the default rule set, in the visitor's
/// language where it offers one, else its default.
#[test]
fn onetrust_picks_the_rule_set_and_the_visitors_language() {
    let rule_set =
        std::fs::read(fixtures().join("formats/onetrust/rule-set.json")).unwrap_or_default();
    let base = "https://cdn.cookielaw.org";
    let id = "0190aaaa-bbbb-7ccc-8ddd-eeeeffff0000";
    let cases = [("fi-FI", "fi"), ("de", "de"), ("sv-SE", "en"), ("", "en")];
    for (language, file) in cases {
        assert_eq!(
            onetrust::language_file_url(&rule_set, base, id, language).ok(),
            Some(format!(
                "{base}/consent/{id}/0190bbbb-1111-7222-8333-444455556666/{file}.json"
            )),
            "{language}"
        );
    }
    let hostile = br#"{"RuleSet": [{"Id": "../../../x", "Default": true}]}"#;
    assert!(onetrust::language_file_url(hostile, base, id, "en").is_err());
    let bad_language = br#"{"RuleSet": [{"Id": "0190bbbb-1111-7222-8333-444455556666", "Default": true, "LanguageSwitcherPlaceholder": {"default": "../x"}}]}"#;
    assert!(onetrust::language_file_url(bad_language, base, id, "en").is_err());
    assert_eq!(
        onetrust::data_base("https://www.example.com/ot/scripttemplates/otSDKStub.js?x=1")
            .as_deref(),
        Some("https://www.example.com/ot")
    );
    assert_eq!(
        onetrust::data_base("https://cdn.cookielaw.org/consent/abc/OtAutoBlock.js").as_deref(),
        Some("https://cdn.cookielaw.org")
    );
    assert!(cookiebot::is_cbid("00000000-0000-4000-8000-000000000001"));
}
