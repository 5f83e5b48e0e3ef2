//! `cargo xtask run`: the demo on a fresh machine. Checks the system libraries the app needs,
//! builds the UI and the app, starts a local demo portal whose applications move one step
//! every 30 seconds, signs a demo citizen into a scratch data folder, and opens the app on it.
//! Closing the window (or Ctrl-C) stops the portal too.

use std::path::Path;
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use opendvc_api::{DemoAccounts, DemoCitizen, DevMessage, OtpRequest, StaffKind};

use crate::command::CommandLine;
use crate::portal::{Portal, PortalOptions, PortalOutput};
use crate::signin::{PortalClient, otp_from_message};

const LISTEN: &str = "127.0.0.1:8080";
const DEMO_ADVANCE_SECONDS: u32 = 30;

/// The pkg-config names of the libraries a Tauri app builds against on Linux, each with the
/// Debian/Ubuntu package that provides it.
const SYSTEM_LIBRARIES: &[(&str, &str)] = &[
    ("webkit2gtk-4.1", "libwebkit2gtk-4.1-dev"),
    ("gtk+-3.0", "libgtk-3-dev"),
    ("librsvg-2.0", "librsvg2-dev"),
    ("ayatana-appindicator3-0.1", "libayatana-appindicator3-dev"),
];

/// How long the one-time code may take to reach the dev outbox.
const OTP_DEADLINE: Duration = Duration::from_secs(15);

pub fn run() -> Result<()> {
    ensure_system_libraries()?;
    build_ui()?;
    // Before the portal, which embeds the console's files when it is built.
    crate::console::build()?;
    CommandLine::cargo()
        .args([
            "build",
            "--package",
            "opendvc-portal",
            "--package",
            "opendvc-cli",
            "--package",
            "opendvc-app",
        ])
        .run()?;
    let portal_binary = crate::workspace::binary("debug", "opendvc-portal");
    let demo_dir = crate::workspace::target_dir().join("demo");
    std::fs::create_dir_all(&demo_dir)?;
    let accounts = crate::signin::demo_accounts(&portal_binary)?;

    let portal = Portal::start(&PortalOptions {
        binary: portal_binary,
        db: demo_dir.join("portal.db"),
        listen: LISTEN.to_owned(),
        demo: true,
        demo_advance_seconds: Some(DEMO_ADVANCE_SECONDS),
        demo_history: true,
        demo_send_in_background: false,
        output: PortalOutput::Terminal,
    })
    .with_context(|| format!("is another program using {LISTEN}?"))?;
    let portal_pid = portal.process_id();
    // Ctrl-C in a terminal reaches the portal and the app too (same process group); the
    // handler also covers a signal sent to xtask alone.
    ctrlc::set_handler(move || Portal::request_shutdown(portal_pid))
        .context("could not install the Ctrl-C handler")?;

    let app_result = sign_in_and_open_app(&portal.url, &accounts, &demo_dir);
    let stopped = portal.stop();
    app_result?;
    stopped
}

fn sign_in_and_open_app(url: &str, accounts: &DemoAccounts, demo_dir: &Path) -> Result<()> {
    let citizen = accounts
        .citizens
        .first()
        .ok_or_else(|| anyhow!("the demo portal has no demo citizen"))?;
    let data_dir = demo_dir.join("app-data");
    // A scratch folder each time: the demo starts signed in with fresh data.
    if data_dir.exists() {
        std::fs::remove_dir_all(&data_dir)
            .with_context(|| format!("could not clear {}", data_dir.display()))?;
    }
    sign_in_with_cli(url, citizen, &data_dir, "debug")?;
    println!("{}", instructions(url, accounts, &data_dir));

    let app = crate::workspace::binary("debug", "opendvc-app");
    let mut command = if has_display() {
        Command::new(&app)
    } else if which("xvfb-run") {
        println!("No display: the app runs under xvfb-run (a virtual screen).");
        let mut command = Command::new("xvfb-run");
        command
            .args(["-a", "-s", "-screen 0 1280x800x24"])
            .arg(&app);
        command
    } else {
        bail!("no display (DISPLAY or WAYLAND_DISPLAY) and no xvfb-run to make one");
    };
    command
        .arg("--portal")
        .arg(url)
        .arg("--data-dir")
        .arg(&data_dir);
    // In CI nobody closes the window: the app quits once the dashboard is on screen, after
    // logging how long that took.
    if std::env::var("CI").is_ok_and(|value| value == "true") {
        command.env("OPENDVC_EXIT_AFTER_DASHBOARD", "1");
    }
    let status = command
        .status()
        .with_context(|| format!("could not start {}", app.display()))?;
    if !status.success() {
        bail!("the app ended with {status}");
    }
    Ok(())
}

