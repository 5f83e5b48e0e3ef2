//! The bare baseline for durable writes: SQLite on disk in WAL mode with `synchronous=FULL`,
//! one INSERT per transaction. Nothing the project does that commits a row durably can be
//! faster than this on the same disk; the ratio to it shows what the rest costs.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use rusqlite::{Connection, params};

/// What a bare insert loop achieved.
#[derive(Debug, Clone, Copy)]
pub struct InsertRate {
    pub rows: u64,
    pub elapsed: Duration,
}

impl InsertRate {
    pub fn per_second(&self) -> f64 {
        let seconds = self.elapsed.as_secs_f64();
        if seconds > 0.0 {
            self.rows as f64 / seconds
        } else {
            0.0
        }
    }
}

/// SQLite's `synchronous` setting: how hard a commit waits for the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Synchronous {
    /// Every commit is on the disk before it returns (survives a power cut).
    Full,
    /// In WAL mode, commits survive a crash of the process but not of the machine.
    Normal,
}

impl Synchronous {
    pub fn pragma_value(self) -> &'static str {
        match self {
            Synchronous::Full => "FULL",
            Synchronous::Normal => "NORMAL",
        }
    }
}

/// Inserts up to `rows` rows carrying `payload` (a stored application, so the row size is
/// similar to the portal's), each in its own transaction, stopping early at `time_limit`.
pub fn insert_rate(
    db: &Path,
    synchronous: Synchronous,
    payload: &str,
    rows: u64,
    time_limit: Duration,
) -> Result<InsertRate> {
    let connection =
        Connection::open(db).with_context(|| format!("could not open {}", db.display()))?;
    connection.pragma_update(None, "journal_mode", "WAL")?;
    connection.pragma_update(None, "synchronous", synchronous.pragma_value())?;
    connection.execute_batch(
        "CREATE TABLE applications (
             id TEXT PRIMARY KEY,
             code TEXT NOT NULL UNIQUE,
             citizen_id TEXT NOT NULL,
             procedure_id TEXT NOT NULL,
             status TEXT NOT NULL,
             body TEXT NOT NULL,
             created_at TEXT NOT NULL
         );
         CREATE INDEX applications_by_citizen ON applications (citizen_id, created_at);",
    )?;
    let mut insert = connection.prepare(
        "INSERT INTO applications (id, code, citizen_id, procedure_id, status, body, created_at)
         VALUES (?1, ?2, ?3, ?4, 'received', ?5, ?6)",
    )?;
    let started = Instant::now();
    let mut inserted = 0;
    while inserted < rows && started.elapsed() < time_limit {
        // Outside an explicit transaction every statement commits on its own: one fsync each.
        insert.execute(params![
            uuid::Uuid::now_v7().to_string(),
            format!("000.00.48.H17-261129-{inserted:06}"),
            "048090001234",
            "id-card-renewal",
            payload,
            "2026-11-29T10:00:00+07:00",
        ])?;
        inserted += 1;
    }
    Ok(InsertRate {
        rows: inserted,
        elapsed: started.elapsed(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_loop_commits_every_row_to_the_file() {
        let dir =
            std::env::temp_dir().join(format!("xtask-sqlite-baseline-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let db = dir.join("bare.db");
        let rate = insert_rate(
            &db,
            Synchronous::Full,
            "{\"form\":{}}",
            25,
            Duration::from_secs(60),
        )
        .expect("inserts run");
        assert_eq!(
            rate.rows, 25,
            "every requested row is inserted within the generous limit"
        );
        let connection = Connection::open(&db).expect("reopen");
        let stored: u64 = connection
            .query_row("SELECT count(*) FROM applications", [], |row| row.get(0))
            .expect("count");
        let journal: String = connection
            .query_row("PRAGMA journal_mode", [], |row| row.get(0))
            .expect("journal mode");
        assert_eq!(stored, 25, "rows are in the database after the loop");
        assert_eq!(
            journal, "wal",
            "the baseline runs in WAL mode, as the project's stores do"
        );
        std::fs::remove_dir_all(&dir).ok();
    }
}
