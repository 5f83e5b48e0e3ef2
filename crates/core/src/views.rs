//! The view types the app shell hands the UI over IPC, and the shaping that builds them from
//! what the façade returns. They are pure data; with the `ts` feature they derive ts-rs
//! declarations, and crates/core/tests/typescript.rs writes them to
//! ui/src/lib/backend/generated/views.ts, so the UI's types follow these.

use std::collections::HashMap;

use chrono::NaiveDate;
use opendvc_api::{
    Application, DeliveryChoice, Document, FieldError, FieldProblemCode, InboxItem, LocalizedText,
    NewSupplement, Profile, Rating, WithdrawRequest,
};

use crate::app::{CoreError, DocumentDraft};
use crate::events::CoreEvent;
use crate::i18n::{Lang, Localizer};
use crate::preferences::Settings;
use crate::queue::{ItemKind, ItemPayload, ItemState, QueueItem, QueueSummary};
use crate::reminders::{self, Expiry, ReminderChoice, RulesTable, Standing};
use crate::store::notify_state::{NotifySettings, QuietHours};
use crate::vault::TokenStorage;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// `session_state` and `sign_in`. `language` is known before anyone signs in.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SessionState {
    pub signed_in: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub profile: Option<Profile>,
    pub language: Lang,
    /// Whether the core reached the portal on its last try.
    pub online: bool,
    /// The DVC agent or volunteer on a shared device, their venue and the citizen being
    /// served. While a session is open, `signed_in` and `profile` are the citizen's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub staff: Option<crate::assist::StaffStatus>,
    /// On a shared device, the seconds without use after which the app locks itself.
    pub auto_lock_seconds: u32,
}

/// Why a queue item needs the person: the portal's stable code and its message.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct QueueProblem {
    /// An `ErrorCode` of the portal, or a core code such as `file_missing`.
    pub code: String,
    pub message: String,
    /// Fields the portal refused, as `FieldError.field` paths.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
}

/// Bytes of an upload sent so far.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct QueueProgress {
    pub sent: u64,
    pub total: u64,
}

/// What kind of change a queue item carries, as the UI names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "QueueKind"))]
#[serde(rename_all = "snake_case")]
pub enum QueueKindView {
    Application,
    Attachment,
    Supplement,
    DeliveryChange,
    Withdrawal,
    Rating,
}

/// A queue item's state as the UI shows it: the core's state, except that unsent items read
/// `paused_auth` while the queue waits for the person to sign in again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "QueueState"))]
#[serde(rename_all = "snake_case")]
pub enum QueueStateView {
    Queued,
    Sending,
    Sent,
    NeedsAttention,
    PausedAuth,
}

/// One entry of the durable submission queue (outbox), as the UI shows it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "QueueItem"))]
#[serde(rename_all = "camelCase")]
pub struct QueueItemView {
    /// UUIDv7; also the `Idempotency-Key`.
    pub id: Uuid,
    pub kind: QueueKindView,
    pub state: QueueStateView,
    pub created_at: String,
    pub attempts: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub next_attempt_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub problem: Option<QueueProblem>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub progress: Option<QueueProgress>,
    /// A short summary made by the core, such as the procedure's name.
    pub summary: String,
    /// The application the item belongs to, once known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub application_id: Option<Uuid>,
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

/// The next reminder stage of a document, such as `180_days`, with the day it fires.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "NextStage"))]
pub struct StageView {
    pub stage: String,
    pub on: NaiveDate,
}

/// A document's validity as the renewal rules compute it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "DocumentValidity"))]
#[serde(rename_all = "camelCase")]
pub struct ValidityView {
    pub document_id: Uuid,
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub expires_on: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub days_left: Option<i64>,
    pub standing: Standing,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub next_stage: Option<StageView>,
    /// The catalog procedure that renews this kind, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub renewal_procedure: Option<String>,
}

/// How a document's reminders stand by the person's choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ReminderMode {
    On,
    Snoozed,
    Off,
}

