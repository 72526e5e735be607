//! Telling sites the visitor's choices: the banner answer per consent platform
//! (`consent::plan`, `consent::auto_action`), and the ADPC signal (`adpc`): the requests read
//! from a site, the header and the page's decisions, and the header rules.

use cookie_warden::adpc::{self, Known, Signal};
use cookie_warden::block::{self, priority};
use cookie_warden::consent::{self, AutoAction, Group, Leave, Outcome, Plan, Platform, Wishes};
use cookie_warden::domain::Site;
use cookie_warden::policy::CategoryId;
use cookie_warden::prefs::{Choice, PauseLength, Preferences};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};

fn site(name: &str) -> Site {
    Site::parse(name).unwrap_or_else(|| panic!("{name}"))
}

fn group(id: &str, name: &str) -> Group {
    Group {
        id: id.into(),
        name: name.into(),
        allowed: None,
    }
}

/// The answers of a plan as `id=0/1` text, or why it leaves the banner.
fn answers(plan: &Plan) -> String {
    match plan {
        Plan::Answer { groups, .. } => groups
            .iter()
            .map(|g| format!("{}={}", g.id, u8::from(g.allow)))
            .collect::<Vec<_>>()
            .join(","),
        Plan::Leave { why } => format!("leave:{why:?}"),
    }
}

#[test]
fn each_platform_is_told_exactly_the_visitors_categories() {
    let shop = site("shop.test");
    let onetrust = [
        group("C0001", "Strictly Necessary Cookies"),
        group("C0002", "Performance Cookies"),
        group("C0003", "Functional Cookies"),
        group("C0004", "Targeting Cookies"),
        group("C0005", "Social Media Cookies"),
        group("SPD_BG", "Sale of personal data"),
        group("custom7", "Analytics partners"),
    ];
    let fixed = |ids: &[&str]| ids.iter().map(|id| group(id, "")).collect::<Vec<_>>();
    let defaults = Preferences::default();
    let mut stats_on = Preferences::default();
    stats_on.set_category(&shop, CategoryId::Statistics, Some(Choice::Allow));
    let mut all_on = Preferences::default();
    for c in CategoryId::ALL {
        all_on.set_category(&shop, c, Some(Choice::Allow));
    }
    let mut functional_off = Preferences::default();
    functional_off
        .defaults
        .insert(CategoryId::Functional, Choice::Deny);
    let cases: Vec<(&str, &Preferences, Platform, Vec<Group>, &str)> = vec![
        (
            "OneTrust, defaults: necessary and functional on; unknown groups off",
            &defaults,
            Platform::OneTrust,
            onetrust.to_vec(),
            "C0001=1,C0002=0,C0003=1,C0004=0,C0005=0,SPD_BG=0,custom7=0",
        ),
        (
            "OneTrust, statistics allowed on the site (a custom group by its name)",
            &stats_on,
            Platform::OneTrust,
            onetrust.to_vec(),
            "C0001=1,C0002=1,C0003=1,C0004=0,C0005=0,SPD_BG=0,custom7=1",
        ),
        (
            "OneTrust, everything allowed: the unplaced group too",
            &all_on,
            Platform::OneTrust,
            onetrust.to_vec(),
            "C0001=1,C0002=1,C0003=1,C0004=1,C0005=1,SPD_BG=1,custom7=1",
        ),
        (
            "Cookiebot's three",
            &defaults,
            Platform::Cookiebot,
            fixed(&["preferences", "statistics", "marketing"]),
            "preferences=1,statistics=0,marketing=0",
        ),
        (
            "Complianz, functional denied by default",
            &functional_off,
            Platform::Complianz,
            fixed(&["functional", "preferences", "statistics", "marketing"]),
            "functional=0,preferences=0,statistics=0,marketing=0",
        ),
        (
            "CookieYes' slugs",
            &stats_on,
            Platform::CookieYes,
            fixed(&[
                "necessary",
                "functional",
                "analytics",
                "performance",
                "advertisement",
                "other",
            ]),
            "necessary=1,functional=1,analytics=1,performance=1,advertisement=0,other=0",
        ),
        (
            "Didomi's purposes",
            &stats_on,
            Platform::Didomi,
            fixed(&[
                "cookies",
                "measure_content_performance",
                "select_personalized_ads",
            ]),
            "cookies=0,measure_content_performance=1,select_personalized_ads=0",
        ),
        (
            "Usercentrics' category slugs",
            &defaults,
            Platform::Usercentrics,
            fixed(&["essential", "functional", "marketing"]),
            "essential=1,functional=1,marketing=0",
        ),
    ];
    for (what, prefs, platform, groups, want) in cases {
        assert_eq!(
            answers(&consent::plan(prefs, &shop, platform, &groups)),
            want,
            "{what}"
        );
    }
}

