//! The SQLite implementation of the store.
//!
//! One writer connection behind a mutex (SQLite admits one writer at a time anyway, and a
//! single connection avoids busy retries) and a few reader connections, which WAL lets run
//! beside the writer. Every connection runs `synchronous=FULL`: a transaction is on disk
//! before the commit returns, so what the portal acknowledged (a submission, a spent refresh
//! token, a rate-limit hit) survives a power cut, not just a crash of the process. Writes
//! begin `IMMEDIATE`, so a read-then-write transaction (a limit checked, then hit) never
//! interleaves with another process's writer (the officer command, a second portal).

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, FixedOffset};
use opendvc_api::{
    AccessAction, AccessResource, AccessStaff, Actor, Application, ApplicationStatus, AssistVenue,
    Attachment, ConsentMethod, DevMessage, Document, InboxItem, StaffKind, Supplement,
    TimelineEntry,
};
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};
use uuid::Uuid;

use super::{
    AccessEntry, AccessLogPage, AccessLogPosition, AccessLogStore, AccessTokenRecord,
    ApplicationChange, ApplicationDraft, ApplicationStore, AssistSessionRecord, AttachmentStore,
    AuthStore, ChangeDecision, ChangeRow, CitizenRecord, CitizenStore, CollectedFiles, Counter,
    EventStore, IdempotencyRecord, LateItem, Limit, LimitReached, LimitStore, NewOtp, NewUpload,
    OtpCheck, OtpGuess, OutboxStore, RefreshOutcome, RefreshTokenRecord, Rotation, SessionOpening,
    StaffRecord, StoreError, StoreResult, StoredResponse, SyncPage, TokenSubject,
};
use crate::error::ApiError;
use opendvc_api::ErrorCode;

pub mod migrations;

const READERS: usize = 4;

/// The SQLite store: one file, WAL.
#[derive(Debug)]
pub struct SqliteStore {
    writer: Mutex<Connection>,
    readers: Vec<Mutex<Connection>>,
    next_reader: AtomicUsize,
}

fn configure(connection: &Connection) -> rusqlite::Result<()> {
    connection.pragma_update(None, "journal_mode", "WAL")?;
    connection.pragma_update(None, "synchronous", "FULL")?;
    connection.pragma_update(None, "foreign_keys", "ON")?;
    connection.busy_timeout(std::time::Duration::from_secs(10))?;
    Ok(())
}

fn lock(mutex: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
    // A panic while holding a connection cannot leave a transaction open (the transaction
    // rolls back on drop), so a poisoned connection is still usable.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl SqliteStore {
    /// Opens (or creates) the database at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> StoreResult<Self> {
        let mut writer = Connection::open(path)?;
        configure(&writer)?;
        migrations::migrations()
            .to_latest(&mut writer)
            .map_err(|error| StoreError::Database(format!("migration failed: {error}")))?;
        let mut readers = Vec::with_capacity(READERS);
        for _ in 0..READERS {
            let reader = Connection::open(path)?;
            configure(&reader)?;
            readers.push(Mutex::new(reader));
        }
        Ok(SqliteStore {
            writer: Mutex::new(writer),
            readers,
            next_reader: AtomicUsize::new(0),
        })
    }

    fn reader(&self) -> MutexGuard<'_, Connection> {
        let start = self.next_reader.fetch_add(1, Ordering::Relaxed);
        for offset in 0..self.readers.len() {
            let index = (start + offset) % self.readers.len();
            if let Ok(guard) = self.readers[index].try_lock() {
                return guard;
            }
        }
        lock(&self.readers[start % self.readers.len()])
    }

    /// Runs `work` in one write transaction. It begins IMMEDIATE, taking the database's write
    /// lock first, so that what it reads stays true until it commits, also against another
    /// process on the same file (the officer command line).
    fn write<T>(&self, work: impl FnOnce(&Transaction<'_>) -> StoreResult<T>) -> StoreResult<T> {
        let mut connection = lock(&self.writer);
        let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = work(&transaction)?;
        transaction.commit()?;
        Ok(value)
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> Self {
        StoreError::Database(error.to_string())
    }
}

fn parse_uuid(text: &str) -> StoreResult<Uuid> {
    Uuid::parse_str(text).map_err(|error| StoreError::Database(format!("stored uuid: {error}")))
}

fn parse_time(text: &str) -> StoreResult<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(text)
        .map_err(|error| StoreError::Database(format!("stored time: {error}")))
}

fn parse_status(text: &str) -> StoreResult<ApplicationStatus> {
    ApplicationStatus::parse(text)
        .ok_or_else(|| StoreError::Database(format!("stored status {text}")))
}

fn staff_kind_str(kind: StaffKind) -> &'static str {
    match kind {
        StaffKind::Agent => "agent",
        StaffKind::Volunteer => "volunteer",
        StaffKind::Officer => "officer",
    }
}

fn parse_staff_kind(text: &str) -> StoreResult<StaffKind> {
    match text {
        "agent" => Ok(StaffKind::Agent),
        "volunteer" => Ok(StaffKind::Volunteer),
        "officer" => Ok(StaffKind::Officer),
        other => Err(StoreError::Database(format!("stored staff kind {other}"))),
    }
}

/// Records that an entity of the citizen changed: it moves to the end of the change log.
fn touch(tx: &Connection, citizen_id: Uuid, kind: &str, entity_id: &str) -> StoreResult<()> {
    tx.execute(
        "DELETE FROM change_log WHERE citizen_id = ?1 AND entity_kind = ?2 AND entity_id = ?3",
        params![citizen_id.to_string(), kind, entity_id],
    )?;
    tx.execute(
        "INSERT INTO change_log (citizen_id, entity_kind, entity_id) VALUES (?1, ?2, ?3)",
        params![citizen_id.to_string(), kind, entity_id],
    )?;
    Ok(())
}

fn insert_inbox(tx: &Connection, citizen_id: Uuid, item: &InboxItem) -> StoreResult<()> {
    let inserted = tx.execute(
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

fn load_citizen(
    conn: &Connection,
    column: &str,
    value: &str,
) -> StoreResult<Option<CitizenRecord>> {
    let sql = format!("SELECT id, profile_json FROM citizens WHERE {column} = ?1");
    let row = conn
        .query_row(&sql, params![value], |row| {
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

fn load_application(
    conn: &Connection,
    citizen_id: Option<Uuid>,
    id: Uuid,
) -> StoreResult<Option<Application>> {
    let row = conn
        .query_row(
            "SELECT code, citizen_id, procedure_id, procedure_name_json, status, channel,
                    submitted_by_json, submitted_at, due_at, processing_days, form_json,
                    attachments_json, delivery_json, fee, rating_json, updated_at
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
                ))
            },
        )
        .optional()?;
    let Some((
        (code, owner, procedure_id, procedure_name, status, channel, submitted_by, submitted_at),
        (due_at, processing_days, form, attachments, delivery, fee, rating, updated_at),
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
        timeline,
        supplements,
        rating: rating.map(|json| serde_json::from_str(&json)).transpose()?,
        updated_at: parse_time(&updated_at)?,
    }))
}

fn channel_str(channel: opendvc_api::Channel) -> &'static str {
    match channel {
        opendvc_api::Channel::Online => "online",
        opendvc_api::Channel::Assisted => "assisted",
    }
}

fn insert_timeline_entry(
    tx: &Connection,
    application_id: Uuid,
    status: ApplicationStatus,
    at: DateTime<FixedOffset>,
    actor: &Actor,
    note: Option<&str>,
) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO timeline_entries (application_id, seq, status, at, actor_json, note)
         VALUES (?1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM timeline_entries
                      WHERE application_id = ?1), ?2, ?3, ?4, ?5)",
        params![
            application_id.to_string(),
            status.as_str(),
            at.to_rfc3339(),
            serde_json::to_string(actor)?,
            note
        ],
    )?;
    Ok(())
}

/// Inserts the application row and its first timeline entry; assigns and returns the code.
fn insert_application(tx: &Connection, draft: &ApplicationDraft) -> StoreResult<String> {
    let sequence: i64 = tx.query_row(
        "INSERT INTO application_code_counters (prefix, last) VALUES (?1, 1)
         ON CONFLICT(prefix) DO UPDATE SET last = last + 1 RETURNING last",
        params![draft.code_prefix],
        |row| row.get(0),
    )?;
    let code = format!("{}-{sequence:04}", draft.code_prefix);
    tx.execute(
        "INSERT INTO applications (id, code, citizen_id, procedure_id, procedure_name_json,
            status, channel, submitted_by_json, submitted_at, due_at, processing_days, form_json,
            attachments_json, delivery_json, fee, rating_json, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, 'received', ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, NULL, ?8)",
        params![
            draft.id.to_string(),
            code,
            draft.citizen_id.to_string(),
            draft.procedure_id,
            serde_json::to_string(&draft.procedure_name)?,
            channel_str(draft.channel),
            draft.submitted_by.as_ref().map(serde_json::to_string).transpose()?,
            draft.submitted_at.to_rfc3339(),
            draft.due_at.to_rfc3339(),
            i64::from(draft.processing_days),
            serde_json::to_string(&draft.form)?,
            serde_json::to_string(&draft.attachments)?,
            serde_json::to_string(&draft.delivery)?,
            i64::try_from(draft.fee).map_err(|e| StoreError::Database(e.to_string()))?,
        ],
    )?;
    insert_timeline_entry(
        tx,
        draft.id,
        ApplicationStatus::Received,
        draft.submitted_at,
        &draft.first_entry_actor,
        draft.first_entry_note.as_deref(),
    )?;
    touch(tx, draft.citizen_id, "application", &draft.id.to_string())?;
    if let Some(entry) = &draft.access {
        insert_access(
            tx,
            &AccessEntry {
                application_id: Some(draft.id),
                ..entry.clone()
            },
        )?;
    }
    Ok(code)
}

