//! Policy discovery decisions: candidate URLs, Link headers, cache lifetimes, answer checks and
//! the precedence of sources.

use cookie_warden::discovery::*;
use cookie_warden::domain::Site;

fn site(name: &str) -> Site {
    Site::of_host(name).unwrap_or_else(|| panic!("{name}"))
}

#[test]
fn well_known_candidates_are_the_host_then_the_registrable_domain() {
    let cases: &[(&str, &[&str])] = &[
        (
            "https://www.kaltiot.com/en/about?x=1#top",
            &[
                "https://www.kaltiot.com/.well-known/cookie-policy.json",
                "https://kaltiot.com/.well-known/cookie-policy.json",
            ],
        ),
        (
            "https://kaltiot.com/",
            &["https://kaltiot.com/.well-known/cookie-policy.json"],
        ),
        (
            "http://www.kaltiot.test:8080/",
            &[
                "http://www.kaltiot.test:8080/.well-known/cookie-policy.json",
                "http://kaltiot.test:8080/.well-known/cookie-policy.json",
            ],
        ),
        (
            "https://a.b.example.co.uk/x",
            &[
                "https://a.b.example.co.uk/.well-known/cookie-policy.json",
                "https://example.co.uk/.well-known/cookie-policy.json",
            ],
        ),
        ("chrome://settings", &[]),
        ("file:///etc/passwd", &[]),
        ("about:blank", &[]),
    ];
    for (page, expected) in cases {
        let urls: Vec<String> = well_known_candidates(page)
            .into_iter()
            .map(|c| c.url)
            .collect();
        assert_eq!(urls, *expected, "{page}");
    }
}

#[test]
fn link_headers_are_read_and_resolved() {
    let base = "https://www.kaltiot.com/en/page.html";
    let cases = [
        (
            "</cookie-policy.json>; rel=\"cookie-policy\"",
            Some("https://www.kaltiot.com/cookie-policy.json"),
        ),
        (
            "<policy.json>; rel=cookie-policy",
            Some("https://www.kaltiot.com/en/policy.json"),
        ),
        (
            "<https://cdn.kaltiot.com/p.json>; rel=\"preload cookie-policy\"",
            Some("https://cdn.kaltiot.com/p.json"),
        ),
        (
            "</style.css>; rel=preload; as=style, </p.json>; rel=\"cookie-policy\"",
            Some("https://www.kaltiot.com/p.json"),
        ),
        (
            "</a,b.json>; rel=\"cookie-policy\"",
            Some("https://www.kaltiot.com/a,b.json"),
        ),
        ("</style.css>; rel=preload", None),
        ("<javascript:alert(1)>; rel=cookie-policy", None),
        ("<data:application/json,{}>; rel=cookie-policy", None),
        ("garbage", None),
        ("", None),
    ];
    for (header, expected) in cases {
        assert_eq!(
            link_header_target(header, base).as_deref(),
            expected,
            "{header}"
        );
    }
}

#[test]
fn policies_are_fetched_over_https_or_from_plain_http_pages_only() {
    assert!(may_fetch("https://a.com/p.json", "https://a.com/"));
    assert!(may_fetch("https://a.com/p.json", "http://a.com/"));
    assert!(may_fetch("http://a.com/p.json", "http://a.com/"));
    assert!(!may_fetch("http://a.com/p.json", "https://a.com/"));
    assert!(!may_fetch("ftp://a.com/p.json", "http://a.com/"));
}

#[test]
fn cache_lifetimes_are_clamped() {
    let cases = [
        (None, 86_400),
        (Some("no-cache"), 86_400),
        (Some("public, max-age=7200"), 7_200),
        (Some("max-age=60"), 3_600),
        (Some("max-age=99999999"), 604_800),
        (Some("max-age=\"5000\""), 5_000),
        (Some("max-age=abc"), 86_400),
    ];
    for (header, expected) in cases {
        assert_eq!(cache_ttl(header), expected, "{header:?}");
    }
}

