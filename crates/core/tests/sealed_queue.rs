//! A queue on a shared device seals what it holds for a citizen: nothing readable on disk,
//! the original bytes on the wire, and nothing personal left once the portal acknowledged it.

mod support;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use opendvc_api::{DeliveryChoice, DeliveryMethod, NewApplication, NewDocument};
use opendvc_core::clock::{ManualClock, MaxJitter};
use opendvc_core::queue::{BackoffPolicy, ItemPayload, ItemState, SubmissionQueue};
use opendvc_core::sealing::QueueKey;
use support::{Outcome, ScriptedPortal, at};

const SECRET_NAME: &str = "Nguyễn Thị Lan";
const SECRET_ID: &str = "048190001234";

fn open(dir: &Path, clock: &Arc<ManualClock>, key: Option<&QueueKey>) -> SubmissionQueue {
    let queue = SubmissionQueue::open(
        dir,
        clock.clone(),
        BackoffPolicy::new(
            Duration::from_secs(1),
            Duration::from_secs(60),
            Arc::new(MaxJitter),
        ),
    )
    .expect("queue opens");
    if let Some(key) = key {
        queue.set_key(key.clone());
    }
    queue.set_purge_after_ack(true);
    queue
}

fn files_containing(dir: &Path, needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    for entry in walk(dir) {
        let bytes = std::fs::read(&entry).unwrap_or_default();
        if bytes
            .windows(needle.len())
            .any(|window| window == needle.as_bytes())
        {
            found.push(entry.display().to_string());
        }
    }
    found
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("reads").flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[tokio::test]
async fn a_sealed_queue_keeps_nothing_readable_on_disk_and_sends_the_original() {
    let scratch = tempfile::tempdir().expect("temp dir");
    let dir = scratch.path().join("outbox");
    let clock = Arc::new(ManualClock::new(at("2026-11-29T03:00:00Z")));
    let key = QueueKey::generate();
    let queue = open(&dir, &clock, Some(&key));
    let scan = scratch.path().join("cccd.txt");
    std::fs::write(&scan, format!("{SECRET_NAME} {SECRET_ID}")).expect("writes");
    let staged = queue.stage_attachment(&scan, None).expect("stages");
    let application = NewApplication {
        procedure_id: "id-card-renewal".into(),
        form: BTreeMap::from([
            ("fullName".to_owned(), SECRET_NAME.to_owned()),
            ("idNumber".to_owned(), SECRET_ID.to_owned()),
        ]),
        attachments: Vec::new(),
        delivery: DeliveryChoice {
            method: DeliveryMethod::Counter,
            address: None,
        },
        fee_case: None,
    };
    let enqueued = queue
        .enqueue_submission(application.clone(), std::slice::from_ref(&staged))
        .expect("enqueues");
    drop(queue);
    for secret in [SECRET_NAME, SECRET_ID] {
        assert!(
            files_containing(&dir, secret).is_empty(),
            "queued work is sealed at rest: {secret}"
        );
    }
    // The same work in a queue without a key is readable on disk: the scan above can see.
    let plain_dir = scratch.path().join("plain");
    let plain = open(&plain_dir, &clock, None);
    plain
        .enqueue_submission(application.clone(), &[])
        .expect("enqueues");
    drop(plain);
    assert!(
        !files_containing(&plain_dir, SECRET_ID).is_empty(),
        "an unsealed queue holds the ID number in the clear"
    );

    let locked = open(&dir, &clock, None);
    let item = locked.item(enqueued.item_id).expect("reads").expect("kept");
    assert!(
        matches!(item.payload, ItemPayload::Sealed { .. }),
        "without the key the item stays sealed"
    );
    assert_eq!(
        item.payload.procedure_id(),
        Some("id-card-renewal"),
        "the service stays readable for the tally"
    );
    drop(locked);

    let queue = open(&dir, &clock, Some(&key));
    let item = queue.item(enqueued.item_id).expect("reads").expect("kept");
    let ItemPayload::CreateApplication {
        application: opened,
    } = item.payload
    else {
        panic!("the key opens the item");
    };
    assert_eq!(opened.form, application.form);
    let portal = ScriptedPortal::new([Outcome::Ok, Outcome::Ok]);
    let lock = queue.try_lock_sender().expect("lock").expect("free");
    let report = queue
        .send_pass(&lock, portal.as_ref(), None)
        .await
        .expect("pass runs");
    assert_eq!(
        report.sent.len(),
        2,
        "the scan and the application are sent"
    );
    assert_eq!(
        portal.state.lock().expect("state").uploads[&staged.attachment_id()],
        1,
        "the portal got the original bytes (their hash is the staged one)"
    );
    let sent = queue.item(enqueued.item_id).expect("reads").expect("kept");
    assert_eq!(sent.state, ItemState::Sent);
    assert!(sent.application_code.is_some(), "the receipt's code stays");
    drop(lock);
    drop(queue);
    for secret in [SECRET_NAME, SECRET_ID] {
        assert!(
            files_containing(&dir, secret).is_empty(),
            "nothing personal remains after acknowledgement: {secret}"
        );
    }
    assert!(
        !dir.join("attachments").join(&staged.sha256).exists(),
        "the sealed copy of the scan is deleted once acknowledged"
    );
}

#[tokio::test]
async fn a_hand_added_document_is_sealed_at_rest_and_forgotten_once_acknowledged() {
    let scratch = tempfile::tempdir().expect("temp dir");
    let dir = scratch.path().join("outbox");
    let clock = Arc::new(ManualClock::new(at("2026-11-29T03:00:00Z")));
    let key = QueueKey::generate();
    let queue = open(&dir, &clock, Some(&key));
    let document = NewDocument {
        kind: "passport".into(),
        number: "C7654321".into(),
        issued_on: "2024-03-01".parse().expect("a date"),
        expires_on: None,
        issuer: SECRET_NAME.into(),
        classes: Vec::new(),
    };
    let item_id = uuid::Uuid::now_v7();
    queue
        .enqueue_document(item_id, document.clone())
        .expect("enqueues");
    drop(queue);
    for secret in ["C7654321", SECRET_NAME] {
        assert!(
            files_containing(&dir, secret).is_empty(),
            "the queued document is sealed at rest: {secret}"
        );
    }

    let queue = open(&dir, &clock, Some(&key));
    let portal = ScriptedPortal::new([Outcome::Ok]);
    let lock = queue.try_lock_sender().expect("lock").expect("free");
    let report = queue
        .send_pass(&lock, portal.as_ref(), None)
        .await
        .expect("pass runs");
    assert_eq!(report.sent.len(), 1, "the document is sent");
    assert_eq!(
        portal.state.lock().expect("state").documents_by_number["C7654321"],
        vec![item_id],
        "the portal got the original document once, under the item's key"
    );
    let sent = queue.item(item_id).expect("reads").expect("kept");
    assert_eq!(sent.state, ItemState::Sent);
    drop(lock);
    drop(queue);
    for secret in ["C7654321", SECRET_NAME] {
        assert!(
            files_containing(&dir, secret).is_empty(),
            "nothing personal remains after acknowledgement: {secret}"
        );
    }
}
