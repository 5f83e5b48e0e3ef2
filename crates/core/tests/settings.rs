//! The settings screen, the inbox read marks, the hand-added documents, the administrative
//! units, the notifying background sync and clearing the device, through the façade.

mod support;

use chrono::NaiveDate;
use opendvc_api::{
    AdminUnit, AdminUnits, DocumentSource, InboxCategory, InboxItem, LocalizedText, Province,
    SyncResponse, UnitKind,
};
use opendvc_core::drafts::DocumentDraft;
use opendvc_core::i18n::Lang;
use opendvc_core::notify::RecordingNotifier;
use opendvc_core::preferences::{DeviceChoices, Settings};
use opendvc_core::reminders::RulesTable;
use opendvc_core::session::{DataDir, Session};
use opendvc_core::store::notify_state::{DeviceQuietHours, NotifySettings};
use opendvc_core::vault::{TokenStorage, VaultChoice};
use opendvc_core::{CoreError, OpenDvc, OpenDvcOptions};
use support::{Canned, TestServer, local};
use uuid::Uuid;

struct Fixture {
    dir: tempfile::TempDir,
    server: TestServer,
}

impl Fixture {
    /// A data folder with no session: nobody signed in yet.
    async fn empty() -> Fixture {
        Fixture {
            dir: tempfile::tempdir().expect("temp dir"),
            server: TestServer::start().await,
        }
    }

    /// A data folder signed in at the test server.
    async fn signed_in() -> Fixture {
        let fixture = Fixture::empty().await;
        DataDir::new(fixture.dir.path())
            .session_file()
            .save(&Session {
                portal_url: fixture.server.base_url.clone(),
                profile_key: "test-profile".into(),
                id_number: "048090001234".into(),
                access_token: Some("access".into()),
                refresh_token: Some("refresh".into()),
            })
            .expect("session saved");
        fixture
    }

    fn open_in(&self, language: Lang) -> OpenDvc {
        let mut options = OpenDvcOptions::new(DataDir::new(self.dir.path()));
        options.portal_override = Some(self.server.base_url.clone());
        options.language = language;
        // The tokens stay in the data folder, whatever keyring the machine running the tests
        // has; tests/vault.rs checks the keyring.
        options.token_vault = VaultChoice::File;
        OpenDvc::open(options).expect("core opens")
    }

    fn open(&self) -> OpenDvc {
        self.open_in(Lang::Vi)
    }

    /// Queues a sync page with cursor `cursor` carrying `inbox`, and a 304 for the catalog.
    fn answer_sync(&self, cursor: &str, inbox: Vec<InboxItem>) {
        let page = SyncResponse {
            feedback: Vec::new(),
            cursor: cursor.into(),
            has_more: false,
            profile: None,
            applications: Vec::new(),
            documents: Vec::new(),
            inbox,
        };
        self.server.answer(
            "/v1/sync",
            Canned::json(200, &serde_json::to_string(&page).expect("serialises")),
        );
        self.server.answer("/v1/procedures", Canned::raw(304, b""));
    }

    /// Opens the core and syncs one page carrying `inbox`.
    async fn synced_with(&self, inbox: Vec<InboxItem>) -> OpenDvc {
        self.answer_sync("c1", inbox);
        let core = self.open();
        core.sync_now().await.expect("syncs");
        core
    }
}

fn text(vi: &str, en: &str) -> LocalizedText {
    LocalizedText {
        vi: vi.into(),
        en: en.into(),
        id: None,
    }
}

fn notice(minute: u32) -> InboxItem {
    InboxItem {
        feedback_id: None,
        id: Uuid::now_v7(),
        at: local(&format!("2026-11-29T10:{minute:02}:00+07:00")),
        category: InboxCategory::Notice,
        title: text("Thông báo", "Notice"),
        body: text("Nội dung", "Body"),
        application_id: None,
        document_id: None,
    }
}

fn passport_draft() -> DocumentDraft {
    DocumentDraft {
        kind: "passport".into(),
        number: " C1234567 ".into(),
        issued_on: NaiveDate::from_ymd_opt(2020, 3, 1).expect("date"),
        expires_on: NaiveDate::from_ymd_opt(2030, 3, 1),
        issuer: "Cục Quản lý xuất nhập cảnh".into(),
        classes: Vec::new(),
    }
}

