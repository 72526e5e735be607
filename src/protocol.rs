//! The message protocol between the extension's pages (popup, options, content script) and the
//! background worker: one typed request enum and one response enum, serialised as JSON objects
//! tagged by `type`. Changing the visitor's choices is pure and lives here too
//! ([`Request::apply_to`]); the background persists the result and carries it out.

use crate::consent::{AutoAction, Group, Leave, Outcome, Plan, Platform};
use crate::discovery::PageScript;
use crate::domain::Site;
use crate::policy::CategoryId;
use crate::prefs::{Choice, PauseLength, Preferences, UndeclaredAction};
use crate::view::SiteView;
use serde::{Deserialize, Serialize};

/// What a page asks the background.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Request {
    /// The panel for the site shown in a tab.
    GetPanel {
        /// The tab.
        tab_id: i32,
        /// The visitor's language (`navigator.language`).
        #[serde(default)]
        language: Option<String>,
        /// Only what the first screen shows: the categories without their services
        /// ([`SiteView::into_brief`]).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        brief: bool,
    },
    /// The panel for a site, whatever tab shows it.
    GetSitePanel {
        /// The site.
        site: Site,
        /// The visitor's language.
        #[serde(default)]
        language: Option<String>,
    },
    /// A site's panel as plain text (the demo prints it).
    GetSiteText {
        /// The site.
        site: Site,
        /// The visitor's language.
        #[serde(default)]
        language: Option<String>,
    },
    /// Allow or deny a category on a site; `None` returns it to the default.
    SetCategory {
        /// The site.
        site: Site,
        /// The category.
        category: CategoryId,
        /// The choice.
        choice: Option<Choice>,
    },
    /// Allow or deny a service on a site; `None` returns it to its category's choice.
    SetService {
        /// The site.
        site: Site,
        /// The service's id.
        service: String,
        /// The choice.
        choice: Option<Choice>,
    },
    /// Pause or resume enforcement on a site.
    SetPaused {
        /// The site.
        site: Site,
        /// Paused or not.
        paused: bool,
        /// For how long (until the visitor resumes when not given).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        length: Option<PauseLength>,
    },
    /// Always keep or always delete one cookie on a site; `None` returns it to its service's
    /// and category's choice.
    SetCookieChoice {
        /// The site.
        site: Site,
        /// The cookie's name.
        name: String,
        /// Keep (allow) or delete (deny).
        choice: Option<Choice>,
    },
    /// Forget every choice of one site (it follows the defaults again).
    ForgetSite {
        /// The site.
        site: Site,
    },
    /// The default choice of a category, for every site without a choice of its own.
    SetDefault {
        /// The category.
        category: CategoryId,
        /// The choice.
        choice: Choice,
    },
    /// What happens to cookies a policy does not declare.
    SetUndeclared {
        /// Keep (and flag) or delete.
        undeclared: UndeclaredAction,
    },
    /// Whether to act on sites without a policy (from the known-cookie table).
    SetActWithoutPolicy {
        /// On or off.
        on: bool,
    },
    /// Whether to send Global Privacy Control.
    SetGlobalPrivacyControl {
        /// On or off.
        on: bool,
    },
    /// Whether to take sites' categories as declared, even for known trackers.
    SetTrustSiteCategories {
        /// On or off.
        on: bool,
    },
    /// Delete the site's disallowed cookies now.
    DeleteNow {
        /// The site.
        site: Site,
    },
    /// Fetch the site's policy again, from the page a tab shows (the panel's refresh), from a
    /// page URL of the site, or else from `https://SITE/`.
    RefreshPolicy {
        /// The site.
        site: Site,
        /// The tab whose page to discover from, if it shows the site.
        #[serde(default)]
        tab_id: Option<i32>,
        /// A page of the site to discover from.
        #[serde(default)]
        page_url: Option<String>,
    },
    /// The visitor's preferences.
    GetPreferences,
    /// When the background saw a few events (for measurements: a site's rules installed), in
    /// milliseconds since the Unix epoch.
    GetTimings,
    /// Replace the preferences (options page, import); read tolerantly like stored ones.
    SetPreferences {
        /// The new preferences, in their stored form.
        preferences: serde_json::Value,
    },
    /// Whether to answer sites' consent banners.
    SetAnswerBanners {
        /// On or off.
        on: bool,
    },
    /// Whether a banner may be accepted on a site where the visitor allows everything.
    SetAcceptBanners {
        /// On or off.
        on: bool,
    },
    /// Whether to send the ADPC signal.
    SetAdpc {
        /// On or off.
        on: bool,
    },
    /// Leave one site's banner alone (or answer it again).
    SetLeaveBanner {
        /// The site.
        site: Site,
        /// Leave it alone.
        leave: bool,
    },
    /// Allow or withdraw one of a site's ADPC consent requests.
    SetAdpcConsent {
        /// The site.
        site: Site,
        /// The request's identifier.
        id: String,
        /// Allowed or not.
        allowed: bool,
    },
    /// Answer the banner of the page a tab shows again (the panel's button).
    AnswerBanner {
        /// The tab.
        tab_id: i32,
    },
    /// From the content script: the page's consent platform is ready, with these groups. The
    /// page is the sender's.
    BannerReady {
        /// The platform.
        platform: Platform,
        /// Its groups, as the page has them.
        #[serde(default)]
        groups: Vec<Group>,
    },
    /// From the content script: the page has a banner no platform interface answers; may
    /// autoconsent answer it?
    BannerAuto,
    /// From the content script: what became of the page's banner.
    BannerOutcome {
        /// The outcome.
        outcome: Outcome,
    },
    /// From the content script: the page's ADPC consent requests, from its
    /// `navigator.dataProtectionControl.request()` call (any JSON; read tolerantly).
    AdpcRequests {
        /// The requests, as the page gave them.
        requests: serde_json::Value,
    },
    /// From the content script: the page links its ADPC consent requests
    /// (`<link rel="consent-requests">`).
    AdpcLink {
        /// The link's absolute URL.
        url: String,
    },
    /// From the content script: the page links its policy. The page is the sender's (the
    /// browser says which page sent it), never one the message names.
    PolicyLink {
        /// The link's absolute URL.
        url: String,
    },
    /// From the content script: the page's script elements (for the consent platform it
    /// loads), its language and the visitor's. As with a link, the page is the sender's.
    PageScripts {
        /// The script elements with an address.
        scripts: Vec<PageScript>,
        /// The page's `lang`.
        #[serde(default)]
        page_language: String,
        /// The visitor's language (`navigator.language`).
        #[serde(default)]
        visitor_language: String,
    },
}

