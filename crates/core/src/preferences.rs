//! The settings screen's choices: the language, which belongs to the device and is kept in
//! `preferences.json` beside `session.json` (it is chosen before anyone signs in and outlives a
//! sign-out), and the notification settings, which belong to the person and live in the
//! profile's cache ([`crate::store::notify_state`]).
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

/// What `preferences.json` holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct Preferences {
    /// `vi`, `en` or `id`; absent until the person chooses.
    language: Option<String>,
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

    /// The language the person chose on this device, if any. A missing or unreadable file
    /// means no choice yet: it only costs the person choosing again.
    pub fn language(&self) -> Option<Lang> {
        let bytes = std::fs::read(&self.path).ok()?;
        let preferences: Preferences = serde_json::from_slice(&bytes).ok()?;
        preferences.language.as_deref().and_then(Lang::parse)
    }

    /// Stores the language through a private temporary file renamed into place, so a crash
    /// leaves the old choice or the new one, never half a file.
    pub fn set_language(&self, lang: Lang) -> std::io::Result<()> {
        let preferences = Preferences {
            language: Some(lang.code().to_owned()),
        };
        let json = serde_json::to_vec_pretty(&preferences).map_err(std::io::Error::other)?;
        crate::session::write_private(&self.path, &json)
    }
}

/// The settings screen: the app's language and the person's notification settings, and
/// where the tokens are kept (shown, not chosen: the core takes the OS keyring when one
/// answers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub language: Lang,
    pub notify: NotifySettings,
    pub token_storage: TokenStorage,
}
