//! The queue as the façade shows and drives it: items, retry, discard, drain.

use std::time::Duration;

use uuid::Uuid;

use super::OpenDvc;
use crate::error::CoreError;
use crate::events::CoreEvent;
use crate::queue::{DiscardOutcome, ItemEvent, PassEnd, PassReport, QueueItem, QueueSummary};
use crate::views::queue::{DrainEnd, DrainOutcome};

impl OpenDvc {
    pub fn queue_items(&self, with_discarded: bool) -> Result<Vec<QueueItem>, CoreError> {
        Ok(self.active()?.queue.items(with_discarded)?)
    }

    pub fn queue_item(&self, id: Uuid) -> Result<Option<QueueItem>, CoreError> {
        Ok(self.active()?.queue.item(id)?)
    }

    pub fn queue_item_events(&self, id: Uuid) -> Result<Vec<ItemEvent>, CoreError> {
        Ok(self.active()?.queue.events(id)?)
    }

    pub fn queue_summary(&self) -> Result<QueueSummary, CoreError> {
        Ok(self.active()?.queue.summary()?)
    }

    /// Puts a waiting or refused item back in line at once.
    pub fn retry(&self, id: Uuid) -> Result<(), CoreError> {
        self.active()?.queue.retry(id)?;
        self.emit(CoreEvent::QueueChanged);
        Ok(())
    }

    /// Discards an unsent item; the caller must have asked the person to confirm. An item
    /// that may have reached the portal is sent once more first (see
    /// [`SubmissionQueue::discard`]): if the portal has it, it is sent, not discarded, and the
    /// outcome says so; offline or signed out such a discard is refused with the code
    /// `discard_needs_send`.
    pub async fn discard(&self, id: Uuid) -> Result<DiscardOutcome, CoreError> {
        let profile = self.active()?;
        let transport = profile.session.is_signed_in().then_some(&profile.delivery);
        let outcome = profile.queue.discard(id, transport).await;
        // Even a refused discard may have changed the item (a resend that went nowhere), and
        // a resend refused for the session pauses the queue until the person signs in.
        self.emit(CoreEvent::QueueChanged);
        if outcome.is_err() && profile.queue.is_paused()? {
            self.emit(CoreEvent::SignInRequired);
        }
        if let Ok(DiscardOutcome::ReachedThePortal { sent }) = &outcome {
            self.absorb(&PassReport {
                sent: vec![sent.clone()],
                needs_attention: Vec::new(),
                retried: 0,
                went_offline: false,
                end: PassEnd::Idle,
            });
        }
        Ok(outcome?)
    }

    /// Sends everything queued, waiting through back-off, for at most `max_wait`.
    pub async fn drain(&self, max_wait: Duration) -> Result<DrainOutcome, CoreError> {
        let profile = self.active()?;
        let clock = &self.options.clock;
        let deadline = crate::queue::saturating_after(clock.now(), max_wait);
        let lock = loop {
            if let Some(lock) = profile.queue.try_lock_sender()? {
                break lock;
            }
            if clock.now() >= deadline {
                return Ok(DrainOutcome {
                    end: DrainEnd::Busy,
                    sent: 0,
                    retries: 0,
                    queue: profile.queue.summary()?,
                });
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        let mut sent = 0;
        let mut retries = 0;
        let mut timed_out = false;
        loop {
            let report = profile
                .queue
                .send_pass(&lock, &profile.delivery, None)
                .await?;
            self.absorb(&report);
            sent += report.sent.len();
            retries += report.retried;
            match report.end {
                PassEnd::Idle | PassEnd::PausedAuth => break,
                PassEnd::BackingOff { until } => {
                    let now = clock.now();
                    let wait = (until - now).to_std().unwrap_or(Duration::ZERO);
                    if until > deadline {
                        timed_out = true;
                        break;
                    }
                    tokio::time::sleep(wait).await;
                }
            }
        }
        drop(lock);
        let queue = profile.queue.summary()?;
        let end = if queue.paused_auth {
            DrainEnd::PausedAuth
        } else if timed_out {
            DrainEnd::TimedOut
        } else if queue.unsent() > 0 {
            DrainEnd::NeedsAttention
        } else {
            DrainEnd::Empty
        };
        Ok(DrainOutcome {
            end,
            sent,
            retries,
            queue,
        })
    }
}
