//! "Declared once, used many times" on the device (issue 18): a form pre-filled from the
//! profile, the addresses with their unit and the wallet, and the person's remembered answers
//! offered (never filled in) in the next form; answers kept per field kind for the signed-in
//! citizen only, cleared by sign-out, never kept on a shared device.

mod support;

use std::collections::BTreeMap;

use opendvc_api::{
    Address, AdminUnit, AdminUnits, Catalog, DeliveryChoice, DeliveryMethod, DeliveryOptions,
    Document, DocumentSource, FieldKind, FormField, LocalizedText, OnlineLevel, Procedure,
    ProcessingDays, Profile, Province, SyncResponse, UnitKind,
};
use opendvc_core::{OpenDvc, SubmissionDraft};
use support::{Canned, local};
use uuid::Uuid;

fn text(label: &str) -> LocalizedText {
    LocalizedText {
        vi: label.into(),
        en: label.into(),
        id: None,
    }
}

fn field(id: &str, prefill: &str) -> FormField {
    FormField {
        id: id.into(),
        label: text(id),
        kind: FieldKind::Text,
        required: false,
        options: Vec::new(),
        prefill: (!prefill.is_empty()).then(|| prefill.to_owned()),
        max_length: Some(300),
    }
}

/// A procedure whose fields take every kind of source.
fn procedure(id: &str) -> Procedure {
    Procedure {
        id: id.into(),
        code: "1.000001".into(),
        name: text(id),
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
        form_fields: vec![
            field("fullName", "profile.fullName"),
            field("residence", "address.current"),
            field("homeAddress", "address.permanent"),
            field("cardIssuedOn", "document.id_card.issuedOn"),
            field("bankAccount", "previous.bankAccount"),
            field("note", ""),
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

fn profile() -> Profile {
    let address = |unit: &str, street: &str| Address {
        province_code: "48".into(),
        unit_code: unit.into(),
        street: street.into(),
    };
    Profile {
        id_number: "048090001234".into(),
        full_name: "Nguyễn Thị Mai".into(),
        birth_date: chrono::NaiveDate::from_ymd_opt(1990, 5, 12).expect("date"),
        gender: "female".into(),
        phone: "+84905000001".into(),
        email: None,
        address: address("20194", "1 Bạch Đằng"),
        current_address: Some(address("20209", "25 Lê Duẩn")),
        language: "vi".into(),
        updated_at: local("2026-11-29T10:00:00+07:00"),
    }
}

fn card(id: u128, issued: (i32, u32, u32)) -> Document {
    Document {
        id: Uuid::from_u128(id),
        kind: "id_card".into(),
        number: format!("04809000{id:04}"),
        issued_on: chrono::NaiveDate::from_ymd_opt(issued.0, issued.1, issued.2).expect("date"),
        expires_on: None,
        issuer: "Cục Cảnh sát".into(),
        classes: Vec::new(),
        source: DocumentSource::Warehouse,
        reminders: Default::default(),
        updated_at: local("2026-11-29T10:00:00+07:00"),
    }
}

fn units() -> AdminUnits {
    let unit = |code: &str, name: &str| AdminUnit {
        code: code.into(),
        name: name.into(),
        kind: UnitKind::Ward,
        province_code: "48".into(),
        former_names: Vec::new(),
    };
    AdminUnits {
        version: "1".into(),
        provinces: vec![Province {
            code: "48".into(),
            name: "Thành phố Đà Nẵng".into(),
        }],
        units: vec![
            unit("20194", "Phường Hải Vân"),
            unit("20209", "Phường Thanh Khê"),
        ],
    }
}

/// A core synced with the profile, two ID cards, the catalog and the administrative units.
async fn synced(fixture: &support::SignedInDevice, shared_device: bool) -> OpenDvc {
    let page = SyncResponse {
        feedback: Vec::new(),
        cursor: "c1".into(),
        has_more: false,
        profile: Some(profile()),
        applications: Vec::new(),
        documents: vec![card(1, (2016, 5, 1)), card(2, (2021, 3, 2))],
        inbox: Vec::new(),
    };
    fixture.server.answer(
        "/v1/sync",
        Canned::json(200, &serde_json::to_string(&page).expect("json")),
    );
    let catalog = Catalog {
        version: "v1".into(),
        items: vec![
            procedure("social-allowance"),
            procedure("unemployment-benefit"),
        ],
    };
    fixture.server.answer(
        "/v1/procedures",
        Canned::json(200, &serde_json::to_string(&catalog).expect("json")),
    );
    fixture.server.answer(
        "/v1/admin-units",
        Canned::json(200, &serde_json::to_string(&units()).expect("json")),
    );
    let mut options = fixture.options();
    options.shared_device = shared_device;
    let core = OpenDvc::open(options).expect("core opens");
    core.sync_now().await.expect("first sync");
    core.admin_units().await.expect("the units are cached");
    core
}

fn submission(procedure_id: &str, bank_account: &str) -> SubmissionDraft {
    SubmissionDraft {
        procedure_id: procedure_id.into(),
        form: BTreeMap::from([
            ("fullName".to_owned(), "Nguyễn Thị Mai".to_owned()),
            ("bankAccount".to_owned(), bank_account.to_owned()),
            ("note".to_owned(), "không nhớ ô này".to_owned()),
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
async fn a_form_is_filled_from_the_profile_the_address_with_its_unit_and_the_picked_document() {
    let fixture = support::SignedInDevice::new().await;
    let core = synced(&fixture, false).await;
    let prefill = core
        .prefill_form("social-allowance", &[])
        .expect("the form pre-fills");
    let filled = |id: &str| prefill.filled.get(id).map(String::as_str);
    assert_eq!(filled("fullName"), Some("Nguyễn Thị Mai"));
    assert_eq!(
        filled("residence"),
        Some("25 Lê Duẩn, Phường Thanh Khê, Thành phố Đà Nẵng"),
        "the current address with its unit and province, not just the street"
    );
    assert_eq!(
        filled("homeAddress"),
        Some("1 Bạch Đằng, Phường Hải Vân, Thành phố Đà Nẵng")
    );
    assert_eq!(
        filled("cardIssuedOn"),
        Some("2016-05-01"),
        "the wallet's first ID card where none is picked"
    );
    assert_eq!(
        filled("note"),
        None,
        "a field without a source is left empty"
    );
    assert!(
        prefill.offered.is_empty(),
        "nothing typed before, nothing offered"
    );

    let picked = core
        .prefill_form("social-allowance", &[Uuid::from_u128(2)])
        .expect("the form pre-fills");
    assert_eq!(
        picked.filled.get("cardIssuedOn").map(String::as_str),
        Some("2021-03-02"),
        "the ID card the person picked answers its fields"
    );
}

#[tokio::test]
async fn an_answer_typed_once_is_offered_in_the_next_form_never_filled_in() {
    let fixture = support::SignedInDevice::new().await;
    let core = synced(&fixture, false).await;
    core.submit(submission("social-allowance", " 0123 456 789 "), false)
        .await
        .expect("queued");
    let next = core
        .prefill_form("unemployment-benefit", &[])
        .expect("the next form pre-fills");
    assert_eq!(
        next.offered.get("bankAccount").map(String::as_str),
        Some("0123 456 789"),
        "the bank account typed in another procedure is offered (as kept: trimmed)"
    );
    assert_eq!(
        next.filled.get("bankAccount"),
        None,
        "a previous answer is offered, never put in the form"
    );
    assert_eq!(
        core.remembered_answers().expect("reads"),
        vec![("bankAccount".to_owned(), "0123 456 789".to_owned())],
        "only fields that take a previous answer are remembered, by their kind"
    );

    core.submit(submission("unemployment-benefit", "9999"), false)
        .await
        .expect("queued");
    assert_eq!(
        core.prefill_form("social-allowance", &[])
            .expect("pre-fills")
            .offered
            .get("bankAccount")
            .map(String::as_str),
        Some("9999"),
        "the latest answer of a kind is the one offered"
    );
}

#[tokio::test]
async fn sign_out_forgets_the_remembered_answers() {
    let fixture = support::SignedInDevice::new().await;
    let mut core = synced(&fixture, false).await;
    core.submit(submission("social-allowance", "0123456789"), false)
        .await
        .expect("queued");
    assert_eq!(core.remembered_answers().expect("reads").len(), 1);
    core.sign_out(true).await.expect("signs out");
    drop(core);

    support::save_session(
        fixture.dir.path(),
        &fixture.server.base_url,
        "access",
        "refresh",
    );
    let again = fixture.open();
    assert_eq!(
        again.remembered_answers().expect("reads"),
        Vec::new(),
        "the next sign-in on this device is offered nothing the last one typed"
    );
}

#[tokio::test]
async fn a_shared_device_keeps_no_answers() {
    let fixture = support::SignedInDevice::new().await;
    let core = synced(&fixture, true).await;
    core.submit(submission("social-allowance", "0123456789"), false)
        .await
        .expect("queued");
    assert_eq!(
        core.remembered_answers().expect("reads"),
        Vec::new(),
        "nothing a citizen types at a counter stays on the counter's computer"
    );
    let next = core
        .prefill_form("unemployment-benefit", &[])
        .expect("pre-fills");
    assert!(next.offered.is_empty(), "and nothing is offered there");
    assert_eq!(
        next.filled.get("fullName").map(String::as_str),
        Some("Nguyễn Thị Mai"),
        "what the city holds still fills the form"
    );
}
