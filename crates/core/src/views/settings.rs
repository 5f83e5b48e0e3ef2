//! The settings screen: the app's language, the device's choices (tray, open at login, text
//! size, contrast), the notification settings, and where the tokens are kept.

use serde::{Deserialize, Serialize};

use crate::error::CoreError;
use crate::i18n::Lang;
use crate::preferences::{DeviceChoices, Settings, TEXT_SIZES};
use crate::store::notify_state::{DeviceQuietHours, NotifySettings};
use crate::vault::TokenStorage;

/// The categories of OS notifications the person wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(rename = "NotificationCategories")
)]
pub struct CategoriesView {
    pub status: bool,
    pub delivery: bool,
    pub renewal: bool,
    pub notice: bool,
}

/// No OS notifications between `from` and `to` (`HH:MM`, local time; may wrap midnight).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "DeviceQuietHours"))]
pub struct QuietHoursView {
    pub from: String,
    pub to: String,
}

/// `Settings`, as the shell sends it and as the UI sends it back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "Settings"))]
#[serde(rename_all = "camelCase")]
pub struct SettingsView {
    /// Text rather than a language, so that a language the app does not know is refused as
    /// the field `language` (by `settings_from_view`) rather than as a malformed argument.
    #[cfg_attr(feature = "ts", ts(as = "Lang"))]
    pub language: String,
    pub categories: CategoriesView,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub quiet_hours: Option<QuietHoursView>,
    /// Where the tokens are kept: the system keyring, or a file only this user can read. Shown
    /// on the screen; a value sent back is ignored.
    #[serde(default)]
    pub token_storage: TokenStorage,
    /// Closing the window keeps the app in the system tray (a personal desktop only).
    pub keep_in_tray: bool,
    /// The app starts at login to the desktop.
    pub open_at_login: bool,
    /// Text size in percent of the system's, 100 to 200.
    pub text_size: u16,
    /// The high-contrast theme.
    pub high_contrast: bool,
}

fn clock_text(minute: u16) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// Minutes after midnight of `HH:MM` (24-hour clock).
fn clock_minute(text: &str) -> Option<u16> {
    let (hours, minutes) = text.trim().split_once(':')?;
    let valid = |part: &str| part.len() == 2 && part.chars().all(|c| c.is_ascii_digit());
    if !valid(hours) || !valid(minutes) {
        return None;
    }
    let (hours, minutes): (u16, u16) = (hours.parse().ok()?, minutes.parse().ok()?);
    (hours < 24 && minutes < 60).then_some(hours * 60 + minutes)
}

/// The core's settings as the settings screen shows them.
pub fn settings_view(settings: &Settings) -> SettingsView {
    let notify = &settings.notify;
    SettingsView {
        language: settings.language.code().to_owned(),
        categories: CategoriesView {
            status: notify.status,
            delivery: notify.delivery,
            renewal: notify.renewal,
            notice: notify.notice,
        },
        quiet_hours: notify.quiet_hours.map(|quiet| QuietHoursView {
            from: clock_text(quiet.start_minute),
            to: clock_text(quiet.end_minute),
        }),
        token_storage: settings.token_storage,
        keep_in_tray: settings.device.keep_in_tray,
        open_at_login: settings.device.open_at_login,
        text_size: settings.device.text_size,
        high_contrast: settings.device.high_contrast,
    }
}

/// The settings the screen sent, laid over `current` (which keeps what the screen does not
/// show: the UTC offset and the shared-device switch). Refused fields are named as the UI
/// names them.
pub fn settings_from_view(current: &Settings, view: &SettingsView) -> Result<Settings, CoreError> {
    let mut refused = Vec::new();
    let language = Lang::parse(&view.language)
        .filter(|lang| lang.code() == view.language)
        .unwrap_or_else(|| {
            refused.push("language".to_owned());
            current.language
        });
    let quiet_hours = match &view.quiet_hours {
        None => None,
        Some(quiet) => {
            let start = clock_minute(&quiet.from);
            let end = clock_minute(&quiet.to);
            if start.is_none() {
                refused.push("quietHours.from".to_owned());
            }
            if end.is_none() {
                refused.push("quietHours.to".to_owned());
            }
            start
                .zip(end)
                .map(|(start_minute, end_minute)| DeviceQuietHours {
                    start_minute,
                    end_minute,
                })
        }
    };
    if !TEXT_SIZES.contains(&view.text_size) {
        refused.push("textSize".to_owned());
    }
    if !refused.is_empty() {
        return Err(CoreError::InvalidSettings(refused));
    }
    Ok(Settings {
        language,
        device: DeviceChoices {
            keep_in_tray: view.keep_in_tray,
            open_at_login: view.open_at_login,
            text_size: view.text_size,
            high_contrast: view.high_contrast,
        },
        token_storage: current.token_storage,
        notify: NotifySettings {
            status: view.categories.status,
            delivery: view.categories.delivery,
            renewal: view.categories.renewal,
            notice: view.categories.notice,
            quiet_hours,
            ..current.notify.clone()
        },
    })
}

/// The notification-settings screen: how the portal reaches the resident (per category: the
/// app, SMS, e-mail; when SMS wait), read from the portal each time and never cached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct NotificationSettingsView {
    pub settings: opendvc_api::NotificationSettings,
    /// Whether the profile has an e-mail address. Without one the e-mail switches are shown
    /// but cannot be changed, with the reason next to them.
    pub email_available: bool,
}

/// The notification settings as the screen and `opendvc notifications` show them.
pub fn notification_settings_view(
    settings: opendvc_api::NotificationSettings,
    email_available: bool,
) -> NotificationSettingsView {
    NotificationSettingsView {
        settings,
        email_available,
    }
}

/// Refuses quiet hours whose times are not `HH:MM` (24-hour clock, two digits each) before
/// anything is sent, naming the fields as the screen names them.
pub fn check_notification_settings(
    settings: &opendvc_api::NotificationSettings,
) -> Result<(), CoreError> {
    let quiet = &settings.quiet_hours;
    let canonical = |text: &str| clock_minute(text).map(clock_text).as_deref() == Some(text);
    let refused: Vec<String> = [
        ("quietHours.start", &quiet.start),
        ("quietHours.end", &quiet.end),
    ]
    .into_iter()
    .filter(|(_, text)| !canonical(text))
    .map(|(field, _)| field.to_owned())
    .collect();
    if refused.is_empty() {
        Ok(())
    } else {
        Err(CoreError::InvalidSettings(refused))
    }
}
