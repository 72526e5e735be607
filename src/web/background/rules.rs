//! Blocking rules: each site's dynamic (or, for private windows, session) rules, the Global
//! Privacy Control rule, the static rulesets' switch, and counting blocked requests in Firefox.

use super::*;

/// `webRequest.onErrorOccurred`: a request the browser stopped because of a rule
/// (`NS_ERROR_ABORT` in Firefox, `net::ERR_BLOCKED_BY_CLIENT` in Chrome) is counted for its tab
/// when the tab's site blocks that host. Firefox has no `getMatchedRules` to count with.
#[wasm_bindgen(js_name = onRequestError)]
pub async fn on_request_error(details: JsValue) -> Result<(), JsValue> {
    let error = get(&details, "error").as_string().unwrap_or_default();
    if error != "NS_ERROR_ABORT" && error != "net::ERR_BLOCKED_BY_CLIENT" {
        return Ok(());
    }
    let Some(tab_id) = get(&details, "tabId")
        .as_f64()
        .map(|t| t as i32)
        .filter(|t| *t >= 0)
    else {
        return Ok(());
    };
    let Some(url) = get(&details, "url").as_string() else {
        return Ok(());
    };
    let Some(host) = crate::domain::host_of_url(&url).map(str::to_ascii_lowercase) else {
        return Ok(());
    };
    let Some(site) = with(|s| s.tabs.get(&tab_id).and_then(|t| t.site.clone())) else {
        return Ok(());
    };
    let path = crate::domain::path_of_url(&url);
    let loaded = policy_of(&site).await;
    let counted = with(|s| {
        let blocks = plan_of(&site, loaded.as_deref(), &s.prefs).blocks_request(
            &host,
            path,
            Trackers::bundled(),
            &s.prefs,
        );
        if blocks {
            if let Some(tab) = s.tabs.get_mut(&tab_id) {
                tab.blocked = tab.blocked.saturating_add(1);
            }
            let policy = loaded
                .as_deref()
                .and_then(|l| l.usable.as_ref())
                .map(|u| u.policy.policy());
            let what = block::attribute(policy, &host, path, Trackers::bundled());
            s.activity.record(
                &site,
                crate::activity::Event::blocked(
                    now(),
                    &host,
                    what.map(|(category, _)| category),
                    what.map(|(_, service)| service),
                ),
            );
        }
        blocks
    });
    if counted {
        persist(Record::Tabs).await;
        persist(Record::Activity).await;
        persist(Record::Badge(tab_id)).await;
    }
    Ok(())
}

/// Brings the site's DNR rules in line with its policy and the visitor's choices. A site whose
/// record is not known (never fetched, or let go from storage) keeps the rules it has until its
/// policy is found again. Rule changes are made one at a time, each from the state as it is
/// when its turn comes, so the installed rules always end as the latest choices say.
pub(super) async fn apply_rules(site: &Site) {
    let _turn = state::turn(|s| &mut s.rules).await;
    apply_rules_in_turn(site).await;
}

pub(super) async fn apply_rules_in_turn(site: &Site) {
    let loaded = policy_of(site).await;
    if let Some(loaded) = loaded.as_ref().filter(|l| l.private) {
        apply_session_rules(site, loaded).await;
        return;
    }
    let update = with(|s| {
        let plan = plan_of(site, loaded.as_deref(), &s.prefs);
        // A site whose record was let go keeps the rules its declaration gave it until the
        // declaration is read again; rules that came from the choices alone follow them.
        if loaded.is_none() && s.rule_book.sites.get(site).is_some_and(|i| i.declared) {
            return None;
        }
        let update = s.rule_book.update_site(site, &plan, now());
        update.changes(&s.installed).then_some(update)
    });
    if let Some(update) = update {
        let adds = !update.add_rules.is_empty();
        install(update).await;
        if adds {
            with(|s| s.mark(format!("rules:{site}")));
        }
    }
    persist(Record::RuleBook).await;
}

/// What the rules of `site` must do: from its declaration (if `loaded` has one usable), the
/// visitor's choices and the tracker table.
pub(super) fn plan_of(
    site: &Site,
    loaded: Option<&Loaded>,
    prefs: &crate::prefs::Preferences,
) -> BlockPlan {
    let policy = loaded
        .and_then(|l| l.usable.as_ref())
        .map(|u| u.policy.policy());
    block::plan_for(site, policy, prefs, Trackers::bundled())
}

/// The rules of a site known only from a private window: session rules, which the browser
/// forgets when it closes, with their own rule book in `storage.session`.
pub(super) async fn apply_session_rules(site: &Site, loaded: &Loaded) {
    let update = with(|s| {
        let plan = plan_of(site, Some(loaded), &s.prefs);
        let update = s
            .session_book
            .update_site(site, &plan, now())
            .offset_ids(block::SESSION_RULE_ID_OFFSET);
        update.changes(&s.session_installed).then_some(update)
    });
    if let Some(update) = update {
        let adds = !update.add_rules.is_empty();
        install_session(update).await;
        if adds {
            with(|s| s.mark(format!("rules:{site}")));
        }
    }
    persist(Record::SessionRuleBook).await;
}

