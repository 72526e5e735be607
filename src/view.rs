//! View models: what the popup shows for one site, as rows a page can render without thinking.
//!
//! [`site_view`] joins the site's policy state, the visitor's choices, the cookies stored now
//! and the deletion counts into a [`SiteView`]: categories with their services and cookies
//! (purpose in the visitor's language, declared and actual expiry in words, status, findings),
//! then the undeclared or inferred cookies, then the policy-level findings. Every string in it
//! is plain text; the pages must render it as text.

use crate::activity::{Event, SiteActivity};
use crate::audit::{audit_cookie, audit_declaration, Finding};
use crate::decide::{decide, Context, Cookie, Reason, SitePolicy, Verdict};
use crate::deletions::SiteDeletions;
use crate::diag::Diagnostic;
use crate::domain::Site;
use crate::duration::{Lifetime, Retention};
use crate::known::KnownCookies;
use crate::policy::{
    CategoryId, CompiledPolicy, Controller, DocumentKind, Right, StorageEntry, StorageType,
};
use crate::prefs::{Choice, ChoiceSource, Pause, Preferences};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// What is known about a site's policy.
#[derive(Debug, Clone, Copy)]
pub enum PolicyState<'a> {
    /// A valid policy was found.
    Declared {
        /// The policy.
        policy: &'a CompiledPolicy,
        /// Where it was found.
        url: &'a str,
        /// A v1 policy or a converted TCF file.
        kind: DocumentKind,
        /// Its warnings.
        warnings: &'a [Diagnostic],
    },
    /// A policy was found but is unusable.
    Invalid {
        /// Where it was found.
        url: &'a str,
        /// Why it is unusable: its errors and warnings, or the one hard failure.
        diagnostics: &'a [Diagnostic],
    },
    /// The site publishes no policy.
    NotPublished,
}

/// Where the panel's information comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Source {
    /// The site's own policy.
    Declared {
        /// Where it was found.
        url: String,
    },
    /// A TCF disclosure file the site serves.
    Tcf {
        /// Where it was found.
        url: String,
    },
    /// The declaration the site's consent platform publishes.
    ConsentPlatform {
        /// Where it was found.
        url: String,
        /// The platform (`OneTrust`, `Cookiebot`).
        platform: String,
    },
    /// An invalid policy: the panel falls back to guessing.
    Invalid {
        /// Where it was found.
        url: String,
    },
    /// No policy: guessing from known cookies.
    Guessing,
}

/// A finding, with its English text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FindingView {
    /// The finding's data.
    pub finding: Finding,
    /// Its English sentence.
    pub text: String,
}

impl From<Finding> for FindingView {
    fn from(finding: Finding) -> Self {
        FindingView {
            text: finding.to_string(),
            finding,
        }
    }
}

/// A cookie's state in the panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Status {
    /// Stored, and allowed to stay.
    Kept,
    /// Stored, and about to be deleted.
    Deleting,
    /// Not stored now; deleted at least once in this session.
    Deleted,
    /// Not stored now.
    NotStored,
    /// Web storage or IndexedDB, which the extension does not inspect.
    NotChecked,
}

/// One row of the cookie table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CookieRow {
    /// The cookie's name (the declared pattern when none is stored).
    pub name: String,
    /// The domain it lives on, when stored.
    pub domain: Option<String>,
    /// The service's name, or the platform from the known-cookie table.
    pub service: Option<String>,
    /// The service's provider.
    pub provider: Option<String>,
    /// Its category, declared or inferred.
    pub category: Option<CategoryId>,
    /// What it is for, in the visitor's language.
    pub purpose: Option<String>,
    /// Declared lifetime (or, for a guess, what such a cookie usually lasts), as data for the
    /// page to put in the visitor's words.
    pub declared_expiry: Option<Lifetime>,
    /// Actual remaining lifetime, when stored.
    pub actual_expiry: Option<Lifetime>,
    /// Kept, being deleted, deleted or not stored.
    pub status: Status,
    /// How many times it was deleted.
    pub deleted_count: u32,
    /// Why it is kept or deleted (data; its `Display` is the English sentence).
    pub reason: Option<Reason>,
    /// The visitor's "always keep" (allow) or "always delete" (deny) for it on this site.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choice: Option<Choice>,
    /// Whether this row is a guess from the known-cookie table.
    pub inferred: bool,
    /// What the audit found about it.
    pub findings: Vec<FindingView>,
}

