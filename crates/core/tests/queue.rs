//! The submission queue's promises: nothing lost, nothing doubled, whatever the network does.

mod support;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use opendvc_api::{
    DeliveryChoice, DeliveryMethod, NewApplication, NewFeedback, NewSupplement, Rating,
    ReopenFeedback,
};
use opendvc_core::clock::{ManualClock, MaxJitter};
use opendvc_core::queue::{
    ApplicationTarget, BackoffPolicy, DiscardOutcome, FeedbackFollowUp, FollowUp, ItemKind,
    ItemPayload, ItemState, PassEnd, PassReport, QueueError, ServerAnswer, SubmissionQueue,
};
use support::{Outcome, ScriptedPortal, at};
use uuid::Uuid;

const BASE: Duration = Duration::from_secs(1);

/// No way to reach the portal (offline, or signed out) for a discard.
const NO_PORTAL: Option<&ScriptedPortal> = None;
const CAP: Duration = Duration::from_secs(60);

fn clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::new(at("2026-11-29T03:00:00Z")))
}

fn open(dir: &Path, clock: &Arc<ManualClock>) -> SubmissionQueue {
    SubmissionQueue::open(
        dir,
        clock.clone(),
        BackoffPolicy::new(BASE, CAP, Arc::new(MaxJitter)),
    )
    .expect("queue opens")
}

fn new_application(marker: &str) -> NewApplication {
    NewApplication {
        procedure_id: "id-card-renewal".into(),
        form: BTreeMap::from([("marker".to_owned(), marker.to_owned())]),
        attachments: Vec::new(),
        delivery: DeliveryChoice {
            method: DeliveryMethod::Counter,
            address: None,
        },
        fee_case: None,
    }
}

fn supplement(note: &str) -> FollowUp {
    FollowUp::Supplement(NewSupplement {
        note: Some(note.into()),
        form: BTreeMap::new(),
        attachments: Vec::new(),
    })
}

fn new_feedback(description: &str) -> NewFeedback {
    NewFeedback {
        category: "environment".into(),
        description: description.into(),
        photos: Vec::new(),
        place: None,
        application_id: None,
    }
}

async fn pass(queue: &SubmissionQueue, portal: &Arc<ScriptedPortal>) -> PassReport {
    let lock = queue
        .try_lock_sender()
        .expect("lock file usable")
        .expect("no other sender");
    queue
        .send_pass(&lock, portal.as_ref(), None)
        .await
        .expect("pass runs")
}

#[tokio::test]
async fn enqueued_submission_survives_reopening_with_its_frozen_payload() {
    let dir = tempfile::tempdir().expect("temp dir");
    let clock = clock();
    let id = {
        let queue = open(dir.path(), &clock);
        queue
            .enqueue_submission(new_application("a"), &[])
            .expect("enqueues")
            .item_id
    };
    let queue = open(dir.path(), &clock);
    let item = queue
        .item(id)
        .expect("reads")
        .expect("the item is still there");
    assert_eq!(item.state, ItemState::Queued);
    assert_eq!(
        id.get_version_num(),
        7,
        "the item id (and idempotency key) is a UUIDv7"
    );
    let ItemPayload::CreateApplication { application } = item.payload else {
        panic!("payload kind changed");
    };
    assert_eq!(application, new_application("a"));
}

#[tokio::test]
async fn transient_failures_back_off_exponentially_and_keep_the_item() {
    let dir = tempfile::tempdir().expect("temp dir");
    let clock = clock();
    let queue = open(dir.path(), &clock);
    let portal = ScriptedPortal::new([Outcome::Unreachable, Outcome::Unavailable, Outcome::Lost]);
    let id = queue
        .enqueue_submission(new_application("a"), &[])
        .expect("enqueues")
        .item_id;
    let start = clock.now_for_test();

    let report = pass(&queue, &portal).await;
    assert_eq!(
        report.end,
        PassEnd::BackingOff {
            until: start + chrono::Duration::seconds(1)
        }
    );
    assert!(report.went_offline, "a refused connection means offline");
    let report = pass(&queue, &portal).await;
    assert_eq!(
        portal.requests(),
        1,
        "nothing is sent again before the back-off ends"
    );
    assert!(report.sent.is_empty());

    clock.advance(chrono::Duration::seconds(1));
    let report = pass(&queue, &portal).await;
    assert_eq!(
        report.end,
        PassEnd::BackingOff {
            until: start + chrono::Duration::seconds(1 + 2)
        },
        "the second failure waits up to twice as long"
    );
    clock.advance(chrono::Duration::seconds(2));
    let report = pass(&queue, &portal).await;
    assert_eq!(
        report.end,
        PassEnd::BackingOff {
            until: start + chrono::Duration::seconds(3 + 4)
        }
    );
    let item = queue.item(id).expect("reads").expect("kept");
    assert_eq!(item.state, ItemState::Queued);
    assert_eq!(item.attempts, 3);

    clock.advance(chrono::Duration::seconds(4));
    let report = pass(&queue, &portal).await;
    assert_eq!(report.sent.len(), 1, "sent once the portal answers");
    let item = queue.item(id).expect("reads").expect("kept");
    assert_eq!(item.state, ItemState::Sent);
    let state = portal.state.lock().expect("state");
    assert_eq!(
        state.created_by_marker["a"],
        vec![id],
        "the lost answer did not create a second application"
    );
    assert!(
        state.seen_keys.iter().all(|key| *key == id),
        "every attempt used the item id as key"
    );
}

