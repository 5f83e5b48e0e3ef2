//! Several portal instances on one PostgreSQL database, as behind a load balancer: what a
//! client sees must not depend on which instance answers. These tests need PostgreSQL
//! (`cargo xtask test --only postgres`); on SQLite they say they are skipped and pass.

use std::collections::BTreeSet;
use std::sync::{Arc, Barrier};
use std::time::Duration;

use opendvc_api::{Application, ApplicationStatus, IDEMPOTENT_REPLAY_HEADER};
use opendvc_tests::events::{EventStream, SseEvent};
use opendvc_tests::fixtures::{Citizen, Officer, counter_delivery, deliverable_procedure};
use opendvc_tests::{Api, Portal, PortalOptions, new_idempotency_key, runs_on_postgres};

/// How long to wait for something that should happen soon; a safety net, not a measure.
const PATIENCE: Duration = Duration::from_secs(60);

/// Says why a test of several instances does not run here; true when it should not.
fn skipped_on_sqlite(test: &str) -> bool {
    if runs_on_postgres() {
        return false;
    }
    eprintln!(
        "{test}: skipped: several instances need PostgreSQL (OPENDVC_TEST_DATABASE_URL; \
         cargo xtask test --only postgres)"
    );
    true
}

#[test]
fn a_stream_on_one_instance_sees_a_transition_made_on_another_exactly_once() {
    if skipped_on_sqlite("a_stream_on_one_instance_sees_a_transition_made_on_another_exactly_once")
    {
        return;
    }
    let mut a = Portal::start(PortalOptions::default());
    let mut b = a.start_beside(PortalOptions::default());
    let citizen = Citizen::demo(&mut a, 0);
    let procedure = deliverable_procedure(&citizen.catalog());
    let application = citizen.submit(&citizen.valid_application(&procedure, counter_delivery()));

    let mut stream = EventStream::open(&a, &citizen);
    Officer::sign_in(&mut b).transition(application.id, ApplicationStatus::Processing);
    let seen = stream.read_until_about(application.id);
    assert_eq!(
        seen.last().map(|event| event.name.as_str()),
        Some("application"),
        "the stream on instance A tells of the application moved on instance B: {seen:?}"
    );

    // A later change, made on B too, marks the end: everything about the first application
    // the stream sends before it is counted.
    let on_b = Citizen::with_token(b.api(), &citizen.id_number, &citizen.access_token);
    let marker = on_b.submit(&on_b.valid_application(&procedure, counter_delivery()));
    let until_marker = stream.read_until_about(marker.id);
    let repeats: Vec<&SseEvent> = until_marker
        .iter()
        .filter(|event| {
            event.name == "application"
                && event.data.get("entityId").and_then(|id| id.as_str())
                    == Some(application.id.to_string().as_str())
        })
        .collect();
    assert!(
        repeats.is_empty(),
        "the transition made on B reaches the stream on A exactly once, not again: {repeats:?}"
    );
}

#[test]
fn one_idempotency_key_sent_to_two_instances_at_once_creates_one_application() {
    if skipped_on_sqlite(
        "one_idempotency_key_sent_to_two_instances_at_once_creates_one_application",
    ) {
        return;
    }
    const ROUNDS: usize = 4;
    let mut a = Portal::start(PortalOptions::default());
    let b = a.start_beside(PortalOptions::default());
    let citizen = Citizen::demo(&mut a, 0);
    let procedure = deliverable_procedure(&citizen.catalog());
    let submission = citizen.valid_application(&procedure, counter_delivery());

    for round in 0..ROUNDS {
        let before = citizen.applications().len();
        let key = new_idempotency_key();
        let barrier = Arc::new(Barrier::new(2));
        let threads: Vec<_> = [a.url(), b.url()]
            .into_iter()
            .map(|url| {
                let on =
                    Citizen::with_token(Api::new(&url), &citizen.id_number, &citizen.access_token);
                let submission = submission.clone();
                let key = key.clone();
                let barrier = Arc::clone(&barrier);
                std::thread::spawn(move || {
                    barrier.wait();
                    on.submit_with_key(&submission, &key)
                })
            })
            .collect();
        let replies: Vec<_> = threads
            .into_iter()
            .map(|thread| thread.join().expect("the client thread finishes"))
            .collect();

        let mut created = BTreeSet::new();
        for reply in &replies {
            match reply.status {
                201 => {
                    created.insert(reply.json::<Application>().id);
                }
                409 => {
                    reply.expect_problem(409, "idempotency_in_flight", "a key in flight is 409");
                }
                other => panic!(
                    "round {round}: the same key at once on A and B gets 201 (or its replay) or \
                     409 idempotency_in_flight, got {other}: {}",
                    reply.text()
                ),
            }
        }
        assert_eq!(
            created.len(),
            1,
            "round {round}: one application answers both instances' 201s: {created:?}"
        );
        assert_eq!(
            citizen.applications().len(),
            before + 1,
            "round {round}: exactly one application was created by the key sent to A and B"
        );
        // Settled, the key replays the same application on either instance.
        for portal in [&a, &b] {
            let on = Citizen::with_token(portal.api(), &citizen.id_number, &citizen.access_token);
            let reply = on.submit_with_key(&submission, &key);
            let replayed: Application = reply.expect_json(201, "a settled key replays");
            assert!(
                created.contains(&replayed.id),
                "round {round}: the replay on {} is the one application",
                portal.url()
            );
            assert_eq!(
                reply.header(IDEMPOTENT_REPLAY_HEADER),
                Some("true"),
                "a replayed answer says so"
            );
        }
    }
}

