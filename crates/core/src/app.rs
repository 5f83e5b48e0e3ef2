//! [`OpenDvc`]: the one façade the app shell and the CLI both use.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, FixedOffset, Utc};
use chrono::{Datelike, NaiveDate};
use opendvc_api::{
    AdminUnits, Application, DeliveryChoice, Document, DocumentSource, FieldError, LocalizedText,
    NewApplication, OtpAccepted, Procedure, Profile,
};
use opendvc_rules::fields::is_id_number;
use opendvc_rules::form::{check_application, check_delivery};
use opendvc_rules::{WorkingCalendar, vietnam_today};
use serde::Serialize;
use tokio::sync::broadcast;
use uuid::Uuid;

use crate::client::{ClientConfig, ClientError, MemoryTokens, PortalClient};
use crate::clock::{Clock, RandomJitter, SystemClock};
use crate::events::CoreEvent;
use crate::i18n::Lang;
use crate::queue::{
    ApplicationTarget, BackoffPolicy, DiscardOutcome, DrainOutcome, Enqueued, FollowUp, ItemEvent,
    ItemKind, ItemPayload, ItemState, PassEnd, PassReport, ProfileLane, QueueError, QueueItem,
    QueueSummary, Reason, ServerAnswer, SubmissionQueue,
};
use crate::search::{SearchHit, SynonymTable};
use crate::session::{DataDir, Session, profile_key};
use crate::store::catalog_search::{CatalogIndex, CatalogSearchError};
use crate::store::{
    Cache, CacheOpening, StoreError, applications, catalog, documents, inbox, meta, reference,
};
use crate::sync::{self, CatalogRefresh, PullReport, SyncError};
use crate::validate;
use crate::vault::{
    TokenStorage, TokenVault, VaultChoice, VaultTokens, adopt_file_tokens, open_vault,
};

/// Errors of the façade, each with a stable code ([`CoreError::code`]) that is also a Fluent
/// message id (`error-` + code with dashes).
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    #[error("not signed in")]
    NotSignedIn,
    #[error("no portal address: pass --portal or sign in first")]
    NoPortal,
    #[error("an ID number has 12 digits")]
    InvalidIdNumber,
    #[error("the one-time code is wrong or expired")]
    OtpInvalid,
    #[error(transparent)]
    Client(#[from] ClientError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Queue(#[from] QueueError),
    #[error("could not read or write the session file: {0}")]
    Session(std::io::Error),
    #[error("the catalog is not on this device yet; sync once while online")]
    CatalogMissing,
    #[error("no procedure {0} in the catalog")]
    UnknownProcedure(String),
    #[error("the submission is not valid")]
    InvalidSubmission(Vec<FieldError>),
    #[error("no application or queue item {0} on this device")]
    UnknownApplication(String),
    #[error("{count} items are not sent yet")]
    UnsentItems { count: u64 },
    #[error(transparent)]
    Search(#[from] CatalogSearchError),
    #[error(transparent)]
    Staff(#[from] crate::assist::StaffError),
    #[error(
        "the assisted session has expired; end it and open a new one with the citizen's consent"
    )]
    AssistedSessionExpired,
    #[error("the application {0} is not sent yet; its receipt comes with its code")]
    ReceiptNotReady(String),
    #[error("the receipt could not be made: {0}")]
    Receipt(String),
    #[error("could not read or write the preferences file: {0}")]
    Preferences(std::io::Error),
    #[error("could not delete the personal data in the data folder: {0}")]
    DeviceData(std::io::Error),
    #[error(
        "could not make the data folder readable by its user only: {0}; it and everything in it \
         must belong to the user running the app"
    )]
    DataFolder(std::io::Error),
    #[error("the document is not valid")]
    InvalidDocument(Vec<FieldError>),
    #[error("no inbox item {0} on this device")]
    UnknownInboxItem(Uuid),
    #[error("no document {0} in the wallet")]
    UnknownDocument(Uuid),
    #[error("the picked file {0} is no longer on this device; pick it again")]
    PickedFileMissing(String),
    #[error(
        "who used the citizen's data is shown only to the citizen, signed in on their own; not in an assisted session"
    )]
    AccessLogOwnSignInOnly,
}

impl CoreError {
    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            CoreError::NotSignedIn => "not_signed_in",
            CoreError::NoPortal => "no_portal",
            CoreError::InvalidIdNumber => "invalid_id_number",
            CoreError::OtpInvalid => "otp_invalid",
            CoreError::Client(error) => error.code(),
            CoreError::Store(StoreError::Corrupt { .. }) => "store_corrupt",
            CoreError::Store(_) => "store",
            CoreError::Queue(QueueError::Store(StoreError::Corrupt { .. })) => "store_corrupt",
            CoreError::Queue(QueueError::NoSuchItem(_)) => "no_such_item",
            CoreError::Queue(QueueError::NotChangeable(_)) => "item_not_changeable",
            CoreError::Queue(QueueError::NotAnApplication(_)) => "not_an_application",
            CoreError::Queue(QueueError::AttachmentTooLarge { .. }) => "attachment_too_large",
            CoreError::Queue(QueueError::Attachment { .. }) => "attachment_unreadable",
            CoreError::Queue(QueueError::MustSendFirst(_)) => "discard_needs_send",
            CoreError::Queue(QueueError::SenderBusy) => "queue_busy",
            CoreError::Queue(_) => "store",
            CoreError::Session(_) => "session_file",
            CoreError::CatalogMissing => "catalog_missing",
            CoreError::UnknownProcedure(_) => "unknown_procedure",
            CoreError::InvalidSubmission(_) => "invalid_submission",
            CoreError::UnknownApplication(_) => "unknown_application",
            CoreError::UnsentItems { .. } => "unsent_items",
            CoreError::Search(CatalogSearchError::IndexMissing) => "search_index_missing",
            CoreError::Search(_) => "search_failed",
            CoreError::Staff(error) => error.code(),
            CoreError::AssistedSessionExpired => "assisted_session_expired",
            CoreError::ReceiptNotReady(_) => "receipt_not_ready",
            CoreError::Receipt(_) => "receipt_failed",
            CoreError::Preferences(_) => "preferences_file",
            CoreError::DeviceData(_) => "device_data",
            CoreError::DataFolder(_) => "data_folder",
            CoreError::InvalidDocument(_) => "invalid_document",
            CoreError::UnknownInboxItem(_) => "unknown_inbox_item",
            CoreError::UnknownDocument(_) => "unknown_document",
            CoreError::PickedFileMissing(_) => "attachment_missing",
            CoreError::AccessLogOwnSignInOnly => "access_log_own_sign_in_only",
        }
    }
}

