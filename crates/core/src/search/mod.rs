//! Offline catalog search: the pure half.
//!
//! Everything here is free of SQL: text folding ([`text`]), the synonym table ([`synonyms`]),
//! typo candidates ([`typo`]), query planning ([`query`]), ranking ([`rank`]), highlighting
//! ([`matched_words`]), and the generator of a large catalog for benchmarks (`generator`, feature `test-support`).
//! The FTS5 index itself lives in [`crate::store::catalog_search`], the only place that talks
//! SQL.
//!
//! A search, end to end: the query is folded and split into words; each word is looked up in
//! the index's vocabulary (exact, as a prefix while being typed, or through its typo
//! neighbours); FTS5 finds up to a few hundred candidates holding the words side by side in a
//! name, and holding them anywhere; BM25 ranks the candidates, side-by-side matches first; the
//! best ones come back with the words of their names to highlight.

#[cfg(any(test, feature = "test-support"))]
pub mod generator;
pub mod query;
pub mod query_table;
pub mod rank;
pub mod synonyms;
pub mod text;
pub mod typo;

#[cfg(test)]
mod tests;

use opendvc_api::{LocalizedText, OnlineLevel, ProcessingDays};
use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

pub use query::QueryPlan;
pub use synonyms::{SynonymError, SynonymTable};

/// One search result.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchHit {
    pub procedure_id: String,
    pub name: LocalizedText,
    /// Words of the names, as written (with diacritics), that matched the query; the UI
    /// highlights them wherever they occur in the name it shows.
    pub matched_words: Vec<String>,
    pub online_level: OnlineLevel,
    pub processing_days: ProcessingDays,
}

/// The words of `name` (any language) that matched `plan`, as written, each once, in the order
/// they first appear (Vietnamese, then English, then Indonesian).
pub fn matched_words(plan: &QueryPlan, name: &LocalizedText) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let texts = [
        Some(name.vi.as_str()),
        Some(name.en.as_str()),
        name.id.as_deref(),
    ];
    for text in texts.into_iter().flatten() {
        let words = text::words_with_folded(text);
        let folded: Vec<&str> = words.iter().map(|(_, folded)| folded.as_str()).collect();
        for ((written, _), marked) in words.iter().zip(plan.highlighted(&folded)) {
            if marked && !out.contains(written) {
                out.push(written.clone());
            }
        }
    }
    out
}

/// A piece of a name as shown, for highlighting: a matched word, or the text between.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NameSegment {
    pub text: String,
    pub matched: bool,
}

/// `name` cut into segments, the words listed in `matched_words` (a hit's
/// [`SearchHit::matched_words`]) apart from the text between them, so that a screen can show
/// the matched words highlighted. The name is composed (NFC) first, as the matched words are;
/// the segments put back together give that composed name.
pub fn highlight(name: &str, matched_words: &[String]) -> Vec<NameSegment> {
    let composed: String = name.nfc().collect();
    let mut segments: Vec<NameSegment> = Vec::new();
    let mut push = |text: &str, matched: bool| match segments.last_mut() {
        Some(last) if !last.matched && !matched => last.text.push_str(text),
        _ => segments.push(NameSegment {
            text: text.to_owned(),
            matched,
        }),
    };
    let mut rest = composed.as_str();
    while let Some(first) = rest.chars().next() {
        let in_word = first.is_alphanumeric();
        let end = rest
            .char_indices()
            .find(|(_, c)| c.is_alphanumeric() != in_word)
            .map_or(rest.len(), |(index, _)| index);
        let (piece, after) = rest.split_at(end);
        push(
            piece,
            in_word && matched_words.iter().any(|word| word == piece),
        );
        rest = after;
    }
    segments
}
