//! Tracker blocking: which request domains to block for a site under the visitor's choices, and
//! the declarativeNetRequest rules that carry it out.
//!
//! A request to domain D from a page of site S is blocked when some service of S's policy lists
//! D and the visitor denies that service on S, unless another service of S that lists D (or a
//! domain under D) is allowed: allow wins. Each site gets at most one rule per action (block,
//! allow), restricted to requests initiated by that site (`initiatorDomains`), so the rules of
//! site A never touch site B. Rule ids are stable per site through the [`RuleBook`], which keeps
//! the total inside Chrome's limit and retires the least recently used sites first. This module
//! does not call the browser; the web layer applies the [`RuleUpdate`] it returns.

use crate::domain::{domain_covers, Host, Site};
use crate::policy::{CategoryId, Policy};
use crate::prefs::Preferences;
use crate::trackers::{Tracker, Trackers};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Dynamic rules the extension allows itself: Chrome's guaranteed minimum for dynamic rules
/// that are not "safe" (counted conservatively, since block rules could be counted either way).
pub const MAX_DYNAMIC_RULES: u32 = 5_000;

/// Rule ids below this are reserved for global rules (such as the Global Privacy Control header).
pub const FIRST_SITE_RULE_ID: u32 = 100;

/// Session rules (`updateSessionRules`, gone when the browser closes) carry the rules of sites
/// known only from private windows, with ids above this (the rule book's ids plus it), so
/// nothing learned in a private window is kept by the browser's dynamic rules.
pub const SESSION_RULE_ID_OFFSET: u32 = 1_000_000;

/// Rules one site may have: one per [`SiteAction`].
pub const RULES_PER_SITE: u32 = 2;

/// How many sites can have rules at once.
pub const MAX_SITES_WITH_RULES: u32 = (MAX_DYNAMIC_RULES - FIRST_SITE_RULE_ID) / RULES_PER_SITE;

/// A site's rules are retired for another's only once they have not been needed for this long
/// (seconds), so a tab walking through thousands of policy sites cannot flush the rules of the
/// sites the visitor uses.
pub const MIN_IDLE_TO_RETIRE: u64 = 24 * 3600;

/// At most this many sites' rules are retired for others per day, whatever their age.
pub const MAX_RETIRED_PER_DAY: u32 = 100;

/// The priority table: every rule the extension makes takes its priority from here, so their
/// order is decided in one place. A higher number wins.
pub mod priority {
    /// The static rules that block the known trackers of a category the visitor denies by
    /// default ([`super::static_rules`]): everything a site's own rules say wins over them.
    pub const STATIC_BLOCK: u32 = 1;
    /// A site's block rule.
    pub const SITE_BLOCK: u32 = 10;
    /// A site's allow rule, for allowed services' domains under a blocked domain (allow wins).
    pub const SITE_ALLOW: u32 = 20;
    /// A paused site's rules: everything its pages load goes through, above every block rule.
    pub const PAUSE: u32 = 100;
    /// The global Global Privacy Control header rule. A `modifyHeaders` rule applies only if its
    /// priority is higher than that of every `allow` rule the request matches (in Chrome and
    /// Firefox alike), so it stays above every allow rule here: a request let through by an
    /// allow rule still says `Sec-GPC: 1`. (It cannot keep a block rule from blocking: header
    /// rules are looked at only for requests that are not blocked.)
    pub const GPC_HEADER: u32 = 1_000;
    /// The ADPC header rules of sites whose signal differs from every site's
    /// ([`crate::adpc::rules`]): above the rule for every site (also at [`GPC_HEADER`]), so that
    /// for a request to such a site the browser sets the site's value and not the general one.
    pub const ADPC_SITE_HEADER: u32 = 1_001;

    /// Every priority above, for checks that the table keeps its order.
    pub const ALL: [u32; 6] = [
        STATIC_BLOCK,
        SITE_BLOCK,
        SITE_ALLOW,
        PAUSE,
        GPC_HEADER,
        ADPC_SITE_HEADER,
    ];
}

/// The actions one site's rules take. A paused site uses the same two ids for its rules: the
/// first lets everything its pages load through (`allowAllRequests` on its documents), the
/// second what its service workers load (`allow` by initiator).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SiteAction {
    /// Block requests to denied services' domains.
    Block,
    /// Let requests to allowed services' domains through where a block rule would catch them.
    Allow,
}

