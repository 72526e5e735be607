//! The options page: the visitor's default choice per category, how undeclared cookies are
//! treated, whether to act on sites without a policy and whether to send Global Privacy Control;
//! every site that has choices of its own (edit, pause, forget); export to and import from a
//! JSON file; reset to defaults; and the About section.
//!
//! The page only moves data. It reads the preferences with `GetPreferences`, and every change
//! is a message to the background that names only what changed (`SetDefault`, `SetUndeclared`,
//! `SetActWithoutPolicy`, `SetGlobalPrivacyControl`, `SetCategory`, `SetService`, `SetPaused`,
//! `ForgetSite`), so that a change made at the same time in another page (the panel) is not
//! overwritten by this page's older copy; only an import or a reset sends whole preferences
//! (`SetPreferences`). After each change it reads the preferences back and renders them again.
//! It never writes `chrome.storage` itself. Every string of ours comes from `_locales`; text is rendered with
//! [`El::text`], never as HTML. `<body data-ready="true">` marks a complete render for tests.

use super::dom::{self, El};
use crate::domain::Site;
use crate::policy::CategoryId;
use crate::prefs::{Choice, Preferences, SiteChoices, UndeclaredAction, PREFS_VERSION};
use crate::protocol::{Request, Response};
use crate::settings;
use crate::web::browser::{self, from_js, message as t, send_message};
use serde_json::{json, Value};
use std::cell::RefCell;
use std::future::Future;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Element, Event, HtmlElement, HtmlInputElement, HtmlSelectElement};

/// The name the export is downloaded as.
const EXPORT_FILE: &str = "cookie-warden-settings.json";
/// The site search appears when there are more sites than this.
const SEARCH_FROM: usize = 8;

/// The element re-rendered after every change.
const CONTENT_ID: &str = "options-content";
/// The live region for results of actions (kept across renders, so it is announced).
const STATUS_ID: &str = "options-status";
/// The site search box.
const SEARCH_ID: &str = "site-search";
/// The "showing N of M" line under the search box.
const COUNT_ID: &str = "site-count";

/// What the page remembers between renders.
#[derive(Default)]
struct Page {
    /// The preferences last read from the background.
    prefs: Option<Preferences>,
    /// What loading the stored preferences repaired, from the first answer (shown once).
    repairs: Option<Vec<String>>,
    /// The site search text.
    query: String,
    /// Whether the reset confirmation is showing.
    confirming_reset: bool,
    /// Changes started and not yet rendered.
    pending: u32,
    /// The id of the element to focus after the next render, if it exists.
    focus_next: Option<String>,
}

thread_local! {
    static PAGE: RefCell<Page> = RefCell::new(Page::default());
}

fn with_page<R>(f: impl FnOnce(&mut Page) -> R) -> R {
    PAGE.with(|p| f(&mut p.borrow_mut()))
}

/// Renders the options page into `<main id="app">`.
#[wasm_bindgen(js_name = renderOptions)]
pub async fn render_options() -> Result<(), JsValue> {
    // Sites are read with the Public Suffix List, a package file.
    crate::web::supply_data(&[crate::bundled::Dataset::PublicSuffixes]).await;
    if let Some(document) = dom::document() {
        if let Some(root) = document.document_element() {
            let _ = root.set_attribute("lang", &browser::ui_language());
        }
        document.set_title(&t("optionsTitle", &[]));
    }
    dom::forget_listeners();
    dom::mount("app", skeleton());
    begin();
    refresh().await;
    finish();
    Ok(())
}

/// The parts that stay for the page's life: the title, the content that is re-rendered, and
/// the status line (a live region must exist before its text changes to be announced).
fn skeleton() -> El {
    El::new("div")
        .class("page")
        .child(
            El::new("h1")
                .attr("id", "options-title")
                .text(&t("optionsTitle", &[])),
        )
        .child(El::new("div").attr("id", CONTENT_ID))
        .child(
            El::new("div")
                .attr("id", STATUS_ID)
                .class("status")
                .attr("role", "status")
                .attr("aria-live", "polite")
                .attr("aria-atomic", "true"),
        )
}

fn set_ready(ready: bool) {
    if let Some(body) = dom::document().and_then(|d| d.body()) {
        let _ = body.set_attribute("data-ready", if ready { "true" } else { "false" });
    }
}

