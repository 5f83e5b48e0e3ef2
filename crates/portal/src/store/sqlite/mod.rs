//! The SQLite implementation of the store.
//!
//! One writer connection behind a mutex (SQLite admits one writer at a time anyway, and a
//! single connection avoids busy retries) and a few reader connections, which WAL lets run
//! beside the writer. A write is answered only once its transaction is on the disk, so what the
//! portal acknowledged (a submission, a spent refresh token, a rate-limit hit) survives a power
//! cut, not just a crash of the process. Concurrent writes share one commit and one flush
//! (`group_commit`): each runs in a savepoint of one open transaction, the writer connection
//! commits it to the log (`synchronous=NORMAL`) and the log is flushed with the connection
//! already free; every other connection runs `synchronous=FULL`. Transactions begin
//! `IMMEDIATE`, so a read-then-write (a limit checked, then hit) never interleaves with another
//! process's writer (the officer command, a second portal).
//!
//! The store traits are async; SQLite is blocking. Each trait method of [`SqliteStore`] hands
//! its work to tokio's blocking pool (`spawn_blocking`), where the blocking [`Database`] runs
//! it, so an async worker thread never waits for a lock on the file.
//!
//! One module per trait of `crate::store`, each with its SQL (`citizens`, `auth`, `limits`,
//! `access_log`, `attachments`, `applications`, `outbox`, `notification_settings`, `events`, `renewal`, `late_warnings`, `officer`, `feedback`, `payments`): the blocking
//! methods on `Database`, then the trait's async methods on `SqliteStore`. `rows` maps stored
//! rows to domain types for all of them, `changes` is the change log every write records in,
//! `group_commit` the batches that share one commit and one flush to the disk, and `migrations`
//! the append-only schema.
//! This module holds the connections, their pragmas and
//! the write transaction, and `Cached`, the statements each connection keeps prepared.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::Connection;

use super::{StoreError, StoreResult};

mod access_log;
mod applications;
mod attachments;
mod auth;
mod changes;
mod citizens;
pub mod copy;
mod events;
mod feedback;
mod feedback_warnings;
mod group_commit;
mod late_warnings;
mod limits;
pub mod migrations;
mod notification_settings;
mod notifications;
mod officer;
mod outbox;
mod payments;
mod renewal;
mod rows;

const READERS: usize = 4;

/// The SQLite store: one file, WAL. Cheap to share: the connections live behind an `Arc`, so
/// blocking work can take them to the blocking pool.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    database: Arc<Database>,
    /// Open event streams per token: one process serves the file, so its memory holds the
    /// count.
    stream_slots: Arc<super::InProcessStreamSlots>,
}

/// The connections to the file, used from blocking code only.
#[derive(Debug)]
pub(super) struct Database {
    writer: Mutex<Connection>,
    /// The writes waiting for the writer connection join one transaction and one commit.
    group_commit: group_commit::GroupCommit,
    readers: Vec<Mutex<Connection>>,
    next_reader: AtomicUsize,
    /// The schema version the migrations brought the file to at open.
    schema_version: i64,
}

/// Statements each connection keeps prepared. The store's SQL is a fixed set of a few hundred
/// statements, and parsing one again costs about as much as running it.
const PREPARED_STATEMENTS: usize = 512;

fn configure(connection: &Connection) -> rusqlite::Result<()> {
    connection.set_prepared_statement_cache_capacity(PREPARED_STATEMENTS);
    connection.pragma_update(None, "journal_mode", "WAL")?;
    connection.pragma_update(None, "synchronous", "FULL")?;
    connection.pragma_update(None, "foreign_keys", "ON")?;
    // Each write of a shared batch runs in a savepoint, whose journal keeps the pages it
    // changes as they were; on disk (the default, past 64 KiB) that is dozens of writes to a
    // temporary file per request. In memory it costs a few pages of RAM per open savepoint.
    connection.pragma_update(None, "temp_store", "MEMORY")?;
    connection.busy_timeout(std::time::Duration::from_secs(10))?;
    Ok(())
}

/// `execute` and `query_row` on a statement the connection keeps prepared (`prepare_cached`),
/// for the store's fixed SQL; `Connection`'s own methods parse the SQL again at every call.
pub(super) trait Cached {
    fn execute_cached<P: rusqlite::Params>(&self, sql: &str, params: P) -> rusqlite::Result<usize>;

    fn query_row_cached<T, P, F>(&self, sql: &str, params: P, row: F) -> rusqlite::Result<T>
    where
        P: rusqlite::Params,
        F: FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>;
}

impl Cached for Connection {
    fn execute_cached<P: rusqlite::Params>(&self, sql: &str, params: P) -> rusqlite::Result<usize> {
        self.prepare_cached(sql)?.execute(params)
    }

