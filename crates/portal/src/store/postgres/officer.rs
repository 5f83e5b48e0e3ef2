//! `OfficerStore` on PostgreSQL: the work queue as one statement built from the filters given
//! (sqlx's `QueryBuilder`, every value bound; a statement whose shape depends on the filters
//! cannot be one of the compile-time checked queries), counted and paged in one `REPEATABLE
//! READ` transaction so the total and the page see one snapshot.

use async_trait::async_trait;
use opendvc_api::{DeliveryMethod, LateWarning};
use sqlx::{Postgres, QueryBuilder, Row};
use uuid::Uuid;

use super::PostgresStore;
use super::rows::from_json;
use crate::store::stored::{parse_enum, parse_staff_kind, parse_status, parse_time};
use crate::store::{
    AttachmentFile, FINISHED, OfficerStore, Placement, QueueFilter, QueueRow, QueueRows,
    StaffRecord, StoreResult,
};

/// Appends the filter's conditions (without the page's position).
fn push_conditions(query: &mut QueryBuilder<Postgres>, filter: &QueueFilter) {
    query.push(" WHERE TRUE");
    if let Some(procedures) = &filter.procedures {
        query.push(" AND a.procedure_id = ANY(");
        query.push_bind(procedures.clone());
        query.push(")");
    }
    if let Some(unit) = &filter.scope_unit {
        query.push(" AND a.unit_code = ");
        query.push_bind(unit.clone());
    }
    if let Some(status) = filter.status {
        query.push(" AND a.status = ");
        query.push_bind(status.as_str());
    }
    if filter.open {
        let finished: Vec<String> = FINISHED
            .iter()
            .map(|status| status.as_str().to_owned())
            .collect();
        query.push(" AND NOT (a.status = ANY(");
        query.push_bind(finished);
        query.push("))");
    }
    if let Some(procedure) = &filter.procedure {
        query.push(" AND a.procedure_id = ");
        query.push_bind(procedure.clone());
    }
    if let Some(unit) = &filter.unit {
        query.push(" AND a.unit_code = ");
        query.push_bind(unit.clone());
    }
    if let Some(before) = &filter.due_before {
        query.push(" AND a.due_at COLLATE \"C\" < ");
        query.push_bind(before.clone());
    }
    if let Some(q) = &filter.q {
        let escaped = q
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        query.push(" AND (a.code LIKE ");
        query.push_bind(format!("{escaped}%"));
        query.push(" OR (c.profile ->> 'fullName') ILIKE ");
        query.push_bind(format!("%{escaped}%"));
        query.push(")");
    }
}

const FROM: &str = " FROM applications a JOIN citizens c ON c.id = a.citizen_id";

/// The staff of `kind` (`officer`, `supervisor`) of `agency` (`None`: city-wide staff, of no
/// agency), by code.
pub(super) async fn staff_of(
    pool: &sqlx::PgPool,
    kind: &str,
    agency: Option<&str>,
) -> StoreResult<Vec<StaffRecord>> {
    let rows = sqlx::query(
        "SELECT code, kind, name, organisation, password_hash, agency, unit, phone, email
         FROM staff WHERE kind = $1 AND agency IS NOT DISTINCT FROM $2 ORDER BY code",
    )
    .bind(kind)
    .bind(agency)
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|row| {
            Ok(StaffRecord {
                code: row.try_get("code")?,
                kind: parse_staff_kind(&row.try_get::<String, _>("kind")?)?,
                name: row.try_get("name")?,
                organisation: row.try_get("organisation")?,
                password_hash: row.try_get("password_hash")?,
                agency: row.try_get("agency")?,
                unit: row.try_get("unit")?,
                phone: row.try_get("phone")?,
                email: row.try_get("email")?,
            })
        })
        .collect()
}

