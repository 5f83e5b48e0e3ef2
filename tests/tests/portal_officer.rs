//! The officer API (issue 15): scoping by agency and unit, the work queue (filters, keyset
//! paging), one application as the officer sees it, assignment, supervisors. Runs on
//! PostgreSQL too where the harness runs the portal tests on it.

use std::collections::{BTreeSet, HashSet};

use opendvc_api::{
    Application, ApplicationStatus, AssignRequest, Catalog, Channel, CounterApplicant,
    CounterApplication, OfficerApplication, OfficerSelf, Procedure, QueuePage, StaffKind,
    SyncResponse, TransitionRequest, WorkItem,
};
use opendvc_tests::fixtures::{
    Citizen, counter_delivery, deliverable_procedure, procedure_without_uploads,
};
use opendvc_tests::{Api, Portal, PortalOptions, Reply};

const OFFICER_PASSWORD: &str = "demo-officer-2026";
const SUPERVISOR_PASSWORD: &str = "demo-supervisor-2026";

/// A signed-in member of the city's side.
struct Desk {
    api: Api,
    token: String,
}

impl Desk {
    fn sign_in(portal: &Portal, code: &str, password: &str) -> Desk {
        Desk {
            api: portal.api(),
            token: portal.staff_token(code, password).access_token,
        }
    }

    fn officer(portal: &Portal, code: &str) -> Desk {
        Desk::sign_in(portal, code, OFFICER_PASSWORD)
    }

    fn get(&self, path: &str) -> Reply {
        self.api.get(path).bearer(&self.token).send()
    }

    fn queue(&self, query: &str) -> QueuePage {
        self.get(&format!("/v1/officer/applications?{query}"))
            .expect_json(200, "the work queue answers")
    }

    /// Every row of the queue for `query`, page by page (`limit` rows a page).
    fn whole_queue(&self, query: &str, limit: u32) -> Vec<WorkItem> {
        let mut items = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut path = format!("limit={limit}&{query}");
            if let Some(cursor) = &cursor {
                path.push_str(&format!("&cursor={cursor}"));
            }
            let page = self.queue(&path);
            items.extend(page.items);
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => return items,
            }
        }
    }

    fn transition(&self, id: uuid::Uuid, request: &TransitionRequest) -> Reply {
        self.api
            .post(&format!("/v1/officer/applications/{id}/transition"))
            .bearer(&self.token)
            .fresh_idempotency_key()
            .json(request)
            .send()
    }

    fn assign(&self, id: uuid::Uuid, officer_code: &str) -> Reply {
        self.api
            .post(&format!("/v1/officer/applications/{id}/assign"))
            .bearer(&self.token)
            .json(&AssignRequest {
                officer_code: officer_code.to_owned(),
            })
            .send()
    }
}

fn to_processing() -> TransitionRequest {
    TransitionRequest {
        to: Some(ApplicationStatus::Processing),
        delivery: None,
        note: None,
    }
}

/// A procedure of `agency` a demo citizen can submit.
fn procedure_of(catalog: &Catalog, agency: &str) -> Procedure {
    catalog
        .items
        .iter()
        .filter(|procedure| procedure.agency_id == agency && procedure.delivery.counter)
        .min_by_key(|procedure| procedure.required_documents.len())
        .cloned()
        .unwrap_or_else(|| panic!("the catalog has a procedure of {agency}"))
}

fn agency_of<'a>(catalog: &'a Catalog, procedure_id: &str) -> &'a str {
    catalog
        .items
        .iter()
        .find(|procedure| procedure.id == procedure_id)
        .map(|procedure| procedure.agency_id.as_str())
        .unwrap_or("")
}

