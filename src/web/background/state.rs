//! The background's state in memory, loaded from `chrome.storage` when the worker starts and
//! written back by its one owner (the background) whenever it changes. The worker may be
//! stopped at any moment: nothing here exists only in memory except caches that are rebuilt.

use crate::block::{Rule, RuleBook};
use crate::discovery::{PolicyRecord, Usable};
use crate::domain::Site;
use crate::prefs::Preferences;
use js_sys::{Function, Promise};
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::rc::Rc;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

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

    /// `chrome.storage.local`: which sites have a stored policy record, its size and when it
    /// was last used (the records are kept within a byte budget, least recently used go first).
    pub const POLICY_INDEX: &str = "policyIndex";

    /// `chrome.storage.session`: what was done on each site in this browser session.
    pub const ACTIVITY: &str = "activity";
    /// `storage.session`: the sites' ADPC consent requests heard in this browser session.
    pub const ADPC: &str = "adpc";

    /// `chrome.storage.session`: `true` once this browser session's start was seen (the pauses
    /// "until the browser restarts" end when it is missing).
    pub const SESSION_STARTED: &str = "sessionStarted";

    /// `chrome.storage.session`: the rule book of the session rules, for sites known only from
    /// private windows.
    pub const SESSION_RULE_BOOK: &str = "sessionRuleBook";

    /// `chrome.storage.local`: the policy record of a site.
    pub fn policy(site: &crate::domain::Site) -> String {
        format!("policy:{site}")
    }
}

/// Policy records in memory at most: each holds its document (up to 512 KiB) and its compiled
/// index, so a visitor who passes through many sites with large policies keeps only the most
/// recently used ones; the others are read from storage again when needed.
pub const MAX_POLICIES_IN_MEMORY: usize = 24;

/// Bytes of stored policy records at most (`chrome.storage.local` holds 10 MB in Chrome, and the
/// choices and the rule book must always fit beside the records).
pub const POLICY_STORAGE_BUDGET: u64 = 4 * 1024 * 1024;

/// A stored policy record in the index: its size in bytes and when it was last used.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IndexEntry {
    /// The record's size as stored (its JSON text).
    pub bytes: u64,
    /// When it was last used (seconds since the Unix epoch).
    pub used: u64,
}

/// One held tab ([`State::holding`]).
pub struct Holding {
    /// The site whose declaration is looked for.
    pub site: Site,
    /// Looks under way.
    pub looks: u32,
    /// The listener that holds the tab's requests (filtered to the tab, so no other request,
    /// the extension's own fetch of the declaration least of all, waits on it).
    pub listener: wasm_bindgen::closure::Closure<dyn FnMut(JsValue) -> JsValue>,
}

/// A site's policy record with its compiled policy, when valid.
pub struct Loaded {
    /// What is cached.
    pub record: PolicyRecord,
    /// The usable policy.
    pub usable: Option<Usable>,
    /// Learned in a private window: kept in memory only, and its rules are session rules.
    pub private: bool,
    /// Compiled trusting the site's categories, or with known trackers corrected.
    pub trust_site_categories: bool,
}

impl Loaded {
    /// Compiles `record` (read from storage, or learned outside private windows), trusting
    /// the site's categories or not ([`PolicyRecord::compile`]).
    pub fn new(record: PolicyRecord, trust_site_categories: bool) -> Rc<Loaded> {
        Loaded::learned(record, false, trust_site_categories)
    }

