//! The portal behind the fault proxy: what a client does after a fault (resend with the same
//! Idempotency-Key) ends with exactly one application.

use opendvc_api::Application;
use opendvc_tests::fault_proxy::{Fault, FaultPlan, FaultProxy, RequestFilter};
use opendvc_tests::fixtures::{Citizen, counter_delivery, deliverable_procedure};
use opendvc_tests::{Api, Portal, PortalOptions, new_idempotency_key};

/// A demo portal, a proxy in front of it, and the first demo citizen talking through it.
fn behind_proxy(plan: FaultPlan) -> (Portal, FaultProxy, Citizen) {
    let mut portal = Portal::start(PortalOptions::default());
    let direct = Citizen::demo(&mut portal, 0);
    let proxy = FaultProxy::start(portal.addr(), plan).expect("the proxy starts");
    let citizen = Citizen::with_token(
        Api::new(&proxy.url()),
        &direct.id_number,
        &direct.access_token,
    );
    (portal, proxy, citizen)
}

#[test]
fn a_lost_response_then_a_resend_with_the_same_key_gives_one_application() {
    let plan = FaultPlan::seeded(7)
        .scripted([Fault::LostResponse])
        .only_for(RequestFilter::path_prefix("/v1/applications").method("POST"));
    let (_portal, proxy, citizen) = behind_proxy(plan);
    let procedure = deliverable_procedure(&citizen.catalog());
    let submission = citizen.valid_application(&procedure, counter_delivery());
    let count = citizen.applications().len();
    let key = new_idempotency_key();

    let lost = citizen
        .call("POST", "/v1/applications")
        .idempotency_key(&key)
        .json(&submission)
        .try_send();
    assert!(lost.is_err(), "the client never hears the answer: {lost:?}");
    assert_eq!(proxy.stats().lost_responses, 1);
    assert_eq!(
        citizen.applications().len(),
        count + 1,
        "the portal committed the submission whose answer was lost"
    );

    let resent: Application = citizen
        .submit_with_key(&submission, &key)
        .expect_json(201, "the resend replays the stored answer");
    let listed = citizen.applications();
    assert_eq!(listed.len(), count + 1, "the resend created nothing");
    assert!(listed.iter().any(|application| application.id == resent.id));
}

#[test]
fn a_503_or_429_or_reset_reaches_nothing_and_the_resend_creates_once() {
    let plan = FaultPlan::seeded(7)
        .scripted([
            Fault::ServiceUnavailable,
            Fault::TooManyRequests {
                retry_after_secs: 1,
            },
            Fault::Reset,
        ])
        .only_for(RequestFilter::path_prefix("/v1/applications").method("POST"));
    let (_portal, proxy, citizen) = behind_proxy(plan);
    let procedure = deliverable_procedure(&citizen.catalog());
    let submission = citizen.valid_application(&procedure, counter_delivery());
    let count = citizen.applications().len();
    let key = new_idempotency_key();

    let unavailable = citizen.submit_with_key(&submission, &key);
    unavailable.expect_problem(503, "internal", "the proxy answers 503");
    let limited = citizen.submit_with_key(&submission, &key);
    limited.expect_problem(429, "rate_limited", "the proxy answers 429");
    assert_eq!(limited.header("retry-after"), Some("1"));
    let reset = citizen
        .call("POST", "/v1/applications")
        .idempotency_key(&key)
        .json(&submission)
        .try_send();
    assert!(reset.is_err(), "a reset connection gives no answer");
    assert_eq!(
        citizen.applications().len(),
        count,
        "none of the faulted requests reached the portal"
    );
    citizen
        .submit_with_key(&submission, &key)
        .expect_status(201, "the fourth try goes through");
    assert_eq!(citizen.applications().len(), count + 1);
    let stats = proxy.stats();
    assert_eq!(
        (
            stats.service_unavailable,
            stats.too_many_requests,
            stats.resets
        ),
        (1, 1, 1)
    );
}

#[test]
fn a_restarted_portal_keeps_its_applications_and_tokens_behind_the_proxy() {
    let (mut portal, proxy, citizen) = behind_proxy(FaultPlan::pass_through());
    let procedure = deliverable_procedure(&citizen.catalog());
    let application = citizen.submit(&citizen.valid_application(&procedure, counter_delivery()));
    portal.stop();
    let down = citizen.get("/v1/applications");
    down.expect_problem(502, "internal", "the proxy reports the portal down");
    portal.start_again();
    assert_eq!(
        citizen.application(application.id),
        application,
        "the application survived the restart, and the token still works"
    );
    assert!(proxy.stats().upstream_failures >= 1);
}

#[test]
fn a_random_mix_of_faults_with_resends_ends_with_one_application_per_submission() {
    const SUBMISSIONS: usize = 12;
    let plan = FaultPlan::seeded(20_261_129)
        .with(Fault::Pass, 3)
        .with(Fault::ServiceUnavailable, 1)
        .with(
            Fault::TooManyRequests {
                retry_after_secs: 0,
            },
            1,
        )
        .with(Fault::Reset, 1)
        .with(Fault::LostResponse, 2)
        .only_for(RequestFilter::path_prefix("/v1/applications").method("POST"));
    let (_portal, proxy, citizen) = behind_proxy(plan);
    let procedure = deliverable_procedure(&citizen.catalog());
    let count = citizen.applications().len();
    let mut created = std::collections::BTreeSet::new();
    for _ in 0..SUBMISSIONS {
        let submission = citizen.valid_application(&procedure, counter_delivery());
        let key = new_idempotency_key();
        // Resend with the same key until an answer comes, as the app's queue does; bounded so
        // a broken portal fails the test instead of hanging it.
        let application = (0..50)
            .find_map(|_| {
                let reply = citizen
                    .call("POST", "/v1/applications")
                    .idempotency_key(&key)
                    .json(&submission)
                    .try_send()
                    .ok()?;
                (reply.status == 201).then(|| reply.json::<Application>())
            })
            .expect("a submission gets through within 50 tries");
        created.insert(application.id);
    }
    assert_eq!(
        created.len(),
        SUBMISSIONS,
        "each submission is its own application"
    );
    assert_eq!(
        citizen.applications().len(),
        count + SUBMISSIONS,
        "none lost, none doubled ({})",
        proxy.stats()
    );
    assert!(
        proxy.stats().lost_responses > 0,
        "the run included lost responses"
    );
}