/// One service of the policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceView {
    /// Its id (for the switch's message).
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its provider.
    pub provider: Option<String>,
    /// What it does, in the visitor's language.
    pub description: Option<String>,
    /// The provider's privacy policy (https only).
    pub privacy_policy: Option<String>,
    /// Allowed or denied on this site.
    pub choice: Choice,
    /// Whether that is the default or an override.
    pub source: ChoiceSource,
    /// The domains blocked for it under the current choices.
    pub blocked_domains: Vec<String>,
    /// All the domains it lists.
    pub domains: Vec<String>,
    /// Its cookies.
    pub cookies: Vec<CookieRow>,
    /// The category the site declared it in, when it is treated by another (a known tracker
    /// declared in a more permissive category), with what gives it away.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub correction: Option<CorrectionView>,
}

/// Why a service is shown in another category than its site declared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CorrectionView {
    /// The category the site declared.
    pub declared: CategoryId,
    /// What gives it away: a host or a cookie name.
    pub evidence: String,
    /// What that is known as.
    pub known_as: String,
}

/// One category with its switch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CategoryView {
    /// Its id.
    pub id: CategoryId,
    /// The site's label, or the default name.
    pub label: String,
    /// The site's own label, when its declaration gives one (in the visitor's language where
    /// it has one); `None` where the label above is the engine's English default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub declared_label: Option<String>,
    /// The site's description.
    pub description: Option<String>,
    /// Whether the site says it asks consent.
    pub consent_required: bool,
    /// Allowed or denied on this site.
    pub choice: Choice,
    /// Whether that is the default or an override.
    pub source: ChoiceSource,
    /// Its services.
    pub services: Vec<ServiceView>,
    /// Its cookies stored now.
    #[serde(default)]
    pub stored: u32,
    /// Deletions of its cookies in this browser session.
    #[serde(default)]
    pub deleted: u32,
    /// Requests blocked for it in this browser session.
    #[serde(default)]
    pub blocked: u32,
}

/// Everything the popup shows for one site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SiteView {
    /// The site.
    pub site: Site,
    /// Where the information comes from.
    pub source: Source,
    /// When the policy was last updated.
    pub updated: Option<String>,
    /// How long ago the declaration was read, in seconds.
    #[serde(default)]
    pub read_seconds_ago: Option<u64>,
    /// The human-readable policy (https only).
    pub policy_url: Option<String>,
    /// Who is responsible.
    pub controller: Option<Controller>,
    /// The visitor's rights, as declared.
    pub rights: Vec<Right>,
    /// Whether enforcement is paused on this site.
    pub paused: bool,
    /// For how long, when paused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pause: Option<Pause>,
    /// The categories, in display order.
    pub categories: Vec<CategoryView>,
    /// Cookies stored for the site that the policy does not declare (or, with no policy, all of
    /// them, inferred from the known-cookie table).
    pub other_cookies: Vec<CookieRow>,
    /// Deletions of cookies whose names were not kept (past the bound of names counted one by
    /// one per site).
    pub other_deletions: u32,
    /// Findings about the policy as a whole.
    pub findings: Vec<FindingView>,
    /// The policy's diagnostics (errors for an invalid one, warnings for a valid one).
    pub diagnostics: Vec<Diagnostic>,
    /// What Cookie Warden did here in this browser session, newest first.
    #[serde(default)]
    pub activity: Vec<Event>,
    /// Deletions in this browser session that no category decided (undeclared cookies deleted
    /// as such, cookies the visitor always deletes, names past the per-name bound).
    #[serde(default)]
    pub deleted_other: u32,
    /// Requests blocked in this browser session that no category is known for.
    #[serde(default)]
    pub blocked_other: u32,
    /// Whether the categories' services were left out ([`SiteView::into_brief`]).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub brief: bool,
    /// The site's consent banner: what was answered in this tab (the background fills it in).
    #[serde(default)]
    pub banner: Option<crate::consent::BannerView>,
    /// The ADPC signal: the site's requests and what is sent (the background fills it in).
    #[serde(default)]
    pub adpc: Option<crate::adpc::AdpcView>,
}

