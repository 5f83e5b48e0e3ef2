//! Group commit on the one writer connection: concurrent writes share one durable commit.
//!
//! With `synchronous=FULL` a commit waits for the disk, and one write transaction per request
//! makes every request wait for its own flush in turn. Here the writes queued behind the writer
//! connection join one open transaction instead, each in a savepoint of its own (a write that
//! fails rolls back only itself), and the last write in line commits them together. Every
//! writer is answered only once its batch's commit returned — so a `201` is still on the disk
//! before it is sent — and a commit that fails fails every write of its batch.
//!
//! A batch is one `BEGIN IMMEDIATE` transaction: the database's write lock is taken first, so
//! what a write reads stays true until its batch commits, also against another process on the
//! same file. Writers take the connection in turn, so inside a batch the writes run one after
//! the other, each seeing the ones before it, as they would with a commit between them.
//!
//! The flush to the disk happens after the connection is let go. The writer connection commits
//! with `synchronous=NORMAL` (WAL mode): `COMMIT` appends the batch to the write-ahead log
//! without waiting for the disk. A writer of the batch then flushes the log (`fdatasync`) with
//! the connection already free, so the next batch runs while the disk works, and one flush
//! covers every batch committed before it began. A writer is answered only once a flush that
//! began after its batch's commit has returned: what it acknowledges is on the disk, as with
//! `synchronous=FULL`, which would make each commit hold the connection through its own flush.
//! SQLite still flushes the log before each checkpoint and the database file after it, so a
//! checkpoint never takes committed pages out of the log before they are on the disk.
//!
//! A flush that fails stops the writer for good: its writers are told, and every write after it
//! is refused (a batch still open is rolled back, not committed), until the portal restarts.
//! After a failed `fdatasync` the kernel may have dropped the pages it could not write and
//! marked them clean, so a later flush that succeeds proves nothing about them (PostgreSQL
//! stops for the same reason). On restart SQLite reads the log back, and a client's resend with
//! the same Idempotency-Key finds its write stored, or makes it.
//!
//! A reader may see a batch in the moment between its commit and its flush; nothing leaves the
//! portal as acknowledged on the strength of it. A resend with the same Idempotency-Key waits
//! for the original request (`idempotency`'s in-flight guard, held until it is answered), and
//! whatever a later write does with the batch (the outbox claiming its messages, to send them)
//! is answered after that write's own flush, which covers every batch committed before it.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::thread::Thread;

use rusqlite::{Connection, ffi};

/// A batch commits after this many writes even while more are waiting, so no writer waits on
/// a batch that never ends.
const MAX_BATCH_WRITES: usize = 64;

/// Failures of finished batches kept for writers that have not looked yet; older ones are
/// dropped (only a writer that panicked never looks).
const KEPT_FAILURES: usize = 256;

/// The batches of the writer connection.
#[derive(Debug)]
pub(super) struct GroupCommit {
    state: Mutex<BatchState>,
    /// The write-ahead log the writer connection commits to.
    wal: PathBuf,
}

#[derive(Debug, Default)]
struct BatchState {
    /// Writers waiting for the connection: while there are any, a write leaves the batch open
    /// for them.
    waiting: usize,
    /// The batch whose transaction is open on the connection.
    open: Option<OpenBatch>,
    /// The number of the last batch begun (batches are numbered from 1).
    last_begun: u64,
    /// Every batch up to this one has committed or failed: its `COMMIT` returned.
    finished: u64,
    failures: Vec<BatchFailure>,
    /// Every committed batch up to this one is on the disk.
    durable: u64,
    /// A writer is flushing the log.
    flushing: bool,
    /// Why the writer stopped: a flush failed. Every write from then on is refused.
    stopped: Option<String>,
    /// The log's folder was flushed once, so the log file's name is on the disk too.
    folder_flushed: bool,
    /// Writers asleep until their batch is on the disk (or failed). Each is woken only when
    /// that happened, or to flush the log: with a dozen writers in line, waking them all at
    /// every commit and every flush would cost more than the writes.
    sleepers: Vec<Sleeper>,
}

