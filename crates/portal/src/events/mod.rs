//! Push: `GET /v1/events`, Server-Sent Events per citizen, derived from the change log that
//! also feeds `/v1/sync`, so push and sync cannot disagree.
//!
//! One poller task reads new change-log rows (also those written by the officer command in
//! another process) and hands them to every open stream through a broadcast channel. A stream
//! is a small state machine polled by the HTTP server: no task or thread per stream, and its
//! memory is bounded by one page of replay plus its place in the shared channel. A stream that
//! falls behind the channel replays from the database instead.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use opendvc_api::{
    EVENTS_HEARTBEAT_SECONDS, ErrorCode, EventStreamFrame, PushEvent, PushEventKind,
};
use tokio::sync::{broadcast, watch};
use uuid::Uuid;

pub mod hub;

use hub::PAGE;

use crate::auth::{CitizenRead, reads};
use crate::clock::Clock;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::{ChangeRow, Store, StreamSlot};

/// Describes replay and retention; shown in the OpenAPI document.
pub const EVENTS_POLICY: &str = "Server-Sent Events for the signed-in citizen (an assisted-session token sees its citizen's events). One event per change of an application (timeline entry, delivery change, supplement), document, profile or inbox item (status and delivery notices, city notices and the portal's own renewal notices). The stream ends when the access token expires; reconnect with a fresh token and `Last-Event-ID`. The SSE `id` increases per citizen and is also a `/v1/sync` cursor. Retention: the portal keeps the latest change of every entity for as long as the entity exists, so a reconnect with `Last-Event-ID` replays everything that changed since, without gaps; several changes of one entity while you were away arrive as one event. A `Last-Event-ID` this portal never gave out (its database was rebuilt) gets a `reset` event first: sync from the start. A comment line is sent every 15 seconds while nothing happens. Push is a hint, sync is the truth: on an event, call `/v1/sync`. One access token holds at most 5 open streams (`events.streamsPerToken` in limits.json as shipped), counted over every instance of the portal; another gets 429 `rate_limited` until one of them closes.";

/// Reads `Last-Event-ID`: `Ok(None)` when absent, `Err(())` when it is no id of ours.
fn last_event_id(headers: &HeaderMap) -> Result<Option<i64>, ()> {
    match headers.get("last-event-id") {
        None => Ok(None),
        Some(value) => {
            let text = value.to_str().map_err(|_| ())?.trim();
            if text.is_empty() {
                return Ok(None);
            }
            text.parse::<i64>()
                .ok()
                .filter(|seq| *seq >= 0)
                .map(Some)
                .ok_or(())
        }
    }
}

fn kind_of(entity_kind: &str) -> PushEventKind {
    match entity_kind {
        "profile" => PushEventKind::Profile,
        "application" => PushEventKind::Application,
        "document" => PushEventKind::Document,
        "inbox" => PushEventKind::Inbox,
        "feedback" => PushEventKind::Feedback,
        _ => PushEventKind::Unknown,
    }
}

fn kind_name(kind: PushEventKind) -> &'static str {
    match kind {
        PushEventKind::Profile => "profile",
        PushEventKind::Application => "application",
        PushEventKind::Document => "document",
        PushEventKind::Inbox => "inbox",
        PushEventKind::Feedback => "feedback",
        PushEventKind::Reset => "reset",
        PushEventKind::Unknown => "unknown",
    }
}

fn to_event(payload: &PushEvent) -> Event {
    let event = Event::default().event(kind_name(payload.kind));
    let event = if payload.id.is_empty() {
        event
    } else {
        event.id(payload.id.clone())
    };
    match event.json_data(payload) {
        Ok(event) => event,
        // A payload of a string, an enum and a UUID always serialises; should it not, the
        // client still learns that something changed and syncs.
        Err(_) => Event::default().event(kind_name(payload.kind)).data("{}"),
    }
}

/// One open stream: what it has sent and what it still has to send.
struct StreamState {
    citizen_id: Uuid,
    store: Arc<dyn Store>,
    last: i64,
    replay: bool,
    pending: VecDeque<ChangeRow>,
    first: Option<PushEvent>,
    changes: broadcast::Receiver<Arc<Vec<ChangeRow>>>,
    shutdown: watch::Receiver<bool>,
    /// When the access token of the stream expires: the stream ends then, and the client
    /// reconnects with a fresh token, so a revoked or expired token does not keep listening.
    token_expiry: Pin<Box<dyn Future<Output = ()> + Send>>,
    /// The stream's place in its token's count, freed when the stream ends.
    _slot: StreamSlot,
}

impl StreamState {
    async fn next_event(&mut self) -> Option<PushEvent> {
        if let Some(first) = self.first.take() {
            return Some(first);
        }
        loop {
            if *self.shutdown.borrow() {
                return None;
            }
            while let Some(row) = self.pending.pop_front() {
                if row.seq > self.last {
                    self.last = row.seq;
                    return Some(PushEvent {
                        id: row.seq.to_string(),
                        kind: kind_of(&row.entity_kind),
                        entity_id: Uuid::parse_str(&row.entity_id).ok(),
                    });
                }
            }
            if self.replay {
                let rows = self
                    .store
                    .citizen_changes_after(self.citizen_id, self.last, PAGE)
                    .await;
                match rows {
                    Ok(rows) => {
                        self.replay = rows.len() == PAGE;
                        self.pending.extend(rows);
                    }
                    // The stream ends; the client reconnects with its Last-Event-ID.
                    Err(error) => {
                        tracing::error!(%error, "events: replay failed");
                        return None;
                    }
                }
                continue;
            }
            tokio::select! {
                received = self.changes.recv() => match received {
                    Ok(rows) => self.pending.extend(
                        rows.iter().filter(|row| row.citizen_id == self.citizen_id && row.seq > self.last).cloned(),
                    ),
                    Err(broadcast::error::RecvError::Lagged(_)) => self.replay = true,
                    Err(broadcast::error::RecvError::Closed) => return None,
                },
                _ = self.shutdown.changed() => return None,
                () = self.token_expiry.as_mut() => return None,
            }
        }
    }
}