/// What the background answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Response {
    /// A site's panel, with this tab's counters.
    Panel {
        /// The view model.
        view: Box<SiteView>,
        /// Cookies deleted for this site while this tab showed it.
        deleted_in_tab: u32,
        /// Requests blocked in this tab.
        blocked_in_tab: u32,
    },
    /// A panel as plain text.
    Text {
        /// The text.
        text: String,
    },
    /// The tab shows no web site (a browser page, a new tab).
    NoSite,
    /// The preferences, and what loading them had to repair.
    Preferences {
        /// The stored form.
        preferences: serde_json::Value,
        /// Repairs, as sentences.
        repairs: Vec<String>,
    },
    /// Done.
    Done,
    /// What to tell the page's consent platform.
    BannerPlan {
        /// The plan.
        plan: Plan,
    },
    /// What autoconsent may do on the page: `action`, or leave the banner (`leave`), and the
    /// rules of platforms answered through their interface, which it must not click through.
    BannerAuto {
        /// What to do, if anything.
        action: Option<AutoAction>,
        /// Why not, if not.
        leave: Option<Leave>,
    },
    /// The visitor's decisions on the page's ADPC requests.
    AdpcDecisions {
        /// As `navigator.dataProtectionControl.request()` resolves them.
        decisions: crate::adpc::Decisions,
    },
    /// When events happened: `[name, milliseconds since the Unix epoch]`, oldest first.
    Timings {
        /// The events, such as `rules:kaltiot.test`.
        marks: Vec<(String, f64)>,
    },
    /// The request could not be carried out.
    Error {
        /// Why.
        message: String,
    },
}

/// Who sent a message, as the browser reports it (`runtime.MessageSender`), and so what it may
/// ask.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sender {
    /// One of the extension's own pages (popup, options page, the background itself).
    Extension,
    /// The content script in a web page: its tab, whether it is the top frame, and the frame's
    /// URL as the browser knows it.
    ContentScript {
        /// The tab.
        tab_id: i32,
        /// Whether the frame is the tab's top-level frame.
        top_frame: bool,
        /// The frame's URL.
        url: String,
    },
    /// Anything else (another extension, a sender the browser does not describe).
    Unknown,
}

