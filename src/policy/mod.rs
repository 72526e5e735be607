//! The machine-readable cookie policy: its model ([`model`]), the tolerant parser of the
//! project's own format ([`parse`]), the readers of the other formats a declaration comes in
//! (TCF disclosures, consent platforms' files: [`formats`]) and the matching index
//! ([`compiled`]). [`parse()`] is the front door: it reads any of them.

pub mod model;

pub use model::*;
pub mod compiled;
pub mod formats;
pub mod parse;

pub use compiled::{CompiledPolicy, Declaration};
pub use formats::{read as parse, Format};
pub use parse::{Document, DocumentKind, Limit, PolicyError};
#[cfg(not(target_arch = "wasm32"))]
pub mod schema;
