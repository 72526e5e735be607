//! Cookiebot: its declaration is the script `https://consent.cookiebot.com/<cbid>/cc.js`, which
//! assigns five cookie tables (`CookieConsentDialog.cookieTableNecessary`, `…Preference`,
//! `…Statistics`, `…Advertising`, `…Unclassified`) and the providers' privacy policies
//! (`CookieConsentDialog.privacyPolicies`). It is read as data ([`super::js`]), never run.
//!
//! A row is `[name, cookie domains, purpose, expiry in English words, type, type id, name
//! regex, provider hosts]`, lists joined by `<br/>`. `HTTP` rows are cookies, `HTML` rows web
//! storage, `Pixel` rows requests (their hosts are blocked like any declared host, nothing is
//! stored). Unclassified rows are left undeclared: the site has not said what they are.

use super::js;
use super::{name_pattern, plain_text, site_or_error, Builder, HostUse, LONGEST_COOKIE_SECONDS};
use crate::diag::Place;
use crate::domain::Site;
use crate::duration::{parse_retention, Retention};
use crate::policy::model::*;
use crate::policy::parse::{Document, DocumentKind, PolicyError, Reader};
use serde_json::Value;
use std::collections::HashMap;

/// The tables and the category each stands for (`None`: unclassified).
const TABLES: [(&str, Option<CategoryId>); 5] = [
    ("cookieTableNecessary", Some(CategoryId::Necessary)),
    ("cookieTablePreference", Some(CategoryId::Functional)),
    ("cookieTableStatistics", Some(CategoryId::Statistics)),
    ("cookieTableAdvertising", Some(CategoryId::Marketing)),
    ("cookieTableUnclassified", None),
];

/// Whether a script is Cookiebot's answer (tables, or its out-of-region or domain warning).
pub fn looks_like(text: &str) -> bool {
    text.contains("CookieConsentDialog.cookieTable")
        || text.contains("cookiedomainwarning")
        || text.contains("CookieConsent.setOutOfRegion")
}

/// Whether `cbid` is a Cookiebot domain group id (a UUID).
pub fn is_cbid(cbid: &str) -> bool {
    super::onetrust::is_domain_id(cbid) && !cbid.ends_with("-test")
}

/// The address of the declaration of domain group `cbid` for a page on `host`, in the
/// visitor's `language`: the one Cookiebot's own banner asks for (`referer` names the page's
/// host, which the service needs to answer). `eu` picks `consent.cookiebot.eu`.
pub fn declaration_url(cbid: &str, host: &str, language: &str, eu: bool) -> String {
    let domain = if eu { "eu" } else { "com" };
    let culture: String = language
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .take(2)
        .collect::<String>()
        .to_ascii_uppercase();
    let culture = if culture.len() == 2 {
        culture
    } else {
        "EN".into()
    };
    let host: String = host
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
        .collect();
    format!(
        "https://consent.cookiebot.{domain}/{cbid}/cc.js?renew=false&referer={host}&dnt=false&init=false&culture={culture}"
    )
}

/// Converts a `cc.js` answer into a policy for `site`.
pub fn convert(text: &str, site: Option<&Site>) -> Result<Document, PolicyError> {
    let site = site_or_error(site)?;
    if text.contains("cookiedomainwarning") && !text.contains("CookieConsentDialog.cookieTable") {
        return Err(PolicyError::NoDeclaration {
            reason: format!("Cookiebot does not serve {site}: the site is not one of the domain group's domains"),
        });
    }
    if !text.contains("CookieConsentDialog.cookieTable") {
        return Err(PolicyError::NoDeclaration {
            reason: if text.contains("setOutOfRegion") {
                "Cookiebot answered that this visitor is outside the site's regions, without a declaration".into()
            } else {
                "Cookiebot's answer holds no cookie tables".into()
            },
        });
    }
    let mut reader = Reader::default();
    let policies = privacy_policies(&mut reader, text);
    let mut builder = Builder::new(site);
    let mut unclassified = 0usize;
    for (table, category) in TABLES {
        let place = Place::root().field(table);
        let rows = match js::assigned(text, &format!("CookieConsentDialog.{table}")) {
            Ok(Some(Value::Array(rows))) => rows,
            Ok(Some(other)) => {
                reader.warning(
                    &place,
                    format!(
                        "expected an array of rows, found {}; left out",
                        crate::policy::parse::describe(&other)
                    ),
                );
                continue;
            }
            Ok(None) => continue,
            Err(e) => {
                reader.warning(&place, format!("could not be read ({e}); left out"));
                continue;
            }
        };
        let Some(category) = category else {
            unclassified += rows.len();
            continue;
        };
        for (i, row) in rows.iter().enumerate() {
            row_into(
                &mut reader,
                &mut builder,
                &policies,
                row,
                &place.index(i),
                category,
            );
        }
    }
    if unclassified > 0 {
        reader.warning(
            &Place::root().field("cookieTableUnclassified"),
            format!("{unclassified} unclassified entries left undeclared (the site has not said what they are for)"),
        );
    }
    Ok(Document {
        kind: DocumentKind::Cookiebot,
        policy: Some(builder.finish()),
        diagnostics: reader.finish(),
    })
}

