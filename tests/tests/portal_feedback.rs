//! Residents' feedback (issue 16), the portal's side: the services and their routing data,
//! the agencies and officers that answer feedback. Runs on PostgreSQL too where the harness
//! runs the portal tests on it.

use opendvc_api::{FeedbackServices, OfficerSelf};
use opendvc_tests::{Portal, PortalOptions};

const OFFICER_PASSWORD: &str = "demo-officer-2026";

#[test]
fn the_feedback_services_are_public_with_their_clocks() {
    let portal = Portal::start(PortalOptions::default());
    let services: FeedbackServices = portal
        .api()
        .get("/v1/feedback/services")
        .send()
        .expect_json(200, "the services, without a token");
    let codes: Vec<&str> = services
        .services
        .iter()
        .map(|service| service.code.as_str())
        .collect();
    for code in [
        "environment",
        "traffic_safety",
        "social_order",
        "infrastructure",
        "street_vending",
        "other",
        "digital_help",
    ] {
        assert!(codes.contains(&code), "service {code} is listed: {codes:?}");
    }
    assert!(
        services
            .services
            .iter()
            .all(|service| service.answer_hours > 0 && service.resolve_working_days > 0),
        "every service states both clocks: {services:?}"
    );
}

#[test]
fn the_officers_of_the_feedback_agencies_sign_in_to_their_agency() {
    let portal = Portal::start(PortalOptions::default());
    for (code, agency_id) in [
        ("CB-IOC-01", "da-nang-ioc"),
        ("CB-SXD-01", "da-nang-construction"),
        ("CB-SNNMT-01", "da-nang-agriculture-environment"),
    ] {
        let token = portal.staff_token(code, OFFICER_PASSWORD).access_token;
        let me: OfficerSelf = portal
            .api()
            .get("/v1/officer/me")
            .bearer(&token)
            .send()
            .expect_json(200, "the officer's own record");
        let agency = me.agency.expect("an officer of an agency");
        assert_eq!(agency.agency_id, agency_id, "{code} serves {agency_id}");
        assert!(
            !agency.name.vi.is_empty() && !agency.phone.is_empty(),
            "{code}'s agency has a name and a phone: {agency:?}"
        );
    }
}
