//! The command-line tool, run as a site owner would run it.

mod common;

use common::fixtures;
use std::process::Command;

const EXAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/examples/kaltiot.cookie-policy.json"
);

/// Runs the tool; returns (exit code, stdout, stderr).
fn run(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_cookie-warden"))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cookie-warden {args:?}: {e}"));
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn fixture(path: &str) -> String {
    fixtures().join(path).display().to_string()
}

#[test]
fn validate_exits_zero_only_for_a_valid_policy() {
    let wrong = fixture("policies/wrong-types-deep.json");
    let other = fixture("policies/other-site.json");
    let html = fixture("policies/html.json");
    let cases: Vec<(Vec<&str>, i32, &str)> = vec![
        (vec!["validate", EXAMPLE], 0, "valid, 0 warning(s)"),
        (vec!["validate", EXAMPLE, "--site", "kaltiot.com"], 0, "valid"),
        (vec!["validate", EXAMPLE, "--site", "example.com"], 1, "site: policy is for kaltiot.com, not example.com"),
        (
            vec!["validate", &wrong],
            1,
            "error: services[1].storage[0].maxAgeSeconds: expected a non-negative integer, found \"two years\"",
        ),
        (vec!["validate", &other, "--site", "example.com"], 1, "invalid, 1 error(s), 0 warning(s)"),
        (vec!["validate", &html], 1, "error: the document is not JSON: it looks like HTML"),
        (vec!["validate", "/nonexistent/policy.json"], 2, ""),
        (vec!["validate", EXAMPLE, "--site", "https://x"], 2, ""),
    ];
    for (args, code, expected) in cases {
        let (got, stdout, stderr) = run(&args);
        assert_eq!(got, code, "{args:?}\n{stdout}\n{stderr}");
        assert!(
            stdout.contains(expected),
            "{args:?}: {expected:?} not in\n{stdout}"
        );
    }
}

#[test]
fn validate_speaks_json_for_machines() {
    let (code, stdout, _) = run(&[
        "validate",
        &fixture("policies/bare-star.json"),
        "--format",
        "json",
    ]);
    assert_eq!(code, 1);
    let report: serde_json::Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    assert_eq!(report["valid"], false);
    assert_eq!(
        report["diagnostics"][0]["place"],
        "services[0].storage[0].name"
    );
    assert_eq!(report["diagnostics"][0]["severity"], "error");
}

#[test]
fn show_prints_the_visitors_table() {
    let (code, stdout, stderr) = run(&["show", EXAMPLE]);
    assert_eq!(code, 0, "{stderr}");
    for expected in [
        "_ga | Google Analytics 4 | Statistics | 2 years",
        "_ga_* | Google Analytics 4 | Statistics | 2 years",
        "_lfa | Leadfeeder | Statistics | 2 years",
        "Statistics / Analytics [statistics] (consent required): denied by default",
        "blocks: google-analytics.com, analytics.google.com",
        "Controller: Kaltiot Technologies Oy",
        "finding: _lfa is declared as Statistics but is commonly used for Marketing (Leadfeeder)",
    ] {
        assert!(stdout.contains(expected), "{expected:?} not in\n{stdout}");
    }
}