#[test]
fn back_off_is_full_jitter_capped_and_never_shorter_than_retry_after() {
    let policy = BackoffPolicy::new(BASE, CAP, Arc::new(MaxJitter));
    assert_eq!(policy.delay(1, None), Duration::from_secs(1));
    assert_eq!(policy.delay(4, None), Duration::from_secs(8));
    assert_eq!(policy.delay(40, None), CAP, "the ceiling is capped");
    assert_eq!(
        policy.delay(1, Some(Duration::from_secs(90))),
        Duration::from_secs(90)
    );
    let random = BackoffPolicy::new(
        BASE,
        CAP,
        Arc::new(opendvc_core::clock::RandomJitter::seeded(7)),
    );
    for attempts in 1..20 {
        let ceiling = BASE.saturating_mul(1 << (attempts - 1).min(30)).min(CAP);
        assert!(
            random.delay(attempts, None) <= ceiling,
            "jitter stays under the ceiling"
        );
    }
}

#[tokio::test]
async fn rate_limit_waits_at_least_retry_after() {
    let dir = tempfile::tempdir().expect("temp dir");
    let clock = clock();
    let queue = open(dir.path(), &clock);
    let portal = ScriptedPortal::new([Outcome::RateLimited(120)]);
    queue
        .enqueue_submission(new_application("a"), &[])
        .expect("enqueues");
    let start = clock.now_for_test();
    let report = pass(&queue, &portal).await;
    assert_eq!(
        report.end,
        PassEnd::BackingOff {
            until: start + chrono::Duration::seconds(120)
        }
    );
    assert!(!report.went_offline, "a 429 is an answer, not offline");
}

/// Fails the queue's head item `times` times with a connection the portal never answered,
/// moving the clock past each back-off.
async fn fail_head_item(
    queue: &SubmissionQueue,
    clock: &Arc<ManualClock>,
    portal: &Arc<ScriptedPortal>,
    times: usize,
) {
    for _ in 0..times {
        portal.push(Outcome::Network);
        let report = pass(queue, portal).await;
        let PassEnd::BackingOff { until } = report.end else {
            panic!("a broken connection backs off, got {:?}", report.end);
        };
        clock.set(until);
    }
}

#[tokio::test]
async fn a_retry_after_answer_waits_what_the_server_said_not_the_links_past_failures() {
    let dir = tempfile::tempdir().expect("temp dir");
    let clock = clock();
    let queue = open(dir.path(), &clock);
    let portal = ScriptedPortal::new([]);
    queue
        .enqueue_submission(new_application("a"), &[])
        .expect("enqueues");
    fail_head_item(&queue, &clock, &portal, 3).await;

    portal.push(Outcome::RateLimited(2));
    let start = clock.now_for_test();
    let report = pass(&queue, &portal).await;
    assert_eq!(
        report.end,
        PassEnd::BackingOff {
            until: start + chrono::Duration::seconds(2)
        },
        "a 429 with Retry-After: 2 waits 2 s, not the 8 s a fourth failure would draw"
    );
}

#[tokio::test]
async fn a_new_sender_does_not_make_an_item_wait_for_its_own_past_failures() {
    let dir = tempfile::tempdir().expect("temp dir");
    let clock = clock();
    let portal = ScriptedPortal::new([]);
    let id = {
        let queue = open(dir.path(), &clock);
        let id = queue
            .enqueue_submission(new_application("a"), &[])
            .expect("enqueues")
            .item_id;
        fail_head_item(&queue, &clock, &portal, 4).await;
        id
    };
    // The laptop moved to a better connection and the app started again.
    let queue = open(dir.path(), &clock);
    assert_eq!(
        queue.item(id).expect("reads").expect("kept").attempts,
        4,
        "the item keeps its history"
    );
    portal.push(Outcome::Lost);
    let start = clock.now_for_test();
    let report = pass(&queue, &portal).await;
    assert_eq!(
        report.end,
        PassEnd::BackingOff {
            until: start + chrono::Duration::from_std(BASE).expect("fits")
        },
        "the first failure on this link waits the shortest back-off, not the 16 s of a fifth try"
    );
}

#[tokio::test]
async fn an_answer_from_the_portal_resets_the_links_back_off() {
    let dir = tempfile::tempdir().expect("temp dir");
    let clock = clock();
    let queue = open(dir.path(), &clock);
    let portal = ScriptedPortal::new([]);
    for marker in ["a", "b"] {
        queue
            .enqueue_submission(new_application(marker), &[])
            .expect("enqueues");
    }
    fail_head_item(&queue, &clock, &portal, 3).await;
    // "a" goes through; "b" then meets a broken connection.
    portal.push(Outcome::Ok);
    portal.push(Outcome::Network);
    let start = clock.now_for_test();
    let report = pass(&queue, &portal).await;
    assert_eq!(report.sent.len(), 1, "the first item is sent");
    assert_eq!(
        report.end,
        PassEnd::BackingOff {
            until: start + chrono::Duration::from_std(BASE).expect("fits")
        },
        "after an answer the link starts again from the shortest back-off, not the 8 s of a \
         fourth failure in a row"
    );
}

#[tokio::test]
async fn failed_refresh_pauses_the_whole_queue_until_sign_in() {
    let dir = tempfile::tempdir().expect("temp dir");
    let clock = clock();
    let queue = open(dir.path(), &clock);
    let portal = ScriptedPortal::new([Outcome::Unauthorized]);
    let first = queue
        .enqueue_submission(new_application("a"), &[])
        .expect("enqueues")
        .item_id;
    queue
        .enqueue_submission(new_application("b"), &[])
        .expect("enqueues");

    let report = pass(&queue, &portal).await;
    assert_eq!(report.end, PassEnd::PausedAuth);
    assert_eq!(
        portal.requests(),
        1,
        "the queue does not burn through items with a dead session"
    );
    let summary = queue.summary().expect("summary");
    assert!(summary.paused_auth);
    assert_eq!(summary.queued, 2, "both items wait");
    assert_eq!(
        queue.item(first).expect("reads").expect("kept").attempts,
        0,
        "not counted as a failure"
    );

    let report = pass(&queue, &portal).await;
    assert_eq!(
        report.end,
        PassEnd::PausedAuth,
        "still paused: nothing is sent"
    );
    assert_eq!(portal.requests(), 1);

    queue.resume_after_sign_in().expect("resumes");
    let report = pass(&queue, &portal).await;
    assert_eq!(report.sent.len(), 2);
    assert_eq!(report.end, PassEnd::Idle);
}

