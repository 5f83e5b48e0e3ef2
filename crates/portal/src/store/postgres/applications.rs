//! `ApplicationStore` on PostgreSQL: applications, their timelines and supplements, the stored
//! answers of idempotent requests, items delivered late, and sync pages of the change log.

use async_trait::async_trait;
use chrono::{DateTime, FixedOffset};
use opendvc_api::{Actor, Application, ApplicationStatus, ErrorCode};
use sqlx::PgConnection;
use uuid::Uuid;

use super::access_log::insert_access;
use super::changes::{self, insert_inbox, touch};
use super::rows::{from_json, load_application, load_citizen_by_id, to_json};
use super::{LockSpace, PostgresStore, lock};
use crate::error::ApiError;
use crate::store::stored::{channel_str, fits, parse_uuid};
use crate::store::stored::{parse_enum, parse_status, parse_time};
use crate::store::{
    AccessEntry, ApplicationChange, ApplicationDraft, ApplicationStore, ChangeDecision,
    CitizenRecord, HistoryEntry, IdempotencyRecord, LateItem, OverviewRow, SeededApplication,
    StoreError, StoreResult, StoredResponse, SyncPage,
};

/// Appends a timeline entry. The caller holds the application's row lock (or created it), so
/// the next number is its own.
async fn insert_timeline_entry(
    conn: &mut PgConnection,
    application_id: Uuid,
    status: ApplicationStatus,
    at: DateTime<FixedOffset>,
    actor: &Actor,
    note: Option<&str>,
) -> StoreResult<()> {
    sqlx::query!(
        "INSERT INTO timeline_entries (application_id, seq, status, at, actor, note)
         VALUES ($1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM timeline_entries
                      WHERE application_id = $1), $2, $3, $4, $5)",
        application_id,
        status.as_str(),
        at.to_rfc3339(),
        to_json(actor)?,
        note
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Inserts the application row and its first timeline entry; assigns and returns the code.
/// The day's counter is one upsert: its row lock numbers concurrent submissions one by one.
/// Takes the next number of an application code's prefix (`ABC-0042`): its counter row goes up
/// by one.
pub(super) async fn take_code_number(conn: &mut PgConnection, prefix: &str) -> StoreResult<i64> {
    Ok(sqlx::query_scalar!(
        "INSERT INTO application_code_counters (prefix, last) VALUES ($1, 1)
         ON CONFLICT (prefix) DO UPDATE SET last = application_code_counters.last + 1
         RETURNING last",
        prefix
    )
    .fetch_one(&mut *conn)
    .await?)
}

/// Takes the next number of a code prefix in a short transaction of its own, before the
/// application's, so submissions under one prefix do not hold its counter row until their own
/// commit (which waits for the disk) and run one at a time.
///
/// That transaction commits without waiting for its WAL flush (`synchronous_commit=off`, for
/// it alone), so the hot row is held for microseconds. This never hands a code out twice: the
/// application that uses the number commits later with `synchronous_commit=on`, which flushes
/// the WAL up to its own commit record and so the counter's increment before it; a crash can
/// only lose increments whose applications never committed. A submission that fails or
/// rolls back (the loser of one idempotency key sent twice) leaves a gap in the numbering;
/// `applications.code` is the primary key all the same.
pub(super) async fn next_code_number(pool: &sqlx::PgPool, prefix: &str) -> StoreResult<i64> {
    let mut tx = pool.begin().await?;
    sqlx::raw_sql("SET LOCAL synchronous_commit = off")
        .execute(&mut *tx)
        .await?;
    let number = take_code_number(&mut tx, prefix).await?;
    tx.commit().await?;
    Ok(number)
}

pub(super) async fn insert_application(
    conn: &mut PgConnection,
    draft: &ApplicationDraft,
    sequence: i64,
) -> StoreResult<String> {
    let code = format!("{}-{sequence:04}", draft.code_prefix);
    let submitted_at = draft.submitted_at.to_rfc3339();
    sqlx::query!(
        "INSERT INTO applications (id, code, citizen_id, procedure_id, procedure_name, status,
            channel, submitted_by, submitted_at, due_at, processing_days, form, attachments,
            delivery, fee, rating, updated_at, fee_lines, unit_code)
         VALUES ($1, $2, $3, $4, $5, 'received', $6, $7, $8, $9, $10, $11, $12, $13, $14, NULL,
            $8, $15, $16)",
        draft.id,
        code,
        draft.citizen_id,
        draft.procedure_id,
        to_json(&draft.procedure_name)?,
        channel_str(draft.channel),
        draft.submitted_by.as_ref().map(to_json).transpose()?,
        submitted_at,
        draft.due_at.to_rfc3339(),
        i32::try_from(draft.processing_days).map_err(|e| StoreError::Database(e.to_string()))?,
        to_json(&draft.form)?,
        to_json(&draft.attachments)?,
        to_json(&draft.delivery)?,
        i64::try_from(draft.fee).map_err(|e| StoreError::Database(e.to_string()))?,
        to_json(&draft.fee_lines)?,
        draft.unit_code
    )
    .execute(&mut *conn)
    .await?;
    if draft.first_status != ApplicationStatus::Received {
        // The checked insert above writes `received`; a procedure paid before processing
        // starts its applications in `awaiting_payment` instead, in the same transaction.
        sqlx::query("UPDATE applications SET status = $2 WHERE id = $1")
            .bind(draft.id)
            .bind(draft.first_status.as_str())
            .execute(&mut *conn)
            .await?;
    }
    insert_timeline_entry(
        conn,
        draft.id,
        draft.first_status,
        draft.submitted_at,
        &draft.first_entry_actor,
        draft.first_entry_note.as_deref(),
    )
    .await?;
    if let Some(entry) = &draft.access {
        insert_access(
            conn,
            &AccessEntry {
                application_id: Some(draft.id),
                ..entry.clone()
            },
        )
        .await?;
    }
    touch(conn, draft.citizen_id, "application", &draft.id.to_string()).await?;
    Ok(code)
}