#[test]
fn answers_are_checked_before_their_bodies_are_read() {
    let s = site("kaltiot.com");
    let url = "https://www.kaltiot.com/.well-known/cookie-policy.json";
    let ok = |final_url: &str, status: u16, ct: Option<&str>, len: Option<u64>| {
        check_head(url, final_url, &s, status, ct, len, Expect::Json)
    };
    assert_eq!(
        ok(url, 200, Some("application/json; charset=utf-8"), Some(100)),
        Ok(())
    );
    assert_eq!(
        ok(
            "https://kaltiot.com/p.json",
            200,
            Some("application/json"),
            None
        ),
        Ok(())
    );
    let problems = [
        (ok(url, 404, Some("text/html"), None), "no policy at"),
        (
            ok(url, 500, Some("application/json"), None),
            "answered HTTP 500",
        ),
        (
            ok(url, 200, Some("text/html"), None),
            "is text/html, not JSON",
        ),
        (ok(url, 200, None, None), "is untyped, not JSON"),
        (
            ok(url, 200, Some("application/ld+json"), None),
            "is application/ld+json, not JSON",
        ),
        (
            ok(url, 200, Some("application/problem+json"), None),
            "is application/problem+json, not JSON",
        ),
        (
            ok(url, 200, Some("application/json"), Some(600 * 1024)),
            "larger than 512 KiB",
        ),
        (
            ok(
                "https://evil.example/p.json",
                200,
                Some("application/json"),
                None,
            ),
            "which is not on kaltiot.com",
        ),
        (
            ok(
                "data:application/json,{}",
                200,
                Some("application/json"),
                None,
            ),
            "which is not on kaltiot.com",
        ),
    ];
    for (result, expected) in problems {
        let message = result.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(
            message.contains(expected),
            "{message:?} should contain {expected:?}"
        );
    }
}

#[test]
fn higher_sources_replace_lower_ones_and_stale_records_are_refetched() {
    let s = site("kaltiot.com");
    let found = |kind: SourceKind, url: &str| Candidate {
        url: url.into(),
        kind,
    };
    let well_known = found(
        SourceKind::WellKnownHost,
        "https://www.kaltiot.com/.well-known/cookie-policy.json",
    );
    let body = include_bytes!("../examples/kaltiot.cookie-policy.json");
    let record = PolicyRecord::from_body(&s, well_known.clone(), body, Some("max-age=7200"), 1_000);
    assert!(matches!(
        record.outcome,
        Outcome::Document { valid: true, .. }
    ));
    assert_eq!(record.expires_at, 1_000 + 7_200);
    assert!(record.compile(false).is_some());

    assert!(
        !record.should_fetch(&well_known, 2_000),
        "the same source, still fresh"
    );
    assert!(
        !record.should_fetch(
            &found(SourceKind::LinkElement, "https://www.kaltiot.com/p.json"),
            2_000
        ),
        "a link element in the page does not outrank the site's own well-known file"
    );
    assert!(record.should_fetch(
        &found(SourceKind::LinkHeader, "https://www.kaltiot.com/p.json"),
        2_000
    ));
    assert!(!record.should_fetch(
        &found(
            SourceKind::WellKnownSite,
            "https://kaltiot.com/.well-known/cookie-policy.json"
        ),
        2_000
    ));
    assert!(record.should_fetch(&well_known, 9_000), "stale");

    let wrong =
        PolicyRecord::from_body(&site("example.com"), well_known.clone(), body, None, 1_000);
    assert!(matches!(
        wrong.outcome,
        Outcome::Document { valid: false, .. }
    ));
    assert_eq!(wrong.expires_at, 1_000 + ttl::FAILURE);
    assert!(wrong.compile(false).is_none());
    let problems: Vec<String> = wrong.problems().iter().map(ToString::to_string).collect();
    assert_eq!(
        problems,
        ["error: site: policy is for kaltiot.com, not example.com"]
    );

    let unreadable = PolicyRecord::from_body(&s, well_known, b"{\"version\": 1,", None, 1_000);
    let problems: Vec<String> = unreadable
        .problems()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0].starts_with("error: (document): the document is not JSON"),
        "{problems:?}"
    );

    let nothing = PolicyRecord::failed(&s, None, None, 1_000);
    assert_eq!(nothing.outcome, Outcome::NotPublished);
    assert!(nothing.problems().is_empty());
}