impl SiteAction {
    const ALL: [SiteAction; 2] = [SiteAction::Block, SiteAction::Allow];

    fn offset(self) -> u32 {
        match self {
            SiteAction::Block => 0,
            SiteAction::Allow => 1,
        }
    }
}

/// What to block for one site.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BlockPlan {
    /// Domains whose requests from this site are blocked.
    pub blocked: BTreeSet<Host>,
    /// Domains an allowed service needs that a block rule would catch: under a blocked
    /// domain, or a known tracker's that the static rules block by default.
    pub allowed: BTreeSet<Host>,
    /// The visitor paused protection on the site: everything its pages load goes through,
    /// whatever the static rules say.
    pub allow_all: bool,
    /// Whether a declaration went into the plan (a site whose record is let go keeps such
    /// rules until its declaration is read again).
    pub declared: bool,
}

impl BlockPlan {
    /// Whether the site needs no rules of its own.
    pub fn is_empty(&self) -> bool {
        self.blocked.is_empty() && self.allowed.is_empty() && !self.allow_all
    }

    /// Whether the site's own rules block a request to `host`.
    pub fn blocks(&self, host: &str) -> bool {
        !self.allow_all && covered(&self.blocked, host) && !covered(&self.allowed, host)
    }

    /// Whether a request to `host` at `path` from the site is blocked, by the site's own rules
    /// or by the static rules of the categories `prefs` deny by default.
    pub fn blocks_request(
        &self,
        host: &str,
        path: &str,
        trackers: &Trackers,
        prefs: &Preferences,
    ) -> bool {
        if self.allow_all || covered(&self.allowed, host) {
            return false;
        }
        covered(&self.blocked, host)
            || trackers
                .matching(host, path)
                .any(|t| !prefs.default_for(t.category).is_allow())
    }
}

/// What a blocked request to `host` at `path` from `policy`'s site was: the declared service
/// whose domains cover the host (the most specific domain first), else the known tracker it
/// matches. Gives the category and the service's name, for the panel's counts and activity.
pub fn attribute<'a>(
    policy: Option<&'a Policy>,
    host: &str,
    path: &str,
    trackers: &'a Trackers,
) -> Option<(CategoryId, &'a str)> {
    let declared = policy
        .iter()
        .flat_map(|p| &p.services)
        .flat_map(|s| s.domains.iter().map(move |d| (d, s)))
        .filter(|(d, _)| domain_covers(d.as_str(), host))
        .max_by_key(|(d, _)| d.as_str().len())
        .map(|(_, s)| (s.category, s.name.as_str()));
    declared.or_else(|| {
        trackers
            .matching(host, path)
            .next()
            .map(|t| (t.category, t.service.as_str()))
    })
}

/// Whether a domain of `set` covers `host` ([`domain_covers`]): the host and each of its parent
/// domains looked up in the set, so a site's thousand domains cost a few lookups, not a thousand
/// comparisons.
fn covered(set: &BTreeSet<Host>, host: &str) -> bool {
    let mut rest = host;
    loop {
        if set.contains(rest) {
            return true;
        }
        match rest.find('.') {
            Some(dot) => rest = &rest[dot + 1..],
            None => return false,
        }
    }
}

/// The domains to block for `policy`'s site under `prefs`, from its declaration alone (no
/// tracker table): [`plan_for`] with an empty table.
pub fn plan(policy: &Policy, prefs: &Preferences) -> BlockPlan {
    plan_for(&policy.site, Some(policy), prefs, &Trackers::default())
}