impl SiteView {
    /// The panel's first screen only: every category with its choice and counts, without its
    /// services (a site may declare a thousand; the panel asks for them when a category opens).
    pub fn into_brief(mut self) -> SiteView {
        for category in &mut self.categories {
            category.services = Vec::new();
        }
        self.brief = true;
        self
    }
}

/// Everything [`site_view`] needs.
#[derive(Debug, Clone, Copy)]
pub struct ViewInput<'a> {
    /// The site.
    pub site: &'a Site,
    /// Its policy state.
    pub policy: PolicyState<'a>,
    /// The visitor's choices.
    pub prefs: &'a Preferences,
    /// Known cookies.
    pub known: &'a KnownCookies,
    /// The cookies stored for the site now.
    pub cookies: &'a [Cookie],
    /// Deletions so far, by cookie name.
    pub deletions: &'a SiteDeletions,
    /// What was done on the site in this browser session, if anything.
    pub activity: Option<&'a SiteActivity>,
    /// The visitor's language (`fi-FI`).
    pub language: &'a str,
    /// When the site's declaration was read (seconds since the Unix epoch), if it was.
    pub read_at: Option<u64>,
    /// Seconds since the Unix epoch.
    pub now: u64,
}

/// Builds the panel for one site.
pub fn site_view(input: &ViewInput<'_>) -> SiteView {
    let (compiled, source, diagnostics) = match input.policy {
        PolicyState::Declared {
            policy,
            url,
            kind,
            warnings,
        } => {
            let source = match kind {
                DocumentKind::CookiePolicy => Source::Declared {
                    url: url.to_owned(),
                },
                DocumentKind::TcfDisclosure => Source::Tcf {
                    url: url.to_owned(),
                },
                DocumentKind::OneTrust | DocumentKind::Cookiebot => Source::ConsentPlatform {
                    url: url.to_owned(),
                    platform: kind.platform().unwrap_or_default().to_owned(),
                },
            };
            (Some(policy), source, warnings.to_vec())
        }
        PolicyState::Invalid { url, diagnostics } => (
            None,
            Source::Invalid {
                url: url.to_owned(),
            },
            diagnostics.to_vec(),
        ),
        PolicyState::NotPublished => (None, Source::Guessing, Vec::new()),
    };
    let ctx = Context {
        site: input.site,
        policy: compiled.map_or(SitePolicy::None, SitePolicy::Declared),
        prefs: input.prefs,
        known: input.known,
    };
    let deleted = |name: &str| input.deletions.of(name);
    let observed_row = |cookie: &Cookie, base: CookieRow| -> CookieRow {
        let decision = decide(cookie, &ctx, input.now);
        let status = match decision.verdict {
            Verdict::Keep => Status::Kept,
            Verdict::Delete => Status::Deleting,
        };
        CookieRow {
            domain: Some(cookie.domain.clone()),
            actual_expiry: Some(match cookie.expiration_date {
                Some(expires) if !cookie.session => Lifetime::remaining(expires, input.now),
                _ => Lifetime::Session,
            }),
            status,
            deleted_count: deleted(&cookie.name),
            reason: Some(decision.reason),
            choice: input.prefs.cookie_choice(input.site, &cookie.name),
            ..base
        }
    };

    let mut categories = Vec::new();
    let mut other_cookies = Vec::new();
    let mut findings = Vec::new();
    let mut claimed = vec![false; input.cookies.len()];

    if let Some(compiled) = compiled {
        let policy = compiled.policy();
        findings.extend(
            audit_declaration(policy, input.known, input.now)
                .into_iter()
                .filter(|f| matches!(f, Finding::PolicyStale { .. }))
                .map(FindingView::from),
        );
        let plan = crate::block::plan(policy, input.prefs);
        // Which entry declares each stored cookie, looked up once (a policy may have thousands
        // of entries and a site a hundred cookies), by the entry's address.
        let mut declared_by: HashMap<usize, Vec<usize>> = HashMap::new();
        for (i, cookie) in input.cookies.iter().enumerate() {
            if let Some(found) = compiled.lookup(&cookie.name, &cookie.domain, StorageType::Cookie)
            {
                declared_by
                    .entry(std::ptr::from_ref(found.entry) as usize)
                    .or_default()
                    .push(i);
            }
        }
        for category in CategoryId::ALL {
            let services: Vec<_> = policy
                .services
                .iter()
                .filter(|s| s.category == category)
                .collect();
            let info = policy.categories.get(&category);
            // Every category has its row, declared or not: the visitor's switch for it holds
            // on this site whatever the declaration lists.
            let (choice, source) = input.prefs.choice(input.site, category, None);
            let services = services
                .into_iter()
                .map(|service| {
                    let (choice, source) =
                        input.prefs.choice(input.site, category, Some(&service.id));
                    let mut cookies = Vec::new();
                    for entry in &service.storage {
                        let base = declared_row(
                            service.name.as_str(),
                            service.provider.as_deref(),
                            category,
                            entry,
                            input.language,
                        );
                        let mut seen = false;
                        let stored = declared_by
                            .get(&(std::ptr::from_ref(entry) as usize))
                            .map_or(&[][..], Vec::as_slice);
                        for &i in stored {
                            let cookie = &input.cookies[i];
                            claimed[i] = true;
                            seen = true;
                            let mut row = observed_row(
                                cookie,
                                CookieRow {
                                    name: cookie.name.clone(),
                                    ..base.clone()
                                },
                            );
                            row.findings = audit_cookie(cookie, compiled, input.known, input.now)
                                .into_iter()
                                .map(FindingView::from)
                                .collect();
                            cookies.push(row);
                        }
                        if !seen {
                            let deleted: Vec<(&String, u32)> = if entry.kind != StorageType::Cookie
                            {
                                Vec::new()
                            } else if entry.name.is_exact() {
                                input
                                    .deletions
                                    .names
                                    .get_key_value(entry.name.as_str())
                                    .filter(|(_, n)| **n > 0)
                                    .map(|(name, n)| (name, *n))
                                    .into_iter()
                                    .collect()
                            } else {
                                input
                                    .deletions
                                    .names
                                    .iter()
                                    .filter(|(name, n)| **n > 0 && entry.name.matches(name))
                                    .map(|(name, n)| (name, *n))
                                    .collect()
                            };
                            let mut row = base;
                            if entry.kind == StorageType::Cookie && entry.name.is_exact() {
                                let domain = entry
                                    .domain
                                    .as_ref()
                                    .map_or(policy.site.as_str(), |d| d.as_str());
                                row.findings = crate::audit::audit_declaration_entry(
                                    entry.name.as_str(),
                                    domain,
                                    &policy.site,
                                    category,
                                    input.known,
                                )
                                .into_iter()
                                .map(FindingView::from)
                                .collect();
                            }
                            if deleted.is_empty() {
                                if entry.name.is_exact() {
                                    row.choice = input.prefs.cookie_choice(input.site, &row.name);
                                }
                                row.status = if entry.kind == StorageType::Cookie {
                                    Status::NotStored
                                } else {
                                    Status::NotChecked
                                };
                                cookies.push(row);
                            } else {
                                // One row per cookie name deleted under this entry (`_ga_DEMO123`
                                // under `_ga_*`), with how often.
                                for (name, times) in deleted {
                                    let mut deleted_row = row.clone();
                                    deleted_row.name = name.clone();
                                    deleted_row.status = Status::Deleted;
                                    deleted_row.deleted_count = times;
                                    deleted_row.choice =
                                        input.prefs.cookie_choice(input.site, name);
                                    cookies.push(deleted_row);
                                }
                            }
                        }
                    }
                    ServiceView {
                        id: service.id.clone(),
                        name: service.name.clone(),
                        provider: service.provider.clone(),
                        description: service
                            .description
                            .as_ref()
                            .map(|t| t.pick(input.language).to_owned()),
                        privacy_policy: service.privacy_policy.clone(),
                        choice,
                        source,
                        blocked_domains: service
                            .domains
                            .iter()
                            .filter(|d| plan.blocks(d.as_str()))
                            .map(|d| d.as_str().to_owned())
                            .collect(),
                        domains: service
                            .domains
                            .iter()
                            .map(|d| d.as_str().to_owned())
                            .collect(),
                        cookies,
                        correction: compiled
                            .corrections()
                            .iter()
                            .find(|c| c.service == service.id)
                            .map(|c| CorrectionView {
                                declared: c.declared,
                                evidence: c.evidence.clone(),
                                known_as: c.known_as.clone(),
                            }),
                    }
                })
                .collect();
            categories.push(CategoryView {
                id: category,
                label: policy.category_label(category, input.language),
                declared_label: info
                    .and_then(|i| i.label.as_ref())
                    .map(|t| t.pick(input.language).to_owned()),
                description: info
                    .and_then(|i| i.description.as_ref())
                    .map(|t| t.pick(input.language).to_owned()),
                consent_required: policy.consent_required(category),
                choice,
                source,
                services,
                stored: 0,
                deleted: 0,
                blocked: 0,
            });
        }
        for (i, cookie) in input.cookies.iter().enumerate() {
            if claimed[i] {
                continue;
            }
            // Not declared: what the panel says of it (and what decides it) is the guess.
            let base = inferred_row(cookie, input.known, input.site);
            let mut row = observed_row(cookie, base);
            row.findings = audit_cookie(cookie, compiled, input.known, input.now)
                .into_iter()
                .map(FindingView::from)
                .collect();
            other_cookies.push(row);
        }
    } else {
        for category in CategoryId::ALL {
            let (choice, source) = input.prefs.choice(input.site, category, None);
            categories.push(CategoryView {
                id: category,
                label: category.default_label().to_owned(),
                declared_label: None,
                description: None,
                consent_required: category.default_consent(),
                choice,
                source,
                services: Vec::new(),
                stored: 0,
                deleted: 0,
                blocked: 0,
            });
        }
        for cookie in input.cookies {
            let row = observed_row(cookie, inferred_row(cookie, input.known, input.site));
            other_cookies.push(row);
        }
    }

    // Cookies deleted earlier that are neither stored now nor declared: they still belong in the
    // panel, with how often they went.
    for (name, times) in &input.deletions.names {
        let stored = input.cookies.iter().any(|c| &c.name == name);
        let declared = compiled.is_some_and(|p| {
            p.lookup(name, input.site.as_str(), StorageType::Cookie)
                .is_some()
        });
        if stored || declared || *times == 0 {
            continue;
        }
        let placeholder = Cookie {
            name: name.clone(),
            domain: input.site.to_string(),
            ..Cookie::default()
        };
        let mut row = inferred_row(&placeholder, input.known, input.site);
        row.domain = None;
        row.status = Status::Deleted;
        row.deleted_count = *times;
        row.choice = input.prefs.cookie_choice(input.site, name);
        other_cookies.push(row);
    }

    // The counts of each category row, from the same rows the panel lists (so they add up to
    // what the cookies say), and the blocks recorded for the site.
    let mut deleted_other = input.deletions.others;
    for row in categories
        .iter()
        .flat_map(|c| c.services.iter().flat_map(|s| s.cookies.iter()))
        .chain(&other_cookies)
    {
        if row.choice.is_some() || row.category.is_none() {
            deleted_other = deleted_other.saturating_add(row.deleted_count);
        }
    }
    for category in &mut categories {
        let id = category.id;
        let rows = category
            .services
            .iter()
            .flat_map(|s| s.cookies.iter())
            .chain(other_cookies.iter().filter(|r| r.category == Some(id)))
            .filter(|r| r.choice.is_none() && r.category.is_some());
        for row in rows {
            if matches!(row.status, Status::Kept | Status::Deleting) {
                category.stored += 1;
            }
            category.deleted = category.deleted.saturating_add(row.deleted_count);
        }
        category.blocked = input
            .activity
            .and_then(|a| a.blocked.get(&id).copied())
            .unwrap_or(0);
    }

    let policy = compiled.map(CompiledPolicy::policy);
    SiteView {
        site: input.site.clone(),
        source,
        updated: policy.and_then(|p| p.updated).map(|d| d.to_string()),
        read_seconds_ago: input.read_at.map(|at| input.now.saturating_sub(at)),
        policy_url: policy.and_then(|p| p.policy_url.clone()),
        controller: policy.and_then(|p| p.controller.clone()),
        rights: policy.map(|p| p.rights.clone()).unwrap_or_default(),
        paused: input.prefs.is_paused(input.site),
        pause: input.prefs.pause_of(input.site),
        categories,
        other_cookies,
        other_deletions: input.deletions.others,
        findings,
        diagnostics,
        activity: input
            .activity
            .map(|a| a.events.iter().cloned().collect())
            .unwrap_or_default(),
        deleted_other,
        blocked_other: input.activity.map_or(0, |a| a.blocked_other),
        brief: false,
        banner: None,
        adpc: None,
    }
}

