//! Diagnostics: what the parser says about a document, each with its place in it.
//!
//! This module owns the [`Place`] path type (`services[1].storage[0].maxAgeSeconds`) and the
//! [`Diagnostic`] record. It knows nothing about policies.

use serde::{Deserialize, Serialize};
use std::fmt;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The document is usable; something was ignored or looks wrong.
    Warning,
    /// The document is invalid: the extension will not act on it.
    Error,
}

/// A place in a JSON document, written the way a reader would look it up:
/// `services[1].storage[0].maxAgeSeconds`. The empty place is the document itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Place(String);

impl Place {
    /// The document's root.
    pub fn root() -> Self {
        Place(String::new())
    }

    /// The place of field `name` inside this place.
    pub fn field(&self, name: &str) -> Self {
        if self.0.is_empty() {
            Place(name.to_owned())
        } else {
            Place(format!("{}.{}", self.0, name))
        }
    }

    /// The place of element `index` inside this place.
    pub fn index(&self, index: usize) -> Self {
        Place(format!("{}[{}]", self.0, index))
    }

    /// The place as text; `(document)` for the root.
    pub fn as_str(&self) -> &str {
        if self.0.is_empty() {
            "(document)"
        } else {
            &self.0
        }
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Place {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Place {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Ok(if text == "(document)" {
            Place::root()
        } else {
            Place(text)
        })
    }
}

/// One thing the parser has to say about one place in a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Where in the document.
    pub place: Place,
    /// What is wrong, in lowercase words, without the place.
    pub message: String,
}

impl Diagnostic {
    /// An error at `place`.
    pub fn error(place: &Place, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            place: place.clone(),
            message: message.into(),
        }
    }

    /// A warning at `place`.
    pub fn warning(place: &Place, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            place: place.clone(),
            message: message.into(),
        }
    }

    /// Whether this diagnostic makes the document invalid.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, "{level}: {}: {}", self.place, self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_read_like_lookups() {
        let place = Place::root()
            .field("services")
            .index(1)
            .field("storage")
            .index(0)
            .field("maxAgeSeconds");
        assert_eq!(place.as_str(), "services[1].storage[0].maxAgeSeconds");
        assert_eq!(Place::root().as_str(), "(document)");
    }

    #[test]
    fn diagnostics_print_level_place_and_message() {
        let d = Diagnostic::error(&Place::root().field("version"), "expected 1, found 2");
        assert_eq!(d.to_string(), "error: version: expected 1, found 2");
    }
}