/// `reminders`: the person's choice for one document's reminders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "ReminderSetting"))]
#[serde(rename_all = "camelCase")]
pub struct ReminderView {
    pub document_id: Uuid,
    pub mode: ReminderMode,
    /// Until when a snoozed reminder stays quiet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub snoozed_until: Option<NaiveDate>,
}

/// A document's reminder choice as the UI names it, on `today`: a snooze that has run out is
/// on again.
pub fn reminder_view(document_id: Uuid, choice: ReminderChoice, today: NaiveDate) -> ReminderView {
    let snoozed_until = choice.snoozed_until.filter(|until| *until > today);
    let mode = if choice.switched_off {
        ReminderMode::Off
    } else if snoozed_until.is_some() {
        ReminderMode::Snoozed
    } else {
        ReminderMode::On
    };
    ReminderView {
        document_id,
        mode,
        snoozed_until: snoozed_until.filter(|_| !choice.switched_off),
    }
}

/// The categories of OS notifications the person wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(rename = "NotificationCategories")
)]
pub struct CategoriesView {
    pub status: bool,
    pub delivery: bool,
    pub renewal: bool,
    pub notice: bool,
}

/// No OS notifications between `from` and `to` (`HH:MM`, local time; may wrap midnight).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "QuietHours"))]
pub struct QuietHoursView {
    pub from: String,
    pub to: String,
}

/// `Settings`, as the shell sends it and as the UI sends it back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "Settings"))]
#[serde(rename_all = "camelCase")]
pub struct SettingsView {
    /// Text rather than a language, so that a language the app does not know is refused as
    /// the field `language` (by `settings_from_view`) rather than as a malformed argument.
    #[cfg_attr(feature = "ts", ts(as = "Lang"))]
    pub language: String,
    pub categories: CategoriesView,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub quiet_hours: Option<QuietHoursView>,
    /// Where the tokens are kept: the system keyring, or a file only this user can read. Shown
    /// on the screen; a value sent back is ignored.
    #[serde(default)]
    pub token_storage: TokenStorage,
}

fn clock_text(minute: u16) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// Minutes after midnight of `HH:MM` (24-hour clock).
fn clock_minute(text: &str) -> Option<u16> {
    let (hours, minutes) = text.trim().split_once(':')?;
    let valid = |part: &str| part.len() == 2 && part.chars().all(|c| c.is_ascii_digit());
    if !valid(hours) || !valid(minutes) {
        return None;
    }
    let (hours, minutes): (u16, u16) = (hours.parse().ok()?, minutes.parse().ok()?);
    (hours < 24 && minutes < 60).then_some(hours * 60 + minutes)
}

/// The core's settings as the settings screen shows them.
pub fn settings_view(settings: &Settings) -> SettingsView {
    let notify = &settings.notify;
    SettingsView {
        language: settings.language.code().to_owned(),
        categories: CategoriesView {
            status: notify.status,
            delivery: notify.delivery,
            renewal: notify.renewal,
            notice: notify.notice,
        },
        quiet_hours: notify.quiet_hours.map(|quiet| QuietHoursView {
            from: clock_text(quiet.start_minute),
            to: clock_text(quiet.end_minute),
        }),
        token_storage: settings.token_storage,
    }
}

/// The settings the screen sent, laid over `current` (which keeps what the screen does not
/// show: the UTC offset and the shared-device switch). Refused fields are named as the UI
/// names them.
pub fn settings_from_view(
    current: &Settings,
    view: &SettingsView,
) -> Result<Settings, Vec<String>> {
    let mut refused = Vec::new();
    let language = Lang::parse(&view.language)
        .filter(|lang| lang.code() == view.language)
        .unwrap_or_else(|| {
            refused.push("language".to_owned());
            current.language
        });
    let quiet_hours = match &view.quiet_hours {
        None => None,
        Some(quiet) => {
            let start = clock_minute(&quiet.from);
            let end = clock_minute(&quiet.to);
            if start.is_none() {
                refused.push("quietHours.from".to_owned());
            }
            if end.is_none() {
                refused.push("quietHours.to".to_owned());
            }
            start.zip(end).map(|(start_minute, end_minute)| QuietHours {
                start_minute,
                end_minute,
            })
        }
    };
    if !refused.is_empty() {
        return Err(refused);
    }
    Ok(Settings {
        language,
        token_storage: current.token_storage,
        notify: NotifySettings {
            status: view.categories.status,
            delivery: view.categories.delivery,
            renewal: view.categories.renewal,
            notice: view.categories.notice,
            quiet_hours,
            ..current.notify.clone()
        },
    })
}

