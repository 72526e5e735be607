//! Calendar dates (`YYYY-MM-DD`) and their relation to `now`, given as seconds since the Unix
//! epoch. The engine never reads a clock: callers pass `now`.

use serde::Serialize;
use std::fmt;

/// Seconds in a day.
pub const DAY: u64 = 86_400;

/// A proleptic Gregorian calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

impl Date {
    /// Parses `YYYY-MM-DD`, checking that the day exists in that month.
    pub fn parse(text: &str) -> Option<Date> {
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return None;
        }
        let number = |range: std::ops::Range<usize>| -> Option<u32> {
            let part = text.get(range)?;
            part.bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| part.parse().ok())?
        };
        let year = i32::try_from(number(0..4)?).ok()?;
        let month = u8::try_from(number(5..7)?).ok()?;
        let day = u8::try_from(number(8..10)?).ok()?;
        let date = Date { year, month, day };
        ((1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month)).then_some(date)
    }

    /// The date (UTC) of an instant given in seconds since the Unix epoch.
    pub fn from_unix_seconds(seconds: u64) -> Date {
        let days = i64::try_from(seconds / DAY).unwrap_or(i64::MAX / 2);
        civil_from_days(days)
    }

    /// Whole months from `self` to `later` (0 when `later` is not after it).
    pub fn months_until(&self, later: &Date) -> u32 {
        let months = (i64::from(later.year) - i64::from(self.year)) * 12 + i64::from(later.month)
            - i64::from(self.month)
            - i64::from(later.day < self.day);
        u32::try_from(months.max(0)).unwrap_or(u32::MAX)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Date::parse(&text).ok_or_else(|| serde::de::Error::custom(format!("not a date: {text:?}")))
    }
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> Date {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    Date {
        year: i32::try_from(year).unwrap_or(i32::MAX),
        month: u8::try_from(month).unwrap_or(1),
        day: u8::try_from(day).unwrap_or(1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_real_dates_only() {
        let cases = [
            ("2025-04-28", true),
            ("2024-02-29", true),
            ("2025-02-29", false),
            ("2025-13-01", false),
            ("2025-4-28", false),
            ("28.04.2025", false),
            ("2025-04-2x", false),
            ("+025-04-28", false),
        ];
        for (text, ok) in cases {
            assert_eq!(Date::parse(text).is_some(), ok, "{text}");
        }
    }

    #[test]
    fn unix_seconds_to_dates() {
        let cases = [
            (0, "1970-01-01"),
            (951_782_400, "2000-02-29"),
            (1_745_798_400, "2025-04-28"),
            (1_795_910_400, "2026-11-29"),
        ];
        for (seconds, expected) in cases {
            assert_eq!(Date::from_unix_seconds(seconds).to_string(), expected);
        }
    }

    #[test]
    fn whole_months_between_dates() {
        let d = |s| Date::parse(s).unwrap_or_else(|| panic!("{s}"));
        assert_eq!(d("2025-04-28").months_until(&d("2026-04-27")), 11);
        assert_eq!(d("2025-04-28").months_until(&d("2026-04-28")), 12);
        assert_eq!(d("2025-04-28").months_until(&d("2026-11-29")), 19);
        assert_eq!(d("2026-04-28").months_until(&d("2025-04-28")), 0);
    }
}
