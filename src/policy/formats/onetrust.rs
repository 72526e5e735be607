//! OneTrust (CookiePro): its declaration is the language file a banner loads,
//! `<base>/consent/<id>/<ruleSetId>/<lang>.json`, whose `DomainData.Groups[]` are the categories
//! (`C0001`…`C0005` or `1`…`7`, custom ids, `BRANCH` groups holding others), each with the
//! site's own cookies (`FirstPartyCookies[]`) and third-party hosts with their cookies
//! (`Hosts[]`). `OneTrust.GetDomainData()` in the page returns the same `DomainData`.
//!
//! Finding that file is two steps from the banner script's address ([`data_base`],
//! [`rule_set_url`], then [`language_file_url`] from the rule-set file); [`convert`] reads the
//! language file. Lifetimes are days in `Length` (a string; `DurationType` is only the unit shown);
//! a `patternKey` marks a family of names.

use super::{
    category_from_words, name_pattern, plain_text, site_or_error, str_of, Builder, HostUse,
    LONGEST_COOKIE_SECONDS,
};
use crate::diag::Place;
use crate::domain::Site;
use crate::policy::model::*;
use crate::policy::parse::{describe, Document, DocumentKind, PolicyError, Reader};
use serde_json::{Map, Value};

/// Whether a JSON object is OneTrust's declaration: a language file (with `DomainData`) or the
/// `DomainData` itself.
pub fn is_domain_data(root: &Map<String, Value>) -> bool {
    let groups_of_onetrust = |v: &Value| {
        v.get("Groups")
            .and_then(Value::as_array)
            .is_some_and(|groups| {
                groups
                    .iter()
                    .any(|g| g.get("OptanonGroupId").is_some() || g.get("CustomGroupId").is_some())
            })
    };
    root.get("DomainData").is_some_and(Value::is_object)
        || groups_of_onetrust(&Value::Object(root.clone()))
}

/// Converts OneTrust's declaration (a language file or `DomainData`) into a policy for `site`.
pub fn convert(root: &Map<String, Value>, site: Option<&Site>) -> Result<Document, PolicyError> {
    if root.contains_key("RuleSet") && !root.contains_key("DomainData") {
        return Err(PolicyError::NoDeclaration {
            reason: "this is OneTrust's rule-set file (consent/<id>/<id>.json); the declaration is in the language file it names, consent/<id>/<RuleSet.Id>/<lang>.json".into(),
        });
    }
    let site = site_or_error(site)?;
    let (data, base) = match root.get("DomainData").and_then(Value::as_object) {
        Some(data) => (data, Place::root().field("DomainData")),
        None => (root, Place::root()),
    };
    let common = root.get("CommonData").and_then(Value::as_object);
    let mut reader = Reader::default();
    let mut builder = Builder::new(site);
    let groups = match data.get("Groups") {
        Some(Value::Array(groups)) => groups.as_slice(),
        other => {
            reader.error(
                &base.field("Groups"),
                format!(
                    "expected an array of groups, found {}",
                    other.map_or("nothing".into(), describe)
                ),
            );
            &[]
        }
    };
    // A child group names its branch by the branch's id; the branch's name can tell a category.
    let branch_names: Vec<(String, String)> = groups
        .iter()
        .filter(|g| str_of(g.get("Type")).eq_ignore_ascii_case("BRANCH"))
        .map(|g| (group_id(g), str_of(g.get("GroupName")).to_owned()))
        .collect();
    let mut skipped_iab = 0;
    for (i, group) in groups.iter().enumerate() {
        let place = base.field("Groups").index(i);
        let Some(group) = group.as_object() else {
            reader.warning(
                &place,
                format!("expected a group, found {}; left out", describe(group)),
            );
            continue;
        };
        let kind = str_of(group.get("Type"));
        if kind.eq_ignore_ascii_case("BRANCH") {
            continue;
        }
        if kind.to_ascii_uppercase().starts_with("IAB") {
            skipped_iab += 1;
            continue;
        }
        let id = group_id(&Value::Object(group.clone()));
        let name = plain_text(str_of(group.get("GroupName")));
        let parent = str_of(group.get("Parent"));
        let parent_name = branch_names
            .iter()
            .find(|(branch, _)| !parent.is_empty() && branch == parent)
            .map(|(_, name)| name.as_str());
        let category = match category_of(group, &id, &name, parent_name, common) {
            Some(category) => category,
            None => {
                reader.warning(
                    &place,
                    format!(
                        "group {id} ({name}) is not one OneTrust defines; taken as marketing (consent needed)"
                    ),
                );
                CategoryId::Marketing
            }
        };
        let always_active = str_of(group.get("Status")).eq_ignore_ascii_case("always active");
        // A group under a branch (one per vendor, say) is labelled by its branch.
        let label = parent_name
            .map(plain_text)
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| name.clone());
        builder
            .categories
            .entry(category)
            .or_insert_with(|| CategoryInfo {
                label: (!label.is_empty()).then(|| Text::Plain(label.clone())),
                description: Some(plain_text(str_of(group.get("GroupDescription"))))
                    .filter(|d| !d.is_empty())
                    .map(Text::Plain),
                consent: Some(!always_active && category != CategoryId::Necessary),
            });
        first_party_cookies(&mut reader, &mut builder, group, &place, category);
        hosts(&mut reader, &mut builder, group, &place, category);
    }
    if skipped_iab > 0 {
        reader.warning(
            &base.field("Groups"),
            format!("{skipped_iab} IAB purpose groups left out (they name purposes, not cookies)"),
        );
    }
    Ok(Document {
        kind: DocumentKind::OneTrust,
        policy: Some(builder.finish()),
        diagnostics: reader.finish(),
    })
}

