//! Storage behind traits, one per domain, implemented on SQLite (`sqlite`, the embedded
//! default) and on PostgreSQL (`postgres`, several instances at city scale). Handlers hold an
//! `Arc<dyn Store>` and never know which database they talk to.
//!
//! **The shape every method follows** (so that engineers adding methods keep both stores
//! alike):
//! - The traits are async (`#[async_trait]`, so they stay dyn-compatible) and every future is
//!   `Send`. A handler awaits a method directly: `state.store.citizen(id).await?`.
//! - One method is one transaction. What must hold together (a limit checked and hit, a change
//!   and its idempotency record, a count and an insert) is one method, never two calls.
//! - Arguments are borrowed; a method copies what it needs. The SQLite store runs its blocking
//!   work on tokio's blocking pool (`spawn_blocking`), so no async worker thread ever waits on
//!   a file lock; the PostgreSQL store awaits its pool.
//! - Domain decisions taken inside a transaction stay synchronous closures
//!   ([`ChangeDecision`]): they run between two statements and must not await.
//! - Each method's doc says what it promises under concurrency; each implementation says how
//!   it keeps the promise (SQLite: one writer, `BEGIN IMMEDIATE`; PostgreSQL: row locks,
//!   advisory locks or conditional statements, named per method).
//! - Every state-changing method on applications takes the idempotency record to store in the
//!   same transaction, so a request either leaves both the change and its stored response, or
//!   neither.

mod access;
mod change;
pub mod copy;
mod draft;
mod error;
pub mod feedback;
#[cfg(test)]
pub(crate) mod feedback_contract;
mod hourly;
mod idempotency;
pub mod late_warnings;
mod notifications;
mod officer;
mod operations;
mod overview;
pub mod payments;
#[cfg(test)]
pub(crate) mod payments_contract;
pub mod postgres;
mod renewal;
pub mod sqlite;
mod staff;
mod stored;

pub use access::{AccessEntry, AccessLogPage, AccessLogPosition};
pub use change::{ApplicationChange, ChangeDecision};
pub use draft::{ApplicationDraft, HistoryEntry, NoticesOfNew, SeededApplication};
pub use error::{StoreError, StoreResult};
pub use feedback::{
    FeedbackChange, FeedbackDecision, FeedbackPhotoFile, FeedbackQueueFilter, FeedbackRecord,
    FeedbackStore, FeedbackWarningStore, NewFeedbackWarning, PublicFeedbackFilter,
};
pub(crate) use hourly::hourly_refusal;
pub use idempotency::{IdempotencyRecord, LateItem, StoredResponse};
pub use late_warnings::{LateCandidate, LateWarningStore, NewLateWarning};
pub use notifications::{NewNotice, Notice, NoticeClaim, NoticeOutcome, NoticeState};
pub use officer::{
    AttachmentFile, FINISHED, OfficerStore, Placement, QueueFilter, QueueRow, QueueRows,
};
pub use operations::{
    ChangeSignal, HealthStore, InProcessStreamSlots, LeaseStore, NotReady, Operations, StreamSlot,
    StreamSlotStore,
};
pub use overview::OverviewRow;
pub use payments::{PaymentRecord, PaymentStore, PaymentUpdate};
pub use renewal::RenewalHolder;
pub use staff::StaffRecord;

use async_trait::async_trait;
use chrono::{DateTime, FixedOffset};
use opendvc_api::{
    Actor, Application, ApplicationStatus, AssistScope, AssistVenue, ConsentMethod, DevMessage,
    Document, DocumentReminders, InboxItem, NotificationSettings, Profile,
};
use opendvc_rules::renewal::FiredStage;
use uuid::Uuid;

/// A citizen as stored.
#[derive(Debug, Clone)]
pub struct CitizenRecord {
    pub id: Uuid,
    pub profile: Profile,
}

/// A change of a citizen's profile and what the audit keeps of it: who, when and which
/// fields, never a value.
#[derive(Debug, Clone)]
pub struct ProfileUpdate {
    pub citizen_id: Uuid,
    /// The whole profile after the change.
    pub profile: Profile,
    /// The wire names of the fields that changed (`phone`, `address`, …).
    pub fields: Vec<String>,
    /// Who changed it: `citizen` (the citizen signed in with their own code).
    pub actor: String,
    pub at: DateTime<FixedOffset>,
}

