//! The Advanced Data Protection Control signal (ADPC, the open specification of noyb and WU
//! Vienna, <https://www.dataprotectioncontrol.org/spec/>): a site asks for consent in a
//! machine-readable list (a `consent-requests` resource linked from a `Link` header or a
//! `<link>` element, or a call of `navigator.dataProtectionControl.request()`), and the browser
//! answers with the visitor's decisions in the `ADPC` request header and to that call.
//!
//! The specification forbids consent the person was not shown and did not give, so the signal's
//! `consent` names only the requests the visitor allowed on that site
//! ([`crate::prefs::SiteChoices::adpc_consent`]); everything else is withdrawn (`withdraw=*`),
//! and while the visitor denies marketing on the site it objects to direct marketing
//! (`object=direct-marketing`), also on sites that publish no requests.
//!
//! Pure: the requests as data, the signal for a site, and the header rules
//! ([`rules`]: one for every site, and one per distinct signal of the sites whose signal
//! differs).

use crate::block::{
    priority, ActionKind, HeaderInfo, Rule, RuleAction, RuleCondition, ALL_RESOURCE_TYPES,
};
use crate::domain::Site;
use crate::policy::CategoryId;
use crate::prefs::Preferences;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// The longest identifier kept.
pub const MAX_ID_BYTES: usize = 200;

/// The longest request text kept (longer ones are cut at a character boundary, with "…").
pub const MAX_TEXT_BYTES: usize = 2_000;

/// At most this many requests are kept per site (the rest are dropped, with a note).
pub const MAX_REQUESTS: usize = 50;

/// The header's name.
pub const HEADER: &str = "ADPC";

/// The `rel` of the link to a site's consent requests.
pub const LINK_REL: &str = "consent-requests";

/// The objection the signal carries while marketing is denied.
pub const DIRECT_MARKETING: &str = "direct-marketing";

/// The rule id of the header rule for every site (the GPC rule is 1).
pub const RULE_ID: u32 = 2;

/// The first rule id of the rules for sites whose signal differs from every site's; they end
/// below [`crate::block::FIRST_SITE_RULE_ID`].
pub const FIRST_SITE_SIGNAL_RULE_ID: u32 = 3;

/// How many distinct per-site signals get a rule of their own (sites with the same signal
/// share one). Past it, a site gets the signal for every site; its `consent` is then not sent
/// in the header (it still is to the page's `navigator.dataProtectionControl`).
pub const MAX_SITE_SIGNAL_RULES: u32 = crate::block::FIRST_SITE_RULE_ID - FIRST_SITE_SIGNAL_RULE_ID;

/// One consent request of a site: its identifier and the text it shows the person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsentRequest {
    /// The identifier the signal names it by.
    pub id: String,
    /// The site's text, as plain text.
    pub text: String,
}

/// Whether `id` can be carried by the signal: 1 to [`MAX_ID_BYTES`] bytes of the characters
/// the specification allows (URI unreserved: ASCII letters, digits, `-._~`) and those of a
/// standardised request's URI (`:/#?&=%+@`); never a space, quote, comma or `*`, which the
/// header gives meaning to.
pub fn is_identifier(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_BYTES
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~:/#?&=%+@".contains(&b))
}

/// A site's requests as they came, read tolerantly: a JSON object whose `consentRequests` is
/// either an object of identifier → text (the resource's form) or a list of `{id, text}` (the
/// JavaScript call's form); a bare list or object is read the same. Requests with an identifier
/// the signal cannot carry or without text are dropped and counted; at most [`MAX_REQUESTS`].
pub fn read_requests(value: &Value) -> Requests {
    let list = match value {
        Value::Object(map) => map.get("consentRequests").unwrap_or(value),
        other => other,
    };
    let mut out = Requests::default();
    let mut take = |id: &str, text: &Value| {
        let text = match text {
            Value::String(s) => s.as_str(),
            Value::Object(m) => m.get("text").and_then(Value::as_str).unwrap_or(""),
            _ => "",
        };
        let text = plain(text);
        if !is_identifier(id)
            || text.is_empty()
            || out.requests.iter().any(|r| r.id == id)
            || out.requests.len() >= MAX_REQUESTS
        {
            out.dropped += 1;
        } else {
            out.requests.push(ConsentRequest {
                id: id.to_owned(),
                text,
            });
        }
    };
    match list {
        Value::Object(map) => {
            for (id, text) in map {
                take(id, text);
            }
        }
        Value::Array(items) => {
            for item in items {
                match item.get("id").and_then(Value::as_str) {
                    Some(id) => take(id, item.get("text").unwrap_or(&Value::Null)),
                    None => take("", &Value::Null),
                }
            }
        }
        _ => take("", &Value::Null),
    }
    out
}

