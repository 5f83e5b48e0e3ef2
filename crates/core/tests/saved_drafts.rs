//! Drafts that survive (issue 18): every started application is saved on the device as the
//! person types, listed with its procedure and when it was last touched, resumed after the
//! app is closed and opened again, discarded on request, removed once submitted, and gone
//! with the person from a shared device.

mod support;

use std::collections::BTreeMap;
use std::sync::Arc;

use opendvc_api::{
    AttachmentRef, Catalog, DeliveryChoice, DeliveryMethod, DeliveryOptions, FieldKind, FormField,
    LocalizedText, NewApplication, OnlineLevel, Procedure, ProcessingDays, SyncResponse,
};
use opendvc_core::clock::ManualClock;
use opendvc_core::views::{DraftProgress, DraftView, SavedDraft, StagedView};
use opendvc_core::{CoreCode, OpenDvc};
use support::{Canned, SignedInDevice, at};
use uuid::Uuid;

fn text(label: &str) -> LocalizedText {
    LocalizedText {
        vi: label.into(),
        en: format!("{label} (en)"),
        id: None,
    }
}

fn procedure(id: &str, name: &str) -> Procedure {
    Procedure {
        id: id.into(),
        code: "1.000001".into(),
        name: text(name),
        agency: text("UBND"),
        agency_id: "da-nang-people-committee".into(),
        sector: "social".into(),
        online_level: OnlineLevel::Full,
        pay_before_processing: false,
        fee_cases: Vec::new(),
        fee_case_field: None,
        fee_add_ons: Vec::new(),
        fee_per_unit: None,
        fee_exemptions: Vec::new(),
        processing_days: ProcessingDays {
            in_person: 5,
            online: 5,
        },
        required_documents: Vec::new(),
        form_fields: vec![FormField {
            id: "note".into(),
            label: text("note"),
            kind: FieldKind::Text,
            required: true,
            options: Vec::new(),
            prefill: None,
            max_length: Some(300),
        }],
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

/// The portal's answers for a first sync with a two-procedure catalog.
fn serve_catalog(fixture: &SignedInDevice) {
    let page = SyncResponse {
        feedback: Vec::new(),
        cursor: "c1".into(),
        has_more: false,
        profile: None,
        applications: Vec::new(),
        documents: Vec::new(),
        inbox: Vec::new(),
    };
    fixture.server.answer(
        "/v1/sync",
        Canned::json(200, &serde_json::to_string(&page).expect("json")),
    );
    let catalog = Catalog {
        version: "v1".into(),
        items: vec![
            procedure("birth-registration", "Đăng ký khai sinh"),
            procedure("social-allowance", "Trợ cấp xã hội"),
        ],
    };
    fixture.server.answer(
        "/v1/procedures",
        Canned::json(200, &serde_json::to_string(&catalog).expect("json")),
    );
}

/// A core on `fixture`'s data folder with a clock the test moves.
fn open(fixture: &SignedInDevice, clock: &Arc<ManualClock>, shared_device: bool) -> OpenDvc {
    let mut options = fixture.options();
    options.clock = clock.clone();
    options.shared_device = shared_device;
    OpenDvc::open(options).expect("core opens")
}

async fn synced(fixture: &SignedInDevice, clock: &Arc<ManualClock>, shared: bool) -> OpenDvc {
    serve_catalog(fixture);
    let core = open(fixture, clock, shared);
    core.sync_now().await.expect("first sync");
    core
}

fn started(procedure_id: &str, note: &str) -> SavedDraft {
    SavedDraft {
        id: Uuid::now_v7(),
        draft: DraftView {
            application: NewApplication {
                procedure_id: procedure_id.into(),
                form: BTreeMap::from([("note".to_owned(), note.to_owned())]),
                attachments: Vec::new(),
                delivery: DeliveryChoice {
                    method: DeliveryMethod::Counter,
                    address: None,
                },
                fee_case: None,
            },
            renews_document_id: None,
            draft_id: None,
        },
        files: BTreeMap::new(),
        done: DraftProgress::default(),
        pick_again: Vec::new(),
        updated_at: None,
    }
}

fn clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::new(at("2026-12-06T02:00:00Z")))
}

