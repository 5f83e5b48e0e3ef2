//! The drain: one loop that sends a profile's queue with the citizen's client and a staff
//! member's many sealed queues with the staff client, waiting through back-off within a time
//! bound.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use opendvc_api::{DeliveryChoice, DeliveryMethod, NewApplication};
use opendvc_core::assist::{StaffError, StaffSignInOptions};
use opendvc_core::clock::{Clock, MaxJitter, SystemClock};
use opendvc_core::queue::{
    BackoffPolicy, DrainLane, ItemState, LaneReadiness, PassReport, ProfileLane, QueueError,
    SubmissionQueue, drain,
};
use opendvc_core::session::DataDir;
use opendvc_core::vault::VaultChoice;
use opendvc_core::{CoreError, DrainEnd, OpenDvc, OpenDvcOptions};
use support::{Canned, Outcome, ScriptedPortal, TestServer};
use uuid::Uuid;

/// Back-off short enough that a test waits through it in a blink (full ceiling, no chance).
fn quick_backoff() -> BackoffPolicy {
    BackoffPolicy::new(
        Duration::from_millis(10),
        Duration::from_millis(40),
        Arc::new(MaxJitter),
    )
}

fn scratch() -> tempfile::TempDir {
    tempfile::tempdir().expect("a scratch folder")
}

/// A queue on the real clock: the drain sleeps through real back-off.
fn open(dir: &Path) -> SubmissionQueue {
    SubmissionQueue::open(dir, Arc::new(SystemClock), quick_backoff()).expect("the queue opens")
}

/// Queues `count` applications and returns their item ids.
fn enqueue(queue: &SubmissionQueue, count: usize) -> BTreeSet<Uuid> {
    (0..count)
        .map(|n| {
            let application = NewApplication {
                procedure_id: "id-card-renewal".into(),
                form: BTreeMap::from([("marker".to_owned(), n.to_string())]),
                attachments: Vec::new(),
                delivery: DeliveryChoice {
                    method: DeliveryMethod::Counter,
                    address: None,
                },
                fee_case: None,
            };
            queue
                .enqueue_submission(application, &[])
                .expect("enqueues")
                .item_id
        })
        .collect()
}

/// The keys `portal` was sent.
fn keys_seen(portal: &ScriptedPortal) -> BTreeSet<Uuid> {
    portal
        .state
        .lock()
        .expect("state lock")
        .seen_keys
        .iter()
        .copied()
        .collect()
}

/// A queue of a drain as a test drives it: what `ready` answers, a transport that `ready` may
/// swap (as recording an offline session at the portal does), and the reports it was given.
struct TestLane<'q> {
    queue: &'q SubmissionQueue,
    transport: Arc<ScriptedPortal>,
    readiness: LaneReadiness,
    transport_once_ready: Option<Arc<ScriptedPortal>>,
    reports: Vec<PassReport>,
}

impl<'q> TestLane<'q> {
    fn new(queue: &'q SubmissionQueue, transport: &Arc<ScriptedPortal>) -> Self {
        TestLane {
            queue,
            transport: transport.clone(),
            readiness: LaneReadiness::Ready,
            transport_once_ready: None,
            reports: Vec::new(),
        }
    }
}

impl DrainLane for TestLane<'_> {
    type Transport = ScriptedPortal;
    type Error = QueueError;

    fn queue(&self) -> &SubmissionQueue {
        self.queue
    }

    fn transport(&self) -> &ScriptedPortal {
        &self.transport
    }

    async fn ready(&mut self) -> Result<LaneReadiness, QueueError> {
        if let Some(next) = self.transport_once_ready.take() {
            self.transport = next;
        }
        Ok(self.readiness)
    }

    fn after_pass(&mut self, report: &PassReport) {
        self.reports.push(report.clone());
    }
}

#[tokio::test]
async fn a_drain_waits_through_back_off_and_sends_every_item_once() {
    let dir = scratch();
    let queue = open(dir.path());
    let items = enqueue(&queue, 3);
    let portal = ScriptedPortal::new([Outcome::Unavailable, Outcome::RateLimited(0)]);
    let mut reported = 0;
    let mut lanes = [ProfileLane::new(
        &queue,
        portal.as_ref(),
        |report: &PassReport| reported += report.sent.len(),
    )];

    let outcome = drain(&mut lanes, &SystemClock, Duration::from_secs(60))
        .await
        .expect("the drain runs");

    assert_eq!(
        (outcome.end, outcome.sent, outcome.retries),
        (DrainEnd::Empty, 3, 2),
        "two refusals waited out, then all three sent: {outcome:?}"
    );
    assert_eq!(reported, 3, "every pass's report reached the caller");
    assert_eq!(
        keys_seen(&portal),
        items,
        "the portal got exactly the queued items"
    );
    let created: usize = portal
        .state
        .lock()
        .expect("state lock")
        .created_by_marker
        .values()
        .map(Vec::len)
        .sum();
    assert_eq!(created, 3, "each application was created once");
}

