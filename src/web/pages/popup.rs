//! The popup: the per-site panel, rendered from the engine's [`SiteView`]. It asks the
//! background for the panel (`GetPanel`), renders it with [`El`] (text only, never HTML), and
//! sends each change of a switch or action back as a request, then renders the new panel.
//! Every string of ours comes from `_locales`; texts from the site's policy arrive already in the
//! visitor's language, and the engine's data (lifetimes, findings, reasons) is put into words by
//! [`super::ui`].
//!
//! The first screen answers "what is this site doing, and what did Cookie Warden do": the site
//! and where its declaration came from, one summary line (the same counts as the toolbar
//! badge), the actions, and one row per category with its switch, its state in words and its
//! counts. Everything else is folded and built when opened: a category's services, a service's
//! cookies (each with "always keep" / "always delete on this site"), the undeclared cookies and
//! findings, the recent activity, the visitor's rights.

use super::dom::{self, El};
use super::ui::{
    self, category_name, finding_text, fold, fold_parts, id_part, lifetime_words, reason_text,
    state_words, switch,
};
use crate::activity::{Action, Event};
use crate::consent::{AutoAction, BannerView, Leave, Outcome, Wishes};
use crate::domain::Site;
use crate::policy::{CategoryId, Right};
use crate::prefs::{Choice, ChoiceSource, Pause, PauseLength};
use crate::protocol::{Request, Response};
use crate::view::{CategoryView, CookieRow, ServiceView, SiteView, Source, Status};
use crate::web::browser::{self, from_js, message as t, send_message};
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// A description longer than this is folded.
const SHORT_DESCRIPTION: usize = 160;

/// The element questions are asked in (switching Necessary off).
const CONFIRM_SLOT: &str = "confirm-slot";

/// Renders the popup for the tab named by `?tab=ID`, else the active tab.
#[wasm_bindgen(js_name = renderPopup)]
pub async fn render_popup() -> Result<(), JsValue> {
    let started = web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now());
    if let Some(document) = dom::document() {
        if let Some(root) = document.document_element() {
            let _ = root.set_attribute("lang", &browser::ui_language());
        }
    }
    let tab_id = match tab_from_query() {
        Some(id) => {
            // popup.html?tab=ID in a tab of its own: a wider view.
            if let Some(body) = dom::document().and_then(|d| d.body()) {
                let _ = body.class_list().add_1("wide");
            }
            Some(id)
        }
        None => browser::active_tab_id().await,
    };
    let Some(tab_id) = tab_id else {
        dom::mount("app", notice(&t("popupNoTab", &[])));
        return Ok(());
    };
    refresh(tab_id).await;
    if let (Some(start), Some(body)) = (started, dom::document().and_then(|d| d.body())) {
        let now = web_sys::window()
            .and_then(|w| w.performance())
            .map_or(start, |p| p.now());
        // From the render's start, and from the popup's opening (its module's load included).
        let _ = body.set_attribute("data-render-ms", &format!("{:.1}", now - start));
        let _ = body.set_attribute("data-open-ms", &format!("{now:.1}"));
    }
    Ok(())
}

fn tab_from_query() -> Option<i32> {
    let search = web_sys::window()?.location().search().ok()?;
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok()?;
    params.get("tab")?.parse().ok()
}

fn language() -> String {
    web_sys::window()
        .and_then(|w| w.navigator().language())
        .unwrap_or_else(browser::ui_language)
}

