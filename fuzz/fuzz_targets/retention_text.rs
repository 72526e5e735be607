//! Text → `duration::parse_retention` (the known-cookie table's `retention` column), and the
//! result back into words.
//!
//! Checked: no panic; `Seconds(n)` has `n > 0`; `in_words(n)` read back with `parse_retention`
//! is within the 5% that `in_words` promises; `remaining_in_words` agrees with `in_words` for a
//! whole number of seconds ahead; the table loader takes the text as a retention cell.
#![no_main]

use cookie_warden::duration::{in_words, parse_retention, remaining_in_words, Retention};
use cookie_warden::known::KnownCookies;
use libfuzzer_sys::fuzz_target;

const NOW: u64 = 1_795_910_400;

fn check_words(seconds: u64) {
    let words = in_words(seconds);
    assert!(!words.is_empty());
    match parse_retention(&words) {
        Retention::Seconds(back) => {
            // 5% of `seconds`, with f64 rounding at the top of the range.
            let slack = (seconds / 20).max(1) + (seconds >> 50);
            assert!(
                back.abs_diff(seconds) <= slack,
                "in_words({seconds}) = {words:?}, which reads back as {back} seconds"
            );
        }
        Retention::Session if seconds == 0 => {}
        other => panic!("in_words({seconds}) = {words:?}, which reads back as {other:?}"),
    }
    if seconds > 0 && seconds < (1 << 52) {
        let remaining = remaining_in_words(NOW as f64 + seconds as f64, NOW);
        assert_eq!(
            remaining, words,
            "remaining_in_words vs in_words for {seconds}"
        );
    }
}

fuzz_target!(|text: &str| {
    match parse_retention(text) {
        Retention::Seconds(n) => {
            assert!(n > 0, "{text:?}: Seconds(0) should be Session");
            check_words(n);
        }
        Retention::Session | Retention::Persistent | Retention::Unknown => {}
    }
    // The first bytes as a number of seconds, too, so in_words sees the whole range.
    let mut raw = [0u8; 8];
    for (slot, b) in raw.iter_mut().zip(text.bytes()) {
        *slot = b;
    }
    check_words(u64::from_le_bytes(raw));
    let _ = remaining_in_words(f64::from_bits(u64::from_le_bytes(raw)), NOW);

    // As a retention cell of the known-cookie table (quoted, as the csv crate writes it).
    if text.len() <= 256 {
        let cell = text.replace('"', "\"\"");
        let csv = format!(
            "platform,category,name,prefix_match,domain,retention,controller,privacy_url\n\
             Fuzz,Analytics,_fz,0,,\"{cell}\",Fuzz,https://example.com/\n"
        );
        match KnownCookies::from_csv(&csv) {
            Ok(table) => {
                let row = table.lookup("_fz", "example.com");
                assert_eq!(row.map(|r| r.retention_text.as_str()), Some(text));
                assert_eq!(row.map(|r| r.retention), Some(parse_retention(text)));
            }
            Err(e) => panic!("a quoted retention cell {text:?} must load: {e}"),
        }
    }
});