#[test]
fn an_officer_of_another_agency_gets_403_for_every_action_and_none_of_its_rows() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    let catalog = citizen.catalog();
    let procedure = procedure_of(&catalog, "da-nang-police");
    let application = citizen.submit_valid(&procedure);
    let own_code = portal
        .demo_accounts()
        .officers
        .into_iter()
        .find(|officer| officer.agency == procedure.agency_id && officer.unit.is_none())
        .expect("a city-level officer of the procedure's agency")
        .code;
    let stranger_account = portal
        .demo_accounts()
        .officers
        .into_iter()
        .find(|officer| officer.agency != procedure.agency_id && officer.unit.is_none())
        .expect("an officer of another city-level agency");
    let stranger = Desk::officer(&portal, &stranger_account.code);
    let id = application.id;
    stranger
        .get(&format!("/v1/officer/applications/{id}"))
        .expect_problem(403, "forbidden", "another agency's application is not read");
    stranger.transition(id, &to_processing()).expect_problem(
        403,
        "forbidden",
        "another agency's application is not moved",
    );
    stranger.assign(id, &own_code).expect_problem(
        403,
        "forbidden",
        "another agency's application is not assigned",
    );
    let rows = stranger.whole_queue("", 200);
    assert!(
        rows.iter().all(|row| row.id != id),
        "the other agency's queue does not hold the application"
    );
    assert!(
        rows.iter()
            .all(|row| agency_of(&catalog, &row.procedure_id) == stranger_account.agency),
        "every row of an officer's queue is of their own agency"
    );
    assert_eq!(
        citizen.application(id).status,
        ApplicationStatus::Received,
        "nothing moved"
    );
    let own = Desk::officer(&portal, &own_code);
    let seen: OfficerApplication = own
        .get(&format!("/v1/officer/applications/{id}"))
        .expect_json(200, "the agency's own officer reads it");
    assert_eq!(seen.application.id, id);
    assert_eq!(seen.agency_id, procedure.agency_id);
    assert!(
        own.whole_queue("", 200).iter().any(|row| row.id == id),
        "the own agency's queue holds the application"
    );
    portal
        .api()
        .get(&format!(
            "/v1/officer/applications/{}",
            uuid::Uuid::now_v7()
        ))
        .bearer(&own.token)
        .send()
        .expect_problem(
            404,
            "not_found",
            "an application that does not exist is 404",
        );
}

#[test]
fn a_commune_office_sees_only_the_applications_of_its_own_unit() {
    let mut portal = Portal::start(PortalOptions::default());
    let accounts = portal.demo_accounts();
    // Citizen 1 lives in Hòa Khánh (20200); the Hải Châu office (20242) is another unit's.
    let citizen = Citizen::demo(&mut portal, 1);
    let unit = citizen.profile().address.unit_code;
    let catalog = citizen.catalog();
    let procedure = procedure_of(&catalog, "commune-people-committee");
    let application = citizen.submit_valid(&procedure);
    let office = |wanted: &dyn Fn(&Option<String>) -> bool| {
        accounts
            .officers
            .iter()
            .find(|officer| officer.agency == "commune-people-committee" && wanted(&officer.unit))
            .expect("a commune office officer")
            .code
            .clone()
    };
    let own = Desk::officer(&portal, &office(&|u| u.as_deref() == Some(unit.as_str())));
    let other = Desk::officer(&portal, &office(&|u| u.as_deref() != Some(unit.as_str())));
    let id = application.id;
    other
        .get(&format!("/v1/officer/applications/{id}"))
        .expect_problem(403, "forbidden", "another unit's office does not read it");
    other.transition(id, &to_processing()).expect_problem(
        403,
        "forbidden",
        "another unit's office does not move it",
    );
    assert!(
        other.whole_queue("", 200).iter().all(|row| row.id != id),
        "another unit's queue does not hold it"
    );
    let rows = own.whole_queue("", 200);
    assert!(
        rows.iter().any(|row| row.id == id),
        "the applicant's own unit's office has it"
    );
    assert!(
        rows.iter()
            .all(|row| row.unit_code.as_deref() == Some(unit.as_str())),
        "a commune office's queue holds its unit only"
    );
    let me: OfficerSelf = own
        .get("/v1/officer/me")
        .expect_json(200, "the officer's own record");
    assert_eq!(me.unit_code.as_deref(), Some(unit.as_str()));
    let agency = me.agency.expect("the office's contact");
    assert!(
        agency.name.vi.contains("Hòa Khánh"),
        "the office is named after its unit: {agency:?}"
    );
    assert!(
        me.procedures.contains(&procedure.id),
        "the scope's procedures include the submitted one"
    );
    own.transition(id, &to_processing())
        .expect_status(200, "the unit's own office moves it");
}