/// Marks a change as started: the page is not ready until every started change is rendered.
fn begin() {
    with_page(|p| p.pending += 1);
    set_ready(false);
}

/// Marks a change as rendered.
fn finish() {
    let idle = with_page(|p| {
        p.pending = p.pending.saturating_sub(1);
        p.pending == 0
    });
    if idle {
        set_ready(true);
    }
}

/// How a status message reads.
#[derive(Clone, Copy, PartialEq)]
enum Tone {
    Done,
    Problem,
}

/// Shows `text` in the status line (empty clears it).
fn set_status(text: &str, tone: Tone) {
    let Some(status) = dom::document().and_then(|d| d.get_element_by_id(STATUS_ID)) else {
        return;
    };
    status.set_text_content(Some(text));
    let classes = status.class_list();
    let _ = classes.toggle_with_force("problem", tone == Tone::Problem && !text.is_empty());
    let _ = classes.toggle_with_force("done", tone == Tone::Done && !text.is_empty());
}

/// Runs a change: clears the status, marks the page busy, runs `work`, then reads the
/// preferences back and renders them. Runs after the event handler has returned.
fn act(work: impl Future<Output = ()> + 'static) {
    set_status("", Tone::Done);
    begin();
    wasm_bindgen_futures::spawn_local(async move {
        work.await;
        refresh().await;
        finish();
    });
}

/// Renders again from what the page already knows (no message), after the handler returns.
fn rerender() {
    begin();
    wasm_bindgen_futures::spawn_local(async {
        render();
        finish();
    });
}

/// Asks the background for the preferences and renders them.
async fn refresh() {
    let answer = send_message(&Request::GetPreferences)
        .await
        .and_then(from_js::<Response>);
    match answer {
        Ok(Response::Preferences {
            preferences,
            repairs,
        }) => {
            let (prefs, _) = Preferences::load(&preferences);
            with_page(|p| {
                p.prefs = Some(prefs);
                if p.repairs.is_none() {
                    p.repairs = Some(repairs);
                }
            });
            render();
        }
        Ok(Response::Error { message }) => unavailable(&message),
        Ok(_) | Err(_) => unavailable(&t("optionsNoAnswer", &[])),
    }
}

fn unavailable(text: &str) {
    dom::forget_listeners();
    dom::mount(CONTENT_ID, El::new("p").class("notice problem").text(text));
}

/// Sends the whole preferences as `SetPreferences`; the background's refusal as `Err`.
async fn send_preferences(preferences: Value) -> Result<(), String> {
    let answer = send_message(&Request::SetPreferences { preferences })
        .await
        .and_then(from_js::<Response>);
    match answer {
        Ok(Response::Done) => Ok(()),
        Ok(Response::Error { message }) => Err(message),
        Ok(_) | Err(_) => Err(t("optionsNoAnswer", &[])),
    }
}

/// Sends one change of the choices, applying it to the page's copy as well (so a quick second
/// change builds on the first); `done` is shown when the background has made it.
fn change(request: Request, done: Option<String>) {
    with_page(|p| {
        if let Some(prefs) = p.prefs.as_mut() {
            request.apply_to(prefs);
        }
    });
    act(async move {
        let answer = send_message(&request).await.and_then(from_js::<Response>);
        match answer {
            Ok(Response::Done) => {
                if let Some(done) = done {
                    set_status(&done, Tone::Done);
                }
            }
            Ok(Response::Error { message }) => {
                set_status(&t("optionsSaveFailed", &[&message]), Tone::Problem)
            }
            Ok(_) | Err(_) => set_status(
                &t("optionsSaveFailed", &[&t("optionsNoAnswer", &[])]),
                Tone::Problem,
            ),
        }
    });
}

/// Asks for `id` to have the focus after the next render.
fn focus_after(id: &str) {
    with_page(|p| p.focus_next = Some(id.to_owned()));
}

fn focus(id: &str) -> bool {
    let element = dom::document().and_then(|d| d.get_element_by_id(id));
    match element.and_then(|e| e.dyn_into::<HtmlElement>().ok()) {
        Some(element) => element.focus().is_ok(),
        None => false,
    }
}