#[tokio::test]
async fn refused_item_needs_attention_with_the_server_reason_and_others_go_on() {
    let dir = tempfile::tempdir().expect("temp dir");
    let clock = clock();
    let queue = open(dir.path(), &clock);
    let portal = ScriptedPortal::new([Outcome::Invalid]);
    let refused = queue
        .enqueue_submission(new_application("a"), &[])
        .expect("enqueues")
        .item_id;
    let fine = queue
        .enqueue_submission(new_application("b"), &[])
        .expect("enqueues")
        .item_id;

    let report = pass(&queue, &portal).await;
    assert_eq!(report.needs_attention, vec![refused]);
    assert_eq!(report.sent.len(), 1);
    assert_eq!(report.sent[0].id, fine);
    let item = queue.item(refused).expect("reads").expect("never dropped");
    assert_eq!(item.state, ItemState::NeedsAttention);
    let reason = item.reason.expect("the reason is kept");
    assert_eq!(reason.code, "validation_failed");
    assert_eq!(reason.status, Some(422));
    assert_eq!(reason.errors[0].field, "form.fullName");

    let report = pass(&queue, &portal).await;
    assert!(
        report.sent.is_empty(),
        "an item needing attention is not resent by itself"
    );
    queue.retry(refused).expect("the person retries");
    let report = pass(&queue, &portal).await;
    assert_eq!(report.sent.len(), 1);
}

#[tokio::test]
async fn idempotency_in_flight_is_retried_later_not_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let clock = clock();
    let queue = open(dir.path(), &clock);
    let portal = ScriptedPortal::new([Outcome::InFlight]);
    let id = queue
        .enqueue_submission(new_application("a"), &[])
        .expect("enqueues")
        .item_id;
    let report = pass(&queue, &portal).await;
    assert!(matches!(report.end, PassEnd::BackingOff { .. }));
    assert_eq!(
        queue.item(id).expect("reads").expect("kept").state,
        ItemState::Queued
    );
}

#[tokio::test]
async fn item_caught_mid_send_is_resent_with_the_same_key_after_a_crash() {
    let dir = tempfile::tempdir().expect("temp dir");
    let clock = clock();
    let portal = ScriptedPortal::new([Outcome::Crash]);
    let id = {
        let queue = open(dir.path(), &clock);
        let id = queue
            .enqueue_submission(new_application("a"), &[])
            .expect("enqueues")
            .item_id;
        let lock = queue.try_lock_sender().expect("lock").expect("free");
        tokio::select! {
            biased;
            () = portal.crashed.notified() => {}
            _ = queue.send_pass(&lock, portal.as_ref(), None) => panic!("the scripted crash must interrupt the send"),
        }
        id
        // The queue and its lock are dropped here without any completion code: like a kill.
    };
    let queue = open(dir.path(), &clock);
    assert_eq!(
        queue.item(id).expect("reads").expect("kept").state,
        ItemState::Sending,
        "opening alone does not touch items another sender may be sending"
    );
    assert!(
        queue
            .item(id)
            .expect("reads")
            .expect("kept")
            .may_have_arrived,
        "an item caught mid-send may have reached the portal: a discard must resend it first"
    );
    let report = pass(&queue, &portal).await;
    assert_eq!(report.sent.len(), 1, "recovered and resent");
    let state = portal.state.lock().expect("state");
    assert_eq!(
        state.seen_keys,
        vec![id, id],
        "the resend used the same key"
    );
    assert_eq!(
        state.created_by_marker["a"].len(),
        1,
        "exactly one application"
    );
    let events = queue.events(id).expect("history");
    assert!(
        events
            .iter()
            .any(|event| event.detail.as_deref() == Some("recovered_after_interruption")),
        "the recovery is recorded: {events:?}"
    );
}

/// The sender groups its marks: the answers of a batch are stored in the commit that marks the
/// next batch `sending`. A crash in the middle of a batch leaves its answered items `sending`,
/// and they go again under their own keys: nothing is doubled, nothing lost.
#[tokio::test]
async fn a_crash_in_the_middle_of_a_batch_resends_its_answered_items_once_under_their_keys() {
    let dir = tempfile::tempdir().expect("temp dir");
    let clock = clock();
    let markers = ["a", "b", "c", "d", "e", "f", "g"];
    // Batches of 1, 2 and 4 items: the crash hits the third batch after two answers.
    let portal = ScriptedPortal::new([
        Outcome::Ok,
        Outcome::Ok,
        Outcome::Ok,
        Outcome::Ok,
        Outcome::Ok,
        Outcome::Crash,
    ]);
    let ids: Vec<Uuid> = {
        let queue = open(dir.path(), &clock);
        let ids = markers
            .iter()
            .map(|marker| {
                queue
                    .enqueue_submission(new_application(marker), &[])
                    .expect("enqueues")
                    .item_id
            })
            .collect();
        let lock = queue.try_lock_sender().expect("lock").expect("free");
        tokio::select! {
            biased;
            () = portal.crashed.notified() => {}
            _ = queue.send_pass(&lock, portal.as_ref(), None) => panic!("the scripted crash must interrupt the send"),
        }
        ids
    };
    let queue = open(dir.path(), &clock);
    let state_of = |id: Uuid| queue.item(id).expect("reads").expect("kept").state;
    assert_eq!(
        ids.iter().map(|id| state_of(*id)).collect::<Vec<_>>(),
        [
            ItemState::Sent,
            ItemState::Sent,
            ItemState::Sent,
            ItemState::Sending,
            ItemState::Sending,
            ItemState::Sending,
            ItemState::Sending,
        ],
        "the answers of the first two batches are stored; the third batch, marked before its \
         first request, is still sending"
    );
    let report = pass(&queue, &portal).await;
    assert_eq!(report.sent.len(), 4, "the interrupted batch goes again");
    assert!(
        ids.iter().all(|id| state_of(*id) == ItemState::Sent),
        "every item is sent"
    );
    let state = portal.state.lock().expect("state");
    for (marker, id) in markers.iter().zip(&ids) {
        assert_eq!(
            state.created_by_marker[*marker],
            vec![*id],
            "application {marker} was created once, under its item's key"
        );
    }
}