#[test]
fn nothing_is_answered_while_off_paused_or_excepted() {
    let shop = site("shop.test");
    let groups = [group("C0002", "Performance")];
    let off = Preferences {
        answer_banners: false,
        ..Preferences::default()
    };
    let mut paused = Preferences::default();
    paused.set_pause(&shop, Some(PauseLength::Hour), 1_000);
    let mut excepted = Preferences::default();
    excepted.set_leave_banner(&shop, true);
    for (prefs, why) in [
        (&off, Leave::Off),
        (&paused, Leave::Paused),
        (&excepted, Leave::Excepted),
    ] {
        assert_eq!(
            consent::plan(prefs, &shop, Platform::OneTrust, &groups),
            Plan::Leave { why }
        );
        assert_eq!(consent::auto_action(prefs, &shop), Err(why));
    }
    // The exception is the site's alone.
    assert_eq!(
        answers(&consent::plan(
            &excepted,
            &site("other.test"),
            Platform::OneTrust,
            &groups
        )),
        "C0002=0"
    );
    // Ending the exception leaves nothing behind.
    excepted.set_leave_banner(&shop, false);
    assert!(excepted.sites.is_empty());
}

#[test]
fn autoconsent_opts_out_only_when_tracking_is_denied_and_never_accepts_unasked() {
    let shop = site("shop.test");
    let defaults = Preferences::default();
    assert_eq!(
        consent::auto_action(&defaults, &shop),
        Ok(AutoAction::OptOut)
    );
    let mut mixed = Preferences::default();
    mixed.set_category(&shop, CategoryId::Statistics, Some(Choice::Allow));
    assert_eq!(consent::auto_action(&mixed, &shop), Err(Leave::Mixed));
    let mut all = Preferences::default();
    for c in CategoryId::ALL {
        all.set_category(&shop, c, Some(Choice::Allow));
    }
    assert_eq!(
        consent::auto_action(&all, &shop),
        Err(Leave::Mixed),
        "accepting is off"
    );
    all.accept_banners = true;
    assert_eq!(consent::auto_action(&all, &shop), Ok(AutoAction::OptIn));
}

#[test]
fn an_answer_goes_stale_when_the_choices_change() {
    let shop = site("shop.test");
    let mut prefs = Preferences::default();
    let answered = Outcome::Answered {
        platform: Platform::Cookiebot,
        wishes: Wishes::of(&prefs, &shop),
        closed: true,
        already: false,
    };
    assert!(!answered.is_stale(&prefs, &shop));
    prefs.set_category(&shop, CategoryId::Marketing, Some(Choice::Allow));
    assert!(answered.is_stale(&prefs, &shop));
    // Another site's change does not concern it.
    let mut other = Preferences::default();
    other.set_category(
        &site("other.test"),
        CategoryId::Marketing,
        Some(Choice::Allow),
    );
    assert!(!answered.is_stale(&other, &shop));
    // A failure is not re-answered by itself.
    let failed = Outcome::Failed {
        platform: None,
        cmp: "x".into(),
    };
    assert!(!failed.is_stale(&prefs, &shop));
    // Names a page reports are kept short and without control characters.
    let long = Outcome::Failed {
        platform: None,
        cmp: format!("a\u{7}{}", "é".repeat(100)),
    }
    .bounded();
    let Outcome::Failed { cmp, .. } = long else {
        panic!("kind changed")
    };
    assert!(
        cmp.len() <= consent::MAX_CMP_NAME && !cmp.contains('\u{7}'),
        "{cmp}"
    );
}