/// The application a draft became, as `load_application` would read it back. Building it
/// here keeps three reads out of the writer's critical section.
fn created_application(draft: ApplicationDraft, code: String) -> Application {
    Application {
        id: draft.id,
        code,
        procedure_id: draft.procedure_id,
        procedure_name: draft.procedure_name,
        status: ApplicationStatus::Received,
        channel: draft.channel,
        submitted_by: draft.submitted_by,
        submitted_at: draft.submitted_at,
        due_at: draft.due_at,
        processing_days: draft.processing_days,
        form: draft.form,
        attachments: draft.attachments,
        delivery: draft.delivery,
        fee: draft.fee,
        timeline: vec![TimelineEntry {
            seq: 1,
            status: ApplicationStatus::Received,
            at: draft.submitted_at,
            actor: draft.first_entry_actor,
            note: draft.first_entry_note,
        }],
        supplements: Vec::new(),
        rating: None,
        updated_at: draft.submitted_at,
    }
}

fn store_response(
    tx: &Connection,
    idempotency: Option<IdempotencyRecord>,
    application: &Application,
) -> StoreResult<()> {
    if let Some(record) = idempotency {
        let inserted = tx.execute(
            "INSERT OR IGNORE INTO idempotency_keys (scope, request_hash, status, body, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                record.scope,
                record.request_hash,
                record.status,
                serde_json::to_string(application)?,
                record.created_at
            ],
        )?;
        if inserted == 0 {
            // Another request with this key committed first; ours must not take effect.
            return Err(StoreError::Refused(ApiError::new(
                ErrorCode::IdempotencyInFlight,
                "A request with this Idempotency-Key was processed meanwhile; resend to get its answer.",
            )));
        }
        if let Some(item) = record.late_item {
            count_late_item(tx, item)?;
        }
    }
    Ok(())
}

/// Counts an item delivered late against its session's limit, or refuses it (and with it the
/// whole transaction). One conditional update, so parallel deliveries cannot pass the limit.
fn count_late_item(tx: &Connection, item: LateItem) -> StoreResult<()> {
    let counted = tx.execute(
        "UPDATE assist_sessions SET late_items = late_items + 1
         WHERE id = ?1 AND late_items < ?2",
        params![item.session_id.to_string(), item.limit],
    )?;
    if counted == 0 {
        return Err(StoreError::Refused(ApiError::forbidden(format!(
            "This assisted session has already delivered the {} items allowed after it; help \
             the citizen in a new session for more.",
            item.limit
        ))));
    }
    Ok(())
}

impl CitizenStore for SqliteStore {
    fn citizen_by_id_number(&self, id_number: &str) -> StoreResult<Option<CitizenRecord>> {
        load_citizen(&self.reader(), "id_number", id_number)
    }

    fn citizen(&self, id: Uuid) -> StoreResult<Option<CitizenRecord>> {
        load_citizen(&self.reader(), "id", &id.to_string())
    }

    fn documents(&self, citizen_id: Uuid) -> StoreResult<Vec<Document>> {
        let conn = self.reader();
        let mut statement = conn.prepare_cached(
            "SELECT document_json FROM documents WHERE citizen_id = ?1 ORDER BY id",
        )?;
        let rows = statement
            .query_map(params![citizen_id.to_string()], |row| {
                row.get::<_, String>(0)
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.iter()
            .map(|json| serde_json::from_str(json).map_err(StoreError::from))
            .collect()
    }

    fn seed_citizen(
        &self,
        citizen: &CitizenRecord,
        documents: &[Document],
        inbox: &[InboxItem],
    ) -> StoreResult<bool> {
        self.write(|tx| {
            let inserted = tx.execute(
                "INSERT OR IGNORE INTO citizens (id, id_number, profile_json) VALUES (?1, ?2, ?3)",
                params![
                    citizen.id.to_string(),
                    citizen.profile.id_number,
                    serde_json::to_string(&citizen.profile)?
                ],
            )?;
            if inserted == 0 {
                return Ok(false);
            }
            touch(tx, citizen.id, "profile", &citizen.id.to_string())?;
            for document in documents {
                tx.execute(
                    "INSERT OR IGNORE INTO documents (id, citizen_id, document_json)
                     VALUES (?1, ?2, ?3)",
                    params![
                        document.id.to_string(),
                        citizen.id.to_string(),
                        serde_json::to_string(document)?
                    ],
                )?;
                touch(tx, citizen.id, "document", &document.id.to_string())?;
            }
            for item in inbox {
                insert_inbox(tx, citizen.id, item)?;
            }
            Ok(true)
        })
    }
}

impl AuthStore for SqliteStore {
    fn staff(&self, code: &str) -> StoreResult<Option<StaffRecord>> {
        let conn = self.reader();
        let row = conn
            .query_row(
                "SELECT code, kind, name, organisation, password_hash, agency FROM staff
                 WHERE code = ?1",
                params![code],
                |row| {
                    Ok((
                        row.get::<_, String>(0)?,
                        row.get::<_, String>(1)?,
                        row.get::<_, String>(2)?,
                        row.get::<_, String>(3)?,
                        row.get::<_, String>(4)?,
                        row.get::<_, Option<String>>(5)?,
                    ))
                },
            )
            .optional()?;
        row.map(|(code, kind, name, organisation, password_hash, agency)| {
            Ok(StaffRecord {
                code,
                kind: parse_staff_kind(&kind)?,
                name,
                organisation,
                password_hash,
                agency,
            })
        })
        .transpose()
    }

    fn seed_staff(&self, staff: &StaffRecord) -> StoreResult<bool> {
        self.write(|tx| {
            let inserted = tx.execute(
                "INSERT OR IGNORE INTO staff (code, kind, name, organisation, password_hash, agency)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    staff.code,
                    staff_kind_str(staff.kind),
                    staff.name,
                    staff.organisation,
                    staff.password_hash,
                    staff.agency
                ],
            )?;
            if inserted == 0 {
                tx.execute(
                    "UPDATE staff SET agency = ?2 WHERE code = ?1 AND agency IS NULL",
                    params![staff.code, staff.agency],
                )?;
            }
            Ok(inserted > 0)
        })
    }

    fn issue_otp(
        &self,
        code: &NewOtp,
        limits: &[Limit],
        now: i64,
    ) -> StoreResult<Result<(), LimitReached>> {
        self.write(|tx| {
            prune_limits(tx, now)?;
            if let Some(reached) = reached_limit(tx, limits, now)? {
                return Ok(Err(reached));
            }
            hit_limits(tx, limits, now)?;
            tx.execute(
                "INSERT INTO one_time_codes (purpose, id_number, code_hash, expires_at)
                 VALUES (?1, ?2, ?3, ?4)",
                params![
                    code.purpose.as_str(),
                    code.id_number,
                    code.code_hash,
                    code.expires_at
                ],
            )?;
            Ok(Ok(()))
        })
    }

    fn check_otp(&self, guess: &OtpGuess, now: i64) -> StoreResult<OtpCheck> {
        self.write(|tx| {
            prune_limits(tx, now)?;
            if let Some(reached) = reached_limit(tx, &guess.failure_limits, now)? {
                return Ok(OtpCheck::Limited(reached));
            }
            let newest = tx
                .query_row(
                    "SELECT id, code_hash, expires_at, used FROM one_time_codes
                     WHERE id_number = ?1 AND purpose = ?2 ORDER BY id DESC LIMIT 1",
                    params![guess.id_number, guess.purpose.as_str()],
                    |row| {
                        Ok((
                            row.get::<_, i64>(0)?,
                            row.get::<_, String>(1)?,
                            row.get::<_, i64>(2)?,
                            row.get::<_, bool>(3)?,
                        ))
                    },
                )
                .optional()?;
            if let Some((id, stored_hash, expires_at, used)) = newest
                && !used
                && expires_at > now
                && stored_hash == guess.code_hash
            {
                tx.execute(
                    "UPDATE one_time_codes SET used = 1 WHERE id = ?1",
                    params![id],
                )?;
                return Ok(OtpCheck::Accepted);
            }
            hit_limits(tx, &guess.failure_limits, now)?;
            let counted = bump_counter(tx, &guess.failure_counter, now)?;
            Ok(OtpCheck::Refused { counted })
        })
    }

    fn insert_access_token(&self, token: &AccessTokenRecord) -> StoreResult<()> {
        self.write(|tx| insert_access_token(tx, token))
    }

    fn access_token(&self, token_hash: &str) -> StoreResult<Option<AccessTokenRecord>> {
        let conn = self.reader();
        let row = conn
            .query_row(
                "SELECT subject_kind, subject_id, expires_at FROM access_tokens
                 WHERE token_hash = ?1 AND revoked = 0",
                params![token_hash],
                |row| {
                    Ok((
                        row.get::<_, String>(0)?,
                        row.get::<_, String>(1)?,
                        row.get::<_, i64>(2)?,
                    ))
                },
            )
            .optional()?;
        let Some((kind, subject_id, expires_at)) = row else {
            return Ok(None);
        };
        let subject = match kind.as_str() {
            "citizen" => TokenSubject::Citizen {
                citizen_id: parse_uuid(&subject_id)?,
            },
            "staff" => TokenSubject::Staff { code: subject_id },
            "assisted" => TokenSubject::Assisted {
                session_id: parse_uuid(&subject_id)?,
            },
            other => return Err(StoreError::Database(format!("stored token kind {other}"))),
        };
        Ok(Some(AccessTokenRecord {
            token_hash: token_hash.to_owned(),
            subject,
            expires_at,
        }))
    }

    fn revoke_access_token(&self, token_hash: &str) -> StoreResult<()> {
        self.write(|tx| {
            tx.execute(
                "UPDATE access_tokens SET revoked = 1 WHERE token_hash = ?1",
                params![token_hash],
            )?;
            // A citizen's access token ends its whole sign-in, refresh token included.
            let family: Option<String> = tx
                .query_row(
                    "SELECT family_id FROM access_tokens WHERE token_hash = ?1",
                    params![token_hash],
                    |row| row.get(0),
                )
                .optional()?
                .flatten();
            if let Some(family) = family {
                revoke_family(tx, &family)?;
            }
            Ok(())
        })
    }

    fn insert_sign_in(
        &self,
        access: &AccessTokenRecord,
        refresh: &RefreshTokenRecord,
    ) -> StoreResult<()> {
        self.write(|tx| {
            insert_access_token(tx, access)?;
            tx.execute(
                "UPDATE access_tokens SET family_id = ?2 WHERE token_hash = ?1",
                params![access.token_hash, refresh.family_id.to_string()],
            )?;
            tx.execute(
                "INSERT INTO refresh_tokens (token_hash, family_id, citizen_id, expires_at)
                 VALUES (?1, ?2, ?3, ?4)",
                params![
                    refresh.token_hash,
                    refresh.family_id.to_string(),
                    refresh.citizen_id.to_string(),
                    refresh.expires_at
                ],
            )?;
            Ok(())
        })
    }

    fn rotate_refresh_token(&self, rotation: &Rotation, now: i64) -> StoreResult<RefreshOutcome> {
        // The reuse verdict must survive the transaction, so the family revocation commits
        // even though the answer is a refusal.
        self.write(|tx| {
            let row = tx
                .query_row(
                    "SELECT family_id, citizen_id, expires_at, used, revoked, used_at, grace_used
                     FROM refresh_tokens WHERE token_hash = ?1",
                    params![rotation.old_hash],
                    |row| {
                        Ok((
                            row.get::<_, String>(0)?,
                            row.get::<_, String>(1)?,
                            row.get::<_, i64>(2)?,
                            row.get::<_, bool>(3)?,
                            row.get::<_, bool>(4)?,
                            row.get::<_, Option<i64>>(5)?,
                            row.get::<_, bool>(6)?,
                        ))
                    },
                )
                .optional()?;
            let Some((family_id, citizen_id, expires_at, used, revoked, used_at, grace_used)) = row
            else {
                return Ok(RefreshOutcome::Refused);
            };
            if revoked || expires_at <= now {
                return Ok(RefreshOutcome::Refused);
            }
            if used {
                // The answer to the first rotation may have been lost: the same token once
                // more, soon after, is a retry. Anything else is reuse of a stolen token.
                let retry =
                    !grace_used && used_at.is_some_and(|at| now - at <= rotation.grace_seconds);
                if !retry {
                    revoke_family(tx, &family_id)?;
                    return Ok(RefreshOutcome::Refused);
                }
                tx.execute(
                    "UPDATE refresh_tokens SET grace_used = 1 WHERE token_hash = ?1",
                    params![rotation.old_hash],
                )?;
            } else {
                tx.execute(
                    "UPDATE refresh_tokens SET used = 1, used_at = ?2 WHERE token_hash = ?1",
                    params![rotation.old_hash, now],
                )?;
            }
            tx.execute(
                "INSERT INTO refresh_tokens (token_hash, family_id, citizen_id, expires_at)
                 VALUES (?1, ?2, ?3, ?4)",
                params![
                    rotation.new_hash,
                    family_id,
                    citizen_id,
                    rotation.new_expires_at
                ],
            )?;
            let citizen_id = parse_uuid(&citizen_id)?;
            insert_access_token(
                tx,
                &AccessTokenRecord {
                    token_hash: rotation.access_hash.clone(),
                    subject: TokenSubject::Citizen { citizen_id },
                    expires_at: rotation.access_expires_at,
                },
            )?;
            tx.execute(
                "UPDATE access_tokens SET family_id = ?2 WHERE token_hash = ?1",
                params![rotation.access_hash, family_id],
            )?;
            Ok(RefreshOutcome::Rotated { citizen_id })
        })
    }

    fn revoke_sign_in(&self, refresh_hash: &str) -> StoreResult<()> {
        self.write(|tx| {
            let family: Option<String> = tx
                .query_row(
                    "SELECT family_id FROM refresh_tokens WHERE token_hash = ?1",
                    params![refresh_hash],
                    |row| row.get(0),
                )
                .optional()?;
            if let Some(family) = family {
                revoke_family(tx, &family)?;
            }
            Ok(())
        })
    }

    fn open_assist_session(
        &self,
        session: &AssistSessionRecord,
        token: &AccessTokenRecord,
        opened: &AccessEntry,
        per_hour: u32,
    ) -> StoreResult<SessionOpening> {
        self.write(|tx| {
            let mut statement = tx.prepare_cached(
                "SELECT created_at FROM assist_sessions
                 WHERE staff_code = ?1 AND created_at > ?2 - 3600 AND created_at < ?2 + 3600
                 ORDER BY created_at",
            )?;
            let nearby = statement
                .query_map(params![session.staff_code, session.created_at], |row| {
                    row.get::<_, i64>(0)
                })?
                .collect::<Result<Vec<_>, _>>()?;
            if let Some(retry_after) = hourly_refusal(&nearby, session.created_at, per_hour) {
                return Ok(SessionOpening::Refused { retry_after });
            }
            tx.execute(
                "INSERT INTO assist_sessions (id, staff_code, citizen_id, consent_method,
                    consent_reference, venue_name, venue_unit_code, scopes, created_at, expires_at,
                    recorded_at, device_offset_seconds)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                params![
                    session.id.to_string(),
                    session.staff_code,
                    session.citizen_id.to_string(),
                    session.consent_method,
                    session.consent_reference,
                    session.venue_name,
                    session.venue_unit_code,
                    serde_json::to_string(&session.scopes)?,
                    session.created_at,
                    session.expires_at,
                    session.recorded_at,
                    session.device_offset_seconds
                ],
            )?;
            insert_access_token(tx, token)?;
            insert_access(tx, opened)?;
            Ok(SessionOpening::Opened)
        })
    }