/// When a failure ends a pass in the middle of a batch, the items of the batch that were marked
/// `sending` but never tried go back in line as they were: due at once, no attempt counted,
/// not suspected of having arrived.
#[tokio::test]
async fn items_a_failure_leaves_untried_go_back_in_line_as_they_were() {
    let dir = tempfile::tempdir().expect("temp dir");
    let clock = clock();
    let queue = open(dir.path(), &clock);
    // Batches of 1, 2 and 4 items: the third batch fails at its first item.
    let portal = ScriptedPortal::new([Outcome::Ok, Outcome::Ok, Outcome::Ok, Outcome::Unavailable]);
    let ids: Vec<Uuid> = ["a", "b", "c", "d", "e", "f", "g"]
        .iter()
        .map(|marker| {
            queue
                .enqueue_submission(new_application(marker), &[])
                .expect("enqueues")
                .item_id
        })
        .collect();
    let report = pass(&queue, &portal).await;
    assert_eq!(report.sent.len(), 3, "the first two batches are sent");
    assert_eq!(portal.requests(), 4, "no untried item was sent");
    let failed = queue.item(ids[3]).expect("reads").expect("kept");
    assert_eq!(
        (failed.state, failed.attempts),
        (ItemState::Queued, 1),
        "the failed item waits with its attempt counted"
    );
    for id in &ids[4..] {
        let item = queue.item(*id).expect("reads").expect("kept");
        assert_eq!(
            item.state,
            ItemState::Queued,
            "an untried item is queued again"
        );
        assert_eq!(item.attempts, 0, "an untried item counts no attempt");
        assert!(
            !item.may_have_arrived,
            "an untried item cannot have reached the portal"
        );
    }
    clock.advance(chrono::Duration::seconds(1));
    let report = pass(&queue, &portal).await;
    assert_eq!(report.sent.len(), 4, "the rest goes once the link is back");
}

#[tokio::test]
async fn only_one_sender_holds_the_queue() {
    let dir = tempfile::tempdir().expect("temp dir");
    let clock = clock();
    let first = open(dir.path(), &clock);
    let second = open(dir.path(), &clock);
    let lock = first.try_lock_sender().expect("lock").expect("free");
    assert!(
        second
            .try_lock_sender()
            .expect("lock file usable")
            .is_none(),
        "a second sender is refused"
    );
    drop(lock);
    assert!(
        second
            .try_lock_sender()
            .expect("lock file usable")
            .is_some(),
        "released on drop"
    );
}

#[tokio::test]
async fn supplement_on_a_queued_application_waits_and_uses_the_real_id() {
    let dir = tempfile::tempdir().expect("temp dir");
    let clock = clock();
    let queue = open(dir.path(), &clock);
    let portal = ScriptedPortal::new([Outcome::Network]);
    let parent = queue
        .enqueue_submission(new_application("a"), &[])
        .expect("enqueues")
        .item_id;
    let child = queue
        .enqueue_follow_up(
            ApplicationTarget::QueuedItem { item_id: parent },
            supplement("more"),
            &[],
        )
        .expect("enqueues")
        .item_id;
    assert_eq!(
        queue.item(child).expect("reads").expect("kept").depends_on,
        vec![parent]
    );

    let report = pass(&queue, &portal).await;
    assert!(report.sent.is_empty());
    assert_eq!(
        portal.requests(),
        1,
        "the supplement is not tried before its application"
    );

    clock.advance(chrono::Duration::seconds(5));
    let report = pass(&queue, &portal).await;
    assert_eq!(report.sent.len(), 2);
    let parent_item = queue.item(parent).expect("reads").expect("kept");
    let application_id = parent_item
        .application_id
        .expect("the server's id is stored with the item");
    assert!(parent_item.application_code.is_some());
    let state = portal.state.lock().expect("state");
    assert_eq!(state.follow_ups[&application_id], vec![child]);
}

#[tokio::test]
async fn follow_ups_wait_while_their_application_needs_attention() {
    let dir = tempfile::tempdir().expect("temp dir");
    let clock = clock();
    let queue = open(dir.path(), &clock);
    let portal = ScriptedPortal::new([Outcome::Invalid]);
    let parent = queue
        .enqueue_submission(new_application("a"), &[])
        .expect("enqueues")
        .item_id;
    let child = queue
        .enqueue_follow_up(
            ApplicationTarget::QueuedItem { item_id: parent },
            supplement("x"),
            &[],
        )
        .expect("enqueues")
        .item_id;
    let report = pass(&queue, &portal).await;
    assert_eq!(report.end, PassEnd::Idle);
    assert_eq!(
        queue.item(child).expect("reads").expect("kept").state,
        ItemState::Queued
    );
    assert_eq!(portal.requests(), 1);
}

