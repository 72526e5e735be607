//! Cookie and storage-key name patterns: literal text with `*` matching any run of characters.
//!
//! This module owns matching and the specificity order used when several storage entries match
//! one cookie (an exact name beats a pattern; a longer literal part beats a shorter one).

use serde::Serialize;
use std::cmp::Ordering;
use std::fmt;
use thiserror::Error;

/// Why a name pattern is refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PatternError {
    /// The pattern is empty.
    #[error("expected a cookie name, found an empty string")]
    Empty,
    /// The pattern is only wildcards: it would claim every cookie.
    #[error("a name made only of `*` would match every cookie; name the cookies")]
    OnlyWildcards,
}

/// A cookie or storage-key name, possibly with `*` wildcards (`_ga_*`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NamePattern {
    text: String,
    /// The literal pieces between wildcards, in order; empty pieces kept at the ends so that
    /// `starts_open`/`ends_open` can be read off them.
    pieces: Vec<String>,
}

impl NamePattern {
    /// Parses a pattern; consecutive `*` count as one.
    pub fn parse(text: &str) -> Result<NamePattern, PatternError> {
        if text.is_empty() {
            return Err(PatternError::Empty);
        }
        if text.chars().all(|c| c == '*') {
            return Err(PatternError::OnlyWildcards);
        }
        let mut pieces: Vec<String> = Vec::new();
        for (i, piece) in text.split('*').enumerate() {
            // Drop the empty pieces that consecutive wildcards leave inside the pattern.
            if i > 0 && piece.is_empty() && pieces.last().is_some_and(|p| p.is_empty()) {
                continue;
            }
            pieces.push(piece.to_owned());
        }
        Ok(NamePattern {
            text: text.to_owned(),
            pieces,
        })
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether the pattern has no wildcard.
    pub fn is_exact(&self) -> bool {
        self.pieces.len() == 1
    }

    /// The literal text before the first wildcard (the whole name for an exact pattern).
    pub fn literal_prefix(&self) -> &str {
        self.pieces.first().map_or("", String::as_str)
    }

    /// How long the pattern's literal parts are, in bytes: the longer, the more specific.
    pub fn literal_len(&self) -> usize {
        self.pieces.iter().map(String::len).sum()
    }

    /// Whether `name` matches the whole pattern.
    pub fn matches(&self, name: &str) -> bool {
        let (first, rest) = match self.pieces.split_first() {
            Some(split) => split,
            None => return false,
        };
        if rest.is_empty() {
            return name == first;
        }
        let Some(mut remaining) = name.strip_prefix(first.as_str()) else {
            return false;
        };
        let (last, middle) = match rest.split_last() {
            Some(split) => split,
            None => return false,
        };
        for piece in middle {
            match remaining.find(piece.as_str()) {
                Some(at) => remaining = &remaining[at + piece.len()..],
                None => return false,
            }
        }
        remaining.len() >= last.len() && remaining.ends_with(last.as_str())
    }

    /// Orders two patterns that both match a name: `Less` means `self` is more specific.
    pub fn specificity_cmp(&self, other: &NamePattern) -> Ordering {
        other
            .is_exact()
            .cmp(&self.is_exact())
            .then_with(|| other.literal_len().cmp(&self.literal_len()))
    }
}

impl fmt::Display for NamePattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for NamePattern {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(text: &str) -> NamePattern {
        NamePattern::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn matching_table() {
        let cases = [
            ("_ga", "_ga", true),
            ("_ga", "_gat", false),
            ("_ga_*", "_ga_ABC123", true),
            ("_ga_*", "_ga_", true),
            ("_ga_*", "_ga", false),
            ("*_session", "shop_session", true),
            ("*_session", "shop_sessions", false),
            ("a*b*c", "aXbYc", true),
            ("a*b*c", "abc", true),
            ("a*b*c", "acb", false),
            ("ab*ba", "aba", false),
            ("x**y", "xAAy", true),
            ("_hj*", "_hjSessionUser_123", true),
        ];
        for (pat, name, expected) in cases {
            assert_eq!(pattern(pat).matches(name), expected, "{pat} vs {name}");
        }
    }

    #[test]
    fn bare_wildcards_and_empty_names_are_refused() {
        assert_eq!(NamePattern::parse("*"), Err(PatternError::OnlyWildcards));
        assert_eq!(NamePattern::parse("***"), Err(PatternError::OnlyWildcards));
        assert_eq!(NamePattern::parse(""), Err(PatternError::Empty));
    }

    #[test]
    fn exact_beats_pattern_and_longer_literal_beats_shorter() {
        assert_eq!(
            pattern("_ga").specificity_cmp(&pattern("_ga*")),
            Ordering::Less
        );
        assert_eq!(
            pattern("_ga_*").specificity_cmp(&pattern("_g*")),
            Ordering::Less
        );
        assert_eq!(
            pattern("_g*").specificity_cmp(&pattern("_ga_*")),
            Ordering::Greater
        );
        assert_eq!(
            pattern("a*").specificity_cmp(&pattern("*a")),
            Ordering::Equal
        );
    }
}
