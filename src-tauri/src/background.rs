//! Background work: the core's change events go to the UI, the queue sender drains while
//! online, and a periodic sync pulls what changed on the portal.

use std::time::Duration;

use opendvc_core::{CoreEvent, DrainEnd};
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager};
use tokio::sync::broadcast::error::RecvError;

use crate::state::AppState;
use crate::views::QueueProgress;

/// Event the UI listens to (`CHANGED_EVENT` in ui/src/lib/backend/commands.ts).
pub const CHANGED_EVENT: &str = "core://changed";

/// How long one background drain may hold the core before it lets sign-in and sign-out in.
const DRAIN_SLICE: Duration = Duration::from_secs(10);

/// The longest the sender sleeps before looking at the queue again by itself.
const SENDER_IDLE: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, Serialize)]
struct Changed {
    what: &'static str,
}

/// The UI topics a core event touches.
pub fn topics(event: &CoreEvent) -> &'static [&'static str] {
    match event {
        CoreEvent::QueueChanged | CoreEvent::UploadProgress { .. } => &["queue"],
        CoreEvent::ApplicationsChanged => &["applications"],
        CoreEvent::CacheChanged => &["documents", "inbox", "applications"],
        CoreEvent::SyncStateChanged { .. } => &["connectivity"],
        CoreEvent::SignInRequired | CoreEvent::SignedIn | CoreEvent::SignedOut => &["session"],
        CoreEvent::CacheRebuilt { .. } => {
            &["applications", "documents", "inbox", "queue", "session"]
        }
    }
}

fn emit_topics(app: &AppHandle, topics: &[&'static str]) {
    for what in topics {
        // Without a window (while quitting) nobody needs the hint.
        let _sent = app.emit(CHANGED_EVENT, Changed { what });
    }
}

/// Starts the event forwarder, the sender and the periodic sync.
pub fn start(app: AppHandle, sync_every: Duration) {
    tauri::async_runtime::spawn(forward_events(app.clone()));
    tauri::async_runtime::spawn(send_queue(app.clone()));
    tauri::async_runtime::spawn(sync_periodically(app, sync_every));
}

async fn forward_events(app: AppHandle) {
    let state = app.state::<AppState>();
    let mut events = state.core.read().await.subscribe();
    loop {
        match events.recv().await {
            Ok(event) => {
                match &event {
                    CoreEvent::UploadProgress {
                        item_id,
                        sent,
                        total,
                    } => {
                        state.progress().insert(
                            *item_id,
                            QueueProgress {
                                sent: *sent,
                                total: *total,
                            },
                        );
                    }
                    CoreEvent::QueueChanged => state.progress().clear(),
                    CoreEvent::SyncStateChanged { online: true } | CoreEvent::SignedIn => {
                        state.wake_sender.notify_one();
                    }
                    _ => {}
                }
                emit_topics(&app, topics(&event));
            }
            // Missed events: everything may have changed.
            Err(RecvError::Lagged(_)) => emit_topics(
                &app,
                &[
                    "queue",
                    "applications",
                    "documents",
                    "inbox",
                    "connectivity",
                    "session",
                ],
            ),
            Err(RecvError::Closed) => return,
        }
    }
}

/// Drains the queue in slices while there is something to send, backing off after errors,
/// and sleeps until woken (something queued, back online, signed in) or a minute passed.
async fn send_queue(app: AppHandle) {
    let state = app.state::<AppState>();
    let mut failures: u32 = 0;
    loop {
        let outcome = {
            let core = state.core.read().await;
            if core.is_signed_in() {
                Some(core.drain(DRAIN_SLICE).await)
            } else {
                None
            }
        };
        let pause = match outcome {
            Some(Ok(outcome)) => {
                failures = 0;
                match outcome.end {
                    // Still backing off within the slice, or another sender (the CLI) held the
                    // queue: look again soon.
                    DrainEnd::TimedOut | DrainEnd::Busy => Some(Duration::from_secs(1)),
                    DrainEnd::Empty | DrainEnd::NeedsAttention | DrainEnd::PausedAuth => None,
                }
            }
            Some(Err(error)) => {
                eprintln!("opendvc-app: sending the queue failed: {error}");
                failures = failures.saturating_add(1);
                Some(Duration::from_secs(
                    5u64.saturating_mul(1 << failures.min(4)),
                ))
            }
            None => None,
        };
        let wait = pause.unwrap_or(SENDER_IDLE);
        // Woken early when something is queued; a pause after errors is kept whole.
        if pause.is_some() && failures > 0 {
            tokio::time::sleep(wait).await;
        } else {
            let _woken = tokio::time::timeout(wait, state.wake_sender.notified()).await;
        }
    }
}

async fn sync_periodically(app: AppHandle, every: Duration) {
    let state = app.state::<AppState>();
    loop {
        {
            let core = state.core.read().await;
            if core.is_signed_in()
                && let Err(error) = core.sync_now().await
            {
                // Offline is normal; the UI shows it from the connectivity event.
                eprintln!("opendvc-app: background sync: {error}");
            }
        }
        tokio::time::sleep(every).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_core_event_names_the_topics_the_ui_reloads() {
        assert_eq!(topics(&CoreEvent::QueueChanged), ["queue"]);
        assert_eq!(topics(&CoreEvent::ApplicationsChanged), ["applications"]);
        assert_eq!(
            topics(&CoreEvent::SyncStateChanged { online: false }),
            ["connectivity"]
        );
        assert_eq!(topics(&CoreEvent::SignInRequired), ["session"]);
        assert!(topics(&CoreEvent::CacheChanged).contains(&"inbox"));
    }

    #[test]
    fn the_changed_payload_has_the_shape_the_ui_reads() {
        let json = serde_json::to_value(Changed { what: "queue" }).expect("serialisable");
        assert_eq!(json, serde_json::json!({"what": "queue"}));
    }
}