/// What the rules of `site` must do under `prefs`, on top of the static rules that block the
/// known `trackers` of the categories the visitor denies by default.
///
/// - A paused site lets everything through.
/// - Its declaration's denied services' domains are blocked and its allowed services' domains
///   let through where a block rule would catch them (allow wins: a denied domain that an
///   allowed service lists, or that lies under one it lists, is not blocked).
/// - A known tracker that no service of the declaration lists follows the site's choice for
///   its category: let through where the visitor allows on this site a category denied by
///   default, blocked where they deny on this site one allowed by default (a tracker known by
///   an endpoint on a shared host is let through by its host, and not blocked by a site's
///   rule, which has no paths).
pub fn plan_for(
    site: &Site,
    policy: Option<&Policy>,
    prefs: &Preferences,
    trackers: &Trackers,
) -> BlockPlan {
    if prefs.is_paused(site) {
        return BlockPlan {
            allow_all: true,
            ..BlockPlan::default()
        };
    }
    let mut denied = BTreeSet::new();
    let mut allowed = BTreeSet::new();
    let mut listed = BTreeSet::new();
    for service in policy.iter().flat_map(|p| &p.services) {
        let (choice, _) = prefs.choice(site, service.category, Some(&service.id));
        let target = if choice.is_allow() {
            &mut allowed
        } else {
            &mut denied
        };
        target.extend(service.domains.iter().cloned());
        listed.extend(service.domains.iter().cloned());
    }
    let statically_blocked = |t: &Tracker| !prefs.default_for(t.category).is_allow();
    // Whether a domain is related to a set (it or a parent is in it, or it is a parent of a
    // member), looked up by walking parents: linear in the domains, not their product.
    let listed_parents = parents_of(&listed);
    let related_to_listed =
        |host: &str| self_or_parent_in(host, &listed) || listed_parents.contains(host);
    // Known trackers a static rule blocks that the site's choice lets through.
    let mut lifted = BTreeSet::new();
    // Trackers the declaration does not list, by the site's choice for their category.
    for tracker in trackers.iter() {
        let host = tracker.host.as_str();
        if related_to_listed(host) {
            continue;
        }
        let on_site = prefs.choice(site, tracker.category, None).0.is_allow();
        match (statically_blocked(tracker), on_site) {
            (true, true) => {
                lifted.insert(tracker.host.clone());
            }
            (false, false) if tracker.path.is_none() => {
                denied.insert(tracker.host.clone());
            }
            _ => {}
        }
    }
    let blocked: BTreeSet<Host> = denied
        .into_iter()
        .filter(|d| !self_or_parent_in(d.as_str(), &allowed))
        .collect();
    // Allowed domains need an allow rule only where a block rule would catch them: under a
    // blocked domain, or over or under a tracker host a static rule blocks (an endpoint on a
    // shared host stays blocked for a service that lists the shared host for other reasons).
    let static_hosts: BTreeSet<Host> = trackers
        .iter()
        .filter(|t| t.path.is_none() && statically_blocked(t))
        .map(|t| t.host.clone())
        .collect();
    let static_parents = parents_of(&static_hosts);
    let mut allowed: BTreeSet<Host> = allowed
        .into_iter()
        .filter(|a| {
            self_or_parent_in(a.as_str(), &blocked)
                || self_or_parent_in(a.as_str(), &static_hosts)
                || static_parents.contains(a.as_str())
        })
        .collect();
    allowed.extend(lifted);
    BlockPlan {
        blocked,
        allowed,
        allow_all: false,
        declared: policy.is_some(),
    }
}

/// Every strict parent domain of the members of `set` (`analytics.example.com` gives
/// `example.com` and `com`).
fn parents_of(set: &BTreeSet<Host>) -> std::collections::HashSet<&str> {
    let mut parents = std::collections::HashSet::new();
    for domain in set {
        let mut rest = domain.as_str();
        while let Some((_, parent)) = rest.split_once('.') {
            parents.insert(parent);
            rest = parent;
        }
    }
    parents
}

/// Whether `domain` or one of its parent domains is in `set`.
fn self_or_parent_in(domain: &str, set: &BTreeSet<Host>) -> bool {
    let mut rest = domain;
    loop {
        if !set.is_empty() && set.contains(&Host::from_checked(rest)) {
            return true;
        }
        match rest.split_once('.') {
            Some((_, parent)) => rest = parent,
            None => return false,
        }
    }
}

/// A declarativeNetRequest rule, shaped as `chrome.declarativeNetRequest.Rule`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rule {
    /// Unique among the extension's dynamic rules.
    pub id: u32,
    /// From the [`priority`] table.
    pub priority: u32,
    /// What the rule does.
    pub action: RuleAction,
    /// Which requests it applies to.
    pub condition: RuleCondition,
}

/// A rule's action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleAction {
    /// What the rule does.
    #[serde(rename = "type")]
    pub kind: ActionKind,
    /// Headers to set, for `modifyHeaders`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub request_headers: Option<Vec<HeaderInfo>>,
}