/// A group's id: `CustomGroupId`, else `OptanonGroupId` (a string or a number).
fn group_id(group: &Value) -> String {
    ["CustomGroupId", "OptanonGroupId"]
        .iter()
        .filter_map(|k| group.get(*k))
        .find_map(|v| match v {
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
        .unwrap_or_default()
}

/// A group's category: "always active" is necessary; then the tenant's own ids
/// (`CommonData.OptanonGroupId…Cookies`); then OneTrust's standard ids; then the words of the
/// group's (or its branch's) name.
fn category_of(
    group: &Map<String, Value>,
    id: &str,
    name: &str,
    parent_name: Option<&str>,
    common: Option<&Map<String, Value>>,
) -> Option<CategoryId> {
    if str_of(group.get("Status")).eq_ignore_ascii_case("always active") {
        return Some(CategoryId::Necessary);
    }
    if let Some(common) = common {
        for (key, category) in [
            ("OptanonGroupIdPerformanceCookies", CategoryId::Statistics),
            ("OptanonGroupIdFunctionalityCookies", CategoryId::Functional),
            ("OptanonGroupIdTargetingCookies", CategoryId::Marketing),
            ("OptanonGroupIdSocialCookies", CategoryId::Marketing),
        ] {
            if !id.is_empty() && str_of(common.get(key)) == id {
                return Some(category);
            }
        }
    }
    standard_group_category(id)
        .or_else(|| category_from_words(name))
        .or_else(|| parent_name.and_then(category_from_words))
}

/// The category of one of OneTrust's standard group ids (`C0002`, or `2` on some tenants).
pub(crate) fn standard_group_category(id: &str) -> Option<CategoryId> {
    match id {
        "C0001" | "1" => Some(CategoryId::Necessary),
        "C0002" | "2" | "7" => Some(CategoryId::Statistics),
        "C0003" | "3" => Some(CategoryId::Functional),
        "C0004" | "4" | "C0005" | "5" | "8" => Some(CategoryId::Marketing),
        _ => None,
    }
}

/// The array under `key`, or none (with a warning when there is something else).
fn array<'a>(
    reader: &mut Reader,
    group: &'a Map<String, Value>,
    key: &str,
    place: &Place,
) -> &'a [Value] {
    match group.get(key) {
        Some(Value::Array(items)) => items,
        None | Some(Value::Null) => &[],
        Some(other) => {
            reader.warning(
                &place.field(key),
                format!("expected an array, found {}; left out", describe(other)),
            );
            &[]
        }
    }
}