pub(super) async fn install_session(update: RuleUpdate) {
    let Ok(options) = to_js(&update) else { return };
    match browser::update_session_rules(&options).await {
        Ok(()) => with(|s| update.apply_to(&mut s.session_installed)),
        Err(e) => gloo::console::error!("cookie-warden: updateSessionRules failed", e),
    }
}

/// Makes the installed rules match the rule book and the Global Privacy Control choice (the
/// `Sec-GPC` header rule and the script that sets `navigator.globalPrivacyControl`): rules of
/// sites the book no longer holds are removed.
pub(super) async fn reconcile_rules() {
    let _turn = state::turn(|s| &mut s.rules).await;
    reconcile_dynamic().await;
    // Session rules of sites the session rule book no longer holds go too.
    let strays =
        with(|s| block::session_strays(&s.session_installed, &s.session_book.owned_rule_ids()));
    if !strays.is_empty() {
        install_session(strays).await;
    }
    switch_rulesets().await;
    browser::set_gpc_script(with(|s| s.prefs.global_privacy_control)).await;
    // The page-side scripts: navigator.dataProtectionControl while ADPC is on, and the consent
    // banner's answerer (top frame only) while answering banners is on.
    let (adpc, banners) = with(|s| (s.prefs.adpc, s.prefs.answer_banners));
    browser::set_page_script("cookie-warden-adpc", "adpc.js", adpc, false).await;
    browser::set_page_script("cookie-warden-banner", "banner.js", banners, false).await;
    // Sites the rule book holds whose rules the browser dropped (Firefox does on a temporary
    // re-install) get them back now, not on their next visit.
    let missing = with(|s| s.rule_book.sites_missing_from(&s.installed));
    for site in missing {
        apply_rules_in_turn(&site).await;
    }
}

/// After one site's choices changed: the dynamic rules only (the ADPC header rules follow a
/// site's marketing choice and its consents), without the rulesets and page scripts, which only
/// global changes touch.
pub(super) async fn reconcile_header_rules() {
    let _turn = state::turn(|s| &mut s.rules).await;
    reconcile_dynamic().await;
}

/// Installs what makes the dynamic rules match the rule book, GPC and ADPC (in the rules' turn).
async fn reconcile_dynamic() {
    let update = with(|s| {
        block::reconcile(
            &s.installed,
            &s.rule_book.owned_rule_ids(),
            s.prefs.global_privacy_control,
            &crate::adpc::rules(&s.prefs),
        )
    });
    if !update.is_empty() {
        install(update).await;
    }
}

/// Switches the static rulesets (the known trackers of each category) on where the visitor's
/// default denies the category and off where it allows it; the browser keeps them so across
/// restarts, so this asks it to change only what differs.
pub(super) async fn switch_rulesets() {
    let wanted = with(|s| block::ruleset_switch(&s.prefs));
    let enabled = match browser::enabled_rulesets().await {
        Ok(enabled) => enabled,
        Err(e) => {
            gloo::console::error!("cookie-warden: getEnabledRulesets failed", e);
            Vec::new()
        }
    };
    let change = wanted.against(&enabled);
    if change.is_empty() {
        return;
    }
    let Ok(options) = to_js(&change) else { return };
    if let Err(e) = browser::update_enabled_rulesets(&options).await {
        gloo::console::error!("cookie-warden: updateEnabledRulesets failed", e);
    }
}

pub(super) async fn install(update: RuleUpdate) {
    let Ok(options) = to_js(&update) else { return };
    match browser::update_dynamic_rules(&options).await {
        Ok(()) => with(|s| update.apply_to(&mut s.installed)),
        Err(e) => gloo::console::error!("cookie-warden: updateDynamicRules failed", e),
    }
}

/// The alarm that ends the next timed pause.
const PAUSE_ALARM: &str = "pause-end";

/// Ends the pauses that are over (the timed ones past their end, and with `new_session` those
/// "until the browser restarts"), then brings those sites' rules and cookies in line with the
/// choices. The alarm for the next end is set again when a pause ended, or with `reschedule`
/// (a start, where the browser may have dropped it).
pub(super) async fn end_pauses(new_session: bool, reschedule: bool) {
    let ended = with(|s| {
        if s.local_unread {
            return Vec::new();
        }
        let mut ended = s.prefs.expire_pauses(now());
        if new_session {
            ended.extend(s.prefs.end_session_pauses());
        }
        ended
    });
    if !ended.is_empty() {
        persist(Record::Prefs).await;
        for site in &ended {
            apply_rules(site).await;
            sweep(Some(site)).await;
        }
    }
    if reschedule || !ended.is_empty() {
        schedule_pause_end().await;
    }
}

/// Sets (or clears) the alarm for when the next timed pause ends.
pub(super) async fn schedule_pause_end() {
    match with(|s| s.prefs.next_pause_end()) {
        Some(at) => browser::set_alarm(PAUSE_ALARM, at as f64 * 1000.0).await,
        None => browser::clear_alarm(PAUSE_ALARM).await,
    }
}

/// `alarms.onAlarm`: a timed pause is over.
#[wasm_bindgen(js_name = onAlarm)]
pub async fn on_alarm(alarm: JsValue) -> Result<(), JsValue> {
    if get(&alarm, "name").as_string().as_deref() == Some(PAUSE_ALARM) {
        end_pauses(false, true).await;
    }
    Ok(())
}
