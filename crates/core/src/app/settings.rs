//! The settings screen's choices as the façade keeps them: the device's language in
//! `preferences.json`, the person's notification settings in their profile
//! ([`crate::preferences`]); and how the portal reaches the citizen (per category: the app,
//! SMS, e-mail; quiet hours for SMS), read from and written to the portal, never kept.

use opendvc_api::NotificationSettings;

use super::{ActiveProfile, OpenDvc};
use crate::error::CoreError;
use crate::i18n::Lang;
use crate::preferences::{PreferencesFile, Settings};
use crate::store::notify_state::NotifySettings;
use crate::views::settings::{
    NotificationSettingsView, check_notification_settings, notification_settings_view,
};

impl OpenDvc {
    /// The language the app speaks: the one chosen in the settings on this device, else the
    /// one the app was started with.
    pub fn language(&self) -> Lang {
        PreferencesFile::of(&self.options().data_dir)
            .language()
            .unwrap_or(self.options().language)
    }

    /// The language of notifications and the calendar export: the device's choice, else the
    /// portal profile's language, else the language the app was started with.
    pub(crate) fn notice_language(&self, profile_language: Option<&str>) -> Lang {
        PreferencesFile::of(&self.options().data_dir)
            .language()
            .or_else(|| profile_language.and_then(Lang::parse))
            .unwrap_or(self.options().language)
    }

    /// The current settings. Before anyone signs in the notification settings are the
    /// defaults a new profile starts with.
    pub fn settings(&self) -> Result<Settings, CoreError> {
        let notify = match self.profile_dir() {
            Some(_) => self.notify_settings()?,
            None => NotifySettings::default(),
        };
        Ok(Settings {
            language: self.language(),
            device: PreferencesFile::of(&self.options().data_dir).device_choices(),
            notify,
            token_storage: self.token_storage(),
        })
    }

    /// Stores the settings and returns them as stored (`token_storage` is not a choice and is
    /// ignored). Without a profile only the language and the device's choices can change:
    /// notification settings need the person's profile, so changing them then is
    /// refused with [`CoreError::NotSignedIn`] before anything is stored.
    pub fn save_settings(&self, settings: &Settings) -> Result<Settings, CoreError> {
        let has_profile = self.profile_dir().is_some();
        if !has_profile && settings.notify != NotifySettings::default() {
            return Err(CoreError::NotSignedIn);
        }
        let preferences = PreferencesFile::of(&self.options().data_dir);
        preferences
            .set_language(settings.language)
            .map_err(CoreError::Preferences)?;
        preferences
            .set_device_choices(settings.device)
            .map_err(CoreError::Preferences)?;
        if has_profile {
            self.set_notify_settings(&settings.notify)?;
        }
        self.settings()
    }

    /// How the portal reaches the citizen (per category: the app, SMS, e-mail; when SMS
    /// wait), read from the portal each time: the portal sends the SMS and e-mail, so its copy
    /// is the only one. Only in the citizen's own sign-in, never in an assisted session (the
    /// choice is the citizen's, not the staff member's); offline it fails with the client's
    /// offline error and nothing changes.
    pub async fn notification_settings(&self) -> Result<NotificationSettingsView, CoreError> {
        let profile = self.own_profile()?;
        let result = profile.client.notification_settings().await;
        self.note_client_result(&result);
        let settings = result?;
        Ok(notification_settings_view(
            settings,
            self.email_available(profile)?,
        ))
    }

    /// Replaces the citizen's notification settings at the portal and returns them as the
    /// portal stored them. Times that are not `HH:MM` are refused before anything is sent;
    /// offline nothing is queued (a choice made on a device that stays offline would reach
    /// the portal later than the messages it is about), the caller keeps what was typed and
    /// says the settings cannot be changed offline. Once the portal stored them, this
    /// device's desktop notifications follow the `app` channel of each category (the
    /// settings screen's categories), so switching the app off is not only a wish at the
    /// portal.
    pub async fn save_notification_settings(
        &self,
        settings: &NotificationSettings,
    ) -> Result<NotificationSettingsView, CoreError> {
        let profile = self.own_profile()?;
        check_notification_settings(settings)?;
        let result = profile.client.put_notification_settings(settings).await;
        self.note_client_result(&result);
        let stored = result?;
        let mut device = self.notify_settings()?;
        device.status = stored.status.app;
        device.delivery = stored.delivery.app;
        device.renewal = stored.renewal.app;
        self.set_notify_settings(&device)?;
        Ok(notification_settings_view(
            stored,
            self.email_available(profile)?,
        ))
    }

    /// The open profile when it is the citizen's own sign-in with tokens.
    fn own_profile(&self) -> Result<&ActiveProfile, CoreError> {
        let profile = self.active()?;
        if profile.assisted.is_some() {
            return Err(CoreError::NotificationSettingsOwnSignInOnly);
        }
        if !profile.session.is_signed_in() {
            return Err(CoreError::NotSignedIn);
        }
        Ok(profile)
    }

    /// Whether the cached profile has an e-mail address.
    fn email_available(&self, profile: &ActiveProfile) -> Result<bool, CoreError> {
        let cached = profile.cache.read(crate::store::profile::load)?;
        Ok(cached
            .and_then(|person| person.email)
            .is_some_and(|email| !email.trim().is_empty()))
    }
}