#[async_trait]
impl OfficerStore for PostgresStore {
    async fn attachment_file(
        &self,
        citizen_id: Uuid,
        attachment_id: &str,
    ) -> StoreResult<Option<AttachmentFile>> {
        let row = sqlx::query(
            "SELECT a.content_type, a.file_name, c.content FROM attachments a
             JOIN attachment_contents c ON c.id = a.attachment_id
             WHERE a.citizen_id = $1 AND a.attachment_id = $2",
        )
        .bind(citizen_id)
        .bind(attachment_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            Ok(AttachmentFile {
                content_type: row.try_get("content_type")?,
                file_name: row.try_get("file_name")?,
                bytes: row.try_get("content")?,
            })
        })
        .transpose()
    }

    async fn work_queue(&self, filter: &QueueFilter) -> StoreResult<QueueRows> {
        let mut tx = self.pool.begin().await?;
        sqlx::raw_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *tx)
            .await?;
        let mut count = QueryBuilder::<Postgres>::new("SELECT COUNT(*)");
        count.push(FROM);
        push_conditions(&mut count, filter);
        let total: i64 = count.build().fetch_one(&mut *tx).await?.try_get(0)?;
        let mut page = QueryBuilder::<Postgres>::new(
            "SELECT a.id, a.code, a.procedure_id, a.procedure_name, a.status, a.channel,
                    c.profile ->> 'fullName' AS applicant_name, a.unit_code, a.submitted_at,
                    a.due_at, a.updated_at, a.assigned_to, a.delivery ->> 'method' AS method",
        );
        page.push(FROM);
        push_conditions(&mut page, filter);
        if let Some((due_at, id)) = &filter.after {
            page.push(" AND (a.due_at COLLATE \"C\", a.id) > (");
            page.push_bind(due_at.clone());
            page.push(" COLLATE \"C\", ");
            page.push_bind(*id);
            page.push(")");
        }
        page.push(" ORDER BY a.due_at COLLATE \"C\", a.id LIMIT ");
        page.push_bind(i64::try_from(filter.limit + 1).unwrap_or(i64::MAX));
        let raw = page.build().fetch_all(&mut *tx).await?;
        tx.commit().await?;
        let mut rows = Vec::with_capacity(raw.len());
        for row in raw {
            let due_at: String = row.try_get("due_at")?;
            let method: Option<String> = row.try_get("method")?;
            rows.push(QueueRow {
                id: row.try_get("id")?,
                code: row.try_get("code")?,
                procedure_id: row.try_get("procedure_id")?,
                procedure_name: from_json(row.try_get("procedure_name")?)?,
                status: parse_status(&row.try_get::<String, _>("status")?)?,
                channel: parse_enum(row.try_get("channel")?)?,
                applicant_name: row
                    .try_get::<Option<String>, _>("applicant_name")?
                    .unwrap_or_default(),
                unit_code: row.try_get("unit_code")?,
                submitted_at: parse_time(&row.try_get::<String, _>("submitted_at")?)?,
                due_at: parse_time(&due_at)?,
                due_at_text: due_at,
                updated_at: parse_time(&row.try_get::<String, _>("updated_at")?)?,
                assigned_to: row.try_get("assigned_to")?,
                delivery_method: method
                    .map(parse_enum)
                    .transpose()?
                    .unwrap_or(DeliveryMethod::Counter),
            });
        }
        let has_more = rows.len() > filter.limit;
        rows.truncate(filter.limit);
        Ok(QueueRows {
            rows,
            has_more,
            total: u64::try_from(total).unwrap_or(0),
        })
    }

    async fn placement(&self, id: Uuid) -> StoreResult<Option<Placement>> {
        let row = sqlx::query(
            "SELECT procedure_id, unit_code, assigned_to, citizen_id FROM applications
             WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            Ok(Placement {
                procedure_id: row.try_get("procedure_id")?,
                unit_code: row.try_get("unit_code")?,
                assigned_to: row.try_get("assigned_to")?,
                citizen_id: row.try_get("citizen_id")?,
            })
        })
        .transpose()
    }

    async fn officers_of(&self, agency: &str) -> StoreResult<Vec<StaffRecord>> {
        staff_of(&self.pool, "officer", Some(agency)).await
    }

    async fn late_warnings(&self, id: Uuid) -> StoreResult<Vec<LateWarning>> {
        crate::store::LateWarningStore::warnings_of(self, id).await
    }
}
