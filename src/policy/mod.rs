//! The machine-readable cookie policy: its model ([`model`]), the tolerant parser ([`parse`]),
//! the TCF disclosure converter ([`tcf`]) and the matching index ([`compiled`]).

pub mod model;

pub use model::*;
pub mod compiled;
pub mod parse;
pub mod tcf;

pub use compiled::{CompiledPolicy, Declaration};
pub use parse::{parse, Document, DocumentKind, Limit, PolicyError};
#[cfg(not(target_arch = "wasm32"))]
pub mod schema;
