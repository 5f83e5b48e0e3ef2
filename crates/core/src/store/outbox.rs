//! The outbox tables: queued items, their dependencies, their state history, and the queue's
//! own flags. Every state change but the first appends to `item_events` in its transaction;
//! the first, "queued", is the item's `created_at`: an enqueue's durable commit writes no more.

use chrono::{DateTime, TimeZone, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};
use uuid::Uuid;

use super::{StoreError, time_text};
use crate::queue::item::{ItemEvent, ItemPayload, ItemState, QueueItem, Reason};
use crate::store::statements::Cached;

/// Queue flag: the sender is paused until the person signs in again.
pub const PAUSED_AUTH: &str = "paused_auth";

/// An item about to be enqueued.
#[derive(Debug, Clone)]
pub struct NewItem {
    pub id: Uuid,
    pub payload: ItemPayload,
    pub depends_on: Vec<Uuid>,
    pub bytes_total: u64,
}

const ITEM_COLUMNS: &str = "position, id, payload, state, attempts, next_attempt_at, reason,
    application_id, application_code, result, bytes_total, created_at, updated_at,
    may_have_arrived";

fn millis(at: DateTime<Utc>) -> i64 {
    at.timestamp_millis()
}

fn from_millis(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms)
        .single()
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

fn parse_uuid(text: &str) -> Result<Uuid, StoreError> {
    Uuid::parse_str(text).map_err(|error| {
        StoreError::Json(serde::de::Error::custom(format!(
            "bad item id {text}: {error}"
        )))
    })
}

struct RawItem {
    position: i64,
    id: String,
    payload: String,
    state: String,
    attempts: i64,
    next_attempt_at: i64,
    reason: Option<String>,
    application_id: Option<String>,
    application_code: Option<String>,
    result: Option<String>,
    bytes_total: i64,
    created_at: String,
    updated_at: String,
    may_have_arrived: bool,
}

fn raw(row: &Row<'_>) -> rusqlite::Result<RawItem> {
    Ok(RawItem {
        position: row.get(0)?,
        id: row.get(1)?,
        payload: row.get(2)?,
        state: row.get(3)?,
        attempts: row.get(4)?,
        next_attempt_at: row.get(5)?,
        reason: row.get(6)?,
        application_id: row.get(7)?,
        application_code: row.get(8)?,
        result: row.get(9)?,
        bytes_total: row.get(10)?,
        created_at: row.get(11)?,
        updated_at: row.get(12)?,
        may_have_arrived: row.get(13)?,
    })
}

fn finish(conn: &Connection, raw: RawItem) -> Result<QueueItem, StoreError> {
    let mut statement = conn.prepare_cached(
        "SELECT depends_on FROM item_dependencies WHERE item_id = ?1 ORDER BY depends_on",
    )?;
    let depends_on = statement
        .query_map(params![raw.id], |row| row.get::<_, String>(0))?
        .map(|text| parse_uuid(&text?))
        .collect::<Result<Vec<_>, StoreError>>()?;
    finish_with(raw, depends_on)
}

fn finish_with(raw: RawItem, depends_on: Vec<Uuid>) -> Result<QueueItem, StoreError> {
    let id = parse_uuid(&raw.id)?;
    Ok(QueueItem {
        position: raw.position,
        id,
        payload: serde_json::from_str(&raw.payload)?,
        state: ItemState::parse(&raw.state).ok_or_else(|| {
            StoreError::Json(serde::de::Error::custom(format!(
                "unknown item state {}",
                raw.state
            )))
        })?,
        attempts: u32::try_from(raw.attempts).unwrap_or(u32::MAX),
        next_attempt_at: from_millis(raw.next_attempt_at),
        reason: raw
            .reason
            .map(|json| serde_json::from_str::<Reason>(&json))
            .transpose()?,
        application_id: raw
            .application_id
            .map(|text| parse_uuid(&text))
            .transpose()?,
        application_code: raw.application_code,
        result: raw
            .result
            .map(|json| serde_json::from_str(&json))
            .transpose()?,
        bytes_total: u64::try_from(raw.bytes_total).unwrap_or(0),
        depends_on,
        created_at: raw.created_at,
        updated_at: raw.updated_at,
        may_have_arrived: raw.may_have_arrived,
    })
}