/// `Draft`: an application being prepared; `start_renewal` returns one pre-filled, and
/// `submit` takes one back.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "Draft"))]
#[serde(rename_all = "camelCase")]
pub struct DraftView {
    #[serde(flatten)]
    pub application: opendvc_api::NewApplication,
    /// The wallet document a renewal draft renews. It is a hint for the UI's own pages: the
    /// core matches wallet documents to requirements by kind, so `submit` ignores it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub renews_document_id: Option<Uuid>,
}

/// `check_field`: one value checked by its field kind as the person types, by the rules the
/// core and the portal share (`opendvc_rules::fields`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct FieldCheck {
    pub valid: bool,
    /// The value as it would be kept (trimmed; an ID number without spaces, a phone as
    /// `+84…`), when it is valid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub normalized: Option<String>,
    /// What is wrong, when it is not: a Fluent id of `fields.ftl`, taking the field's `label`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub problem: Option<FieldProblemCode>,
}

impl From<Result<String, FieldProblemCode>> for FieldCheck {
    fn from(checked: Result<String, FieldProblemCode>) -> Self {
        match checked {
            Ok(kept) => FieldCheck {
                valid: true,
                normalized: Some(kept),
                problem: None,
            },
            Err(code) => FieldCheck {
                valid: false,
                normalized: None,
                problem: Some(code),
            },
        }
    }
}

/// `check_draft`: a field of a draft and what is wrong with it (a Fluent id of `fields.ftl`).
pub use opendvc_rules::FieldProblem;

/// `FollowUp` of the UI: a follow-up on an application, sent through the queue.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "FollowUp"))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FollowUpInput {
    Supplement { supplement: NewSupplement },
    DeliveryChange { delivery: DeliveryChoice },
    Withdrawal { withdraw: WithdrawRequest },
    Rating { rating: Rating },
}

/// `export_calendar`: an iCalendar file of the renewal reminders.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "CalendarExport"))]
#[serde(rename_all = "camelCase")]
pub struct CalendarExportView {
    pub file_name: String,
    pub ics: String,
}

/// `tally_csv`: the day's or event's tally as a CSV file to save.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "CsvExport"))]
#[serde(rename_all = "camelCase")]
pub struct CsvExportView {
    pub file_name: String,
    pub csv: String,
}

/// `staff_sign_in`: a DVC agent (at their post office, or another one named here) or a
/// volunteer (for an outreach event) signs in on a shared device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "StaffSignIn"))]
#[serde(rename_all = "camelCase")]
pub struct StaffSignInInput {
    pub code: String,
    pub password: String,
    /// A post office other than the agent's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub post_office: Option<String>,
    /// The outreach event a volunteer serves at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub event: Option<EventInput>,
    /// After a password change: the previous password opens the queue key kept here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub previous_password: Option<String>,
}

/// An outreach event as the volunteer enters it; the date comes as text so that a wrong one
/// is answered as a refused field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "EventInput"))]
#[serde(rename_all = "camelCase")]
pub struct EventInput {
    pub name: String,
    /// The commune-level unit's code.
    pub unit_code: String,
    /// `YYYY-MM-DD`.
    pub date: String,
}

/// The passwords the UI sent are wiped from memory once the sign-in is done.
impl Drop for StaffSignInInput {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        self.password.zeroize();
        if let Some(previous) = &mut self.previous_password {
            previous.zeroize();
        }
    }
}

