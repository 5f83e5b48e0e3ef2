//! The inbox: messages for the citizen, deduplicated by id.

use opendvc_api::InboxItem;
use rusqlite::{Connection, params};
use uuid::Uuid;

use super::StoreError;
use crate::store::statements::Cached;

/// Adds or updates an item; the read flag of a known item is kept.
pub fn upsert(conn: &Connection, item: &InboxItem) -> Result<(), StoreError> {
    let category = serde_json::to_value(item.category)?
        .as_str()
        .unwrap_or("unknown")
        .to_owned();
    conn.execute_cached(
        "INSERT INTO inbox (id, at, category, application_id, json) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (id) DO UPDATE SET at = excluded.at, category = excluded.category,
             application_id = excluded.application_id, json = excluded.json",
        params![
            item.id.to_string(),
            item.at.to_rfc3339(),
            category,
            item.application_id.map(|id| id.to_string()),
            serde_json::to_string(item)?
        ],
    )?;
    Ok(())
}

/// The newest `limit` items, newest first.
pub fn latest(conn: &Connection, limit: u32) -> Result<Vec<InboxItem>, StoreError> {
    let mut statement =
        conn.prepare_cached("SELECT json FROM inbox ORDER BY at DESC, id LIMIT ?1")?;
    let rows = statement.query_map(params![limit], |row| row.get::<_, String>(0))?;
    let mut items = Vec::new();
    for json in rows {
        items.push(serde_json::from_str(&json?)?);
    }
    Ok(items)
}

pub fn unread_count(conn: &Connection) -> Result<u64, StoreError> {
    Ok(
        conn.query_row_cached("SELECT COUNT(*) FROM inbox WHERE read = 0", [], |row| {
            row.get(0)
        })?,
    )
}

/// The newest `limit` items with whether the person has read each, newest first.
pub fn latest_with_read(
    conn: &Connection,
    limit: u32,
) -> Result<Vec<(InboxItem, bool)>, StoreError> {
    let mut statement =
        conn.prepare_cached("SELECT json, read FROM inbox ORDER BY at DESC, id LIMIT ?1")?;
    let rows = statement.query_map(params![limit], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, bool>(1)?))
    })?;
    let mut items = Vec::new();
    for row in rows {
        let (json, read) = row?;
        items.push((serde_json::from_str(&json)?, read));
    }
    Ok(items)
}

/// Marks an item read; `false` when the inbox has no item with this id.
pub fn mark_read(conn: &Connection, id: Uuid) -> Result<bool, StoreError> {
    let changed = conn.execute_cached(
        "UPDATE inbox SET read = 1 WHERE id = ?1",
        params![id.to_string()],
    )?;
    Ok(changed > 0)
}
