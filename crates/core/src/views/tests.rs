//! The views' own tests: shapes the UI reads, and what the screens send back.

use chrono::NaiveDate;
use opendvc_api::{DeliveryChoice, LocalizedText};
use uuid::Uuid;

use super::*;
use crate::error::CoreError;
use crate::events::CoreEvent;
use crate::i18n::Lang;
use crate::preferences::{DeviceChoices, Settings};
use crate::reminders::ReminderChoice;
use crate::store::notify_state::{DeviceQuietHours, NotifySettings};
use crate::vault::TokenStorage;

#[test]
fn indonesian_falls_back_to_english_for_server_text() {
    let text = LocalizedText {
        vi: "Cấp đổi".to_owned(),
        en: "Renewal".to_owned(),
        id: None,
    };
    assert_eq!(localized(&text, Lang::Id), "Renewal");
    assert_eq!(localized(&text, Lang::Vi), "Cấp đổi");
}

fn defaults() -> Settings {
    Settings {
        language: Lang::Vi,
        device: DeviceChoices::default(),
        notify: NotifySettings::default(),
        token_storage: TokenStorage::PrivateFile,
    }
}

#[test]
fn settings_survive_the_round_trip_through_the_screen() {
    let view: SettingsView = serde_json::from_value(serde_json::json!({
        "language": "en",
        "categories": {"status": true, "delivery": false, "renewal": true, "notice": false},
        "quietHours": {"from": "22:30", "to": "06:05"},
        "keepInTray": false,
        "openAtLogin": true,
        "textSize": 150,
        "highContrast": true
    }))
    .expect("the UI's Settings shape");
    let settings = settings_from_view(&defaults(), &view).expect("valid");
    assert_eq!(settings.language, Lang::En);
    assert_eq!(
        settings.device,
        DeviceChoices {
            keep_in_tray: false,
            open_at_login: true,
            text_size: 150,
            high_contrast: true
        }
    );
    assert!(!settings.notify.delivery && !settings.notify.notice);
    assert_eq!(
        settings.notify.quiet_hours,
        Some(DeviceQuietHours {
            start_minute: 22 * 60 + 30,
            end_minute: 6 * 60 + 5
        })
    );
    assert_eq!(
        settings.notify.utc_offset_minutes,
        7 * 60,
        "what the screen does not show is kept"
    );
    assert_eq!(settings_view(&settings), view);
    let json = serde_json::to_value(settings_view(&defaults())).expect("serialisable");
    assert_eq!(
        json,
        serde_json::json!({
            "language": "vi",
            "categories": {"status": true, "delivery": true, "renewal": true, "notice": true},
            "tokenStorage": "private_file",
            "keepInTray": true,
            "openAtLogin": false,
            "textSize": 100,
            "highContrast": false
        }),
        "no quiet hours means no quietHours key; the tokens' place is named"
    );
}

#[test]
fn a_bad_language_or_clock_time_names_the_field() {
    let view = |language: &str, from: &str, to: &str| SettingsView {
        language: language.to_owned(),
        categories: CategoriesView {
            status: true,
            delivery: true,
            renewal: true,
            notice: true,
        },
        quiet_hours: Some(QuietHoursView {
            from: from.to_owned(),
            to: to.to_owned(),
        }),
        token_storage: TokenStorage::Keyring,
        keep_in_tray: true,
        open_at_login: false,
        text_size: 100,
        high_contrast: false,
    };
    assert_eq!(
        settings_from_view(&defaults(), &view("fr", "24:00", "7:00")).map_err(|e| e.fields()),
        Err(vec![
            "language".to_owned(),
            "quietHours.from".to_owned(),
            "quietHours.to".to_owned()
        ])
    );
    assert_eq!(
        settings_from_view(&defaults(), &view("en-US", "22:00", "07:00")).map_err(|e| e.fields()),
        Err(vec!["language".to_owned()])
    );
    assert!(settings_from_view(&defaults(), &view("id", "00:00", "23:59")).is_ok());
    for (text_size, accepted) in [(99, false), (100, true), (200, true), (201, false)] {
        let wanted = SettingsView {
            text_size,
            ..view("vi", "22:00", "07:00")
        };
        assert_eq!(
            settings_from_view(&defaults(), &wanted)
                .map_err(|e| e.fields())
                .is_ok(),
            accepted,
            "a text size of {text_size}% is {}",
            if accepted { "accepted" } else { "refused" }
        );
        if !accepted {
            assert_eq!(
                settings_from_view(&defaults(), &wanted).map_err(|e| e.fields()),
                Err(vec!["textSize".to_owned()]),
                "a text size out of range names the field"
            );
        }
    }
}