impl StaffSignInInput {
    /// The core's sign-in options, or the names of the refused fields.
    pub fn options(&self) -> Result<crate::assist::StaffSignInOptions, Vec<String>> {
        let event = match &self.event {
            None => None,
            Some(event) => {
                let mut refused = Vec::new();
                if event.name.trim().is_empty() {
                    refused.push("event.name".to_owned());
                }
                if event.unit_code.trim().is_empty() {
                    refused.push("event.unitCode".to_owned());
                }
                let date = NaiveDate::parse_from_str(event.date.trim(), "%Y-%m-%d").ok();
                if date.is_none() {
                    refused.push("event.date".to_owned());
                }
                match date {
                    Some(date) if refused.is_empty() => Some((
                        event.name.trim().to_owned(),
                        event.unit_code.trim().to_owned(),
                        date,
                    )),
                    _ => return Err(refused),
                }
            }
        };
        Ok(crate::assist::StaffSignInOptions {
            post_office: self.post_office.clone(),
            event,
            previous_password: self
                .previous_password
                .clone()
                .filter(|password| !password.is_empty())
                .map(zeroize::Zeroizing::new),
        })
    }
}

/// `NewDocument` of the UI. Dates come as text so that a wrong one is answered like any
/// other refused field, not as a failure of the call itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "NewDocument"))]
#[serde(rename_all = "camelCase")]
pub struct NewDocumentInput {
    pub kind: String,
    pub number: String,
    pub issued_on: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub expires_on: Option<String>,
    pub issuer: String,
    /// Driving licence classes, for a licence.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub classes: Vec<String>,
}

impl NewDocumentInput {
    /// The core's draft, or the fields whose dates are not `YYYY-MM-DD`.
    pub fn into_draft(self) -> Result<DocumentDraft, CoreError> {
        let mut errors = Vec::new();
        let mut date = |field: &str, text: &str| {
            opendvc_rules::fields::date(text)
                .map_err(|code| errors.push(FieldError::new(field, code)))
                .ok()
        };
        let issued_on = date("issuedOn", &self.issued_on);
        let expires_on = match self.expires_on.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => date("expiresOn", text),
        };
        match issued_on {
            Some(issued_on) if errors.is_empty() => Ok(DocumentDraft {
                kind: self.kind,
                number: self.number,
                issued_on,
                expires_on,
                issuer: self.issuer,
                classes: self.classes,
            }),
            _ => Err(CoreError::InvalidDocument(errors)),
        }
    }
}

/// What changed in the core; the UI reloads the screens that show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ChangeTopic {
    Queue,
    Applications,
    Documents,
    Inbox,
    Connectivity,
    Session,
}

impl ChangeTopic {
    pub const ALL: [ChangeTopic; 6] = [
        ChangeTopic::Queue,
        ChangeTopic::Applications,
        ChangeTopic::Documents,
        ChangeTopic::Inbox,
        ChangeTopic::Connectivity,
        ChangeTopic::Session,
    ];

    /// The topics a core event touches.
    pub fn of(event: &CoreEvent) -> &'static [ChangeTopic] {
        use ChangeTopic::*;
        match event {
            CoreEvent::QueueChanged | CoreEvent::UploadProgress { .. } => &[Queue],
            CoreEvent::ApplicationsChanged => &[Applications],
            CoreEvent::CacheChanged => &[Documents, Inbox, Applications],
            CoreEvent::SyncStateChanged { .. } => &[Connectivity],
            CoreEvent::SignInRequired | CoreEvent::SignedIn | CoreEvent::SignedOut => &[Session],
            CoreEvent::CacheRebuilt { .. } => &[Applications, Documents, Inbox, Queue, Session],
        }
    }
}

/// Payload of the shell's `core://changed` event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ChangedEvent {
    pub what: ChangeTopic,
}

/// `documents`: a wallet document with its validity and reminder choice.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WalletEntry {
    pub document: Document,
    pub validity: ValidityView,
    pub reminder: ReminderView,
}

/// The numbers on the dashboard.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct DashboardCounts {
    pub applications: u64,
    pub in_progress: u64,
    pub unread_inbox: u64,
    pub waiting_to_send: u64,
    pub needs_attention: u64,
}

