//! The core counts the working days left to each open application's due date from the
//! portal's holiday calendars, cached with the reference data, so the count is there offline.

use std::sync::Arc;

use chrono::{NaiveDate, Utc};
use opendvc_core::clock::SystemClock;
use opendvc_core::session::DataDir;
use opendvc_core::{OpenDvc, OpenDvcOptions};
use opendvc_tests::{Portal, PortalOptions};

#[test]
fn working_days_left_are_counted_offline_from_the_cached_holiday_calendar() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let mut portal = Portal::start(PortalOptions::default());
    let person = portal.demo_accounts().citizens[0].clone();
    let data = tempfile::tempdir().expect("a data folder");
    let mut options = OpenDvcOptions::new(DataDir::new(data.path()));
    options.clock = Arc::new(SystemClock);
    options.portal_override = Some(portal.url());
    let mut core = OpenDvc::open(options).expect("the core opens");
    runtime
        .block_on(core.request_otp(&person.id_number))
        .expect("a code is sent");
    let code = portal.latest_code_sent_to(&person.phone);
    runtime
        .block_on(core.sign_in(&person.id_number, &code))
        .expect("the core signs in");
    runtime.block_on(core.sync_now()).expect("the first sync");

    // Offline from here on: everything comes from the cache.
    portal.stop();
    let entries = core
        .applications()
        .expect("the applications from the cache");
    let today = Utc::now().date_naive();
    let mut counted = 0;
    for entry in &entries {
        let (opendvc_core::views::applications::EntryStatus::Portal(status), Some(due_at)) =
            (entry.status, entry.due_at)
        else {
            continue;
        };
        if status.is_finished() {
            assert_eq!(entry.working_days_left, None, "{entry:?}");
            continue;
        }
        let left = entry
            .working_days_left
            .unwrap_or_else(|| panic!("an open application has a count: {entry:?}"));
        let due: NaiveDate = due_at.date_naive();
        let calendar_days = (due - today).num_days().max(0);
        assert!(
            i64::from(left) <= calendar_days,
            "{left} working days cannot exceed {calendar_days} calendar days: {entry:?}"
        );
        if due_at.with_timezone(&Utc) < Utc::now() {
            assert_eq!(
                left, 0,
                "an overdue application has no days left: {entry:?}"
            );
        }
        counted += 1;
    }
    assert!(
        counted > 0,
        "the demo citizen has open applications: {entries:#?}"
    );
}
