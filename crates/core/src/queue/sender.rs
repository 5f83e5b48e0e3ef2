//! The sender: one item at a time, in queue order, under the profile's sender lock, with the
//! protocol of the module doc (commit `sending`, send with the item's key, commit the answer;
//! the marks of a batch grouped in one commit), and what a failed send means for the item.

use std::collections::VecDeque;
use std::fs::File;
use std::time::Duration;

use chrono::{DateTime, Utc};
use fs4::fs_std::FileExt;
use opendvc_api::ErrorCode;
use serde::Serialize;
use uuid::Uuid;

use super::backoff::saturating_after;
use super::error::QueueError;
use super::handle::SubmissionQueue;
use super::item::{ApplicationTarget, ItemKind, ItemPayload, QueueItem, Reason};
use super::transport::{OutboundRequest, ServerAnswer, Transport, UploadProgress};
use crate::client::errors::ClientError;
use crate::store::StoreError;
use crate::store::outbox;

/// Proof that this process is the one sender of the profile. Dropping it releases the lock.
#[derive(Debug)]
pub struct SenderLock {
    file: File,
}

impl Drop for SenderLock {
    fn drop(&mut self) {
        // Closing the file releases the lock as well; unlocking first makes it immediate even
        // if a duplicate descriptor were still open somewhere.
        let _released = FileExt::unlock(&self.file);
    }
}

/// How a send pass ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(
    tag = "end",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
pub enum PassEnd {
    /// Nothing is ready to send: everything left is sent, needs attention, or waits for an
    /// item that needs attention.
    Idle,
    /// The next item is backing off until `until`.
    BackingOff { until: DateTime<Utc> },
    /// The session ended and could not be refreshed; sign in again.
    PausedAuth,
}

/// What one send pass did.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PassReport {
    pub sent: Vec<SentItem>,
    pub needs_attention: Vec<Uuid>,
    pub retried: u32,
    /// The last failure was that the portal could not be reached at all.
    pub went_offline: bool,
    pub end: PassEnd,
}

/// An item the server acknowledged in this pass.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SentItem {
    pub id: Uuid,
    pub kind: ItemKind,
    pub answer: ServerAnswer,
}

/// What a failed send says about whether the portal acted on the item's key.
enum Arrival {
    /// The portal answered with a problem about this key: it did not act on it.
    Refused,
    /// No readable answer: the portal may have acted.
    Unknown,
    /// Refused before the portal looked at the key (not signed in, 401, 429, never sent):
    /// what earlier attempts did stays as unknown as it was.
    SaysNothing,
}

fn arrival(error: &ClientError) -> Arrival {
    match error {
        ClientError::Network(_)
        | ClientError::Timeout
        | ClientError::Server { .. }
        | ClientError::Malformed { .. } => Arrival::Unknown,
        ClientError::Conflict { problem } if problem.code == ErrorCode::IdempotencyInFlight => {
            Arrival::Unknown
        }
        ClientError::Unreachable(_)
        | ClientError::RateLimited { .. }
        | ClientError::Unauthorized { .. }
        | ClientError::NotSignedIn => Arrival::SaysNothing,
        ClientError::Validation { .. }
        | ClientError::NotFound { .. }
        | ClientError::Conflict { .. } => Arrival::Refused,
    }
}

/// How one item's send ended.
pub(super) enum ItemSend {
    Sent(SentItem),
    Failed(Failure),
}

/// How a send failed (the failure already stored with the item).
pub(super) enum Failure {
    /// Transient: back off until `until`.
    Retry { until: DateTime<Utc>, offline: bool },
    /// The session ended (or the item is sealed without its key): the queue is paused.
    Paused,
    /// The item needs the person: refused by the portal (`refused`), or it could not be
    /// built here (a missing attachment copy, an application never created).
    Attention { refused: bool },
}

/// How trying one item ended: answered (the answer not stored yet), or failed (the failure
/// stored).
enum Tried {
    Answered(ServerAnswer),
    Failed(Failure),
}

/// The largest batch of items marked `sending` in one commit.
const MAX_BATCH: usize = 32;