/// [`read_requests`] of a resource's bytes; an error says what is wrong.
pub fn parse_requests(bytes: &[u8]) -> Result<Requests, String> {
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|e| format!("not JSON (line {}, column {})", e.line(), e.column()))?;
    if !value.is_object() && !value.is_array() {
        return Err("expected an object with consentRequests".into());
    }
    Ok(read_requests(&value))
}

/// A site's requests, with how many were dropped.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Requests {
    /// The requests kept, in the site's order.
    pub requests: Vec<ConsentRequest>,
    /// How many were dropped (no identifier the signal can carry, no text, repeated, too many).
    pub dropped: usize,
}

impl Requests {
    /// `other`'s requests added to these (a page's call after the resource), without repeats
    /// and within [`MAX_REQUESTS`].
    pub fn merge(&mut self, other: Requests) {
        self.dropped += other.dropped;
        for request in other.requests {
            if let Some(known) = self.requests.iter_mut().find(|r| r.id == request.id) {
                known.text = request.text;
            } else if self.requests.len() < MAX_REQUESTS {
                self.requests.push(request);
            } else {
                self.dropped += 1;
            }
        }
    }
}

/// Text kept as plain text: control characters replaced by spaces, trimmed, cut at
/// [`MAX_TEXT_BYTES`].
fn plain(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let trimmed = cleaned.trim();
    if trimmed.len() <= MAX_TEXT_BYTES {
        return trimmed.to_owned();
    }
    let mut end = MAX_TEXT_BYTES - '…'.len_utf8();
    while !trimmed.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &trimmed[..end])
}

/// What the signal says to one site.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Signal {
    /// The requests the visitor allowed on the site (sorted).
    pub consent: Vec<String>,
    /// Every consent not given is withdrawn (`withdraw=*`).
    pub withdraw_all: bool,
    /// An objection to direct marketing (while marketing is denied on the site).
    pub object_direct_marketing: bool,
}

impl Signal {
    /// The signal for `site` (or, with `None`, for every site without choices of its own), or
    /// `None` while the visitor has ADPC off.
    pub fn for_site(prefs: &Preferences, site: Option<&Site>) -> Option<Signal> {
        if !prefs.adpc {
            return None;
        }
        let marketing = match site {
            Some(site) => prefs.choice(site, CategoryId::Marketing, None).0,
            None => prefs.default_for(CategoryId::Marketing),
        };
        let consent = site
            .and_then(|s| prefs.sites.get(s))
            .map(|c| c.adpc_consent.iter().cloned().collect())
            .unwrap_or_default();
        Some(Signal {
            consent,
            withdraw_all: true,
            object_direct_marketing: !marketing.is_allow(),
        })
    }

    /// The `ADPC` header's value: `consent="a b", withdraw=*, object=direct-marketing` (a
    /// Structured Fields dictionary; identifiers are checked, so none needs escaping).
    pub fn header_value(&self) -> String {
        let mut parts = Vec::new();
        if !self.consent.is_empty() {
            parts.push(format!("consent=\"{}\"", self.consent.join(" ")));
        }
        if self.withdraw_all {
            parts.push("withdraw=*".to_owned());
        }
        if self.object_direct_marketing {
            parts.push(format!("object={DIRECT_MARKETING}"));
        }
        parts.join(", ")
    }

    /// The answer to the page's `navigator.dataProtectionControl.request(list)` for requests
    /// `asked`: the allowed ones in `consent`, every other consent withdrawn (`["*"]`; the
    /// specific consent prevails over it), the objection in `object`.
    pub fn decisions(&self, asked: &[ConsentRequest]) -> Decisions {
        let consent = asked
            .iter()
            .map(|r| r.id.clone())
            .filter(|id| self.consent.contains(id))
            .collect();
        Decisions {
            consent,
            withdraw: if self.withdraw_all {
                vec!["*".to_owned()]
            } else {
                Vec::new()
            },
            object: if self.object_direct_marketing {
                vec![DIRECT_MARKETING.to_owned()]
            } else {
                Vec::new()
            },
        }
    }
}

/// The visitor's decisions as `navigator.dataProtectionControl.request()` resolves them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Decisions {
    /// Requests consented to.
    pub consent: Vec<String>,
    /// Consent withdrawn: `*` for every consent not given.
    pub withdraw: Vec<String>,
    /// Objections (`direct-marketing`).
    pub object: Vec<String>,
}