/// The declarativeNetRequest action types the extension uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ActionKind {
    /// `block`: the request is not sent.
    Block,
    /// `allow`: no lower-priority rule applies to the request.
    Allow,
    /// `allowAllRequests`: a document, and everything it loads, is allowed.
    AllowAllRequests,
    /// `modifyHeaders`: request headers are set (the GPC header).
    ModifyHeaders,
    /// Any other type (a rule the extension did not write): never equal to a rule it wants,
    /// so it is replaced.
    #[serde(other)]
    Other,
}

/// One header a `modifyHeaders` rule sets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HeaderInfo {
    /// The header's name.
    pub header: String,
    /// `set`.
    pub operation: String,
    /// The value.
    pub value: String,
}

/// A rule's condition.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleCondition {
    /// A URL pattern (`||host/path`), for endpoints on hosts that are not trackers as a whole.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub url_filter: Option<String>,
    /// Request domains (each covers its subdomains).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub request_domains: Option<Vec<String>>,
    /// Request domains the rule does not apply to (each covers its subdomains).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub excluded_request_domains: Option<Vec<String>>,
    /// `thirdParty`: only requests to another registrable domain than the initiator's.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub domain_type: Option<String>,
    /// Initiator domains (each covers its subdomains).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub initiator_domains: Option<Vec<String>>,
    /// Initiator domains the rule does not apply to, even under an initiator domain (each
    /// covers its subdomains).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub excluded_initiator_domains: Option<Vec<String>>,
    /// Resource types the rule applies to (without it, every type but `main_frame`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub resource_types: Option<Vec<String>>,
    /// Resource types the rule does not apply to.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub excluded_resource_types: Option<Vec<String>>,
}

/// Every resource type Chrome and Firefox both know, top-level documents included.
pub const ALL_RESOURCE_TYPES: [&str; 12] = [
    "main_frame",
    "sub_frame",
    "stylesheet",
    "script",
    "image",
    "font",
    "object",
    "xmlhttprequest",
    "ping",
    "media",
    "websocket",
    "other",
];

/// The rules that carry out `plan` for `site`, using the rule ids of `slot`.
pub fn site_rules(site: &Site, slot: u32, plan: &BlockPlan) -> Vec<Rule> {
    // `initiatorDomains` covers subdomains, and under some sites lie other sites (the tenants
    // of a hosting service under its public suffixes, such as *.s3.amazonaws.com under
    // amazonaws.com): the rule must not reach their pages.
    let others = crate::suffix::suffixes_within(site.as_str());
    let others = (!others.is_empty()).then_some(others);
    let by_initiator = |domains: Option<&BTreeSet<Host>>| RuleCondition {
        request_domains: domains.map(|d| d.iter().map(|d| d.as_str().to_owned()).collect()),
        initiator_domains: Some(vec![site.as_str().to_owned()]),
        excluded_initiator_domains: others.clone(),
        // A visitor who follows a link to a tracker's own site should get there.
        excluded_resource_types: Some(vec!["main_frame".to_owned()]),
        ..RuleCondition::default()
    };
    let rule =
        |action: SiteAction, priority: u32, kind: ActionKind, condition: RuleCondition| Rule {
            id: rule_id(slot, action),
            priority,
            action: RuleAction {
                kind,
                request_headers: None,
            },
            condition,
        };
    if plan.allow_all {
        return vec![
            // The site's documents, and so everything they load, frames of other sites included.
            rule(
                SiteAction::Block,
                priority::PAUSE,
                ActionKind::AllowAllRequests,
                RuleCondition {
                    request_domains: Some(vec![site.as_str().to_owned()]),
                    excluded_request_domains: others.clone(),
                    resource_types: Some(vec!["main_frame".into(), "sub_frame".into()]),
                    ..RuleCondition::default()
                },
            ),
            // What its service workers load (no document to allow).
            rule(
                SiteAction::Allow,
                priority::PAUSE,
                ActionKind::Allow,
                by_initiator(None),
            ),
        ];
    }
    let mut rules = Vec::new();
    if !plan.blocked.is_empty() {
        rules.push(rule(
            SiteAction::Block,
            priority::SITE_BLOCK,
            ActionKind::Block,
            by_initiator(Some(&plan.blocked)),
        ));
    }
    if !plan.allowed.is_empty() {
        rules.push(rule(
            SiteAction::Allow,
            priority::SITE_ALLOW,
            ActionKind::Allow,
            by_initiator(Some(&plan.allowed)),
        ));
    }
    rules
}

