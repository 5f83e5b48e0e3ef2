//! Moving a commune's data from SQLite into PostgreSQL: `opendvc-portal copy --from PATH --to
//! postgres://…` carries every row of every table across, converted to PostgreSQL's types,
//! and a portal on the copy carries on where the SQLite portal stopped. The copy needs a
//! PostgreSQL server (`cargo xtask test --only postgres`); on SQLite alone it says it is
//! skipped and passes. The refusals need no server and always run.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Command, Output};

use opendvc_api::{
    ApplicationStatus, Attachment, IDEMPOTENT_REPLAY_HEADER, NewSupplement, RefreshRequest,
    StaffKind, TokenResponse,
};
use opendvc_tests::fixtures::{
    Citizen, Officer, consent_code_session, counter_delivery, deliverable_procedure, jpeg_bytes,
    pdf_bytes,
};
use opendvc_tests::{Portal, PortalOptions, copy_command, new_idempotency_key, runs_on_postgres};
use serde_json::Value;

fn text_of(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// What the citizen saw on the SQLite portal before the move.
struct Before {
    id_number: String,
    applications: BTreeMap<String, Value>,
    documents: BTreeMap<String, Value>,
    access_log: BTreeMap<String, Value>,
    cursor: String,
    /// A submission's key, its body and the answer stored for it.
    key: String,
    submission: opendvc_api::NewApplication,
    answer: String,
}

/// The `items` of a list answer by their `id`, so that the order of equal keys does not count.
fn by_id(list: &Value) -> BTreeMap<String, Value> {
    list["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|item| (item["id"].to_string(), item.clone()))
                .collect()
        })
        .unwrap_or_default()
}

/// Syncs from `cursor` to the end; returns the applications' ids seen and the last cursor.
fn sync_from(citizen: &Citizen, cursor: Option<&str>) -> (BTreeSet<String>, String) {
    let mut cursor = cursor.map(str::to_owned);
    let mut applications = BTreeSet::new();
    loop {
        let path = match &cursor {
            Some(cursor) => format!("/v1/sync?cursor={cursor}"),
            None => "/v1/sync".to_owned(),
        };
        let page: Value = citizen.get(&path).expect_json(200, "the citizen syncs");
        for application in page["applications"].as_array().into_iter().flatten() {
            applications.insert(application["id"].to_string());
        }
        cursor = page["cursor"].as_str().map(str::to_owned);
        if page["hasMore"] != Value::Bool(true) {
            break;
        }
    }
    (applications, cursor.expect("a sync answer has a cursor"))
}

/// What the citizen sees now: applications, documents, access log.
fn seen_by(citizen: &Citizen) -> [BTreeMap<String, Value>; 3] {
    [
        by_id(
            &citizen
                .get("/v1/applications")
                .expect_json(200, "the citizen lists applications"),
        ),
        by_id(
            &citizen
                .get("/v1/documents")
                .expect_json(200, "the citizen reads documents"),
        ),
        by_id(
            &citizen
                .get("/v1/me/access-log")
                .expect_json(200, "the citizen reads the access log"),
        ),
    ]
}