/// Stores the answer of an idempotent request with its change. The key is the primary key: of
/// two requests with one key on any instances, the second's insert waits for the first to
/// commit and then inserts nothing, and its whole transaction is refused (409, resend to get
/// the stored answer).
async fn store_response(
    conn: &mut PgConnection,
    idempotency: Option<IdempotencyRecord>,
    application: &Application,
) -> StoreResult<()> {
    let Some(record) = idempotency else {
        return Ok(());
    };
    let inserted = sqlx::query!(
        "INSERT INTO idempotency_keys (scope, request_hash, status, body, created_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (scope) DO NOTHING",
        record.scope,
        record.request_hash,
        i32::from(record.status),
        serde_json::to_string(application)?,
        record.created_at
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if inserted == 0 {
        return Err(StoreError::Refused(ApiError::new(
            ErrorCode::IdempotencyInFlight,
            "A request with this Idempotency-Key was processed meanwhile; resend to get its answer.",
        )));
    }
    if let Some(item) = record.late_item {
        count_late_item(conn, item).await?;
    }
    Ok(())
}

/// Counts an item delivered late against its session's limit, or refuses it (and with it the
/// whole transaction). One conditional update: a concurrent one waits for the row and
/// re-checks the condition, so parallel deliveries cannot pass the limit.
pub(super) async fn count_late_item(conn: &mut PgConnection, item: LateItem) -> StoreResult<()> {
    let counted = sqlx::query!(
        "UPDATE assist_sessions SET late_items = late_items + 1
         WHERE id = $1 AND late_items < $2",
        item.session_id,
        i32::try_from(item.limit).unwrap_or(i32::MAX)
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if counted == 0 {
        return Err(StoreError::Refused(ApiError::forbidden(format!(
            "This assisted session has already delivered the {} items allowed after it; help \
             the citizen in a new session for more.",
            item.limit
        ))));
    }
    Ok(())
}

pub(super) async fn apply_change(
    conn: &mut PgConnection,
    citizen_id: Uuid,
    current: &Application,
    change: &ApplicationChange,
    now: DateTime<FixedOffset>,
) -> StoreResult<()> {
    let id = current.id;
    for (status, actor, note) in &change.entries {
        insert_timeline_entry(conn, id, *status, now, actor, note.as_deref()).await?;
        sqlx::query!(
            "UPDATE applications SET status = $2 WHERE id = $1",
            id,
            status.as_str()
        )
        .execute(&mut *conn)
        .await?;
    }
    if let Some(delivery) = &change.delivery {
        sqlx::query!(
            "UPDATE applications SET delivery = $2 WHERE id = $1",
            id,
            to_json(delivery)?
        )
        .execute(&mut *conn)
        .await?;
    }
    if let Some(supplement) = &change.supplement {
        sqlx::query!(
            "INSERT INTO supplements (id, application_id, supplement) VALUES ($1, $2, $3)",
            supplement.id,
            id,
            to_json(supplement)?
        )
        .execute(&mut *conn)
        .await?;
    }
    if let Some(rating) = &change.rating {
        sqlx::query!(
            "UPDATE applications SET rating = $2 WHERE id = $1",
            id,
            to_json(rating)?
        )
        .execute(&mut *conn)
        .await?;
    }
    if let Some(officer) = &change.assigned_to {
        sqlx::query!(
            "UPDATE applications SET assigned_to = $2 WHERE id = $1",
            id,
            officer
        )
        .execute(&mut *conn)
        .await?;
    }
    if let Some(entry) = &change.access {
        insert_access(
            conn,
            &AccessEntry {
                application_id: Some(id),
                ..entry.clone()
            },
        )
        .await?;
    }
    sqlx::query!(
        "UPDATE applications SET updated_at = $2 WHERE id = $1",
        id,
        now.to_rfc3339()
    )
    .execute(&mut *conn)
    .await?;
    for notice in &change.notices {
        super::notifications::insert_notice(conn, notice).await?;
    }
    // The change log last: its lock is held from here to the commit.
    for item in &change.inbox {
        insert_inbox(conn, citizen_id, item).await?;
    }
    touch(conn, citizen_id, "application", &id.to_string()).await?;
    Ok(())
}

/// The applications `ids` in their order.
async fn load_applications(
    conn: &mut PgConnection,
    ids: Vec<Uuid>,
) -> StoreResult<Vec<Application>> {
    let mut applications = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(application) = load_application(conn, None, id).await? {
            applications.push(application);
        }
    }
    Ok(applications)
}

#[async_trait]
impl ApplicationStore for PostgresStore {
    async fn stored_response(&self, scope: &str) -> StoreResult<Option<StoredResponse>> {
        let row = sqlx::query!(
            "SELECT request_hash, status, body FROM idempotency_keys WHERE scope = $1",
            scope
        )
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            Ok(StoredResponse {
                request_hash: row.request_hash,
                status: fits(i64::from(row.status))?,
                body: row.body,
            })
        })
        .transpose()
    }

    async fn create_application(
        &self,
        draft: ApplicationDraft,
        idempotency: Option<IdempotencyRecord>,
    ) -> StoreResult<Application> {
        let number = next_code_number(&self.pool, &draft.code_prefix).await?;
        let mut tx = self.pool.begin().await?;
        let code = insert_application(&mut tx, &draft, number).await?;
        let notices = draft.notices.clone();
        let application = draft.into_application(code);
        for notice in notices.compose(&application) {
            super::notifications::insert_notice(&mut tx, &notice).await?;
        }
        store_response(&mut tx, idempotency, &application).await?;
        tx.commit().await?;
        self.sequencer.committed();
        Ok(application)
    }

    /// The application's row is locked (`FOR UPDATE`) before `decide` reads it, so decisions
    /// about one application, taken on any instance, follow one another.
    async fn change_application(
        &self,
        citizen_id: Option<Uuid>,
        id: Uuid,
        decide: ChangeDecision,
        now: DateTime<FixedOffset>,
        idempotency: Option<IdempotencyRecord>,
    ) -> StoreResult<Application> {
        let not_found = || StoreError::Refused(ApiError::not_found("No such application."));
        let mut tx = self.pool.begin().await?;
        let owner = sqlx::query_scalar!(
            "SELECT citizen_id FROM applications WHERE id = $1 FOR UPDATE",
            id
        )
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(not_found)?;
        let current = load_application(&mut tx, citizen_id, id)
            .await?
            .ok_or_else(not_found)?;
        let change = decide(&current)?;
        apply_change(&mut tx, owner, &current, &change, now).await?;
        let application = load_application(&mut tx, None, id)
            .await?
            .ok_or_else(|| StoreError::Database("changed application vanished".into()))?;
        store_response(&mut tx, idempotency, &application).await?;
        tx.commit().await?;
        self.sequencer.committed();
        Ok(application)
    }

    async fn application(
        &self,
        citizen_id: Option<Uuid>,
        id: Uuid,
    ) -> StoreResult<Option<Application>> {
        load_application(&mut *self.pool.acquire().await?, citizen_id, id).await
    }

    async fn application_by_code(&self, code: &str) -> StoreResult<Option<Application>> {
        let mut conn = self.pool.acquire().await?;
        let id = sqlx::query_scalar!("SELECT id FROM applications WHERE code = $1", code)
            .fetch_optional(&mut *conn)
            .await?;
        match id {
            None => Ok(None),
            Some(id) => load_application(&mut conn, None, id).await,
        }
    }

    async fn citizen_of_application(&self, id: Uuid) -> StoreResult<Option<Uuid>> {
        Ok(
            sqlx::query_scalar!("SELECT citizen_id FROM applications WHERE id = $1", id)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    async fn applications(&self, citizen_id: Uuid) -> StoreResult<Vec<Application>> {
        let mut conn = self.pool.acquire().await?;
        let ids = sqlx::query_scalar!(
            "SELECT id FROM applications WHERE citizen_id = $1
             ORDER BY submitted_at DESC, code DESC",
            citizen_id
        )
        .fetch_all(&mut *conn)
        .await?;
        load_applications(&mut conn, ids).await
    }

    async fn applications_by_status(
        &self,
        status: Option<ApplicationStatus>,
    ) -> StoreResult<Vec<Application>> {
        let mut conn = self.pool.acquire().await?;
        let ids = sqlx::query_scalar!(
            "SELECT id FROM applications WHERE $1::text IS NULL OR status = $1
             ORDER BY submitted_at, code",
            status.map(ApplicationStatus::as_str)
        )
        .fetch_all(&mut *conn)
        .await?;
        load_applications(&mut conn, ids).await
    }

    /// Instances seeding at once take the application's advisory lock first: the second waits
    /// for the first to commit, then finds the application there and inserts nothing.
    async fn seed_application(
        &self,
        draft: ApplicationDraft,
        history: Vec<HistoryEntry>,
    ) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await?;
        lock(&mut tx, LockSpace::SeededApplication, &draft.id.to_string()).await?;
        let exists = sqlx::query_scalar!(
            r#"SELECT EXISTS (SELECT 1 FROM applications WHERE id = $1) AS "exists!""#,
            draft.id
        )
        .fetch_one(&mut *tx)
        .await?;
        if exists {
            return Ok(false);
        }
        // Seeding is rare: the number is taken in the seed's own transaction, no gap.
        let number = take_code_number(&mut tx, &draft.code_prefix).await?;
        insert_application(&mut tx, &draft, number).await?;
        let mut last = draft.submitted_at;
        for (status, at, actor, note) in &history {
            insert_timeline_entry(&mut tx, draft.id, *status, *at, actor, note.as_deref()).await?;
            sqlx::query!(
                "UPDATE applications SET status = $2 WHERE id = $1",
                draft.id,
                status.as_str()
            )
            .execute(&mut *tx)
            .await?;
            last = *at;
        }
        sqlx::query!(
            "UPDATE applications SET updated_at = $2 WHERE id = $1",
            draft.id,
            last.to_rfc3339()
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.sequencer.committed();
        Ok(true)
    }

    async fn seed_history(
        &self,
        citizens: Vec<CitizenRecord>,
        applications: Vec<SeededApplication>,
    ) -> StoreResult<usize> {
        let Some(first) = citizens.first() else {
            return Ok(0);
        };
        let mut tx = self.pool.begin().await?;
        // Two portals starting on one database seed it once: the second waits here, then
        // finds the first citizen.
        lock(&mut tx, LockSpace::SeededApplication, "demo-history").await?;
        let seeded = sqlx::query_scalar!(
            r#"SELECT EXISTS (SELECT 1 FROM citizens WHERE id = $1) AS "exists!""#,
            first.id
        )
        .fetch_one(&mut *tx)
        .await?;
        if seeded {
            return Ok(0);
        }
        for citizen in &citizens {
            sqlx::query!(
                "INSERT INTO citizens (id, id_number, profile) VALUES ($1, $2, $3)
                 ON CONFLICT DO NOTHING",
                citizen.id,
                citizen.profile.id_number,
                to_json(&citizen.profile)?
            )
            .execute(&mut *tx)
            .await?;
            touch(&mut tx, citizen.id, "profile", &citizen.id.to_string()).await?;
        }
        for seeded in &applications {
            let draft = &seeded.draft;
            let number = take_code_number(&mut tx, &draft.code_prefix).await?;
            insert_application(&mut tx, draft, number).await?;
            let mut last = draft.submitted_at;
            for (status, at, actor, note) in &seeded.history {
                insert_timeline_entry(&mut tx, draft.id, *status, *at, actor, note.as_deref())
                    .await?;
                last = *at;
            }
            let status = seeded
                .history
                .last()
                .map_or(ApplicationStatus::Received, |(status, ..)| *status);
            sqlx::query!(
                "UPDATE applications SET status = $2, rating = $3, updated_at = $4 WHERE id = $1",
                draft.id,
                status.as_str(),
                seeded.rating.as_ref().map(to_json).transpose()?,
                last.to_rfc3339()
            )
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        self.sequencer.committed();
        Ok(applications.len())
    }

    async fn overview_rows(&self) -> StoreResult<Vec<OverviewRow>> {
        let rows = sqlx::query!(
            r#"SELECT a.procedure_id, a.unit_code, a.channel, a.status, a.submitted_at, a.due_at,
                   (SELECT t.at FROM timeline_entries t
                    WHERE t.application_id = a.id AND t.status IN ('completed', 'handed_over')
                    ORDER BY t.status = 'handed_over', t.seq LIMIT 1) AS finished_at,
                   a.delivery ->> 'method' AS "delivery_method!",
                   (a.rating ->> 'stars')::integer AS stars
               FROM applications a"#
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|row| {
                Ok(OverviewRow {
                    procedure_id: row.procedure_id,
                    unit_code: row.unit_code,
                    channel: parse_enum(row.channel)?,
                    status: parse_status(&row.status)?,
                    submitted_at: parse_time(&row.submitted_at)?,
                    due_at: parse_time(&row.due_at)?,
                    finished_at: row.finished_at.as_deref().map(parse_time).transpose()?,
                    delivery_method: parse_enum(row.delivery_method)?,
                    rating_stars: row.stars.and_then(|stars| u8::try_from(stars).ok()),
                })
            })
            .collect()
    }

    async fn sync_page(&self, citizen_id: Uuid, after: i64, limit: usize) -> StoreResult<SyncPage> {
        let mut conn = self.pool.acquire().await?;
        let fetch = i64::try_from(limit + 1).map_err(|e| StoreError::Database(e.to_string()))?;
        // Sequenced first, so the page holds every change committed before this read,
        // the citizen's own submission included (`changes.rs`).
        changes::sequence(&self.pool).await?;
        let mut rows = sqlx::query!(
            r#"SELECT position AS "seq!", entity_kind, entity_id FROM change_log
             WHERE citizen_id = $1 AND position > $2 ORDER BY position LIMIT $3"#,
            citizen_id,
            after,
            fetch
        )
        .fetch_all(&mut *conn)
        .await?;
        let mut page = SyncPage {
            last_seq: after,
            has_more: rows.len() > limit,
            ..SyncPage::default()
        };
        rows.truncate(limit);
        for row in rows {
            page.last_seq = row.seq;
            match row.entity_kind.as_str() {
                "profile" => {
                    page.profile = load_citizen_by_id(&mut conn, citizen_id)
                        .await?
                        .map(|citizen| citizen.profile);
                }
                "application" => {
                    let id = parse_uuid(&row.entity_id)?;
                    if let Some(application) =
                        load_application(&mut conn, Some(citizen_id), id).await?
                    {
                        page.applications.push(application);
                    }
                }
                "document" => {
                    let id = parse_uuid(&row.entity_id)?;
                    let document =
                        sqlx::query_scalar!("SELECT document FROM documents WHERE id = $1", id)
                            .fetch_optional(&mut *conn)
                            .await?;
                    if let Some(document) = document {
                        page.documents.push(from_json(document)?);
                    }
                }
                "inbox" => {
                    let id = parse_uuid(&row.entity_id)?;
                    let item =
                        sqlx::query_scalar!("SELECT item FROM inbox_items WHERE id = $1", id)
                            .fetch_optional(&mut *conn)
                            .await?;
                    if let Some(item) = item {
                        page.inbox.push(from_json(item)?);
                    }
                }
                "feedback" => {
                    let id = parse_uuid(&row.entity_id)?;
                    if let Some(feedback) = super::feedback::sync_item(&mut conn, id).await? {
                        page.feedback.push(feedback);
                    }
                }
                other => return Err(StoreError::Database(format!("change log kind {other}"))),
            }
        }
        Ok(page)
    }

    async fn purge_idempotency(&self, before: i64) -> StoreResult<usize> {
        let purged = sqlx::query!("DELETE FROM idempotency_keys WHERE created_at < $1", before)
            .execute(&self.pool)
            .await?
            .rows_affected();
        Ok(usize::try_from(purged).unwrap_or(usize::MAX))
    }
}
