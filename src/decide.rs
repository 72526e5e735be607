//! Decisions: what happens to one observed cookie, and why.
//!
//! [`decide`] takes a cookie as the browser reports it, the [`Context`] of the site it belongs
//! to (that site's policy, if any, the visitor's choices and the known-cookie table) and `now`,
//! and returns a [`Decision`]: keep or delete, with a [`Reason`] the panel can show. A policy
//! only ever decides the cookies of its own site; which site a cookie belongs to is
//! [`Cookie::owner_site`]. Nothing here touches the browser.

use crate::domain::Site;
use crate::known::KnownCookies;
use crate::policy::{CategoryId, CompiledPolicy, StorageType};
use crate::prefs::{Choice, ChoiceSource, Preferences, UndeclaredAction};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A cookie's partition key, as `chrome.cookies` reports it (CHIPS).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PartitionKey {
    /// The top-level site the cookie is partitioned under, such as `https://kaltiot.com`.
    pub top_level_site: Option<String>,
}

/// A cookie as the browser reports it (`chrome.cookies.Cookie`), without its value: the engine
/// never needs, and never holds, what a cookie contains.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Cookie {
    /// The cookie's name.
    pub name: String,
    /// Its domain: `.kaltiot.com` for a domain cookie, `www.kaltiot.com` for a host-only one.
    pub domain: String,
    /// Whether it is sent only to exactly `domain`.
    pub host_only: bool,
    /// Its path.
    pub path: String,
    /// Whether it is sent only over https.
    pub secure: bool,
    /// Whether it ends with the browser session.
    pub session: bool,
    /// When it expires, in seconds since the Unix epoch (absent for session cookies).
    pub expiration_date: Option<f64>,
    /// The cookie store (profile, private window, container).
    pub store_id: String,
    /// Its partition (CHIPS), if partitioned.
    pub partition_key: Option<PartitionKey>,
    /// Firefox's first-party isolation domain, if any.
    pub first_party_domain: Option<String>,
}

/// What identifies one cookie to the browser: its store, domain, path and name, and its
/// partition (CHIPS' top-level site, Firefox's first-party domain). Two cookies with the same
/// identity are the same cookie.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CookieId {
    /// The cookie store.
    pub store_id: String,
    /// The domain as the browser reports it (a leading dot for domain cookies).
    pub domain: String,
    /// The path.
    pub path: String,
    /// The name.
    pub name: String,
    /// The top-level site it is partitioned under, if any.
    pub partition: Option<String>,
    /// Firefox's first-party isolation domain, if any.
    pub first_party_domain: Option<String>,
}

impl Cookie {
    /// The cookie's [`CookieId`].
    pub fn id(&self) -> CookieId {
        CookieId {
            store_id: self.store_id.clone(),
            domain: self.domain.clone(),
            path: self.path.clone(),
            name: self.name.clone(),
            partition: self
                .partition_key
                .as_ref()
                .and_then(|k| k.top_level_site.clone()),
            first_party_domain: self.first_party_domain.clone().filter(|d| !d.is_empty()),
        }
    }

    /// The site whose policy and choices decide this cookie: the top-level site of its
    /// partition, else its first-party isolation domain, else the site of its own domain.
    pub fn owner_site(&self) -> Option<Site> {
        self.partition_key
            .as_ref()
            .and_then(|k| k.top_level_site.as_deref())
            .and_then(Site::of_url)
            .or_else(|| {
                self.first_party_domain
                    .as_deref()
                    .filter(|d| !d.is_empty())
                    .and_then(Site::of_host)
            })
            .or_else(|| Site::of_host(&self.domain))
    }

    /// The URL `chrome.cookies.remove` needs to name this cookie: its scheme, host and path.
    pub fn url(&self) -> String {
        let scheme = if self.secure { "https" } else { "http" };
        let path = if self.path.starts_with('/') {
            self.path.as_str()
        } else {
            "/"
        };
        format!("{scheme}://{}{path}", self.host())
    }

    /// Whether the cookie is in a private window's store (`"1"` is Chrome's incognito store,
    /// `"firefox-private"` Firefox's): what the extension learns from it must not outlive the
    /// private session.
    pub fn in_private_store(&self) -> bool {
        is_private_store(&self.store_id)
    }

    /// The cookie's domain without a leading dot.
    pub fn host(&self) -> &str {
        self.domain.trim_start_matches('.')
    }

