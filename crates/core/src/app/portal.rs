//! What the façade reads from the portal: sync, the catalog with its reference data, and
//! the citizen's access log (never kept).

use chrono::Datelike;
use opendvc_api::AdminUnits;

use super::OpenDvc;
use crate::error::CoreError;
use crate::events::CoreEvent;
use crate::store::{meta, reference};
use crate::sync::{self, CatalogRefresh, PullReport, SyncError};
use crate::views::access_log::{AccessLogView, access_log_view};
use crate::views::session::SyncReport;

impl OpenDvc {
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
        // Choices made on this device go first, so the pull does not bring an older one back.
        let sent = self.send_reminder_choices().await;
        if let Err(CoreError::Client(error)) = &sent
            && error.is_offline()
        {
            self.set_online(false);
        }
        sent?;
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
    pub async fn access_log(&self, cursor: Option<&str>) -> Result<AccessLogView, CoreError> {
        let profile = self.active()?;
        if profile.assisted.is_some() {
            return Err(CoreError::AccessLogOwnSignInOnly);
        }
        if !profile.session.is_signed_in() {
            return Err(CoreError::NotSignedIn);
        }
        let result = profile.client.access_log(cursor).await;
        self.note_client_result(&result);
        Ok(access_log_view(result?))
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
            return Ok(std::sync::Arc::unwrap_or_clone(units));
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
}
