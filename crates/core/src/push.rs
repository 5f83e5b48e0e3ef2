//! The event-stream task: while signed in and online the core holds `GET /v1/events`, and on
//! each event pulls `/v1/sync` (push is a hint, sync is the truth), so the cache changes only
//! the way a sync changes it. Events are deduplicated by id and the last id is stored, so a
//! restart resumes with `Last-Event-ID`. When the stream cannot be held the task waits with
//! back-off (the core's clock-free [`BackoffPolicy`](crate::queue::BackoffPolicy), jitter
//! injected) and pulls `/v1/sync` before every reconnect: that is the polling fallback. A
//! `reset` event (the portal cannot replay from the id) leads to a full sync from the start.
//!
//! Every inbox item new to the cache is handed to notification handling ([`crate::notify`]).

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use std::collections::BTreeSet;

use opendvc_api::{InboxCategory, InboxItem, PushEvent, PushEventKind};
use serde::Serialize;
use uuid::Uuid;

use crate::app::OpenDvc;
use crate::client::{ClientError, PortalClient};
use crate::error::CoreError;
use crate::events::CoreEvent;
use crate::notify::{self, Notification, Notifier};
use crate::reminders::notice_id;
use crate::store::{Cache, meta, notify_state, profile};
use crate::sync::{PullReport, SyncError};
use crate::views::session::SyncReport;

/// Most pages one pull takes before it hands over; the next event or reconnect continues.
const MAX_PAGES: u32 = 10_000;

/// What the watch loop saw; `opendvc watch` prints these.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(
    tag = "type",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
pub enum WatchEvent {
    /// The event stream is open.
    Connected { last_event_id: Option<String> },
    /// An event arrived and the sync it caused is done.
    Event {
        event: PushEvent,
        pulled: PullReport,
    },
    /// An event whose id was handled before; nothing was done.
    Duplicate { event: PushEvent },
    /// A new inbox item reached the cache; `notification` is what the device showed, if the
    /// settings let one through.
    Inbox {
        item: Box<InboxItem>,
        notification: Option<Notification>,
    },
    /// The stream is cut or could not be opened; the next attempt is in `retry_in_ms`.
    Disconnected { reason: String, retry_in_ms: u64 },
}

/// Whether an error means the person must sign in again, which no retry can fix.
fn needs_sign_in(error: &ClientError) -> bool {
    matches!(
        error,
        ClientError::Unauthorized { .. } | ClientError::NotSignedIn
    )
}

/// Pulls `/v1/sync` to the end, page by page as [`crate::sync::pull`] does, and returns the
/// inbox items that were new to the cache. On the very first sync (no cursor) the inbox is
/// history, not news: nothing is returned.
async fn pull_new_items(
    client: &PortalClient,
    cache: &Cache,
    now: impl Fn() -> chrono::DateTime<chrono::Utc>,
) -> Result<(PullReport, Vec<InboxItem>), SyncError> {
    let mut report = PullReport::default();
    let mut fresh = Vec::new();
    let mut cursor = cache.read(|conn| meta::get(conn, meta::SYNC_CURSOR))?;
    let first_sync = cursor.is_none();
    loop {
        let page = client.sync(cursor.as_deref()).await?;
        if page.has_more && cursor.as_deref() == Some(page.cursor.as_str()) {
            return Err(SyncError::Client(ClientError::Malformed {
                what: "sync page: hasMore without a new cursor".to_owned(),
            }));
        }
        let ids: Vec<_> = page.inbox.iter().map(|item| item.id).collect();
        let known = cache.read(|conn| notify_state::known_inbox_ids(conn, &ids))?;
        cache.apply_sync_page(&page, now())?;
        if !first_sync {
            fresh.extend(
                page.inbox
                    .iter()
                    .filter(|item| !known.contains(&item.id))
                    .cloned(),
            );
        }
        report.pages += 1;
        report.applications += page.applications.len();
        report.documents += page.documents.len();
        report.inbox += page.inbox.len();
        report.profile |= page.profile.is_some();
        if !page.has_more || report.pages >= MAX_PAGES {
            return Ok((report, fresh));
        }
        cursor = Some(page.cursor);
    }
}