/// Real traffic on the portal, so that the tables hold what a commune's would: sign-in and
/// refresh, an upload, a submission under a known key, an officer's transition, a supplement,
/// an assisted session that reads the citizen's data.
fn traffic(portal: &mut Portal) -> Before {
    let mut citizen = Citizen::demo(portal, 0);
    let refreshed: TokenResponse = portal
        .api()
        .post("/v1/auth/refresh")
        .json(&RefreshRequest {
            refresh_token: citizen
                .refresh_token
                .clone()
                .expect("a citizen's sign-in refreshes"),
        })
        .send()
        .expect_json(200, "the refresh token is rotated");
    citizen.access_token = refreshed.access_token;
    citizen.refresh_token = Some(refreshed.refresh_token);
    let _: Attachment = citizen
        .call("POST", "/v1/attachments")
        .body(pdf_bytes("a scan of the household book"), "application/pdf")
        .send()
        .expect_json(201, "a file is uploaded");
    let mut settings = opendvc_api::NotificationSettings::default();
    settings.status.sms = false;
    citizen
        .call("PUT", "/v1/me/notification-settings")
        .json(&settings)
        .send()
        .expect_status(200, "the citizen chooses how the portal reaches them");
    let procedure = deliverable_procedure(&citizen.catalog());
    let submission = citizen.valid_application(&procedure, counter_delivery());
    let key = new_idempotency_key();
    let reply = citizen.submit_with_key(&submission, &key);
    reply.expect_status(201, "the submission is created");
    let answer = reply.text();
    let created: opendvc_api::Application = reply.json();
    Officer::sign_in(portal).transition(created.id, ApplicationStatus::Processing);
    let waiting = citizen
        .applications()
        .into_iter()
        .find(|application| application.status == ApplicationStatus::SupplementRequested)
        .expect("the demo citizen has an application waiting for a supplement");
    citizen
        .call(
            "POST",
            &format!("/v1/applications/{}/supplements", waiting.id),
        )
        .fresh_idempotency_key()
        .json(&NewSupplement {
            note: Some("Bổ sung bản sao hợp đồng".into()),
            form: Default::default(),
            attachments: Vec::new(),
        })
        .send()
        .expect_status(200, "the supplement is added");

    // Residents' feedback with a photo, and the warning its answer clock gives at 75% (moving
    // the clock lets housekeeping prune expired rows, so it comes before the rows that must
    // stay).
    let photo: Attachment = citizen
        .call("POST", "/v1/attachments")
        .body(jpeg_bytes("ảnh đèn tín hiệu"), "image/jpeg")
        .send()
        .expect_json(201, "a photo is uploaded");
    citizen
        .call("POST", "/v1/feedback")
        .fresh_idempotency_key()
        .json(&serde_json::json!({"category": "traffic_safety",
            "description": "Đèn tín hiệu ngã tư hỏng", "photos": [photo.id]}))
        .send()
        .expect_status(201, "feedback is filed");
    portal.advance_clock(3 * 3600 + 60);
    let refreshed: TokenResponse = portal
        .api()
        .post("/v1/auth/refresh")
        .json(&RefreshRequest {
            refresh_token: citizen
                .refresh_token
                .clone()
                .expect("a citizen's sign-in refreshes"),
        })
        .send()
        .expect_json(200, "the citizen's sign-in outlives the hours moved");
    citizen.access_token = refreshed.access_token;

    // The profile changes (recorded in profile_changes), and a passport's fee is to be paid
    // at the counter (a payment row).
    citizen
        .call("PATCH", "/v1/me")
        .json(&serde_json::json!({"currentAddress":
            {"provinceCode": "48", "unitCode": "20209", "street": "25 Lê Duẩn"}}))
        .send()
        .expect_status(200, "the citizen changes their current address");
    let passport = citizen
        .catalog()
        .items
        .into_iter()
        .find(|procedure| procedure.pay_before_processing)
        .expect("the catalog has a procedure paid before processing");
    let awaiting = citizen.submit_valid(&passport);
    citizen
        .call(
            "POST",
            &format!("/v1/applications/{}/payments", awaiting.id),
        )
        .fresh_idempotency_key()
        .json(&serde_json::json!({"method": "counter"}))
        .send()
        .expect_status(201, "the fee is to be paid at the counter");

    // A wrong code counts against the ID number (a fixed-window counter).
    let other = portal.demo_accounts().citizens[1].clone();
    portal
        .api()
        .post("/v1/auth/otp")
        .json(&serde_json::json!({ "idNumber": other.id_number }))
        .send()
        .expect_status(202, "a code is sent to the second citizen");
    let code = portal.latest_code_sent_to(&other.phone);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let guess = portal
        .api()
        .post("/v1/auth/token")
        .json(&serde_json::json!({ "idNumber": other.id_number, "otp": wrong }))
        .send();
    assert!(
        guess.status >= 400,
        "a wrong code does not sign in, got {}",
        guess.status
    );

    let (_, session) = consent_code_session(portal, StaffKind::Agent);
    portal
        .api()
        .get("/v1/applications")
        .bearer(&session.access_token)
        .send()
        .expect_status(
            200,
            "the agent reads the citizen's applications, which is logged",
        );

    let [applications, documents, access_log] = seen_by(&citizen);
    let (_, cursor) = sync_from(&citizen, None);
    Before {
        id_number: citizen.id_number,
        applications,
        documents,
        access_log,
        cursor,
        key,
        submission,
        answer,
    }
}