#[test]
fn the_adpc_header_withdraws_objects_and_consents_only_to_what_was_allowed() {
    let shop = site("shop.test");
    let mut prefs = Preferences::default();
    let header = |prefs: &Preferences, s: Option<&Site>| {
        Signal::for_site(prefs, s).map(|sig| sig.header_value())
    };
    assert_eq!(
        header(&prefs, Some(&shop)).as_deref(),
        Some("withdraw=*, object=direct-marketing")
    );
    assert!(prefs.set_adpc(&shop, "q1analytics", true));
    assert_eq!(
        header(&prefs, Some(&shop)).as_deref(),
        Some("consent=\"q1analytics\", withdraw=*, object=direct-marketing")
    );
    assert!(prefs.set_adpc(&shop, "https://iab.com/tcf2/ns/#purpose1", true));
    prefs.set_category(&shop, CategoryId::Marketing, Some(Choice::Allow));
    assert_eq!(
        header(&prefs, Some(&shop)).as_deref(),
        Some("consent=\"https://iab.com/tcf2/ns/#purpose1 q1analytics\", withdraw=*")
    );
    // Other sites keep the general signal; off means nothing at all.
    assert_eq!(
        header(&prefs, Some(&site("other.test"))).as_deref(),
        Some("withdraw=*, object=direct-marketing")
    );
    // Identifiers the header cannot carry are refused, as is a 101st.
    for bad in ["", "two words", "quote\"", "a,b", "*", &"x".repeat(201)] {
        assert!(!prefs.set_adpc(&shop, bad, true), "{bad:?}");
    }
    for i in 0..200 {
        prefs.set_adpc(&shop, &format!("id{i}"), true);
    }
    assert_eq!(prefs.sites[&shop].adpc_consent.len(), 100);
    let off = Preferences {
        adpc: false,
        ..Preferences::default()
    };
    assert_eq!(header(&off, Some(&shop)), None);
    assert!(adpc::rules(&off).is_empty());
}

#[test]
fn the_page_is_answered_with_its_own_requests_only() {
    let shop = site("shop.test");
    let mut prefs = Preferences::default();
    prefs.set_adpc(&shop, "q1analytics", true);
    prefs.set_adpc(&shop, "not-asked", true);
    let read = adpc::read_requests(&json!([
        {"id": "q1analytics", "text": "Analytics"},
        {"id": "q2ads", "text": "Ads"},
    ]));
    let signal = Signal::for_site(&prefs, Some(&shop)).unwrap_or_else(|| panic!("on"));
    let decisions = signal.decisions(&read.requests);
    assert_eq!(
        serde_json::to_value(&decisions).unwrap_or_default(),
        json!({"consent": ["q1analytics"], "withdraw": ["*"], "object": ["direct-marketing"]})
    );
}

#[test]
fn consent_requests_are_read_in_both_forms_and_bounded() {
    let cases = [
        (
            json!({"consentRequests": [{"id": "a", "text": "A"}, {"id": "b", "text": " B\u{0}x "}]}),
            vec![("a", "A"), ("b", "B x")],
            0,
        ),
        (
            json!({"consentRequests": {"cookies": "Store cookies", "ads": {"text": "Ads"}}}),
            vec![("cookies", "Store cookies"), ("ads", "Ads")],
            0,
        ),
        (
            json!({"consentRequests": [{"id": "bad id", "text": "x"}, {"id": "a", "text": ""}, {"text": "no id"}, {"id": "a", "text": "A"}, {"id": "a", "text": "again"}]}),
            vec![("a", "A")],
            4,
        ),
        (json!("nonsense"), vec![], 1),
    ];
    for (i, (value, want, dropped)) in cases.into_iter().enumerate() {
        let read = adpc::read_requests(&value);
        let got: Vec<(&str, &str)> = read
            .requests
            .iter()
            .map(|r| (r.id.as_str(), r.text.as_str()))
            .collect();
        assert_eq!(got, want, "case {i}");
        assert_eq!(read.dropped, dropped, "case {i}");
    }
    let many: Vec<_> = (0..80)
        .map(|i| json!({"id": format!("r{i}"), "text": "x".repeat(3000)}))
        .collect();
    let read = adpc::read_requests(&json!(many));
    assert_eq!(read.requests.len(), adpc::MAX_REQUESTS);
    assert_eq!(read.dropped, 80 - adpc::MAX_REQUESTS);
    assert!(read
        .requests
        .iter()
        .all(|r| r.text.len() <= adpc::MAX_TEXT_BYTES));
    let error = match adpc::parse_requests(b"{\"consentRequests\": [") {
        Err(e) => e,
        Ok(read) => panic!("read: {read:?}"),
    };
    assert!(error.contains("line 1"), "{error}");
    // Sites heard from are bounded, the one heard from longest ago goes first.
    let mut known = Known::default();
    for i in 0..=adpc::MAX_SITES {
        known.remember(
            &site(&format!("s{i}.test")),
            adpc::read_requests(&json!({"a": "A"})),
        );
    }
    assert!(known.of(&site("s0.test")).is_none());
    assert!(known
        .of(&site(&format!("s{}.test", adpc::MAX_SITES)))
        .is_some());
}