/// Replaces the content with a render of the page's state, keeping the keyboard focus where it
/// was (or where the change asked for it).
fn render() {
    let Some(prefs) = with_page(|p| p.prefs.clone()) else {
        return;
    };
    let (repairs, query, confirming) = with_page(|p| {
        (
            p.repairs.clone().unwrap_or_default(),
            p.query.clone(),
            p.confirming_reset,
        )
    });
    let focused = dom::document()
        .and_then(|d| d.active_element())
        .map(|e| e.id())
        .filter(|id| !id.is_empty());
    let wanted = with_page(|p| p.focus_next.take());

    dom::forget_listeners();
    let content = El::new("div")
        .maybe(repairs_notice(&repairs))
        .child(defaults_section(&prefs))
        .child(undeclared_section(&prefs))
        .child(no_policy_section(&prefs))
        .child(trust_section(&prefs))
        .child(gpc_section(&prefs))
        .child(sites_section(&prefs, &query))
        .child(backup_section())
        .child(reset_section(confirming))
        .child(about_section());
    dom::mount(CONTENT_ID, content);
    apply_filter();

    if let Some(id) = wanted.or(focused) {
        if !focus(&id) {
            // The control went away with the change (a removed choice, a forgotten site).
            focus("sites-title");
        }
    }
}

/// An element id part made of `text`: letters, digits, `.` and `-` are kept, anything else
/// becomes `_XX_` (hex), so different texts give different ids.
fn id_part(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
            out.push(c);
        } else {
            out.push_str(&format!("_{:x}_", u32::from(c)));
        }
    }
    out
}

fn target_element(event: &Event) -> Option<Element> {
    event.target()?.dyn_into::<Element>().ok()
}

fn section(id: &str, title: &str) -> El {
    El::new("section")
        .class("card")
        .attr("aria-labelledby", id)
        .child(El::new("h2").attr("id", id).text(title))
}

/// A checkbox with its label and, when given, a description read with it.
fn checkbox(
    id: &str,
    label: &str,
    help: Option<&str>,
    on: bool,
    change: impl Fn(bool) + 'static,
) -> El {
    let help_id = format!("{id}-help");
    let mut input = El::new("input")
        .attr("type", "checkbox")
        .attr("id", id)
        .check(on)
        .on("change", move |event| {
            change(target_element(event).is_some_and(|e| El::checked(&e)));
        });
    if help.is_some() {
        input = input.attr("aria-describedby", &help_id);
    }
    El::new("div")
        .class("field")
        .child(
            El::new("div")
                .class("check")
                .child(input)
                .child(El::new("label").attr("for", id).text(label)),
        )
        .maybe(help.map(|h| El::new("p").class("help").attr("id", &help_id).text(h)))
}