/// The well-known places are asked together, so a fresh record is not fetched again on the next
/// visit whatever they answered; a page that names its policy is still heard.
#[test]
fn the_well_known_places_are_not_asked_again_on_every_visit() {
    let s = site("kaltiot.com");
    let found = |kind: SourceKind, url: &str| Candidate {
        url: url.into(),
        kind,
    };
    let host = found(
        SourceKind::WellKnownHost,
        "https://www.kaltiot.com/.well-known/cookie-policy.json",
    );
    let other_host = found(
        SourceKind::WellKnownHost,
        "https://shop.kaltiot.com/.well-known/cookie-policy.json",
    );
    let domain = found(
        SourceKind::WellKnownSite,
        "https://kaltiot.com/.well-known/cookie-policy.json",
    );
    let link = found(SourceKind::LinkElement, "https://www.kaltiot.com/p.json");
    let body = include_bytes!("../examples/kaltiot.cookie-policy.json");
    let too_large = FetchProblem::TooLarge {
        url: domain.url.clone(),
    };
    let records = [
        (
            "nothing published",
            PolicyRecord::failed(&s, None, None, 1_000),
        ),
        (
            "only on the registrable domain",
            PolicyRecord::from_body(&s, domain.clone(), body, None, 1_000),
        ),
        (
            "both failed",
            PolicyRecord::failed(&s, Some(domain.clone()), Some(too_large), 1_000),
        ),
        (
            "found on a host",
            PolicyRecord::from_body(&s, host.clone(), body, None, 1_000),
        ),
    ];
    for (name, record) in records {
        for candidate in [&host, &other_host, &domain] {
            assert!(
                !record.should_fetch(candidate, 1_500),
                "{name}: {}",
                candidate.url
            );
            assert!(record.should_fetch(candidate, 1_000_000), "{name}: stale");
        }
        let valid = record.quality() == Quality::Valid;
        assert_eq!(
            record.should_fetch(&link, 1_500),
            !valid,
            "{name}: a link element is news unless the site's own place has a valid policy"
        );
    }
}

#[test]
fn records_survive_storage() {
    let s = site("kaltiot.com");
    let source = Candidate {
        url: "https://www.kaltiot.com/cookie-policy.json".into(),
        kind: SourceKind::LinkElement,
    };
    let body = include_bytes!("../examples/kaltiot.cookie-policy.json");
    let record = PolicyRecord::from_body(&s, source, body, None, 5);
    let stored = serde_json::to_value(&record).unwrap_or_default();
    let back: PolicyRecord = serde_json::from_value(stored).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back, record);
}

