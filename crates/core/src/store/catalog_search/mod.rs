//! The catalog search index: SQLite FTS5 over the cached catalog.
//!
//! The index is derived data: [`CatalogSearch::build`] drops and rewrites all of its tables
//! from the catalog in one transaction, so it needs no migrations and can never drift from
//! the catalog it was built from. Tables:
//! - `catalog_search_fts`: FTS5 over the folded names (vi, en, id), keywords (the catalog's own
//!   keywords, the synonyms that apply, and the procedure code) and agency;
//! - `catalog_search_procedure`: what a hit shows (names as written, online level, processing
//!   days), keyed by the FTS rowid;
//! - `catalog_search_vocab`: an `fts5vocab` view of the index's words;
//! - `catalog_search_term`: those words with the number of procedures holding each, in a plain
//!   B-tree, for exact and prefix look-ups and for ranking;
//! - `catalog_search_typo`: each word under itself and its one-character deletions, for typo
//!   candidates (see [`crate::search::typo`]);
//! - `catalog_search_synonym`: the synonym table's (term, meaning) pairs, for highlighting;
//! - `catalog_search_statistics`: the number of procedures and their average length in words,
//!   for ranking (see [`crate::search::rank`]);
//! - `catalog_search_source`: which catalog the index was built from (see [`CatalogIndex`]).
//!
//! # Why the index has a file of its own
//!
//! In the app the index lives in `search.db` beside `cache.db` in the profile folder, held by
//! [`CatalogIndex`]. It is derived from the cached catalog and nothing else, so it can be
//! deleted at any time: a missing, damaged or outdated index is rebuilt from the cache, without
//! the network. A file of its own keeps rebuilding it (a second or so for a city's catalog)
//! from holding the cache's lock, keeps the cache's migrations and integrity check free of
//! derived tables, and lets a search as the person types run beside a sync writing the cache.

use std::collections::HashSet;

use opendvc_api::{LocalizedText, OnlineLevel, Procedure, ProcessingDays};
use rusqlite::{Connection, OptionalExtension, params};

use super::StoreError;

mod index;

pub use index::{CatalogIndex, IndexRefresh};

use crate::search::query::{Vocabulary, bare_match};
use crate::search::rank::{Candidate, IndexStatistics, rank, words_of};
use crate::search::text::{fold, tokens};
use crate::search::typo::{TYPO_MIN_TERM_CHARS, deletions};
use crate::search::{QueryPlan, SearchHit, SynonymError, SynonymTable, matched_words};
use crate::store::statements::Cached;

/// The shape of the index. Change it whenever a change to the search code (folding, columns,
/// the synonym expansion, the typo keys) makes an index built before it wrong: every device
/// then rebuilds its index at the next start.
const INDEX_FORMAT: u32 = 1;

/// At most this many hits are returned, whatever the caller asks for.
pub const MAX_HITS: usize = 200;

/// At most this many procedures are taken from each FTS5 query to be ranked. A query that
/// matches more (a single letter, a word in most names) is too unspecific for its ranking to
/// mean much, and ranking every match would cost time proportional to the catalog. Procedures
/// are stored shortest name first, so the candidates are the most basic procedures that match.
pub const MAX_RANKED_CANDIDATES: usize = 200;

/// The candidates of one FTS5 query, with their stored (folded) columns for ranking.
const CANDIDATE_QUERY: &str = "
SELECT rowid, name_vi, name_en, coalesce(name_id, ''), keywords, agency
FROM catalog_search_fts
WHERE catalog_search_fts MATCH ?1
LIMIT ?2";

/// What a hit shows.
const HIT_QUERY: &str = "
SELECT procedure_id, name_vi, name_en, name_id, online_level, days_in_person, days_online
FROM catalog_search_procedure
WHERE rowid = ?1";

const DROP_SCHEMA: &str = "
DROP TABLE IF EXISTS catalog_search_source;
DROP TABLE IF EXISTS catalog_search_vocab;
DROP TABLE IF EXISTS catalog_search_fts;
DROP TABLE IF EXISTS catalog_search_procedure;
DROP TABLE IF EXISTS catalog_search_term;
DROP TABLE IF EXISTS catalog_search_typo;
DROP TABLE IF EXISTS catalog_search_synonym;
DROP TABLE IF EXISTS catalog_search_statistics;
";

