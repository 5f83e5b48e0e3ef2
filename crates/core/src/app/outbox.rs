//! The queue as the façade shows and drives it: items, retry, discard, drain.

use std::time::Duration;

use uuid::Uuid;

use super::OpenDvc;
use crate::error::CoreError;
use crate::events::CoreEvent;
use crate::queue::{
    DiscardOutcome, DrainOutcome, ItemEvent, PassEnd, PassReport, ProfileLane, QueueItem,
    QueueSummary,
};

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
    /// [`crate::queue::SubmissionQueue::discard`]): if the portal has it, it is sent, not discarded, and the
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

    /// Sends everything queued, waiting through back-off, for at most `max_wait`, with the
    /// citizen's client (the queue's one drain loop, [`crate::queue::drain`]).
    pub async fn drain(&self, max_wait: Duration) -> Result<DrainOutcome, CoreError> {
        let profile = self.active()?;
        let absorb = |report: &PassReport| self.absorb(report);
        let mut lanes = [ProfileLane::new(&profile.queue, &profile.delivery, absorb)];
        Ok(crate::queue::drain(&mut lanes, self.options.clock.as_ref(), max_wait).await?)
    }
}
