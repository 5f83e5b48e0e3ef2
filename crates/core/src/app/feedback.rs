//! Residents' feedback: filed and followed up through the durable queue like a submission
//! (photos prepared on the device and uploaded first, the feedback waiting for them), so
//! feedback written offline goes out once when the portal is back.

use std::collections::HashMap;
use std::path::PathBuf;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;

use opendvc_api::{
    Feedback, FeedbackServices, FieldError, FieldProblemCode, MAX_FEEDBACK_PHOTOS,
    MAX_FEEDBACK_TEXT_CHARS, NewFeedback,
};
use uuid::Uuid;

use super::OpenDvc;
use crate::drafts::{FeedbackDraft, PickedPhoto};
use crate::error::CoreError;
use crate::events::CoreEvent;
use crate::feedback_photo::prepare_photo;
use crate::queue::{FeedbackFollowUp, ItemPayload, QueueError, QueueItem};
use crate::store::feedback;
use crate::views::feedback::{
    FeedbackActionInput, FeedbackInput, FeedbackScreenView, FeedbackView, feedback_view,
    queued_feedback_view,
};
use crate::views::queue::SubmitResult;
use crate::views::queue::{QueueItemView, SubmitOutcome};

/// The problems of a text the resident must write: empty, or longer than the portal takes.
fn check_text(field: &str, text: &str, errors: &mut Vec<FieldError>) {
    if text.is_empty() {
        errors.push(FieldError::new(field, FieldProblemCode::Required));
    } else if text.chars().count() > MAX_FEEDBACK_TEXT_CHARS {
        errors.push(FieldError::new(field, FieldProblemCode::TooLong));
    }
}

impl OpenDvc {
    /// Checks a feedback draft (offline), prepares its photos, queues it durably with them,
    /// then, if `send_now`, tries once to send it without waiting through back-off.
    pub async fn file_feedback(
        &self,
        draft: FeedbackDraft,
        send_now: bool,
    ) -> Result<SubmitOutcome, CoreError> {
        let profile = self.active()?;
        let category = draft.category.trim().to_owned();
        let description = draft.description.trim().to_owned();
        let mut errors = Vec::new();
        if category.is_empty() {
            errors.push(FieldError::new("category", FieldProblemCode::Required));
        }
        check_text("description", &description, &mut errors);
        if !errors.is_empty() {
            return Err(CoreError::InvalidSubmission(errors));
        }
        if draft.photos.len() > MAX_FEEDBACK_PHOTOS {
            return Err(QueueError::TooManyPhotos {
                count: draft.photos.len(),
                max: MAX_FEEDBACK_PHOTOS,
            }
            .into());
        }
        let mut staged = Vec::new();
        for (index, picked) in draft.photos.into_iter().enumerate() {
            let name = format!("photo-{}.jpg", index + 1);
            let (bytes, shown) = match picked {
                PickedPhoto::File(path) => match std::fs::read(&path) {
                    Ok(bytes) => (bytes, path),
                    Err(source) => return Err(QueueError::Attachment { path, source }.into()),
                },
                PickedPhoto::Bytes(bytes) => (bytes, PathBuf::from(&name)),
            };
            let photo =
                prepare_photo(&bytes).map_err(|error| CoreError::Photo { path: shown, error })?;
            staged.push(profile.queue.stage_bytes(&photo.bytes, Some(&name), None)?);
        }
        let feedback = NewFeedback {
            category,
            description,
            photos: Vec::new(),
            place: draft.place,
            application_id: draft.application_id,
        };
        let enqueued = profile.queue.enqueue_feedback(feedback, &staged)?;
        self.emit(CoreEvent::QueueChanged);
        self.after_enqueue(enqueued, send_now).await
    }

    /// Queues a rating (1–5 stars) or a reopening (with its reason) of a feedback item the
    /// portal has, then, if `send_now`, tries once to send it.
    pub async fn feedback_follow_up(
        &self,
        feedback_id: Uuid,
        follow_up: FeedbackFollowUp,
        send_now: bool,
    ) -> Result<SubmitOutcome, CoreError> {
        let profile = self.active()?;
        let mut errors = Vec::new();
        let follow_up = match follow_up {
            FeedbackFollowUp::Rating(mut rating) => {
                if !(1..=5).contains(&rating.stars) {
                    errors.push(FieldError::new("stars", FieldProblemCode::NumberInvalid));
                }
                rating.comment = rating
                    .comment
                    .map(|comment| comment.trim().to_owned())
                    .filter(|comment| !comment.is_empty());
                FeedbackFollowUp::Rating(rating)
            }
            FeedbackFollowUp::Reopen(mut request) => {
                request.reason = request.reason.trim().to_owned();
                check_text("reason", &request.reason, &mut errors);
                FeedbackFollowUp::Reopen(request)
            }
        };
        if !errors.is_empty() {
            return Err(CoreError::InvalidSubmission(errors));
        }
        let enqueued = profile
            .queue
            .enqueue_feedback_follow_up(feedback_id, follow_up)?;
        self.emit(CoreEvent::QueueChanged);
        self.after_enqueue(enqueued, send_now).await
    }
}

impl OpenDvc {
    /// The services feedback is filed in: fetched from the portal and cached; offline, the
    /// cached list, so the form works without a connection after the first time.
    pub async fn feedback_services(&self) -> Result<FeedbackServices, CoreError> {
        let profile = self.active()?;
        let result = profile.client.feedback_services().await;
        self.note_client_result(&result);
        match result {
            Ok(services) => {
                let now = self.options.clock.now();
                profile
                    .cache
                    .write(|tx| feedback::save_services(tx, &services, now))?;
                Ok(services)
            }
            Err(error) => match profile.cache.read(feedback::services)? {
                Some(services) if error.is_offline() => Ok(services),
                _ => Err(error.into()),
            },
        }
    }