    fn assist_session(&self, id: Uuid) -> StoreResult<Option<AssistSessionRecord>> {
        let conn = self.reader();
        let row = conn
            .query_row(
                "SELECT staff_code, citizen_id, consent_method, consent_reference, venue_name,
                        venue_unit_code, created_at, expires_at, ended_at, scopes, recorded_at,
                        device_offset_seconds
                 FROM assist_sessions WHERE id = ?1",
                params![id.to_string()],
                |row| {
                    Ok((
                        row.get::<_, String>(0)?,
                        row.get::<_, String>(1)?,
                        row.get::<_, String>(2)?,
                        row.get::<_, Option<String>>(3)?,
                        row.get::<_, String>(4)?,
                        row.get::<_, Option<String>>(5)?,
                        row.get::<_, i64>(6)?,
                        row.get::<_, i64>(7)?,
                        row.get::<_, Option<i64>>(8)?,
                        row.get::<_, String>(9)?,
                        row.get::<_, i64>(10)?,
                        row.get::<_, Option<i64>>(11)?,
                    ))
                },
            )
            .optional()?;
        row.map(
            |(
                staff_code,
                citizen_id,
                consent_method,
                consent_reference,
                venue_name,
                venue_unit_code,
                created_at,
                expires_at,
                ended_at,
                scopes,
                recorded_at,
                device_offset_seconds,
            )| {
                Ok(AssistSessionRecord {
                    id,
                    staff_code,
                    citizen_id: parse_uuid(&citizen_id)?,
                    consent_method,
                    consent_reference,
                    venue_name,
                    venue_unit_code,
                    scopes: serde_json::from_str(&scopes)?,
                    created_at,
                    expires_at,
                    ended_at,
                    recorded_at,
                    device_offset_seconds,
                })
            },
        )
        .transpose()
    }

    fn end_assist_session(&self, id: Uuid, now: i64) -> StoreResult<()> {
        self.write(|tx| {
            tx.execute(
                "UPDATE assist_sessions SET ended_at = ?2 WHERE id = ?1 AND ended_at IS NULL",
                params![id.to_string(), now],
            )?;
            Ok(())
        })
    }
}

/// Revokes every refresh and access token of one sign-in.
fn revoke_family(tx: &Connection, family_id: &str) -> StoreResult<()> {
    tx.execute(
        "UPDATE refresh_tokens SET revoked = 1 WHERE family_id = ?1",
        params![family_id],
    )?;
    tx.execute(
        "UPDATE access_tokens SET revoked = 1 WHERE family_id = ?1",
        params![family_id],
    )?;
    Ok(())
}

/// Forgets hits and counters whose window has passed, so the limit tables stay bounded by
/// the traffic of their longest window.
fn prune_limits(tx: &Connection, now: i64) -> StoreResult<usize> {
    let hits = tx.execute(
        "DELETE FROM rate_limit_hits WHERE expires_at <= ?1",
        params![now],
    )?;
    let counters = tx.execute(
        "DELETE FROM rate_limit_counters WHERE expires_at <= ?1",
        params![now],
    )?;
    Ok(hits + counters)
}

/// The first of `limits` that is used up at `now`, with the longest wait among them.
fn reached_limit(tx: &Connection, limits: &[Limit], now: i64) -> StoreResult<Option<LimitReached>> {
    let mut longest: Option<LimitReached> = None;
    for limit in limits {
        let since = now - limit.window_seconds;
        let count: i64 = tx.query_row(
            "SELECT COUNT(*) FROM rate_limit_hits WHERE key = ?1 AND at > ?2",
            params![limit.key, since],
            |row| row.get(0),
        )?;
        if count < i64::from(limit.max) {
            continue;
        }
        // A hit fits again once the hit that makes the count reach the limit has left the
        // window.
        let leaving: i64 = tx.query_row(
            "SELECT at FROM rate_limit_hits WHERE key = ?1 AND at > ?2
             ORDER BY at LIMIT 1 OFFSET ?3",
            params![limit.key, since, count - i64::from(limit.max)],
            |row| row.get(0),
        )?;
        let wait = u64::try_from((leaving + limit.window_seconds - now).max(1)).unwrap_or(1);
        if longest.is_none_or(|reached| reached.retry_after < wait) {
            longest = Some(LimitReached { retry_after: wait });
        }
    }
    Ok(longest)
}