const CREATE_SCHEMA: &str = "
CREATE VIRTUAL TABLE catalog_search_fts USING fts5(
    name_vi, name_en, name_id, keywords, agency,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3'
);
CREATE VIRTUAL TABLE catalog_search_vocab USING fts5vocab(catalog_search_fts, row);
CREATE TABLE catalog_search_procedure (
    rowid INTEGER PRIMARY KEY,
    procedure_id TEXT NOT NULL UNIQUE,
    name_vi TEXT NOT NULL,
    name_en TEXT NOT NULL,
    name_id TEXT,
    online_level TEXT NOT NULL,
    days_in_person INTEGER NOT NULL,
    days_online INTEGER NOT NULL
);
CREATE TABLE catalog_search_term (
    term TEXT PRIMARY KEY,
    documents INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE catalog_search_typo (
    key TEXT NOT NULL,
    term TEXT NOT NULL,
    documents INTEGER NOT NULL,
    PRIMARY KEY (key, term)
) WITHOUT ROWID;
CREATE TABLE catalog_search_statistics (
    procedures INTEGER NOT NULL,
    average_words REAL NOT NULL
);
CREATE TABLE catalog_search_synonym (
    term TEXT NOT NULL,
    meaning TEXT NOT NULL,
    PRIMARY KEY (term, meaning)
) WITHOUT ROWID;
CREATE TABLE catalog_search_source (
    source TEXT NOT NULL
);
";

/// Why the catalog search failed.
#[derive(Debug, thiserror::Error)]
pub enum CatalogSearchError {
    #[error("the catalog search index has not been built yet; sync the catalog, then search again")]
    IndexMissing,
    #[error("the catalog lists procedure `{0}` twice; the catalog must give each procedure one id")]
    DuplicateProcedure(String),
    #[error("the catalog search index holds an unknown online level `{0}`; rebuild the index")]
    CorruptIndex(String),
    #[error("the catalog search index could not be read or written: {0}")]
    Database(#[from] rusqlite::Error),
    #[error("the cached catalog could not be read to build the search index: {0}")]
    Cache(#[from] StoreError),
    #[error("the search synonyms cannot be used: {0}")]
    Synonyms(#[from] SynonymError),
}

/// What building the index produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexSummary {
    pub procedures: usize,
    pub terms: usize,
}

/// The catalog search over one SQLite connection.
#[derive(Debug, Clone, Copy)]
pub struct CatalogSearch<'c> {
    conn: &'c Connection,
}

impl<'c> CatalogSearch<'c> {
    pub fn new(conn: &'c Connection) -> Self {
        Self { conn }
    }

    /// Replaces the index with one over `procedures`, expanded with `synonyms`.
    pub fn build(
        &self,
        procedures: &[Procedure],
        synonyms: &SynonymTable,
    ) -> Result<IndexSummary, CatalogSearchError> {
        self.build_from(procedures, synonyms, "")
    }

    /// Like [`CatalogSearch::build`], and records `source` (what the procedures came from) in
    /// the same transaction, for [`CatalogSearch::source`].
    pub fn build_from(
        &self,
        procedures: &[Procedure],
        synonyms: &SynonymTable,
        source: &str,
    ) -> Result<IndexSummary, CatalogSearchError> {
        let mut seen: HashSet<&str> = HashSet::with_capacity(procedures.len());
        for procedure in procedures {
            if !seen.insert(procedure.id.as_str()) {
                return Err(CatalogSearchError::DuplicateProcedure(procedure.id.clone()));
            }
        }
        let tx = self.conn.unchecked_transaction()?;
        tx.execute_batch(DROP_SCHEMA)?;
        tx.execute_batch(CREATE_SCHEMA)?;
        tx.execute_cached(
            "INSERT INTO catalog_search_source (source) VALUES (?1)",
            [source],
        )?;
        {
            let mut insert_fts = tx.prepare(
                "INSERT INTO catalog_search_fts
                     (rowid, name_vi, name_en, name_id, keywords, agency)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            let mut insert_procedure = tx.prepare(
                "INSERT INTO catalog_search_procedure
                     (rowid, procedure_id, name_vi, name_en, name_id, online_level,
                      days_in_person, days_online)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?;
            let mut shortest_first: Vec<&Procedure> = procedures.iter().collect();
            shortest_first.sort_by_key(|procedure| procedure.name.vi.chars().count());
            let mut total_words = 0usize;
            for (index, procedure) in shortest_first.into_iter().enumerate() {
                let rowid = i64::try_from(index).unwrap_or(i64::MAX - 1) + 1;
                let columns = [
                    fold(&procedure.name.vi),
                    fold(&procedure.name.en),
                    procedure.name.id.as_deref().map(fold).unwrap_or_default(),
                    keywords_text(procedure, synonyms),
                    fold(&agency_text(&procedure.agency)),
                ];
                total_words += columns
                    .iter()
                    .map(|column| words_of(column).count())
                    .sum::<usize>();
                insert_fts.execute(params![
                    rowid, columns[0], columns[1], columns[2], columns[3], columns[4],
                ])?;
                insert_procedure.execute(params![
                    rowid,
                    procedure.id,
                    procedure.name.vi,
                    procedure.name.en,
                    procedure.name.id,
                    online_level_text(procedure.online_level),
                    procedure.processing_days.in_person,
                    procedure.processing_days.online,
                ])?;
            }
            let average_words = total_words as f64 / procedures.len().max(1) as f64;
            tx.execute_cached(
                "INSERT INTO catalog_search_statistics (procedures, average_words) VALUES (?1, ?2)",
                params![procedures.len(), average_words],
            )?;
            tx.execute_cached(
                "INSERT INTO catalog_search_fts (catalog_search_fts) VALUES ('optimize')",
                [],
            )?;
            tx.execute_cached(
                "INSERT INTO catalog_search_term (term, documents)
                 SELECT term, doc FROM catalog_search_vocab",
                [],
            )?;
            let terms: Vec<(String, i64)> = tx
                .prepare("SELECT term, documents FROM catalog_search_term")?
                .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
                .collect::<Result<_, _>>()?;
            let mut insert_typo = tx.prepare(
                "INSERT OR IGNORE INTO catalog_search_typo (key, term, documents)
                 VALUES (?1, ?2, ?3)",
            )?;
            for (term, documents) in &terms {
                if term.chars().count() >= TYPO_MIN_TERM_CHARS {
                    insert_typo.execute(params![term, term, documents])?;
                    for key in deletions(term) {
                        insert_typo.execute(params![key, term, documents])?;
                    }
                }
            }
            let mut insert_synonym = tx.prepare(
                "INSERT OR IGNORE INTO catalog_search_synonym (term, meaning) VALUES (?1, ?2)",
            )?;
            for (term, meaning) in synonyms.pairs() {
                insert_synonym.execute([term, meaning])?;
            }
        }
        let terms: usize =
            tx.query_row_cached("SELECT count(*) FROM catalog_search_term", [], |row| {
                row.get(0)
            })?;
        tx.commit()?;
        Ok(IndexSummary {
            procedures: procedures.len(),
            terms,
        })
    }

    /// What the index was built from (the `source` given to [`CatalogSearch::build_from`]);
    /// `None` when there is no index.
    pub fn source(&self) -> Result<Option<String>, CatalogSearchError> {
        let exists = self
            .conn
            .query_row_cached(
                "SELECT 1 FROM sqlite_master WHERE name = 'catalog_search_source'",
                [],
                |_| Ok(()),
            )
            .optional()?;
        if exists.is_none() {
            return Ok(None);
        }
        let source = self
            .conn
            .query_row_cached("SELECT source FROM catalog_search_source", [], |row| {
                row.get(0)
            })
            .optional()?;
        Ok(source)
    }

    /// Removes the index; searching then answers [`CatalogSearchError::IndexMissing`].
    pub fn remove(&self) -> Result<(), CatalogSearchError> {
        let tx = self.conn.unchecked_transaction()?;
        tx.execute_batch(DROP_SCHEMA)?;
        tx.commit()?;
        Ok(())
    }

    /// The best `limit` procedures for what the person typed, best first: those whose names
    /// or keywords hold the typed words side by side, then the others holding every word, each
    /// group ranked by BM25 (see [`crate::search::rank`]). When no procedure holds every word,
    /// the procedures holding any come back instead. An empty query, or one whose words match
    /// nothing, finds nothing.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>, CatalogSearchError> {
        let limit = limit.min(MAX_HITS);
        if limit == 0 {
            return Ok(Vec::new());
        }
        let plan = QueryPlan::build(query, &mut SqlVocabulary { conn: self.conn })
            .map_err(|error| self.explain(error))?;
        if plan.is_empty() {
            return Ok(Vec::new());
        }
        // Side-by-side matches are gathered on their own, so that one beyond the first
        // candidates of the all-words query is not missed. They rank first, so when there are
        // enough of them the other procedures holding every word cannot make the list.
        let mut candidates: Vec<Candidate> = Vec::new();
        let mut gathered: HashSet<i64> = HashSet::new();
        if let Some(phrase) = plan.match_phrase() {
            self.collect_candidates(&phrase, &mut candidates, &mut gathered)?;
        }
        if candidates.len() < limit {
            self.collect_candidates(&plan.match_all(), &mut candidates, &mut gathered)?;
        }
        if candidates.is_empty() && plan.words.len() > 1 {
            self.collect_candidates(&plan.match_any(), &mut candidates, &mut gathered)?;
        }
        if candidates.is_empty() {
            return Ok(Vec::new());
        }
        let statistics = self.statistics()?;
        let mut hits = Vec::with_capacity(limit);
        for ranked in rank(&plan, &candidates, statistics).into_iter().take(limit) {
            let row = self.hit_row(ranked.rowid)?;
            hits.push(SearchHit {
                matched_words: matched_words(&plan, &row.name),
                procedure_id: row.procedure_id,
                name: row.name,
                online_level: row.online_level,
                processing_days: row.processing_days,
            });
        }
        Ok(hits)
    }

    /// The ids of the best `limit` procedures holding every word of `query` exactly (folded),
    /// ranked by FTS5's own `bm25()` with the same column weights over every match, without
    /// prefixes, typos, synonyms, candidate cap or highlights: the bare FTS5 query that
    /// benchmarks compare [`CatalogSearch::search`] with, on the same index.
    pub fn search_bare(
        &self,
        query: &str,
        limit: usize,
    ) -> Result<Vec<String>, CatalogSearchError> {
        let expression = bare_match(query);
        if expression.is_empty() {
            return Ok(Vec::new());
        }
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT p.procedure_id
                 FROM catalog_search_fts f
                 JOIN catalog_search_procedure p ON p.rowid = f.rowid
                 WHERE catalog_search_fts MATCH ?1
                 ORDER BY bm25(catalog_search_fts, 10.0, 10.0, 10.0, 4.0, 1.0)
                 LIMIT ?2",
            )
            .map_err(|error| self.explain(error))?;
        let ids = statement
            .query_map(params![expression, limit_param(limit)], |row| row.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(ids)
    }

    /// Adds the candidates of the FTS5 query `expression` not gathered yet.
    fn collect_candidates(
        &self,
        expression: &str,
        candidates: &mut Vec<Candidate>,
        gathered: &mut HashSet<i64>,
    ) -> Result<(), CatalogSearchError> {
        let mut statement = self
            .conn
            .prepare_cached(CANDIDATE_QUERY)
            .map_err(|error| self.explain(error))?;
        let cap = i64::try_from(MAX_RANKED_CANDIDATES).unwrap_or(i64::MAX);
        let found = statement.query_map(params![expression, cap], |row| {
            Ok(Candidate {
                rowid: row.get(0)?,
                columns: [
                    row.get(1)?,
                    row.get(2)?,
                    row.get(3)?,
                    row.get(4)?,
                    row.get(5)?,
                ],
            })
        })?;
        for candidate in found {
            let candidate = candidate?;
            if gathered.insert(candidate.rowid) {
                candidates.push(candidate);
            }
        }
        Ok(())
    }

    fn statistics(&self) -> Result<IndexStatistics, CatalogSearchError> {
        let statistics = self
            .conn
            .prepare_cached("SELECT procedures, average_words FROM catalog_search_statistics")?
            .query_row([], |row| {
                Ok(IndexStatistics {
                    procedures: row.get(0)?,
                    average_words: row.get(1)?,
                })
            })?;
        Ok(statistics)
    }

    fn hit_row(&self, rowid: i64) -> Result<HitRow, CatalogSearchError> {
        let (procedure_id, name, online_level, processing_days) = self
            .conn
            .prepare_cached(HIT_QUERY)?
            .query_row([rowid], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    LocalizedText {
                        vi: row.get(1)?,
                        en: row.get(2)?,
                        id: row.get(3)?,
                    },
                    row.get::<_, String>(4)?,
                    ProcessingDays {
                        in_person: row.get(5)?,
                        online: row.get(6)?,
                    },
                ))
            })?;
        Ok(HitRow {
            procedure_id,
            name,
            online_level: parse_online_level(&online_level)?,
            processing_days,
        })
    }

    /// Tells a missing index apart from other database errors.
    fn explain(&self, error: rusqlite::Error) -> CatalogSearchError {
        let exists = self
            .conn
            .query_row_cached(
                "SELECT 1 FROM sqlite_master WHERE name = 'catalog_search_fts'",
                [],
                |_| Ok(()),
            )
            .optional();
        match exists {
            Ok(None) => CatalogSearchError::IndexMissing,
            _ => CatalogSearchError::Database(error),
        }
    }
}

