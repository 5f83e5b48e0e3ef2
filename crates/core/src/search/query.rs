//! Turning what a person typed into an FTS5 query.
//!
//! Every typed word is folded ([`super::text::fold`]) and looked up in the index's vocabulary:
//! - a word the index knows is searched as it is;
//! - the last word, while the person may still be typing it, is searched as a prefix (`tok*`),
//!   from its second letter on when other words come before it;
//! - a word of [`TYPO_MIN_CHARS`] or more that the index does not know is replaced by the
//!   vocabulary terms within one edit of it, OR-ed together;
//! - a word that matches nothing at all is left out, so one stray word does not hide every
//!   result.
//!
//! The FTS5 query is written here from folded words only, each inside double quotes, so
//! nothing a person types (quotes, `*`, `-`, `:`, parentheses, `NEAR`, `AND`) can reach the
//! FTS5 query syntax.

use super::text::{ends_inside_word, tokens};
use super::typo::{TYPO_MAX_CHARS, TYPO_MIN_CHARS, lookup_keys, within_one_edit};

/// At most this many typo candidates are OR-ed in for one typed word.
const MAX_TYPO_CANDIDATES: usize = 6;

/// Only the first this many words of a query are searched; names are shorter than that, and it
/// bounds the work a pasted page of text can cause.
pub const MAX_QUERY_WORDS: usize = 16;

/// The longest synonym phrase, in words, that a query is checked for.
const MAX_SYNONYM_WORDS: usize = 4;

/// What the query planner needs to know about the index.
pub trait Vocabulary {
    type Error;
    /// How many procedures hold `term`; `None` when it is not a word of the index.
    fn documents(&mut self, term: &str) -> Result<Option<u64>, Self::Error>;
    /// How many procedures hold the commonest word starting with `prefix`; `None` when no word
    /// of the index starts with it.
    fn prefix_documents(&mut self, prefix: &str) -> Result<Option<u64>, Self::Error>;
    /// The words of the index that have `key` as themselves or as a one-character deletion,
    /// each with the number of procedures holding it.
    fn terms_sharing_key(&mut self, key: &str) -> Result<Vec<(String, u64)>, Self::Error>;
    /// What a synonym phrase (folded words joined by spaces) stands for, folded likewise.
    fn synonym_meanings(&mut self, phrase: &str) -> Result<Vec<String>, Self::Error>;
}

/// One way a typed word can match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alternative {
    pub term: String,
    pub prefix: bool,
}

impl Alternative {
    /// Whether a folded word of a procedure matches this alternative.
    pub fn matches(&self, folded_word: &str) -> bool {
        if self.prefix {
            folded_word.starts_with(&self.term)
        } else {
            folded_word == self.term
        }
    }
}

/// A typed word and the ways it can match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedWord {
    pub typed: String,
    pub alternatives: Vec<Alternative>,
    /// How many procedures hold the word (its commonest alternative), for ranking: the rarer a
    /// word, the more a match on it counts.
    pub documents: u64,
}

impl PlannedWord {
    /// Whether a folded word of a procedure matches this typed word.
    pub fn matches(&self, folded_word: &str) -> bool {
        self.alternatives
            .iter()
            .any(|alternative| alternative.matches(folded_word))
    }
}

/// The parsed query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryPlan {
    /// The words that match something, in typed order.
    pub words: Vec<PlannedWord>,
    /// What the query's synonyms stand for, each as folded words, for highlighting.
    pub synonym_meanings: Vec<Vec<String>>,
}

impl QueryPlan {
    /// Builds the plan for `query`, consulting the index's vocabulary.
    pub fn build<V: Vocabulary>(query: &str, vocabulary: &mut V) -> Result<Self, V::Error> {
        let mut typed = tokens(query);
        let mut last_is_partial = ends_inside_word(query);
        if typed.len() > MAX_QUERY_WORDS {
            typed.truncate(MAX_QUERY_WORDS);
            last_is_partial = false;
        }
        let mut words = Vec::with_capacity(typed.len());
        // A single letter being typed after other words narrows almost nothing, yet its prefix
        // matches a large part of the catalog, which makes the query slow: it waits for the
        // second letter.
        if last_is_partial
            && typed.len() > 1
            && typed.last().is_some_and(|w| w.chars().count() == 1)
        {
            typed.pop();
            last_is_partial = false;
        }
        for (position, word) in typed.iter().enumerate() {
            let as_prefix = last_is_partial && position + 1 == typed.len();
            let (alternatives, documents) = alternatives_for(word, as_prefix, vocabulary)?;
            if !alternatives.is_empty() {
                words.push(PlannedWord {
                    typed: word.clone(),
                    alternatives,
                    documents,
                });
            }
        }
        let synonym_meanings = synonym_meanings(&typed, vocabulary)?;
        Ok(Self {
            words,
            synonym_meanings,
        })
    }