/// `dashboard`: what needs the person now, from the cache.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "Dashboard"))]
#[serde(rename_all = "camelCase")]
pub struct DashboardView {
    pub online: bool,
    pub profile: Profile,
    pub needs_action: Vec<ApplicationView>,
    pub waiting_to_send: Vec<QueueItemView>,
    pub next_renewals: Vec<ValidityView>,
    pub counts: DashboardCounts,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub synced_at: Option<String>,
}

/// `inbox`: an inbox item and whether the person read it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct InboxEntry {
    pub item: InboxItem,
    pub read: bool,
}

/// Answer of `submit` and `follow_up`: the change is in the durable queue either way.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SubmitResult {
    pub item_id: Uuid,
    /// True when the portal acknowledged it before the command returned.
    pub sent: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub application: Option<Application>,
}

/// Answer of `queue_discard`. An item whose last answer was lost is sent once more before
/// it is discarded; when the portal turns out to have it, it is sent, not discarded, and the
/// screen says which application exists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct DiscardResult {
    /// False when the item had reached the portal after all.
    pub discarded: bool,
    /// The code of the application the portal made, for a submission it had.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub application_code: Option<String>,
}

/// What the Queue screen shows after a discard.
pub fn discard_result(outcome: &crate::queue::DiscardOutcome) -> DiscardResult {
    match outcome {
        crate::queue::DiscardOutcome::Discarded { .. } => DiscardResult {
            discarded: true,
            application_code: None,
        },
        crate::queue::DiscardOutcome::ReachedThePortal { sent } => DiscardResult {
            discarded: false,
            application_code: match &sent.answer {
                crate::queue::ServerAnswer::Application(application) => {
                    Some(application.code.clone())
                }
                crate::queue::ServerAnswer::Attachment(_) => None,
            },
        },
    }
}

/// A file the person picked, copied by the core into its content-addressed store.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "StagedAttachment"))]
#[serde(rename_all = "camelCase")]
pub struct StagedView {
    /// `sha256:{hex}`, the same id the portal will give it.
    pub attachment_id: String,
    pub file_name: String,
    pub content_type: String,
    pub size: u64,
}

fn localized(text: &LocalizedText, lang: Lang) -> String {
    match lang {
        Lang::Vi => text.vi.clone(),
        Lang::En => text.en.clone(),
        Lang::Id => text.id.clone().unwrap_or_else(|| text.en.clone()),
    }
}

/// The UI's kind of a queue item.
fn kind_view(kind: ItemKind) -> QueueKindView {
    match kind {
        ItemKind::UploadAttachment => QueueKindView::Attachment,
        ItemKind::CreateApplication => QueueKindView::Application,
        ItemKind::Supplement => QueueKindView::Supplement,
        ItemKind::DeliveryChange => QueueKindView::DeliveryChange,
        ItemKind::Withdraw => QueueKindView::Withdrawal,
        ItemKind::Rating => QueueKindView::Rating,
    }
}

/// What the shell needs to describe queue items: procedure names and upload progress.
#[derive(Debug)]
pub struct QueueContext<'a> {
    pub localizer: &'a Localizer,
    pub procedure_names: &'a HashMap<String, LocalizedText>,
    pub progress: &'a HashMap<Uuid, QueueProgress>,
    pub summary: &'a QueueSummary,
}