/// The id of the static ruleset that blocks the known trackers of `category`, if it has one
/// (`statistics`, `marketing`).
pub fn ruleset_id(category: CategoryId) -> Option<&'static str> {
    match category {
        CategoryId::Statistics => Some("statistics"),
        CategoryId::Marketing => Some("marketing"),
        CategoryId::Necessary | CategoryId::Functional => None,
    }
}

/// The categories that have a static ruleset.
pub const RULESET_CATEGORIES: [CategoryId; 2] = [CategoryId::Statistics, CategoryId::Marketing];

/// The static rules that block the known trackers of `category` (the manifest's ruleset
/// [`ruleset_id`]): one rule per service for its hosts, one per endpoint on a shared host.
/// They block requests to another registrable domain than the page's (a tracker's own site
/// works) and never a top-level document (a link to the tracker's site opens).
pub fn static_rules(trackers: &Trackers, category: CategoryId) -> Vec<Rule> {
    let mut by_service: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    let mut endpoints = BTreeSet::new();
    for tracker in trackers.iter().filter(|t| t.category == category) {
        match &tracker.path {
            None => {
                by_service
                    .entry(tracker.service.as_str())
                    .or_default()
                    .insert(tracker.host.as_str());
            }
            Some(path) => {
                endpoints.insert(format!("||{}{path}", tracker.host.as_str()));
            }
        }
    }
    let condition = || RuleCondition {
        domain_type: Some("thirdParty".into()),
        excluded_resource_types: Some(vec!["main_frame".to_owned()]),
        ..RuleCondition::default()
    };
    let hosts = by_service.into_values().map(|hosts| RuleCondition {
        request_domains: Some(hosts.into_iter().map(str::to_owned).collect()),
        ..condition()
    });
    let paths = endpoints.into_iter().map(|filter| RuleCondition {
        url_filter: Some(filter),
        ..condition()
    });
    hosts
        .chain(paths)
        .zip(1..)
        .map(|(condition, id)| Rule {
            id,
            priority: priority::STATIC_BLOCK,
            action: RuleAction {
                kind: ActionKind::Block,
                request_headers: None,
            },
            condition,
        })
        .collect()
}

/// The file of `category`'s static ruleset (`extension/rules/<id>.json`) as the project
/// ships it: [`static_rules`] as pretty JSON.
pub fn static_ruleset_text(trackers: &Trackers, category: CategoryId) -> String {
    let rules = static_rules(trackers, category);
    serde_json::to_string_pretty(&rules).unwrap_or_default() + "\n"
}

/// The static rulesets to switch on and off for `prefs`' defaults, shaped as
/// `chrome.declarativeNetRequest.updateEnabledRulesets`' options: a category denied by default
/// has its ruleset on.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RulesetSwitch {
    /// Rulesets to switch on.
    pub enable_ruleset_ids: Vec<String>,
    /// Rulesets to switch off.
    pub disable_ruleset_ids: Vec<String>,
}

/// [`RulesetSwitch`] for `prefs`.
pub fn ruleset_switch(prefs: &Preferences) -> RulesetSwitch {
    let mut switch = RulesetSwitch::default();
    for category in RULESET_CATEGORIES {
        let Some(id) = ruleset_id(category) else {
            continue;
        };
        if prefs.default_for(category).is_allow() {
            switch.disable_ruleset_ids.push(id.into());
        } else {
            switch.enable_ruleset_ids.push(id.into());
        }
    }
    switch
}

impl RulesetSwitch {
    /// What of this switch the browser still has to do, given the rulesets `enabled` now
    /// (`getEnabledRulesets`): only what differs (nothing if all is as wanted).
    pub fn against(self, enabled: &[String]) -> RulesetSwitch {
        RulesetSwitch {
            enable_ruleset_ids: self
                .enable_ruleset_ids
                .into_iter()
                .filter(|id| !enabled.contains(id))
                .collect(),
            disable_ruleset_ids: self
                .disable_ruleset_ids
                .into_iter()
                .filter(|id| enabled.contains(id))
                .collect(),
        }
    }

