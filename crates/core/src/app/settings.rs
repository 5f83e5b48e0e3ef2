//! The settings screen's choices as the façade keeps them: the device's language in
//! `preferences.json`, the person's notification settings in their profile
//! ([`crate::preferences`]).

use super::OpenDvc;
use crate::error::CoreError;
use crate::i18n::Lang;
use crate::preferences::{PreferencesFile, Settings};
use crate::store::notify_state::NotifySettings;

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
            notify,
            token_storage: self.token_storage(),
        })
    }

    /// Stores the settings and returns them as stored (`token_storage` is not a choice and is
    /// ignored). Without a profile only the language can change: notification settings need the person's profile, so changing them then is
    /// refused with [`CoreError::NotSignedIn`] before anything is stored.
    pub fn save_settings(&self, settings: &Settings) -> Result<Settings, CoreError> {
        let has_profile = self.profile_dir().is_some();
        if !has_profile && settings.notify != NotifySettings::default() {
            return Err(CoreError::NotSignedIn);
        }
        PreferencesFile::of(&self.options().data_dir)
            .set_language(settings.language)
            .map_err(CoreError::Preferences)?;
        if has_profile {
            self.set_notify_settings(&settings.notify)?;
        }
        self.settings()
    }
}
