//! Background work: the core's change events go to the UI, the queue sender drains while
//! online, the portal's event stream is held while signed in (its new inbox items become
//! system notifications), and a periodic sync pulls what changed on the portal and fires
//! the renewal reminders that are due.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use opendvc_core::notify::Notifier;
use opendvc_core::{CoreEvent, DrainEnd};
use tauri::{AppHandle, Emitter, Manager};
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::watch;

use crate::notifier::SystemNotifier;
use crate::state::AppState;
use opendvc_core::views::{ChangeTopic, ChangedEvent};

/// Event the UI listens to (`CHANGED_EVENT` in ui/src/lib/backend/commands.ts).
pub const CHANGED_EVENT: &str = "core://changed";

/// How long one background drain may hold the core before it lets sign-in and sign-out in.
const DRAIN_SLICE: Duration = Duration::from_secs(10);

/// On a shared device the slice is shorter: ending a citizen's session waits for it.
const STAFF_DRAIN_SLICE: Duration = Duration::from_secs(3);

/// The longest the sender sleeps before looking at the queue again by itself.
const SENDER_IDLE: Duration = Duration::from_secs(60);

/// How often the app looks whether the open assisted session has expired.
const SESSION_EXPIRY_CHECK: Duration = Duration::from_secs(2);

fn emit_topics(app: &AppHandle, topics: &[ChangeTopic]) {
    // Counted before it is sent: a UI that was not listening yet learns that it missed one.
    if let Some(state) = app.try_state::<AppState>() {
        state.changes_told.fetch_add(1, Ordering::SeqCst);
    }
    for &what in topics {
        // Without a window (while quitting) nobody needs the hint.
        let _sent = app.emit(CHANGED_EVENT, ChangedEvent { what });
    }
}

/// Starts forwarding the core's change events to the UI.
pub fn forward(app: AppHandle) {
    tauri::async_runtime::spawn(forward_events(app));
}

/// Starts the sender, the event stream, the periodic sync and the expiry of assisted sessions.
pub fn start(app: AppHandle, sync_every: Duration) {
    let notifier: Arc<dyn Notifier> = Arc::new(SystemNotifier::new(app.clone()));
    tauri::async_runtime::spawn(send_queue(app.clone()));
    tauri::async_runtime::spawn(hold_event_stream(app.clone(), Arc::clone(&notifier)));
    tauri::async_runtime::spawn(sync_periodically(app.clone(), sync_every, notifier));
    tauri::async_runtime::spawn(end_expired_sessions(app));
}

/// Ends the open assisted session once it has expired, with everything that goes with it
/// (`staff::end_session`), so an expired citizen's files do not wait for the next start.
async fn end_expired_sessions(app: AppHandle) {
    let state = app.state::<AppState>();
    loop {
        tokio::time::sleep(SESSION_EXPIRY_CHECK).await;
        let expired = {
            let core = state.core.read().await;
            core.staff_status()
                .ok()
                .and_then(|staff| staff.session)
                .is_some_and(|session| session.seconds_left == 0)
        };
        if expired && let Err(error) = crate::staff::end_session(&app, &state).await {
            eprintln!("opendvc-app: could not end the expired assisted session: {error}");
        }
    }
}

/// The pause after the event stream task failed `failures` times in a row: 5 s doubling up
/// to 5 minutes. The core already retries a broken stream with its own back-off; this is for
/// what it gives up on (a session the portal no longer accepts).
pub fn stream_pause(failures: u32) -> Duration {
    Duration::from_secs(5u64.saturating_mul(1 << failures.saturating_sub(1).min(6)))
        .min(Duration::from_secs(300))
}

