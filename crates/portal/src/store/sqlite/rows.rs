//! Row mapping shared by every module of the SQLite store: stored text to domain types
//! and back (ids, times, enums), and the loaders of whole records (a citizen, an
//! application with its timeline and supplements, a change-log row).

use super::Cached;
use opendvc_api::{Actor, Application, Supplement, TimelineEntry};
use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

pub(super) use crate::store::stored::{
    action_str, channel_str, consent_str, parse_enum, parse_staff_kind, parse_status, parse_time,
    parse_uuid, resource_str, staff_kind_str,
};
use crate::store::{ChangeRow, CitizenRecord, StoreError, StoreResult};

pub(super) fn load_citizen(
    conn: &Connection,
    column: &str,
    value: &str,
) -> StoreResult<Option<CitizenRecord>> {
    let sql = format!("SELECT id, profile_json FROM citizens WHERE {column} = ?1");
    let row = conn
        .query_row_cached(&sql, params![value], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
        })
        .optional()?;
    match row {
        None => Ok(None),
        Some((id, profile)) => Ok(Some(CitizenRecord {
            id: parse_uuid(&id)?,
            profile: serde_json::from_str(&profile)?,
        })),
    }
}

pub(super) fn load_application(
    conn: &Connection,
    citizen_id: Option<Uuid>,
    id: Uuid,
) -> StoreResult<Option<Application>> {
    let row = conn
        .query_row_cached(
            "SELECT code, citizen_id, procedure_id, procedure_name_json, status, channel,
                    submitted_by_json, submitted_at, due_at, processing_days, form_json,
                    attachments_json, delivery_json, fee, rating_json, updated_at, fee_lines_json
             FROM applications WHERE id = ?1",
            params![id.to_string()],
            |row| {
                Ok((
                    (
                        row.get::<_, String>(0)?,
                        row.get::<_, String>(1)?,
                        row.get::<_, String>(2)?,
                        row.get::<_, String>(3)?,
                        row.get::<_, String>(4)?,
                        row.get::<_, String>(5)?,
                        row.get::<_, Option<String>>(6)?,
                        row.get::<_, String>(7)?,
                    ),
                    (
                        row.get::<_, String>(8)?,
                        row.get::<_, i64>(9)?,
                        row.get::<_, String>(10)?,
                        row.get::<_, String>(11)?,
                        row.get::<_, String>(12)?,
                        row.get::<_, i64>(13)?,
                        row.get::<_, Option<String>>(14)?,
                        row.get::<_, String>(15)?,
                    ),
                    row.get::<_, String>(16)?,
                ))
            },
        )
        .optional()?;
    let Some((
        (code, owner, procedure_id, procedure_name, status, channel, submitted_by, submitted_at),
        (due_at, processing_days, form, attachments, delivery, fee, rating, updated_at),
        fee_lines,
    )) = row
    else {
        return Ok(None);
    };
    if let Some(citizen_id) = citizen_id
        && parse_uuid(&owner)? != citizen_id
    {
        return Ok(None);
    }
    let mut statement = conn.prepare_cached(
        "SELECT seq, status, at, actor_json, note FROM timeline_entries
         WHERE application_id = ?1 ORDER BY seq",
    )?;
    let timeline = statement
        .query_map(params![id.to_string()], |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, Option<String>>(4)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .map(|(seq, status, at, actor, note)| {
            Ok(TimelineEntry {
                seq: u32::try_from(seq).map_err(|e| StoreError::Database(e.to_string()))?,
                status: parse_status(&status)?,
                at: parse_time(&at)?,
                actor: serde_json::from_str::<Actor>(&actor)?,
                note,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    let mut statement = conn.prepare_cached(
        "SELECT supplement_json FROM supplements WHERE application_id = ?1 ORDER BY rowid",
    )?;
    let supplements = statement
        .query_map(params![id.to_string()], |row| row.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?
        .iter()
        .map(|json| serde_json::from_str::<Supplement>(json).map_err(StoreError::from))
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(Some(Application {
        id,
        code,
        procedure_id,
        procedure_name: serde_json::from_str(&procedure_name)?,
        status: parse_status(&status)?,
        channel: serde_json::from_value(serde_json::Value::String(channel))?,
        submitted_by: submitted_by
            .map(|json| serde_json::from_str(&json))
            .transpose()?,
        submitted_at: parse_time(&submitted_at)?,
        due_at: parse_time(&due_at)?,
        processing_days: u32::try_from(processing_days)
            .map_err(|e| StoreError::Database(e.to_string()))?,
        form: serde_json::from_str(&form)?,
        attachments: serde_json::from_str(&attachments)?,
        delivery: serde_json::from_str(&delivery)?,
        fee: u64::try_from(fee).map_err(|e| StoreError::Database(e.to_string()))?,
        fee_lines: serde_json::from_str(&fee_lines)?,
        timeline,
        supplements,
        rating: rating.map(|json| serde_json::from_str(&json)).transpose()?,
        late_warning: overdue_warning(conn, id)?,
        updated_at: parse_time(&updated_at)?,
    }))
}

type RawChangeRow = (i64, String, String, String);

pub(super) fn change_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<RawChangeRow> {
    Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
}

pub(super) fn finish_change_row(
    (seq, citizen, entity_kind, entity_id): RawChangeRow,
) -> StoreResult<ChangeRow> {
    Ok(ChangeRow {
        seq,
        citizen_id: parse_uuid(&citizen)?,
        entity_kind,
        entity_id,
    })
}

/// The overdue warning of application `id`, as the citizen's application carries it.
pub(super) fn overdue_warning(
    conn: &Connection,
    id: Uuid,
) -> StoreResult<Option<opendvc_api::LateWarning>> {
    let json = conn
        .query_row_cached(
            "SELECT warning_json FROM late_warnings WHERE application_id = ?1 AND stage = ?2",
            params![
                id.to_string(),
                crate::store::late_warnings::stage_str(opendvc_api::WarningStage::Overdue)
            ],
            |row| row.get::<_, String>(0),
        )
        .optional()?;
    Ok(json.map(|json| serde_json::from_str(&json)).transpose()?)
}
