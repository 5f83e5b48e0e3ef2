//! [`StoreError`]: what goes wrong with the local databases. Its own room, so that each
//! table's module and the store that opens them share it without importing each other.

use std::path::PathBuf;

use rusqlite::ErrorCode;

/// Errors of the local store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the local database {path} is damaged or not a database: {reason}")]
    Corrupt { path: PathBuf, reason: String },
    #[error("local database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("could not bring the local database up to date: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("a stored record could not be read back: {0}")]
    Json(#[from] serde_json::Error),
    #[error("file system error: {0}")]
    Io(#[from] std::io::Error),
}

impl StoreError {
    /// Whether the file itself is damaged or cannot be opened as a database (as opposed to,
    /// say, a busy lock): for the cache, a reason to move it aside and rebuild.
    pub(crate) fn is_corruption(error: &rusqlite::Error) -> bool {
        matches!(
            error.sqlite_error_code(),
            Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt | ErrorCode::CannotOpen)
        )
    }
}
