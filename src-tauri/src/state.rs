//! The one managed state: the core façade and what the shell keeps beside it.

use std::ops::{Deref, DerefMut};
use std::path::PathBuf;
use std::sync::Arc;

use std::sync::atomic::AtomicU32;

use crate::startup::{PreparedStart, StartTrace};
use opendvc_core::OpenDvc;
use opendvc_core::i18n::{Lang, Localizer};
use opendvc_core::reminders::RulesTable;
use opendvc_core::session::DataDir;
use tokio::sync::{Notify, RwLock, RwLockWriteGuard, watch};

/// The app's state.
///
/// The core sits behind a tokio `RwLock` because its sending, syncing and signing-in methods
/// are async and are held across awaits: most take `&self` and may run side by side (a drain
/// in the background while a screen reads the cache), while `sign_in`, `sign_out` and
/// `clear_device` take `&mut self` and wait for the readers to finish. The event stream holds
/// a read lock for as long as it is open, so those three go through [`AppState::core_mut`],
/// which first rings [`AppState::push_bell`] to make the stream let go. Everything else is
/// plain data behind std locks that are never held across an await.
#[derive(Debug)]
pub struct AppState {
    pub core: RwLock<OpenDvc>,
    /// The shell's messages in the app's language; replaced when the person picks another.
    localizer: std::sync::RwLock<Arc<Localizer>>,
    pub rules: RulesTable,
    /// Wakes the background sender when something was queued or the portal came back.
    pub wake_sender: Notify,
    /// Rung (the count goes up) before and after the session changes: the push task stops
    /// the event stream when it rings and looks at the session again.
    pub push_bell: watch::Sender<u64>,
    /// When this process started and what it did first, for the start-up measurement.
    pub start: Arc<StartTrace>,
    /// The webview's storage folder, inside the data folder.
    pub webview_dir: PathBuf,
    /// The start state read while the window is built, for the page (`window`).
    pub prepared_start: PreparedStart,
    /// How many change events the shell has sent the UI (wrapping): the UI reads again what
    /// it was shown at start if more were sent than the start state counted.
    pub changes_told: AtomicU32,
    /// Rung when the UI's first screen is painted and it listens (`changes_told`): the tray
    /// and the background work held back for the first screen start (`held_back`).
    pub first_screen_shown: Notify,
    /// How often the background work syncs with the portal.
    pub sync_every: std::time::Duration,
}

/// The shell's messages in `lang`: the core's errors, the notification texts and staff mode's
/// errors.
pub fn shell_localizer(lang: Lang) -> Result<Localizer, opendvc_core::i18n::LocaleError> {
    let sources: Vec<opendvc_core::i18n::LocaleSource> = opendvc_core::i18n::CORE_SOURCES
        .iter()
        .chain(opendvc_core::notify::NOTIFY_SOURCES.iter())
        .chain(opendvc_core::assist::ASSIST_SOURCES.iter())
        .copied()
        .collect();
    Localizer::new(lang, &sources)
}

/// The core, borrowed for a change of session. Dropping it rings the push bell again, so the
/// push task looks at the new session as soon as the lock is free.
#[derive(Debug)]
pub struct CoreWriter<'a> {
    guard: RwLockWriteGuard<'a, OpenDvc>,
    bell: &'a watch::Sender<u64>,
}

impl Deref for CoreWriter<'_> {
    type Target = OpenDvc;

    fn deref(&self) -> &OpenDvc {
        &self.guard
    }
}

impl DerefMut for CoreWriter<'_> {
    fn deref_mut(&mut self) -> &mut OpenDvc {
        &mut self.guard
    }
}

impl Drop for CoreWriter<'_> {
    fn drop(&mut self) {
        ring(self.bell);
    }
}

fn ring(bell: &watch::Sender<u64>) {
    bell.send_modify(|count| *count = count.wrapping_add(1));
}

impl AppState {
    pub fn new(
        core: OpenDvc,
        localizer: Localizer,
        rules: RulesTable,
        data_dir: &DataDir,
        start: Arc<StartTrace>,
        sync_every: std::time::Duration,
    ) -> AppState {
        AppState {
            core: RwLock::new(core),
            localizer: std::sync::RwLock::new(Arc::new(localizer)),
            rules,
            wake_sender: Notify::new(),
            push_bell: watch::Sender::new(0),
            start,
            webview_dir: data_dir.webview_dir(),
            prepared_start: PreparedStart::default(),
            changes_told: AtomicU32::new(0),
            first_screen_shown: Notify::new(),
            sync_every,
        }
    }

    /// The shell's messages in the current language.
    pub fn localizer(&self) -> Arc<Localizer> {
        self.localizer
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Speaks `localizer`'s language from now on.
    pub fn set_localizer(&self, localizer: Localizer) {
        *self
            .localizer
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Arc::new(localizer);
    }

    /// Speaks `lang` from now on, if it is not the language already spoken. The messages are
    /// embedded and a test parses them all, so only a broken build keeps the old language.
    pub fn speak(&self, lang: Lang) {
        if lang != self.lang()
            && let Ok(localizer) = shell_localizer(lang)
        {
            self.set_localizer(localizer);
        }
    }

    /// The app's language now.
    pub fn lang(&self) -> Lang {
        self.localizer().lang()
    }

    /// The core for a change of session (sign-in, sign-out, clearing the device): stops the
    /// event stream, which holds a read lock as long as it is open, then waits for the lock.
    pub async fn core_mut(&self) -> CoreWriter<'_> {
        ring(&self.push_bell);
        CoreWriter {
            guard: self.core.write().await,
            bell: &self.push_bell,
        }
    }
}