#[derive(Debug)]
struct Sleeper {
    batch: u64,
    thread: Thread,
}

impl BatchState {
    /// Wakes the writers whose batch is at or below `through`.
    fn wake_through(&self, through: u64) {
        for sleeper in self.sleepers.iter().filter(|s| s.batch <= through) {
            sleeper.thread.unpark();
        }
    }

    /// Wakes the writers of batch `number`.
    fn wake_batch(&self, number: u64) {
        for sleeper in self.sleepers.iter().filter(|s| s.batch == number) {
            sleeper.thread.unpark();
        }
    }

    /// Wakes one writer of a batch that committed after the last flush began, to flush it:
    /// nobody else would.
    fn wake_next_flusher(&self) {
        if self.flushing || self.stopped.is_some() {
            return;
        }
        if let Some(sleeper) = self
            .sleepers
            .iter()
            .find(|s| s.batch > self.durable && s.batch <= self.finished)
        {
            sleeper.thread.unpark();
        }
    }
}

#[derive(Debug)]
struct OpenBatch {
    number: u64,
    writes: usize,
}

/// A batch whose commit failed, until each of its writers has been told.
#[derive(Debug)]
struct BatchFailure {
    batch: u64,
    error: ffi::Error,
    message: String,
    untold: usize,
}

fn locked<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Nothing here leaves the state half-changed across a panic, so a poisoned lock is usable.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl GroupCommit {
    /// Batches of a connection that commits to the write-ahead log of the database at `path`.
    pub(super) fn new(path: &Path) -> GroupCommit {
        let mut wal = path.as_os_str().to_owned();
        wal.push("-wal");
        GroupCommit {
            state: Mutex::default(),
            wal: PathBuf::from(wal),
        }
    }

    /// Runs `work` in a savepoint of the writer's open batch (beginning one if none is open)
    /// and returns once the batch has committed and is on the disk: `work`'s value, or its error
    /// (its changes rolled back), or the commit's or the flush's error.
    pub(super) fn run<T, E: From<rusqlite::Error>>(
        &self,
        writer: &Mutex<Connection>,
        work: impl FnOnce(&Connection) -> Result<T, E>,
    ) -> Result<T, E> {
        {
            let mut state = locked(&self.state);
            if let Some(reason) = &state.stopped {
                return Err(stopped_error(reason).into());
            }
            state.waiting += 1;
        }
        let connection = locked(writer);
        let joined = {
            let mut state = locked(&self.state);
            state.waiting -= 1;
            state.open.as_mut().map(|open| {
                open.writes += 1;
                open.number
            })
        };
        let batch = match joined {
            Some(number) => number,
            None => {
                // Begun outside the state's lock: IMMEDIATE may wait for another process.
                connection.execute_batch("BEGIN IMMEDIATE")?;
                let mut state = locked(&self.state);
                state.last_begun += 1;
                let number = state.last_begun;
                state.open = Some(OpenBatch { number, writes: 1 });
                number
            }
        };
        // From here this writer ends its turn whatever happens, a panic in `work` included:
        // the turn's drop commits the batch when nobody waits behind it.
        let mut turn = Turn {
            group: self,
            connection,
        };
        let value = turn.in_savepoint(work);
        drop(turn);
        self.wait_for(batch)?;
        value
    }

    /// Waits until batch `number` has committed and is on the disk, flushing the log when no
    /// other writer is; its commit's or its flush's error, if either failed.
    fn wait_for(&self, number: u64) -> Result<(), rusqlite::Error> {
        let mut state = locked(&self.state);
        loop {
            if state.finished >= number {
                if let Some(error) = take_failure(&mut state, number) {
                    return Err(error);
                }
                if state.durable >= number {
                    return Ok(());
                }
                if let Some(reason) = &state.stopped {
                    return Err(stopped_error(reason));
                }
                if !state.flushing {
                    // This flush covers every batch committed so far; the connection is free
                    // for the next batch meanwhile.
                    state.flushing = true;
                    let through = state.finished;
                    let flush_folder = !state.folder_flushed;
                    drop(state);
                    let flushed = self.flush(flush_folder);
                    state = locked(&self.state);
                    state.flushing = false;
                    match flushed {
                        Ok(()) => {
                            state.durable = state.durable.max(through);
                            state.folder_flushed = true;
                            state.wake_through(through);
                            state.wake_next_flusher();
                        }
                        Err(error) => {
                            tracing::error!(%error, wal = %self.wal.display(),
                                "the database's log could not be flushed to the disk: the \
                                 writes waiting for it are not acknowledged");
                            state.stopped.get_or_insert_with(|| {
                                format!(
                                    "the disk did not confirm a write ({error}); the portal \
                                     accepts no more writes until it is restarted"
                                )
                            });
                            // Every writer left is told: no flush follows this one.
                            state.wake_through(u64::MAX);
                        }
                    }
                    continue;
                }
            }
            // Asleep until a waker finds this batch done, or picks this writer to flush; a
            // wake-up that comes before `park` makes it return at once.
            let me = std::thread::current();
            let id = me.id();
            state.sleepers.push(Sleeper {
                batch: number,
                thread: me,
            });
            drop(state);
            std::thread::park();
            state = locked(&self.state);
            state.sleepers.retain(|sleeper| sleeper.thread.id() != id);
        }
    }

    /// Flushes the write-ahead log to the disk (and, the first time, its folder, so that the
    /// log's name survives a power cut with it). Any descriptor of a file flushes what every
    /// other descriptor wrote to it.
    fn flush(&self, folder: bool) -> std::io::Result<()> {
        std::fs::File::open(&self.wal)?.sync_data()?;
        if folder && let Some(parent) = self.wal.parent() {
            let parent = if parent.as_os_str().is_empty() {
                Path::new(".")
            } else {
                parent
            };
            std::fs::File::open(parent)?.sync_all()?;
        }
        Ok(())
    }
}

