//! Converts an IAB TCF "Vendor Device Storage Disclosure" file into a version 1 policy with one
//! service, as the format's design says: `disclosures[]` become storage entries, the TCF
//! purposes decide the category, and the disclosed domains become the service's domains.
//!
//! Like the parser, this module only reads values it is given; it never fetches.

use crate::diag::Place;
use crate::domain::{Host, Site};
use crate::pattern::NamePattern;
use crate::policy::model::*;
use crate::policy::parse::{self, describe, Document, DocumentKind, PolicyError, Reader};
use serde_json::{Map, Value};

/// Converts a TCF disclosure document. The policy's site is `site` when given, else the site of
/// the first domain the file names.
pub(crate) fn convert(
    root: &Map<String, Value>,
    site: Option<&Site>,
) -> Result<Document, PolicyError> {
    let mut reader = Reader::default();
    let place = Place::root();
    let disclosures = match root.get("disclosures") {
        Some(Value::Array(items)) => items.as_slice(),
        Some(other) => {
            reader.error(
                &place.field("disclosures"),
                format!("expected an array, found {}", describe(other)),
            );
            &[]
        }
        None => &[],
    };
    if disclosures.len() > parse::limits::MAX_STORAGE_ENTRIES {
        return Err(PolicyError::OverLimit {
            place: "disclosures".into(),
            limit: parse::Limit::StorageEntries,
            found: disclosures.len(),
        });
    }
    for key in root
        .keys()
        .filter(|k| !["disclosures", "domains"].contains(&k.as_str()))
    {
        reader.warning(
            &place.field(key),
            "unknown field, ignored (this version of Cookie Warden does not read it)",
        );
    }

    let mut domains: Vec<Host> = Vec::new();
    let mut purposes: Vec<u64> = Vec::new();
    let mut storage = Vec::new();
    for (i, item) in disclosures.iter().enumerate() {
        let inner = place.field("disclosures").index(i);
        if let Some(entry) = disclosure(&mut reader, item, &inner, &mut domains, &mut purposes) {
            storage.push(entry);
        }
    }
    if let Some(value) = root.get("domains") {
        let inner = place.field("domains");
        match value {
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let at = inner.index(i);
                    let domain = match item {
                        Value::Object(map) => map.get("domain"),
                        other => {
                            reader.error(
                                &at,
                                format!(
                                    "expected an object with a domain, found {}",
                                    describe(other)
                                ),
                            );
                            None
                        }
                    };
                    if let Some(host) =
                        domain.and_then(|d| tcf_host(&mut reader, d, &at.field("domain")))
                    {
                        push_unique(&mut domains, host);
                    }
                }
            }
            other => reader.error(
                &inner,
                format!("expected an array, found {}", describe(other)),
            ),
        }
    }

    let site = match site {
        Some(site) => site.clone(),
        None => domains
            .first()
            .and_then(|d| Site::of_host(d.as_str()))
            .ok_or(PolicyError::TcfWithoutSite)?,
    };
    // The site's own domain is never a tracker domain of its own policy.
    domains.retain(|d| !site.covers(d.as_str()));
    if domains.len() > parse::limits::MAX_DOMAINS_PER_SERVICE {
        return Err(PolicyError::OverLimit {
            place: "domains".into(),
            limit: parse::Limit::DomainsPerService,
            found: domains.len(),
        });
    }
    let category = category_of(&purposes);
    let service = Service {
        id: service_id(&site),
        name: site.to_string(),
        provider: None,
        description: Some(Text::Plain(
            "Converted from a TCF Vendor Device Storage Disclosure file.".into(),
        )),
        privacy_policy: None,
        category,
        domains,
        storage,
    };
    let policy = Policy {
        version: FORMAT_VERSION,
        site,
        updated: None,
        policy_url: None,
        jurisdictions: Vec::new(),
        controller: None,
        rights: Vec::new(),
        categories: Default::default(),
        services: vec![service],
    };
    Ok(Document {
        kind: DocumentKind::TcfDisclosure,
        policy: Some(policy),
        diagnostics: reader.finish(),
    })
}

/// TCF purposes to a category: any of 2–6 (advertising, personalisation) is marketing; else any
/// of 7–10 (measurement, research, development) is statistics; else functional.
pub fn category_of(purposes: &[u64]) -> CategoryId {
    if purposes.iter().any(|p| (2..=6).contains(p)) {
        CategoryId::Marketing
    } else if purposes.iter().any(|p| (7..=10).contains(p)) {
        CategoryId::Statistics
    } else {
        CategoryId::Functional
    }
}

