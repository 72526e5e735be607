//! Recent activity: per site, what Cookie Warden did in this browser session (each deletion
//! and each blocked request, with when and why), and how many requests it blocked per
//! category. The panel shows the last [`MAX_EVENTS_PER_SITE`] events and counts the blocks in
//! each category row.
//!
//! A page can make any number of requests and set any number of cookies, and a tab can walk
//! through any number of sites, so everything here is bounded: the events per site, the sites
//! (the one whose last event is oldest goes first), and the text an event carries. Totals per
//! category stay exact. Times are given by the caller (seconds since the Unix epoch); this
//! module knows no clock and no browser.

use crate::decide::Reason;
use crate::domain::Site;
use crate::policy::CategoryId;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};

/// Events kept per site, newest first.
pub const MAX_EVENTS_PER_SITE: usize = 30;

/// Sites whose activity is kept.
pub const MAX_SITES: usize = 200;

/// The longest subject (a cookie name or a host) an event keeps, in bytes.
pub const MAX_SUBJECT_BYTES: usize = 256;

/// What was done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Action {
    /// A cookie was deleted.
    Deleted {
        /// Why it was deleted.
        reason: Reason,
    },
    /// A request was blocked.
    Blocked {
        /// The service it belongs to, when known (the site's declaration or the tracker table).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        service: Option<String>,
    },
}

/// One thing Cookie Warden did on a site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    /// When (seconds since the Unix epoch).
    pub at: u64,
    /// The cookie's name, or the request's host.
    pub subject: String,
    /// The category it was decided by, when one decided it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<CategoryId>,
    /// What was done, and why.
    pub action: Action,
}

impl Event {
    /// A deletion of cookie `name` for `reason`, at `at`.
    pub fn deleted(at: u64, name: &str, reason: Reason) -> Event {
        Event {
            at,
            subject: bounded(name),
            category: reason.category(),
            action: Action::Deleted { reason },
        }
    }

    /// A blocked request to `host` of `service` in `category`, at `at`.
    pub fn blocked(
        at: u64,
        host: &str,
        category: Option<CategoryId>,
        service: Option<&str>,
    ) -> Event {
        Event {
            at,
            subject: bounded(host),
            category,
            action: Action::Blocked {
                service: service.map(bounded),
            },
        }
    }
}

fn bounded(text: &str) -> String {
    if text.len() <= MAX_SUBJECT_BYTES {
        return text.to_owned();
    }
    let mut end = MAX_SUBJECT_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

/// The activity of one site.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SiteActivity {
    /// The latest events, newest first.
    pub events: VecDeque<Event>,
    /// Requests blocked per category.
    pub blocked: BTreeMap<CategoryId, u32>,
    /// Requests blocked that no category was known for.
    pub blocked_other: u32,
}

impl SiteActivity {
    /// Every blocked request counted.
    pub fn blocked_total(&self) -> u64 {
        self.blocked.values().map(|n| u64::from(*n)).sum::<u64>() + u64::from(self.blocked_other)
    }

    fn last_at(&self) -> u64 {
        self.events.front().map_or(0, |e| e.at)
    }
}

/// The activity of every site, bounded.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Activity(BTreeMap<Site, SiteActivity>);

impl Activity {
    /// Records `event` on `site`.
    pub fn record(&mut self, site: &Site, event: Event) {
        if !self.0.contains_key(site) && self.0.len() >= MAX_SITES {
            let oldest = crate::lru::oldest(self.0.iter().map(|(s, a)| (s.clone(), a.last_at())));
            if let Some((oldest, _)) = oldest {
                self.0.remove(&oldest);
            }
        }
        let activity = self.0.entry(site.clone()).or_default();
        if matches!(event.action, Action::Blocked { .. }) {
            let slot = match event.category {
                Some(category) => activity.blocked.entry(category).or_default(),
                None => &mut activity.blocked_other,
            };
            *slot = slot.saturating_add(1);
        }
        activity.events.push_front(event);
        activity.events.truncate(MAX_EVENTS_PER_SITE);
    }

