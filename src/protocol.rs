//! The message protocol between the extension's pages (popup, options, content script) and the
//! background worker: one typed request enum and one response enum, serialised as JSON objects
//! tagged by `type`. Changing the visitor's choices is pure and lives here too
//! ([`Request::apply_to`]); the background persists the result and carries it out.

use crate::domain::Site;
use crate::policy::CategoryId;
use crate::prefs::{Choice, Preferences, UndeclaredAction};
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
    },
    /// The panel for a site, whatever tab shows it.
    GetSitePanel {
        /// The site (or any host of it).
        site: String,
        /// The visitor's language.
        #[serde(default)]
        language: Option<String>,
    },
    /// A site's panel as plain text (the demo prints it).
    GetSiteText {
        /// The site (or any host of it).
        site: String,
        /// The visitor's language.
        #[serde(default)]
        language: Option<String>,
    },
    /// Allow or deny a category on a site; `None` returns it to the default.
    SetCategory {
        /// The site.
        site: String,
        /// The category.
        category: CategoryId,
        /// The choice.
        choice: Option<Choice>,
    },
    /// Allow or deny a service on a site; `None` returns it to its category's choice.
    SetService {
        /// The site.
        site: String,
        /// The service's id.
        service: String,
        /// The choice.
        choice: Option<Choice>,
    },
    /// Pause or resume enforcement on a site.
    SetPaused {
        /// The site.
        site: String,
        /// Paused or not.
        paused: bool,
    },
    /// Forget every choice of one site (it follows the defaults again).
    ForgetSite {
        /// The site.
        site: String,
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
    /// Delete the site's disallowed cookies now.
    DeleteNow {
        /// The site.
        site: String,
    },
    /// Fetch the site's policy again.
    RefreshPolicy {
        /// The site.
        site: String,
        /// A page of the site to discover from (default `https://SITE/`).
        #[serde(default)]
        page_url: Option<String>,
    },
    /// The visitor's preferences.
    GetPreferences,
    /// Replace the preferences (options page, import); read tolerantly like stored ones.
    SetPreferences {
        /// The new preferences, in their stored form.
        preferences: serde_json::Value,
    },
    /// From the content script: the page links its policy.
    PolicyLink {
        /// The link's absolute URL.
        url: String,
        /// The page's URL.
        page_url: String,
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
    /// The request could not be carried out.
    Error {
        /// Why.
        message: String,
    },
}

impl Request {
    /// The site a request is about, if it names one.
    pub fn site(&self) -> Option<Site> {
        match self {
            Request::GetSitePanel { site, .. }
            | Request::GetSiteText { site, .. }
            | Request::SetCategory { site, .. }
            | Request::SetService { site, .. }
            | Request::SetPaused { site, .. }
            | Request::ForgetSite { site }
            | Request::DeleteNow { site }
            | Request::RefreshPolicy { site, .. } => Site::of_host(site),
            _ => None,
        }
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
        )
    }

    /// Applies a change of choices to `prefs`. Returns whether the request was one (the caller
    /// then saves the preferences, updates rules and sweeps cookies). Each change is applied to
    /// the preferences as they are then, so changes sent at the same time from several pages
    /// all take effect.
    pub fn apply_to(&self, prefs: &mut Preferences) -> bool {
        let site = self.site();
        match (self, site) {
            (Request::SetDefault { category, choice }, _) => {
                prefs.defaults.insert(*category, *choice);
                true
            }
            (Request::SetUndeclared { undeclared }, _) => {
                prefs.undeclared = *undeclared;
                true
            }
            (Request::SetActWithoutPolicy { on }, _) => {
                prefs.act_without_policy = *on;
                true
            }
            (Request::SetGlobalPrivacyControl { on }, _) => {
                prefs.global_privacy_control = *on;
                true
            }
            (Request::ForgetSite { .. }, Some(site)) => {
                prefs.sites.remove(&site);
                true
            }
            (
                Request::SetCategory {
                    category, choice, ..
                },
                Some(site),
            ) => {
                prefs.set_category(&site, *category, *choice);
                true
            }
            (
                Request::SetService {
                    service, choice, ..
                },
                Some(site),
            ) => {
                prefs.set_service(&site, service, *choice);
                true
            }
            (Request::SetPaused { paused, .. }, Some(site)) => {
                prefs.set_paused(&site, *paused);
                true
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_read_from_page_messages() {
        let cases = [
            (
                r#"{"type": "setCategory", "site": "www.kaltiot.com", "category": "statistics", "choice": "allow"}"#,
                Request::SetCategory {
                    site: "www.kaltiot.com".into(),
                    category: CategoryId::Statistics,
                    choice: Some(Choice::Allow),
                },
            ),
            (
                r#"{"type": "setService", "site": "kaltiot.com", "service": "leadfeeder", "choice": null}"#,
                Request::SetService {
                    site: "kaltiot.com".into(),
                    service: "leadfeeder".into(),
                    choice: None,
                },
            ),
            (
                r#"{"type": "getPanel", "tabId": 7}"#,
                Request::GetPanel {
                    tab_id: 7,
                    language: None,
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
    }

    #[test]
    fn choice_changes_apply_to_the_named_site_only() {
        let mut prefs = Preferences::default();
        let request = Request::SetCategory {
            site: "www.kaltiot.com".into(),
            category: CategoryId::Statistics,
            choice: Some(Choice::Allow),
        };
        assert!(request.apply_to(&mut prefs));
        let kaltiot = Site::of_host("kaltiot.com").unwrap_or_else(|| panic!("site"));
        assert_eq!(
            prefs.choice(&kaltiot, CategoryId::Statistics, None).0,
            Choice::Allow
        );
        assert_eq!(prefs.sites.len(), 1);
        assert!(!Request::GetPreferences.apply_to(&mut prefs));
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
        assert!(first.apply_to(&mut prefs) && !first.is_global_change());
        for json in changes {
            let request: Request =
                serde_json::from_str(json).unwrap_or_else(|e| panic!("{json}: {e}"));
            assert!(request.is_global_change(), "{json}");
            assert!(request.apply_to(&mut prefs), "{json}");
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
            serde_json::from_str(r#"{"type": "forgetSite", "site": "www.kaltiot.com"}"#)
                .unwrap_or_else(|e| panic!("{e}"));
        assert!(forget.apply_to(&mut prefs));
        assert!(prefs.sites.is_empty());
        assert_eq!(
            prefs.undeclared,
            UndeclaredAction::Delete,
            "and nothing else"
        );
    }
}
