//! `cargo xtask run`: the demo. Until the app exists, that is the reference portal with demo
//! data, whose applications move one step every 30 seconds, plus how to use it.

use anyhow::{Context, Result};
use opendvc_api::{DemoAccounts, StaffKind};

use crate::command::CommandLine;
use crate::portal::{Portal, PortalOptions, PortalOutput};

const LISTEN: &str = "127.0.0.1:8080";
const DEMO_ADVANCE_SECONDS: u32 = 30;

pub fn run() -> Result<()> {
    CommandLine::cargo()
        .args(["build", "--package", "opendvc-portal"])
        .run()?;
    let binary = crate::workspace::binary("debug", "opendvc-portal");
    let demo_dir = crate::workspace::target_dir().join("demo");
    std::fs::create_dir_all(&demo_dir)?;
    let accounts = crate::signin::demo_accounts(&binary)?;

    let portal = Portal::start(&PortalOptions {
        binary,
        db: demo_dir.join("portal.db"),
        listen: LISTEN.to_owned(),
        demo: true,
        demo_advance_seconds: Some(DEMO_ADVANCE_SECONDS),
        output: PortalOutput::Terminal,
    })
    .with_context(|| format!("is another program using {LISTEN}?"))?;

    // Ctrl-C in a terminal reaches the portal too (same process group); the handler also
    // covers a signal sent to xtask alone. Either way xtask waits for the portal to finish.
    let portal_pid = portal.process_id();
    ctrlc::set_handler(move || Portal::request_shutdown(portal_pid))
        .context("could not install the Ctrl-C handler")?;

    println!("{}", instructions(&portal.url, &accounts));
    let status = portal.wait()?;
    println!("the demo portal stopped ({status})");
    Ok(())
}

/// What a person needs to use the demo.
fn instructions(url: &str, accounts: &DemoAccounts) -> String {
    let mut text = format!(
        "\nOpenDVC demo portal on {url} (OpenAPI document: {url}/openapi.json).\n\
         Demo applications move one step every {DEMO_ADVANCE_SECONDS} s.\n\
         The app window comes with a later issue; for now use the portal with the `opendvc` CLI.\n\n\
         Demo citizens (sign in by ID number; the one-time code shows up in {url}/v1/dev/messages):\n"
    );
    for citizen in &accounts.citizens {
        text.push_str(&format!(
            "  {}  {}  {}\n",
            citizen.id_number, citizen.phone, citizen.name
        ));
    }
    text.push_str("Staff (code / password):\n");
    for staff in &accounts.staff {
        let kind = match staff.kind {
            StaffKind::Agent => "DVC agent at a post office",
            StaffKind::Volunteer => "community digital technology team",
            StaffKind::Officer => "officer",
        };
        text.push_str(&format!(
            "  {} / {}  ({kind})\n",
            staff.code, staff.password
        ));
    }
    text.push_str("Officers (code / password):\n");
    for officer in &accounts.officers {
        text.push_str(&format!("  {} / {}\n", officer.code, officer.password));
    }
    let first_id = accounts
        .citizens
        .first()
        .map(|citizen| citizen.id_number.as_str())
        .unwrap_or("ID_NUMBER");
    text.push_str(&format!(
        "\nSign in with the CLI (it asks for the one-time code):\n  \
         cargo build --bin opendvc\n  \
         target/debug/opendvc --portal {url} login --id {first_id}\n  \
         target/debug/opendvc --portal {url} applications\n\n\
         Press Ctrl-C to stop the portal.\n"
    ));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instructions_name_every_demo_account_and_the_cli_sign_in() {
        let accounts: DemoAccounts = serde_json::from_value(serde_json::json!({
            "citizens": [{"idNumber": "048090001234", "phone": "+84905000001", "name": "Lê Thị Hoa"}],
            "staff": [{"code": "BD-HC-001", "password": "agent-pass", "kind": "agent"}],
            "officers": [{"code": "CB-001", "password": "officer-pass"}]
        }))
        .expect("demo accounts as the portal prints them");
        let text = instructions("http://127.0.0.1:8080", &accounts);
        for expected in [
            "048090001234",
            "Lê Thị Hoa",
            "BD-HC-001 / agent-pass  (DVC agent at a post office)",
            "CB-001 / officer-pass",
            "opendvc --portal http://127.0.0.1:8080 login --id 048090001234",
            "http://127.0.0.1:8080/v1/dev/messages",
            "later issue",
        ] {
            assert!(
                text.contains(expected),
                "instructions lack {expected:?}:\n{text}"
            );
        }
    }
}
