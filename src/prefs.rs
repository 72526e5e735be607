//! The visitor's choices: defaults per category, per-site overrides per category and per
//! service, per-site pause, how to treat undeclared cookies, and whether to act on sites that
//! publish no policy.
//!
//! [`Preferences`] is versioned and serialisable. [`Preferences::load`] reads any stored value:
//! it migrates older versions step by step, keeps every part it can read, puts defaults where it
//! cannot, and says what it did, so corrupt storage never costs the visitor the rest of their
//! choices. This module does not touch storage itself.

use crate::diag::{Diagnostic, Place};
use crate::domain::Site;
use crate::policy::CategoryId;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// The version [`Preferences`] are written in.
pub const PREFS_VERSION: u64 = 2;

/// Allow or deny.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Choice {
    /// Cookies kept, requests let through.
    Allow,
    /// Cookies deleted, requests blocked.
    Deny,
}

impl Choice {
    /// `Allow` for `true`.
    pub fn from_allowed(allowed: bool) -> Choice {
        if allowed {
            Choice::Allow
        } else {
            Choice::Deny
        }
    }

    /// Whether this is `Allow`.
    pub fn is_allow(self) -> bool {
        self == Choice::Allow
    }
}

/// What happens to cookies a site's policy does not declare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UndeclaredAction {
    /// Kept, and flagged in the panel (the default).
    #[default]
    Keep,
    /// Deleted.
    Delete,
}

/// Where a choice came from, so the panel can say "default" or "set for this site".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ChoiceSource {
    /// The visitor's default for the category.
    Default,
    /// The visitor's choice for the category on this site.
    SiteCategory,
    /// The visitor's choice for the service on this site.
    SiteService,
}

/// The visitor's overrides for one site.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SiteChoices {
    /// Category overrides.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub categories: BTreeMap<CategoryId, Choice>,
    /// Service overrides, by service id.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub services: BTreeMap<String, Choice>,
    /// Cookie overrides, by cookie name: "always keep" or "always delete on this site", above
    /// the cookie's service and category.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub cookies: BTreeMap<String, Choice>,
    /// Nothing is enforced on the site while paused (the visitor trusts it, always).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub paused: bool,
    /// Paused until then (seconds since the Unix epoch); the web layer ends it
    /// ([`Preferences::expire_pauses`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paused_until: Option<u64>,
    /// Paused until the browser restarts ([`Preferences::end_session_pauses`]).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub paused_for_session: bool,
    /// The site's consent banner is left alone (an exception to
    /// [`Preferences::answer_banners`]).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub leave_banner: bool,
    /// The site's ADPC consent requests the visitor allowed, by identifier: the only consent
    /// the ADPC signal ever gives ([`crate::adpc`]).
    #[serde(skip_serializing_if = "BTreeSet::is_empty")]
    pub adpc_consent: BTreeSet<String>,
}

impl SiteChoices {
    /// Whether this holds nothing (and can be dropped).
    pub fn is_empty(&self) -> bool {
        self.categories.is_empty()
            && self.services.is_empty()
            && self.cookies.is_empty()
            && self.pause().is_none()
            && !self.leave_banner
            && self.adpc_consent.is_empty()
    }

    /// The site's pause, if it is paused.
    pub fn pause(&self) -> Option<Pause> {
        if self.paused {
            Some(Pause::Always)
        } else if self.paused_for_session {
            Some(Pause::UntilRestart)
        } else {
            self.paused_until.map(Pause::Until)
        }
    }
}

/// How long the visitor pauses Cookie Warden on a site (trusts it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PauseLength {
    /// For an hour.
    Hour,
    /// Until the browser restarts.
    UntilRestart,
    /// Until the visitor resumes.
    Always,
}

/// A site's pause as it stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "at", rename_all = "camelCase")]
pub enum Pause {
    /// Until this time (seconds since the Unix epoch).
    Until(u64),
    /// Until the browser restarts.
    UntilRestart,
    /// Until the visitor resumes.
    Always,
}

