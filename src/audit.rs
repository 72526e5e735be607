//! The audit: a declaration is only a claim, so compare it with what is known and what is seen.
//!
//! Findings: a cookie the policy does not declare; a cookie that lives longer than declared
//! (remaining lifetime over 1.5× the declared `maxAgeSeconds`, which leaves room for refresh); a
//! cookie declared as a session cookie that is persistent; a cookie declared in one category but
//! commonly used for another (per the known-cookie table); a policy over 12 months old. The
//! audit only reports; decisions are [`crate::decide`]'s.

use crate::date::Date;
use crate::decide::Cookie;
use crate::domain::Site;
use crate::duration::in_words;
use crate::known::KnownCookies;
use crate::policy::{CategoryId, CompiledPolicy, Policy, StorageType};
use serde::{Deserialize, Serialize};
use std::fmt;

/// How much longer than declared a cookie may live before it is reported.
pub const LIFETIME_TOLERANCE: f64 = 1.5;

/// Months after `updated` that a policy counts as stale.
pub const STALE_AFTER_MONTHS: u32 = 12;

/// One thing the audit found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "camelCase")]
pub enum Finding {
    /// A cookie of the site that its policy does not declare.
    #[serde(rename_all = "camelCase")]
    Undeclared {
        /// The cookie's name.
        cookie: String,
        /// What the known-cookie table says it is, if anything.
        known_as: Option<KnownAs>,
    },
    /// A cookie that lives longer than its declaration allows.
    #[serde(rename_all = "camelCase")]
    LivesLonger {
        /// The cookie's name.
        cookie: String,
        /// The declared lifetime.
        declared_seconds: u64,
        /// Its actual remaining lifetime.
        actual_seconds: u64,
    },
    /// A cookie declared as a session cookie that has an expiry date.
    #[serde(rename_all = "camelCase")]
    SessionDeclaredPersistent {
        /// The cookie's name.
        cookie: String,
        /// Its actual remaining lifetime.
        actual_seconds: u64,
    },
    /// A cookie declared in one category that is commonly used for another.
    #[serde(rename_all = "camelCase")]
    CategoryMismatch {
        /// The cookie's name (or declared pattern).
        cookie: String,
        /// The category the policy gives.
        declared: CategoryId,
        /// What it is commonly used for.
        known_as: KnownAs,
    },
    /// The policy was last updated more than 12 months ago.
    #[serde(rename_all = "camelCase")]
    PolicyStale {
        /// The policy's `updated` date.
        updated: Date,
        /// Whole months since then.
        months: u32,
    },
}

/// A summary of a known-cookie table entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KnownAs {
    /// Its category.
    pub category: CategoryId,
    /// The platform that sets it.
    pub platform: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Finding::Undeclared {
                cookie,
                known_as: None,
            } => write!(f, "{cookie} is not declared in the policy"),
            Finding::Undeclared {
                cookie,
                known_as: Some(k),
            } => write!(
                f,
                "{cookie} is not declared in the policy (commonly {} by {})",
                k.category, k.platform
            ),
            Finding::LivesLonger {
                cookie,
                declared_seconds,
                actual_seconds,
            } => write!(
                f,
                "{cookie} lives longer than declared: {} left, {} declared",
                in_words(*actual_seconds),
                in_words(*declared_seconds)
            ),
            Finding::SessionDeclaredPersistent {
                cookie,
                actual_seconds,
            } => write!(
                f,
                "{cookie} is declared as a session cookie but persists for {}",
                in_words(*actual_seconds)
            ),
            Finding::CategoryMismatch {
                cookie,
                declared,
                known_as,
            } => write!(
                f,
                "{cookie} is declared as {declared} but is commonly used for {} ({})",
                known_as.category, known_as.platform
            ),
            Finding::PolicyStale { updated, months } => {
                write!(
                    f,
                    "the policy was last updated on {updated}, {months} months ago"
                )
            }
        }
    }
}

/// What the declaration alone shows at `now`: staleness, and exact-named cookies declared in a
/// category other than their common one.
pub fn audit_declaration(policy: &Policy, known: &KnownCookies, now: u64) -> Vec<Finding> {
    let mut findings = Vec::new();
    if let Some(updated) = policy.updated {
        let months = updated.months_until(&Date::from_unix_seconds(now));
        if months >= STALE_AFTER_MONTHS {
            findings.push(Finding::PolicyStale { updated, months });
        }
    }
    for service in &policy.services {
        for entry in service
            .storage
            .iter()
            .filter(|e| e.kind == StorageType::Cookie && e.name.is_exact())
        {
            let domain = entry
                .domain
                .as_ref()
                .map_or(policy.site.as_str(), |d| d.as_str());
            findings.extend(audit_declaration_entry(
                entry.name.as_str(),
                domain,
                &policy.site,
                service.category,
                known,
            ));
        }
    }
    findings
}

/// The finding, if any, about one exact-named declared cookie living on `domain`: declared as
/// `declared` but commonly used for another category.
pub fn audit_declaration_entry(
    name: &str,
    domain: &str,
    site: &Site,
    declared: CategoryId,
    known: &KnownCookies,
) -> Option<Finding> {
    category_mismatch(name, domain, site, declared, known)
}

/// Only what the table is evidence for counts ([`KnownCookies::guess`]): a site's own
/// `sessionid` is not "commonly Instagram's".
fn category_mismatch(
    name: &str,
    domain: &str,
    site: &Site,
    declared: CategoryId,
    known: &KnownCookies,
) -> Option<Finding> {
    let k = known.guess(name, domain, site)?;
    (k.category != declared).then(|| Finding::CategoryMismatch {
        cookie: name.to_owned(),
        declared,
        known_as: KnownAs {
            category: k.category,
            platform: k.platform.clone(),
        },
    })
}

/// What one observed cookie of the policy's site shows at `now`.
pub fn audit_cookie(
    cookie: &Cookie,
    policy: &CompiledPolicy,
    known: &KnownCookies,
    now: u64,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let Some(found) = policy.lookup(&cookie.name, &cookie.domain, StorageType::Cookie) else {
        findings.push(Finding::Undeclared {
            cookie: cookie.name.clone(),
            known_as: known
                .guess(&cookie.name, &cookie.domain, &policy.policy().site)
                .map(|k| KnownAs {
                    category: k.category,
                    platform: k.platform.clone(),
                }),
        });
        return findings;
    };
    if let (Some(declared), Some(actual)) =
        (found.entry.max_age_seconds, cookie.remaining_seconds(now))
    {
        if declared == 0 && actual > 0 {
            findings.push(Finding::SessionDeclaredPersistent {
                cookie: cookie.name.clone(),
                actual_seconds: actual,
            });
        } else if declared > 0 && actual as f64 > declared as f64 * LIFETIME_TOLERANCE {
            findings.push(Finding::LivesLonger {
                cookie: cookie.name.clone(),
                declared_seconds: declared,
                actual_seconds: actual,
            });
        }
    }
    findings.extend(category_mismatch(
        &cookie.name,
        &cookie.domain,
        &policy.policy().site,
        found.service.category,
        known,
    ));
    findings
}
