//! The citizen changes their profile (issue 18, "declared once"): `PATCH /v1/me` with only the
//! changed fields, contacts confirmed by a code sent to the new value (`POST
//! /v1/me/contact-codes`) and a new sign-in phone also by a code sent to the old one, addresses
//! checked against the administrative units, identity fields refused with where to change
//! them, every change in the audit (who, when, which fields, never a value), and nobody else's
//! profile touched.
//!
//! Build the binaries first: `cargo build -p opendvc-portal -p opendvc-cli`.

use std::time::{Duration, Instant};

use opendvc_api::{
    Address, ContactChange, ContactCodeRequest, ContactCodesSent, ContactKind, FieldProblemCode,
    OtpRequest, Profile, ProfilePatch,
};
use opendvc_tests::fixtures::Citizen;
use opendvc_tests::{Portal, PortalOptions};

/// The six-digit code in the newest message to `to` whose body contains `marker`, waited for
/// a few seconds (the outbox's worker may send it just after the answer).
fn code_sent_to(portal: &Portal, to: &str, marker: &str) -> String {
    let start = Instant::now();
    loop {
        let messages = portal.dev_messages();
        let code = messages
            .iter()
            .rev()
            .filter(|message| message.to == to && message.body.contains(marker))
            .find_map(|message| {
                message
                    .body
                    .split(|c: char| !c.is_ascii_digit())
                    .find(|run| run.len() == 6)
                    .map(str::to_owned)
            });
        match code {
            Some(code) => return code,
            None if start.elapsed() < Duration::from_secs(10) => {
                std::thread::sleep(Duration::from_millis(50));
            }
            None => panic!("no code containing {marker:?} to {to}: {messages:?}"),
        }
    }
}

fn ask_code(citizen: &Citizen, kind: ContactKind, value: &str) -> ContactCodesSent {
    citizen
        .call("POST", "/v1/me/contact-codes")
        .json(&ContactCodeRequest {
            kind,
            value: value.to_owned(),
        })
        .send()
        .expect_json(202, "the citizen asks for a code confirming a new contact")
}

fn patch(citizen: &Citizen, body: &impl serde::Serialize) -> opendvc_tests::Reply {
    citizen.call("PATCH", "/v1/me").json(body).send()
}

/// The fields of the 422 `validation_failed` answer, each with its code.
fn refused_fields(reply: &opendvc_tests::Reply, why: &str) -> Vec<(String, FieldProblemCode)> {
    let problem = reply.expect_problem(422, "validation_failed", why);
    problem
        .errors
        .into_iter()
        .map(|error| (error.field, error.code))
        .collect()
}

/// The audit rows of `citizen_id`: (actor, fields as JSON text), oldest first.
fn audit_rows(portal: &Portal) -> Vec<(String, String, String)> {
    // The fields as compact JSON text on either store (PostgreSQL keeps them as jsonb).
    let compact = |fields: String| {
        serde_json::from_str::<serde_json::Value>(&fields)
            .map(|value| value.to_string())
            .unwrap_or(fields)
    };
    if let Some(url) = portal.postgres_url() {
        use sqlx::Connection;
        let runtime = tokio::runtime::Runtime::new().expect("a runtime for the audit read");
        let rows: Vec<(String, String, String)> = runtime.block_on(async {
            let mut connection = sqlx::PgConnection::connect(url)
                .await
                .expect("the portal's database answers");
            sqlx::query_as(
                "SELECT citizen_id::text, actor, fields::text FROM profile_changes ORDER BY at, id",
            )
            .fetch_all(&mut connection)
            .await
            .expect("the audit table exists")
        });
        return rows
            .into_iter()
            .map(|(citizen, actor, fields)| (citizen, actor, compact(fields)))
            .collect();
    }
    let db = rusqlite::Connection::open(portal.db_path()).expect("the portal's database opens");
    let mut statement = db
        .prepare("SELECT citizen_id, actor, fields_json FROM profile_changes ORDER BY at, id")
        .expect("the audit table exists");
    statement
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
        .expect("the audit reads")
        .collect::<Result<_, _>>()
        .expect("rows")
}