/// What a one-time code is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OtpPurpose {
    SignIn,
    Consent,
    /// Confirms a new phone, sent to that phone (`POST /v1/me/contact-codes`).
    NewPhone,
    /// Confirms a new e-mail address, sent to it.
    NewEmail,
    /// Confirms a phone change, sent to the phone in the profile (the sign-in phone).
    OldPhone,
}

impl OtpPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            OtpPurpose::SignIn => "sign_in",
            OtpPurpose::Consent => "consent",
            OtpPurpose::NewPhone => "new_phone",
            OtpPurpose::NewEmail => "new_email",
            OtpPurpose::OldPhone => "old_phone",
        }
    }
}

/// A sliding-window limit: at most `max` hits on `key` within any `window_seconds`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limit {
    pub key: String,
    pub max: u32,
    pub window_seconds: i64,
}

/// A limit is used up: a hit fits again after `retry_after` seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LimitReached {
    pub retry_after: u64,
}

/// A fixed-window counter that alerts and never refuses (e.g. wrong one-time codes across the
/// whole portal per minute).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counter {
    pub key: String,
    pub window_seconds: i64,
}

/// A new one-time code for an ID number, registered or not.
#[derive(Debug, Clone)]
pub struct NewOtp {
    pub purpose: OtpPurpose,
    pub id_number: String,
    pub code_hash: String,
    pub expires_at: i64,
}

/// A guess at the newest one-time code of an ID number.
#[derive(Debug, Clone)]
pub struct OtpGuess {
    pub purpose: OtpPurpose,
    pub id_number: String,
    pub code_hash: String,
    /// Wrong guesses allowed (per ID number, per client address); checked before the code and
    /// hit by a wrong guess, in the same transaction.
    pub failure_limits: Vec<Limit>,
    /// Counts wrong guesses for the operators' alert.
    pub failure_counter: Counter,
}

/// Outcome of checking a one-time code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OtpCheck {
    /// The code matched and is now used up.
    Accepted,
    /// Wrong, expired or used up; the failure is counted. `counted` is the failure counter's
    /// value in its current window, this failure included.
    Refused { counted: u64 },
    /// A failure limit is used up: the code was not even compared.
    Limited(LimitReached),
}

/// Who an access token belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenSubject {
    Citizen { citizen_id: Uuid },
    Staff { code: String },
    Assisted { session_id: Uuid },
}

/// An access token as stored (by the hash of the token).
#[derive(Debug, Clone)]
pub struct AccessTokenRecord {
    pub token_hash: String,
    pub subject: TokenSubject,
    pub expires_at: i64,
}

/// A refresh token as stored. Tokens of one sign-in form a family; reuse of a rotated token
/// revokes the family.
#[derive(Debug, Clone)]
pub struct RefreshTokenRecord {
    pub token_hash: String,
    pub family_id: Uuid,
    pub citizen_id: Uuid,
    pub expires_at: i64,
}

/// A refresh token to spend for a new pair.
#[derive(Debug, Clone)]
pub struct Rotation {
    pub old_hash: String,
    pub new_hash: String,
    pub new_expires_at: i64,
    /// The access token issued with the new refresh token.
    pub access_hash: String,
    pub access_expires_at: i64,
    /// Seconds after its rotation during which a refresh token is accepted once more (the
    /// answer to the first rotation may have been lost on the way).
    pub grace_seconds: i64,
}

/// Outcome of rotating a refresh token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefreshOutcome {
    Rotated {
        citizen_id: Uuid,
    },
    /// Unknown, expired, revoked, or already used beyond the grace (then the whole sign-in is
    /// revoked).
    Refused,
}

/// An assisted session as stored. Times are unix seconds on the portal's clock.
#[derive(Debug, Clone)]
pub struct AssistSessionRecord {
    pub id: Uuid,
    pub staff_code: String,
    pub citizen_id: Uuid,
    pub consent_method: String,
    pub consent_reference: Option<String>,
    pub venue_name: String,
    pub venue_unit_code: Option<String>,
    /// What the session's token may do, decided by its consent when it was opened.
    pub scopes: Vec<AssistScope>,
    /// When the session opened: portal now for a session opened online, the device's
    /// `openedAt` corrected by its clock offset for one recorded after an offline event.
    pub created_at: i64,
    pub expires_at: i64,
    pub ended_at: Option<i64>,
    /// When the portal first recorded the session; the late-delivery window counts from here.
    pub recorded_at: i64,
    /// The device's clock offset (portal minus device, seconds) reported in `X-Device-Time`
    /// when the session was recorded; `None` when the device sent no clock reading.
    pub device_offset_seconds: Option<i64>,
}

