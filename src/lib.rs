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

pub mod audit;
pub mod block;
pub mod date;
pub mod decide;
pub mod diag;
pub mod domain;
pub mod duration;
pub mod known;
pub mod pattern;
pub mod policy;
pub mod prefs;
pub mod view;

#[cfg(target_arch = "wasm32")]
pub mod web;