#[tokio::test]
async fn discard_happens_only_on_request_and_marks_dependents() {
    let dir = tempfile::tempdir().expect("temp dir");
    let clock = clock();
    let queue = open(dir.path(), &clock);
    let parent = queue
        .enqueue_submission(new_application("a"), &[])
        .expect("enqueues")
        .item_id;
    let child = queue
        .enqueue_follow_up(
            ApplicationTarget::QueuedItem { item_id: parent },
            supplement("x"),
            &[],
        )
        .expect("enqueues")
        .item_id;
    clock.advance(chrono::Duration::days(3650));
    assert_eq!(
        queue.item(parent).expect("reads").expect("kept").state,
        ItemState::Queued,
        "nothing expires by itself"
    );
    let discarded = queue
        .discard(parent, NO_PORTAL)
        .await
        .expect("discards an item never sent, without the portal");
    assert_eq!(
        discarded,
        DiscardOutcome::Discarded {
            affected: vec![child]
        }
    );
    let child_item = queue.item(child).expect("reads").expect("kept");
    assert_eq!(child_item.state, ItemState::NeedsAttention);
    assert_eq!(child_item.reason.expect("reason").code, "parent_discarded");
    assert!(
        queue.discard(parent, NO_PORTAL).await.is_err(),
        "a discarded item cannot be discarded again"
    );
}

#[tokio::test]
async fn sent_items_cannot_be_discarded() {
    let dir = tempfile::tempdir().expect("temp dir");
    let clock = clock();
    let queue = open(dir.path(), &clock);
    let portal = ScriptedPortal::new([]);
    let id = queue
        .enqueue_submission(new_application("a"), &[])
        .expect("enqueues")
        .item_id;
    pass(&queue, &portal).await;
    assert!(queue.discard(id, Some(portal.as_ref())).await.is_err());
    assert!(queue.retry(id).is_err());
}

#[tokio::test]
async fn attachments_are_copied_by_hash_uploaded_first_and_referenced() {
    let dir = tempfile::tempdir().expect("temp dir");
    let clock = clock();
    let queue = open(dir.path(), &clock);
    let source = dir.path().join("photo.jpg");
    std::fs::write(&source, b"not really a jpeg").expect("writes");
    let staged = queue
        .stage_attachment(&source, Some("photo".into()))
        .expect("stages");
    std::fs::remove_file(&source).expect("the original may go away");
    assert!(
        queue.attachment_path(&staged.sha256).exists(),
        "the copy is content-addressed"
    );
    assert_eq!(staged.content_type, "image/jpeg");

    let enqueued = queue
        .enqueue_submission(new_application("a"), std::slice::from_ref(&staged))
        .expect("enqueues");
    assert_eq!(enqueued.upload_ids.len(), 1);
    let create = queue.item(enqueued.item_id).expect("reads").expect("kept");
    assert_eq!(create.depends_on, enqueued.upload_ids);
    let ItemPayload::CreateApplication { application } = create.payload else {
        panic!("kind")
    };
    assert_eq!(
        application.attachments,
        vec![opendvc_api::AttachmentRef::Upload {
            attachment_id: staged.attachment_id(),
            requirement_id: Some("photo".into())
        }]
    );
    let portal = ScriptedPortal::new([]);
    let report = pass(&queue, &portal).await;
    assert_eq!(report.sent.len(), 2);
    assert_eq!(
        report.sent[0].id, enqueued.upload_ids[0],
        "the upload goes first"
    );
    assert_eq!(
        portal.state.lock().expect("state").uploads[&staged.attachment_id()],
        1
    );
}

#[tokio::test]
async fn shared_device_keeps_only_the_receipt_of_a_sent_item() {
    let dir = tempfile::tempdir().expect("temp dir");
    let clock = clock();
    let queue = open(dir.path(), &clock);
    queue.set_purge_after_ack(true);
    let source = dir.path().join("cccd.jpg");
    std::fs::write(&source, b"photo of an id card").expect("writes");
    let staged = queue.stage_attachment(&source, None).expect("stages");
    let mut application = new_application("a");
    application
        .form
        .insert("fullName".into(), "Nguyễn Thị Lan".into());
    let enqueued = queue
        .enqueue_submission(application, std::slice::from_ref(&staged))
        .expect("enqueues");
    let portal = ScriptedPortal::new([Outcome::Network]);
    pass(&queue, &portal).await;
    assert!(
        queue.attachment_path(&staged.sha256).exists(),
        "an unsent item keeps everything it needs"
    );
    clock.advance(chrono::Duration::seconds(5));
    let report = pass(&queue, &portal).await;
    assert_eq!(report.sent.len(), 2);

    let item = queue.item(enqueued.item_id).expect("reads").expect("kept");
    assert_eq!(item.state, ItemState::Sent);
    assert!(
        item.application_code.is_some(),
        "the code stays for the receipt"
    );
    let ItemPayload::CreateApplication { application } = &item.payload else {
        panic!("kind")
    };
    assert!(application.form.is_empty(), "the form is gone");
    assert!(application.attachments.is_empty());
    let stored = serde_json::to_string(&item).expect("json");
    assert!(
        !stored.contains("Nguyễn"),
        "no personal data left: {stored}"
    );
    assert!(
        !queue.attachment_path(&staged.sha256).exists(),
        "the stored file is deleted"
    );
    let upload = queue
        .item(enqueued.upload_ids[0])
        .expect("reads")
        .expect("kept");
    let ItemPayload::UploadAttachment { file_name, .. } = upload.payload else {
        panic!("kind")
    };
    assert_eq!(file_name, None);
}

/// Helper: the manual clock's current time.
trait NowForTest {
    fn now_for_test(&self) -> chrono::DateTime<chrono::Utc>;
}

impl NowForTest for Arc<ManualClock> {
    fn now_for_test(&self) -> chrono::DateTime<chrono::Utc> {
        opendvc_core::clock::Clock::now(self.as_ref())
    }
}

mod property {
    use super::*;
    use proptest::prelude::*;

