//! Idempotency over HTTP, after the IETF Idempotency-Key draft: a replay returns the stored
//! answer and creates nothing; another payload under the same key is 422; a key in flight is
//! 409; a missing key is 400.

use std::sync::{Arc, Barrier};

use opendvc_api::{Application, IDEMPOTENT_REPLAY_HEADER, WithdrawRequest};
use opendvc_tests::fixtures::{Citizen, counter_delivery, deliverable_procedure};
use opendvc_tests::{Portal, PortalOptions, new_idempotency_key};

#[test]
fn an_idempotent_replay_returns_the_same_application_and_creates_nothing() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    let procedure = deliverable_procedure(&citizen.catalog());
    let submission = citizen.valid_application(&procedure, counter_delivery());
    let key = new_idempotency_key();

    let first = citizen.submit_with_key(&submission, &key);
    let created: Application = first.expect_json(201, "the first request creates");
    let count = citizen.applications().len();

    let replay = citizen.submit_with_key(&submission, &key);
    let replayed: Application = replay.expect_json(201, "the replay answers the stored 201");
    assert_eq!(
        (replayed.id, &replayed.code),
        (created.id, &created.code),
        "the replay is the same application"
    );
    assert_eq!(
        replay.header(IDEMPOTENT_REPLAY_HEADER),
        Some("true"),
        "a replayed answer says so"
    );
    assert_eq!(
        first.header(IDEMPOTENT_REPLAY_HEADER),
        None,
        "the first answer is no replay"
    );
    assert_eq!(
        citizen.applications().len(),
        count,
        "the replay created no application"
    );
}

#[test]
fn a_different_payload_under_the_same_key_gets_422() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    let procedure = deliverable_procedure(&citizen.catalog());
    let submission = citizen.valid_application(&procedure, counter_delivery());
    let key = new_idempotency_key();
    citizen
        .submit_with_key(&submission, &key)
        .expect_status(201, "the first request creates");
    let count = citizen.applications().len();

    let mut different = submission.clone();
    different.delivery = citizen.post_delivery();
    citizen.submit_with_key(&different, &key).expect_problem(
        422,
        "idempotency_key_reused",
        "another payload under a used key is refused",
    );
    assert_eq!(citizen.applications().len(), count, "nothing was created");
}

#[test]
fn a_state_changing_request_without_an_idempotency_key_gets_400() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    let procedure = deliverable_procedure(&citizen.catalog());
    let submission = citizen.valid_application(&procedure, counter_delivery());
    let count = citizen.applications().len();
    citizen
        .call("POST", "/v1/applications")
        .json(&submission)
        .send()
        .expect_problem(400, "idempotency_key_missing", "a submission needs a key");
    assert_eq!(citizen.applications().len(), count, "nothing was created");

    let application = citizen.submit(&submission);
    let id = application.id;
    let follow_ups = [
        (
            "POST",
            format!("/v1/applications/{id}/withdraw"),
            serde_json::json!({}),
        ),
        (
            "POST",
            format!("/v1/applications/{id}/supplements"),
            serde_json::json!({"note": "x"}),
        ),
        (
            "PUT",
            format!("/v1/applications/{id}/delivery"),
            serde_json::json!({"method": "counter"}),
        ),
        (
            "POST",
            format!("/v1/applications/{id}/rating"),
            serde_json::json!({"stars": 5}),
        ),
    ];
    for (method, path, body) in follow_ups {
        citizen
            .call(method, &path)
            .json(&body)
            .send()
            .expect_problem(
                400,
                "idempotency_key_missing",
                "every follow-up needs a key",
            );
    }
    assert_eq!(
        citizen.application(id).timeline,
        application.timeline,
        "no follow-up without a key changed the application"
    );
}

#[test]
fn concurrent_requests_with_one_key_create_one_application() {
    const CLIENTS: usize = 8;
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    let procedure = deliverable_procedure(&citizen.catalog());
    let submission = citizen.valid_application(&procedure, counter_delivery());
    let count = citizen.applications().len();
    let key = new_idempotency_key();
    let barrier = Arc::new(Barrier::new(CLIENTS));

    let threads: Vec<_> = (0..CLIENTS)
        .map(|_| {
            // Each thread has its own client, so each request has its own connection.
            let citizen = Citizen::with_token(
                opendvc_tests::Api::new(citizen.api.base()),
                &citizen.id_number,
                &citizen.access_token,
            );
            let submission = submission.clone();
            let key = key.clone();
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                barrier.wait();
                citizen.submit_with_key(&submission, &key)
            })
        })
        .collect();
    let replies: Vec<_> = threads
        .into_iter()
        .map(|thread| thread.join().expect("the client thread finishes"))
        .collect();

    let mut ids = std::collections::BTreeSet::new();
    for reply in &replies {
        match reply.status {
            201 => {
                ids.insert(reply.json::<Application>().id);
            }
            409 => {
                reply.expect_problem(409, "idempotency_in_flight", "a key in flight is 409");
            }
            other => panic!(
                "concurrent same-key requests get 201 or 409 idempotency_in_flight, got {other}: {}",
                reply.text()
            ),
        }
    }
    assert_eq!(
        ids.len(),
        1,
        "every success is the same application: {ids:?}"
    );
    assert_eq!(
        citizen.applications().len(),
        count + 1,
        "exactly one application was created"
    );
    let settled: Application = citizen
        .submit_with_key(&submission, &key)
        .expect_json(201, "once settled, the key replays");
    assert!(ids.contains(&settled.id));
}

#[test]
fn a_replayed_withdrawal_changes_the_application_once() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    let procedure = deliverable_procedure(&citizen.catalog());
    let application = citizen.submit(&citizen.valid_application(&procedure, counter_delivery()));
    let key = new_idempotency_key();
    let withdraw = || {
        citizen
            .call(
                "POST",
                &format!("/v1/applications/{}/withdraw", application.id),
            )
            .idempotency_key(&key)
            .json(&WithdrawRequest { reason: None })
            .send()
    };
    let first = withdraw();
    let replay = withdraw();
    assert_eq!(
        replay.status,
        first.status,
        "the replay answers the stored status: {}",
        replay.text()
    );
    let (first, replay): (Application, Application) = (first.json(), replay.json());
    assert_eq!(first, replay, "the replay answers the stored application");
    let withdrawn_entries = citizen
        .application(application.id)
        .timeline
        .iter()
        .filter(|entry| entry.status == opendvc_api::ApplicationStatus::Withdrawn)
        .count();
    assert_eq!(withdrawn_entries, 1, "the application was withdrawn once");
}

#[test]
fn a_key_belongs_to_its_citizen() {
    let mut portal = Portal::start(PortalOptions::default());
    let first = Citizen::demo(&mut portal, 0);
    let second = Citizen::demo(&mut portal, 1);
    let procedure = deliverable_procedure(&first.catalog());
    let key = new_idempotency_key();
    let mine: Application = first
        .submit_with_key(
            &first.valid_application(&procedure, counter_delivery()),
            &key,
        )
        .expect_json(201, "the first citizen submits");
    let reply = second.submit_with_key(
        &second.valid_application(&procedure, counter_delivery()),
        &key,
    );
    if reply.status == 201 {
        let theirs: Application = reply.json();
        assert_ne!(
            theirs.id, mine.id,
            "another citizen never gets my application back by reusing my key"
        );
    } else {
        reply.expect_problem(
            422,
            "idempotency_key_reused",
            "another citizen's use of my key is a new request or a reuse, never a replay",
        );
    }
}