    /// Whether it asks for anything.
    pub fn is_empty(&self) -> bool {
        self.enable_ruleset_ids.is_empty() && self.disable_ruleset_ids.is_empty()
    }
}

/// What makes the installed dynamic rules match the rule book, the Global Privacy Control
/// choice and the ADPC header rules: site rules (ids from [`FIRST_SITE_RULE_ID`]) that no site of
/// the book `owned` are removed; the [`gpc_rule`] is added (or replaced, if it differs) when
/// `gpc` is on and removed when it is off; the ADPC rules become `adpc`
/// ([`crate::adpc::rules`]). Other rules below [`FIRST_SITE_RULE_ID`] are left alone.
pub fn reconcile(
    installed: &BTreeMap<u32, Rule>,
    owned: &BTreeSet<u32>,
    gpc: bool,
    adpc: &[Rule],
) -> RuleUpdate {
    let mut update = RuleUpdate {
        remove_rule_ids: installed
            .keys()
            .filter(|id| **id >= FIRST_SITE_RULE_ID && !owned.contains(id))
            .copied()
            .collect(),
        add_rules: Vec::new(),
    };
    let want = |wanted: Rule, update: &mut RuleUpdate| {
        if installed.get(&wanted.id) != Some(&wanted) {
            update.remove_rule_ids.push(wanted.id);
            update.add_rules.push(wanted);
        }
    };
    let gpc_wanted = gpc_rule();
    if gpc {
        want(gpc_wanted, &mut update);
    } else if installed.contains_key(&gpc_wanted.id) {
        update.remove_rule_ids.push(gpc_wanted.id);
    }
    for rule in adpc {
        want(rule.clone(), &mut update);
    }
    for id in installed.keys() {
        if crate::adpc::is_rule_id(*id) && !adpc.iter().any(|r| r.id == *id) {
            update.remove_rule_ids.push(*id);
        }
    }
    update
}

/// What removes the installed session rules that no site of the session rule book owns
/// (`owned`: the book's ids, before [`SESSION_RULE_ID_OFFSET`] is added).
pub fn session_strays(installed: &BTreeMap<u32, Rule>, owned: &BTreeSet<u32>) -> RuleUpdate {
    RuleUpdate {
        remove_rule_ids: installed
            .keys()
            .filter(|id| {
                id.checked_sub(SESSION_RULE_ID_OFFSET)
                    .is_none_or(|own| !owned.contains(&own))
            })
            .copied()
            .collect(),
        add_rules: Vec::new(),
    }
}

/// The rule that sends `Sec-GPC: 1` with every request, top-level documents included.
pub fn gpc_rule() -> Rule {
    Rule {
        id: 1,
        priority: priority::GPC_HEADER,
        action: RuleAction {
            kind: ActionKind::ModifyHeaders,
            request_headers: Some(vec![HeaderInfo {
                header: "Sec-GPC".into(),
                operation: "set".into(),
                value: "1".into(),
            }]),
        },
        condition: RuleCondition {
            resource_types: Some(ALL_RESOURCE_TYPES.iter().map(|t| (*t).to_owned()).collect()),
            ..RuleCondition::default()
        },
    }
}

/// The id of `action`'s rule for the site in `slot`.
pub fn rule_id(slot: u32, action: SiteAction) -> u32 {
    FIRST_SITE_RULE_ID + slot * RULES_PER_SITE + action.offset()
}

/// The rule ids of `slot`, for every action.
pub fn slot_rule_ids(slot: u32) -> Vec<u32> {
    SiteAction::ALL.iter().map(|a| rule_id(slot, *a)).collect()
}

/// A change to the dynamic rules, shaped as `chrome.declarativeNetRequest.updateDynamicRules`'
/// options. Applying it twice gives the same rules (ids are removed before they are added).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleUpdate {
    /// Rule ids to remove.
    pub remove_rule_ids: Vec<u32>,
    /// Rules to add.
    pub add_rules: Vec<Rule>,
}

impl RuleUpdate {
    /// Whether applying it to rules installed as `installed` changes anything.
    pub fn changes(&self, installed: &BTreeMap<u32, Rule>) -> bool {
        let adds_new = self
            .add_rules
            .iter()
            .any(|r| installed.get(&r.id) != Some(r));
        let removes = self
            .remove_rule_ids
            .iter()
            .any(|id| installed.contains_key(id) && !self.add_rules.iter().any(|r| r.id == *id));
        adds_new || removes
    }

