//! The local store: two SQLite files per profile.
//!
//! Only this module talks SQL. Each table has its own module with its SQL and row types.
//!
//! # Why the outbox is a separate file
//!
//! The submission queue (outbox) lives in its own SQLite file, `outbox.db`, apart from the
//! cache, `cache.db`. The cache holds only copies of what the server already knows (profile,
//! documents, catalog, applications, inbox, sync cursor), so when it is corrupt or unreadable
//! it can be moved aside (renamed `cache.db.corrupt-<timestamp>`) and rebuilt by a full sync
//! from the server. The outbox holds the one thing the server does not know yet — the person's
//! unsent submissions — and must never be thrown away with the cache. Keeping them in
//! separate files means a damaged cache page can never take a queued item with it, and the
//! rebuild needs no surgery inside a damaged database. The outbox also gets the stricter
//! `synchronous=FULL`, which the cache does not need.

pub mod answers;
pub mod applications;
pub mod catalog;
pub mod catalog_search;
pub mod documents;
pub mod drafts;
pub mod error;
pub mod feedback;
pub mod inbox;
pub mod meta;
pub mod notify_state;
pub mod outbox;
pub mod payments;
pub mod profile;
pub mod reference;
mod stamp;
pub(crate) mod statements;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags};
use rusqlite_migration::{M, Migrations};

pub use error::StoreError;
pub(crate) use stamp::time_text;

/// Cache schema, append-only: never edit a migration that has shipped, add a new one.
const CACHE_MIGRATIONS: &[M<'static>] = &[
    M::up(
        "CREATE TABLE profile (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        json TEXT NOT NULL
    );
    CREATE TABLE documents (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        json TEXT NOT NULL
    );
    CREATE TABLE procedures (
        id TEXT PRIMARY KEY,
        position INTEGER NOT NULL,
        json TEXT NOT NULL
    );
    CREATE TABLE catalog_meta (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        version TEXT NOT NULL,
        etag TEXT,
        fetched_at TEXT NOT NULL
    );
    CREATE TABLE applications (
        id TEXT PRIMARY KEY,
        code TEXT NOT NULL,
        status TEXT NOT NULL,
        submitted_at TEXT NOT NULL,
        due_at TEXT NOT NULL,
        json TEXT NOT NULL
    );
    CREATE INDEX applications_by_code ON applications (code);
    CREATE INDEX applications_by_submission ON applications (submitted_at);
    CREATE TABLE inbox (
        id TEXT PRIMARY KEY,
        at TEXT NOT NULL,
        category TEXT NOT NULL,
        application_id TEXT,
        read INTEGER NOT NULL DEFAULT 0,
        json TEXT NOT NULL
    );
    CREATE INDEX inbox_by_time ON inbox (at);
    CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );",
    ),
    // Residents' feedback from `/v1/sync` (with its timeline in the JSON, like applications),
    // and the services it can be filed in (`GET /v1/feedback/services`), kept for the form
    // offline.
    M::up(
        "CREATE TABLE feedback (
        id TEXT PRIMARY KEY,
        status TEXT NOT NULL,
        submitted_at TEXT NOT NULL,
        json TEXT NOT NULL
    );
    CREATE INDEX feedback_by_submission ON feedback (submitted_at);
    CREATE TABLE feedback_services (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        json TEXT NOT NULL,
        fetched_at TEXT NOT NULL
    );",
    ),
    // What the person typed last in a field of each kind (`store::answers`), offered in the
    // next form.
    M::up(
        "CREATE TABLE remembered_answers (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );",
    ),
    // The payments of the citizen's applications (`GET /v1/applications/{id}/payments`), with
    // their receipts inside the JSON, and the key of a payment being started, kept until the
    // portal's answer is stored.
    M::up(
        "CREATE TABLE payments (
        id TEXT PRIMARY KEY,
        application_id TEXT NOT NULL,
        status TEXT NOT NULL,
        created_at TEXT NOT NULL,
        json TEXT NOT NULL
    );
    CREATE INDEX payments_by_application ON payments (application_id, created_at);
    CREATE TABLE payment_keys (
        application_id TEXT PRIMARY KEY,
        method TEXT NOT NULL,
        key TEXT NOT NULL,
        created_at TEXT NOT NULL
    );",
    ),
    // Applications the person started and has not submitted (`store::drafts`), one per
    // started application, kept as they type so that a restart loses nothing.
    M::up(
        "CREATE TABLE drafts (
        id TEXT PRIMARY KEY,
        procedure_id TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        json TEXT NOT NULL
    );
    CREATE INDEX drafts_by_time ON drafts (updated_at);",
    ),
];

