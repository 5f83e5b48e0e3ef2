//! The portal's logs: `tracing` events on standard error, as JSON lines (one object per line,
//! for a log collector behind several instances) or as text (for a person at a terminal).
//!
//! `--log-format auto` (the default) writes JSON when standard error is not a terminal —
//! under systemd, a container or a test harness — and text when a person watches it; `json`
//! and `text` force one. `OPENDVC_LOG` filters in `tracing`'s `EnvFilter` syntax (default
//! `info`). Standard output stays for what a command answers (`listening on http://…`, the
//! officer command's lists).
//!
//! Every request gets a request id (a UUIDv7, also sent back as `X-Request-Id`) in a span
//! that holds the method and the route's *template* (`/v1/applications/{id}`), never the URI
//! with its query, never a header or a body: a log line carries no ID number, phone number,
//! one-time code or token (`tests/tests/portal_server_hygiene.rs` checks the log of a whole
//! sign-in and submission). Events logged while a request is handled carry its request id.

use std::io::IsTerminal;
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;
use tracing_subscriber::EnvFilter;

/// The response header that names the request id, to quote in a support request.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// JSON when standard error is not a terminal, text when it is.
    Auto,
    /// One JSON object per line.
    Json,
    /// Human-readable lines.
    Text,
}

/// Installs the global subscriber. A second call (only tests could make one) changes nothing.
pub fn init(format: LogFormat) {
    let json = match format {
        LogFormat::Json => true,
        LogFormat::Text => false,
        LogFormat::Auto => !std::io::stderr().is_terminal(),
    };
    let filter = EnvFilter::try_from_env("OPENDVC_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false);
    // Already installed: the first one stays.
    let _ = if json {
        builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .try_init()
    } else {
        builder
            .with_ansi(std::io::stderr().is_terminal())
            .try_init()
    };
}

/// Middleware (on matched routes): a request id and span per request, and one line when it is
/// answered with the route, the status and how long it took.
pub async fn request_span(request: Request, next: Next) -> Response {
    let request_id = uuid::Uuid::now_v7();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|path| path.as_str().to_owned())
        .unwrap_or_default();
    let span = tracing::info_span!(
        "request",
        request_id = %request_id,
        method = %request.method(),
        route = %route,
    );
    let started = Instant::now();
    let mut response = next.run(request).instrument(span.clone()).await;
    let status = response.status().as_u16();
    let elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    span.in_scope(|| tracing::info!(status, elapsed_ms, "answered"));
    if let Ok(value) = HeaderValue::from_str(&request_id.to_string()) {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    response
}
