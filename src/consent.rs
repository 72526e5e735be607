//! Answering a site's consent banner with the visitor's choices.
//!
//! Where the site's consent platform (CMP) has a public interface that takes per-category
//! answers, the page-side script reports the platform and its groups as the page has them, and
//! [`plan`] says what to give each group: the visitor's choice on this site for the group's
//! category ([`category_of`]; a group the engine cannot place is allowed only when the visitor
//! allows every category). Everywhere else a banner can only be opted out of (or, where the
//! visitor allows everything and has said so, accepted) through autoconsent's rules
//! ([`auto_action`]).
//!
//! Nothing is answered on a paused site, on a site the visitor excepted, or while the feature is
//! off; "accept" is never given for the visitor unless they allow every category on the site and
//! have switched accepting on. What the page reports back is kept as an [`Outcome`], bounded,
//! for the panel.

use crate::domain::Site;
use crate::policy::formats::{category_from_words, onetrust};
use crate::policy::CategoryId;
use crate::prefs::Preferences;
use serde::{Deserialize, Serialize};

/// A consent platform whose public interface takes per-category answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Platform {
    /// OneTrust (`OneTrust.UpdateConsent`).
    OneTrust,
    /// Cookiebot (`Cookiebot.submitCustomConsent`).
    Cookiebot,
    /// Usercentrics (`UC_UI` / `__ucCmp`).
    Usercentrics,
    /// Didomi (`Didomi.setUserStatus`).
    Didomi,
    /// CookieYes (`performBannerAction`).
    CookieYes,
    /// Complianz (`cmplz_set_consent`).
    Complianz,
}

impl Platform {
    /// Its name, as the visitor knows it.
    pub fn name(self) -> &'static str {
        match self {
            Platform::OneTrust => "OneTrust",
            Platform::Cookiebot => "Cookiebot",
            Platform::Usercentrics => "Usercentrics",
            Platform::Didomi => "Didomi",
            Platform::CookieYes => "CookieYes",
            Platform::Complianz => "Complianz",
        }
    }
}

/// One group (category, purpose) of a platform as the page has it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Group {
    /// The platform's id for it (`C0002`, `statistics`, a purpose id).
    pub id: String,
    /// Its name, where the platform has one ("Performance Cookies").
    #[serde(default)]
    pub name: String,
    /// Whether the platform has it allowed now, when the platform holds an answer already.
    #[serde(default)]
    pub allowed: Option<bool>,
}

/// At most this many groups are answered (a platform has a handful; a page could claim more).
pub const MAX_GROUPS: usize = 64;

/// The longest group id or name looked at.
pub const MAX_GROUP_TEXT: usize = 200;

/// The answer for one group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupAnswer {
    /// The platform's id for the group.
    pub id: String,
    /// Whether it is allowed.
    pub allow: bool,
    /// The category it was taken as, if the engine could place it.
    pub category: Option<CategoryId>,
}

/// Why a banner is left as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Leave {
    /// The visitor has answering banners off.
    Off,
    /// The visitor excepted this site.
    Excepted,
    /// The site is paused (the visitor trusts it).
    Paused,
    /// Autoconsent could only opt out or accept everything, and the visitor allows some
    /// categories and denies others (or allows everything without accepting switched on).
    Mixed,
}

/// What to tell a platform.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Plan {
    /// Give these answers, one per group (the necessary ones are left as the platform has
    /// them, always on).
    Answer {
        /// The platform.
        platform: Platform,
        /// The visitor's categories on the site (functional, statistics, marketing).
        wishes: Wishes,
        /// One answer per group.
        groups: Vec<GroupAnswer>,
        /// Whether the platform must be told: false when it already holds exactly these
        /// answers (nothing is sent, so an answer never repeats, nor a reload it causes).
        needed: bool,
    },
    /// Leave the banner as it is.
    Leave {
        /// Why.
        why: Leave,
    },
}

/// The visitor's choice per category that needs consent, on one site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Wishes {
    /// Functional (preferences).
    pub functional: bool,
    /// Statistics.
    pub statistics: bool,
    /// Marketing.
    pub marketing: bool,
}

