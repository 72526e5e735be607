//! Tracker blocking: the plan (which domains) and the rules (how), as tables.

use cookie_warden::block::{self, plan, priority, BlockPlan, RuleBook, MAX_SITES_WITH_RULES};
use cookie_warden::domain::Site;
use cookie_warden::policy::{self, CategoryId, Policy};
use cookie_warden::prefs::{Choice, Preferences};

fn policy_of(bytes: &[u8]) -> Policy {
    let document = policy::parse(bytes, None).unwrap_or_else(|e| panic!("{e}"));
    document
        .valid_policy()
        .cloned()
        .unwrap_or_else(|| panic!("invalid: {:?}", document.diagnostics))
}

fn kaltiot() -> Policy {
    policy_of(include_bytes!("../examples/kaltiot.cookie-policy.json"))
}

fn site(name: &str) -> Site {
    Site::of_host(name).unwrap_or_else(|| panic!("{name}"))
}

fn blocked(plan: &BlockPlan) -> Vec<&str> {
    plan.blocked.iter().map(|d| d.as_str()).collect()
}

type Edit = fn(&mut Preferences, &Site);

const DAY: u64 = 24 * 3600;

#[test]
fn the_seed_site_blocks_its_denied_trackers() {
    let policy = kaltiot();
    let none: Edit = |_, _| {};
    let cases: &[(&str, Edit, &[&str])] = &[
        (
            "defaults: statistics denied, functional allowed",
            none,
            &[
                "analytics.google.com",
                "google-analytics.com",
                "leadfeeder.com",
                "lfeeder.com",
            ],
        ),
        (
            "statistics allowed",
            |p, s| p.set_category(s, CategoryId::Statistics, Some(Choice::Allow)),
            &[],
        ),
        (
            "only Leadfeeder denied",
            |p, s| {
                p.set_category(s, CategoryId::Statistics, Some(Choice::Allow));
                p.set_service(s, "leadfeeder", Some(Choice::Deny));
            },
            &["leadfeeder.com", "lfeeder.com"],
        ),
        (
            "functional denied too",
            |p, s| p.set_category(s, CategoryId::Functional, Some(Choice::Deny)),
            &[
                "analytics.google.com",
                "google-analytics.com",
                "googletagmanager.com",
                "leadfeeder.com",
                "lfeeder.com",
            ],
        ),
        ("paused", |p, s| p.set_paused(s, true), &[]),
    ];
    for (name, edit, expected) in cases {
        let mut prefs = Preferences::default();
        edit(&mut prefs, &policy.site);
        assert_eq!(blocked(&plan(&policy, &prefs)), *expected, "{name}");
    }
}

#[test]
fn allow_wins_for_shared_domains() {
    let policy = policy_of(
        br#"{"version": 1, "site": "example.com", "services": [
            {"id": "gtm", "name": "Tag Manager", "category": "functional", "domains": ["googletagmanager.com"], "storage": []},
            {"id": "ads", "name": "Ads", "category": "marketing", "domains": ["googletagmanager.com", "ads.example.net"], "storage": []},
            {"id": "google", "name": "Google", "category": "marketing", "domains": ["google.com"], "storage": []},
            {"id": "maps", "name": "Maps", "category": "functional", "domains": ["maps.google.com"], "storage": []}
        ]}"#,
    );
    let plan = plan(&policy, &Preferences::default());
    assert_eq!(blocked(&plan), ["ads.example.net", "google.com"]);
    let allowed: Vec<&str> = plan.allowed.iter().map(|d| d.as_str()).collect();
    assert_eq!(allowed, ["maps.google.com"]);
    let cases = [
        ("googletagmanager.com", false),
        ("www.googletagmanager.com", false),
        ("ads.example.net", true),
        ("x.ads.example.net", true),
        ("google.com", true),
        ("www.google.com", true),
        ("maps.google.com", false),
        ("tiles.maps.google.com", false),
        ("example.net", false),
    ];
    for (host, expected) in cases {
        assert_eq!(plan.blocks(host), expected, "{host}");
    }
    let rules = block::site_rules(&policy.site, 0, &plan);
    assert_eq!(rules.len(), 2, "one rule per action");
    assert!(
        rules[1].priority > rules[0].priority,
        "the allow rule outranks the block rule"
    );
}