impl GroupCommit {
    /// Why the writer stopped accepting writes, if it did: a flush to the disk failed.
    pub(super) fn stopped(&self) -> Option<String> {
        locked(&self.state).stopped.clone()
    }
}

/// The error of a write refused, or left unconfirmed, because the writer stopped.
fn stopped_error(reason: &str) -> rusqlite::Error {
    rusqlite::Error::SqliteFailure(
        ffi::Error::new(ffi::SQLITE_IOERR_FSYNC),
        Some(reason.to_owned()),
    )
}

#[cfg(test)]
impl GroupCommit {
    /// Every batch begun has committed and is on the disk.
    pub(super) fn is_on_disk(&self) -> bool {
        let state = locked(&self.state);
        state.open.is_none() && state.durable == state.last_begun
    }
}

/// The error of failed batch `number`, told once to each of its writers.
fn take_failure(state: &mut BatchState, number: u64) -> Option<rusqlite::Error> {
    let index = state
        .failures
        .iter()
        .position(|failure| failure.batch == number)?;
    let failure = &mut state.failures[index];
    failure.untold = failure.untold.saturating_sub(1);
    let error = rusqlite::Error::SqliteFailure(failure.error, Some(failure.message.clone()));
    if failure.untold == 0 {
        state.failures.remove(index);
    }
    Some(error)
}

/// One writer's turn on the connection.
struct Turn<'a> {
    group: &'a GroupCommit,
    connection: MutexGuard<'a, Connection>,
}

