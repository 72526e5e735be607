//! The popup: the per-site panel, rendered from the engine's [`SiteView`]. It asks the
//! background for the panel (`GetPanel`), renders it with [`El`] (text only, never HTML), and
//! sends each change of a switch or action back as a request, then renders the new panel.
//! Every string of ours comes from `_locales`; texts from the site's policy arrive already in the
//! visitor's language.

use super::dom::{self, El};
use crate::audit::Finding;
use crate::domain::Site;
use crate::policy::{CategoryId, Right};
use crate::prefs::{Choice, ChoiceSource};
use crate::protocol::{Request, Response};
use crate::view::{CategoryView, CookieRow, ServiceView, SiteView, Source, Status};
use crate::web::browser::{self, from_js, message as t, send_message};
use wasm_bindgen::prelude::*;

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
    let request = Request::GetPanel {
        tab_id,
        language: Some(language()),
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
    dom::mount("app", content);
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

fn category_name(id: CategoryId) -> String {
    t(
        match id {
            CategoryId::Necessary => "categoryNecessary",
            CategoryId::Functional => "categoryFunctional",
            CategoryId::Statistics => "categoryStatistics",
            CategoryId::Marketing => "categoryMarketing",
        },
        &[],
    )
}

fn source_badge(source: ChoiceSource) -> String {
    t(
        match source {
            ChoiceSource::Default => "popupByDefault",
            ChoiceSource::SiteCategory | ChoiceSource::SiteService => "popupOnThisSite",
        },
        &[],
    )
}

fn panel(tab_id: i32, view: &SiteView, deleted: u32, blocked: u32) -> El {
    let site = view.site.clone();
    let guessing = matches!(view.source, Source::Guessing | Source::Invalid { .. });
    El::new("main")
        .child(header(view))
        .child(
            El::new("p")
                .class("counters")
                .attr("aria-live", "polite")
                .text(&t(
                    "popupCounters",
                    &[&deleted.to_string(), &blocked.to_string()],
                )),
        )
        .maybe(view.paused.then(|| {
            El::new("p")
                .class("paused")
                .text(&t("popupPausedNote", &[]))
        }))
        .child(actions(tab_id, view))
        .children(
            view.categories
                .iter()
                .map(|c| category(tab_id, &site, c, guessing)),
        )
        .child(other_cookies(view, guessing))
        .child(rights(view))
}

fn header(view: &SiteView) -> El {
    let source = match &view.source {
        Source::Declared { url } => t("popupSourceDeclared", &[url]),
        Source::Tcf { url } => t("popupSourceTcf", &[url]),
        Source::ConsentPlatform { url, platform } => {
            t("popupSourceConsentPlatform", &[platform, url])
        }
        Source::Invalid { url } => t("popupSourceInvalid", &[url]),
        Source::Guessing => t("popupSourceGuessing", &[]),
    };
    let mut head = El::new("header")
        .child(El::new("h1").text(view.site.as_str()))
        .child(El::new("p").class("source").text(&source));
    if let (Some(ago), false) = (
        view.read_seconds_ago,
        matches!(view.source, Source::Guessing),
    ) {
        head = head.child(El::new("p").class("read").text(&t(
            "popupReadAgo",
            &[&crate::duration::in_words(ago.max(60) / 60 * 60)],
        )));
    }
    if let Some(updated) = &view.updated {
        head = head.child(
            El::new("p")
                .class("updated")
                .text(&t("popupUpdated", &[updated])),
        );
    }
    if let Some(controller) = &view.controller {
        head = head.child(
            El::new("p")
                .class("controller")
                .text(&t("popupController", &[&controller.name])),
        );
    }
    for f in &view.findings {
        head = head.child(
            El::new("p")
                .class("finding")
                .text(&finding_text(&f.finding)),
        );
    }
    if !view.diagnostics.is_empty() {
        let errors = matches!(view.source, Source::Invalid { .. });
        let list = El::new("ul").children(view.diagnostics.iter().map(|d| {
            El::new("li")
                .child(El::new("code").text(d.place.as_str()))
                .child(El::new("span").text(&format!(": {}", d.message)))
        }));
        head = head.child(
            El::new("details")
                .class(if errors {
                    "diagnostics errors"
                } else {
                    "diagnostics"
                })
                .flag("open", errors)
                .child(El::new("summary").text(&t(
                    if errors {
                        "popupPolicyErrors"
                    } else {
                        "popupPolicyWarnings"
                    },
                    &[&view.diagnostics.len().to_string()],
                )))
                .child(list),
        );
    }
    head
}

fn actions(tab_id: i32, view: &SiteView) -> El {
    let site = view.site.clone();
    let (pause_key, paused) = if view.paused {
        ("popupResume", false)
    } else {
        ("popupPause", true)
    };
    let delete_site = site.clone();
    let pause_site = site.clone();
    let refresh_site = site.clone();
    let mut row = El::new("div")
        .class("actions")
        .attr("role", "group")
        .attr("aria-label", &t("popupActions", &[site.as_str()]))
        .child(
            El::new("button")
                .attr("type", "button")
                .text(&t("popupDeleteNow", &[]))
                .on("click", move |_| {
                    act(
                        tab_id,
                        Request::DeleteNow {
                            site: delete_site.clone(),
                        },
                    )
                }),
        )
        .child(
            El::new("button")
                .attr("type", "button")
                .text(&t(pause_key, &[site.as_str()]))
                .on("click", move |_| {
                    act(
                        tab_id,
                        Request::SetPaused {
                            site: pause_site.clone(),
                            paused,
                        },
                    )
                }),
        )
        .child(
            El::new("button")
                .attr("type", "button")
                .text(&t("popupRefreshPolicy", &[]))
                .on("click", move |_| {
                    act(
                        tab_id,
                        Request::RefreshPolicy {
                            site: refresh_site.clone(),
                            tab_id: Some(tab_id),
                            page_url: None,
                        },
                    )
                }),
        );
    if let Some(url) = &view.policy_url {
        row = row.child(
            El::new("a")
                .attr("href", url)
                .attr("target", "_blank")
                .attr("rel", "noopener noreferrer")
                .text(&t("popupOpenPolicy", &[])),
        );
    }
    row
}

/// A labelled checkbox switch: checked means allowed.
fn switch(id: &str, label: &str, allowed: bool, on_change: impl Fn(bool) + 'static) -> El {
    El::new("label")
        .class("switch")
        .attr("for", id)
        .child(
            El::new("input")
                .attr("type", "checkbox")
                .attr("role", "switch")
                .attr("id", id)
                .check(allowed)
                .on("change", move |event| {
                    let checked = event
                        .target()
                        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                        .is_some_and(|e| El::checked(&e));
                    on_change(checked);
                }),
        )
        .child(El::new("span").class("switch-text").text(label))
}

fn id_safe(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

fn category(tab_id: i32, site: &Site, category: &CategoryView, guessing: bool) -> El {
    let label = if guessing {
        category_name(category.id)
    } else {
        category.label.clone()
    };
    let allowed = category.choice == Choice::Allow;
    let id = format!("cat-{}", category.id.id());
    let change_site = site.clone();
    let category_id = category.id;
    let reset_site = site.clone();
    let state = t(
        if allowed {
            "popupAllowed"
        } else {
            "popupDenied"
        },
        &[],
    );
    let mut section = El::new("section")
        .class("category")
        .attr("aria-labelledby", &format!("{id}-title"));
    section = section.child(
        El::new("div")
            .class("category-head")
            .child(
                El::new("h2")
                    .attr("id", &format!("{id}-title"))
                    .text(&label),
            )
            .child(switch(
                &id,
                &t("popupAllowCategory", &[&label, site.as_str()]),
                allowed,
                move |on| {
                    act(
                        tab_id,
                        Request::SetCategory {
                            site: change_site.clone(),
                            category: category_id,
                            choice: Some(Choice::from_allowed(on)),
                        },
                    )
                },
            ))
            .child(
                El::new("span")
                    .class("badge")
                    .text(&format!("{state} · {}", source_badge(category.source))),
            ),
    );
    if category.source != ChoiceSource::Default {
        section = section.child(
            El::new("button")
                .attr("type", "button")
                .class("link")
                .text(&t("popupUseDefault", &[&label]))
                .on("click", move |_| {
                    act(
                        tab_id,
                        Request::SetCategory {
                            site: reset_site.clone(),
                            category: category_id,
                            choice: None,
                        },
                    )
                }),
        );
    }
    if let Some(description) = &category.description {
        section = section.child(El::new("p").class("description").text(description));
    }
    let shown_in = category.id;
    section.children(
        category
            .services
            .iter()
            .map(|s| service(tab_id, site, shown_in, s)),
    )
}

fn service(tab_id: i32, site: &Site, shown_in: CategoryId, service: &ServiceView) -> El {
    let allowed = service.choice == Choice::Allow;
    let id = format!("svc-{}", id_safe(&service.id));
    let change_site = site.clone();
    let service_id = service.id.clone();
    let mut title = service.name.clone();
    if let Some(provider) = &service.provider {
        title = t("popupServiceBy", &[&service.name, provider]);
    }
    let mut block = El::new("div")
        .class("service")
        .child(El::new("h3").text(&title))
        .child(switch(
            &id,
            &t("popupAllowService", &[&service.name, site.as_str()]),
            allowed,
            move |on| {
                act(
                    tab_id,
                    Request::SetService {
                        site: change_site.clone(),
                        service: service_id.clone(),
                        choice: Some(Choice::from_allowed(on)),
                    },
                )
            },
        ))
        .child(
            El::new("span")
                .class("badge")
                .text(&source_badge(service.source)),
        );
    if let Some(description) = &service.description {
        block = block.child(El::new("p").class("description").text(description));
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
    if !service.cookies.is_empty() {
        block = block.child(cookie_list(
            &service.cookies,
            &t("popupCookiesOf", &[&service.name]),
            false,
        ));
    }
    block
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

fn cookie_list(rows: &[CookieRow], label: &str, show_category: bool) -> El {
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
            if show_category {
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
            let declared = row.declared_expiry.as_deref().unwrap_or("—");
            // A guess from the known-cookie table is what such a cookie usually lasts, not a declaration.
            let mut times = t(
                if row.inferred {
                    "popupUsualExpiry"
                } else {
                    "popupDeclaredExpiry"
                },
                &[declared],
            );
            if let Some(actual) = &row.actual_expiry {
                times = format!("{times} · {}", t("popupActualExpiry", &[actual]));
            }
            item = item.child(El::new("p").class("expiry").text(&times));
            for f in &row.findings {
                item = item.child(
                    El::new("p")
                        .class("finding")
                        .text(&finding_text(&f.finding)),
                );
            }
            item
        }))
}

fn other_cookies(view: &SiteView, guessing: bool) -> El {
    let title = t(
        if guessing {
            "popupInferredTitle"
        } else {
            "popupUndeclaredTitle"
        },
        &[],
    );
    let mut section = El::new("section")
        .class("other")
        .attr("aria-labelledby", "other-title")
        .child(El::new("h2").attr("id", "other-title").text(&title));
    if guessing {
        section = section.child(
            El::new("p")
                .class("description")
                .text(&t("popupGuessingNote", &[])),
        );
    }
    section = if view.other_cookies.is_empty() {
        section.child(El::new("p").text(&t("popupNoOtherCookies", &[])))
    } else {
        section.child(cookie_list(&view.other_cookies, &title, true))
    };
    if view.other_deletions > 0 {
        section = section.child(El::new("p").class("other-deletions").text(&t(
            "popupOtherDeletions",
            &[&view.other_deletions.to_string()],
        )));
    }
    section
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

fn rights(view: &SiteView) -> El {
    let mut section = El::new("section")
        .class("rights")
        .attr("aria-labelledby", "rights-title")
        .child(
            El::new("h2")
                .attr("id", "rights-title")
                .text(&t("popupRightsTitle", &[])),
        );
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

fn finding_text(finding: &Finding) -> String {
    match finding {
        Finding::Undeclared {
            cookie,
            known_as: None,
        } => t("findingUndeclared", &[cookie]),
        Finding::Undeclared {
            cookie,
            known_as: Some(k),
        } => t(
            "findingUndeclaredKnown",
            &[cookie, &category_name(k.category), &k.platform],
        ),
        Finding::LivesLonger {
            cookie,
            declared_seconds,
            actual_seconds,
        } => t(
            "findingLivesLonger",
            &[
                cookie,
                &crate::duration::in_words(*actual_seconds),
                &crate::duration::in_words(*declared_seconds),
            ],
        ),
        Finding::SessionDeclaredPersistent {
            cookie,
            actual_seconds,
        } => t(
            "findingSessionPersistent",
            &[cookie, &crate::duration::in_words(*actual_seconds)],
        ),
        Finding::CategoryMismatch {
            cookie,
            declared,
            known_as,
        } => t(
            "findingCategoryMismatch",
            &[
                cookie,
                &category_name(*declared),
                &category_name(known_as.category),
                &known_as.platform,
            ],
        ),
        Finding::PolicyStale { updated, months } => t(
            "findingPolicyStale",
            &[&updated.to_string(), &months.to_string()],
        ),
    }
}