/// Asks for the panel again and renders it.
async fn refresh(tab_id: i32) {
    // The first screen needs no services: they are asked for once a category is open (a site
    // may declare a thousand).
    let request = Request::GetPanel {
        tab_id,
        language: Some(language()),
        brief: !ui::any_open("fold-cat-"),
    };
    let answer = send_message(&request).await.and_then(from_js::<Response>);
    dom::forget_listeners();
    let content = match answer {
        Ok(Response::Panel {
            view,
            deleted_in_tab,
            blocked_in_tab,
        }) => panel(tab_id, &view, deleted_in_tab, blocked_in_tab),
        Ok(Response::NoSite) => notice(&t("popupNoSite", &[])),
        Ok(Response::Error { message }) => notice(&message),
        Ok(_) | Err(_) => notice(&t("popupNoAnswer", &[])),
    };
    let content = if browser::has_site_access().await {
        content
    } else {
        El::new("div").child(access_request(tab_id)).child(content)
    };
    // Whatever had the focus is replaced: it goes back to the control of the same id.
    let focused = dom::document()
        .and_then(|d| d.active_element())
        .map(|e| e.id())
        .filter(|id| !id.is_empty());
    dom::mount("app", content);
    if let Some(element) = focused
        .and_then(|id| dom::document()?.get_element_by_id(&id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = element.focus();
    }
    if let Some(body) = dom::document().and_then(|d| d.body()) {
        let _ = body.set_attribute("data-ready", "true");
    }
}

/// Sends a change, then re-renders.
fn act(tab_id: i32, request: Request) {
    wasm_bindgen_futures::spawn_local(async move {
        if let Some(body) = dom::document().and_then(|d| d.body()) {
            let _ = body.set_attribute("data-ready", "false");
        }
        let _ = send_message(&request).await;
        refresh(tab_id).await;
    });
}

/// Shown when the browser has not granted access to websites (Firefox: opt-in for permanent
/// installs): without it Cookie Warden can neither read policies nor delete cookies.
fn access_request(tab_id: i32) -> El {
    El::new("aside")
        .class("access")
        .attr("role", "alert")
        .child(El::new("p").text(&t("popupAccessWhy", &[])))
        .child(
            El::new("button")
                .attr("type", "button")
                .text(&t("popupAccessGrant", &[]))
                .on("click", move |_| {
                    // Called within the click, as browsers require for permission prompts.
                    if let Some(promise) = browser::request_site_access() {
                        wasm_bindgen_futures::spawn_local(async move {
                            let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
                            refresh(tab_id).await;
                        });
                    }
                }),
        )
}

fn notice(text: &str) -> El {
    El::new("main").child(El::new("p").class("notice").text(text))
}

thread_local! {
    /// Whether the panel on screen was rendered from a brief answer (no services).
    static BRIEF: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn brief_view() -> bool {
    BRIEF.with(std::cell::Cell::get)
}

fn panel(tab_id: i32, view: &SiteView, deleted: u32, blocked: u32) -> El {
    BRIEF.with(|b| b.set(view.brief));
    let site = view.site.clone();
    let guessing = matches!(view.source, Source::Guessing | Source::Invalid { .. });
    let categories = El::new("div")
        .class("categories")
        .attr("role", "group")
        .attr("aria-label", &t("popupCategoriesOn", &[site.as_str()]))
        .children(
            view.categories
                .iter()
                .map(|c| category_row(tab_id, &site, c, guessing)),
        );
    El::new("main")
        .child(header(view))
        .child(summary(view, deleted, blocked))
        .child(actions(tab_id, view))
        .child(El::new("div").attr("id", CONFIRM_SLOT))
        .child(categories)
        .child(banner_section(tab_id, view))
        .child(adpc_section(tab_id, view))
        .child(other_section(tab_id, view, guessing))
        .child(activity_section(view))
        .child(rights_section(view))
}

fn header(view: &SiteView) -> El {
    let mut source = match &view.source {
        Source::Declared { url } => t("popupSourceDeclared", &[url]),
        Source::Tcf { url } => t("popupSourceTcf", &[url]),
        Source::ConsentPlatform { url, platform } => {
            t("popupSourceConsentPlatform", &[platform, url])
        }
        Source::Invalid { url } => t("popupSourceInvalid", &[url]),
        Source::Guessing => t("popupSourceGuessing", &[]),
    };
    if let (Some(ago), false) = (
        view.read_seconds_ago,
        matches!(view.source, Source::Guessing),
    ) {
        source = format!(
            "{source} · {}",
            t("popupReadAgo", &[&ui::seconds_words(ago.max(60) / 60 * 60)])
        );
    }
    El::new("header")
        .child(El::new("h1").text(view.site.as_str()))
        .child(El::new("p").class("source").text(&source))
}

/// The site's totals in this browser session: deletions and blocked requests.
fn site_totals(view: &SiteView) -> (u64, u64) {
    let deleted = view
        .categories
        .iter()
        .map(|c| u64::from(c.deleted))
        .sum::<u64>()
        + u64::from(view.deleted_other);
    let blocked = view
        .categories
        .iter()
        .map(|c| u64::from(c.blocked))
        .sum::<u64>()
        + u64::from(view.blocked_other);
    (deleted, blocked)
}

fn pause_words(pause: Pause) -> String {
    match pause {
        Pause::Until(at) => t("popupPausedUntil", &[&clock(at)]),
        Pause::UntilRestart => t("popupPausedUntilRestart", &[]),
        Pause::Always => t("popupPausedAlways", &[]),
    }
}

/// A time today as the visitor's locale writes it (`14:05`).
fn clock(at: u64) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(at as f64 * 1000.0));
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"hour".into(), &"2-digit".into());
    let _ = js_sys::Reflect::set(&options, &"minute".into(), &"2-digit".into());
    String::from(date.to_locale_time_string_with_options(&language(), &options))
}

