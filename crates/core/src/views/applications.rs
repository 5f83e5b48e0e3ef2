//! The applications screens: the list (server applications from the cache, and local
//! submissions still in the queue shown as "waiting to send") and one application with what
//! waits to be sent about it.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, FixedOffset, Utc};
use opendvc_api::{Application, ApplicationStatus, LocalizedText};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::queue::{ApplicationTarget, ItemKind, ItemPayload, ItemState, QueueItem};
use crate::views::queue::{QueueContext, QueueItemView, queue_item};
use opendvc_rules::WorkingCalendar;

/// Where a submission still on this device stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LocalStatus {
    /// Saved on this device; sent when the portal is reachable.
    WaitingToSend,
    Sending,
    /// Refused, or waiting for one that was: the person must look at it.
    NeedsAttention,
}

impl LocalStatus {
    /// The snake_case name, as serde writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            LocalStatus::WaitingToSend => "waiting_to_send",
            LocalStatus::Sending => "sending",
            LocalStatus::NeedsAttention => "needs_attention",
        }
    }
}

/// The status of an entry: the portal's, or, for a submission it has not acknowledged yet,
/// the local one. Written as the bare name (`processing`, `waiting_to_send`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum EntryStatus {
    Portal(ApplicationStatus),
    Local(LocalStatus),
}

impl EntryStatus {
    /// The bare name, as serde writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            EntryStatus::Portal(status) => status.as_str(),
            EntryStatus::Local(status) => status.as_str(),
        }
    }
}

/// An entry of the application list: a server application from the cache, or a local
/// submission still in the queue ("waiting to send").
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationEntry {
    pub id: Option<Uuid>,
    pub code: Option<String>,
    /// The queue item that created (or will create) this application.
    pub queue_item_id: Option<Uuid>,
    pub procedure_id: String,
    pub procedure_name: Option<LocalizedText>,
    /// A server status (`received`, `processing`, …) or a local one: `waiting_to_send`,
    /// `sending`, `needs_attention`.
    pub status: EntryStatus,
    pub local: bool,
    pub submitted_at: Option<DateTime<FixedOffset>>,
    pub due_at: Option<DateTime<FixedOffset>>,
    pub overdue: bool,
    /// Working days from today to the due date, when the holiday calendars are cached and
    /// the application is not finished.
    pub working_days_left: Option<u32>,
    /// Follow-ups on this application still in the queue.
    pub unsent_follow_ups: u32,
}

/// One application in full: the server's record, and the local items about it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationDetail {
    pub entry: ApplicationEntry,
    pub application: Option<Application>,
    pub queue_items: Vec<QueueItem>,
}

/// An application with what the core derives from the queue.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ApplicationView {
    pub application: Application,
    /// Due date passed and the application not finished.
    pub overdue: bool,
    /// Working days from today to the due date (0 when due today), while the application is
    /// not finished and the holiday calendars are cached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub working_days_left: Option<u32>,
    /// Local follow-ups not yet acknowledged by the portal (shown as "waiting to send").
    pub waiting_to_send: Vec<QueueItemView>,
}

/// `applications`: newest first.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ApplicationsView {
    pub items: Vec<ApplicationView>,
    /// When the cache last heard from the portal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub synced_at: Option<String>,
}

/// `opendvc applications`: every entry, newest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationListView {
    pub items: Vec<ApplicationEntry>,
}

/// The entry of an application the cache (or a sent item's answer) holds, on `now`: overdue,
/// working days left by `calendar`, and the follow-ups on it that `items` still hold.
pub fn entry_for(
    application: &Application,
    items: &[QueueItem],
    calendar: &WorkingCalendar,
    now: DateTime<Utc>,
) -> ApplicationEntry {
    // Counted in the portal's local calendar, the one the due date is written in.
    let today = now.with_timezone(application.due_at.offset()).date_naive();
    let working_days_left = if application.status.is_finished() {
        None
    } else {
        calendar.working_days_left(today, application.due_at.date_naive())
    };
    let queue_item_id = items
        .iter()
        .find(|item| {
            item.application_id == Some(application.id)
                && item.kind() == ItemKind::CreateApplication
        })
        .map(|item| item.id);
    let unsent_follow_ups = items
        .iter()
        .filter(|item| item.state.is_unsent())
        .filter(|item| match item.payload.target() {
            Some(ApplicationTarget::Application { application_id }) => {
                application_id == application.id
            }
            Some(ApplicationTarget::QueuedItem { item_id }) => Some(item_id) == queue_item_id,
            None => false,
        })
        .count();
    ApplicationEntry {
        id: Some(application.id),
        code: Some(application.code.clone()),
        queue_item_id,
        procedure_id: application.procedure_id.clone(),
        procedure_name: Some(application.procedure_name.clone()),
        status: EntryStatus::Portal(application.status),
        local: false,
        submitted_at: Some(application.submitted_at),
        due_at: Some(application.due_at),
        overdue: !application.status.is_finished() && application.due_at.with_timezone(&Utc) < now,
        working_days_left,
        unsent_follow_ups: u32::try_from(unsent_follow_ups).unwrap_or(u32::MAX),
    }
}