/// Every table of the SQLite file (SQLite's own aside), its rows in the shape PostgreSQL
/// stores them: JSON text parsed, `NAME_json` named `NAME`, flags as booleans, blobs as
/// PostgreSQL writes `bytea` in JSON.
fn sqlite_rows(path: &Path) -> BTreeMap<String, Vec<Value>> {
    const FLAGS: &[&str] = &["used", "revoked", "grace_used"];
    let connection = rusqlite::Connection::open(path).expect("the SQLite file opens");
    let mut names = connection
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'")
        .expect("the tables are listed");
    let names: Vec<String> = names
        .query_map([], |row| row.get(0))
        .expect("the tables are read")
        .collect::<Result<_, _>>()
        .expect("table names are text");
    let mut tables = BTreeMap::new();
    for name in names {
        let mut statement = connection
            .prepare(&format!("SELECT * FROM \"{name}\" ORDER BY rowid"))
            .expect("the table is read");
        let columns: Vec<String> = statement
            .column_names()
            .into_iter()
            .map(str::to_owned)
            .collect();
        let rows = statement
            .query_map([], |row| {
                let mut object = serde_json::Map::new();
                for (index, column) in columns.iter().enumerate() {
                    let value = match row.get_ref(index)? {
                        rusqlite::types::ValueRef::Null => Value::Null,
                        rusqlite::types::ValueRef::Integer(value)
                            if FLAGS.contains(&column.as_str()) =>
                        {
                            Value::Bool(value != 0)
                        }
                        rusqlite::types::ValueRef::Integer(value) => Value::from(value),
                        rusqlite::types::ValueRef::Real(value) => Value::from(value),
                        rusqlite::types::ValueRef::Text(text) => {
                            Value::String(String::from_utf8_lossy(text).into_owned())
                        }
                        rusqlite::types::ValueRef::Blob(bytes) => {
                            Value::String(format!("\\x{}", hex::encode(bytes)))
                        }
                    };
                    let (column, value) = match column.strip_suffix("_json") {
                        Some(base) => (base, parsed(value)),
                        None if column == "scopes" => (column.as_str(), parsed(value)),
                        None => (column.as_str(), value),
                    };
                    object.insert(column.to_owned(), value);
                }
                Ok(Value::Object(object))
            })
            .expect("the rows are read")
            .collect::<Result<Vec<_>, _>>()
            .expect("the rows are values");
        tables.insert(name, rows);
    }
    tables
}

fn parsed(value: Value) -> Value {
    match value {
        Value::String(text) => serde_json::from_str(&text).expect("the column holds JSON text"),
        other => other,
    }
}

/// Every table of the PostgreSQL database (sqlx's own aside), each row as `to_jsonb`.
fn postgres_rows(url: &str) -> BTreeMap<String, Vec<Value>> {
    use sqlx::Connection;
    let runtime = tokio::runtime::Runtime::new().expect("a runtime for the database reads");
    runtime.block_on(async {
        let mut connection = sqlx::PgConnection::connect(url)
            .await
            .expect("the copied database answers");
        let names: Vec<String> = sqlx::query_scalar(
            "SELECT table_name::text FROM information_schema.tables
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
               AND table_name <> '_sqlx_migrations'",
        )
        .fetch_all(&mut connection)
        .await
        .expect("the tables are listed");
        let mut tables = BTreeMap::new();
        for name in names {
            let rows: Vec<Value> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "SELECT to_jsonb(t) FROM \"{name}\" AS t"
            )))
            .fetch_all(&mut connection)
            .await
            .expect("the rows are read");
            // A JSON column named `NAME_json` here too (payments' receipt) is `NAME`, as on
            // the SQLite side: the values are compared, not the column's spelling.
            let rows = rows
                .into_iter()
                .map(|row| match row {
                    Value::Object(columns) => Value::Object(
                        columns
                            .into_iter()
                            .map(|(column, value)| match column.strip_suffix("_json") {
                                Some(plain) => (plain.to_owned(), value),
                                None => (column, value),
                            })
                            .collect(),
                    ),
                    other => other,
                })
                .collect();
            tables.insert(name, rows);
        }
        let supplements: Vec<String> =
            sqlx::query_scalar("SELECT id::text FROM supplements ORDER BY position")
                .fetch_all(&mut connection)
                .await
                .expect("the supplements are read in order");
        tables.insert(
            "supplements in order".to_owned(),
            supplements.into_iter().map(Value::String).collect(),
        );
        tables
    })
}