#[test]
fn citizens_agents_and_assisted_sessions_get_403_on_every_officer_path() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    let catalog = citizen.catalog();
    let application = citizen.submit_valid(&deliverable_procedure(&catalog));
    let (agent, session) =
        opendvc_tests::fixtures::consent_code_session(&mut portal, StaffKind::Agent);
    let session_token = session.access_token;
    let id = application.id;
    for (who, token) in [
        ("a citizen", citizen.access_token.as_str()),
        ("an agent", agent.as_str()),
        ("an assisted session", session_token.as_str()),
    ] {
        for (method, path) in [
            ("GET", "/v1/officer/me".to_owned()),
            ("GET", "/v1/officer/applications".to_owned()),
            ("GET", format!("/v1/officer/applications/{id}")),
            ("POST", format!("/v1/officer/applications/{id}/assign")),
            ("POST", format!("/v1/officer/applications/{id}/transition")),
        ] {
            portal
                .api()
                .request(method, &path)
                .bearer(token)
                .fresh_idempotency_key()
                .json(&serde_json::json!({"officerCode": "CB-CADN-01", "to": "processing"}))
                .send()
                .expect_problem(
                    403,
                    "forbidden",
                    &format!("{who} is refused {method} {path}"),
                );
        }
    }
}

#[test]
fn a_supervisor_reads_and_assigns_in_their_scope_but_moves_nothing() {
    let mut portal = Portal::start(PortalOptions::default());
    let accounts = portal.demo_accounts();
    let agency_supervisor = accounts
        .supervisors
        .iter()
        .find(|supervisor| supervisor.agency.is_some())
        .expect("the demo has an agency supervisor");
    assert!(
        accounts.supervisors.iter().any(|s| s.agency.is_none()),
        "the demo has a city-wide supervisor"
    );
    let agency = agency_supervisor.agency.clone().expect("an agency");
    let citizen = Citizen::demo(&mut portal, 0);
    let catalog = citizen.catalog();
    let own_procedure = procedure_of(&catalog, &agency);
    let own = citizen.submit_valid(&own_procedure);
    let other_procedure = catalog
        .items
        .iter()
        .find(|procedure| procedure.agency_id != agency && procedure.delivery.counter)
        .cloned()
        .expect("a procedure of another agency");
    let other = citizen.submit_valid(&other_procedure);
    let supervisor = Desk::sign_in(&portal, &agency_supervisor.code, SUPERVISOR_PASSWORD);
    let read: OfficerApplication = supervisor
        .get(&format!("/v1/officer/applications/{}", own.id))
        .expect_json(200, "the supervisor reads their agency's application");
    supervisor
        .get(&format!("/v1/officer/applications/{}", other.id))
        .expect_problem(
            403,
            "forbidden",
            "an agency supervisor does not read another's",
        );
    supervisor
        .transition(own.id, &to_processing())
        .expect_problem(403, "forbidden", "a supervisor moves no application");
    let officer = read
        .assignable
        .first()
        .expect("the agency has officers to assign to")
        .code
        .clone();
    supervisor
        .assign(own.id, &officer)
        .expect_status(200, "a supervisor assigns");
    let city = accounts
        .supervisors
        .iter()
        .find(|supervisor| supervisor.agency.is_none())
        .expect("a city-wide supervisor");
    let city = Desk::sign_in(&portal, &city.code, SUPERVISOR_PASSWORD);
    for id in [own.id, other.id] {
        city.get(&format!("/v1/officer/applications/{id}"))
            .expect_status(200, "a city-wide supervisor reads every agency's");
    }
    let everything = city.whole_queue("", 200);
    let agencies: BTreeSet<&str> = everything
        .iter()
        .map(|row| agency_of(&catalog, &row.procedure_id))
        .collect();
    assert!(
        agencies.len() >= 2,
        "the city-wide queue spans agencies: {agencies:?}"
    );
}