    fn outcome() -> impl Strategy<Value = Outcome> {
        prop_oneof![
            4 => Just(Outcome::Ok),
            1 => Just(Outcome::Unreachable),
            1 => Just(Outcome::Network),
            2 => Just(Outcome::Lost),
            1 => Just(Outcome::Unavailable),
            1 => (1_u64..100).prop_map(Outcome::RateLimited),
            1 => Just(Outcome::Invalid),
            1 => Just(Outcome::Unauthorized),
            1 => Just(Outcome::InFlight),
            2 => Just(Outcome::Crash),
        ]
    }

    /// Runs the queue to the end through a portal that follows `script`, restarting the
    /// "process" after every crash, signing in again when paused and retrying refused items.
    async fn run(
        script: Vec<Outcome>,
        submissions: usize,
        with_supplement: Vec<bool>,
        feedbacks: usize,
    ) -> Result<(), TestCaseError> {
        let dir = tempfile::tempdir().expect("temp dir");
        let clock = clock();
        let portal = ScriptedPortal::new(script);
        let mut creates = Vec::new();
        let mut supplements = Vec::new();
        let mut filed = Vec::new();
        let mut photo_uploads = 0;
        {
            let queue = open(dir.path(), &clock);
            for index in 0..feedbacks {
                // Each feedback carries a photo of its own, uploaded before it.
                let photo = queue
                    .stage_bytes(format!("photo {index}").as_bytes(), Some("p.jpg"), None)
                    .expect("stages");
                let enqueued = queue
                    .enqueue_feedback(new_feedback(&format!("f{index}")), &[photo])
                    .expect("enqueues");
                photo_uploads += enqueued.upload_ids.len();
                filed.push(enqueued.item_id);
            }
            for index in 0..submissions {
                let id = queue
                    .enqueue_submission(new_application(&format!("m{index}")), &[])
                    .expect("enqueues")
                    .item_id;
                creates.push(id);
                if with_supplement.get(index).copied().unwrap_or(false) {
                    let child = queue
                        .enqueue_follow_up(
                            ApplicationTarget::QueuedItem { item_id: id },
                            supplement("s"),
                            &[],
                        )
                        .expect("enqueues")
                        .item_id;
                    supplements.push((id, child));
                }
            }
        }
        for _round in 0..400 {
            let queue = open(dir.path(), &clock);
            let lock = queue.try_lock_sender().expect("lock").expect("free");
            let report = tokio::select! {
                biased;
                () = portal.crashed.notified() => None,
                report = queue.send_pass(&lock, portal.as_ref(), None) => Some(report.expect("pass runs")),
            };
            let Some(report) = report else { continue };
            match report.end {
                PassEnd::PausedAuth => queue.resume_after_sign_in().expect("resumes"),
                PassEnd::BackingOff { until } => clock.set(until),
                PassEnd::Idle => {
                    let attention: Vec<Uuid> = queue
                        .items(false)
                        .expect("lists")
                        .into_iter()
                        .filter(|item| item.state == ItemState::NeedsAttention)
                        .map(|item| item.id)
                        .collect();
                    if attention.is_empty() {
                        break;
                    }
                    for id in attention {
                        queue.retry(id).expect("retries");
                    }
                }
            }
        }
        let queue = open(dir.path(), &clock);
        let items = queue.items(true).expect("lists");
        prop_assert_eq!(
            items.len(),
            creates.len() + supplements.len() + filed.len() + photo_uploads,
            "no item lost or added"
        );
        for item in &items {
            prop_assert_eq!(
                item.state,
                ItemState::Sent,
                "every item ends sent: {:?}",
                item
            );
        }
        let state = portal.state.lock().expect("state");
        for (index, id) in creates.iter().enumerate() {
            let keys = state
                .created_by_marker
                .get(&format!("m{index}"))
                .cloned()
                .unwrap_or_default();
            prop_assert_eq!(keys, vec![*id], "exactly one application per submission");
        }
        for (index, id) in filed.iter().enumerate() {
            let keys = state
                .feedback_by_description
                .get(&format!("f{index}"))
                .cloned()
                .unwrap_or_default();
            prop_assert_eq!(keys, vec![*id], "exactly one feedback item per filing");
        }
        for (parent, child) in &supplements {
            let application = queue
                .item(*parent)
                .expect("reads")
                .expect("kept")
                .application_id
                .expect("created");
            let recorded = state
                .follow_ups
                .get(&application)
                .cloned()
                .unwrap_or_default();
            prop_assert_eq!(
                recorded,
                vec![*child],
                "the supplement reached its own application once"
            );
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        #[test]
        fn random_send_outcomes_never_lose_or_duplicate_an_item(
            script in proptest::collection::vec(outcome(), 0..40),
            submissions in 1_usize..5,
            with_supplement in proptest::collection::vec(any::<bool>(), 5),
            feedbacks in 0_usize..3,
        ) {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
            runtime.block_on(run(script, submissions, with_supplement, feedbacks))?;
        }
    }
}

mod retry_after {
    use super::*;
    use opendvc_core::client::{ClientError, RetryAfter};
    use opendvc_core::queue::{OutboundRequest, ServerAnswer, Transport};
    use proptest::prelude::*;

    /// A portal that is down and says when to come back with one `Retry-After` header.
    struct Unavailable {
        retry_after: String,
    }

    impl Transport for Unavailable {
        async fn deliver(
            &self,
            _key: Uuid,
            _request: OutboundRequest,
        ) -> Result<ServerAnswer, ClientError> {
            Err(ClientError::Server {
                status: 503,
                problem: None,
                retry_after: RetryAfter::parse(&self.retry_after),
            })
        }
    }