/// `privacyPolicies`: provider host → (provider name, policy URL).
fn privacy_policies(reader: &mut Reader, text: &str) -> HashMap<String, (String, Option<String>)> {
    let mut out = HashMap::new();
    let place = Place::root().field("privacyPolicies");
    let rows = match js::assigned(text, "CookieConsentDialog.privacyPolicies") {
        Ok(Some(Value::Array(rows))) => rows,
        Ok(_) => return out,
        Err(e) => {
            reader.warning(&place, format!("could not be read ({e}); left out"));
            return out;
        }
    };
    for row in rows {
        let cell = |i: usize| row.get(i).and_then(Value::as_str).unwrap_or("").trim();
        let url = cell(2);
        let url = (url.starts_with("https://") && !url.contains(char::is_whitespace))
            .then(|| url.to_owned());
        out.insert(cell(0).to_ascii_lowercase(), (plain_text(cell(1)), url));
    }
    out
}

fn row_into(
    reader: &mut Reader,
    builder: &mut Builder,
    policies: &HashMap<String, (String, Option<String>)>,
    row: &Value,
    place: &Place,
    category: CategoryId,
) {
    let Some(cells) = row.as_array() else {
        reader.warning(place, "expected a row (an array); left out");
        return;
    };
    let cell = |i: usize| cells.get(i).and_then(Value::as_str).unwrap_or("").trim();
    let list = |i: usize| -> Vec<String> {
        cell(i)
            .split("<br/>")
            .flat_map(|s| s.split("<br>"))
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect()
    };
    let name = cell(0);
    let cookie_domains = list(1);
    let provider_hosts = {
        let hosts = list(7);
        if hosts.is_empty() {
            cookie_domains.clone()
        } else {
            hosts
        }
    };
    let key = provider_hosts
        .first()
        .cloned()
        .unwrap_or_else(|| builder.site().to_string());
    let (provider_name, privacy_policy) = policies
        .get(&key.to_ascii_lowercase())
        .cloned()
        .unwrap_or_else(|| (String::new(), None));
    let title = if provider_name.is_empty() {
        key.clone()
    } else {
        provider_name.clone()
    };
    let kind = match cell(4).to_ascii_uppercase().as_str() {
        "HTTP" => Some(StorageType::Cookie),
        "HTML" => Some(StorageType::LocalStorage),
        "PIXEL" => None,
        other => {
            reader.warning(
                &place.index(4),
                format!("type {other:?} is not HTTP, HTML or Pixel; left out"),
            );
            return;
        }
    };
    let Some(service) = builder.service(reader, place, &key, category, &title) else {
        return;
    };
    {
        let s = builder.service_mut(service);
        if s.provider.is_none() && !provider_name.is_empty() {
            s.provider = Some(provider_name);
        }
        if s.privacy_policy.is_none() {
            s.privacy_policy = privacy_policy;
        }
    }
    // The hosts behind the row are blocked when it is denied; the site's own are not.
    for host in &provider_hosts {
        builder.add_domain(reader, &place.index(7), service, host);
    }
    // A pixel is a request, not something stored: its hosts are all it declares.
    let Some(kind) = kind else {
        return;
    };
    let pattern = pattern_of(name, cell(6));
    let Some(name) = name_pattern(reader, &place.index(0), &pattern) else {
        return;
    };
    // A cookie on a third party's domain lives there (stored under this site when partitioned).
    let domain = cookie_domains
        .iter()
        .find_map(|d| match builder.host_use(d) {
            Ok(HostUse::ThirdParty(h) | HostUse::ConsentPlatform(h)) => Some(h),
            _ => None,
        });
    let max_age_seconds = match parse_retention(cell(3)) {
        Retention::Session => 0,
        Retention::Seconds(s) => s,
        Retention::Persistent => LONGEST_COOKIE_SECONDS,
        Retention::Unknown => {
            reader.warning(
                &place.index(3),
                format!(
                    "lifetime {:?} not understood; taken as the longest a browser keeps a cookie (400 days)",
                    cell(3)
                ),
            );
            LONGEST_COOKIE_SECONDS
        }
    };
    let purpose = Some(plain_text(cell(2)))
        .filter(|p| !p.is_empty() && !p.eq_ignore_ascii_case("pending"))
        .map(Text::Plain);
    builder.add_entry(
        reader,
        place,
        service,
        StorageEntry {
            name,
            kind,
            domain: if kind == StorageType::Cookie {
                domain
            } else {
                None
            },
            max_age_seconds: (kind == StorageType::Cookie).then_some(max_age_seconds),
            refresh: false,
            purpose,
        },
    );
}

