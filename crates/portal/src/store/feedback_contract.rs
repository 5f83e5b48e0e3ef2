//! What every `FeedbackStore` and `FeedbackWarningStore` promises, checked on a store given:
//! SQLite's tests (`store::sqlite::feedback`) and PostgreSQL's (`store::postgres::tests`, on
//! the server of `OPENDVC_TEST_DATABASE_URL`) run the same checks.

use chrono::{DateTime, FixedOffset};
use opendvc_api::{
    Actor, ActorKind, AgencyContact, ErrorCode, Feedback, FeedbackChannel, FeedbackEvent,
    FeedbackEventKind, FeedbackReporter, FeedbackStatus, InboxCategory, InboxItem, LateWarning,
    LocalizedText, WarningStage,
};
use uuid::Uuid;

use super::feedback::{FeedbackQueueFilter, NewFeedbackWarning, STOPPED_KEY};
use super::{
    CitizenRecord, FeedbackChange, FeedbackPhotoFile, FeedbackRecord, IdempotencyRecord, Store,
    StoreError,
};

fn at(text: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(text).expect("a time")
}

fn system() -> Actor {
    Actor {
        kind: ActorKind::System,
        name: String::new(),
        code: None,
        venue: None,
    }
}

fn event(kind: FeedbackEventKind, when: &str) -> FeedbackEvent {
    FeedbackEvent {
        seq: 0,
        kind,
        at: at(when),
        actor: system(),
        note: None,
        photo: None,
        agency: None,
    }
}

fn agency(id: &str) -> AgencyContact {
    AgencyContact {
        agency_id: id.into(),
        name: LocalizedText {
            vi: id.into(),
            en: id.into(),
            id: None,
        },
        phone: "0236 000".into(),
        address: "Da Nang".into(),
    }
}

pub(crate) fn record(
    citizen_id: Uuid,
    agency_id: &str,
    received: &str,
    due: &str,
) -> FeedbackRecord {
    FeedbackRecord {
        citizen_id: Some(citizen_id),
        feedback: Feedback {
            id: Uuid::now_v7(),
            category: "infrastructure".into(),
            description: "Ổ gà trước số 12".into(),
            photos: Vec::new(),
            place: None,
            application_id: None,
            channel: FeedbackChannel::App,
            status: FeedbackStatus::Received,
            submitted_at: at(received),
            due_at: at(due),
            resolve_by: at("2026-12-10T17:00:00+07:00"),
            answered_at: None,
            closed_at: None,
            agency: agency(agency_id),
            answer: None,
            timeline: vec![
                FeedbackEvent {
                    seq: 1,
                    ..event(FeedbackEventKind::Received, received)
                },
                FeedbackEvent {
                    seq: 2,
                    agency: Some(agency(agency_id)),
                    ..event(FeedbackEventKind::Assigned, received)
                },
            ],
            rating: None,
            can_reopen: false,
        },
        agency_id: agency_id.into(),
        unit_code: None,
        assigned_to: None,
        reporter: FeedbackReporter {
            name: Some("Test Citizen".into()),
            phone: None,
            email: None,
            client: None,
        },
        reopened: false,
        clock_started: at(received),
    }
}

async fn seed_citizen(store: &dyn Store) -> Uuid {
    let id = Uuid::now_v7();
    let profile: opendvc_api::Profile = serde_json::from_value(serde_json::json!({
        "idNumber": format!("0481{:08}", id.as_u128() % 100_000_000), "fullName": "Test Citizen",
        "birthDate": "1990-01-01", "gender": "other", "phone": "+84905009998", "language": "vi",
        "address": {"provinceCode": "48", "unitCode": "20194", "street": "1 Test"},
        "updatedAt": "2026-11-29T09:00:00+07:00"
    }))
    .expect("profile parses");
    store
        .seed_citizen(&CitizenRecord { id, profile }, &[], &[])
        .await
        .expect("citizen inserted");
    id
}

fn key(scope: &str) -> IdempotencyRecord {
    IdempotencyRecord {
        scope: scope.into(),
        request_hash: "hash".into(),
        status: 201,
        created_at: 1_765_000_000,
        late_item: None,
    }
}

/// Runs every promise on `store`.
pub(crate) async fn check_every_promise(store: &dyn Store) {
    a_new_item_reads_back_with_its_timeline_photo_and_stored_answer(store).await;
    a_change_appends_to_the_timeline_and_reaches_sync_and_the_inbox(store).await;
    the_queue_is_sorted_by_deadline_and_pages_by_position(store).await;
    a_warning_stage_is_recorded_once(store).await;
    the_figures_count_the_first_answer_after_a_reopening(store).await;
    an_item_is_a_warning_candidate_only_once_due_or_changed(store).await;
}

