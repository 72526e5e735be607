//! Deletion counts: how often each cookie of each site was deleted in this browser session, for
//! the panel ("Deleted 3×"). A page can set cookies under any number of random names, and a tab
//! can walk through any number of sites, so the counts are bounded: at most
//! [`MAX_NAMES_PER_SITE`] names per site (deletions of further names are counted together) and
//! at most [`MAX_SITES`] sites (the site with the fewest deletions goes first). Totals stay
//! exact. This module knows nothing about browsers or storage.

use crate::domain::Site;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Cookie names whose deletions are counted one by one, per site.
pub const MAX_NAMES_PER_SITE: usize = 200;

/// Sites whose deletions are kept.
pub const MAX_SITES: usize = 500;

/// The deletions of one site.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SiteDeletions {
    /// Deletions per cookie name.
    pub names: BTreeMap<String, u32>,
    /// Deletions of cookies whose names are past [`MAX_NAMES_PER_SITE`].
    pub others: u32,
}

impl SiteDeletions {
    /// Counts one deletion of cookie `name`. A new name past the bound takes the place of the
    /// name deleted least often, whose count joins the others: the names that keep coming back
    /// (a tracker re-setting its cookie) stay listed, random one-off names do not crowd them out.
    pub fn count(&mut self, name: &str) {
        if let Some(n) = self.names.get_mut(name) {
            *n = n.saturating_add(1);
            return;
        }
        if self.names.len() >= MAX_NAMES_PER_SITE {
            let rarest = self
                .names
                .iter()
                .min_by_key(|(_, n)| **n)
                .map(|(name, _)| name.clone());
            if let Some(n) = rarest.and_then(|rarest| self.names.remove(&rarest)) {
                self.others = self.others.saturating_add(n);
            }
        }
        self.names.insert(name.to_owned(), 1);
    }

    /// How often `name` was deleted (0 if never, or if its count is among the others).
    pub fn of(&self, name: &str) -> u32 {
        self.names.get(name).copied().unwrap_or(0)
    }

    /// Every deletion counted.
    pub fn total(&self) -> u64 {
        self.names.values().map(|n| u64::from(*n)).sum::<u64>() + u64::from(self.others)
    }
}

/// The deletions of every site, bounded.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Deletions(BTreeMap<Site, SiteDeletions>);

impl Deletions {
    /// Counts one deletion of cookie `name` of `site`.
    pub fn count(&mut self, site: &Site, name: &str) {
        if !self.0.contains_key(site) && self.0.len() >= MAX_SITES {
            let fewest = self
                .0
                .iter()
                .min_by_key(|(_, d)| d.total())
                .map(|(s, _)| s.clone());
            if let Some(fewest) = fewest {
                self.0.remove(&fewest);
            }
        }
        self.0.entry(site.clone()).or_default().count(name);
    }

    /// The deletions of `site`.
    pub fn of(&self, site: &Site) -> Option<&SiteDeletions> {
        self.0.get(site)
    }

    /// Reads stored counts tolerantly: every site entry that reads is kept, up to the bounds.
    pub fn from_stored(value: &serde_json::Value) -> Deletions {
        let mut deletions = Deletions::default();
        let Some(sites) = value.as_object() else {
            return deletions;
        };
        for (name, entry) in sites.iter().take(MAX_SITES) {
            let (Some(site), Ok(mut counts)) = (
                Site::parse(name),
                serde_json::from_value::<SiteDeletions>(entry.clone()),
            ) else {
                continue;
            };
            while counts.names.len() > MAX_NAMES_PER_SITE {
                let Some((_, n)) = counts.names.pop_last() else {
                    break;
                };
                counts.others = counts.others.saturating_add(n);
            }
            deletions.0.insert(site, counts);
        }
        deletions
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(name: &str) -> Site {
        Site::parse(name).unwrap_or_else(|| panic!("{name}"))
    }

    /// Regression (issue 10, security 8): random cookie names, or a tab walking through
    /// thousands of sites, cannot grow the counts without bound; totals stay exact.
    #[test]
    fn counts_are_bounded_and_totals_exact() {
        let mut deletions = Deletions::default();
        let kaltiot = site("kaltiot.com");
        for i in 0..5_000 {
            deletions.count(&kaltiot, &format!("random_{i}"));
        }
        for _ in 0..3 {
            deletions.count(&kaltiot, "_ga");
        }
        for i in 5_000..6_000 {
            deletions.count(&kaltiot, &format!("random_{i}"));
        }
        let counts = deletions.of(&kaltiot).cloned().unwrap_or_default();
        assert_eq!(counts.names.len(), MAX_NAMES_PER_SITE);
        assert_eq!(
            counts.of("_ga"),
            3,
            "a name that keeps coming back stays listed"
        );
        assert_eq!(counts.total(), 6_003);
        assert_eq!(counts.others, 6_003 - 3 - 199);

        for i in 0..2_000 {
            deletions.count(&site(&format!("site{i}.example")), "_ga");
        }
        assert_eq!(deletions.0.len(), MAX_SITES);
        assert!(deletions.of(&kaltiot).is_some(), "the busiest site stays");

        let stored = serde_json::to_value(&deletions).unwrap_or_default();
        assert_eq!(Deletions::from_stored(&stored), deletions);
        let damaged = serde_json::json!({
            "kaltiot.com": {"names": {"_ga": 3}},
            "www.forged.com": {"names": {"_ga": 1}},
            "x.com": {"names": {"_ga": "many"}},
            "y.com": [1, 2],
        });
        let read = Deletions::from_stored(&damaged);
        assert_eq!(read.0.len(), 1);
        assert_eq!(read.of(&kaltiot).map(|d| d.of("_ga")), Some(3));
    }
}