struct HitRow {
    procedure_id: String,
    name: LocalizedText,
    online_level: OnlineLevel,
    processing_days: ProcessingDays,
}

/// The index's vocabulary, read through cached statements.
struct SqlVocabulary<'c> {
    conn: &'c Connection,
}

impl Vocabulary for SqlVocabulary<'_> {
    type Error = rusqlite::Error;

    fn documents(&mut self, term: &str) -> Result<Option<u64>, Self::Error> {
        self.conn
            .prepare_cached("SELECT documents FROM catalog_search_term WHERE term = ?1")?
            .query_row([term], |row| row.get(0))
            .optional()
    }

    fn prefix_documents(&mut self, prefix: &str) -> Result<Option<u64>, Self::Error> {
        // U+10FFFF sorts after every other character in UTF-8 byte order, so the range holds
        // exactly the terms that start with `prefix`.
        let upper = format!("{prefix}\u{10FFFF}");
        self.conn
            .prepare_cached(
                "SELECT max(documents) FROM catalog_search_term WHERE term >= ?1 AND term < ?2",
            )?
            .query_row([prefix, upper.as_str()], |row| row.get(0))
    }

    fn terms_sharing_key(&mut self, key: &str) -> Result<Vec<(String, u64)>, Self::Error> {
        self.conn
            .prepare_cached("SELECT term, documents FROM catalog_search_typo WHERE key = ?1")?
            .query_map([key], |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect()
    }

    fn synonym_meanings(&mut self, phrase: &str) -> Result<Vec<String>, Self::Error> {
        self.conn
            .prepare_cached("SELECT meaning FROM catalog_search_synonym WHERE term = ?1")?
            .query_map([phrase], |row| row.get(0))?
            .collect()
    }
}

