//! Where the tokens live: the OS keyring when one answers (the keyring crate's mock store
//! here, and a real Secret Service in `tokens_round_trip_through_a_real_secret_service`),
//! else `session.json`, which only the user can read, and the settings screen says which.

#![cfg(any(target_os = "linux", target_os = "macos", target_os = "windows"))]

mod support;

use std::sync::Arc;

use opendvc_api::TokenResponse;
use opendvc_core::client::Tokens;
use opendvc_core::session::DataDir;
use opendvc_core::vault::{KeyringVault, TokenStorage, TokenVault, VaultChoice};
use opendvc_core::views::settings_view;
use opendvc_core::{OpenDvc, OpenDvcOptions};
use support::{Canned, TestServer};

/// Every file under `root` whose bytes contain `needle`.
fn files_containing(root: &std::path::Path, needle: &str) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(path) = pending.pop() {
        if path.is_dir() {
            for entry in std::fs::read_dir(&path).expect("lists a folder") {
                pending.push(entry.expect("an entry").path());
            }
        } else if let Ok(bytes) = std::fs::read(&path)
            && bytes
                .windows(needle.len())
                .any(|window| window == needle.as_bytes())
        {
            found.push(path);
        }
    }
    found
}

/// A keyring entry in the keyring crate's mock store. The mock keeps its secret in the entry
/// itself, so the test holds on to the same vault the core uses.
fn mock_keyring() -> Arc<KeyringVault> {
    let credential = keyring::mock::default_credential_builder()
        .build(None, opendvc_core::vault::KEYRING_SERVICE, "/a/data/folder")
        .expect("a mock credential");
    Arc::new(KeyringVault::from_entry(
        keyring::Entry::new_with_credential(credential),
    ))
}

fn issued() -> TokenResponse {
    TokenResponse {
        access_token: "access-secret-1".into(),
        refresh_token: "refresh-secret-1".into(),
        expires_in: 900,
        token_type: "Bearer".into(),
    }
}

/// Opens a core on `dir` whose portal is `server`, signs a citizen in, and returns it.
async fn signed_in(dir: &tempfile::TempDir, server: &TestServer, vault: VaultChoice) -> OpenDvc {
    server.answer(
        "/v1/auth/token",
        Canned::json(200, &serde_json::to_string(&issued()).expect("json")),
    );
    let mut core = OpenDvc::open(options(dir, server, vault)).expect("opens");
    core.sign_in("048090001234", "123456")
        .await
        .expect("signs in");
    assert!(core.is_signed_in());
    core
}

fn options(dir: &tempfile::TempDir, server: &TestServer, vault: VaultChoice) -> OpenDvcOptions {
    let mut options = OpenDvcOptions::new(DataDir::new(dir.path()));
    options.portal_override = Some(server.base_url.clone());
    options.token_vault = vault;
    options
}

#[tokio::test]
async fn tokens_live_in_the_keyring_when_one_is_available() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = TestServer::start().await;
    let keyring = mock_keyring();
    let core = signed_in(&dir, &server, VaultChoice::KeyringOrFile(keyring.clone())).await;

    assert_eq!(
        keyring.load().expect("the keyring reads"),
        Some(Tokens {
            access_token: issued().access_token,
            refresh_token: issued().refresh_token,
        }),
        "the keyring holds the tokens"
    );
    for token in [issued().access_token, issued().refresh_token] {
        let found = files_containing(dir.path(), &token);
        assert!(
            found.is_empty(),
            "no file in the data folder holds a token: {found:?}"
        );
    }
    let settings = core.settings().expect("settings");
    assert_eq!(settings.token_storage, TokenStorage::Keyring);
    assert_eq!(
        serde_json::to_value(settings_view(&settings)).expect("json")["tokenStorage"],
        "keyring",
        "the settings screen says the system keyring"
    );

    // The next start finds the session through the keyring, and a sign-out empties it.
    drop(core);
    let mut core = OpenDvc::open(options(
        &dir,
        &server,
        VaultChoice::KeyringOrFile(keyring.clone()),
    ))
    .expect("opens again");
    assert!(core.is_signed_in(), "signed in from the keyring's tokens");
    server.answer("/v1/auth/logout", Canned::raw(204, b""));
    core.sign_out(false).await.expect("signs out");
    assert_eq!(
        keyring.load().expect("the keyring reads"),
        None,
        "signing out deletes the tokens from the keyring"
    );
}

