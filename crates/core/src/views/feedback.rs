//! The feedback screen ("Phản ánh"): the resident's items as last synced, with the clock that
//! runs now written out ("trả lời trước 02:00 ngày 7/12"), the feedback still waiting on this
//! device, and the services the form offers.

use chrono::{DateTime, FixedOffset, Utc};
use opendvc_api::{
    Feedback, FeedbackClock, FeedbackPlace, FeedbackService, FeedbackStatus, NewFeedback, Rating,
    ReopenFeedback,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::queue::{QueueItemView, QueueStateView};
use super::text::in_vietnam;
use crate::i18n::{Arg, Localizer};
use crate::queue::FeedbackFollowUp;

/// One synced feedback item as the list and the item page show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct FeedbackView {
    pub item: Feedback,
    /// The service's name in every language, when the services list knows the code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub service: Option<FeedbackService>,
    /// Which clock runs now: the answer's, the resolution's, or none (closed).
    pub clock: FeedbackClock,
    /// The running clock's deadline in words, in the person's language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub deadline_text: Option<String>,
    /// The running clock's deadline has passed.
    pub overdue: bool,
    /// A rating or a reopening of this item written on this device and not yet acknowledged
    /// by the portal (shown as "waiting to send"; its form is not offered again meanwhile).
    pub waiting_to_send: Vec<QueueItemView>,
}

/// Feedback written on this device that the portal does not have yet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct QueuedFeedbackView {
    pub queue_item_id: Uuid,
    pub category: String,
    pub description: String,
    pub photos: u32,
    pub state: QueueStateView,
}

/// `feedback_screen`: everything the feedback screen shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct FeedbackScreenView {
    /// Waiting on this device, oldest first.
    pub queued: Vec<QueuedFeedbackView>,
    /// At the portal, newest first.
    pub items: Vec<FeedbackView>,
    /// The services the form offers (cached; empty before the first fetch).
    pub services: Vec<FeedbackService>,
}

/// `file_feedback`: the feedback form as the UI sends it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct FeedbackInput {
    pub category: String,
    pub description: String,
    /// The picked photos' bytes in base64, at most three; the core resizes them.
    #[serde(default)]
    pub photos: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub place: Option<FeedbackPlace>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub application_id: Option<Uuid>,
}

/// `feedback_follow_up`: a rating or a reopening as the UI sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum FeedbackActionInput {
    Rating { rating: Rating },
    Reopen { reopen: ReopenFeedback },
}

impl FeedbackActionInput {
    pub fn into_follow_up(self) -> FeedbackFollowUp {
        match self {
            FeedbackActionInput::Rating { rating } => FeedbackFollowUp::Rating(rating),
            FeedbackActionInput::Reopen { reopen } => FeedbackFollowUp::Reopen(reopen),
        }
    }
}

/// The clock an item runs against now and its deadline.
pub fn running_clock(item: &Feedback) -> (FeedbackClock, Option<DateTime<FixedOffset>>) {
    match item.status {
        FeedbackStatus::Received | FeedbackStatus::Assigned | FeedbackStatus::Reopened => {
            (FeedbackClock::Answer, Some(item.due_at))
        }
        FeedbackStatus::Answered => (FeedbackClock::Resolve, Some(item.resolve_by)),
        FeedbackStatus::Closed => (FeedbackClock::Stopped, None),
        FeedbackStatus::Unknown => (FeedbackClock::Unknown, None),
    }
}

/// "trả lời trước 02:00 ngày 7/12": a deadline in Vietnam time, in words.
pub fn deadline_text(
    clock: FeedbackClock,
    deadline: DateTime<FixedOffset>,
    texts: &Localizer,
) -> String {
    let local = in_vietnam(deadline.with_timezone(&Utc));
    let id = match clock {
        FeedbackClock::Resolve => "feedback-resolve-by",
        _ => "feedback-answer-by",
    };
    texts.format(
        id,
        &[
            ("time", Arg::from(local.format("%H:%M").to_string())),
            ("date", Arg::from(local.format("%-d/%-m").to_string())),
        ],
    )
}

/// One synced item's view at `now`.
pub fn feedback_view(
    item: Feedback,
    services: &[FeedbackService],
    texts: &Localizer,
    now: DateTime<Utc>,
    waiting_to_send: Vec<QueueItemView>,
) -> FeedbackView {
    let (clock, deadline) = running_clock(&item);
    FeedbackView {
        service: services
            .iter()
            .find(|service| service.code == item.category)
            .cloned(),
        clock,
        deadline_text: deadline.map(|deadline| deadline_text(clock, deadline, texts)),
        overdue: deadline.is_some_and(|deadline| deadline.with_timezone(&Utc) < now),
        item,
        waiting_to_send,
    }
}

/// A queued filing's view.
pub fn queued_feedback_view(
    queue_item_id: Uuid,
    feedback: &NewFeedback,
    state: QueueStateView,
) -> QueuedFeedbackView {
    QueuedFeedbackView {
        queue_item_id,
        category: feedback.category.clone(),
        description: feedback.description.clone(),
        photos: u32::try_from(feedback.photos.len()).unwrap_or(u32::MAX),
        state,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{CORE_SOURCES, Lang};

    fn at(text: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(text).expect("time")
    }

    #[test]
    fn the_running_clock_is_written_out_in_vietnam_time() {
        let check = |lang: Lang, clock: FeedbackClock, deadline: &str, expected: &str| {
            let texts = Localizer::new(lang, &CORE_SOURCES).expect("texts");
            assert_eq!(
                deadline_text(clock, at(deadline), &texts),
                expected,
                "{clock:?} due {deadline} in {lang:?}"
            );
        };
        // 19:00 UTC on 6 December is 02:00 on 7 December in Vietnam.
        check(
            Lang::Vi,
            FeedbackClock::Answer,
            "2026-12-06T19:00:00Z",
            "trả lời trước 02:00 ngày 7/12",
        );
        check(
            Lang::Vi,
            FeedbackClock::Resolve,
            "2026-12-11T17:00:00+07:00",
            "giải quyết trước 17:00 ngày 11/12",
        );
        check(
            Lang::En,
            FeedbackClock::Answer,
            "2026-12-07T02:00:00+07:00",
            "answer by 02:00 on 7/12",
        );
    }
}
