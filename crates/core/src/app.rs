//! [`OpenDvc`]: the one façade the app shell and the CLI both use.
//!
//! This file holds the façade itself: how it opens, the open profile, change events and the
//! portal's reachability. What it does is split by area into the modules below (`account`,
//! `portal`, `cache`, `submit`, `outbox`, `settings`, `picked`), and the views the screens
//! show are built in `screens` (from `crate::views`). Staff mode (`crate::assist`), push
//! (`crate::push`), reminders (`crate::renewal`) and receipts (`crate::receipt`) add their own
//! methods to the façade; this file imports none of them, so none of them is in an import
//! circle with it.

mod account;
mod answers;
mod cache;
mod drafts;
mod feedback;
mod outbox;
mod payments;
mod picked;
mod portal;
mod profile_edit;
mod screens;
mod settings;
mod submit;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::broadcast;
use uuid::Uuid;

use crate::client::{ClientConfig, ClientError, PortalClient};
use crate::clock::{Clock, RandomJitter, SystemClock};
use crate::error::{CoreError, StaffError};
use crate::events::CoreEvent;
use crate::i18n::{CORE_SOURCES, Lang, Localizer};
use crate::queue::{BackoffPolicy, SubmissionQueue};
use crate::search::SynonymTable;
use crate::session::{DataDir, Session};
use crate::store::catalog_search::{CatalogIndex, CatalogSearchError};
use crate::store::{Cache, CacheOpening, meta};
use crate::vault::{
    TokenStorage, TokenVault, VaultChoice, VaultTokens, adopt_file_tokens, open_vault,
};
use crate::views::queue::QueueProgress;

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
    /// On a shared device, the seconds without use after which the app locks itself (the
    /// session view tells the UI).
    pub auto_lock_seconds: u32,
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
            auto_lock_seconds: 300,
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
    /// Bytes sent so far of uploads going out now, from the queue's progress events.
    progress: Mutex<HashMap<Uuid, QueueProgress>>,
    /// The core's messages per language, parsed once, for the texts the views carry.
    texts: Mutex<HashMap<Lang, Arc<Localizer>>>,
}

impl OpenDvc {
    /// Opens the data folder and, if a profile is stored, its cache and queue. A damaged cache
    /// is moved aside and rebuilt (see [`crate::Dashboard::cache_rebuilt_from`]).
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
            progress: Mutex::default(),
            texts: Mutex::default(),
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

    /// The core clock's time: what the views are built for.
    pub fn now(&self) -> DateTime<Utc> {
        self.options.clock.now()
    }

    /// Listens to change events.
    pub fn subscribe(&self) -> broadcast::Receiver<CoreEvent> {
        self.events.subscribe()
    }

    pub(crate) fn emit(&self, event: CoreEvent) {
        match &event {
            CoreEvent::UploadProgress {
                item_id,
                sent,
                total,
            } => {
                self.progress_map().insert(
                    *item_id,
                    QueueProgress {
                        sent: *sent,
                        total: *total,
                    },
                );
            }
            CoreEvent::QueueChanged => self.progress_map().clear(),
            _ => {}
        }
        // Nobody listening is fine: events are hints, the store is the truth.
        let _delivered = self.events.send(event);
    }

    /// Upload progress, locked even after a panic elsewhere (it is only a display hint).
    fn progress_map(&self) -> std::sync::MutexGuard<'_, HashMap<Uuid, QueueProgress>> {
        self.progress
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The core's messages in `lang`, parsed at their first use.
    pub(crate) fn texts(&self, lang: Lang) -> Result<Arc<Localizer>, CoreError> {
        let mut texts = self
            .texts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(localizer) = texts.get(&lang) {
            return Ok(Arc::clone(localizer));
        }
        let localizer = Arc::new(
            Localizer::new(lang, &CORE_SOURCES)
                .map_err(|error| CoreError::Messages(error.to_string()))?,
        );
        texts.insert(lang, Arc::clone(&localizer));
        Ok(localizer)
    }

    /// Whether the portal answered at the last attempt; `None` before any in this process.
    fn online_now(&self) -> Option<bool> {
        *self
            .online
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
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
                return Err(StaffError::Locked.into());
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
}