    /// Compiles `record`, learned in a private window or not.
    pub fn learned(record: PolicyRecord, private: bool, trust_site_categories: bool) -> Rc<Loaded> {
        let usable = record.compile(trust_site_categories);
        Rc::new(Loaded {
            record,
            usable,
            private,
            trust_site_categories,
        })
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
    /// Whether the tab is in a private window, once known.
    #[serde(default)]
    pub private: Option<bool>,
    /// What became of the page's consent banner, as its page side reported.
    #[serde(default)]
    pub banner: Option<crate::consent::Outcome>,
}

/// A first-come, first-served queue for work that spans an `await` and must not interleave
/// with the same work started by another event (installing rules, writing one storage key).
#[derive(Default)]
pub struct Queue {
    tail: Option<Promise>,
}

/// A place in a [`Queue`]: the next caller goes when it is dropped.
pub struct Turn {
    release: Option<Function>,
}

impl Drop for Turn {
    fn drop(&mut self) {
        if let Some(release) = self.release.take() {
            let _ = release.call0(&JsValue::UNDEFINED);
        }
    }
}

/// Waits for a turn in the queue that `queue` picks from the state.
pub async fn turn(queue: impl Fn(&mut State) -> &mut Queue) -> Turn {
    let mut release = None;
    let mine = Promise::new(&mut |resolve, _reject| release = Some(resolve));
    // The turn exists before the wait, so that the next caller is released even if this
    // future is dropped while it waits.
    let turn = Turn { release };
    if let Some(previous) = with(|s| queue(s).tail.replace(mine)) {
        let _ = JsFuture::from(previous).await;
    }
    turn
}

/// Something the background writes: a storage key, or the badge of a tab.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Record {
    /// [`keys::PREFS`].
    Prefs,
    /// [`keys::RULE_BOOK`].
    RuleBook,
    /// [`keys::TABS`].
    Tabs,
    /// [`keys::DELETED`].
    Deleted,
    /// [`keys::STORES`].
    Stores,
    /// [`keys::POLICY_INDEX`].
    PolicyIndex,
    /// [`keys::SESSION_RULE_BOOK`].
    SessionRuleBook,
    /// [`keys::ACTIVITY`].
    Activity,
    /// [`keys::ADPC`].
    Adpc,
    /// The toolbar badge of a tab.
    Badge(i32),
}

/// How far a [`Record`] has been written: changes are numbered, and a write carries every change
/// made before it started, so callers whose change a later write already carried skip theirs.
#[derive(Default)]
pub struct Written {
    /// One writer at a time.
    pub queue: Queue,
    /// The number of the latest change.
    pub changed: u64,
    /// The number of the latest change a finished write carried.
    pub written: u64,
}

/// A cookie the background asked the browser to remove, until the browser reports it removed
/// (Chrome's `cookies.remove` answers the same whether or not there was a cookie to remove, so
/// a deletion is counted when the removal is reported).
#[derive(Debug, Clone)]
pub struct Removing {
    /// The site whose choices removed it.
    pub site: Site,
    /// Why.
    pub reason: crate::decide::Reason,
    /// When it was asked for (seconds since the Unix epoch).
    pub asked: u64,
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
    /// Site → rule ids of the session rules, for sites known only from private windows (kept
    /// in `storage.session`, never in `storage.local`).
    pub session_book: RuleBook,
    /// The session rules as installed, by id.
    pub session_installed: BTreeMap<u32, Rule>,
    /// Policy records loaded so far (`None`: nothing stored for that site), with when each was
    /// last used (a counter); at most [`MAX_POLICIES_IN_MEMORY`] hold a record.
    policies: HashMap<Site, (Option<Rc<Loaded>>, u64)>,
    /// The counter for `policies`.
    policy_uses: u64,
    /// Stored policy records: site → size and last use.
    pub policy_index: BTreeMap<Site, IndexEntry>,
    /// Tabs.
    pub tabs: BTreeMap<i32, TabInfo>,
    /// Deletions per site and cookie name (bounded).
    pub deleted: crate::deletions::Deletions,
    /// What was done on each site in this browser session.
    pub activity: crate::activity::Activity,
    /// The sites' ADPC consent requests heard in this browser session.
    pub adpc: crate::adpc::Known,
    /// Cookie stores seen so far (Firefox lists only those with open tabs).
    pub stores: std::collections::BTreeSet<String>,
    /// Policy URLs being fetched now, and sites whose well-known places are being asked.
    pub fetching: HashSet<FetchKey>,
    /// ADPC consent-request lists fetched (or being fetched) since the worker started, by
    /// address.
    pub adpc_fetching: HashSet<String>,
    /// Tabs whose site's declaration is being looked for on a first visit, with how many looks
    /// are under way (a page load reports itself more than once) and the tab's
    /// `webRequest.onBeforeRequest` listener: their third-party requests are held until the
    /// last look ends (Firefox), up to [`crate::discovery::HOLD_MS`].
    pub holding: BTreeMap<i32, Holding>,
    /// The browser does not let an extension hold requests (Chrome).
    pub hold_unsupported: bool,
    /// Installing rules: one event at a time, each from the latest state.
    pub rules: Queue,
    /// Writes in progress, per record.
    pub written: BTreeMap<Record, Written>,
    /// Cookies asked to be removed and not yet reported removed.
    pub removing: HashMap<crate::decide::CookieId, Removing>,
    /// `storage.local` could not be read at start (and not since): what is in memory are
    /// defaults, and nothing is written there until a read succeeds.
    pub local_unread: bool,
    /// Whether the first cookie decision of this worker start was marked.
    pub first_decision_marked: bool,
    /// The latest few events worth timing ([`State::mark`]).
    pub timings: std::collections::VecDeque<(String, f64)>,
}