#[test]
fn paging_walks_every_matching_row_exactly_once_while_rows_change() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    let catalog = citizen.catalog();
    let procedure = deliverable_procedure(&catalog);
    for _ in 0..4 {
        citizen.submit_valid(&procedure);
    }
    let city_code = portal
        .demo_accounts()
        .supervisors
        .into_iter()
        .find(|supervisor| supervisor.agency.is_none())
        .expect("a city-wide supervisor")
        .code;
    let city = Desk::sign_in(&portal, &city_code, SUPERVISOR_PASSWORD);
    let before = city.queue("limit=200");
    let before_ids: HashSet<uuid::Uuid> = before.items.iter().map(|row| row.id).collect();
    assert!(
        before.next_cursor.is_none(),
        "one page of 200 holds the demo"
    );
    assert_eq!(
        before.total,
        before.items.len() as u64,
        "the total counts every matching row"
    );
    assert!(before_ids.len() >= 10, "enough rows to page through");
    let officer = opendvc_tests::fixtures::Officer::sign_in(&mut portal);
    let mut seen: Vec<uuid::Uuid> = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let path = match &cursor {
            Some(cursor) => format!("limit=3&cursor={cursor}"),
            None => "limit=3".to_owned(),
        };
        let page = city.queue(&path);
        assert!(page.items.len() <= 3, "a page holds at most its limit");
        let mut due: Vec<_> = page.items.iter().map(|row| (row.due_at, row.id)).collect();
        let sorted = {
            let mut sorted = due.clone();
            sorted.sort();
            sorted
        };
        assert_eq!(due, sorted, "a page is sorted by due date, then id");
        due.clear();
        seen.extend(page.items.iter().map(|row| row.id));
        pages += 1;
        // Rows change between pages: a new application arrives, one already seen moves on.
        citizen.submit_valid(&procedure);
        if let Some(row) = page
            .items
            .iter()
            .find(|row| row.status == ApplicationStatus::Received)
        {
            officer.transition(row.id, ApplicationStatus::Processing);
        }
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    let unique: HashSet<uuid::Uuid> = seen.iter().copied().collect();
    assert_eq!(
        unique.len(),
        seen.len(),
        "no row appears twice across {pages} pages"
    );
    let missing: Vec<_> = before_ids.difference(&unique).collect();
    assert!(
        missing.is_empty(),
        "every row that matched before the walk is seen once; missing {missing:?}"
    );
}

