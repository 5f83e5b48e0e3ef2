//! Notification handling: which inbox items become an OS notification, and its text.
//!
//! Every change reaches the inbox (the portal writes inbox items, sync brings them). Whether
//! the device also shows a notification is decided here from the person's settings: the
//! category must be switched on and `now` must be outside the quiet hours. The text comes
//! from `locales/*/notify.ftl` in the person's language; on a shared device it is generic and
//! carries nothing from the item (no name, code, procedure or ID number).

use std::fmt::Debug;

use chrono::{DateTime, NaiveDate, Utc};
use opendvc_api::{InboxCategory, InboxItem};
use serde::Serialize;
use uuid::Uuid;

use crate::i18n::{Arg, CORE_SOURCES, Lang, LocaleError, LocaleSource, Localizer};
use crate::store::notify_state::NotifySettings;

/// The notification texts (`locales/*/notify.ftl`).
pub use crate::i18n::NOTIFY_SOURCES;

/// A localizer with the core's and the notification messages in `lang`.
pub fn localizer(lang: Lang) -> Result<Localizer, LocaleError> {
    let sources: Vec<LocaleSource> = CORE_SOURCES
        .iter()
        .chain(NOTIFY_SOURCES.iter())
        .copied()
        .collect();
    Localizer::new(lang, &sources)
}

/// An OS notification to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Notification {
    pub category: InboxCategory,
    pub title: String,
    pub body: String,
    /// Where a click leads: `opendvc://applications/{id}`, `opendvc://documents/{id}`,
    /// `opendvc://feedback/{id}` or `opendvc://inbox`.
    pub target: String,
    /// The inbox item it announces, if any (reminders computed on the device have none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inbox_item_id: Option<Uuid>,
}

/// Shows notifications: the desktop shell implements it on the OS, tests record.
pub trait Notifier: Send + Sync + Debug {
    /// Shows `notification`. A failure to show one is the implementation's to log: the inbox
    /// already holds the item, so nothing is lost.
    fn show(&self, notification: &Notification);
}

/// A notifier that only records what it was asked to show; for tests (feature `test-support`).
#[cfg(any(test, feature = "test-support"))]
#[derive(Debug, Default)]
pub struct RecordingNotifier {
    shown: std::sync::Mutex<Vec<Notification>>,
}

#[cfg(any(test, feature = "test-support"))]
impl RecordingNotifier {
    /// Everything shown so far, oldest first.
    pub fn shown(&self) -> Vec<Notification> {
        self.shown
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }
}

#[cfg(any(test, feature = "test-support"))]
impl Notifier for RecordingNotifier {
    fn show(&self, notification: &Notification) {
        self.shown
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(notification.clone());
    }
}

/// Whether the settings let a notification of `category` through at `now`.
pub fn allowed(settings: &NotifySettings, category: InboxCategory, now: DateTime<Utc>) -> bool {
    let switched_on = match category {
        InboxCategory::Status | InboxCategory::Feedback => settings.status,
        InboxCategory::Delivery => settings.delivery,
        InboxCategory::Renewal => settings.renewal,
        InboxCategory::Notice | InboxCategory::Unknown => settings.notice,
    };
    if !switched_on {
        return false;
    }
    match settings.quiet_hours {
        None => true,
        Some(quiet) => !quiet.contains(local_minute(settings, now)),
    }
}

/// Minutes after local midnight at `now`, in the settings' UTC offset.
fn local_minute(settings: &NotifySettings, now: DateTime<Utc>) -> u16 {
    let minutes = now.timestamp().div_euclid(60) + i64::from(settings.utc_offset_minutes);
    u16::try_from(minutes.rem_euclid(24 * 60)).unwrap_or(0)
}

fn category_id(category: InboxCategory) -> &'static str {
    match category {
        InboxCategory::Status => "status",
        InboxCategory::Feedback => "feedback",
        InboxCategory::Delivery => "delivery",
        InboxCategory::Renewal => "renewal",
        InboxCategory::Notice | InboxCategory::Unknown => "notice",
    }
}

fn target_for(item: &InboxItem) -> String {
    match (item.feedback_id, item.application_id, item.document_id) {
        (Some(feedback), _, _) => format!("opendvc://feedback/{feedback}"),
        (None, Some(application), _) => format!("opendvc://applications/{application}"),
        (None, None, Some(document)) => format!("opendvc://documents/{document}"),
        (None, None, None) => "opendvc://inbox".to_owned(),
    }
}