#[tokio::test]
async fn drafts_are_listed_newest_first_and_resumed_as_typed_after_the_core_reopens() {
    let fixture = SignedInDevice::new().await;
    let clock = clock();
    let core = synced(&fixture, &clock, false).await;
    let mut birth = started("birth-registration", "con thứ hai");
    birth.done.details = true;
    core.save_draft(birth.clone()).expect("saved");
    clock.advance(chrono::Duration::minutes(5));
    let allowance = started("social-allowance", "mẹ đơn thân");
    core.save_draft(allowance.clone()).expect("saved");
    clock.advance(chrono::Duration::minutes(5));
    let mut typed_on = birth.clone();
    typed_on
        .draft
        .application
        .form
        .insert("note".into(), "con thứ hai, sinh tại nhà".into());
    core.save_draft(typed_on).expect("saved again, not added");
    drop(core);

    let again = open(&fixture, &clock, false);
    let listed = again.drafts().expect("listed");
    assert_eq!(
        listed
            .iter()
            .map(|draft| (draft.id, draft.procedure_name.vi.as_str(), draft.updated_at))
            .collect::<Vec<_>>(),
        vec![
            (birth.id, "Đăng ký khai sinh", at("2026-12-06T02:10:00Z")),
            (allowance.id, "Trợ cấp xã hội", at("2026-12-06T02:05:00Z")),
        ],
        "one line per started application, named from the catalog, the one touched last first"
    );
    let resumed = again.resume_draft(birth.id).expect("resumed");
    assert_eq!(
        resumed
            .draft
            .application
            .form
            .get("note")
            .map(String::as_str),
        Some("con thứ hai, sinh tại nhà"),
        "what was typed last is there after the app was closed"
    );
    assert!(
        resumed.done.details,
        "the task list shows where it was left"
    );
    assert_eq!(
        resumed.draft.draft_id,
        Some(birth.id),
        "the resumed draft names itself, so submitting it removes it"
    );
}

#[tokio::test]
async fn a_discarded_draft_is_gone_and_cannot_be_discarded_twice() {
    let fixture = SignedInDevice::new().await;
    let clock = clock();
    let core = synced(&fixture, &clock, false).await;
    let draft = started("birth-registration", "x");
    core.save_draft(draft.clone()).expect("saved");
    core.discard_draft(draft.id).expect("discarded");
    assert!(core.drafts().expect("listed").is_empty());
    let error = core.discard_draft(draft.id).expect_err("already gone");
    assert_eq!(error.code(), CoreCode::UnknownDraft);
    let error = core.resume_draft(draft.id).expect_err("nothing to resume");
    assert_eq!(error.code(), CoreCode::UnknownDraft);
}

#[tokio::test]
async fn a_submitted_draft_leaves_the_list() {
    let fixture = SignedInDevice::new().await;
    let clock = clock();
    let core = synced(&fixture, &clock, false).await;
    let kept = core
        .save_draft(started("birth-registration", "con thứ hai"))
        .expect("saved");
    let other = started("social-allowance", "mẹ đơn thân");
    core.save_draft(other.clone()).expect("saved");
    core.submit_draft(kept.draft).await.expect("queued");
    assert_eq!(
        core.drafts()
            .expect("listed")
            .iter()
            .map(|draft| draft.id)
            .collect::<Vec<_>>(),
        vec![other.id],
        "only the submitted one goes"
    );
}

#[tokio::test]
async fn sign_out_on_a_shared_device_takes_the_drafts_and_a_personal_device_keeps_them() {
    for shared in [true, false] {
        let fixture = SignedInDevice::new().await;
        let clock = clock();
        let mut core = synced(&fixture, &clock, shared).await;
        core.save_draft(started("birth-registration", "x"))
            .expect("saved");
        core.sign_out(true).await.expect("signs out");
        drop(core);
        support::save_session(
            fixture.dir.path(),
            &fixture.server.base_url,
            "access",
            "refresh",
        );
        let again = open(&fixture, &clock, shared);
        let left = again.drafts().expect("listed").len();
        if shared {
            assert_eq!(
                left, 0,
                "a draft typed at a shared computer leaves with its person"
            );
        } else {
            assert_eq!(left, 1, "on their own device it waits for the same person");
        }
    }
}

#[tokio::test]
async fn a_picked_file_the_device_no_longer_holds_is_named_to_be_picked_again() {
    let fixture = SignedInDevice::new().await;
    let clock = clock();
    let core = synced(&fixture, &clock, false).await;
    let kept: StagedView = core
        .stage_picked_file(
            "giay-chung-sinh.pdf",
            "application/pdf",
            b"%PDF-1 kept".to_vec(),
        )
        .expect("staged");
    let lost: StagedView = core
        .stage_picked_file("cccd-cha.pdf", "application/pdf", b"%PDF-1 lost".to_vec())
        .expect("staged");
    let mut draft = started("birth-registration", "x");
    draft.done.documents = true;
    for (requirement, file) in [("birth-certificate", &kept), ("father-id", &lost)] {
        draft.files.insert(requirement.into(), file.clone());
        draft
            .draft
            .application
            .attachments
            .push(AttachmentRef::Upload {
                attachment_id: file.attachment_id.clone(),
                requirement_id: Some(requirement.into()),
            });
    }
    core.save_draft(draft.clone()).expect("saved");
    drop(core);
    let hash = lost.attachment_id.trim_start_matches("sha256:");
    std::fs::remove_dir_all(fixture.dir.path().join("staging").join(hash))
        .expect("the staged copy is removed");

    let again = open(&fixture, &clock, false);
    let resumed = again.resume_draft(draft.id).expect("resumed");
    assert_eq!(
        resumed.files.keys().collect::<Vec<_>>(),
        vec!["birth-certificate"],
        "a file staged on this device survives the restart"
    );
    assert_eq!(resumed.pick_again, vec!["father-id".to_owned()]);
    assert_eq!(resumed.draft.application.attachments.len(), 1);
    assert!(
        !resumed.done.documents,
        "the documents page is to be done again"
    );
}
