//! The operations centre's overview (`GET /v1/officer/overview`): an officer sees the figures
//! of their own agency and of no other; citizens and anonymous callers see none.

use opendvc_api::{Overview, TransitionRequest};
use opendvc_rules::VIETNAM;
use opendvc_tests::fixtures::{Citizen, Officer, deliverable_procedure};
use opendvc_tests::{Portal, PortalOptions};

fn overview_of(portal: &Portal, token: &str) -> Overview {
    portal
        .api()
        .get("/v1/officer/overview")
        .bearer(token)
        .send()
        .expect_json(200, "an officer reads the overview")
}

#[test]
fn an_officer_sees_the_overview_of_their_own_agency_only() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    let procedure = deliverable_procedure(&citizen.catalog());
    let application = citizen.submit_valid(&procedure);
    // A week on, the application falls due within the histogram's 10 working days.
    portal.advance_clock(7 * 24 * 3600);
    let due_day = application.due_at.with_timezone(&VIETNAM).date_naive();

    let own = Officer::of_agency(&mut portal, &procedure.agency_id);
    let overview = overview_of(&portal, &own.access_token());
    let agencies: Vec<&str> = overview
        .agencies
        .iter()
        .map(|agency| agency.agency_id.as_str())
        .collect();
    assert_eq!(
        agencies,
        vec![procedure.agency_id.as_str()],
        "an officer's overview holds their agency alone"
    );
    let counted = overview.agencies[0]
        .due_histogram
        .iter()
        .find(|day| day.date == due_day)
        .map_or(0, |day| day.count);
    assert!(
        counted >= 1,
        "the open application is counted on its due day {due_day}: {:?}",
        overview.agencies[0].due_histogram
    );

    let stranger_agency = portal
        .demo_accounts()
        .officers
        .into_iter()
        .map(|officer| officer.agency)
        .find(|agency| *agency != procedure.agency_id)
        .expect("the demo has officers of another agency");
    let stranger = Officer::of_agency(&mut portal, &stranger_agency);
    let theirs = overview_of(&portal, &stranger.access_token());
    assert!(
        theirs
            .agencies
            .iter()
            .all(|agency| agency.agency_id == stranger_agency),
        "another agency's officer sees nothing of {}: {:?}",
        procedure.agency_id,
        theirs
            .agencies
            .iter()
            .map(|agency| &agency.agency_id)
            .collect::<Vec<_>>()
    );

    // The own officer finishes it: it leaves the histogram and enters the finished figures.
    for to in [
        opendvc_api::ApplicationStatus::Processing,
        opendvc_api::ApplicationStatus::Completed,
    ] {
        own.send(
            application.id,
            &TransitionRequest {
                to: Some(to),
                delivery: None,
                note: None,
            },
        )
        .expect_json::<opendvc_api::Application>(200, "the agency's officer moves it");
    }
    let after = overview_of(&portal, &own.access_token());
    let figures = &after.agencies[0];
    assert!(
        figures.on_time_rate_30d.is_some(),
        "a finished application gives the agency an on-time rate"
    );
    assert_eq!(
        figures
            .due_histogram
            .iter()
            .map(|day| day.count)
            .sum::<u64>()
            + 1,
        overview.agencies[0]
            .due_histogram
            .iter()
            .map(|day| day.count)
            .sum::<u64>(),
        "the finished application left the due-date histogram"
    );
}

#[test]
fn citizens_and_strangers_cannot_read_the_overview() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    citizen.get("/v1/officer/overview").expect_problem(
        403,
        "forbidden",
        "a citizen reads no overview",
    );
    let anonymous = portal.api().get("/v1/officer/overview").send();
    assert_eq!(anonymous.status, 401, "no token, no overview");
}

#[test]
fn a_city_wide_supervisor_sees_every_agency_and_an_agency_supervisor_theirs() {
    let mut portal = Portal::start(PortalOptions::default());
    let accounts = portal.demo_accounts();
    let every_agency: std::collections::BTreeSet<String> = accounts
        .officers
        .iter()
        .map(|officer| officer.agency.clone())
        .collect();
    let city = accounts
        .supervisors
        .iter()
        .find(|supervisor| supervisor.agency.is_none())
        .expect("the demo has a city-wide supervisor");
    let token = portal.staff_token(&city.code, &city.password).access_token;
    let seen: std::collections::BTreeSet<String> = overview_of(&portal, &token)
        .agencies
        .into_iter()
        .map(|agency| agency.agency_id)
        .collect();
    assert!(
        every_agency.is_subset(&seen),
        "the city-wide supervisor sees every officer's agency: {every_agency:?} in {seen:?}"
    );

    let lead = accounts
        .supervisors
        .iter()
        .find(|supervisor| supervisor.agency.is_some())
        .expect("the demo has an agency's supervisor");
    let token = portal.staff_token(&lead.code, &lead.password).access_token;
    let seen: Vec<String> = overview_of(&portal, &token)
        .agencies
        .into_iter()
        .map(|agency| agency.agency_id)
        .collect();
    assert_eq!(
        seen,
        vec![lead.agency.clone().unwrap_or_default()],
        "an agency's supervisor sees their agency alone"
    );
}