#[test]
fn rules_are_scoped_to_the_site_and_have_stable_ids() {
    let policy = kaltiot();
    let prefs = Preferences::default();
    let plan = plan(&policy, &prefs);
    let mut book = RuleBook::default();
    let first = book.update_site(&policy.site, &plan, 1_000);
    assert_eq!(first.add_rules.len(), 1);
    let rule = &first.add_rules[0];
    assert_eq!(rule.priority, priority::SITE_BLOCK);
    assert_eq!(rule.action.kind, block::ActionKind::Block);
    assert_eq!(
        rule.condition.initiator_domains.as_deref(),
        Some(&["kaltiot.com".to_owned()][..])
    );
    assert_eq!(
        rule.condition.request_domains.as_deref(),
        Some(
            &[
                "analytics.google.com",
                "google-analytics.com",
                "leadfeeder.com",
                "lfeeder.com"
            ]
            .map(String::from)[..]
        )
    );
    assert_eq!(
        rule.condition.excluded_resource_types.as_deref(),
        Some(&["main_frame".to_owned()][..])
    );
    assert!(
        first.remove_rule_ids.contains(&rule.id),
        "updates replace the slot's rules"
    );

    // The same update again gives the same ids: applying it twice is harmless.
    let again = book.update_site(&policy.site, &plan, 2_000);
    assert_eq!(again, first);

    // Another site gets other ids.
    let other = book.update_site(&site("example.com"), &plan, 3_000);
    assert!(other
        .add_rules
        .iter()
        .all(|r| !first.remove_rule_ids.contains(&r.id)));
    assert_eq!(
        other.add_rules[0].condition.initiator_domains.as_deref(),
        Some(&["example.com".to_owned()][..])
    );

    // Allowing everything removes the site's rules and frees its slot.
    let mut allow = prefs.clone();
    allow.set_category(&policy.site, CategoryId::Statistics, Some(Choice::Allow));
    let cleared = book.update_site(&policy.site, &block::plan(&policy, &allow), 4_000);
    assert!(cleared.add_rules.is_empty());
    assert_eq!(cleared.remove_rule_ids, first.remove_rule_ids);
    assert!(!book.sites.contains_key(&policy.site));
}

#[test]
fn a_full_rule_book_retires_the_least_recently_used_site() {
    let policy = kaltiot();
    let plan = plan(&policy, &Preferences::default());
    let mut book = RuleBook::default();
    for (i, name) in ["a.com", "b.com", "c.com"].iter().enumerate() {
        book.update_site_within(&site(name), &plan, i as u64, 3);
    }
    // a.com is used again, so b.com is now the least recently used; two days later d.com
    // comes.
    book.update_site_within(&site("a.com"), &plan, 10, 3);
    let update = book.update_site_within(&site("d.com"), &plan, 2 * DAY, 3);
    let sites: Vec<&str> = book.sites.keys().map(Site::as_str).collect();
    assert_eq!(sites, ["a.com", "c.com", "d.com"]);
    assert_eq!(
        book.sites[&site("d.com")].slot,
        1,
        "d.com takes b.com's slot"
    );
    assert_eq!(
        update.remove_rule_ids,
        block::slot_rule_ids(1),
        "b.com's rules are replaced"
    );
    assert_eq!(
        update.add_rules[0].condition.initiator_domains.as_deref(),
        Some(&["d.com".to_owned()][..])
    );
}

#[test]
fn the_rule_budget_stays_inside_chromes_limit() {
    let highest_id = block::rule_id(MAX_SITES_WITH_RULES - 1, block::SiteAction::Allow);
    assert!(highest_id <= block::MAX_DYNAMIC_RULES, "{highest_id}");
    assert!(block::gpc_rule().id < block::FIRST_SITE_RULE_ID);
}

#[test]
fn the_gpc_rule_covers_top_level_documents() {
    let rule = block::gpc_rule();
    assert_eq!(rule.action.kind, block::ActionKind::ModifyHeaders);
    let types = rule.condition.resource_types.unwrap_or_default();
    assert!(
        types.iter().any(|t| t == "main_frame"),
        "without main_frame the page request gets no header: {types:?}"
    );
}

/// A stored rule book, the sites and slots read from it, and how many entries were dropped.
type StoredBookCase = (
    &'static str,
    serde_json::Value,
    &'static [(&'static str, u32)],
    usize,
);

