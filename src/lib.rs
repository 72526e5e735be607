//! Cookie Warden's engine: reads a site's machine-readable cookie policy, decides what happens to
//! each cookie under the visitor's choices, plans tracker blocking, audits the declaration against
//! the cookies actually seen, and builds the view models the extension's pages render.
//!
//! The engine knows no browser and no clock: every input is plain data and `now` is always a
//! parameter (seconds since the Unix epoch). The browser glue lives in [`web`], which only builds
//! for `wasm32`, so engine code that reaches for a browser API does not compile natively.
//!
//! The front door, in the order data flows:
//! - [`policy::parse`] turns bytes into a [`policy::Document`] (model plus diagnostics);
//! - [`policy::CompiledPolicy`] indexes a policy for matching;
//! - [`prefs::Preferences`] holds the visitor's choices;
//! - [`decide::decide`] gives a [`decide::Verdict`] for one cookie;
//! - [`block`] plans the declarativeNetRequest rules that block a site's denied trackers;
//! - [`audit`] compares the declaration with observed cookies;
//! - [`view`] builds the rows the popup shows.
//!
//! ```
//! use cookie_warden::decide::{decide, Context, Cookie, SitePolicy, Verdict};
//! use cookie_warden::domain::Site;
//! use cookie_warden::known::KnownCookies;
//! use cookie_warden::policy::{parse, CompiledPolicy};
//! use cookie_warden::prefs::Preferences;
//!
//! let site = Site::of_host("www.kaltiot.com").expect("a host name");
//! let bytes = include_bytes!("../examples/kaltiot.cookie-policy.json");
//! let document = parse(bytes, Some(&site)).expect("readable");
//! let policy = CompiledPolicy::new(document.valid_policy().expect("valid").clone());
//! let prefs = Preferences::default(); // statistics and marketing denied
//! let ctx = Context { site: &site, policy: SitePolicy::Declared(&policy), prefs: &prefs,
//!                     known: KnownCookies::bundled() };
//! let ga = Cookie { name: "_ga".into(), domain: ".kaltiot.com".into(), ..Cookie::default() };
//! let decision = decide(&ga, &ctx, 1_795_910_400);
//! assert_eq!(decision.verdict, Verdict::Delete);
//! assert_eq!(decision.reason.to_string(),
//!            "declared as Statistics (Google Analytics 4), which you deny by default");
//! ```

pub mod activity;
pub mod adpc;
pub mod audit;
pub mod block;
pub mod bundled;
pub mod consent;
pub mod date;
pub mod decide;
pub mod deletions;
pub mod diag;
pub mod discovery;
pub mod domain;
pub mod duration;
pub mod known;
pub mod lru;
pub mod pattern;
pub mod policy;
pub mod prefs;
pub mod protocol;
pub mod settings;
pub mod suffix;
pub mod trackers;
pub mod view;

#[cfg(target_arch = "wasm32")]
pub mod web;