/// Hits every limit once at `now`; returns the hits' ids.
fn hit_limits(tx: &Connection, limits: &[Limit], now: i64) -> StoreResult<Vec<i64>> {
    let mut ids = Vec::with_capacity(limits.len());
    for limit in limits {
        ids.push(tx.query_row(
            "INSERT INTO rate_limit_hits (key, at, expires_at) VALUES (?1, ?2, ?3) RETURNING id",
            params![limit.key, now, now + limit.window_seconds],
            |row| row.get(0),
        )?);
    }
    Ok(ids)
}

/// Counts one event in the counter's current window; returns the window's count.
fn bump_counter(tx: &Connection, counter: &Counter, now: i64) -> StoreResult<u64> {
    let window = counter.window_seconds.max(1);
    let start = now - now.rem_euclid(window);
    let count: i64 = tx.query_row(
        "INSERT INTO rate_limit_counters (key, window_start, count, expires_at)
         VALUES (?1, ?2, 1, ?3)
         ON CONFLICT(key, window_start) DO UPDATE SET count = count + 1 RETURNING count",
        params![counter.key, start, start + window],
        |row| row.get(0),
    )?;
    Ok(u64::try_from(count).unwrap_or(0))
}

impl LimitStore for SqliteStore {
    fn take_limits(
        &self,
        limits: &[Limit],
        now: i64,
    ) -> StoreResult<Result<Vec<i64>, LimitReached>> {
        self.write(|tx| {
            prune_limits(tx, now)?;
            if let Some(reached) = reached_limit(tx, limits, now)? {
                return Ok(Err(reached));
            }
            Ok(Ok(hit_limits(tx, limits, now)?))
        })
    }

    fn release_hits(&self, ids: &[i64]) -> StoreResult<()> {
        self.write(|tx| {
            for id in ids {
                tx.execute("DELETE FROM rate_limit_hits WHERE id = ?1", params![id])?;
            }
            Ok(())
        })
    }

    fn prune_expired(&self, now: i64) -> StoreResult<usize> {
        self.write(|tx| {
            let limits = prune_limits(tx, now)?;
            let codes = tx.execute(
                "DELETE FROM one_time_codes WHERE expires_at <= ?1",
                params![now],
            )?;
            Ok(limits + codes)
        })
    }
}

fn insert_access_token(tx: &Connection, token: &AccessTokenRecord) -> StoreResult<()> {
    let (kind, subject_id) = match &token.subject {
        TokenSubject::Citizen { citizen_id } => ("citizen", citizen_id.to_string()),
        TokenSubject::Staff { code } => ("staff", code.clone()),
        TokenSubject::Assisted { session_id } => ("assisted", session_id.to_string()),
    };
    tx.execute(
        "INSERT INTO access_tokens (token_hash, subject_kind, subject_id, expires_at)
         VALUES (?1, ?2, ?3, ?4)",
        params![token.token_hash, kind, subject_id, token.expires_at],
    )?;
    Ok(())
}

/// Why a staff member whose sessions were opened at `nearby` (within an hour either side of
/// `opened_at`, ascending) may not open one more at `opened_at`: some hour-long window holding
/// `opened_at` would hold more than `per_hour`. Returns the seconds after which a session opened
/// now could open (for one recorded later the hour it was opened stays full).
fn hourly_refusal(nearby: &[i64], opened_at: i64, per_hour: u32) -> Option<u64> {
    let limit = usize::try_from(per_hour).unwrap_or(usize::MAX);
    // Every window (end - 3600, end] with opened_at inside it; the fullest ends at a session.
    let crowded = std::iter::once(opened_at)
        .chain(nearby.iter().copied().filter(|at| *at >= opened_at))
        .any(|end| {
            let inside = nearby
                .iter()
                .filter(|at| **at > end - 3600 && **at <= end)
                .count();
            inside + 1 > limit
        });
    if !crowded {
        return None;
    }
    let before: Vec<i64> = nearby
        .iter()
        .copied()
        .filter(|at| *at <= opened_at)
        .collect();
    let wait = before
        .len()
        .checked_sub(limit)
        .and_then(|index| before.get(index))
        .map_or(1, |oldest| oldest + 3600 - opened_at);
    Some(u64::try_from(wait.clamp(1, 3600)).unwrap_or(1))
}

fn action_str(action: AccessAction) -> &'static str {
    match action {
        AccessAction::SessionOpened => "session_opened",
        AccessAction::Read => "read",
        AccessAction::Submitted => "submitted",
    }
}

fn resource_str(resource: AccessResource) -> &'static str {
    match resource {
        AccessResource::Session => "session",
        AccessResource::Profile => "profile",
        AccessResource::Documents => "documents",
        AccessResource::Applications => "applications",
        AccessResource::Application => "application",
        AccessResource::Attachment => "attachment",
        AccessResource::Changes => "changes",
    }
}

fn consent_str(consent: ConsentMethod) -> &'static str {
    match consent {
        ConsentMethod::Otp => "otp",
        ConsentMethod::Paper => "paper",
    }
}

/// A stored enum value of the access log, read back through its serde name.
fn parse_enum<T: serde::de::DeserializeOwned>(text: String) -> StoreResult<T> {
    serde_json::from_value(serde_json::Value::String(text)).map_err(StoreError::from)
}

/// Appends `entry` to the access log. An application is named by its code, and only when it is
/// the citizen's: the log of one citizen never names another's application.
fn insert_access(tx: &Connection, entry: &AccessEntry) -> StoreResult<()> {
    let mut resource_ref = entry.resource_ref.clone();
    let mut application_id = None;
    if let Some(id) = entry.application_id {
        let code = tx
            .query_row(
                "SELECT code FROM applications WHERE id = ?1 AND citizen_id = ?2",
                params![id.to_string(), entry.citizen_id.to_string()],
                |row| row.get::<_, String>(0),
            )
            .optional()?;
        application_id = code.is_some().then(|| id.to_string());
        resource_ref = code;
    }
    tx.execute(
        "INSERT INTO access_log (id, citizen_id, at, action, resource, resource_ref,
            application_id, staff_code, staff_name, staff_kind, staff_organisation, venue_name,
            venue_unit_code, session_id, consent)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        params![
            entry.id.to_string(),
            entry.citizen_id.to_string(),
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
            entry.session_id.to_string(),
            consent_str(entry.consent),
        ],
    )?;
    Ok(())
}

impl AccessLogStore for SqliteStore {
    fn record_access(&self, entry: &AccessEntry) -> StoreResult<()> {
        self.write(|tx| insert_access(tx, entry))
    }

    fn access_log(
        &self,
        citizen_id: Uuid,
        before: Option<AccessLogPosition>,
        limit: usize,
    ) -> StoreResult<AccessLogPage> {
        let conn = self.reader();
        let mut statement = conn.prepare_cached(
            "SELECT seq, id, at, action, resource, resource_ref, application_id, staff_code,
                    staff_name, staff_kind, staff_organisation, venue_name, venue_unit_code,
                    session_id, consent
             FROM access_log
             WHERE citizen_id = ?1 AND (at < ?2 OR (at = ?2 AND seq < ?3))
             ORDER BY at DESC, seq DESC LIMIT ?4",
        )?;
        let start = before.unwrap_or(AccessLogPosition {
            at: i64::MAX,
            seq: i64::MAX,
        });
        let fetch = i64::try_from(limit + 1).map_err(|e| StoreError::Database(e.to_string()))?;
        let rows = statement
            .query_map(
                params![citizen_id.to_string(), start.at, start.seq, fetch],
                |row| {
                    Ok((
                        (
                            row.get::<_, i64>(0)?,
                            row.get::<_, String>(1)?,
                            row.get::<_, i64>(2)?,
                            row.get::<_, String>(3)?,
                            row.get::<_, String>(4)?,
                            row.get::<_, Option<String>>(5)?,
                            row.get::<_, Option<String>>(6)?,
                        ),
                        (
                            row.get::<_, String>(7)?,
                            row.get::<_, String>(8)?,
                            row.get::<_, String>(9)?,
                            row.get::<_, String>(10)?,
                            row.get::<_, String>(11)?,
                            row.get::<_, Option<String>>(12)?,
                            row.get::<_, String>(13)?,
                            row.get::<_, String>(14)?,
                        ),
                    ))
                },
            )?
            .collect::<Result<Vec<_>, _>>()?;
        let more = rows.len() > limit;
        let mut page = AccessLogPage::default();
        for (
            (seq, id, at, action, resource, resource_ref, application_id),
            (code, name, kind, organisation, venue, unit_code, session_id, consent),
        ) in rows.into_iter().take(limit)
        {
            page.next = Some(AccessLogPosition { at, seq });
            page.entries.push(AccessEntry {
                id: parse_uuid(&id)?,
                citizen_id,
                at,
                action: parse_enum(action)?,
                resource: parse_enum(resource)?,
                resource_ref,
                application_id: application_id.as_deref().map(parse_uuid).transpose()?,
                staff: AccessStaff {
                    code,
                    name,
                    kind: parse_staff_kind(&kind)?,
                    organisation,
                },
                venue: AssistVenue {
                    name: venue,
                    unit_code,
                },
                session_id: parse_uuid(&session_id)?,
                consent: parse_enum(consent)?,
            });
        }
        if !more {
            page.next = None;
        }
        Ok(page)
    }

    fn submitted_in_session(&self, session_id: Uuid, application_id: Uuid) -> StoreResult<bool> {
        let conn = self.reader();
        let mut statement = conn.prepare_cached(
            "SELECT 1 FROM access_log
             WHERE session_id = ?1 AND application_id = ?2 AND action = 'submitted'
               AND resource = 'application'",
        )?;
        Ok(statement.exists(params![session_id.to_string(), application_id.to_string()])?)
    }
}

