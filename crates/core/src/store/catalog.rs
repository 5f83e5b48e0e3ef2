//! The procedure catalog with the `ETag` it was served with.

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

pub fn procedure(conn: &Connection, id: &str) -> Result<Option<Procedure>, StoreError> {
    let json: Option<String> = conn
        .query_row_cached(
            "SELECT json FROM procedures WHERE id = ?1",
            params![id],
            |row| row.get(0),
        )
        .optional()?;
    Ok(json.map(|json| serde_json::from_str(&json)).transpose()?)
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