    /// Whether it asks for anything.
    pub fn is_empty(&self) -> bool {
        self.remove_rule_ids.is_empty() && self.add_rules.is_empty()
    }

    /// `installed` as the browser has it after applying this update.
    pub fn apply_to(self, installed: &mut BTreeMap<u32, Rule>) {
        for id in &self.remove_rule_ids {
            installed.remove(id);
        }
        for rule in self.add_rules {
            installed.insert(rule.id, rule);
        }
    }

    /// The same update with every rule id moved up by `offset` (for session rules).
    pub fn offset_ids(mut self, offset: u32) -> RuleUpdate {
        for id in &mut self.remove_rule_ids {
            *id += offset;
        }
        for rule in &mut self.add_rules {
            rule.id += offset;
        }
        self
    }
}

/// One site's place in the [`RuleBook`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SlotInfo {
    /// The slot, which fixes the site's rule ids.
    pub slot: u32,
    /// When the site's rules were last needed (seconds since the Unix epoch).
    pub last_used: u64,
    /// Whether a declaration went into the site's rules ([`BlockPlan::declared`]).
    #[serde(default)]
    pub declared: bool,
}

/// Which site holds which slot of rule ids. Stored by the web layer so ids stay stable across
/// restarts. When every slot is taken, the least recently used site gives its slot up; its rules
/// come back the next time it is visited.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleBook {
    /// Site → slot.
    pub sites: BTreeMap<Site, SlotInfo>,
    /// Retirements in the current day, to bound them ([`MAX_RETIRED_PER_DAY`]).
    #[serde(default)]
    pub retired: Retired,
}

/// How many sites' rules were retired for others since `since` (seconds since the Unix epoch).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Retired {
    /// When the current day of counting began.
    pub since: u64,
    /// Retirements since then.
    pub count: u32,
}

impl RuleBook {
    /// The rule update that gives `site` the rules for `plan` at `now`: it takes (or keeps) a
    /// slot, and releases the slot when `plan` blocks nothing. When every slot is taken, the
    /// least recently used site gives its slot up if it has not been needed for
    /// [`MIN_IDLE_TO_RETIRE`] and fewer than [`MAX_RETIRED_PER_DAY`] sites have given theirs up
    /// today; otherwise `site` gets no rules for now (its cookies are still decided, and it
    /// asks again on its next visit).
    pub fn update_site(&mut self, site: &Site, plan: &BlockPlan, now: u64) -> RuleUpdate {
        self.update_site_within(site, plan, now, MAX_SITES_WITH_RULES)
    }

    /// [`RuleBook::update_site`] with a smaller capacity, for tests.
    pub fn update_site_within(
        &mut self,
        site: &Site,
        plan: &BlockPlan,
        now: u64,
        capacity: u32,
    ) -> RuleUpdate {
        let mut update = RuleUpdate::default();
        if plan.is_empty() {
            if let Some(info) = self.sites.remove(site) {
                update.remove_rule_ids = slot_rule_ids(info.slot);
            }
            return update;
        }
        let slot = match self.sites.get_mut(site) {
            Some(info) => {
                info.last_used = now;
                info.declared = plan.declared;
                info.slot
            }
            None => {
                let slot = match self.free_slot(capacity) {
                    Some(slot) => slot,
                    None => {
                        let Some((oldest, _)) = crate::lru::oldest(
                            self.sites
                                .iter()
                                .map(|(s, info)| (s.clone(), info.last_used)),
                        ) else {
                            return update;
                        };
                        let Some(info) = self.sites.get(&oldest).copied() else {
                            return update;
                        };
                        if now.saturating_sub(self.retired.since) >= 24 * 3600 {
                            self.retired = Retired {
                                since: now,
                                count: 0,
                            };
                        }
                        let idle = now.saturating_sub(info.last_used) >= MIN_IDLE_TO_RETIRE;
                        if !idle || self.retired.count >= MAX_RETIRED_PER_DAY {
                            return update;
                        }
                        self.retired.count += 1;
                        self.sites.remove(&oldest);
                        info.slot
                    }
                };
                self.sites.insert(
                    site.clone(),
                    SlotInfo {
                        slot,
                        last_used: now,
                        declared: plan.declared,
                    },
                );
                slot
            }
        };
        update.remove_rule_ids = slot_rule_ids(slot);
        update.add_rules = site_rules(site, slot, plan);
        update
    }