fn record(
    conn: &Connection,
    id: Uuid,
    state: ItemState,
    detail: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    conn.execute_cached(
        "INSERT INTO item_events (item_id, at, state, detail) VALUES (?1, ?2, ?3, ?4)",
        params![id.to_string(), time_text(now), state.as_str(), detail],
    )?;
    Ok(())
}

/// Inserts items and their dependencies (call inside a transaction: all or none).
pub fn insert(conn: &Connection, items: &[NewItem], now: DateTime<Utc>) -> Result<(), StoreError> {
    for item in items {
        conn.execute_cached(
            "INSERT INTO items (id, kind, payload, state, bytes_total, created_at, updated_at)
             VALUES (?1, ?2, ?3, 'queued', ?4, ?5, ?5)",
            params![
                item.id.to_string(),
                item.payload.kind().as_str(),
                serde_json::to_string(&item.payload)?,
                i64::try_from(item.bytes_total).unwrap_or(i64::MAX),
                time_text(now)
            ],
        )?;
        for parent in &item.depends_on {
            conn.execute_cached(
                "INSERT OR IGNORE INTO item_dependencies (item_id, depends_on) VALUES (?1, ?2)",
                params![item.id.to_string(), parent.to_string()],
            )?;
        }
    }
    Ok(())
}

pub fn get(conn: &Connection, id: Uuid) -> Result<Option<QueueItem>, StoreError> {
    let raw = conn
        .query_row_cached(
            &format!("SELECT {ITEM_COLUMNS} FROM items WHERE id = ?1"),
            params![id.to_string()],
            raw,
        )
        .optional()?;
    raw.map(|raw| finish(conn, raw)).transpose()
}

/// Which items a listing includes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    All,
    WithoutDiscarded,
    /// Queued, sending and needing attention.
    Unsent,
}

/// Items in queue order, with their dependencies read in one query.
pub fn list(conn: &Connection, listing: Listing) -> Result<Vec<QueueItem>, StoreError> {
    let filter = match listing {
        Listing::All => "",
        Listing::WithoutDiscarded => "WHERE state != 'discarded'",
        Listing::Unsent => "WHERE state IN ('queued', 'sending', 'needs_attention')",
    };
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {ITEM_COLUMNS} FROM items {filter} ORDER BY position"
    ))?;
    let raws = statement
        .query_map([], raw)?
        .collect::<Result<Vec<_>, _>>()?;
    let mut dependencies: std::collections::HashMap<String, Vec<Uuid>> =
        std::collections::HashMap::new();
    let mut edges = conn.prepare_cached(
        "SELECT item_id, depends_on FROM item_dependencies ORDER BY item_id, depends_on",
    )?;
    let rows = edges.query_map([], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
    })?;
    for row in rows {
        let (item, parent) = row?;
        dependencies
            .entry(item)
            .or_default()
            .push(parse_uuid(&parent)?);
    }
    raws.into_iter()
        .map(|raw| {
            let depends_on = dependencies.remove(&raw.id).unwrap_or_default();
            finish_with(raw, depends_on)
        })
        .collect()
}