/// The site's own cookies of a group: one service (the site) per category.
fn first_party_cookies(
    reader: &mut Reader,
    builder: &mut Builder,
    group: &Map<String, Value>,
    place: &Place,
    category: CategoryId,
) {
    let cookies = array(reader, group, "FirstPartyCookies", place);
    if cookies.is_empty() {
        return;
    }
    let site = builder.site().to_string();
    let Some(service) = builder.service(reader, place, &site, category, &site) else {
        return;
    };
    builder.service_mut(service).provider = Some(site.clone());
    for (j, cookie) in cookies.iter().enumerate() {
        let at = place.field("FirstPartyCookies").index(j);
        let Some(cookie) = cookie.as_object() else {
            continue;
        };
        let host = str_of(cookie.get("Host"));
        if !host.is_empty() {
            match builder.host_use(host) {
                Ok(HostUse::Own(_)) => {}
                Ok(HostUse::ThirdParty(h) | HostUse::ConsentPlatform(h)) => {
                    reader.warning(
                        &at.field("Host"),
                        format!(
                            "a first-party cookie on {h}, which is not part of {site}; ignored"
                        ),
                    );
                    continue;
                }
                // An odd host on a first-party cookie: the cookie is still the site's.
                Err(_) => {}
            }
        }
        if let Some(entry) = entry(reader, cookie, &at, None) {
            builder.add_entry(reader, &at, service, entry);
        }
    }
}

/// A group's third-party hosts: one service per host, whose domain is blocked when denied.
fn hosts(
    reader: &mut Reader,
    builder: &mut Builder,
    group: &Map<String, Value>,
    place: &Place,
    category: CategoryId,
) {
    for (j, host) in array(reader, group, "Hosts", place).iter().enumerate() {
        let at = place.field("Hosts").index(j);
        let Some(host) = host.as_object() else {
            continue;
        };
        let name = str_of(host.get("HostName"));
        let host_use = match builder.host_use(name) {
            Ok(h) => h,
            Err(e) => {
                reader.warning(&at.field("HostName"), format!("{e}; left out"));
                continue;
            }
        };
        let display = plain_text(str_of(host.get("DisplayName")));
        let title = if display.is_empty() {
            name.to_owned()
        } else {
            display
        };
        let Some(service) = builder.service(reader, &at, name, category, &title) else {
            continue;
        };
        {
            let s = builder.service_mut(service);
            let description = plain_text(str_of(host.get("Description")));
            if s.description.is_none() && !description.is_empty() {
                s.description = Some(Text::Plain(description));
            }
            let policy = str_of(host.get("PrivacyPolicy"));
            if s.privacy_policy.is_none()
                && policy.starts_with("https://")
                && !policy.contains(char::is_whitespace)
            {
                s.privacy_policy = Some(policy.to_owned());
            }
        }
        builder.add_domain(reader, &at.field("HostName"), service, name);
        // The host's cookies live on the host (a third party's, stored under this site when
        // partitioned); on the site's own host they are the site's.
        let domain = match &host_use {
            HostUse::ThirdParty(h) | HostUse::ConsentPlatform(h) => Some(h.clone()),
            HostUse::Own(_) => None,
        };
        for (k, cookie) in array(reader, host, "Cookies", &at).iter().enumerate() {
            let place = at.field("Cookies").index(k);
            let Some(cookie) = cookie.as_object() else {
                continue;
            };
            if let Some(entry) = entry(reader, cookie, &place, domain.clone()) {
                builder.add_entry(reader, &place, service, entry);
            }
        }
    }
}

/// One cookie: its name (a `patternKey` makes it a family of names), lifetime and purpose.
fn entry(
    reader: &mut Reader,
    cookie: &Map<String, Value>,
    place: &Place,
    domain: Option<crate::domain::Host>,
) -> Option<StorageEntry> {
    let name = str_of(cookie.get("Name"));
    let pattern_key = str_of(cookie.get("patternKey"));
    let name = if !pattern_key.is_empty() && name.starts_with(pattern_key) {
        format!("{pattern_key}*")
    } else {
        name.to_owned()
    };
    let name = name_pattern(reader, &place.field("Name"), &name)?;
    let session = cookie.get("IsSession").and_then(Value::as_bool) == Some(true);
    let days = match cookie.get("Length") {
        Some(Value::String(s)) => s.trim().parse::<f64>().ok(),
        Some(Value::Number(n)) => n.as_f64(),
        _ => None,
    };
    let max_age_seconds = if session {
        0
    } else {
        match days {
            // OneTrust writes 0 days for a cookie that lives less than a day.
            Some(d) if d.is_finite() && d <= 0.0 => 86_400,
            Some(d) if d.is_finite() => (d * 86_400.0).round().min(u64::MAX as f64) as u64,
            _ => {
                reader.warning(
                    &place.field("Length"),
                    "no lifetime in days; taken as the longest a browser keeps a cookie (400 days)",
                );
                LONGEST_COOKIE_SECONDS
            }
        }
    };
    let purpose = [
        cookie.get("description"),
        cookie.get("thirdPartyDescription"),
    ]
    .into_iter()
    .map(|v| plain_text(str_of(v)))
    .find(|d| !d.is_empty() && !d.eq_ignore_ascii_case("unknown"))
    .map(Text::Plain);
    Some(StorageEntry {
        name,
        kind: StorageType::Cookie,
        domain,
        max_age_seconds: Some(max_age_seconds),
        refresh: false,
        purpose,
    })
}

