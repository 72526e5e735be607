//! The components the popup and the options page share, and the visitor's words for the
//! engine's data: a switch (`role="switch"`, `aria-checked`) with its state in words beside it,
//! a fold that builds its content when first opened, a confirmation asked in place, and the
//! localised names of categories, lifetimes, findings and reasons. The engine hands over data
//! (a [`Lifetime`], a [`Finding`], a [`Reason`]); the words are chosen here, from `_locales`, so
//! no English sentence of the engine reaches a page in another language.

use super::dom::{self, El};
use crate::audit::Finding;
use crate::decide::Reason;
use crate::duration::{Lifetime, Unit};
use crate::policy::CategoryId;
use crate::prefs::{Choice, ChoiceSource};
use crate::web::browser::message as t;
use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::Element;

thread_local! {
    /// The folds that are open, by id, so that a render after a change opens them again.
    static OPEN: RefCell<HashSet<String>> = RefCell::new(HashSet::new());
}

/// Whether a fold whose id starts with `prefix` is open.
pub fn any_open(prefix: &str) -> bool {
    OPEN.with(|o| o.borrow().iter().any(|id| id.starts_with(prefix)))
}

/// What a cookie's own choice says: "Always kept on this site" or "Always deleted on this site".
pub fn cookie_choice_words(choice: Choice) -> String {
    t(
        if choice.is_allow() {
            "popupAlwaysKept"
        } else {
            "popupAlwaysDeleted"
        },
        &[],
    )
}