/// A batch doubles (up to [`MAX_BATCH`]) while all of it is answered within this time, so that
/// the answers of a slow link are stored, and shown, item by item.
const BATCH_TIME: Duration = Duration::from_millis(50);

/// What to do with an item after a failed send.
enum Verdict {
    RetryLater(Option<std::time::Duration>),
    PauseForAuth,
    NeedsAttention,
}

fn verdict(error: &ClientError, now: DateTime<Utc>) -> Verdict {
    match error {
        ClientError::Network(_)
        | ClientError::Unreachable(_)
        | ClientError::Timeout
        | ClientError::Malformed { .. } => Verdict::RetryLater(None),
        ClientError::RateLimited { retry_after } | ClientError::Server { retry_after, .. } => {
            Verdict::RetryLater(retry_after.map(|wait| wait.duration_from(now)))
        }
        ClientError::Conflict { problem } if problem.code == ErrorCode::IdempotencyInFlight => {
            Verdict::RetryLater(None)
        }
        ClientError::Unauthorized { .. } | ClientError::NotSignedIn => Verdict::PauseForAuth,
        ClientError::Validation { .. }
        | ClientError::NotFound { .. }
        | ClientError::Conflict { .. } => Verdict::NeedsAttention,
    }
}

/// The reason kept with an item the portal (or the way to it) refused.
fn reason_for(error: &ClientError) -> Reason {
    let problem = error.problem();
    Reason {
        code: problem
            .map(|problem| problem.code.as_str().to_owned())
            .unwrap_or_else(|| error.code().to_owned()),
        status: error.status(),
        detail: problem
            .and_then(|problem| problem.detail.clone())
            .or_else(|| Some(error.to_string())),
        errors: problem
            .map(|problem| problem.errors.clone())
            .unwrap_or_default(),
    }
}

impl SubmissionQueue {
    /// Tries to become the profile's one sender. `None` when another sender (in this or
    /// another process) holds the lock. On success, items a dead sender left in `sending`
    /// go back to `queued`.
    pub fn try_lock_sender(&self) -> Result<Option<SenderLock>, QueueError> {
        let path = self.profile_dir.join("sender.lock");
        crate::session::ensure_private_file(&path).map_err(QueueError::Lock)?;
        let file = std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .map_err(QueueError::Lock)?;
        if !FileExt::try_lock_exclusive(&file).map_err(QueueError::Lock)? {
            return Ok(None);
        }
        let now = self.clock.now();
        self.outbox
            .read(|conn| outbox::recover_sending(conn, now))?;
        Ok(Some(SenderLock { file }))
    }

    /// When the next queued item (in `scope`, if given) becomes due; `None` if nothing can be
    /// sent without the person's action.
    pub fn earliest_due(
        &self,
        scope: Option<&[Uuid]>,
    ) -> Result<Option<DateTime<Utc>>, QueueError> {
        Ok(self.outbox.read(|conn| outbox::earliest_due(conn, scope))?)
    }