impl From<SyncError> for CoreError {
    fn from(error: SyncError) -> Self {
        match error {
            SyncError::Client(error) => CoreError::Client(error),
            SyncError::Store(error) => CoreError::Store(error),
        }
    }
}

/// How to open the core.
#[derive(Debug, Clone)]
pub struct OpenDvcOptions {
    pub data_dir: DataDir,
    /// Portal to talk to instead of the one the profile signed in at (e.g. through a proxy).
    /// The profile stays the one of the sign-in.
    pub portal_override: Option<String>,
    pub clock: Arc<dyn Clock>,
    pub backoff: BackoffPolicy,
    pub client: ClientConfig,
    /// A shared computer (a post-office counter, an outreach laptop): sent items keep only
    /// their receipt, see [`SubmissionQueue::set_purge_after_ack`].
    pub shared_device: bool,
    /// The language the app speaks until the person chooses one in the settings
    /// ([`OpenDvc::language`]).
    pub language: Lang,
    /// Where the tokens go: the OS keyring when one answers, else `session.json`
    /// ([`crate::vault`]).
    pub token_vault: VaultChoice,
}

impl OpenDvcOptions {
    /// Real clock, random jitter, back-off from 0.5 s up to 30 s.
    pub fn new(data_dir: DataDir) -> Self {
        OpenDvcOptions {
            data_dir,
            portal_override: None,
            clock: Arc::new(SystemClock),
            backoff: BackoffPolicy::new(
                Duration::from_millis(500),
                Duration::from_secs(30),
                Arc::new(RandomJitter::from_os()),
            ),
            client: ClientConfig::default(),
            shared_device: false,
            language: Lang::Vi,
            token_vault: VaultChoice::Auto,
        }
    }
}

/// The open profile: its cache, queue and client.
#[derive(Debug)]
pub(crate) struct ActiveProfile {
    pub(crate) session: Session,
    pub(crate) dir: PathBuf,
    pub(crate) cache: Cache,
    /// The catalog search index, derived from the cache's catalog.
    pub(crate) search: CatalogIndex,
    pub(crate) queue: SubmissionQueue,
    pub(crate) client: PortalClient,
    /// What the queue sends with: the same client for a citizen; for an assisted session the
    /// staff member's client naming the session (see [`crate::assist`]).
    pub(crate) delivery: PortalClient,
    /// An assisted session: its id and when it expires. Past that moment the profile refuses
    /// to show anything, and the next start deletes it.
    pub(crate) assisted: Option<(Uuid, DateTime<Utc>)>,
    /// Whether the profile may read the person's data at the portal (`/v1/me`, documents,
    /// applications, `/v1/sync`, `/v1/events`): always for a citizen's own sign-in; in an
    /// assisted session only with the `read` scope, see [`crate::assist`].
    pub(crate) reads: bool,
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
    pub status: String,
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

/// What the home screen shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Dashboard {
    pub signed_in: bool,
    pub portal_url: Option<String>,
    pub full_name: Option<String>,
    /// Whether the portal was reachable at the last attempt; `None` before any.
    pub online: Option<bool>,
    pub queue: QueueSummary,
    pub counts_by_status: BTreeMap<String, u64>,
    /// Applications that need the person: supplement requested, overdue, or refused locally.
    pub needing_action: Vec<ApplicationEntry>,
    pub documents: u64,
    pub unread_inbox: u64,
    pub last_sync_at: Option<String>,
    pub catalog_version: Option<String>,
    /// Set when the cache was found damaged at this start and rebuilt.
    pub cache_rebuilt_from: Option<PathBuf>,
}

/// A new application as the person filled it in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubmissionDraft {
    pub procedure_id: String,
    pub form: BTreeMap<String, String>,
    /// Files to attach, each with the required document it satisfies, if known.
    pub files: Vec<(PathBuf, Option<String>)>,
    /// Files picked in the app ([`OpenDvc::stage_picked_file`]) by their `sha256:` id, each
    /// with the required document it satisfies, if known.
    pub picked: Vec<(String, Option<String>)>,
    pub delivery: DeliveryChoice,
}

/// A document the person adds to the wallet by hand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentDraft {
    /// A kind of the renewal rules table (`passport`, `driving_licence`, …) or another
    /// lower-case name.
    pub kind: String,
    pub number: String,
    pub issued_on: NaiveDate,
    pub expires_on: Option<NaiveDate>,
    pub issuer: String,
    /// Driving licence classes; empty for other kinds.
    pub classes: Vec<String>,
}

/// Whether a submission or follow-up reached the portal or waits on this device.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SubmitOutcome {
    pub item_id: Uuid,
    pub upload_ids: Vec<Uuid>,
    pub state: ItemState,
    pub sent: bool,
    pub application_id: Option<Uuid>,
    pub application_code: Option<String>,
    pub reason: Option<Reason>,
}

/// What a sign-in did.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SignInReport {
    pub profile_key: String,
    pub full_name: Option<String>,
    pub sync: Option<SyncReport>,
    /// The first sync failed; the person is signed in anyway.
    pub sync_error: Option<String>,
}

/// What a sync did.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncReport {
    pub pull: PullReport,
    pub catalog: CatalogRefresh,
}

/// What a sign-out did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SignOutReport {
    /// Whether the portal confirmed the session was revoked (false when offline).
    pub revoked: bool,
    /// Unsent items kept on this device for the next sign-in of the same person.
    pub unsent_kept: u64,
}

/// What clearing the device did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClearReport {
    /// Whether the portal confirmed the session was revoked (false when offline).
    pub revoked: bool,
    /// Unsent items that were deleted with everything else.
    pub unsent_discarded: u64,
}

/// The OpenDVC core.
#[derive(Debug)]
pub struct OpenDvc {
    pub(crate) options: OpenDvcOptions,
    /// Where the citizen's tokens are kept, chosen at open.
    vault: Arc<dyn TokenVault>,
    events: broadcast::Sender<CoreEvent>,
    pub(crate) profile: Option<ActiveProfile>,
    online: Mutex<Option<bool>>,
    cache_rebuilt_from: Option<PathBuf>,
    /// A shared device locked by its staff member (`crate::assist`): the open session shows
    /// nothing until unlocked.
    pub(crate) staff_locked: bool,
    /// Files picked in the app and held in memory on a shared device (`crate::picked`).
    pub(crate) picked: crate::picked::PickedFiles,
}

