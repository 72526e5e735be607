//! The background's state in memory, loaded from `chrome.storage` when the worker starts and
//! written back by its one owner (the background) whenever it changes. The worker may be
//! stopped at any moment: nothing here exists only in memory except caches that are rebuilt.

use crate::block::{Rule, RuleBook};
use crate::diag::Diagnostic;
use crate::discovery::PolicyRecord;
use crate::domain::Site;
use crate::policy::{CompiledPolicy, DocumentKind};
use crate::prefs::Preferences;
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::rc::Rc;

/// Storage keys.
pub mod keys {
    /// `chrome.storage.local`: the visitor's choices.
    pub const PREFS: &str = "prefs";
    /// `chrome.storage.local`: which site holds which rule ids.
    pub const RULE_BOOK: &str = "ruleBook";
    /// `chrome.storage.session`: tabs and counters.
    pub const TABS: &str = "tabs";
    /// `chrome.storage.local`: the cookie stores seen so far.
    pub const STORES: &str = "cookieStores";
    /// `chrome.storage.session`: deletions per site and cookie name.
    pub const DELETED: &str = "deleted";
    /// `chrome.storage.session`: `true` once the start-up sweep of every cookie finished in this
    /// browser session (the browser empties the area on restart, reload and update).
    pub const SWEPT: &str = "swept";

    /// `chrome.storage.local`: the policy record of a site.
    pub fn policy(site: &crate::domain::Site) -> String {
        format!("policy:{site}")
    }
}

/// A site's policy record with its compiled policy, when valid.
pub struct Loaded {
    /// What is cached.
    pub record: PolicyRecord,
    /// The usable policy.
    pub compiled: Option<(CompiledPolicy, DocumentKind, Vec<Diagnostic>)>,
}

impl Loaded {
    /// Compiles `record`.
    pub fn new(record: PolicyRecord) -> Rc<Loaded> {
        let compiled = record.compile();
        Rc::new(Loaded { record, compiled })
    }
}

/// What the background knows about a tab.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TabInfo {
    /// The site it shows.
    pub site: Option<Site>,
    /// The page's URL.
    pub url: String,
    /// Cookies of that site deleted while the tab showed it.
    pub deleted: u32,
    /// Requests blocked in the tab while it showed that site (counted from request errors,
    /// for browsers without `declarativeNetRequest.getMatchedRules`).
    #[serde(default)]
    pub blocked: u32,
}

/// Everything in memory.
#[derive(Default)]
pub struct State {
    /// The visitor's choices.
    pub prefs: Preferences,
    /// What loading the choices had to repair (told to the visitor once).
    pub repairs: Vec<String>,
    /// Site → rule ids.
    pub rule_book: RuleBook,
    /// The dynamic rules as installed, by id.
    pub installed: BTreeMap<u32, Rule>,
    /// Policy records loaded so far (`None`: nothing stored for that site).
    pub policies: HashMap<Site, Option<Rc<Loaded>>>,
    /// Tabs.
    pub tabs: BTreeMap<i32, TabInfo>,
    /// Deletions per site and cookie name.
    pub deleted: BTreeMap<Site, BTreeMap<String, u32>>,
    /// Cookie stores seen so far (Firefox lists only those with open tabs).
    pub stores: std::collections::BTreeSet<String>,
    /// Policy URLs being fetched now.
    pub fetching: HashSet<String>,
}

thread_local! {
    static STATE: RefCell<State> = RefCell::new(State::default());
}

/// Runs `f` with the state. Never hold on to anything across an `await`.
pub fn with<R>(f: impl FnOnce(&mut State) -> R) -> R {
    STATE.with(|state| f(&mut state.borrow_mut()))
}
