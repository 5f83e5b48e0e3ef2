//! The settings screen's choices: the language and the device's own choices (staying in the
//! tray when the window closes, opening at login, the text size, high contrast), which belong
//! to the device and are kept in `preferences.json` beside `session.json` (they are chosen
//! before anyone signs in and outlive a sign-out), and the notification settings, which belong
//! to the person and live in the profile's cache ([`crate::store::notify_state`]).
//!
//! The language chosen here is the one the app speaks and the one notifications and the
//! calendar export are written in; before anyone chooses, the app speaks the language it was
//! started with (`OpenDvcOptions::language`) and notifications follow the language of
//! the person's portal profile.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::i18n::Lang;
use crate::session::DataDir;
use crate::store::notify_state::NotifySettings;
use crate::vault::TokenStorage;

/// What `preferences.json` holds. Every field may be missing (a file from an older version,
/// or none yet): a missing choice is the default one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct Preferences {
    /// `vi`, `en` or `id`; absent until the person chooses.
    language: Option<String>,
    /// Absent until the person chooses: then the window closing keeps the app in the tray.
    keep_in_tray: Option<bool>,
    open_at_login: bool,
    /// Percent of the system's text size; absent or out of range means 100.
    text_size: Option<u16>,
    high_contrast: bool,
}

/// The smallest and largest text size the settings offer, in percent of the system's.
pub const TEXT_SIZES: std::ops::RangeInclusive<u16> = 100..=200;

/// The device's own choices on the settings screen (not the person's: they stay with the
/// device through sign-outs and apply before anyone signs in).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeviceChoices {
    /// On a personal desktop, closing the window keeps the app running in the system tray, so
    /// push notifications and renewal reminders keep arriving. A shared device always quits.
    pub keep_in_tray: bool,
    /// The app starts when the person logs in to the desktop.
    pub open_at_login: bool,
    /// The UI's text size in percent of the system's, within [`TEXT_SIZES`].
    pub text_size: u16,
    /// The high-contrast theme.
    pub high_contrast: bool,
}

impl Default for DeviceChoices {
    fn default() -> DeviceChoices {
        DeviceChoices {
            keep_in_tray: true,
            open_at_login: false,
            text_size: *TEXT_SIZES.start(),
            high_contrast: false,
        }
    }
}

/// `preferences.json`, written atomically.
#[derive(Debug, Clone)]
pub struct PreferencesFile {
    path: PathBuf,
}

impl PreferencesFile {
    /// The data folder's `preferences.json`.
    pub fn of(data_dir: &DataDir) -> PreferencesFile {
        PreferencesFile {
            path: data_dir.preferences_path(),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What the file holds. A missing or unreadable file means no choice yet: it only costs
    /// the person choosing again.
    fn read(&self) -> Preferences {
        std::fs::read(&self.path)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    /// Stores the preferences through a private temporary file renamed into place, so a crash
    /// leaves the old choices or the new ones, never half a file.
    fn write(&self, preferences: &Preferences) -> std::io::Result<()> {
        let json = serde_json::to_vec_pretty(preferences).map_err(std::io::Error::other)?;
        crate::session::write_private(&self.path, &json)
    }

    /// The language the person chose on this device, if any.
    pub fn language(&self) -> Option<Lang> {
        self.read().language.as_deref().and_then(Lang::parse)
    }

    /// Stores the language, keeping the device's other choices.
    pub fn set_language(&self, lang: Lang) -> std::io::Result<()> {
        let mut preferences = self.read();
        preferences.language = Some(lang.code().to_owned());
        self.write(&preferences)
    }

    /// The device's choices; the defaults for what was never chosen.
    pub fn device_choices(&self) -> DeviceChoices {
        let preferences = self.read();
        let defaults = DeviceChoices::default();
        DeviceChoices {
            keep_in_tray: preferences.keep_in_tray.unwrap_or(defaults.keep_in_tray),
            open_at_login: preferences.open_at_login,
            text_size: preferences
                .text_size
                .filter(|size| TEXT_SIZES.contains(size))
                .unwrap_or(defaults.text_size),
            high_contrast: preferences.high_contrast,
        }
    }

    /// Stores the device's choices, keeping the language.
    pub fn set_device_choices(&self, choices: DeviceChoices) -> std::io::Result<()> {
        let mut preferences = self.read();
        preferences.keep_in_tray = Some(choices.keep_in_tray);
        preferences.open_at_login = choices.open_at_login;
        preferences.text_size = Some(choices.text_size);
        preferences.high_contrast = choices.high_contrast;
        self.write(&preferences)
    }
}

/// The settings screen: the app's language, the device's choices, the person's notification
/// settings, and where the tokens are kept (shown, not chosen: the core takes the OS keyring
/// when one answers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub language: Lang,
    pub device: DeviceChoices,
    pub notify: NotifySettings,
    pub token_storage: TokenStorage,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_choices_survive_a_restart_and_keep_the_language() {
        let dir = tempfile::tempdir().expect("a data folder");
        let file = PreferencesFile::of(&DataDir::new(dir.path()));
        assert_eq!(
            file.device_choices(),
            DeviceChoices::default(),
            "nothing chosen yet"
        );
        assert!(
            DeviceChoices::default().keep_in_tray,
            "the tray is on until the person turns it off"
        );
        file.set_language(Lang::En).expect("the language is stored");
        let chosen = DeviceChoices {
            keep_in_tray: false,
            open_at_login: true,
            text_size: 175,
            high_contrast: true,
        };
        file.set_device_choices(chosen)
            .expect("the choices are stored");
        let reopened = PreferencesFile::of(&DataDir::new(dir.path()));
        assert_eq!(reopened.device_choices(), chosen);
        assert_eq!(reopened.language(), Some(Lang::En), "the language is kept");
        reopened.set_language(Lang::Id).expect("stored");
        assert_eq!(
            reopened.device_choices(),
            chosen,
            "a new language keeps the device's choices"
        );
    }

    #[test]
    fn a_text_size_out_of_range_in_the_file_reads_as_the_systems() {
        let dir = tempfile::tempdir().expect("a data folder");
        let file = PreferencesFile::of(&DataDir::new(dir.path()));
        std::fs::write(file.path(), br#"{"textSize": 900, "keepInTray": false}"#).expect("written");
        let choices = file.device_choices();
        assert_eq!(choices.text_size, 100);
        assert!(!choices.keep_in_tray);
    }
}