impl OpenDvc {
    /// Holds the event stream until `stop` completes or the session needs a new sign-in,
    /// reporting what happens to `on_event` and showing notifications through `notifier`.
    pub async fn watch(
        &self,
        notifier: Arc<dyn Notifier>,
        mut on_event: impl FnMut(WatchEvent),
        stop: impl Future<Output = ()>,
    ) -> Result<(), CoreError> {
        if !self.is_signed_in() {
            return Err(CoreError::NotSignedIn);
        }
        if !self.can_read() {
            // An assisted session without the `read` scope holds no event stream: it would
            // read the citizen's changes. Nothing to do until the caller stops.
            stop.await;
            return Ok(());
        }
        tokio::pin!(stop);
        let mut failures: u32 = 0;
        loop {
            let attempt = async {
                // Catch up first: this is also the polling fallback while the stream is down.
                self.pull_and_notify(notifier.as_ref(), &mut on_event)
                    .await?;
                let (cache, client, _) = self.parts()?;
                let last = match cache.read(notify_state::last_event_id)? {
                    Some(id) => Some(id),
                    None => cache.read(|conn| meta::get(conn, meta::SYNC_CURSOR))?,
                };
                let mut stream = client.open_events(last.as_deref()).await?;
                failures = 0;
                self.announce(None, Some(true));
                on_event(WatchEvent::Connected {
                    last_event_id: last,
                });
                while let Some(event) = stream.next().await? {
                    self.handle_event(event, notifier.as_ref(), &mut on_event)
                        .await?;
                }
                Ok::<(), CoreError>(())
            };
            let outcome = tokio::select! {
                () = &mut stop => return Ok(()),
                outcome = attempt => outcome,
            };
            let reason = match outcome {
                Ok(()) => "closed".to_owned(),
                Err(CoreError::Client(error)) if needs_sign_in(&error) => {
                    self.announce(Some(CoreEvent::SignInRequired), None);
                    return Err(CoreError::Client(error));
                }
                Err(CoreError::Client(error)) => {
                    if error.is_offline() {
                        self.announce(None, Some(false));
                    }
                    error.code().to_owned()
                }
                Err(CoreError::NotSignedIn) => return Err(CoreError::NotSignedIn),
                Err(other) => other.code().as_str().to_owned(),
            };
            failures = failures.saturating_add(1);
            let delay = self.parts()?.2.backoff.delay(failures, None);
            on_event(WatchEvent::Disconnected {
                reason,
                retry_in_ms: u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
            });
            tokio::select! {
                () = &mut stop => return Ok(()),
                () = tokio::time::sleep(delay.max(Duration::from_millis(1))) => {}
            }
        }
    }

    async fn handle_event(
        &self,
        event: PushEvent,
        notifier: &dyn Notifier,
        on_event: &mut impl FnMut(WatchEvent),
    ) -> Result<(), CoreError> {
        let (cache, _, _) = self.parts()?;
        if event.kind == PushEventKind::Reset {
            cache.write(notify_state::restart_sync)?;
            let pulled = self.pull_and_notify(notifier, on_event).await?;
            on_event(WatchEvent::Event { event, pulled });
            return Ok(());
        }
        let seen = cache
            .read(notify_state::last_event_id)?
            .and_then(|id| id.parse::<i64>().ok());
        let this = event.id.parse::<i64>().ok();
        if let (Some(seen), Some(this)) = (seen, this)
            && this <= seen
        {
            on_event(WatchEvent::Duplicate { event });
            return Ok(());
        }
        // The event id is also a sync cursor: a sync that already went past it has the change.
        let synced = cache
            .read(|conn| meta::get(conn, meta::SYNC_CURSOR))?
            .and_then(|cursor| cursor.parse::<i64>().ok());
        let pulled = match (this, synced) {
            (Some(this), Some(synced)) if this <= synced => PullReport::default(),
            _ => self.pull_and_notify(notifier, on_event).await?,
        };
        if this.is_some() {
            cache.write(|tx| notify_state::set_last_event_id(tx, &event.id))?;
        }
        on_event(WatchEvent::Event { event, pulled });
        Ok(())
    }

