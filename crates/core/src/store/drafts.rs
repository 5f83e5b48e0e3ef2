//! Saved drafts: the applications the person started and has not submitted, one row per
//! started application, written as they type so that closing the app loses nothing. The
//! draft itself is JSON the façade reads and writes (`app::drafts`); this module keeps it with
//! its procedure and the time it was last touched. They live in the signed-in citizen's own
//! cache (so in an assisted session's folder, deleted with it); sign-out on a shared device
//! clears the table. Unlike the rest of the cache they are not a copy of the portal's data: a
//! cache moved aside as damaged takes them with it.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

use super::{StoreError, time_text};
use crate::store::statements::Cached;

/// A saved draft as it is written: its id, procedure, last-touched time and the façade's
/// JSON (which carries them too; the columns order and find it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDraft {
    pub id: Uuid,
    pub procedure_id: String,
    pub updated_at: DateTime<Utc>,
    pub json: String,
}

/// Keeps `draft`, replacing the one with the same id.
pub fn save(conn: &Connection, draft: &StoredDraft) -> Result<(), StoreError> {
    conn.execute_cached(
        "INSERT INTO drafts (id, procedure_id, updated_at, json) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (id) DO UPDATE SET procedure_id = excluded.procedure_id,
             updated_at = excluded.updated_at, json = excluded.json",
        params![
            draft.id.to_string(),
            draft.procedure_id,
            time_text(draft.updated_at),
            draft.json
        ],
    )?;
    Ok(())
}

/// Every saved draft's JSON, the one touched last first.
pub fn all(conn: &Connection) -> Result<Vec<String>, StoreError> {
    let mut statement =
        conn.prepare_cached("SELECT json FROM drafts ORDER BY updated_at DESC, id")?;
    let rows = statement
        .query_map([], |row| row.get(0))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// The JSON of the saved draft `id`, if it is still there.
pub fn load(conn: &Connection, id: Uuid) -> Result<Option<String>, StoreError> {
    Ok(conn
        .query_row_cached(
            "SELECT json FROM drafts WHERE id = ?1",
            params![id.to_string()],
            |row| row.get(0),
        )
        .optional()?)
}

/// Forgets the draft `id`; whether there was one.
pub fn discard(conn: &Connection, id: Uuid) -> Result<bool, StoreError> {
    Ok(conn.execute_cached("DELETE FROM drafts WHERE id = ?1", params![id.to_string()])? > 0)
}

/// Forgets every draft (sign-out on a shared device).
pub fn clear(conn: &Connection) -> Result<(), StoreError> {
    conn.execute_cached("DELETE FROM drafts", [])?;
    Ok(())
}