impl Wishes {
    /// The visitor's category choices on `site` (services are not asked: platforms answer by
    /// category).
    pub fn of(prefs: &Preferences, site: &Site) -> Wishes {
        let allowed = |c| prefs.choice(site, c, None).0.is_allow();
        Wishes {
            functional: allowed(CategoryId::Functional),
            statistics: allowed(CategoryId::Statistics),
            marketing: allowed(CategoryId::Marketing),
        }
    }

    /// Whether `category` is allowed (necessary always is).
    pub fn allows(self, category: CategoryId) -> bool {
        match category {
            CategoryId::Necessary => true,
            CategoryId::Functional => self.functional,
            CategoryId::Statistics => self.statistics,
            CategoryId::Marketing => self.marketing,
        }
    }

    /// Whether every category is allowed.
    pub fn all(self) -> bool {
        self.functional && self.statistics && self.marketing
    }

    /// Whether statistics and marketing, the categories consent is asked for everywhere, are
    /// both denied.
    pub fn denies_tracking(self) -> bool {
        !self.statistics && !self.marketing
    }
}

/// Why nothing may be answered on `site`, if so.
pub fn refusal(prefs: &Preferences, site: &Site) -> Option<Leave> {
    if !prefs.answer_banners {
        Some(Leave::Off)
    } else if prefs.is_paused(site) {
        Some(Leave::Paused)
    } else if prefs.leaves_banner(site) {
        Some(Leave::Excepted)
    } else {
        None
    }
}

/// The category of a platform's group: OneTrust's standard ids first, then the fixed names of
/// the platforms whose categories are fixed, then the words of the id and the name.
pub fn category_of(platform: Platform, group: &Group) -> Option<CategoryId> {
    let id = group.id.trim();
    if platform == Platform::OneTrust {
        if let Some(c) = onetrust::standard_group_category(id) {
            return Some(c);
        }
    }
    let fixed = match id.to_ascii_lowercase().as_str() {
        "necessary" | "essential" | "strictly-necessary" => Some(CategoryId::Necessary),
        "preferences" | "preference" | "functional" | "functionality" => {
            Some(CategoryId::Functional)
        }
        "statistics" | "analytics" | "performance" => Some(CategoryId::Statistics),
        "marketing" | "advertisement" | "advertising" => Some(CategoryId::Marketing),
        // Didomi's standard purposes (IAB TCF's, by Didomi's ids).
        "cookies" => None,
        "measure_content_performance"
        | "measure_ad_performance"
        | "market_research"
        | "improve_products" => Some(CategoryId::Statistics),
        "select_basic_ads"
        | "create_ads_profile"
        | "select_personalized_ads"
        | "create_content_profile"
        | "select_personalized_content"
        | "use_limited_data_to_select_content" => Some(CategoryId::Marketing),
        _ => None,
    };
    fixed
        .or_else(|| category_from_words(&group.name))
        .or_else(|| category_from_words(&id.replace(['_', '-'], " ")))
}

/// What to tell `platform` on `site`, whose groups (as the page reports them) are `groups`.
/// A group the engine cannot place is allowed only when the visitor allows every category; a
/// necessary group is always on.
pub fn plan(prefs: &Preferences, site: &Site, platform: Platform, groups: &[Group]) -> Plan {
    if let Some(why) = refusal(prefs, site) {
        return Plan::Leave { why };
    }
    let wishes = Wishes::of(prefs, site);
    let mut needed = false;
    let groups: Vec<GroupAnswer> = groups
        .iter()
        .filter(|g| !g.id.is_empty() && g.id.len() <= MAX_GROUP_TEXT)
        .take(MAX_GROUPS)
        .map(|g| {
            let category = category_of(platform, g);
            let allow = category.map_or(wishes.all(), |c| wishes.allows(c));
            needed |= g.allowed != Some(allow);
            GroupAnswer {
                id: g.id.clone(),
                allow,
                category,
            }
        })
        .collect();
    Plan::Answer {
        platform,
        wishes,
        needed: needed || groups.is_empty(),
        groups,
    }
}