    /// The resident's feedback as last synced, newest first.
    pub fn feedback_items(&self) -> Result<Vec<Feedback>, CoreError> {
        let profile = self.active()?;
        Ok(profile.cache.read(feedback::list)?)
    }

    /// One feedback item as last synced.
    pub fn feedback_item(&self, id: Uuid) -> Result<Option<Feedback>, CoreError> {
        let profile = self.active()?;
        Ok(profile.cache.read(|conn| feedback::get(conn, id))?)
    }
}

impl OpenDvc {
    /// The feedback screen: what waits on this device, the synced items with their running
    /// clock in words, and the services for the form (from the cache).
    pub fn feedback_screen(&self) -> Result<FeedbackScreenView, CoreError> {
        let profile = self.active()?;
        let (items, services) = profile
            .cache
            .read(|conn| Ok((feedback::list(conn)?, feedback::services(conn)?)))?;
        let services = services
            .map(|services| services.services)
            .unwrap_or_default();
        let waiting: Vec<QueueItem> = profile
            .queue
            .unsent_items()?
            .into_iter()
            .filter(|item| matches!(item.payload, ItemPayload::FileFeedback { .. }))
            .collect();
        let states = self.queue_views(&waiting)?;
        let queued = waiting
            .iter()
            .zip(states)
            .filter_map(|(item, view)| match &item.payload {
                ItemPayload::FileFeedback { feedback } => {
                    Some(queued_feedback_view(item.id, feedback, view.state))
                }
                _ => None,
            })
            .collect();
        let mut follow_ups = self.feedback_follow_ups_waiting()?;
        let texts = self.texts(self.language())?;
        let now = self.now();
        Ok(FeedbackScreenView {
            queued,
            items: items
                .into_iter()
                .map(|item| {
                    let waiting = follow_ups.remove(&item.id).unwrap_or_default();
                    feedback_view(item, &services, &texts, now, waiting)
                })
                .collect(),
            services,
        })
    }

    /// Ratings and reopenings waiting in the queue, by the item they are for, oldest first.
    fn feedback_follow_ups_waiting(&self) -> Result<HashMap<Uuid, Vec<QueueItemView>>, CoreError> {
        let profile = self.active()?;
        let waiting: Vec<(Uuid, QueueItem)> = profile
            .queue
            .unsent_items()?
            .into_iter()
            .filter_map(|item| match &item.payload {
                ItemPayload::RateFeedback { feedback_id, .. }
                | ItemPayload::ReopenFeedback { feedback_id, .. } => Some((*feedback_id, item)),
                _ => None,
            })
            .collect();
        let items: Vec<QueueItem> = waiting.iter().map(|(_, item)| item.clone()).collect();
        let views = self.queue_views(&items)?;
        let mut by_item: HashMap<Uuid, Vec<QueueItemView>> = HashMap::new();
        for view in views {
            if let Some((feedback_id, _)) = waiting.iter().find(|(_, item)| item.id == view.id) {
                by_item.entry(*feedback_id).or_default().push(view);
            }
        }
        Ok(by_item)
    }
}

impl OpenDvc {
    /// One feedback item's page as last synced, with its running clock in words; `None` when
    /// the cache does not have it (not synced yet, or not the resident's).
    pub fn feedback_item_view(&self, id: Uuid) -> Result<Option<FeedbackView>, CoreError> {
        let profile = self.active()?;
        let (item, services) = profile
            .cache
            .read(|conn| Ok((feedback::get(conn, id)?, feedback::services(conn)?)))?;
        let Some(item) = item else {
            return Ok(None);
        };
        let services = services
            .map(|services| services.services)
            .unwrap_or_default();
        let waiting = self
            .feedback_follow_ups_waiting()?
            .remove(&id)
            .unwrap_or_default();
        let texts = self.texts(self.language())?;
        Ok(Some(feedback_view(
            item,
            &services,
            &texts,
            self.now(),
            waiting,
        )))
    }
}

impl OpenDvc {
    /// Queues the feedback form the screen sent (photos in base64) and tries to send it.
    pub async fn file_feedback_view(
        &self,
        input: FeedbackInput,
    ) -> Result<SubmitResult, CoreError> {
        let mut photos = Vec::new();
        for photo in &input.photos {
            photos.push(PickedPhoto::Bytes(
                BASE64
                    .decode(photo.as_bytes())
                    .map_err(|_| CoreError::PickedFileUnreadable)?,
            ));
        }
        let draft = FeedbackDraft {
            category: input.category,
            description: input.description,
            photos,
            place: input.place,
            application_id: input.application_id,
        };
        let outcome = self.file_feedback(draft, true).await?;
        Ok(SubmitResult {
            item_id: outcome.item_id,
            sent: outcome.sent,
            application: None,
        })
    }

    /// Queues a rating or reopening the screen sent and tries to send it.
    pub async fn feedback_follow_up_view(
        &self,
        feedback_id: Uuid,
        action: FeedbackActionInput,
    ) -> Result<SubmitResult, CoreError> {
        let outcome = self
            .feedback_follow_up(feedback_id, action.into_follow_up(), true)
            .await?;
        Ok(SubmitResult {
            item_id: outcome.item_id,
            sent: outcome.sent,
            application: None,
        })
    }
}