#[test]
fn each_queue_filter_keeps_only_matching_rows() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    let catalog = citizen.catalog();
    let procedure = deliverable_procedure(&catalog);
    let application = citizen.submit_valid(&procedure);
    let city_code = portal
        .demo_accounts()
        .supervisors
        .into_iter()
        .find(|supervisor| supervisor.agency.is_none())
        .expect("a city-wide supervisor")
        .code;
    let city = Desk::sign_in(&portal, &city_code, SUPERVISOR_PASSWORD);
    let all = city.whole_queue("", 200);
    let check = |query: &str, keep: &dyn Fn(&WorkItem) -> bool, what: &str| {
        let rows = city.whole_queue(query, 200);
        let expected: Vec<uuid::Uuid> = all.iter().filter(|row| keep(row)).map(|r| r.id).collect();
        let got: Vec<uuid::Uuid> = rows.iter().map(|row| row.id).collect();
        assert_eq!(got, expected, "{what}: the rows of {query:?}");
        assert!(!got.is_empty(), "{what}: {query:?} matches something");
    };
    check(
        "status=received",
        &|row| row.status == ApplicationStatus::Received,
        "status",
    );
    check(
        &format!("procedure={}", procedure.id),
        &|row| row.procedure_id == procedure.id,
        "procedure",
    );
    let unit = citizen.profile().address.unit_code;
    check(
        &format!("unit={unit}"),
        &|row| row.unit_code.as_deref() == Some(unit.as_str()),
        "unit",
    );
    let due_day = application
        .due_at
        .with_timezone(&opendvc_rules::VIETNAM)
        .date_naive();
    check(
        &format!("dueBefore={due_day}"),
        &|row| {
            row.due_at
                .with_timezone(&opendvc_rules::VIETNAM)
                .date_naive()
                <= due_day
        },
        "due date",
    );
    check(
        "open=true",
        &|row| {
            !matches!(
                row.status,
                ApplicationStatus::Completed
                    | ApplicationStatus::HandedOver
                    | ApplicationStatus::Rejected
                    | ApplicationStatus::Withdrawn
            )
        },
        "open",
    );
    let prefix = &application.code[..application.code.len() - 2];
    check(
        &format!("q={prefix}"),
        &|row| row.code.starts_with(prefix),
        "code prefix",
    );
    let name = citizen.profile().full_name;
    let family = name.split_whitespace().last().expect("a name").to_owned();
    check(
        &format!("q={family}"),
        &|row| row.applicant_name.contains(&family) || row.code.starts_with(&family),
        "applicant name",
    );
}

#[test]
fn bad_queue_parameters_are_422_naming_the_parameter() {
    let portal = Portal::start(PortalOptions::default());
    let officer = Desk::officer(&portal, "CB-CADN-01");
    for (query, parameter) in [
        ("limit=0", "limit"),
        ("limit=201", "limit"),
        ("limit=many", "limit"),
        ("cursor=zz", "cursor"),
        ("cursor=00", "cursor"),
        ("status=lost", "status"),
        ("dueBefore=tomorrow", "dueBefore"),
        ("open=maybe", "open"),
    ] {
        let problem = officer
            .get(&format!("/v1/officer/applications?{query}"))
            .expect_problem(422, "validation_failed", &format!("{query} is refused"));
        assert!(
            problem.errors.iter().any(|error| error.field == parameter),
            "{query}: the problem names {parameter}: {problem:?}"
        );
    }
}

#[test]
fn an_assignment_shows_in_the_citizens_timeline_and_sync() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    let catalog = citizen.catalog();
    let procedure = procedure_of(&catalog, "da-nang-police");
    let application = citizen.submit_valid(&procedure);
    let cursor = citizen
        .get("/v1/sync")
        .expect_json::<SyncResponse>(200, "the citizen syncs")
        .cursor;
    let officer = Desk::officer(&portal, "CB-CADN-01");
    let id = application.id;
    officer.assign(id, "CB-CAHC-01").expect_problem(
        422,
        "validation_failed",
        "an officer of another agency is no assignee",
    );
    let assigned: Application = officer
        .assign(id, "CB-CADN-02")
        .expect_json(200, "the application is assigned");
    assert_eq!(
        assigned.status,
        ApplicationStatus::Received,
        "the status stays"
    );
    let seen = citizen.application(id);
    let last = seen.timeline.last().expect("a timeline");
    let note = last.note.clone().unwrap_or_default();
    assert!(
        note.contains("CB-CADN-02"),
        "the citizen's timeline names the assigned officer: {note:?}"
    );
    let changes: SyncResponse = citizen
        .get(&format!("/v1/sync?cursor={cursor}"))
        .expect_json(200, "the citizen syncs again");
    assert!(
        changes.applications.iter().any(|changed| changed.id == id),
        "the assignment is a change in the citizen's sync feed"
    );
    let detail: OfficerApplication = officer
        .get(&format!("/v1/officer/applications/{id}"))
        .expect_json(200, "the officer reads it");
    assert_eq!(
        detail.assigned_to.map(|officer| officer.code).as_deref(),
        Some("CB-CADN-02")
    );
    let row = officer
        .whole_queue(&format!("q={}", application.code), 50)
        .into_iter()
        .find(|row| row.id == id)
        .expect("the queue finds it by code");
    assert_eq!(row.assigned_to.as_deref(), Some("CB-CADN-02"));
}

