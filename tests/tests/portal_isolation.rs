//! No citizen reads or changes another's data: every endpoint that takes an application id
//! answers 404 for an id that is not the caller's, exactly as for an id that does not exist.

use opendvc_api::{Rating, WithdrawRequest};
use opendvc_tests::fixtures::{Citizen, counter_delivery, deliverable_procedure};
use opendvc_tests::{Portal, PortalOptions, Reply};

/// Every request a citizen can make on one application, with a valid body.
fn every_request_on(citizen: &Citizen, id: &str) -> Vec<Reply> {
    let supplement = serde_json::json!({"note": "Bổ sung", "form": {}, "attachments": []});
    vec![
        citizen.get(&format!("/v1/applications/{id}")),
        citizen
            .call("POST", &format!("/v1/applications/{id}/supplements"))
            .fresh_idempotency_key()
            .json(&supplement)
            .send(),
        citizen
            .call("PUT", &format!("/v1/applications/{id}/delivery"))
            .fresh_idempotency_key()
            .json(&counter_delivery())
            .send(),
        citizen
            .call("POST", &format!("/v1/applications/{id}/withdraw"))
            .fresh_idempotency_key()
            .json(&WithdrawRequest { reason: None })
            .send(),
        citizen
            .call("POST", &format!("/v1/applications/{id}/rating"))
            .fresh_idempotency_key()
            .json(&Rating {
                stars: 1,
                comment: None,
            })
            .send(),
    ]
}

#[test]
fn another_citizens_application_is_not_found_on_every_endpoint() {
    let mut portal = Portal::start(PortalOptions::default());
    let owner = Citizen::demo(&mut portal, 0);
    let stranger = Citizen::demo(&mut portal, 1);
    let procedure = deliverable_procedure(&owner.catalog());
    let application = owner.submit(&owner.valid_application(&procedure, counter_delivery()));

    for reply in every_request_on(&stranger, &application.id.to_string()) {
        reply.expect_problem(
            404,
            "not_found",
            "another citizen's application does not exist",
        );
    }
    assert_eq!(
        owner.application(application.id),
        application,
        "nothing the stranger tried changed the application"
    );
    assert!(
        stranger
            .applications()
            .iter()
            .all(|listed| listed.id != application.id),
        "the stranger's list does not show it"
    );
    let sync: opendvc_api::SyncResponse = stranger
        .get("/v1/sync")
        .expect_json(200, "the stranger syncs");
    assert!(
        sync.applications
            .iter()
            .all(|synced| synced.id != application.id),
        "the stranger's sync does not carry it"
    );
}

#[test]
fn demo_applications_of_one_citizen_are_hidden_from_the_others() {
    let mut portal = Portal::start(PortalOptions::default());
    let first = Citizen::demo(&mut portal, 0);
    let second = Citizen::demo(&mut portal, 1);
    for application in second.applications() {
        first
            .get(&format!("/v1/applications/{}", application.id))
            .expect_problem(404, "not_found", "a demo application of another citizen");
    }
}

#[test]
fn an_unknown_application_id_is_not_found_on_every_endpoint() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    for reply in every_request_on(&citizen, &uuid::Uuid::now_v7().to_string()) {
        reply.expect_problem(404, "not_found", "an application that does not exist");
    }
}

#[test]
fn an_application_id_that_is_no_uuid_gets_a_client_error() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    for id in ["not-a-uuid", "123", "0190b0a0-0000-7000-8000-00000000000z"] {
        for reply in every_request_on(&citizen, id) {
            let problem = reply.problem("an id that is no UUID is a client error");
            assert!(
                matches!(reply.status, 400 | 404),
                "{}: an id that is no UUID gets 400 or 404, got {} {}",
                reply.request,
                reply.status,
                problem.code
            );
        }
    }
}
