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
//!
//! Here: the page's state, its rendering loop and the helpers every section uses; one room per
//! section: [`choices`] (what applies everywhere), [`sites`] (per-site choices), [`backup`]
//! (export, import, reset), [`about`].

use super::dom::{self, El};
use super::ui::{self, id_part};
use crate::domain::Site;
use crate::policy::CategoryId;
use crate::prefs::{Choice, Pause, Preferences, SiteChoices, UndeclaredAction, PREFS_VERSION};
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

mod about;
mod backup;
mod choices;
mod sites;

use about::*;
use backup::*;
use choices::*;
use sites::*;

/// The element re-rendered after every change.
const CONTENT_ID: &str = "options-content";
/// The live region for results of actions (kept across renders, so it is announced).
const STATUS_ID: &str = "options-status";

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
            request.apply_to(prefs, browser::now());
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
        .child(banners_section(&prefs))
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
fn target_element(event: &Event) -> Option<Element> {
    event.target()?.dyn_into::<Element>().ok()
}

fn section(id: &str, title: &str) -> El {
    El::new("section")
        .class("card")
        .attr("aria-labelledby", id)
        .child(El::new("h2").attr("id", id).text(title))
}

/// A setting: what it controls (`label`, also the switch's accessible name), the switch, its
/// state in words beside it (`words` for on and off), and help under it.
fn setting(
    id: &str,
    label: &str,
    words: (&str, &str),
    help: Option<&str>,
    on: bool,
    change: impl Fn(bool) + 'static,
) -> El {
    let help_id = format!("{id}-help");
    let label_id = format!("{id}-label");
    let mut control = ui::switch(id, label, on, change)
        .attr("aria-labelledby", &label_id)
        .attr("aria-describedby", &format!("{id}-state"));
    if help.is_some() {
        control = control.attr("aria-describedby", &format!("{id}-state {help_id}"));
    }
    El::new("div")
        .class("field setting")
        .child(
            El::new("div")
                .class("setting-row")
                .child(
                    El::new("span")
                        .class("setting-label")
                        .attr("id", &label_id)
                        .text(label),
                )
                .child(
                    El::new("span")
                        .class("state")
                        .attr("id", &format!("{id}-state"))
                        .text(if on { words.0 } else { words.1 }),
                )
                .child(control),
        )
        .maybe(help.map(|h| El::new("p").class("help").attr("id", &help_id).text(h)))
}

/// The words beside an on/off setting.
fn on_off() -> (String, String) {
    (t("stateOn", &[]), t("stateOff", &[]))
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
