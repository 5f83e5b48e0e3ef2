//! Documents the resident adds by hand go to the portal's wallet (issue 18): `POST
//! /v1/documents` with an `Idempotency-Key` stores the document once in the citizen's own
//! wallet (source `citizen`), refuses bad input naming the field, and the change log brings it
//! to the citizen's other devices through `/v1/sync`; nobody else sees it.
//!
//! The last test drives the app's core on two data folders (two devices) against the real
//! portal: added on one, the document is in the other's wallet after its sync, once.
//!
//! Build the binaries first: `cargo build -p opendvc-portal -p opendvc-cli`.

use opendvc_api::{Document, DocumentSource, FieldProblemCode, NewDocument, SyncResponse};
use opendvc_core::clock::SystemClock;
use opendvc_core::session::DataDir;
use opendvc_core::views::documents::ReminderMode;
use opendvc_core::{DocumentDraft, OpenDvc, OpenDvcOptions};
use opendvc_tests::fixtures::Citizen;
use opendvc_tests::{Portal, PortalOptions, new_idempotency_key};

fn day(text: &str) -> chrono::NaiveDate {
    text.parse().expect("a date")
}

fn licence() -> NewDocument {
    NewDocument {
        kind: "driving_licence".into(),
        number: " 480123456789 ".into(),
        issued_on: day("2023-05-10"),
        expires_on: Some(day("2033-05-10")),
        issuer: "Sở Xây dựng Đà Nẵng".into(),
        classes: vec!["A1".into(), " B ".into()],
    }
}

fn add(citizen: &Citizen, new: &impl serde::Serialize, key: &str) -> opendvc_tests::Reply {
    citizen
        .call("POST", "/v1/documents")
        .idempotency_key(key)
        .json(new)
        .send()
}

/// Everything a device's sync brings after `cursor`, following `hasMore`.
fn synced_documents(citizen: &Citizen, cursor: Option<&str>) -> (Vec<Document>, String) {
    let mut path = "/v1/sync".to_owned();
    let mut documents = Vec::new();
    if let Some(cursor) = cursor {
        path = format!("/v1/sync?cursor={}", encode(cursor));
    }
    loop {
        let page: SyncResponse = citizen.get(&path).expect_json(200, "sync answers");
        documents.extend(page.documents);
        if !page.has_more {
            return (documents, page.cursor);
        }
        path = format!("/v1/sync?cursor={}", encode(&page.cursor));
    }
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (byte as char).to_string()
            }
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

#[test]
fn a_document_added_under_a_retried_key_is_stored_once_and_reaches_the_other_device() {
    let mut portal = Portal::start(PortalOptions::default());
    let phone = Citizen::demo(&mut portal, 0);
    let laptop = Citizen::sign_in(&mut portal, &phone.id_number.clone());
    let (_, laptop_cursor) = synced_documents(&laptop, None);
    let before = phone.documents().items.len();

    let key = new_idempotency_key();
    let first = add(&phone, &licence(), &key);
    let created: Document = first.expect_json(201, "a sound document is added");
    assert_eq!(created.source, DocumentSource::Citizen);
    assert_eq!(created.number, "480123456789", "the number is kept trimmed");
    assert_eq!(created.classes, vec!["A1".to_owned(), "B".to_owned()]);

    let again = add(&phone, &licence(), &key);
    let replayed: Document = again.expect_json(201, "a resend with the same key is answered");
    assert_eq!(replayed, created, "the resend gets the same document");
    assert_eq!(again.header("Idempotent-Replayed"), Some("true"));

    let wallet = phone.documents().items;
    assert_eq!(wallet.len(), before + 1, "one document more, not two");
    assert_eq!(
        wallet
            .iter()
            .filter(|document| document.id == created.id)
            .count(),
        1,
        "GET /v1/documents holds it once"
    );

    let (on_laptop, _) = synced_documents(&laptop, Some(&laptop_cursor));
    assert_eq!(
        on_laptop,
        vec![created.clone()],
        "the laptop's next sync brings exactly the added document"
    );

    let mut changed = licence();
    changed.number = "480999999999".into();
    add(&phone, &changed, &key).expect_problem(
        422,
        "idempotency_key_reused",
        "the same key with another document",
    );
    assert_eq!(phone.documents().items.len(), before + 1);
}

#[test]
fn another_citizen_never_sees_a_hand_added_document() {
    let mut portal = Portal::start(PortalOptions::default());
    let owner = Citizen::demo(&mut portal, 0);
    let other = Citizen::demo(&mut portal, 1);
    let key = new_idempotency_key();
    let created: Document = add(&owner, &licence(), &key).expect_json(201, "added");

    assert!(
        other
            .documents()
            .items
            .iter()
            .all(|document| document.id != created.id),
        "not in the other citizen's wallet"
    );
    let (synced, _) = synced_documents(&other, None);
    assert!(
        synced.iter().all(|document| document.id != created.id),
        "not in the other citizen's sync"
    );
    // The same key is scoped to the citizen: the other one adds their own document with it.
    let theirs: Document = add(&other, &licence(), &key).expect_json(201, "scoped keys");
    assert_ne!(theirs.id, created.id);
}