/// Up to `limit` items that may be sent now, in queue order: queued, due, and with every item
/// they depend on sent. With `scope`, only items whose id is in it.
fn ready(
    conn: &Connection,
    now: DateTime<Utc>,
    scope: Option<&[Uuid]>,
    limit: usize,
) -> Result<Vec<QueueItem>, StoreError> {
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {ITEM_COLUMNS} FROM items i
         WHERE state = 'queued' AND next_attempt_at <= ?1
           AND NOT EXISTS (
               SELECT 1 FROM item_dependencies d JOIN items p ON p.id = d.depends_on
               WHERE d.item_id = i.id AND p.state != 'sent')
         ORDER BY position"
    ))?;
    let mut rows = statement.query(params![millis(now)])?;
    let mut found = Vec::new();
    while found.len() < limit
        && let Some(row) = rows.next()?
    {
        let raw = raw(row)?;
        let in_scope = match scope {
            None => true,
            Some(ids) => ids.iter().any(|id| id.to_string() == raw.id),
        };
        if in_scope {
            found.push(finish(conn, raw)?);
        }
    }
    Ok(found)
}

/// When the earliest queued item whose parents are all sent becomes due.
pub fn earliest_due(
    conn: &Connection,
    scope: Option<&[Uuid]>,
) -> Result<Option<DateTime<Utc>>, StoreError> {
    let mut statement = conn.prepare_cached(
        "SELECT id, next_attempt_at FROM items i
         WHERE state = 'queued'
           AND NOT EXISTS (
               SELECT 1 FROM item_dependencies d JOIN items p ON p.id = d.depends_on
               WHERE d.item_id = i.id AND p.state != 'sent')
         ORDER BY next_attempt_at",
    )?;
    let mut rows = statement.query([])?;
    while let Some(row) = rows.next()? {
        let id: String = row.get(0)?;
        let at: i64 = row.get(1)?;
        let in_scope = match scope {
            None => true,
            Some(ids) => ids.iter().any(|each| each.to_string() == id),
        };
        if in_scope {
            return Ok(Some(from_millis(at)));
        }
    }
    Ok(None)
}

/// `queued` or `needs_attention` → `sending`, for the one resend before a discard.
pub fn mark_resending(conn: &Connection, id: Uuid, now: DateTime<Utc>) -> Result<bool, StoreError> {
    mark_sending_from(conn, id, "('queued', 'needs_attention')", now)
}

fn mark_sending_from(
    conn: &Connection,
    id: Uuid,
    states: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let tx = conn.unchecked_transaction()?;
    let changed = set_sending(&tx, id, states, now)?;
    tx.commit()?;
    Ok(changed)
}

/// `states` → `sending` inside the caller's transaction.
fn set_sending(
    conn: &Connection,
    id: Uuid,
    states: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let changed = conn.execute_cached(
        &format!(
            "UPDATE items SET state = 'sending', may_have_arrived = 1, updated_at = ?2
             WHERE id = ?1 AND state IN {states}"
        ),
        params![id.to_string(), time_text(now)],
    )?;
    if changed == 1 {
        record(conn, id, ItemState::Sending, None, now)?;
    }
    Ok(changed == 1)
}

/// `sending` → `sent` with what the server answered, inside the caller's transaction: after a
/// crash the item is either still `sending` (and is resent with the same key) or `sent` with
/// its answer. With `redacted`, the frozen payload is replaced by it (shared devices keep no
/// personal data of a sent item).
fn set_sent(
    conn: &Connection,
    id: Uuid,
    application: Option<(Uuid, &str)>,
    result: &serde_json::Value,
    redacted: Option<&ItemPayload>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    if let Some(redacted) = redacted {
        conn.execute_cached(
            "UPDATE items SET payload = ?2 WHERE id = ?1 AND state = 'sending'",
            params![id.to_string(), serde_json::to_string(redacted)?],
        )?;
    }
    conn.execute_cached(
        "UPDATE items SET state = 'sent', reason = NULL, application_id = ?2,
             application_code = ?3, result = ?4, updated_at = ?5, may_have_arrived = 0
         WHERE id = ?1 AND state = 'sending'",
        params![
            id.to_string(),
            application.map(|(id, _)| id.to_string()),
            application.map(|(_, code)| code.to_owned()),
            serde_json::to_string(result)?,
            time_text(now)
        ],
    )?;
    record(conn, id, ItemState::Sent, None, now)?;
    Ok(())
}