#[tokio::test]
async fn tokens_an_older_version_left_in_the_file_move_into_the_keyring() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = TestServer::start().await;
    support::save_session(dir.path(), &server.base_url, "old-access", "old-refresh");
    let keyring = mock_keyring();
    let core = OpenDvc::open(options(
        &dir,
        &server,
        VaultChoice::KeyringOrFile(keyring.clone()),
    ))
    .expect("opens");
    assert!(core.is_signed_in(), "the session goes on");
    assert_eq!(
        keyring
            .load()
            .expect("reads")
            .map(|tokens| tokens.refresh_token),
        Some("old-refresh".to_owned())
    );
    assert!(
        files_containing(dir.path(), "old-refresh").is_empty(),
        "the file no longer holds the tokens"
    );
}

/// A keyring that answers but refuses every write, as one locked after the probe does.
#[derive(Debug)]
struct RefusingKeyring;

impl TokenVault for RefusingKeyring {
    fn storage(&self) -> TokenStorage {
        TokenStorage::Keyring
    }
    fn load(&self) -> std::io::Result<Option<Tokens>> {
        Ok(None)
    }
    fn store(&self, _tokens: &Tokens) -> std::io::Result<()> {
        Err(std::io::Error::other("the keyring is locked"))
    }
    fn erase(&self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_keyring_that_refuses_the_old_tokens_leaves_them_in_the_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data_dir = DataDir::new(dir.path());
    support::save_session(
        dir.path(),
        "http://127.0.0.1:1",
        "old-access",
        "old-refresh",
    );
    let vault = opendvc_core::vault::adopt_file_tokens(&data_dir, Arc::new(RefusingKeyring))
        .expect("adopts");
    assert_eq!(
        vault.storage(),
        TokenStorage::PrivateFile,
        "the file is used for this run"
    );
    assert_eq!(
        vault
            .load()
            .expect("reads")
            .map(|tokens| tokens.refresh_token),
        Some("old-refresh".to_owned()),
        "the session is not lost"
    );
}

#[tokio::test]
async fn tokens_fall_back_to_a_private_file_and_the_settings_say_so() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = TestServer::start().await;
    let keyring = mock_keyring();
    // A keyring that fails when asked, as a locked or absent one does.
    let credential = keyring::mock::default_credential_builder()
        .build(None, opendvc_core::vault::KEYRING_SERVICE, "/broken")
        .expect("a mock credential");
    let broken = keyring::Entry::new_with_credential(credential);
    broken
        .get_credential()
        .downcast_ref::<keyring::mock::MockCredential>()
        .expect("a mock")
        .set_error(keyring::Error::PlatformFailure("no keyring here".into()));
    let broken = Arc::new(KeyringVault::from_entry(broken));
    let core = signed_in(&dir, &server, VaultChoice::KeyringOrFile(broken)).await;

    let settings = core.settings().expect("settings");
    assert_eq!(settings.token_storage, TokenStorage::PrivateFile);
    assert_eq!(
        serde_json::to_value(settings_view(&settings)).expect("json")["tokenStorage"],
        "private_file",
        "the settings screen says a file only you can read"
    );
    let holding = files_containing(dir.path(), &issued().refresh_token);
    assert_eq!(
        holding,
        vec![DataDir::new(dir.path()).session_file().path().to_path_buf()],
        "the tokens are in session.json only"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&holding[0])
            .expect("exists")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "a file only the user can read");
    }
    assert_eq!(
        keyring.load().expect("reads"),
        None,
        "nothing went to a keyring"
    );
}

/// Set while the test runs inside its own D-Bus session with a Secret Service.
const INSIDE_SECRET_SERVICE: &str = "OPENDVC_TEST_INSIDE_SECRET_SERVICE";

