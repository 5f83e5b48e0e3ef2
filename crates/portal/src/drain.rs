//! Lingering reads: a request body the handler did not read to the end is read and dropped
//! after the response, so the client hears the answer.
//!
//! When a server answers early (413 for an oversized upload, 401 before reading a body) and
//! closes the connection while the client is still sending, the client's writes fail and the
//! kernel may throw away the answer already sent: the client sees a network error instead of a
//! 413 and its queue retries the same upload for ever. Reading the rest of the body (bounded in
//! bytes and time) keeps the connection open until the client has finished sending.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use http_body::{Body as HttpBody, Frame, SizeHint};
use http_body_util::BodyExt;

/// Most bytes read and dropped after the answer; a client sending more is cut off.
const MAX_DRAIN_BYTES: usize = 64 * 1024 * 1024;

/// Longest time spent reading a body after the answer.
const MAX_DRAIN_TIME: Duration = Duration::from_secs(60);

/// Middleware that wraps every request body in [`DrainOnDrop`].
pub async fn drain_unread_bodies(request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let body = Body::new(DrainOnDrop {
        inner: Some(body),
        finished: false,
    });
    next.run(Request::from_parts(parts, body)).await
}

/// A body that, when dropped before its end, hands itself to a task that reads it out.
struct DrainOnDrop {
    inner: Option<Body>,
    finished: bool,
}

impl HttpBody for DrainOnDrop {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let Some(inner) = self.inner.as_mut() else {
            return Poll::Ready(None);
        };
        let polled = Pin::new(inner).poll_frame(context);
        if matches!(polled, Poll::Ready(None) | Poll::Ready(Some(Err(_)))) {
            self.finished = true;
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.as_ref().is_none_or(HttpBody::is_end_stream)
    }

    fn size_hint(&self) -> SizeHint {
        self.inner
            .as_ref()
            .map_or_else(|| SizeHint::with_exact(0), HttpBody::size_hint)
    }
}

impl Drop for DrainOnDrop {
    fn drop(&mut self) {
        let Some(mut body) = self.inner.take() else {
            return;
        };
        if self.finished || body.is_end_stream() {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        runtime.spawn(async move {
            let drain = async {
                let mut dropped = 0usize;
                while let Some(Ok(frame)) = body.frame().await {
                    if let Ok(data) = frame.into_data() {
                        dropped += data.len();
                        if dropped > MAX_DRAIN_BYTES {
                            break;
                        }
                    }
                }
            };
            // Past the bounds the connection is simply closed, as it would be without this.
            let _ = tokio::time::timeout(MAX_DRAIN_TIME, drain).await;
        });
    }
}