/// Regression (issue 10, security 2): page content must not outrank the site, and a broken
/// answer must not replace a good one. A valid document beats a failed or invalid one whatever
/// its source; a stale valid policy outlives network errors but gives way to a definitive answer.
#[test]
fn a_valid_policy_beats_any_failed_or_invalid_answer_whatever_its_source() {
    let s = site("kaltiot.com");
    let at = |kind: SourceKind, url: &str| Candidate {
        url: url.into(),
        kind,
    };
    let host = at(
        SourceKind::WellKnownHost,
        "https://www.kaltiot.com/.well-known/cookie-policy.json",
    );
    let domain = at(
        SourceKind::WellKnownSite,
        "https://kaltiot.com/.well-known/cookie-policy.json",
    );
    let link = at(SourceKind::LinkElement, "https://www.kaltiot.com/p.json");
    let header = at(SourceKind::LinkHeader, "https://www.kaltiot.com/h.json");
    let body = include_bytes!("../examples/kaltiot.cookie-policy.json");
    let valid = |c: &Candidate| PolicyRecord::from_body(&s, c.clone(), body, None, 1_000);
    let invalid =
        |c: &Candidate| PolicyRecord::from_body(&s, c.clone(), br#"{"version": 1}"#, None, 1_000);
    let unreadable = |c: &Candidate| PolicyRecord::from_body(&s, c.clone(), b"<html>", None, 1_000);
    let network = |c: &Candidate| {
        let problem = FetchProblem::Network {
            url: c.url.clone(),
            reason: "reset".into(),
        };
        PolicyRecord::failed(&s, Some(c.clone()), Some(problem), 1_000)
    };
    let not_found = |c: &Candidate| {
        let problem = FetchProblem::NotFound {
            url: c.url.clone(),
            status: 404,
        };
        PolicyRecord::failed(&s, Some(c.clone()), Some(problem), 1_000)
    };
    let nothing = PolicyRecord::failed(&s, None, None, 1_000);
    let fresh = 1_500;
    let stale = 1_000_000;
    // (case, new record, current record, now, refresh, replaces?)
    let table: &[(&str, PolicyRecord, PolicyRecord, u64, bool, bool)] = &[
        (
            "an invalid link does not replace a valid well-known policy",
            invalid(&link),
            valid(&host),
            fresh,
            false,
            false,
        ),
        (
            "an unreadable header answer does not replace it either",
            unreadable(&header),
            valid(&host),
            fresh,
            false,
            false,
        ),
        (
            "a failed header does not replace it",
            network(&header),
            valid(&domain),
            fresh,
            false,
            false,
        ),
        (
            "a valid link does not outrank the well-known file",
            valid(&link),
            valid(&domain),
            fresh,
            false,
            false,
        ),
        (
            "a valid well-known policy replaces a valid link",
            valid(&domain),
            valid(&link),
            fresh,
            false,
            true,
        ),
        (
            "a valid well-known policy replaces a failed link record",
            valid(&domain),
            network(&link),
            fresh,
            false,
            true,
        ),
        (
            "a valid well-known policy replaces an invalid header answer",
            valid(&host),
            invalid(&header),
            fresh,
            false,
            true,
        ),
        (
            "a valid link is used where the site has nothing",
            valid(&link),
            nothing.clone(),
            fresh,
            false,
            true,
        ),
        (
            "a valid header outranks the well-known file",
            valid(&header),
            valid(&host),
            fresh,
            false,
            true,
        ),
        (
            "a stale valid policy outlives a network error",
            network(&host),
            valid(&host),
            stale,
            false,
            false,
        ),
        (
            "on a refresh, a network error does not take a valid policy away",
            network(&host),
            valid(&host),
            fresh,
            true,
            false,
        ),
        (
            "a stale valid policy gives way to its removal",
            not_found(&host),
            valid(&host),
            stale,
            false,
            true,
        ),
        (
            "a stale valid policy gives way to nothing found",
            nothing.clone(),
            valid(&host),
            stale,
            false,
            true,
        ),
        (
            "a stale valid policy gives way to an invalid document",
            invalid(&host),
            valid(&host),
            stale,
            false,
            true,
        ),
        (
            "a refresh replaces a valid policy with its invalid successor",
            invalid(&host),
            valid(&host),
            fresh,
            true,
            true,
        ),
        (
            "an invalid document replaces a failure",
            invalid(&host),
            network(&host),
            fresh,
            false,
            true,
        ),
        (
            "a failure does not replace a fresh invalid document",
            network(&link),
            invalid(&host),
            fresh,
            false,
            false,
        ),
    ];
    for (name, new, current, now, refresh, expected) in table {
        assert_eq!(new.replaces(current, *now, *refresh), *expected, "{name}");
    }
}

/// Regression (issue 10, security 4): nothing is sent to a place on another site, an address in
/// the visitor's network, or (for a place the page names) another host of the site.
#[test]
fn places_are_checked_before_anything_is_sent() {
    let named = |url: &str| Candidate {
        url: url.into(),
        kind: SourceKind::LinkElement,
    };
    let header = |url: &str| Candidate {
        url: url.into(),
        kind: SourceKind::LinkHeader,
    };
    let well_known = |url: &str| Candidate {
        url: url.into(),
        kind: SourceKind::WellKnownSite,
    };
    let page = "https://www.kaltiot.com/en/";
    let cases: &[(Candidate, &str, Result<(), &str>)] = &[
        (named("https://www.kaltiot.com/p.json"), page, Ok(())),
        (header("https://www.kaltiot.com/p.json"), page, Ok(())),
        (
            well_known("https://kaltiot.com/.well-known/cookie-policy.json"),
            page,
            Ok(()),
        ),
        (
            named("https://kaltiot.com/p.json"),
            page,
            Err("not on the page's host www.kaltiot.com"),
        ),
        (
            header("https://cdn.kaltiot.com/p.json"),
            page,
            Err("not on the page's host"),
        ),
        (
            named("https://tracker.example/p.json"),
            page,
            Err("is not on kaltiot.com"),
        ),
        (
            header("https://evil.com/p.json"),
            page,
            Err("is not on kaltiot.com"),
        ),
        (
            named("http://192.168.1.1/p.json"),
            "http://www.kaltiot.com/",
            Err("IP address or localhost"),
        ),
        (
            named("http://[::1]/p.json"),
            "http://www.kaltiot.com/",
            Err("IP address or localhost"),
        ),
        (
            header("http://localhost:8080/p.json"),
            "http://www.kaltiot.com/",
            Err("IP address or localhost"),
        ),
        (
            named("http://router.localhost/p.json"),
            "http://www.kaltiot.com/",
            Err("IP address or localhost"),
        ),
        (
            well_known("http://127.0.0.1:8080/.well-known/cookie-policy.json"),
            "http://127.0.0.1:8080/",
            Err("IP address or localhost"),
        ),
        (
            well_known("http://localhost/.well-known/cookie-policy.json"),
            "http://localhost/",
            Err("IP address or localhost"),
        ),
        (
            named("http://www.kaltiot.com/p.json"),
            page,
            Err("not an https URL"),
        ),
        (named("file:///etc/passwd"), page, Err("not an https URL")),
    ];
    for (candidate, page, expected) in cases {
        let got = check_candidate(candidate, page).map_err(|e| e.to_string());
        match (got, expected) {
            (Ok(()), Ok(())) => {}
            (Err(message), Err(want)) => {
                assert!(message.contains(want), "{}: {message}", candidate.url)
            }
            (got, want) => panic!("{}: got {got:?}, want {want:?}", candidate.url),
        }
    }
}

/// Regression (issue 10, security 8): one warning per unknown key used to let a 512 KiB
/// document become a record of megabytes (and evict every other site's record). Diagnostics
/// past the limit are counted, so a stored record is the document plus a bounded list.
#[test]
fn a_stored_record_is_the_document_and_a_bounded_list_of_problems() {
    let s = site("kaltiot.com");
    let mut text = String::from(r#"{"version": 1, "site": "kaltiot.com", "services": []"#);
    for i in 0..20_000 {
        text.push_str(&format!(r#", "unknown{i:05}": 1"#));
    }
    text.push('}');
    assert!(text.len() < 512 * 1024);
    let source = Candidate {
        url: "https://www.kaltiot.com/.well-known/cookie-policy.json".into(),
        kind: SourceKind::WellKnownHost,
    };
    let record = PolicyRecord::from_body(&s, source, text.as_bytes(), None, 1_000);
    assert_eq!(record.quality(), Quality::Valid, "warnings only");
    let Outcome::Document { diagnostics, .. } = &record.outcome else {
        panic!("{:?}", record.outcome);
    };
    assert_eq!(diagnostics.len(), 101);
    assert_eq!(
        diagnostics[100].to_string(),
        "warning: (document): 19900 more problems not listed (only the first 100 are kept)"
    );
    let stored = serde_json::to_string(&record).unwrap_or_default();
    let document = serde_json::to_string(&text).unwrap_or_default();
    assert!(
        stored.len() < document.len() + 32 * 1024,
        "{} bytes stored for a document of {} bytes as a JSON string",
        stored.len(),
        document.len()
    );
    // Past the limit, an error still makes the document invalid.
    let mut broken = text.clone();
    broken.insert_str(broken.len() - 1, r#", "updated": "yesterday""#);
    let record = PolicyRecord::from_body(
        &s,
        record.source.clone().unwrap_or_else(|| panic!()),
        broken.as_bytes(),
        None,
        1_000,
    );
    assert_eq!(record.quality(), Quality::Invalid);
}

#[test]
fn a_first_visit_holds_only_third_party_subresources() {
    use cookie_warden::discovery::holds_request;
    let shop = site("shop.example");
    assert!(holds_request("script", "www.google-analytics.com", &shop));
    assert!(holds_request("sub_frame", "ads.example.net", &shop));
    assert!(
        !holds_request("main_frame", "www.google-analytics.com", &shop),
        "a link to another site opens"
    );
    assert!(
        !holds_request("script", "shop.example", &shop),
        "the site's own requests"
    );
    assert!(
        !holds_request("image", "CDN.Shop.Example.", &shop),
        "its subdomains, in any case"
    );
    assert!(holds_request("image", "notshop.example", &shop));
}

#[test]
fn a_look_stops_at_a_document_a_named_place_or_the_deadline_and_a_404_at_the_well_known_places_is_nothing_published(
) {
    let s = site("kaltiot.com");
    let place = |kind: SourceKind| Candidate {
        url: "https://www.kaltiot.com/.well-known/cookie-policy.json".into(),
        kind,
    };
    let url = || "https://www.kaltiot.com/.well-known/cookie-policy.json".to_owned();
    let not_found = || FetchProblem::NotFound {
        url: url(),
        status: 404,
    };
    let status = || FetchProblem::Status {
        url: url(),
        status: 500,
    };
    let timed_out = || FetchProblem::TimedOut { url: url() };
    let body = include_bytes!("../examples/kaltiot.cookie-policy.json");
    let valid = |kind| PolicyRecord::from_body(&s, place(kind), body, None, 1_000);
    let invalid = |kind| PolicyRecord::from_body(&s, place(kind), b"{\"version\":1}", None, 1_000);
    let failed = |kind, problem| PolicyRecord::failed(&s, Some(place(kind)), Some(problem), 1_000);
    let not_published = |r: &PolicyRecord| matches!(r.outcome, Outcome::NotPublished);
    // (answer, the look ends there, what it concludes is "nothing published")
    let cases: Vec<(&str, PolicyRecord, bool, bool)> = vec![
        (
            "valid, well-known",
            valid(SourceKind::WellKnownHost),
            true,
            false,
        ),
        (
            "invalid, well-known",
            invalid(SourceKind::WellKnownHost),
            true,
            false,
        ),
        (
            "404, host",
            failed(SourceKind::WellKnownHost, not_found()),
            false,
            true,
        ),
        (
            "404, site",
            failed(SourceKind::WellKnownSite, not_found()),
            false,
            true,
        ),
        (
            "500, host",
            failed(SourceKind::WellKnownHost, status()),
            false,
            false,
        ),
        (
            "timed out, host",
            failed(SourceKind::WellKnownHost, timed_out()),
            true,
            false,
        ),
        (
            "404, link element",
            failed(SourceKind::LinkElement, not_found()),
            true,
            false,
        ),
        (
            "404, Link header",
            failed(SourceKind::LinkHeader, not_found()),
            true,
            false,
        ),
        (
            "500, consent platform",
            failed(SourceKind::ConsentPlatform, status()),
            true,
            false,
        ),
    ];
    for (what, record, ends, nothing) in cases {
        assert_eq!(record.ends_look(), ends, "{what}: ends the look");
        let concluded = record.clone().concluded(2_000);
        assert_eq!(
            not_published(&concluded),
            nothing,
            "{what}: nothing published"
        );
        if nothing {
            assert_eq!(concluded.source, None, "{what}");
            assert_eq!(concluded.fetched_at, 2_000, "{what}");
        } else {
            assert_eq!(concluded, record, "{what}: kept as it is");
        }
    }
}

#[test]
fn the_panel_state_follows_the_record() {
    use cookie_warden::view::PolicyState;
    let s = site("kaltiot.com");
    let place = Candidate {
        url: "https://www.kaltiot.com/.well-known/cookie-policy.json".into(),
        kind: SourceKind::WellKnownHost,
    };
    let body = include_bytes!("../examples/kaltiot.cookie-policy.json");
    let valid = PolicyRecord::from_body(&s, place.clone(), body, None, 1_000);
    let usable = valid.compile(false);
    let problems = valid.problems();
    assert!(matches!(
        PolicyRecord::state(Some(&valid), usable.as_ref(), &problems),
        PolicyState::Declared { url, .. } if url == place.url
    ));
    let broken = PolicyRecord::from_body(&s, place.clone(), b"{", None, 1_000);
    let problems = broken.problems();
    assert!(!problems.is_empty());
    assert!(matches!(
        PolicyRecord::state(Some(&broken), broken.compile(false).as_ref(), &problems),
        PolicyState::Invalid { url, diagnostics } if url == place.url && diagnostics.len() == problems.len()
    ));
    let nothing = PolicyRecord::failed(&s, None, None, 1_000);
    assert!(matches!(
        PolicyRecord::state(Some(&nothing), None, &[]),
        PolicyState::NotPublished
    ));
    assert!(matches!(
        PolicyRecord::state(None, None, &[]),
        PolicyState::NotPublished
    ));
    let failed = PolicyRecord::failed(
        &s,
        Some(place.clone()),
        Some(FetchProblem::TimedOut {
            url: place.url.clone(),
        }),
        1_000,
    );
    let problems = failed.problems();
    assert!(matches!(
        PolicyRecord::state(Some(&failed), None, &problems),
        PolicyState::Invalid { .. }
    ));
}
