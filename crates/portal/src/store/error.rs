//! How a store call fails: refused for a domain reason, or the database failed.

use crate::error::ApiError;

/// A storage failure: either the request is refused for a domain reason found inside the
/// transaction, or the database failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0}")]
    Refused(ApiError),
    #[error("database failure: {0}")]
    Database(String),
    /// The database cannot be reached just now (down, restarting, every connection busy past
    /// the pool's wait): nothing was done, and the request may be sent again.
    #[error("database unavailable: {0}")]
    Unavailable(String),
}

impl From<serde_json::Error> for StoreError {
    fn from(error: serde_json::Error) -> Self {
        StoreError::Database(format!("stored JSON: {error}"))
    }
}

impl From<ApiError> for StoreError {
    fn from(error: ApiError) -> Self {
        StoreError::Refused(error)
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Refused(error) => error,
            StoreError::Database(cause) => ApiError::internal(cause),
            StoreError::Unavailable(cause) => ApiError::unavailable(cause),
        }
    }
}

pub type StoreResult<T> = Result<T, StoreError>;