    fn query_row_cached<T, P, F>(&self, sql: &str, params: P, row: F) -> rusqlite::Result<T>
    where
        P: rusqlite::Params,
        F: FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    {
        self.prepare_cached(sql)?.query_row(params, row)
    }
}

fn lock(mutex: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
    // A panic while holding a connection cannot leave a transaction open (the transaction
    // rolls back on drop), so a poisoned connection is still usable.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl SqliteStore {
    /// Opens (or creates) the database at `path` and brings its schema up to date. Blocking.
    pub fn open(path: &Path) -> StoreResult<Self> {
        Ok(SqliteStore {
            database: Arc::new(Database::open(path)?),
            stream_slots: Arc::default(),
        })
    }

    /// Brings the schema of the database at `path` up to date; returns how many migrations
    /// were applied. Blocking.
    pub fn migrate(path: &Path) -> StoreResult<usize> {
        let mut connection = Connection::open(path)?;
        configure(&connection)?;
        let version = |connection: &Connection| -> StoreResult<i64> {
            Ok(connection.pragma_query_value(None, "user_version", |row| row.get(0))?)
        };
        let before = version(&connection)?;
        migrations::migrations()
            .to_latest(&mut connection)
            .map_err(|error| StoreError::Database(format!("migration failed: {error}")))?;
        Ok(usize::try_from(version(&connection)? - before).unwrap_or(0))
    }

    /// Runs blocking `work` on the database on tokio's blocking pool.
    async fn blocking<T, F>(&self, work: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Database) -> StoreResult<T> + Send + 'static,
    {
        let database = self.database.clone();
        tokio::task::spawn_blocking(move || work(&database))
            .await
            .map_err(|error| StoreError::Database(format!("the database task failed: {error}")))?
    }

    /// Runs a short read (a lookup by key that touches a few pages) on the calling task when a
    /// reader connection is free, and on the blocking pool otherwise. From the page cache such
    /// a read takes tens of microseconds, less than the hop to the blocking pool and back (two
    /// thread switches and a wake-up); a request makes several before its write. A read never
    /// waits here for a connection that a long read on the blocking pool holds.
    async fn point_read<T, F>(&self, work: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        if let Some(reader) = self.database.try_reader() {
            return work(&reader);
        }
        self.blocking(move |database| work(&database.reader()))
            .await
    }
}

/// One process serves an SQLite file (the `officer` command runs no periodic work), so the
/// portal holds every lease.
#[async_trait::async_trait]
impl super::LeaseStore for SqliteStore {
    async fn hold_lease(&self, _name: &str) -> bool {
        true
    }
}

/// One process serves an SQLite file (the `officer` command opens no streams), so its memory
/// counts the open event streams.
#[async_trait::async_trait]
impl super::StreamSlotStore for SqliteStore {
    async fn take_stream_slot(
        &self,
        token_hash: &str,
        max: u32,
    ) -> StoreResult<Option<super::StreamSlot>> {
        Ok(self.stream_slots.take(token_hash, max))
    }
}

/// SQLite has no notifications (and the `officer` command writes from another process): the
/// hub polls.
#[async_trait::async_trait]
impl super::ChangeSignal for SqliteStore {
    async fn change_signal(&self) -> Option<Arc<tokio::sync::Notify>> {
        None
    }
}

#[async_trait::async_trait]
impl super::HealthStore for SqliteStore {
    async fn readiness(&self) -> Result<(), super::NotReady> {
        self.blocking(|database| {
            if let Some(reason) = database.group_commit.stopped() {
                return Err(StoreError::Unavailable(reason));
            }
            let reader = database.reader();
            let version: i64 = reader.pragma_query_value(None, "user_version", |row| row.get(0))?;
            if version < database.schema_version {
                return Err(StoreError::Database(format!(
                    "the schema went back to version {version} from {}",
                    database.schema_version
                )));
            }
            Ok(())
        })
        .await
        .map_err(|error| super::NotReady(error.to_string()))
    }
}

impl Database {
    fn open(path: &Path) -> StoreResult<Self> {
        let mut writer = Connection::open(path)?;
        configure(&writer)?;
        migrations::migrations()
            .to_latest(&mut writer)
            .map_err(|error| StoreError::Database(format!("migration failed: {error}")))?;
        let schema_version: i64 =
            writer.pragma_query_value(None, "user_version", |row| row.get(0))?;
        // The writer's commits leave the flush to the disk to `group_commit`, which does it
        // with the connection free and answers a writer only once it is done.
        writer.pragma_update(None, "synchronous", "NORMAL")?;
        let mut readers = Vec::with_capacity(READERS);
        for _ in 0..READERS {
            let reader = Connection::open(path)?;
            configure(&reader)?;
            readers.push(Mutex::new(reader));
        }
        Ok(Database {
            writer: Mutex::new(writer),
            group_commit: group_commit::GroupCommit::new(path),
            readers,
            next_reader: AtomicUsize::new(0),
            schema_version,
        })
    }

