//! Building requests and reading answers: the bearer token with one refresh on a 401, the
//! `Idempotency-Key`, the assisted session and the device's time on a staff delivery, answers
//! read up to a size limit, problem documents mapped to [`ClientError`], and the queue's
//! items turned into the contract's requests ([`Transport`]).

use opendvc_api::{
    Application, Attachment, DEVICE_TIME_HEADER, ErrorCode, Feedback, IDEMPOTENCY_KEY_HEADER,
    Problem,
};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderMap, RETRY_AFTER};
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use super::errors::{ClientError, RetryAfter};
use super::handle::{ASSIST_SESSION_HEADER, PortalClient};
use crate::queue::transport::{OutboundRequest, ServerAnswer, Transport, UploadProgress};

const X_FILE_NAME: &str = "X-File-Name";

/// Reads a whole answer, refusing one larger than `limit` bytes: a broken or hostile server
/// must not be able to make the app run out of memory.
async fn read_body_limited(
    mut response: Response,
    limit: usize,
) -> Result<(StatusCode, HeaderMap, Vec<u8>), ClientError> {
    let status = response.status();
    let headers = response.headers().clone();
    let too_large = || ClientError::Malformed {
        what: format!("the answer is larger than {limit} bytes"),
    };
    if response
        .content_length()
        .is_some_and(|length| length > limit as u64)
    {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(ClientError::from_reqwest)? {
        if body.len() + chunk.len() > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok((status, headers, body))
}

pub(super) fn decode<T: DeserializeOwned>(what: &str, body: &[u8]) -> Result<T, ClientError> {
    serde_json::from_slice(body).map_err(|error| ClientError::Malformed {
        what: format!("{what}: {error}"),
    })
}

fn problem_or(status: StatusCode, body: &[u8]) -> Box<Problem> {
    match serde_json::from_slice::<Problem>(body) {
        Ok(problem) => Box::new(problem),
        Err(_) => {
            let code = match status.as_u16() {
                401 => ErrorCode::Unauthorized,
                403 => ErrorCode::Forbidden,
                404 => ErrorCode::NotFound,
                409 => ErrorCode::InvalidState,
                413 => ErrorCode::PayloadTooLarge,
                415 => ErrorCode::UnsupportedMediaType,
                422 => ErrorCode::ValidationFailed,
                429 => ErrorCode::RateLimited,
                400..=499 => ErrorCode::MalformedRequest,
                _ => ErrorCode::Internal,
            };
            let mut problem =
                Problem::new(code, format!("HTTP {status} without a problem document"));
            problem.status = status.as_u16();
            Box::new(problem)
        }
    }
}

pub(super) fn error_for(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> ClientError {
    let problem = || problem_or(status, body);
    let sent_problem = || serde_json::from_slice::<Problem>(body).ok().map(Box::new);
    let retry_after = || {
        headers
            .get(RETRY_AFTER)
            .and_then(|value| value.to_str().ok())
            .and_then(RetryAfter::parse)
    };
    match status.as_u16() {
        401 => ClientError::Unauthorized {
            problem: sent_problem(),
        },
        404 => ClientError::NotFound {
            problem: sent_problem(),
        },
        409 => ClientError::Conflict { problem: problem() },
        429 => ClientError::RateLimited {
            retry_after: retry_after(),
        },
        // The portal gave up waiting for the request (a body trickling over a weak link): it
        // did not act, and the same request may succeed on a better link, so it is retried
        // like a server failure rather than put to the person.
        408 => ClientError::Server {
            status: 408,
            problem: sent_problem(),
            retry_after: retry_after(),
        },
        400..=499 => ClientError::Validation {
            status: status.as_u16(),
            problem: problem(),
        },
        _ => ClientError::Server {
            status: status.as_u16(),
            problem: sent_problem(),
            retry_after: retry_after(),
        },
    }
}

impl PortalClient {
    pub(super) async fn read_body(
        &self,
        response: Response,
    ) -> Result<(StatusCode, HeaderMap, Vec<u8>), ClientError> {
        read_body_limited(response, self.config.max_answer_bytes).await
    }

    pub(super) fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub(super) async fn send_plain(
        &self,
        request: RequestBuilder,
    ) -> Result<Response, ClientError> {
        request.send().await.map_err(ClientError::from_reqwest)
    }

    /// Sends a request built by `build` with the bearer token; on a 401 refreshes the tokens
    /// once and resends. Returns the final status, headers and body.
    pub(super) async fn send_authed(
        &self,
        build: impl Fn() -> RequestBuilder,
    ) -> Result<(StatusCode, HeaderMap, Vec<u8>), ClientError> {
        let tokens = self
            .tokens
            .current()
            .map_err(|error| ClientError::Unreachable(format!("token store: {error}")))?
            .ok_or(ClientError::NotSignedIn)?;
        let build = || match &self.assist_session {
            Some(session) => {
                let request = build().header(ASSIST_SESSION_HEADER, session);
                match self.device_time() {
                    Some(now) => request.header(DEVICE_TIME_HEADER, now),
                    None => request,
                }
            }
            None => build(),
        };
        let first = self
            .read_body(
                self.send_plain(build().bearer_auth(&tokens.access_token))
                    .await?,
            )
            .await?;
        if first.0 != StatusCode::UNAUTHORIZED {
            return Ok(first);
        }
        let access = self.refresh(&tokens.access_token).await?;
        self.read_body(self.send_plain(build().bearer_auth(access)).await?)
            .await
    }

    pub(super) async fn get_json<T: DeserializeOwned>(
        &self,
        path: &str,
        what: &str,
    ) -> Result<T, ClientError> {
        let url = self.url(path);
        let (status, headers, body) = self.send_authed(|| self.http.get(&url)).await?;
        if !status.is_success() {
            return Err(error_for(status, &headers, &body));
        }
        decode(what, &body)
    }

    pub(super) async fn send_idempotent<B: Serialize + Sync, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        key: Uuid,
        body: &B,
        what: &str,
    ) -> Result<T, ClientError> {
        let url = self.url(path);
        let key = key.to_string();
        let (status, headers, body) = self
            .send_authed(|| {
                self.http
                    .request(method.clone(), &url)
                    .header(IDEMPOTENCY_KEY_HEADER, &key)
                    .json(body)
            })
            .await?;
        if !status.is_success() {
            return Err(error_for(status, &headers, &body));
        }
        decode(what, &body)
    }

    pub(super) async fn post_json<B: Serialize + Sync, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
        what: &str,
    ) -> Result<T, ClientError> {
        let url = self.url(path);
        let (status, headers, answer) =
            self.send_authed(|| self.http.post(&url).json(body)).await?;
        if !status.is_success() {
            return Err(error_for(status, &headers, &answer));
        }
        decode(what, &answer)
    }

    /// `POST /v1/attachments` with the raw bytes; `progress` hears how much has gone out.
    pub async fn upload_attachment(
        &self,
        key: Uuid,
        bytes: Vec<u8>,
        content_type: &str,
        file_name: Option<&str>,
        progress: Option<UploadProgress>,
    ) -> Result<Attachment, ClientError> {
        let url = self.url("/v1/attachments");
        let key = key.to_string();
        let encoded_name =
            file_name.map(|name| utf8_percent_encode(name, NON_ALPHANUMERIC).to_string());
        let body = bytes::Bytes::from(bytes);
        let (status, headers, answer) = self
            .send_authed(|| {
                let mut request = self
                    .http
                    .post(&url)
                    .timeout(self.config.upload_timeout)
                    .header(IDEMPOTENCY_KEY_HEADER, &key)
                    .header(CONTENT_TYPE, content_type)
                    // A streamed body would otherwise go out chunked; the portal is told the
                    // size up front, as it would be for an unstreamed one.
                    .header(CONTENT_LENGTH, body.len())
                    .body(upload_body(&body, progress.clone()));
                if let Some(name) = &encoded_name {
                    request = request.header(X_FILE_NAME, name);
                }
                request
            })
            .await?;
        if !status.is_success() {
            return Err(error_for(status, &headers, &answer));
        }
        decode("attachment", &answer)
    }
}

/// Size of the pieces an upload body is streamed in; progress is reported per piece.
const UPLOAD_CHUNK: usize = 64 * 1024;

/// The body of an upload: the bytes as they are, or streamed in pieces that report progress
/// as the connection takes them.
fn upload_body(bytes: &bytes::Bytes, progress: Option<UploadProgress>) -> reqwest::Body {
    let Some(progress) = progress else {
        return reqwest::Body::from(bytes.clone());
    };
    let total = bytes.len();
    let pieces: Vec<bytes::Bytes> = (0..total)
        .step_by(UPLOAD_CHUNK)
        .map(|start| bytes.slice(start..(start + UPLOAD_CHUNK).min(total)))
        .collect();
    let mut sent = 0_u64;
    let stream = futures_util::stream::iter(pieces.into_iter().map(move |piece| {
        sent += piece.len() as u64;
        progress.report(sent);
        Ok::<bytes::Bytes, std::io::Error>(piece)
    }));
    reqwest::Body::wrap_stream(stream)
}

impl Transport for PortalClient {
    async fn deliver(
        &self,
        idempotency_key: Uuid,
        request: OutboundRequest,
    ) -> Result<ServerAnswer, ClientError> {
        let application = |answer: Application| ServerAnswer::Application(Box::new(answer));
        let feedback = |answer: Feedback| ServerAnswer::Feedback(Box::new(answer));
        match request {
            OutboundRequest::Upload {
                bytes,
                content_type,
                file_name,
                progress,
            } => self
                .upload_attachment(
                    idempotency_key,
                    bytes,
                    &content_type,
                    file_name.as_deref(),
                    progress,
                )
                .await
                .map(ServerAnswer::Attachment),
            OutboundRequest::Create(body) => self
                .send_idempotent(
                    Method::POST,
                    "/v1/applications",
                    idempotency_key,
                    &body,
                    "new application",
                )
                .await
                .map(application),
            OutboundRequest::Supplement {
                application_id,
                body,
            } => self
                .send_idempotent(
                    Method::POST,
                    &format!("/v1/applications/{application_id}/supplements"),
                    idempotency_key,
                    &body,
                    "supplement",
                )
                .await
                .map(application),
            OutboundRequest::DeliveryChange {
                application_id,
                body,
            } => self
                .send_idempotent(
                    Method::PUT,
                    &format!("/v1/applications/{application_id}/delivery"),
                    idempotency_key,
                    &body,
                    "delivery change",
                )
                .await
                .map(application),
            OutboundRequest::Withdraw {
                application_id,
                body,
            } => self
                .send_idempotent(
                    Method::POST,
                    &format!("/v1/applications/{application_id}/withdraw"),
                    idempotency_key,
                    &body,
                    "withdrawal",
                )
                .await
                .map(application),
            OutboundRequest::Rating {
                application_id,
                body,
            } => self
                .send_idempotent(
                    Method::POST,
                    &format!("/v1/applications/{application_id}/rating"),
                    idempotency_key,
                    &body,
                    "rating",
                )
                .await
                .map(application),
            OutboundRequest::FileFeedback(body) => self
                .send_idempotent(
                    Method::POST,
                    "/v1/feedback",
                    idempotency_key,
                    &body,
                    "new feedback",
                )
                .await
                .map(ServerAnswer::FeedbackCreated),
            OutboundRequest::RateFeedback { feedback_id, body } => self
                .send_idempotent(
                    Method::POST,
                    &format!("/v1/feedback/{feedback_id}/rating"),
                    idempotency_key,
                    &body,
                    "feedback rating",
                )
                .await
                .map(feedback),
            OutboundRequest::ReopenFeedback { feedback_id, body } => self
                .send_idempotent(
                    Method::POST,
                    &format!("/v1/feedback/{feedback_id}/reopen"),
                    idempotency_key,
                    &body,
                    "feedback reopening",
                )
                .await
                .map(feedback),
            OutboundRequest::AddDocument(body) => self
                .send_idempotent(
                    Method::POST,
                    "/v1/documents",
                    idempotency_key,
                    &body,
                    "hand-added document",
                )
                .await
                .map(|document| ServerAnswer::Document(Box::new(document))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_statuses_map_to_stable_codes() {
        let headers = HeaderMap::new();
        let check = |status: u16, expected: &str| {
            let status = StatusCode::from_u16(status).expect("status");
            assert_eq!(
                error_for(status, &headers, b"not json").code(),
                expected,
                "{status}"
            );
        };
        check(400, "validation");
        check(401, "unauthorized");
        check(403, "validation");
        check(404, "not_found");
        check(409, "conflict");
        check(413, "validation");
        check(422, "validation");
        check(429, "rate_limited");
        check(500, "server");
        check(503, "server");
    }
}