/// Signs the citizen in with the `opendvc` CLI, so the data folder is exactly what a person
/// signed in with the CLI has: a code is requested, read from the portal's dev outbox, and
/// given to `opendvc login`.
pub fn sign_in_with_cli(
    url: &str,
    citizen: &DemoCitizen,
    data_dir: &Path,
    profile: &str,
) -> Result<()> {
    let client = PortalClient::new(url);
    let otp = request_code(&client, citizen)?;
    CommandLine::new(crate::workspace::binary(profile, "opendvc"))
        .arg("--portal")
        .arg(url)
        .arg("--data-dir")
        .arg(data_dir)
        .args(["login", "--id", citizen.id_number.as_str(), "--otp"])
        .arg(otp.as_str())
        .run()
        .context("the demo citizen could not sign in")
}

/// Asks the portal for a one-time code and reads it from the dev outbox.
fn request_code(client: &PortalClient, citizen: &DemoCitizen) -> Result<String> {
    let sms_count = |messages: &[DevMessage]| {
        messages
            .iter()
            .filter(|message| message.channel == "sms" && message.to == citizen.phone)
            .count()
    };
    let before: Vec<DevMessage> = client.get_json("/v1/dev/messages", None)?;
    let before = sms_count(&before);
    let (status, body) = client.post_json(
        "/v1/auth/otp",
        &OtpRequest {
            id_number: citizen.id_number.clone(),
        },
    )?;
    if status != 202 {
        bail!("POST /v1/auth/otp answered {status}, not 202: {body}");
    }
    let deadline = Instant::now() + OTP_DEADLINE;
    loop {
        let messages: Vec<DevMessage> = client.get_json("/v1/dev/messages", None)?;
        if sms_count(&messages) > before
            && let Some(newest) = messages
                .iter()
                .rev()
                .find(|message| message.channel == "sms" && message.to == citizen.phone)
        {
            return otp_from_message(&newest.body)
                .ok_or_else(|| anyhow!("the newest SMS holds no 6-digit code: {}", newest.body));
        }
        if Instant::now() >= deadline {
            bail!("no one-time code reached {} in time", citizen.phone);
        }
        thread::sleep(Duration::from_millis(100));
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|output| String::from_utf8_lossy(&output.stdout).trim() == "0")
}

fn has_display() -> bool {
    !cfg!(target_os = "linux")
        || ["DISPLAY", "WAYLAND_DISPLAY"]
            .iter()
            .any(|name| std::env::var_os(name).is_some_and(|value| !value.is_empty()))
}

fn which(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

/// The packages whose pkg-config names `is_present` does not find.
fn missing_packages(is_present: impl Fn(&str) -> bool) -> Vec<&'static str> {
    SYSTEM_LIBRARIES
        .iter()
        .filter(|(pkg_config_name, _)| !is_present(pkg_config_name))
        .map(|(_, package)| *package)
        .collect()
}

/// The exact command that installs `packages`.
fn apt_install_line(packages: &[&str]) -> String {
    format!(
        "sudo apt-get install -y pkg-config build-essential {}",
        packages.join(" ")
    )
}

/// On Linux, checks the app's system libraries with pkg-config. When some are missing it
/// installs them if running as root in CI, and otherwise stops with the exact install line.
fn ensure_system_libraries() -> Result<()> {
    if !cfg!(target_os = "linux") {
        return Ok(());
    }
    let pkg_config = which("pkg-config");
    let present = |name: &str| {
        pkg_config
            && Command::new("pkg-config")
                .args(["--exists", name])
                .status()
                .is_ok_and(|status| status.success())
    };
    let missing = if pkg_config {
        missing_packages(present)
    } else {
        SYSTEM_LIBRARIES
            .iter()
            .map(|(_, package)| *package)
            .collect()
    };
    if missing.is_empty() {
        return Ok(());
    }
    let in_ci = std::env::var("CI").is_ok_and(|value| value == "true");
    if in_ci && is_root() {
        println!(
            "Installing the app's system libraries: {}",
            missing.join(" ")
        );
        CommandLine::new("apt-get").arg("update").run()?;
        CommandLine::new("apt-get")
            .args([
                "install",
                "-y",
                "--no-install-recommends",
                "pkg-config",
                "build-essential",
            ])
            .args(missing.iter().copied())
            .env("DEBIAN_FRONTEND", "noninteractive")
            .run()?;
        return Ok(());
    }
    bail!(
        "the app needs system libraries that are not installed. Install them with:\n  {}",
        apt_install_line(&missing)
    )
}

