//! Documents the resident adds by hand follow them to every device (issue 18): the wallet
//! keeps the document at once, and its upload to the portal's wallet (`POST /v1/documents`)
//! goes through the durable queue, sent once under its key even after a failure; the portal's
//! answer then takes the entry's place under the portal's id.

mod support;

use std::time::Duration;

use chrono::NaiveDate;
use opendvc_api::{Document, DocumentSource, FieldProblemCode, NewDocument};
use opendvc_core::queue::{ItemPayload, ItemState};
use opendvc_core::views::queue::QueueKindView;
use opendvc_core::{CoreError, DocumentDraft, DrainEnd};
use support::{Canned, local};
use uuid::Uuid;

type Fixture = support::SignedInDevice;

fn day(text: &str) -> NaiveDate {
    text.parse().expect("a date")
}

fn licence() -> DocumentDraft {
    DocumentDraft {
        kind: "driving_licence".into(),
        number: " 480123456789 ".into(),
        issued_on: day("2023-05-10"),
        expires_on: Some(day("2033-05-10")),
        issuer: "Sở Xây dựng Đà Nẵng".into(),
        classes: vec!["A1".into(), " B ".into()],
    }
}

/// The portal's answer to `new`: the document under the portal's own id.
fn portal_document(new: &NewDocument) -> Document {
    Document {
        id: Uuid::now_v7(),
        kind: new.kind.clone(),
        number: new.number.clone(),
        issued_on: new.issued_on,
        expires_on: new.expires_on,
        issuer: new.issuer.clone(),
        classes: new.classes.clone(),
        source: DocumentSource::Citizen,
        updated_at: local("2026-12-06T10:00:00+07:00"),
        reminders: Default::default(),
    }
}

#[tokio::test]
async fn a_document_added_offline_is_queued_and_sent_once_under_its_key_after_a_failure() {
    let fixture = Fixture::new().await;
    let core = fixture.open();
    fixture
        .server
        .answer("/v1/documents", Canned::raw(503, b"down"));

    let added = core.add_document(licence()).expect("kept on the device");
    assert_eq!(added.number, "480123456789", "kept trimmed");
    assert_eq!(added.classes, vec!["A1".to_owned(), "B".to_owned()]);
    let item = core
        .queue_item(added.id)
        .expect("reads")
        .expect("the upload is queued under the document's local id");
    assert_eq!(item.state, ItemState::Queued);
    let ItemPayload::AddDocument { document: queued } = item.payload.clone() else {
        panic!("the queued item uploads the document: {:?}", item.payload);
    };
    assert_eq!(queued.number, "480123456789");
    assert_eq!(
        core.documents()
            .expect("the wallet")
            .iter()
            .filter(|d| d.id == added.id)
            .count(),
        1,
        "the wallet shows the document at once"
    );
    let shown = core.queue_view().expect("the queue screen");
    assert!(
        shown
            .iter()
            .any(|entry| entry.kind == QueueKindView::Document),
        "the queue screen names the item a document: {shown:?}"
    );

    // The portal is down for the first try, then takes it.
    let answer = portal_document(&queued);
    fixture.server.answer(
        "/v1/documents",
        Canned::json(201, &serde_json::to_string(&answer).expect("json")),
    );
    let drained = core.drain(Duration::from_secs(30)).await.expect("drains");
    assert_eq!(drained.end, DrainEnd::Empty, "sent");

    let posts: Vec<_> = fixture
        .server
        .requests()
        .into_iter()
        .filter(|request| request.method == "POST" && request.target == "/v1/documents")
        .collect();
    assert_eq!(posts.len(), 2, "one failed try and the successful one");
    let keys: Vec<_> = posts
        .iter()
        .map(|request| request.header("Idempotency-Key").map(str::to_owned))
        .collect();
    assert!(
        keys.iter()
            .all(|key| key.as_deref() == Some(&added.id.to_string()[..])),
        "every try carries the item's one key: {keys:?}"
    );
    let body: NewDocument =
        serde_json::from_slice(&posts[posts.len() - 1].body).expect("the body is a NewDocument");
    assert_eq!(body, queued, "the frozen payload is what is sent");

    let wallet = core.documents().expect("the wallet");
    assert!(
        wallet.iter().all(|document| document.id != added.id),
        "the local entry is gone"
    );
    assert_eq!(
        wallet
            .iter()
            .filter(|document| document.id == answer.id)
            .count(),
        1,
        "the portal's document takes its place, once"
    );
    let sent = core.queue_item(added.id).expect("reads").expect("kept");
    assert_eq!(sent.state, ItemState::Sent);
    core.drain(Duration::from_millis(50)).await.expect("drains");
    assert_eq!(
        fixture
            .server
            .requests()
            .iter()
            .filter(|request| request.target == "/v1/documents")
            .count(),
        posts.len(),
        "nothing is sent again"
    );
    assert_eq!(
        core.documents().expect("the wallet").len(),
        wallet.len(),
        "nor added twice"
    );
}

#[tokio::test]
async fn a_document_the_portal_would_refuse_is_neither_kept_nor_queued() {
    let fixture = Fixture::new().await;
    let core = fixture.open();
    let mut wrong = licence();
    wrong.kind = "spaceship_licence".into();
    let Err(CoreError::InvalidDocument(errors)) = core.add_document(wrong) else {
        panic!("an unknown kind is refused on the device");
    };
    assert_eq!(errors[0].field, "kind");
    assert_eq!(errors[0].code, FieldProblemCode::DocumentKindInvalid);
    assert!(
        core.queue_items(true).expect("reads").is_empty(),
        "nothing is queued"
    );
}