/// One line: what happened here (the badge's numbers) and which categories are off.
fn summary(view: &SiteView, deleted: u32, blocked: u32) -> El {
    let text = match view.pause {
        Some(pause) => pause_words(pause),
        None => {
            let counts = t(
                "popupSummaryCounts",
                &[&deleted.to_string(), &blocked.to_string()],
            );
            let off: Vec<String> = view
                .categories
                .iter()
                .filter(|c| !c.choice.is_allow())
                .map(|c| category_name(c.id))
                .collect();
            let state = match off.len() {
                0 => t("popupSummaryAllAllowed", &[]),
                1 => t("popupSummaryOffOne", &[&off[0]]),
                _ => t("popupSummaryOffMany", &[&off.join(", ")]),
            };
            format!("{counts}; {state}")
        }
    };
    let (site_deleted, site_blocked) = site_totals(view);
    let mut line = El::new("div").class("summary-block").child(
        El::new("p")
            .class(if view.paused {
                "summary paused"
            } else {
                "summary"
            })
            .attr("id", "summary")
            .attr("aria-live", "polite")
            .text(&text),
    );
    // Other tabs (or earlier visits in this browser session) did more on the site than this tab.
    if (site_deleted, site_blocked) != (u64::from(deleted), u64::from(blocked)) {
        line = line.child(El::new("p").class("site-totals").text(&t(
            "popupSummarySite",
            &[
                view.site.as_str(),
                &site_deleted.to_string(),
                &site_blocked.to_string(),
            ],
        )));
    }
    line
}

fn button(label: &str, accessible: Option<&str>, on_click: impl Fn() + 'static) -> El {
    let mut b = El::new("button").attr("type", "button").text(label);
    if let Some(name) = accessible {
        b = b.attr("aria-label", name);
    }
    b.on("click", move |_| on_click())
}

fn actions(tab_id: i32, view: &SiteView) -> El {
    let site = view.site.clone();
    let delete_site = site.clone();
    let refresh_site = site.clone();
    let mut row = El::new("div")
        .class("actions")
        .attr("role", "group")
        .attr("aria-label", &t("popupActions", &[site.as_str()]))
        .child(
            button(&t("popupDeleteNow", &[]), None, move || {
                act(
                    tab_id,
                    Request::DeleteNow {
                        site: delete_site.clone(),
                    },
                )
            })
            .attr("id", "action-delete"),
        )
        .child(
            button(&t("popupRefreshPolicy", &[]), None, move || {
                act(
                    tab_id,
                    Request::RefreshPolicy {
                        site: refresh_site.clone(),
                        tab_id: Some(tab_id),
                        page_url: None,
                    },
                )
            })
            .attr("id", "action-refresh"),
        );
    if view.paused {
        let resume_site = site.clone();
        row = row.child(
            button(&t("popupResume", &[site.as_str()]), None, move || {
                act(
                    tab_id,
                    Request::SetPaused {
                        site: resume_site.clone(),
                        paused: false,
                        length: None,
                    },
                )
            })
            .attr("id", "action-resume"),
        );
        return row;
    }
    let menu_site = site.clone();
    row.child(fold(
        "action-pause",
        El::new("span").text(&t("popupTrust", &[])),
        move || {
            let choices = [
                (PauseLength::Hour, "popupTrustHour", "popupTrustHourName"),
                (
                    PauseLength::UntilRestart,
                    "popupTrustSession",
                    "popupTrustSessionName",
                ),
                (
                    PauseLength::Always,
                    "popupTrustAlways",
                    "popupTrustAlwaysName",
                ),
            ];
            El::new("div")
                .class("menu")
                .children(choices.map(|(length, key, name)| {
                    let site = menu_site.clone();
                    button(
                        &t(key, &[]),
                        Some(&t(name, &[menu_site.as_str()])),
                        move || {
                            act(
                                tab_id,
                                Request::SetPaused {
                                    site: site.clone(),
                                    paused: true,
                                    length: Some(length),
                                },
                            )
                        },
                    )
                }))
        },
    ))
}

/// A Necessary switch turned off asks first, saying what it breaks.
fn guarded(
    switch_id: String,
    category: CategoryId,
    site: &Site,
    apply: impl Fn(bool) + 'static,
) -> impl Fn(bool) + 'static {
    let site_name = site.to_string();
    let apply = Rc::new(apply);
    move |on| {
        if on || category != CategoryId::Necessary {
            apply(on);
            return;
        }
        let apply = apply.clone();
        let id = switch_id.clone();
        ui::confirm(
            CONFIRM_SLOT,
            &ui::necessary_warning(Some(&site_name)),
            &t("necessaryOffYes", &[]),
            &t("necessaryOffNo", &[]),
            move |yes| {
                if yes {
                    apply(false);
                } else {
                    ui::set_switch(&id, true);
                }
            },
        );
    }
}

fn counts_words(stored: u32, deleted: u32, blocked: u32) -> String {
    t(
        "popupCategoryCounts",
        &[
            &stored.to_string(),
            &deleted.to_string(),
            &blocked.to_string(),
        ],
    )
}