/// Outbox schema, append-only.
const OUTBOX_MIGRATIONS: &[M<'static>] = &[
    M::up(
        "CREATE TABLE items (
        position INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        payload TEXT NOT NULL,
        state TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL DEFAULT 0,
        reason TEXT,
        application_id TEXT,
        application_code TEXT,
        result TEXT,
        bytes_total INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX items_by_state ON items (state, position);
    CREATE TABLE item_dependencies (
        item_id TEXT NOT NULL REFERENCES items (id),
        depends_on TEXT NOT NULL REFERENCES items (id),
        PRIMARY KEY (item_id, depends_on)
    );
    CREATE INDEX dependencies_by_parent ON item_dependencies (depends_on);
    CREATE TABLE item_events (
        item_id TEXT NOT NULL REFERENCES items (id),
        at TEXT NOT NULL,
        state TEXT NOT NULL,
        detail TEXT
    );
    CREATE INDEX item_events_by_item ON item_events (item_id);
    CREATE TABLE queue_meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );",
    ),
    // Whether the portal may have acted on an unsent item: its last send got no answer this
    // app could read. Such an item is sent once more before the person may discard it. Items
    // queued before this column existed count as possibly arrived once they were ever sent,
    // unless the portal refused them with a problem (a 4xx).
    M::up(
        "ALTER TABLE items ADD COLUMN may_have_arrived INTEGER NOT NULL DEFAULT 0;
    UPDATE items SET may_have_arrived = 1
    WHERE state IN ('queued', 'sending', 'needs_attention')
      AND id IN (SELECT item_id FROM item_events WHERE state = 'sending')
      AND NOT (state = 'needs_attention'
               AND COALESCE(json_extract(reason, '$.status'), 0) BETWEEN 400 AND 499);",
    ),
    // An item's first event, "queued" when it was enqueued, is its own `created_at`
    // (`outbox::events`): the enqueue writes no event row, and the rows written before are
    // dropped so that the history shows each once.
    M::up("DELETE FROM item_events WHERE state = 'queued' AND detail = 'enqueued';"),
];

pub(crate) fn cache_migrations() -> Migrations<'static> {
    Migrations::from_slice(CACHE_MIGRATIONS)
}

pub(crate) fn outbox_migrations() -> Migrations<'static> {
    Migrations::from_slice(OUTBOX_MIGRATIONS)
}

/// How durable commits must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Durability {
    /// `synchronous=NORMAL`: a power cut may lose the last commits, never corrupt. Fine for a
    /// cache that the server can refill.
    Cache,
    /// `synchronous=FULL`: a commit is on disk before it returns. The queue needs it: the UI
    /// says "saved" only after the commit.
    Queue,
}

