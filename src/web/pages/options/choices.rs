//! The choices that apply everywhere: the default per category, undeclared cookies, sites
//! without a policy, trusting sites' categories, Global Privacy Control.

use super::*;

pub(super) fn category_name(id: CategoryId) -> String {
    t(
        match id {
            CategoryId::Necessary => "optionsCategoryNecessary",
            CategoryId::Functional => "optionsCategoryFunctional",
            CategoryId::Statistics => "optionsCategoryStatistics",
            CategoryId::Marketing => "optionsCategoryMarketing",
        },
        &[],
    )
}

pub(super) fn category_help(id: CategoryId) -> String {
    t(
        match id {
            CategoryId::Necessary => "optionsCategoryNecessaryHelp",
            CategoryId::Functional => "optionsCategoryFunctionalHelp",
            CategoryId::Statistics => "optionsCategoryStatisticsHelp",
            CategoryId::Marketing => "optionsCategoryMarketingHelp",
        },
        &[],
    )
}

pub(super) fn repairs_notice(repairs: &[String]) -> Option<El> {
    if repairs.is_empty() {
        return None;
    }
    Some(
        El::new("div")
            .class("notice problem")
            .attr("id", "options-repairs")
            .child(El::new("p").text(&t("optionsRepairs", &[])))
            .child(El::new("ul").children(repairs.iter().map(|r| El::new("li").text(r)))),
    )
}

/// Where the question about switching Necessary off by default is asked.
const DEFAULTS_CONFIRM: &str = "defaults-confirm";

pub(super) fn defaults_section(prefs: &Preferences) -> El {
    let allowed = ui::state_words(Choice::Allow, None);
    let denied = ui::state_words(Choice::Deny, None);
    section("defaults-title", &t("optionsDefaultsTitle", &[]))
        .child(
            El::new("p")
                .class("intro")
                .text(&t("optionsDefaultsIntro", &[])),
        )
        .child(El::new("div").attr("id", DEFAULTS_CONFIRM))
        .children(CategoryId::ALL.into_iter().map(|category| {
            let name = category_name(category);
            let id = format!("default-{}", category.id());
            let switch_id = id.clone();
            let set = move |on: bool| {
                change(
                    Request::SetDefault {
                        category,
                        choice: Choice::from_allowed(on),
                    },
                    None,
                )
            };
            setting(
                &id,
                &t("optionsDefaultSwitch", &[&name]),
                (&allowed, &denied),
                Some(&category_help(category)),
                prefs.default_for(category).is_allow(),
                move |on| {
                    if on || category != CategoryId::Necessary {
                        set(on);
                        return;
                    }
                    // Necessary cookies keep sign-ins and carts: switching them off everywhere
                    // is asked first.
                    let id = switch_id.clone();
                    ui::confirm(
                        DEFAULTS_CONFIRM,
                        &ui::necessary_warning(None),
                        &t("necessaryOffYes", &[]),
                        &t("necessaryOffNo", &[]),
                        move |yes| {
                            if yes {
                                set(false);
                            } else {
                                ui::set_switch(&id, true);
                            }
                        },
                    );
                },
            )
        }))
}

pub(super) fn undeclared_section(prefs: &Preferences) -> El {
    let radio = |id: &str, value: UndeclaredAction, label: &str| {
        El::new("div")
            .class("check")
            .child(
                El::new("input")
                    .attr("type", "radio")
                    .attr("name", "undeclared")
                    .attr("id", id)
                    .attr(
                        "value",
                        if value == UndeclaredAction::Keep {
                            "keep"
                        } else {
                            "delete"
                        },
                    )
                    .check(prefs.undeclared == value)
                    .on("change", move |event| {
                        if target_element(event).is_some_and(|e| El::checked(&e)) {
                            change(Request::SetUndeclared { undeclared: value }, None);
                        }
                    }),
            )
            .child(El::new("label").attr("for", id).text(label))
    };
    El::new("section").class("card").child(
        El::new("fieldset")
            .attr("aria-describedby", "undeclared-help")
            .child(
                El::new("legend").child(
                    El::new("h2")
                        .attr("id", "undeclared-title")
                        .text(&t("optionsUndeclaredTitle", &[])),
                ),
            )
            .child(
                El::new("p")
                    .class("help")
                    .attr("id", "undeclared-help")
                    .text(&t("optionsUndeclaredHelp", &[])),
            )
            .child(radio(
                "undeclared-keep",
                UndeclaredAction::Keep,
                &t("optionsUndeclaredKeep", &[]),
            ))
            .child(radio(
                "undeclared-delete",
                UndeclaredAction::Delete,
                &t("optionsUndeclaredDelete", &[]),
            )),
    )
}

pub(super) fn no_policy_section(prefs: &Preferences) -> El {
    let (on, off) = on_off();
    section("no-policy-title", &t("optionsNoPolicyTitle", &[])).child(setting(
        "act-without-policy",
        &t("optionsNoPolicyLabel", &[]),
        (&on, &off),
        Some(&t("optionsNoPolicyHelp", &[])),
        prefs.act_without_policy,
        |on| change(Request::SetActWithoutPolicy { on }, None),
    ))
}

pub(super) fn trust_section(prefs: &Preferences) -> El {
    let (on, off) = on_off();
    section("trust-title", &t("optionsTrustTitle", &[])).child(setting(
        "trust-site-categories",
        &t("optionsTrustLabel", &[]),
        (&on, &off),
        Some(&t("optionsTrustHelp", &[])),
        prefs.trust_site_categories,
        |on| change(Request::SetTrustSiteCategories { on }, None),
    ))
}

pub(super) fn gpc_section(prefs: &Preferences) -> El {
    let (on, off) = on_off();
    section("gpc-title", &t("optionsGpcTitle", &[])).child(setting(
        "global-privacy-control",
        &t("optionsGpcLabel", &[]),
        (&on, &off),
        Some(&t("optionsGpcHelp", &[])),
        prefs.global_privacy_control,
        |on| change(Request::SetGlobalPrivacyControl { on }, None),
    ))
}

/// Answering consent banners, accepting where everything is allowed, and the ADPC signal.
pub(super) fn banners_section(prefs: &Preferences) -> El {
    let (on, off) = on_off();
    section("banners-title", &t("optionsBannersTitle", &[]))
        .child(setting(
            "answer-banners",
            &t("optionsAnswerBanners", &[]),
            (&on, &off),
            None,
            prefs.answer_banners,
            |on| change(Request::SetAnswerBanners { on }, None),
        ))
        .child(setting(
            "accept-banners",
            &t("optionsAcceptBanners", &[]),
            (&on, &off),
            None,
            prefs.accept_banners,
            |on| change(Request::SetAcceptBanners { on }, None),
        ))
        .child(setting(
            "adpc",
            &t("optionsAdpc", &[]),
            (&on, &off),
            Some(&t("optionsBannersHint", &[])),
            prefs.adpc,
            |on| change(Request::SetAdpc { on }, None),
        ))
}
