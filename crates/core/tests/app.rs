//! The façade: sync with cursors, the cache rebuild with the outbox intact, offline
//! validation, overlays, drain and sign-out.

mod support;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use opendvc_api::{
    AttachmentRef, Catalog, DeliveryChoice, DeliveryMethod, DeliveryOptions, Document,
    DocumentSource, FeeCase, FeeCaseField, FeeCaseOption, FieldKind, FieldOption, FormField,
    LocalizedText, NewApplication, OnlineLevel, Procedure, ProcessingDays, RequiredDocument,
    SyncResponse,
};
use opendvc_core::clock::{Clock, ManualClock};
use opendvc_core::queue::{ItemPayload, ItemState};
use opendvc_core::session::DataDir;
use opendvc_core::views::applications::{EntryStatus, LocalStatus};
use opendvc_core::views::apply::DraftView;
use opendvc_core::{CoreError, CoreEvent, DrainEnd, OpenDvc, SubmissionDraft};
use support::{Canned, application, local};
use uuid::Uuid;

/// A real 1×1 PNG: portals sniff uploads, so test files are what their names say.
const PHOTO_PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\nIDATx\x9cc\0\x01\0\0\x05\0\x01\r\n-\xb4\0\0\0\0IEND\xaeB`\x82";

/// A minimal PDF of one empty page.
const SCAN_PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

fn text(vi: &str, en: &str) -> LocalizedText {
    LocalizedText {
        vi: vi.into(),
        en: en.into(),
        id: None,
    }
}

fn procedure() -> Procedure {
    let field = |id: &str, kind: FieldKind, required: bool| FormField {
        id: id.into(),
        label: text(id, id),
        kind,
        required,
        options: Vec::new(),
        prefill: None,
        max_length: Some(100),
    };
    let mut reason = field("reason", FieldKind::Select, true);
    reason.options = vec![
        FieldOption {
            value: "expired".into(),
            label: text("Hết hạn", "Expired"),
        },
        FieldOption {
            value: "damaged".into(),
            label: text("Hư hỏng", "Damaged"),
        },
    ];
    Procedure {
        id: "id-card-renewal".into(),
        code: "1.001612".into(),
        name: text("Cấp đổi thẻ căn cước", "ID card renewal"),
        agency: text("Công an", "Police"),
        agency_id: "da-nang-police".into(),
        sector: "identity".into(),
        online_level: OnlineLevel::Full,
        fee_cases: vec![
            FeeCase {
                id: "renewal".into(),
                label: text("Cấp đổi", "Renewal"),
                amount: 50_000,
                online_amount: None,
                illustrative: false,
            },
            FeeCase {
                id: "replacement".into(),
                label: text("Cấp lại", "Replacement"),
                amount: 70_000,
                online_amount: None,
                illustrative: false,
            },
        ],
        fee_case_field: Some(FeeCaseField::Select {
            field: "reason".into(),
            options: vec![
                FeeCaseOption {
                    value: "expired".into(),
                    case: "renewal".into(),
                },
                FeeCaseOption {
                    value: "damaged".into(),
                    case: "replacement".into(),
                },
            ],
            unanswered: None,
        }),
        fee_add_ons: Vec::new(),
        fee_per_unit: None,
        fee_exemptions: Vec::new(),
        pay_before_processing: false,
        processing_days: ProcessingDays {
            in_person: 7,
            online: 7,
        },
        required_documents: vec![
            RequiredDocument {
                id: "old-card".into(),
                name: text("Thẻ cũ", "Old card"),
                required: true,
                wallet_kind: Some("id_card".into()),
            },
            RequiredDocument {
                id: "photo".into(),
                name: text("Ảnh", "Photo"),
                required: true,
                wallet_kind: None,
            },
        ],
        form_fields: vec![
            field("fullName", FieldKind::Text, true),
            reason,
            field("birthDate", FieldKind::Date, false),
        ],
        delivery: DeliveryOptions {
            counter: true,
            post: false,
            postage: Vec::new(),
            postage_subsidy: None,
            post_items_field: None,
        },
        keywords: Vec::new(),
    }
}

fn wallet_card() -> Document {
    Document {
        id: Uuid::from_u128(7),
        kind: "id_card".into(),
        number: "048090001234".into(),
        issued_on: chrono::NaiveDate::from_ymd_opt(2016, 5, 1).expect("date"),
        expires_on: None,
        issuer: "Cục Cảnh sát".into(),
        classes: Vec::new(),
        source: DocumentSource::Warehouse,
        reminders: Default::default(),
        updated_at: local("2026-11-29T10:00:00+07:00"),
    }
}

/// A second ID card in the wallet (an older one, still listed by the warehouse).
fn second_wallet_card() -> Document {
    Document {
        id: Uuid::from_u128(8),
        number: "048090009999".into(),
        issued_on: chrono::NaiveDate::from_ymd_opt(2021, 3, 2).expect("date"),
        ..wallet_card()
    }
}

fn page(cursor: &str, has_more: bool, applications: Vec<opendvc_api::Application>) -> Canned {
    let page = SyncResponse {
        feedback: Vec::new(),
        cursor: cursor.into(),
        has_more,
        profile: None,
        applications,
        documents: vec![wallet_card()],
        inbox: Vec::new(),
    };
    Canned::json(200, &serde_json::to_string(&page).expect("serialises"))
}

fn catalog_answer() -> Canned {
    let catalog = Catalog {
        version: "v1".into(),
        items: vec![procedure()],
    };
    let mut answer = Canned::json(200, &serde_json::to_string(&catalog).expect("serialises"));
    answer.headers.push(("ETag".into(), "\"v1\"".into()));
    answer
}

fn server_application(code: &str) -> opendvc_api::Application {
    application(Uuid::new_v4(), code, "id-card-renewal", BTreeMap::new())
}

type Fixture = support::SignedInDevice;

/// Opens the core on `clock` and runs a first sync, like [`Fixture::synced`].
async fn synced_on(fixture: &Fixture, clock: Arc<ManualClock>) -> OpenDvc {
    fixture.server.answer(
        "/v1/sync",
        page("c1", false, vec![server_application("A-1")]),
    );
    fixture.server.answer("/v1/procedures", catalog_answer());
    let mut options = fixture.options();
    options.clock = clock;
    let core = OpenDvc::open(options).expect("core opens");
    core.sync_now().await.expect("first sync");
    core
}

/// A valid draft: the photo is a file, the old card comes from the wallet.
fn complete_draft(fixture: &Fixture) -> SubmissionDraft {
    let photo = fixture.dir.path().join("photo.png");
    std::fs::write(&photo, PHOTO_PNG).expect("writes");
    let mut complete = draft();
    complete.files = vec![(photo, Some("photo".into()))];
    complete
}

/// Opens the core and runs a first sync that brings one application and the catalog.
async fn synced(fixture: &Fixture) -> OpenDvc {
    fixture.server.answer(
        "/v1/sync",
        page("c1", false, vec![server_application("A-1")]),
    );
    fixture.server.answer("/v1/procedures", catalog_answer());
    let core = fixture.open();
    core.sync_now().await.expect("first sync");
    core
}

fn draft() -> SubmissionDraft {
    SubmissionDraft {
        procedure_id: "id-card-renewal".into(),
        form: BTreeMap::from([
            ("fullName".to_owned(), "Nguyễn Thị Mai".to_owned()),
            ("reason".to_owned(), "expired".to_owned()),
        ]),
        files: Vec::new(),
        picked: Vec::new(),
        wallet: Vec::new(),
        delivery: DeliveryChoice {
            method: DeliveryMethod::Counter,
            address: None,
        },
        fee_case: None,
    }
}

#[tokio::test]
async fn sync_pulls_every_page_and_stores_the_cursor_with_each() {
    let fixture = Fixture::new().await;
    fixture.server.answer(
        "/v1/sync",
        page("c1", true, vec![server_application("A-1")]),
    );
    fixture.server.answer(
        "/v1/sync",
        page("c2", false, vec![server_application("A-2")]),
    );
    fixture.server.answer("/v1/procedures", catalog_answer());
    let core = fixture.open();
    let report = core.sync_now().await.expect("syncs");
    assert_eq!(report.pull.pages, 2);
    assert_eq!(core.applications().expect("lists").len(), 2);
    let targets: Vec<String> = fixture
        .server
        .requests()
        .iter()
        .map(|request| request.target.clone())
        .collect();
    assert_eq!(targets[0], "/v1/sync", "the first sync has no cursor");
    assert_eq!(targets[1], "/v1/sync?cursor=c1");

    fixture
        .server
        .answer("/v1/sync", page("c3", false, Vec::new()));
    fixture
        .server
        .answer("/v1/procedures", Canned::raw(304, b""));
    let before = fixture.server.requests().len();
    core.sync_now().await.expect("syncs again");
    let requests = fixture.server.requests();
    assert_eq!(
        requests[before].target, "/v1/sync?cursor=c2",
        "the stored cursor is used next time"
    );
    assert_eq!(requests[before + 1].header("if-none-match"), Some("\"v1\""));
    assert_eq!(
        requests.len(),
        before + 2,
        "a sync with an unchanged catalog asks for nothing else"
    );
    assert_eq!(
        core.catalog().expect("catalog").len(),
        1,
        "a 304 keeps the cached catalog"
    );
}

#[tokio::test]
async fn interrupted_sync_resumes_after_the_last_stored_page() {
    let fixture = Fixture::new().await;
    fixture.server.answer(
        "/v1/sync",
        page("c1", true, vec![server_application("A-1")]),
    );
    fixture
        .server
        .answer("/v1/sync", Canned::raw(200, b"{\"cursor\": 5"));
    let core = fixture.open();
    let error = core
        .sync_now()
        .await
        .expect_err("the broken page fails the sync");
    assert_eq!(error.code(), opendvc_core::CoreCode::Malformed);
    assert_eq!(
        core.applications().expect("lists").len(),
        1,
        "the first page was kept"
    );

    fixture
        .server
        .answer("/v1/sync", page("c2", false, Vec::new()));
    fixture.server.answer("/v1/procedures", catalog_answer());
    core.sync_now().await.expect("syncs");
    let requests = fixture.server.requests();
    assert_eq!(
        requests[2].target, "/v1/sync?cursor=c1",
        "resumes at the stored page's cursor"
    );
}

#[tokio::test]
async fn submission_is_validated_offline_against_the_cached_catalog() {
    let fixture = Fixture::new().await;
    let core = synced(&fixture).await;

    let mut missing = draft();
    missing.form.remove("fullName");
    missing.form.insert("reason".into(), "bored".into());
    missing.form.insert("birthDate".into(), "12/05/1990".into());
    missing.form.insert("colour".into(), "blue".into());
    let Err(CoreError::InvalidSubmission(errors)) = core.submit(missing, false).await else {
        panic!("an invalid draft is refused before it is queued");
    };
    let fields: Vec<&str> = errors.iter().map(|error| error.field.as_str()).collect();
    for expected in [
        "form.fullName",
        "form.reason",
        "form.birthDate",
        "form.colour",
    ] {
        assert!(
            fields.contains(&expected),
            "{expected} is reported in {fields:?}"
        );
    }
    assert_eq!(
        fields.len(),
        4,
        "a missing document is left to the portal: {fields:?}"
    );

    let mut wrong_requirement = draft();
    let scan = fixture.dir.path().join("scan.pdf");
    std::fs::write(&scan, SCAN_PDF).expect("writes");
    wrong_requirement.files = vec![(scan, Some("passport".into()))];
    let Err(CoreError::InvalidSubmission(errors)) = core.submit(wrong_requirement, false).await
    else {
        panic!("a file for a document the procedure does not ask for is refused");
    };
    assert_eq!(errors[0].field, "attachments[0]");

    let mut by_post = draft();
    by_post.delivery.method = DeliveryMethod::Post;
    let Err(CoreError::InvalidSubmission(errors)) = core.submit(by_post, false).await else {
        panic!("postal delivery is not offered by this procedure");
    };
    assert_eq!(errors[0].field, "delivery.method");

    let mut unknown = draft();
    unknown.procedure_id = "no-such".into();
    assert!(matches!(
        core.submit(unknown, false).await,
        Err(CoreError::UnknownProcedure(_))
    ));
    assert_eq!(
        core.queue_summary().expect("summary").queued,
        0,
        "nothing refused was queued"
    );
}

#[tokio::test]
async fn the_fee_is_quoted_offline_from_the_cached_catalog_by_the_shared_computation() {
    let fixture = Fixture::new().await;
    let core = synced(&fixture).await;
    let application = |form: BTreeMap<String, String>| opendvc_api::NewApplication {
        procedure_id: "id-card-renewal".into(),
        form,
        attachments: Vec::new(),
        delivery: draft().delivery,
        fee_case: None,
    };
    let renewal = core
        .quote_fee(&application(draft().form), None)
        .expect("a cached procedure is quoted");
    assert_eq!(
        renewal.quote.map(|quote| quote.total),
        Some(50_000),
        "the form's reason selects the renewal, charged alone"
    );
    let mut open = draft().form;
    open.remove("reason");
    let undecided = core
        .quote_fee(&application(open.clone()), None)
        .expect("an undecided case is an answer, not an error");
    let choices: Vec<&str> = undecided.choices.iter().map(|c| c.id.as_str()).collect();
    assert!(
        undecided.quote.is_none() && choices == ["renewal", "replacement"],
        "without the reason the citizen chooses from the cases: {undecided:?}"
    );
    let chosen = core
        .quote_fee(&application(open), Some("replacement"))
        .expect("a chosen case is quoted");
    assert_eq!(
        chosen.quote.map(|quote| quote.total),
        Some(70_000),
        "the chosen case is charged"
    );
}

#[tokio::test]
async fn offline_submission_is_saved_shown_as_waiting_and_sent_exactly_once_later() {
    let fixture = Fixture::new().await;
    let core = synced(&fixture).await;
    let mut events = core.subscribe();
    let photo = fixture.dir.path().join("photo.png");
    std::fs::write(&photo, PHOTO_PNG).expect("writes");
    let mut with_photo = draft();
    with_photo.files = vec![(photo, None)];

    fixture
        .server
        .answer("/v1/attachments", Canned::raw(503, b"down"));
    let outcome = core.submit(with_photo, true).await.expect("saved");
    assert!(!outcome.sent, "the portal was down");
    assert_eq!(outcome.state, ItemState::Queued);
    assert_eq!(events.recv().await.expect("event"), CoreEvent::QueueChanged);

    let item = core
        .queue_item(outcome.item_id)
        .expect("reads")
        .expect("kept");
    let ItemPayload::CreateApplication { application } = item.payload else {
        panic!("kind")
    };
    assert!(application.attachments.contains(&AttachmentRef::Wallet {
        document_id: Uuid::from_u128(7),
        requirement_id: Some("old-card".into())
    }));
    assert!(
        application.attachments.iter().any(|reference| matches!(reference,
            AttachmentRef::Upload { requirement_id: Some(requirement), .. } if requirement == "photo")),
        "the file fills the missing photo: {:?}",
        application.attachments
    );

    let entries = core.applications().expect("lists");
    let waiting = entries
        .iter()
        .find(|entry| entry.local)
        .expect("an overlay for the queued submission");
    assert_eq!(
        waiting.status,
        EntryStatus::Local(LocalStatus::WaitingToSend),
        "a queued submission reads as waiting to send"
    );
    assert_eq!(waiting.queue_item_id, Some(outcome.item_id));
    assert_eq!(
        waiting.procedure_name.as_ref().map(|name| name.en.as_str()),
        Some("ID card renewal")
    );

    let attachment = opendvc_api::Attachment {
        id: "sha256:x".into(),
        size: 9,
        content_type: "image/png".into(),
        file_name: Some("photo.png".into()),
        uploaded_at: local("2026-11-29T10:00:00+07:00"),
    };
    fixture.server.answer(
        "/v1/attachments",
        Canned::json(201, &serde_json::to_string(&attachment).expect("json")),
    );
    let created = server_application("NEW-1");
    fixture.server.answer(
        "/v1/applications",
        Canned::json(201, &serde_json::to_string(&created).expect("json")),
    );
    let drained = core.drain(Duration::from_secs(30)).await.expect("drains");
    assert_eq!(drained.end, DrainEnd::Empty);
    assert_eq!(drained.sent, 2);
    let posts: Vec<_> = fixture
        .server
        .requests()
        .into_iter()
        .filter(|request| request.target == "/v1/applications")
        .collect();
    assert_eq!(posts.len(), 1, "one create request");
    assert_eq!(
        posts[0].header("idempotency-key"),
        Some(outcome.item_id.to_string().as_str())
    );
    let entries = core.applications().expect("lists");
    assert!(
        entries.iter().all(|entry| !entry.local),
        "no overlay once sent"
    );
    assert!(
        entries
            .iter()
            .any(|entry| entry.code.as_deref() == Some("NEW-1")),
        "the server's answer is in the list at once"
    );
    let detail = core
        .application(&outcome.item_id.to_string())
        .expect("found by queue item id");
    assert_eq!(detail.entry.code.as_deref(), Some("NEW-1"));
}

#[tokio::test]
async fn corrupt_cache_is_rebuilt_by_a_full_sync_and_queued_items_survive() {
    let fixture = Fixture::new().await;
    let item_id = {
        let core = synced(&fixture).await;
        core.submit(complete_draft(&fixture), false)
            .await
            .expect("saved")
            .item_id
    };
    let profile_dir = DataDir::new(fixture.dir.path()).profile_dir("test-profile");
    for name in ["cache.db-wal", "cache.db-shm"] {
        let _absent_is_fine = std::fs::remove_file(profile_dir.join(name));
    }
    std::fs::write(profile_dir.join("cache.db"), vec![0x42; 16384]).expect("damages the cache");

    let core = fixture.open();
    let dashboard = core.dashboard().expect("dashboard");
    let moved = dashboard
        .cache_rebuilt_from
        .expect("the damage is detected and reported");
    assert!(moved.exists(), "the damaged file is kept aside");
    assert_eq!(
        dashboard.queue.queued, 2,
        "the queued submission and its upload survived"
    );
    assert_eq!(
        core.queue_item(item_id)
            .expect("reads")
            .expect("kept")
            .state,
        ItemState::Queued
    );
    assert_eq!(
        core.applications().expect("lists").len(),
        1,
        "only the local overlay until the sync"
    );

    fixture.server.answer(
        "/v1/sync",
        page("c9", false, vec![server_application("A-1")]),
    );
    fixture.server.answer("/v1/procedures", catalog_answer());
    core.sync_now().await.expect("rebuilds");
    let requests = fixture.server.requests();
    let last_sync = requests
        .iter()
        .rev()
        .find(|request| request.target.starts_with("/v1/sync"))
        .expect("synced");
    assert_eq!(
        last_sync.target, "/v1/sync",
        "a rebuilt cache syncs from the start"
    );
    assert!(
        requests
            .iter()
            .rev()
            .find(|request| request.target == "/v1/procedures")
            .expect("catalog")
            .header("if-none-match")
            .is_none(),
        "and fetches the whole catalog"
    );
    assert_eq!(core.applications().expect("lists").len(), 2);
}

#[tokio::test]
async fn sign_out_refuses_while_items_are_unsent_unless_kept() {
    let fixture = Fixture::new().await;
    let mut core = synced(&fixture).await;
    core.submit(complete_draft(&fixture), false)
        .await
        .expect("saved");
    assert!(matches!(
        core.sign_out(false).await,
        Err(CoreError::UnsentItems { count: 2 })
    ));
    fixture
        .server
        .answer("/v1/auth/logout", Canned::raw(204, b""));
    let report = core.sign_out(true).await.expect("signs out");
    assert!(report.revoked);
    assert_eq!(report.unsent_kept, 2);
    let core = fixture.open();
    assert!(!core.is_signed_in(), "the tokens are gone");
    assert_eq!(
        core.queue_summary().expect("summary").queued,
        2,
        "the items wait for the next sign-in"
    );
}

#[tokio::test]
async fn dashboard_lists_what_needs_the_person_from_the_cache() {
    let fixture = Fixture::new().await;
    let mut asked = server_application("ASKED");
    asked.status = opendvc_api::ApplicationStatus::SupplementRequested;
    let mut late = server_application("LATE");
    late.due_at = local("2020-01-02T17:00:00+07:00");
    let mut finished_late = server_application("DONE");
    finished_late.status = opendvc_api::ApplicationStatus::HandedOver;
    finished_late.due_at = local("2020-01-02T17:00:00+07:00");
    fixture.server.answer(
        "/v1/sync",
        page(
            "c1",
            false,
            vec![asked, late, finished_late, server_application("FINE")],
        ),
    );
    fixture.server.answer("/v1/procedures", catalog_answer());
    let core = fixture.open();
    core.sync_now().await.expect("syncs");
    let dashboard = core.dashboard().expect("dashboard");
    let mut codes: Vec<String> = dashboard
        .needing_action
        .iter()
        .filter_map(|entry| entry.code.clone())
        .collect();
    codes.sort();
    assert_eq!(
        codes,
        vec!["ASKED", "LATE"],
        "a finished application is never overdue"
    );
    assert_eq!(dashboard.counts_by_status.values().sum::<u64>(), 4);
    assert_eq!(dashboard.online, Some(true));
    assert_eq!(dashboard.documents, 1);
}

#[tokio::test]
async fn a_huge_retry_after_leaves_the_item_queued_and_the_sender_alive() {
    let fixture = Fixture::new().await;
    let clock = Arc::new(ManualClock::new(support::at("2026-11-29T03:00:00Z")));
    let core = synced_on(&fixture, clock.clone()).await;
    let at_most = chrono::TimeDelta::days(1);
    for retry_after in [
        "18446744073709551615",
        "99999999999999999999999999",
        "Fri, 31 Dec 9999 23:59:59 GMT",
        "Sat, 01 Jan 2300 00:00:00 GMT",
        "-5",
        "soon, maybe",
    ] {
        let mut unavailable = Canned::raw(503, b"");
        unavailable
            .headers
            .push(("Retry-After".into(), retry_after.into()));
        fixture.server.answer("/v1/applications", unavailable);
        let outcome = core
            .submit(draft(), true)
            .await
            .expect("the submission is saved whatever the portal answers");
        let item = core
            .queue_item(outcome.item_id)
            .expect("reads")
            .expect("kept");
        assert_eq!(
            item.state,
            ItemState::Queued,
            "a 503 with Retry-After {retry_after:?} leaves the item queued"
        );
        assert!(
            item.next_attempt_at <= clock.now() + at_most,
            "Retry-After {retry_after:?} waits at most a day, not until {}",
            item.next_attempt_at
        );

        fixture.server.answer(
            "/v1/applications",
            Canned::json(
                201,
                &serde_json::to_string(&server_application("LATER")).expect("json"),
            ),
        );
        core.retry(outcome.item_id)
            .expect("the person asks to retry");
        let drained = core
            .drain(Duration::from_secs(5))
            .await
            .expect("the sender still works after Retry-After {retry_after:?}");
        assert_eq!(drained.end, DrainEnd::Empty, "after {retry_after:?}");
        assert_eq!(
            core.queue_item(outcome.item_id)
                .expect("reads")
                .expect("kept")
                .state,
            ItemState::Sent,
            "sent once the portal answers, after Retry-After {retry_after:?}"
        );
    }
}

/// Every folder and file under `root` whose mode lets the group or others in.
#[cfg(unix)]
fn readable_by_others(root: &std::path::Path) -> Vec<(std::path::PathBuf, u32)> {
    use std::os::unix::fs::PermissionsExt;
    let mut loose = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(path) = pending.pop() {
        let metadata = std::fs::symlink_metadata(&path).expect("reads metadata");
        let mode = metadata.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            loose.push((path.clone(), mode));
        }
        if metadata.is_dir() {
            for entry in std::fs::read_dir(&path).expect("lists a folder") {
                pending.push(entry.expect("an entry").path());
            }
        }
    }
    loose
}

#[cfg(unix)]
#[tokio::test]
async fn every_file_in_the_data_folder_is_private_to_its_user() {
    use std::os::unix::fs::PermissionsExt;
    let fixture = Fixture::new().await;
    let root = fixture.dir.path();
    // A folder left by an older version, readable by everyone, is narrowed at start.
    std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let old_profiles = DataDir::new(root).profiles_dir();
    std::fs::create_dir_all(&old_profiles).expect("an old folder");
    std::fs::set_permissions(&old_profiles, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let core = synced(&fixture).await;
    let picked = tempfile::tempdir().expect("the person's own folder");
    let photo = picked.path().join("photo.png");
    std::fs::write(&photo, b"png bytes").expect("a picked file");
    let mut with_photo = draft();
    with_photo.files = vec![(photo, Some("photo".into()))];
    fixture
        .server
        .answer("/v1/attachments", Canned::raw(503, b"down"));
    core.submit(with_photo, true).await.expect("saved");
    let mut settings = core.settings().expect("settings");
    settings.language = opendvc_core::i18n::Lang::En;
    core.save_settings(&settings).expect("saved settings");

    let loose = readable_by_others(root);
    assert!(
        loose.is_empty(),
        "while the core runs, nothing in the data folder is readable by the group or others: \
         {loose:?}"
    );
    let profile = DataDir::new(root).profile_dir("test-profile");
    for name in [
        "cache.db-wal",
        "outbox.db-wal",
        "outbox.db-shm",
        "sender.lock",
    ] {
        assert!(profile.join(name).exists(), "{name} was checked");
    }
    drop(core);
    drop(fixture.open());
    let loose = readable_by_others(root);
    assert!(
        loose.is_empty(),
        "after a restart, nothing in the data folder is readable by others: {loose:?}"
    );
    for name in ["cache.db", "outbox.db", "search.db"] {
        assert!(
            DataDir::new(root)
                .profile_dir("test-profile")
                .join(name)
                .exists(),
            "{name} was checked"
        );
    }
}

#[tokio::test]
async fn staged_copies_are_deleted_once_queued() {
    let fixture = Fixture::new().await;
    let core = synced(&fixture).await;
    let staging = DataDir::new(fixture.dir.path()).staging_dir();
    let staged = staging.join("ab12").join("photo.png");
    std::fs::create_dir_all(staged.parent().expect("a folder")).expect("staging folder");
    std::fs::write(&staged, b"png bytes").expect("a staged copy");

    let mut refused = draft();
    refused.form.remove("fullName");
    refused.files = vec![(staged.clone(), Some("photo".into()))];
    assert!(
        matches!(
            core.submit(refused, false).await,
            Err(CoreError::InvalidSubmission(_))
        ),
        "an incomplete form is refused"
    );
    assert!(
        staged.exists(),
        "a refused submission keeps the staged copy: the person fixes the form and sends again"
    );

    let mut complete = draft();
    complete.files = vec![(staged.clone(), Some("photo".into()))];
    let outcome = core.submit(complete, false).await.expect("queued");
    assert!(
        !staged.exists(),
        "the staged copy is deleted once the queue holds its own"
    );
    assert!(
        !staged.parent().expect("its folder").exists(),
        "and so is its folder"
    );
    let upload = core
        .queue_item(outcome.upload_ids[0])
        .expect("reads")
        .expect("the upload is queued");
    let ItemPayload::UploadAttachment { sha256, .. } = upload.payload else {
        panic!("an upload item");
    };
    let queued_copy = DataDir::new(fixture.dir.path())
        .profile_dir("test-profile")
        .join("attachments")
        .join(sha256);
    assert_eq!(
        std::fs::read(queued_copy).expect("the queue's own copy"),
        b"png bytes"
    );

    let outside = fixture.dir.path().join("scan.png");
    std::fs::write(&outside, b"scan").expect("a file the person picked");
    let mut picked = draft();
    picked.files = vec![(outside.clone(), Some("photo".into()))];
    core.submit(picked, false).await.expect("queued");
    assert!(
        outside.exists(),
        "a file outside the staging folder is the person's own and stays"
    );
}

#[tokio::test]
async fn who_used_my_data_is_read_from_the_portal_and_never_kept_on_the_device() {
    let fixture = Fixture::new().await;
    let staff_name = "Trần Văn Minh-7f3a";
    fixture.server.answer(
        "/v1/me/access-log",
        Canned::json(
            200,
            &serde_json::json!({
                "items": [{
                    "id": Uuid::now_v7(),
                    "at": "2026-11-29T02:15:00Z",
                    "action": "read",
                    "resource": "documents",
                    "staff": {"code": "BDDN-HC-01", "name": staff_name, "kind": "agent", "organisation": "Bưu điện Hải Châu"},
                    "venue": {"name": "Bưu cục Hải Châu", "unitCode": "20194"},
                    "sessionId": Uuid::now_v7(),
                    "consent": "otp",
                }],
                "nextCursor": "c2",
            })
            .to_string(),
        ),
    );
    let core = fixture.open();
    let log = core.access_log(None).await.expect("the access log");
    assert_eq!(log.entries.len(), 1);
    assert_eq!(log.entries[0].entry.staff.name, staff_name);
    assert_eq!(log.entries[0].vietnam_time, "2026-11-29 09:15");
    assert_eq!(log.next_cursor.as_deref(), Some("c2"));
    drop(core);
    let mut kept = Vec::new();
    let mut folders = vec![fixture.dir.path().to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("reads").flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else if std::fs::read(&path)
                .unwrap_or_default()
                .windows(staff_name.len())
                .any(|window| window == staff_name.as_bytes())
            {
                kept.push(path);
            }
        }
    }
    assert!(kept.is_empty(), "the access log is not cached: {kept:?}");
}

/// A core synced with two ID cards in the wallet, whose submissions the portal does not take
/// yet (503), so they stay in the queue to be read.
async fn synced_with_two_id_cards(fixture: &Fixture) -> OpenDvc {
    let sync = SyncResponse {
        feedback: Vec::new(),
        cursor: "c1".into(),
        has_more: false,
        profile: None,
        applications: Vec::new(),
        documents: vec![wallet_card(), second_wallet_card()],
        inbox: Vec::new(),
    };
    fixture.server.answer(
        "/v1/sync",
        Canned::json(200, &serde_json::to_string(&sync).expect("serialises")),
    );
    fixture.server.answer("/v1/procedures", catalog_answer());
    fixture
        .server
        .answer("/v1/applications", Canned::raw(503, b"down"));
    let core = fixture.open();
    core.sync_now().await.expect("first sync");
    core
}

/// The wallet references of the queued submission `item_id`.
fn queued_wallet_refs(core: &OpenDvc, item_id: Uuid) -> Vec<AttachmentRef> {
    let item = core.queue_item(item_id).expect("reads").expect("kept");
    let ItemPayload::CreateApplication { application } = item.payload else {
        panic!("a submission is queued")
    };
    application
        .attachments
        .into_iter()
        .filter(|reference| matches!(reference, AttachmentRef::Wallet { .. }))
        .collect()
}

#[tokio::test]
async fn the_wallet_document_the_person_picked_is_the_one_attached() {
    let fixture = Fixture::new().await;
    let core = synced_with_two_id_cards(&fixture).await;

    let base = draft();
    let picked_second = DraftView {
        application: NewApplication {
            procedure_id: base.procedure_id,
            form: base.form,
            attachments: vec![AttachmentRef::Wallet {
                document_id: second_wallet_card().id,
                requirement_id: Some("old-card".into()),
            }],
            delivery: base.delivery,
            fee_case: None,
        },
        renews_document_id: None,
        draft_id: None,
    };
    let result = core
        .submit_draft(picked_second)
        .await
        .expect("the draft is saved");
    assert_eq!(
        queued_wallet_refs(&core, result.item_id),
        vec![AttachmentRef::Wallet {
            document_id: second_wallet_card().id,
            requirement_id: Some("old-card".into()),
        }],
        "the second ID card, which the person picked, is attached, not the first of its kind"
    );
}

#[tokio::test]
async fn renewing_the_second_of_two_id_cards_attaches_the_second() {
    let fixture = Fixture::new().await;
    let core = synced_with_two_id_cards(&fixture).await;
    let rules = opendvc_core::reminders::RulesTable::built_in().expect("the rules table");

    let renewal = core
        .renewal_draft(second_wallet_card().id, &rules)
        .expect("a renewal draft of the second card");
    let second = AttachmentRef::Wallet {
        document_id: second_wallet_card().id,
        requirement_id: Some("old-card".into()),
    };
    assert_eq!(
        renewal.application.attachments,
        vec![second.clone()],
        "the draft shows the card being renewed as the old card"
    );
    // The person fills in what the profile did not pre-fill.
    let mut filled = renewal;
    filled.application.form = draft().form;
    let result = core
        .submit_draft(filled)
        .await
        .expect("the renewal is saved");
    assert_eq!(
        queued_wallet_refs(&core, result.item_id),
        vec![second],
        "the renewed card is attached, not the first ID card of the wallet"
    );
}

#[tokio::test]
async fn a_picked_wallet_document_that_cannot_stand_is_refused_not_swapped() {
    let fixture = Fixture::new().await;
    let core = synced_with_two_id_cards(&fixture).await;
    let base = draft();
    let with = |document_id: Uuid, requirement: &str| DraftView {
        application: NewApplication {
            procedure_id: base.procedure_id.clone(),
            form: base.form.clone(),
            attachments: vec![AttachmentRef::Wallet {
                document_id,
                requirement_id: Some(requirement.into()),
            }],
            delivery: base.delivery.clone(),
            fee_case: None,
        },
        renews_document_id: None,
        draft_id: None,
    };
    let cases = [
        (Uuid::from_u128(99), "old-card", "field-document-not-yours"),
        (
            second_wallet_card().id,
            "no-such-document",
            "field-requirement-unknown",
        ),
        (
            second_wallet_card().id,
            "photo",
            "field-document-kind-invalid",
        ),
    ];
    for (document_id, requirement, expected) in cases {
        let error = core
            .submit_draft(with(document_id, requirement))
            .await
            .expect_err("the pick is refused");
        let CoreError::InvalidSubmission(errors) = &error else {
            panic!("an invalid submission, not {error:?}")
        };
        let codes: Vec<String> = errors
            .iter()
            .map(|error| {
                let code = serde_json::to_value(error.code).expect("a code serialises");
                format!("{} {}", error.field, code.as_str().unwrap_or_default())
            })
            .collect();
        assert!(
            codes.contains(&format!("attachments[0] {expected}")),
            "{document_id} for {requirement} is refused as {expected}: {codes:?}"
        );
    }
    assert!(
        core.queue_items(false).expect("reads").is_empty(),
        "nothing was queued with another document in its place"
    );
}