#[test]
fn a_damaged_stored_rule_book_keeps_what_it_can_read() {
    let cases: [StoredBookCase; 6] = [
        ("absent", serde_json::Value::Null, &[], 0),
        (
            "truncated JSON kept as a string",
            serde_json::json!("{\"sites\":{\"kaltiot.com\":{\"slot\":0,\"lastUs"),
            &[],
            1,
        ),
        (
            "sites not an object",
            serde_json::json!({"sites": [1, 2]}),
            &[],
            1,
        ),
        (
            "bad entries among good ones",
            serde_json::json!({"sites": {
                "kaltiot.com": {"slot": 0, "lastUsed": 5},
                "www.example.com": {"slot": 1, "lastUsed": 5},
                "not a site": {"slot": 2, "lastUsed": 5},
                "example.org": {"slot": "zero", "lastUsed": 5},
                "example.net": 17,
                "example.fi": {"slot": 3, "lastUsed": 7}
            }}),
            &[("example.fi", 3), ("kaltiot.com", 0)],
            4,
        ),
        (
            "a slot taken twice, and one past the capacity",
            serde_json::json!({"sites": {
                "a.com": {"slot": 4, "lastUsed": 1},
                "b.com": {"slot": 4, "lastUsed": 2},
                "c.com": {"slot": 99999, "lastUsed": 3}
            }}),
            &[("a.com", 4)],
            2,
        ),
        (
            "a whole book",
            serde_json::json!({"sites": {"a.com": {"slot": 0, "lastUsed": 1}}}),
            &[("a.com", 0)],
            0,
        ),
    ];
    for (name, stored, expected, dropped) in cases {
        let (book, lost) = RuleBook::from_stored(&stored);
        let slots: Vec<(&str, u32)> = book
            .sites
            .iter()
            .map(|(s, info)| (s.as_str(), info.slot))
            .collect();
        assert_eq!(slots, expected, "{name}");
        assert_eq!(lost, dropped, "{name}: dropped");
    }
}

#[test]
fn a_lost_rule_book_takes_back_the_slots_of_installed_rules() {
    let policy = kaltiot();
    let plan = plan(&policy, &Preferences::default());
    let mut old = RuleBook::default();
    let mut installed = Vec::new();
    for (i, name) in ["a.com", "b.com", "c.com"].iter().enumerate() {
        installed.extend(old.update_site(&site(name), &plan, i as u64).add_rules);
    }
    installed.push(block::gpc_rule());
    // The stored book lost b.com and c.com; a.com is still known, on its own slot.
    let mut book = RuleBook::default();
    book.update_site(&site("a.com"), &plan, 10);
    let adopted = book.adopt_installed(&installed);
    assert_eq!(adopted, [site("b.com"), site("c.com")]);
    assert_eq!(
        book.sites[&site("b.com")].slot,
        old.sites[&site("b.com")].slot
    );
    assert_eq!(
        book.sites[&site("c.com")].last_used,
        0,
        "adopted sites are retired first"
    );
    assert_eq!(book.owned_rule_ids(), old.owned_rule_ids());
    // A rule for a slot the book gave to another site is not adopted.
    let mut other = RuleBook::default();
    other.update_site(&site("d.com"), &plan, 10);
    assert_eq!(other.adopt_installed(&installed[..1]), Vec::<Site>::new());
}

/// Regression (issue 10, security 6): a `modifyHeaders` rule at or below a matching allow rule's
/// priority is ignored, so the Global Privacy Control header must outrank every allow rule, or
/// requests an allow rule lets through (an allowed subdomain of a blocked domain) go without it.
#[test]
fn the_privacy_header_outranks_every_allow_rule() {
    let gpc = block::gpc_rule();
    assert_eq!(gpc.priority, priority::GPC_HEADER);
    // Header rules (GPC, ADPC) outrank every rule that blocks or allows.
    let headers = [priority::GPC_HEADER, priority::ADPC_SITE_HEADER];
    for other in priority::ALL.iter().filter(|p| !headers.contains(p)) {
        for header in headers {
            assert!(header > *other, "{header} <= {other}");
        }
    }
    let policy = policy_of(
        br#"{"version": 1, "site": "kaltiot.com", "services": [
            {"id": "stats", "name": "Stats", "category": "statistics",
             "domains": ["google-analytics.com"], "storage": []},
            {"id": "widgets", "name": "Widgets", "category": "functional",
             "domains": ["widgets.google-analytics.com"], "storage": []}]}"#,
    );
    let plan = plan(&policy, &Preferences::default());
    let rules = block::site_rules(&site("kaltiot.com"), 0, &plan);
    let allow = rules
        .iter()
        .find(|r| r.action.kind == block::ActionKind::Allow);
    assert!(
        allow.is_some_and(|r| r.priority < gpc.priority),
        "{rules:?}"
    );
}

