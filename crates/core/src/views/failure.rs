//! A command that failed, as the CLI prints it with `--json`.

use opendvc_api::FieldError;
use serde::Serialize;

/// `{"error": {…}}`: what failed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FailureReport {
    pub error: FailureView,
}

/// A failure: a stable code (a core code, or one of the CLI's own), what to tell the person,
/// the technical detail, and the refused fields.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FailureView {
    pub code: String,
    pub message: String,
    pub detail: Option<String>,
    pub errors: Vec<FieldError>,
}