/// Cookie overrides kept per site: a page can make the visitor see any number of names, and
/// the choices must stay a size that storage and an export carry.
pub const MAX_COOKIE_CHOICES_PER_SITE: usize = 500;

/// The longest cookie name an override is kept for (browsers limit a cookie's name and value
/// together to 4,096 bytes).
pub const MAX_COOKIE_NAME_BYTES: usize = 4096;

/// ADPC consents kept per site (a site may ask for any number).
pub const MAX_ADPC_CONSENTS_PER_SITE: usize = 100;

/// All of the visitor's choices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Preferences {
    /// Always [`PREFS_VERSION`] once loaded.
    pub version: u64,
    /// Default choice per category.
    pub defaults: BTreeMap<CategoryId, Choice>,
    /// What happens to undeclared cookies.
    pub undeclared: UndeclaredAction,
    /// Whether to act on sites without a policy, from the known-cookie table.
    pub act_without_policy: bool,
    /// Whether to send Global Privacy Control.
    pub global_privacy_control: bool,
    /// Whether to take a site's categories as its declaration gives them, even where it puts
    /// a known tracker in a more permissive one (off: such a service is treated by the
    /// category it is known by, [`crate::trackers::corrections`]).
    pub trust_site_categories: bool,
    /// Whether to answer sites' consent banners with the visitor's choices ([`crate::consent`]).
    #[serde(default = "yes")]
    pub answer_banners: bool,
    /// Whether a banner may be answered "accept all" on a site where the visitor allows every
    /// category (off: such a banner is left alone).
    #[serde(default)]
    pub accept_banners: bool,
    /// Whether to send the ADPC signal ([`crate::adpc`]).
    #[serde(default = "yes")]
    pub adpc: bool,
    /// Per-site overrides.
    pub sites: BTreeMap<Site, SiteChoices>,
}

impl Default for Preferences {
    fn default() -> Self {
        Preferences {
            version: PREFS_VERSION,
            defaults: CategoryId::ALL
                .into_iter()
                .map(|c| (c, builtin_default(c)))
                .collect(),
            undeclared: UndeclaredAction::Keep,
            act_without_policy: true,
            global_privacy_control: true,
            trust_site_categories: false,
            answer_banners: true,
            accept_banners: false,
            adpc: true,
            sites: BTreeMap::new(),
        }
    }
}

fn yes() -> bool {
    true
}

/// Necessary and functional allowed, statistics and marketing denied.
pub fn builtin_default(category: CategoryId) -> Choice {
    Choice::from_allowed(matches!(
        category,
        CategoryId::Necessary | CategoryId::Functional
    ))
}

impl Preferences {
    /// The default for `category`.
    pub fn default_for(&self, category: CategoryId) -> Choice {
        self.defaults
            .get(&category)
            .copied()
            .unwrap_or_else(|| builtin_default(category))
    }

    /// The choice for a cookie or request of `category` (and `service`, when declared) on
    /// `site`: a service override beats a category override, which beats the default.
    pub fn choice(
        &self,
        site: &Site,
        category: CategoryId,
        service: Option<&str>,
    ) -> (Choice, ChoiceSource) {
        if let Some(site_choices) = self.sites.get(site) {
            if let Some(choice) = service.and_then(|id| site_choices.services.get(id)) {
                return (*choice, ChoiceSource::SiteService);
            }
            if let Some(choice) = site_choices.categories.get(&category) {
                return (*choice, ChoiceSource::SiteCategory);
            }
        }
        (self.default_for(category), ChoiceSource::Default)
    }

    /// Whether enforcement is paused on `site` (a timed pause counts until
    /// [`Preferences::expire_pauses`] ends it).
    pub fn is_paused(&self, site: &Site) -> bool {
        self.pause_of(site).is_some()
    }

    /// The pause on `site`, if any.
    pub fn pause_of(&self, site: &Site) -> Option<Pause> {
        self.sites.get(site).and_then(SiteChoices::pause)
    }

