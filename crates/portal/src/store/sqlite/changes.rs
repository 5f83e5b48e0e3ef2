//! The per-citizen change log every write records in (behind `/v1/sync` and
//! `/v1/events`), and inbox items, which every writer adds through it.

use opendvc_api::InboxItem;
use rusqlite::{Connection, params};
use uuid::Uuid;

use super::Cached;
use crate::store::StoreResult;

/// Records that an entity of the citizen changed: it moves to the end of the change log.
pub(super) fn touch(
    tx: &Connection,
    citizen_id: Uuid,
    kind: &str,
    entity_id: &str,
) -> StoreResult<()> {
    tx.execute_cached(
        "DELETE FROM change_log WHERE citizen_id = ?1 AND entity_kind = ?2 AND entity_id = ?3",
        params![citizen_id.to_string(), kind, entity_id],
    )?;
    tx.execute_cached(
        "INSERT INTO change_log (citizen_id, entity_kind, entity_id) VALUES (?1, ?2, ?3)",
        params![citizen_id.to_string(), kind, entity_id],
    )?;
    Ok(())
}

pub(super) fn insert_inbox(tx: &Connection, citizen_id: Uuid, item: &InboxItem) -> StoreResult<()> {
    let inserted = tx.execute_cached(
        "INSERT OR IGNORE INTO inbox_items (id, citizen_id, item_json) VALUES (?1, ?2, ?3)",
        params![
            item.id.to_string(),
            citizen_id.to_string(),
            serde_json::to_string(item)?
        ],
    )?;
    if inserted > 0 {
        touch(tx, citizen_id, "inbox", &item.id.to_string())?;
    }
    Ok(())
}
