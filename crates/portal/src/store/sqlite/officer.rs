//! `OfficerStore` on SQLite: the work queue as one statement built from the filters given
//! (each a bound parameter), counted and paged in one read transaction.

use async_trait::async_trait;
use opendvc_api::{DeliveryMethod, LateWarning};
use rusqlite::types::Value;
use rusqlite::{OptionalExtension, params, params_from_iter};
use uuid::Uuid;

use super::Cached;
use super::rows::{parse_staff_kind, parse_uuid};
use super::{Database, SqliteStore};
use crate::store::stored::{parse_enum, parse_status, parse_time};
use crate::store::{
    AttachmentFile, FINISHED, OfficerStore, Placement, QueueFilter, QueueRow, QueueRows,
    StaffRecord, StoreError, StoreResult,
};

/// The `WHERE` clause of the filter without the page's position, and its parameters.
fn conditions(filter: &QueueFilter) -> (String, Vec<Value>) {
    let mut clauses: Vec<String> = vec!["1 = 1".into()];
    let mut values: Vec<Value> = Vec::new();
    let mut bind = |clauses: &mut Vec<String>, clause: &str, value: Value| {
        values.push(value);
        clauses.push(clause.replace('?', &format!("?{}", values.len())));
    };
    if let Some(procedures) = &filter.procedures {
        let mut list = Vec::new();
        for procedure in procedures {
            bind(&mut list, "?", Value::Text(procedure.clone()));
        }
        if list.is_empty() {
            clauses.push("0 = 1".into());
        } else {
            clauses.push(format!("a.procedure_id IN ({})", list.join(", ")));
        }
    }
    if let Some(unit) = &filter.scope_unit {
        bind(&mut clauses, "a.unit_code = ?", Value::Text(unit.clone()));
    }
    if let Some(status) = filter.status {
        bind(
            &mut clauses,
            "a.status = ?",
            Value::Text(status.as_str().into()),
        );
    }
    if filter.open {
        let finished: Vec<String> = FINISHED
            .iter()
            .map(|status| format!("'{}'", status.as_str()))
            .collect();
        clauses.push(format!("a.status NOT IN ({})", finished.join(", ")));
    }
    if let Some(procedure) = &filter.procedure {
        bind(
            &mut clauses,
            "a.procedure_id = ?",
            Value::Text(procedure.clone()),
        );
    }
    if let Some(unit) = &filter.unit {
        bind(&mut clauses, "a.unit_code = ?", Value::Text(unit.clone()));
    }
    if let Some(before) = &filter.due_before {
        bind(&mut clauses, "a.due_at < ?", Value::Text(before.clone()));
    }
    if let Some(q) = &filter.q {
        let escaped = q
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        bind(
            &mut clauses,
            "(a.code LIKE ? ESCAPE '\\'",
            Value::Text(format!("{escaped}%")),
        );
        let last = clauses.len() - 1;
        values.push(Value::Text(format!("%{escaped}%")));
        clauses[last].push_str(&format!(
            " OR json_extract(c.profile_json, '$.fullName') LIKE ?{} ESCAPE '\\')",
            values.len()
        ));
    }
    (clauses.join(" AND "), values)
}

