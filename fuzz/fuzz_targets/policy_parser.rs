//! Any bytes → `policy::parse` (with and without an expected site). The parser must never panic;
//! whatever it returns must compile, decide, audit, plan and render without panicking; the
//! compiled index must agree with the format's matching rule; a valid policy must survive a
//! serialise/parse round trip.
#![no_main]

#[path = "common/mod.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    common::parse_and_check(data);
});