/// The notification for a new inbox item, or `None` when the settings hold it back.
pub fn for_inbox_item(
    item: &InboxItem,
    settings: &NotifySettings,
    texts: &Localizer,
    now: DateTime<Utc>,
) -> Option<Notification> {
    if !allowed(settings, item.category, now) {
        return None;
    }
    let category = category_id(item.category);
    let (title, body) = if settings.shared_device {
        (
            texts.text(&format!("notify-shared-{category}-title")),
            texts.text("notify-shared-body"),
        )
    } else {
        let lang = texts.lang().code();
        (
            texts.text(&format!("notify-{category}-title")),
            texts.format(
                "notify-item-body",
                &[
                    ("title", Arg::from(item.title.get(lang))),
                    ("body", Arg::from(item.body.get(lang))),
                ],
            ),
        )
    };
    Some(Notification {
        category: item.category,
        title,
        body,
        target: target_for(item),
        inbox_item_id: Some(item.id),
    })
}

/// The notification for a renewal reminder computed on the device, or `None` when the
/// settings hold it back.
pub fn for_reminder(
    document_id: Uuid,
    kind_name: &str,
    expires_on: NaiveDate,
    days_left: i64,
    settings: &NotifySettings,
    texts: &Localizer,
    now: DateTime<Utc>,
) -> Option<Notification> {
    if !allowed(settings, InboxCategory::Renewal, now) {
        return None;
    }
    let (title, body) = if settings.shared_device {
        (
            texts.text("notify-shared-renewal-title"),
            texts.text("notify-shared-body"),
        )
    } else {
        (
            texts.text("notify-renewal-title"),
            texts.format(
                "notify-reminder-body",
                &[
                    ("kind", Arg::from(kind_name)),
                    ("date", Arg::from(expires_on.format("%d/%m/%Y").to_string())),
                    ("days", Arg::from(days_left)),
                ],
            ),
        )
    };
    Some(Notification {
        category: InboxCategory::Renewal,
        title,
        body,
        target: format!("opendvc://documents/{document_id}"),
        inbox_item_id: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::message_ids;
    use crate::store::notify_state::DeviceQuietHours;
    use chrono::TimeZone;
    use opendvc_api::LocalizedText;

    fn item(category: InboxCategory) -> InboxItem {
        InboxItem {
            feedback_id: None,
            id: Uuid::now_v7(),
            at: Utc
                .with_ymd_and_hms(2026, 11, 29, 3, 0, 0)
                .single()
                .expect("time")
                .fixed_offset(),
            category,
            title: LocalizedText {
                vi: "Hồ sơ DNG-2026-000123 của Nguyễn Thị Lan".into(),
                en: "Application DNG-2026-000123 of Nguyen Thi Lan".into(),
                id: None,
            },
            body: LocalizedText {
                vi: "Cấp đổi thẻ căn cước: đang xử lý".into(),
                en: "ID card renewal: processing".into(),
                id: None,
            },
            application_id: Some(Uuid::now_v7()),
            document_id: None,
        }
    }

    fn at_local(hour: u32, minute: u32) -> DateTime<Utc> {
        // Local time is UTC+7 by default.
        opendvc_rules::VIETNAM
            .with_ymd_and_hms(2026, 11, 29, hour, minute, 0)
            .single()
            .expect("time")
            .with_timezone(&Utc)
    }

    #[test]
    fn every_notify_message_exists_in_every_language() {
        let vietnamese = message_ids(NOTIFY_SOURCES[0].text);
        assert!(vietnamese.len() >= 10);
        for source in &NOTIFY_SOURCES[1..] {
            assert_eq!(message_ids(source.text), vietnamese, "{}", source.name);
        }
    }

    #[test]
    fn a_switched_off_category_and_quiet_hours_hold_notifications_back() {
        let texts = localizer(Lang::Vi).expect("texts");
        let mut settings = NotifySettings::default();
        assert!(
            for_inbox_item(
                &item(InboxCategory::Status),
                &settings,
                &texts,
                at_local(12, 0)
            )
            .is_some()
        );
        settings.status = false;
        assert!(
            for_inbox_item(
                &item(InboxCategory::Status),
                &settings,
                &texts,
                at_local(12, 0)
            )
            .is_none()
        );
        assert!(
            for_inbox_item(
                &item(InboxCategory::Delivery),
                &settings,
                &texts,
                at_local(12, 0)
            )
            .is_some()
        );
        settings.quiet_hours = Some(DeviceQuietHours {
            start_minute: 22 * 60,
            end_minute: 7 * 60,
        });
        assert!(
            for_inbox_item(
                &item(InboxCategory::Delivery),
                &settings,
                &texts,
                at_local(23, 30)
            )
            .is_none()
        );
        assert!(
            for_inbox_item(
                &item(InboxCategory::Delivery),
                &settings,
                &texts,
                at_local(6, 59)
            )
            .is_none()
        );
        assert!(
            for_inbox_item(
                &item(InboxCategory::Delivery),
                &settings,
                &texts,
                at_local(7, 0)
            )
            .is_some()
        );
    }

    #[test]
    fn shared_device_notifications_carry_nothing_from_the_item() {
        for lang in Lang::ALL {
            let texts = localizer(lang).expect("texts");
            let settings = NotifySettings {
                shared_device: true,
                ..NotifySettings::default()
            };
            for category in [
                InboxCategory::Status,
                InboxCategory::Delivery,
                InboxCategory::Renewal,
                InboxCategory::Notice,
            ] {
                let item = item(category);
                let shown =
                    for_inbox_item(&item, &settings, &texts, at_local(12, 0)).expect("shown");
                let text = format!("{} {}", shown.title, shown.body);
                for secret in [
                    "DNG-2026-000123",
                    "Lan",
                    "Nguyen",
                    "Nguyễn",
                    "căn cước",
                    "ID card",
                ] {
                    assert!(!text.contains(secret), "{lang}: {text}");
                }
                assert!(!shown.title.starts_with("notify-"), "{lang}: {text}");
            }
            let reminder = for_reminder(
                Uuid::now_v7(),
                "Hộ chiếu",
                NaiveDate::from_ymd_opt(2027, 1, 1).expect("date"),
                30,
                &settings,
                &texts,
                at_local(12, 0),
            )
            .expect("shown");
            assert!(!reminder.body.contains("Hộ chiếu"));
        }
    }

    #[test]
    fn notifications_are_in_the_persons_language_and_open_the_application() {
        let item = item(InboxCategory::Status);
        let english = for_inbox_item(
            &item,
            &NotifySettings::default(),
            &localizer(Lang::En).expect("texts"),
            at_local(12, 0),
        )
        .expect("shown");
        assert!(english.body.contains("ID card renewal"), "{}", english.body);
        let vietnamese = for_inbox_item(
            &item,
            &NotifySettings::default(),
            &localizer(Lang::Vi).expect("texts"),
            at_local(12, 0),
        )
        .expect("shown");
        assert!(vietnamese.body.contains("Cấp đổi"), "{}", vietnamese.body);
        assert_ne!(english.title, vietnamese.title);
        assert_eq!(
            english.target,
            format!(
                "opendvc://applications/{}",
                item.application_id.expect("application")
            )
        );
    }
    #[test]
    fn a_feedback_answer_notifies_like_a_status_and_leads_to_the_feedback_item() {
        let feedback_id = Uuid::now_v7();
        let answered = InboxItem {
            application_id: None,
            feedback_id: Some(feedback_id),
            ..item(InboxCategory::Feedback)
        };
        let texts = localizer(Lang::Vi).expect("texts");
        let mut settings = NotifySettings::default();
        let shown = for_inbox_item(&answered, &settings, &texts, at_local(12, 0))
            .expect("a feedback answer is shown");
        assert_eq!(
            shown.target,
            format!("opendvc://feedback/{feedback_id}"),
            "a click opens the feedback item"
        );
        assert_eq!(shown.title, texts.text("notify-feedback-title"));
        assert!(
            shown.body.contains("Cấp đổi"),
            "the body carries the inbox item's text: {}",
            shown.body
        );

        settings.shared_device = true;
        let shared = for_inbox_item(&answered, &settings, &texts, at_local(12, 0))
            .expect("shown on a shared device too");
        assert_eq!(shared.title, texts.text("notify-shared-feedback-title"));
        assert_eq!(
            shared.body,
            texts.text("notify-shared-body"),
            "a shared device shows no personal data"
        );

        settings.shared_device = false;
        settings.status = false;
        assert!(
            for_inbox_item(&answered, &settings, &texts, at_local(12, 0)).is_none(),
            "feedback follows the status switch"
        );
    }
}
