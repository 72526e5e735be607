//! The data files the extension ships (`data/`): the Public Suffix List, the known-cookie table
//! and the tracker table.
//!
//! With the feature `embedded-data` (on by default: the tests, the benchmarks, the CLI and the
//! background's module) they are compiled in. The pages' module is built without it: the web
//! layer reads the file from the package (`Dataset::path`) and hands its text to
//! [`Dataset::supply`] before the engine needs it, so the module stays small and the package
//! holds the list once. (The background keeps its data compiled in: reading it from the package
//! at every worker start measured about 20 ms slower to the first decision.)
//! The engine never reads a file itself; until a dataset is supplied (and when one could not be
//! read) its table is empty, which decides nothing on a guess and blocks nothing by the table.

use std::sync::OnceLock;

/// One of the bundled data files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dataset {
    /// `data/public-suffix-list.txt` ([`crate::suffix`]).
    PublicSuffixes,
    /// `data/known-cookies.csv` ([`crate::known`]).
    KnownCookies,
    /// `data/trackers.csv` ([`crate::trackers`]).
    Trackers,
}

static SUPPLIED: [OnceLock<&'static str>; 3] = [OnceLock::new(), OnceLock::new(), OnceLock::new()];

impl Dataset {
    /// Every dataset.
    pub const ALL: [Dataset; 3] = [
        Dataset::PublicSuffixes,
        Dataset::KnownCookies,
        Dataset::Trackers,
    ];

    /// The file's path, in the repository and in the extension's package alike.
    pub fn path(self) -> &'static str {
        match self {
            Dataset::PublicSuffixes => "data/public-suffix-list.txt",
            Dataset::KnownCookies => "data/known-cookies.csv",
            Dataset::Trackers => "data/trackers.csv",
        }
    }

    fn index(self) -> usize {
        self as usize
    }

    #[cfg(feature = "embedded-data")]
    fn embedded(self) -> Option<&'static str> {
        Some(match self {
            Dataset::PublicSuffixes => include_str!("../data/public-suffix-list.txt"),
            Dataset::KnownCookies => include_str!("../data/known-cookies.csv"),
            Dataset::Trackers => include_str!("../data/trackers.csv"),
        })
    }

    #[cfg(not(feature = "embedded-data"))]
    fn embedded(self) -> Option<&'static str> {
        None
    }

    /// The file's text: as supplied, else compiled in, else `None` (not yet supplied).
    pub fn text(self) -> Option<&'static str> {
        SUPPLIED[self.index()]
            .get()
            .copied()
            .or_else(|| self.embedded())
    }

    /// Whether the text is there ([`Dataset::text`] is `Some`).
    pub fn is_available(self) -> bool {
        self.text().is_some()
    }

    /// Gives the dataset its text, read from the package; kept for the life of the program.
    /// `false` (and the text dropped) if it already has one.
    pub fn supply(self, text: String) -> bool {
        let slot = &SUPPLIED[self.index()];
        if slot.get().is_some() || self.embedded().is_some() {
            return false;
        }
        slot.set(Box::leak(text.into_boxed_str())).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_dataset_names_its_file_in_the_repository() {
        for dataset in Dataset::ALL {
            let on_disk = std::fs::read_to_string(dataset.path())
                .unwrap_or_else(|e| panic!("{}: {e}", dataset.path()));
            assert_eq!(Some(on_disk.as_str()), dataset.text(), "{dataset:?}");
            assert!(!dataset.supply(String::new()), "compiled in: not replaced");
        }
    }
}
