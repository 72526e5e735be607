//! Cookie lifetimes: [`Retention`] read from free text (the `retention` column of the
//! known-cookie table, such as `2 years after last activity`), and lifetimes in seconds put back
//! into words for the visitor ([`in_words`], [`remaining_in_words`]).
//!
//! This module owns the length of a year, a month and the other units. It knows no clock (`now`
//! is a parameter), no cookie and no policy, and it must not reach for either.

use serde::{Deserialize, Serialize};

/// Seconds in a day (the one in [`crate::date`]).
pub use crate::date::DAY;

/// Seconds in a minute.
pub const MINUTE: u64 = 60;
/// Seconds in an hour.
pub const HOUR: u64 = 3_600;
/// Seconds in a week.
pub const WEEK: u64 = 7 * DAY;
/// Seconds in a year: 365 days.
pub const YEAR: u64 = 365 * DAY;
/// Seconds in a month: a twelfth of a [`YEAR`] (30.4167 days), so that 12 months make a year.
pub const MONTH: u64 = YEAR / 12;

/// How long a cookie lives, as stated in free text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "seconds", rename_all = "camelCase")]
pub enum Retention {
    /// Until the browser session ends (also what `0 days` means).
    Session,
    /// A stated number of seconds (more than zero).
    Seconds(u64),
    /// No expiry at all (`forever`, `no expiration`).
    Persistent,
    /// The text states no lifetime this module can read (`Varies`, `Local Storage`, a date).
    Unknown,
}

/// Reads a lifetime written in free text, case-insensitively.
///
/// Every `<number> <unit>` in the text counts (`2 years`, `30 mins`, `90 sec`, `3w`, `1y`); units
/// are seconds, minutes, hours, days, weeks, months ([`MONTH`]) and years ([`YEAR`]). When the
/// text mentions several (a range such as `1 week to 1 year`, or alternatives such as
/// `14 days if ... Otherwise, Session.`), the longest wins, to be conservative; trailing
/// qualifiers (`after last activity`) are ignored. A longest duration of zero (`0 days`) is
/// [`Retention::Session`]. Text with no duration is [`Retention::Session`] when it says
/// `session` (or the typo `seesion`), [`Retention::Persistent`] when it says `forever`,
/// `unlimited`, `permanent`, `persistent`, `no expiration` or `never expires`, and
/// [`Retention::Unknown`] otherwise. Never panics; huge numbers saturate at `u64::MAX`.
pub fn parse_retention(text: &str) -> Retention {
    const SESSION: [&str; 2] = ["session", "seesion"];
    const PERSISTENT: [&str; 7] = [
        "forever",
        "unlimited",
        "permanent",
        "persistent",
        "no expiration",
        "never expire",
        "no expiry",
    ];
    let lower = text.to_lowercase();
    if let Some(longest) = durations(&lower).max() {
        return if longest == 0 {
            Retention::Session
        } else {
            Retention::Seconds(longest)
        };
    }
    if SESSION.iter().any(|word| lower.contains(word)) {
        Retention::Session
    } else if PERSISTENT.iter().any(|word| lower.contains(word)) {
        Retention::Persistent
    } else {
        Retention::Unknown
    }
}

/// Every `<number> <unit>` in `text` (already lowercase), in seconds.
fn durations(text: &str) -> impl Iterator<Item = u64> + '_ {
    let bytes = text.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        while at < bytes.len() {
            let start = at;
            // A number starts at a digit that does not continue a word (`v2`, `x86`).
            if !bytes[start].is_ascii_digit()
                || (start > 0
                    && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'.'))
            {
                at += 1;
                continue;
            }
            let mut end = start;
            while end < bytes.len() && bytes[end].is_ascii_digit() {
                end += 1;
            }
            if end + 1 < bytes.len() && bytes[end] == b'.' && bytes[end + 1].is_ascii_digit() {
                end += 1;
                while end < bytes.len() && bytes[end].is_ascii_digit() {
                    end += 1;
                }
            }
            let number = &text[start..end];
            let mut word_start = end;
            while word_start < bytes.len() && bytes[word_start] == b' ' {
                word_start += 1;
            }
            let mut word_end = word_start;
            while word_end < bytes.len() && bytes[word_end].is_ascii_alphabetic() {
                word_end += 1;
            }
            at = word_end.max(start + 1);
            let Some(unit) = unit_seconds(&text[word_start..word_end]) else {
                continue;
            };
            let Ok(value) = number.parse::<f64>() else {
                continue;
            };
            // `as` saturates: a number too large for u64 becomes u64::MAX.
            return Some((value * unit as f64).round() as u64);
        }
        None
    })
}