impl AssistSessionRecord {
    /// Whether the session's token may do `scope`.
    pub fn allows(&self, scope: AssistScope) -> bool {
        self.scopes.contains(&scope)
    }

    /// How the citizen consented.
    pub fn consent(&self) -> ConsentMethod {
        if self.consent_method == "otp" {
            ConsentMethod::Otp
        } else {
            ConsentMethod::Paper
        }
    }

    pub fn venue(&self) -> AssistVenue {
        AssistVenue {
            name: self.venue_name.clone(),
            unit_code: self.venue_unit_code.clone(),
        }
    }
}

/// The outcome of opening an assisted session under the hourly limit of its staff member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionOpening {
    Opened,
    /// The staff member already opened the limit of sessions within an hour of this one's
    /// opening; a session opened now could open after `retry_after` seconds.
    Refused {
        retry_after: u64,
    },
}

/// A page of the change log.
#[derive(Debug, Clone, Default)]
pub struct SyncPage {
    pub last_seq: i64,
    pub has_more: bool,
    pub profile: Option<Profile>,
    pub applications: Vec<Application>,
    pub documents: Vec<Document>,
    pub inbox: Vec<InboxItem>,
    /// The citizen's feedback items (`feedback`).
    pub feedback: Vec<opendvc_api::Feedback>,
}

/// An uploaded file's bytes and its owner's metadata.
#[derive(Debug, Clone)]
pub struct NewUpload {
    pub citizen_id: Uuid,
    pub id: String,
    pub content: Vec<u8>,
    pub content_type: String,
    pub file_name: Option<String>,
    pub uploaded_at: DateTime<FixedOffset>,
    /// Set when the file is delivered late for an assisted session; counted only when the
    /// file is new for the citizen (a resend of the same bytes is not a new item).
    pub late_item: Option<LateItem>,
    /// The access log entry of an upload made by staff, written with a new upload.
    pub access: Option<AccessEntry>,
}

/// Citizens, their profiles and documents.
#[async_trait]
pub trait CitizenStore: Send + Sync {
    async fn citizen_by_id_number(&self, id_number: &str) -> StoreResult<Option<CitizenRecord>>;
    async fn citizen(&self, id: Uuid) -> StoreResult<Option<CitizenRecord>>;
    async fn documents(&self, citizen_id: Uuid) -> StoreResult<Vec<Document>>;
    /// Inserts the citizen with documents and inbox items unless the citizen exists.
    /// Returns whether it was inserted.
    async fn seed_citizen(
        &self,
        citizen: &CitizenRecord,
        documents: &[Document],
        inbox: &[InboxItem],
    ) -> StoreResult<bool>;
    /// Adds a document the citizen typed in to their own wallet, enters it in the change log
    /// (so sync brings it to every device) and stores the idempotency answer (the document),
    /// in one transaction. Returns the stored document.
    async fn add_document(
        &self,
        citizen_id: Uuid,
        document: &Document,
        idempotency: Option<IdempotencyRecord>,
    ) -> StoreResult<Document>;
    /// Sets the citizen's reminder choice on one of their documents, stamped `now` and
    /// entered in the change log so that sync brings it to every device; a choice equal to the
    /// stored one changes nothing. `None` when the citizen holds no such document.
    async fn set_document_reminders(
        &self,
        citizen_id: Uuid,
        document_id: Uuid,
        reminders: DocumentReminders,
        now: DateTime<FixedOffset>,
    ) -> StoreResult<Option<Document>>;
    /// Replaces the citizen's profile, enters it in the change log (so sync brings it to every
    /// device) and writes its audit row (`profile_changes`), in one transaction. Two changes at
    /// once are applied one after the other; each was computed from the profile its request
    /// read, so the later one wins for the fields both touch.
    async fn update_profile(&self, update: &ProfileUpdate) -> StoreResult<()>;
}

