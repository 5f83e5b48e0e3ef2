//! Uploads, content-addressed by SHA-256.
//!
//! The bytes live in the database (one table of contents, one of owners): a single file to
//! back up, written in the same transaction as its metadata, and SQLite reads and writes
//! blobs of this size efficiently. Each citizen sees only their own uploads; identical bytes
//! from two citizens are stored once.
//!
//! A file must be what it says: its bytes are sniffed (the `infer` crate reads the magic
//! numbers) and must be a PDF or an image (JPEG, PNG, WebP, HEIC) of the declared type, or the
//! upload is refused with 415 `unsupported_media_type`; anything else (a program, a page of
//! HTML, an archive) has no business in an application and could harm the officer who opens
//! it. Each citizen's uploads count against a quota (`attachments.quotaBytesPerCitizen`); a
//! file beyond it gets 413 `quota_exceeded`. Uploads no application refers to are collected
//! once no client can still need them (`collect_daily`).

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

/// The media types an upload may have, each with the type `infer` sniffs from such bytes.
const ACCEPTED: [(&str, &str); 6] = [
    ("application/pdf", "application/pdf"),
    ("image/jpeg", "image/jpeg"),
    ("image/png", "image/png"),
    ("image/webp", "image/webp"),
    ("image/heic", "image/heif"),
    ("image/heif", "image/heif"),
];

/// Checks that `content` is a file of the accepted `media_type`.
pub(crate) fn check_content(media_type: &str, content: &[u8]) -> Result<(), ApiError> {
    let Some((_, expected)) = ACCEPTED
        .iter()
        .find(|(declared, _)| *declared == media_type)
    else {
        return Err(ApiError::new(
            ErrorCode::UnsupportedMediaType,
            format!(
                "{media_type} is not accepted: send a PDF or a photo (JPEG, PNG, WebP or HEIC) \
                 with its own Content-Type."
            ),
        ));
    };
    let sniffed = infer::get(content).map(|kind| kind.mime_type());
    if sniffed != Some(*expected) {
        return Err(ApiError::new(
            ErrorCode::UnsupportedMediaType,
            format!(
                "The file's content is not {media_type} ({}); send the file as it is, with \
                 its own Content-Type.",
                sniffed.map_or_else(
                    || "its type was not recognised".to_owned(),
                    |kind| format!("it looks like {kind}")
                )
            ),
        ));
    }
    Ok(())
}

/// The media type of the upload, `type/subtype` without parameters.
pub(crate) fn media_type(headers: &HeaderMap) -> Result<String, ApiError> {
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
    let owned = state.store.owned_attachments(citizen_id, &ids).await?;
    if !owned.is_empty() {
        return Ok(None);
    }
    late.admit(state.clock.now().timestamp(), &state.limits.assist)
        .map(Some)
}

#[utoipa::path(post, path = "/v1/attachments", tag = "attachments", security(("bearer" = [])),
    params(("X-File-Name" = Option<String>, Header, description = "The file's name, percent-encoded UTF-8.")),
    request_body(content = Vec<u8>, description = "The file's bytes, at most 20 MiB, sent with the file's own Content-Type: a PDF or a photo (JPEG, PNG, WebP, HEIC). The bytes are sniffed: other types, or bytes that are not what the Content-Type says, get 415 `unsupported_media_type`. Each citizen may hold 200 MiB of uploads (limits.json as shipped); a new file beyond that gets 413 `quota_exceeded`. Uploads no application or supplement refers to are deleted 30 days after their upload (the idempotency window, which also covers the 7-day late delivery of assisted sessions).",
        content((String = "application/pdf"), (String = "image/jpeg"), (String = "image/png"), (String = "image/webp"), (String = "image/heic"))),
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
    check_content(&content_type, &content)?;
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
    let quota = state.limits.attachments.quota_bytes_per_citizen;
    let (attachment, created) = state.store.put_attachment(upload, quota).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, axum::Json(attachment)).into_response())
}

/// Uploads younger than this are never collected, referenced or not: a client's queue may
/// still send the application that uses them (an idempotent resend within the idempotency
/// window, or the late delivery of an assisted session's work).
pub fn collection_age_seconds(state: &AppState) -> i64 {
    let days = i64::from(opendvc_api::IDEMPOTENCY_RETENTION_DAYS)
        .max(i64::from(state.limits.assist.late_delivery_days));
    days * 24 * 3600
}

/// Forgets uploads no application refers to once they are older than every window.
pub async fn collect(state: &AppState) -> Result<crate::store::CollectedFiles, ApiError> {
    let before = state.clock.now().timestamp() - collection_age_seconds(state);
    Ok(state.store.collect_attachments(before).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_pdfs_and_photos_that_are_what_they_say_are_accepted() {
        let pdf = b"%PDF-1.4\n%%EOF\n";
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        let jpeg = b"\xff\xd8\xff\xe0\0\x10JFIF\0";
        assert!(check_content("application/pdf", pdf).is_ok());
        assert!(check_content("image/png", png).is_ok());
        assert!(check_content("image/jpeg", jpeg).is_ok());
        for (media_type, content) in [
            ("application/pdf", &png[..]),
            ("image/jpeg", &pdf[..]),
            ("text/plain", b"hello"),
            (
                "image/svg+xml",
                b"<svg xmlns='http://www.w3.org/2000/svg'/>",
            ),
            ("application/pdf", b""),
        ] {
            let refused = check_content(media_type, content).expect_err("refused");
            assert_eq!(
                refused.code(),
                ErrorCode::UnsupportedMediaType,
                "{media_type}"
            );
        }
    }
}