    /// The visitor's "always keep" or "always delete" for cookie `name` on `site`.
    pub fn cookie_choice(&self, site: &Site, name: &str) -> Option<Choice> {
        self.sites.get(site)?.cookies.get(name).copied()
    }

    /// Sets (or, with `None`, removes) the override of cookie `name` on `site`. Refused (false)
    /// for a name longer than [`MAX_COOKIE_NAME_BYTES`], an empty one, or a new name past
    /// [`MAX_COOKIE_CHOICES_PER_SITE`].
    pub fn set_cookie(&mut self, site: &Site, name: &str, choice: Option<Choice>) -> bool {
        if name.is_empty() || name.len() > MAX_COOKIE_NAME_BYTES {
            return false;
        }
        let full = self.sites.get(site).is_some_and(|s| {
            s.cookies.len() >= MAX_COOKIE_CHOICES_PER_SITE && !s.cookies.contains_key(name)
        });
        if full && choice.is_some() {
            return false;
        }
        self.edit_site(site, |s| match choice {
            Some(c) => {
                s.cookies.insert(name.to_owned(), c);
            }
            None => {
                s.cookies.remove(name);
            }
        });
        true
    }

    /// Pauses `site` for `length` from `now`, or resumes it (`None`). A new pause replaces the
    /// one before.
    pub fn set_pause(&mut self, site: &Site, length: Option<PauseLength>, now: u64) {
        self.edit_site(site, |s| {
            s.paused = length == Some(PauseLength::Always);
            s.paused_for_session = length == Some(PauseLength::UntilRestart);
            s.paused_until = (length == Some(PauseLength::Hour)).then(|| now.saturating_add(3_600));
        });
    }

    /// Ends the timed pauses that are over at `now`; returns the sites that were resumed.
    pub fn expire_pauses(&mut self, now: u64) -> Vec<Site> {
        let over: Vec<Site> = self
            .sites
            .iter()
            .filter(|(_, s)| s.paused_until.is_some_and(|until| until <= now))
            .map(|(site, _)| site.clone())
            .collect();
        for site in &over {
            self.edit_site(site, |s| s.paused_until = None);
        }
        over
    }

    /// Ends the pauses "until the browser restarts" (called once per browser session); returns
    /// the sites that were resumed.
    pub fn end_session_pauses(&mut self) -> Vec<Site> {
        let over: Vec<Site> = self
            .sites
            .iter()
            .filter(|(_, s)| s.paused_for_session)
            .map(|(site, _)| site.clone())
            .collect();
        for site in &over {
            self.edit_site(site, |s| s.paused_for_session = false);
        }
        over
    }

    /// When the next timed pause ends, if any.
    pub fn next_pause_end(&self) -> Option<u64> {
        self.sites.values().filter_map(|s| s.paused_until).min()
    }

    /// Sets (or, with `None`, removes) the category override on `site`.
    pub fn set_category(&mut self, site: &Site, category: CategoryId, choice: Option<Choice>) {
        self.edit_site(site, |s| match choice {
            Some(c) => {
                s.categories.insert(category, c);
            }
            None => {
                s.categories.remove(&category);
            }
        });
    }

    /// Sets (or, with `None`, removes) the service override on `site`.
    pub fn set_service(&mut self, site: &Site, service: &str, choice: Option<Choice>) {
        self.edit_site(site, |s| match choice {
            Some(c) => {
                s.services.insert(service.to_owned(), c);
            }
            None => {
                s.services.remove(service);
            }
        });
    }

    /// Pauses `site` until the visitor resumes, or resumes it.
    pub fn set_paused(&mut self, site: &Site, paused: bool) {
        self.set_pause(site, paused.then_some(PauseLength::Always), 0);
    }

    fn edit_site(&mut self, site: &Site, edit: impl FnOnce(&mut SiteChoices)) {
        let entry = self.sites.entry(site.clone()).or_default();
        edit(entry);
        if entry.is_empty() {
            self.sites.remove(site);
        }
    }

