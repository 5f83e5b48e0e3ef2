//! A photo an officer attaches to an answer (`POST /v1/officer/feedback/{id}/photos`): the
//! bytes with their own Content-Type, sniffed like an upload, stripped of their EXIF location
//! like a resident's photo, stored content-addressed with the item (a resend of the same bytes
//! is the same photo), and named by the answer's `photo`.

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use opendvc_api::{ErrorCode, FeedbackPhoto};
use uuid::Uuid;

use super::exif::{ExifError, strip_location};
use super::officer::scoped;
use super::resident::{content_id, json_body};
use crate::attachments::{check_content, media_type};
use crate::auth::OfficerAuth;
use crate::error::ApiError;
use crate::extract::{ApiPath, read_body};
use crate::scope::Scope;
use crate::state::AppState;
use crate::store::{FeedbackChange, FeedbackDecision, FeedbackPhotoFile};

#[utoipa::path(post, path = "/v1/officer/feedback/{id}/photos", tag = "officer", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Feedback item id")),
    request_body(content = Vec<u8>, description = "A photo for an answer, at most 20 MiB, sent with its own Content-Type: JPEG, PNG or WebP. The bytes are sniffed; other types get 415 `unsupported_media_type`. Its EXIF location is removed. The same bytes sent again are the same photo.",
        content((String = "image/jpeg"), (String = "image/png"), (String = "image/webp"))),
    responses((status = 201, description = "Stored with the item; name its `id` as the answer's `photo`. Readable like the item's photos. An item outside the caller's scope answers 404.", body = FeedbackPhoto)))]
pub async fn upload(
    State(state): State<AppState>,
    OfficerAuth(staff): OfficerAuth,
    ApiPath(id): ApiPath<Uuid>,
    request: Request,
) -> Result<Response, ApiError> {
    let scope = Scope::of(&staff, &state.data)?;
    scoped(&state, &scope, id).await?;
    let content_type = media_type(request.headers())?;
    let content = read_body(request).await?;
    check_content(&content_type, &content)?;
    let stripped = strip_location(&content, &content_type).map_err(|error| match error {
        ExifError::UnsupportedFormat { .. } => {
            ApiError::new(ErrorCode::UnsupportedMediaType, error.to_string())
        }
        ExifError::NotAnImage { .. } => ApiError::field("body", error.to_string()),
    })?;
    let file = FeedbackPhotoFile {
        id: content_id(&stripped),
        content_type: content_type.clone(),
        content: stripped,
    };
    let photo = FeedbackPhoto {
        id: file.id.clone(),
        content_type,
        size: file.content.len() as u64,
    };
    let decide: FeedbackDecision = Box::new(move |current| {
        Ok(FeedbackChange {
            record: current.clone(),
            events: Vec::new(),
            inbox: Vec::new(),
            photos: vec![file],
            notices: Vec::new(),
        })
    });
    state.store.change_feedback(id, decide, None).await?;
    json_body(StatusCode::CREATED, &photo)
}