/// One queue item as the UI shows it; `None` for discarded items (the UI never lists them).
pub fn queue_item(item: &QueueItem, context: &QueueContext<'_>) -> Option<QueueItemView> {
    let unsent = item.state.is_unsent();
    let state = match item.state {
        ItemState::Discarded => return None,
        _ if unsent && context.summary.paused_auth && item.state != ItemState::NeedsAttention => {
            QueueStateView::PausedAuth
        }
        ItemState::Queued => QueueStateView::Queued,
        ItemState::Sending => QueueStateView::Sending,
        ItemState::Sent => QueueStateView::Sent,
        ItemState::NeedsAttention => QueueStateView::NeedsAttention,
    };
    let lang = context.localizer.lang();
    let summary = match &item.payload {
        ItemPayload::CreateApplication { application } => context
            .procedure_names
            .get(&application.procedure_id)
            .map(|name| localized(name, lang))
            .unwrap_or_else(|| application.procedure_id.clone()),
        ItemPayload::UploadAttachment {
            file_name: Some(name),
            ..
        } => name.clone(),
        payload => context.localizer.text(&format!(
            "queue-kind-{}",
            payload.kind().as_str().replace('_', "-")
        )),
    };
    let problem = item.reason.as_ref().map(|reason| {
        let id = format!("error-{}", reason.code.replace('_', "-"));
        let message = if context.localizer.has_message(lang, &id) {
            context.localizer.text(&id)
        } else {
            reason.detail.clone().unwrap_or_default()
        };
        QueueProblem {
            code: reason.code.clone(),
            message,
            fields: reason.errors.iter().map(|e| e.field.clone()).collect(),
        }
    });
    Some(QueueItemView {
        id: item.id,
        kind: kind_view(item.kind()),
        state,
        created_at: item.created_at.clone(),
        attempts: item.attempts,
        next_attempt_at: (item.state == ItemState::Queued)
            .then(|| item.next_attempt_at.to_rfc3339()),
        problem,
        progress: unsent
            .then(|| context.progress.get(&item.id).copied())
            .flatten(),
        summary,
        application_id: item.application_id,
    })
}

/// A document's validity by the core's renewal rules, on `today` (Vietnam's date).
pub fn validity(
    document: &Document,
    birth_date: Option<NaiveDate>,
    rules: &RulesTable,
    today: NaiveDate,
) -> ValidityView {
    let assessed = reminders::assess(today, document, birth_date, rules);
    ValidityView {
        document_id: assessed.document_id,
        kind: assessed.kind,
        expires_on: match assessed.expiry {
            Expiry::On(date) => Some(date),
            Expiry::Never | Expiry::Unknown => None,
        },
        days_left: assessed.days_left,
        standing: assessed.standing,
        next_stage: assessed.next_stage.map(|stage| StageView {
            stage: format!("{}_days", stage.days_before),
            on: stage.on,
        }),
        renewal_procedure: assessed.renewal_procedure,
    }
}

/// Today in Vietnam (UTC+7, no daylight saving), the day renewal rules count in.
pub use opendvc_rules::vietnam_today;

/// One entry of the citizen's access log, as the "who used my data" screen and
/// `opendvc access-log` show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct AccessLogEntryView {
    pub entry: opendvc_api::AccessLogEntry,
    /// When it happened in Vietnam time (UTC+7), `YYYY-MM-DD HH:MM`.
    pub vietnam_time: String,
}

/// One page of the citizen's access log, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct AccessLogView {
    pub entries: Vec<AccessLogEntryView>,
    /// Pass back for the next (older) page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub next_cursor: Option<String>,
}

