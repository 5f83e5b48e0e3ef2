//! The search index file of one profile (`search.db`) and how it follows the cached catalog;
//! see the module documentation of [`super`] for why it is a file of its own.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use rusqlite::Connection;
use sha2::{Digest, Sha256};

use super::{CatalogSearch, CatalogSearchError, INDEX_FORMAT, IndexSummary};
use crate::search::{SearchHit, SynonymTable};
use crate::store::{Cache, Durability, StoreError, catalog, open_checked};

/// What [`CatalogIndex::refresh`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexRefresh {
    /// The index was built from the cached catalog already (or there is neither).
    Current,
    /// The index was (re)built from the cached catalog.
    Built(IndexSummary),
    /// The cache holds no catalog any more (it was rebuilt empty), so the index built from
    /// the previous one was removed rather than offer procedures the cache does not know.
    Removed,
}

/// The search index file of one profile (`search.db`), kept in line with the cached catalog.
/// See the module documentation for why it is a file of its own.
#[derive(Debug)]
pub struct CatalogIndex {
    conn: Mutex<Connection>,
    synonyms: SynonymTable,
    /// Identifies the synonyms, so that an app update that changes them rebuilds the index.
    synonyms_fingerprint: String,
}

impl CatalogIndex {
    /// Opens the index file at `path`, creating it when missing. A damaged file is deleted
    /// (with its `-wal` and `-shm` files) and created anew: it holds nothing the cache cannot
    /// give again, and [`CatalogIndex::refresh`] fills it.
    pub fn open_or_recreate(path: &Path, synonyms: SynonymTable) -> Result<Self, StoreError> {
        let conn = match open_checked(path, Durability::Cache, None) {
            Ok(conn) => conn,
            Err(StoreError::Corrupt { .. }) => {
                let file_name = path
                    .file_name()
                    .map(|name| name.to_string_lossy().into_owned())
                    .unwrap_or_default();
                for suffix in ["", "-wal", "-shm"] {
                    let file = path.with_file_name(format!("{file_name}{suffix}"));
                    match std::fs::remove_file(&file) {
                        Ok(()) => {}
                        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
                        Err(error) => return Err(StoreError::Io(error)),
                    }
                }
                open_checked(path, Durability::Cache, None)?
            }
            Err(other) => return Err(other),
        };
        Ok(Self::wrap(conn, synonyms))
    }

    /// An empty index in memory, for tests and benchmarks (feature `test-support`).
    #[cfg(any(test, feature = "test-support"))]
    pub fn in_memory(synonyms: SynonymTable) -> Result<Self, StoreError> {
        Ok(Self::wrap(Connection::open_in_memory()?, synonyms))
    }