/// The header rules for `prefs`: none while ADPC is off; else the rule for every site
/// ([`RULE_ID`], at the GPC header's priority) and, above it, one rule per distinct signal of
/// the sites whose signal differs from every site's (their `requestDomains`), at most
/// [`MAX_SITE_SIGNAL_RULES`], ids from [`FIRST_SITE_SIGNAL_RULE_ID`].
pub fn rules(prefs: &Preferences) -> Vec<Rule> {
    let Some(everyone) = Signal::for_site(prefs, None) else {
        return Vec::new();
    };
    let rule = |id: u32, priority: u32, signal: &Signal, domains: Option<Vec<String>>| Rule {
        id,
        priority,
        action: RuleAction {
            kind: ActionKind::ModifyHeaders,
            request_headers: Some(vec![HeaderInfo {
                header: HEADER.into(),
                operation: "set".into(),
                value: signal.header_value(),
            }]),
        },
        condition: RuleCondition {
            request_domains: domains,
            resource_types: Some(ALL_RESOURCE_TYPES.iter().map(|t| (*t).to_owned()).collect()),
            ..RuleCondition::default()
        },
    };
    let mut out = vec![rule(RULE_ID, priority::GPC_HEADER, &everyone, None)];
    // Sites grouped by their signal (sites kept sorted, so the rules are stable).
    let mut groups: BTreeMap<String, (Signal, BTreeSet<String>)> = BTreeMap::new();
    for site in prefs.sites.keys() {
        let Some(signal) = Signal::for_site(prefs, Some(site)) else {
            continue;
        };
        if signal != everyone {
            groups
                .entry(signal.header_value())
                .or_insert_with(|| (signal, BTreeSet::new()))
                .1
                .insert(site.as_str().to_owned());
        }
    }
    // The shared signals first (most sites), then the rest in order, so a cap drops the rarest.
    let mut groups: Vec<_> = groups.into_values().collect();
    groups.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.1.cmp(&b.1)));
    for (i, (signal, sites)) in groups
        .into_iter()
        .take(MAX_SITE_SIGNAL_RULES as usize)
        .enumerate()
    {
        out.push(rule(
            FIRST_SITE_SIGNAL_RULE_ID + i as u32,
            priority::ADPC_SITE_HEADER,
            &signal,
            Some(sites.into_iter().collect()),
        ));
    }
    out
}

/// Whether `id` is one of the ADPC header rules' ids.
pub fn is_rule_id(id: u32) -> bool {
    id == RULE_ID
        || (FIRST_SITE_SIGNAL_RULE_ID..FIRST_SITE_SIGNAL_RULE_ID + MAX_SITE_SIGNAL_RULES)
            .contains(&id)
}

/// One of a site's requests in the panel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestView {
    /// The identifier.
    pub id: String,
    /// The site's text.
    pub text: String,
    /// Whether the visitor allowed it on the site.
    pub allowed: bool,
}

/// The panel's ADPC part for one site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AdpcView {
    /// The site's requests, in its order.
    pub requests: Vec<RequestView>,
    /// How many of its requests were dropped.
    pub dropped: usize,
    /// The header value sent to the site, or `None` while ADPC is off.
    pub sent: Option<String>,
    /// What was sent, as data.
    pub signal: Option<Signal>,
}

impl AdpcView {
    /// The ADPC part for `site`, whose requests (as read) are `requests`.
    pub fn new(prefs: &Preferences, site: &Site, requests: Option<&Requests>) -> AdpcView {
        let signal = Signal::for_site(prefs, Some(site));
        AdpcView {
            requests: requests
                .map(|r| {
                    r.requests
                        .iter()
                        .map(|r| RequestView {
                            id: r.id.clone(),
                            text: r.text.clone(),
                            allowed: prefs.adpc_allowed(site, &r.id),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            dropped: requests.map_or(0, |r| r.dropped),
            sent: signal.as_ref().map(Signal::header_value),
            signal,
        }
    }
}

/// At most this many sites' requests are kept (the one heard from longest ago goes first).
pub const MAX_SITES: usize = 200;

/// The sites' requests heard in this browser session.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Known {
    sites: BTreeMap<Site, (u64, Requests)>,
    #[serde(default)]
    next: u64,
}

impl Known {
    /// `site`'s requests, if any were heard.
    pub fn of(&self, site: &Site) -> Option<&Requests> {
        self.sites.get(site).map(|(_, r)| r)
    }

    /// Adds what `site` asked for (a resource replaces nothing a call added, and the reverse;
    /// repeated identifiers take the newer text), keeping at most [`MAX_SITES`] sites. Returns
    /// whether anything changed.
    pub fn remember(&mut self, site: &Site, requests: Requests) -> bool {
        self.next += 1;
        let seq = self.next;
        if !self.sites.contains_key(site) && self.sites.len() >= MAX_SITES {
            if let Some(oldest) = self
                .sites
                .iter()
                .min_by_key(|(_, (seq, _))| *seq)
                .map(|(s, _)| s.clone())
            {
                self.sites.remove(&oldest);
            }
        }
        let entry = self.sites.entry(site.clone()).or_default();
        let before = entry.1.clone();
        entry.0 = seq;
        entry.1.merge(requests);
        entry.1 != before
    }
}
