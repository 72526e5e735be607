//! A small view helper for the extension's pages: builds elements with text content (never
//! HTML), attributes and event listeners. Listeners are kept until the next render replaces
//! them, so re-rendering does not leak.

use gloo::events::EventListener;
use std::cell::RefCell;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, Event, HtmlInputElement};

thread_local! {
    static LISTENERS: RefCell<Vec<EventListener>> = const { RefCell::new(Vec::new()) };
}

/// The page's document.
pub fn document() -> Option<Document> {
    web_sys::window()?.document()
}

/// Drops the listeners of the previous render.
pub fn forget_listeners() {
    LISTENERS.with(|l| l.borrow_mut().clear());
}

/// An element under construction.
pub struct El(pub Element);

impl El {
    /// A new element named `tag` (an empty `div` if the document is unavailable).
    pub fn new(tag: &str) -> El {
        let element = document()
            .and_then(|d| d.create_element(tag).ok())
            .or_else(|| document().and_then(|d| d.create_element("div").ok()));
        match element {
            Some(e) => El(e),
            None => El(js_sys::Object::new().unchecked_into()),
        }
    }

    /// Adds CSS classes (space-separated).
    pub fn class(self, classes: &str) -> El {
        for class in classes.split_whitespace() {
            let _ = self.0.class_list().add_1(class);
        }
        self
    }

    /// Sets an attribute.
    pub fn attr(self, name: &str, value: &str) -> El {
        let _ = self.0.set_attribute(name, value);
        self
    }

    /// Sets an attribute when `on`.
    pub fn flag(self, name: &str, on: bool) -> El {
        if on {
            let _ = self.0.set_attribute(name, "");
        }
        self
    }

    /// Sets the text content: whatever `text` holds is shown as text, never parsed as HTML.
    pub fn text(self, text: &str) -> El {
        self.0.set_text_content(Some(text));
        self
    }

    /// Appends a child.
    pub fn child(self, child: El) -> El {
        let _ = self.0.append_child(&child.0);
        self
    }

    /// Appends children.
    pub fn children(self, children: impl IntoIterator<Item = El>) -> El {
        for child in children {
            let _ = self.0.append_child(&child.0);
        }
        self
    }

    /// Appends a child when it is `Some`.
    pub fn maybe(self, child: Option<El>) -> El {
        match child {
            Some(c) => self.child(c),
            None => self,
        }
    }

    /// Listens for `event`, for as long as this render lives.
    pub fn on(self, event: &'static str, mut handler: impl FnMut(&Event) + 'static) -> El {
        let listener = EventListener::new(&self.0, event, move |e| handler(e));
        LISTENERS.with(|l| l.borrow_mut().push(listener));
        self
    }

    /// Whether a checkbox-like input is checked.
    pub fn checked(element: &Element) -> bool {
        element
            .dyn_ref::<HtmlInputElement>()
            .is_some_and(HtmlInputElement::checked)
    }

    /// Sets an input's checked state.
    pub fn check(self, on: bool) -> El {
        if let Some(input) = self.0.dyn_ref::<HtmlInputElement>() {
            input.set_checked(on);
        }
        self
    }
}

/// Replaces the content of the element with id `id` by `content`.
pub fn mount(id: &str, content: El) {
    let Some(root) = document().and_then(|d| d.get_element_by_id(id)) else {
        return;
    };
    root.set_text_content(None);
    let _ = root.append_child(&content.0);
}