/// Runs inside `dbus-run-session` with an unlocked gnome-keyring: the vault against the real
/// Secret Service.
fn round_trip_inside_a_secret_service() {
    let first = tempfile::tempdir().expect("a data folder");
    let second = tempfile::tempdir().expect("another data folder");
    // gnome-keyring-daemon takes its name on the bus a moment after `--unlock` returns.
    let mut vault = KeyringVault::for_data_dir(&DataDir::new(first.path()));
    for _ in 0..100 {
        if vault.is_ok() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
        vault = KeyringVault::for_data_dir(&DataDir::new(first.path()));
    }
    let vault = vault.expect("the Secret Service answers");
    let other = KeyringVault::for_data_dir(&DataDir::new(second.path()))
        .expect("the Secret Service answers");
    let tokens = Tokens {
        access_token: "real-access".into(),
        refresh_token: "real-refresh".into(),
    };
    assert_eq!(vault.load().expect("reads"), None, "nothing stored yet");
    vault.store(&tokens).expect("stores");
    assert_eq!(vault.load().expect("reads"), Some(tokens.clone()));
    assert_eq!(
        other.load().expect("reads"),
        None,
        "another data folder has its own entry"
    );
    let rotated = Tokens {
        access_token: "real-access-2".into(),
        refresh_token: "real-refresh-2".into(),
    };
    vault.store(&rotated).expect("replaces");
    assert_eq!(vault.load().expect("reads"), Some(rotated));
    vault.erase().expect("erases");
    assert_eq!(vault.load().expect("reads"), None, "erased");
    vault.erase().expect("erasing nothing is fine");

    let core = OpenDvc::open(OpenDvcOptions::new(DataDir::new(first.path()))).expect("opens");
    assert_eq!(
        core.token_storage(),
        TokenStorage::Keyring,
        "with a Secret Service running, the core chooses it by itself"
    );
}

#[test]
fn tokens_round_trip_through_a_real_secret_service() {
    if std::env::var_os(INSIDE_SECRET_SERVICE).is_some() {
        round_trip_inside_a_secret_service();
        return;
    }
    let tools = ["dbus-run-session", "gnome-keyring-daemon"];
    let missing: Vec<&str> = tools
        .into_iter()
        .filter(|tool| {
            std::process::Command::new("sh")
                .args(["-c", &format!("command -v {tool}")])
                .stdout(std::process::Stdio::null())
                .status()
                .map_or(true, |status| !status.success())
        })
        .collect();
    if !missing.is_empty() {
        let message = format!(
            "tokens_round_trip_through_a_real_secret_service needs {missing:?} \
             (apt install dbus gnome-keyring)"
        );
        assert!(
            std::env::var_os("CI").is_none(),
            "{message}: CI installs them, so they must be there"
        );
        eprintln!("SKIPPED, NOT RUN: {message}");
        return;
    }
    // gnome-keyring keeps its keyrings under $XDG_DATA_HOME and its sockets under
    // $XDG_RUNTIME_DIR: both in a scratch folder, never the user's own.
    let scratch = tempfile::tempdir().expect("a scratch folder");
    let data_home = scratch.path().join("data");
    let runtime = scratch.path().join("runtime");
    for folder in [&data_home, &runtime] {
        opendvc_core::session::private_dir(folder).expect("a private folder");
    }
    let test = std::env::current_exe().expect("this test's executable");
    // The login keyring is created with a known password and unlocked, without a prompt;
    // the daemon lives as long as the session bus.
    let script = "echo -n opendvc-test | gnome-keyring-daemon --unlock --components=secrets \
                  >/dev/null && exec \"$0\" \"$@\"";
    let output = std::process::Command::new("dbus-run-session")
        .args(["--", "sh", "-c", script])
        .arg(&test)
        .args([
            "--exact",
            "tokens_round_trip_through_a_real_secret_service",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(INSIDE_SECRET_SERVICE, "1")
        .env("XDG_DATA_HOME", &data_home)
        .env("XDG_RUNTIME_DIR", &runtime)
        .env("HOME", scratch.path())
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env_remove("GNOME_KEYRING_CONTROL")
        .output()
        .expect("dbus-run-session runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "the vault round trip inside a Secret Service session passes\nstatus: {}\nstdout: \
         {stdout}\nstderr: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
}