fn service_id(site: &Site) -> String {
    let id: String = site
        .as_str()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .take(64)
        .collect();
    if id.is_empty() {
        "tcf-disclosure".into()
    } else {
        id
    }
}

fn push_unique(domains: &mut Vec<Host>, host: Host) {
    if !domains.contains(&host) {
        domains.push(host);
    }
}

/// A TCF domain: `*.example.com` and `.example.com` mean example.com and its subdomains; a bare
/// `*` (any domain) is ignored with a warning.
fn tcf_host(reader: &mut Reader, value: &Value, place: &Place) -> Option<Host> {
    let text = reader.string(value, place)?;
    let text = text.strip_prefix("*.").unwrap_or(&text);
    if text == "*" {
        reader.warning(place, "`*` (any domain) names no domain; ignored");
        return None;
    }
    match Host::parse(text) {
        Ok(host) => Some(host),
        Err(e) => {
            reader.error(place, e.to_string());
            None
        }
    }
}

fn disclosure(
    reader: &mut Reader,
    value: &Value,
    place: &Place,
    domains: &mut Vec<Host>,
    purposes: &mut Vec<u64>,
) -> Option<StorageEntry> {
    let Value::Object(map) = value else {
        reader.error(
            place,
            format!("expected an object, found {}", describe(value)),
        );
        return None;
    };
    let known = [
        "identifier",
        "type",
        "maxAgeSeconds",
        "cookieRefresh",
        "domain",
        "domains",
        "purposes",
        "description",
        "specialPurposes",
    ];
    for key in map.keys().filter(|k| !known.contains(&k.as_str())) {
        reader.warning(
            &place.field(key),
            "unknown field, ignored (this version of Cookie Warden does not read it)",
        );
    }
    let name = match map.get("identifier") {
        None => {
            reader.error(&place.field("identifier"), "missing required field");
            None
        }
        Some(v) => reader.string(v, &place.field("identifier")).and_then(|s| {
            NamePattern::parse(&s)
                .map_err(|e| reader.error(&place.field("identifier"), e.to_string()))
                .ok()
        }),
    };
    let kind = match map.get("type").and_then(Value::as_str) {
        Some("cookie") => Some(StorageType::Cookie),
        Some("web") => Some(StorageType::LocalStorage),
        Some("app") => {
            reader.warning(
                &place.field("type"),
                "app storage is not in a browser; ignored",
            );
            return None;
        }
        _ => {
            let found = map
                .get("type")
                .map_or_else(|| "nothing".to_owned(), describe);
            reader.error(
                &place.field("type"),
                format!("expected \"cookie\" or \"web\", found {found}"),
            );
            None
        }
    };
    let max_age = match map.get("maxAgeSeconds") {
        Some(Value::Null) | None if kind != Some(StorageType::Cookie) => Some(None),
        Some(v) => match v.as_u64() {
            Some(n) => Some(Some(n)),
            None => {
                reader.error(
                    &place.field("maxAgeSeconds"),
                    format!("expected a non-negative integer, found {}", describe(v)),
                );
                None
            }
        },
        None => {
            reader.error(
                &place.field("maxAgeSeconds"),
                "missing required field (required for cookies; 0 means a session cookie)",
            );
            None
        }
    };
    let refresh = match map.get("cookieRefresh") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(other) => {
            reader.error(
                &place.field("cookieRefresh"),
                format!("expected true or false, found {}", describe(other)),
            );
            false
        }
    };
    let mut own_domains = Vec::new();
    if let Some(v) = map.get("domain") {
        own_domains.extend(tcf_host(reader, v, &place.field("domain")));
    }
    if let Some(v) = map.get("domains") {
        match v {
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    own_domains.extend(tcf_host(reader, item, &place.field("domains").index(i)));
                }
            }
            other => reader.error(
                &place.field("domains"),
                format!("expected an array, found {}", describe(other)),
            ),
        }
    }
    match map.get("purposes") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                match item.as_u64() {
                    Some(p) => purposes.push(p),
                    None => reader.error(
                        &place.field("purposes").index(i),
                        format!("expected a purpose number, found {}", describe(item)),
                    ),
                }
            }
        }
        Some(other) => reader.error(
            &place.field("purposes"),
            format!(
                "expected an array of purpose numbers, found {}",
                describe(other)
            ),
        ),
    }
    let purpose = match map.get("description") {
        Some(v) => reader.text(v, &place.field("description")),
        None => None,
    };
    let domain = own_domains.first().cloned();
    for host in own_domains {
        push_unique(domains, host);
    }
    Some(StorageEntry {
        name: name?,
        kind: kind?,
        domain,
        max_age_seconds: max_age?,
        refresh,
        purpose,
    })
}