/// Opens a database file with its pragmas, checks its integrity, and brings it up to date
/// with `migrations` (none for a file whose tables are rebuilt whole, like the search index).
fn open_checked(
    path: &Path,
    durability: Durability,
    migrations: Option<&Migrations<'static>>,
) -> Result<Connection, StoreError> {
    let corrupt = |error: &rusqlite::Error| StoreError::Corrupt {
        path: path.to_owned(),
        reason: error.to_string(),
    };
    // Created (or narrowed) readable by the owner only before SQLite opens it; SQLite gives
    // the `-wal` and `-shm` files the database file's mode.
    crate::session::ensure_private_file(path).map_err(|error| {
        if error.kind() == std::io::ErrorKind::IsADirectory {
            StoreError::Corrupt {
                path: path.to_owned(),
                reason: error.to_string(),
            }
        } else {
            StoreError::Io(error)
        }
    })?;
    let mut conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|error| {
        if StoreError::is_corruption(&error) {
            corrupt(&error)
        } else {
            StoreError::Sqlite(error)
        }
    })?;
    let setup = |conn: &Connection| -> Result<(), rusqlite::Error> {
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE_CAPACITY);
        conn.pragma_update(None, "journal_mode", "WAL")?;
        let synchronous = match durability {
            Durability::Cache => "NORMAL",
            Durability::Queue => "FULL",
        };
        conn.pragma_update(None, "synchronous", synchronous)?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        Ok(())
    };
    setup(&conn).map_err(|error| {
        if StoreError::is_corruption(&error) {
            corrupt(&error)
        } else {
            StoreError::Sqlite(error)
        }
    })?;
    let verdict: Result<Vec<String>, rusqlite::Error> = conn
        .prepare("PRAGMA quick_check")
        .and_then(|mut statement| {
            statement
                .query_map([], |row| row.get::<_, String>(0))?
                .collect()
        });
    match verdict {
        Ok(lines) if lines.len() == 1 && lines[0] == "ok" => {}
        Ok(lines) => {
            return Err(StoreError::Corrupt {
                path: path.to_owned(),
                reason: lines.join("; "),
            });
        }
        Err(error) if StoreError::is_corruption(&error) => return Err(corrupt(&error)),
        Err(error) => return Err(StoreError::Sqlite(error)),
    }
    let Some(migrations) = migrations else {
        return Ok(conn);
    };
    migrations
        .to_latest(&mut conn)
        .map_err(|error| match &error {
            rusqlite_migration::Error::RusqliteError { err, .. }
                if StoreError::is_corruption(err) =>
            {
                corrupt(err)
            }
            _ => StoreError::Migration(error),
        })?;
    Ok(conn)
}

/// Statements each connection keeps prepared: more than the store's fixed SQL, so none is
/// parsed twice in a session.
const STATEMENT_CACHE_CAPACITY: usize = 256;

/// The cache database of one profile: copies of server state, rebuildable by a full sync.
#[derive(Debug)]
pub struct Cache {
    conn: Mutex<Connection>,
}

/// What opening the cache found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheOpening {
    /// The cache opened as it was.
    Intact,
    /// The cache was damaged; it was moved to `moved_to` and a new, empty one created. A full
    /// sync refills it.
    Rebuilt { moved_to: PathBuf, reason: String },
}

impl Cache {
    /// Opens the cache at `path`. A damaged or unreadable file is moved aside to
    /// `<name>.corrupt-<timestamp>` (with its `-wal` and `-shm` files) and a new one is created.
    pub fn open_or_rebuild(
        path: &Path,
        now: DateTime<Utc>,
    ) -> Result<(Cache, CacheOpening), StoreError> {
        match open_checked(path, Durability::Cache, Some(&cache_migrations())) {
            Ok(conn) => Ok((Cache::wrap(conn), CacheOpening::Intact)),
            Err(StoreError::Corrupt { reason, .. }) => {
                let stamp = now.format("%Y%m%dT%H%M%S%.3fZ");
                let file_name = path
                    .file_name()
                    .map(|name| name.to_string_lossy().into_owned())
                    .unwrap_or_else(|| "cache.db".to_owned());
                let moved_to = path.with_file_name(format!("{file_name}.corrupt-{stamp}"));
                std::fs::rename(path, &moved_to)?;
                for suffix in ["-wal", "-shm"] {
                    let side = path.with_file_name(format!("{file_name}{suffix}"));
                    if side.exists() {
                        let side_moved =
                            path.with_file_name(format!("{file_name}.corrupt-{stamp}{suffix}"));
                        std::fs::rename(&side, side_moved)?;
                    }
                }
                let conn = open_checked(path, Durability::Cache, Some(&cache_migrations()))?;
                Ok((
                    Cache::wrap(conn),
                    CacheOpening::Rebuilt { moved_to, reason },
                ))
            }
            Err(other) => Err(other),
        }
    }