/// Shapes a page of the portal's access log for the UI and the CLI.
pub fn access_log_view(log: opendvc_api::AccessLog) -> AccessLogView {
    AccessLogView {
        entries: log
            .items
            .into_iter()
            .map(|entry| AccessLogEntryView {
                vietnam_time: opendvc_rules::time::in_vietnam(entry.at)
                    .format("%Y-%m-%d %H:%M")
                    .to_string(),
                entry,
            })
            .collect(),
        next_cursor: log.next_cursor,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indonesian_falls_back_to_english_for_server_text() {
        let text = LocalizedText {
            vi: "Cấp đổi".to_owned(),
            en: "Renewal".to_owned(),
            id: None,
        };
        assert_eq!(localized(&text, Lang::Id), "Renewal");
        assert_eq!(localized(&text, Lang::Vi), "Cấp đổi");
    }

    fn defaults() -> Settings {
        Settings {
            language: Lang::Vi,
            notify: NotifySettings::default(),
            token_storage: TokenStorage::PrivateFile,
        }
    }

    #[test]
    fn settings_survive_the_round_trip_through_the_screen() {
        let view: SettingsView = serde_json::from_value(serde_json::json!({
            "language": "en",
            "categories": {"status": true, "delivery": false, "renewal": true, "notice": false},
            "quietHours": {"from": "22:30", "to": "06:05"}
        }))
        .expect("the UI's Settings shape");
        let settings = settings_from_view(&defaults(), &view).expect("valid");
        assert_eq!(settings.language, Lang::En);
        assert!(!settings.notify.delivery && !settings.notify.notice);
        assert_eq!(
            settings.notify.quiet_hours,
            Some(QuietHours {
                start_minute: 22 * 60 + 30,
                end_minute: 6 * 60 + 5
            })
        );
        assert_eq!(
            settings.notify.utc_offset_minutes,
            7 * 60,
            "what the screen does not show is kept"
        );
        assert_eq!(settings_view(&settings), view);
        let json = serde_json::to_value(settings_view(&defaults())).expect("serialisable");
        assert_eq!(
            json,
            serde_json::json!({
                "language": "vi",
                "categories": {"status": true, "delivery": true, "renewal": true, "notice": true},
                "tokenStorage": "private_file"
            }),
            "no quiet hours means no quietHours key; the tokens' place is named"
        );
    }

    #[test]
    fn a_bad_language_or_clock_time_names_the_field() {
        let view = |language: &str, from: &str, to: &str| SettingsView {
            language: language.to_owned(),
            categories: CategoriesView {
                status: true,
                delivery: true,
                renewal: true,
                notice: true,
            },
            quiet_hours: Some(QuietHoursView {
                from: from.to_owned(),
                to: to.to_owned(),
            }),
            token_storage: TokenStorage::Keyring,
        };
        assert_eq!(
            settings_from_view(&defaults(), &view("fr", "24:00", "7:00")),
            Err(vec![
                "language".to_owned(),
                "quietHours.from".to_owned(),
                "quietHours.to".to_owned()
            ])
        );
        assert_eq!(
            settings_from_view(&defaults(), &view("en-US", "22:00", "07:00")),
            Err(vec!["language".to_owned()])
        );
        assert!(settings_from_view(&defaults(), &view("id", "00:00", "23:59")).is_ok());
    }

    #[test]
    fn a_reminder_choice_reads_as_on_snoozed_or_off() {
        let id = Uuid::nil();
        let today = NaiveDate::from_ymd_opt(2026, 11, 29).expect("date");
        let later = NaiveDate::from_ymd_opt(2026, 12, 29).expect("date");
        assert_eq!(
            reminder_view(id, ReminderChoice::default(), today).mode,
            ReminderMode::On
        );
        let snoozed = ReminderChoice {
            switched_off: false,
            snoozed_until: Some(later),
        };
        let view = reminder_view(id, snoozed, today);
        assert_eq!(
            (view.mode, view.snoozed_until),
            (ReminderMode::Snoozed, Some(later))
        );
        assert_eq!(
            reminder_view(id, snoozed, later).mode,
            ReminderMode::On,
            "a snooze that ran out is on again"
        );
        let off = ReminderChoice {
            switched_off: true,
            snoozed_until: None,
        };
        assert_eq!(reminder_view(id, off, today).mode, ReminderMode::Off);
    }

    #[test]
    fn a_new_document_with_a_wrong_date_names_the_field() {
        let input: NewDocumentInput = serde_json::from_value(serde_json::json!({
            "kind": "passport",
            "number": "C1234567",
            "issuedOn": "2020-02-30",
            "expiresOn": "2030-03-01",
            "issuer": "Cục Quản lý xuất nhập cảnh"
        }))
        .expect("the UI's NewDocument shape");
        let Err(CoreError::InvalidDocument(errors)) = input.into_draft() else {
            panic!("30 February is refused");
        };
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "issuedOn");

        let input: NewDocumentInput = serde_json::from_value(serde_json::json!({
            "kind": "passport",
            "number": "C1234567",
            "issuedOn": "2020-03-01",
            "issuer": "Cục Quản lý xuất nhập cảnh"
        }))
        .expect("expiresOn and classes are optional");
        let draft = input.into_draft().expect("valid");
        assert_eq!(draft.expires_on, None);
        assert!(draft.classes.is_empty());
    }

    #[test]
    fn the_changed_payload_has_the_shape_the_ui_reads() {
        let json = serde_json::to_value(ChangedEvent {
            what: ChangeTopic::Queue,
        })
        .expect("serialisable");
        assert_eq!(json, serde_json::json!({"what": "queue"}));
    }

    #[test]
    fn each_core_event_names_the_topics_the_ui_reloads() {
        assert_eq!(
            ChangeTopic::of(&CoreEvent::QueueChanged),
            [ChangeTopic::Queue]
        );
        assert_eq!(
            ChangeTopic::of(&CoreEvent::ApplicationsChanged),
            [ChangeTopic::Applications]
        );
        assert_eq!(
            ChangeTopic::of(&CoreEvent::SyncStateChanged { online: false }),
            [ChangeTopic::Connectivity]
        );
        assert_eq!(
            ChangeTopic::of(&CoreEvent::SignInRequired),
            [ChangeTopic::Session]
        );
        assert!(ChangeTopic::of(&CoreEvent::CacheChanged).contains(&ChangeTopic::Inbox));
    }

    #[test]
    fn the_ui_follow_up_shapes_deserialize() {
        let withdrawal: FollowUpInput =
            serde_json::from_value(serde_json::json!({"kind": "withdrawal", "withdraw": {}}))
                .expect("withdrawal");
        assert!(matches!(withdrawal, FollowUpInput::Withdrawal { .. }));
        let rating: FollowUpInput =
            serde_json::from_value(serde_json::json!({"kind": "rating", "rating": {"stars": 5}}))
                .expect("rating");
        assert!(matches!(rating, FollowUpInput::Rating { .. }));
    }

    #[test]
    fn a_renewal_draft_has_the_shape_of_the_uis_draft() {
        let document = Uuid::nil();
        let draft = DraftView {
            application: opendvc_api::NewApplication {
                procedure_id: "passport-renewal".to_owned(),
                form: std::collections::BTreeMap::from([(
                    "fullName".to_owned(),
                    "Nguyễn Thị Lan".to_owned(),
                )]),
                attachments: Vec::new(),
                delivery: DeliveryChoice {
                    method: opendvc_api::DeliveryMethod::Counter,
                    address: None,
                },
            },
            renews_document_id: Some(document),
        };
        let json = serde_json::to_value(&draft).expect("serialisable");
        assert_eq!(json["procedureId"], "passport-renewal");
        assert_eq!(json["form"]["fullName"], "Nguyễn Thị Lan");
        assert_eq!(json["delivery"]["method"], "counter");
        assert_eq!(json["renewsDocumentId"], document.to_string());
        let back: DraftView = serde_json::from_value(json).expect("submit takes it back");
        assert_eq!(back.application.procedure_id, "passport-renewal");
    }

    #[test]
    fn a_ui_draft_with_a_renewal_hint_deserializes() {
        let draft: DraftView = serde_json::from_value(serde_json::json!({
            "procedureId": "cccd-renewal",
            "form": {"fullName": "Nguyễn Thị Lan"},
            "attachments": [{"source": "upload", "attachmentId": "sha256:00"}],
            "delivery": {"method": "counter"},
            "renewsDocumentId": "0193a2b4-0000-7000-8000-000000000001"
        }))
        .expect("draft");
        assert_eq!(draft.application.procedure_id, "cccd-renewal");
        assert_eq!(draft.application.attachments.len(), 1);
        let plain: DraftView = serde_json::from_value(serde_json::json!({
            "procedureId": "cccd-renewal",
            "form": {},
            "attachments": [],
            "delivery": {"method": "counter"}
        }))
        .expect("a draft that renews nothing");
        assert_eq!(plain.renews_document_id, None);
    }

    #[test]
    fn vietnam_days_start_at_seventeen_hundred_utc() {
        let before = chrono::DateTime::parse_from_rfc3339("2026-03-01T16:59:00Z")
            .expect("date")
            .to_utc();
        let after = chrono::DateTime::parse_from_rfc3339("2026-03-01T17:00:00Z")
            .expect("date")
            .to_utc();
        assert_eq!(vietnam_today(before).to_string(), "2026-03-01");
        assert_eq!(vietnam_today(after).to_string(), "2026-03-02");
    }
}