fn category_row(tab_id: i32, site: &Site, category: &CategoryView, guessing: bool) -> El {
    let name = category_name(category.id);
    let allowed = category.choice == Choice::Allow;
    let key = category.id.id();
    let switch_id = format!("cat-{key}");
    let category_id = category.id;
    let change_site = site.clone();
    let toggle = guarded(switch_id.clone(), category_id, site, move |on| {
        act(
            tab_id,
            Request::SetCategory {
                site: change_site.clone(),
                category: category_id,
                choice: Some(Choice::from_allowed(on)),
            },
        )
    });
    let head = El::new("span")
        .child(El::new("span").class("category-name").text(&name))
        .child(El::new("span").class("counts").text(&counts_words(
            category.stored,
            category.deleted,
            category.blocked,
        )));
    let detail_site = site.clone();
    let detail = category.clone();
    let (toggle_button, body) = fold_parts(&format!("fold-cat-{key}"), head, move || {
        category_detail(tab_id, &detail_site, &detail, guessing)
    });
    let row = El::new("div")
        .class("row")
        .child(El::new("h2").class("row-title").child(toggle_button))
        .child(
            El::new("span")
                .class("state")
                .text(&state_words(category.choice, Some(category.source))),
        )
        .child(switch(
            &switch_id,
            &t("popupAllowCategory", &[&name, site.as_str()]),
            allowed,
            toggle,
        ));
    El::new("section")
        .class(if allowed {
            "category allowed"
        } else {
            "category denied"
        })
        .attr("data-category", key)
        .child(row)
        .child(body)
}

fn description(text: &str, id: &str) -> El {
    if text.chars().count() <= SHORT_DESCRIPTION {
        return El::new("p").class("description").text(text);
    }
    let text = text.to_owned();
    fold(
        id,
        El::new("span").text(&t("popupMoreAbout", &[])),
        move || El::new("p").class("description").text(&text),
    )
}

fn category_detail(tab_id: i32, site: &Site, category: &CategoryView, guessing: bool) -> El {
    if category.services.is_empty() && brief_view() {
        // The services were left out of the first answer: the whole panel is asked for again,
        // and renders with this category open.
        wasm_bindgen_futures::spawn_local(async move {
            if let Some(body) = dom::document().and_then(|d| d.body()) {
                let _ = body.set_attribute("data-ready", "false");
            }
            refresh(tab_id).await;
        });
        return El::new("p")
            .class("detail loading")
            .attr("aria-busy", "true")
            .text(&t("popupLoading", &[]));
    }
    let key = category.id.id();
    let mut block = El::new("div").class("detail");
    let name = category_name(category.id);
    if let Some(label) = category.declared_label.as_ref().filter(|l| **l != name) {
        block = block.child(
            El::new("p")
                .class("site-label")
                .text(&t("popupSiteCallsIt", &[label])),
        );
    }
    if let Some(text) = &category.description {
        block = block.child(description(text, &format!("desc-cat-{key}")));
    }
    if category.id == CategoryId::Necessary {
        block = block.child(
            El::new("p")
                .class("help")
                .text(&t("popupNecessaryNote", &[])),
        );
    }
    if category.source != ChoiceSource::Default {
        let reset_site = site.clone();
        let category_id = category.id;
        block = block.child(
            button(&t("popupUseDefault", &[&name]), None, move || {
                act(
                    tab_id,
                    Request::SetCategory {
                        site: reset_site.clone(),
                        category: category_id,
                        choice: None,
                    },
                )
            })
            .class("link"),
        );
    }
    if category.services.is_empty() {
        let key = if guessing {
            "popupNoServicesGuessing"
        } else {
            "popupNoServices"
        };
        return block.child(El::new("p").class("help").text(&t(key, &[])));
    }
    block.child(
        El::new("ul").class("services").children(
            category
                .services
                .iter()
                .map(|s| El::new("li").child(service(tab_id, site, category.id, s))),
        ),
    )
}

fn service(tab_id: i32, site: &Site, shown_in: CategoryId, service: &ServiceView) -> El {
    let allowed = service.choice == Choice::Allow;
    let key = id_part(&service.id);
    let switch_id = format!("svc-{key}");
    let change_site = site.clone();
    let service_id = service.id.clone();
    let title = match &service.provider {
        Some(provider) => t("popupServiceBy", &[&service.name, provider]),
        None => service.name.clone(),
    };
    let toggle = guarded(switch_id.clone(), shown_in, site, move |on| {
        act(
            tab_id,
            Request::SetService {
                site: change_site.clone(),
                service: service_id.clone(),
                choice: Some(Choice::from_allowed(on)),
            },
        )
    });
    let stored = service
        .cookies
        .iter()
        .filter(|r| matches!(r.status, Status::Kept | Status::Deleting))
        .count();
    let head = El::new("span")
        .child(El::new("span").class("service-name").text(&title))
        .child(El::new("span").class("counts").text(&t(
            "popupServiceCounts",
            &[&service.cookies.len().to_string(), &stored.to_string()],
        )));
    let detail_site = site.clone();
    let detail = service.clone();
    let (toggle_button, body) = fold_parts(&format!("fold-svc-{key}"), head, move || {
        service_detail(tab_id, &detail_site, shown_in, &detail)
    });
    El::new("div")
        .class("service")
        .attr("data-service", &service.id)
        .child(
            El::new("div")
                .class("row")
                .child(El::new("h3").class("row-title").child(toggle_button))
                .child(
                    El::new("span")
                        .class("state")
                        .text(&state_words(service.choice, Some(service.source))),
                )
                .child(switch(
                    &switch_id,
                    &t("popupAllowService", &[&service.name, site.as_str()]),
                    allowed,
                    toggle,
                )),
        )
        .child(body)
}