#[test]
fn an_instance_is_ready_only_while_its_database_answers_and_alive_throughout() {
    let portal = Portal::start(PortalOptions::default());
    let api = portal.api();
    api.get("/healthz")
        .send()
        .expect_status(200, "a running portal is alive");
    api.get("/readyz")
        .send()
        .expect_status(200, "a portal on a migrated database is ready");
    let Some(database) = portal.postgres_database().map(str::to_owned) else {
        eprintln!(
            "an_instance_is_ready_only_while_its_database_answers_and_alive_throughout: the \
             database cut-off part needs PostgreSQL; skipped on SQLite"
        );
        return;
    };

    // Cut the portal off its database: no new connections, the open ones ended.
    portal.on_database_server(&format!(
        "ALTER DATABASE {database} WITH ALLOW_CONNECTIONS false"
    ));
    portal.on_database_server(&format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = '{database}' AND pid <> pg_backend_pid()"
    ));
    opendvc_tests::wait::wait_until("/readyz answers 503 without its database", PATIENCE, || {
        api.get("/readyz").send().status == 503
    });
    api.get("/readyz").send().expect_problem(
        503,
        "internal",
        "without its database the portal is not ready",
    );
    api.get("/healthz")
        .send()
        .expect_status(200, "without its database the process is still alive");

    portal.on_database_server(&format!(
        "ALTER DATABASE {database} WITH ALLOW_CONNECTIONS true"
    ));
    opendvc_tests::wait::wait_until(
        "/readyz answers 200 once the database is back",
        PATIENCE,
        || api.get("/readyz").send().status == 200,
    );
}

/// Lines of `log` that hold every one of `needles`.
fn lines_with(log: &str, needles: &[&str]) -> usize {
    log.lines()
        .filter(|line| needles.iter().all(|needle| line.contains(needle)))
        .count()
}

#[test]
fn periodic_work_runs_in_one_instance_and_another_takes_it_over_when_the_holder_is_killed() {
    if skipped_on_sqlite(
        "periodic_work_runs_in_one_instance_and_another_takes_it_over_when_the_holder_is_killed",
    ) {
        return;
    }
    const HOLDS: &[&str] = &["demo-advance", "holds the lease"];
    const MOVED: &[&str] = &["demo advance: moved"];
    let advancing = PortalOptions {
        demo_advance_seconds: Some(1),
        ..PortalOptions::default()
    };
    let mut a = Portal::start(advancing.clone());
    // Work for the advance: fresh applications, each several steps from finished.
    let citizen = Citizen::demo(&mut a, 0);
    let procedure = deliverable_procedure(&citizen.catalog());
    for _ in 0..3 {
        citizen.submit(&citizen.valid_application(&procedure, counter_delivery()));
    }
    opendvc_tests::wait::wait_until("instance A holds the demo advance", PATIENCE, || {
        lines_with(&a.log_text(), HOLDS) == 1
    });

    let mut b = a.start_beside(advancing);
    // B asks for the lease as it starts and every second after; A goes on moving meanwhile.
    let moved_before = lines_with(&a.log_text(), MOVED);
    opendvc_tests::wait::wait_until("A moves two more applications", PATIENCE, || {
        lines_with(&a.log_text(), MOVED) >= moved_before + 2
    });
    let b_log = b.log_text();
    assert_eq!(
        (lines_with(&b_log, HOLDS), lines_with(&b_log, MOVED)),
        (0, 0),
        "while A holds the lease, B does not advance the demo: {b_log}"
    );

    a.kill();
    opendvc_tests::wait::wait_until("B takes the demo advance over", PATIENCE, || {
        lines_with(&b.log_text(), HOLDS) == 1
    });
    let on_b = citizen_on(&b, &citizen);
    on_b.submit(&on_b.valid_application(&procedure, counter_delivery()));
    opendvc_tests::wait::wait_until("B advances the demo", PATIENCE, || {
        lines_with(&b.log_text(), MOVED) >= 1
    });
    b.stop();
}

/// The same signed-in citizen, talking to `portal`.
fn citizen_on(portal: &Portal, citizen: &Citizen) -> Citizen {
    Citizen::with_token(portal.api(), &citizen.id_number, &citizen.access_token)
}