/// Regression (issue 10, security 10): `initiatorDomains` covers subdomains, so a rule for a
/// site under which other sites lie (the tenants of a hosting service, under its public
/// suffixes) must exclude them, or one tenant's choices would reach every other's pages.
#[test]
fn a_site_rule_does_not_reach_the_other_sites_beneath_it() {
    let policy = policy_of(
        br#"{"version": 1, "site": "amazonaws.com", "services": [
            {"id": "stats", "name": "Stats", "category": "statistics",
             "domains": ["google-analytics.com"], "storage": []}]}"#,
    );
    let plan = plan(&policy, &Preferences::default());
    let rules = block::site_rules(&site("amazonaws.com"), 0, &plan);
    let excluded = rules[0]
        .condition
        .excluded_initiator_domains
        .clone()
        .unwrap_or_default();
    assert!(
        excluded.contains(&"s3.amazonaws.com".to_owned()),
        "{excluded:?}"
    );
    // A tenant's own page is covered by an excluded domain, so the rule does not apply to it.
    let tenant = site("my-bucket.s3.amazonaws.com");
    assert_eq!(tenant.as_str(), "my-bucket.s3.amazonaws.com");
    assert!(excluded
        .iter()
        .any(|d| tenant.as_str().ends_with(&format!(".{d}"))));
    // An ordinary site's rule excludes nothing.
    let rules = block::site_rules(&site("kaltiot.com"), 0, &plan);
    assert_eq!(rules[0].condition.excluded_initiator_domains, None);
}

/// Regression (issue 10, security 10): a tab walking through thousands of policy sites must not
/// flush the rules of the sites the visitor uses: a site's slot is taken only after a day
/// unused, and at most a bounded number of sites give theirs up per day.
#[test]
fn a_walk_through_many_sites_cannot_flush_the_rule_book() {
    let policy = kaltiot();
    let plan = plan(&policy, &Preferences::default());
    let mut book = RuleBook::default();
    let capacity = 300;
    for i in 0..capacity {
        book.update_site_within(&site(&format!("mine{i}.com")), &plan, 1_000, capacity);
    }
    // The same hour: 2,000 new sites, none of which may take a slot.
    for i in 0..2_000 {
        let update =
            book.update_site_within(&site(&format!("walk{i}.com")), &plan, 2_000, capacity);
        assert!(update.add_rules.is_empty(), "walk{i}.com got rules");
    }
    assert!(book.sites.keys().all(|s| s.as_str().starts_with("mine")));
    // Two days later, at most a day's quota of the idle sites give their slots up.
    for i in 0..2_000 {
        book.update_site_within(&site(&format!("later{i}.com")), &plan, 2 * DAY, capacity);
    }
    let mine = book
        .sites
        .keys()
        .filter(|s| s.as_str().starts_with("mine"))
        .count();
    assert_eq!(
        mine,
        capacity as usize - block::MAX_RETIRED_PER_DAY as usize
    );
    // The next day, the quota is there again.
    book.update_site_within(&site("tomorrow.com"), &plan, 3 * DAY + 1, capacity);
    assert!(book.sites.contains_key(&site("tomorrow.com")));
    let stored = serde_json::to_value(&book).unwrap_or_default();
    assert_eq!(
        RuleBook::from_stored(&stored).0,
        book,
        "the count is stored with the book"
    );
}

/// A plan that blocks `tracker.example`.
fn blocking_tracker_example() -> BlockPlan {
    BlockPlan {
        blocked: [
            cookie_warden::domain::Host::parse("tracker.example").unwrap_or_else(|e| panic!("{e}"))
        ]
        .into_iter()
        .collect(),
        ..BlockPlan::default()
    }
}

#[test]
fn an_update_knows_whether_it_changes_the_installed_rules() {
    let site = site("shop.example");
    let mut book = RuleBook::default();
    let plan = blocking_tracker_example();
    let update = book.update_site(&site, &plan, 1_000);
    let mut installed = std::collections::BTreeMap::new();
    assert!(update.changes(&installed), "nothing installed yet");
    update.clone().apply_to(&mut installed);
    assert_eq!(installed.len(), 1);
    assert!(
        !update.changes(&installed),
        "the same update again changes nothing"
    );
    let cleared = book.update_site(&site, &BlockPlan::default(), 2_000);
    assert!(
        cleared.changes(&installed),
        "removing an installed rule is a change"
    );
    cleared.clone().apply_to(&mut installed);
    assert!(installed.is_empty());
    assert!(!cleared.changes(&installed), "removing what is gone is not");
}