fn service_detail(tab_id: i32, site: &Site, shown_in: CategoryId, service: &ServiceView) -> El {
    let key = id_part(&service.id);
    let mut block = El::new("div").class("detail");
    if let Some(text) = &service.description {
        block = block.child(description(text, &format!("desc-svc-{key}")));
    }
    if let Some(url) = &service.privacy_policy {
        block = block.child(
            El::new("a")
                .attr("href", url)
                .attr("target", "_blank")
                .attr("rel", "noopener noreferrer")
                .text(&t("popupPrivacyPolicy", &[&service.name])),
        );
    }
    if let Some(c) = &service.correction {
        block = block.child(El::new("p").class("corrected").text(&t(
            "popupCorrected",
            &[
                &category_name(c.declared),
                &category_name(shown_in),
                &c.evidence,
                &c.known_as,
            ],
        )));
    }
    if !service.blocked_domains.is_empty() {
        block = block.child(
            El::new("p")
                .class("blocked")
                .text(&t("popupBlocks", &[&service.blocked_domains.join(", ")])),
        );
    }
    if service.cookies.is_empty() {
        return block.child(El::new("p").class("help").text(&t("popupNoCookies", &[])));
    }
    block.child(cookie_list(
        tab_id,
        site,
        &service.cookies,
        &t("popupCookiesOf", &[&service.name]),
        false,
    ))
}

fn status_text(row: &CookieRow) -> String {
    match row.status {
        Status::Kept => t("statusKept", &[]),
        Status::Deleting => t("statusDeleting", &[]),
        Status::Deleted => t("statusDeleted", &[&row.deleted_count.to_string()]),
        Status::NotStored => t("statusNotStored", &[]),
        Status::NotChecked => t("statusNotChecked", &[]),
    }
}

/// Whether a row names one real cookie (not a pattern, not web storage), so that a choice for
/// that name can be offered.
fn choosable(row: &CookieRow) -> bool {
    row.status != Status::NotChecked && !row.name.contains('*') && !row.name.is_empty()
}

/// "Always keep" and "always delete" for one cookie on this site, or the choice made and a way
/// back.
fn cookie_choice(tab_id: i32, site: &Site, row: &CookieRow) -> El {
    let send = move |site: Site, name: String, choice: Option<Choice>| {
        move || {
            act(
                tab_id,
                Request::SetCookieChoice {
                    site: site.clone(),
                    name: name.clone(),
                    choice,
                },
            )
        }
    };
    let name = row.name.clone();
    let key = format!("{}-{}", id_part(site.as_str()), id_part(&name));
    let mut block = El::new("div")
        .class("cookie-choice")
        .attr("role", "group")
        .attr(
            "aria-label",
            &t("popupCookieChoiceGroup", &[&name, site.as_str()]),
        );
    match row.choice {
        Some(choice) => {
            block = block
                .child(
                    El::new("span")
                        .class("chosen")
                        .text(&ui::cookie_choice_words(choice)),
                )
                .child(
                    button(
                        &t("popupCookieChoiceUndo", &[]),
                        Some(&t("popupCookieChoiceUndoName", &[&name, site.as_str()])),
                        send(site.clone(), name.clone(), None),
                    )
                    .class("link")
                    .attr("id", &format!("undo-{key}")),
                );
        }
        None => {
            for (choice, text, accessible, id) in [
                (
                    Choice::Allow,
                    "popupAlwaysKeep",
                    "popupAlwaysKeepName",
                    "keep",
                ),
                (
                    Choice::Deny,
                    "popupAlwaysDelete",
                    "popupAlwaysDeleteName",
                    "delete",
                ),
            ] {
                block = block.child(
                    button(
                        &t(text, &[]),
                        Some(&t(accessible, &[&name, site.as_str()])),
                        send(site.clone(), name.clone(), Some(choice)),
                    )
                    .class("secondary")
                    .attr("id", &format!("{id}-{key}")),
                );
            }
        }
    }
    block
}