    fn header() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            "-?[0-9]{1,30}",
            any::<u64>().prop_map(|seconds| seconds.to_string()),
            (0_u32..1_000_000, 1_u32..13, 1_u32..29).prop_map(|(year, month, day)| {
                let months = [
                    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                    "Dec",
                ];
                format!(
                    "{day:02} {} {year:04} 23:59:59 GMT",
                    months[month as usize - 1]
                )
            }),
        ]
    }

    async fn one_pass(retry_after: String) -> Result<(), TestCaseError> {
        let dir = tempfile::tempdir().expect("temp dir");
        let clock = clock();
        let queue = open(dir.path(), &clock);
        let id = queue
            .enqueue_submission(new_application("a"), &[])
            .expect("enqueues")
            .item_id;
        let lock = queue.try_lock_sender().expect("lock").expect("free");
        let portal = Unavailable {
            retry_after: retry_after.clone(),
        };
        let report = queue
            .send_pass(&lock, &portal, None)
            .await
            .expect("the pass runs");
        let item = queue.item(id).expect("reads").expect("kept");
        prop_assert_eq!(item.state, ItemState::Queued, "the item stays queued");
        let latest = clock.now_for_test() + chrono::TimeDelta::days(1);
        prop_assert!(
            item.next_attempt_at <= latest,
            "Retry-After {:?} waits at most a day, not until {}",
            retry_after,
            item.next_attempt_at
        );
        prop_assert_eq!(
            report.end,
            PassEnd::BackingOff {
                until: item.next_attempt_at
            }
        );
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        #[test]
        fn any_retry_after_keeps_the_item_queued_for_at_most_a_day(retry_after in header()) {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
            runtime.block_on(one_pass(retry_after))?;
        }
    }
}

#[tokio::test]
async fn discarding_an_item_whose_answer_was_lost_resends_it_once_first() {
    let dir = tempfile::tempdir().expect("temp dir");
    let clock = clock();
    let queue = open(dir.path(), &clock);
    let portal = ScriptedPortal::new([Outcome::Lost]);
    let id = queue
        .enqueue_submission(new_application("a"), &[])
        .expect("enqueues")
        .item_id;
    pass(&queue, &portal).await;
    let item = queue.item(id).expect("reads").expect("kept");
    assert_eq!(
        item.state,
        ItemState::Queued,
        "the lost answer left the item queued"
    );
    assert!(
        item.may_have_arrived,
        "the queue knows the portal may have it"
    );

    let outcome = queue
        .discard(id, Some(portal.as_ref()))
        .await
        .expect("the resend is acknowledged");
    assert_eq!(
        portal.requests(),
        2,
        "the discard resent the item once with the same key"
    );
    let DiscardOutcome::ReachedThePortal { sent } = outcome else {
        panic!("the caller is told the application exists: {outcome:?}");
    };
    assert_eq!(sent.id, id);
    let item = queue.item(id).expect("reads").expect("kept");
    assert_eq!(
        item.state,
        ItemState::Sent,
        "the portal had made the application: the item is sent, not discarded"
    );
    assert!(
        item.application_code.is_some(),
        "with the application's code"
    );
    let state = portal.state.lock().expect("state");
    assert_eq!(
        state.created_by_marker["a"],
        vec![id],
        "one application, made by the first send"
    );
}

