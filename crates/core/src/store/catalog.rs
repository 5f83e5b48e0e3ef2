//! The procedure catalog with the `ETag` it was served with.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Utc};
use opendvc_api::{Catalog, Procedure};
use rusqlite::{Connection, OptionalExtension, params};

use super::{StoreError, time_text};
use crate::store::statements::Cached;

/// What is known about the cached catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogMeta {
    pub version: String,
    pub etag: Option<String>,
    pub fetched_at: String,
}

/// Replaces the whole catalog (call inside a transaction).
pub fn replace(
    conn: &Connection,
    catalog: &Catalog,
    etag: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    conn.execute_cached("DELETE FROM procedures", [])?;
    {
        let mut insert = conn.prepare_cached(
            "INSERT OR REPLACE INTO procedures (id, position, json) VALUES (?1, ?2, ?3)",
        )?;
        for (position, procedure) in catalog.items.iter().enumerate() {
            insert.execute(params![
                procedure.id,
                position as i64,
                serde_json::to_string(procedure)?
            ])?;
        }
    }
    conn.execute_cached(
        "INSERT INTO catalog_meta (id, version, etag, fetched_at) VALUES (1, ?1, ?2, ?3)
         ON CONFLICT (id) DO UPDATE SET version = excluded.version, etag = excluded.etag,
             fetched_at = excluded.fetched_at",
        params![catalog.version, etag, time_text(now)],
    )?;
    Ok(())
}

/// Notes that the server confirmed the cached catalog is current (a 304).
pub fn touch(conn: &Connection, now: DateTime<Utc>) -> Result<(), StoreError> {
    conn.execute_cached(
        "UPDATE catalog_meta SET fetched_at = ?1 WHERE id = 1",
        params![time_text(now)],
    )?;
    Ok(())
}

pub fn meta(conn: &Connection) -> Result<Option<CatalogMeta>, StoreError> {
    Ok(conn
        .query_row_cached(
            "SELECT version, etag, fetched_at FROM catalog_meta WHERE id = 1",
            [],
            |row| {
                Ok(CatalogMeta {
                    version: row.get(0)?,
                    etag: row.get(1)?,
                    fetched_at: row.get(2)?,
                })
            },
        )
        .optional()?)
}

/// Procedures parsed from a cache, by id, each with the JSON it was parsed from. A submission
/// and each check the UI asks for as the person types need their procedure, and parsing its
/// JSON (several kB, in three languages) took most of a durable enqueue's own CPU. An entry
/// serves a read only when the stored JSON is byte for byte the one it was parsed from, so a
/// replaced catalog, or another profile's, is never answered from here. Procedures are the
/// city's public catalog: nothing personal is kept.
static PARSED: Mutex<Option<HashMap<String, Parsed>>> = Mutex::new(None);
/// A parsed procedure and the JSON it was parsed from.
type Parsed = (String, Arc<Procedure>);
/// Procedures kept parsed at most; a person works on a few at a time.
const PARSED_LIMIT: usize = 16;

/// The cached procedure `id`, parsed once for as long as its stored JSON stays the same.
pub fn procedure(conn: &Connection, id: &str) -> Result<Option<Arc<Procedure>>, StoreError> {
    let json: Option<String> = conn
        .query_row_cached(
            "SELECT json FROM procedures WHERE id = ?1",
            params![id],
            |row| row.get(0),
        )
        .optional()?;
    let Some(json) = json else {
        return Ok(None);
    };
    if let Some((parsed_from, procedure)) = PARSED
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .as_ref()
        .and_then(|parsed| parsed.get(id))
        && *parsed_from == json
    {
        return Ok(Some(Arc::clone(procedure)));
    }
    let procedure = Arc::new(serde_json::from_str::<Procedure>(&json)?);
    let mut parsed = PARSED.lock().unwrap_or_else(PoisonError::into_inner);
    let parsed = parsed.get_or_insert_with(HashMap::new);
    if parsed.len() >= PARSED_LIMIT && !parsed.contains_key(id) {
        parsed.clear();
    }
    parsed.insert(id.to_owned(), (json, Arc::clone(&procedure)));
    Ok(Some(procedure))
}

pub fn procedures(conn: &Connection) -> Result<Vec<Procedure>, StoreError> {
    let mut statement = conn.prepare_cached("SELECT json FROM procedures ORDER BY position")?;
    let rows = statement.query_map([], |row| row.get::<_, String>(0))?;
    let mut procedures = Vec::new();
    for json in rows {
        procedures.push(serde_json::from_str(&json?)?);
    }
    Ok(procedures)
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use opendvc_api::{Catalog, LocalizedText};

    use super::*;
    use crate::search::generator::generate_catalog;
    use crate::store::Cache;

    fn cache_with(items: Vec<Procedure>, version: &str) -> Cache {
        let cache = Cache::in_memory().expect("cache");
        let catalog = Catalog {
            version: version.into(),
            items,
        };
        cache
            .write(|tx| replace(tx, &catalog, Some(version), Utc::now()))
            .expect("catalog saved");
        cache
    }

    #[test]
    fn a_replaced_procedure_is_read_as_replaced_never_as_parsed_before() {
        let mut items = generate_catalog(3, 7);
        let id = items[0].id.clone();
        let cache = cache_with(items.clone(), "1");
        let first = cache.read(|conn| procedure(conn, &id)).expect("read");
        assert_eq!(first.as_deref(), Some(&items[0]));

        // The same id and catalog version, another name: what the cache now holds is read.
        items[0].name = LocalizedText {
            vi: "Tên mới".into(),
            en: "New name".into(),
            id: None,
        };
        cache
            .write(|tx| {
                replace(
                    tx,
                    &Catalog {
                        version: "1".into(),
                        items: items.clone(),
                    },
                    Some("1"),
                    Utc::now(),
                )
            })
            .expect("catalog replaced");
        let second = cache.read(|conn| procedure(conn, &id)).expect("read");
        assert_eq!(second.as_deref(), Some(&items[0]));

        // Another profile's cache with the older catalog gets its own procedure too.
        let other = cache_with(generate_catalog(3, 7), "1");
        let theirs = other.read(|conn| procedure(conn, &id)).expect("read");
        assert_ne!(theirs.as_deref(), Some(&items[0]));
    }
}
