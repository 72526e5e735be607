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

use crate::bundled::Dataset;

/// Supplies the engine with those of `datasets` it does not have (the modules are built without
/// them, [`crate::bundled`]), read from the package together: the reads are issued when this is
/// called, and the future resolves when all have answered. A file that cannot be read leaves its
/// table empty, and says so.
fn supply_data(datasets: &[Dataset]) -> impl std::future::Future<Output = ()> {
    let reads: Vec<_> = datasets
        .iter()
        .filter(|d| !d.is_available())
        .map(|d| (*d, browser::package_text(d.path())))
        .collect();
    async move {
        for (dataset, read) in reads {
            match read.await {
                Ok(text) => {
                    dataset.supply(text);
                }
                Err(e) => gloo::console::error!(
                    format!("cookie-warden: {} could not be read", dataset.path()),
                    e
                ),
            }
        }
    }
}
