//! What is wrong with a data file, and the checks the data files share (an agency id's
//! form), apart from the data they check, so `data` and `agencies` both build on them.

/// A data file that does not hold what the portal needs.
#[derive(Debug, thiserror::Error)]
#[error("data file {file} is invalid: {message}")]
pub struct DataError {
    pub file: String,
    pub message: String,
}

pub(crate) fn invalid(file: &str, message: impl Into<String>) -> DataError {
    DataError {
        file: file.to_owned(),
        message: message.into(),
    }
}

/// Whether `id` is an agency id: a lowercase slug such as `da-nang-police`.
pub fn is_agency_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}