    fn reader(&self) -> MutexGuard<'_, Connection> {
        let start = self.next_reader.fetch_add(1, Ordering::Relaxed);
        self.free_reader(start)
            .unwrap_or_else(|| lock(&self.readers[start % self.readers.len()]))
    }

    /// A reader connection nobody holds, if there is one.
    fn try_reader(&self) -> Option<MutexGuard<'_, Connection>> {
        self.free_reader(self.next_reader.fetch_add(1, Ordering::Relaxed))
    }

    fn free_reader(&self, start: usize) -> Option<MutexGuard<'_, Connection>> {
        (0..self.readers.len()).find_map(|offset| {
            self.readers[(start + offset) % self.readers.len()]
                .try_lock()
                .ok()
        })
    }

    /// Runs `work` in a write transaction and returns once it is committed. Concurrent writes
    /// share the transaction and its commit, each in a savepoint of its own (`group_commit`).
    /// The transaction begins IMMEDIATE, taking the database's write lock first, so that what
    /// `work` reads stays true until it commits, also against another process on the same
    /// file (the officer command line).
    fn write<T>(&self, work: impl FnOnce(&Connection) -> StoreResult<T>) -> StoreResult<T> {
        self.group_commit.run(&self.writer, work)
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> Self {
        match error.sqlite_error_code() {
            // Another connection held the file past the busy timeout: nothing was done, and the
            // client may resend (503).
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                StoreError::Unavailable(error.to_string())
            }
            _ => StoreError::Database(error.to_string()),
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::store::CitizenRecord;
    use uuid::Uuid;

    /// A scratch database in its own folder, removed on drop. Tests call the blocking
    /// `Database` directly; the async trait methods only hand the same calls to the pool.
    pub(super) struct Scratch {
        dir: std::path::PathBuf,
        pub(super) store: Database,
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }

    pub(super) fn scratch() -> Scratch {
        let dir = std::env::temp_dir().join(format!("opendvc-store-{}", Uuid::now_v7()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let store = Database::open(&dir.join("portal.db")).expect("store opens");
        Scratch { dir, store }
    }

    pub(super) fn citizen(store: &Database) -> Uuid {
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

    #[test]
    fn every_write_is_flushed_to_the_disk_before_it_is_answered() {
        let scratch = scratch();
        let store = &scratch.store;
        for (index, connection) in store.readers.iter().enumerate() {
            let connection = lock(connection);
            let synchronous: i64 = connection
                .pragma_query_value(None, "synchronous", |row| row.get(0))
                .expect("synchronous reads");
            assert_eq!(
                synchronous, 2,
                "reader {index} runs synchronous=FULL (2): a checkpoint it runs at close \
                 flushes the database file"
            );
        }
        let (synchronous, journal): (i64, String) = {
            let writer = lock(&store.writer);
            (
                writer
                    .pragma_query_value(None, "synchronous", |row| row.get(0))
                    .expect("synchronous reads"),
                writer
                    .pragma_query_value(None, "journal_mode", |row| row.get(0))
                    .expect("journal_mode reads"),
            )
        };
        assert_eq!(
            (synchronous, journal.as_str()),
            (1, "wal"),
            "the writer commits to the log in WAL mode (NORMAL, 1) and leaves the flush to \
             group_commit"
        );
        citizen(store);
        assert!(
            store.group_commit.is_on_disk(),
            "the write returned only after its batch was flushed"
        );
    }

    #[tokio::test]
    async fn a_portal_whose_disk_failed_a_write_is_not_ready() {
        use crate::store::HealthStore;
        let dir = std::env::temp_dir().join(format!("opendvc-store-{}", Uuid::now_v7()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("portal.db");
        let store = SqliteStore::open(&path).expect("store opens");
        store.readiness().await.expect("a fresh portal is ready");
        citizen(&store.database);
        // The log goes away under the open connections: the next flush cannot reach it.
        std::fs::remove_file(dir.join("portal.db-wal")).expect("the log is there");
        let database = store.database.clone();
        let refused = tokio::task::spawn_blocking(move || {
            database
                .write(|connection| Ok(connection.execute_batch("CREATE TABLE probe (n INTEGER)")?))
        })
        .await
        .expect("the write returns")
        .expect_err("a write whose log could not be flushed is not acknowledged");
        assert!(
            refused
                .to_string()
                .contains("the disk did not confirm a write"),
            "the write's error says why: {refused}"
        );
        let not_ready = store
            .readiness()
            .await
            .expect_err("a portal that stopped writing is not ready");
        assert!(
            not_ready.to_string().contains("until it is restarted"),
            "readiness says why: {not_ready}"
        );
        drop(store);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