#[test]
fn a_reminder_choice_reads_as_on_snoozed_or_off() {
    let id = Uuid::nil();
    let today = NaiveDate::from_ymd_opt(2026, 11, 29).expect("date");
    let later = NaiveDate::from_ymd_opt(2026, 12, 29).expect("date");
    assert_eq!(
        reminder_view(id, ReminderChoice::default(), today).mode,
        ReminderMode::On
    );
    let snoozed = ReminderChoice {
        switched_off: false,
        snoozed_until: Some(later),
    };
    let view = reminder_view(id, snoozed, today);
    assert_eq!(
        (view.mode, view.snoozed_until),
        (ReminderMode::Snoozed, Some(later))
    );
    assert_eq!(
        reminder_view(id, snoozed, later).mode,
        ReminderMode::On,
        "a snooze that ran out is on again"
    );
    let off = ReminderChoice {
        switched_off: true,
        snoozed_until: None,
    };
    assert_eq!(reminder_view(id, off, today).mode, ReminderMode::Off);
}

#[test]
fn a_new_document_with_a_wrong_date_names_the_field() {
    let input: NewDocumentInput = serde_json::from_value(serde_json::json!({
        "kind": "passport",
        "number": "C1234567",
        "issuedOn": "2020-02-30",
        "expiresOn": "2030-03-01",
        "issuer": "Cục Quản lý xuất nhập cảnh"
    }))
    .expect("the UI's NewDocument shape");
    let Err(CoreError::InvalidDocument(errors)) = input.into_draft() else {
        panic!("30 February is refused");
    };
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].field, "issuedOn");

    let input: NewDocumentInput = serde_json::from_value(serde_json::json!({
        "kind": "passport",
        "number": "C1234567",
        "issuedOn": "2020-03-01",
        "issuer": "Cục Quản lý xuất nhập cảnh"
    }))
    .expect("expiresOn and classes are optional");
    let draft = input.into_draft().expect("valid");
    assert_eq!(draft.expires_on, None);
    assert!(draft.classes.is_empty());
}

#[test]
fn the_changed_payload_has_the_shape_the_ui_reads() {
    let json = serde_json::to_value(ChangedEvent {
        what: ChangeTopic::Queue,
    })
    .expect("serialisable");
    assert_eq!(json, serde_json::json!({"what": "queue"}));
}

#[test]
fn each_core_event_names_the_topics_the_ui_reloads() {
    assert_eq!(
        ChangeTopic::of(&CoreEvent::QueueChanged),
        [ChangeTopic::Queue]
    );
    assert_eq!(
        ChangeTopic::of(&CoreEvent::ApplicationsChanged),
        [ChangeTopic::Applications]
    );
    assert_eq!(
        ChangeTopic::of(&CoreEvent::SyncStateChanged { online: false }),
        [ChangeTopic::Connectivity]
    );
    assert_eq!(
        ChangeTopic::of(&CoreEvent::SignInRequired),
        [ChangeTopic::Session]
    );
    assert!(ChangeTopic::of(&CoreEvent::CacheChanged).contains(&ChangeTopic::Inbox));
}

#[test]
fn the_ui_follow_up_shapes_deserialize() {
    let withdrawal: FollowUpInput =
        serde_json::from_value(serde_json::json!({"kind": "withdrawal", "withdraw": {}}))
            .expect("withdrawal");
    assert!(matches!(withdrawal, FollowUpInput::Withdrawal { .. }));
    let rating: FollowUpInput =
        serde_json::from_value(serde_json::json!({"kind": "rating", "rating": {"stars": 5}}))
            .expect("rating");
    assert!(matches!(rating, FollowUpInput::Rating { .. }));
}

#[test]
fn a_renewal_draft_has_the_shape_of_the_uis_draft() {
    let document = Uuid::nil();
    let draft = DraftView {
        application: opendvc_api::NewApplication {
            procedure_id: "passport-renewal".to_owned(),
            form: std::collections::BTreeMap::from([(
                "fullName".to_owned(),
                "Nguyễn Thị Lan".to_owned(),
            )]),
            attachments: Vec::new(),
            delivery: DeliveryChoice {
                method: opendvc_api::DeliveryMethod::Counter,
                address: None,
            },
            fee_case: None,
        },
        renews_document_id: Some(document),
        draft_id: None,
    };
    let json = serde_json::to_value(&draft).expect("serialisable");
    assert_eq!(json["procedureId"], "passport-renewal");
    assert_eq!(json["form"]["fullName"], "Nguyễn Thị Lan");
    assert_eq!(json["delivery"]["method"], "counter");
    assert_eq!(json["renewsDocumentId"], document.to_string());
    let back: DraftView = serde_json::from_value(json).expect("submit takes it back");
    assert_eq!(back.application.procedure_id, "passport-renewal");
}