/// Staff, one-time codes, tokens and assisted sessions.
#[async_trait]
pub trait AuthStore: Send + Sync {
    async fn staff(&self, code: &str) -> StoreResult<Option<StaffRecord>>;
    /// Inserts the staff member unless the code exists; returns whether it was inserted. An
    /// existing officer without an agency gets `staff.agency` (a database seeded before
    /// officers had agencies).
    async fn seed_staff(&self, staff: &StaffRecord) -> StoreResult<bool>;
    /// Stores a new one-time code unless one of `limits` (code requests) is used up; the
    /// limits are checked and hit in the same transaction as the insert.
    async fn issue_otp(
        &self,
        code: &NewOtp,
        limits: &[Limit],
        now: i64,
    ) -> StoreResult<Result<(), LimitReached>>;
    /// Compares a guess with the newest unused code of the ID number, in one transaction with
    /// the failure limits: refused unseen when one is used up, a wrong guess hits them all.
    async fn check_otp(&self, guess: &OtpGuess, now: i64) -> StoreResult<OtpCheck>;
    async fn insert_access_token(&self, token: &AccessTokenRecord) -> StoreResult<()>;
    async fn access_token(&self, token_hash: &str) -> StoreResult<Option<AccessTokenRecord>>;
    /// Revokes the access token and, for a citizen's, every token of its sign-in.
    async fn revoke_access_token(&self, token_hash: &str) -> StoreResult<()>;
    /// Stores a citizen's new sign-in: the access token belongs to the refresh token's family.
    async fn insert_sign_in(
        &self,
        access: &AccessTokenRecord,
        refresh: &RefreshTokenRecord,
    ) -> StoreResult<()>;
    /// Spends a refresh token for a new one and a new access token in its family. A token
    /// already spent is accepted once more within the grace; beyond it, the reuse revokes the
    /// whole sign-in.
    async fn rotate_refresh_token(
        &self,
        rotation: &Rotation,
        now: i64,
    ) -> StoreResult<RefreshOutcome>;
    /// Revokes the sign-in (every refresh and access token of the family) of a refresh token;
    /// an unknown token changes nothing.
    async fn revoke_sign_in(&self, refresh_hash: &str) -> StoreResult<()>;
    /// Opens the session with its token and its access log entry, unless its staff member has
    /// opened `per_hour` sessions within an hour of this one's `created_at` already (counted by
    /// when sessions were opened, not recorded, so that no hour ever holds more than
    /// `per_hour`, in whatever order offline sessions are recorded). The count and the insert
    /// are one transaction, so parallel requests cannot pass the limit; an implementation on a
    /// database with concurrent writers must serialise openings per staff member.
    async fn open_assist_session(
        &self,
        session: &AssistSessionRecord,
        token: &AccessTokenRecord,
        opened: &AccessEntry,
        per_hour: u32,
    ) -> StoreResult<SessionOpening>;
    async fn assist_session(&self, id: Uuid) -> StoreResult<Option<AssistSessionRecord>>;
    async fn end_assist_session(&self, id: Uuid, now: i64) -> StoreResult<()>;
}

/// Uploaded files, content-addressed.
#[async_trait]
pub trait AttachmentStore: Send + Sync {
    /// Stores the bytes (once) and the citizen's ownership; returns the citizen's attachment
    /// and whether it was new for that citizen. A new file that would take the citizen's
    /// uploads over `quota_bytes` is refused (`quota_exceeded`) inside the transaction.
    async fn put_attachment(
        &self,
        upload: NewUpload,
        quota_bytes: u64,
    ) -> StoreResult<(opendvc_api::Attachment, bool)>;
    /// Which of `ids` the citizen uploaded.
    async fn owned_attachments(&self, citizen_id: Uuid, ids: &[String])
    -> StoreResult<Vec<String>>;
    /// Forgets uploads made before `uploaded_before` (unix seconds) that no application or
    /// supplement of their citizen refers to, and then the bytes nobody holds any more.
    async fn collect_attachments(&self, uploaded_before: i64) -> StoreResult<CollectedFiles>;
}

/// What a collection of unreferenced uploads removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CollectedFiles {
    /// Citizens' uploads forgotten.
    pub uploads: usize,
    /// Stored files (bytes) deleted.
    pub files: usize,
}

/// Rate limits and their counters, kept in the database so that several portal processes on
/// one database share them and a restart forgets nothing.
#[async_trait]
pub trait LimitStore: Send + Sync {
    /// Hits every limit once unless one of them is used up, in one transaction; returns the
    /// ids of the hits (to release them later) or how long to wait.
    async fn take_limits(
        &self,
        limits: &[Limit],
        now: i64,
    ) -> StoreResult<Result<Vec<i64>, LimitReached>>;
    /// Takes back hits of `take_limits` (an attempt that turned out to be no failure).
    async fn release_hits(&self, ids: &[i64]) -> StoreResult<()>;
    /// Deletes expired hits, counters and one-time codes; returns how many rows went.
    async fn prune_expired(&self, now: i64) -> StoreResult<usize>;
}