/// A row's name as a pattern: from its regex when that is a literal start with any ending
/// (`^_gat(_.+)*$` → `_gat*`, `^PHPSESSID$` → `PHPSESSID`), else from its name, where Cookiebot
/// writes `#` for a varying part (`_gat_UA-#` → `_gat_UA-*`).
pub fn pattern_of(name: &str, regex: &str) -> String {
    if let Some(body) = regex.trim().strip_prefix('^') {
        let body = body.strip_suffix('$').unwrap_or(body);
        let mut literal = String::new();
        let mut chars = body.chars().peekable();
        let mut rest = false;
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some(e) if !e.is_ascii_alphanumeric() => literal.push(e),
                    _ => {
                        rest = true;
                        break;
                    }
                },
                '.' | '*' | '+' | '?' | '(' | ')' | '[' | ']' | '{' | '}' | '|' | '^' | '$' => {
                    rest = true;
                    break;
                }
                c => literal.push(c),
            }
        }
        // A quantifier right after the literal makes its last character optional or repeated.
        if rest
            && matches!(
                body[literal_len_in(body, &literal)..].chars().next(),
                Some('*' | '?' | '{' | '+')
            )
        {
            literal.pop();
        }
        if literal.chars().count() >= 2 {
            return if rest { format!("{literal}*") } else { literal };
        }
    }
    let mut out = String::new();
    for c in name.chars() {
        if c == '#' || c == '*' {
            if !out.ends_with('*') {
                out.push('*');
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Where the literal read from `body` ends in it (escapes take two characters).
fn literal_len_in(body: &str, literal: &str) -> usize {
    let mut seen = 0;
    let mut chars = body.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if seen == literal.chars().count() {
            return i;
        }
        if c == '\\' {
            chars.next();
        }
        seen += 1;
    }
    body.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_simple_regexes_or_from_the_name() {
        let cases = [
            ("_gat", "^_gat(_.+)*$", "_gat*"),
            ("PHPSESSID", "^PHPSESSID$", "PHPSESSID"),
            ("SESS#", "^SESS.*$", "SESS*"),
            ("_gat_UA-#", "", "_gat_UA-*"),
            ("hit", "^[r\\/]*hit$", "hit"),
            ("_hjSession_#", "^_hjSession_\\d+$", "_hjSession_*"),
            ("ab", "^abc?$", "ab*"),
        ];
        for (name, regex, expected) in cases {
            assert_eq!(pattern_of(name, regex), expected, "{name} {regex}");
        }
    }

    #[test]
    fn the_declaration_is_asked_for_as_the_banner_asks() {
        assert_eq!(
            declaration_url("00000000-0000-4000-8000-000000000001", "www.example.test", "fi-FI", false),
            "https://consent.cookiebot.com/00000000-0000-4000-8000-000000000001/cc.js?renew=false&referer=www.example.test&dnt=false&init=false&culture=FI"
        );
        assert!(declaration_url("x", "a.test/../evil?", "", true).contains("referer=a.test..evil&"));
        assert!(is_cbid("00000000-0000-4000-8000-000000000001"));
        assert!(!is_cbid("../../etc"));
    }
}