/// An item's answer as [`commit_batch`] stores it.
#[derive(Debug, Clone)]
pub struct SentMark {
    pub id: Uuid,
    /// The application's id and code, when the answer is an application.
    pub application: Option<(Uuid, String)>,
    pub result: serde_json::Value,
    /// On a shared device, the payload without personal data that replaces the frozen one.
    pub redacted: Option<ItemPayload>,
}

/// The sender's marks between two batches, in one transaction (so one durable commit per
/// batch, not two per item): the answers of the items sent since the last commit are stored
/// (`sending` → `sent`), the items marked for the last batch but not tried go back to `queued`
/// as they were (`untried`: as read before they were marked), and up to `limit` items that are
/// ready now — the ones whose parents were just stored included — become `sending`. A crash
/// before the commit leaves the answered items `sending`, to be resent with the same key; a
/// crash after it leaves the next batch `sending`, known to have maybe arrived. Returns the
/// items now marked `sending`, as read before.
pub fn commit_batch(
    conn: &Connection,
    sent: &[SentMark],
    untried: &[QueueItem],
    next: Option<(usize, Option<&[Uuid]>)>,
    now: DateTime<Utc>,
) -> Result<Vec<QueueItem>, StoreError> {
    let tx = conn.unchecked_transaction()?;
    for mark in sent {
        set_sent(
            &tx,
            mark.id,
            mark.application
                .as_ref()
                .map(|(id, code)| (*id, code.as_str())),
            &mark.result,
            mark.redacted.as_ref(),
            now,
        )?;
    }
    for item in untried {
        let changed = tx.execute_cached(
            "UPDATE items SET state = 'queued', updated_at = ?2, may_have_arrived = ?3
             WHERE id = ?1 AND state = 'sending'",
            params![item.id.to_string(), time_text(now), item.may_have_arrived],
        )?;
        if changed == 1 {
            record(
                &tx,
                item.id,
                ItemState::Queued,
                Some("not_tried_in_this_pass"),
                now,
            )?;
        }
    }
    let mut marked = Vec::new();
    if let Some((limit, scope)) = next {
        for item in ready(&tx, now, scope, limit)? {
            if set_sending(&tx, item.id, "('queued')", now)? {
                marked.push(item);
            }
        }
    }
    tx.commit()?;
    Ok(marked)
}

/// What a failed attempt at an item did.
#[derive(Debug, Clone, Copy)]
pub struct Attempt<'a> {
    pub reason: &'a Reason,
    /// Whether the portal may have acted on the item (no readable answer so far).
    pub may_have_arrived: bool,
}

/// `sending` → `queued` for a later attempt.
pub fn schedule_retry(
    conn: &Connection,
    id: Uuid,
    attempts: u32,
    next_attempt_at: DateTime<Utc>,
    attempt: Attempt<'_>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let reason = attempt.reason;
    let tx = conn.unchecked_transaction()?;
    let reason_json = serde_json::to_string(reason)?;
    tx.execute_cached(
        "UPDATE items SET state = 'queued', attempts = ?2, next_attempt_at = ?3, reason = ?4,
             updated_at = ?5, may_have_arrived = ?6
         WHERE id = ?1 AND state = 'sending'",
        params![
            id.to_string(),
            attempts,
            millis(next_attempt_at),
            reason_json,
            time_text(now),
            attempt.may_have_arrived
        ],
    )?;
    record(&tx, id, ItemState::Queued, Some(&reason.code), now)?;
    tx.commit()?;
    Ok(())
}

