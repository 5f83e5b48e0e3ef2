//! The synonym table: abbreviations, old names and other languages' words for what the
//! catalog calls something else (`CCCD` for *căn cước*, `sổ đỏ` for the land use certificate).
//!
//! It is data (`crates/core/data/search-synonyms.json`) so that a city can extend it without
//! code changes: [`SynonymTable::bundled`] loads the shipped file and [`SynonymTable::extend`]
//! adds a city's own. Each entry says: a procedure whose names or keywords contain one of the
//! `means` phrases is also found by each of the `terms`.

use serde::Deserialize;

use super::text::tokens;

/// The synonym file shipped with the app.
const BUNDLED_SYNONYMS: &str = include_str!("../../data/search-synonyms.json");

/// Why a synonym file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum SynonymError {
    #[error("the synonym file is not valid JSON of the expected shape ({0}); fix the file")]
    Malformed(#[from] serde_json::Error),
    #[error(
        "synonym entry {index} has a term or a meaning without any letter or digit; \
         give every entry at least one term and one meaning made of words"
    )]
    EmptyEntry { index: usize },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SynonymFile {
    /// Free text for whoever edits the file.
    #[serde(default, rename = "note")]
    _note: Option<String>,
    entries: Vec<SynonymFileEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SynonymFileEntry {
    terms: Vec<String>,
    means: Vec<String>,
}

/// One entry, with its phrases already folded into words.
#[derive(Debug, Clone, PartialEq, Eq)]
struct SynonymEntry {
    terms: Vec<Vec<String>>,
    means: Vec<Vec<String>>,
}

/// Loaded synonyms, folded the way the index folds text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SynonymTable {
    entries: Vec<SynonymEntry>,
}

impl SynonymTable {
    /// The synonym file shipped with the app.
    pub fn bundled() -> Result<Self, SynonymError> {
        Self::from_json(BUNDLED_SYNONYMS)
    }

    /// Reads a synonym file: `{"note": "…", "entries": [{"terms": […], "means": […]}]}`.
    pub fn from_json(text: &str) -> Result<Self, SynonymError> {
        let file: SynonymFile = serde_json::from_str(text)?;
        let mut entries = Vec::with_capacity(file.entries.len());
        for (index, entry) in file.entries.into_iter().enumerate() {
            let terms: Vec<Vec<String>> = entry.terms.iter().map(|t| tokens(t)).collect();
            let means: Vec<Vec<String>> = entry.means.iter().map(|m| tokens(m)).collect();
            let has_empty = terms.iter().chain(means.iter()).any(Vec::is_empty);
            if has_empty || terms.is_empty() || means.is_empty() {
                return Err(SynonymError::EmptyEntry { index });
            }
            entries.push(SynonymEntry { terms, means });
        }
        Ok(Self { entries })
    }

    /// Adds another table's entries, for a city's own additions to the shipped file.
    pub fn extend(&mut self, other: SynonymTable) {
        self.entries.extend(other.entries);
    }

    /// The terms (folded words joined by spaces) that a procedure is also found by, given the
    /// folded words of each of its texts (names, keywords). A meaning must appear as a run of
    /// whole words inside one text.
    pub fn expansions(&self, texts: &[Vec<String>]) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for entry in &self.entries {
            let applies = entry.means.iter().any(|meaning| {
                texts.iter().any(|text| {
                    text.windows(meaning.len())
                        .any(|run| run == meaning.as_slice())
                })
            });
            if applies {
                for term in &entry.terms {
                    let joined = term.join(" ");
                    if !out.contains(&joined) {
                        out.push(joined);
                    }
                }
            }
        }
        out
    }

    /// Every (term, meaning) pair, folded and joined by spaces, for looking up what a query's
    /// synonym stands for.
    pub fn pairs(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        for entry in &self.entries {
            for term in &entry.terms {
                for meaning in &entry.means {
                    let pair = (term.join(" "), meaning.join(" "));
                    if !out.contains(&pair) {
                        out.push(pair);
                    }
                }
            }
        }
        out
    }
}
