//! The machine-readable cookie policy: its model ([`model`]), the tolerant parser ([`parse`]),
//! the TCF disclosure converter ([`tcf`]) and the matching index ([`compiled`]).

pub mod model;

pub use model::*;