#[test]
fn an_address_change_with_its_unit_is_kept_recorded_and_touches_nobody_else() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    let other = Citizen::demo(&mut portal, 1);
    let other_before = other.profile();
    let before = citizen.profile();

    let current = Address {
        province_code: "48".into(),
        unit_code: "20209".into(),
        street: "  25 Lê Duẩn ".into(),
    };
    let changed: Profile = patch(
        &citizen,
        &ProfilePatch {
            current_address: Some(current.clone()),
            language: Some("en".into()),
            ..ProfilePatch::default()
        },
    )
    .expect_json(200, "a current address with its unit is accepted");
    assert_eq!(
        changed
            .current_address
            .as_ref()
            .map(|a| (&a.unit_code[..], &a.street[..])),
        Some(("20209", "25 Lê Duẩn")),
        "the current address is kept with its commune-level unit, the street trimmed"
    );
    assert_eq!(changed.language, "en");
    assert_eq!(
        changed.address, before.address,
        "the permanent address is untouched"
    );
    assert_eq!(changed.phone, before.phone, "fields not sent are untouched");
    assert_eq!(
        citizen.profile(),
        changed,
        "GET /v1/me answers the changed profile"
    );
    assert_eq!(
        other.profile(),
        other_before,
        "another resident's profile is untouched"
    );

    let rows = audit_rows(&portal);
    assert_eq!(rows.len(), 1, "one change, one audit row: {rows:?}");
    let (_, actor, fields) = &rows[0];
    assert_eq!(actor, "citizen");
    assert_eq!(
        fields, r#"["currentAddress","language"]"#,
        "which fields changed"
    );
    assert!(
        !fields.contains("Lê Duẩn"),
        "the audit names the fields, never their values"
    );

    let unknown_unit = patch(
        &citizen,
        &ProfilePatch {
            address: Some(Address {
                province_code: "48".into(),
                unit_code: "99999".into(),
                street: String::new(),
            }),
            ..ProfilePatch::default()
        },
    );
    assert_eq!(
        refused_fields(
            &unknown_unit,
            "an unknown unit and an empty street are refused"
        ),
        vec![
            ("address.unitCode".to_owned(), FieldProblemCode::UnitInvalid),
            ("address.street".to_owned(), FieldProblemCode::Required),
        ]
    );
    assert_eq!(
        audit_rows(&portal).len(),
        1,
        "a refused change is not recorded"
    );
}

#[test]
fn identity_fields_are_read_only_and_the_answer_says_where_to_change_them() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    let before = citizen.profile();
    let reply = patch(
        &citizen,
        &serde_json::json!({"fullName": "Someone Else", "birthDate": "2000-01-01", "language": "en"}),
    );
    assert_eq!(
        refused_fields(&reply, "identity fields cannot be changed here"),
        vec![
            ("fullName".to_owned(), FieldProblemCode::ReadOnly),
            ("birthDate".to_owned(), FieldProblemCode::ReadOnly),
        ]
    );
    assert!(
        reply.text().contains("VNeID"),
        "the answer says where to change them: {}",
        reply.text()
    );
    assert_eq!(
        citizen.profile(),
        before,
        "nothing changed, not even the language"
    );
    let unknown = patch(&citizen, &serde_json::json!({"nickname": "Mai"}));
    let problem = unknown.expect_problem(400, "malformed_request", "an unknown field");
    let detail = problem.detail.unwrap_or_default();
    assert!(
        detail.contains("nickname"),
        "the answer names the field: {detail}"
    );
}

#[test]
fn a_new_email_needs_the_code_sent_to_it_and_a_wrong_or_expired_code_changes_nothing() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    let before = citizen.profile();
    let email = "mai.moi@example.vn";
    let with_code = |code: &str| ProfilePatch {
        email: Some(ContactChange {
            value: email.into(),
            code: code.into(),
            old_phone_code: None,
        }),
        ..ProfilePatch::default()
    };

    let sent = ask_code(&citizen, ContactKind::Email, email);
    assert!(
        !sent.old_phone_code_sent,
        "an e-mail change texts no old phone"
    );
    let code = code_sent_to(&portal, email, "");
    let wrong = if code == "000000" { "111111" } else { "000000" };
    assert_eq!(
        refused_fields(&patch(&citizen, &with_code(wrong)), "a wrong code"),
        vec![("email.code".to_owned(), FieldProblemCode::CodeInvalid)]
    );
    assert_eq!(citizen.profile(), before, "a wrong code changes nothing");

    ask_code(&citizen, ContactKind::Email, email);
    let code = code_sent_to(&portal, email, "");
    portal.advance_clock(301);
    assert_eq!(
        refused_fields(&patch(&citizen, &with_code(&code)), "an expired code"),
        vec![("email.code".to_owned(), FieldProblemCode::CodeInvalid)]
    );
    assert_eq!(citizen.profile(), before, "an expired code changes nothing");

    ask_code(&citizen, ContactKind::Email, email);
    let code = code_sent_to(&portal, email, "");
    let changed: Profile = patch(&citizen, &with_code(&code))
        .expect_json(200, "the newest code sent to the new address confirms it");
    assert_eq!(changed.email.as_deref(), Some(email));
    let same: Profile = patch(&citizen, &with_code("123456"))
        .expect_json(200, "the address it already has needs no code");
    assert_eq!(same, changed, "and changes nothing");
    assert_eq!(audit_rows(&portal).len(), 1, "one change, one audit row");
}