    fn wrap(conn: Connection, synonyms: SynonymTable) -> Self {
        let mut hasher = Sha256::new();
        for (term, meaning) in synonyms.pairs() {
            hasher.update(term.as_bytes());
            hasher.update([0x1f]);
            hasher.update(meaning.as_bytes());
            hasher.update([0x1e]);
        }
        Self {
            conn: Mutex::new(conn),
            synonyms,
            synonyms_fingerprint: hex::encode(hasher.finalize()),
        }
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// What an index built from the catalog described by `meta` records as its source: the
    /// index format, the catalog's version and `ETag`, and the synonyms. An index whose source
    /// differs was built from something else and is rebuilt.
    fn source_of(&self, meta: &catalog::CatalogMeta) -> String {
        format!(
            "format {INDEX_FORMAT}; catalog {}; etag {}; synonyms {}",
            meta.version,
            meta.etag.as_deref().unwrap_or("-"),
            self.synonyms_fingerprint
        )
    }

    /// Brings the index in line with the catalog in `cache`: nothing to do when it was built
    /// from that catalog already, a rebuild when it is missing or was built from another one
    /// (a sync that changed the catalog's `ETag`, a crash between storing a catalog and
    /// indexing it, an app update), and removal when the cache holds no catalog.
    pub fn refresh(&self, cache: &Cache) -> Result<IndexRefresh, CatalogSearchError> {
        let wanted = cache.read(catalog::meta)?.map(|meta| self.source_of(&meta));
        let conn = self.conn();
        let search = CatalogSearch::new(&conn);
        let built = search.source()?;
        if wanted.is_some() && built == wanted {
            return Ok(IndexRefresh::Current);
        }
        // The catalog and its description are read in one read transaction, so the source
        // recorded is the one of the procedures indexed even if a sync stores a new catalog
        // meanwhile (the next refresh then sees the difference).
        let (meta, procedures) = cache.read(|conn| {
            let snapshot = conn.unchecked_transaction()?;
            let meta = catalog::meta(&snapshot)?;
            let procedures = match meta {
                Some(_) => catalog::procedures(&snapshot)?,
                None => Vec::new(),
            };
            Ok((meta, procedures))
        })?;
        match meta {
            Some(meta) => {
                let source = self.source_of(&meta);
                let summary = search.build_from(&procedures, &self.synonyms, &source)?;
                Ok(IndexRefresh::Built(summary))
            }
            None if built.is_some() => {
                search.remove()?;
                Ok(IndexRefresh::Removed)
            }
            None => Ok(IndexRefresh::Current),
        }
    }

    /// Searches the index (see [`CatalogSearch::search`]). An index that fails to answer for
    /// a reason other than being missing is removed, so that the next
    /// [`CatalogIndex::refresh`] builds it again instead of failing the same way for ever.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>, CatalogSearchError> {
        let conn = self.conn();
        let search = CatalogSearch::new(&conn);
        let result = search.search(query, limit);
        if let Err(CatalogSearchError::Database(_) | CatalogSearchError::CorruptIndex(_)) = &result
        {
            // Best effort: when even removing fails, the error already on its way says enough.
            let _removed = search.remove();
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};
    use opendvc_api::{Catalog, Procedure};

    use super::*;
    use crate::search::generator::generate_catalog;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-29T10:00:00Z")
            .expect("time")
            .with_timezone(&Utc)
    }

    fn store_catalog(cache: &Cache, version: &str, items: Vec<Procedure>) {
        let catalog = Catalog {
            version: version.to_owned(),
            items,
        };
        let etag = format!("\"{version}\"");
        cache
            .write(|tx| catalog::replace(tx, &catalog, Some(&etag), now()))
            .expect("the catalog is stored");
    }

    fn bundled() -> SynonymTable {
        SynonymTable::bundled().expect("the bundled synonyms load")
    }

    fn ids(index: &CatalogIndex, query: &str) -> Vec<String> {
        index
            .search(query, 5)
            .expect("search answers")
            .into_iter()
            .map(|hit| hit.procedure_id)
            .collect()
    }

    #[test]
    fn the_index_follows_the_cached_catalog() {
        let cache = Cache::in_memory().expect("cache");
        let index = CatalogIndex::in_memory(bundled()).expect("index");
        assert_eq!(
            index.refresh(&cache).expect("refreshes"),
            IndexRefresh::Current,
            "no catalog, no index: nothing to do"
        );
        assert!(matches!(
            index.search("ho chieu", 5),
            Err(CatalogSearchError::IndexMissing)
        ));

        let first = generate_catalog(30, 1);
        store_catalog(&cache, "v1", first.clone());
        let built = index.refresh(&cache).expect("refreshes");
        assert!(
            matches!(built, IndexRefresh::Built(summary) if summary.procedures == 30),
            "a new catalog is indexed: {built:?}"
        );
        assert_eq!(
            ids(&index, &first[0].name.vi).first(),
            Some(&first[0].id),
            "a procedure is found by its own name"
        );
        assert_eq!(
            index.refresh(&cache).expect("refreshes"),
            IndexRefresh::Current,
            "the same catalog is not indexed twice"
        );

        let second = generate_catalog(12, 2);
        store_catalog(&cache, "v2", second.clone());
        assert!(matches!(
            index.refresh(&cache).expect("refreshes"),
            IndexRefresh::Built(summary) if summary.procedures == 12
        ));
        assert_eq!(ids(&index, &second[3].name.vi).first(), Some(&second[3].id));

        cache
            .write(|tx| {
                tx.execute("DELETE FROM catalog_meta", [])?;
                tx.execute("DELETE FROM procedures", [])?;
                Ok(())
            })
            .expect("the cache forgets its catalog, as a rebuilt cache does");
        assert_eq!(
            index.refresh(&cache).expect("refreshes"),
            IndexRefresh::Removed
        );
        assert!(
            matches!(
                index.search("ho chieu", 5),
                Err(CatalogSearchError::IndexMissing)
            ),
            "procedures the cache no longer knows are not offered"
        );
    }

