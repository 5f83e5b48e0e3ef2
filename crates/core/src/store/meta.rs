//! Small facts about the cache: the sync cursor and when the last sync finished.

use rusqlite::{Connection, OptionalExtension, params};

use super::StoreError;
use crate::store::statements::Cached;

pub const SYNC_CURSOR: &str = "sync_cursor";
pub const LAST_SYNC_AT: &str = "last_sync_at";
/// `true` or `false`: whether the portal answered at the last attempt (for a fresh process
/// that has not tried yet).
pub const LAST_ONLINE: &str = "last_online";

pub fn get(conn: &Connection, key: &str) -> Result<Option<String>, StoreError> {
    Ok(conn
        .query_row_cached(
            "SELECT value FROM meta WHERE key = ?1",
            params![key],
            |row| row.get(0),
        )
        .optional()?)
}

pub fn set(conn: &Connection, key: &str, value: &str) -> Result<(), StoreError> {
    conn.execute_cached(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}