    /// Seconds from `now` until it expires; `None` for a session cookie, `Some(0)` if expired.
    pub fn remaining_seconds(&self, now: u64) -> Option<u64> {
        if self.session {
            return None;
        }
        let expires = self.expiration_date?;
        if !expires.is_finite() {
            return None;
        }
        let now = now as f64;
        Some(if expires <= now {
            0
        } else {
            (expires - now).min(u64::MAX as f64) as u64
        })
    }
}

/// Whether `store_id` names a private window's cookie store (Chrome's incognito store `"1"`,
/// Firefox's `"firefox-private"`).
pub fn is_private_store(store_id: &str) -> bool {
    store_id == "1" || store_id == "firefox-private"
}

/// What a site's policy is, as far as the decision goes.
#[derive(Debug, Clone, Copy)]
pub enum SitePolicy<'a> {
    /// The site declares its cookies.
    Declared(&'a CompiledPolicy),
    /// The site publishes no (valid) policy: decide from the known-cookie table.
    None,
}

/// Everything a decision about one site's cookies depends on.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The site the cookies belong to.
    pub site: &'a Site,
    /// Its policy, if any.
    pub policy: SitePolicy<'a>,
    /// The visitor's choices.
    pub prefs: &'a Preferences,
    /// Facts about common cookies.
    pub known: &'a KnownCookies,
}

/// Why a cookie is kept or deleted, in terms the panel can show (and translate: the fields are
/// data; [`fmt::Display`] gives the English sentence).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "camelCase")]
pub enum Reason {
    /// The visitor paused enforcement on this site.
    SitePaused,
    /// The visitor chose "always keep" or "always delete" for this cookie on this site.
    CookieChoice {
        /// Keep (allow) or delete (deny).
        choice: Choice,
    },
    /// The site's policy declares the cookie.
    #[serde(rename_all = "camelCase")]
    Declared {
        /// Its category.
        category: CategoryId,
        /// The service's id.
        service_id: String,
        /// The service's name.
        service_name: String,
        /// The visitor's choice.
        choice: Choice,
        /// Where the choice came from.
        source: ChoiceSource,
    },
    /// The site has a policy, and the cookie is not in it.
    Undeclared,
    /// The site has a policy that leaves the cookie out, and the known-cookie table knows it:
    /// it is decided by its common category, as on a site without a policy (a declaration
    /// that omits a known tracker cookie must not make it welcome), and still reported as
    /// undeclared.
    #[serde(rename_all = "camelCase")]
    UndeclaredKnown {
        /// Its category per the table.
        category: CategoryId,
        /// The platform that sets it, per the table.
        platform: String,
        /// The visitor's choice.
        choice: Choice,
        /// Where the choice came from.
        source: ChoiceSource,
    },
    /// No policy: the known-cookie table says what it is.
    #[serde(rename_all = "camelCase")]
    Inferred {
        /// Its category per the table.
        category: CategoryId,
        /// The platform that sets it, per the table.
        platform: String,
        /// The visitor's choice.
        choice: Choice,
        /// Where the choice came from.
        source: ChoiceSource,
    },
    /// No policy, and the visitor chose not to act on such sites.
    NoPolicyNotActing,
    /// No policy, and the cookie is not in the known-cookie table.
    Unknown,
    /// The cookie has already expired; the browser drops it.
    Expired,
}

impl Reason {
    /// The category the cookie was decided by, when a category decided it.
    pub fn category(&self) -> Option<CategoryId> {
        match self {
            Reason::Declared { category, .. }
            | Reason::UndeclaredKnown { category, .. }
            | Reason::Inferred { category, .. } => Some(*category),
            _ => None,
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whose = |choice: &Choice, source: &ChoiceSource| {
            let verb = if choice.is_allow() { "allow" } else { "deny" };
            match source {
                ChoiceSource::Default => format!("which you {verb} by default"),
                ChoiceSource::SiteCategory => format!("which you {verb} on this site"),
                ChoiceSource::SiteService => format!("a service you {verb} on this site"),
            }
        };
        match self {
            Reason::SitePaused => f.write_str("you paused Cookie Warden on this site"),
            Reason::CookieChoice { choice } => f.write_str(if choice.is_allow() {
                "you always keep this cookie on this site"
            } else {
                "you always delete this cookie on this site"
            }),
            Reason::Declared {
                category,
                service_name,
                choice,
                source,
                ..
            } => write!(
                f,
                "declared as {category} ({service_name}), {}",
                whose(choice, source)
            ),
            Reason::Undeclared => f.write_str("not declared in the site's policy"),
            Reason::UndeclaredKnown {
                category,
                platform,
                choice,
                source,
            } => write!(
                f,
                "not declared in the site's policy; commonly {category} ({platform}), {}",
                whose(choice, source)
            ),
            Reason::Inferred {
                category,
                platform,
                choice,
                source,
            } if platform.is_empty() => write!(
                f,
                "no policy; guessed as {category} from common cookies, {}",
                whose(choice, source)
            ),
            Reason::Inferred {
                category,
                platform,
                choice,
                source,
            } => write!(
                f,
                "no policy; guessed as {category} ({platform}) from common cookies, {}",
                whose(choice, source)
            ),
            Reason::NoPolicyNotActing => {
                f.write_str("no policy, and you chose not to act on such sites")
            }
            Reason::Unknown => f.write_str("no policy, and nothing known says what it is"),
            Reason::Expired => f.write_str("already expired"),
        }
    }
}

/// Keep or delete.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Verdict {
    /// Leave the cookie alone.
    Keep,
    /// Delete the cookie.
    Delete,
}