/// Seconds in the unit a word names (`mins`, `w`, `Years` lowercased), if it names one.
fn unit_seconds(word: &str) -> Option<u64> {
    Some(match word {
        "s" | "sec" | "secs" | "second" | "seconds" => 1,
        "min" | "mins" | "minute" | "minutes" => MINUTE,
        "h" | "hr" | "hrs" | "hour" | "hours" => HOUR,
        "d" | "day" | "days" => DAY,
        "w" | "wk" | "wks" | "week" | "weeks" => WEEK,
        "mo" | "mos" | "month" | "months" => MONTH,
        "y" | "yr" | "yrs" | "year" | "years" => YEAR,
        _ => return None,
    })
}

/// A unit of [`Span`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Unit {
    /// 365 days.
    Year,
    /// A twelfth of a year.
    Month,
    /// 24 hours.
    Day,
    /// 60 minutes.
    Hour,
    /// 60 seconds.
    Minute,
    /// One second.
    Second,
}

impl Unit {
    /// The English name of one of it (`year`).
    pub fn name(self) -> &'static str {
        match self {
            Unit::Year => "year",
            Unit::Month => "month",
            Unit::Day => "day",
            Unit::Hour => "hour",
            Unit::Minute => "minute",
            Unit::Second => "second",
        }
    }
}

/// The units [`span`] chooses between, largest first: no weeks, so `14 days` stays days.
const UNITS: [(u64, Unit); 6] = [
    (YEAR, Unit::Year),
    (MONTH, Unit::Month),
    (DAY, Unit::Day),
    (HOUR, Unit::Hour),
    (MINUTE, Unit::Minute),
    (1, Unit::Second),
];

/// A lifetime as a count of one unit, for a page to put into the visitor's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Span {
    /// How many.
    pub count: u64,
    /// Of what.
    pub unit: Unit,
}

/// A lifetime in seconds as a count of the largest unit (years of 365 days, months of a twelfth
/// of a year, days, hours, minutes, seconds) in which it rounds to a whole count `n` at most 5%
/// away from the true value, where an inexact count must be at least 2: so 400 days is 13
/// months and 90 days is 3 months, but 30 days stays 30 days (not 1 month) and 59 seconds stays
/// 59 seconds (not 1 minute). `None` for zero (a session).
pub fn span(seconds: u64) -> Option<Span> {
    if seconds == 0 {
        return None;
    }
    let whole = u128::from(seconds);
    for (size, unit) in UNITS {
        let size = u128::from(size);
        let count = (whole + size / 2) / size;
        let off_by = (count * size).abs_diff(whole);
        if (count == 1 && off_by == 0) || (count >= 2 && off_by * 20 <= whole) {
            return Some(Span {
                count: u64::try_from(count).unwrap_or(u64::MAX),
                unit,
            });
        }
    }
    Some(Span {
        count: seconds,
        unit: Unit::Second,
    })
}

/// A lifetime in seconds as a visitor reads it: `2 years`, `13 months`, `30 days`, `1 hour`
/// (the English words of [`span`]). Zero is `session`.
pub fn in_words(seconds: u64) -> String {
    match span(seconds) {
        None => "session".to_owned(),
        Some(span) => span_words(span),
    }
}

/// `1 day`, `2 days`.
fn span_words(span: Span) -> String {
    if span.count == 1 {
        format!("1 {}", span.unit.name())
    } else {
        format!("{} {}s", span.count, span.unit.name())
    }
}

/// The time left until `expires_at` (seconds since the Unix epoch, as browsers report a cookie's
/// `expirationDate`, possibly fractional) in the words of [`in_words`], or `expired` when it is
/// not after `now` (or is not a number). A fraction of a second left counts as `1 second`.
pub fn remaining_in_words(expires_at: f64, now: u64) -> String {
    Lifetime::remaining(expires_at, now).to_string()
}

