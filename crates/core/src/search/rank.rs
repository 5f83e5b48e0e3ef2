//! Ranking of candidate procedures: BM25, as FTS5's `bm25()` computes it, with procedures
//! whose names or keywords hold the typed words side by side put first.
//!
//! FTS5's own `bm25()` learns how rare each query word is by walking every procedure that
//! holds it, on every query; with a word found in half of 10,000 names that walk alone costs
//! milliseconds. The index already knows how many procedures hold each word (its vocabulary
//! table), so the same formula is computed here over the candidates FTS5 found, from the
//! stored (folded) columns of each candidate.

use super::query::QueryPlan;

/// bm25 column weights, in the index's column order: name_vi, name_en, name_id, keywords,
/// agency. A word in a name counts ten times a word in the agency, so name matches come first.
pub const COLUMN_WEIGHTS: [f64; 5] = [10.0, 10.0, 10.0, 4.0, 1.0];

/// The columns searched for the typed words side by side: the names and the keywords.
const PHRASE_COLUMNS: usize = 4;

/// BM25's term-frequency saturation and length normalisation, FTS5's values.
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// A procedure FTS5 matched, with its indexed columns as stored (folded).
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub rowid: i64,
    pub columns: [String; 5],
}

/// What BM25 needs to know about the whole index.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IndexStatistics {
    /// Procedures in the index.
    pub procedures: u64,
    /// Average number of words a procedure holds over all columns.
    pub average_words: f64,
}

/// A ranked candidate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ranked {
    pub rowid: i64,
    /// The typed words stand side by side in a name or in the keywords.
    pub phrase: bool,
    /// BM25; higher is better.
    pub score: f64,
}

/// The candidates, best first: phrase matches, then by BM25, then shortest name first (the
/// index stores procedures by name length, so by rowid).
pub fn rank(
    plan: &QueryPlan,
    candidates: &[Candidate],
    statistics: IndexStatistics,
) -> Vec<Ranked> {
    let idf: Vec<f64> = plan
        .words
        .iter()
        .map(|word| inverse_document_frequency(statistics.procedures, word.documents))
        .collect();
    let mut words: Vec<&str> = Vec::new();
    let mut frequencies: Vec<f64> = vec![0.0; plan.words.len()];
    let mut ranked: Vec<Ranked> = Vec::with_capacity(candidates.len());
    for candidate in candidates {
        frequencies
            .iter_mut()
            .for_each(|frequency| *frequency = 0.0);
        let mut length = 0usize;
        let mut phrase = false;
        for (index, (column, weight)) in candidate.columns.iter().zip(COLUMN_WEIGHTS).enumerate() {
            words.clear();
            words.extend(words_of(column));
            length += words.len();
            for token in &words {
                for (frequency, word) in frequencies.iter_mut().zip(&plan.words) {
                    if word.matches(token) {
                        *frequency += weight;
                    }
                }
            }
            if !phrase && index < PHRASE_COLUMNS && plan.words.len() > 1 {
                phrase = plan.is_phrase_in(&words);
            }
        }
        let normalisation = K1 * (1.0 - B + B * length as f64 / statistics.average_words.max(1.0));
        let score = frequencies
            .iter()
            .zip(&idf)
            .map(|(frequency, idf)| idf * frequency * (K1 + 1.0) / (frequency + normalisation))
            .sum();
        ranked.push(Ranked {
            rowid: candidate.rowid,
            phrase,
            score,
        });
    }
    ranked.sort_by(|a, b| {
        b.phrase
            .cmp(&a.phrase)
            .then_with(|| b.score.total_cmp(&a.score))
            .then_with(|| a.rowid.cmp(&b.rowid))
    });
    ranked
}

/// The words of a stored column, split where the index splits them.
pub fn words_of(column: &str) -> impl Iterator<Item = &str> {
    column
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
}

/// FTS5's IDF: `ln((N - n + 0.5) / (n + 0.5))`, floored just above zero so that a word found
/// in most procedures still counts a little.
fn inverse_document_frequency(procedures: u64, documents: u64) -> f64 {
    let procedures = procedures as f64;
    let documents = documents as f64;
    let idf = ((procedures - documents + 0.5) / (documents + 0.5)).ln();
    if idf <= 0.0 { 1e-6 } else { idf }
}