#[test]
fn a_supplement_request_or_rejection_needs_a_note() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    let catalog = citizen.catalog();
    let application = citizen.submit_valid(&procedure_of(&catalog, "da-nang-police"));
    let officer = Desk::officer(&portal, "CB-CADN-01");
    for to in [
        ApplicationStatus::SupplementRequested,
        ApplicationStatus::Rejected,
    ] {
        for note in [None, Some("   ".to_owned())] {
            let problem = officer
                .transition(
                    application.id,
                    &TransitionRequest {
                        to: Some(to),
                        delivery: None,
                        note: note.clone(),
                    },
                )
                .expect_problem(422, "validation_failed", "a reason is required");
            assert!(
                problem.errors.iter().any(|error| error.field == "note"),
                "{to:?} with note {note:?}: the problem names note"
            );
        }
    }
    assert_eq!(
        citizen.application(application.id).status,
        ApplicationStatus::Received
    );
}

#[test]
fn a_counter_application_reaches_the_citizen_with_the_counter_fee_and_days() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    let profile = citizen.profile();
    let procedure = procedure_without_uploads(&citizen);
    let officer_code = portal
        .demo_accounts()
        .officers
        .into_iter()
        .find(|officer| {
            officer.agency == procedure.agency_id
                && officer
                    .unit
                    .as_ref()
                    .is_none_or(|unit| unit == &profile.address.unit_code)
        })
        .expect("an officer who handles the procedure for the citizen's unit")
        .code;
    let officer = Desk::officer(&portal, &officer_code);
    let valid = citizen.valid_application(&procedure, counter_delivery());
    let request = CounterApplication {
        applicant: CounterApplicant {
            id_number: profile.id_number.clone(),
            name: profile.full_name.clone(),
            phone: profile.phone.clone(),
        },
        procedure_id: procedure.id.clone(),
        form: valid.form.clone(),
        attachments: valid.attachments.clone(),
        delivery: counter_delivery(),
        fee_case: None,
        unit_code: Some(profile.address.unit_code.clone()),
    };
    let cursor = citizen
        .get("/v1/sync")
        .expect_json::<SyncResponse>(200, "the citizen syncs")
        .cursor;
    let enter = |key: &str| {
        portal
            .api()
            .post("/v1/officer/applications")
            .bearer(&officer.token)
            .idempotency_key(key)
            .json(&request)
            .send()
    };
    let key = opendvc_tests::new_idempotency_key();
    let entered: Application = enter(&key).expect_json(201, "the counter application is entered");
    assert_eq!(entered.channel, Channel::Counter, "its channel is counter");
    assert_eq!(
        entered.processing_days, procedure.processing_days.in_person,
        "the counter processing days apply"
    );
    assert_eq!(
        entered.timeline[0].actor.code.as_deref(),
        Some(officer_code.as_str()),
        "the officer who entered it is its first actor"
    );
    let replayed: Application = enter(&key).expect_json(201, "a replay answers the same");
    assert_eq!(replayed.id, entered.id, "nothing is created twice");
    let changes: SyncResponse = citizen
        .get(&format!("/v1/sync?cursor={cursor}"))
        .expect_json(200, "the citizen syncs again");
    let seen = changes
        .applications
        .iter()
        .find(|application| application.id == entered.id)
        .expect("the citizen sees the counter application in sync");
    assert_eq!(seen.channel, Channel::Counter);
    // A citizen the portal does not know, for a procedure that needs no document on file.
    let paperless = citizen
        .catalog()
        .items
        .into_iter()
        .find(|procedure| {
            procedure
                .required_documents
                .iter()
                .all(|document| !document.required)
                && procedure.delivery.counter
                && [
                    "da-nang-police",
                    "commune-people-committee",
                    "commune-police",
                ]
                .contains(&procedure.agency_id.as_str())
        })
        .expect("a procedure without required documents");
    let paperless_officer = portal
        .demo_accounts()
        .officers
        .into_iter()
        .find(|officer| {
            officer.agency == paperless.agency_id
                && officer.unit.as_ref().is_none_or(|unit| unit == "20242")
        })
        .expect("an officer of that procedure for Hải Châu")
        .code;
    let paperless_officer = Desk::officer(&portal, &paperless_officer);
    let stranger = CounterApplication {
        applicant: CounterApplicant {
            id_number: "001199012345".to_owned(),
            name: "Trần Văn Mới".to_owned(),
            phone: "0905111222".to_owned(),
        },
        procedure_id: paperless.id.clone(),
        form: citizen
            .valid_application(&paperless, counter_delivery())
            .form,
        attachments: Vec::new(),
        delivery: counter_delivery(),
        fee_case: None,
        unit_code: Some("20242".to_owned()),
    };
    let recorded: Application = portal
        .api()
        .post("/v1/officer/applications")
        .bearer(&paperless_officer.token)
        .fresh_idempotency_key()
        .json(&stranger)
        .send()
        .expect_json(201, "a citizen the portal does not know is recorded");
    let rows = paperless_officer.whole_queue("q=Mới", 50);
    assert!(
        rows.iter()
            .any(|row| row.id == recorded.id && row.applicant_name == "Trần Văn Mới"),
        "the recorded citizen's application is in the queue under their name"
    );
    let supervisor_code = portal
        .demo_accounts()
        .supervisors
        .into_iter()
        .find(|supervisor| supervisor.agency.is_none())
        .expect("a city-wide supervisor")
        .code;
    let supervisor = Desk::sign_in(&portal, &supervisor_code, SUPERVISOR_PASSWORD);
    portal
        .api()
        .post("/v1/officer/applications")
        .bearer(&supervisor.token)
        .fresh_idempotency_key()
        .json(&request)
        .send()
        .expect_problem(
            403,
            "forbidden",
            "a supervisor enters no counter application",
        );
    let mut bad_phone = request.clone();
    bad_phone.applicant.phone = "12".to_owned();
    let problem = portal
        .api()
        .post("/v1/officer/applications")
        .bearer(&officer.token)
        .fresh_idempotency_key()
        .json(&bad_phone)
        .send()
        .expect_problem(422, "validation_failed", "a bad phone is refused");
    assert!(
        problem
            .errors
            .iter()
            .any(|error| error.field == "applicant.phone"),
        "the problem names applicant.phone: {problem:?}"
    );
}

