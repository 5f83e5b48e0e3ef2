//! Sign-in under attack: one-time codes limited per ID number (across codes) and per client
//! address, staff passwords counted before they are verified and locked out per address and
//! code, and the client address read from `X-Forwarded-For` only behind a trusted proxy.

use opendvc_api::{OtpRequest, StaffTokenRequest, TokenRequest, TokenResponse};
use opendvc_tests::{Api, Portal, PortalOptions, Reply};

/// Wrong guesses allowed per ID number and hour (`otp.failuresPerIdNumberPerHour`).
const FAILURES_PER_ID_NUMBER: usize = 10;
/// Code requests allowed per ID number and hour (`otp.requestsPerIdNumberPerHour`).
const REQUESTS_PER_ID_NUMBER: usize = 10;
/// Code requests allowed per client address and hour (`otp.requestsPerAddressPerHour`).
const REQUESTS_PER_ADDRESS: usize = 60;
/// Failed staff sign-ins per address and code (`staffSignIn.failuresPerCodeAndAddress`).
const STAFF_FAILURES: usize = 10;

const FORWARDED_FOR: &str = "X-Forwarded-For";

fn ask_code(api: &Api, id_number: &str, forwarded_for: Option<&str>) -> Reply {
    let mut call = api.post("/v1/auth/otp").json(&OtpRequest {
        id_number: id_number.to_owned(),
    });
    if let Some(address) = forwarded_for {
        call = call.header(FORWARDED_FOR, address);
    }
    call.send()
}

fn guess(api: &Api, id_number: &str, otp: &str) -> Reply {
    api.post("/v1/auth/token")
        .json(&TokenRequest {
            id_number: id_number.to_owned(),
            otp: otp.to_owned(),
        })
        .send()
}

/// A code that is not `right` (the next one, wrapping).
fn wrong(right: &str, offset: u32) -> String {
    let right: u32 = right.parse().expect("six digits");
    format!("{:06}", (right + 1 + offset) % 1_000_000)
}

fn staff_sign_in(api: &Api, code: &str, password: &str, forwarded_for: Option<&str>) -> Reply {
    let mut call = api.post("/v1/auth/staff-token").json(&StaffTokenRequest {
        code: code.to_owned(),
        password: password.to_owned(),
    });
    if let Some(address) = forwarded_for {
        call = call.header(FORWARDED_FOR, address);
    }
    call.send()
}

#[test]
fn a_new_code_does_not_reset_the_wrong_guess_count() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = portal.demo_accounts().citizens[0].clone();
    let api = portal.api();
    for round in 0..2 {
        ask_code(&api, &citizen.id_number, None).expect_status(202, "a code is sent");
        let right = portal.latest_code_sent_to(&citizen.phone);
        for attempt in 0..FAILURES_PER_ID_NUMBER / 2 {
            guess(&api, &citizen.id_number, &wrong(&right, 0)).expect_problem(
                401,
                "otp_invalid",
                &format!("wrong guess {attempt} on code {round} is refused as wrong"),
            );
        }
    }
    ask_code(&api, &citizen.id_number, None).expect_status(202, "a third code is sent");
    let right = portal.latest_code_sent_to(&citizen.phone);
    let reply = guess(&api, &citizen.id_number, &right);
    reply.expect_problem(
        429,
        "rate_limited",
        "after ten wrong guesses in the hour, even the right value of a fresh code waits: \
         a new code does not reset the count",
    );
    assert!(
        reply.header("retry-after").is_some(),
        "the refusal says when to try again"
    );
}

#[test]
fn two_hundred_parallel_guesses_get_no_more_than_the_limit() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = portal.demo_accounts().citizens[0].clone();
    let api = portal.api();
    ask_code(&api, &citizen.id_number, None).expect_status(202, "a code is sent");
    let right = portal.latest_code_sent_to(&citizen.phone);
    let statuses: Vec<(u16, String)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..200)
            .map(|index| {
                let api = api.clone();
                let id_number = citizen.id_number.clone();
                let attempt = wrong(&right, index);
                scope.spawn(move || {
                    let reply = guess(&api, &id_number, &attempt);
                    let code = reply.problem("a wrong guess is refused").code.to_string();
                    (reply.status, code)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| handle.join().expect("a guessing thread"))
            .collect()
    });
    let checked = statuses
        .iter()
        .filter(|(status, code)| *status == 401 && code == "otp_invalid")
        .count();
    let limited = statuses
        .iter()
        .filter(|(status, code)| *status == 429 && code == "rate_limited")
        .count();
    assert_eq!(
        checked + limited,
        200,
        "every parallel guess is either checked and wrong (401) or refused by the limit (429): \
         {statuses:?}"
    );
    assert!(
        checked <= FAILURES_PER_ID_NUMBER,
        "200 parallel guesses get at most {FAILURES_PER_ID_NUMBER} checked; {checked} were"
    );
    guess(&api, &citizen.id_number, &right).expect_problem(
        429,
        "rate_limited",
        "after the parallel burst the right code waits too",
    );
}

