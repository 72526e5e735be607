//! The criterion decision workload (`benches/support/workload.rs`) compiled to wasm and timed in Node,
//! so the native/wasm ratio is known. Not part of `./run test`: `./run bench` runs it with
//! `cargo test --profile wasm-release --target wasm32-unknown-unknown --test wasm_bench`
//! (wasm-bindgen-test-runner, Node) and reads the `wasm-bench` lines it prints.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

#[path = "../benches/support/workload.rs"]
#[allow(dead_code)]
mod workload;

use cookie_warden::known::KnownCookies;
use cookie_warden::policy::{self, CompiledPolicy};
use std::hint::black_box;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = performance)]
    fn now() -> f64;
    #[wasm_bindgen(js_namespace = console)]
    fn log(text: &str);
}

/// Runs `f` in rounds until at least `min_ms` passed; returns the best round's milliseconds
/// per call (criterion reports a central estimate; the best round is the least disturbed).
fn time(min_ms: f64, mut f: impl FnMut()) -> (f64, f64) {
    f(); // warm-up
    let start = now();
    let mut rounds = Vec::new();
    while now() - start < min_ms || rounds.len() < 5 {
        let t = now();
        f();
        rounds.push(now() - t);
    }
    rounds.sort_by(f64::total_cmp);
    (rounds[rounds.len() / 2], rounds.len() as f64)
}

#[wasm_bindgen_test]
fn decisions_and_parsing_in_wasm() {
    // Start-up work a freshly started worker does before its first decision.
    let (ms, rounds) = time(1500.0, || {
        black_box(KnownCookies::from_csv(cookie_warden::known::BUNDLED_CSV).unwrap());
    });
    log(&format!(
        "wasm-bench start/known-cookie-table {:.1} us (median of {rounds} rounds)",
        ms * 1000.0
    ));
    let (ms, rounds) = time(1500.0, || {
        black_box(cookie_warden::suffix::registrable_domain("www.kaltiot.com"));
    });
    log(&format!(
        "wasm-bench start/public-suffix-lookup {:.3} us (median of {rounds} rounds)",
        ms * 1000.0
    ));
    let known = KnownCookies::bundled();
    for set in workload::decision_sets() {
        let deleted = set.run(known);
        assert!(deleted > 0, "{}: nothing would be deleted", set.name);
        let (ms, rounds) = time(1500.0, || {
            black_box(set.run(known));
        });
        let per_second = set.cookies.len() as f64 / (ms / 1000.0);
        log(&format!(
            "wasm-bench decide/{} {per_second:.0} decisions/s (median of {rounds} rounds of {} cookies, {ms:.3} ms each)",
            set.name,
            set.cookies.len()
        ));
    }
    let example = workload::site("example.com");
    let kaltiot = workload::site("kaltiot.com");
    let generated = workload::generated_policy_json(1000);
    for (name, bytes, site) in [
        ("kaltiot", workload::KALTIOT, &kaltiot),
        ("generated-1000", generated.as_slice(), &example),
    ] {
        workload::valid_policy(bytes, site);
        let (ms, rounds) = time(1500.0, || {
            let doc = policy::parse(black_box(bytes), Some(site)).unwrap();
            black_box(CompiledPolicy::new(doc.policy.unwrap()));
        });
        log(&format!(
            "wasm-bench parse/{name} {:.1} us (median of {rounds} rounds)",
            ms * 1000.0
        ));
    }
}
