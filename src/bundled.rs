//! The data files the extension ships (`data/`): the Public Suffix List, the known-cookie table
//! and the tracker table, compiled in.
//!
//! Each is compiled in only where its cargo feature is on (`embed-suffixes`,
//! `embed-known-cookies`, `embed-trackers`; `embedded-data` is all three and a default, for the
//! tests, the benchmarks, the CLI and the background's module), so the pages' module carries
//! only the Public Suffix List it reads sites with. Reading the files from the package at run
//! time instead was measured slower on the paths that matter (about 20 ms to a cold worker's
//! first decision, 15 ms to the panel), and saves nothing in the package. A dataset whose
//! feature is off reads as empty: its table decides nothing on a guess and blocks nothing.

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

impl Dataset {
    /// Every dataset.
    pub const ALL: [Dataset; 3] = [
        Dataset::PublicSuffixes,
        Dataset::KnownCookies,
        Dataset::Trackers,
    ];

    /// The file's path in the repository.
    pub fn path(self) -> &'static str {
        match self {
            Dataset::PublicSuffixes => "data/public-suffix-list.txt",
            Dataset::KnownCookies => "data/known-cookies.csv",
            Dataset::Trackers => "data/trackers.csv",
        }
    }

    /// The file's text, if this build has it compiled in.
    pub fn text(self) -> Option<&'static str> {
        match self {
            #[cfg(feature = "embed-suffixes")]
            Dataset::PublicSuffixes => Some(include_str!("../data/public-suffix-list.txt")),
            #[cfg(feature = "embed-known-cookies")]
            Dataset::KnownCookies => Some(include_str!("../data/known-cookies.csv")),
            #[cfg(feature = "embed-trackers")]
            Dataset::Trackers => Some(include_str!("../data/trackers.csv")),
            #[allow(unreachable_patterns)]
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_dataset_is_its_file_in_the_repository() {
        for dataset in Dataset::ALL {
            let on_disk = std::fs::read_to_string(dataset.path())
                .unwrap_or_else(|e| panic!("{}: {e}", dataset.path()));
            assert_eq!(Some(on_disk.as_str()), dataset.text(), "{dataset:?}");
        }
    }
}