/// The portal's answer stored with a sent submission, before a sync brings the application.
pub fn sent_answer(item: &QueueItem) -> Option<Application> {
    item.result
        .as_ref()
        .and_then(|value| serde_json::from_value::<Application>(value.clone()).ok())
}

/// Entries for the submissions `items` holds, newest first: unsent ones as local overlays
/// (named from `procedure_names`), and, when `known` is given, sent ones the cache does not
/// know yet (from the answer stored with the item).
pub fn queued_entries(
    items: &[QueueItem],
    known: Option<&HashSet<Uuid>>,
    procedure_names: &HashMap<String, LocalizedText>,
    calendar: &WorkingCalendar,
    now: DateTime<Utc>,
) -> Vec<ApplicationEntry> {
    let mut entries = Vec::new();
    for item in items.iter().rev() {
        let ItemPayload::CreateApplication { application } = &item.payload else {
            continue;
        };
        if item.state == ItemState::Sent {
            if let (Some(known), Some(id)) = (known, item.application_id)
                && !known.contains(&id)
                && let Some(answer) = sent_answer(item)
            {
                entries.push(entry_for(&answer, items, calendar, now));
            }
            continue;
        }
        let status = match item.state {
            ItemState::NeedsAttention => LocalStatus::NeedsAttention,
            ItemState::Sending => LocalStatus::Sending,
            _ => LocalStatus::WaitingToSend,
        };
        let unsent_follow_ups = items
            .iter()
            .filter(|other| other.state.is_unsent())
            .filter(|other| {
                other.payload.target() == Some(ApplicationTarget::QueuedItem { item_id: item.id })
            })
            .count();
        entries.push(ApplicationEntry {
            id: None,
            code: None,
            queue_item_id: Some(item.id),
            procedure_id: application.procedure_id.clone(),
            procedure_name: procedure_names.get(&application.procedure_id).cloned(),
            status: EntryStatus::Local(status),
            local: true,
            submitted_at: None,
            due_at: None,
            overdue: false,
            working_days_left: None,
            unsent_follow_ups: u32::try_from(unsent_follow_ups).unwrap_or(u32::MAX),
        });
    }
    entries
}

/// An application as the UI shows it: with the follow-ups on it that wait to be sent. `None`
/// for a submission the portal has not acknowledged (the queue screen shows those).
pub fn application_view(
    detail: &ApplicationDetail,
    context: &QueueContext<'_>,
) -> Option<ApplicationView> {
    let application = detail.application.clone()?;
    let waiting_to_send = detail
        .queue_items
        .iter()
        .filter(|item| item.state.is_unsent() && item.kind() != ItemKind::CreateApplication)
        .filter_map(|item| queue_item(item, context))
        .collect::<Vec<QueueItemView>>();
    Some(ApplicationView {
        application,
        overdue: detail.entry.overdue,
        working_days_left: detail.entry.working_days_left,
        waiting_to_send,
    })
}

/// The follow-ups and the creating item of one application among `items`.
pub fn related_items(
    items: &[QueueItem],
    application: Option<&Application>,
    creator_id: Option<Uuid>,
) -> Vec<QueueItem> {
    items
        .iter()
        .filter(|item| {
            Some(item.id) == creator_id
                || match item.payload.target() {
                    Some(ApplicationTarget::Application { application_id }) => {
                        application.is_some_and(|application| application.id == application_id)
                    }
                    Some(ApplicationTarget::QueuedItem { item_id }) => Some(item_id) == creator_id,
                    None => false,
                }
        })
        .cloned()
        .collect()
}