#[test]
fn an_officer_downloads_only_the_files_of_applications_in_their_scope() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    let catalog = citizen.catalog();
    let documents = citizen.documents();
    let procedure =
        catalog
            .items
            .iter()
            .filter(|procedure| procedure.delivery.counter)
            .find(|procedure| {
                !opendvc_tests::fixtures::wallet_covers(procedure, &documents)
                    && portal.demo_accounts().officers.iter().any(|officer| {
                        officer.agency == procedure.agency_id && officer.unit.is_none()
                    })
            })
            .cloned()
            .expect("a city-level procedure that needs an upload");
    let application = citizen.submit_valid(&procedure);
    let upload = application
        .attachments
        .iter()
        .find_map(|attachment| match attachment {
            opendvc_api::AttachmentRef::Upload { attachment_id, .. } => Some(attachment_id.clone()),
            opendvc_api::AttachmentRef::Wallet { .. } => None,
        })
        .expect("the application names an upload");
    let accounts = portal.demo_accounts().officers;
    let own = accounts
        .iter()
        .find(|officer| officer.agency == procedure.agency_id && officer.unit.is_none())
        .expect("an officer of the agency");
    let stranger = accounts
        .iter()
        .find(|officer| officer.agency != procedure.agency_id && officer.unit.is_none())
        .expect("an officer of another agency");
    let own = Desk::officer(&portal, &own.code);
    let stranger = Desk::officer(&portal, &stranger.code);
    let path = format!(
        "/v1/officer/applications/{}/attachments/{upload}",
        application.id
    );
    let file = own.get(&path);
    file.expect_status(200, "the agency's officer downloads the file");
    assert_eq!(
        file.content_type(),
        Some("application/pdf"),
        "its content type"
    );
    assert_eq!(
        file.header("x-content-type-options"),
        Some("nosniff"),
        "the browser is told not to sniff"
    );
    assert!(
        file.header("content-disposition")
            .is_some_and(|value| value.starts_with("attachment")),
        "it downloads rather than renders"
    );
    assert!(
        file.text().starts_with("%PDF"),
        "the bytes are the PDF uploaded"
    );
    stranger.get(&path).expect_problem(
        403,
        "forbidden",
        "another agency's officer reads no file of it",
    );
    let other = citizen.submit_valid(&procedure);
    let other_upload = other
        .attachments
        .iter()
        .find_map(|attachment| match attachment {
            opendvc_api::AttachmentRef::Upload { attachment_id, .. } => Some(attachment_id.clone()),
            opendvc_api::AttachmentRef::Wallet { .. } => None,
        })
        .expect("the second application names an upload");
    own.get(&format!(
        "/v1/officer/applications/{}/attachments/{other_upload}",
        application.id
    ))
    .expect_problem(
        404,
        "not_found",
        "a file the application does not name is not served through it",
    );
}

