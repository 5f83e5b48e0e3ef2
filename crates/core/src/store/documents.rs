//! The document wallet.

use opendvc_api::Document;
use rusqlite::{Connection, params};
use uuid::Uuid;

use super::{StoreError, notify_state};
use crate::store::statements::Cached;

pub fn upsert(conn: &Connection, document: &Document) -> Result<(), StoreError> {
    conn.execute_cached(
        "INSERT INTO documents (id, kind, json) VALUES (?1, ?2, ?3)
         ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, json = excluded.json",
        params![
            document.id.to_string(),
            document.kind,
            serde_json::to_string(document)?
        ],
    )?;
    Ok(())
}

/// Puts the portal's `document` in place of the wallet's entry `local_id` (a hand-added
/// document kept under its queue item's id until the portal answered). A reminder choice made
/// while the upload waited follows it to the portal's id, pending, so that it reaches the
/// portal and every other device too.
pub fn replace(conn: &Connection, local_id: Uuid, document: &Document) -> Result<(), StoreError> {
    upsert(conn, document)?;
    if local_id == document.id {
        return Ok(());
    }
    conn.execute_cached(
        "DELETE FROM documents WHERE id = ?1",
        params![local_id.to_string()],
    )?;
    match notify_state::choices(conn)?.get(&local_id).copied() {
        Some(choice) => {
            notify_state::set_choice(conn, local_id, Default::default())?;
            notify_state::choose(conn, document.id, choice)
        }
        None => Ok(()),
    }
}

pub fn list(conn: &Connection) -> Result<Vec<Document>, StoreError> {
    let mut statement = conn.prepare_cached("SELECT json FROM documents ORDER BY kind, id")?;
    let rows = statement.query_map([], |row| row.get::<_, String>(0))?;
    let mut documents = Vec::new();
    for json in rows {
        documents.push(serde_json::from_str(&json?)?);
    }
    Ok(documents)
}

/// A wallet document as far as matching it to a procedure's required documents goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldDocument {
    pub id: Uuid,
    pub kind: String,
}

/// The wallet's documents by id and kind, in the order of [`list`], without reading each one's
/// JSON: what a submission needs to name the documents it attaches from the wallet.
pub fn held(conn: &Connection) -> Result<Vec<HeldDocument>, StoreError> {
    let mut statement = conn.prepare_cached("SELECT id, kind FROM documents ORDER BY kind, id")?;
    let rows = statement.query_map([], |row| {
        let id: String = row.get(0)?;
        let id = Uuid::parse_str(&id).map_err(|error| {
            rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, error.into())
        })?;
        Ok(HeldDocument {
            id,
            kind: row.get(1)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn count(conn: &Connection) -> Result<u64, StoreError> {
    Ok(conn.query_row_cached("SELECT COUNT(*) FROM documents", [], |row| row.get(0))?)
}
