//! Every site with choices of its own: its overrides, pause and forget, with a search once
//! there are many.

use super::*;

/// The site search appears when there are more sites than this.
pub(super) const SEARCH_FROM: usize = 8;
/// The site search box.
pub(super) const SEARCH_ID: &str = "site-search";
/// The "showing N of M" line under the search box.
pub(super) const COUNT_ID: &str = "site-count";

pub(super) fn sites_section(prefs: &Preferences, query: &str) -> El {
    // The heading can take the focus, for when the control that had it went away.
    let mut block = El::new("section")
        .class("card")
        .attr("aria-labelledby", "sites-title")
        .child(
            El::new("h2")
                .attr("id", "sites-title")
                .attr("tabindex", "-1")
                .text(&t("optionsSitesTitle", &[])),
        );
    if prefs.sites.is_empty() {
        return block.child(
            El::new("p")
                .class("intro")
                .text(&t("optionsSitesNone", &[])),
        );
    }
    block = block.child(
        El::new("p")
            .class("intro")
            .text(&t("optionsSitesIntro", &[])),
    );
    if prefs.sites.len() > SEARCH_FROM {
        block = block.child(
            El::new("div")
                .class("search")
                .child(
                    El::new("label")
                        .attr("for", SEARCH_ID)
                        .text(&t("optionsSearchLabel", &[])),
                )
                .child(
                    El::new("input")
                        .attr("type", "search")
                        .attr("id", SEARCH_ID)
                        .attr("autocomplete", "off")
                        .attr("spellcheck", "false")
                        .attr("aria-controls", "site-list")
                        .attr("value", query)
                        .on("input", |event| {
                            let value = event
                                .target()
                                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
                                .map(|i| i.value())
                                .unwrap_or_default();
                            with_page(|p| p.query = value);
                            apply_filter();
                        }),
                )
                .child(
                    El::new("p")
                        .class("help")
                        .attr("id", COUNT_ID)
                        .attr("aria-live", "polite"),
                ),
        );
    }
    block.child(
        El::new("ul")
            .class("sites")
            .attr("id", "site-list")
            .children(
                prefs
                    .sites
                    .iter()
                    .map(|(site, choices)| site_item(site, choices)),
            ),
    )
}

/// Shows the sites whose name contains the search text (all of them when there is no search).
pub(super) fn apply_filter() {
    let Some(document) = dom::document() else {
        return;
    };
    let searching = document.get_element_by_id(SEARCH_ID).is_some();
    let query = if searching {
        with_page(|p| p.query.trim().to_lowercase())
    } else {
        String::new()
    };
    let Ok(items) = document.query_selector_all("#site-list > li") else {
        return;
    };
    let total = items.length();
    let mut shown = 0;
    for i in 0..total {
        let Some(item) = items.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
            continue;
        };
        let name = item.get_attribute("data-site").unwrap_or_default();
        let visible = query.is_empty() || name.to_lowercase().contains(&query);
        if visible {
            shown += 1;
            let _ = item.remove_attribute("hidden");
        } else {
            let _ = item.set_attribute("hidden", "");
        }
    }
    if let Some(count) = document.get_element_by_id(COUNT_ID) {
        count.set_text_content(Some(&t(
            "optionsSitesShown",
            &[&shown.to_string(), &total.to_string()],
        )));
    }
}

/// A select of allow / deny / back to the default; choosing the default removes the override.
pub(super) fn override_select(
    id: &str,
    label: &str,
    current: Choice,
    default_key: &str,
    change: impl Fn(Option<Choice>) + 'static,
) -> El {
    let option = |value: &str, text: &str, selected: bool| {
        El::new("option")
            .attr("value", value)
            .flag("selected", selected)
            .text(text)
    };
    El::new("div")
        .class("override")
        .child(El::new("label").attr("for", id).text(label))
        .child(
            El::new("select")
                .attr("id", id)
                .child(option(
                    "allow",
                    &t("optionsChoiceAllow", &[]),
                    current == Choice::Allow,
                ))
                .child(option(
                    "deny",
                    &t("optionsChoiceDeny", &[]),
                    current == Choice::Deny,
                ))
                .child(option("default", &t(default_key, &[]), false))
                .on("change", move |event| {
                    let value = event
                        .target()
                        .and_then(|t| t.dyn_into::<HtmlSelectElement>().ok())
                        .map(|s| s.value())
                        .unwrap_or_default();
                    change(match value.as_str() {
                        "allow" => Some(Choice::Allow),
                        "deny" => Some(Choice::Deny),
                        _ => None,
                    });
                }),
        )
}

