//! Documents the resident adds by hand go to the portal's wallet (issue 18): `POST
//! /v1/documents` with an `Idempotency-Key` stores the document once in the citizen's own
//! wallet (source `citizen`), refuses bad input naming the field, and the change log brings it
//! to the citizen's other devices through `/v1/sync`; nobody else sees it.
//!
//! Build the binaries first: `cargo build -p opendvc-portal -p opendvc-cli`.

use opendvc_api::{Document, DocumentSource, FieldProblemCode, NewDocument, SyncResponse};
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