/// Applications, their timelines, idempotency records, the inbox and the change log.
#[async_trait]
pub trait ApplicationStore: Send + Sync {
    async fn stored_response(&self, scope: &str) -> StoreResult<Option<StoredResponse>>;
    async fn create_application(
        &self,
        draft: ApplicationDraft,
        idempotency: Option<IdempotencyRecord>,
    ) -> StoreResult<Application>;
    /// Applies the change `decide` computes from the current state, in one transaction.
    /// `citizen_id` scopes the lookup (`None` for officers).
    async fn change_application(
        &self,
        citizen_id: Option<Uuid>,
        id: Uuid,
        decide: ChangeDecision,
        now: DateTime<FixedOffset>,
        idempotency: Option<IdempotencyRecord>,
    ) -> StoreResult<Application>;
    async fn application(
        &self,
        citizen_id: Option<Uuid>,
        id: Uuid,
    ) -> StoreResult<Option<Application>>;
    async fn application_by_code(&self, code: &str) -> StoreResult<Option<Application>>;
    async fn citizen_of_application(&self, id: Uuid) -> StoreResult<Option<Uuid>>;
    async fn applications(&self, citizen_id: Uuid) -> StoreResult<Vec<Application>>;
    async fn applications_by_status(
        &self,
        status: Option<ApplicationStatus>,
    ) -> StoreResult<Vec<Application>>;
    /// Inserts a demo application with its full timeline unless its id exists.
    async fn seed_application(
        &self,
        draft: ApplicationDraft,
        history: Vec<(
            ApplicationStatus,
            DateTime<FixedOffset>,
            Actor,
            Option<String>,
        )>,
    ) -> StoreResult<bool>;
    /// Seeds the demo history (`serve --demo-history`) in one transaction: the citizens and
    /// their applications, each with its timeline and rating. Nothing is written when the first
    /// citizen exists already (the history was seeded before). Returns the applications
    /// inserted.
    async fn seed_history(
        &self,
        citizens: Vec<CitizenRecord>,
        applications: Vec<SeededApplication>,
    ) -> StoreResult<usize>;
    /// What the overview reads of every application (`OverviewRow`), in one query.
    async fn overview_rows(&self) -> StoreResult<Vec<OverviewRow>>;
    /// Entities of the citizen changed after `after`, at most `limit`, in their latest state.
    async fn sync_page(&self, citizen_id: Uuid, after: i64, limit: usize) -> StoreResult<SyncPage>;
    /// Deletes idempotency records created before `before`; returns how many.
    async fn purge_idempotency(&self, before: i64) -> StoreResult<usize>;
}

/// The citizen's access log: append and read, nothing else.
#[async_trait]
pub trait AccessLogStore: Send + Sync {
    /// Appends one entry (a staff read); an application is named by its code when it is the
    /// citizen's, and by nothing otherwise.
    async fn record_access(&self, entry: &AccessEntry) -> StoreResult<()>;
    /// The citizen's entries older than `before` (all when `None`), newest first, at most
    /// `limit`.
    async fn access_log(
        &self,
        citizen_id: Uuid,
        before: Option<AccessLogPosition>,
        limit: usize,
    ) -> StoreResult<AccessLogPage>;
    /// Whether the session submitted the application (its log has the submission).
    async fn submitted_in_session(
        &self,
        session_id: Uuid,
        application_id: Uuid,
    ) -> StoreResult<bool>;
}

/// The resident's choice of how the portal reaches them (`GET/PUT /v1/me/notification-settings`).
#[async_trait]
pub trait NotificationSettingsStore: Send + Sync {
    /// The citizen's stored choice; `None` when they never chose (then the default applies).
    async fn notification_settings(
        &self,
        citizen_id: Uuid,
    ) -> StoreResult<Option<NotificationSettings>>;
    /// Stores the citizen's choice in place of the one before (the last write wins); `now` is
    /// recorded with it (unix seconds).
    async fn put_notification_settings(
        &self,
        citizen_id: Uuid,
        settings: &NotificationSettings,
        now: i64,
    ) -> StoreResult<()>;
}