    #[test]
    fn other_synonyms_rebuild_the_index() {
        let cache = Cache::in_memory().expect("cache");
        store_catalog(&cache, "v1", generate_catalog(5, 3));
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("search.db");
        let index = CatalogIndex::open_or_recreate(&path, bundled()).expect("opens");
        assert!(matches!(
            index.refresh(&cache).expect("refreshes"),
            IndexRefresh::Built(_)
        ));
        drop(index);
        let reopened = CatalogIndex::open_or_recreate(&path, bundled()).expect("opens");
        assert_eq!(
            reopened.refresh(&cache).expect("refreshes"),
            IndexRefresh::Current,
            "an index on disk built from the cached catalog is kept"
        );
        drop(reopened);
        let mut extended = bundled();
        extended.extend(
            SynonymTable::from_json(r#"{"entries": [{"terms": ["xyz"], "means": ["cấp"]}]}"#)
                .expect("a city's synonyms load"),
        );
        let with_city_words = CatalogIndex::open_or_recreate(&path, extended).expect("opens");
        assert!(
            matches!(
                with_city_words.refresh(&cache).expect("refreshes"),
                IndexRefresh::Built(_)
            ),
            "an index built with other synonyms is rebuilt"
        );
    }

    #[test]
    fn a_damaged_index_file_is_recreated_and_refilled() {
        let cache = Cache::in_memory().expect("cache");
        let catalog = generate_catalog(8, 4);
        store_catalog(&cache, "v1", catalog.clone());
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("search.db");
        std::fs::write(&path, vec![0x5a; 8192]).expect("writes garbage");
        let index = CatalogIndex::open_or_recreate(&path, bundled()).expect("recreates");
        assert!(matches!(
            index.refresh(&cache).expect("refreshes"),
            IndexRefresh::Built(_)
        ));
        assert_eq!(
            ids(&index, &catalog[0].name.vi).first(),
            Some(&catalog[0].id)
        );
    }

    #[test]
    fn an_index_that_cannot_answer_is_removed_for_the_next_refresh() {
        let cache = Cache::in_memory().expect("cache");
        store_catalog(&cache, "v1", generate_catalog(8, 5));
        let index = CatalogIndex::in_memory(bundled()).expect("index");
        index.refresh(&cache).expect("builds");
        index
            .conn()
            .execute("DROP TABLE catalog_search_procedure", [])
            .expect("damages the index");
        let query = generate_catalog(8, 5)[0].name.vi.clone();
        let error = index.search(&query, 5).expect_err("the damage shows");
        assert!(
            matches!(error, CatalogSearchError::Database(_)),
            "{error:?}"
        );
        assert!(
            matches!(
                index.refresh(&cache).expect("refreshes"),
                IndexRefresh::Built(_)
            ),
            "the next refresh rebuilds it"
        );
        assert!(!ids(&index, &query).is_empty(), "and it answers again");
    }
}