#[test]
fn a_stranger_requesting_codes_does_not_lock_out_the_owner() {
    let mut portal = Portal::start(PortalOptions::default());
    let owner = portal.demo_accounts().citizens[1].clone();
    let api = portal.api();
    // Someone who knows the owner's ID number asks for codes again and again and guesses.
    for request in 0..5 {
        ask_code(&api, &owner.id_number, None).expect_status(
            202,
            &format!("the stranger's request {request} is within the limit"),
        );
    }
    let newest = portal.latest_code_sent_to(&owner.phone);
    for attempt in 0..5 {
        guess(&api, &owner.id_number, &wrong(&newest, attempt)).expect_problem(
            401,
            "otp_invalid",
            "the stranger's guesses are wrong",
        );
    }
    // The owner asks for a code too, and signs in with the newest one sent to their phone.
    ask_code(&api, &owner.id_number, None).expect_status(202, "the owner can still ask for a code");
    let newest = portal.latest_code_sent_to(&owner.phone);
    let tokens: TokenResponse = guess(&api, &owner.id_number, &newest).expect_json(
        200,
        "the owner signs in with the newest code sent to their own phone",
    );
    assert!(!tokens.access_token.is_empty());
}

#[test]
fn registered_and_unregistered_id_numbers_get_the_same_answers() {
    let mut portal = Portal::start(PortalOptions::default());
    let registered = portal.demo_accounts().citizens[0].clone();
    let unregistered = "999000000001";
    assert!(
        portal
            .demo_accounts()
            .citizens
            .iter()
            .all(|citizen| citizen.id_number != unregistered),
        "the unregistered number is no demo citizen's"
    );
    let api = portal.api();
    let same = |what: &str, known: &Reply, unknown: &Reply| {
        assert_eq!(
            (known.status, known.text()),
            (unknown.status, unknown.text()),
            "{what}: a registered and an unregistered ID number get the same status and body"
        );
        assert_eq!(
            known.header("retry-after").is_some(),
            unknown.header("retry-after").is_some(),
            "{what}: both or neither are told to wait"
        );
    };

    let known = ask_code(&api, &registered.id_number, None);
    let unknown = ask_code(&api, unregistered, None);
    known.expect_status(202, "a code is sent to a registered citizen");
    same("asking for a code", &known, &unknown);

    let right = portal.latest_code_sent_to(&registered.phone);
    for attempt in 0..FAILURES_PER_ID_NUMBER as u32 {
        let known = guess(&api, &registered.id_number, &wrong(&right, attempt));
        let unknown = guess(&api, unregistered, &wrong(&right, attempt));
        same(&format!("wrong guess {attempt}"), &known, &unknown);
    }
    let known = guess(&api, &registered.id_number, &right);
    let unknown = guess(&api, unregistered, &right);
    known.expect_problem(429, "rate_limited", "the guess over the limit waits");
    same("the guess over the limit", &known, &unknown);

    for request in 1..REQUESTS_PER_ID_NUMBER {
        let known = ask_code(&api, &registered.id_number, None);
        let unknown = ask_code(&api, unregistered, None);
        same(&format!("code request {request}"), &known, &unknown);
    }
    let known = ask_code(&api, &registered.id_number, None);
    let unknown = ask_code(&api, unregistered, None);
    known.expect_problem(429, "rate_limited", "the request over the limit waits");
    same("the code request over the limit", &known, &unknown);
}