impl Turn<'_> {
    fn in_savepoint<T, E: From<rusqlite::Error>>(
        &mut self,
        work: impl FnOnce(&Connection) -> Result<T, E>,
    ) -> Result<T, E> {
        let savepoint = self.connection.savepoint()?;
        // A savepoint dropped without `commit` (an error, a panic) rolls back to where it began.
        let value = work(&savepoint)?;
        savepoint.commit()?;
        Ok(value)
    }
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        let open = {
            let mut state = locked(&self.group.state);
            match &state.open {
                Some(open) if state.waiting > 0 && open.writes < MAX_BATCH_WRITES => return,
                Some(_) => state.open.take(),
                None => None,
            }
        };
        let Some(open) = open else {
            return;
        };
        let stopped = locked(&self.group.state).stopped.clone();
        let ended = match &stopped {
            // Nothing more is written once a flush failed: the batch is undone, and its writers
            // are told so.
            Some(reason) => self
                .connection
                .execute_batch("ROLLBACK")
                .and(Err(stopped_error(reason))),
            None => self.connection.execute_batch("COMMIT"),
        };
        let failure = ended.err().map(|error| {
            // A failed COMMIT may leave the transaction open; nothing of it is kept.
            if !self.connection.is_autocommit() {
                let _rolled_back = self.connection.execute_batch("ROLLBACK");
            }
            let code = error
                .sqlite_error()
                .copied()
                .unwrap_or_else(|| ffi::Error::new(ffi::SQLITE_ERROR));
            BatchFailure {
                batch: open.number,
                error: code,
                message: error.to_string(),
                untold: open.writes,
            }
        });
        let mut state = locked(&self.group.state);
        state.finished = open.number;
        if let Some(failure) = failure {
            if state.failures.len() >= KEPT_FAILURES {
                state.failures.remove(0);
            }
            state.failures.push(failure);
            state.wake_batch(open.number);
        } else if std::thread::panicking() {
            // The writer that committed flushes its batch, unless it is unwinding: then
            // another writer of the batch must.
            state.wake_next_flusher();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    /// A scratch folder, removed on drop.
    struct Scratch(std::path::PathBuf);

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn database() -> (Scratch, Arc<Mutex<Connection>>) {
        let dir = std::env::temp_dir().join(format!("opendvc-group-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).expect("a scratch folder");
        let connection = Connection::open(dir.join("group.db")).expect("opens");
        connection
            .execute_batch(
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
                 CREATE TABLE rows (writer INTEGER NOT NULL, n INTEGER NOT NULL);",
            )
            .expect("set up");
        (Scratch(dir), Arc::new(Mutex::new(connection)))
    }

    #[test]
    fn concurrent_writes_all_commit_and_a_failing_one_rolls_back_only_itself() {
        let (dir, writer) = database();
        let group = Arc::new(GroupCommit::new(&dir.0.join("group.db")));
        let threads: Vec<_> = (0..16)
            .map(|writer_number: i64| {
                let (group, writer) = (group.clone(), writer.clone());
                std::thread::spawn(move || {
                    (0..50)
                        .map(|n: i64| {
                            group.run(&writer, |connection| {
                                connection.execute(
                                    "INSERT INTO rows (writer, n) VALUES (?1, ?2)",
                                    [writer_number, n],
                                )?;
                                if n % 10 == 9 {
                                    // Refused after it wrote: its row must not stay.
                                    return Err(rusqlite::Error::QueryReturnedNoRows);
                                }
                                Ok(())
                            })
                        })
                        .filter(Result::is_ok)
                        .count()
                })
            })
            .collect();
        let acknowledged: usize = threads
            .into_iter()
            .map(|thread| thread.join().expect("the writer thread ends"))
            .sum();
        let connection = locked(&writer);
        let stored: i64 = connection
            .query_row("SELECT COUNT(*) FROM rows", [], |row| row.get(0))
            .expect("counts");
        assert_eq!(
            acknowledged,
            16 * 45,
            "every write but the refused ones is acknowledged"
        );
        assert_eq!(
            usize::try_from(stored).expect("a count"),
            acknowledged,
            "exactly the acknowledged rows are stored"
        );
        assert!(
            connection.is_autocommit(),
            "no transaction stays open once every writer was answered"
        );
        assert!(
            group.is_on_disk(),
            "every batch was flushed before its writers were answered"
        );
    }

    #[test]
    fn an_acknowledged_write_is_committed_before_it_returns() {
        let (dir, writer) = database();
        let group = GroupCommit::new(&dir.0.join("group.db"));
        group
            .run(&writer, |connection| {
                connection.execute("INSERT INTO rows (writer, n) VALUES (1, 1)", [])
            })
            .expect("writes");
        assert!(group.is_on_disk(), "the write's batch was flushed first");
        // Another connection sees only committed data.
        let reader = Connection::open(dir.0.join("group.db")).expect("opens");
        let stored: i64 = reader
            .query_row("SELECT COUNT(*) FROM rows", [], |row| row.get(0))
            .expect("counts");
        assert_eq!(stored, 1, "the acknowledged row is committed");
    }

    #[test]
    fn a_write_whose_flush_fails_is_not_acknowledged() {
        let (dir, writer) = database();
        // The log to flush is not there: the disk cannot confirm the write.
        let group = GroupCommit::new(&dir.0.join("missing").join("group.db"));
        let error = group
            .run(&writer, |connection| {
                connection.execute("INSERT INTO rows (writer, n) VALUES (1, 1)", [])
            })
            .expect_err("a write the disk did not confirm is not acknowledged");
        assert!(
            error
                .to_string()
                .contains("the disk did not confirm a write"),
            "the error says why: {error}"
        );
        assert!(
            locked(&writer).is_autocommit(),
            "no transaction stays open after a failed flush"
        );
    }

    #[test]
    fn after_a_failed_flush_no_write_is_accepted_until_a_restart() {
        let (dir, writer) = database();
        let folder = dir.0.join("later");
        let group = GroupCommit::new(&folder.join("group.db"));
        let insert = |n: i64| {
            group.run(&writer, |connection| {
                connection.execute("INSERT INTO rows (writer, n) VALUES (1, ?1)", [n])
            })
        };
        insert(1).expect_err("a write the disk did not confirm is not acknowledged");
        // The disk answers again: a flush would now succeed, but proves nothing about the
        // pages the failed one lost.
        std::fs::create_dir_all(&folder).expect("a folder");
        std::fs::write(folder.join("group.db-wal"), b"").expect("a log");
        let error = insert(2).expect_err("no write is accepted after a failed flush");
        assert!(
            error.to_string().contains("until it is restarted"),
            "the error says what to do: {error}"
        );
        assert!(group.stopped().is_some(), "the writer says it stopped");
        let refused: i64 = locked(&writer)
            .query_row("SELECT COUNT(*) FROM rows WHERE n = 2", [], |row| {
                row.get(0)
            })
            .expect("counts");
        assert_eq!(refused, 0, "the refused write left nothing behind");
    }

    #[test]
    fn a_write_is_answered_when_the_writer_that_committed_its_batch_panicked() {
        // Either writer may take the connection first; enough rounds see both orders.
        for _ in 0..20 {
            let (dir, writer) = database();
            let group = Arc::new(GroupCommit::new(&dir.0.join("group.db")));
            // Held, so that both writers queue for the connection and share one batch.
            let held = locked(&writer);
            let spawn = |fails: bool| {
                let (group, writer) = (group.clone(), writer.clone());
                std::thread::spawn(move || {
                    group.run(&writer, |connection| {
                        connection.execute("INSERT INTO rows (writer, n) VALUES (1, 1)", [])?;
                        assert!(!fails, "the work of this writer fails");
                        Ok::<_, rusqlite::Error>(())
                    })
                })
            };
            let calm = spawn(false);
            let panicking = spawn(true);
            while locked(&group.state).waiting < 2 {
                std::thread::yield_now();
            }
            drop(held);
            assert!(panicking.join().is_err(), "the failing writer panicked");
            calm.join()
                .expect("the other writer returns")
                .expect("its write is acknowledged");
            assert!(group.is_on_disk(), "its batch was flushed");
        }
    }
}
