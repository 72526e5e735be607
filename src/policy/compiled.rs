//! A policy indexed for matching: which storage entry declares a cookie.
//!
//! Rule (from the format): a cookie is declared by the storage entry whose name pattern matches
//! and whose domain covers the cookie's domain; an exact name beats a pattern, a longer literal
//! part beats a shorter one, and among equals the first in the document wins. Lookups cost a
//! hash probe per distinct pattern prefix length, never a scan of every entry.

use super::model::{Policy, Service, StorageEntry, StorageType};
use crate::domain::domain_covers;
use std::collections::HashMap;

/// Where an entry stands in the policy: `services[service].storage[entry]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct EntryRef {
    service: u32,
    entry: u32,
}

/// A policy with its lookup index. Build once per policy; look up many times.
#[derive(Debug, Clone)]
pub struct CompiledPolicy {
    policy: Policy,
    /// Exact names → entries, in document order.
    exact: HashMap<String, Vec<EntryRef>>,
    /// Literal prefix before the first `*` → pattern entries, most specific first.
    patterns: HashMap<String, Vec<EntryRef>>,
    /// The distinct lengths of those prefixes, ascending.
    prefix_lengths: Vec<usize>,
    /// Services whose declared category was corrected (already applied to `policy`).
    corrections: Vec<crate::trackers::Correction>,
}

/// The storage entry that declares a cookie, with its service.
#[derive(Debug, Clone, Copy)]
pub struct Declaration<'a> {
    /// The service that sets it.
    pub service: &'a Service,
    /// The entry that matched.
    pub entry: &'a StorageEntry,
}

impl CompiledPolicy {
    /// Indexes `policy`.
    pub fn new(policy: Policy) -> CompiledPolicy {
        let mut exact: HashMap<String, Vec<EntryRef>> = HashMap::new();
        let mut patterns: HashMap<String, Vec<EntryRef>> = HashMap::new();
        for (s, service) in policy.services.iter().enumerate() {
            for (e, entry) in service.storage.iter().enumerate() {
                let at = EntryRef {
                    service: u32::try_from(s).unwrap_or(u32::MAX),
                    entry: u32::try_from(e).unwrap_or(u32::MAX),
                };
                if entry.name.is_exact() {
                    exact
                        .entry(entry.name.as_str().to_owned())
                        .or_default()
                        .push(at);
                } else {
                    patterns
                        .entry(entry.name.literal_prefix().to_owned())
                        .or_default()
                        .push(at);
                }
            }
        }
        let mut prefix_lengths: Vec<usize> = patterns.keys().map(String::len).collect();
        prefix_lengths.sort_unstable();
        prefix_lengths.dedup();
        let mut compiled = CompiledPolicy {
            policy,
            exact,
            patterns,
            prefix_lengths,
            corrections: Vec::new(),
        };
        let policy = &compiled.policy;
        for bucket in compiled.patterns.values_mut() {
            // A stable sort keeps document order among equally specific patterns.
            bucket.sort_by(|a, b| {
                entry_at(policy, *a)
                    .name
                    .specificity_cmp(&entry_at(policy, *b).name)
            });
        }
        compiled
    }

    /// The policy itself.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Indexes `policy` with its known trackers put in the categories they are known by, unless
    /// `trust_site_categories` ([`crate::trackers::corrections`]).
    pub fn corrected(policy: Policy, trust_site_categories: bool) -> CompiledPolicy {
        let corrections = if trust_site_categories {
            Vec::new()
        } else {
            crate::trackers::corrections(
                &policy,
                crate::trackers::Trackers::bundled(),
                crate::known::KnownCookies::bundled(),
            )
        };
        CompiledPolicy::with_corrections(policy, corrections)
    }

    /// Indexes `policy` with `corrections` (worked out before, [`crate::trackers::corrections`])
    /// applied.
    pub fn with_corrections(
        mut policy: Policy,
        corrections: Vec<crate::trackers::Correction>,
    ) -> CompiledPolicy {
        crate::trackers::apply(&mut policy, &corrections);
        let mut compiled = CompiledPolicy::new(policy);
        compiled.corrections = corrections;
        compiled
    }

    /// The services whose declared category was corrected.
    pub fn corrections(&self) -> &[crate::trackers::Correction] {
        &self.corrections
    }

    /// The entry that declares storage `name` of `kind` living on `domain` (a cookie's domain; a
    /// leading dot is ignored). An entry without a domain lives on the policy's site and its
    /// subdomains.
    pub fn lookup(&self, name: &str, domain: &str, kind: StorageType) -> Option<Declaration<'_>> {
        let domain = domain.trim_start_matches('.');
        let fits = |at: &EntryRef| {
            let entry = entry_at(&self.policy, *at);
            entry.kind == kind
                && match &entry.domain {
                    Some(d) => domain_covers(d.as_str(), domain),
                    None => domain_covers(self.policy.site.as_str(), domain),
                }
        };
        if let Some(found) = self
            .exact
            .get(name)
            .and_then(|refs| refs.iter().find(|at| fits(at)))
        {
            return Some(self.declaration(*found));
        }
        let mut best: Option<EntryRef> = None;
        for &len in &self.prefix_lengths {
            if len > name.len() {
                break;
            }
            // A length inside a multi-byte character cannot be a prefix of this name.
            let Some(prefix) = name.get(..len) else {
                continue;
            };
            let Some(bucket) = self.patterns.get(prefix) else {
                continue;
            };
            let found = bucket
                .iter()
                .find(|at| fits(at) && entry_at(&self.policy, **at).name.matches(name));
            if let Some(&candidate) = found {
                best = Some(match best {
                    None => candidate,
                    Some(current) => {
                        let order = entry_at(&self.policy, candidate)
                            .name
                            .specificity_cmp(&entry_at(&self.policy, current).name)
                            .then_with(|| {
                                (candidate.service, candidate.entry)
                                    .cmp(&(current.service, current.entry))
                            });
                        if order.is_lt() {
                            candidate
                        } else {
                            current
                        }
                    }
                });
            }
        }
        best.map(|at| self.declaration(at))
    }

    fn declaration(&self, at: EntryRef) -> Declaration<'_> {
        Declaration {
            service: &self.policy.services[at.service as usize],
            entry: entry_at(&self.policy, at),
        }
    }
}

fn entry_at(policy: &Policy, at: EntryRef) -> &StorageEntry {
    &policy.services[at.service as usize].storage[at.entry as usize]
}
