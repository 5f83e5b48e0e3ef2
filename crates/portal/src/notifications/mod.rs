//! The durable notification outbox: every SMS and e-mail the portal sends is first a row of
//! `notifications`, written in the transaction of the change that causes it (`ApplicationChange`
//! carries its notices) or on its own (one-time codes, the assisted-session notice), and rendered
//! then in the person's language. One worker per deployment (the holder of the lease
//! `notifications`) sends due rows through the configured channels (`crate::channels`), woken at
//! once after an enqueue and by a timer; a failure for now is tried again with the waits of
//! `limits.notifications`, a refusal or too many failures mark the row failed for operators
//! (`opendvc-portal notifications failed`). The row's id is the gateway's `RequestId`, so a
//! resend after a crash is delivered once where the gateway deduplicates.
//!
//! `quiet_hours` decides when a citizen's SMS may leave; `compose` what a change sends by the
//! citizen's settings.

pub mod compose;
pub mod quiet_hours;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;
use uuid::Uuid;

use crate::channels::gateway::Channels;
use crate::channels::message::{Accepted, DeliveryError, masked};
use crate::clock::Clock;
use crate::limits::NotificationLimits;
use crate::store::{NewNotice, Notice, NoticeClaim, NoticeOutcome, Store, StoreResult};

/// The lease of the sending worker: one instance at a time sends.
const LEASE: &str = "notifications";

/// How often the worker looks for due rows when nobody woke it: rows held by quiet hours or
/// back-off, rows written by another process (the `officer` command line).
const POLL: Duration = Duration::from_secs(1);

/// How long a request in demo mode waits for the first attempt at what it caused.
const ATTEMPT_BEFORE_ANSWER: Duration = Duration::from_secs(2);

/// Rows one pass takes at most; sent side by side.
const BATCH: usize = 16;

/// The outbox: writes rows, wakes the worker, and is the worker.
pub struct Outbox {
    store: Arc<dyn Store>,
    channels: Channels,
    limits: NotificationLimits,
    clock: Arc<dyn Clock>,
    wake: Notify,
    /// Held by whoever claims and attempts rows in this process (the worker, a batch at a
    /// time, and a request in demo mode), so that a request whose rows the worker claimed
    /// first waits for the worker's attempt instead of answering before it.
    sending: tokio::sync::Mutex<()>,
    /// Demo mode: rows requests caused and want attempted before they answer. Whoever next
    /// holds `sending` takes them all and attempts them in one round (one claim, the deliveries
    /// side by side), so concurrent requests share a round instead of queueing for one each.
    unattempted: std::sync::Mutex<Vec<Uuid>>,
    /// Demo mode: a request makes the first attempt at what it caused before it answers, so a
    /// demo client reading the dev outbox right after the answer finds it.
    attempt_before_answer: bool,
}

impl std::fmt::Debug for Outbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outbox")
            .field("channels", &self.channels)
            .finish_non_exhaustive()
    }
}

impl Outbox {
    pub fn new(
        store: Arc<dyn Store>,
        channels: Channels,
        limits: NotificationLimits,
        clock: Arc<dyn Clock>,
        attempt_before_answer: bool,
    ) -> Outbox {
        Outbox {
            store,
            channels,
            limits,
            clock,
            wake: Notify::new(),
            sending: tokio::sync::Mutex::new(()),
            unattempted: std::sync::Mutex::default(),
            attempt_before_answer,
        }
    }

    /// Writes notices that no other stored change causes (one-time codes, the assisted-session
    /// notice) and has them sent as [`Outbox::caused`] says.
    pub async fn enqueue(self: &Arc<Self>, notices: Vec<NewNotice>) -> StoreResult<()> {
        if notices.is_empty() {
            return Ok(());
        }
        self.store.enqueue_notices(&notices).await?;
        let ids: Vec<Uuid> = notices.iter().map(|notice| notice.id).collect();
        self.caused(&ids).await;
        Ok(())
    }

    /// After a commit that wrote the rows `ids`: the worker is woken and sends them. In demo
    /// mode the first attempt at the ones due now is made at once, and awaited for at most
    /// [`ATTEMPT_BEFORE_ANSWER`] (the dev outbox records a message before its gateway is
    /// called, so a slow gateway delays the answer no longer than that).
    pub async fn caused(self: &Arc<Self>, ids: &[Uuid]) {
        if ids.is_empty() {
            return;
        }
        if self.attempt_before_answer {
            self.unattempted_rows().extend_from_slice(ids);
            let outbox = Arc::clone(self);
            let attempt = tokio::spawn(async move {
                let _sending = outbox.sending.lock().await;
                // The rows of this request, and of every request that queued behind a round
                // before this one got its turn; empty when an earlier round took them all
                // (and, holding `sending` until it ended, has attempted them).
                let ids = std::mem::take(&mut *outbox.unattempted_rows());
                if ids.is_empty() {
                    return;
                }
                let now = outbox.clock.now().timestamp();
                match outbox
                    .store
                    .claim_notices(NoticeClaim::Only(&ids), now, now + outbox.claim_seconds())
                    .await
                {
                    Ok(claimed) => outbox.send_claimed(claimed).await,
                    Err(error) => {
                        tracing::error!(%error, "notifications: claiming new rows failed")
                    }
                }
            });
            // Past the wait the attempt goes on by itself; the answer does not wait for it.
            let _ = tokio::time::timeout(ATTEMPT_BEFORE_ANSWER, attempt).await;
        }
        self.wake.notify_one();
    }

