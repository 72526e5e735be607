//! The background (feature `background`): moves data between `chrome.*` events and the engine.
//! Each exported function is one browser event; it converts the event, asks the engine what to
//! do, and carries the answer out (remove a cookie, update rules, store state). Decisions are the
//! engine's.
//!
//! Every handler is idempotent and keeps what matters in `chrome.storage`, because the worker
//! can be stopped between any two events.
//!
//! One room per concern; the rooms share this module's imports (`use super::*`):
//! - here: start-up (reading the state, reconciling the rules, the first sweep);
//! - [`state`]: the state in memory; [`storage`]: its one writer;
//! - [`cookies`]: cookie events and enforcement;
//! - [`navigation`]: tabs and discovery of declarations ([`fetch`] does the fetching, [`hold`]
//!   Firefox's hold of a first visit's requests);
//! - [`records`]: policy records in memory and storage;
//! - [`rules`]: blocking rules;
//! - [`messages`]: the protocol with the extension's pages and content scripts.

mod cookies;
mod fetch;
mod hold;
mod messages;
mod navigation;
mod records;
mod rules;
mod state;
mod storage;
#[cfg(test)]
mod tests;

use crate::block::{self, BlockPlan, Rule, RuleBook, RuleUpdate};
use crate::decide::{decide, is_private_store, Context, Cookie, SitePolicy, Verdict};
use crate::discovery::{self, Candidate, PolicyRecord, SourceKind};
use crate::domain::Site;
use crate::known::KnownCookies;
use crate::prefs::Preferences;
use crate::protocol::{Request, Response, Sender, SenderInfo};
use crate::trackers::Trackers;
use crate::view::{site_view, ViewInput};
use crate::web::browser::{self, from_js, get, now, storage_get, storage_set, to_js, Area};
use state::{keys, with, FetchKey, IndexEntry, Loaded, Record, Removing, TabInfo};
use std::collections::BTreeMap;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

use cookies::*;
use messages::*;
use navigation::*;
use records::*;
use rules::*;
use storage::*;

/// Loads the state from storage, starts reconciling the installed rules with it (beside the
/// first events) and, once per browser session, starts a sweep of every cookie. The bootstrap
/// awaits this once before any event is handled.
///
/// A worker is started again and again (browsers stop idle workers after ~30 s), so this is on
/// the path of every cold deletion: all reads are issued at once (one `get` per storage area and
/// the installed rules, in flight together), and the full sweep runs only on the first start of
/// a browser session or after an install or update (when `storage.session` is empty): events
/// that arrive while the worker is stopped are queued and delivered to it, so a later start has
/// nothing to catch up on.
#[wasm_bindgen]
pub async fn start() -> Result<(), JsValue> {
    // Issued together; awaited one after the other.
    let local = browser::storage_get_many(Area::Local, LOCAL_KEYS);
    let session = browser::storage_get_many(
        Area::Session,
        &[
            keys::TABS,
            keys::DELETED,
            keys::SWEPT,
            keys::SESSION_RULE_BOOK,
            keys::ACTIVITY,
            keys::ADPC,
            keys::SESSION_STARTED,
        ],
    );
    let installed = browser::dynamic_rules();
    let session_installed = browser::session_rules();
    let local = match local.await {
        Ok(local) => Some(local),
        Err(_) => read_local_again().await,
    };
    let session = session.await.unwrap_or(JsValue::UNDEFINED);
    let installed = installed.await.unwrap_or(JsValue::UNDEFINED);
    let session_installed: Vec<Rule> =
        from_js(session_installed.await.unwrap_or(JsValue::UNDEFINED)).unwrap_or_default();
    let (session_book, _) = RuleBook::from_stored(
        &from_js::<serde_json::Value>(get(&session, keys::SESSION_RULE_BOOK)).unwrap_or_default(),
    );

    let tabs: BTreeMap<i32, TabInfo> = from_js(get(&session, keys::TABS)).unwrap_or_default();
    let deleted = crate::deletions::Deletions::from_stored(
        &from_js::<serde_json::Value>(get(&session, keys::DELETED)).unwrap_or_default(),
    );
    let swept = get(&session, keys::SWEPT).as_bool() == Some(true);
    let activity: crate::activity::Activity =
        from_js(get(&session, keys::ACTIVITY)).unwrap_or_default();
    let adpc: crate::adpc::Known = from_js(get(&session, keys::ADPC)).unwrap_or_default();
    let new_session = get(&session, keys::SESSION_STARTED).as_bool() != Some(true);
    let installed: Vec<Rule> = from_js(installed).unwrap_or_default();
    with(|s| {
        s.installed = installed.iter().map(|r| (r.id, r.clone())).collect();
        s.session_installed = session_installed.into_iter().map(|r| (r.id, r)).collect();
        s.session_book = session_book;
        s.tabs = tabs;
        s.deleted = deleted;
        s.activity = activity;
        s.adpc = adpc;
    });
    match local {
        Some(local) => load_local(&local, &installed).await,
        None => {
            // "Could not read" is not "nothing stored": the defaults (which deny statistics and
            // marketing) are used for now, and nothing is written over what is stored until a
            // read succeeds (ensure_local_read).
            gloo::console::error!(
                "cookie-warden: storage.local could not be read; the defaults apply and nothing is stored until it can be"
            );
            with(|s| {
                s.local_unread = true;
                s.rule_book.adopt_installed(&installed);
            });
        }
    }
    // The rules are brought in line beside the first events, not before them: a cookie decision
    // needs none of it (the rules in place stay in force meanwhile), and rule changes wait their
    // turn behind this one (it takes the turn first: it is polled before any event's handler).
    wasm_bindgen_futures::spawn_local(reconcile_rules());
    with(|s| s.mark("started".into()));
    // Pauses that ended while the worker (or the browser) was stopped end now: those "until the
    // browser restarts" on a new session's first start, the timed ones that are over.
    wasm_bindgen_futures::spawn_local(async move {
        if new_session {
            let _ = storage_set(Area::Session, keys::SESSION_STARTED, &JsValue::TRUE).await;
        }
        end_pauses(new_session, true).await;
    });
    if !swept {
        wasm_bindgen_futures::spawn_local(async {
            sweep(None).await;
            let _ = storage_set(Area::Session, keys::SWEPT, &JsValue::TRUE).await;
        });
    }
    Ok(())
}