async fn a_new_item_reads_back_with_its_timeline_photo_and_stored_answer(store: &dyn Store) {
    let citizen_id = seed_citizen(store).await;
    let mut new = record(
        citizen_id,
        "da-nang-construction",
        "2026-12-07T22:00:00+07:00",
        "2026-12-08T02:00:00+07:00",
    );
    let photo = FeedbackPhotoFile {
        id: "sha256:abc".into(),
        content_type: "image/jpeg".into(),
        content: vec![0xFF, 0xD8, 1, 2, 3],
    };
    new.feedback.photos.push(opendvc_api::FeedbackPhoto {
        id: photo.id.clone(),
        content_type: photo.content_type.clone(),
        size: 5,
    });
    let scope = format!("{citizen_id} POST /v1/feedback k1");
    let created = store
        .create_feedback(&new, std::slice::from_ref(&photo), Some(key(&scope)))
        .await
        .expect("created");
    assert_eq!(created, new, "the item reads back exactly as filed");
    assert_eq!(
        store.feedback(new.feedback.id).await.expect("read"),
        Some(new.clone()),
        "and so when read again"
    );
    assert_eq!(
        store
            .feedback_photo(new.feedback.id, "sha256:abc")
            .await
            .expect("photo read"),
        Some(photo),
        "the photo's bytes are stored with it"
    );
    let stored = store
        .stored_response(&scope)
        .await
        .expect("stored answer read")
        .expect("the answer is stored with the item");
    let answer: opendvc_api::FeedbackCreated =
        serde_json::from_str(&stored.body).expect("the stored body is a FeedbackCreated");
    assert_eq!(answer.id, new.feedback.id);
    let again = record(
        citizen_id,
        "da-nang-construction",
        "2026-12-07T22:00:00+07:00",
        "2026-12-08T02:00:00+07:00",
    );
    match store.create_feedback(&again, &[], Some(key(&scope))).await {
        Err(StoreError::Refused(error)) => assert_eq!(
            error.problem.code,
            ErrorCode::IdempotencyInFlight,
            "a second item under a stored key is refused"
        ),
        other => panic!("a second item under a stored key is refused, got {other:?}"),
    }
    assert_eq!(
        store.feedback(again.feedback.id).await.expect("read"),
        None,
        "and leaves nothing"
    );
}

async fn a_change_appends_to_the_timeline_and_reaches_sync_and_the_inbox(store: &dyn Store) {
    let citizen_id = seed_citizen(store).await;
    let new = record(
        citizen_id,
        "da-nang-construction",
        "2026-12-07T08:00:00+07:00",
        "2026-12-07T12:00:00+07:00",
    );
    store
        .create_feedback(&new, &[], None)
        .await
        .expect("created");
    let item = InboxItem {
        id: Uuid::now_v7(),
        at: at("2026-12-07T09:00:00+07:00"),
        category: InboxCategory::Feedback,
        title: LocalizedText {
            vi: "t".into(),
            en: "t".into(),
            id: None,
        },
        body: LocalizedText {
            vi: "b".into(),
            en: "b".into(),
            id: None,
        },
        application_id: None,
        document_id: None,
        feedback_id: Some(new.feedback.id),
    };
    let inbox = item.clone();
    let changed = store
        .change_feedback(
            new.feedback.id,
            Box::new(move |current| {
                let mut record = current.clone();
                record.feedback.status = FeedbackStatus::Answered;
                record.feedback.answered_at = Some(at("2026-12-07T09:00:00+07:00"));
                record.feedback.answer = Some("Đã giao".into());
                Ok(FeedbackChange {
                    record,
                    events: vec![FeedbackEvent {
                        note: Some("Đã giao".into()),
                        ..event(FeedbackEventKind::Answered, "2026-12-07T09:00:00+07:00")
                    }],
                    inbox: vec![inbox],
                    photos: Vec::new(),
                    notices: Vec::new(),
                })
            }),
            None,
        )
        .await
        .expect("changed");
    let seqs: Vec<u32> = changed.feedback.timeline.iter().map(|e| e.seq).collect();
    assert_eq!(
        seqs,
        vec![1, 2, 3],
        "the answer is appended as the third entry"
    );
    assert_eq!(changed.feedback.status, FeedbackStatus::Answered);
    let page = store.sync_page(citizen_id, 0, 100).await.expect("sync");
    assert_eq!(
        page.feedback.iter().map(|f| f.id).collect::<Vec<_>>(),
        vec![new.feedback.id],
        "sync carries the item once, in its latest state"
    );
    assert_eq!(page.feedback[0].answer.as_deref(), Some("Đã giao"));
    assert!(page.inbox.contains(&item), "and the inbox item");
    let refused = store
        .change_feedback(
            Uuid::now_v7(),
            Box::new(|_| panic!("no decision without an item")),
            None,
        )
        .await;
    assert!(
        matches!(refused, Err(StoreError::Refused(ref error)) if error.problem.code == ErrorCode::NotFound),
        "an unknown item is 404: {refused:?}"
    );
    let figures = store
        .feedback_figures(0, at("2026-12-07T10:00:00+07:00").timestamp())
        .await
        .expect("figures");
    let construction = figures
        .iter()
        .find(|(agency, _)| agency == "da-nang-construction")
        .map(|(_, figures)| figures.clone())
        .expect("the agency is counted");
    assert!(
        construction.answered_on_time >= 1,
        "the answer before dueAt counts on time: {construction:?}"
    );
}

