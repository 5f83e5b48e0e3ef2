//! The drain: send passes over one queue or many, waiting through back-off within a time
//! bound. How a queue's items go out (with the citizen's token, or with the staff token naming
//! the assisted session) is its lane's transport; the loop is the same.

use std::future::Future;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::backoff::saturating_after;
use super::error::QueueError;
use super::handle::SubmissionQueue;
use super::item::QueueSummary;
use super::sender::{PassEnd, PassReport};
use super::transport::Transport;
use crate::clock::Clock;

/// How a drain ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DrainEnd {
    /// Nothing is left to send.
    Empty,
    /// Some items need the person's attention (or wait for one that does).
    NeedsAttention,
    /// The session ended; sign in again.
    PausedAuth,
    /// Items are still waiting (backing off) when the time bound ran out.
    TimedOut,
    /// Another sender (another process, a discard) held a queue with unsent items until the
    /// time bound ran out.
    Busy,
}

/// What a drain did.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DrainOutcome {
    pub end: DrainEnd,
    pub sent: usize,
    pub retries: u32,
    /// Every drained queue's items, counted together.
    pub queue: QueueSummary,
}

/// Whether a queue sends in this round of a drain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LaneReadiness {
    /// Send its ready items now.
    Ready,
    /// Not before `until`: what it needs first could not reach the portal.
    NotBefore(DateTime<Utc>),
    /// Not in this drain: the portal refused what it needs first; its items stay queued.
    Held,
    /// The session ended: the drain stops after this round; sign in again.
    PausedAuth,
}

/// One queue a drain sends, and how its items are sent: the transport (the citizen's client
/// with their own token, or the staff member's client naming the assisted session the work
/// was made in), what the queue needs before it may send, and what becomes of each pass.
pub trait DrainLane: Send {
    type Transport: Transport;
    /// What getting the queue ready can fail with, besides the queue's own errors.
    type Error: From<QueueError> + Send;

    fn queue(&self) -> &SubmissionQueue;

    /// The transport of the next pass; asked after [`DrainLane::ready`] said the queue sends.
    fn transport(&self) -> &Self::Transport;

    /// Asked before each pass. By default a queue is always ready.
    fn ready(&mut self) -> impl Future<Output = Result<LaneReadiness, Self::Error>> + Send {
        std::future::ready(Ok(LaneReadiness::Ready))
    }

    /// Takes in what a pass did (the server's answers into the cache, events out).
    fn after_pass(&mut self, report: &PassReport);
}

/// A profile's queue sent through one transport (the citizen's client), each pass's report
/// handed to `after_pass`.
pub struct ProfileLane<'q, T, F> {
    queue: &'q SubmissionQueue,
    transport: &'q T,
    after_pass: F,
}

impl<'q, T, F> ProfileLane<'q, T, F> {
    pub fn new(queue: &'q SubmissionQueue, transport: &'q T, after_pass: F) -> Self {
        ProfileLane {
            queue,
            transport,
            after_pass,
        }
    }
}

impl<T, F> std::fmt::Debug for ProfileLane<'_, T, F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProfileLane")
            .field("queue", self.queue)
            .finish_non_exhaustive()
    }
}

impl<T: Transport, F: FnMut(&PassReport) + Send> DrainLane for ProfileLane<'_, T, F> {
    type Transport = T;
    type Error = QueueError;

    fn queue(&self) -> &SubmissionQueue {
        self.queue
    }

    fn transport(&self) -> &T {
        self.transport
    }

    fn after_pass(&mut self, report: &PassReport) {
        (self.after_pass)(report);
    }
}

/// How long a drain waits before it looks again for a queue another sender holds.
const BUSY_QUEUE_PAUSE: Duration = Duration::from_millis(200);

/// Sends every queue of `lanes` until nothing is ready, waiting through back-off for at most
/// `max_wait`: the one drain loop, for a profile's queue and for a staff member's many
/// sealed queues alike.
///
/// Each round gives every ready queue one send pass under its sender lock, taken for that
/// pass only (a queue another sender holds is looked at again after a moment), then sleeps
/// until the earliest moment a queue has something due. The drain ends when nothing is due,
/// when a session ended (after finishing the round), or when the next due moment lies past
/// the time bound.
pub async fn drain<L: DrainLane>(
    lanes: &mut [L],
    clock: &dyn Clock,
    max_wait: Duration,
) -> Result<DrainOutcome, L::Error> {
    let deadline = saturating_after(clock.now(), max_wait);
    let mut sent = 0;
    let mut retries = 0;
    let mut paused = false;
    let (busy, timed_out) = loop {
        let mut next_round: Option<DateTime<Utc>> = None;
        let mut busy = false;
        for lane in lanes.iter_mut() {
            match lane.ready().await? {
                LaneReadiness::Ready => {}
                LaneReadiness::NotBefore(until) => {
                    next_round = Some(next_round.map_or(until, |known| known.min(until)));
                    continue;
                }
                LaneReadiness::Held => continue,
                LaneReadiness::PausedAuth => {
                    paused = true;
                    continue;
                }
            }
            let Some(lock) = lane.queue().try_lock_sender()? else {
                busy = true;
                let again = saturating_after(clock.now(), BUSY_QUEUE_PAUSE);
                next_round = Some(next_round.map_or(again, |known| known.min(again)));
                continue;
            };
            let report = lane
                .queue()
                .send_pass(&lock, lane.transport(), None)
                .await?;
            drop(lock);
            lane.after_pass(&report);
            sent += report.sent.len();
            retries += report.retried;
            match report.end {
                PassEnd::Idle => {}
                PassEnd::PausedAuth => paused = true,
                PassEnd::BackingOff { until } => {
                    next_round = Some(next_round.map_or(until, |known| known.min(until)));
                }
            }
        }
        match next_round {
            _ if paused => break (busy, false),
            None => break (busy, false),
            Some(until) if until > deadline => break (busy, true),
            Some(until) => {
                let wait = (until - clock.now()).to_std().unwrap_or(Duration::ZERO);
                tokio::time::sleep(wait).await;
            }
        }
    };
    let mut queue = QueueSummary::default();
    for lane in lanes.iter() {
        queue.add(&lane.queue().summary()?);
    }
    let end = if queue.paused_auth || paused {
        DrainEnd::PausedAuth
    } else if queue.unsent() == 0 {
        DrainEnd::Empty
    } else if busy {
        DrainEnd::Busy
    } else if timed_out {
        DrainEnd::TimedOut
    } else {
        DrainEnd::NeedsAttention
    };
    Ok(DrainOutcome {
        end,
        sent,
        retries,
        queue,
    })
}