fn cookie_list(tab_id: i32, site: &Site, rows: &[CookieRow], label: &str, show_kind: bool) -> El {
    El::new("ul")
        .class("cookies")
        .attr("aria-label", label)
        .children(rows.iter().map(|row| {
            let status_class = format!(
                "status status-{}",
                format!("{:?}", row.status).to_lowercase()
            );
            let mut item = El::new("li").class("cookie").child(
                El::new("div")
                    .class("cookie-head")
                    .child(El::new("code").class("cookie-name").text(&row.name))
                    .child(El::new("span").class(&status_class).text(&status_text(row))),
            );
            if show_kind {
                let category = row
                    .category
                    .map(category_name)
                    .unwrap_or_else(|| t("popupUnknown", &[]));
                let kind = if row.inferred {
                    t("popupGuess", &[&category])
                } else {
                    category
                };
                let who = row
                    .service
                    .as_deref()
                    .map(|s| format!(" · {s}"))
                    .unwrap_or_default();
                item = item.child(El::new("p").class("kind").text(&format!("{kind}{who}")));
            }
            if let Some(purpose) = &row.purpose {
                item = item.child(El::new("p").class("purpose").text(purpose));
            }
            let declared = row
                .declared_expiry
                .map_or_else(|| "—".to_owned(), lifetime_words);
            // A guess from the known-cookie table is what such a cookie usually lasts, not a
            // declaration.
            let mut times = t(
                if row.inferred {
                    "popupUsualExpiry"
                } else {
                    "popupDeclaredExpiry"
                },
                &[&declared],
            );
            if let Some(actual) = row.actual_expiry {
                times = format!(
                    "{times} · {}",
                    t("popupActualExpiry", &[&lifetime_words(actual)])
                );
            }
            item = item.child(El::new("p").class("expiry").text(&times));
            if let Some(reason) = &row.reason {
                item = item.child(El::new("p").class("reason").text(&reason_text(reason)));
            }
            for f in &row.findings {
                item = item.child(
                    El::new("p")
                        .class("finding")
                        .text(&finding_text(&f.finding)),
                );
            }
            if choosable(row) {
                item = item.child(cookie_choice(tab_id, site, row));
            }
            item
        }))
}

fn count_head(title: &str, count: usize) -> El {
    El::new("span")
        .child(El::new("span").class("fold-title").text(title))
        .child(El::new("span").class("count").text(&format!(" ({count})")))
}

fn other_section(tab_id: i32, view: &SiteView, guessing: bool) -> El {
    let title = t(
        if guessing {
            "popupInferredTitle"
        } else {
            "popupUndeclaredTitle"
        },
        &[],
    );
    let count = view.other_cookies.len() + view.findings.len() + view.diagnostics.len();
    let detail = view.clone();
    let list_title = title.clone();
    El::new("section").class("other").child(fold(
        "fold-other",
        count_head(&title, count),
        move || other_detail(tab_id, &detail, guessing, &list_title),
    ))
}

fn other_detail(tab_id: i32, view: &SiteView, guessing: bool, title: &str) -> El {
    let mut block = El::new("div").class("detail");
    if guessing {
        block = block.child(
            El::new("p")
                .class("description")
                .text(&t("popupGuessingNote", &[])),
        );
    }
    for f in &view.findings {
        block = block.child(
            El::new("p")
                .class("finding")
                .text(&finding_text(&f.finding)),
        );
    }
    if !view.diagnostics.is_empty() {
        let errors = matches!(view.source, Source::Invalid { .. });
        block = block
            .child(El::new("p").class("diagnostics-title").text(&t(
                if errors {
                    "popupPolicyErrors"
                } else {
                    "popupPolicyWarnings"
                },
                &[&view.diagnostics.len().to_string()],
            )))
            .child(
                El::new("ul")
                    .class(if errors {
                        "diagnostics errors"
                    } else {
                        "diagnostics"
                    })
                    .children(view.diagnostics.iter().map(|d| {
                        El::new("li")
                            .child(El::new("code").text(d.place.as_str()))
                            .child(El::new("span").text(&format!(": {}", d.message)))
                    })),
            );
    }
    block = if view.other_cookies.is_empty() {
        block.child(El::new("p").text(&t("popupNoOtherCookies", &[])))
    } else {
        block.child(cookie_list(
            tab_id,
            &view.site,
            &view.other_cookies,
            title,
            true,
        ))
    };
    if view.other_deletions > 0 {
        block = block.child(El::new("p").class("other-deletions").text(&t(
            "popupOtherDeletions",
            &[&view.other_deletions.to_string()],
        )));
    }
    block
}

fn event_text(event: &Event) -> String {
    match &event.action {
        Action::Deleted { reason } => t("activityDeleted", &[&event.subject, &reason_text(reason)]),
        Action::Blocked { service } => {
            let what = match (event.category, service) {
                (Some(category), Some(service)) => {
                    t("activityService", &[&category_name(category), service])
                }
                (Some(category), None) => category_name(category),
                (None, _) => t("activityUnknown", &[]),
            };
            t("activityBlocked", &[&event.subject, &what])
        }
    }
}

fn activity_section(view: &SiteView) -> El {
    let events = view.activity.clone();
    El::new("section").class("activity").child(fold(
        "fold-activity",
        count_head(&t("popupActivityTitle", &[]), events.len()),
        move || {
            if events.is_empty() {
                return El::new("p").text(&t("popupActivityNone", &[]));
            }
            El::new("ol")
                .class("events")
                .children(events.iter().map(|event| {
                    El::new("li")
                        .child(El::new("time").class("at").text(&clock(event.at)))
                        .child(El::new("span").text(&format!(" {}", event_text(event))))
                }))
        },
    ))
}