impl OpenDvc {
    /// Opens the data folder and, if a profile is stored, its cache and queue. A damaged cache
    /// is moved aside and rebuilt (see [`Dashboard::cache_rebuilt_from`]).
    pub fn open(options: OpenDvcOptions) -> Result<OpenDvc, CoreError> {
        // Everything in the data folder is the person's: an older version, a copy or another
        // program may have left some of it readable by others.
        options
            .data_dir
            .make_private()
            .map_err(CoreError::DataFolder)?;
        let vault = adopt_file_tokens(
            &options.data_dir,
            open_vault(&options.data_dir, &options.token_vault),
        )
        .map_err(CoreError::Session)?;
        let (events, _) = broadcast::channel(256);
        let mut core = OpenDvc {
            options,
            vault,
            events,
            profile: None,
            online: Mutex::new(None),
            cache_rebuilt_from: None,
            staff_locked: false,
            picked: crate::picked::PickedFiles::default(),
        };
        let session = core.load_session()?;
        if let Some(session) = session {
            core.activate(session)?;
        } else {
            core.recover_staff_mode()?;
            core.staff_locked = core.staff_locked_on_disk();
        }
        Ok(core)
    }

    /// The stored session with its tokens from the vault. Tokens the vault cannot read count
    /// as none: the person signs in again, and the queue waits for them.
    fn load_session(&self) -> Result<Option<Session>, CoreError> {
        let file = self.options.data_dir.session_file();
        let Some(mut session) = file.load().map_err(CoreError::Session)? else {
            return Ok(None);
        };
        let tokens = self.vault.load().ok().flatten();
        session.access_token = tokens.as_ref().map(|tokens| tokens.access_token.clone());
        session.refresh_token = tokens.map(|tokens| tokens.refresh_token);
        Ok(Some(session))
    }

    /// Where the citizen's tokens are kept on this device.
    pub fn token_storage(&self) -> TokenStorage {
        self.vault.storage()
    }

    /// Listens to change events.
    pub fn subscribe(&self) -> broadcast::Receiver<CoreEvent> {
        self.events.subscribe()
    }

    pub(crate) fn emit(&self, event: CoreEvent) {
        // Nobody listening is fine: events are hints, the store is the truth.
        let _delivered = self.events.send(event);
    }

    fn set_online(&self, online: bool) {
        let mut known = self
            .online
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if *known != Some(online) {
            *known = Some(online);
            drop(known);
            if let Some(profile) = &self.profile {
                // Remembered for the next process; a failed write only loses that hint.
                let _remembered = profile.cache.write(|tx| {
                    meta::set(tx, meta::LAST_ONLINE, if online { "true" } else { "false" })
                });
            }
            self.emit(CoreEvent::SyncStateChanged { online });
        }
    }

    pub(crate) fn note_client_result<T>(&self, result: &Result<T, ClientError>) {
        match result {
            Ok(_) => self.set_online(true),
            Err(error) if error.is_offline() => self.set_online(false),
            Err(_) => self.set_online(true),
        }
    }

    pub(crate) fn portal_url_for(&self, session: Option<&Session>) -> Result<String, CoreError> {
        self.options
            .portal_override
            .clone()
            .or_else(|| session.map(|session| session.portal_url.clone()))
            .ok_or(CoreError::NoPortal)
    }

    fn activate(&mut self, session: Session) -> Result<(), CoreError> {
        let dir = self.options.data_dir.profile_dir(&session.profile_key);
        let client = PortalClient::new(
            &self.portal_url_for(Some(&session))?,
            Arc::new(VaultTokens::new(self.vault.clone(), &self.options.data_dir)),
            self.options.client,
        )?;
        let queue = SubmissionQueue::open(
            &dir,
            self.options.clock.clone(),
            self.options.backoff.clone(),
        )?;
        let delivery = client.clone();
        self.activate_parts(session, dir, queue, client, delivery, None)
    }

    /// Opens the cache and search index in `dir` and makes the profile the active one.
    pub(crate) fn activate_parts(
        &mut self,
        session: Session,
        dir: PathBuf,
        queue: SubmissionQueue,
        client: PortalClient,
        delivery: PortalClient,
        assisted: Option<(Uuid, DateTime<Utc>)>,
    ) -> Result<(), CoreError> {
        crate::session::private_dir(&dir).map_err(CoreError::Session)?;
        let (cache, opening) =
            Cache::open_or_rebuild(&dir.join("cache.db"), self.options.clock.now())?;
        if let CacheOpening::Rebuilt { moved_to, .. } = opening {
            self.cache_rebuilt_from = Some(moved_to.clone());
            self.emit(CoreEvent::CacheRebuilt { moved_to });
        }
        let search = CatalogIndex::open_or_recreate(
            &dir.join("search.db"),
            SynonymTable::bundled().map_err(CatalogSearchError::from)?,
        )?;
        // A missing or outdated index is rebuilt from the cache, offline. If that fails the
        // profile still opens: searching then says the index is missing, and the next sync
        // rebuilds it and reports what went wrong.
        let _indexed = search.refresh(&cache);
        self.profile = Some(ActiveProfile {
            session,
            dir,
            cache,
            search,
            queue,
            client,
            delivery,
            assisted,
            reads: true,
        });
        Ok(())
    }

    /// The open profile. An assisted session past its expiry shows nothing more: the
    /// citizen's data is deleted at the next [`OpenDvc::end_assisted_session`] or start.
    pub(crate) fn active(&self) -> Result<&ActiveProfile, CoreError> {
        let profile = self.profile.as_ref().ok_or(CoreError::NotSignedIn)?;
        if let Some((_, expires_at)) = profile.assisted {
            if self.options.clock.now() >= expires_at {
                return Err(CoreError::AssistedSessionExpired);
            }
            if self.staff_locked {
                return Err(crate::assist::StaffError::Locked.into());
            }
        }
        Ok(profile)
    }

    /// The open profile's cache and client and the options, for push handling and reminders
    /// (`crate::push`, `crate::renewal`).
    pub(crate) fn parts(&self) -> Result<(&Cache, &PortalClient, &OpenDvcOptions), CoreError> {
        let profile = self.active()?;
        Ok((&profile.cache, &profile.client, &self.options))
    }