impl AttachmentStore for SqliteStore {
    fn put_attachment(
        &self,
        upload: NewUpload,
        quota_bytes: u64,
    ) -> StoreResult<(Attachment, bool)> {
        self.write(|tx| {
            let size = i64::try_from(upload.content.len())
                .map_err(|e| StoreError::Database(e.to_string()))?;
            let held = tx
                .prepare_cached(
                    "SELECT 1 FROM attachments WHERE citizen_id = ?1 AND attachment_id = ?2",
                )?
                .exists(params![upload.citizen_id.to_string(), upload.id])?;
            if !held {
                let used: i64 = tx.query_row(
                    "SELECT COALESCE(SUM(contents.size), 0) FROM attachments
                     JOIN attachment_contents AS contents ON contents.id = attachments.attachment_id
                     WHERE attachments.citizen_id = ?1",
                    params![upload.citizen_id.to_string()],
                    |row| row.get(0),
                )?;
                let after = u64::try_from(used.saturating_add(size)).unwrap_or(u64::MAX);
                if after > quota_bytes {
                    return Err(StoreError::Refused(ApiError::new(
                        ErrorCode::QuotaExceeded,
                        format!(
                            "This file would take your uploads to {after} bytes, over your quota \
                             of {quota_bytes} bytes. Files no application uses are deleted 30 days \
                             after their upload."
                        ),
                    )));
                }
            }
            tx.execute(
                "INSERT OR IGNORE INTO attachment_contents (id, size, content) VALUES (?1, ?2, ?3)",
                params![upload.id, size, upload.content],
            )?;
            let inserted = tx.execute(
                "INSERT OR IGNORE INTO attachments (attachment_id, citizen_id, content_type,
                    file_name, uploaded_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    upload.id,
                    upload.citizen_id.to_string(),
                    upload.content_type,
                    upload.file_name,
                    upload.uploaded_at.to_rfc3339()
                ],
            )?;
            if inserted > 0 {
                if let Some(item) = upload.late_item {
                    count_late_item(tx, item)?;
                }
                if let Some(entry) = &upload.access {
                    insert_access(tx, entry)?;
                }
            }
            let (content_type, file_name, uploaded_at) = tx.query_row(
                "SELECT content_type, file_name, uploaded_at FROM attachments
                 WHERE citizen_id = ?1 AND attachment_id = ?2",
                params![upload.citizen_id.to_string(), upload.id],
                |row| {
                    Ok((
                        row.get::<_, String>(0)?,
                        row.get::<_, Option<String>>(1)?,
                        row.get::<_, String>(2)?,
                    ))
                },
            )?;
            Ok((
                Attachment {
                    id: upload.id.clone(),
                    size: upload.content.len() as u64,
                    content_type,
                    file_name,
                    uploaded_at: parse_time(&uploaded_at)?,
                },
                inserted > 0,
            ))
        })
    }

    fn collect_attachments(&self, uploaded_before: i64) -> StoreResult<CollectedFiles> {
        self.write(|tx| {
            // The uploads each citizen's applications and supplements refer to.
            let referenced = "
                SELECT applications.citizen_id AS citizen_id,
                       json_extract(refs.value, '$.attachmentId') AS attachment_id
                FROM applications, json_each(applications.attachments_json) AS refs
                WHERE json_extract(refs.value, '$.source') = 'upload'
                UNION
                SELECT applications.citizen_id,
                       json_extract(refs.value, '$.attachmentId')
                FROM supplements
                JOIN applications ON applications.id = supplements.application_id,
                     json_each(supplements.supplement_json, '$.attachments') AS refs
                WHERE json_extract(refs.value, '$.source') = 'upload'";
            let uploads = tx.execute(
                &format!(
                    "DELETE FROM attachments
                     WHERE unixepoch(uploaded_at) < ?1
                       AND NOT EXISTS (
                         SELECT 1 FROM ({referenced}) AS used
                         WHERE used.citizen_id = attachments.citizen_id
                           AND used.attachment_id = attachments.attachment_id)"
                ),
                params![uploaded_before],
            )?;
            let files = tx.execute(
                "DELETE FROM attachment_contents
                 WHERE NOT EXISTS (SELECT 1 FROM attachments
                                   WHERE attachments.attachment_id = attachment_contents.id)",
                [],
            )?;
            Ok(CollectedFiles { uploads, files })
        })
    }

    fn owned_attachments(&self, citizen_id: Uuid, ids: &[String]) -> StoreResult<Vec<String>> {
        let conn = self.reader();
        let mut statement = conn.prepare_cached(
            "SELECT 1 FROM attachments WHERE citizen_id = ?1 AND attachment_id = ?2",
        )?;
        let mut owned = Vec::new();
        for id in ids {
            if statement.exists(params![citizen_id.to_string(), id])? {
                owned.push(id.clone());
            }
        }
        Ok(owned)
    }
}

fn apply_change(
    tx: &Connection,
    citizen_id: Uuid,
    current: &Application,
    change: &ApplicationChange,
    now: DateTime<FixedOffset>,
) -> StoreResult<()> {
    let id = current.id.to_string();
    for (status, actor, note) in &change.entries {
        insert_timeline_entry(tx, current.id, *status, now, actor, note.as_deref())?;
        tx.execute(
            "UPDATE applications SET status = ?2 WHERE id = ?1",
            params![id, status.as_str()],
        )?;
    }
    if let Some(delivery) = &change.delivery {
        tx.execute(
            "UPDATE applications SET delivery_json = ?2 WHERE id = ?1",
            params![id, serde_json::to_string(delivery)?],
        )?;
    }
    if let Some(supplement) = &change.supplement {
        tx.execute(
            "INSERT INTO supplements (id, application_id, supplement_json) VALUES (?1, ?2, ?3)",
            params![
                supplement.id.to_string(),
                id,
                serde_json::to_string(supplement)?
            ],
        )?;
    }
    if let Some(rating) = &change.rating {
        tx.execute(
            "UPDATE applications SET rating_json = ?2 WHERE id = ?1",
            params![id, serde_json::to_string(rating)?],
        )?;
    }
    for item in &change.inbox {
        insert_inbox(tx, citizen_id, item)?;
    }
    if let Some(entry) = &change.access {
        insert_access(
            tx,
            &AccessEntry {
                application_id: Some(current.id),
                ..entry.clone()
            },
        )?;
    }
    tx.execute(
        "UPDATE applications SET updated_at = ?2 WHERE id = ?1",
        params![id, now.to_rfc3339()],
    )?;
    touch(tx, citizen_id, "application", &id)?;
    Ok(())
}

fn owner_of(conn: &Connection, id: Uuid) -> StoreResult<Option<Uuid>> {
    conn.query_row(
        "SELECT citizen_id FROM applications WHERE id = ?1",
        params![id.to_string()],
        |row| row.get::<_, String>(0),
    )
    .optional()?
    .map(|text| parse_uuid(&text))
    .transpose()
}