    /// Whether there is nothing to search for.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The FTS5 query matching procedures whose names or keywords hold the words next to each
    /// other, in typed order (`"ho chi"*` in "Cấp hộ chiếu"): the strongest sign of what the
    /// person means. `None` for a single word, or when a word has several typo candidates.
    pub fn match_phrase(&self) -> Option<String> {
        if self.words.len() < 2 {
            return None;
        }
        let mut terms = Vec::with_capacity(self.words.len());
        let mut last_is_prefix = false;
        for word in &self.words {
            let [alternative] = word.alternatives.as_slice() else {
                return None;
            };
            if last_is_prefix {
                return None;
            }
            last_is_prefix = alternative.prefix;
            terms.push(alternative.term.replace('"', "\"\""));
        }
        let star = if last_is_prefix { "*" } else { "" };
        Some(format!(
            "{{name_vi name_en name_id keywords}} : \"{}\"{star}",
            terms.join(" ")
        ))
    }

    /// The FTS5 query matching procedures that contain every word.
    pub fn match_all(&self) -> String {
        self.join_words(" AND ")
    }

    /// The FTS5 query matching procedures that contain any word.
    pub fn match_any(&self) -> String {
        self.join_words(" OR ")
    }

    /// Which of `folded_words` (one text of a procedure, in order) matched this query, for
    /// highlighting: words matching a typed word, and runs of words that are what a synonym in
    /// the query stands for (`CCCD` marks "căn cước" but not a lone "căn").
    pub fn highlighted(&self, folded_words: &[&str]) -> Vec<bool> {
        let mut marked: Vec<bool> = folded_words
            .iter()
            .map(|token| self.words.iter().any(|word| word.matches(token)))
            .collect();
        for meaning in &self.synonym_meanings {
            for start in 0..folded_words.len() {
                let end = start + meaning.len();
                if end <= folded_words.len() && folded_words[start..end] == meaning[..] {
                    marked[start..end].iter_mut().for_each(|mark| *mark = true);
                }
            }
        }
        marked
    }

    /// Whether `folded_words` (one text of a procedure) hold every planned word side by side,
    /// in typed order.
    pub fn is_phrase_in(&self, folded_words: &[&str]) -> bool {
        !self.words.is_empty()
            && folded_words.windows(self.words.len()).any(|run| {
                run.iter()
                    .zip(&self.words)
                    .all(|(token, word)| word.matches(token))
            })
    }

    fn join_words(&self, operator: &str) -> String {
        self.words
            .iter()
            .map(|word| {
                let rendered: Vec<String> = word.alternatives.iter().map(render).collect();
                if rendered.len() == 1 {
                    rendered.concat()
                } else {
                    format!("({})", rendered.join(" OR "))
                }
            })
            .collect::<Vec<_>>()
            .join(operator)
    }
}

/// The FTS5 form of a folded word: a quoted string (quotes doubled, although folded words never
/// hold any), with `*` when it is a prefix.
fn render(alternative: &Alternative) -> String {
    let quoted = format!("\"{}\"", alternative.term.replace('"', "\"\""));
    if alternative.prefix {
        quoted + "*"
    } else {
        quoted
    }
}

/// The FTS5 query matching every word of `query` exactly as typed (folded), without prefixes,
/// typos or synonyms: the baseline a benchmark compares the full search with.
pub fn bare_match(query: &str) -> String {
    tokens(query)
        .iter()
        .map(|word| {
            render(&Alternative {
                term: word.clone(),
                prefix: false,
            })
        })
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// The ways `word` can match, and how many procedures hold the commonest of them.
fn alternatives_for<V: Vocabulary>(
    word: &str,
    as_prefix: bool,
    vocabulary: &mut V,
) -> Result<(Vec<Alternative>, u64), V::Error> {
    let found = if as_prefix {
        vocabulary.prefix_documents(word)?
    } else {
        vocabulary.documents(word)?
    };
    if let Some(documents) = found {
        let exact = Alternative {
            term: word.to_owned(),
            prefix: as_prefix,
        };
        return Ok((vec![exact], documents));
    }
    let length = word.chars().count();
    if !(TYPO_MIN_CHARS..=TYPO_MAX_CHARS).contains(&length) {
        return Ok((Vec::new(), 0));
    }
    let mut candidates: Vec<(String, u64)> = Vec::new();
    for key in lookup_keys(word) {
        for (term, documents) in vocabulary.terms_sharing_key(&key)? {
            let known = candidates.iter().any(|(candidate, _)| *candidate == term);
            if !known && term != word && within_one_edit(word, &term) {
                candidates.push((term, documents));
            }
        }
    }
    // The words found in most procedures are the likeliest meant.
    candidates.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    candidates.truncate(MAX_TYPO_CANDIDATES);
    let documents = candidates.first().map_or(0, |(_, documents)| *documents);
    let alternatives = candidates
        .into_iter()
        .map(|(term, _)| Alternative {
            term,
            prefix: false,
        })
        .collect();
    Ok((alternatives, documents))
}

/// What the runs of typed words that are synonyms stand for, each as folded words.
fn synonym_meanings<V: Vocabulary>(
    typed: &[String],
    vocabulary: &mut V,
) -> Result<Vec<Vec<String>>, V::Error> {
    let mut out: Vec<Vec<String>> = Vec::new();
    for length in 1..=MAX_SYNONYM_WORDS.min(typed.len()) {
        for run in typed.windows(length) {
            for meaning in vocabulary.synonym_meanings(&run.join(" "))? {
                let words: Vec<String> = meaning.split(' ').map(str::to_owned).collect();
                if !out.contains(&words) {
                    out.push(words);
                }
            }
        }
    }
    Ok(out)
}