    fn build_request(&self, item: &QueueItem) -> Result<OutboundRequest, Reason> {
        let resolve = |target: ApplicationTarget| -> Result<Uuid, Reason> {
            match target {
                ApplicationTarget::Application { application_id } => Ok(application_id),
                ApplicationTarget::QueuedItem { item_id } => {
                    let parent = self
                        .item(item_id)
                        .map_err(|error| Reason::local("store", error.to_string()))?;
                    parent
                        .and_then(|parent| parent.application_id)
                        .ok_or_else(|| {
                            Reason::local(
                                "parent_not_created",
                                format!("the application of queue item {item_id} was not created"),
                            )
                        })
                }
            }
        };
        Ok(match &item.payload {
            ItemPayload::UploadAttachment {
                sha256,
                content_type,
                file_name,
                ..
            } => {
                let mut bytes = std::fs::read(self.attachment_path(sha256)).map_err(|error| {
                    Reason::local(
                        "attachment_missing",
                        format!("the stored copy of the attachment is gone: {error}"),
                    )
                })?;
                if let Some(key) = self.key() {
                    bytes = key
                        .open(sha256.as_bytes(), &bytes)
                        .map_err(|error| Reason::local("attachment_sealed", error.to_string()))?;
                }
                let listener = self
                    .progress
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .clone();
                let total = bytes.len() as u64;
                let item_id = item.id;
                OutboundRequest::Upload {
                    bytes,
                    content_type: content_type.clone(),
                    file_name: file_name.clone(),
                    progress: listener.map(|listener| {
                        UploadProgress::new(move |sent| listener(item_id, sent, total))
                    }),
                }
            }
            ItemPayload::CreateApplication { application } => {
                OutboundRequest::Create(application.clone())
            }
            ItemPayload::Supplement { target, supplement } => OutboundRequest::Supplement {
                application_id: resolve(*target)?,
                body: supplement.clone(),
            },
            ItemPayload::DeliveryChange { target, delivery } => OutboundRequest::DeliveryChange {
                application_id: resolve(*target)?,
                body: delivery.clone(),
            },
            ItemPayload::Withdraw { target, request } => OutboundRequest::Withdraw {
                application_id: resolve(*target)?,
                body: request.clone(),
            },
            ItemPayload::Rating { target, rating } => OutboundRequest::Rating {
                application_id: resolve(*target)?,
                body: rating.clone(),
            },
            ItemPayload::FileFeedback { feedback } => {
                OutboundRequest::FileFeedback(feedback.clone())
            }
            ItemPayload::RateFeedback {
                feedback_id,
                rating,
            } => OutboundRequest::RateFeedback {
                feedback_id: *feedback_id,
                body: rating.clone(),
            },
            ItemPayload::ReopenFeedback {
                feedback_id,
                request,
            } => OutboundRequest::ReopenFeedback {
                feedback_id: *feedback_id,
                body: request.clone(),
            },
            ItemPayload::Sealed { .. } => {
                return Err(Reason::local(
                    "sealed_without_key",
                    "this item is encrypted; the staff member who queued it must sign in",
                ));
            }
        })
    }

    /// Sends ready items one by one, in queue order, until nothing is ready, a transient
    /// failure asks to back off, or authentication fails. With `scope`, only those items.
    ///
    /// Items go out in batches: one transaction stores the answers of the batch before and
    /// marks the next batch `sending`, so a batch costs one durable commit, not two per item
    /// (see [`outbox::commit_batch`] for what a crash leaves). A batch starts at one item and
    /// doubles while every item of it is answered within `BATCH_TIME` (50 ms), so on a slow link the
    /// person still sees each item sent as soon as it is; any failure starts again at one.
    pub async fn send_pass<T: Transport>(
        &self,
        _lock: &SenderLock,
        transport: &T,
        scope: Option<&[Uuid]>,
    ) -> Result<PassReport, QueueError> {
        let mut report = PassReport {
            sent: Vec::new(),
            needs_attention: Vec::new(),
            retried: 0,
            went_offline: false,
            end: PassEnd::Idle,
        };
        let mut batch_size = 1;
        let mut batch: VecDeque<QueueItem> = VecDeque::new();
        let mut answered: Vec<(QueueItem, ServerAnswer)> = Vec::new();
        // Whether every item of the current batch was answered so far.
        let mut batch_answered = true;
        let mut batch_started = self.clock.now();
        loop {
            if batch.is_empty() {
                if !answered.is_empty() {
                    let quick = (self.clock.now() - batch_started)
                        .to_std()
                        .is_ok_and(|took| took < BATCH_TIME);
                    batch_size = if batch_answered && quick {
                        (batch_size * 2).min(MAX_BATCH)
                    } else {
                        1
                    };
                }
                let paused = self.is_paused()?;
                let next = (!paused).then_some((batch_size, scope));
                batch = self
                    .commit_batch(&mut answered, &[], next, &mut report)?
                    .into();
                if paused {
                    report.end = PassEnd::PausedAuth;
                    return Ok(report);
                }
                if batch.is_empty() {
                    report.end = match self.earliest_due(scope)? {
                        Some(until) => PassEnd::BackingOff { until },
                        None => PassEnd::Idle,
                    };
                    return Ok(report);
                }
                batch_answered = true;
                batch_started = self.clock.now();
            }
            let Some(item) = batch.pop_front() else {
                continue;
            };
            let ended = match self.try_item(&item, transport).await? {
                Tried::Answered(answer) => {
                    // Its answer is stored, and its file forgotten, by what it holds: the
                    // opened payload, not the sealed one the batch was read as.
                    answered.push((self.opened(item), answer));
                    continue;
                }
                Tried::Failed(Failure::Attention { .. }) => {
                    report.needs_attention.push(item.id);
                    batch_answered = false;
                    continue;
                }
                Tried::Failed(Failure::Retry { until, offline }) => {
                    report.retried += 1;
                    report.went_offline = offline;
                    // A transient failure is about the line to the portal, not the item: stop
                    // here and let the caller wait, instead of trying every other item against
                    // a server that is down.
                    PassEnd::BackingOff { until }
                }
                Tried::Failed(Failure::Paused) => PassEnd::PausedAuth,
            };
            let untried: Vec<QueueItem> = batch.drain(..).collect();
            self.commit_batch(&mut answered, &untried, None, &mut report)?;
            report.end = ended;
            return Ok(report);
        }
    }