fn application_ids(conn: &Connection, sql: &str, param: &str) -> StoreResult<Vec<Uuid>> {
    let mut statement = conn.prepare_cached(sql)?;
    let ids = statement
        .query_map(params![param], |row| row.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    ids.iter().map(|id| parse_uuid(id)).collect()
}

impl ApplicationStore for SqliteStore {
    fn stored_response(&self, scope: &str) -> StoreResult<Option<StoredResponse>> {
        let conn = self.reader();
        Ok(conn
            .query_row(
                "SELECT request_hash, status, body FROM idempotency_keys WHERE scope = ?1",
                params![scope],
                |row| {
                    Ok(StoredResponse {
                        request_hash: row.get(0)?,
                        status: row.get(1)?,
                        body: row.get(2)?,
                    })
                },
            )
            .optional()?)
    }

    fn create_application(
        &self,
        draft: ApplicationDraft,
        idempotency: Option<IdempotencyRecord>,
    ) -> StoreResult<Application> {
        self.write(|tx| {
            let code = insert_application(tx, &draft)?;
            let application = created_application(draft, code);
            store_response(tx, idempotency, &application)?;
            Ok(application)
        })
    }

    fn change_application(
        &self,
        citizen_id: Option<Uuid>,
        id: Uuid,
        decide: ChangeDecision,
        now: DateTime<FixedOffset>,
        idempotency: Option<IdempotencyRecord>,
    ) -> StoreResult<Application> {
        self.write(|tx| {
            let current = load_application(tx, citizen_id, id)?
                .ok_or_else(|| StoreError::Refused(ApiError::not_found("No such application.")))?;
            let owner = owner_of(tx, id)?
                .ok_or_else(|| StoreError::Refused(ApiError::not_found("No such application.")))?;
            let change = decide(&current)?;
            apply_change(tx, owner, &current, &change, now)?;
            let application = load_application(tx, None, id)?
                .ok_or_else(|| StoreError::Database("changed application vanished".into()))?;
            store_response(tx, idempotency, &application)?;
            Ok(application)
        })
    }

    fn application(&self, citizen_id: Option<Uuid>, id: Uuid) -> StoreResult<Option<Application>> {
        load_application(&self.reader(), citizen_id, id)
    }

    fn application_by_code(&self, code: &str) -> StoreResult<Option<Application>> {
        let conn = self.reader();
        let id = conn
            .query_row(
                "SELECT id FROM applications WHERE code = ?1",
                params![code],
                |row| row.get::<_, String>(0),
            )
            .optional()?;
        match id {
            None => Ok(None),
            Some(id) => load_application(&conn, None, parse_uuid(&id)?),
        }
    }

    fn citizen_of_application(&self, id: Uuid) -> StoreResult<Option<Uuid>> {
        owner_of(&self.reader(), id)
    }

    fn applications(&self, citizen_id: Uuid) -> StoreResult<Vec<Application>> {
        let conn = self.reader();
        let ids = application_ids(
            &conn,
            "SELECT id FROM applications WHERE citizen_id = ?1 ORDER BY submitted_at DESC, code DESC",
            &citizen_id.to_string(),
        )?;
        ids.into_iter()
            .filter_map(|id| load_application(&conn, None, id).transpose())
            .collect()
    }

    fn applications_by_status(
        &self,
        status: Option<ApplicationStatus>,
    ) -> StoreResult<Vec<Application>> {
        let conn = self.reader();
        let ids = match status {
            Some(status) => application_ids(
                &conn,
                "SELECT id FROM applications WHERE status = ?1 ORDER BY submitted_at, code",
                status.as_str(),
            )?,
            None => application_ids(
                &conn,
                "SELECT id FROM applications WHERE ?1 = ?1 ORDER BY submitted_at, code",
                "",
            )?,
        };
        ids.into_iter()
            .filter_map(|id| load_application(&conn, None, id).transpose())
            .collect()
    }

    fn seed_application(
        &self,
        draft: ApplicationDraft,
        history: Vec<(
            ApplicationStatus,
            DateTime<FixedOffset>,
            Actor,
            Option<String>,
        )>,
    ) -> StoreResult<bool> {
        self.write(|tx| {
            if owner_of(tx, draft.id)?.is_some() {
                return Ok(false);
            }
            insert_application(tx, &draft)?;
            let mut last = draft.submitted_at;
            for (status, at, actor, note) in &history {
                insert_timeline_entry(tx, draft.id, *status, *at, actor, note.as_deref())?;
                tx.execute(
                    "UPDATE applications SET status = ?2 WHERE id = ?1",
                    params![draft.id.to_string(), status.as_str()],
                )?;
                last = *at;
            }
            tx.execute(
                "UPDATE applications SET updated_at = ?2 WHERE id = ?1",
                params![draft.id.to_string(), last.to_rfc3339()],
            )?;
            Ok(true)
        })
    }

    fn sync_page(&self, citizen_id: Uuid, after: i64, limit: usize) -> StoreResult<SyncPage> {
        let conn = self.reader();
        let mut statement = conn.prepare_cached(
            "SELECT seq, entity_kind, entity_id FROM change_log
             WHERE citizen_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
        )?;
        let fetch = i64::try_from(limit + 1).map_err(|e| StoreError::Database(e.to_string()))?;
        let mut rows = statement
            .query_map(params![citizen_id.to_string(), after, fetch], |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut page = SyncPage {
            last_seq: after,
            has_more: rows.len() > limit,
            ..SyncPage::default()
        };
        rows.truncate(limit);
        for (seq, kind, entity_id) in rows {
            page.last_seq = seq;
            match kind.as_str() {
                "profile" => {
                    page.profile =
                        load_citizen(&conn, "id", &citizen_id.to_string())?.map(|c| c.profile);
                }
                "application" => {
                    if let Some(application) =
                        load_application(&conn, Some(citizen_id), parse_uuid(&entity_id)?)?
                    {
                        page.applications.push(application);
                    }
                }
                "document" => {
                    let json = conn
                        .query_row(
                            "SELECT document_json FROM documents WHERE id = ?1",
                            params![entity_id],
                            |row| row.get::<_, String>(0),
                        )
                        .optional()?;
                    if let Some(json) = json {
                        page.documents.push(serde_json::from_str(&json)?);
                    }
                }
                "inbox" => {
                    let json = conn
                        .query_row(
                            "SELECT item_json FROM inbox_items WHERE id = ?1",
                            params![entity_id],
                            |row| row.get::<_, String>(0),
                        )
                        .optional()?;
                    if let Some(json) = json {
                        page.inbox.push(serde_json::from_str(&json)?);
                    }
                }
                other => return Err(StoreError::Database(format!("change log kind {other}"))),
            }
        }
        Ok(page)
    }

    fn purge_idempotency(&self, before: i64) -> StoreResult<usize> {
        self.write(|tx| {
            Ok(tx.execute(
                "DELETE FROM idempotency_keys WHERE created_at < ?1",
                params![before],
            )?)
        })
    }
}

impl OutboxStore for SqliteStore {
    fn record_message(&self, message: &DevMessage) -> StoreResult<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO dev_messages (recipient, channel, body, sent_at) VALUES (?1, ?2, ?3, ?4)",
                params![message.to, message.channel, message.body, message.sent_at.to_rfc3339()],
            )?;
            Ok(())
        })
    }

    fn messages(&self) -> StoreResult<Vec<DevMessage>> {
        let conn = self.reader();
        let mut statement = conn.prepare_cached(
            "SELECT recipient, channel, body, sent_at FROM dev_messages ORDER BY id",
        )?;
        let rows = statement
            .query_map([], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, String>(3)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(to, channel, body, sent_at)| {
                Ok(DevMessage {
                    to,
                    channel,
                    body,
                    sent_at: parse_time(&sent_at)?,
                })
            })
            .collect()
    }
}

impl EventStore for SqliteStore {
    fn latest_change(&self) -> StoreResult<i64> {
        let conn = self.reader();
        Ok(
            conn.query_row("SELECT COALESCE(MAX(seq), 0) FROM change_log", [], |row| {
                row.get::<_, i64>(0)
            })?,
        )
    }

    fn changes_after(&self, after: i64, limit: usize) -> StoreResult<Vec<ChangeRow>> {
        let conn = self.reader();
        let mut statement = conn.prepare_cached(
            "SELECT seq, citizen_id, entity_kind, entity_id FROM change_log
             WHERE seq > ?1 ORDER BY seq LIMIT ?2",
        )?;
        let limit = i64::try_from(limit).map_err(|e| StoreError::Database(e.to_string()))?;
        let rows = statement
            .query_map(params![after, limit], change_row)?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter().map(finish_change_row).collect()
    }

    fn citizen_changes_after(
        &self,
        citizen_id: Uuid,
        after: i64,
        limit: usize,
    ) -> StoreResult<Vec<ChangeRow>> {
        let conn = self.reader();
        let mut statement = conn.prepare_cached(
            "SELECT seq, citizen_id, entity_kind, entity_id FROM change_log
             WHERE citizen_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
        )?;
        let limit = i64::try_from(limit).map_err(|e| StoreError::Database(e.to_string()))?;
        let rows = statement
            .query_map(params![citizen_id.to_string(), after, limit], change_row)?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter().map(finish_change_row).collect()
    }

    fn documents_with_expiry(&self) -> StoreResult<Vec<(Uuid, Document)>> {
        let conn = self.reader();
        let mut statement = conn.prepare_cached(
            "SELECT citizen_id, document_json FROM documents
             WHERE json_extract(document_json, '$.expiresOn') IS NOT NULL",
        )?;
        let rows = statement
            .query_map([], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(citizen, json)| Ok((parse_uuid(&citizen)?, serde_json::from_str(&json)?)))
            .collect()
    }

    fn add_inbox_once(&self, citizen_id: Uuid, item: &InboxItem) -> StoreResult<bool> {
        self.write(|tx| {
            let exists = tx
                .query_row(
                    "SELECT 1 FROM inbox_items WHERE id = ?1",
                    params![item.id.to_string()],
                    |_| Ok(()),
                )
                .optional()?
                .is_some();
            if exists {
                return Ok(false);
            }
            insert_inbox(tx, citizen_id, item)?;
            Ok(true)
        })
    }
}

type RawChangeRow = (i64, String, String, String);

fn change_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<RawChangeRow> {
    Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
}