/// Applies `change` to item `id` with no timeline entry.
async fn change(store: &dyn Store, id: Uuid, change: fn(&mut FeedbackRecord)) {
    store
        .change_feedback(
            id,
            Box::new(move |current| {
                let mut record = current.clone();
                change(&mut record);
                Ok(FeedbackChange {
                    record,
                    events: Vec::new(),
                    inbox: Vec::new(),
                    photos: Vec::new(),
                    notices: Vec::new(),
                })
            }),
            None,
        )
        .await
        .expect("changed");
}

async fn the_figures_count_the_first_answer_after_a_reopening(store: &dyn Store) {
    let citizen_id = seed_citizen(store).await;
    let agency_id = format!("figures-{}", Uuid::now_v7().simple());
    let new = record(
        citizen_id,
        &agency_id,
        "2026-12-07T06:00:00+07:00",
        "2026-12-07T10:00:00+07:00",
    );
    let id = new.feedback.id;
    store
        .create_feedback(&new, &[], None)
        .await
        .expect("created");
    change(store, id, |record| {
        record.feedback.status = FeedbackStatus::Answered;
        record.feedback.answered_at = Some(at("2026-12-07T09:00:00+07:00"));
    })
    .await;
    // The reopening clears the answer and restarts the clocks.
    change(store, id, |record| {
        record.feedback.status = FeedbackStatus::Reopened;
        record.feedback.answered_at = None;
        record.feedback.due_at = at("2026-12-07T15:00:00+07:00");
        record.reopened = true;
    })
    .await;
    // The answer after the reopening comes past the new deadline.
    change(store, id, |record| {
        record.feedback.status = FeedbackStatus::Answered;
        record.feedback.answered_at = Some(at("2026-12-07T16:00:00+07:00"));
    })
    .await;
    let figures = store
        .feedback_figures(0, at("2026-12-07T17:00:00+07:00").timestamp())
        .await
        .expect("figures");
    let counted = figures
        .into_iter()
        .find(|(agency, _)| *agency == agency_id)
        .map(|(_, figures)| figures)
        .expect("the agency is counted");
    assert_eq!(
        (counted.answered_on_time, counted.answered_late),
        (1, 0),
        "the first answer, before its deadline, is what counts: {counted:?}"
    );
}

async fn the_queue_is_sorted_by_deadline_and_pages_by_position(store: &dyn Store) {
    let citizen_id = seed_citizen(store).await;
    let agency_id = format!("queue-{}", Uuid::now_v7().simple());
    let mut ids = Vec::new();
    for due in [
        "2026-12-07T15:00:00+07:00",
        "2026-12-07T11:00:00+07:00",
        "2026-12-07T13:00:00+07:00",
    ] {
        let new = record(citizen_id, &agency_id, "2026-12-07T07:00:00+07:00", due);
        store
            .create_feedback(&new, &[], None)
            .await
            .expect("created");
        ids.push(new.feedback.id);
    }
    let mut filter = FeedbackQueueFilter {
        agency: Some(agency_id),
        open_only: true,
        limit: 2,
        ..FeedbackQueueFilter::default()
    };
    let first = store.feedback_queue(&filter).await.expect("first page");
    assert_eq!(first.total, 3, "the total counts every match");
    assert_eq!(
        first
            .items
            .iter()
            .map(|r| r.feedback.id)
            .collect::<Vec<_>>(),
        vec![ids[1], ids[2]],
        "the earliest deadlines first"
    );
    let last = first.items.last().expect("a last row");
    filter.after = Some((last.queue_key(), last.feedback.id));
    let second = store.feedback_queue(&filter).await.expect("second page");
    assert_eq!(
        second
            .items
            .iter()
            .map(|r| r.feedback.id)
            .collect::<Vec<_>>(),
        vec![ids[0]],
        "the next page starts after the last row"
    );
}