    /// An empty cache in memory, for tests and benchmarks (feature `test-support`).
    #[cfg(any(test, feature = "test-support"))]
    pub fn in_memory() -> Result<Cache, StoreError> {
        let mut conn = Connection::open_in_memory()?;
        cache_migrations().to_latest(&mut conn)?;
        Ok(Cache::wrap(conn))
    }

    fn wrap(conn: Connection) -> Cache {
        Cache {
            conn: Mutex::new(conn),
        }
    }

    pub(crate) fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `read` on the cache connection.
    pub fn read<T>(
        &self,
        read: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        read(&self.conn())
    }

    /// Runs `write` in one transaction: all of it is stored, or none.
    pub fn write<T>(
        &self,
        write: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let conn = self.conn();
        let tx = conn.unchecked_transaction()?;
        let value = write(&tx)?;
        tx.commit()?;
        Ok(value)
    }

    /// Applies one page of `/v1/sync` and stores its cursor in the same transaction, so the
    /// cursor never runs ahead of the data (a crash between pages resumes at the last page).
    pub fn apply_sync_page(
        &self,
        page: &opendvc_api::SyncResponse,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            if let Some(profile) = &page.profile {
                profile::save(tx, profile)?;
            }
            for application in &page.applications {
                applications::upsert(tx, application)?;
            }
            for document in &page.documents {
                documents::upsert(tx, document)?;
                // The choice made on another device (or this one, once delivered).
                notify_state::adopt_synced_choice(tx, document.id, document.reminders.into())?;
            }
            for item in &page.inbox {
                inbox::upsert(tx, item)?;
            }
            for item in &page.feedback {
                feedback::upsert(tx, item)?;
            }
            meta::set(tx, meta::SYNC_CURSOR, &page.cursor)?;
            meta::set(tx, meta::LAST_SYNC_AT, &time_text(now))?;
            Ok(())
        })
    }
}

/// The outbox database of one profile: the durable submission queue.
#[derive(Debug)]
pub struct Outbox {
    conn: Mutex<Connection>,
}

impl Outbox {
    /// Opens the outbox at `path`. A damaged outbox is an error, never moved aside: it holds
    /// the person's unsent work.
    pub fn open(path: &Path) -> Result<Outbox, StoreError> {
        let conn = open_checked(path, Durability::Queue, Some(&outbox_migrations()))?;
        Ok(Outbox {
            conn: Mutex::new(conn),
        })
    }

    pub(crate) fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `read` on the outbox connection.
    pub fn read<T>(
        &self,
        read: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        read(&self.conn())
    }