#[test]
fn the_officer_command_line_lists_shows_assigns_and_enters_counter_applications() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    let catalog = citizen.catalog();
    let procedure = procedure_of(&catalog, "da-nang-police");
    let application = citizen.submit_valid(&procedure);
    let listed = portal.officer(&["list", "--procedure", &procedure.id, "--open"]);
    assert!(
        listed
            .lines()
            .any(|line| line.starts_with(&application.code)),
        "officer list --procedure shows the application: {listed}"
    );
    assert!(
        listed
            .lines()
            .all(|line| line.split('\t').nth(3) == Some(procedure.id.as_str())),
        "officer list --procedure shows that procedure only: {listed}"
    );
    let shown: OfficerApplication =
        serde_json::from_str(&portal.officer(&["show", &application.code]))
            .expect("officer show prints the officer's view as JSON");
    assert_eq!(
        shown.applicant.id_number, citizen.id_number,
        "the applicant"
    );
    let refused = portal.officer_output(&["assign", &application.code, "--officer", "CB-CAHC-01"]);
    assert!(
        !refused.status.success(),
        "the command line refuses an assignee of another agency as the endpoint does"
    );
    portal.officer(&["assign", &application.code, "--officer", "CB-CADN-02"]);
    let note = citizen
        .application(application.id)
        .timeline
        .last()
        .and_then(|entry| entry.note.clone())
        .unwrap_or_default();
    assert!(
        note.contains("CB-CADN-02"),
        "an assignment from the command line shows in the citizen's timeline: {note:?}"
    );
    let profile = citizen.profile();
    let paperless = procedure_without_uploads(&citizen);
    let valid = citizen.valid_application(&paperless, counter_delivery());
    let request = CounterApplication {
        applicant: CounterApplicant {
            id_number: profile.id_number.clone(),
            name: profile.full_name.clone(),
            phone: profile.phone.clone(),
        },
        procedure_id: paperless.id.clone(),
        form: valid.form,
        attachments: valid.attachments,
        delivery: counter_delivery(),
        fee_case: None,
        unit_code: Some(profile.address.unit_code.clone()),
    };
    let file = portal.dir().join("counter.json");
    std::fs::write(&file, serde_json::to_vec(&request).expect("serialises")).expect("written");
    let entered: Application = serde_json::from_str(&portal.officer(&[
        "counter",
        "--json",
        file.to_str().expect("a path"),
    ]))
    .expect("officer counter prints the application");
    assert_eq!(entered.channel, Channel::Counter, "entered at the counter");
    assert!(
        citizen
            .applications()
            .iter()
            .any(|seen| seen.id == entered.id),
        "the citizen sees the counter application"
    );
}