/// A row as text with its keys sorted at every depth, to compare rows as multisets.
fn canonical(value: &Value) -> String {
    match value {
        Value::Object(object) => {
            let sorted: BTreeMap<&String, String> = object
                .iter()
                .map(|(key, value)| (key, canonical(value)))
                .collect();
            let fields: Vec<String> = sorted
                .into_iter()
                .map(|(key, value)| format!("{}:{value}", Value::String(key.clone())))
                .collect();
            format!("{{{}}}", fields.join(","))
        }
        Value::Array(items) => {
            format!(
                "[{}]",
                items.iter().map(canonical).collect::<Vec<_>>().join(",")
            )
        }
        other => other.to_string(),
    }
}

fn multiset(rows: &[Value]) -> Vec<String> {
    let mut rows: Vec<String> = rows.iter().map(canonical).collect();
    rows.sort();
    rows
}

/// Compares both sides table by table, row by row. PostgreSQL's own columns are checked
/// against what they derive from and then set aside: `attachments.uploaded_unix` (the upload
/// time in unix seconds), `supplements.position` (the order supplements were added in) and
/// `change_log.position` (the position readers see: SQLite's sequence number).
fn assert_both_sides_hold_the_same_rows(
    sqlite: &BTreeMap<String, Vec<Value>>,
    postgres: &mut BTreeMap<String, Vec<Value>>,
) {
    let in_order = postgres
        .remove("supplements in order")
        .expect("the supplements' order was read");
    let sqlite_order: Vec<Value> = sqlite["supplements"]
        .iter()
        .map(|row| row["id"].clone())
        .collect();
    assert_eq!(
        in_order, sqlite_order,
        "the supplements keep the order they were added in"
    );
    for row in postgres.get_mut("attachments").into_iter().flatten() {
        let object = row.as_object_mut().expect("a row is an object");
        let unix = object.remove("uploaded_unix");
        let uploaded_at = object["uploaded_at"].as_str().expect("an upload time");
        let expected = chrono::DateTime::parse_from_rfc3339(uploaded_at)
            .expect("an RFC 3339 time")
            .timestamp();
        assert_eq!(
            unix,
            Some(Value::from(expected)),
            "uploaded_unix is the upload time {uploaded_at} in unix seconds"
        );
    }
    for row in postgres.get_mut("supplements").into_iter().flatten() {
        row.as_object_mut()
            .expect("a row is an object")
            .remove("position");
    }
    for row in postgres.get_mut("change_log").into_iter().flatten() {
        let object = row.as_object_mut().expect("a row is an object");
        let position = object.remove("position");
        assert_eq!(
            position.as_ref(),
            object.get("seq"),
            "a copied change keeps its SQLite sequence number as the position readers see, so \
             cursors handed out before the move stay valid"
        );
    }
    assert_eq!(
        sqlite.keys().collect::<Vec<_>>(),
        postgres.keys().collect::<Vec<_>>(),
        "both schemas have the same tables, and the copy wrote into every one"
    );
    let empty: Vec<&String> = sqlite
        .iter()
        .filter(|(_, rows)| rows.is_empty())
        .map(|(table, _)| table)
        .collect();
    assert!(
        empty.is_empty(),
        "the traffic left rows in every table, so the copy of each is checked; empty: {empty:?}"
    );
    for (table, rows) in sqlite {
        assert_eq!(
            multiset(rows),
            multiset(&postgres[table]),
            "{table} holds the same rows on both sides"
        );
    }
}

