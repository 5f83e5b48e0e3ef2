//! The operations centre's early warning: an application coming close to its due date warns
//! the officers who handle it, once; when it is late, they and the agency's supervisor are
//! warned once more, and the citizen's application says which agency was told, when, and how
//! to reach it.

use chrono::TimeDelta;
use opendvc_api::{OfficerApplication, WarningStage};
use opendvc_tests::fixtures::{Citizen, Officer};
use opendvc_tests::{Portal, PortalOptions};

/// The agency whose demo officers and supervisor the test watches.
const AGENCY: &str = "da-nang-police";

/// What the dev outbox sent that names `code`, as (recipient, body).
fn messages_about(portal: &Portal, code: &str) -> Vec<(String, String)> {
    portal
        .dev_messages()
        .into_iter()
        .filter(|message| message.body.contains(code))
        .map(|message| (message.to, message.body))
        .collect()
}

#[test]
fn a_late_application_warns_its_officers_then_their_supervisor_and_the_citizen_each_once() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    let catalog = citizen.catalog();
    let procedure = catalog
        .items
        .iter()
        .filter(|procedure| procedure.agency_id == AGENCY)
        .find(|procedure| procedure.processing_days.online >= 3)
        .expect("the catalog has a police procedure of several working days")
        .clone();
    let application = citizen.submit_valid(&procedure);
    let accounts = portal.demo_accounts();
    let officers: Vec<String> = accounts
        .officers
        .iter()
        .filter(|officer| officer.agency == AGENCY)
        .map(|officer| officer.code.to_lowercase())
        .collect();
    let supervisor = accounts
        .supervisors
        .iter()
        .find(|supervisor| supervisor.agency.as_deref() == Some(AGENCY))
        .map(|supervisor| supervisor.code.to_lowercase())
        .expect("the demo has a supervisor of the police");
    let told = |messages: &[(String, String)], code: &str| {
        messages
            .iter()
            .filter(|(to, _)| to.starts_with(code))
            .count()
    };
    assert!(
        messages_about(&portal, &application.code)
            .iter()
            .all(|(to, _)| !officers.iter().any(|code| to.starts_with(code))),
        "nobody is warned of an application with days to go"
    );

    // The morning of its due day: at risk.
    let now = portal.advance_clock(0);
    let morning = application.due_at - TimeDelta::hours(8);
    portal.advance_clock((morning - now).num_seconds());
    let at_risk = messages_about(&portal, &application.code);
    for officer in &officers {
        assert_eq!(
            told(&at_risk, officer),
            1,
            "officer {officer} is warned once that {} is due today: {at_risk:?}",
            application.code
        );
    }
    assert_eq!(
        told(&at_risk, &supervisor),
        0,
        "the supervisor is not troubled while it can still be on time"
    );
    // Moving the clock by hours and days outlives access tokens: sign in again each time.
    let citizen = Citizen::demo(&mut portal, 0);
    assert!(
        citizen.application(application.id).late_warning.is_none(),
        "the citizen is told nothing while it is not late"
    );
    portal.advance_clock(3600);
    assert_eq!(
        messages_about(&portal, &application.code).len(),
        at_risk.len(),
        "an hour later nothing is warned again"
    );

    // The next day: overdue.
    portal.advance_clock(24 * 3600);
    let overdue = messages_about(&portal, &application.code);
    assert_eq!(
        told(&overdue, &supervisor),
        1,
        "the agency's supervisor is warned once it is late: {overdue:?}"
    );
    for officer in &officers {
        assert_eq!(
            told(&overdue, officer),
            2,
            "officer {officer} is warned again, once"
        );
    }
    let citizen = Citizen::demo(&mut portal, 0);
    let seen = citizen.application(application.id);
    let warning = seen
        .late_warning
        .expect("the citizen's application says the city was told");
    assert_eq!(warning.stage, WarningStage::Overdue);
    assert_eq!(
        warning.agency.agency_id, AGENCY,
        "the agency told is the police"
    );
    assert!(
        !warning.agency.phone.is_empty() && !warning.agency.address.is_empty(),
        "the citizen gets the agency's phone and address: {:?}",
        warning.agency
    );
    let sync: opendvc_api::SyncResponse = citizen
        .get("/v1/sync")
        .expect_json(200, "the citizen syncs");
    let synced = sync
        .applications
        .iter()
        .find(|synced| synced.id == application.id)
        .expect("the application is in the sync");
    assert_eq!(
        synced.late_warning.as_ref(),
        Some(&warning),
        "the app learns of the warning through sync"
    );
    assert!(
        sync.inbox
            .iter()
            .any(|item| item.application_id == Some(application.id)
                && item.body.vi.contains(&warning.agency.phone)),
        "the inbox notice gives the agency's phone"
    );

    portal.advance_clock(2 * 24 * 3600);
    assert_eq!(
        messages_about(&portal, &application.code).len(),
        overdue.len(),
        "a late application is warned of once, not every day"
    );
    let officer = Officer::of_agency(&mut portal, AGENCY);
    let detail: OfficerApplication = officer
        .api
        .get(&format!("/v1/officer/applications/{}", application.id))
        .bearer(&officer.access_token())
        .send()
        .expect_json(200, "the officer reads the application");
    let stages: Vec<WarningStage> = detail
        .warnings
        .iter()
        .map(|warning| warning.stage)
        .collect();
    assert_eq!(
        stages,
        vec![WarningStage::AtRisk, WarningStage::Overdue],
        "the officer sees both warnings, in order"
    );
}