#[test]
fn reconciling_removes_what_the_book_does_not_own_and_follows_the_gpc_choice() {
    use std::collections::{BTreeMap, BTreeSet};
    let site = site("shop.example");
    let mut book = RuleBook::default();
    let plan = blocking_tracker_example();
    let owned_rule = book.update_site(&site, &plan, 1_000).add_rules[0].clone();
    let mut stray = owned_rule.clone();
    stray.id = owned_rule.id + 10 * block::RULES_PER_SITE;
    let gpc = block::gpc_rule();
    let mut stale_gpc = gpc.clone();
    stale_gpc.priority += 1;
    let installed = |rules: &[&block::Rule]| -> BTreeMap<u32, block::Rule> {
        rules.iter().map(|r| (r.id, (*r).clone())).collect()
    };
    let owned = book.owned_rule_ids();
    let ids = |u: &block::RuleUpdate| {
        (
            u.remove_rule_ids.clone(),
            u.add_rules.iter().map(|r| r.id).collect::<Vec<_>>(),
        )
    };
    // (installed, GPC on, removed ids, added ids)
    type Case = (BTreeMap<u32, block::Rule>, bool, Vec<u32>, Vec<u32>);
    let cases: Vec<Case> = vec![
        (installed(&[&owned_rule, &gpc]), true, vec![], vec![]),
        (installed(&[&owned_rule]), true, vec![gpc.id], vec![gpc.id]),
        (
            installed(&[&owned_rule, &stale_gpc]),
            true,
            vec![gpc.id],
            vec![gpc.id],
        ),
        (installed(&[&owned_rule, &gpc]), false, vec![gpc.id], vec![]),
        (installed(&[&owned_rule]), false, vec![], vec![]),
        (
            installed(&[&owned_rule, &stray]),
            false,
            vec![stray.id],
            vec![],
        ),
    ];
    for (i, (rules, on, removed, added)) in cases.into_iter().enumerate() {
        let update = block::reconcile(&rules, &owned, on, &[]);
        assert_eq!(ids(&update), (removed.clone(), added.clone()), "case {i}");
        assert_eq!(
            update.is_empty(),
            removed.is_empty() && added.is_empty(),
            "case {i}"
        );
        let mut after = rules.clone();
        update.apply_to(&mut after);
        assert!(
            block::reconcile(&after, &owned, on, &[]).is_empty(),
            "case {i}: reconciled once is enough"
        );
    }
    // Session rules: only those the session book owns (offset ids) stay.
    let mut session_rule = owned_rule.clone();
    session_rule.id += block::SESSION_RULE_ID_OFFSET;
    let mut session_stray = stray.clone();
    session_stray.id += block::SESSION_RULE_ID_OFFSET;
    let strays = block::session_strays(
        &installed(&[&session_rule, &session_stray, &owned_rule]),
        &owned,
    );
    assert_eq!(
        strays.remove_rule_ids,
        vec![owned_rule.id, session_stray.id]
    );
    assert!(block::session_strays(&installed(&[&session_rule]), &owned).is_empty());
    assert!(block::session_strays(&BTreeMap::new(), &BTreeSet::new()).is_empty());
    // A site whose block rule the browser dropped is due again.
    assert_eq!(
        book.sites_missing_from(&installed(&[&gpc])),
        vec![site.clone()]
    );
    assert!(book
        .sites_missing_from(&installed(&[&owned_rule]))
        .is_empty());
}

#[test]
fn a_ruleset_switch_asks_only_for_what_differs() {
    let mut prefs = Preferences::default();
    prefs.defaults.insert(CategoryId::Statistics, Choice::Allow);
    let wanted = block::ruleset_switch(&prefs);
    assert_eq!(wanted.enable_ruleset_ids, vec!["marketing".to_owned()]);
    assert_eq!(wanted.disable_ruleset_ids, vec!["statistics".to_owned()]);
    let both = ["statistics".to_owned(), "marketing".to_owned()];
    let change = wanted.clone().against(&both);
    assert!(
        change.enable_ruleset_ids.is_empty(),
        "marketing is on already"
    );
    assert_eq!(change.disable_ruleset_ids, vec!["statistics".to_owned()]);
    assert!(wanted.clone().against(&["marketing".to_owned()]).is_empty());
    let none = wanted.against(&[]);
    assert_eq!(none.enable_ruleset_ids, vec!["marketing".to_owned()]);
    assert!(none.disable_ruleset_ids.is_empty());
}

#[test]
fn rule_actions_read_as_the_browser_writes_them() {
    use block::ActionKind;
    let cases = [
        ("block", ActionKind::Block),
        ("allow", ActionKind::Allow),
        ("allowAllRequests", ActionKind::AllowAllRequests),
        ("modifyHeaders", ActionKind::ModifyHeaders),
        ("redirect", ActionKind::Other),
    ];
    for (text, kind) in cases {
        let read: ActionKind = serde_json::from_value(serde_json::json!(text))
            .unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(read, kind, "{text}");
        if kind != ActionKind::Other {
            assert_eq!(
                serde_json::to_value(kind).ok(),
                Some(serde_json::json!(text))
            );
        }
    }
}
