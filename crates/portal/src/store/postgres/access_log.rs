//! `AccessLogStore` on PostgreSQL: the append-only access log (the table's triggers refuse
//! updates, deletes and truncation).

use async_trait::async_trait;
use opendvc_api::{AccessStaff, AssistVenue};
use sqlx::PgConnection;
use uuid::Uuid;

use super::PostgresStore;
use crate::store::stored::{
    action_str, consent_str, parse_enum, parse_staff_kind, resource_str, staff_kind_str,
};
use crate::store::{
    AccessEntry, AccessLogPage, AccessLogPosition, AccessLogStore, StoreError, StoreResult,
};

/// Appends `entry` to the access log. An application is named by its code, and only when it is
/// the citizen's: the log of one citizen never names another's application.
pub(super) async fn insert_access(conn: &mut PgConnection, entry: &AccessEntry) -> StoreResult<()> {
    let mut resource_ref = entry.resource_ref.clone();
    let mut application_id = None;
    if let Some(id) = entry.application_id {
        let code = sqlx::query_scalar!(
            "SELECT code FROM applications WHERE id = $1 AND citizen_id = $2",
            id,
            entry.citizen_id
        )
        .fetch_optional(&mut *conn)
        .await?;
        application_id = code.is_some().then_some(id);
        resource_ref = code;
    }
    sqlx::query!(
        "INSERT INTO access_log (id, citizen_id, at, action, resource, resource_ref,
            application_id, staff_code, staff_name, staff_kind, staff_organisation, venue_name,
            venue_unit_code, session_id, consent)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
        entry.id,
        entry.citizen_id,
        entry.at,
        action_str(entry.action),
        resource_str(entry.resource),
        resource_ref,
        application_id,
        entry.staff.code,
        entry.staff.name,
        staff_kind_str(entry.staff.kind),
        entry.staff.organisation,
        entry.venue.name,
        entry.venue.unit_code,
        entry.session_id,
        consent_str(entry.consent)
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[async_trait]
impl AccessLogStore for PostgresStore {
    async fn record_access(&self, entry: &AccessEntry) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        insert_access(&mut tx, entry).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn access_log(
        &self,
        citizen_id: Uuid,
        before: Option<AccessLogPosition>,
        limit: usize,
    ) -> StoreResult<AccessLogPage> {
        let start = before.unwrap_or(AccessLogPosition {
            at: i64::MAX,
            seq: i64::MAX,
        });
        let fetch = i64::try_from(limit + 1).map_err(|e| StoreError::Database(e.to_string()))?;
        let rows = sqlx::query!(
            "SELECT seq, id, at, action, resource, resource_ref, application_id, staff_code,
                    staff_name, staff_kind, staff_organisation, venue_name, venue_unit_code,
                    session_id, consent
             FROM access_log
             WHERE citizen_id = $1 AND (at < $2 OR (at = $2 AND seq < $3))
             ORDER BY at DESC, seq DESC LIMIT $4",
            citizen_id,
            start.at,
            start.seq,
            fetch
        )
        .fetch_all(&self.pool)
        .await?;
        let more = rows.len() > limit;
        let mut page = AccessLogPage::default();
        for row in rows.into_iter().take(limit) {
            page.next = Some(AccessLogPosition {
                at: row.at,
                seq: row.seq,
            });
            page.entries.push(AccessEntry {
                id: row.id,
                citizen_id,
                at: row.at,
                action: parse_enum(row.action)?,
                resource: parse_enum(row.resource)?,
                resource_ref: row.resource_ref,
                application_id: row.application_id,
                staff: AccessStaff {
                    code: row.staff_code,
                    name: row.staff_name,
                    kind: parse_staff_kind(&row.staff_kind)?,
                    organisation: row.staff_organisation,
                },
                venue: AssistVenue {
                    name: row.venue_name,
                    unit_code: row.venue_unit_code,
                },
                session_id: row.session_id,
                consent: parse_enum(row.consent)?,
            });
        }
        if !more {
            page.next = None;
        }
        Ok(page)
    }

    async fn submitted_in_session(
        &self,
        session_id: Uuid,
        application_id: Uuid,
    ) -> StoreResult<bool> {
        Ok(sqlx::query_scalar!(
            r#"SELECT EXISTS (
                SELECT 1 FROM access_log
                WHERE session_id = $1 AND application_id = $2 AND action = 'submitted'
                  AND resource = 'application') AS "submitted!""#,
            session_id,
            application_id
        )
        .fetch_one(&self.pool)
        .await?)
    }
}
