//! Every policy fixture under `tests/fixtures/policies/` and `tests/fixtures/tcf/` is parsed for
//! the site `example.com` (TCF files: for the site of their first domain), and what the parser
//! says is compared with the `.expected` file beside it. Generated hostile inputs (too large,
//! too many services, too deep) are a table below.

mod common;

use common::{check_expect, fixtures, json_files};
use cookie_warden::domain::Site;
use cookie_warden::policy::{self, DocumentKind};

/// What the parser says about `bytes`, as text: the hard error, or each diagnostic, then the
/// verdict; for TCF files the converted policy follows.
fn outcome(bytes: &[u8], site: Option<&Site>) -> String {
    match policy::parse(bytes, site) {
        Err(error) => format!("fatal: {error}\n"),
        Ok(document) => {
            let mut out = String::new();
            for d in &document.diagnostics {
                out.push_str(&format!("{d}\n"));
            }
            out.push_str(&format!("valid: {}\n", document.is_valid()));
            if document.kind == DocumentKind::TcfDisclosure {
                let json = serde_json::to_string_pretty(&document.policy).unwrap_or_default();
                out.push_str(&json);
                out.push('\n');
            }
            out
        }
    }
}

/// Parses every `.json` fixture in `tests/fixtures/<folder>/` for example.com and compares what
/// the parser says with the `.expected` file beside it.
fn check_folder(folder: &str, at_least: usize) {
    let site = Site::of_host("example.com");
    let dir = fixtures().join(folder);
    let files = json_files(&dir);
    assert!(
        files.len() >= at_least,
        "fixtures missing from {}",
        dir.display()
    );
    for file in files {
        let bytes = std::fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        check_expect(
            &file.with_extension("expected"),
            &outcome(&bytes, site.as_ref()),
        );
    }
}

#[test]
fn policy_fixtures_match_their_expectations() {
    check_folder("policies", 10);
}

/// TCF files as the extension meets them: served by a site (example.com) about its vendor.
#[test]
fn tcf_fixtures_match_their_expectations() {
    check_folder("tcf", 4);
}

/// Without a site (the command-line `convert`), a TCF file belongs to the site of its first
/// domain, and that site's own domains are not tracker domains of its own policy.
#[test]
fn a_tcf_file_without_a_site_takes_its_first_domain() {
    let bytes = std::fs::read(fixtures().join("tcf/adnetwork.json")).unwrap_or_default();
    let document = policy::parse(&bytes, None).unwrap_or_else(|e| panic!("{e}"));
    let policy = document.policy.unwrap_or_else(|| panic!("no policy"));
    assert_eq!(policy.site.as_str(), "adnetwork.example");
    let domains: Vec<&str> = policy.services[0]
        .domains
        .iter()
        .map(|d| d.as_str())
        .collect();
    assert_eq!(domains, ["static.adnetwork-cdn.example"]);
    let nothing =
        br#"{"disclosures": [{"identifier": "x", "type": "cookie", "maxAgeSeconds": 1}]}"#;
    assert_eq!(
        policy::parse(nothing, None),
        Err(policy::PolicyError::TcfWithoutSite)
    );
}

fn services_json(count: usize, storage_per_service: usize, domains_per_service: usize) -> String {
    let services: Vec<String> = (0..count)
        .map(|i| {
            let storage: Vec<String> = (0..storage_per_service)
                .map(|j| format!(r#"{{"name":"c{i}_{j}","maxAgeSeconds":1}}"#))
                .collect();
            let domains: Vec<String> = (0..domains_per_service).map(|j| format!(r#""d{j}.t{i}.net""#)).collect();
            format!(
                r#"{{"id":"s{i}","name":"S","category":"marketing","domains":[{}],"storage":[{}]}}"#,
                domains.join(","),
                storage.join(",")
            )
        })
        .collect();
    format!(
        r#"{{"version":1,"site":"example.com","services":[{}]}}"#,
        services.join(",")
    )
}

#[test]
fn generated_hostile_documents_fail_with_the_limit_named() {
    let long = "x".repeat(4_097);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "600 KiB",
            format!(r#"{{"version":1,"site":"example.com","services":[],"pad":"{}"}}"#, " ".repeat(600 * 1024)).into_bytes(),
            "fatal: the document is 614457 bytes; the limit is 512 KiB (524288 bytes)",
        ),
        (
            "10,000 services",
            services_json(10_000, 0, 0).into_bytes(),
            "fatal: the document is",
        ),
        (
            "1,001 services",
            services_json(1_001, 0, 0).into_bytes(),
            "fatal: services: the document is over the limit of at most 1,000 services (found 1001)",
        ),
        (
            "5,001 storage entries",
            services_json(41, 122, 0).into_bytes(),
            "fatal: services: the document is over the limit of at most 5,000 storage entries in all (found 5002)",
        ),
        (
            "201 domains",
            services_json(1, 0, 201).into_bytes(),
            "fatal: services[0].domains: the document is over the limit of at most 200 domains per service (found 201)",
        ),
        (
            "4,097 characters",
            format!(r#"{{"version":1,"site":"example.com","services":[{{"id":"s","name":"{long}"}}]}}"#).into_bytes(),
            "fatal: services[0].name: the document is over the limit of at most 4,096 characters per string (found 4097)",
        ),
        (
            "nested 10,000 deep",
            format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)).into_bytes(),
            "fatal: the document is not JSON: recursion limit exceeded",
        ),
        (
            "nested objects in a service",
            format!(
                r#"{{"version":1,"site":"example.com","services":[{{"id":"s","x":{}0{}}}]}}"#,
                r#"{"a":"#.repeat(200),
                "}".repeat(200)
            )
            .into_bytes(),
            "fatal: the document is not JSON: recursion limit exceeded",
        ),
        ("empty", Vec::new(), "fatal: the document is not JSON: EOF while parsing"),
    ];
    let site = Site::of_host("example.com");
    for (name, bytes, expected) in cases {
        let got = outcome(&bytes, site.as_ref());
        assert!(
            got.starts_with(expected),
            "{name}: got {got:?}, want it to start with {expected:?}"
        );
    }
}

#[test]
fn the_limits_themselves_are_allowed() {
    let site = Site::of_host("example.com");
    for (name, json) in [
        ("1,000 services", services_json(1_000, 0, 0)),
        ("5,000 storage entries", services_json(50, 100, 0)),
        ("200 domains", services_json(1, 0, 200)),
    ] {
        let document =
            policy::parse(json.as_bytes(), site.as_ref()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            document.is_valid(),
            "{name}: {:?}",
            document.diagnostics.first()
        );
    }
}