/// Installs the UI's npm packages (when package-lock.json changed since the last install),
/// then builds the UI into ui/dist, which the app embeds.
pub fn build_ui() -> Result<()> {
    if !which("npm") {
        bail!("npm is not installed: install Node.js 20.19 or newer (https://nodejs.org)");
    }
    crate::ui::install()?;
    CommandLine::new("npm")
        .args(["run", "build"])
        .current_dir(&crate::workspace::root().join("ui"))
        .run()
}

/// What a person needs to use the demo.
fn instructions(url: &str, accounts: &DemoAccounts, data_dir: &Path) -> String {
    let mut text = format!(
        "\nOpenDVC demo portal on {url} (OpenAPI document: {url}/openapi.json).\n\
         Demo applications move one step every {DEMO_ADVANCE_SECONDS} s.\n\
         The app opens signed in with the data folder {data}; the `opendvc` CLI shares it:\n  \
         target/debug/opendvc --data-dir {data} applications\n\n\
         Demo citizens (sign in by ID number; the one-time code shows up in {url}/v1/dev/messages):\n",
        data = data_dir.display()
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
            StaffKind::Supervisor => "supervisor",
        };
        text.push_str(&format!(
            "  {} / {}  ({kind})\n",
            staff.code, staff.password
        ));
    }
    text.push_str(
        "  (staff mode: sign out in the app's settings, then follow the staff link on the \
         sign-in screen)\n",
    );
    text.push_str("Officers (code / password):\n");
    for officer in &accounts.officers {
        text.push_str(&format!(
            "  {} / {}  ({})\n",
            officer.code, officer.password, officer.agency
        ));
    }
    text.push_str(&console_instructions(url, accounts));
    text.push_str("\nClose the app window or press Ctrl-C to stop the demo.\n");
    text
}

/// Where the officers' console is and whom to sign in as.
fn console_instructions(url: &str, accounts: &DemoAccounts) -> String {
    let mut text = format!("\nOfficers' web console: {url}/console/\n");
    if let Some(officer) = accounts.officers.first() {
        text.push_str(&format!(
            "  sign in as officer {} / {} ({})\n",
            officer.code, officer.password, officer.agency
        ));
    }
    if !accounts.supervisors.is_empty() {
        text.push_str("Supervisors (code / password):\n");
        for supervisor in &accounts.supervisors {
            text.push_str(&format!(
                "  {} / {}  ({})\n",
                supervisor.code,
                supervisor.password,
                supervisor.agency.as_deref().unwrap_or("city-wide")
            ));
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instructions_name_every_demo_account_and_the_shared_data_folder() {
        let accounts: DemoAccounts = serde_json::from_value(serde_json::json!({
            "citizens": [{"idNumber": "048090001234", "phone": "+84905000001", "name": "Lê Thị Hoa"}],
            "staff": [{"code": "BD-HC-001", "password": "agent-pass", "kind": "agent"}],
            "officers": [{"code": "CB-001", "password": "officer-pass", "agency": "cong-an-da-nang-pc06"}],
            "supervisors": [{"code": "GS-IOC-01", "password": "ioc-pass"}]
        }))
        .expect("demo accounts as the portal prints them");
        let text = instructions(
            "http://127.0.0.1:8080",
            &accounts,
            Path::new("/tmp/demo/app-data"),
        );
        for expected in [
            "048090001234",
            "Lê Thị Hoa",
            "BD-HC-001 / agent-pass  (DVC agent at a post office)",
            "CB-001 / officer-pass  (cong-an-da-nang-pc06)",
            "opendvc --data-dir /tmp/demo/app-data applications",
            "http://127.0.0.1:8080/v1/dev/messages",
            "then follow the staff link",
            "Officers' web console: http://127.0.0.1:8080/console/",
            "sign in as officer CB-001 / officer-pass (cong-an-da-nang-pc06)",
            "GS-IOC-01 / ioc-pass  (city-wide)",
        ] {
            assert!(
                text.contains(expected),
                "instructions lack {expected:?}:\n{text}"
            );
        }
    }

    #[test]
    fn missing_libraries_give_one_exact_apt_line() {
        let missing = missing_packages(|name| name == "gtk+-3.0");
        assert_eq!(
            missing,
            [
                "libwebkit2gtk-4.1-dev",
                "librsvg2-dev",
                "libayatana-appindicator3-dev"
            ]
        );
        assert_eq!(
            apt_install_line(&missing),
            "sudo apt-get install -y pkg-config build-essential libwebkit2gtk-4.1-dev \
             librsvg2-dev libayatana-appindicator3-dev"
        );
        assert!(missing_packages(|_| true).is_empty());
    }
}
