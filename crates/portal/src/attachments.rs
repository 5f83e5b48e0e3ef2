//! Uploads, content-addressed by SHA-256.
//!
//! The bytes live in the database (one table of contents, one of owners): a single file to
//! back up, written in the same transaction as its metadata, and SQLite reads and writes
//! blobs of this size efficiently. Each citizen sees only their own uploads; identical bytes
//! from two citizens are stored once.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use opendvc_api::{AccessAction, AccessResource, Attachment, ErrorCode};
use percent_encoding::percent_decode_str;
use sha2::{Digest, Sha256};

use crate::auth::CitizenSubmit;
use crate::error::ApiError;
use crate::extract::read_body;
use crate::late_delivery::LateDelivery;
use crate::state::AppState;
use crate::store::{LateItem, NewUpload};

/// Header carrying the file's name, percent-encoded UTF-8.
pub const FILE_NAME_HEADER: &str = "X-File-Name";

/// The media type of the upload, `type/subtype` without parameters.
fn media_type(headers: &HeaderMap) -> Result<String, ApiError> {
    let unsupported = || {
        ApiError::new(
            ErrorCode::UnsupportedMediaType,
            "Send the file with its Content-Type, e.g. application/pdf or image/jpeg.",
        )
    };
    let value = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .ok_or_else(unsupported)?;
    let media = value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let valid = media.split_once('/').is_some_and(|(kind, subtype)| {
        let token = |part: &str| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
        };
        token(kind) && token(subtype)
    });
    if !valid || media.len() > 127 {
        return Err(unsupported());
    }
    Ok(media)
}

fn file_name(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get(FILE_NAME_HEADER) else {
        return Ok(None);
    };
    let bad = || {
        ApiError::malformed("X-File-Name must be percent-encoded UTF-8, at most 255 characters.")
    };
    let raw = value.to_str().map_err(|_| bad())?;
    let name = percent_decode_str(raw).decode_utf8().map_err(|_| bad())?;
    let name = name.trim();
    if name.is_empty() {
        return Ok(None);
    }
    if name.chars().count() > 255 || name.chars().any(char::is_control) {
        return Err(bad());
    }
    Ok(Some(name.to_owned()))
}

/// Admits a file delivered late for an assisted session. A file the citizen already has is a
/// replay (uploads are idempotent by content): it is answered even after the delivery window
/// closed and is not counted. A new file must pass the window and is counted.
async fn admit_late_file(
    state: &AppState,
    late: &LateDelivery,
    citizen_id: uuid::Uuid,
    id: &str,
) -> Result<Option<LateItem>, ApiError> {
    let ids = vec![id.to_owned()];
    let owned = state
        .db(move |store| store.owned_attachments(citizen_id, &ids))
        .await?;
    if !owned.is_empty() {
        return Ok(None);
    }
    late.admit(state.clock.now().timestamp(), &state.limits.assist)
        .map(Some)
}

#[utoipa::path(post, path = "/v1/attachments", tag = "attachments", security(("bearer" = [])),
    params(("X-File-Name" = Option<String>, Header, description = "The file's name, percent-encoded UTF-8.")),
    request_body(content = Vec<u8>, description = "The file's bytes, at most 20 MiB, sent with the file's own Content-Type.",
        content((String = "application/octet-stream"), (String = "application/pdf"), (String = "image/jpeg"), (String = "image/png"))),
    responses(
        (status = 201, description = "Stored.", body = Attachment),
        (status = 200, description = "The same bytes were uploaded before; the same attachment.", body = Attachment)))]
pub async fn upload(
    State(state): State<AppState>,
    auth: CitizenSubmit,
    request: Request,
) -> Result<Response, ApiError> {
    let content_type = media_type(request.headers())?;
    let file_name = file_name(request.headers())?;
    let content = read_body(request).await?;
    let id = format!("sha256:{}", hex::encode(Sha256::digest(&content)));
    let late_item = match &auth.late {
        None => None,
        Some(late) => admit_late_file(&state, late, auth.citizen_id, &id).await?,
    };
    let now = state.clock.now();
    let access = auth.access(
        AccessAction::Submitted,
        AccessResource::Attachment,
        Some(id.clone()),
        now.timestamp(),
    );
    let upload = NewUpload {
        citizen_id: auth.citizen_id,
        id,
        content: content.to_vec(),
        content_type,
        file_name,
        uploaded_at: now,
        late_item,
        access,
    };
    let (attachment, created) = state.db(move |store| store.put_attachment(upload)).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, axum::Json(attachment)).into_response())
}