fn declared_row(
    service: &str,
    provider: Option<&str>,
    category: CategoryId,
    entry: &StorageEntry,
    language: &str,
) -> CookieRow {
    CookieRow {
        name: entry.name.as_str().to_owned(),
        domain: None,
        service: Some(service.to_owned()),
        provider: provider.map(str::to_owned),
        category: Some(category),
        purpose: entry.purpose.as_ref().map(|t| t.pick(language).to_owned()),
        declared_expiry: entry.max_age_seconds.map(Lifetime::of_seconds),
        actual_expiry: None,
        status: Status::NotStored,
        deleted_count: 0,
        reason: None,
        choice: None,
        inferred: false,
        findings: Vec::new(),
    }
}

fn inferred_row(cookie: &Cookie, known: &KnownCookies, site: &Site) -> CookieRow {
    let k = known.guess(&cookie.name, &cookie.domain, site);
    CookieRow {
        name: cookie.name.clone(),
        domain: Some(cookie.domain.clone()),
        service: k.map(|k| k.platform.clone()),
        provider: k.map(|k| k.controller.clone()).filter(|c| !c.is_empty()),
        category: k.map(|k| k.category),
        purpose: None,
        declared_expiry: k.and_then(|k| match k.retention {
            Retention::Session => Some(Lifetime::Session),
            Retention::Seconds(seconds) => Some(Lifetime::of_seconds(seconds)),
            Retention::Persistent => Some(Lifetime::Persistent),
            Retention::Unknown => None,
        }),
        actual_expiry: None,
        status: Status::Kept,
        deleted_count: 0,
        reason: None,
        choice: None,
        inferred: k.is_some(),
        findings: Vec::new(),
    }
}