#[test]
fn a_ui_draft_with_a_renewal_hint_deserializes() {
    let draft: DraftView = serde_json::from_value(serde_json::json!({
        "procedureId": "cccd-renewal",
        "form": {"fullName": "Nguyễn Thị Lan"},
        "attachments": [{"source": "upload", "attachmentId": "sha256:00"}],
        "delivery": {"method": "counter"},
        "renewsDocumentId": "0193a2b4-0000-7000-8000-000000000001"
    }))
    .expect("draft");
    assert_eq!(draft.application.procedure_id, "cccd-renewal");
    assert_eq!(draft.application.attachments.len(), 1);
    let plain: DraftView = serde_json::from_value(serde_json::json!({
        "procedureId": "cccd-renewal",
        "form": {},
        "attachments": [],
        "delivery": {"method": "counter"}
    }))
    .expect("a draft that renews nothing");
    assert_eq!(plain.renews_document_id, None);
}

#[test]
fn vietnam_days_start_at_seventeen_hundred_utc() {
    let before = chrono::DateTime::parse_from_rfc3339("2026-03-01T16:59:00Z")
        .expect("date")
        .to_utc();
    let after = chrono::DateTime::parse_from_rfc3339("2026-03-01T17:00:00Z")
        .expect("date")
        .to_utc();
    assert_eq!(vietnam_today(before).to_string(), "2026-03-01");
    assert_eq!(vietnam_today(after).to_string(), "2026-03-02");
}

#[test]
fn a_day_that_is_not_a_date_is_refused_as_the_field_day() {
    let error = parse_day(Some("2026-02-30")).expect_err("30 February is refused");
    assert_eq!(error.code(), crate::error::CoreCode::InvalidDay);
    assert_eq!(
        error.fields(),
        vec!["day".to_owned()],
        "the refused field is named"
    );
    assert_eq!(
        parse_day(Some(" 2026-11-29 ")).expect("a day"),
        NaiveDate::from_ymd_opt(2026, 11, 29)
    );
    assert_eq!(parse_day(None).expect("no day is today"), None);
    assert_eq!(parse_day(Some("  ")).expect("a blank day is today"), None);
}

#[test]
fn a_reminder_is_on_off_or_snoozed_for_one_to_366_days() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 29).expect("date");
    assert_eq!(
        reminder_choice(ReminderMode::On, None, today).expect("on"),
        ReminderChoice::default()
    );
    assert!(
        reminder_choice(ReminderMode::Off, None, today)
            .expect("off")
            .switched_off
    );
    let snoozed = reminder_choice(ReminderMode::Snoozed, Some(30), today).expect("snoozed");
    assert_eq!(
        snoozed.snoozed_until,
        NaiveDate::from_ymd_opt(2026, 12, 29),
        "a snooze of 30 days ends 30 days later"
    );
    for days in [None, Some(0), Some(MAX_SNOOZE_DAYS + 1)] {
        let refused = reminder_choice(ReminderMode::Snoozed, days, today)
            .expect_err("a snooze needs 1 to 366 days");
        assert!(
            matches!(refused, CoreError::InvalidReminder),
            "{days:?}: {refused}"
        );
    }
}

#[test]
fn the_dashboard_counts_applications_in_progress_by_their_status() {
    let mut dashboard = signed_out(None, None, None);
    for (status, count) in [
        ("received", 1),
        ("processing", 2),
        ("supplement_requested", 3),
        ("completed", 4),
        ("withdrawn", 5),
    ] {
        dashboard.counts_by_status.insert(status.to_owned(), count);
    }
    dashboard.queue.queued = 2;
    dashboard.queue.sending = 1;
    let counts = counts(&dashboard);
    assert_eq!(counts.applications, 15, "every application counts");
    assert_eq!(
        counts.in_progress, 6,
        "received, processing and supplement requested are in progress"
    );
    assert_eq!(counts.waiting_to_send, 3, "queued and sending items wait");
}

#[test]
fn search_hits_are_joined_to_the_catalog_best_first() {
    let catalog: Vec<opendvc_api::Procedure> =
        serde_json::from_str(include_str!("../../../portal/data/procedures.json"))
            .expect("the demo catalog");
    assert!(catalog.len() >= 2, "the demo catalog has procedures");
    let (first, second) = (catalog[0].clone(), catalog[1].clone());
    let hit = |procedure: &opendvc_api::Procedure| crate::search::SearchHit {
        procedure_id: procedure.id.clone(),
        name: procedure.name.clone(),
        matched_words: Vec::new(),
        online_level: procedure.online_level,
        processing_days: procedure.processing_days.clone(),
    };
    let mut missing = hit(&first);
    missing.procedure_id = "not-in-the-catalog".to_owned();
    let found = procedures_found(&[hit(&second), missing, hit(&first)], catalog.clone());
    let ids: Vec<&str> = found
        .iter()
        .map(|procedure| procedure.id.as_str())
        .collect();
    assert_eq!(
        ids,
        [second.id.as_str(), first.id.as_str()],
        "in the hits' order, without what the catalog lacks"
    );
}