/// Where a OneTrust banner script loads its data from: the part of its address before
/// `/consent` if it has one, else before `/scripttemplates/` (as the script itself does).
/// `None` for an address that is not http(s).
pub fn data_base(script_url: &str) -> Option<String> {
    if !(script_url.starts_with("https://") || script_url.starts_with("http://")) {
        return None;
    }
    let url = script_url.split(['?', '#']).next()?;
    let base = if let Some((base, _)) = url.split_once("/consent/") {
        base
    } else {
        url.split_once("/scripttemplates/")?.0
    };
    Some(base.trim_end_matches('/').to_owned())
}

/// Whether `id` is a OneTrust domain id: a UUID, possibly ending in `-test` (the test scripts).
pub fn is_domain_id(id: &str) -> bool {
    let uuid = id.strip_suffix("-test").unwrap_or(id);
    uuid.len() == 36
        && uuid.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// The rule-set file of domain `id` under `base`: `<base>/consent/<id>/<id>.json`.
pub fn rule_set_url(base: &str, id: &str) -> String {
    format!("{base}/consent/{id}/{id}.json")
}

/// The language file a visitor speaking `language` (`fi-FI`) gets, from the rule-set file: the
/// rule set marked `Default`, else `Global`, else the first; the language its
/// `LanguageSwitcherPlaceholder` gives for the visitor's language (exact, then by its first two
/// letters), else its `default`.
pub fn language_file_url(
    rule_set_file: &[u8],
    base: &str,
    id: &str,
    language: &str,
) -> Result<String, PolicyError> {
    let root = crate::policy::parse::json_object(rule_set_file)?;
    let rules = root
        .get("RuleSet")
        .and_then(Value::as_array)
        .filter(|r| !r.is_empty())
        .ok_or_else(|| PolicyError::NoDeclaration {
            reason: "OneTrust's rule-set file has no RuleSet".into(),
        })?;
    let flag = |r: &&Value, key: &str| r.get(key).and_then(Value::as_bool) == Some(true);
    let rule = rules
        .iter()
        .find(|r| flag(r, "Default"))
        .or_else(|| rules.iter().find(|r| flag(r, "Global")))
        .unwrap_or(&rules[0]);
    let rule_id = str_of(rule.get("Id"));
    if !is_domain_id(rule_id) {
        return Err(PolicyError::NoDeclaration {
            reason: format!("OneTrust's rule set has an id that is not one: {rule_id:?}"),
        });
    }
    let languages = rule
        .get("LanguageSwitcherPlaceholder")
        .and_then(Value::as_object);
    let wanted = language.trim().to_ascii_lowercase().replace('_', "-");
    let short: String = wanted.chars().take(2).collect();
    let pick = |key: &str| -> Option<String> {
        let value = languages?
            .iter()
            .find(|(k, _)| k.to_ascii_lowercase() == key)?
            .1;
        value.as_str().map(str::to_owned)
    };
    let file = pick(&wanted)
        .or_else(|| pick(&short))
        .or_else(|| {
            languages?
                .iter()
                .find(|(k, _)| k.to_ascii_lowercase().starts_with(&short) && !short.is_empty())
                .and_then(|(_, v)| v.as_str().map(str::to_owned))
        })
        .or_else(|| pick("default"))
        .unwrap_or_else(|| "en".into());
    let file = file.trim().to_ascii_lowercase();
    if file.is_empty()
        || file.len() > 16
        || !file.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return Err(PolicyError::NoDeclaration {
            reason: format!("OneTrust's rule set names a language that is not one: {file:?}"),
        });
    }
    Ok(format!("{base}/consent/{id}/{rule_id}/{file}.json"))
}