/// A category's name in the visitor's language.
pub fn category_name(id: CategoryId) -> String {
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

/// "Allowed" or "Denied", and where the choice comes from: the words beside a switch.
pub fn state_words(choice: Choice, source: Option<ChoiceSource>) -> String {
    let state = t(
        if choice.is_allow() {
            "stateAllowed"
        } else {
            "stateDenied"
        },
        &[],
    );
    match source {
        None => state,
        Some(ChoiceSource::Default) => t("stateByDefault", &[&state]),
        Some(ChoiceSource::SiteCategory | ChoiceSource::SiteService) => {
            t("stateOnThisSite", &[&state])
        }
    }
}

/// A switch: a button with `role="switch"` whose accessible name is `name` (what it controls,
/// and where), on when `on`. Clicking it (or Space, Enter) flips it at once and calls
/// `toggle` with the new state; the caller re-renders from the background's answer.
pub fn switch(id: &str, name: &str, on: bool, toggle: impl Fn(bool) + 'static) -> El {
    El::new("button")
        .attr("type", "button")
        .attr("role", "switch")
        .class("switch")
        .attr("id", id)
        .attr("aria-label", name)
        .attr("aria-checked", if on { "true" } else { "false" })
        .child(
            El::new("span")
                .class("switch-track")
                .attr("aria-hidden", "true"),
        )
        .on("click", move |event| {
            let Some(button) = target(event, "[role=switch]") else {
                return;
            };
            let now_on = button.get_attribute("aria-checked").as_deref() != Some("true");
            let _ = button.set_attribute("aria-checked", if now_on { "true" } else { "false" });
            toggle(now_on);
        })
}

/// Sets a switch back (a change that was not made, such as a refused confirmation).
pub fn set_switch(id: &str, on: bool) {
    if let Some(e) = dom::document().and_then(|d| d.get_element_by_id(id)) {
        let _ = e.set_attribute("aria-checked", if on { "true" } else { "false" });
    }
}

/// The element an event is about, or its closest ancestor matching `selector`.
fn target(event: &web_sys::Event, selector: &str) -> Option<Element> {
    event
        .current_target()
        .or_else(|| event.target())
        .and_then(|t| t.dyn_into::<Element>().ok())
        .and_then(|e| e.closest(selector).ok().flatten())
}

/// A fold: a button (`aria-expanded`) showing `head`, and a region that `build` fills the first
/// time it is opened (so a site with a thousand services costs nothing until asked). A fold
/// stays open across renders.
pub fn fold(id: &str, head: El, build: impl Fn() -> El + 'static) -> El {
    let (toggle, body) = fold_parts(id, head, build);
    El::new("div").class("fold").child(toggle).child(body)
}

/// A [`fold`]'s button and region apart, for a row that puts other controls beside the button.
pub fn fold_parts(id: &str, head: El, build: impl Fn() -> El + 'static) -> (El, El) {
    let body_id = format!("{id}-body");
    let open = OPEN.with(|o| o.borrow().contains(id));
    let build = Rc::new(build);
    let mut body = El::new("div")
        .class("fold-body")
        .attr("id", &body_id)
        .flag("hidden", !open);
    if open {
        body = body.child(build());
    }
    let key = id.to_owned();
    let toggle = El::new("button")
        .attr("type", "button")
        .class("fold-toggle")
        .attr("id", id)
        .attr("aria-expanded", if open { "true" } else { "false" })
        .attr("aria-controls", &body_id)
        .child(El::new("span").class("chevron").attr("aria-hidden", "true"))
        .child(head.class("fold-head"))
        .on("click", move |event| {
            let Some(button) = target(event, "button.fold-toggle") else {
                return;
            };
            let Some(body) = dom::document().and_then(|d| d.get_element_by_id(&body_id)) else {
                return;
            };
            let opening = button.get_attribute("aria-expanded").as_deref() != Some("true");
            if opening && body.child_element_count() == 0 {
                let _ = body.append_child(&build().0);
            }
            let _ = button.set_attribute("aria-expanded", if opening { "true" } else { "false" });
            if opening {
                let _ = body.remove_attribute("hidden");
                OPEN.with(|o| o.borrow_mut().insert(key.clone()));
            } else {
                let _ = body.set_attribute("hidden", "");
                OPEN.with(|o| o.borrow_mut().remove(&key));
            }
        });
    (toggle, body)
}

/// A question asked in place (not a browser dialog): `text`, a button that goes ahead and one
/// that does not. Mounted into the element with id `slot`, and focused on its safe answer.
pub fn confirm(slot: &str, text: &str, yes: &str, no: &str, on_answer: impl Fn(bool) + 'static) {
    let Some(place) = dom::document().and_then(|d| d.get_element_by_id(slot)) else {
        return;
    };
    let answer = Rc::new(on_answer);
    let slot_yes = slot.to_owned();
    let slot_no = slot.to_owned();
    let (yes_answer, no_answer) = (answer.clone(), answer);
    let question_id = format!("{slot}-question");
    let no_id = format!("{slot}-no");
    let block = El::new("div")
        .class("confirm")
        .attr("role", "alertdialog")
        .attr("aria-labelledby", &question_id)
        .child(El::new("p").attr("id", &question_id).text(text))
        .child(
            El::new("div")
                .class("actions")
                .child(
                    El::new("button")
                        .attr("type", "button")
                        .class("danger")
                        .text(yes)
                        .on("click", move |_| {
                            clear(&slot_yes);
                            yes_answer(true);
                        }),
                )
                .child(
                    El::new("button")
                        .attr("type", "button")
                        .class("secondary")
                        .attr("id", &no_id)
                        .text(no)
                        .on("click", move |_| {
                            clear(&slot_no);
                            no_answer(false);
                        }),
                ),
        );
    place.set_text_content(None);
    let _ = place.append_child(&block.0);
    if let Some(button) = dom::document()
        .and_then(|d| d.get_element_by_id(&no_id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = button.focus();
    }
}

fn clear(slot: &str) {
    if let Some(place) = dom::document().and_then(|d| d.get_element_by_id(slot)) {
        place.set_text_content(None);
    }
}

/// What switching Necessary off breaks, asked before it is done.
pub fn necessary_warning(site: Option<&str>) -> String {
    match site {
        Some(site) => t("necessaryOffWarningSite", &[site]),
        None => t("necessaryOffWarningDefault", &[]),
    }
}

/// A lifetime in the visitor's words: `2 vuotta`, `istunto`.
pub fn lifetime_words(lifetime: Lifetime) -> String {
    match lifetime {
        Lifetime::Session => t("lifetimeSession", &[]),
        Lifetime::Expired => t("lifetimeExpired", &[]),
        Lifetime::Persistent => t("lifetimePersistent", &[]),
        Lifetime::Span { count, unit } => {
            let one = count == 1;
            let key = match (unit, one) {
                (Unit::Year, true) => "unitYearOne",
                (Unit::Year, false) => "unitYearMany",
                (Unit::Month, true) => "unitMonthOne",
                (Unit::Month, false) => "unitMonthMany",
                (Unit::Day, true) => "unitDayOne",
                (Unit::Day, false) => "unitDayMany",
                (Unit::Hour, true) => "unitHourOne",
                (Unit::Hour, false) => "unitHourMany",
                (Unit::Minute, true) => "unitMinuteOne",
                (Unit::Minute, false) => "unitMinuteMany",
                (Unit::Second, true) => "unitSecondOne",
                (Unit::Second, false) => "unitSecondMany",
            };
            t(key, &[&count.to_string()])
        }
    }
}

/// A lifetime in seconds in the visitor's words.
pub fn seconds_words(seconds: u64) -> String {
    lifetime_words(Lifetime::of_seconds(seconds))
}

/// A finding in the visitor's words.
pub fn finding_text(finding: &Finding) -> String {
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
                &seconds_words(*actual_seconds),
                &seconds_words(*declared_seconds),
            ],
        ),
        Finding::SessionDeclaredPersistent {
            cookie,
            actual_seconds,
        } => t(
            "findingSessionPersistent",
            &[cookie, &seconds_words(*actual_seconds)],
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

/// Why a cookie was kept or deleted, in the visitor's words.
pub fn reason_text(reason: &Reason) -> String {
    let state = |choice: &Choice, source: &ChoiceSource| state_words(*choice, Some(*source));
    match reason {
        Reason::SitePaused => t("reasonPaused", &[]),
        Reason::CookieChoice { choice } => t(
            if choice.is_allow() {
                "reasonAlwaysKeep"
            } else {
                "reasonAlwaysDelete"
            },
            &[],
        ),
        Reason::Declared {
            category,
            service_name,
            choice,
            source,
            ..
        } => t(
            "reasonDeclared",
            &[
                &category_name(*category),
                service_name,
                &state(choice, source),
            ],
        ),
        Reason::Undeclared => t("reasonUndeclared", &[]),
        Reason::UndeclaredKnown {
            category,
            platform,
            choice,
            source,
        }
        | Reason::Inferred {
            category,
            platform,
            choice,
            source,
        } => t(
            if matches!(reason, Reason::Inferred { .. }) {
                "reasonGuessed"
            } else {
                "reasonUndeclaredKnown"
            },
            &[
                &category_name(*category),
                if platform.is_empty() { "?" } else { platform },
                &state(choice, source),
            ],
        ),
        Reason::NoPolicyNotActing => t("reasonNotActing", &[]),
        Reason::Unknown => t("reasonUnknown", &[]),
        Reason::Expired => t("reasonExpired", &[]),
    }
}

/// A text as a part of an element id: ASCII letters, digits, `.` and `-` stay, anything else
/// becomes `_hex_`, so that different texts give different ids.
pub fn id_part(text: &str) -> String {
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
