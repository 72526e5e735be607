//! The web layer (wasm32 only): moves data between `chrome.*`/the DOM and the engine.
//!
//! It builds into two WebAssembly modules, one per role, so that each loads only what it needs:
//! - feature `background`: the service worker (event page in Firefox): [`background`];
//! - feature `pages`: the popup and the options page, which render what the background answers.
//!
//! Both share [`browser`], the typed wrappers around `chrome.*`. A build with both features (the
//! default, as `cargo clippy` and the wasm tests use) holds everything.

#[cfg(feature = "background")]
mod background;
mod browser;
#[cfg(feature = "pages")]
mod pages;