async fn a_warning_stage_is_recorded_once(store: &dyn Store) {
    let citizen_id = seed_citizen(store).await;
    let new = record(
        citizen_id,
        "da-nang-police",
        "2026-12-07T08:00:00+07:00",
        "2026-12-07T12:00:00+07:00",
    );
    store
        .create_feedback(&new, &[], None)
        .await
        .expect("created");
    let candidates = store
        .feedback_warning_candidates(at("2026-12-08T00:00:00+07:00").timestamp())
        .await
        .expect("candidates");
    assert!(
        candidates
            .iter()
            .any(|c| c.record.feedback.id == new.feedback.id && c.warned.is_empty()),
        "the open item is a candidate, warned of nothing"
    );
    let warning = NewFeedbackWarning {
        feedback_id: new.feedback.id,
        stage: "answer:at_risk:1".into(),
        warning: LateWarning {
            stage: WarningStage::AtRisk,
            at: at("2026-12-07T11:00:00+07:00"),
            agency: agency("da-nang-police"),
        },
        told: vec!["CB-CADN-01".into()],
        notices: Vec::new(),
    };
    assert!(
        store
            .record_feedback_warning(&warning)
            .await
            .expect("recorded")
    );
    assert!(
        !store
            .record_feedback_warning(&warning)
            .await
            .expect("asked again"),
        "a stage is recorded once"
    );
    assert_eq!(
        store
            .feedback_warnings(new.feedback.id)
            .await
            .expect("read"),
        vec![warning.warning.clone()]
    );
    let candidates = store
        .feedback_warning_candidates(at("2026-12-08T00:00:00+07:00").timestamp())
        .await
        .expect("candidates");
    let warned = candidates
        .iter()
        .find(|c| c.record.feedback.id == new.feedback.id)
        .map(|c| c.warned.clone());
    assert_eq!(warned, Some(vec!["answer:at_risk:1".to_owned()]));
}

async fn an_item_is_a_warning_candidate_only_once_due_or_changed(store: &dyn Store) {
    let citizen_id = seed_citizen(store).await;
    let new = record(
        citizen_id,
        "da-nang-police",
        "2026-12-07T08:00:00+07:00",
        "2026-12-07T12:00:00+07:00",
    );
    let id = new.feedback.id;
    store
        .create_feedback(&new, &[], None)
        .await
        .expect("created");
    let is_candidate = |now: &'static str| async move {
        store
            .feedback_warning_candidates(at(now).timestamp())
            .await
            .expect("candidates")
            .iter()
            .any(|candidate| candidate.record.feedback.id == id)
    };
    assert!(
        is_candidate("2026-12-07T08:00:00+07:00").await,
        "a new item is looked at once at once"
    );
    let at_risk = at("2026-12-07T11:00:00+07:00").timestamp();
    store
        .schedule_feedback_warning(id, new.queue_key(), at_risk)
        .await
        .expect("scheduled");
    assert!(
        !is_candidate("2026-12-07T10:59:00+07:00").await,
        "not before its next warning point"
    );
    assert!(
        is_candidate("2026-12-07T11:00:00+07:00").await,
        "from its next warning point on"
    );
    store
        .schedule_feedback_warning(id, new.queue_key(), STOPPED_KEY)
        .await
        .expect("scheduled");
    assert!(
        !is_candidate("2026-12-08T00:00:00+07:00").await,
        "warned of every stage: not looked at again"
    );
    change(store, id, |record| {
        record.feedback.status = FeedbackStatus::Reopened;
        record.feedback.due_at = at("2026-12-08T12:00:00+07:00");
    })
    .await;
    store
        .schedule_feedback_warning(id, new.queue_key(), STOPPED_KEY)
        .await
        .expect("a stale schedule is ignored");
    assert!(
        is_candidate("2026-12-07T12:00:00+07:00").await,
        "a change makes it due again, whatever a stale schedule says"
    );
}