fn category_name(id: CategoryId) -> String {
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

fn category_help(id: CategoryId) -> String {
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

fn repairs_notice(repairs: &[String]) -> Option<El> {
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

fn defaults_section(prefs: &Preferences) -> El {
    section("defaults-title", &t("optionsDefaultsTitle", &[]))
        .child(
            El::new("p")
                .class("intro")
                .text(&t("optionsDefaultsIntro", &[])),
        )
        .children(CategoryId::ALL.into_iter().map(|category| {
            let name = category_name(category);
            checkbox(
                &format!("default-{}", category.id()),
                &t("optionsDefaultAllowed", &[&name]),
                Some(&category_help(category)),
                prefs.default_for(category).is_allow(),
                move |on| {
                    change(
                        Request::SetDefault {
                            category,
                            choice: Choice::from_allowed(on),
                        },
                        None,
                    )
                },
            )
        }))
}

fn undeclared_section(prefs: &Preferences) -> El {
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

fn no_policy_section(prefs: &Preferences) -> El {
    section("no-policy-title", &t("optionsNoPolicyTitle", &[])).child(checkbox(
        "act-without-policy",
        &t("optionsNoPolicyLabel", &[]),
        Some(&t("optionsNoPolicyHelp", &[])),
        prefs.act_without_policy,
        |on| change(Request::SetActWithoutPolicy { on }, None),
    ))
}

fn trust_section(prefs: &Preferences) -> El {
    section("trust-title", &t("optionsTrustTitle", &[])).child(checkbox(
        "trust-site-categories",
        &t("optionsTrustLabel", &[]),
        Some(&t("optionsTrustHelp", &[])),
        prefs.trust_site_categories,
        |on| change(Request::SetTrustSiteCategories { on }, None),
    ))
}

fn gpc_section(prefs: &Preferences) -> El {
    section("gpc-title", &t("optionsGpcTitle", &[])).child(checkbox(
        "global-privacy-control",
        &t("optionsGpcLabel", &[]),
        Some(&t("optionsGpcHelp", &[])),
        prefs.global_privacy_control,
        |on| change(Request::SetGlobalPrivacyControl { on }, None),
    ))
}

fn sites_section(prefs: &Preferences, query: &str) -> El {
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
fn apply_filter() {
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
fn override_select(
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

fn site_item(site: &Site, choices: &SiteChoices) -> El {
    let name = site.as_str().to_owned();
    let key = format!("site-{}", id_part(&name));
    let title_id = format!("{key}-title");
    let mut item = El::new("li")
        .class("site")
        .attr("data-site", &name)
        .attr("aria-labelledby", &title_id)
        .child(El::new("h3").attr("id", &title_id).text(&name));
    if choices.paused {
        item = item.child(
            El::new("p")
                .class("paused")
                .text(&t("optionsSitePaused", &[])),
        );
    }
    if choices.categories.is_empty() && choices.services.is_empty() {
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
    let paused = choices.paused;
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

fn backup_section() -> El {
    section("backup-title", &t("optionsBackupTitle", &[]))
        .child(
            El::new("p")
                .class("intro")
                .text(&t("optionsBackupIntro", &[])),
        )
        .child(
            El::new("div").class("actions").child(
                El::new("button")
                    .attr("type", "button")
                    .attr("id", "export")
                    .text(&t("optionsExport", &[]))
                    .on("click", |_| act(export())),
            ),
        )
        .child(
            El::new("div")
                .class("field")
                .child(
                    El::new("label")
                        .attr("for", "import")
                        .text(&t("optionsImportLabel", &[])),
                )
                .child(
                    El::new("input")
                        .attr("type", "file")
                        .attr("id", "import")
                        .attr("accept", "application/json,.json")
                        .attr("aria-describedby", "import-help")
                        .on("change", |event| {
                            let Some(input) = event
                                .target()
                                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
                            else {
                                return;
                            };
                            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                                return;
                            };
                            // Cleared, so choosing the same file again is a change again.
                            input.set_value("");
                            focus_after("import");
                            act(import(file));
                        }),
                )
                .child(
                    El::new("p")
                        .class("help")
                        .attr("id", "import-help")
                        .text(&t("optionsImportHelp", &[])),
                ),
        )
}

fn export_document(preferences: Value) -> Value {
    settings::export(
        preferences,
        &String::from(js_sys::Date::new_0().to_iso_string()),
        &browser::extension_version(),
    )
}

/// Reads the preferences fresh from the background and downloads them as a JSON file.
async fn export() {
    let answer = send_message(&Request::GetPreferences)
        .await
        .and_then(from_js::<Response>);
    let Ok(Response::Preferences { preferences, .. }) = answer else {
        set_status(&t("optionsExportFailed", &[]), Tone::Problem);
        return;
    };
    let text = serde_json::to_string_pretty(&export_document(preferences)).unwrap_or_default();
    match download(&text) {
        Ok(()) => set_status(&t("optionsExported", &[EXPORT_FILE]), Tone::Done),
        Err(_) => set_status(&t("optionsExportFailed", &[]), Tone::Problem),
    }
}

/// Offers `text` as a download named [`EXPORT_FILE`].
fn download(text: &str) -> Result<(), JsValue> {
    let document = dom::document().ok_or_else(|| JsValue::from_str("no document"))?;
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let link: web_sys::HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    link.set_href(&url);
    link.set_download(EXPORT_FILE);
    link.set_hidden(true);
    let body = document
        .body()
        .ok_or_else(|| JsValue::from_str("no body"))?;
    body.append_child(&link)?;
    link.click();
    link.remove();
    // Freed once the download has surely read it.
    gloo::timers::callback::Timeout::new(60_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}

/// Reads a settings file and, if it is one, replaces the preferences with it. Anything wrong
/// changes nothing and says why.
async fn import(file: web_sys::File) {
    let name = file.name();
    if file.size() > settings::MAX_IMPORT_BYTES as f64 {
        set_status(&t("optionsImportTooLarge", &[&name]), Tone::Problem);
        return;
    }
    let text = match JsFuture::from(file.text()).await.map(|v| v.as_string()) {
        Ok(Some(text)) => text,
        _ => {
            set_status(&t("optionsImportUnreadable", &[&name]), Tone::Problem);
            return;
        }
    };
    let preferences = match settings::unwrap(&text) {
        Ok(preferences) => preferences,
        Err(refusal) => {
            let key = match refusal {
                settings::Refusal::NotJson => "optionsImportNotJson",
                settings::Refusal::NotOurs => "optionsImportNotOurs",
                settings::Refusal::Newer => "optionsImportNewer",
            };
            set_status(&t(key, &[&name]), Tone::Problem);
            return;
        }
    };
    match send_preferences(preferences).await {
        Ok(()) => {
            with_page(|p| p.query.clear());
            set_status(&t("optionsImported", &[&name]), Tone::Done);
        }
        Err(message) => set_status(
            &t("optionsImportRefused", &[&name, &message]),
            Tone::Problem,
        ),
    }
}

fn reset_section(confirming: bool) -> El {
    let block = section("reset-title", &t("optionsResetTitle", &[]));
    if !confirming {
        return block.child(
            El::new("div").class("actions").child(
                El::new("button")
                    .attr("type", "button")
                    .attr("id", "reset-start")
                    .class("secondary")
                    .text(&t("optionsReset", &[]))
                    .on("click", |_| {
                        with_page(|p| p.confirming_reset = true);
                        focus_after("reset-cancel");
                        rerender();
                    }),
            ),
        );
    }
    block.child(
        El::new("div")
            .class("confirm")
            .attr("role", "group")
            .attr("aria-labelledby", "reset-question")
            .child(
                El::new("p")
                    .attr("id", "reset-question")
                    .text(&t("optionsResetQuestion", &[])),
            )
            .child(
                El::new("div")
                    .class("actions")
                    .child(
                        El::new("button")
                            .attr("type", "button")
                            .attr("id", "reset-confirm")
                            .class("danger")
                            .text(&t("optionsResetConfirm", &[]))
                            .on("click", |_| {
                                with_page(|p| {
                                    p.confirming_reset = false;
                                    p.query.clear();
                                });
                                focus_after("reset-start");
                                reset();
                            }),
                    )
                    .child(
                        El::new("button")
                            .attr("type", "button")
                            .attr("id", "reset-cancel")
                            .class("secondary")
                            .text(&t("optionsResetCancel", &[]))
                            .on("click", |_| {
                                with_page(|p| p.confirming_reset = false);
                                focus_after("reset-start");
                                rerender();
                            }),
                    ),
            ),
    )
}

/// Replaces the preferences with `{"version": 2}`, which loads as the defaults.
fn reset() {
    with_page(|p| p.prefs = Some(Preferences::default()));
    act(async {
        match send_preferences(json!({ "version": PREFS_VERSION })).await {
            Ok(()) => set_status(&t("optionsResetDone", &[]), Tone::Done),
            Err(message) => set_status(&t("optionsSaveFailed", &[&message]), Tone::Problem),
        }
    });
}

fn about_section() -> El {
    // The link goes where the message puts `$1`, so translations can move it.
    const MARK: &str = "\u{E000}";
    let attribution = t("optionsKnownCookies", &[MARK]);
    let mut line = El::new("p");
    match attribution.split_once(MARK) {
        Some((before, after)) => {
            line = line
                .child(El::new("span").text(before))
                .child(
                    El::new("a")
                        .attr("href", "https://github.com/jkwakman/Open-Cookie-Database")
                        .attr("target", "_blank")
                        .attr("rel", "noopener noreferrer")
                        .text("Open Cookie Database"),
                )
                .child(El::new("span").text(after));
        }
        None => line = line.text(&attribution),
    }
    section("about-title", &t("optionsAboutTitle", &[]))
        .child(El::new("p").text(&t("optionsVersion", &[&browser::extension_version()])))
        .child(El::new("p").text(&t("optionsPolicyFormat", &[])))
        .child(line)
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn id_parts_differ_for_different_texts() {
        assert_eq!(id_part("example.com"), "example.com");
        assert_ne!(id_part("a b"), id_part("a_20_b"));
        assert_ne!(id_part("a b"), id_part("a-b"));
    }
}