    /// Pulls `/v1/sync` and hands each new inbox item to notification handling.
    async fn pull_and_notify(
        &self,
        notifier: &dyn Notifier,
        on_event: &mut impl FnMut(WatchEvent),
    ) -> Result<PullReport, CoreError> {
        // Choices made on this device go first: the pull then brings them back as the portal
        // holds them, and does not bring an older one over them.
        self.send_reminder_choices().await?;
        let (cache, client, options) = self.parts()?;
        let clock = options.clock.clone();
        let (report, fresh) = pull_new_items(client, cache, || clock.now()).await?;
        if report.applications > 0 {
            self.announce(Some(CoreEvent::ApplicationsChanged), Some(true));
        }
        if report.inbox + report.documents > 0 || report.profile {
            self.announce(Some(CoreEvent::CacheChanged), Some(true));
        }
        if fresh.is_empty() {
            return Ok(report);
        }
        let mut settings = cache.read(notify_state::settings)?;
        // On a shared device, and always in an assisted session, a notification may be seen
        // by the next person at the screen: it says only that something changed.
        settings.shared_device |= self.options.shared_device
            || self
                .profile
                .as_ref()
                .is_some_and(|profile| profile.assisted.is_some());
        let person = cache.read(profile::load)?;
        let lang = self.notice_language(person.as_ref().map(|person| person.language.as_str()));
        // The message files are embedded and a test parses them, so only a broken build
        // fails here; the items are in the inbox either way.
        let Ok(texts) = notify::localizer(lang) else {
            return Ok(report);
        };
        // A renewal stage the device reminded of itself (offline, see `renewal::device_speaks`)
        // is not notified again when the portal's notice for it arrives: the notice stays in
        // the inbox, silently.
        let already_reminded: BTreeSet<Uuid> = cache
            .read(notify_state::fired_stages)?
            .into_iter()
            .map(|stage| notice_id(stage.document_id, stage.expires_on, stage.days_before))
            .collect();
        for item in fresh {
            let renewal = item.category == InboxCategory::Renewal;
            let notification = if renewal && already_reminded.contains(&item.id) {
                None
            } else {
                notify::for_inbox_item(&item, &settings, &texts, clock.now())
            };
            // A renewal notice the quiet hours hold back waits for them to end: the reminder
            // check after them shows it (`OpenDvc::reminders`).
            if renewal
                && notification.is_none()
                && !already_reminded.contains(&item.id)
                && settings.renewal
            {
                cache.write(|tx| notify_state::hold_notice(tx, item.id))?;
            }
            if let Some(notification) = &notification {
                notifier.show(notification);
            }
            on_event(WatchEvent::Inbox {
                item: Box::new(item),
                notification,
            });
        }
        Ok(report)
    }

    /// A sync like [`OpenDvc::sync_now`] whose new inbox items go to notification handling,
    /// for a periodic sync beside the event stream: an item is announced by whichever of the
    /// two brings it first.
    pub async fn sync_and_notify(&self, notifier: &dyn Notifier) -> Result<SyncReport, CoreError> {
        if !self.is_signed_in() {
            return Err(CoreError::NotSignedIn);
        }
        if !self.can_read() {
            return self.refresh_public_data().await;
        }
        let pulled = self.pull_and_notify(notifier, &mut |_event| {}).await;
        if let Err(CoreError::Client(error)) = &pulled
            && error.is_offline()
        {
            self.announce(None, Some(false));
        }
        let pull = pulled?;
        let catalog = self.refresh_catalog().await?;
        Ok(SyncReport { pull, catalog })
    }

    /// The person's notification settings.
    pub fn notify_settings(&self) -> Result<notify_state::NotifySettings, CoreError> {
        Ok(self.parts()?.0.read(notify_state::settings)?)
    }

    /// Stores the person's notification settings.
    pub fn set_notify_settings(
        &self,
        settings: &notify_state::NotifySettings,
    ) -> Result<(), CoreError> {
        Ok(self
            .parts()?
            .0
            .write(|tx| notify_state::save_settings(tx, settings))?)
    }
}