/// What the browser says about a message's sender, as plain data.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SenderInfo<'a> {
    /// `sender.id`: the sending extension's id.
    pub id: Option<&'a str>,
    /// `sender.origin` (Chrome 80+, Firefox 126+).
    pub origin: Option<&'a str>,
    /// `sender.url`.
    pub url: Option<&'a str>,
    /// `sender.tab.id`.
    pub tab_id: Option<i32>,
    /// `sender.frameId`.
    pub frame_id: Option<i32>,
}

impl Sender {
    /// Classifies a sender for this extension (`own_id`, whose pages are under `own_base`,
    /// such as `chrome-extension://ID/`). The browser fills these fields in, so a page cannot
    /// forge them; a page of the extension is told apart from a content script by its origin
    /// (a page opened in a tab has a tab too), falling back to its URL.
    pub fn classify(info: &SenderInfo<'_>, own_id: &str, own_base: &str) -> Sender {
        if info.id != Some(own_id) || own_base.is_empty() {
            return Sender::Unknown;
        }
        let base = own_base.trim_end_matches('/');
        let under_base = |u: &str| u == base || u.starts_with(&format!("{base}/"));
        let ours = match info.origin {
            Some(origin) => origin == base,
            None => info.url.is_some_and(under_base),
        };
        if ours && info.url.is_none_or(under_base) {
            return Sender::Extension;
        }
        match (info.tab_id, info.url) {
            (Some(tab_id), Some(url)) if !ours && tab_id >= 0 => Sender::ContentScript {
                tab_id,
                top_frame: info.frame_id == Some(0),
                url: url.to_owned(),
            },
            _ => Sender::Unknown,
        }
    }
}

impl Sender {
    /// The page a content script in a tab's top-level frame reports from, and its tab: what a
    /// page's report is about (never a page the message names). `None` for any other sender.
    pub fn top_frame_page(&self) -> Option<(&str, i32)> {
        match self {
            Sender::ContentScript {
                url,
                top_frame: true,
                tab_id,
            } => Some((url.as_str(), *tab_id)),
            _ => None,
        }
    }
}

impl Request {
    /// Whether `sender` may make this request: the extension's own pages anything; a content
    /// script only what it is for (reporting the policy its top-level page links); anyone
    /// else nothing.
    pub fn allowed_from(&self, sender: &Sender) -> bool {
        match sender {
            Sender::Extension => true,
            Sender::ContentScript { top_frame, .. } => {
                *top_frame
                    && matches!(
                        self,
                        Request::PolicyLink { .. }
                            | Request::PageScripts { .. }
                            | Request::BannerReady { .. }
                            | Request::BannerAuto
                            | Request::BannerOutcome { .. }
                            | Request::AdpcRequests { .. }
                            | Request::AdpcLink { .. }
                    )
            }
            Sender::Unknown => false,
        }
    }

    /// The site a request is about, if it names one.
    pub fn site(&self) -> Option<Site> {
        match self {
            Request::GetSitePanel { site, .. }
            | Request::GetSiteText { site, .. }
            | Request::SetCategory { site, .. }
            | Request::SetService { site, .. }
            | Request::SetPaused { site, .. }
            | Request::SetCookieChoice { site, .. }
            | Request::ForgetSite { site }
            | Request::DeleteNow { site }
            | Request::RefreshPolicy { site, .. }
            | Request::SetLeaveBanner { site, .. }
            | Request::SetAdpcConsent { site, .. } => Some(site.clone()),
            Request::GetPanel { .. }
            | Request::SetDefault { .. }
            | Request::SetUndeclared { .. }
            | Request::SetActWithoutPolicy { .. }
            | Request::SetGlobalPrivacyControl { .. }
            | Request::SetTrustSiteCategories { .. }
            | Request::GetPreferences
            | Request::GetTimings
            | Request::SetPreferences { .. }
            | Request::PolicyLink { .. }
            | Request::PageScripts { .. }
            | Request::SetAnswerBanners { .. }
            | Request::SetAcceptBanners { .. }
            | Request::SetAdpc { .. }
            | Request::AnswerBanner { .. }
            | Request::BannerReady { .. }
            | Request::BannerAuto
            | Request::BannerOutcome { .. }
            | Request::AdpcRequests { .. }
            | Request::AdpcLink { .. } => None,
        }
    }

