//! PostgreSQL itself restarted during a drain: two portal instances on a private cluster (the
//! cluster shared by a run cannot be restarted under the other tests), a client's queue
//! draining through a round-robin proxy to both, and a citizen's event stream open on one of
//! them. The database is stopped as a crash would stop it (`pg_ctl stop --mode=immediate`) in
//! the middle of the drain, kept down while the client goes on trying, and started again.
//! The drain must end with every submission on the portal exactly once; both instances must
//! be ready again (their pools reconnected) and listening again (their `LISTEN` connections
//! reconnected), and the stream opened before the restart must tell of a change made after
//! it on the other instance.
//!
//! Runs in step `postgres` of `cargo xtask test`; elsewhere, or without the PostgreSQL
//! binaries, it says it is skipped and passes.

use std::collections::BTreeMap;
use std::process::Child;
use std::time::Duration;

use opendvc_api::{ApplicationStatus, Procedure};
use opendvc_tests::cli::Cli;
use opendvc_tests::events::EventStream;
use opendvc_tests::fault_proxy::{Fault, FaultPlan, FaultProxy};
use opendvc_tests::fixtures::{Citizen, Officer, free_text_field, valid_form, wallet_covers};
use opendvc_tests::postgres_cluster::{StopMode, private_cluster_for};
use opendvc_tests::wait::{eventually, poll};
use opendvc_tests::{Portal, PortalOptions};

/// Submissions queued before the drain.
const SUBMISSIONS: usize = 40;

/// Every request through the proxy is held this long, so the drain is still under way when
/// the database goes down.
const REQUEST_DELAY: Duration = Duration::from_millis(100);

/// Requests the client sends while the database is down, before it is started again.
const REQUESTS_WHILE_DOWN: u64 = 6;

/// A safety net for each wait, not a measure.
const PATIENCE: Duration = Duration::from_secs(180);

/// `opendvc drain` ends with this while it waits out a back-off longer than `--max-wait`.
const EXIT_WAITING: i32 = 6;

/// A procedure the wallet covers (no upload needed) with a free text field for a marker.
fn procedure_with_a_marker_field(citizen: &Citizen) -> (Procedure, String) {
    let documents = citizen.documents();
    citizen
        .catalog()
        .items
        .into_iter()
        .filter(|procedure| wallet_covers(procedure, &documents))
        .find_map(|procedure| {
            let id = free_text_field(&procedure)?.id.clone();
            Some((procedure, id))
        })
        .expect("the demo catalog has a procedure the wallet covers with a free text field")
}

/// The `LISTEN` sessions on `database` (one per instance that listens for changes).
fn listening_sessions(portal: &Portal, database: &str) -> i64 {
    portal.number_on_database_server(&format!(
        "SELECT count(*) FROM pg_stat_activity \
         WHERE datname = '{database}' AND query ILIKE 'LISTEN%'"
    ))
}

/// Waits for the drain to end with 0, starting it again while it only waits out a back-off.
fn drain_to_the_end(cli: &Cli, mut drain: Child) {
    loop {
        let status = eventually("the drain ends", PATIENCE, || {
            drain.try_wait().expect("the drain can be waited for")
        });
        match status.code() {
            Some(0) => return,
            Some(EXIT_WAITING) => drain = cli.spawn(["drain", "--max-wait", "600"]),
            other => panic!(
                "the drain across the database restart ended with {other:?} ({status}); \
                 queue: {}",
                cli.json(["queue"], "the CLI lists its queue")
            ),
        }
    }
}