/// "Statistics off" for each category the platform was told about.
fn wishes_words(wishes: &Wishes) -> String {
    [
        (CategoryId::Functional, wishes.functional),
        (CategoryId::Statistics, wishes.statistics),
        (CategoryId::Marketing, wishes.marketing),
    ]
    .into_iter()
    .map(|(category, on)| {
        let name = category_name(category);
        if on {
            t("bannerCategoryOn", &[&name])
        } else {
            t("bannerCategoryOff", &[&name])
        }
    })
    .collect::<Vec<_>>()
    .join(", ")
}

fn leave_words(why: Leave, cmp: &str) -> String {
    match why {
        Leave::Off => t("bannerLeftOff", &[cmp]),
        Leave::Paused => t("bannerLeftPaused", &[cmp]),
        Leave::Excepted => t("bannerLeftExcepted", &[cmp]),
        Leave::Mixed => t("bannerLeftMixed", &[cmp]),
    }
}

/// What became of the page's consent banner, in words.
fn banner_words(banner: &BannerView) -> String {
    match (&banner.outcome, banner.refusal) {
        (
            Some(Outcome::Answered {
                platform,
                wishes,
                already: true,
                ..
            }),
            _,
        ) => t("bannerAlready", &[platform.name(), &wishes_words(wishes)]),
        (
            Some(Outcome::Answered {
                platform, wishes, ..
            }),
            _,
        ) => t("bannerTold", &[platform.name(), &wishes_words(wishes)]),
        (Some(Outcome::Automatic { cmp, action }), _) => match action {
            AutoAction::OptOut => t("bannerOptedOut", &[cmp]),
            AutoAction::OptIn => t("bannerOptedIn", &[cmp]),
        },
        (Some(Outcome::Failed { cmp, .. }), _) => t("bannerFailed", &[cmp]),
        (Some(Outcome::Left { cmp, why }), _) => leave_words(*why, cmp),
        (None, Some(Leave::Off)) => t("bannerOff", &[]),
        (None, Some(Leave::Paused)) => t("bannerPaused", &[]),
        (None, Some(Leave::Excepted)) => t("bannerExcepted", &[]),
        (None, _) => t("bannerNone", &[]),
    }
}

/// The consent banner: what was answered (on the first screen), and in its fold the answer
/// again and this site's exception.
fn banner_section(tab_id: i32, view: &SiteView) -> El {
    let Some(banner) = view.banner.clone() else {
        return El::new("div");
    };
    let site = view.site.clone();
    let failed = matches!(banner.outcome, Some(Outcome::Failed { .. }));
    let mut line = El::new("p")
        .class("banner-status")
        .attr("id", "banner-status")
        .text(&banner_words(&banner));
    if failed {
        line = line.class("warning");
    }
    let detail = banner.clone();
    El::new("section")
        .class("banner")
        .attr("aria-label", &t("bannerTitle", &[]))
        .child(line)
        .child(fold(
            "fold-banner",
            El::new("span").text(&t("bannerTitle", &[])),
            move || {
                let mut body = El::new("div").class("detail");
                if detail.stale {
                    body = body.child(El::new("p").text(&t("bannerStale", &[])));
                }
                if detail.refusal.is_none() && detail.outcome.is_some() {
                    body = body.child(button(&t("bannerAgain", &[]), None, move || {
                        act(tab_id, Request::AnswerBanner { tab_id });
                    }));
                }
                let answer = !detail.excepted;
                let site_for = site.clone();
                let name = t("bannerAnswerHere", &[site.as_str()]);
                body.child(
                    El::new("div")
                        .class("setting")
                        .child(El::new("span").class("label").text(&name))
                        .child(switch("banner-answer", &name, answer, move |on| {
                            act(
                                tab_id,
                                Request::SetLeaveBanner {
                                    site: site_for.clone(),
                                    leave: !on,
                                },
                            );
                        })),
                )
                .child(El::new("p").class("hint").text(&t("bannerHow", &[])))
            },
        ))
}

