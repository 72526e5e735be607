//! The Public Suffix List, bundled as data: which part of a hostname is a public suffix (`com`,
//! `co.uk`, `github.io`) and so which part is the registrable domain (eTLD+1).
//!
//! The list is `data/public-suffix-list.txt`: every rule of Mozilla's list in ASCII (punycode
//! for internationalised labels), sorted, one per line, with `*.` for wildcard rules and `!` for
//! exceptions (see `data/NOTICE`; regenerate it with `scripts/public-suffix-list.mjs`). It is
//! searched in place with a binary search, so there is no start-up cost beyond splitting it into
//! lines once, and it costs about 45 KB gzipped (compiled in, [`crate::bundled`]) instead of the
//! ~950 KB of code a compiled-in matcher takes.
//!
//! The algorithm is the list's own (<https://github.com/publicsuffix/list/wiki/Format>): the
//! longest matching rule wins, an exception rule beats every other rule, and a name no rule
//! matches has its last label as its suffix (the implicit `*` rule).

use crate::bundled::Dataset;
use std::sync::OnceLock;

/// The bundled rules, sorted, one per line ([`Dataset::PublicSuffixes`]); none in a build
/// without them.
fn rules() -> &'static [&'static str] {
    static LINES: OnceLock<Vec<&'static str>> = OnceLock::new();
    match Dataset::PublicSuffixes.text() {
        Some(text) => LINES.get_or_init(|| text.lines().filter(|l| !l.is_empty()).collect()),
        None => &[],
    }
}

fn has_rule(rule: &str) -> bool {
    rules().binary_search(&rule).is_ok()
}

fn has_prefixed_rule(prefix: &str, name: &str) -> bool {
    let lines = rules();
    // Compare `prefix + name` with each line without building the string.
    lines
        .binary_search_by(|line| {
            let line = line.as_bytes();
            let (head, tail) = line.split_at(prefix.len().min(line.len()));
            head.cmp(prefix.as_bytes())
                .then_with(|| tail.cmp(name.as_bytes()))
        })
        .is_ok()
}

/// The length in labels of the public suffix of `host` (a lowercase hostname without leading
/// or trailing dots, labels separated by `.`). Always at least 1 for a non-empty host.
fn suffix_labels(host: &str) -> usize {
    let total = host.split('.').count();
    // Walk the candidate suffixes from the longest (the whole name) to the shortest.
    let mut start = 0;
    for remaining in (1..=total).rev() {
        let candidate = &host[start..];
        if has_prefixed_rule("!", candidate) {
            // An exception: the suffix is the candidate without its first label.
            return remaining - 1;
        }
        if has_rule(candidate) {
            return remaining;
        }
        if remaining >= 2 {
            let parent = candidate.split_once('.').map_or("", |(_, parent)| parent);
            if has_prefixed_rule("*.", parent) {
                return remaining;
            }
        }
        start += candidate.find('.').map_or(candidate.len(), |dot| dot + 1);
    }
    1
}

/// The public suffix of `host` (lowercase, no leading or trailing dot): `co.uk` for
/// `www.example.co.uk`, `test` for `www.kaltiot.test` (names no rule lists have their last
/// label as suffix). Returns the whole host when it is itself a public suffix.
pub fn public_suffix(host: &str) -> &str {
    let labels = suffix_labels(host);
    nth_label_from_end(host, labels)
}

/// The registrable domain of `host` (lowercase, no leading or trailing dot): the public suffix
/// and one label before it, such as `example.co.uk` for `www.example.co.uk`. Returns `None` when
/// `host` is itself a public suffix (`com`, `co.uk`, `localhost`).
pub fn registrable_domain(host: &str) -> Option<&str> {
    if host.is_empty() {
        return None;
    }
    let labels = suffix_labels(host);
    let total = host.split('.').count();
    (total > labels).then(|| nth_label_from_end(host, labels + 1))
}

/// The domains under `site` (a registrable domain) that hold other sites: public suffixes such
/// as `s3.amazonaws.com` lie under `amazonaws.com`, and the hosts under them are other tenants
/// of a hosting service, which a rule for `site` must not cover. Given as the site's direct
/// subdomains that contain such suffixes (`s3.amazonaws.com`, `us-east-1.amazonaws.com`), so
/// the list stays short (73 for amazonaws.com, none for nearly every site); sorted. One pass
/// over the list.
pub fn suffixes_within(site: &str) -> Vec<String> {
    let tail = format!(".{site}");
    let mut found: Vec<String> = rules()
        .iter()
        .filter(|rule| !rule.starts_with('!'))
        .map(|rule| rule.strip_prefix("*.").unwrap_or(rule))
        .filter_map(|domain| domain.strip_suffix(tail.as_str()))
        .filter_map(|below| below.rsplit('.').next())
        .map(|label| format!("{label}{tail}"))
        .collect();
    found.sort();
    found.dedup();
    found
}