    /// Counts `n` blocked requests of `site` that the browser counted but did not report one by
    /// one (Chrome's own count of a site's rule matches can be ahead of its reports), so the
    /// site's total stays the tab's.
    pub fn count_unreported_blocks(&mut self, site: &Site, n: u32) {
        if let Some(activity) = self.0.get_mut(site) {
            activity.blocked_other = activity.blocked_other.saturating_add(n);
        } else if n > 0 {
            let activity = SiteActivity {
                blocked_other: n,
                ..SiteActivity::default()
            };
            self.0.insert(site.clone(), activity);
        }
    }

    /// The activity of `site`, if any.
    pub fn of(&self, site: &Site) -> Option<&SiteActivity> {
        self.0.get(site)
    }

    /// How many sites have activity.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether no site has activity.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prefs::{Choice, ChoiceSource};

    fn site(name: &str) -> Site {
        Site::parse(name).unwrap_or_else(|| panic!("{name}"))
    }

    fn denied_statistics() -> Reason {
        Reason::Declared {
            category: CategoryId::Statistics,
            service_id: "ga4".into(),
            service_name: "Google Analytics 4".into(),
            choice: Choice::Deny,
            source: ChoiceSource::Default,
        }
    }

    #[test]
    fn events_are_newest_first_and_bounded_while_counts_stay_exact() {
        let mut activity = Activity::default();
        let kaltiot = site("kaltiot.com");
        for i in 0..100 {
            activity.record(
                &kaltiot,
                Event::blocked(
                    i,
                    "www.google-analytics.com",
                    Some(CategoryId::Statistics),
                    Some("Google Analytics 4"),
                ),
            );
        }
        activity.record(&kaltiot, Event::blocked(100, "x.test", None, None));
        activity.record(&kaltiot, Event::deleted(101, "_ga", denied_statistics()));
        let of = activity.of(&kaltiot).unwrap_or_else(|| panic!("recorded"));
        assert_eq!(of.events.len(), MAX_EVENTS_PER_SITE);
        assert_eq!(of.events[0].subject, "_ga");
        assert_eq!(of.events[0].category, Some(CategoryId::Statistics));
        assert_eq!(of.events[1].subject, "x.test");
        assert_eq!(of.blocked.get(&CategoryId::Statistics), Some(&100));
        assert_eq!(of.blocked_other, 1);
        assert_eq!(of.blocked_total(), 101);
    }

    #[test]
    fn the_site_idle_longest_goes_first_and_long_subjects_are_cut() {
        let mut activity = Activity::default();
        for i in 0..MAX_SITES {
            let s = site(&format!("site{i}.com"));
            activity.record(&s, Event::blocked(1_000 + i as u64, "t.test", None, None));
        }
        // site0 is touched again, so site1 is now the one idle longest.
        activity.record(
            &site("site0.com"),
            Event::blocked(5_000, "t.test", None, None),
        );
        activity.record(
            &site("new.com"),
            Event::deleted(6_000, &"é".repeat(400), Reason::SitePaused),
        );
        assert_eq!(activity.len(), MAX_SITES);
        assert!(activity.of(&site("site1.com")).is_none());
        assert!(activity.of(&site("site0.com")).is_some());
        let subject = &activity
            .of(&site("new.com"))
            .unwrap_or_else(|| panic!("kept"))
            .events[0]
            .subject;
        assert!(
            subject.len() <= MAX_SUBJECT_BYTES + '…'.len_utf8(),
            "{}",
            subject.len()
        );
        assert!(subject.ends_with('…'));
    }

    #[test]
    fn activity_round_trips_through_storage() {
        let mut activity = Activity::default();
        activity.record(
            &site("kaltiot.com"),
            Event::deleted(7, "_ga", denied_statistics()),
        );
        let json = serde_json::to_value(&activity).unwrap_or_else(|e| panic!("{e}"));
        let back: Activity = serde_json::from_value(json).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back, activity);
    }
}