#[test]
fn header_rules_give_each_site_its_signal_above_the_general_one() {
    let mut prefs = Preferences::default();
    let (a, b, c) = (site("a.test"), site("b.test"), site("c.test"));
    prefs.set_category(&a, CategoryId::Marketing, Some(Choice::Allow));
    prefs.set_category(&b, CategoryId::Marketing, Some(Choice::Allow));
    prefs.set_adpc(&c, "q1", true);
    // A site whose choices do not change its signal gets no rule of its own.
    prefs.set_category(&site("d.test"), CategoryId::Statistics, Some(Choice::Allow));
    let rules = adpc::rules(&prefs);
    let view: Vec<(u32, u32, String, Option<Vec<String>>)> = rules
        .iter()
        .map(|r| {
            (
                r.id,
                r.priority,
                r.action
                    .request_headers
                    .as_ref()
                    .map(|h| h[0].value.clone())
                    .unwrap_or_default(),
                r.condition.request_domains.clone(),
            )
        })
        .collect();
    assert_eq!(
        view,
        vec![
            (
                2,
                priority::GPC_HEADER,
                "withdraw=*, object=direct-marketing".into(),
                None
            ),
            (
                3,
                priority::ADPC_SITE_HEADER,
                "withdraw=*".into(),
                Some(vec!["a.test".into(), "b.test".into()])
            ),
            (
                4,
                priority::ADPC_SITE_HEADER,
                "consent=\"q1\", withdraw=*, object=direct-marketing".into(),
                Some(vec!["c.test".into()])
            ),
        ]
    );
    assert!(rules
        .iter()
        .all(|r| adpc::is_rule_id(r.id) && r.id < block::FIRST_SITE_RULE_ID));
    // Reconciling installs them once, and removes those no longer wanted.
    let installed = BTreeMap::new();
    let update = block::reconcile(&installed, &BTreeSet::new(), true, &rules);
    let mut after = installed.clone();
    update.apply_to(&mut after);
    assert!(block::reconcile(&after, &BTreeSet::new(), true, &rules).is_empty());
    let fewer = adpc::rules(&Preferences::default());
    let update = block::reconcile(&after, &BTreeSet::new(), true, &fewer);
    let mut removed = update.remove_rule_ids.clone();
    removed.sort_unstable();
    assert!(removed.contains(&3) && removed.contains(&4), "{removed:?}");
}

#[test]
fn banner_and_adpc_choices_survive_a_reload_and_damage_is_dropped() {
    let shop = site("shop.test");
    let mut prefs = Preferences {
        accept_banners: true,
        ..Preferences::default()
    };
    prefs.set_leave_banner(&shop, true);
    prefs.set_adpc(&shop, "q1", true);
    let (back, diagnostics) = Preferences::load(&prefs.to_json());
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert_eq!(back, prefs);
    let (damaged, diagnostics) = Preferences::load(&json!({
        "version": 2,
        "answerBanners": "yes",
        "sites": {"shop.test": {"adpcConsent": ["ok", "not ok", 3], "leaveBanner": true}}
    }));
    assert!(damaged.answer_banners, "a damaged switch falls back to on");
    assert_eq!(
        damaged.sites[&shop].adpc_consent.iter().collect::<Vec<_>>(),
        vec!["ok"]
    );
    let text: Vec<String> = diagnostics.iter().map(|d| d.to_string()).collect();
    assert!(text.iter().any(|d| d.contains("answerBanners")), "{text:?}");
    assert!(
        text.iter().any(|d| d.contains("adpcConsent[1]")),
        "{text:?}"
    );
    assert!(
        text.iter().any(|d| d.contains("adpcConsent[2]")),
        "{text:?}"
    );
}

#[test]
fn a_platform_that_holds_the_answers_already_is_not_told_again() {
    let shop = site("shop.test");
    let prefs = Preferences::default();
    let held = |stats: bool| {
        vec![
            Group {
                id: "C0002".into(),
                name: String::new(),
                allowed: Some(stats),
            },
            Group {
                id: "C0003".into(),
                name: String::new(),
                allowed: Some(true),
            },
        ]
    };
    let needed = |groups: &[Group]| match consent::plan(&prefs, &shop, Platform::OneTrust, groups) {
        Plan::Answer { needed, .. } => needed,
        Plan::Leave { .. } => panic!("answered"),
    };
    assert!(!needed(&held(false)), "the same answers: nothing sent");
    assert!(needed(&held(true)), "statistics on there, off here: told");
    assert!(needed(&[group("C0002", "")]), "no answer held yet: told");
}