    /// Stores the answers of `answered`, gives `untried` back and marks the next batch
    /// (`next`: its size and scope) in one transaction ([`outbox::commit_batch`]); the stored
    /// answers go into `report` once committed.
    fn commit_batch(
        &self,
        answered: &mut Vec<(QueueItem, ServerAnswer)>,
        untried: &[QueueItem],
        next: Option<(usize, Option<&[Uuid]>)>,
        report: &mut PassReport,
    ) -> Result<Vec<QueueItem>, QueueError> {
        if answered.is_empty() && untried.is_empty() && next.is_none() {
            return Ok(Vec::new());
        }
        let marks = answered
            .iter()
            .map(|(item, answer)| self.sent_mark(item, answer))
            .collect::<Result<Vec<_>, _>>()?;
        let now = self.clock.now();
        let marked = self
            .outbox
            .read(|conn| outbox::commit_batch(conn, &marks, untried, next, now))?;
        for (item, answer) in answered.drain(..) {
            report.sent.push(self.after_sent(&item, answer)?);
        }
        Ok(marked)
    }

    /// Sends one item that was just marked `sending` (`item` is as it was read before) and
    /// stores the outcome: sent with the server's answer, back in line with a back-off, paused
    /// for sign-in, or needing attention. Whether the portal may have the item is kept with
    /// it: set by an attempt without a readable answer, cleared by one the portal answered.
    pub(super) async fn send_item<T: Transport>(
        &self,
        item: &QueueItem,
        transport: &T,
    ) -> Result<ItemSend, QueueError> {
        match self.try_item(item, transport).await? {
            Tried::Answered(answer) => {
                let item = &self.opened(item.clone());
                let mark = self.sent_mark(item, &answer)?;
                let now = self.clock.now();
                self.outbox
                    .read(|conn| outbox::commit_batch(conn, &[mark], &[], None, now))?;
                Ok(ItemSend::Sent(self.after_sent(item, answer)?))
            }
            Tried::Failed(failure) => Ok(ItemSend::Failed(failure)),
        }
    }