fn da_nang_units() -> AdminUnits {
    AdminUnits {
        version: "2025-07".into(),
        provinces: vec![Province {
            code: "48".into(),
            name: "Thành phố Đà Nẵng".into(),
        }],
        units: vec![AdminUnit {
            code: "20194".into(),
            name: "Phường Hải Châu".into(),
            kind: UnitKind::Ward,
            province_code: "48".into(),
            former_names: vec!["Phường Hải Châu I".into()],
        }],
    }
}

#[tokio::test]
async fn saved_language_is_the_session_language() {
    let fixture = Fixture::empty().await;
    let core = fixture.open_in(Lang::En);
    assert_eq!(
        core.language(),
        Lang::En,
        "before a choice the app speaks the language it was started with"
    );
    let mut settings = core.settings().expect("settings before sign-in");
    assert_eq!(settings.notify, NotifySettings::default());
    settings.language = Lang::Id;
    let saved = core.save_settings(&settings).expect("saves before sign-in");
    assert_eq!(saved.language, Lang::Id);
    assert_eq!(core.language(), Lang::Id, "the choice applies at once");
    drop(core);
    let reopened = fixture.open_in(Lang::Vi);
    assert_eq!(
        reopened.language(),
        Lang::Id,
        "the choice outlives the process and wins over the start-up language"
    );
    assert_eq!(reopened.settings().expect("settings").language, Lang::Id);
}

#[tokio::test]
async fn notification_settings_wait_for_a_profile_and_then_round_trip() {
    let fixture = Fixture::empty().await;
    let core = fixture.open();
    let refused = core.save_settings(&Settings {
        language: Lang::En,
        device: DeviceChoices::default(),
        notify: NotifySettings {
            status: false,
            ..NotifySettings::default()
        },
        token_storage: TokenStorage::PrivateFile,
    });
    assert!(
        matches!(refused, Err(CoreError::NotSignedIn)),
        "notification settings belong to a profile: {refused:?}"
    );
    assert_eq!(
        core.language(),
        Lang::Vi,
        "a refused save stores nothing, not even the language"
    );

    let fixture = Fixture::signed_in().await;
    let core = fixture.open();
    let chosen = Settings {
        language: Lang::En,
        device: DeviceChoices {
            keep_in_tray: false,
            open_at_login: true,
            text_size: 200,
            high_contrast: true,
        },
        notify: NotifySettings {
            delivery: false,
            quiet_hours: Some(DeviceQuietHours {
                start_minute: 22 * 60,
                end_minute: 6 * 60,
            }),
            ..NotifySettings::default()
        },
        token_storage: TokenStorage::PrivateFile,
    };
    assert_eq!(core.save_settings(&chosen).expect("saves"), chosen);
    drop(core);
    assert_eq!(
        fixture.open().settings().expect("settings"),
        chosen,
        "categories and quiet hours are kept with the profile, the device's choices with the device"
    );
}

#[tokio::test]
async fn the_chosen_language_writes_the_calendar() {
    let fixture = Fixture::signed_in().await;
    let core = fixture.open();
    core.add_document(passport_draft()).expect("added");
    let rules = RulesTable::built_in().expect("rules");
    let (today, now) = core.local_today().expect("today");
    let mut settings = core.settings().expect("settings");
    settings.language = Lang::En;
    core.save_settings(&settings).expect("saved");
    let english = core
        .reminders_calendar(today, now, &rules)
        .expect("calendar");
    assert!(english.starts_with("BEGIN:VCALENDAR"), "{english}");
    assert!(english.contains("expires"), "{english}");
    settings.language = Lang::Vi;
    core.save_settings(&settings).expect("saved");
    let vietnamese = core
        .reminders_calendar(today, now, &rules)
        .expect("calendar");
    assert!(vietnamese.contains("hết hạn"), "{vietnamese}");
}

#[tokio::test]
async fn a_read_mark_stays_with_the_inbox_item() {
    let fixture = Fixture::signed_in().await;
    let (first, second) = (notice(1), notice(2));
    let core = fixture
        .synced_with(vec![first.clone(), second.clone()])
        .await;
    assert_eq!(core.dashboard().expect("dashboard").unread_inbox, 2);
    core.mark_read(first.id).expect("marks");
    let entries = core.inbox_entries(10).expect("inbox");
    assert_eq!(
        entries
            .iter()
            .map(|(item, read)| (item.id, *read))
            .collect::<Vec<_>>(),
        vec![(second.id, false), (first.id, true)],
        "newest first, only the marked one read"
    );
    assert_eq!(core.dashboard().expect("dashboard").unread_inbox, 1);
    assert!(matches!(
        core.mark_read(Uuid::now_v7()),
        Err(CoreError::UnknownInboxItem(_))
    ));
}