fn choice_word(choice: Choice) -> &'static str {
    match choice {
        Choice::Allow => "allowed",
        Choice::Deny => "denied",
    }
}

fn source_words(source: ChoiceSource) -> &'static str {
    match source {
        ChoiceSource::Default => "by default",
        ChoiceSource::SiteCategory | ChoiceSource::SiteService => "on this site",
    }
}

fn status_word(row: &CookieRow) -> String {
    match row.status {
        Status::Kept => "stored, kept".into(),
        Status::Deleting => "stored, to be deleted".into(),
        Status::Deleted => format!("deleted {} time(s)", row.deleted_count),
        Status::NotStored => "not stored".into(),
        Status::NotChecked => "not checked (web storage)".into(),
    }
}

/// The panel as plain text, for the command-line tool and the demo: one block per category,
/// service and cookie, then the undeclared or inferred cookies.
pub fn to_text(view: &SiteView) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let source = match &view.source {
        Source::Declared { url } => format!("declared at {url}"),
        Source::Tcf { url } => format!("TCF disclosure file at {url}"),
        Source::ConsentPlatform { url, platform } => {
            format!("declared through {platform}, its consent platform, at {url}")
        }
        Source::Invalid { url } => format!("invalid policy at {url}; guessing from known cookies"),
        Source::Guessing => "no policy published; guessing from known cookies".into(),
    };
    let _ = writeln!(out, "Site: {} ({source})", view.site);
    if let Some(updated) = &view.updated {
        let _ = writeln!(out, "Updated: {updated}");
    }
    if let Some(c) = &view.controller {
        let contact: Vec<&str> = [c.address.as_deref(), c.email.as_deref(), c.phone.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        let _ = writeln!(out, "Controller: {} ({})", c.name, contact.join("; "));
    }
    if !view.rights.is_empty() {
        let rights: Vec<&str> = view.rights.iter().map(|r| r.id()).collect();
        let _ = writeln!(out, "Your rights: {}", rights.join(", "));
    }
    for f in &view.findings {
        let _ = writeln!(out, "Finding: {}", f.text);
    }
    for d in &view.diagnostics {
        let _ = writeln!(out, "{d}");
    }
    if let Some(sent) = view.adpc.as_ref().and_then(|a| a.sent.as_deref()) {
        let _ = writeln!(out, "Privacy signal sent: ADPC: {sent}");
    }
    for category in &view.categories {
        let consent = if category.consent_required {
            "consent required"
        } else {
            "no consent asked"
        };
        let _ = writeln!(
            out,
            "\n{} [{}] ({consent}): {} {}",
            category.label,
            category.id.id(),
            choice_word(category.choice),
            source_words(category.source)
        );
        for service in &category.services {
            let provider = service
                .provider
                .as_deref()
                .map(|p| format!(" by {p}"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  {}{provider}: {} {}",
                service.name,
                choice_word(service.choice),
                source_words(service.source)
            );
            if let Some(c) = &service.correction {
                let _ = writeln!(
                    out,
                    "    declared as {}; treated as {}: {} is {}",
                    c.declared.id(),
                    category.id.id(),
                    c.evidence,
                    c.known_as
                );
            }
            if !service.blocked_domains.is_empty() {
                let _ = writeln!(out, "    blocks: {}", service.blocked_domains.join(", "));
            }
            for row in &service.cookies {
                write_row(&mut out, row, "    ");
            }
        }
    }
    if !view.other_cookies.is_empty() {
        let _ = writeln!(out, "\nUndeclared or inferred cookies");
        for row in &view.other_cookies {
            write_row(&mut out, row, "  ");
        }
    }
    out
}

fn write_row(out: &mut String, row: &CookieRow, indent: &str) {
    use std::fmt::Write;
    let declared = row
        .declared_expiry
        .map_or("expiry not declared".to_owned(), |l| l.to_string());
    let service = row.service.as_deref().unwrap_or("unknown service");
    let category = row
        .category
        .map_or("unknown category".to_owned(), |c| c.to_string());
    let guess = if row.inferred { " (guess)" } else { "" };
    let _ = writeln!(
        out,
        "{indent}{} | {service} | {category}{guess} | {declared} | {}",
        row.name,
        status_word(row)
    );
    if let Some(purpose) = &row.purpose {
        let _ = writeln!(out, "{indent}  purpose: {purpose}");
    }
    if let Some(actual) = &row.actual_expiry {
        let _ = writeln!(out, "{indent}  expires in: {actual}");
    }
    if let Some(reason) = &row.reason {
        let _ = writeln!(out, "{indent}  why: {reason}");
    }
    for f in &row.findings {
        let _ = writeln!(out, "{indent}  finding: {}", f.text);
    }
}
