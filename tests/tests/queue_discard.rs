//! `opendvc queue discard` against the real portal through a fault proxy: an item whose answer
//! was lost is sent once more before it may be discarded, so that no application the portal
//! made is forgotten on the device.

use opendvc_tests::cli::Cli;
use opendvc_tests::fault_proxy::{Fault, FaultPlan, FaultProxy, RequestFilter};
use opendvc_tests::fixtures::{Citizen, procedure_without_uploads, valid_form};
use opendvc_tests::{Portal, PortalOptions};

/// What the test set up: the CLI, the citizen, the queued item, and the portal's
/// applications from before the submission.
struct Lost {
    cli: Cli,
    citizen: Citizen,
    item: String,
    before: usize,
}

/// Submits through the proxy while the portal's answer to `POST /v1/applications` is lost:
/// the portal makes the application, the CLI keeps the item queued.
fn submit_with_the_answer_lost(
    portal: &mut Portal,
    proxy: &FaultProxy,
    data: &tempfile::TempDir,
) -> Lost {
    let person = portal.demo_accounts().citizens[0].clone();
    let cli = Cli::new(&data.path().join("data"), &proxy.url())
        .env("OPENDVC_REQUEST_TIMEOUT_MS", "10000");
    cli.sign_in(portal, &person.id_number);
    let citizen = Citizen::sign_in(portal, &person.id_number);
    let procedure = procedure_without_uploads(&citizen);
    let form = valid_form(&procedure, &citizen.profile(), &citizen.documents());
    let before = citizen.applications().len();
    let form_file = data.path().join("form.json");
    std::fs::write(&form_file, serde_json::to_vec(&form).expect("a form")).expect("form file");
    proxy.set_plan(
        FaultPlan::pass_through()
            .scripted([Fault::LostResponse])
            .only_for(RequestFilter::path_prefix("/v1/applications").method("POST")),
    );
    let submitted = cli.json(
        [
            "submit",
            "--procedure",
            procedure.id.as_str(),
            "--form",
            &form_file.display().to_string(),
        ],
        "the submission is saved although its answer is lost",
    );
    assert_eq!(submitted["sent"], false, "the CLI never heard the answer");
    assert_eq!(
        citizen.applications().len(),
        before + 1,
        "the portal made the application all the same"
    );
    let item = submitted["itemId"]
        .as_str()
        .expect("the queued item's id")
        .to_owned();
    Lost {
        cli,
        citizen,
        item,
        before,
    }
}

#[test]
fn discarding_an_item_whose_answer_was_lost_resends_it_once_first() {
    let mut portal = Portal::start(PortalOptions::default());
    let proxy =
        FaultProxy::start(portal.addr(), FaultPlan::pass_through()).expect("the proxy starts");
    let data = tempfile::tempdir().expect("a scratch folder");
    let Lost {
        cli,
        citizen,
        item,
        before,
    } = submit_with_the_answer_lost(&mut portal, &proxy, &data);

    let answer = cli.json(
        ["queue", "discard", item.as_str(), "--yes"],
        "the discard ends without an error",
    );
    let made = citizen.applications();
    assert_eq!(made.len(), before + 1, "the resend made nothing twice");
    assert_eq!(
        answer["sent"].as_str(),
        Some(item.as_str()),
        "the item is reported sent, not discarded: {answer}"
    );
    let code = answer["applicationCode"].as_str().unwrap_or_default();
    assert!(
        made.iter().any(|application| application.code == code),
        "the person learns which application exists: {answer}"
    );
    let shown = cli.json(["queue", "show", item.as_str()], "the item shows");
    assert_eq!(shown["item"]["state"], "sent", "{shown}");
}

#[test]
fn discarding_an_item_whose_answer_was_lost_is_refused_offline_with_what_to_do() {
    let mut portal = Portal::start(PortalOptions::default());
    let proxy =
        FaultProxy::start(portal.addr(), FaultPlan::pass_through()).expect("the proxy starts");
    let data = tempfile::tempdir().expect("a scratch folder");
    let Lost {
        cli,
        citizen,
        item,
        before,
    } = submit_with_the_answer_lost(&mut portal, &proxy, &data);

    proxy.set_unreachable(true);
    let refused = cli.run(["--json", "queue", "discard", item.as_str(), "--yes"]);
    assert_eq!(
        refused.code,
        Some(5),
        "offline, the discard is refused like any command that needs the portal: {refused:?}"
    );
    assert_eq!(
        refused.json()["error"]["code"],
        "discard_needs_send",
        "with a code that says the item must be sent once first"
    );
    let said = cli.run(["queue", "discard", item.as_str(), "--yes"]);
    assert!(
        said.stderr
            .contains("sent once more before it can be discarded"),
        "the message says what to do: {}",
        said.stderr
    );
    let shown = cli.json(["queue", "show", item.as_str()], "the item shows");
    assert_eq!(shown["item"]["state"], "queued", "nothing is lost: {shown}");

    proxy.set_unreachable(false);
    let answer = cli.json(
        ["queue", "discard", item.as_str(), "--yes"],
        "online again, the discard goes through",
    );
    assert_eq!(answer["sent"].as_str(), Some(item.as_str()), "{answer}");
    assert_eq!(
        citizen.applications().len(),
        before + 1,
        "one application in all"
    );
}