    /// Whether the visitor leaves `site`'s banner alone.
    pub fn leaves_banner(&self, site: &Site) -> bool {
        self.sites.get(site).is_some_and(|c| c.leave_banner)
    }

    /// Makes `site` an exception to answering banners (or ends the exception).
    pub fn set_leave_banner(&mut self, site: &Site, leave: bool) {
        let entry = self.sites.entry(site.clone()).or_default();
        entry.leave_banner = leave;
        if entry.is_empty() {
            self.sites.remove(site);
        }
    }

    /// Whether the visitor allowed ADPC consent request `id` on `site`.
    pub fn adpc_allowed(&self, site: &Site, id: &str) -> bool {
        self.sites
            .get(site)
            .is_some_and(|c| c.adpc_consent.contains(id))
    }

    /// Allows or withdraws ADPC consent request `id` on `site`. Refused (false) for an
    /// identifier the signal cannot carry ([`crate::adpc::is_identifier`]) or a new one past
    /// [`MAX_ADPC_CONSENTS_PER_SITE`].
    pub fn set_adpc(&mut self, site: &Site, id: &str, allowed: bool) -> bool {
        if allowed {
            if !crate::adpc::is_identifier(id) {
                return false;
            }
            let entry = self.sites.entry(site.clone()).or_default();
            if entry.adpc_consent.len() >= MAX_ADPC_CONSENTS_PER_SITE
                && !entry.adpc_consent.contains(id)
            {
                return false;
            }
            entry.adpc_consent.insert(id.to_owned());
        } else if let Some(entry) = self.sites.get_mut(site) {
            entry.adpc_consent.remove(id);
            if entry.is_empty() {
                self.sites.remove(site);
            }
        }
        true
    }

    /// The stored form (JSON).
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// Reads stored preferences of any version, tolerating damage: older versions are migrated,
    /// every readable part is kept, the rest is set to defaults, and each repair is reported.
    /// `null` (nothing stored yet) gives the defaults with no diagnostics.
    pub fn load(stored: &Value) -> (Preferences, Vec<Diagnostic>) {
        let mut diagnostics = Vec::new();
        let root = Place::root();
        let mut prefs = Preferences::default();
        let map = match stored {
            Value::Null => return (prefs, diagnostics),
            Value::Object(map) => map.clone(),
            other => {
                diagnostics.push(Diagnostic::error(
                    &root,
                    format!(
                        "expected saved choices, found {}; defaults used",
                        crate::policy::parse::describe(other)
                    ),
                ));
                return (prefs, diagnostics);
            }
        };
        let version = match map.get("version").and_then(Value::as_u64) {
            Some(v) => v,
            None => {
                diagnostics.push(Diagnostic::warning(
                    &root.field("version"),
                    "missing or not a number; read as version 1",
                ));
                1
            }
        };
        let map = if version < PREFS_VERSION {
            migrate_v1_to_v2(map)
        } else {
            if version > PREFS_VERSION {
                diagnostics.push(Diagnostic::warning(
                    &root.field("version"),
                    format!(
                        "written by a newer version ({version}); read as version {PREFS_VERSION}"
                    ),
                ));
            }
            map
        };

        let read = |field: &str, diagnostics: &mut Vec<Diagnostic>| -> Option<Value> {
            let value = map.get(field)?.clone();
            if value.is_null() {
                diagnostics.push(Diagnostic::warning(
                    &root.field(field),
                    "missing; default used",
                ));
                return None;
            }
            Some(value)
        };
        if let Some(value) = read("defaults", &mut diagnostics) {
            if let Some(defaults) =
                read_category_map(&value, &root.field("defaults"), &mut diagnostics)
            {
                prefs.defaults.extend(defaults);
            }
        }
        if let Some(value) = read("undeclared", &mut diagnostics) {
            match serde_json::from_value(value.clone()) {
                Ok(v) => prefs.undeclared = v,
                Err(_) => diagnostics.push(bad(
                    &root.field("undeclared"),
                    "\"keep\" or \"delete\"",
                    &value,
                )),
            }
        }
        for (field, slot) in [
            ("actWithoutPolicy", &mut prefs.act_without_policy),
            ("globalPrivacyControl", &mut prefs.global_privacy_control),
            ("trustSiteCategories", &mut prefs.trust_site_categories),
            ("answerBanners", &mut prefs.answer_banners),
            ("acceptBanners", &mut prefs.accept_banners),
            ("adpc", &mut prefs.adpc),
        ] {
            if let Some(value) = read(field, &mut diagnostics) {
                match value.as_bool() {
                    Some(b) => *slot = b,
                    None => diagnostics.push(bad(&root.field(field), "true or false", &value)),
                }
            }
        }
        if let Some(value) = read("sites", &mut diagnostics) {
            prefs.sites = read_sites(&value, &root.field("sites"), &mut diagnostics);
        }
        (prefs, diagnostics)
    }
}