/// The notification outbox: messages written with the change that causes them (or on their
/// own: one-time codes, the assisted-session notice), sent at least once by whoever claims them.
#[async_trait]
pub trait NotificationOutboxStore: Send + Sync {
    /// Writes messages caused by no other stored change, in one transaction.
    async fn enqueue_notices(&self, notices: &[NewNotice]) -> StoreResult<()>;
    /// Takes pending messages due at `now` that nobody holds (or whose holder's claim ran out)
    /// and holds them until `claim_until`, counting the attempt; answers them with the attempt
    /// counted. Two senders never hold one message at once (SQLite: one writer; PostgreSQL:
    /// `FOR UPDATE SKIP LOCKED`).
    async fn claim_notices(
        &self,
        claim: NoticeClaim<'_>,
        now: i64,
        claim_until: i64,
    ) -> StoreResult<Vec<Notice>>;
    /// Records what became of each attempt of a round and lets go of its messages, in one
    /// transaction (a round's outcomes share one commit, not one each).
    async fn finish_notices(&self, finished: &[(Uuid, NoticeOutcome)], now: i64)
    -> StoreResult<()>;
    /// Lets go of every message held: the sender that held them is gone (an instance that
    /// takes over the outbox calls it), so they are sent again, with the same id.
    async fn release_notice_claims(&self) -> StoreResult<usize>;
    /// Messages given up, oldest first, at most `limit`.
    async fn failed_notices(&self, limit: usize) -> StoreResult<Vec<Notice>>;
    /// Puts a failed message back to be sent at `now`, its attempts counted from zero; false
    /// when no failed message has this id.
    async fn retry_notice(&self, id: Uuid, now: i64) -> StoreResult<bool>;
    /// Deletes messages sent before `before`, and failed messages written before it that
    /// nobody retried; pending ones stay whatever their age. Answers how many went.
    async fn purge_notices(&self, before: i64) -> StoreResult<usize>;
}

/// The dev outbox of demo mode.
#[async_trait]
pub trait OutboxStore: Send + Sync {
    /// Records the messages of one sending round, in one transaction.
    async fn record_messages(&self, messages: &[DevMessage]) -> StoreResult<()>;
    async fn messages(&self) -> StoreResult<Vec<DevMessage>>;
}

/// One row of the change log, as the event streams of `/v1/events` see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeRow {
    pub seq: i64,
    pub citizen_id: Uuid,
    /// `profile`, `application`, `document`, `inbox` or `feedback`.
    pub entity_kind: String,
    pub entity_id: String,
}

/// The change log read as events.
#[async_trait]
pub trait EventStore: Send + Sync {
    /// The highest sequence number the change log has given out, 0 when empty.
    async fn latest_change(&self) -> StoreResult<i64>;
    /// Changes of all citizens after `after`, oldest first, at most `limit`.
    async fn changes_after(&self, after: i64, limit: usize) -> StoreResult<Vec<ChangeRow>>;
    /// Changes of one citizen after `after`, oldest first, at most `limit`.
    async fn citizen_changes_after(
        &self,
        citizen_id: Uuid,
        after: i64,
        limit: usize,
    ) -> StoreResult<Vec<ChangeRow>>;
}

/// The portal's own renewal notices (`crate::renewal_notices`).
#[async_trait]
pub trait RenewalStore: Send + Sync {
    /// Every citizen who holds a document, with their birth date, documents and the stages
    /// already notified.
    async fn renewal_holders(&self) -> StoreResult<Vec<RenewalHolder>>;
    /// Adds the notice to the citizen's inbox, writes its SMS and e-mail (`notices`) into the
    /// notification outbox and records `stages` as notified, in one transaction; true when
    /// written. Nothing is written, and false answered, when one of the stages was notified
    /// already (another process was first): each stage reaches each channel once.
    async fn record_renewal_notice(
        &self,
        citizen_id: Uuid,
        item: &InboxItem,
        stages: &[FiredStage],
        notices: &[NewNotice],
    ) -> StoreResult<bool>;
}

/// All storage the portal needs.
pub trait Store:
    Operations
    + CitizenStore
    + AuthStore
    + AttachmentStore
    + LimitStore
    + ApplicationStore
    + AccessLogStore
    + OutboxStore
    + NotificationSettingsStore
    + NotificationOutboxStore
    + EventStore
    + RenewalStore
    + OfficerStore
    + LateWarningStore
    + FeedbackStore
    + FeedbackWarningStore
    + PaymentStore
    + Send
    + Sync
{
}

impl<T> Store for T where
    T: Operations
        + CitizenStore
        + AuthStore
        + AttachmentStore
        + LimitStore
        + ApplicationStore
        + AccessLogStore
        + OutboxStore
        + NotificationSettingsStore
        + NotificationOutboxStore
        + EventStore
        + RenewalStore
        + OfficerStore
        + LateWarningStore
        + FeedbackStore
        + FeedbackWarningStore
        + PaymentStore
        + Send
        + Sync
{
}