    /// Runs `write` in one transaction: all of it is stored, or none.
    pub fn write<T>(
        &self,
        write: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let conn = self.conn();
        let tx = conn.unchecked_transaction()?;
        let value = write(&tx)?;
        tx.commit()?;
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_migrations_are_valid() {
        cache_migrations()
            .validate()
            .expect("cache migrations apply cleanly to an empty database");
    }

    #[test]
    fn outbox_migrations_are_valid() {
        outbox_migrations()
            .validate()
            .expect("outbox migrations apply cleanly to an empty database");
    }

    #[test]
    fn an_item_queued_before_or_after_the_upgrade_shows_its_queued_event_once() {
        use uuid::Uuid;
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("outbox.db");
        let before = Uuid::now_v7();
        {
            // An outbox of the version before: the enqueue wrote its "queued" event as a row.
            let mut conn = Connection::open(&path).expect("opens");
            outbox_migrations()
                .to_version(&mut conn, 2)
                .expect("the older schema");
            conn.execute_batch(&format!(
                "INSERT INTO items (id, kind, payload, state, created_at, updated_at)
                 VALUES ('{before}', 'create_application', '{{}}', 'queued',
                         '2026-12-01T08:00:00Z', '2026-12-01T08:01:00Z');
                 INSERT INTO item_events (item_id, at, state, detail) VALUES
                     ('{before}', '2026-12-01T08:00:00Z', 'queued', 'enqueued'),
                     ('{before}', '2026-12-01T08:01:00Z', 'sending', NULL),
                     ('{before}', '2026-12-01T08:01:00Z', 'queued', 'network');"
            ))
            .expect("an item with its history");
        }
        let outbox = Outbox::open(&path).expect("opens and upgrades");
        let now = Utc::now();
        let after = Uuid::now_v7();
        outbox
            .write(|tx| {
                outbox::insert(
                    tx,
                    &[outbox::NewItem {
                        id: after,
                        payload: crate::queue::item::ItemPayload::UploadAttachment {
                            sha256: "ab".repeat(32),
                            content_type: "image/png".to_owned(),
                            file_name: None,
                            size: 1,
                        },
                        depends_on: Vec::new(),
                        bytes_total: 0,
                    }],
                    now,
                )
            })
            .expect("enqueues");
        let conn = outbox.conn();
        let states = |id| {
            outbox::events(&conn, id)
                .expect("reads")
                .into_iter()
                .map(|event| (event.state, event.detail))
                .collect::<Vec<_>>()
        };
        let queued = (
            crate::queue::item::ItemState::Queued,
            Some(outbox::ENQUEUED.to_owned()),
        );
        assert_eq!(
            states(before),
            vec![
                queued.clone(),
                (crate::queue::item::ItemState::Sending, None),
                (
                    crate::queue::item::ItemState::Queued,
                    Some("network".to_owned())
                ),
            ],
            "the older item's history, its first event once"
        );
        assert_eq!(states(after), vec![queued], "a new item starts queued");
        assert!(
            outbox::events(&conn, Uuid::now_v7())
                .expect("reads")
                .is_empty(),
            "no history for an item that is not there"
        );
    }

    #[test]
    fn outbox_is_opened_with_full_synchronous_and_wal() {
        let dir = tempfile::tempdir().expect("temp dir");
        let outbox = Outbox::open(&dir.path().join("outbox.db")).expect("opens");
        let conn = outbox.conn();
        let synchronous: i64 = conn
            .query_row("PRAGMA synchronous", [], |row| row.get(0))
            .expect("reads pragma");
        let journal: String = conn
            .query_row("PRAGMA journal_mode", [], |row| row.get(0))
            .expect("reads pragma");
        assert_eq!(synchronous, 2, "synchronous=FULL is 2");
        assert_eq!(journal, "wal");
    }

    #[test]
    fn garbage_cache_file_is_moved_aside_and_replaced() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("cache.db");
        std::fs::write(&path, vec![0x5a; 8192]).expect("writes garbage");
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-29T10:00:00Z")
            .expect("time")
            .with_timezone(&Utc);
        let (_cache, opening) = Cache::open_or_rebuild(&path, now).expect("rebuilds");
        let CacheOpening::Rebuilt { moved_to, .. } = opening else {
            panic!("a garbage file must be detected, got {opening:?}");
        };
        assert!(moved_to.exists(), "the damaged file is kept for inspection");
        assert!(
            moved_to
                .to_string_lossy()
                .contains("cache.db.corrupt-20261129T100000"),
            "named with a timestamp: {}",
            moved_to.display()
        );
    }

    #[test]
    fn cache_path_that_cannot_be_opened_is_moved_aside() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("cache.db");
        std::fs::create_dir(&path).expect("a folder where the file should be");
        let now = chrono::Utc::now();
        let (_cache, opening) = Cache::open_or_rebuild(&path, now).expect("rebuilds");
        assert!(
            matches!(opening, CacheOpening::Rebuilt { .. }),
            "{opening:?}"
        );
        assert!(path.is_file(), "a new cache file took its place");
    }

    #[test]
    fn garbage_outbox_is_an_error_not_a_rebuild() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("outbox.db");
        std::fs::write(&path, vec![0x5a; 8192]).expect("writes garbage");
        let error = Outbox::open(&path).expect_err("a damaged outbox is reported");
        assert!(matches!(error, StoreError::Corrupt { .. }), "{error:?}");
        assert!(path.exists(), "the outbox file is left in place");
    }
}