fn bad(place: &Place, expected: &str, found: &Value) -> Diagnostic {
    Diagnostic::error(
        place,
        format!(
            "expected {expected}, found {}; default used",
            crate::policy::parse::describe(found)
        ),
    )
}

fn read_category_map(
    value: &Value,
    place: &Place,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<BTreeMap<CategoryId, Choice>> {
    let Value::Object(map) = value else {
        diagnostics.push(bad(place, "an object of category → allow/deny", value));
        return None;
    };
    let mut out = BTreeMap::new();
    for (key, choice) in map {
        let inner = place.field(key);
        let Some(category) = CategoryId::from_id(key) else {
            diagnostics.push(Diagnostic::warning(&inner, "unknown category; dropped"));
            continue;
        };
        match serde_json::from_value::<Choice>(choice.clone()) {
            Ok(c) => {
                out.insert(category, c);
            }
            Err(_) => diagnostics.push(bad(&inner, "\"allow\" or \"deny\"", choice)),
        }
    }
    Some(out)
}

fn read_sites(
    value: &Value,
    place: &Place,
    diagnostics: &mut Vec<Diagnostic>,
) -> BTreeMap<Site, SiteChoices> {
    let mut sites = BTreeMap::new();
    let Value::Object(map) = value else {
        diagnostics.push(bad(place, "an object of site → choices", value));
        return sites;
    };
    for (key, entry) in map {
        let inner = place.field(key);
        let Some(site) = Site::parse(key) else {
            diagnostics.push(Diagnostic::warning(
                &inner,
                "not a registrable domain (such as example.com); dropped",
            ));
            continue;
        };
        let Value::Object(fields) = entry else {
            diagnostics.push(bad(&inner, "an object", entry));
            continue;
        };
        let mut choices = SiteChoices::default();
        if let Some(v) = fields.get("categories") {
            choices.categories =
                read_category_map(v, &inner.field("categories"), diagnostics).unwrap_or_default();
        }
        if let Some(v) = fields.get("services") {
            match v {
                Value::Object(services) => {
                    for (id, choice) in services {
                        match serde_json::from_value::<Choice>(choice.clone()) {
                            Ok(c) => {
                                choices.services.insert(id.clone(), c);
                            }
                            Err(_) => diagnostics.push(bad(
                                &inner.field("services").field(id),
                                "\"allow\" or \"deny\"",
                                choice,
                            )),
                        }
                    }
                }
                other => diagnostics.push(bad(&inner.field("services"), "an object", other)),
            }
        }
        if let Some(v) = fields.get("cookies") {
            match v {
                Value::Object(cookies) => {
                    for (name, choice) in cookies {
                        let place = inner.field("cookies").field(name);
                        if name.is_empty()
                            || name.len() > MAX_COOKIE_NAME_BYTES
                            || choices.cookies.len() >= MAX_COOKIE_CHOICES_PER_SITE
                        {
                            diagnostics.push(Diagnostic::warning(
                                &place,
                                format!(
                                    "empty, longer than {MAX_COOKIE_NAME_BYTES} bytes or past \
                                     {MAX_COOKIE_CHOICES_PER_SITE} cookies; dropped"
                                ),
                            ));
                            continue;
                        }
                        match serde_json::from_value::<Choice>(choice.clone()) {
                            Ok(c) => {
                                choices.cookies.insert(name.clone(), c);
                            }
                            Err(_) => {
                                diagnostics.push(bad(&place, "\"allow\" or \"deny\"", choice));
                            }
                        }
                    }
                }
                other => diagnostics.push(bad(&inner.field("cookies"), "an object", other)),
            }
        }
        for (field, slot) in [
            ("paused", &mut choices.paused),
            ("pausedForSession", &mut choices.paused_for_session),
            ("leaveBanner", &mut choices.leave_banner),
        ] {
            if let Some(v) = fields.get(field) {
                match v.as_bool() {
                    Some(b) => *slot = b,
                    None => diagnostics.push(bad(&inner.field(field), "true or false", v)),
                }
            }
        }
        if let Some(v) = fields.get("adpcConsent") {
            match v {
                Value::Array(ids) => {
                    for (i, id) in ids.iter().enumerate() {
                        let place = inner.field("adpcConsent").index(i);
                        match id.as_str() {
                            Some(id)
                                if crate::adpc::is_identifier(id)
                                    && choices.adpc_consent.len() < MAX_ADPC_CONSENTS_PER_SITE =>
                            {
                                choices.adpc_consent.insert(id.to_owned());
                            }
                            _ => diagnostics.push(Diagnostic::warning(
                                &place,
                                format!(
                                    "not an ADPC identifier (letters, digits and -_.:/, at most \
                                     {} bytes) or past {MAX_ADPC_CONSENTS_PER_SITE}; dropped",
                                    crate::adpc::MAX_ID_BYTES
                                ),
                            )),
                        }
                    }
                }
                other => diagnostics.push(bad(&inner.field("adpcConsent"), "a list", other)),
            }
        }
        if let Some(v) = fields.get("pausedUntil") {
            match v.as_u64() {
                Some(at) => choices.paused_until = Some(at),
                None => diagnostics.push(bad(
                    &inner.field("pausedUntil"),
                    "a time in seconds since 1970",
                    v,
                )),
            }
        }
        if !choices.is_empty() {
            sites.insert(site, choices);
        }
    }
    sites
}

/// Version 1 (the engine's first draft) stored choices as booleans: `defaults: {category:
/// allowed}`, per site `allow: {category: allowed}`, `services: {id: allowed}` and `paused`, and
/// `deleteUndeclared: bool`. Version 2 stores `"allow"`/`"deny"` and names the undeclared action.
fn migrate_v1_to_v2(mut map: Map<String, Value>) -> Map<String, Value> {
    fn bools_to_choices(value: &Value) -> Value {
        match value {
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| {
                        let converted = match v {
                            Value::Bool(b) => serde_json::json!(if *b { "allow" } else { "deny" }),
                            other => other.clone(),
                        };
                        (k.clone(), converted)
                    })
                    .collect(),
            ),
            other => other.clone(),
        }
    }
    if let Some(defaults) = map.get("defaults").map(bools_to_choices) {
        map.insert("defaults".into(), defaults);
    }
    if let Some(delete) = map.remove("deleteUndeclared") {
        let action = match delete {
            Value::Bool(true) => serde_json::json!("delete"),
            Value::Bool(false) => serde_json::json!("keep"),
            other => other,
        };
        map.insert("undeclared".into(), action);
    }
    if let Some(Value::Object(sites)) = map.get_mut("sites") {
        for site in sites.values_mut() {
            if let Value::Object(fields) = site {
                if let Some(allow) = fields.remove("allow") {
                    fields.insert("categories".into(), bools_to_choices(&allow));
                }
                if let Some(services) = fields.get("services").map(bools_to_choices) {
                    fields.insert("services".into(), services);
                }
            }
        }
    }
    map.insert("version".into(), Value::from(PREFS_VERSION));
    map
}