impl Database {
    fn work_queue(&self, filter: &QueueFilter) -> StoreResult<QueueRows> {
        let conn = self.reader();
        let tx = conn.unchecked_transaction()?;
        let (mut clause, mut values) = conditions(filter);
        let total: i64 = tx.query_row_cached(
            &format!(
                "SELECT COUNT(*) FROM applications a JOIN citizens c ON c.id = a.citizen_id
                 WHERE {clause}"
            ),
            params_from_iter(values.iter()),
            |row| row.get(0),
        )?;
        if let Some((due_at, id)) = &filter.after {
            values.push(Value::Text(due_at.clone()));
            let due = values.len();
            values.push(Value::Text(id.to_string()));
            clause.push_str(&format!(
                " AND (a.due_at > ?{due} OR (a.due_at = ?{due} AND a.id > ?{}))",
                values.len()
            ));
        }
        values.push(Value::Integer(
            i64::try_from(filter.limit + 1).map_err(|e| StoreError::Database(e.to_string()))?,
        ));
        let sql = format!(
            "SELECT a.id, a.code, a.procedure_id, a.procedure_name_json, a.status, a.channel,
                    json_extract(c.profile_json, '$.fullName'), a.unit_code, a.submitted_at,
                    a.due_at, a.updated_at, a.assigned_to, json_extract(a.delivery_json, '$.method')
             FROM applications a JOIN citizens c ON c.id = a.citizen_id
             WHERE {clause} ORDER BY a.due_at, a.id LIMIT ?{}",
            values.len()
        );
        let mut statement = tx.prepare_cached(&sql)?;
        let raw = statement
            .query_map(params_from_iter(values.iter()), |row| {
                Ok((
                    (
                        row.get::<_, String>(0)?,
                        row.get::<_, String>(1)?,
                        row.get::<_, String>(2)?,
                        row.get::<_, String>(3)?,
                        row.get::<_, String>(4)?,
                        row.get::<_, String>(5)?,
                        row.get::<_, Option<String>>(6)?,
                    ),
                    (
                        row.get::<_, Option<String>>(7)?,
                        row.get::<_, String>(8)?,
                        row.get::<_, String>(9)?,
                        row.get::<_, String>(10)?,
                        row.get::<_, Option<String>>(11)?,
                        row.get::<_, Option<String>>(12)?,
                    ),
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut rows = Vec::with_capacity(raw.len());
        for (
            (id, code, procedure_id, procedure_name, status, channel, applicant_name),
            (unit_code, submitted_at, due_at, updated_at, assigned_to, method),
        ) in raw
        {
            rows.push(QueueRow {
                id: parse_uuid(&id)?,
                code,
                procedure_id,
                procedure_name: serde_json::from_str(&procedure_name)?,
                status: parse_status(&status)?,
                channel: parse_enum(channel)?,
                applicant_name: applicant_name.unwrap_or_default(),
                unit_code,
                submitted_at: parse_time(&submitted_at)?,
                due_at: parse_time(&due_at)?,
                due_at_text: due_at,
                updated_at: parse_time(&updated_at)?,
                assigned_to,
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

    fn placement(&self, id: Uuid) -> StoreResult<Option<Placement>> {
        let row = self
            .reader()
            .query_row_cached(
                "SELECT procedure_id, unit_code, assigned_to, citizen_id FROM applications
                 WHERE id = ?1",
                params![id.to_string()],
                |row| {
                    Ok((
                        row.get::<_, String>(0)?,
                        row.get::<_, Option<String>>(1)?,
                        row.get::<_, Option<String>>(2)?,
                        row.get::<_, String>(3)?,
                    ))
                },
            )
            .optional()?;
        row.map(|(procedure_id, unit_code, assigned_to, citizen_id)| {
            Ok(Placement {
                procedure_id,
                unit_code,
                assigned_to,
                citizen_id: parse_uuid(&citizen_id)?,
            })
        })
        .transpose()
    }

    /// The staff of `kind` (`officer`, `supervisor`) of `agency` (`None`: city-wide staff,
    /// of no agency), by code.
    pub(super) fn staff_of(
        &self,
        kind: &str,
        agency: Option<&str>,
    ) -> StoreResult<Vec<StaffRecord>> {
        let conn = self.reader();
        let mut statement = conn.prepare_cached(
            "SELECT code, kind, name, organisation, password_hash, agency, unit, phone, email
             FROM staff WHERE kind = ?1 AND agency IS ?2 ORDER BY code",
        )?;
        let rows = statement
            .query_map(params![kind, agency], |row| {
                Ok((
                    (
                        row.get::<_, String>(0)?,
                        row.get::<_, String>(1)?,
                        row.get::<_, String>(2)?,
                        row.get::<_, String>(3)?,
                        row.get::<_, String>(4)?,
                    ),
                    (
                        row.get::<_, Option<String>>(5)?,
                        row.get::<_, Option<String>>(6)?,
                        row.get::<_, Option<String>>(7)?,
                        row.get::<_, Option<String>>(8)?,
                    ),
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(
                |(
                    (code, kind, name, organisation, password_hash),
                    (agency, unit, phone, email),
                )| {
                    Ok(StaffRecord {
                        code,
                        kind: parse_staff_kind(&kind)?,
                        name,
                        organisation,
                        password_hash,
                        agency,
                        unit,
                        phone,
                        email,
                    })
                },
            )
            .collect()
    }
}

impl Database {
    fn attachment_file(
        &self,
        citizen_id: Uuid,
        attachment_id: &str,
    ) -> StoreResult<Option<AttachmentFile>> {
        Ok(self
            .reader()
            .query_row_cached(
                "SELECT a.content_type, a.file_name, c.content FROM attachments a
                 JOIN attachment_contents c ON c.id = a.attachment_id
                 WHERE a.citizen_id = ?1 AND a.attachment_id = ?2",
                params![citizen_id.to_string(), attachment_id],
                |row| {
                    Ok(AttachmentFile {
                        content_type: row.get(0)?,
                        file_name: row.get(1)?,
                        bytes: row.get(2)?,
                    })
                },
            )
            .optional()?)
    }
}

#[async_trait]
impl OfficerStore for SqliteStore {
    async fn attachment_file(
        &self,
        citizen_id: Uuid,
        attachment_id: &str,
    ) -> StoreResult<Option<AttachmentFile>> {
        let attachment_id = attachment_id.to_owned();
        self.blocking(move |db| db.attachment_file(citizen_id, &attachment_id))
            .await
    }

    async fn work_queue(&self, filter: &QueueFilter) -> StoreResult<QueueRows> {
        let filter = filter.clone();
        self.blocking(move |db| db.work_queue(&filter)).await
    }

    async fn placement(&self, id: Uuid) -> StoreResult<Option<Placement>> {
        self.blocking(move |db| db.placement(id)).await
    }

    async fn officers_of(&self, agency: &str) -> StoreResult<Vec<StaffRecord>> {
        let agency = agency.to_owned();
        self.blocking(move |db| db.staff_of("officer", Some(&agency)))
            .await
    }

    async fn late_warnings(&self, id: Uuid) -> StoreResult<Vec<LateWarning>> {
        self.blocking(move |db| db.warnings_of(id)).await
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, TimeDelta};

    use super::super::tests::{citizen, scratch};
    use crate::store::{ApplicationDraft, QueueFilter};

    #[test]
    fn the_queue_pages_by_due_date_and_id_through_every_row_once() {
        let scratch = scratch();
        let store = &scratch.store;
        let owner = citizen(store);
        let start = DateTime::parse_from_rfc3339("2026-12-01T09:00:00+07:00").expect("time");
        let mut ids = Vec::new();
        for index in 0..7i64 {
            let mut draft = ApplicationDraft::sample(owner, start);
            // Pairs share a due date, so the id decides within them.
            draft.due_at = start + TimeDelta::days(index / 2);
            draft.unit_code = Some(if index % 3 == 0 { "20242" } else { "20200" }.into());
            ids.push(draft.id);
            store.create_application(draft, None).expect("stored");
        }
        let mut seen = Vec::new();
        let mut filter = QueueFilter {
            limit: 2,
            ..QueueFilter::default()
        };
        loop {
            let page = store.work_queue(&filter).expect("a page");
            assert_eq!(
                page.total, 7,
                "the total counts every row, whatever the page"
            );
            seen.extend(page.rows.iter().map(|row| (row.due_at, row.id)));
            match (page.has_more, page.rows.last()) {
                (true, Some(last)) => filter.after = Some((last.due_at_text.clone(), last.id)),
                _ => break,
            }
        }
        let mut expected = seen.clone();
        expected.sort();
        expected.dedup();
        assert_eq!(seen, expected, "pages follow (due date, id), no row twice");
        assert_eq!(seen.len(), ids.len(), "every row is seen");
        let hai_chau = store
            .work_queue(&QueueFilter {
                scope_unit: Some("20242".into()),
                limit: 50,
                ..QueueFilter::default()
            })
            .expect("a page");
        assert_eq!(hai_chau.total, 3, "the unit's scope keeps its rows only");
        let none = store
            .work_queue(&QueueFilter {
                procedures: Some(Vec::new()),
                limit: 50,
                ..QueueFilter::default()
            })
            .expect("a page");
        assert_eq!(none.total, 0, "a scope of no procedures sees nothing");
        let by_name = store
            .work_queue(&QueueFilter {
                q: Some("citizen".into()),
                limit: 50,
                ..QueueFilter::default()
            })
            .expect("a page");
        assert_eq!(by_name.total, 7, "part of the applicant's name finds them");
        let odd = store
            .work_queue(&QueueFilter {
                q: Some("%".into()),
                limit: 50,
                ..QueueFilter::default()
            })
            .expect("a page");
        assert_eq!(
            odd.total, 0,
            "a % in the search is a character, not a wildcard"
        );
    }
}