#[tokio::test]
async fn a_hand_added_document_joins_the_wallet_and_a_wrong_one_is_refused() {
    let fixture = Fixture::signed_in().await;
    let core = fixture.open();
    let added = core.add_document(passport_draft()).expect("added");
    assert_eq!(added.number, "C1234567", "typed spaces are trimmed");
    assert_eq!(added.source, DocumentSource::Citizen);
    assert_eq!(core.documents().expect("wallet"), vec![added]);

    let mut wrong = passport_draft();
    wrong.number = "  ".into();
    wrong.expires_on = NaiveDate::from_ymd_opt(2019, 1, 1);
    wrong.kind = "Passport!".into();
    let Err(CoreError::InvalidDocument(errors)) = core.add_document(wrong) else {
        panic!("a document without number and with expiry before issue is refused");
    };
    let mut fields: Vec<_> = errors.iter().map(|error| error.field.as_str()).collect();
    fields.sort_unstable();
    assert_eq!(fields, ["expiresOn", "kind", "number"]);
    assert_eq!(core.documents().expect("wallet").len(), 1, "nothing stored");
}

#[tokio::test]
async fn admin_units_are_fetched_once_and_then_served_offline() {
    let fixture = Fixture::signed_in().await;
    fixture.server.answer(
        "/v1/admin-units",
        Canned::json(
            200,
            &serde_json::to_string(&da_nang_units()).expect("serialises"),
        ),
    );
    let core = fixture.open();
    assert_eq!(core.admin_units().await.expect("fetched"), da_nang_units());
    drop(core);
    let core = fixture.open();
    assert_eq!(
        core.admin_units().await.expect("from the cache"),
        da_nang_units()
    );
    let asked = fixture
        .server
        .requests()
        .iter()
        .filter(|request| request.target == "/v1/admin-units")
        .count();
    assert_eq!(asked, 1, "the second answer came from the cache");
}

#[tokio::test]
async fn a_background_sync_announces_each_new_inbox_item_once() {
    let fixture = Fixture::signed_in().await;
    let core = fixture.open();
    let notifier = RecordingNotifier::default();
    fixture.answer_sync("c1", vec![notice(1)]);
    core.sync_and_notify(&notifier).await.expect("first sync");
    assert!(
        notifier.shown().is_empty(),
        "the first sync brings history, not news"
    );
    let news = notice(2);
    fixture.answer_sync("c2", vec![news.clone()]);
    core.sync_and_notify(&notifier).await.expect("second sync");
    fixture.answer_sync("c3", vec![news.clone()]);
    core.sync_and_notify(&notifier).await.expect("third sync");
    let shown = notifier.shown();
    assert_eq!(
        shown.len(),
        1,
        "one notification for one new item: {shown:?}"
    );
    assert_eq!(shown[0].inbox_item_id, Some(news.id));
    assert_eq!(core.inbox_entries(10).expect("inbox").len(), 2);
}

#[tokio::test]
async fn clearing_the_device_deletes_every_personal_datum_and_keeps_the_language() {
    let fixture = Fixture::signed_in().await;
    let mut core = fixture.synced_with(vec![notice(1)]).await;
    core.add_document(passport_draft()).expect("added");
    let mut settings = core.settings().expect("settings");
    settings.language = Lang::En;
    core.save_settings(&settings).expect("saved");
    let data_dir = DataDir::new(fixture.dir.path());
    let staged = data_dir.staging_dir().join("abc").join("photo.png");
    std::fs::create_dir_all(staged.parent().expect("folder")).expect("staging folder");
    std::fs::write(&staged, b"png").expect("staged file");
    fixture
        .server
        .answer("/v1/auth/logout", Canned::raw(204, b""));

    let report = core.clear_device().await.expect("cleared");
    assert!(report.revoked, "the session was revoked at the portal");
    assert!(!core.is_signed_in());
    assert!(!data_dir.session_file().path().exists(), "no session file");
    assert!(
        !data_dir.profiles_dir().exists(),
        "no cache, queue or copies"
    );
    assert!(!data_dir.staging_dir().exists(), "no staged files");
    assert_eq!(core.language(), Lang::En, "the device's language stays");
    drop(core);
    let reopened = fixture.open();
    assert!(
        matches!(reopened.documents(), Err(CoreError::NotSignedIn)),
        "nothing of the person opens again"
    );
}
