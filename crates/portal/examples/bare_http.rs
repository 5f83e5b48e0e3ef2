//! The bare HTTP baseline of the portal benchmark (`cargo xtask bench --only applications`):
//! the portal's own HTTP stack (tokio's multi-threaded runtime, axum, hyper) with nothing
//! behind it. `POST /v1/applications` wants a bearer token and an `Idempotency-Key`, as the
//! portal does, parses the JSON body and answers `201 Created` with it, stores nothing and
//! looks nothing up. The benchmark's clients create applications against it as against the
//! portal, so the row shows how many requests a second HTTP alone allows on the machine: the
//! floor under the portal's figure.
//!
//! It prints `listening on http://ADDR` on its first line, as the portal does, and serves
//! until it is killed.

use std::io::Write as _;

use axum::Json;
use axum::Router;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;

async fn create(
    headers: HeaderMap,
    Json(application): Json<serde_json::Value>,
) -> (StatusCode, Json<serde_json::Value>) {
    let bearer = headers
        .get("authorization")
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("Bearer "));
    if !bearer {
        return (
            StatusCode::UNAUTHORIZED,
            Json(serde_json::json!({"code": "unauthorized"})),
        );
    }
    if !headers.contains_key("idempotency-key") {
        return (
            StatusCode::BAD_REQUEST,
            Json(serde_json::json!({"code": "idempotency_key_missing"})),
        );
    }
    (StatusCode::CREATED, Json(application))
}

fn main() -> std::io::Result<()> {
    let listen = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:0".to_owned());
    tokio::runtime::Runtime::new()?.block_on(async {
        let listener = tokio::net::TcpListener::bind(&listen).await?;
        let address = listener.local_addr()?;
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "listening on http://{address}")?;
        stdout.flush()?;
        drop(stdout);
        let app = Router::new().route("/v1/applications", post(create));
        axum::serve(listener, app).await
    })
}
