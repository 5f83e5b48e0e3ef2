//! Tests of the PostgreSQL store, against the server named by `OPENDVC_TEST_DATABASE_URL`
//! (`cargo xtask test` starts a throwaway cluster and sets it). Each test gets a fresh database,
//! dropped at its end. Without the variable the tests say so and pass without running.
//!
//! They check what the PostgreSQL store must do differently from SQLite's single writer:
//! concurrent transactions on several connections (as several instances make them) keep every
//! promise the traits state.

use std::sync::Arc;

use chrono::DateTime;
use opendvc_api::{
    AccessAction, AccessResource, AccessStaff, AssistScope, AssistVenue, ConsentMethod, ErrorCode,
    StaffKind,
};
use opendvc_rules::renewal::FiredStage;
use sqlx::{Connection, PgConnection};
use uuid::Uuid;

use super::*;
use crate::store::{
    AccessEntry, AccessLogStore, AccessTokenRecord, ApplicationDraft, ApplicationStore,
    AssistSessionRecord, AttachmentStore, AuthStore, CitizenRecord, CitizenStore, EventStore,
    IdempotencyRecord, Limit, LimitStore, NewUpload, RefreshOutcome, RefreshTokenRecord,
    RenewalStore, Rotation, SessionOpening, StaffRecord, TokenSubject,
};

/// The server the tests create their databases on.
pub(crate) const TEST_DATABASE_URL_ENV: &str = "OPENDVC_TEST_DATABASE_URL";

/// A fresh database on the test server, dropped (with its connections) when this is dropped.
pub(crate) struct ScratchDatabase {
    server: url::Url,
    name: String,
    /// The database's URL.
    pub(crate) url: String,
}

impl ScratchDatabase {
    /// A new, empty database; `None` (after saying so) when no test server is configured.
    pub(crate) async fn create() -> Option<Self> {
        let Ok(server) = std::env::var(TEST_DATABASE_URL_ENV) else {
            eprintln!(
                "skipped: set {TEST_DATABASE_URL_ENV} to a PostgreSQL server to run the \
                 PostgreSQL store's tests (cargo xtask test starts one and sets it)"
            );
            return None;
        };
        let server = url::Url::parse(&server).expect("the test server's URL parses");
        let name = format!("opendvc_unit_{}", Uuid::new_v4().simple());
        let mut admin = PgConnection::connect(server.as_str())
            .await
            .expect("the test server accepts connections");
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut admin)
            .await
            .expect("a scratch database is created");
        admin.close().await.ok();
        let mut url = server.clone();
        url.set_path(&format!("/{name}"));
        Some(ScratchDatabase {
            server,
            name,
            url: url.to_string(),
        })
    }

    /// The store on this database, migrated.
    pub(crate) async fn store(&self) -> PostgresStore {
        PostgresStore::connect(&self.url, PostgresOptions::default())
            .await
            .expect("the store opens on the scratch database")
    }

    /// A connection of its own to this database, as another instance would hold.
    async fn connection(&self) -> PgConnection {
        PgConnection::connect(&self.url)
            .await
            .expect("the scratch database accepts connections")
    }
}

impl Drop for ScratchDatabase {
    fn drop(&mut self) {
        let server = self.server.to_string();
        let statement = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        // Drop runs inside the test's runtime, which must not be blocked on: a thread of its
        // own with a small runtime drops the database. A failure leaves a database behind on a
        // throwaway server, which is harmless.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            runtime.block_on(async {
                let mut admin = PgConnection::connect(&server).await.ok()?;
                sqlx::raw_sql(sqlx::AssertSqlSafe(statement))
                    .execute(&mut admin)
                    .await
                    .ok()
            })
        })
        .join();
        if !matches!(dropped, Ok(Some(_))) {
            eprintln!("the scratch database {} was left behind", self.name);
        }
    }
}