#[test]
fn a_stream_recovers_when_the_database_drops_every_connection_as_in_a_restart() {
    if skipped_on_sqlite(
        "a_stream_recovers_when_the_database_drops_every_connection_as_in_a_restart",
    ) {
        return;
    }
    let mut a = Portal::start(PortalOptions::default());
    let mut b = a.start_beside(PortalOptions::default());
    let database = a.postgres_database().expect("on PostgreSQL").to_owned();
    let citizen = Citizen::demo(&mut a, 0);
    let procedure = deliverable_procedure(&citizen.catalog());
    let application = citizen.submit(&citizen.valid_application(&procedure, counter_delivery()));
    let officer = Officer::sign_in(&mut b);
    let mut stream = EventStream::open(&a, &citizen);

    // The server ends every session of the database (the pools' connections and A's LISTEN
    // connection), as a restart does, and refuses new ones until it is "back".
    a.on_database_server(&format!(
        "ALTER DATABASE {database} WITH ALLOW_CONNECTIONS false"
    ));
    a.on_database_server(&format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = '{database}' AND pid <> pg_backend_pid()"
    ));
    for portal in [&a, &b] {
        opendvc_tests::wait::wait_until("the instance sees its database gone", PATIENCE, || {
            portal.api().get("/readyz").send().status == 503
        });
    }
    a.on_database_server(&format!(
        "ALTER DATABASE {database} WITH ALLOW_CONNECTIONS true"
    ));
    for portal in [&a, &b] {
        opendvc_tests::wait::wait_until("the instance reconnects", PATIENCE, || {
            portal.api().get("/readyz").send().status == 200
        });
    }

    opendvc_tests::wait::wait_until("A's LISTEN connection notices the cut", PATIENCE, || {
        lines_with(&a.log_text(), &["events: ", "LISTEN"]) >= 1
    });

    officer.transition(application.id, ApplicationStatus::Processing);
    let seen = stream.read_until_about(application.id);
    assert_eq!(
        seen.last().map(|event| event.name.as_str()),
        Some("application"),
        "the stream opened on A before the database went away tells of the transition made on \
         B after it came back: {seen:?}"
    );
}

/// The cap on one access token's open event streams (`events.streamsPerToken` in
/// `crates/portal/data/limits.json`).
const STREAMS_PER_TOKEN: usize = 5;

/// Asks `portal` for an event stream with `token`: the status and the (open) response.
fn open_events(portal: &Portal, token: &str) -> (u16, reqwest::blocking::Response) {
    // A client of its own, so dropping the response closes the stream's connection. The
    // timeout is a safety net for a stream that never delivers, not a measure.
    let client = reqwest::blocking::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(90))
        .build()
        .expect("a client");
    let response = client
        .get(format!("{}/v1/events", portal.url()))
        .bearer_auth(token)
        .send()
        .expect("the portal answers a request for an event stream");
    (response.status().as_u16(), response)
}

/// Opens streams of `token` on `portal` until `held` holds `wanted`, waiting out refusals of
/// the cap (places freed elsewhere are seen a moment later); any other answer fails.
fn open_until_held(
    portal: &Portal,
    token: &str,
    held: &mut Vec<reqwest::blocking::Response>,
    wanted: usize,
    what: &str,
) {
    opendvc_tests::wait::wait_until(what, PATIENCE, || {
        let (status, response) = open_events(portal, token);
        match status {
            200 => held.push(response),
            429 => std::thread::sleep(Duration::from_millis(100)),
            other => panic!(
                "{what}: a stream is opened or refused by the cap (429), got {other}: {}",
                response.text().unwrap_or_default()
            ),
        }
        held.len() >= wanted
    });
}

#[test]
fn a_tokens_event_streams_are_capped_across_instances_and_a_killed_instance_frees_its_places() {
    if skipped_on_sqlite(
        "a_tokens_event_streams_are_capped_across_instances_and_a_killed_instance_frees_its_places",
    ) {
        return;
    }
    let mut a = Portal::start(PortalOptions::default());
    let b = a.start_beside(PortalOptions::default());
    let citizen = Citizen::demo(&mut a, 0);
    let token = citizen.access_token.clone();

    let mut on_a = Vec::new();
    for number in 1..=STREAMS_PER_TOKEN {
        let (status, stream) = open_events(&a, &token);
        assert_eq!(status, 200, "stream {number} of the token opens on A");
        on_a.push(stream);
    }
    let (status, refused) = open_events(&b, &token);
    // An accepted stream's body never ends: read only a refusal's.
    let body = match status {
        200 => String::new(),
        _ => refused.text().unwrap_or_default(),
    };
    assert!(
        status == 429 && body.contains("rate_limited"),
        "with the cap's worth of streams open on A, one more on B is refused: {status} {body}"
    );

    // A stream closed on A frees its place for one on B.
    drop(on_a.pop());
    let mut on_b = Vec::new();
    open_until_held(
        &b,
        &token,
        &mut on_b,
        1,
        "a stream closed on A frees its place for one on B",
    );
    let (status, _) = open_events(&b, &token);
    assert_eq!(
        status, 429,
        "A's four and B's one fill the cap again: one more is refused"
    );

    // A killed instance's streams free their places: B then holds the whole cap, not more.
    a.kill();
    drop(on_a);
    open_until_held(
        &b,
        &token,
        &mut on_b,
        STREAMS_PER_TOKEN,
        "the places of the streams of the killed instance A come free for B",
    );
    let (status, _) = open_events(&b, &token);
    assert_eq!(
        status, 429,
        "B holding the cap's worth of streams refuses one more"
    );
}