/// A lifetime as data, for the panel to say in the visitor's language (the engine's English
/// words are [`fmt::Display`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Lifetime {
    /// Until the browser session ends.
    Session,
    /// Already past.
    Expired,
    /// Kept indefinitely (as the known-cookie table says of some).
    Persistent,
    /// A count of a unit.
    Span {
        /// How many.
        count: u64,
        /// Of what.
        unit: Unit,
    },
}

impl Lifetime {
    /// A lifetime of `seconds` (zero is a session).
    pub fn of_seconds(seconds: u64) -> Lifetime {
        match span(seconds) {
            None => Lifetime::Session,
            Some(Span { count, unit }) => Lifetime::Span { count, unit },
        }
    }

    /// The time left until `expires_at` (see [`remaining_in_words`]).
    pub fn remaining(expires_at: f64, now: u64) -> Lifetime {
        let now = now as f64;
        if expires_at.is_nan() || expires_at <= now {
            return Lifetime::Expired;
        }
        // `as` saturates: an infinite expiry becomes u64::MAX.
        Lifetime::of_seconds(((expires_at - now).ceil() as u64).max(1))
    }
}

impl std::fmt::Display for Lifetime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Lifetime::Session => f.write_str("session"),
            Lifetime::Expired => f.write_str("expired"),
            Lifetime::Persistent => f.write_str("persistent"),
            Lifetime::Span { count, unit } => f.write_str(&span_words(Span {
                count: *count,
                unit: *unit,
            })),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_agree() {
        assert_eq!(YEAR, 31_536_000);
        assert_eq!(MONTH, 2_628_000);
        assert_eq!(12 * MONTH, YEAR);
    }

    #[test]
    fn retention_text_is_read() {
        use Retention::*;
        let cases: &[(&str, Retention)] = &[
            // Plain durations, any case, singular or plural, short or long unit names.
            ("2 years", Seconds(2 * YEAR)),
            ("2 Years", Seconds(2 * YEAR)),
            ("2 year", Seconds(2 * YEAR)),
            ("1 Year", Seconds(YEAR)),
            ("10 Years", Seconds(10 * YEAR)),
            ("13 months", Seconds(13 * MONTH)),
            ("13 Months", Seconds(13 * MONTH)),
            ("12 months", Seconds(YEAR)),
            ("1 months", Seconds(MONTH)),
            ("30 Days", Seconds(30 * DAY)),
            ("1 Day", Seconds(DAY)),
            ("1095 Days", Seconds(1095 * DAY)),
            ("2 weeks", Seconds(14 * DAY)),
            ("2 Weeks", Seconds(14 * DAY)),
            ("12 weeks", Seconds(84 * DAY)),
            ("24 hours", Seconds(DAY)),
            ("1 Hour", Seconds(HOUR)),
            ("1440 Minutes", Seconds(DAY)),
            ("30 Minutes", Seconds(30 * MINUTE)),
            ("30 mins", Seconds(30 * MINUTE)),
            ("1 minute", Seconds(MINUTE)),
            ("90 sec", Seconds(90)),
            ("30 secs", Seconds(30)),
            ("1 second", Seconds(1)),
            ("3w", Seconds(21 * DAY)),
            ("1y", Seconds(YEAR)),
            ("1.5 hours", Seconds(90 * MINUTE)),
            ("  7 days  ", Seconds(7 * DAY)),
            // Zero is a session cookie.
            ("0 days", Session),
            ("0 day", Session),
            // Trailing qualifiers keep the leading duration.
            ("2 years after last activity", Seconds(2 * YEAR)),
            ("30 minutes after last activity", Seconds(30 * MINUTE)),
            (
                "1 year (in some countries, the period may be longer)",
                Seconds(YEAR),
            ),
            ("13 months by default, modifiable", Seconds(13 * MONTH)),
            ("10 years from set/ update", Seconds(10 * YEAR)),
            ("1 hour or longer", Seconds(HOUR)),
            // Ranges and alternatives: the longest duration mentioned.
            ("30 seconds till 1 year", Seconds(YEAR)),
            ("Session to 30 days", Seconds(30 * DAY)),
            ("1 week to 1 year", Seconds(YEAR)),
            ("60 days till 3650 days", Seconds(3650 * DAY)),
            (
                "14 days if you select “Remember Me” when logging in. Otherwise, Session.",
                Seconds(14 * DAY),
            ),
            (
                "180 days after last activity or 10 years when opting out",
                Seconds(10 * YEAR),
            ),
            ("30 minutes, 3w or 1y depending on value", Seconds(YEAR)),
            // Sessions.
            ("session", Session),
            ("Session", Session),
            ("Sessions", Session),
            ("Seesion", Session),
            ("session cookie", Session),
            ("End of session (browser)", Session),
            // No expiry.
            ("forever", Persistent),
            ("Unlimited", Persistent),
            ("permanent", Persistent),
            ("Persistent", Persistent),
            ("no expiration", Persistent),
            // Nothing readable.
            ("Unknown", Unknown),
            ("Varies", Unknown),
            ("various", Unknown),
            ("undefined", Unknown),
            ("", Unknown),
            ("Local Storage", Unknown),
            ("Awin", Unknown),
            ("10 Nov 2030", Unknown),
            ("Immediately removed", Unknown),
            ("Deleted when oauth state is validated", Unknown),
            ("v2 cookie", Unknown),
            ("3 bananas", Unknown),
            // Huge numbers saturate.
            ("99999999999999999999999 years", Seconds(u64::MAX)),
            ("1e400 years", Unknown),
        ];
        for (text, want) in cases {
            assert_eq!(parse_retention(text), *want, "{text:?}");
        }
    }

    #[test]
    fn lifetimes_are_put_in_words() {
        let cases: &[(u64, &str)] = &[
            (0, "session"),
            (63_072_000, "2 years"),
            (31_536_000, "1 year"),
            (34_164_000, "13 months"),
            (400 * DAY, "13 months"),
            (396 * DAY, "13 months"),
            (364 * DAY, "12 months"),
            (3652 * DAY, "10 years"),
            (90 * DAY, "3 months"),
            (179 * DAY, "6 months"),
            (MONTH, "1 month"),
            (2_592_000, "30 days"),
            (31 * DAY, "31 days"),
            (45 * DAY, "45 days"),
            (14 * DAY, "14 days"),
            (86_400, "1 day"),
            (86_399, "24 hours"),
            (36 * HOUR, "36 hours"),
            (3_600, "1 hour"),
            (1_800, "30 minutes"),
            (90, "90 seconds"),
            (59, "59 seconds"),
            (45, "45 seconds"),
            (1, "1 second"),
            (u64::MAX, "584942417355 years"),
        ];
        for (seconds, want) in cases {
            assert_eq!(in_words(*seconds), *want, "{seconds}");
        }
    }

    #[test]
    fn remaining_time_is_put_in_words() {
        let now = 1_700_000_000;
        let cases: &[(f64, &str)] = &[
            (now as f64 + 63_072_000.0, "2 years"),
            (now as f64 + 63_071_990.5, "2 years"),
            (now as f64 + 3_600.0, "1 hour"),
            (now as f64 + 0.25, "1 second"),
            (now as f64, "expired"),
            (now as f64 - 10.0, "expired"),
            (f64::NAN, "expired"),
            (f64::NEG_INFINITY, "expired"),
            (f64::INFINITY, "584942417355 years"),
        ];
        for (expires_at, want) in cases {
            assert_eq!(remaining_in_words(*expires_at, now), *want, "{expires_at}");
        }
    }

    #[test]
    fn retention_serialises_with_a_kind() {
        let cases = [
            (Retention::Seconds(60), r#"{"kind":"seconds","seconds":60}"#),
            (Retention::Session, r#"{"kind":"session"}"#),
            (Retention::Persistent, r#"{"kind":"persistent"}"#),
            (Retention::Unknown, r#"{"kind":"unknown"}"#),
        ];
        for (retention, want) in cases {
            assert_eq!(
                serde_json::to_string(&retention).ok().as_deref(),
                Some(want)
            );
        }
    }
}