/// The ADPC signal: what is sent to the site, and its consent requests with a switch each.
fn adpc_section(tab_id: i32, view: &SiteView) -> El {
    let Some(adpc) = view.adpc.clone() else {
        return El::new("div");
    };
    let site = view.site.clone();
    El::new("section").class("adpc").child(fold(
        "fold-adpc",
        count_head(&t("adpcTitle", &[]), adpc.requests.len()),
        move || {
            let mut body = El::new("div").class("detail");
            match &adpc.signal {
                None => body = body.child(El::new("p").text(&t("adpcOff", &[]))),
                Some(signal) => {
                    let mut said = vec![t("adpcWithdrawAll", &[])];
                    if signal.object_direct_marketing {
                        said.push(t("adpcObjectMarketing", &[]));
                    }
                    if !signal.consent.is_empty() {
                        said.push(t("adpcConsentTo", &[&signal.consent.join(", ")]));
                    }
                    body = body
                        .child(El::new("p").text(&t("adpcSent", &[&said.join("; ")])))
                        .child(
                            El::new("code")
                                .class("adpc-header")
                                .attr("id", "adpc-header")
                                .text(&format!(
                                    "ADPC: {}",
                                    adpc.sent.as_deref().unwrap_or_default()
                                )),
                        );
                }
            }
            if adpc.requests.is_empty() {
                return body.child(El::new("p").text(&t("adpcNoRequests", &[])));
            }
            body = body.child(El::new("p").text(&t("adpcRequestsIntro", &[])));
            let list = El::new("ul").class("adpc-requests").children(
                adpc.requests.iter().enumerate().map(|(i, request)| {
                    let name = t("adpcAllow", &[&request.id, site.as_str()]);
                    let (site, id) = (site.clone(), request.id.clone());
                    El::new("li")
                        .class("setting")
                        .child(
                            El::new("span")
                                .class("label")
                                .child(El::new("span").text(&request.text))
                                .child(El::new("code").text(&format!(" {}", request.id))),
                        )
                        .child(switch(
                            &format!("adpc-{i}"),
                            &name,
                            request.allowed,
                            move |on| {
                                act(
                                    tab_id,
                                    Request::SetAdpcConsent {
                                        site: site.clone(),
                                        id: id.clone(),
                                        allowed: on,
                                    },
                                );
                            },
                        ))
                }),
            );
            body = body.child(list);
            if adpc.dropped > 0 {
                body = body.child(
                    El::new("p")
                        .class("hint")
                        .text(&t("adpcDropped", &[&adpc.dropped.to_string()])),
                );
            }
            body
        },
    ))
}

fn right_name(right: Right) -> String {
    t(
        match right {
            Right::Access => "rightAccess",
            Right::Rectification => "rightRectification",
            Right::Erasure => "rightErasure",
            Right::Restriction => "rightRestriction",
            Right::Portability => "rightPortability",
            Right::Objection => "rightObjection",
            Right::WithdrawConsent => "rightWithdrawConsent",
            Right::Complaint => "rightComplaint",
        },
        &[],
    )
}

fn rights_section(view: &SiteView) -> El {
    let detail = view.clone();
    El::new("section").class("rights").child(fold(
        "fold-rights",
        El::new("span").text(&t("popupRightsTitle", &[])),
        move || rights_detail(&detail),
    ))
}

fn rights_detail(view: &SiteView) -> El {
    let mut section = El::new("div").class("detail");
    if let Some(url) = &view.policy_url {
        section = section.child(
            El::new("a")
                .attr("href", url)
                .attr("target", "_blank")
                .attr("rel", "noopener noreferrer")
                .text(&t("popupOpenPolicy", &[])),
        );
    }
    if let Some(updated) = &view.updated {
        section = section.child(
            El::new("p")
                .class("updated")
                .text(&t("popupUpdated", &[updated])),
        );
    }
    if view.rights.is_empty() {
        section = section.child(El::new("p").text(&t("popupNoRights", &[])));
    } else {
        section = section.child(
            El::new("ul").children(
                view.rights
                    .iter()
                    .map(|r| El::new("li").text(&right_name(*r))),
            ),
        );
    }
    let Some(controller) = &view.controller else {
        return section;
    };
    section = section.child(
        El::new("p")
            .class("controller")
            .text(&t("popupController", &[&controller.name])),
    );
    let contact: Vec<&str> = [
        Some(controller.name.as_str()),
        controller.address.as_deref(),
        controller.email.as_deref(),
        controller.phone.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect();
    section = section.child(El::new("address").text(&contact.join("\n")));
    if let Some(email) = &controller.email {
        let stored: Vec<String> = view
            .categories
            .iter()
            .flat_map(|c| &c.services)
            .flat_map(|s| &s.cookies)
            .chain(&view.other_cookies)
            .filter(|r| matches!(r.status, Status::Kept | Status::Deleting))
            .map(|r| r.name.clone())
            .collect();
        let list = if stored.is_empty() {
            t("popupMailNoCookies", &[])
        } else {
            stored.join(", ")
        };
        for (key, subject_key, body_key) in [
            ("popupAskAccess", "mailAccessSubject", "mailAccessBody"),
            ("popupAskErasure", "mailErasureSubject", "mailErasureBody"),
        ] {
            let subject = t(subject_key, &[view.site.as_str()]);
            let body = t(body_key, &[view.site.as_str(), &list]);
            // The address is a plain one (the parser keeps no other), and encoded anyway so
            // that nothing in it can add a header or a recipient.
            let address = String::from(js_sys::encode_uri_component(email)).replace("%40", "@");
            let href = format!(
                "mailto:{}?subject={}&body={}",
                address,
                String::from(js_sys::encode_uri_component(&subject)),
                String::from(js_sys::encode_uri_component(&body))
            );
            section = section.child(
                El::new("a")
                    .class("mail")
                    .attr("href", &href)
                    .text(&t(key, &[&controller.name])),
            );
        }
    }
    section
}