fn finish_change_row(
    (seq, citizen, entity_kind, entity_id): RawChangeRow,
) -> StoreResult<ChangeRow> {
    Ok(ChangeRow {
        seq,
        citizen_id: parse_uuid(&citizen)?,
        entity_kind,
        entity_id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::{otp_hash, token_hash};
    use crate::store::OtpPurpose;

    struct Scratch {
        dir: std::path::PathBuf,
        store: SqliteStore,
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }

    fn scratch() -> Scratch {
        let dir = std::env::temp_dir().join(format!("opendvc-store-{}", Uuid::now_v7()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let store = SqliteStore::open(&dir.join("portal.db")).expect("store opens");
        Scratch { dir, store }
    }

    fn citizen(store: &SqliteStore) -> Uuid {
        let id = Uuid::now_v7();
        let profile: opendvc_api::Profile = serde_json::from_value(serde_json::json!({
            "idNumber": "048090009999", "fullName": "Test Citizen", "birthDate": "1990-01-01",
            "gender": "other", "phone": "+84905009999", "language": "vi",
            "address": {"provinceCode": "48", "unitCode": "20194", "street": "1 Test"},
            "updatedAt": "2026-11-29T09:00:00+07:00"
        }))
        .expect("profile parses");
        store
            .seed_citizen(&CitizenRecord { id, profile }, &[], &[])
            .expect("citizen inserted");
        id
    }

    fn read_entry(citizen_id: Uuid, at: i64) -> AccessEntry {
        AccessEntry {
            id: Uuid::now_v7(),
            citizen_id,
            at,
            action: AccessAction::Read,
            resource: AccessResource::Profile,
            resource_ref: None,
            application_id: None,
            staff: AccessStaff {
                code: "BDDN-HC-01".into(),
                name: "Phạm Thị Hoa".into(),
                kind: StaffKind::Agent,
                organisation: "Bưu điện phường Hải Châu".into(),
            },
            venue: AssistVenue {
                name: "Bưu điện phường Hải Châu".into(),
                unit_code: None,
            },
            session_id: Uuid::now_v7(),
            consent: ConsentMethod::Otp,
        }
    }

    #[test]
    fn the_access_log_refuses_every_change_and_deletion() {
        let scratch = scratch();
        let store = &scratch.store;
        let citizen_id = citizen(store);
        store
            .record_access(&read_entry(citizen_id, 1_790_000_000))
            .expect("an entry is appended");
        let connection = lock(&store.writer);
        for statement in [
            "UPDATE access_log SET staff_code = 'someone-else'",
            "UPDATE access_log SET at = 0",
            "DELETE FROM access_log",
        ] {
            let error = connection
                .execute(statement, [])
                .expect_err("the access log is append-only");
            assert!(
                error.to_string().contains("append-only"),
                "{statement} is refused by the log itself: {error}"
            );
        }
        let left: i64 = connection
            .query_row("SELECT count(*) FROM access_log", [], |row| row.get(0))
            .expect("counted");
        assert_eq!(left, 1, "the entry is still there, unchanged");
    }

    #[test]
    fn the_access_log_pages_newest_first_by_time_of_access() {
        let scratch = scratch();
        let store = &scratch.store;
        let citizen_id = citizen(store);
        // Appended out of time order, as a session recorded later is.
        for at in [100, 300, 200, 300, 50] {
            store
                .record_access(&read_entry(citizen_id, 1_790_000_000 + at))
                .expect("appended");
        }
        let mut times = Vec::new();
        let mut before = None;
        loop {
            let page = store.access_log(citizen_id, before, 2).expect("a page");
            assert!(page.entries.len() <= 2);
            times.extend(page.entries.iter().map(|entry| entry.at - 1_790_000_000));
            match page.next {
                Some(next) => before = Some(next),
                None => break,
            }
        }
        assert_eq!(
            times,
            vec![300, 300, 200, 100, 50],
            "newest first, none twice"
        );
        let other = citizen(store);
        assert!(
            store
                .access_log(other, None, 10)
                .expect("a page")
                .entries
                .is_empty(),
            "another citizen's log is their own"
        );
    }

    /// `check(nearby, opened_at, refused)` for a limit of 3 an hour.
    fn check(nearby: &[i64], opened_at: i64, refused: bool) {
        assert_eq!(
            hourly_refusal(nearby, opened_at, 3).is_some(),
            refused,
            "sessions at {nearby:?}, one more at {opened_at}"
        );
    }

    #[test]
    fn no_hour_of_opening_holds_more_sessions_than_the_limit() {
        check(&[], 10_000, false);
        check(&[7_000, 8_000], 10_000, false);
        check(&[7_000, 8_000, 9_000], 10_000, true);
        check(&[6_400, 8_000, 9_000], 10_000, false);
        // Recorded later, before sessions already recorded: the hour after counts too.
        check(&[10_500, 11_000, 12_000], 10_000, true);
        check(&[9_000, 12_000, 13_500], 10_000, false);
        assert_eq!(
            hourly_refusal(&[7_000, 8_000, 9_000], 10_000, 3),
            Some(600),
            "a session opened now may open once the oldest of the hour is an hour old"
        );
    }

    #[test]
    fn the_portal_commits_with_synchronous_full() {
        let scratch = scratch();
        let store = &scratch.store;
        let connections = std::iter::once(&store.writer).chain(store.readers.iter());
        for (index, connection) in connections.enumerate() {
            let connection = lock(connection);
            let synchronous: i64 = connection
                .pragma_query_value(None, "synchronous", |row| row.get(0))
                .expect("synchronous reads");
            let journal: String = connection
                .pragma_query_value(None, "journal_mode", |row| row.get(0))
                .expect("journal_mode reads");
            assert_eq!(
                (synchronous, journal.as_str()),
                (2, "wal"),
                "connection {index} commits with synchronous=FULL (2) in WAL mode, so an \
                 acknowledged submission survives a power cut"
            );
        }
    }

    #[test]
    fn a_created_application_reads_back_exactly_as_answered() {
        let scratch = scratch();
        let store = &scratch.store;
        let citizen_id = citizen(store);
        let at = DateTime::parse_from_rfc3339("2026-11-27T10:15:30.123456789+07:00").expect("time");
        let draft: ApplicationDraft = ApplicationDraft {
            id: Uuid::now_v7(),
            citizen_id,
            code_prefix: "000.00.48.H17-261127".into(),
            procedure_id: "id-card-renewal".into(),
            procedure_name: opendvc_api::LocalizedText {
                vi: "Cấp đổi thẻ căn cước".into(),
                en: "ID card renewal".into(),
                id: None,
            },
            channel: opendvc_api::Channel::Assisted,
            submitted_by: Some(opendvc_api::SubmittedBy {
                staff_code: "BD-HC-001".into(),
                staff_kind: StaffKind::Agent,
                venue: "Bưu điện Hải Châu".into(),
            }),
            submitted_at: at,
            due_at: at,
            processing_days: 4,
            form: [("fullName".to_owned(), "Nguyễn Thị Lan".to_owned())].into(),
            attachments: Vec::new(),
            delivery: serde_json::from_value(serde_json::json!({
                "method": "counter", "fee": 0, "subsidy": 0, "payable": 0
            }))
            .expect("delivery parses"),
            fee: 50_000,
            first_entry_actor: Actor {
                kind: opendvc_api::ActorKind::Staff,
                name: "Phạm Thu Hà".into(),
                code: Some("BD-HC-001".into()),
                venue: Some("Bưu điện Hải Châu".into()),
            },
            first_entry_note: None,
            access: None,
        };
        let answered = store.create_application(draft, None).expect("created");
        let stored = store
            .application(Some(citizen_id), answered.id)
            .expect("read")
            .expect("found");
        assert_eq!(
            answered, stored,
            "the answer equals what a later read returns"
        );
        assert_eq!(
            answered.code, "000.00.48.H17-261127-0001",
            "first of the day"
        );
    }

    fn guess(id_number: &str, code: &str, max_failures: u32) -> OtpGuess {
        OtpGuess {
            purpose: OtpPurpose::SignIn,
            id_number: id_number.to_owned(),
            code_hash: otp_hash(id_number, code),
            failure_limits: vec![Limit {
                key: format!("failures:{id_number}"),
                max: max_failures,
                window_seconds: 3600,
            }],
            failure_counter: Counter {
                key: "failures".into(),
                window_seconds: 60,
            },
        }
    }

    fn code(id_number: &str, code: &str, expires_at: i64) -> NewOtp {
        NewOtp {
            purpose: OtpPurpose::SignIn,
            id_number: id_number.to_owned(),
            code_hash: otp_hash(id_number, code),
            expires_at,
        }
    }

    #[test]
    fn wrong_guesses_count_across_codes_until_the_window_passes() {
        let scratch = scratch();
        let store = &scratch.store;
        let number = "048090009999";
        store
            .issue_otp(&code(number, "123456", 1_000), &[], 0)
            .expect("stored")
            .expect("no limits");
        for at in 0..3 {
            assert_eq!(
                store
                    .check_otp(&guess(number, "000000", 5), 10 + at)
                    .expect("checks"),
                OtpCheck::Refused {
                    counted: u64::try_from(at + 1).expect("small")
                },
                "a wrong guess is counted portal-wide too"
            );
        }
        store
            .issue_otp(&code(number, "654321", 10_000), &[], 20)
            .expect("stored")
            .expect("no limits");
        for at in 0..2 {
            assert!(matches!(
                store
                    .check_otp(&guess(number, "000000", 5), 30 + at)
                    .expect("checks"),
                OtpCheck::Refused { .. }
            ));
        }
        assert_eq!(
            store
                .check_otp(&guess(number, "654321", 5), 40)
                .expect("checks"),
            OtpCheck::Limited(LimitReached { retry_after: 3570 }),
            "five failures over two codes use the limit up: the right code waits for the \
             first failure to leave the window"
        );
        assert_eq!(
            store
                .check_otp(&guess(number, "654321", 5), 3_611)
                .expect("checks"),
            OtpCheck::Accepted,
            "once the window has passed the newest code works"
        );
    }

    #[test]
    fn only_the_newest_unused_unexpired_code_of_its_purpose_works() {
        let scratch = scratch();
        let store = &scratch.store;
        let number = "048090009999";
        store
            .issue_otp(&code(number, "123456", 1_000), &[], 0)
            .expect("stored")
            .expect("no limits");
        let mut consent = guess(number, "123456", 100);
        consent.purpose = OtpPurpose::Consent;
        assert!(
            matches!(
                store.check_otp(&consent, 500).expect("check"),
                OtpCheck::Refused { .. }
            ),
            "a sign-in code is not a consent code"
        );
        assert!(
            matches!(
                store
                    .check_otp(&guess(number, "123456", 100), 1_000)
                    .expect("check"),
                OtpCheck::Refused { .. }
            ),
            "expired"
        );
        store
            .issue_otp(&code(number, "222222", 2_000), &[], 1_100)
            .expect("stored")
            .expect("no limits");
        store
            .issue_otp(&code(number, "333333", 2_000), &[], 1_200)
            .expect("stored")
            .expect("no limits");
        assert!(
            matches!(
                store
                    .check_otp(&guess(number, "222222", 100), 1_300)
                    .expect("check"),
                OtpCheck::Refused { .. }
            ),
            "an older code gave way to the newest"
        );
        assert_eq!(
            store
                .check_otp(&guess(number, "333333", 100), 1_300)
                .expect("check"),
            OtpCheck::Accepted
        );
        assert!(
            matches!(
                store
                    .check_otp(&guess(number, "333333", 100), 1_300)
                    .expect("check"),
                OtpCheck::Refused { .. }
            ),
            "a used code does not work twice"
        );
    }

    #[test]
    fn parallel_hits_never_pass_a_limit() {
        let scratch = scratch();
        let store = &scratch.store;
        let limit = Limit {
            key: "parallel".into(),
            max: 7,
            window_seconds: 60,
        };
        let taken = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..40)
                .map(|_| scope.spawn(|| store.take_limits(std::slice::from_ref(&limit), 100)))
                .collect();
            handles
                .into_iter()
                .map(|handle| handle.join().expect("joins").expect("runs"))
                .filter(Result::is_ok)
                .count()
        });
        assert_eq!(taken, 7, "forty parallel attempts take exactly the limit");
        assert_eq!(
            store
                .take_limits(std::slice::from_ref(&limit), 159)
                .expect("runs"),
            Err(LimitReached { retry_after: 1 })
        );
        assert!(
            store
                .take_limits(std::slice::from_ref(&limit), 160)
                .expect("runs")
                .is_ok(),
            "the window slid past the burst"
        );
        store.prune_expired(1_000).expect("prunes");
        let left: i64 = store
            .reader()
            .query_row("SELECT COUNT(*) FROM rate_limit_hits", [], |row| row.get(0))
            .expect("counts");
        assert_eq!(
            left, 0,
            "expired hits are pruned, so the table stays bounded"
        );
    }

    #[test]
    fn a_released_hit_no_longer_counts() {
        let scratch = scratch();
        let store = &scratch.store;
        let limit = Limit {
            key: "staff".into(),
            max: 1,
            window_seconds: 300,
        };
        let hits = store
            .take_limits(std::slice::from_ref(&limit), 0)
            .expect("runs")
            .expect("within the limit");
        assert!(
            store
                .take_limits(std::slice::from_ref(&limit), 1)
                .expect("runs")
                .is_err()
        );
        store.release_hits(&hits).expect("released");
        assert!(
            store
                .take_limits(std::slice::from_ref(&limit), 2)
                .expect("runs")
                .is_ok()
        );
    }

    fn sign_in(store: &SqliteStore, citizen_id: Uuid, name: &str) -> Uuid {
        let family_id = Uuid::now_v7();
        store
            .insert_sign_in(
                &AccessTokenRecord {
                    token_hash: token_hash(&format!("{name}-access")),
                    subject: TokenSubject::Citizen { citizen_id },
                    expires_at: 10_000,
                },
                &RefreshTokenRecord {
                    token_hash: token_hash(name),
                    family_id,
                    citizen_id,
                    expires_at: 10_000,
                },
            )
            .expect("stored");
        family_id
    }

    fn rotation(old: &str, new: &str) -> Rotation {
        Rotation {
            old_hash: token_hash(old),
            new_hash: token_hash(new),
            new_expires_at: 10_000,
            access_hash: token_hash(&format!("{new}-access")),
            access_expires_at: 10_000,
            grace_seconds: 60,
        }
    }

    #[test]
    fn reusing_a_rotated_refresh_token_revokes_the_whole_family() {
        let scratch = scratch();
        let store = &scratch.store;
        let id = citizen(store);
        sign_in(store, id, "first");
        let rotated = store
            .rotate_refresh_token(&rotation("first", "second"), 100)
            .expect("rotation runs");
        assert_eq!(rotated, RefreshOutcome::Rotated { citizen_id: id });
        assert_eq!(
            store
                .rotate_refresh_token(&rotation("first", "retry"), 150)
                .expect("rotation runs"),
            RefreshOutcome::Rotated { citizen_id: id },
            "within the grace the spent token is accepted once more"
        );
        let reused = store
            .rotate_refresh_token(&rotation("first", "third"), 155)
            .expect("rotation runs");
        assert_eq!(reused, RefreshOutcome::Refused, "a second reuse is refused");
        for successor in ["second", "retry"] {
            assert_eq!(
                store
                    .rotate_refresh_token(&rotation(successor, "fourth"), 300)
                    .expect("rotation runs"),
                RefreshOutcome::Refused,
                "the family was revoked on reuse"
            );
            assert!(
                store
                    .access_token(&token_hash(&format!("{successor}-access")))
                    .expect("reads")
                    .is_none(),
                "and its access tokens with it"
            );
        }
        assert!(
            store
                .access_token(&token_hash("first-access"))
                .expect("reads")
                .is_none()
        );
    }

    #[test]
    fn a_spent_refresh_token_after_the_grace_is_reuse() {
        let scratch = scratch();
        let store = &scratch.store;
        let id = citizen(store);
        sign_in(store, id, "first");
        store
            .rotate_refresh_token(&rotation("first", "second"), 100)
            .expect("rotation runs");
        assert_eq!(
            store
                .rotate_refresh_token(&rotation("first", "late"), 161)
                .expect("rotation runs"),
            RefreshOutcome::Refused
        );
        assert_eq!(
            store
                .rotate_refresh_token(&rotation("second", "third"), 162)
                .expect("rotation runs"),
            RefreshOutcome::Refused,
            "late reuse revoked the family"
        );
    }

    #[test]
    fn signing_out_with_either_token_ends_the_sign_in() {
        let scratch = scratch();
        let store = &scratch.store;
        let id = citizen(store);
        sign_in(store, id, "one");
        sign_in(store, id, "two");
        store
            .revoke_sign_in(&token_hash("one"))
            .expect("revoked by refresh token");
        assert!(
            store
                .access_token(&token_hash("one-access"))
                .expect("reads")
                .is_none()
        );
        store
            .revoke_access_token(&token_hash("two-access"))
            .expect("revoked by access token");
        assert_eq!(
            store
                .rotate_refresh_token(&rotation("two", "three"), 100)
                .expect("runs"),
            RefreshOutcome::Refused,
            "the access token's sign-in ended with it"
        );
        store
            .revoke_sign_in(&token_hash("unknown"))
            .expect("an unknown token changes nothing");
    }

    fn upload(citizen_id: Uuid, id: &str, size: usize, at: &str) -> NewUpload {
        NewUpload {
            citizen_id,
            id: id.to_owned(),
            content: vec![b'%'; size],
            content_type: "application/pdf".into(),
            file_name: None,
            uploaded_at: DateTime::parse_from_rfc3339(at).expect("time"),
            late_item: None,
            access: None,
        }
    }

    #[test]
    fn the_quota_counts_only_new_files_of_the_citizen() {
        let scratch = scratch();
        let store = &scratch.store;
        let id = citizen(store);
        let at = "2026-11-29T09:00:00+07:00";
        store
            .put_attachment(upload(id, "a", 600, at), 1_000)
            .expect("fits");
        let refused = store
            .put_attachment(upload(id, "b", 401, at), 1_000)
            .expect_err("over the quota");
        assert!(
            matches!(&refused, StoreError::Refused(error) if error.code() == ErrorCode::QuotaExceeded),
            "{refused}"
        );
        let (_, new) = store
            .put_attachment(upload(id, "a", 600, at), 1_000)
            .expect("a file already held costs nothing");
        assert!(!new);
        store
            .put_attachment(upload(id, "b", 400, at), 1_000)
            .expect("fits exactly");
    }

    #[test]
    fn only_old_unreferenced_uploads_are_collected() {
        let scratch = scratch();
        let store = &scratch.store;
        let id = citizen(store);
        let old = "2026-10-01T09:00:00.123456789+07:00";
        let recent = "2026-11-20T09:00:00+07:00";
        for (name, at) in [("old-loose", old), ("old-used", old), ("recent", recent)] {
            store
                .put_attachment(upload(id, name, 10, at), 1_000_000)
                .expect("stored");
        }
        store
            .write(|tx| {
                tx.execute(
                    "INSERT INTO applications (id, code, citizen_id, procedure_id,
                        procedure_name_json, status, channel, submitted_at, due_at,
                        processing_days, form_json, attachments_json, delivery_json, fee,
                        updated_at)
                     VALUES ('a1', 'C-1', ?1, 'p', '{}', 'received', 'online', ?2, ?2, 1, '{}',
                        ?3, '{}', 0, ?2)",
                    params![
                        id.to_string(),
                        old,
                        r#"[{"source":"upload","attachmentId":"old-used"}]"#
                    ],
                )?;
                Ok(())
            })
            .expect("an application refers to one upload");
        let cutoff = DateTime::parse_from_rfc3339("2026-11-01T00:00:00+07:00")
            .expect("time")
            .timestamp();
        let collected = store.collect_attachments(cutoff).expect("collects");
        assert_eq!(
            collected,
            CollectedFiles {
                uploads: 1,
                files: 1
            },
            "only the old upload no application uses goes"
        );
        let left = store
            .owned_attachments(
                id,
                &["old-loose".into(), "old-used".into(), "recent".into()],
            )
            .expect("reads");
        assert_eq!(left, vec!["old-used".to_owned(), "recent".to_owned()]);
    }

    #[test]
    fn sync_pages_list_each_entity_once_in_its_latest_state() {
        let scratch = scratch();
        let store = &scratch.store;
        let id = citizen(store);
        let item = |n: u8| InboxItem {
            id: Uuid::now_v7(),
            at: DateTime::parse_from_rfc3339("2026-11-29T09:00:00+07:00").expect("time"),
            category: opendvc_api::InboxCategory::Notice,
            title: opendvc_api::LocalizedText {
                vi: format!("Tin {n}"),
                en: format!("Notice {n}"),
                id: None,
            },
            body: opendvc_api::LocalizedText {
                vi: String::new(),
                en: String::new(),
                id: None,
            },
            application_id: None,
            document_id: None,
        };
        store
            .write(|tx| {
                for n in 0..3 {
                    insert_inbox(tx, id, &item(n))?;
                }
                touch(tx, id, "profile", &id.to_string())
            })
            .expect("changes recorded");
        let first = store.sync_page(id, 0, 2).expect("first page");
        assert!(first.has_more, "more than one page");
        assert_eq!(first.inbox.len(), 2);
        assert!(
            first.profile.is_none(),
            "the profile moved to the end of the log"
        );
        let second = store.sync_page(id, first.last_seq, 2).expect("second page");
        assert!(!second.has_more);
        assert_eq!(second.inbox.len(), 1);
        assert!(second.profile.is_some(), "the profile appears once, last");
        let quiet = store.sync_page(id, second.last_seq, 2).expect("quiet page");
        assert_eq!(
            quiet.last_seq, second.last_seq,
            "nothing new keeps the cursor"
        );
        assert!(quiet.inbox.is_empty() && quiet.profile.is_none());
    }
}