#[test]
fn a_commune_moved_from_sqlite_to_postgres_keeps_every_row_and_carries_on() {
    if !runs_on_postgres() {
        eprintln!(
            "a_commune_moved_from_sqlite_to_postgres_keeps_every_row_and_carries_on: skipped: \
             the copy needs PostgreSQL (OPENDVC_TEST_DATABASE_URL; cargo xtask test --only \
             postgres)"
        );
        return;
    }
    let mut source = Portal::start(PortalOptions::default().on_sqlite());
    let before = traffic(&mut source);
    source.stop();
    // A new database on the server, migrated by a portal that wrote nothing into it.
    let mut target = Portal::start(PortalOptions::default().without_demo());
    target.stop();
    let url = target
        .postgres_url()
        .expect("the target portal runs on PostgreSQL")
        .to_owned();

    let copied = copy_command(&source.db_path())
        .env("OPENDVC_DATABASE_URL", &url)
        .output()
        .expect("opendvc-portal copy runs");
    assert!(
        copied.status.success(),
        "the copy succeeds: {}",
        text_of(&copied)
    );
    let printed = String::from_utf8_lossy(&copied.stdout);
    assert!(
        printed.contains("citizens: ") && printed.contains("access_log: "),
        "the copy says how many rows of each table it copied: {printed}"
    );

    let sqlite = sqlite_rows(&source.db_path());
    let mut postgres = postgres_rows(&url);
    assert_both_sides_hold_the_same_rows(&sqlite, &mut postgres);

    let again = copy_command(&source.db_path())
        .env("OPENDVC_DATABASE_URL", &url)
        .output()
        .expect("opendvc-portal copy runs");
    assert!(
        !again.status.success() && text_of(&again).contains("already holds data"),
        "a second copy into the same database is refused: {}",
        text_of(&again)
    );
    assert_eq!(
        multiset(&postgres_rows(&url)["applications"]),
        multiset(&postgres["applications"]),
        "the refused copy changed nothing"
    );

    target.start_again_with(PortalOptions::default());
    let citizen = Citizen::sign_in(&mut target, &before.id_number);
    let [applications, documents, access_log] = seen_by(&citizen);
    assert_eq!(
        applications, before.applications,
        "the citizen sees the same applications, timelines and supplements"
    );
    assert_eq!(
        documents, before.documents,
        "the citizen sees the same documents"
    );
    assert_eq!(access_log, before.access_log, "the access log is the same");

    let replay = citizen.submit_with_key(&before.submission, &before.key);
    replay.expect_status(201, "a replayed key answers with the stored status");
    assert!(
        replay.header(IDEMPOTENT_REPLAY_HEADER).is_some() && replay.text() == before.answer,
        "replaying a key used before the move gives the stored answer, not a new application"
    );

    let procedure = deliverable_procedure(&citizen.catalog());
    let fresh = citizen.submit(&citizen.valid_application(&procedure, counter_delivery()));
    assert!(
        !before
            .applications
            .contains_key(&Value::String(fresh.id.to_string()).to_string())
            && before
                .applications
                .values()
                .all(|application| application["code"] != Value::String(fresh.code.clone())),
        "a submission after the move gets a fresh id and code"
    );
    let (synced_after_the_move, _) = sync_from(&citizen, Some(&before.cursor));
    assert!(
        synced_after_the_move.contains(&Value::String(fresh.id.to_string()).to_string()),
        "a cursor from before the move still works and the new submission comes after it \
         (the change log's sequence moved past the copied rows): {synced_after_the_move:?}"
    );
}

#[test]
fn copy_refuses_a_source_or_target_of_the_wrong_kind_and_a_password_on_the_command_line() {
    let dir = tempfile::tempdir().expect("a scratch folder");
    let from = dir.path().join("portal.db");
    let refused = |command: &mut Command, expected: &str, why: &str| {
        let output = command.output().expect("opendvc-portal copy runs");
        let text = text_of(&output);
        assert!(
            !output.status.success() && text.contains(expected),
            "{why}: expected a failure saying {expected:?}, got {}: {text}",
            output.status
        );
        assert!(!text.contains("panicked"), "{why}: no panic: {text}");
        text
    };
    refused(
        copy_command(&from)
            .arg("--to")
            .arg(dir.path().join("other.db")),
        "is an SQLite file",
        "a target that is an SQLite file is refused",
    );
    refused(
        &mut copy_command(&from),
        "is an SQLite file",
        "without --to or OPENDVC_DATABASE_URL there is no PostgreSQL target",
    );
    let text = refused(
        copy_command(&from)
            .arg("--to")
            .arg("postgres://portal:s3cret@127.0.0.1:1/opendvc"),
        "carries a password",
        "a password in --to is refused",
    );
    assert!(
        !text.contains("s3cret"),
        "the password is never printed: {text}"
    );
    refused(
        copy_command(Path::new("postgres://portal@127.0.0.1:1/opendvc"))
            .args(["--to", "postgres://portal@127.0.0.1:1/other"]),
        "copy reads an SQLite file",
        "a source that is a PostgreSQL database is refused",
    );
}
