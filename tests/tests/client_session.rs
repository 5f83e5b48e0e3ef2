//! The core's session against the real portal: signing out revokes the refresh token even
//! when the access token has expired, and a refresh whose answer was lost does not end the
//! session.

use opendvc_api::RefreshRequest;
use opendvc_core::session::DataDir;
use opendvc_core::vault::VaultChoice;
use opendvc_core::{CoreCode, OpenDvc, OpenDvcOptions};
use opendvc_tests::fault_proxy::{Fault, FaultPlan, FaultProxy, RequestFilter};
use opendvc_tests::{Portal, PortalOptions};

/// How long the portal's access tokens live in these tests, seconds.
const ACCESS_TTL: u32 = 60;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime")
}

/// Opens a core on a fresh data folder talking to `portal_url` and signs the first demo
/// citizen in with the code the portal texted.
fn signed_in_core(
    runtime: &tokio::runtime::Runtime,
    portal: &mut Portal,
    portal_url: &str,
    data: &tempfile::TempDir,
) -> OpenDvc {
    let citizen = portal.demo_accounts().citizens[0].clone();
    let mut options = OpenDvcOptions::new(DataDir::new(data.path()));
    options.portal_override = Some(portal_url.to_owned());
    // The tokens stay in session.json, where the test reads them, whatever keyring the
    // machine has (crates/core/tests/vault.rs checks the keyring).
    options.token_vault = VaultChoice::File;
    let mut core = OpenDvc::open(options).expect("the core opens");
    runtime
        .block_on(core.request_otp(&citizen.id_number))
        .expect("the portal texts a code");
    let otp = portal.latest_code_sent_to(&citizen.phone);
    runtime
        .block_on(core.sign_in(&citizen.id_number, &otp))
        .expect("the citizen signs in");
    core
}

/// The refresh token the core keeps for the signed-in citizen.
fn stored_refresh_token(data: &tempfile::TempDir) -> String {
    DataDir::new(data.path())
        .session_file()
        .load()
        .expect("the session file reads")
        .and_then(|session| session.refresh_token)
        .expect("a signed-in session keeps a refresh token")
}

#[test]
fn sign_out_revokes_the_refresh_token_even_when_the_access_token_expired() {
    let mut portal = Portal::start(PortalOptions::default().with_access_ttl(ACCESS_TTL));
    let runtime = runtime();
    let data = tempfile::tempdir().expect("a data folder");
    let url = portal.url();
    let mut core = signed_in_core(&runtime, &mut portal, &url, &data);
    let refresh_token = stored_refresh_token(&data);

    portal.advance_clock(i64::from(ACCESS_TTL) * 2);
    let report = runtime
        .block_on(core.sign_out(false))
        .expect("signing out works with an expired access token");
    assert!(
        report.revoked,
        "the portal confirmed the sign-out although the access token had expired"
    );
    let reply = portal
        .api()
        .post("/v1/auth/refresh")
        .json(&RefreshRequest { refresh_token })
        .send();
    reply.expect_problem(
        401,
        "refresh_token_invalid",
        "after sign-out the old refresh token opens no new session",
    );
}

#[test]
fn a_lost_refresh_answer_keeps_the_session() {
    let mut portal = Portal::start(PortalOptions::default().with_access_ttl(ACCESS_TTL));
    let proxy =
        FaultProxy::start(portal.addr(), FaultPlan::pass_through()).expect("the proxy starts");
    let runtime = runtime();
    let data = tempfile::tempdir().expect("a data folder");
    let core = signed_in_core(&runtime, &mut portal, &proxy.url(), &data);
    let first_refresh_token = stored_refresh_token(&data);

    portal.advance_clock(i64::from(ACCESS_TTL) * 2);
    proxy.set_plan(
        FaultPlan::pass_through()
            .scripted([Fault::LostResponse])
            .only_for(RequestFilter::path_prefix("/v1/auth/refresh")),
    );
    let error = runtime
        .block_on(core.sync_now())
        .expect_err("the refresh's answer never arrives");
    assert!(
        matches!(error.code(), CoreCode::Network | CoreCode::Timeout),
        "a lost answer is the network's fault, not a refused session: {error:?}"
    );
    assert!(core.is_signed_in(), "the session outlives a lost answer");
    assert_eq!(
        stored_refresh_token(&data),
        first_refresh_token,
        "the client keeps the refresh token it has until an answer replaces it"
    );

    runtime
        .block_on(core.sync_now())
        .expect("the kept refresh token is tried again and the session goes on");
    assert!(
        core.is_signed_in(),
        "still signed in after the retried refresh"
    );
    assert_ne!(
        stored_refresh_token(&data),
        first_refresh_token,
        "the retried refresh stored the new pair"
    );
}