pub(super) fn site_item(site: &Site, choices: &SiteChoices) -> El {
    let name = site.as_str().to_owned();
    let key = format!("site-{}", id_part(&name));
    let title_id = format!("{key}-title");
    let mut item = El::new("li")
        .class("site")
        .attr("data-site", &name)
        .attr("aria-labelledby", &title_id)
        .child(El::new("h3").attr("id", &title_id).text(&name));
    if let Some(pause) = choices.pause() {
        let words = match pause {
            Pause::Always => t("optionsSitePaused", &[]),
            Pause::UntilRestart => t("optionsSitePausedUntilRestart", &[]),
            Pause::Until(at) => {
                let date = js_sys::Date::new(&JsValue::from_f64(at as f64 * 1000.0));
                t(
                    "optionsSitePausedUntil",
                    &[&String::from(date.to_locale_time_string("default"))],
                )
            }
        };
        item = item.child(El::new("p").class("paused").text(&words));
    }
    if choices.leave_banner {
        let site_name = site.clone();
        let label = t("bannerAnswerHere", &[&name]);
        item = item.child(
            El::new("div")
                .class("field setting")
                .child(
                    El::new("span")
                        .class("label")
                        .text(&t("optionsLeaveBanner", &[])),
                )
                .child(ui::switch(
                    &format!("{key}-banner"),
                    &label,
                    false,
                    move |on| {
                        change(
                            Request::SetLeaveBanner {
                                site: site_name.clone(),
                                leave: !on,
                            },
                            None,
                        )
                    },
                )),
        );
    }
    for (i, id) in choices.adpc_consent.iter().enumerate() {
        let (site_name, request) = (site.clone(), id.clone());
        let label = t("adpcAllow", &[id, &name]);
        item = item.child(
            El::new("div")
                .class("field setting")
                .child(El::new("span").class("label").text(&label))
                .child(ui::switch(
                    &format!("{key}-adpc-{i}"),
                    &label,
                    true,
                    move |on| {
                        change(
                            Request::SetAdpcConsent {
                                site: site_name.clone(),
                                id: request.clone(),
                                allowed: on,
                            },
                            None,
                        )
                    },
                )),
        );
    }
    if choices.categories.is_empty()
        && choices.services.is_empty()
        && choices.cookies.is_empty()
        && !choices.leave_banner
        && choices.adpc_consent.is_empty()
    {
        item = item.child(
            El::new("p")
                .class("help")
                .text(&t("optionsSiteNoChoices", &[])),
        );
    }
    for (category, choice) in &choices.categories {
        let category = *category;
        let site_name = site.clone();
        item = item.child(override_select(
            &format!("{key}-category-{}", category.id()),
            &t("optionsCategoryOnSite", &[&category_name(category), &name]),
            *choice,
            "optionsChoiceDefault",
            move |choice| {
                change(
                    Request::SetCategory {
                        site: site_name.clone(),
                        category,
                        choice,
                    },
                    None,
                )
            },
        ));
    }
    for (service, choice) in &choices.services {
        let site_name = site.clone();
        let service_id = service.clone();
        item = item.child(override_select(
            &format!("{key}-service-{}", id_part(service)),
            &t("optionsServiceOnSite", &[service, &name]),
            *choice,
            "optionsChoiceCategory",
            move |choice| {
                change(
                    Request::SetService {
                        site: site_name.clone(),
                        service: service_id.clone(),
                        choice,
                    },
                    None,
                )
            },
        ));
    }
    if !choices.cookies.is_empty() {
        item = item.child(cookie_choices(site, &key, &choices.cookies));
    }
    let paused = choices.pause().is_some();
    let pause_id = format!("{key}-pause");
    let pause_site = site.clone();
    let pause_focus = pause_id.clone();
    let forget_site = site.clone();
    let forget_name = name.clone();
    item.child(
        El::new("div")
            .class("actions")
            .child(
                El::new("button")
                    .attr("type", "button")
                    .attr("id", &pause_id)
                    .attr(
                        "aria-label",
                        &t(
                            if paused {
                                "optionsResumeLabel"
                            } else {
                                "optionsPauseLabel"
                            },
                            &[&name],
                        ),
                    )
                    .text(&t(
                        if paused {
                            "optionsResume"
                        } else {
                            "optionsPause"
                        },
                        &[],
                    ))
                    .on("click", move |_| {
                        focus_after(&pause_focus);
                        change(
                            Request::SetPaused {
                                site: pause_site.clone(),
                                paused: !paused,
                                length: None,
                            },
                            None,
                        )
                    }),
            )
            .child(
                El::new("button")
                    .attr("type", "button")
                    .class("secondary")
                    .attr("id", &format!("{key}-forget"))
                    .attr("aria-label", &t("optionsForgetLabel", &[&name]))
                    .text(&t("optionsForget", &[]))
                    .on("click", move |_| {
                        let site = forget_site.clone();
                        focus_after("sites-title");
                        change(
                            Request::ForgetSite { site },
                            Some(t("optionsForgotten", &[&forget_name])),
                        )
                    }),
            ),
    )
}

/// The cookies the visitor always keeps or always deletes on a site, each removable.
fn cookie_choices(
    site: &Site,
    key: &str,
    cookies: &std::collections::BTreeMap<String, Choice>,
) -> El {
    let list_id = format!("{key}-cookies");
    El::new("div")
        .class("cookie-choices")
        .child(
            El::new("h4")
                .attr("id", &format!("{list_id}-title"))
                .text(&t("optionsCookieChoicesTitle", &[])),
        )
        .child(
            El::new("ul")
                .attr("aria-labelledby", &format!("{list_id}-title"))
                .children(cookies.iter().map(|(name, choice)| {
                    let site_name = site.clone();
                    let cookie = name.clone();
                    let focus_to = format!("{key}-forget");
                    El::new("li")
                        .class("cookie-choice")
                        .child(El::new("code").text(name))
                        .child(
                            El::new("span")
                                .class("state")
                                .text(&ui::cookie_choice_words(*choice)),
                        )
                        .child(
                            El::new("button")
                                .attr("type", "button")
                                .class("secondary")
                                .attr("id", &format!("{list_id}-{}", id_part(name)))
                                .attr(
                                    "aria-label",
                                    &t("popupCookieChoiceUndoName", &[name, site.as_str()]),
                                )
                                .text(&t("optionsRemove", &[]))
                                .on("click", move |_| {
                                    focus_after(&focus_to);
                                    change(
                                        Request::SetCookieChoice {
                                            site: site_name.clone(),
                                            name: cookie.clone(),
                                            choice: None,
                                        },
                                        None,
                                    )
                                }),
                        )
                })),
        )
}
