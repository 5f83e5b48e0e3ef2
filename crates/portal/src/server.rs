//! The HTTP server around the router, with the timeouts a public server needs.
//!
//! `axum::serve` runs hyper without a timer, so a client may send its headers one byte a
//! minute, keep an idle connection for ever, or trickle a body; each such client holds a
//! connection and its memory. This module runs hyper's HTTP/1.1 connection itself:
//! - **headers** must arrive within `server.headerReadTimeoutSeconds` (hyper's own
//!   `header_read_timeout`, driven by `hyper-util`'s tokio timer). hyper starts that clock
//!   whenever it waits for a request head, so it is also the **idle timeout** of a kept-alive
//!   connection;
//! - **bodies** must keep an average rate after a grace period (`server.bodyGraceSeconds`,
//!   `server.bodyMinBytesPerSecond`), the rule of Apache's `mod_reqtimeout` (`MinRate`). A plain
//!   idle timeout between chunks (`tower-http`'s `RequestBodyTimeout`) does not cut off a
//!   client that sends a byte every few seconds, and a fixed deadline for the whole body would
//!   cut off a large upload over a slow mobile link; a minimum rate does neither. A body that
//!   falls behind is answered 408 and the connection closed.
//! - **event streams** (`/v1/events`) are answers, not requests: once their head is read no
//!   timeout applies to them, and their heartbeat keeps proxies from closing them.
//!
//! HTTP/2 is not served: the app and the contract's clients speak HTTP/1.1, and hyper's
//! automatic protocol detection waits for the first bytes without any timeout.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body::{Body as HttpBody, Frame, SizeHint};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use opendvc_api::ErrorCode;
use tokio::net::TcpListener;
use tokio::time::{Instant, Sleep};
use tower_service::Service;

use crate::error::ApiError;
use crate::state::AppState;

/// Longest wait, after the shutdown signal, for open connections to finish.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Serves `router` on `listener` until `shutdown` completes, then lets open connections
/// finish (at most [`SHUTDOWN_GRACE`]).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    header_read_timeout: Duration,
    shutdown: impl Future<Output = ()>,
) {
    let graceful = GracefulShutdown::new();
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(header_read_timeout)
        .keep_alive(true);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors and the like: wait a moment rather than spin.
                    tracing::error!(%error, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Answers are small: send them at once rather than waiting to coalesce packets.
        if let Err(error) = stream.set_nodelay(true) {
            tracing::warn!(%error, "cannot set TCP_NODELAY");
        }
        let router = router.clone();
        let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
            request
                .extensions_mut()
                .insert(ConnectInfo::<SocketAddr>(peer));
            let mut router = router.clone();
            async move { router.call(request).await }
        });
        let connection = builder.serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // A client that went away or broke the protocol ends only its own connection.
            let _ = connection.await;
        });
    }
    drop(listener);
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!(
            "shutting down: connections still open after {SHUTDOWN_GRACE:?} were dropped"
        );
    }
}