/// The stored form of the bearer token of `headers`.
fn bearer_hash(headers: &HeaderMap) -> Option<String> {
    headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split_once(' '))
        .map(|(_, token)| crate::auth::token_hash(token.trim()))
}

/// When the bearer token of `headers` expires (Unix seconds), if the store knows it.
async fn token_expires_at(state: &AppState, headers: &HeaderMap) -> Result<Option<i64>, ApiError> {
    let Some(hash) = bearer_hash(headers) else {
        return Ok(None);
    };
    let record = state.store.access_token(&hash).await?;
    Ok(record.map(|record| record.expires_at))
}

/// Ends when `clock` reaches `expires_at` (Unix seconds). A demo clock can be moved forward
/// (`POST /v1/dev/clock`), so on one the time left is looked at again every second, and a
/// stream ends when its token expires on the clock that judges the token; the system clock
/// only moves with time, so there the wait is one sleep.
async fn until_expiry(clock: Arc<dyn Clock>, expires_at: i64, movable: bool) {
    const MOVABLE_CLOCK_RECHECK: Duration = Duration::from_secs(1);
    loop {
        let left = expires_at.saturating_sub(clock.now().timestamp());
        let Ok(left) = u64::try_from(left) else {
            return;
        };
        if left == 0 {
            return;
        }
        let wait = Duration::from_secs(left);
        let wait = if movable {
            wait.min(MOVABLE_CLOCK_RECHECK)
        } else {
            wait
        };
        tokio::time::sleep(wait).await;
    }
}

#[utoipa::path(get, path = "/v1/events", tag = "sync", security(("bearer" = [])),
    description = EVENTS_POLICY,
    params(("Last-Event-ID" = Option<String>, Header, description = "The id of the last event received; the portal replays what came after it.")),
    responses((status = 200, description = "A `text/event-stream` of EventStreamFrame; each frame's `data` is a PushEvent as JSON.", body = EventStreamFrame, content_type = "text/event-stream")))]
pub async fn events(
    State(state): State<AppState>,
    auth: CitizenRead<reads::Changes>,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let max = state.limits.events.streams_per_token;
    // Counted across every instance on the database, so a load balancer spreading a token's
    // streams over instances does not multiply the cap.
    let slot = state
        .store
        .take_stream_slot(&bearer_hash(&headers).unwrap_or_default(), max)
        .await?
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::RateLimited,
                format!(
                    "This access token already holds {max} open event streams; close one first."
                ),
            )
            .with_retry_after(EVENTS_HEARTBEAT_SECONDS)
        })?;
    // Subscribe before reading the log, so no change falls between the replay and the live feed.
    let changes = state.events.changes.subscribe();
    let latest = state.store.latest_change().await?;
    // A token the store does not list (none should pass the extractor) gets a day at most.
    let expires_at = token_expires_at(&state, &headers)
        .await?
        .unwrap_or_else(|| state.clock.now().timestamp() + 24 * 3600);
    let (last, replay, first) = match last_event_id(&headers) {
        Ok(Some(seq)) if seq <= latest => (seq, true, None),
        Ok(None) => (latest, false, None),
        // An id this portal never gave out, or above everything it has: start again.
        Ok(Some(_)) | Err(()) => (
            0,
            false,
            Some(PushEvent {
                id: String::new(),
                kind: PushEventKind::Reset,
                entity_id: None,
            }),
        ),
    };
    let stream_state = StreamState {
        citizen_id: auth.citizen_id,
        store: state.store.clone(),
        last: if first.is_some() { latest } else { last },
        replay,
        pending: VecDeque::new(),
        first,
        changes,
        shutdown: state.events.shutdown.subscribe(),
        token_expiry: Box::pin(until_expiry(
            state.clock.clone(),
            expires_at,
            state.demo_clock.is_some(),
        )),
        _slot: slot,
    };
    let stream = futures_util::stream::unfold(stream_state, |mut stream_state| async move {
        let event = stream_state.next_event().await?;
        Some((Ok(to_event(&event)), stream_state))
    });
    Ok(Sse::new(stream).keep_alive(
        KeepAlive::new()
            .interval(Duration::from_secs(EVENTS_HEARTBEAT_SECONDS))
            .text(""),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn last_event_ids_are_non_negative_numbers_or_absent() {
        let mut headers = HeaderMap::new();
        assert_eq!(last_event_id(&headers), Ok(None));
        headers.insert("last-event-id", HeaderValue::from_static("42"));
        assert_eq!(last_event_id(&headers), Ok(Some(42)));
        headers.insert("last-event-id", HeaderValue::from_static("-3"));
        assert_eq!(last_event_id(&headers), Err(()));
        headers.insert("last-event-id", HeaderValue::from_static("abc"));
        assert_eq!(last_event_id(&headers), Err(()));
    }

    #[test]
    fn change_log_kinds_map_to_event_kinds() {
        for kind in ["profile", "application", "document", "inbox"] {
            assert_eq!(kind_name(kind_of(kind)), kind);
        }
        assert_eq!(kind_of("something"), PushEventKind::Unknown);
    }
}