#[tokio::test]
async fn discarding_an_item_whose_answer_was_lost_is_refused_until_it_can_be_sent() {
    let dir = tempfile::tempdir().expect("temp dir");
    let clock = clock();
    let queue = open(dir.path(), &clock);
    let portal = ScriptedPortal::new([Outcome::Lost, Outcome::Network]);
    let id = queue
        .enqueue_submission(new_application("a"), &[])
        .expect("enqueues")
        .item_id;
    pass(&queue, &portal).await;
    assert!(
        matches!(
            queue.discard(id, NO_PORTAL).await,
            Err(QueueError::MustSendFirst(refused)) if refused == id
        ),
        "signed out or offline, the item must be sent once first"
    );
    assert!(
        matches!(
            queue.discard(id, Some(portal.as_ref())).await,
            Err(QueueError::MustSendFirst(_))
        ),
        "a resend without an answer does not allow the discard either"
    );
    assert_eq!(portal.requests(), 2, "one resend per discard");
    let item = queue.item(id).expect("reads").expect("kept");
    assert_eq!(
        item.state,
        ItemState::Queued,
        "the item is kept, nothing expires"
    );
    assert!(item.may_have_arrived);

    let outcome = queue
        .discard(id, Some(portal.as_ref()))
        .await
        .expect("online again");
    assert!(
        matches!(outcome, DiscardOutcome::ReachedThePortal { .. }),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn an_item_that_never_reached_the_portal_is_discarded_offline() {
    let dir = tempfile::tempdir().expect("temp dir");
    let clock = clock();
    let queue = open(dir.path(), &clock);
    let portal = ScriptedPortal::new([Outcome::Unreachable]);
    let id = queue
        .enqueue_submission(new_application("a"), &[])
        .expect("enqueues")
        .item_id;
    pass(&queue, &portal).await;
    assert!(
        !queue
            .item(id)
            .expect("reads")
            .expect("kept")
            .may_have_arrived,
        "no connection was made: the portal cannot have it"
    );
    let outcome = queue
        .discard(id, NO_PORTAL)
        .await
        .expect("discarded offline");
    assert_eq!(outcome, DiscardOutcome::Discarded { affected: vec![] });
    assert_eq!(portal.requests(), 1, "nothing was resent");
}

#[tokio::test]
async fn a_refused_item_is_discarded_without_a_resend() {
    let dir = tempfile::tempdir().expect("temp dir");
    let clock = clock();
    let queue = open(dir.path(), &clock);
    let portal = ScriptedPortal::new([Outcome::Lost, Outcome::Invalid]);
    let id = queue
        .enqueue_submission(new_application("a"), &[])
        .expect("enqueues")
        .item_id;
    pass(&queue, &portal).await;
    clock.advance(chrono::Duration::seconds(5));
    pass(&queue, &portal).await;
    let item = queue.item(id).expect("reads").expect("kept");
    assert_eq!(
        item.state,
        ItemState::NeedsAttention,
        "the portal refused the item with a problem"
    );
    assert!(
        !item.may_have_arrived,
        "a problem about this key means the portal did not make anything with it"
    );
    let outcome = queue
        .discard(id, Some(portal.as_ref()))
        .await
        .expect("discarded");
    assert_eq!(outcome, DiscardOutcome::Discarded { affected: vec![] });
    assert_eq!(portal.requests(), 2, "a refused item is not sent again");
    assert_eq!(
        queue.item(id).expect("reads").expect("kept").state,
        ItemState::Discarded
    );
}

#[tokio::test]
async fn feedback_filed_offline_goes_out_once_after_its_photos_when_the_portal_is_back() {
    let dir = tempfile::tempdir().expect("temp dir");
    let clock = clock();
    let queue = open(dir.path(), &clock);
    let photos = [
        queue
            .stage_bytes(b"first photo", Some("a.jpg"), None)
            .expect("stages"),
        queue
            .stage_bytes(b"second photo", Some("b.jpg"), None)
            .expect("stages"),
    ];
    let enqueued = queue
        .enqueue_feedback(new_feedback("pothole on Bach Dang"), &photos)
        .expect("enqueues");
    let item = queue.item(enqueued.item_id).expect("reads").expect("kept");
    assert_eq!(item.kind(), ItemKind::FileFeedback);
    assert_eq!(
        item.depends_on, enqueued.upload_ids,
        "the feedback waits for its photos' uploads"
    );
    let ItemPayload::FileFeedback { feedback } = &item.payload else {
        panic!("the payload is new feedback: {:?}", item.payload);
    };
    assert_eq!(
        feedback.photos,
        photos
            .iter()
            .map(|photo| photo.attachment_id())
            .collect::<Vec<_>>(),
        "the feedback names its photos by hash, fixed at enqueue"
    );

    // Offline: nothing reaches the portal, everything stays queued.
    let portal = ScriptedPortal::new([Outcome::Unreachable]);
    let report = pass(&queue, &portal).await;
    assert!(report.went_offline, "the portal could not be reached");
    assert!(
        portal
            .state
            .lock()
            .expect("state")
            .feedback_by_description
            .is_empty(),
        "no feedback reaches a portal that is down"
    );

    // Back online; the feedback's answer is lost once, so it is sent twice with one key.
    portal.push(Outcome::Ok);
    portal.push(Outcome::Ok);
    portal.push(Outcome::Lost);
    clock.advance(chrono::Duration::seconds(60));
    pass(&queue, &portal).await;
    clock.advance(chrono::Duration::seconds(60));
    let report = pass(&queue, &portal).await;
    assert_eq!(report.end, PassEnd::Idle, "everything is sent");

    let item = queue.item(enqueued.item_id).expect("reads").expect("kept");
    assert_eq!(item.state, ItemState::Sent, "the feedback is sent");
    let state = portal.state.lock().expect("state");
    assert_eq!(
        state.feedback_by_description.get("pothole on Bach Dang"),
        Some(&vec![enqueued.item_id]),
        "exactly one feedback item exists at the portal, filed with the item's key"
    );
    let (id, filed) = state.feedback.iter().next().expect("one item");
    assert_eq!(filed.photos.len(), 2, "both photos arrived with it");
    assert_eq!(
        item.result.as_ref().and_then(|result| result.get("id")),
        Some(&serde_json::json!(id)),
        "the portal's answer (the feedback's id) is kept with the sent item"
    );
}

#[tokio::test]
async fn a_rating_and_a_reopening_reach_their_feedback_item_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    let clock = clock();
    let queue = open(dir.path(), &clock);
    let portal = ScriptedPortal::new([]);
    queue
        .enqueue_feedback(new_feedback("broken street light"), &[])
        .expect("enqueues");
    let report = pass(&queue, &portal).await;
    let Some(ServerAnswer::FeedbackCreated(created)) =
        report.sent.first().map(|sent| sent.answer.clone())
    else {
        panic!("the portal answered with the created feedback: {report:?}");
    };
    let rating = queue
        .enqueue_feedback_follow_up(
            created.id,
            FeedbackFollowUp::Rating(Rating {
                stars: 4,
                comment: Some("fixed in a day".into()),
            }),
        )
        .expect("enqueues")
        .item_id;
    let reopen = queue
        .enqueue_feedback_follow_up(
            created.id,
            FeedbackFollowUp::Reopen(ReopenFeedback {
                reason: "the light is out again".into(),
            }),
        )
        .expect("enqueues")
        .item_id;
    portal.push(Outcome::Lost);
    pass(&queue, &portal).await;
    clock.advance(chrono::Duration::seconds(60));
    pass(&queue, &portal).await;
    for id in [rating, reopen] {
        let item = queue.item(id).expect("reads").expect("kept");
        assert_eq!(item.state, ItemState::Sent, "the follow-up {id} is sent");
    }
    assert_eq!(
        portal
            .state
            .lock()
            .expect("state")
            .feedback_follow_ups
            .get(&created.id),
        Some(&vec![rating, reopen]),
        "each follow-up reached the feedback item once, in order, though an answer was lost"
    );
}

#[tokio::test]
async fn feedback_with_a_fourth_photo_is_refused_before_anything_is_queued() {
    let dir = tempfile::tempdir().expect("temp dir");
    let clock = clock();
    let queue = open(dir.path(), &clock);
    let photos: Vec<_> = (0..4)
        .map(|index| {
            queue
                .stage_bytes(format!("photo {index}").as_bytes(), None, None)
                .expect("stages")
        })
        .collect();
    let refused = queue.enqueue_feedback(new_feedback("too many"), &photos);
    assert!(
        matches!(refused, Err(QueueError::TooManyPhotos { count: 4, max: 3 })),
        "a fourth photo is refused: {refused:?}"
    );
    assert!(
        queue.items(true).expect("lists").is_empty(),
        "nothing was queued"
    );
}