    /// The sites of the book whose block rule is not among the `installed` rules (the browser
    /// dropped them, as Firefox does on a temporary re-install): their rules are due again.
    pub fn sites_missing_from(&self, installed: &BTreeMap<u32, Rule>) -> Vec<Site> {
        self.sites
            .iter()
            .filter(|(_, info)| !installed.contains_key(&rule_id(info.slot, SiteAction::Block)))
            .map(|(site, _)| site.clone())
            .collect()
    }

    /// The rule ids every stored site owns; rules with other ids in the site range are strays.
    pub fn owned_rule_ids(&self) -> BTreeSet<u32> {
        self.sites
            .values()
            .flat_map(|info| slot_rule_ids(info.slot))
            .collect()
    }

    /// Reads a stored rule book tolerantly: every entry with a real site, a slot inside the
    /// capacity not taken by an earlier entry, and a time is kept; the rest is dropped. Returns
    /// the book and how many entries were dropped (a value that is not a book at all counts
    /// as one).
    pub fn from_stored(value: &serde_json::Value) -> (RuleBook, usize) {
        let mut book = RuleBook {
            retired: value
                .get("retired")
                .and_then(|r| serde_json::from_value(r.clone()).ok())
                .unwrap_or_default(),
            ..RuleBook::default()
        };
        let Some(sites) = value.get("sites").and_then(serde_json::Value::as_object) else {
            return (book, usize::from(!value.is_null()));
        };
        let mut dropped = 0;
        let mut used = BTreeSet::new();
        for (name, entry) in sites {
            let site = Site::parse(name);
            let info = serde_json::from_value::<SlotInfo>(entry.clone()).ok();
            match (site, info) {
                (Some(site), Some(info))
                    if info.slot < MAX_SITES_WITH_RULES && used.insert(info.slot) =>
                {
                    book.sites.insert(site, info);
                }
                _ => dropped += 1,
            }
        }
        (book, dropped)
    }

    /// Takes back the slots of installed rules that the book does not know (its stored copy was
    /// lost or damaged): a site rule names its site in `initiatorDomains` and its slot in its
    /// id. Adopted sites count as least recently used. Returns the sites adopted.
    pub fn adopt_installed(&mut self, installed: &[Rule]) -> Vec<Site> {
        let mut adopted = Vec::new();
        let used: BTreeSet<u32> = self.sites.values().map(|info| info.slot).collect();
        for rule in installed {
            if rule.id < FIRST_SITE_RULE_ID {
                continue;
            }
            let slot = (rule.id - FIRST_SITE_RULE_ID) / RULES_PER_SITE;
            let site = match rule.condition.initiator_domains.as_deref() {
                Some([one]) => Site::parse(one),
                _ => None,
            };
            let Some(site) = site else { continue };
            if slot >= MAX_SITES_WITH_RULES
                || used.contains(&slot)
                || self.sites.contains_key(&site)
            {
                continue;
            }
            self.sites.insert(
                site.clone(),
                SlotInfo {
                    slot,
                    last_used: 0,
                    declared: true,
                },
            );
            adopted.push(site);
        }
        adopted
    }

    fn free_slot(&self, capacity: u32) -> Option<u32> {
        let used: BTreeSet<u32> = self.sites.values().map(|info| info.slot).collect();
        (0..capacity).find(|slot| !used.contains(slot))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn covered_looks_up_the_host_and_its_parents_as_domain_covers_compares() {
        let set: BTreeSet<Host> = ["google-analytics.com", "b.c.example", "lfeeder.com"]
            .into_iter()
            .filter_map(|h| Host::parse(h).ok())
            .collect();
        assert_eq!(set.len(), 3);
        for host in [
            "google-analytics.com",
            "www.google-analytics.com",
            "a.b.google-analytics.com",
            "notgoogle-analytics.com",
            "google-analytics.com.evil.test",
            "c.example",
            "b.c.example",
            "x.b.c.example",
            "lfeeder.co",
            "sc.lfeeder.com",
            "com",
        ] {
            let compared = set.iter().any(|d| domain_covers(d.as_str(), host));
            assert_eq!(covered(&set, host), compared, "{host}");
        }
    }
}