    /// Whether the request changes the visitor's choices (of a site, or global ones).
    pub fn changes_choices(&self) -> bool {
        matches!(
            self,
            Request::SetCategory { .. }
                | Request::SetService { .. }
                | Request::SetPaused { .. }
                | Request::SetCookieChoice { .. }
                | Request::ForgetSite { .. }
                | Request::SetPreferences { .. }
                | Request::SetLeaveBanner { .. }
                | Request::SetAdpcConsent { .. }
        ) || self.is_global_change()
    }

    /// Whether the request changes choices that apply to every site (the defaults, undeclared
    /// cookies, sites without a policy, Global Privacy Control).
    pub fn is_global_change(&self) -> bool {
        matches!(
            self,
            Request::SetDefault { .. }
                | Request::SetUndeclared { .. }
                | Request::SetActWithoutPolicy { .. }
                | Request::SetGlobalPrivacyControl { .. }
                | Request::SetTrustSiteCategories { .. }
                | Request::SetAnswerBanners { .. }
                | Request::SetAcceptBanners { .. }
                | Request::SetAdpc { .. }
        )
    }

    /// Applies a change of choices to `prefs`. Returns whether the request was one (the caller
    /// then saves the preferences, updates rules and sweeps cookies). Each change is applied to
    /// the preferences as they are then, so changes sent at the same time from several pages
    /// all take effect. `now` (seconds since the Unix epoch) starts a timed pause.
    pub fn apply_to(&self, prefs: &mut Preferences, now: u64) -> bool {
        match self {
            Request::SetDefault { category, choice } => {
                prefs.defaults.insert(*category, *choice);
            }
            Request::SetUndeclared { undeclared } => prefs.undeclared = *undeclared,
            Request::SetActWithoutPolicy { on } => prefs.act_without_policy = *on,
            Request::SetGlobalPrivacyControl { on } => prefs.global_privacy_control = *on,
            Request::SetTrustSiteCategories { on } => prefs.trust_site_categories = *on,
            Request::ForgetSite { site } => {
                prefs.sites.remove(site);
            }
            Request::SetCategory {
                site,
                category,
                choice,
            } => prefs.set_category(site, *category, *choice),
            Request::SetService {
                site,
                service,
                choice,
            } => prefs.set_service(site, service, *choice),
            Request::SetPaused {
                site,
                paused,
                length,
            } => prefs.set_pause(
                site,
                paused.then(|| length.unwrap_or(PauseLength::Always)),
                now,
            ),
            Request::SetCookieChoice { site, name, choice } => {
                return prefs.set_cookie(site, name, *choice);
            }
            Request::SetAnswerBanners { on } => prefs.answer_banners = *on,
            Request::SetAcceptBanners { on } => prefs.accept_banners = *on,
            Request::SetAdpc { on } => prefs.adpc = *on,
            Request::SetLeaveBanner { site, leave } => prefs.set_leave_banner(site, *leave),
            Request::SetAdpcConsent { site, id, allowed } => {
                return prefs.set_adpc(site, id, *allowed);
            }
            Request::GetPanel { .. }
            | Request::GetSitePanel { .. }
            | Request::GetSiteText { .. }
            | Request::DeleteNow { .. }
            | Request::RefreshPolicy { .. }
            | Request::GetPreferences
            | Request::GetTimings
            | Request::SetPreferences { .. }
            | Request::PolicyLink { .. }
            | Request::PageScripts { .. }
            | Request::AnswerBanner { .. }
            | Request::BannerReady { .. }
            | Request::BannerAuto
            | Request::BannerOutcome { .. }
            | Request::AdpcRequests { .. }
            | Request::AdpcLink { .. } => return false,
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(name: &str) -> Site {
        Site::parse(name).unwrap_or_else(|| panic!("{name}"))
    }

    #[test]
    fn requests_read_from_page_messages() {
        let cases = [
            (
                r#"{"type": "setCategory", "site": "kaltiot.com", "category": "statistics", "choice": "allow"}"#,
                Request::SetCategory {
                    site: site("kaltiot.com"),
                    category: CategoryId::Statistics,
                    choice: Some(Choice::Allow),
                },
            ),
            (
                r#"{"type": "setService", "site": "kaltiot.com", "service": "leadfeeder", "choice": null}"#,
                Request::SetService {
                    site: site("kaltiot.com"),
                    service: "leadfeeder".into(),
                    choice: None,
                },
            ),
            (
                r#"{"type": "getPanel", "tabId": 7}"#,
                Request::GetPanel {
                    tab_id: 7,
                    language: None,
                    brief: false,
                },
            ),
            (r#"{"type": "getPreferences"}"#, Request::GetPreferences),
        ];
        for (json, expected) in cases {
            let request: Request =
                serde_json::from_str(json).unwrap_or_else(|e| panic!("{json}: {e}"));
            assert_eq!(request, expected);
        }
        assert!(serde_json::from_str::<Request>(r#"{"type": "formatDisk"}"#).is_err());
        // A site must be one: a host, a URL or garbage where a site belongs is refused.
        for forged in [
            "www.kaltiot.com",
            "https://kaltiot.com/",
            "kaltiot.com/x",
            "",
        ] {
            let json = format!(r#"{{"type": "deleteNow", "site": "{forged}"}}"#);
            let err = serde_json::from_str::<Request>(&json)
                .err()
                .map(|e| e.to_string());
            assert!(
                err.as_deref()
                    .is_some_and(|e| e.contains("expected a site")),
                "{forged}: {err:?}"
            );
        }
    }

    /// Regression (issue 10, security 3): a content script may only report its own top-level
    /// page's policy link; everything else comes from the extension's own pages.
    #[test]
    fn senders_may_ask_only_what_they_are_for() {
        let own = "abcdefghijklmnop";
        let base = "chrome-extension://abcdefghijklmnop/";
        let page = SenderInfo {
            id: Some(own),
            origin: Some("chrome-extension://abcdefghijklmnop"),
            url: Some("chrome-extension://abcdefghijklmnop/popup.html?tab=3"),
            tab_id: Some(9),
            frame_id: Some(0),
        };
        let content = SenderInfo {
            id: Some(own),
            origin: Some("https://www.kaltiot.com"),
            url: Some("https://www.kaltiot.com/en/"),
            tab_id: Some(3),
            frame_id: Some(0),
        };
        let cases = [
            (
                "an extension page in a tab",
                page.clone(),
                Sender::Extension,
            ),
            (
                "the background itself",
                SenderInfo {
                    id: Some(own),
                    url: Some("chrome-extension://abcdefghijklmnop/background.js"),
                    ..SenderInfo::default()
                },
                Sender::Extension,
            ),
            (
                "a content script",
                content.clone(),
                Sender::ContentScript {
                    tab_id: 3,
                    top_frame: true,
                    url: "https://www.kaltiot.com/en/".into(),
                },
            ),
            (
                "a content script in a frame",
                SenderInfo {
                    frame_id: Some(4),
                    ..content.clone()
                },
                Sender::ContentScript {
                    tab_id: 3,
                    top_frame: false,
                    url: "https://www.kaltiot.com/en/".into(),
                },
            ),
            (
                "a page whose URL only looks like ours",
                SenderInfo {
                    origin: Some("https://evil.example"),
                    url: Some("https://evil.example/chrome-extension://abcdefghijklmnop/"),
                    ..content.clone()
                },
                Sender::ContentScript {
                    tab_id: 3,
                    top_frame: true,
                    url: "https://evil.example/chrome-extension://abcdefghijklmnop/".into(),
                },
            ),
            (
                "another extension",
                SenderInfo {
                    id: Some("otherextensionid"),
                    ..page.clone()
                },
                Sender::Unknown,
            ),
            ("nothing said", SenderInfo::default(), Sender::Unknown),
        ];
        for (name, info, expected) in cases {
            assert_eq!(Sender::classify(&info, own, base), expected, "{name}");
        }

        let kaltiot = site("kaltiot.com");
        let content = Sender::classify(&content, own, base);
        let link = Request::PolicyLink {
            url: "https://www.kaltiot.com/p.json".into(),
        };
        assert!(link.allowed_from(&content));
        assert!(link.allowed_from(&Sender::Extension));
        let frame = Sender::ContentScript {
            tab_id: 3,
            top_frame: false,
            url: "https://ads.example/".into(),
        };
        assert!(
            !link.allowed_from(&frame),
            "a frame does not speak for the page"
        );
        assert_eq!(frame.top_frame_page(), None);
        assert_eq!(Sender::Extension.top_frame_page(), None);
        assert_eq!(Sender::Unknown.top_frame_page(), None);
        let (page, _) = content
            .top_frame_page()
            .unwrap_or_else(|| panic!("a top frame's page: {content:?}"));
        assert!(page.starts_with("https://"), "{page}");
        let refused = [
            Request::SetPreferences {
                preferences: serde_json::json!({}),
            },
            Request::GetPanel {
                tab_id: 7,
                language: None,
                brief: true,
            },
            Request::RefreshPolicy {
                site: kaltiot.clone(),
                tab_id: None,
                page_url: Some("https://www.kaltiot.com/".into()),
            },
            Request::SetPaused {
                site: kaltiot.clone(),
                paused: true,
                length: None,
            },
            Request::SetCookieChoice {
                site: kaltiot.clone(),
                name: "_ga".into(),
                choice: Some(Choice::Allow),
            },
            Request::GetPreferences,
        ];
        for request in refused {
            assert!(!request.allowed_from(&content), "{request:?}");
            assert!(!request.allowed_from(&Sender::Unknown), "{request:?}");
            assert!(request.allowed_from(&Sender::Extension), "{request:?}");
        }
    }

    #[test]
    fn choice_changes_apply_to_the_named_site_only() {
        let mut prefs = Preferences::default();
        let request = Request::SetCategory {
            site: site("kaltiot.com"),
            category: CategoryId::Statistics,
            choice: Some(Choice::Allow),
        };
        assert!(request.apply_to(&mut prefs, 0));
        let kaltiot = Site::of_host("kaltiot.com").unwrap_or_else(|| panic!("site"));
        assert_eq!(
            prefs.choice(&kaltiot, CategoryId::Statistics, None).0,
            Choice::Allow
        );
        assert_eq!(prefs.sites.len(), 1);
        assert!(!Request::GetPreferences.apply_to(&mut prefs, 0));
    }

    #[test]
    fn global_changes_touch_one_field_each_and_keep_the_sites() {
        let site_choice = r#"{"type": "setPaused", "site": "kaltiot.com", "paused": true}"#;
        let changes = [
            r#"{"type": "setDefault", "category": "marketing", "choice": "allow"}"#,
            r#"{"type": "setUndeclared", "undeclared": "delete"}"#,
            r#"{"type": "setActWithoutPolicy", "on": false}"#,
            r#"{"type": "setGlobalPrivacyControl", "on": false}"#,
        ];
        let mut prefs = Preferences::default();
        let first: Request =
            serde_json::from_str(site_choice).unwrap_or_else(|e| panic!("{site_choice}: {e}"));
        assert!(first.apply_to(&mut prefs, 0) && !first.is_global_change());
        for json in changes {
            let request: Request =
                serde_json::from_str(json).unwrap_or_else(|e| panic!("{json}: {e}"));
            assert!(request.is_global_change(), "{json}");
            assert!(request.apply_to(&mut prefs, 0), "{json}");
        }
        assert_eq!(prefs.defaults[&CategoryId::Marketing], Choice::Allow);
        assert_eq!(prefs.defaults[&CategoryId::Statistics], Choice::Deny);
        assert_eq!(prefs.undeclared, UndeclaredAction::Delete);
        assert!(!prefs.act_without_policy && !prefs.global_privacy_control);
        let kaltiot = Site::of_host("kaltiot.com").unwrap_or_else(|| panic!("site"));
        assert!(
            prefs.is_paused(&kaltiot),
            "the site's choice made before is kept"
        );

        let forget: Request =
            serde_json::from_str(r#"{"type": "forgetSite", "site": "kaltiot.com"}"#)
                .unwrap_or_else(|e| panic!("{e}"));
        assert!(forget.apply_to(&mut prefs, 0));
        assert!(prefs.sites.is_empty());
        assert_eq!(
            prefs.undeclared,
            UndeclaredAction::Delete,
            "and nothing else"
        );
    }
}