/// What autoconsent is asked to do with a banner no platform interface answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum AutoAction {
    /// Refuse everything the banner asks (the visitor denies statistics and marketing).
    OptOut,
    /// Accept (the visitor allows every category and switched accepting on).
    OptIn,
}

/// Whether and how autoconsent may answer a banner on `site`.
pub fn auto_action(prefs: &Preferences, site: &Site) -> Result<AutoAction, Leave> {
    if let Some(why) = refusal(prefs, site) {
        return Err(why);
    }
    let wishes = Wishes::of(prefs, site);
    if wishes.denies_tracking() {
        Ok(AutoAction::OptOut)
    } else if wishes.all() && prefs.accept_banners {
        Ok(AutoAction::OptIn)
    } else {
        Err(Leave::Mixed)
    }
}

/// What became of a banner on a page, as the page side reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Outcome {
    /// The platform was told, through its interface.
    Answered {
        /// The platform.
        platform: Platform,
        /// What it was told.
        wishes: Wishes,
        /// Whether its banner is gone.
        closed: bool,
        /// Whether it held these answers already (nothing was sent).
        #[serde(default)]
        already: bool,
    },
    /// Autoconsent answered the banner of `cmp`.
    Automatic {
        /// Autoconsent's name for the banner (plain text, bounded).
        cmp: String,
        /// What it did.
        action: AutoAction,
    },
    /// A banner was found and could not be answered; it was left as it was.
    Failed {
        /// The platform, when it was one answered through its interface.
        platform: Option<Platform>,
        /// Autoconsent's name for it, or the platform's.
        cmp: String,
    },
    /// A banner (or platform) was found and left alone.
    Left {
        /// The platform's or banner's name.
        cmp: String,
        /// Why.
        why: Leave,
    },
}

/// The longest banner name kept.
pub const MAX_CMP_NAME: usize = 64;

impl Outcome {
    /// The outcome with its texts made safe to keep: a name is cut to [`MAX_CMP_NAME`] bytes
    /// of printable characters.
    pub fn bounded(self) -> Outcome {
        let clean = |s: String| {
            let mut out: String = s
                .chars()
                .filter(|c| !c.is_control())
                .take(MAX_CMP_NAME)
                .collect();
            while out.len() > MAX_CMP_NAME {
                out.pop();
            }
            out
        };
        match self {
            Outcome::Automatic { cmp, action } => Outcome::Automatic {
                cmp: clean(cmp),
                action,
            },
            Outcome::Failed { platform, cmp } => Outcome::Failed {
                platform,
                cmp: clean(cmp),
            },
            Outcome::Left { cmp, why } => Outcome::Left {
                cmp: clean(cmp),
                why,
            },
            answered @ Outcome::Answered { .. } => answered,
        }
    }

    /// Whether what was answered no longer matches the visitor's choices on `site` (the panel
    /// offers to answer again, and a changed switch does).
    pub fn is_stale(&self, prefs: &Preferences, site: &Site) -> bool {
        match self {
            Outcome::Answered { wishes, .. } => {
                refusal(prefs, site).is_none() && *wishes != Wishes::of(prefs, site)
            }
            Outcome::Automatic { action, .. } => auto_action(prefs, site) != Ok(*action),
            Outcome::Failed { .. } | Outcome::Left { .. } => false,
        }
    }
}

/// The panel's banner part for one site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BannerView {
    /// What became of the banner in this tab, if the page side found one.
    pub outcome: Option<Outcome>,
    /// Whether that answer no longer matches the visitor's choices.
    pub stale: bool,
    /// Why nothing is answered on the site now, if so.
    pub refusal: Option<Leave>,
    /// Whether the visitor excepted this site (the switch's state).
    pub excepted: bool,
}

impl BannerView {
    /// The banner part for `site`, with the tab's `outcome`.
    pub fn new(prefs: &Preferences, site: &Site, outcome: Option<&Outcome>) -> BannerView {
        BannerView {
            stale: outcome.is_some_and(|o| o.is_stale(prefs, site)),
            outcome: outcome.cloned(),
            refusal: refusal(prefs, site),
            excepted: prefs.leaves_banner(site),
        }
    }
}