/// The keywords column: the catalog's keywords, the synonyms whose meaning appears in the
/// procedure's names or keywords, and the procedure code, folded.
fn keywords_text(procedure: &Procedure, synonyms: &SynonymTable) -> String {
    let mut texts: Vec<Vec<String>> = vec![tokens(&procedure.name.vi), tokens(&procedure.name.en)];
    if let Some(name_id) = &procedure.name.id {
        texts.push(tokens(name_id));
    }
    texts.extend(procedure.keywords.iter().map(|keyword| tokens(keyword)));
    let mut parts: Vec<String> = procedure
        .keywords
        .iter()
        .map(|keyword| fold(keyword))
        .collect();
    parts.extend(synonyms.expansions(&texts));
    parts.push(procedure.code.clone());
    parts.join(" ; ")
}

fn agency_text(agency: &LocalizedText) -> String {
    let mut parts = vec![agency.vi.as_str(), agency.en.as_str()];
    if let Some(id) = &agency.id {
        parts.push(id);
    }
    parts.join(" ; ")
}

fn online_level_text(level: OnlineLevel) -> &'static str {
    match level {
        OnlineLevel::Full => "full",
        OnlineLevel::Partial => "partial",
    }
}

fn parse_online_level(text: &str) -> Result<OnlineLevel, CatalogSearchError> {
    match text {
        "full" => Ok(OnlineLevel::Full),
        "partial" => Ok(OnlineLevel::Partial),
        other => Err(CatalogSearchError::CorruptIndex(other.to_owned())),
    }
}

fn limit_param(limit: usize) -> i64 {
    i64::try_from(limit.min(MAX_HITS)).unwrap_or(0)
}