#[tokio::test]
async fn each_queue_of_a_drain_goes_through_its_own_transport() {
    let (first_dir, second_dir) = (scratch(), scratch());
    let first = open(first_dir.path());
    let second = open(second_dir.path());
    let (first_items, second_items) = (enqueue(&first, 2), enqueue(&second, 3));
    let (first_portal, second_portal) = (ScriptedPortal::new([]), ScriptedPortal::new([]));
    let mut lanes = [
        TestLane::new(&first, &first_portal),
        TestLane::new(&second, &second_portal),
    ];

    let outcome = drain(&mut lanes, &SystemClock, Duration::from_secs(60))
        .await
        .expect("the drain runs");

    assert_eq!(
        (outcome.end, outcome.sent),
        (DrainEnd::Empty, 5),
        "{outcome:?}"
    );
    assert_eq!(outcome.queue.sent, 5, "the summary counts both queues");
    assert_eq!(
        keys_seen(&first_portal),
        first_items,
        "the first queue's items, and only they, went through the first transport"
    );
    assert_eq!(
        keys_seen(&second_portal),
        second_items,
        "the second queue's items, and only they, went through the second transport"
    );
}

#[tokio::test]
async fn the_transport_is_taken_once_the_queue_is_ready() {
    let dir = scratch();
    let queue = open(dir.path());
    let items = enqueue(&queue, 2);
    let (before, after) = (ScriptedPortal::new([]), ScriptedPortal::new([]));
    let mut lane = TestLane::new(&queue, &before);
    lane.transport_once_ready = Some(after.clone());
    let mut lanes = [lane];

    let outcome = drain(&mut lanes, &SystemClock, Duration::from_secs(60))
        .await
        .expect("the drain runs");

    assert_eq!(outcome.end, DrainEnd::Empty, "{outcome:?}");
    assert!(
        keys_seen(&before).is_empty(),
        "nothing goes out through the transport the queue had before it was ready"
    );
    assert_eq!(
        keys_seen(&after),
        items,
        "the items go through the transport set while getting ready (a session recorded at \
         the portal is named by the portal's id)"
    );
}

#[tokio::test]
async fn a_queue_another_sender_holds_makes_the_drain_busy_while_the_others_send() {
    let (held_dir, free_dir) = (scratch(), scratch());
    let held = open(held_dir.path());
    let free = open(free_dir.path());
    let (held_items, free_items) = (enqueue(&held, 1), enqueue(&free, 1));
    let portal = ScriptedPortal::new([]);
    let other_sender = held
        .try_lock_sender()
        .expect("lock file usable")
        .expect("nobody else sends");
    let mut lanes = [TestLane::new(&held, &portal), TestLane::new(&free, &portal)];

    let outcome = drain(&mut lanes, &SystemClock, Duration::from_millis(300))
        .await
        .expect("the drain runs");

    assert_eq!(
        outcome.end,
        DrainEnd::Busy,
        "a queue with unsent items stayed held by another sender: {outcome:?}"
    );
    assert_eq!(
        keys_seen(&portal),
        free_items,
        "the free queue was sent, the held one left to its sender"
    );

    drop(other_sender);
    let outcome = drain(&mut lanes, &SystemClock, Duration::from_secs(60))
        .await
        .expect("the drain runs");
    assert_eq!(
        outcome.end,
        DrainEnd::Empty,
        "once let go, the queue is sent: {outcome:?}"
    );
    assert!(
        held_items.is_subset(&keys_seen(&portal)),
        "the held queue's item arrived"
    );
}