impl State {
    /// The site's policy record in memory: `None` if it was never loaded (or was let go),
    /// `Some(None)` if the site has none.
    pub fn policy(&mut self, site: &Site) -> Option<Option<Rc<Loaded>>> {
        self.policy_uses += 1;
        let now = self.policy_uses;
        self.policies.get_mut(site).map(|(loaded, used)| {
            *used = now;
            loaded.clone()
        })
    }

    /// Keeps `loaded` as the site's record in memory, letting the least recently used records
    /// go beyond [`MAX_POLICIES_IN_MEMORY`].
    pub fn set_policy(&mut self, site: &Site, loaded: Option<Rc<Loaded>>) {
        self.policy_uses += 1;
        self.policies
            .insert(site.clone(), (loaded, self.policy_uses));
        let held = self
            .policies
            .iter()
            .filter(|(_, (l, _))| l.is_some())
            .map(|(site, (_, used))| (site.clone(), *used, 1));
        for old in crate::lru::evict(held, 0, MAX_POLICIES_IN_MEMORY as u64) {
            self.policies.remove(&old);
        }
    }

    /// Notes that `event` happened now (for measurements; the latest 200 are kept).
    pub fn mark(&mut self, event: String) {
        if self.timings.len() >= 200 {
            self.timings.pop_front();
        }
        self.timings.push_back((event, js_sys::Date::now()));
    }

    /// Compiles again the records in memory that were compiled under another choice of
    /// trusting sites' categories than the visitor's current one.
    pub fn recompile_policies(&mut self) {
        let trust = self.prefs.trust_site_categories;
        for (loaded, _) in self.policies.values_mut() {
            if let Some(old) = loaded.as_ref().filter(|l| l.trust_site_categories != trust) {
                *loaded = Some(Loaded::learned(old.record.clone(), old.private, trust));
            }
        }
    }

    /// The sites whose records memory holds.
    pub fn sites_in_memory(&self) -> Vec<Site> {
        self.policies
            .iter()
            .filter(|(_, (l, _))| l.is_some())
            .map(|(s, _)| s.clone())
            .collect()
    }
}

/// A fetch under way ([`State::fetching`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FetchKey {
    /// One URL.
    Url(String),
    /// A look at a site's well-known places (one at a time per site).
    WellKnown(Site),
}

thread_local! {
    static STATE: RefCell<State> = RefCell::new(State::default());
}

/// Runs `f` with the state. Never hold on to anything across an `await`.
pub fn with<R>(f: impl FnOnce(&mut State) -> R) -> R {
    STATE.with(|state| f(&mut state.borrow_mut()))
}