/// Middleware holding every request body to the minimum rate of `server` limits; a body that
/// falls behind gets 408 and the connection is closed.
pub async fn enforce_body_rate(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let limits = &state.limits.server;
    let too_slow = Arc::new(AtomicBool::new(false));
    let (parts, body) = request.into_parts();
    let body = Body::new(MinRateBody {
        inner: body,
        grace: Duration::from_secs(u64::from(limits.body_grace_seconds)),
        bytes_per_second: f64::from(limits.body_min_bytes_per_second.max(1)),
        started: None,
        received: 0,
        deadline: None,
        too_slow: too_slow.clone(),
    });
    let response = next.run(Request::from_parts(parts, body)).await;
    if !too_slow.load(Ordering::SeqCst) {
        return response;
    }
    let mut error = ApiError::new(
        ErrorCode::MalformedRequest,
        "The request body arrived too slowly; the connection is closed. Send it again.",
    );
    error.problem.status = StatusCode::REQUEST_TIMEOUT.as_u16();
    error.problem.title = "Request timeout".into();
    let mut response = error.into_response();
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// The body fell behind the minimum rate.
#[derive(Debug, thiserror::Error)]
#[error("the request body arrived more slowly than the portal accepts")]
pub struct BodyTooSlow;

/// A request body that fails once it falls behind `bytes_per_second` on average, counted
/// from its first read plus `grace`.
struct MinRateBody {
    inner: Body,
    grace: Duration,
    bytes_per_second: f64,
    started: Option<Instant>,
    received: u64,
    deadline: Option<Pin<Box<Sleep>>>,
    too_slow: Arc<AtomicBool>,
}

impl MinRateBody {
    /// When the body must have sent more than it has so far.
    fn allowed_until(&self, started: Instant) -> Instant {
        let earned = Duration::from_secs_f64(self.received as f64 / self.bytes_per_second);
        started + self.grace + earned
    }
}

impl HttpBody for MinRateBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        context: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = self.get_mut();
        if this.too_slow.load(Ordering::SeqCst) {
            return Poll::Ready(None);
        }
        let started = *this.started.get_or_insert_with(Instant::now);
        match Pin::new(&mut this.inner).poll_frame(context) {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    this.received = this.received.saturating_add(data.len() as u64);
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Pending => {
                let allowed = this.allowed_until(started);
                let deadline = this
                    .deadline
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(allowed)));
                if deadline.deadline() != allowed {
                    deadline.as_mut().reset(allowed);
                }
                if deadline.as_mut().poll(context).is_ready() {
                    this.too_slow.store(true, Ordering::SeqCst);
                    return Poll::Ready(Some(Err(axum::Error::new(BodyTooSlow))));
                }
                Poll::Pending
            }
            finished => finished,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.too_slow.load(Ordering::SeqCst) || self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;
    use http_body_util::BodyExt;
    use std::convert::Infallible;

    fn slow_body(
        chunks: Vec<(Duration, &'static [u8])>,
        grace: Duration,
        rate: f64,
    ) -> MinRateBody {
        let stream = futures_util::stream::iter(chunks).then(|(wait, bytes)| async move {
            tokio::time::sleep(wait).await;
            Ok::<_, Infallible>(Bytes::from_static(bytes))
        });
        MinRateBody {
            inner: Body::from_stream(stream),
            grace,
            bytes_per_second: rate,
            started: None,
            received: 0,
            deadline: None,
            too_slow: Arc::new(AtomicBool::new(false)),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_body_that_keeps_the_rate_is_read_whole() {
        // 100 bytes a second against a minimum of 50, well past the grace.
        let chunks = (0..20)
            .map(|_| (Duration::from_secs(1), &[b'x'; 100][..]))
            .collect();
        let body = slow_body(chunks, Duration::from_secs(2), 50.0);
        let collected = body.collect().await.expect("the body arrives");
        assert_eq!(collected.to_bytes().len(), 2_000);
    }

    #[tokio::test(start_paused = true)]
    async fn a_trickling_body_is_cut_off_after_the_grace() {
        // One byte every two seconds against a minimum of 10 bytes a second.
        let chunks = (0..100)
            .map(|_| (Duration::from_secs(2), &b"x"[..]))
            .collect();
        let body = slow_body(chunks, Duration::from_secs(5), 10.0);
        let too_slow = body.too_slow.clone();
        let error = body.collect().await.expect_err("the body is cut off");
        assert!(error.to_string().contains("slowly"), "{error}");
        assert!(too_slow.load(Ordering::SeqCst));
    }

    #[tokio::test(start_paused = true)]
    async fn a_stalled_body_is_cut_off() {
        let chunks = vec![
            (Duration::ZERO, &b"{"[..]),
            (Duration::from_secs(3_600), &b"}"[..]),
        ];
        let body = slow_body(chunks, Duration::from_secs(5), 10.0);
        assert!(body.collect().await.is_err());
    }
}