#[test]
fn bad_documents_are_refused_naming_each_field_and_nothing_is_stored() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    let before = citizen.documents().items;
    let today = portal.advance_clock(0).date_naive();

    let wrong = NewDocument {
        kind: "spaceship_licence".into(),
        number: "  ".into(),
        issued_on: today + chrono::Days::new(3),
        expires_on: Some(today - chrono::Days::new(30)),
        issuer: "x".repeat(201),
        classes: vec!["A1".into(), "NOT-A-CLASS".into()],
    };
    let problem = add(&citizen, &wrong, &new_idempotency_key()).expect_problem(
        422,
        "validation_failed",
        "every bad field is named",
    );
    let fields: Vec<(String, FieldProblemCode)> = problem
        .errors
        .into_iter()
        .map(|error| (error.field, error.code))
        .collect();
    let named: Vec<&str> = fields.iter().map(|(field, _)| field.as_str()).collect();
    assert_eq!(
        named,
        vec![
            "kind",
            "number",
            "issuer",
            "issuedOn",
            "expiresOn",
            "classes"
        ],
        "{fields:?}"
    );
    assert_eq!(fields[0].1, FieldProblemCode::DocumentKindInvalid);
    assert_eq!(fields[1].1, FieldProblemCode::Required);
    assert_eq!(fields[2].1, FieldProblemCode::TooLong);
    assert_eq!(fields[4].1, FieldProblemCode::DateNotAfterStart);

    let missing_date = serde_json::json!({"kind": "passport", "number": "C1", "issuer": "Cục"});
    let problem = add(&citizen, &missing_date, &new_idempotency_key()).expect_problem(
        400,
        "malformed_request",
        "a missing issue date",
    );
    assert!(
        problem.detail.unwrap_or_default().contains("issuedOn"),
        "the answer names the missing field"
    );
    citizen
        .call("POST", "/v1/documents")
        .json(&licence())
        .send()
        .expect_problem(400, "idempotency_key_missing", "no key");

    let fixed: Document = add(&citizen, &licence(), &new_idempotency_key())
        .expect_json(201, "the corrected document is added");
    let after = citizen.documents().items;
    assert_eq!(
        after.len(),
        before.len() + 1,
        "only the corrected one is stored"
    );
    assert!(after.contains(&fixed));
}

/// A core on a fresh data folder, signed in to `portal` as the demo citizen `index`.
fn device(
    runtime: &tokio::runtime::Runtime,
    portal: &mut Portal,
    index: usize,
) -> (OpenDvc, tempfile::TempDir) {
    let person = portal.demo_accounts().citizens[index].clone();
    let data = tempfile::tempdir().expect("a data folder");
    let mut options = OpenDvcOptions::new(DataDir::new(data.path()));
    options.clock = std::sync::Arc::new(SystemClock);
    options.portal_override = Some(portal.url());
    let mut core = OpenDvc::open(options).expect("the core opens");
    runtime
        .block_on(core.request_otp(&person.id_number))
        .expect("a code is sent");
    let code = portal.latest_code_sent_to(&person.phone);
    runtime
        .block_on(core.sign_in(&person.id_number, &code))
        .expect("the core signs in");
    runtime.block_on(core.sync_now()).expect("a first sync");
    (core, data)
}

#[test]
fn a_document_added_on_one_device_is_in_the_wallet_of_the_other_after_its_sync() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let mut portal = Portal::start(PortalOptions::default());
    let (phone, _phone_data) = device(&runtime, &mut portal, 0);
    let (laptop, _laptop_data) = device(&runtime, &mut portal, 0);
    let (stranger, _stranger_data) = device(&runtime, &mut portal, 1);
    let laptop_before = laptop.documents().expect("the wallet").len();

    let added = phone
        .add_document(DocumentDraft {
            kind: "health_insurance".into(),
            number: "DN4480123456789".into(),
            issued_on: day("2025-01-01"),
            expires_on: Some(day("2026-12-31")),
            issuer: "BHXH thành phố Đà Nẵng".into(),
            classes: Vec::new(),
        })
        .expect("added on the phone");
    // Switched off before the upload went out: the choice follows the document.
    phone
        .set_reminder(added.id, ReminderMode::Off, None)
        .expect("reminders switched off on the phone");
    runtime
        .block_on(phone.drain(std::time::Duration::from_secs(20)))
        .expect("the phone sends its queue");
    assert_eq!(
        runtime
            .block_on(phone.send_reminder_choices())
            .expect("the choice is sent"),
        1,
        "the choice made while the upload waited goes to the portal under the portal's id"
    );
    let on_phone: Vec<Document> = phone
        .documents()
        .expect("the wallet")
        .into_iter()
        .filter(|document| document.number == "DN4480123456789")
        .collect();
    assert_eq!(on_phone.len(), 1, "the phone holds it once: {on_phone:?}");
    assert_ne!(
        on_phone[0].id, added.id,
        "the phone's entry took the portal's id"
    );

    runtime
        .block_on(laptop.sync_now())
        .expect("the laptop syncs");
    let on_laptop = laptop.documents().expect("the wallet");
    assert_eq!(on_laptop.len(), laptop_before + 1);
    assert!(
        on_laptop.contains(&on_phone[0]),
        "the laptop's wallet holds the same document, same id"
    );
    let synced = on_laptop
        .iter()
        .find(|document| document.id == on_phone[0].id)
        .expect("on the laptop");
    assert!(
        synced.reminders.switched_off,
        "the laptop follows the reminder choice made on the phone"
    );
    runtime
        .block_on(phone.sync_now())
        .expect("the phone syncs too");
    assert_eq!(
        phone
            .documents()
            .expect("the wallet")
            .iter()
            .filter(|document| document.number == "DN4480123456789")
            .count(),
        1,
        "the phone's own sync does not double it"
    );
    runtime
        .block_on(stranger.sync_now())
        .expect("another citizen syncs");
    assert!(
        stranger
            .documents()
            .expect("the wallet")
            .iter()
            .all(|document| document.number != "DN4480123456789"),
        "another citizen never gets it"
    );
}