#[test]
fn show_audits_observed_cookies() {
    let observed = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/kaltiot.observed-cookies.json"
    );
    let (code, stdout, stderr) = run(&[
        "show",
        EXAMPLE,
        "--observed",
        observed,
        "--now",
        "1795910400",
    ]);
    assert_eq!(code, 0, "{stderr}");
    for expected in [
        "_ga_K4LT10T | Google Analytics 4 | Statistics | 2 years | stored, to be deleted",
        "finding: _ga_K4LT10T lives longer than declared: 4 years left, 2 years declared",
        "finding: _fbp is not declared in the policy (commonly Marketing by Facebook)",
        "Undeclared or inferred cookies",
    ] {
        assert!(stdout.contains(expected), "{expected:?} not in\n{stdout}");
    }
    assert!(
        !stdout.contains("IDE"),
        "another site's cookie is not this site's business:\n{stdout}"
    );

    let (code, stdout, _) = run(&[
        "show",
        EXAMPLE,
        "--observed",
        observed,
        "--now",
        "1795910400",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    let view: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(view["site"], "kaltiot.com");
    assert_eq!(
        view["categories"][2]["services"][0]["cookies"][0]["name"],
        "_ga"
    );
}

#[test]
fn convert_turns_a_tcf_file_into_a_valid_policy() {
    let (code, stdout, stderr) = run(&[
        "convert",
        &fixture("tcf/adnetwork.json"),
        "--site",
        "example.com",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let converted = std::env::temp_dir().join(format!("cw-converted-{}.json", std::process::id()));
    std::fs::write(&converted, &stdout).unwrap_or_else(|e| panic!("{e}"));
    let path = converted.display().to_string();
    let (code, report, _) = run(&["validate", &path, "--site", "example.com"]);
    let _ = std::fs::remove_file(&converted);
    assert_eq!(code, 0, "{report}\n{stdout}");
    assert!(stdout.contains("\"category\": \"marketing\""), "{stdout}");
}

#[test]
fn the_checked_in_schema_is_the_generated_one() {
    let (code, stdout, _) = run(&["schema"]);
    assert_eq!(code, 0);
    let checked_in = include_str!("../schema/cookie-policy.schema.json");
    assert!(
        stdout == checked_in,
        "schema/cookie-policy.schema.json is out of date: run `cargo run -- schema > schema/cookie-policy.schema.json`"
    );
}

/// A site owner who uses a consent platform gets a valid version-1 policy in one command, with
/// the format recognised or named, and the platform's files shown and checked like a policy.
#[test]
fn consent_platform_files_convert_show_and_validate() {
    let onetrust = fixture("formats/onetrust/language-file.json");
    let cookiebot = fixture("formats/cookiebot/cc.js");
    let rule_set = fixture("formats/onetrust/rule-set.json");
    for (args, code) in [
        (
            vec!["convert", onetrust.as_str(), "--site", "example.com"],
            0,
        ),
        (
            vec![
                "convert",
                cookiebot.as_str(),
                "--site",
                "example.com",
                "--from",
                "cookiebot",
            ],
            0,
        ),
        (
            vec![
                "convert",
                onetrust.as_str(),
                "--site",
                "example.com",
                "--from",
                "onetrust",
            ],
            0,
        ),
    ] {
        let (got, stdout, stderr) = run(&args);
        assert_eq!(got, code, "{args:?}\n{stderr}");
        let policy: serde_json::Value =
            serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{args:?}: {e}\n{stdout}"));
        assert_eq!(policy["version"], 1);
        assert_eq!(policy["site"], "example.com");
        // The output is itself a valid policy.
        let file =
            std::env::temp_dir().join(format!("cw-converted-cmp-{}.json", std::process::id()));
        std::fs::write(&file, &stdout).unwrap_or_else(|e| panic!("{e}"));
        let (valid, out, _) = run(&[
            "validate",
            &file.display().to_string(),
            "--site",
            "example.com",
        ]);
        let _ = std::fs::remove_file(&file);
        assert_eq!(valid, 0, "{args:?}: the converted policy validates\n{out}");
    }
    let (code, _, stderr) = run(&["convert", &onetrust]);
    assert_eq!(code, 2, "a consent platform's file needs --site");
    assert!(stderr.contains("names no site"), "{stderr}");
    let (code, stdout, _) = run(&["validate", &rule_set, "--site", "example.com"]);
    assert_eq!(code, 1);
    assert!(stdout.contains("rule-set file"), "{stdout}");
    let (code, stdout, _) = run(&["show", &cookiebot, "--site", "example.com"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("declared through Cookiebot"), "{stdout}");
    assert!(stdout.contains("Registers a unique ID"), "{stdout}");
    let (code, _, stderr) = run(&[
        "convert",
        &onetrust,
        "--site",
        "example.com",
        "--from",
        "klaro",
    ]);
    assert_eq!(code, 2, "an unknown --from is refused: {stderr}");
}

/// `guess` shows what a site without a policy does to each cookie, and why: a person filing a
/// bug about a deleted cookie can show it.
#[test]
fn guess_shows_each_cookies_evidence_and_verdict() {
    let file = std::env::temp_dir().join(format!("cw-guess-{}.json", std::process::id()));
    std::fs::write(
        &file,
        r#"[{"name": "sessionid", "domain": "www.example.com"},
            {"name": "_ga", "domain": ".example.com", "expirationDate": 4102444800}]"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let path = file.display().to_string();
    let (code, stdout, stderr) = run(&["guess", &path, "--site", "example.com"]);
    let (_, json, _) = run(&["guess", &path, "--site", "example.com", "--format", "json"]);
    let _ = std::fs::remove_file(&file);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("sessionid (www.example.com): keep"),
        "{stdout}"
    );
    assert!(
        stdout.contains("no evidence: a name any site may use"),
        "{stdout}"
    );
    assert!(stdout.contains("_ga (.example.com): delete"), "{stdout}");
    let rows: serde_json::Value = serde_json::from_str(&json).unwrap_or_default();
    assert_eq!(rows[1]["verdict"], "delete", "{json}");
}