#[test]
fn x_forwarded_for_counts_only_from_a_trusted_proxy() {
    // Without a trusted proxy, a client that names a new address in every request is still
    // one client address.
    let portal = Portal::start(PortalOptions::default());
    let api = portal.api();
    for index in 0..REQUESTS_PER_ADDRESS {
        ask_code(
            &api,
            &format!("999100{index:06}"),
            Some(&format!("198.51.100.{index}")),
        )
        .expect_status(202, "a code request within the address limit");
    }
    ask_code(&api, "999200000000", Some("198.51.100.250")).expect_problem(
        429,
        "rate_limited",
        "a made-up X-Forwarded-For from an untrusted peer does not escape the address limit",
    );

    // Behind a trusted load balancer, the address it forwards is the client's.
    let behind_proxy = Portal::start(PortalOptions::default().with_trusted_proxy("127.0.0.1/32"));
    let api = behind_proxy.api();
    for index in 0..REQUESTS_PER_ADDRESS {
        // A client may send its own X-Forwarded-For; the proxy appends the address it saw.
        let forwarded = format!("10.9.8.{}, 203.0.113.7", index % 250);
        ask_code(&api, &format!("999300{index:06}"), Some(&forwarded))
            .expect_status(202, "a code request within the address limit");
    }
    ask_code(&api, "999400000000", Some("198.51.100.1, 203.0.113.7")).expect_problem(
        429,
        "rate_limited",
        "the address the trusted proxy saw has used up its limit, whatever the client prepended",
    );
    ask_code(&api, "999400000001", Some("203.0.113.8"))
        .expect_status(202, "another client behind the proxy has its own limit");
}

#[test]
fn parallel_wrong_staff_passwords_are_counted_before_they_are_verified() {
    let mut portal = Portal::start(PortalOptions::default());
    let agent = portal.demo_accounts().staff[0].clone();
    let api = portal.api();
    let statuses: Vec<u16> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..50)
            .map(|index| {
                let api = api.clone();
                let code = agent.code.clone();
                scope.spawn(move || {
                    staff_sign_in(&api, &code, &format!("wrong-password-{index}"), None).status
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| handle.join().expect("a sign-in thread"))
            .collect()
    });
    let verified = statuses.iter().filter(|status| **status == 401).count();
    let limited = statuses.iter().filter(|status| **status == 429).count();
    assert_eq!(
        verified + limited,
        50,
        "each parallel attempt is either verified and wrong (401) or refused by the limit \
         before verification (429): {statuses:?}"
    );
    assert!(
        verified <= STAFF_FAILURES,
        "50 parallel wrong passwords get at most {STAFF_FAILURES} verified; {verified} were"
    );
}

#[test]
fn a_stranger_cannot_lock_an_agent_out_from_another_address() {
    let mut portal = Portal::start(PortalOptions::default().with_trusted_proxy("127.0.0.1"));
    let agent = portal.demo_accounts().staff[0].clone();
    let api = portal.api();
    let stranger = Some("198.51.100.23");
    for attempt in 0..STAFF_FAILURES {
        staff_sign_in(&api, &agent.code, &format!("guess-{attempt}"), stranger).expect_problem(
            401,
            "unauthorized",
            "the stranger's wrong password is refused",
        );
    }
    staff_sign_in(&api, &agent.code, "guess-more", stranger).expect_problem(
        429,
        "rate_limited",
        "the stranger's address is locked out for this staff code",
    );
    staff_sign_in(&api, &agent.code, &agent.password, Some("203.0.113.5"))
        .expect_status(200, "the agent signs in from the post office's own address");
    staff_sign_in(&api, &agent.code, &agent.password, stranger).expect_problem(
        429,
        "rate_limited",
        "the agent's sign-in did not erase the stranger's failures",
    );
}

#[test]
fn wrong_guesses_across_the_portal_alert_operators_but_refuse_nobody() {
    // A lower alert threshold than the shipped 200 a minute keeps the test short; 120 guesses
    // within one run put at least 60 into one minute, whichever minute boundary falls inside.
    let portal = Portal::start(
        PortalOptions::default()
            .with_trusted_proxy("127.0.0.1")
            .with_limits(serde_json::json!({"otp": {"alertFailuresPerMinute": 50}})),
    );
    let api = portal.api();
    for index in 0..120 {
        // Twelve ID numbers, ten guesses each; three addresses, forty guesses each: every
        // per-number and per-address limit is left with room.
        let id_number = format!("999500{:06}", index % 12);
        let reply = api
            .post("/v1/auth/token")
            .header(FORWARDED_FOR, &format!("198.51.100.{}", index % 3))
            .json(&TokenRequest {
                id_number,
                otp: "000000".to_owned(),
            })
            .send();
        reply.expect_problem(
            401,
            "otp_invalid",
            "a wrong guess within the per-number and per-address limits is only wrong, \
             however many the portal sees",
        );
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !portal.log_text().contains("ALERT one-time codes") {
        assert!(
            std::time::Instant::now() < deadline,
            "the operators' log has an alert line: {}",
            portal.log_text()
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    ask_code(&api, "999600000000", Some("203.0.113.99"))
        .expect_status(202, "during the alert, codes are still sent");
}