#[test]
fn a_new_sign_in_phone_needs_a_code_to_the_new_phone_and_one_to_the_old() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    let before = citizen.profile();
    let new_phone = "+84912345678";

    let sent = ask_code(&citizen, ContactKind::Phone, "0912 345 678");
    assert!(sent.old_phone_code_sent, "the old phone gets a code too");
    let new_code = code_sent_to(&portal, new_phone, "");
    let old_code = code_sent_to(&portal, &before.phone, "678");
    let change = |old_phone_code: Option<&str>| ProfilePatch {
        phone: Some(ContactChange {
            value: "0912345678".into(),
            code: new_code.clone(),
            old_phone_code: old_phone_code.map(str::to_owned),
        }),
        ..ProfilePatch::default()
    };
    assert_eq!(
        refused_fields(
            &patch(&citizen, &change(None)),
            "the old phone's code is needed"
        ),
        vec![("phone.oldPhoneCode".to_owned(), FieldProblemCode::Required)]
    );
    let changed: Profile = patch(&citizen, &change(Some(&old_code)))
        .expect_json(200, "both codes confirm the new phone");
    assert_eq!(changed.phone, new_phone, "kept as +84…");
    let rows = audit_rows(&portal);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].2, r#"["phone"]"#);
    assert!(!rows[0].2.contains("912345678"), "no value in the audit");

    portal
        .api()
        .post("/v1/auth/otp")
        .json(&OtpRequest {
            id_number: citizen.id_number.clone(),
        })
        .send()
        .expect_status(202, "the citizen asks to sign in again");
    let start = Instant::now();
    while portal.codes_sent_to(new_phone) == 0 && start.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(
        portal.codes_sent_to(new_phone),
        1,
        "the next sign-in code goes to the new phone"
    );
}

#[test]
fn only_the_citizen_changes_their_profile() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    let reply = patch(&citizen, &serde_json::json!({}));
    let unchanged: Profile = reply.expect_json(200, "an empty change changes nothing");
    assert_eq!(unchanged, citizen.profile());
    assert!(
        audit_rows(&portal).is_empty(),
        "an empty change is not recorded"
    );
    portal
        .api()
        .request("PATCH", "/v1/me")
        .json(&ProfilePatch::default())
        .send()
        .expect_problem(401, "unauthorized", "no token, no change");
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime")
}

/// The app's core changes the e-mail with the code the portal sent, caches the profile the
/// portal stored, and offline refuses as the network's fault with nothing changed.
#[test]
fn the_app_changes_the_email_with_its_code_and_offline_nothing_changes() {
    use opendvc_core::session::DataDir;
    use opendvc_core::vault::VaultChoice;
    use opendvc_core::{CoreCode, OpenDvc, OpenDvcOptions};
    use opendvc_tests::fault_proxy::{FaultPlan, FaultProxy};

    let mut portal = Portal::start(PortalOptions::default());
    let proxy =
        FaultProxy::start(portal.addr(), FaultPlan::pass_through()).expect("the proxy starts");
    let runtime = runtime();
    let data = tempfile::tempdir().expect("a data folder");
    let citizen = portal.demo_accounts().citizens[0].clone();
    let mut options = OpenDvcOptions::new(DataDir::new(data.path()));
    options.portal_override = Some(proxy.url());
    options.token_vault = VaultChoice::File;
    let mut core = OpenDvc::open(options).expect("the core opens");
    runtime
        .block_on(core.request_otp(&citizen.id_number))
        .expect("the portal texts a code");
    let otp = portal.latest_code_sent_to(&citizen.phone);
    runtime
        .block_on(core.sign_in(&citizen.id_number, &otp))
        .expect("the citizen signs in");

    let email = "lan.moi@example.vn";
    let sent = runtime
        .block_on(core.request_contact_code(ContactKind::Email, email))
        .expect("a code is sent to the new address");
    assert!(!sent.old_phone_code_sent);
    let code = code_sent_to(&portal, email, "");
    let patch = ProfilePatch {
        email: Some(ContactChange {
            value: email.into(),
            code,
            old_phone_code: None,
        }),
        ..ProfilePatch::default()
    };
    let stored = runtime
        .block_on(core.update_profile(&patch))
        .expect("the change is stored");
    assert_eq!(stored.email.as_deref(), Some(email));
    assert_eq!(
        core.session_state()
            .profile
            .and_then(|profile| profile.email)
            .as_deref(),
        Some(email),
        "the app shows the stored profile at once"
    );

    proxy.set_unreachable(true);
    let language = ProfilePatch {
        language: Some("id".into()),
        ..ProfilePatch::default()
    };
    let error = runtime
        .block_on(core.update_profile(&language))
        .expect_err("offline the profile cannot be changed");
    assert_eq!(error.code(), CoreCode::Network, "{error:?}");
    proxy.set_unreachable(false);
    assert_ne!(
        Citizen::demo(&mut portal, 0).profile().language,
        "id",
        "nothing reached the portal"
    );
}