async fn citizen(store: &PostgresStore) -> Uuid {
    let id = Uuid::now_v7();
    let profile: opendvc_api::Profile = serde_json::from_value(serde_json::json!({
        "idNumber": format!("0480{:08}", id.as_u128() % 100_000_000), "fullName": "Test Citizen",
        "birthDate": "1990-01-01", "gender": "other", "phone": "+84905009999", "language": "vi",
        "address": {"provinceCode": "48", "unitCode": "20194", "street": "1 Test"},
        "updatedAt": "2026-11-29T09:00:00+07:00"
    }))
    .expect("profile parses");
    assert!(
        store
            .seed_citizen(&CitizenRecord { id, profile }, &[], &[])
            .await
            .expect("citizen inserted"),
        "a new citizen is inserted"
    );
    id
}

fn draft(citizen_id: Uuid, at: &str) -> ApplicationDraft {
    ApplicationDraft::sample(citizen_id, DateTime::parse_from_rfc3339(at).expect("time"))
}

fn staff_member(code: &str) -> StaffRecord {
    StaffRecord {
        code: code.to_owned(),
        kind: StaffKind::Agent,
        name: "Phạm Thị Hoa".into(),
        organisation: "Bưu điện phường Hải Châu".into(),
        password_hash: "not-a-hash".into(),
        agency: None,
        unit: None,
        phone: None,
        email: None,
    }
}