    /// The options the core was opened with.
    pub(crate) fn options(&self) -> &OpenDvcOptions {
        &self.options
    }

    /// Publishes a change event and the portal's reachability on behalf of `crate::push`.
    pub(crate) fn announce(&self, event: Option<CoreEvent>, online: Option<bool>) {
        if let Some(online) = online {
            self.set_online(online);
        }
        if let Some(event) = event {
            self.emit(event);
        }
    }

    /// The folder of the open profile.
    pub fn profile_dir(&self) -> Option<&Path> {
        self.profile.as_ref().map(|profile| profile.dir.as_path())
    }

    /// Whether the open profile may read the person's data at the portal. An assisted
    /// session opened on a paper consent may not: it submits, and shows only what the device
    /// has (the catalog, what was queued in it).
    pub fn can_read(&self) -> bool {
        self.profile.as_ref().is_some_and(|profile| profile.reads)
    }

    /// Whether a profile is signed in (has tokens).
    pub fn is_signed_in(&self) -> bool {
        self.active()
            .is_ok_and(|profile| profile.session.is_signed_in())
    }

    /// Asks the portal to send a one-time code to the citizen's phone.
    pub async fn request_otp(&self, id_number: &str) -> Result<OtpAccepted, CoreError> {
        if !is_id_number(id_number) {
            return Err(CoreError::InvalidIdNumber);
        }
        let portal = self.portal_url_for(self.profile.as_ref().map(|profile| &profile.session))?;
        let client = PortalClient::new(
            &portal,
            Arc::new(MemoryTokens::default()),
            self.options.client,
        )?;
        let result = client.request_otp(id_number).await;
        self.note_client_result(&result);
        Ok(result?)
    }

    /// Exchanges a one-time code, stores the session, opens the profile, resumes a paused
    /// queue and runs a first sync (whose failure does not undo the sign-in).
    pub async fn sign_in(&mut self, id_number: &str, otp: &str) -> Result<SignInReport, CoreError> {
        if !is_id_number(id_number) {
            return Err(CoreError::InvalidIdNumber);
        }
        let portal = self.portal_url_for(self.profile.as_ref().map(|profile| &profile.session))?;
        let portal = portal.trim_end_matches('/').to_owned();
        let tokens_in_memory = Arc::new(MemoryTokens::default());
        let client = PortalClient::new(&portal, tokens_in_memory, self.options.client)?;
        let result = client.exchange_otp(id_number, otp.trim()).await;
        self.note_client_result(&result);
        let tokens = result.map_err(|error| match error {
            ClientError::Unauthorized { .. } => CoreError::OtpInvalid,
            other => CoreError::Client(other),
        })?;
        let key = profile_key(&portal, id_number);
        let mut session = Session {
            portal_url: portal,
            profile_key: key.clone(),
            id_number: id_number.to_owned(),
            access_token: None,
            refresh_token: None,
        };
        // The session first (the file vault keeps the tokens in it), then the tokens.
        self.options
            .data_dir
            .session_file()
            .save(&session)
            .map_err(CoreError::Session)?;
        self.vault.store(&tokens).map_err(CoreError::Session)?;
        session.access_token = Some(tokens.access_token);
        session.refresh_token = Some(tokens.refresh_token);
        self.activate(session)?;
        self.active()?.queue.resume_after_sign_in()?;
        self.emit(CoreEvent::SignedIn);
        let (sync, sync_error) = match self.sync_now().await {
            Ok(report) => (Some(report), None),
            Err(error) => (None, Some(error.to_string())),
        };
        let full_name = self
            .active()?
            .cache
            .read(crate::store::profile::load)?
            .map(|profile| profile.full_name);
        Ok(SignInReport {
            profile_key: key,
            full_name,
            sync,
            sync_error,
        })
    }

    /// Signs out: revokes the session at the portal (best effort) and deletes the tokens.
    /// With unsent items this refuses unless `keep_unsent` is true; the items then stay on
    /// this device and are sent after the same person signs in again.
    pub async fn sign_out(&mut self, keep_unsent: bool) -> Result<SignOutReport, CoreError> {
        // Signing out of an assisted session ends it, so that its files never outlive it.
        if self
            .profile
            .as_ref()
            .is_some_and(|profile| profile.assisted.is_some())
        {
            let ended = self.end_assisted_session().await?;
            return Ok(SignOutReport {
                revoked: ended.ended_at_portal,
                unsent_kept: ended.unsent_kept,
            });
        }
        let profile = self.active()?;
        let unsent = profile.queue.summary()?.unsent();
        if unsent > 0 && !keep_unsent {
            return Err(CoreError::UnsentItems { count: unsent });
        }
        let revoked = if profile.session.is_signed_in() {
            let result = profile.client.logout().await;
            self.note_client_result(&result);
            result.is_ok()
        } else {
            false
        };
        // The tokens go whatever the portal said; the session stays while items wait for
        // the same person's next sign-in.
        self.vault.erase().map_err(CoreError::Session)?;
        if unsent == 0 {
            self.options
                .data_dir
                .session_file()
                .delete()
                .map_err(CoreError::Session)?;
        }
        self.profile = None;
        self.emit(CoreEvent::SignedOut);
        Ok(SignOutReport {
            revoked,
            unsent_kept: unsent,
        })
    }