/// A verdict and its reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Decision {
    /// Keep or delete.
    pub verdict: Verdict,
    /// Why.
    pub reason: Reason,
}

impl Decision {
    fn new(choice: Choice, reason: Reason) -> Decision {
        let verdict = if choice.is_allow() {
            Verdict::Keep
        } else {
            Verdict::Delete
        };
        Decision { verdict, reason }
    }

    fn keep(reason: Reason) -> Decision {
        Decision {
            verdict: Verdict::Keep,
            reason,
        }
    }
}

/// Decides what happens to `cookie`, which belongs to `ctx.site`, at `now` (seconds since the
/// Unix epoch).
pub fn decide(cookie: &Cookie, ctx: &Context<'_>, now: u64) -> Decision {
    if ctx.prefs.is_paused(ctx.site) {
        return Decision::keep(Reason::SitePaused);
    }
    if cookie.remaining_seconds(now) == Some(0) {
        return Decision::keep(Reason::Expired);
    }
    if let Some(choice) = ctx.prefs.cookie_choice(ctx.site, &cookie.name) {
        return Decision::new(choice, Reason::CookieChoice { choice });
    }
    match ctx.policy {
        SitePolicy::Declared(policy) => {
            match policy.lookup(&cookie.name, &cookie.domain, StorageType::Cookie) {
                Some(found) => {
                    let category = found.service.category;
                    let (choice, source) =
                        ctx.prefs
                            .choice(ctx.site, category, Some(&found.service.id));
                    Decision::new(
                        choice,
                        Reason::Declared {
                            category,
                            service_id: found.service.id.clone(),
                            service_name: found.service.name.clone(),
                            choice,
                            source,
                        },
                    )
                }
                None => undeclared(cookie, ctx),
            }
        }
        SitePolicy::None if !ctx.prefs.act_without_policy => {
            Decision::keep(Reason::NoPolicyNotActing)
        }
        SitePolicy::None => match ctx.known.guess(&cookie.name, &cookie.domain, ctx.site) {
            Some(known) => {
                let (choice, source) = ctx.prefs.choice(ctx.site, known.category, None);
                Decision::new(
                    choice,
                    Reason::Inferred {
                        category: known.category,
                        platform: known.platform.clone(),
                        choice,
                        source,
                    },
                )
            }
            None => Decision::keep(Reason::Unknown),
        },
    }
}

/// A cookie the site's policy leaves out. The visitor's "delete undeclared cookies" deletes it;
/// otherwise a cookie the known-cookie table knows is decided by its common category (unless
/// the visitor chose not to act on guesses), and anything else is kept and reported.
fn undeclared(cookie: &Cookie, ctx: &Context<'_>) -> Decision {
    if ctx.prefs.undeclared == UndeclaredAction::Delete {
        return Decision {
            verdict: Verdict::Delete,
            reason: Reason::Undeclared,
        };
    }
    let known = ctx
        .prefs
        .act_without_policy
        .then(|| ctx.known.guess(&cookie.name, &cookie.domain, ctx.site))
        .flatten();
    match known {
        Some(known) => {
            let (choice, source) = ctx.prefs.choice(ctx.site, known.category, None);
            Decision::new(
                choice,
                Reason::UndeclaredKnown {
                    category: known.category,
                    platform: known.platform.clone(),
                    choice,
                    source,
                },
            )
        }
        None => Decision::keep(Reason::Undeclared),
    }
}