/// `sending` → `queued` without counting an attempt (the queue paused for sign-in), and the
/// pause flag set, in one transaction.
pub fn pause_for_auth(
    conn: &Connection,
    id: Uuid,
    attempt: Attempt<'_>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let reason = attempt.reason;
    let tx = conn.unchecked_transaction()?;
    tx.execute_cached(
        "UPDATE items SET state = 'queued', reason = ?2, updated_at = ?3, may_have_arrived = ?4
         WHERE id = ?1 AND state = 'sending'",
        params![
            id.to_string(),
            serde_json::to_string(reason)?,
            time_text(now),
            attempt.may_have_arrived
        ],
    )?;
    record(&tx, id, ItemState::Queued, Some(&reason.code), now)?;
    set_flag(&tx, PAUSED_AUTH, &time_text(now))?;
    tx.commit()?;
    Ok(())
}

/// `sending` → `needs_attention` with the server's reason.
pub fn mark_attention(
    conn: &Connection,
    id: Uuid,
    attempt: Attempt<'_>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let reason = attempt.reason;
    let tx = conn.unchecked_transaction()?;
    tx.execute_cached(
        "UPDATE items SET state = 'needs_attention', reason = ?2, updated_at = ?3,
             may_have_arrived = ?4
         WHERE id = ?1 AND state IN ('sending', 'queued')",
        params![
            id.to_string(),
            serde_json::to_string(reason)?,
            time_text(now),
            attempt.may_have_arrived
        ],
    )?;
    record(&tx, id, ItemState::NeedsAttention, Some(&reason.code), now)?;
    tx.commit()?;
    Ok(())
}

/// Puts an item back in line at once (the person asked to retry). Returns false if the item
/// is not waiting or needing attention.
pub fn requeue(conn: &Connection, id: Uuid, now: DateTime<Utc>) -> Result<bool, StoreError> {
    let tx = conn.unchecked_transaction()?;
    let changed = tx.execute_cached(
        "UPDATE items SET state = 'queued', attempts = 0, next_attempt_at = 0, updated_at = ?2
         WHERE id = ?1 AND state IN ('queued', 'needs_attention')",
        params![id.to_string(), time_text(now)],
    )?;
    if changed == 1 {
        record(&tx, id, ItemState::Queued, Some("retry_requested"), now)?;
    }
    tx.commit()?;
    Ok(changed == 1)
}

/// Discards an unsent item. Items that depend on it can never be sent any more: they are
/// marked as needing attention with `reason`, in the same transaction. Returns those items.
pub fn discard(
    conn: &Connection,
    id: Uuid,
    dependents_reason: &Reason,
    now: DateTime<Utc>,
) -> Result<Option<Vec<Uuid>>, StoreError> {
    let tx = conn.unchecked_transaction()?;
    let changed = tx.execute_cached(
        "UPDATE items SET state = 'discarded', updated_at = ?2
         WHERE id = ?1 AND state IN ('queued', 'needs_attention')",
        params![id.to_string(), time_text(now)],
    )?;
    if changed == 0 {
        tx.commit()?;
        return Ok(None);
    }
    record(
        &tx,
        id,
        ItemState::Discarded,
        Some("discarded_by_person"),
        now,
    )?;
    let dependents: Vec<String> = {
        let mut statement = tx.prepare_cached(
            "SELECT i.id FROM item_dependencies d JOIN items i ON i.id = d.item_id
             WHERE d.depends_on = ?1 AND i.state = 'queued'",
        )?;
        statement
            .query_map(params![id.to_string()], |row| row.get(0))?
            .collect::<Result<_, _>>()?
    };
    let reason_json = serde_json::to_string(dependents_reason)?;
    let mut affected = Vec::new();
    for dependent in dependents {
        tx.execute_cached(
            "UPDATE items SET state = 'needs_attention', reason = ?2, updated_at = ?3
             WHERE id = ?1",
            params![dependent, reason_json, time_text(now)],
        )?;
        let dependent = parse_uuid(&dependent)?;
        record(
            &tx,
            dependent,
            ItemState::NeedsAttention,
            Some(&dependents_reason.code),
            now,
        )?;
        affected.push(dependent);
    }
    tx.commit()?;
    Ok(Some(affected))
}