    /// Signs out and deletes every personal datum of the data folder: the session, every
    /// profile's cache, queue (sent or not) and attachment copies, and the staged files the
    /// app keeps until a submission takes them. The session is revoked at the portal first,
    /// best effort. Unsent items are lost: the caller must have asked the person to confirm.
    /// The device's language choice stays; it says nothing about anyone.
    pub async fn clear_device(&mut self) -> Result<ClearReport, CoreError> {
        let mut revoked = false;
        let mut unsent = 0;
        if let Some(profile) = &self.profile {
            // A damaged queue must not keep the person's data on the device.
            unsent = profile
                .queue
                .summary()
                .map(|summary| summary.unsent())
                .unwrap_or(0);
            if profile.session.is_signed_in() {
                let result = profile.client.logout().await;
                self.note_client_result(&result);
                revoked = result.is_ok();
            }
        }
        // Closing the profile closes its databases before their files go.
        self.profile = None;
        self.cache_rebuilt_from = None;
        self.forget_all_picked();
        let data_dir = &self.options.data_dir;
        self.vault.erase().map_err(CoreError::DeviceData)?;
        data_dir
            .session_file()
            .delete()
            .map_err(CoreError::DeviceData)?;
        for dir in [data_dir.profiles_dir(), data_dir.staging_dir()] {
            match std::fs::remove_dir_all(&dir) {
                Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
                    return Err(CoreError::DeviceData(error));
                }
                _ => {}
            }
        }
        self.emit(CoreEvent::SignedOut);
        self.emit(CoreEvent::QueueChanged);
        Ok(ClearReport {
            revoked,
            unsent_discarded: unsent,
        })
    }

    /// Pulls everything new from the portal and refreshes the catalog. A profile that may not
    /// read the person's data ([`OpenDvc::can_read`]) refreshes only the public catalog.
    pub async fn sync_now(&self) -> Result<SyncReport, CoreError> {
        let profile = self.active()?;
        if !profile.session.is_signed_in() {
            return Err(CoreError::NotSignedIn);
        }
        if !profile.reads {
            return self.refresh_public_data().await;
        }
        let clock = self.options.clock.clone();
        let pulled = sync::pull(&profile.client, &profile.cache, || clock.now()).await;
        self.note_sync_result(&pulled);
        let pull = pulled?;
        let catalog = self.refresh_catalog().await?;
        if pull.applications > 0 {
            self.emit(CoreEvent::ApplicationsChanged);
        }
        self.emit(CoreEvent::CacheChanged);
        Ok(SyncReport { pull, catalog })
    }

    /// The sync of a profile that may not read the person's data: the public catalog and
    /// reference data only, asked for without a token.
    pub(crate) async fn refresh_public_data(&self) -> Result<SyncReport, CoreError> {
        let catalog = self.refresh_catalog().await?;
        self.emit(CoreEvent::CacheChanged);
        Ok(SyncReport {
            pull: PullReport::default(),
            catalog,
        })
    }

    /// Refreshes the catalog (a 304 keeps it), its search index, and the reference data that
    /// comes with it.
    pub(crate) async fn refresh_catalog(&self) -> Result<CatalogRefresh, CoreError> {
        let profile = self.active()?;
        let refreshed =
            sync::refresh_catalog(&profile.client, &profile.cache, self.options.clock.now()).await;
        self.note_sync_result(&refreshed);
        let catalog = refreshed?;
        profile.search.refresh(&profile.cache)?;
        // Reference data comes with a fresh catalog, so address forms work offline. A failure
        // here does not fail the sync of the person's own data: the address form asks again
        // ([`OpenDvc::admin_units`]) and reports the error then.
        let updated = matches!(catalog, CatalogRefresh::Updated { .. });
        if updated && profile.cache.read(reference::admin_units)?.is_none() {
            let _fetched = self.fetch_admin_units().await;
        }
        // The holiday calendars working days are counted with, this year's and next year's
        // (published late in the year). A missing one is asked for with a fresh catalog, and
        // otherwise at most once a day, so an idle sync stays at one request.
        let today = self.options.clock.now().date_naive().to_string();
        let year = self.options.clock.now().year();
        for year in [year, year + 1] {
            let key = format!("holidays_asked:{year}");
            let (cached, asked) = profile.cache.read(|conn| {
                Ok((
                    reference::holidays(conn, year)?.is_some(),
                    meta::get(conn, &key)?,
                ))
            })?;
            if cached || (!updated && asked.as_deref() == Some(today.as_str())) {
                continue;
            }
            let result = profile.client.holidays(year).await;
            profile.cache.write(|tx| {
                if let Ok(calendar) = &result {
                    reference::save_holidays(tx, calendar)?;
                }
                meta::set(tx, &key, &today)
            })?;
        }
        Ok(catalog)
    }

    fn note_sync_result<T>(&self, result: &Result<T, SyncError>) {
        match result {
            Ok(_) => self.set_online(true),
            Err(SyncError::Client(error)) if error.is_offline() => self.set_online(false),
            Err(_) => {}
        }
    }

    /// One page of the citizen's access log: who (staff, organisation) used their data,
    /// where, when and what for, newest first; `cursor` asks for the next (older) page. Only
    /// in the citizen's own sign-in, never in an assisted session (it would show the citizen's
    /// history to the staff member), and never cached: it is read from the portal each time.
    pub async fn access_log(
        &self,
        cursor: Option<&str>,
    ) -> Result<crate::views::AccessLogView, CoreError> {
        let profile = self.active()?;
        if profile.assisted.is_some() {
            return Err(CoreError::AccessLogOwnSignInOnly);
        }
        if !profile.session.is_signed_in() {
            return Err(CoreError::NotSignedIn);
        }
        let result = profile.client.access_log(cursor).await;
        self.note_client_result(&result);
        Ok(crate::views::access_log_view(result?))
    }

    /// The home screen, from the cache and the queue only (works offline).
    pub fn dashboard(&self) -> Result<Dashboard, CoreError> {
        let online = *self
            .online
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let Some(profile) = self.active().ok() else {
            return Ok(Dashboard {
                signed_in: false,
                portal_url: self.options.portal_override.clone(),
                full_name: None,
                online,
                queue: QueueSummary::default(),
                counts_by_status: BTreeMap::new(),
                needing_action: Vec::new(),
                documents: 0,
                unread_inbox: 0,
                last_sync_at: None,
                catalog_version: None,
                cache_rebuilt_from: self.cache_rebuilt_from.clone(),
            });
        };
        let (full_name, counts, documents, unread, last_sync, catalog_meta, last_online) =
            profile.cache.read(|conn| {
                Ok((
                    crate::store::profile::load(conn)?.map(|profile| profile.full_name),
                    applications::count_by_status(conn)?,
                    documents::count(conn)?,
                    inbox::unread_count(conn)?,
                    meta::get(conn, meta::LAST_SYNC_AT)?,
                    catalog::meta(conn)?,
                    meta::get(conn, meta::LAST_ONLINE)?,
                ))
            })?;
        let now = self.options.clock.now();
        // Only unsent items matter here; a device that sent thousands stays fast.
        let items = profile.queue.unsent_items()?;
        let calendar = self.working_calendar()?;
        let mut needing_action: Vec<ApplicationEntry> = self
            .applications_from_queue(&items, None)?
            .into_iter()
            .filter(|entry| entry.status == "needs_attention")
            .collect();
        needing_action.extend(
            profile
                .cache
                .read(|conn| applications::needing_action(conn, now))?
                .iter()
                .map(|application| self.entry_for(application, &items, &calendar)),
        );
        Ok(Dashboard {
            signed_in: profile.session.is_signed_in(),
            portal_url: Some(profile.client.base_url().to_owned()),
            full_name,
            online: online.or_else(|| last_online.map(|text| text == "true")),
            queue: profile.queue.summary()?,
            counts_by_status: counts.into_iter().collect(),
            needing_action,
            documents,
            unread_inbox: unread,
            last_sync_at: last_sync,
            catalog_version: catalog_meta.map(|meta| meta.version),
            cache_rebuilt_from: self.cache_rebuilt_from.clone(),
        })
    }

    /// The holiday calendars cached for last year, this year and next year.
    fn working_calendar(&self) -> Result<WorkingCalendar, CoreError> {
        let profile = self.active()?;
        let year = self.options.clock.now().year();
        let calendars = profile
            .cache
            .read(|conn| reference::holiday_calendars(conn, year - 1..=year + 1))?;
        Ok(WorkingCalendar::new(&calendars))
    }

    fn entry_for(
        &self,
        application: &Application,
        items: &[QueueItem],
        calendar: &WorkingCalendar,
    ) -> ApplicationEntry {
        let now = self.options.clock.now();
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
            status: application.status.as_str().to_owned(),
            local: false,
            submitted_at: Some(application.submitted_at),
            due_at: Some(application.due_at),
            overdue: !application.status.is_finished()
                && application.due_at.with_timezone(&Utc) < now,
            working_days_left,
            unsent_follow_ups: u32::try_from(unsent_follow_ups).unwrap_or(u32::MAX),
        }
    }

    /// Applications from the cache, with local submissions still in the queue shown on top
    /// as "waiting to send" (or "needs attention"). Newest first.
    pub fn applications(&self) -> Result<Vec<ApplicationEntry>, CoreError> {
        let profile = self.active()?;
        let cached = profile.cache.read(applications::list)?;
        let items = profile.queue.items(false)?;
        let calendar = self.working_calendar()?;
        let known: std::collections::HashSet<Uuid> =
            cached.iter().map(|application| application.id).collect();
        let mut entries = self.applications_from_queue(&items, Some(&known))?;
        entries.extend(
            cached
                .iter()
                .map(|application| self.entry_for(application, &items, &calendar)),
        );
        Ok(entries)
    }

    /// Entries for submissions the queue holds, newest first: unsent ones as local overlays,
    /// and, when `known` is given, sent ones the cache does not know yet (from the answer
    /// stored with the item).
    fn applications_from_queue(
        &self,
        items: &[QueueItem],
        known: Option<&std::collections::HashSet<Uuid>>,
    ) -> Result<Vec<ApplicationEntry>, CoreError> {
        let profile = self.active()?;
        let calendar = self.working_calendar()?;
        let mut entries = Vec::new();
        for item in items.iter().rev() {
            let ItemPayload::CreateApplication { application } = &item.payload else {
                continue;
            };
            if item.state == ItemState::Sent {
                if let (Some(known), Some(id)) = (known, item.application_id)
                    && !known.contains(&id)
                    && let Some(answer) = item
                        .result
                        .as_ref()
                        .and_then(|value| serde_json::from_value::<Application>(value.clone()).ok())
                {
                    entries.push(self.entry_for(&answer, items, &calendar));
                }
                continue;
            }
            let procedure_name = profile
                .cache
                .read(|conn| catalog::procedure(conn, &application.procedure_id))?
                .map(|procedure| procedure.name);
            let status = match item.state {
                ItemState::NeedsAttention => "needs_attention",
                ItemState::Sending => "sending",
                _ => "waiting_to_send",
            };
            let unsent_follow_ups = items
                .iter()
                .filter(|other| other.state.is_unsent())
                .filter(|other| {
                    other.payload.target()
                        == Some(ApplicationTarget::QueuedItem { item_id: item.id })
                })
                .count();
            entries.push(ApplicationEntry {
                id: None,
                code: None,
                queue_item_id: Some(item.id),
                procedure_id: application.procedure_id.clone(),
                procedure_name,
                status: status.to_owned(),
                local: true,
                submitted_at: None,
                due_at: None,
                overdue: false,
                working_days_left: None,
                unsent_follow_ups: u32::try_from(unsent_follow_ups).unwrap_or(u32::MAX),
            });
        }
        Ok(entries)
    }

    /// One application by code, application id, or the id of the queue item that creates it.
    pub fn application(&self, code_or_id: &str) -> Result<ApplicationDetail, CoreError> {
        let profile = self.active()?;
        let items = profile.queue.items(true)?;
        let mut application = profile
            .cache
            .read(|conn| applications::find(conn, code_or_id))?;
        let creating_item = Uuid::parse_str(code_or_id)
            .ok()
            .and_then(|id| {
                items
                    .iter()
                    .find(|item| item.id == id && item.kind() == ItemKind::CreateApplication)
            })
            .cloned();
        if application.is_none()
            && let Some(item) = &creating_item
        {
            if let Some(id) = item.application_id {
                application = profile
                    .cache
                    .read(|conn| applications::find(conn, &id.to_string()))?;
            }
            if application.is_none() {
                application = item
                    .result
                    .as_ref()
                    .and_then(|value| serde_json::from_value::<Application>(value.clone()).ok());
            }
        }
        if application.is_none() && creating_item.is_none() {
            return Err(CoreError::UnknownApplication(code_or_id.to_owned()));
        }
        let creator_id = creating_item.as_ref().map(|item| item.id).or_else(|| {
            application.as_ref().and_then(|application| {
                items
                    .iter()
                    .find(|item| {
                        item.application_id == Some(application.id)
                            && item.kind() == ItemKind::CreateApplication
                    })
                    .map(|item| item.id)
            })
        });
        let related: Vec<QueueItem> = items
            .iter()
            .filter(|item| {
                Some(item.id) == creator_id
                    || match item.payload.target() {
                        Some(ApplicationTarget::Application { application_id }) => application
                            .as_ref()
                            .is_some_and(|application| application.id == application_id),
                        Some(ApplicationTarget::QueuedItem { item_id }) => {
                            Some(item_id) == creator_id
                        }
                        None => false,
                    }
            })
            .cloned()
            .collect();
        let entry = match &application {
            Some(application) => self.entry_for(application, &items, &self.working_calendar()?),
            None => {
                let Some(item) = creating_item else {
                    return Err(CoreError::UnknownApplication(code_or_id.to_owned()));
                };
                self.applications()?
                    .into_iter()
                    .find(|entry| entry.queue_item_id == Some(item.id))
                    .ok_or_else(|| CoreError::UnknownApplication(code_or_id.to_owned()))?
            }
        };
        Ok(ApplicationDetail {
            entry,
            application,
            queue_items: related,
        })
    }

    pub fn profile(&self) -> Result<Option<Profile>, CoreError> {
        Ok(self.active()?.cache.read(crate::store::profile::load)?)
    }

    pub fn documents(&self) -> Result<Vec<Document>, CoreError> {
        Ok(self.active()?.cache.read(documents::list)?)
    }

    pub fn catalog(&self) -> Result<Vec<Procedure>, CoreError> {
        Ok(self.active()?.cache.read(catalog::procedures)?)
    }

    /// Searches the cached catalog, offline: the best `limit` procedures for what the person
    /// typed, in any spelling (see [`crate::search`]).
    pub fn search_catalog(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>, CoreError> {
        Ok(self.active()?.search.search(query, limit)?)
    }

    pub fn inbox(&self, limit: u32) -> Result<Vec<opendvc_api::InboxItem>, CoreError> {
        Ok(self
            .active()?
            .cache
            .read(|conn| inbox::latest(conn, limit))?)
    }

    /// The newest `limit` inbox items with whether each was read, newest first.
    pub fn inbox_entries(
        &self,
        limit: u32,
    ) -> Result<Vec<(opendvc_api::InboxItem, bool)>, CoreError> {
        Ok(self
            .active()?
            .cache
            .read(|conn| inbox::latest_with_read(conn, limit))?)
    }

    /// Marks an inbox item read. Read marks stay on this device; the portal does not keep
    /// them.
    pub fn mark_read(&self, id: Uuid) -> Result<(), CoreError> {
        let marked = self.active()?.cache.write(|tx| inbox::mark_read(tx, id))?;
        if !marked {
            return Err(CoreError::UnknownInboxItem(id));
        }
        self.emit(CoreEvent::CacheChanged);
        Ok(())
    }

    /// Adds a document the person typed in to the wallet (source `citizen`), after checking
    /// it. It lives in the cache beside the warehouse's documents: syncs only add and update,
    /// so it stays until the cache is rebuilt after damage.
    pub fn add_document(&self, draft: DocumentDraft) -> Result<Document, CoreError> {
        let profile = self.active()?;
        let now = self.options.clock.now();
        // The person's dates are Vietnamese dates.
        let errors = validate::check_document(&draft, vietnam_today(now));
        if !errors.is_empty() {
            return Err(CoreError::InvalidDocument(errors));
        }
        let document = Document {
            id: Uuid::now_v7(),
            kind: draft.kind.trim().to_owned(),
            number: draft.number.trim().to_owned(),
            issued_on: draft.issued_on,
            expires_on: draft.expires_on,
            issuer: draft.issuer.trim().to_owned(),
            classes: draft
                .classes
                .iter()
                .map(|class| class.trim().to_owned())
                .filter(|class| !class.is_empty())
                .collect(),
            source: DocumentSource::Citizen,
            updated_at: now.fixed_offset(),
        };
        profile.cache.write(|tx| documents::upsert(tx, &document))?;
        self.emit(CoreEvent::CacheChanged);
        Ok(document)
    }

    /// The administrative units for address forms: from the cache, else fetched from the
    /// portal and cached, so they work offline after the first time.
    ///
    /// Before anyone signs in (a volunteer naming the event's place) and in a session opened
    /// offline, the copy staff mode keeps on the device answers instead.
    pub async fn admin_units(&self) -> Result<AdminUnits, CoreError> {
        let profile = match self.active() {
            Ok(profile) => profile,
            Err(CoreError::NotSignedIn) => return self.device_admin_units().await,
            Err(other) => return Err(other),
        };
        if let Some(units) = profile.cache.read(reference::admin_units)? {
            return Ok(units);
        }
        match self.fetch_admin_units().await {
            Err(CoreError::Client(error)) if error.is_offline() && profile.assisted.is_some() => {
                self.device_admin_units().await
            }
            other => other,
        }
    }

    async fn fetch_admin_units(&self) -> Result<AdminUnits, CoreError> {
        let profile = self.active()?;
        let result = profile.client.admin_units().await;
        self.note_client_result(&result);
        let units = result?;
        profile
            .cache
            .write(|tx| reference::save_admin_units(tx, &units))?;
        Ok(units)
    }

    /// Validates a draft against the cached catalog (offline), queues it durably, then, if
    /// `send_now`, tries once to send it without waiting through back-off.
    pub async fn submit(
        &self,
        draft: SubmissionDraft,
        send_now: bool,
    ) -> Result<SubmitOutcome, CoreError> {
        let profile = self.active()?;
        let (procedure, wallet, units) = self.draft_context(&draft.procedure_id)?;
        // The shared rules, as the portal will apply them: what passes here is kept as they
        // normalise it (trimmed, phones as +84…).
        let checked = check_application(
            &procedure,
            &NewApplication {
                procedure_id: draft.procedure_id,
                form: draft.form,
                attachments: Vec::new(),
                delivery: draft.delivery,
            },
            units.as_ref(),
        );
        let mut errors: Vec<FieldError> = checked.problems.into_iter().map(Into::into).collect();
        let mut application = checked.value;
        let mut staged = Vec::new();
        for (path, requirement) in &draft.files {
            staged.push(profile.queue.stage_attachment(path, requirement.clone())?);
        }
        staged.extend(self.stage_picked_into(&profile.queue, &draft.picked)?);
        let (wallet_refs, staged, missing) =
            validate::match_documents(&procedure, &staged, &wallet);
        errors.extend(missing);
        if !errors.is_empty() {
            return Err(CoreError::InvalidSubmission(errors));
        }
        application.attachments = wallet_refs;
        let enqueued = profile.queue.enqueue_submission(application, &staged)?;
        self.forget_staged(&draft.files);
        self.forget_picked(&draft.picked);
        self.emit(CoreEvent::QueueChanged);
        self.after_enqueue(enqueued, send_now).await
    }

    /// Resolves what a follow-up is about: an application code or id from the cache, or a
    /// queue item id (of a queued or sent submission).
    fn resolve_target(&self, code_or_item: &str) -> Result<ApplicationTarget, CoreError> {
        let profile = self.active()?;
        if let Ok(id) = Uuid::parse_str(code_or_item)
            && let Some(item) = profile.queue.item(id)?
        {
            return Ok(ApplicationTarget::QueuedItem { item_id: item.id });
        }
        if let Some(application) = profile
            .cache
            .read(|conn| applications::find(conn, code_or_item))?
        {
            return Ok(ApplicationTarget::Application {
                application_id: application.id,
            });
        }
        // A submission sent before the last sync is known by the answer stored with its item.
        for item in profile.queue.items(false)? {
            if item.application_code.as_deref() == Some(code_or_item)
                && let Some(application_id) = item.application_id
            {
                return Ok(ApplicationTarget::Application { application_id });
            }
        }
        Err(CoreError::UnknownApplication(code_or_item.to_owned()))
    }

    /// Queues a follow-up (supplement, delivery change, withdrawal, rating) on an application
    /// or on a queued submission, then, if `send_now`, tries once to send it.
    pub async fn follow_up(
        &self,
        code_or_item: &str,
        follow_up: FollowUp,
        files: &[(PathBuf, Option<String>)],
        picked: &[(String, Option<String>)],
        send_now: bool,
    ) -> Result<SubmitOutcome, CoreError> {
        let target = self.resolve_target(code_or_item)?;
        let profile = self.active()?;
        let mut follow_up = follow_up;
        if let FollowUp::DeliveryChange(delivery) = &mut follow_up {
            let procedure_id =
                match target {
                    ApplicationTarget::Application { application_id } => profile
                        .cache
                        .read(|conn| applications::find(conn, &application_id.to_string()))?
                        .map(|application| application.procedure_id),
                    ApplicationTarget::QueuedItem { item_id } => profile
                        .queue
                        .item(item_id)?
                        .and_then(|item| match item.payload {
                            ItemPayload::CreateApplication { application } => {
                                Some(application.procedure_id)
                            }
                            _ => None,
                        }),
                };
            if let Some(procedure) = procedure_id
                .map(|id| profile.cache.read(|conn| catalog::procedure(conn, &id)))
                .transpose()?
                .flatten()
            {
                let units = profile.cache.read(reference::admin_units)?;
                *delivery = check_delivery(&procedure, delivery, units.as_ref())
                    .into_result()
                    .map_err(|problems| {
                        CoreError::InvalidSubmission(problems.into_iter().map(Into::into).collect())
                    })?;
            }
        }
        let mut staged = Vec::new();
        for (path, requirement) in files {
            staged.push(profile.queue.stage_attachment(path, requirement.clone())?);
        }
        staged.extend(self.stage_picked_into(&profile.queue, picked)?);
        let enqueued = profile
            .queue
            .enqueue_follow_up(target, follow_up, &staged)?;
        self.forget_staged(files);
        self.forget_picked(picked);
        self.emit(CoreEvent::QueueChanged);
        self.after_enqueue(enqueued, send_now).await
    }

    /// Deletes the app's staged copies of files a submission just queued (the queue keeps its
    /// own, content-addressed copy): personal data is not kept twice. Files the person picked
    /// elsewhere are theirs and stay. Best effort: a copy that cannot be deleted now goes with
    /// the staging folder when the device is cleared.
    fn forget_staged(&self, files: &[(PathBuf, Option<String>)]) {
        let staging = self.options.data_dir.staging_dir();
        for (path, _) in files {
            if !path.starts_with(&staging) {
                continue;
            }
            let _deleted = std::fs::remove_file(path);
            // The app keeps each copy in a folder named by its hash; an empty one goes too.
            if let Some(folder) = path.parent().filter(|folder| *folder != staging.as_path()) {
                let _removed_if_empty = std::fs::remove_dir(folder);
            }
        }
    }

    async fn after_enqueue(
        &self,
        enqueued: Enqueued,
        send_now: bool,
    ) -> Result<SubmitOutcome, CoreError> {
        let profile = self.active()?;
        if send_now && profile.session.is_signed_in() {
            // Another sender (a running drain) may hold the queue; then it sends this too.
            if let Some(lock) = profile.queue.try_lock_sender()? {
                let scope = enqueued.all_ids();
                let report = profile
                    .queue
                    .send_pass(&lock, &profile.delivery, Some(&scope))
                    .await?;
                self.absorb(&report);
            }
        }
        let item = profile
            .queue
            .item(enqueued.item_id)?
            .ok_or(QueueError::NoSuchItem(enqueued.item_id))?;
        Ok(SubmitOutcome {
            item_id: item.id,
            upload_ids: enqueued.upload_ids,
            state: item.state,
            sent: item.state == ItemState::Sent,
            application_id: item.application_id,
            application_code: item.application_code,
            reason: item.reason,
        })
    }

    /// Takes in what a send pass did: the server's answers go into the cache, events go out.
    pub(crate) fn absorb(&self, report: &PassReport) {
        let Some(profile) = &self.profile else {
            return;
        };
        let mut applications_changed = false;
        for sent in &report.sent {
            if let ServerAnswer::Application(application) = &sent.answer {
                // The cache is a copy; if this write fails, the next sync brings it anyway.
                if profile
                    .cache
                    .write(|tx| applications::upsert(tx, application))
                    .is_ok()
                {
                    applications_changed = true;
                }
            }
        }
        if !report.sent.is_empty() {
            self.set_online(true);
        }
        if report.went_offline {
            self.set_online(false);
        }
        if !report.sent.is_empty() || !report.needs_attention.is_empty() || report.retried > 0 {
            self.emit(CoreEvent::QueueChanged);
        }
        if applications_changed {
            self.emit(CoreEvent::ApplicationsChanged);
        }
        if report.end == PassEnd::PausedAuth {
            self.emit(CoreEvent::SignInRequired);
        }
    }

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

    /// Sends everything queued, waiting through back-off, for at most `max_wait`, with the
    /// citizen's client (the queue's one drain loop, [`crate::queue::drain`]).
    pub async fn drain(&self, max_wait: Duration) -> Result<DrainOutcome, CoreError> {
        let profile = self.active()?;
        let absorb = |report: &PassReport| self.absorb(report);
        let mut lanes = [ProfileLane::new(&profile.queue, &profile.delivery, absorb)];
        Ok(crate::queue::drain(&mut lanes, self.options.clock.as_ref(), max_wait).await?)
    }
}