#[test]
fn a_database_restart_during_a_drain_loses_and_doubles_nothing_and_instances_recover() {
    let test = "a_database_restart_during_a_drain_loses_and_doubles_nothing_and_instances_recover";
    let Some(cluster) = private_cluster_for(test) else {
        return;
    };
    let mut a = Portal::start(PortalOptions::default().on_database_server(&cluster.url()));
    let b = a.start_beside(PortalOptions::default());
    let database = a
        .postgres_database()
        .expect("the portal runs on the private cluster")
        .to_owned();
    let citizen = Citizen::demo(&mut a, 0);
    let officer = Officer::sign_in(&mut a);
    let proxy = FaultProxy::start_many(vec![a.addr(), b.addr()], FaultPlan::pass_through())
        .expect("the proxy starts");
    let scratch = tempfile::tempdir().expect("a scratch folder");
    let cli = Cli::new(&scratch.path().join("data"), &proxy.url())
        .env("OPENDVC_BACKOFF_BASE_MS", "100")
        .env("OPENDVC_BACKOFF_CAP_MS", "1000")
        .env("OPENDVC_REQUEST_TIMEOUT_MS", "4000");
    let signed_in = cli.sign_in(&mut a, &citizen.id_number);
    assert!(
        signed_in["signIn"]["syncError"].is_null(),
        "the CLI's first sync worked: {signed_in}"
    );

    // Queued while offline.
    proxy.set_unreachable(true);
    let (procedure, marker_field) = procedure_with_a_marker_field(&citizen);
    let run = uuid::Uuid::new_v4().simple().to_string();
    let prefix = format!("restart-{}-", run.get(..8).unwrap_or("run"));
    let mut form = valid_form(&procedure, &citizen.profile(), &citizen.documents());
    for index in 0..SUBMISSIONS {
        form.insert(marker_field.clone(), format!("{prefix}{index:03}"));
        let form_file = scratch.path().join(format!("form-{index:03}.json"));
        std::fs::write(&form_file, serde_json::to_vec(&form).expect("a form")).expect("form file");
        let saved = cli.json(
            [
                "submit",
                "--procedure",
                procedure.id.as_str(),
                "--form",
                &form_file.display().to_string(),
            ],
            "a submission is queued while offline",
        );
        assert_eq!(saved["state"], "queued", "{saved}");
    }
    let before = citizen.applications().len();

    // A stream on B, open across the restart; B listens for changes.
    let mut stream = EventStream::open_with_patience(&b, &citizen, PATIENCE * 2);
    let listening = eventually("instance B listens for changes", PATIENCE, || {
        let sessions = listening_sessions(&a, &database);
        (sessions >= 1).then_some(sessions)
    });

    // Online, slowly, and the database crashes once a quarter has arrived.
    proxy.set_plan(FaultPlan::seeded(1).with(Fault::Delay(REQUEST_DELAY), 1));
    proxy.set_unreachable(false);
    let drain = cli.spawn(["drain", "--max-wait", "600"]);
    eventually("a quarter of the submissions arrive", PATIENCE, || {
        (citizen.applications().len() >= before + SUBMISSIONS / 4).then_some(())
    });
    cluster
        .stop(StopMode::Immediate)
        .expect("the database stops as a crash would");
    // Counted as they arrive: while the database is down an instance answers only when its
    // pool gives up waiting for a connection, after the client's own timeout.
    let down_at = proxy.stats().requests;
    for instance in [&a, &b] {
        instance
            .api()
            .get("/readyz")
            .send()
            .expect_status(503, "an instance without its database is not ready");
        // A request that needs the database is told to come back, never answered 500.
        let reply = instance
            .api()
            .get("/v1/me")
            .bearer(&citizen.access_token)
            .send();
        reply.expect_problem(
            503,
            "unavailable",
            "a request while the database is down is answered 503 unavailable",
        );
        assert!(
            reply.header("retry-after").is_some(),
            "the 503 says when to come back"
        );
    }
    eventually(
        "the client keeps trying while the database is down",
        PATIENCE,
        || (proxy.stats().requests >= down_at + REQUESTS_WHILE_DOWN).then_some(()),
    );
    cluster
        .start_again()
        .expect("the database starts again on its port");
    drain_to_the_end(&cli, drain);

    // Both instances ready and listening again.
    for (name, instance) in [("A", &a), ("B", &b)] {
        let ready = poll(PATIENCE, || {
            let reply = instance.api().get("/readyz").try_send().ok()?;
            (reply.status == 200).then_some(())
        });
        assert!(
            ready.is_some(),
            "instance {name} is ready again after the database restart"
        );
    }
    let relistening = poll(PATIENCE, || {
        (listening_sessions(&a, &database) >= listening).then_some(())
    });
    assert!(
        relistening.is_some(),
        "every instance that listened for changes before the restart listens again after it \
         ({listening} before, {} now)",
        listening_sessions(&a, &database)
    );

    // Every submission exactly once, and the local queue all sent.
    let queue = cli.json(["queue"], "the CLI lists its queue");
    let unsent: Vec<&serde_json::Value> = queue["items"]
        .as_array()
        .expect("queue items")
        .iter()
        .filter(|item| item["state"] != "sent")
        .collect();
    assert!(unsent.is_empty(), "every local item is sent: {unsent:?}");
    let applications = citizen.applications();
    let mut by_marker: BTreeMap<String, usize> = BTreeMap::new();
    for application in &applications {
        if let Some(marker) = application
            .form
            .values()
            .find(|value| value.starts_with(&prefix))
        {
            *by_marker.entry(marker.clone()).or_default() += 1;
        }
    }
    let doubled: Vec<(&String, &usize)> =
        by_marker.iter().filter(|(_, count)| **count > 1).collect();
    assert!(doubled.is_empty(), "submissions doubled: {doubled:?}");
    assert_eq!(
        by_marker.len(),
        SUBMISSIONS,
        "every queued submission arrived across the database restart"
    );
    assert_eq!(
        applications.len(),
        before + SUBMISSIONS,
        "the portal holds nothing but the earlier applications and one per submission"
    );

    // A change made on A after the restart reaches the stream opened on B before it.
    let moved = applications
        .iter()
        .find(|application| {
            application.status == ApplicationStatus::Received
                && application
                    .form
                    .values()
                    .any(|value| value.starts_with(&prefix))
        })
        .expect("a submission of the run is still received");
    officer.transition(moved.id, ApplicationStatus::Processing);
    let seen = stream.read_until_about(moved.id);
    assert_eq!(
        seen.last().map(|event| event.name.as_str()),
        Some("application"),
        "the stream opened on B before the restart tells of the transition made on A after \
         it: {seen:?}"
    );
    println!(
        "database restart: {SUBMISSIONS} submissions, {} requests forwarded ({}), {listening} \
         LISTEN session(s) before and after",
        proxy.stats().forwarded,
        proxy.stats()
    );
}