/// The `storage.local` keys read at start.
const LOCAL_KEYS: &[&str] = &[
    keys::PREFS,
    keys::RULE_BOOK,
    keys::STORES,
    keys::POLICY_INDEX,
];

/// Reads [`LOCAL_KEYS`] again after a failed read, a few times with short pauses; `None` if
/// every try fails.
async fn read_local_again() -> Option<JsValue> {
    for pause_ms in [50, 200, 500] {
        gloo::timers::future::TimeoutFuture::new(pause_ms).await;
        if let Ok(local) = browser::storage_get_many(Area::Local, LOCAL_KEYS).await {
            return Some(local);
        }
    }
    None
}

/// Takes what `storage.local` holds (the items of [`LOCAL_KEYS`]) into memory: the choices,
/// read tolerantly; the rule book, completed from the `installed` rules; the cookie stores seen;
/// the index of policy records. Stores what had to be repaired.
async fn load_local(local: &JsValue, installed: &[Rule]) {
    let stored_prefs = get(local, keys::PREFS);
    let stored_prefs: serde_json::Value = if stored_prefs.is_undefined() {
        serde_json::Value::Null
    } else {
        from_js(stored_prefs).unwrap_or(serde_json::Value::Null)
    };
    let (prefs, repairs) = Preferences::load(&stored_prefs);
    let stored_book = get(local, keys::RULE_BOOK);
    // The rule book is read entry by entry; what is unreadable is taken back from the rules
    // the browser still has installed.
    let stored_book: serde_json::Value = if stored_book.is_undefined() {
        serde_json::Value::Null
    } else {
        from_js(stored_book).unwrap_or(serde_json::Value::Bool(false))
    };
    let (mut rule_book, book_damage) = RuleBook::from_stored(&stored_book);
    let stores: std::collections::BTreeSet<String> =
        from_js(get(local, keys::STORES)).unwrap_or_default();
    let adopted = rule_book.adopt_installed(installed);
    if book_damage > 0 || !adopted.is_empty() {
        gloo::console::warn!(format!(
            "cookie-warden: the stored rule book had {book_damage} unreadable entries; {} sites taken back from the installed rules",
            adopted.len()
        ));
    }
    let stored_index = get(local, keys::POLICY_INDEX);
    // Without a stored index (an earlier version's storage) it is made from the records once,
    // and stored, so later starts do not read every record again.
    let index_rebuilt = stored_index.is_undefined();
    let policy_index = load_policy_index(stored_index).await;
    let repaired = !repairs.is_empty();
    with(|s| {
        s.prefs = prefs;
        s.repairs = repairs.iter().map(ToString::to_string).collect();
        s.rule_book = rule_book;
        s.stores = stores;
        s.policy_index = policy_index;
        s.local_unread = false;
    });
    if repaired {
        persist(Record::Prefs).await;
    }
    if book_damage > 0 || !adopted.is_empty() {
        persist(Record::RuleBook).await;
    }
    if index_rebuilt {
        persist(Record::PolicyIndex).await;
    }
}

/// Whether what `storage.local` holds is in memory: if the read at start failed, it is tried
/// again now. Choices are changed only when it is, so a change never overwrites stored choices
/// that were not read.
async fn ensure_local_read() -> bool {
    if !with(|s| s.local_unread) {
        return true;
    }
    let Ok(local) = browser::storage_get_many(Area::Local, LOCAL_KEYS).await else {
        return false;
    };
    if !with(|s| s.local_unread) {
        return true;
    }
    let installed: Vec<Rule> = with(|s| s.installed.values().cloned().collect());
    load_local(&local, &installed).await;
    after_global_change().await;
    true
}

/// The site of an http(s) page URL.
fn web_site(url: &str) -> Option<Site> {
    (url.starts_with("http://") || url.starts_with("https://"))
        .then(|| Site::of_url(url))
        .flatten()
}