    /// Sends one item that was just marked `sending` (`item` is as it was read before). A
    /// failure is stored at once (back in line with a back-off, paused for sign-in, or needing
    /// attention); the server's answer is handed back for the caller to store. Whether the
    /// portal may have the item is kept with it: set by an attempt without a readable answer,
    /// cleared by one the portal answered.
    async fn try_item<T: Transport>(
        &self,
        item: &QueueItem,
        transport: &T,
    ) -> Result<Tried, QueueError> {
        let now = self.clock.now();
        let item = self.opened(item.clone());
        // Until it is sent now, the item may have arrived exactly as much as before.
        let unchanged = |reason| outbox::Attempt {
            reason,
            may_have_arrived: item.may_have_arrived,
        };
        if matches!(item.payload, ItemPayload::Sealed { .. }) {
            // Without the key nothing can be sent; the staff member signs in again.
            let reason = Reason::local(
                "sealed_without_key",
                "this item is encrypted; the staff member who queued it must sign in",
            );
            self.outbox
                .read(|conn| outbox::pause_for_auth(conn, item.id, unchanged(&reason), now))?;
            return Ok(Tried::Failed(Failure::Paused));
        }
        let request = match self.build_request(&item) {
            Ok(request) => request,
            Err(reason) => {
                self.outbox
                    .read(|conn| outbox::mark_attention(conn, item.id, unchanged(&reason), now))?;
                return Ok(Tried::Failed(Failure::Attention { refused: false }));
            }
        };
        let outcome = transport.deliver(item.id, request).await;
        let now = self.clock.now();
        let error = match outcome {
            Ok(answer) => {
                self.link.answered();
                return Ok(Tried::Answered(answer));
            }
            Err(error) => error,
        };
        let reason = reason_for(&error);
        let attempt = outbox::Attempt {
            reason: &reason,
            may_have_arrived: match arrival(&error) {
                Arrival::Refused => false,
                Arrival::Unknown => true,
                Arrival::SaysNothing => item.may_have_arrived,
            },
        };
        Ok(Tried::Failed(match verdict(&error, now) {
            Verdict::RetryLater(server_wait) => {
                let attempts = item.attempts.saturating_add(1);
                let wait = self.backoff.link_wait(self.link.failed(), server_wait);
                let until = saturating_after(now, wait);
                self.outbox.read(|conn| {
                    outbox::schedule_retry(conn, item.id, attempts, until, attempt, now)
                })?;
                Failure::Retry {
                    until,
                    offline: error.is_offline(),
                }
            }
            Verdict::PauseForAuth => {
                self.link.answered();
                self.outbox
                    .read(|conn| outbox::pause_for_auth(conn, item.id, attempt, now))?;
                Failure::Paused
            }
            Verdict::NeedsAttention => {
                self.link.answered();
                self.outbox
                    .read(|conn| outbox::mark_attention(conn, item.id, attempt, now))?;
                Failure::Attention { refused: true }
            }
        }))
    }

    /// What is stored of an item's answer when it is marked sent (on a shared device only its
    /// receipt, see [`SubmissionQueue::set_purge_after_ack`]).
    fn sent_mark(
        &self,
        item: &QueueItem,
        answer: &ServerAnswer,
    ) -> Result<outbox::SentMark, QueueError> {
        let purge = self
            .purge_after_ack
            .load(std::sync::atomic::Ordering::Relaxed);
        let (application, result) = match answer {
            ServerAnswer::Attachment(attachment) if purge => {
                (None, serde_json::json!({ "id": attachment.id }))
            }
            ServerAnswer::Attachment(attachment) => (
                None,
                serde_json::to_value(attachment).map_err(StoreError::from)?,
            ),
            ServerAnswer::Application(application) => (
                Some((application.id, application.code.clone())),
                if purge {
                    serde_json::json!({ "id": application.id, "code": application.code })
                } else {
                    serde_json::to_value(application).map_err(StoreError::from)?
                },
            ),
            // The feedback's id is all a shared device keeps of the answer.
            ServerAnswer::FeedbackCreated(created) if purge => {
                (None, serde_json::json!({ "id": created.id }))
            }
            ServerAnswer::Feedback(feedback) if purge => {
                (None, serde_json::json!({ "id": feedback.id }))
            }
            ServerAnswer::FeedbackCreated(created) => (
                None,
                serde_json::to_value(created).map_err(StoreError::from)?,
            ),
            ServerAnswer::Feedback(feedback) => (
                None,
                serde_json::to_value(feedback).map_err(StoreError::from)?,
            ),
        };
        Ok(outbox::SentMark {
            id: item.id,
            application,
            result,
            redacted: purge.then(|| item.payload.redacted()),
        })
    }

    /// What follows an answer's commit: on a shared device the attachment's copy is
    /// forgotten.
    fn after_sent(&self, item: &QueueItem, answer: ServerAnswer) -> Result<SentItem, QueueError> {
        let purge = self
            .purge_after_ack
            .load(std::sync::atomic::Ordering::Relaxed);
        if purge && let ItemPayload::UploadAttachment { sha256, .. } = &item.payload {
            self.forget_file(sha256)?;
        }
        Ok(SentItem {
            id: item.id,
            kind: item.kind(),
            answer,
        })
    }
}