/// The last `n` labels of `host` (all of it when it has `n` or fewer).
fn nth_label_from_end(host: &str, n: usize) -> &str {
    let mut seen = 0;
    for (i, b) in host.bytes().enumerate().rev() {
        if b == b'.' {
            seen += 1;
            if seen == n {
                return &host[i + 1..];
            }
        }
    }
    host
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffixes_within_a_site_are_found_and_collapsed() {
        let within = suffixes_within("amazonaws.com");
        assert!(
            within.contains(&"s3.amazonaws.com".to_owned()),
            "{within:?}"
        );
        assert!(within.iter().all(|d| d.ends_with(".amazonaws.com")));
        assert!(
            within.iter().all(|d| d.matches('.').count() == 2),
            "direct subdomains of the site: {within:?}"
        );
        assert!(within.len() < 100, "{} domains", within.len());
        assert_eq!(suffixes_within("kaltiot.com"), Vec::<String>::new());
        assert_eq!(suffixes_within("kaltiot.test"), Vec::<String>::new());
    }

    #[test]
    fn the_bundled_list_is_sorted_ascii_and_complete() {
        let lines = rules();
        assert!(lines.len() > 9_000, "{} rules", lines.len());
        assert!(lines.windows(2).all(|w| w[0] < w[1]), "not sorted/unique");
        assert!(lines.iter().all(|l| l.is_ascii() && !l.contains(' ')));
        for rule in [
            "com",
            "co.uk",
            "github.io",
            "*.ck",
            "!www.ck",
            "xn--55qx5d.cn",
        ] {
            assert!(has_rule(rule), "{rule} missing");
        }
    }

    #[test]
    fn registrable_domains_follow_the_list_algorithm() {
        let cases = [
            ("www.example.com", Some("example.com")),
            ("example.com", Some("example.com")),
            ("com", None),
            ("a.b.example.co.uk", Some("example.co.uk")),
            ("co.uk", None),
            ("user.github.io", Some("user.github.io")),
            ("github.io", None),
            ("www.kaltiot.test", Some("kaltiot.test")),
            ("localhost", None),
            ("a.b.c.ck", Some("b.c.ck")), // *.ck
            ("c.ck", None),
            ("www.ck", Some("www.ck")), // !www.ck
            ("a.www.ck", Some("www.ck")),
            ("shop.xn--55qx5d.cn", Some("shop.xn--55qx5d.cn")),
            ("", None),
            // The list's own test vectors (checkPublicSuffix in publicsuffix.org's tests).
            ("uk.com", None),
            ("example.uk.com", Some("example.uk.com")),
            ("a.b.example.uk.com", Some("example.uk.com")),
            ("test.ac", Some("test.ac")),
            ("mm", None),
            ("c.mm", None),
            ("b.c.mm", Some("b.c.mm")),
            ("a.b.c.mm", Some("b.c.mm")),
            ("jp", None),
            ("www.test.jp", Some("test.jp")),
            ("ac.jp", None),
            ("test.ac.jp", Some("test.ac.jp")),
            ("kyoto.jp", None),
            ("ide.kyoto.jp", None),
            ("b.ide.kyoto.jp", Some("b.ide.kyoto.jp")),
            ("a.b.ide.kyoto.jp", Some("b.ide.kyoto.jp")),
            ("c.kobe.jp", None),
            ("b.c.kobe.jp", Some("b.c.kobe.jp")),
            ("a.b.c.kobe.jp", Some("b.c.kobe.jp")),
            ("city.kobe.jp", Some("city.kobe.jp")),
            ("www.city.kobe.jp", Some("city.kobe.jp")),
            ("test.ck", None),
            ("b.test.ck", Some("b.test.ck")),
            ("www.www.ck", Some("www.ck")),
            ("k12.ak.us", None),
            ("www.test.k12.ak.us", Some("test.k12.ak.us")),
            ("xn--85x722f.com.cn", Some("xn--85x722f.com.cn")),
            ("xn--55qx5d.cn", None),
            (
                "xn--85x722f.xn--55qx5d.cn",
                Some("xn--85x722f.xn--55qx5d.cn"),
            ),
            ("shishi.xn--55qx5d.cn", Some("shishi.xn--55qx5d.cn")),
            // A wildcard matches any label, even one that has deeper rules of its own.
            ("ex.futurecms.at", None),
            ("a.ex.futurecms.at", None),
            ("b.a.ex.futurecms.at", Some("b.a.ex.futurecms.at")),
        ];
        for (host, want) in cases {
            assert_eq!(registrable_domain(host), want, "{host}");
        }
        assert_eq!(public_suffix("www.example.co.uk"), "co.uk");
        assert_eq!(public_suffix("com"), "com");
    }
}