    fn unattempted_rows(&self) -> std::sync::MutexGuard<'_, Vec<Uuid>> {
        // A push or a take cannot leave the list half-changed, so a poisoned lock is usable.
        self.unattempted
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn claim_seconds(&self) -> i64 {
        i64::from(self.limits.claim_seconds)
    }

    /// The worker: while this instance holds the lease, sends every due row, at once when woken
    /// and at least every [`POLL`]. On taking the lease it lets go of rows a dead sender held,
    /// so they are sent again (same id) without waiting for their claim to run out.
    pub async fn run(self: Arc<Self>) {
        let mut holding = false;
        loop {
            tokio::select! {
                () = self.wake.notified() => {}
                () = tokio::time::sleep(POLL) => {}
            }
            if !self.store.hold_lease(LEASE).await {
                holding = false;
                continue;
            }
            if !holding {
                match self.store.release_notice_claims().await {
                    Ok(released) => {
                        holding = true;
                        if released > 0 {
                            tracing::warn!(
                                released,
                                "notifications: rows held by a sender that is gone are sent again"
                            );
                        }
                    }
                    Err(error) => {
                        tracing::error!(%error, "notifications: releasing held rows failed");
                        continue;
                    }
                }
            }
            self.send_due().await;
        }
    }

    /// Sends due rows until none is left.
    async fn send_due(&self) {
        loop {
            let _sending = self.sending.lock().await;
            let now = self.clock.now().timestamp();
            let claimed = match self
                .store
                .claim_notices(
                    NoticeClaim::Due { limit: BATCH },
                    now,
                    now + self.claim_seconds(),
                )
                .await
            {
                Ok(claimed) => claimed,
                Err(error) => {
                    tracing::error!(%error, "notifications: claiming due rows failed");
                    return;
                }
            };
            if claimed.is_empty() {
                return;
            }
            self.send_claimed(claimed).await;
        }
    }

    /// One attempt at each claimed row; what became of them is recorded in one write.
    async fn send_claimed(&self, claimed: Vec<Notice>) {
        let results = self.channels.deliver_all(&claimed, self.clock.now()).await;
        let now = self.clock.now().timestamp();
        let finished: Vec<(Uuid, NoticeOutcome)> = claimed
            .iter()
            .zip(results)
            .map(|(notice, result)| (notice.id, self.outcome(notice, result, now)))
            .collect();
        if let Err(error) = self.store.finish_notices(&finished, now).await {
            // The rows stay held until their claim runs out, then are sent again (same ids).
            tracing::error!(%error, rows = finished.len(), "notifications: recording attempts failed");
        }
    }

    /// What became of one attempt at a claimed row, said in the log.
    fn outcome(
        &self,
        notice: &Notice,
        result: Result<Accepted, DeliveryError>,
        now: i64,
    ) -> NoticeOutcome {
        let outcome = match result {
            Ok(accepted) => NoticeOutcome::Sent {
                provider_id: accepted.provider_id,
            },
            Err(error @ DeliveryError::Refused { .. }) => NoticeOutcome::Failed {
                error: error.to_string(),
            },
            Err(error) if notice.attempts >= self.limits.max_attempts => NoticeOutcome::Failed {
                error: error.to_string(),
            },
            Err(error) => NoticeOutcome::Retry {
                next_attempt_at: now + self.limits.retry_after(notice.attempts),
                error: error.to_string(),
            },
        };
        let to = masked(&notice.recipient);
        match &outcome {
            NoticeOutcome::Sent { provider_id } => tracing::info!(
                kind = %notice.kind, channel = %notice.channel, %to, message_id = %notice.id,
                attempts = notice.attempts, provider_id = provider_id.as_deref().unwrap_or(""),
                "notification sent"
            ),
            NoticeOutcome::Retry {
                next_attempt_at,
                error,
            } => tracing::warn!(
                kind = %notice.kind, channel = %notice.channel, %to, message_id = %notice.id,
                attempts = notice.attempts, %error,
                "notification not sent yet; next attempt in {} s", next_attempt_at - now
            ),
            NoticeOutcome::Failed { error } => tracing::error!(
                kind = %notice.kind, channel = %notice.channel, %to, message_id = %notice.id,
                attempts = notice.attempts, %error,
                "notification failed: see `opendvc-portal notifications failed`"
            ),
        }
        outcome
    }
}
