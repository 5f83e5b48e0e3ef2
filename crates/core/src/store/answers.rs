//! Remembered answers: what the person typed last in a form field of each kind (the catalog's
//! `previous.{key}` sources), kept in their own profile's cache so the next form can offer
//! it. Only the façade writes here, and never in an assisted session or on a shared device;
//! sign-out clears the table.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};

use super::{StoreError, time_text};
use crate::store::statements::Cached;

/// Longest answer kept: a form value longer than this is not offered again.
pub const MAX_REMEMBERED_CHARS: usize = 2_000;

/// Keeps `value` as the answer of kind `key`, replacing the one before; an empty or
/// over-long value is not kept.
pub fn remember(
    conn: &Connection,
    key: &str,
    value: &str,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > MAX_REMEMBERED_CHARS {
        return Ok(());
    }
    conn.execute_cached(
        "INSERT INTO remembered_answers (key, value, updated_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        params![key, value, time_text(at)],
    )?;
    Ok(())
}

/// The remembered answer of kind `key`, if any.
pub fn answer(conn: &Connection, key: &str) -> Result<Option<String>, StoreError> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .query_row_cached(
            "SELECT value FROM remembered_answers WHERE key = ?1",
            params![key],
            |row| row.get(0),
        )
        .optional()?)
}

/// Every remembered answer, by key.
pub fn all(conn: &Connection) -> Result<Vec<(String, String)>, StoreError> {
    let mut statement =
        conn.prepare_cached("SELECT key, value FROM remembered_answers ORDER BY key")?;
    let rows = statement
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// Forgets every remembered answer (sign-out).
pub fn clear(conn: &Connection) -> Result<(), StoreError> {
    conn.execute_cached("DELETE FROM remembered_answers", [])?;
    Ok(())
}