#[tokio::test]
async fn a_queue_that_is_not_ready_keeps_its_items() {
    let (waiting_dir, held_dir) = (scratch(), scratch());
    let waiting = open(waiting_dir.path());
    let held = open(held_dir.path());
    enqueue(&waiting, 1);
    enqueue(&held, 1);
    let portal = ScriptedPortal::new([]);
    let in_an_hour = SystemClock.now() + chrono::TimeDelta::hours(1);

    let mut lane = TestLane::new(&waiting, &portal);
    lane.readiness = LaneReadiness::NotBefore(in_an_hour);
    let outcome = drain(&mut [lane], &SystemClock, Duration::from_millis(50))
        .await
        .expect("the drain runs");
    assert_eq!(
        outcome.end,
        DrainEnd::TimedOut,
        "a queue that may send only in an hour is still waiting when the bound runs out: \
         {outcome:?}"
    );

    let mut lane = TestLane::new(&held, &portal);
    lane.readiness = LaneReadiness::Held;
    let outcome = drain(&mut [lane], &SystemClock, Duration::from_secs(60))
        .await
        .expect("the drain runs");
    assert_eq!(
        outcome.end,
        DrainEnd::NeedsAttention,
        "a queue held back ends the drain at once, its items unsent: {outcome:?}"
    );

    assert_eq!(portal.requests(), 0, "neither queue sent anything");
    for queue in [&waiting, &held] {
        let items = queue.items(false).expect("items");
        assert!(
            items.iter().all(|item| item.state == ItemState::Queued),
            "the items stay queued: {items:?}"
        );
    }
}

#[tokio::test]
async fn a_session_ending_on_one_queue_stops_the_drain_after_the_round() {
    let (ended_dir, open_dir) = (scratch(), scratch());
    let ended = open(ended_dir.path());
    let open_queue = open(open_dir.path());
    enqueue(&ended, 1);
    let open_items = enqueue(&open_queue, 1);
    let (ended_portal, open_portal) = (
        ScriptedPortal::new([Outcome::Unauthorized]),
        ScriptedPortal::new([]),
    );
    let mut lanes = [
        TestLane::new(&ended, &ended_portal),
        TestLane::new(&open_queue, &open_portal),
    ];

    let outcome = drain(&mut lanes, &SystemClock, Duration::from_secs(60))
        .await
        .expect("the drain runs");

    assert_eq!(
        outcome.end,
        DrainEnd::PausedAuth,
        "the first queue's session ended: {outcome:?}"
    );
    assert_eq!(
        keys_seen(&open_portal),
        open_items,
        "the other queue still had its pass in that round"
    );
    assert!(
        ended.is_paused().expect("reads the pause"),
        "the queue whose session ended waits for a sign-in"
    );
}

#[tokio::test]
async fn both_drains_run_on_a_spawned_task_and_refuse_without_a_sign_in() {
    let dir = scratch();
    let mut options = OpenDvcOptions::new(DataDir::new(dir.path()));
    options.token_vault = VaultChoice::File;
    let core = Arc::new(OpenDvc::open(options).expect("the core opens"));

    let citizen = tokio::spawn({
        let core = core.clone();
        async move { core.drain(Duration::from_secs(1)).await }
    });
    let staff = tokio::spawn({
        let core = core.clone();
        async move { core.drain_staff(Duration::from_secs(1)).await }
    });

    let citizen = citizen.await.expect("the citizen's drain task ends");
    assert!(
        matches!(citizen, Err(CoreError::NotSignedIn)),
        "nobody is signed in: {citizen:?}"
    );
    let staff = staff.await.expect("the staff drain task ends");
    assert!(
        matches!(staff, Err(CoreError::Staff(StaffError::NotSignedIn))),
        "no staff member is signed in: {staff:?}"
    );
}

/// The portal's answer to an agent's sign-in.
const STAFF_TOKEN: &str = r#"{"accessToken":"staff-1","expiresIn":3600,"tokenType":"Bearer",
    "staff":{"code":"AG001","name":"Trần Văn An","kind":"agent","organisation":"Bưu điện Hải Châu"}}"#;

#[tokio::test]
async fn a_staff_drain_without_a_time_bound_ends_instead_of_panicking() {
    let dir = scratch();
    let portal = TestServer::start().await;
    portal.answer("/v1/auth/staff-token", Canned::json(200, STAFF_TOKEN));
    let mut options = OpenDvcOptions::new(DataDir::new(dir.path()));
    options.portal_override = Some(portal.base_url.clone());
    options.token_vault = VaultChoice::File;
    options.shared_device = true;
    let mut core = OpenDvc::open(options).expect("the core opens");
    core.staff_sign_in(
        "AG001",
        "a long staff password",
        StaffSignInOptions::default(),
    )
    .await
    .expect("the agent signs in");

    // `opendvc drain --max-wait 18446744073709551615` asks for this: the time bound is the
    // end of time, and nothing is queued.
    let outcome = core
        .drain_staff(Duration::MAX)
        .await
        .expect("a drain with no work and no time bound ends");
    assert_eq!(
        outcome.end,
        DrainEnd::Empty,
        "nothing was queued, so the drain ends empty: {outcome:?}"
    );
}