fn access_entry(citizen_id: Uuid, session_id: Uuid, at: i64) -> AccessEntry {
    AccessEntry {
        id: Uuid::now_v7(),
        citizen_id,
        at,
        action: AccessAction::SessionOpened,
        resource: AccessResource::Session,
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
        session_id,
        consent: ConsentMethod::Otp,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_connection_commits_with_synchronous_commit_on_whatever_the_database_says() {
    let Some(scratch) = ScratchDatabase::create().await else {
        return;
    };
    let mut admin = scratch.connection().await;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "ALTER DATABASE {} SET synchronous_commit = off",
        scratch.name
    )))
    .execute(&mut admin)
    .await
    .expect("the database's default is set to off");
    let store = scratch.store().await;
    let mut held = Vec::new();
    for _ in 0..4 {
        let mut connection = store.pool.acquire().await.expect("a pooled connection");
        let setting =
            sqlx::query_scalar!(r#"SELECT current_setting('synchronous_commit') AS "s!""#)
                .fetch_one(&mut *connection)
                .await
                .expect("the setting reads");
        assert_eq!(
            setting, "on",
            "every connection of the pool commits with synchronous_commit=on, so a 201 is sent \
             only after the commit is on disk, even where the database's default is off"
        );
        held.push(connection);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_migrating_an_empty_database_at_once_both_start_and_migrate_once() {
    let Some(scratch) = ScratchDatabase::create().await else {
        return;
    };
    let (first, second) = tokio::join!(
        PostgresStore::connect(&scratch.url, PostgresOptions::default()),
        PostgresStore::connect(&scratch.url, PostgresOptions::default()),
    );
    let first = first.expect("the first instance starts");
    second.expect("the second instance starts");
    let applied: i64 = sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations")
        .fetch_one(&first.pool)
        .await
        .expect("the migrations are listed");
    assert_eq!(
        usize::try_from(applied).expect("a count"),
        MIGRATOR.iter().count(),
        "each migration was applied once"
    );
    assert_eq!(
        PostgresStore::migrate_only(&scratch.url)
            .await
            .expect("migrate runs"),
        0,
        "a third run finds nothing to do"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_access_log_refuses_every_change_deletion_and_truncation() {
    let Some(scratch) = ScratchDatabase::create().await else {
        return;
    };
    let store = scratch.store().await;
    let citizen_id = citizen(&store).await;
    store
        .record_access(&access_entry(citizen_id, Uuid::now_v7(), 1_790_000_000))
        .await
        .expect("an entry is appended");
    let mut connection = scratch.connection().await;
    for statement in [
        "UPDATE access_log SET staff_code = 'someone-else'",
        "UPDATE access_log SET at = 0",
        "DELETE FROM access_log",
        "TRUNCATE access_log",
    ] {
        let error = sqlx::raw_sql(statement)
            .execute(&mut connection)
            .await
            .expect_err("the access log is append-only");
        assert!(
            error.to_string().contains("append-only"),
            "{statement} is refused by the log itself: {error}"
        );
    }
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM access_log")
        .fetch_one(&mut connection)
        .await
        .expect("counted");
    assert_eq!(left, 1, "the entry is still there, unchanged");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_writer_never_waits_for_another_and_a_reader_never_passes_an_uncommitted_change() {
    let Some(scratch) = ScratchDatabase::create().await else {
        return;
    };
    let store = scratch.store().await;
    let citizen_id = citizen(&store).await;
    let before = store.changes_after(0, 1000).await.expect("reads");
    let mut cursor = before.last().map_or(0, |row| row.seq);
    // An instance appends and has not committed yet.
    let mut first = store.pool.begin().await.expect("a transaction");
    changes::touch(&mut first, citizen_id, "inbox", "first")
        .await
        .expect("appended");
    // Another appends meanwhile and commits: it does not wait for the first.
    let mut second = store.pool.begin().await.expect("a transaction");
    sqlx::raw_sql("SET LOCAL lock_timeout = '100ms'")
        .execute(&mut *second)
        .await
        .expect("a lock timeout is set");
    changes::touch(&mut second, citizen_id, "inbox", "second")
        .await
        .expect("the second writer appends while the first is still open");
    second.commit().await.expect("the second commits first");
    // A reader reads now and moves its cursor past everything it got.
    let seen: Vec<String> = store
        .changes_after(cursor, 10)
        .await
        .expect("reads")
        .into_iter()
        .map(|row| {
            cursor = cursor.max(row.seq);
            row.entity_id
        })
        .collect();
    assert_eq!(
        seen,
        ["second"],
        "the committed change is read, the open one is not"
    );
    // The first commits last: a reader from the cursor must still get it.
    first.commit().await.expect("the first commits");
    let later: Vec<String> = store
        .changes_after(cursor, 10)
        .await
        .expect("reads")
        .into_iter()
        .map(|row| row.entity_id)
        .collect();
    assert_eq!(
        later,
        ["first"],
        "a change committed after a later one was read is still read from the cursor"
    );
    let citizen_view: Vec<String> = store
        .citizen_changes_after(citizen_id, 0, 10)
        .await
        .expect("reads")
        .into_iter()
        .map(|row| row.entity_id)
        .collect();
    assert_eq!(
        citizen_view.iter().rev().take(2).collect::<Vec<_>>(),
        ["first", "second"],
        "the log's order is the order of sequencing: second, then first"
    );
}

/// A submission in flight (its transaction not yet committed, as while its commit waits for the
/// disk) must not hold its code prefix's counter, or submissions under one prefix commit one
/// at a time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_submission_in_flight_does_not_hold_its_code_prefixs_counter() {
    let Some(scratch) = ScratchDatabase::create().await else {
        return;
    };
    let store = scratch.store().await;
    let citizen_id = citizen(&store).await;
    let first = draft(citizen_id, "2026-11-27T09:00:00+07:00");
    // What `create_application` does before its commit, left open.
    let number = applications::next_code_number(&store.pool, &first.code_prefix)
        .await
        .expect("a number");
    let mut in_flight = store.pool.begin().await.expect("a transaction");
    let code = applications::insert_application(&mut in_flight, &first, number)
        .await
        .expect("inserted");
    // Another submission under the same prefix takes its number meanwhile.
    let mut other = store.pool.begin().await.expect("a transaction");
    sqlx::raw_sql("SET LOCAL lock_timeout = '100ms'")
        .execute(&mut *other)
        .await
        .expect("a lock timeout is set");
    let next = applications::take_code_number(&mut other, &first.code_prefix)
        .await
        .expect("another submission takes a number while the first is still in flight");
    other.commit().await.expect("committed");
    in_flight.commit().await.expect("the first commits");
    assert_eq!(
        code,
        format!("{}-{number:04}", first.code_prefix),
        "the first keeps the number it took"
    );
    assert!(
        next > number,
        "the other got a later number, not the same one"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_hits_on_several_connections_never_pass_a_limit() {
    let Some(scratch) = ScratchDatabase::create().await else {
        return;
    };
    let store = Arc::new(scratch.store().await);
    let limit = Limit {
        key: "parallel".into(),
        max: 7,
        window_seconds: 60,
    };
    let attempts: Vec<_> = (0..40)
        .map(|_| {
            let store = store.clone();
            let limit = limit.clone();
            tokio::spawn(async move { store.take_limits(&[limit], 100).await })
        })
        .collect();
    let mut taken = 0;
    for attempt in attempts {
        if attempt.await.expect("joins").expect("runs").is_ok() {
            taken += 1;
        }
    }
    assert_eq!(taken, 7, "forty parallel attempts take exactly the limit");
    assert!(
        store
            .take_limits(std::slice::from_ref(&limit), 160)
            .await
            .expect("runs")
            .is_ok(),
        "the window slid past the burst"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_openings_of_one_staff_member_cannot_pass_the_hourly_limit() {
    let Some(scratch) = ScratchDatabase::create().await else {
        return;
    };
    let store = Arc::new(scratch.store().await);
    let citizen_id = citizen(&store).await;
    store
        .seed_staff(&staff_member("BDDN-HC-01"))
        .await
        .expect("staff seeded");
    let openings: Vec<_> = (0..10)
        .map(|n| {
            let store = store.clone();
            tokio::spawn(async move {
                let session = AssistSessionRecord {
                    id: Uuid::now_v7(),
                    staff_code: "BDDN-HC-01".into(),
                    citizen_id,
                    consent_method: "otp".into(),
                    consent_reference: None,
                    venue_name: "Bưu điện phường Hải Châu".into(),
                    venue_unit_code: None,
                    scopes: vec![AssistScope::Read, AssistScope::Submit],
                    created_at: 10_000 + n,
                    expires_at: 20_000,
                    ended_at: None,
                    recorded_at: 10_000 + n,
                    device_offset_seconds: None,
                };
                let token = AccessTokenRecord {
                    token_hash: format!("session-{n}"),
                    subject: TokenSubject::Assisted {
                        session_id: session.id,
                    },
                    expires_at: 20_000,
                };
                let opened = access_entry(citizen_id, session.id, 10_000 + n);
                store
                    .open_assist_session(&session, &token, &opened, 3)
                    .await
            })
        })
        .collect();
    let mut opened = 0;
    for opening in openings {
        if opening.await.expect("joins").expect("runs") == SessionOpening::Opened {
            opened += 1;
        }
    }
    assert_eq!(
        opened, 3,
        "ten parallel openings open exactly the hourly limit"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn of_two_parallel_rotations_of_one_refresh_token_only_one_spends_it() {
    let Some(scratch) = ScratchDatabase::create().await else {
        return;
    };
    let store = Arc::new(scratch.store().await);
    let citizen_id = citizen(&store).await;
    store
        .insert_sign_in(
            &AccessTokenRecord {
                token_hash: "first-access".into(),
                subject: TokenSubject::Citizen { citizen_id },
                expires_at: 10_000,
            },
            &RefreshTokenRecord {
                token_hash: "first".into(),
                family_id: Uuid::now_v7(),
                citizen_id,
                expires_at: 10_000,
            },
        )
        .await
        .expect("signed in");
    let rotations: Vec<_> = ["second", "third"]
        .into_iter()
        .map(|new| {
            let store = store.clone();
            tokio::spawn(async move {
                let rotation = Rotation {
                    old_hash: "first".into(),
                    new_hash: new.into(),
                    new_expires_at: 10_000,
                    access_hash: format!("{new}-access"),
                    access_expires_at: 10_000,
                    // No grace: a second spending is reuse.
                    grace_seconds: -1,
                };
                store.rotate_refresh_token(&rotation, 100).await
            })
        })
        .collect();
    let mut outcomes = Vec::new();
    for rotation in rotations {
        outcomes.push(rotation.await.expect("joins").expect("runs"));
    }
    let rotated = outcomes
        .iter()
        .filter(|outcome| matches!(outcome, RefreshOutcome::Rotated { .. }))
        .count();
    assert_eq!(
        rotated, 1,
        "one rotation spends the token, the other is reuse: {outcomes:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_uploads_of_one_citizen_cannot_pass_the_quota() {
    let Some(scratch) = ScratchDatabase::create().await else {
        return;
    };
    let store = Arc::new(scratch.store().await);
    let citizen_id = citizen(&store).await;
    let uploads: Vec<_> = (0..5)
        .map(|n| {
            let store = store.clone();
            tokio::spawn(async move {
                let upload = NewUpload {
                    citizen_id,
                    id: format!("file-{n}"),
                    content: vec![b'%'; 400],
                    content_type: "application/pdf".into(),
                    file_name: None,
                    uploaded_at: DateTime::parse_from_rfc3339("2026-11-29T09:00:00+07:00")
                        .expect("time"),
                    late_item: None,
                    access: None,
                };
                store.put_attachment(upload, 1_000).await
            })
        })
        .collect();
    let mut stored = 0;
    for upload in uploads {
        match upload.await.expect("joins") {
            Ok(_) => stored += 1,
            Err(StoreError::Refused(error)) => {
                assert_eq!(
                    error.code(),
                    ErrorCode::QuotaExceeded,
                    "refused by the quota"
                );
            }
            Err(error) => panic!("an upload failed: {error}"),
        }
    }
    assert_eq!(
        stored, 2,
        "two files of 400 bytes fit a quota of 1,000, whatever the order"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_idempotency_key_sent_twice_at_once_creates_one_application() {
    let Some(scratch) = ScratchDatabase::create().await else {
        return;
    };
    let store = Arc::new(scratch.store().await);
    let citizen_id = citizen(&store).await;
    let attempts: Vec<_> = (0..2)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                let record = IdempotencyRecord {
                    scope: format!("{citizen_id} POST /v1/applications key"),
                    request_hash: "hash".into(),
                    status: 201,
                    created_at: 100,
                    late_item: None,
                };
                store
                    .create_application(
                        draft(citizen_id, "2026-11-27T10:15:30+07:00"),
                        Some(record),
                    )
                    .await
            })
        })
        .collect();
    let mut created = 0;
    for attempt in attempts {
        match attempt.await.expect("joins") {
            Ok(_) => created += 1,
            Err(StoreError::Refused(error)) => assert_eq!(
                error.code(),
                ErrorCode::IdempotencyInFlight,
                "the loser is told the key was processed meanwhile"
            ),
            Err(error) => panic!("a submission failed: {error}"),
        }
    }
    assert_eq!(created, 1, "one of the two creates the application");
    assert_eq!(
        store.applications(citizen_id).await.expect("reads").len(),
        1,
        "and only one application exists"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_created_application_reads_back_exactly_as_answered() {
    let Some(scratch) = ScratchDatabase::create().await else {
        return;
    };
    let store = scratch.store().await;
    let citizen_id = citizen(&store).await;
    let answered = store
        .create_application(
            draft(citizen_id, "2026-11-27T10:15:30.123456789+07:00"),
            None,
        )
        .await
        .expect("created");
    let stored = store
        .application(Some(citizen_id), answered.id)
        .await
        .expect("read")
        .expect("found");
    assert_eq!(
        serde_json::to_string(&answered).expect("serialises"),
        serde_json::to_string(&stored).expect("serialises"),
        "the answer equals what a later read returns, offset and nanoseconds included"
    );
    assert_eq!(
        answered.code, "000.00.48.H17-261127-0001",
        "first of the day"
    );
    assert_eq!(
        stored.fee_lines,
        draft(citizen_id, "2026-11-27T10:15:30.123456789+07:00").fee_lines,
        "the fee lines charged are stored with the application and read back"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_seeding_the_demo_at_once_seed_it_once() {
    let Some(scratch) = ScratchDatabase::create().await else {
        return;
    };
    let (first, second) = tokio::join!(scratch.store(), scratch.store());
    let data = crate::data::ReferenceData::load().expect("data loads");
    let calendar = opendvc_rules::WorkingCalendar::new(data.holidays.values());
    let now = crate::clock::Clock::now(&crate::clock::SystemClock);
    let (one, two) = tokio::join!(
        crate::demo::seed(&first, &data, &calendar, now),
        crate::demo::seed(&second, &data, &calendar, now),
    );
    let (one, two) = (
        one.expect("the first seeds"),
        two.expect("the second seeds"),
    );
    let applications: usize = data
        .demo
        .citizens
        .iter()
        .map(|citizen| citizen.applications.len())
        .sum();
    assert_eq!(
        (
            one.citizens + two.citizens,
            one.applications + two.applications
        ),
        (data.demo.citizens.len(), applications),
        "between them the two seed every demo citizen and application once"
    );
    let seeded = first.applications_by_status(None).await.expect("reads");
    assert_eq!(
        seeded.len(),
        applications,
        "no demo application is there twice"
    );
    for application in seeded.iter().filter(|application| application.fee > 0) {
        assert!(
            !application.fee_lines.is_empty(),
            "the seeded application {} reads back the fee lines it was charged",
            application.code
        );
    }
}

fn renewal_item(id: Uuid, document_id: Uuid) -> opendvc_api::InboxItem {
    let text = opendvc_api::LocalizedText {
        vi: "Nhắc gia hạn".into(),
        en: "Renewal reminder".into(),
        id: None,
    };
    opendvc_api::InboxItem {
        feedback_id: None,
        id,
        at: DateTime::parse_from_rfc3339("2026-11-29T09:00:00+07:00").expect("time"),
        category: opendvc_api::InboxCategory::Renewal,
        title: text.clone(),
        body: text,
        application_id: None,
        document_id: Some(document_id),
    }
}

fn stage(document_id: Uuid, expires_on: &str, days_before: u32) -> FiredStage {
    FiredStage {
        document_id,
        expires_on: chrono::NaiveDate::parse_from_str(expires_on, "%Y-%m-%d").expect("date"),
        days_before,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_renewal_stage_is_notified_once_and_read_back_with_the_holders_birth_date() {
    let Some(scratch) = ScratchDatabase::create().await else {
        return;
    };
    let store = scratch.store().await;
    let citizen_id = Uuid::now_v7();
    let profile: opendvc_api::Profile = serde_json::from_value(serde_json::json!({
        "idNumber": "048090001234", "fullName": "Test Citizen", "birthDate": "2001-12-30",
        "gender": "other", "phone": "+84905009999", "language": "vi",
        "address": {"provinceCode": "48", "unitCode": "20194", "street": "1 Test"},
        "updatedAt": "2026-11-29T09:00:00+07:00"
    }))
    .expect("profile parses");
    let card: opendvc_api::Document = serde_json::from_value(serde_json::json!({
        "id": Uuid::from_u128(2), "kind": "id_card", "number": "048090001234",
        "issuedOn": "2019-03-01", "issuer": "test", "classes": [], "source": "warehouse",
        "updatedAt": "2026-11-29T09:00:00+07:00"
    }))
    .expect("document parses");
    store
        .seed_citizen(
            &CitizenRecord {
                id: citizen_id,
                profile: profile.clone(),
            },
            std::slice::from_ref(&card),
            &[],
        )
        .await
        .expect("a citizen");
    let stages = [
        stage(card.id, "2026-12-30", 90),
        stage(card.id, "2026-12-30", 30),
    ];
    assert!(
        store
            .record_renewal_notice(
                citizen_id,
                &renewal_item(Uuid::from_u128(10), card.id),
                &stages,
                &[]
            )
            .await
            .expect("recorded"),
        "the first notice of its stages is written"
    );
    assert!(
        !store
            .record_renewal_notice(
                citizen_id,
                &renewal_item(Uuid::from_u128(11), card.id),
                &stages[1..],
                &[]
            )
            .await
            .expect("answered"),
        "a stage notified already is not notified again, whatever the notice's id"
    );
    let notices = sqlx::query_scalar::<_, i64>("SELECT count(*) FROM inbox_items")
        .fetch_one(&mut scratch.connection().await)
        .await
        .expect("count");
    assert_eq!(notices, 1, "one notice in the inbox");
    let holders = store.renewal_holders().await.expect("holders");
    assert_eq!(holders.len(), 1, "one citizen holds documents");
    assert_eq!(
        holders[0].birth_date, profile.birth_date,
        "with the birth date"
    );
    assert_eq!(holders[0].documents, vec![card], "with the documents");
    assert_eq!(
        holders[0].notified,
        stages.into_iter().collect(),
        "and the stages notified"
    );
}

/// Two instances running the daily notices at once, each seeing the same stages due: one
/// writes the notice, the other writes nothing, and neither fails, also when they list
/// overlapping stages in opposite orders.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_recording_one_renewal_notice_at_once_write_it_once_without_a_deadlock() {
    let Some(scratch) = ScratchDatabase::create().await else {
        return;
    };
    let (first, second) = tokio::join!(scratch.store(), scratch.store());
    let citizen_id = citizen(&first).await;
    for round in 0..20_u32 {
        let document_id = Uuid::now_v7();
        let earlier = stage(document_id, "2027-01-08", 90);
        let later = stage(document_id, "2027-01-08", 30);
        let (item_one, item_two) = (
            renewal_item(Uuid::now_v7(), document_id),
            renewal_item(Uuid::now_v7(), document_id),
        );
        let (stages_one, stages_two) = ([earlier, later], [later, earlier]);
        let (one, two) = tokio::join!(
            first.record_renewal_notice(citizen_id, &item_one, &stages_one, &[]),
            second.record_renewal_notice(citizen_id, &item_two, &stages_two, &[]),
        );
        let (one, two) = (
            one.unwrap_or_else(|error| panic!("round {round}: the first fails: {error}")),
            two.unwrap_or_else(|error| panic!("round {round}: the second fails: {error}")),
        );
        assert!(
            one ^ two,
            "round {round}: exactly one of the two writes the notice ({one}, {two})"
        );
    }
    let notices = sqlx::query_scalar::<_, i64>("SELECT count(*) FROM inbox_items")
        .fetch_one(&mut scratch.connection().await)
        .await
        .expect("count");
    assert_eq!(notices, 20, "one notice per document, none twice");
}

/// Commits one change-log append on `store`, as any instance's write does.
async fn commit_a_change(store: &PostgresStore, citizen_id: Uuid, entity: &str) {
    let mut tx = store.pool.begin().await.expect("a transaction");
    changes::touch(&mut tx, citizen_id, "inbox", entity)
        .await
        .expect("appended");
    tx.commit().await.expect("committed");
    store.sequencer.committed();
}

/// Commits changes on `writer` until `signal` wakes (each wait at most 200 ms, 150 times).
async fn woken_by_a_commit(
    writer: &PostgresStore,
    citizen_id: Uuid,
    signal: &tokio::sync::Notify,
) -> bool {
    for attempt in 0..150 {
        commit_a_change(writer, citizen_id, &format!("change-{attempt}")).await;
        let wait = tokio::time::timeout(std::time::Duration::from_millis(200), signal.notified());
        if wait.await.is_ok() {
            return true;
        }
    }
    false
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_commit_on_another_instance_wakes_the_change_signal_also_after_the_listener_was_cut_off()
{
    use crate::store::ChangeSignal;
    let Some(scratch) = ScratchDatabase::create().await else {
        return;
    };
    let listening = scratch.store().await;
    let writer = scratch.store().await;
    let citizen_id = citizen(&writer).await;
    let signal = listening
        .change_signal()
        .await
        .expect("the PostgreSQL store signals changes");
    assert!(
        woken_by_a_commit(&writer, citizen_id, &signal).await,
        "a commit on another instance wakes this one's hub"
    );

    // The server drops the LISTEN connection, as a restart does.
    let mut admin = scratch.connection().await;
    let cut: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = current_database() AND query LIKE 'LISTEN%') AS cut",
    )
    .fetch_one(&mut admin)
    .await
    .expect("the listener's backend is ended");
    assert_eq!(cut, 1, "one LISTEN connection was cut off");
    tokio::time::timeout(std::time::Duration::from_secs(30), signal.notified())
        .await
        .expect("losing the LISTEN connection wakes the hub, to read what it may have missed");
    assert!(
        woken_by_a_commit(&writer, citizen_id, &signal).await,
        "after the listener reconnected, a commit on another instance wakes this one again"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_claiming_the_outbox_at_once_never_hold_the_same_notice() {
    use crate::store::{NewNotice, NoticeClaim, NotificationOutboxStore};
    let Some(scratch) = ScratchDatabase::create().await else {
        return;
    };
    let first = Arc::new(scratch.store().await);
    let second = Arc::new(scratch.store().await);
    let citizen_id = citizen(&first).await;
    let notices: Vec<NewNotice> = (0..40)
        .map(|index| NewNotice {
            id: Uuid::now_v7(),
            citizen_id: Some(citizen_id),
            channel: "sms".into(),
            kind: "notice-completed-sms".into(),
            recipient: "+84905009999".into(),
            subject: None,
            body: format!("message {index}"),
            language: "vi".into(),
            next_attempt_at: 100,
            created_at: 100,
        })
        .collect();
    first.enqueue_notices(&notices).await.expect("written");
    let claim = |store: Arc<PostgresStore>| {
        tokio::spawn(async move {
            let mut held = Vec::new();
            loop {
                let claimed = store
                    .claim_notices(NoticeClaim::Due { limit: 3 }, 100, 220)
                    .await
                    .expect("claims");
                if claimed.is_empty() {
                    return held;
                }
                held.extend(claimed.into_iter().map(|notice| notice.id));
            }
        })
    };
    let (a, b) = (claim(first.clone()), claim(second.clone()));
    let (a, b) = (a.await.expect("first"), b.await.expect("second"));
    let mut all: Vec<Uuid> = a.iter().chain(b.iter()).copied().collect();
    all.sort();
    let mut expected: Vec<Uuid> = notices.iter().map(|notice| notice.id).collect();
    expected.sort();
    assert_eq!(
        all,
        expected,
        "each notice was claimed by exactly one of the two instances ({} and {})",
        a.len(),
        b.len()
    );
    assert_eq!(
        first.release_notice_claims().await.expect("released"),
        40,
        "an instance taking over lets go of every held notice"
    );
}

#[tokio::test]
async fn old_sent_and_failed_notices_are_purged_and_pending_ones_kept_whatever_their_age() {
    use crate::store::{NewNotice, NoticeClaim, NoticeOutcome, NotificationOutboxStore};
    let Some(scratch) = ScratchDatabase::create().await else {
        return;
    };
    let store = scratch.store().await;
    let citizen_id = citizen(&store).await;
    let notice = |next_attempt_at: i64| NewNotice {
        id: Uuid::now_v7(),
        citizen_id: Some(citizen_id),
        channel: "sms".into(),
        kind: "notice-completed-sms".into(),
        recipient: "+84905009999".into(),
        subject: None,
        body: "OpenDVC: hồ sơ".into(),
        language: "vi".into(),
        next_attempt_at,
        created_at: 100,
    };
    let (sent, failed, pending) = (notice(100), notice(100), notice(10_000));
    store
        .enqueue_notices(&[sent.clone(), failed.clone(), pending.clone()])
        .await
        .expect("written");
    let claimed = store
        .claim_notices(NoticeClaim::Only(&[sent.id, failed.id]), 100, 200)
        .await
        .expect("claims");
    assert_eq!(claimed.len(), 2, "the two due notices are claimed");
    store
        .finish_notices(&[(sent.id, NoticeOutcome::Sent { provider_id: None })], 500)
        .await
        .expect("finished");
    store
        .finish_notices(
            &[(
                failed.id,
                NoticeOutcome::Failed {
                    error: "refused".into(),
                },
            )],
            150,
        )
        .await
        .expect("finished");
    assert_eq!(
        store.purge_notices(100).await.expect("purges"),
        0,
        "nothing sent or written before the cutoff"
    );
    assert_eq!(
        store.purge_notices(101).await.expect("purges"),
        1,
        "the failed notice written at 100 goes; the one sent at 500 stays"
    );
    assert_eq!(
        store.purge_notices(10_001).await.expect("purges"),
        1,
        "the sent notice goes once its sending is older than the cutoff"
    );
    let left = store
        .claim_notices(NoticeClaim::Due { limit: 10 }, 10_000, 10_100)
        .await
        .expect("claims");
    assert_eq!(
        left.iter().map(|notice| notice.id).collect::<Vec<_>>(),
        [pending.id],
        "the pending notice is kept, however old"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_postgres_store_keeps_every_feedback_promise() {
    let Some(database) = ScratchDatabase::create().await else {
        return;
    };
    let store = database.store().await;
    crate::store::feedback_contract::check_every_promise(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_postgres_store_keeps_every_payment_promise() {
    let Some(database) = ScratchDatabase::create().await else {
        return;
    };
    let store = database.store().await;
    crate::store::payments_contract::check_every_promise(&store).await;
}