/// Items left in `sending` by a sender that died mid-request go back to `queued`, due at once;
/// they are resent with the same `Idempotency-Key`. Only the holder of the sender lock may
/// call this, so no live sender is sending them.
pub fn recover_sending(conn: &Connection, now: DateTime<Utc>) -> Result<usize, StoreError> {
    let tx = conn.unchecked_transaction()?;
    let ids: Vec<String> = {
        let mut statement = tx.prepare_cached("SELECT id FROM items WHERE state = 'sending'")?;
        statement
            .query_map([], |row| row.get(0))?
            .collect::<Result<_, _>>()?
    };
    for id in &ids {
        tx.execute_cached(
            "UPDATE items SET state = 'queued', next_attempt_at = 0, updated_at = ?2 WHERE id = ?1",
            params![id, time_text(now)],
        )?;
        record(
            &tx,
            parse_uuid(id)?,
            ItemState::Queued,
            Some("recovered_after_interruption"),
            now,
        )?;
    }
    tx.commit()?;
    Ok(ids.len())
}

/// Number of items per state.
pub fn count_by_state(conn: &Connection) -> Result<Vec<(ItemState, u64)>, StoreError> {
    let mut statement =
        conn.prepare_cached("SELECT state, COUNT(*) FROM items GROUP BY state ORDER BY state")?;
    let rows = statement.query_map([], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, u64>(1)?))
    })?;
    let mut counts = Vec::new();
    for row in rows {
        let (state, count) = row?;
        if let Some(state) = ItemState::parse(&state) {
            counts.push((state, count));
        }
    }
    Ok(counts)
}

/// What the history says of an item's first state: it was queued when it was created.
pub const ENQUEUED: &str = "enqueued";

/// The state history of an item, oldest first; none for an item that is not there.
pub fn events(conn: &Connection, id: Uuid) -> Result<Vec<ItemEvent>, StoreError> {
    let sql = "SELECT created_at FROM items WHERE id = ?1";
    let Some(at) = conn
        .query_row_cached(sql, params![id.to_string()], |row| row.get(0))
        .optional()?
    else {
        return Ok(Vec::new());
    };
    let mut events = vec![ItemEvent {
        at,
        state: ItemState::Queued,
        detail: Some(ENQUEUED.to_owned()),
    }];
    let mut statement = conn.prepare_cached(
        "SELECT at, state, detail FROM item_events WHERE item_id = ?1 ORDER BY rowid",
    )?;
    let rows = statement.query_map(params![id.to_string()], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, Option<String>>(2)?,
        ))
    })?;
    for row in rows {
        let (at, state, detail) = row?;
        if let Some(state) = ItemState::parse(&state) {
            events.push(ItemEvent { at, state, detail });
        }
    }
    Ok(events)
}

/// Whether an unsent upload still needs the stored file with this hash.
pub fn file_still_needed(conn: &Connection, sha256: &str) -> Result<bool, StoreError> {
    let mut statement = conn.prepare_cached(
        "SELECT COUNT(*) FROM items
         WHERE kind = 'upload_attachment'
           AND state IN ('queued', 'sending', 'needs_attention')
           AND json_extract(payload, '$.sha256') = ?1",
    )?;
    let count: i64 = statement.query_row(params![sha256], |row| row.get(0))?;
    Ok(count > 0)
}

pub fn flag(conn: &Connection, key: &str) -> Result<Option<String>, StoreError> {
    Ok(conn
        .query_row_cached(
            "SELECT value FROM queue_meta WHERE key = ?1",
            params![key],
            |row| row.get(0),
        )
        .optional()?)
}

pub fn set_flag(conn: &Connection, key: &str, value: &str) -> Result<(), StoreError> {
    conn.execute_cached(
        "INSERT INTO queue_meta (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

pub fn clear_flag(conn: &Connection, key: &str) -> Result<(), StoreError> {
    conn.execute_cached("DELETE FROM queue_meta WHERE key = ?1", params![key])?;
    Ok(())
}
