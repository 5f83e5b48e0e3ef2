//! Pull sync over HTTP: the cursor returns only what changed after it.

use opendvc_api::{ApplicationStatus, SyncResponse};
use opendvc_tests::fixtures::{Citizen, Officer, counter_delivery, deliverable_procedure};
use opendvc_tests::{Portal, PortalOptions};

fn sync(citizen: &Citizen, cursor: Option<&str>) -> SyncResponse {
    let mut path = "/v1/sync".to_owned();
    if let Some(cursor) = cursor {
        path = format!("/v1/sync?cursor={}", percent_encode(cursor));
    }
    // Follow `hasMore` so each call below sees everything up to now.
    let mut response: SyncResponse = citizen.get(&path).expect_json(200, "sync answers");
    while response.has_more {
        let next: SyncResponse = citizen
            .get(&format!(
                "/v1/sync?cursor={}",
                percent_encode(&response.cursor)
            ))
            .expect_json(200, "sync continues while hasMore");
        response.applications.extend(next.applications);
        response.documents.extend(next.documents);
        response.inbox.extend(next.inbox);
        response.profile = next.profile.or(response.profile);
        response.cursor = next.cursor;
        response.has_more = next.has_more;
    }
    response
}

/// Percent-encodes everything but unreserved characters, so any opaque cursor survives.
fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (byte as char).to_string()
            }
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

fn is_empty(response: &SyncResponse) -> bool {
    response.profile.is_none()
        && response.applications.is_empty()
        && response.documents.is_empty()
        && response.inbox.is_empty()
}

#[test]
fn sync_with_the_returned_cursor_returns_only_newer_changes() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    let everything = sync(&citizen, None);
    assert!(
        everything.profile.is_some(),
        "a first sync carries the profile"
    );
    assert_eq!(
        everything.applications.len(),
        citizen.applications().len(),
        "a first sync carries every application"
    );

    let procedure = deliverable_procedure(&citizen.catalog());
    let application = citizen.submit(&citizen.valid_application(&procedure, counter_delivery()));
    let after_create = sync(&citizen, Some(&everything.cursor));
    let ids: Vec<_> = after_create.applications.iter().map(|a| a.id).collect();
    assert_eq!(ids, vec![application.id], "only the new application is new");
    assert!(after_create.documents.is_empty(), "no document changed");
    assert!(after_create.profile.is_none(), "the profile did not change");

    let officer = Officer::sign_in(&mut portal);
    officer.transition(application.id, ApplicationStatus::Processing);
    let after_transition = sync(&citizen, Some(&after_create.cursor));
    let changed: Vec<_> = after_transition
        .applications
        .iter()
        .map(|a| (a.id, a.status))
        .collect();
    assert_eq!(
        changed,
        vec![(application.id, ApplicationStatus::Processing)],
        "only the moved application comes back, in its new state"
    );
    let synced = &after_transition.applications[0];
    assert_eq!(
        synced.timeline.last().map(|entry| entry.status),
        Some(ApplicationStatus::Processing),
        "with its new timeline entry"
    );

    let quiet = sync(&citizen, Some(&after_transition.cursor));
    assert!(is_empty(&quiet), "nothing changed since: {quiet:?}");
    let again = sync(&citizen, Some(&quiet.cursor));
    assert!(
        is_empty(&again),
        "an empty sync gives a cursor that stays quiet"
    );
}

#[test]
fn a_sync_with_nothing_new_is_small() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    let everything = sync(&citizen, None);
    let reply = citizen.get(&format!(
        "/v1/sync?cursor={}",
        percent_encode(&everything.cursor)
    ));
    reply.expect_status(200, "sync answers");
    assert!(
        reply.body.len() < 1024,
        "a sync with nothing new is under 1 KB: {} bytes",
        reply.body.len()
    );
}

#[test]
fn a_status_change_reaches_the_inbox_by_sync() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    let procedure = deliverable_procedure(&citizen.catalog());
    let application = citizen.submit(&citizen.valid_application(&procedure, counter_delivery()));
    let before = sync(&citizen, None);
    let officer = Officer::sign_in(&mut portal);
    officer.transition(application.id, ApplicationStatus::Processing);
    let after = sync(&citizen, Some(&before.cursor));
    assert!(
        after
            .inbox
            .iter()
            .any(|item| item.application_id == Some(application.id)),
        "the citizen's inbox tells of the status change: {:?}",
        after.inbox
    );
}

#[test]
fn a_cursor_that_the_portal_never_gave_is_a_400_problem() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    for cursor in ["garbage", "-1", "%00", "9999999999999999999999999"] {
        let reply = citizen.get(&format!("/v1/sync?cursor={cursor}"));
        let problem = reply.problem("an invented cursor is a client error");
        assert!(
            reply.status == 400 || reply.status == 422,
            "cursor {cursor:?} gets 400 or 422, got {} {}",
            reply.status,
            problem.code
        );
    }
}