/// Holds the portal's event stream (`OpenDvc::watch`) while signed in. The stream holds the
/// core's read lock, so it stops whenever the push bell rings (a sign-in, sign-out or clearing
/// of the device wants the write lock) and starts again for the new session. What the stream
/// brings reaches the UI as the core's change events (forwarded above).
async fn hold_event_stream(app: AppHandle, notifier: Arc<dyn Notifier>) {
    let state = app.state::<AppState>();
    let mut bell = state.push_bell.subscribe();
    let mut failures: u32 = 0;
    loop {
        // Marked as heard before the lock is taken: a ring from here on stops this round,
        // and a ring before it came from a writer that holds or waits for the lock, which
        // `read()` then waits out.
        bell.borrow_and_update();
        let outcome = {
            let core = state.core.read().await;
            if core.is_signed_in() {
                let rung = async {
                    // A closed bell means the app is going away; stopping is right then too.
                    let _rung = bell.changed().await;
                };
                // The watch events only describe what the core's change events already told.
                Some(core.watch(Arc::clone(&notifier), |_event| {}, rung).await)
            } else {
                None
            }
        };
        let pause = match outcome {
            // Signed out: nothing to hold until the session changes.
            None => {
                failures = 0;
                None
            }
            // Stopped by the bell: look at the session again at once.
            Some(Ok(())) => {
                failures = 0;
                continue;
            }
            Some(Err(error)) => {
                failures = failures.saturating_add(1);
                eprintln!("opendvc-app: the portal's event stream stopped: {error}");
                Some(stream_pause(failures))
            }
        };
        if !wait_for_bell(&mut bell, pause).await {
            return;
        }
    }
}

/// Waits until the bell rings or `pause` (if any) has passed; `false` once the bell is gone.
async fn wait_for_bell(bell: &mut watch::Receiver<u64>, pause: Option<Duration>) -> bool {
    match pause {
        None => bell.changed().await.is_ok(),
        Some(pause) => tokio::select! {
            rung = bell.changed() => rung.is_ok(),
            () = tokio::time::sleep(pause) => true,
        },
    }
}

async fn forward_events(app: AppHandle) {
    let state = app.state::<AppState>();
    let mut events = state.core.read().await.subscribe();
    loop {
        match events.recv().await {
            Ok(event) => {
                if let CoreEvent::SyncStateChanged { online: true } | CoreEvent::SignedIn = &event {
                    state.wake_sender.notify_one();
                }
                emit_topics(&app, ChangeTopic::of(&event));
            }
            // Missed events: everything may have changed.
            Err(RecvError::Lagged(_)) => emit_topics(&app, &ChangeTopic::ALL),
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
            // On a shared device the staff member's drain sends every session's work, also of
            // sessions that ended, with the staff token.
            let staff_signed_in = core.staff_status().is_ok_and(|staff| staff.signed_in);
            if staff_signed_in {
                Some(core.drain_staff(STAFF_DRAIN_SLICE).await)
            } else if core.is_signed_in() {
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

/// Syncs every `every`, announcing new inbox items the event stream has not brought yet, and
/// after each sync fires the renewal reminders that are due (each stage once; the core
/// records them) through the system notifier.
async fn sync_periodically(app: AppHandle, every: Duration, notifier: Arc<dyn Notifier>) {
    let state = app.state::<AppState>();
    loop {
        {
            let core = state.core.read().await;
            if core.is_signed_in() {
                if let Err(error) = core.sync_and_notify(notifier.as_ref()).await {
                    // Offline is normal; the UI shows it from the connectivity event.
                    eprintln!("opendvc-app: background sync: {error}");
                }
                let reminded = core.local_today().and_then(|(today, now)| {
                    core.reminders(today, now, &state.rules, notifier.as_ref())
                });
                if let Err(error) = reminded {
                    eprintln!("opendvc-app: renewal reminders: {error}");
                }
            }
        }
        tokio::time::sleep(every).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_event_stream_task_backs_off_to_five_minutes() {
        assert_eq!(stream_pause(1), Duration::from_secs(5));
        assert_eq!(stream_pause(2), Duration::from_secs(10));
        assert_eq!(stream_pause(7), Duration::from_secs(300));
        assert_eq!(stream_pause(u32::MAX), Duration::from_secs(300));
    }

    #[tokio::test]
    async fn a_ring_stops_the_wait_and_a_pause_ends_it_too() {
        let bell = watch::Sender::new(0_u64);
        let mut heard = bell.subscribe();
        heard.borrow_and_update();
        bell.send_modify(|count| *count += 1);
        assert!(
            wait_for_bell(&mut heard, None).await,
            "a ring after the bell was heard wakes the waiter"
        );
        assert!(
            wait_for_bell(&mut heard, Some(Duration::from_millis(1))).await,
            "without a ring the pause ends the wait"
        );
        drop(bell);
        assert!(
            !wait_for_bell(&mut heard, None).await,
            "a bell that is gone ends the task"
        );
    }
}
