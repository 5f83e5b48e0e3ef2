//! Loaders of whole records shared by the modules of the PostgreSQL store (a citizen, an
//! application with its timeline and supplements) and the JSON of `jsonb` columns.

use opendvc_api::{Application, TimelineEntry};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::store::stored::{fits, parse_enum, parse_status, parse_time};
use crate::store::{CitizenRecord, StoreResult};

/// A value for a `jsonb` column.
pub(super) fn to_json<T: Serialize + ?Sized>(value: &T) -> StoreResult<serde_json::Value> {
    Ok(serde_json::to_value(value)?)
}

/// A value read from a `jsonb` column.
pub(super) fn from_json<T: DeserializeOwned>(value: serde_json::Value) -> StoreResult<T> {
    Ok(serde_json::from_value(value)?)
}

pub(super) async fn load_citizen_by_id(
    conn: &mut PgConnection,
    id: Uuid,
) -> StoreResult<Option<CitizenRecord>> {
    let row = sqlx::query!("SELECT id, profile FROM citizens WHERE id = $1", id)
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|row| {
        Ok(CitizenRecord {
            id: row.id,
            profile: from_json(row.profile)?,
        })
    })
    .transpose()
}

pub(super) async fn load_citizen_by_id_number(
    conn: &mut PgConnection,
    id_number: &str,
) -> StoreResult<Option<CitizenRecord>> {
    let row = sqlx::query!(
        "SELECT id, profile FROM citizens WHERE id_number = $1",
        id_number
    )
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|row| {
        Ok(CitizenRecord {
            id: row.id,
            profile: from_json(row.profile)?,
        })
    })
    .transpose()
}

/// The application `id` with its timeline and supplements; `None` when it does not exist or,
/// with `citizen_id`, is another citizen's.
pub(super) async fn load_application(
    conn: &mut PgConnection,
    citizen_id: Option<Uuid>,
    id: Uuid,
) -> StoreResult<Option<Application>> {
    let Some(row) = sqlx::query!(
        "SELECT code, citizen_id, procedure_id, procedure_name, status, channel, submitted_by,
                submitted_at, due_at, processing_days, form, attachments, delivery, fee, rating,
                updated_at, fee_lines
         FROM applications WHERE id = $1",
        id
    )
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    if citizen_id.is_some_and(|citizen_id| citizen_id != row.citizen_id) {
        return Ok(None);
    }
    let timeline = sqlx::query!(
        "SELECT seq, status, at, actor, note FROM timeline_entries
         WHERE application_id = $1 ORDER BY seq",
        id
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|entry| {
        Ok(TimelineEntry {
            seq: fits(i64::from(entry.seq))?,
            status: parse_status(&entry.status)?,
            at: parse_time(&entry.at)?,
            actor: from_json(entry.actor)?,
            note: entry.note,
        })
    })
    .collect::<StoreResult<Vec<_>>>()?;
    let supplements = sqlx::query_scalar!(
        "SELECT supplement FROM supplements WHERE application_id = $1 ORDER BY position",
        id
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(from_json)
    .collect::<StoreResult<Vec<_>>>()?;
    Ok(Some(Application {
        id,
        code: row.code,
        procedure_id: row.procedure_id,
        procedure_name: from_json(row.procedure_name)?,
        status: parse_status(&row.status)?,
        channel: parse_enum(row.channel)?,
        submitted_by: row.submitted_by.map(from_json).transpose()?,
        submitted_at: parse_time(&row.submitted_at)?,
        due_at: parse_time(&row.due_at)?,
        processing_days: fits(i64::from(row.processing_days))?,
        form: from_json(row.form)?,
        attachments: from_json(row.attachments)?,
        delivery: from_json(row.delivery)?,
        fee: fits(row.fee)?,
        fee_lines: from_json(row.fee_lines)?,
        timeline,
        supplements,
        rating: row.rating.map(from_json).transpose()?,
        late_warning: overdue_warning(conn, id).await?,
        updated_at: parse_time(&row.updated_at)?,
    }))
}

/// The overdue warning of application `id`, as the citizen's application carries it.
pub(super) async fn overdue_warning(
    conn: &mut PgConnection,
    id: Uuid,
) -> StoreResult<Option<opendvc_api::LateWarning>> {
    let row =
        sqlx::query("SELECT warning FROM late_warnings WHERE application_id = $1 AND stage = $2")
            .bind(id)
            .bind(crate::store::late_warnings::stage_str(
                opendvc_api::WarningStage::Overdue,
            ))
            .fetch_optional(&mut *conn)
            .await?;
    row.map(|row| from_json(sqlx::Row::try_get::<serde_json::Value, _>(&row, "warning")?))
        .transpose()
}
