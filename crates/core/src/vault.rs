//! Where the signed-in citizen's tokens are kept.
//!
//! A refresh token is a key to the person's session for weeks: it belongs in the OS keyring
//! (the Secret Service on Linux, the Keychain on macOS, the Credential Manager on Windows),
//! which keeps it encrypted at rest and out of backups and copies of the data folder. Where no
//! keyring answers (a desktop without one, a headless machine, another platform) the tokens
//! stay in `session.json`, which only the user can read (mode 0600). The choice is made once,
//! when the core opens ([`open_vault`]), and the settings screen names it
//! ([`crate::preferences::Settings::token_storage`]).
//!
//! The keyring entry is named after the data folder (service [`KEYRING_SERVICE`], user the
//! folder's absolute path), so two data folders on one account never share tokens.
//!
//! What the vault does not hold: a staff member's token and an assisted session's token on a
//! shared device (see [`crate::assist`]), and anything else of the person's, which stays in
//! the data folder.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::client::tokens::{RefreshGuard, TokenStore, Tokens};
use crate::session::{DataDir, SessionFile};

/// Where the tokens are kept, as the settings screen names it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum TokenStorage {
    /// The OS keyring.
    Keyring,
    /// `session.json`, readable by the user only.
    #[default]
    PrivateFile,
}

impl TokenStorage {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenStorage::Keyring => "keyring",
            TokenStorage::PrivateFile => "private_file",
        }
    }
}

/// Keeps the citizen's access and refresh tokens.
pub trait TokenVault: Send + Sync + fmt::Debug {
    /// Where it keeps them.
    fn storage(&self) -> TokenStorage;
    /// The stored tokens, read afresh (another process may have refreshed them).
    fn load(&self) -> std::io::Result<Option<Tokens>>;
    /// Stores `tokens` durably before returning.
    fn store(&self, tokens: &Tokens) -> std::io::Result<()>;
    /// Forgets the tokens; forgetting none is fine.
    fn erase(&self) -> std::io::Result<()>;
}

/// The tokens as the keyring entry's secret holds them.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredTokens {
    access_token: String,
    refresh_token: String,
}

/// The fallback: the token fields of `session.json` (written atomically, mode 0600). Storing
/// needs the session to exist; the façade writes it first.
#[derive(Debug, Clone)]
pub struct FileVault {
    session: SessionFile,
}

impl FileVault {
    pub fn new(data_dir: &DataDir) -> FileVault {
        FileVault {
            session: data_dir.session_file(),
        }
    }
}

impl TokenVault for FileVault {
    fn storage(&self) -> TokenStorage {
        TokenStorage::PrivateFile
    }

    fn load(&self) -> std::io::Result<Option<Tokens>> {
        Ok(self.session.load()?.and_then(|session| {
            Some(Tokens {
                access_token: session.access_token?,
                refresh_token: session.refresh_token?,
            })
        }))
    }

    fn store(&self, tokens: &Tokens) -> std::io::Result<()> {
        let mut session = self.session.load()?.ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "no session to store tokens in",
            )
        })?;
        session.access_token = Some(tokens.access_token.clone());
        session.refresh_token = Some(tokens.refresh_token.clone());
        self.session.save(&session)
    }

    fn erase(&self) -> std::io::Result<()> {
        match self.session.load()? {
            Some(mut session)
                if session.access_token.is_some() || session.refresh_token.is_some() =>
            {
                session.access_token = None;
                session.refresh_token = None;
                self.session.save(&session)
            }
            _ => Ok(()),
        }
    }
}

/// The service name of the keyring entry; the user name is the data folder's path.
pub const KEYRING_SERVICE: &str = "OpenDVC";

/// The OS keyring, one entry per data folder.
#[cfg(any(target_os = "linux", target_os = "macos", target_os = "windows"))]
pub struct KeyringVault {
    entry: keyring::Entry,
}

#[cfg(any(target_os = "linux", target_os = "macos", target_os = "windows"))]
impl fmt::Debug for KeyringVault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyringVault").finish_non_exhaustive()
    }
}

#[cfg(any(target_os = "linux", target_os = "macos", target_os = "windows"))]
fn keyring_error(error: keyring::Error) -> std::io::Error {
    std::io::Error::other(format!("the system keyring: {error}"))
}

#[cfg(any(target_os = "linux", target_os = "macos", target_os = "windows"))]
impl KeyringVault {
    /// The platform's keyring entry for `data_dir`, if a keyring answers. On Linux a Secret
    /// Service must already run on the session bus: the core never starts one (that could
    /// put an unlock prompt in front of a headless or test session).
    pub fn for_data_dir(data_dir: &DataDir) -> std::io::Result<KeyringVault> {
        #[cfg(target_os = "linux")]
        secret_service_is_running()?;
        let folder = std::fs::canonicalize(data_dir.root())?;
        let entry = keyring::Entry::new(KEYRING_SERVICE, &folder.to_string_lossy())
            .map_err(keyring_error)?;
        let vault = KeyringVault { entry };
        vault.probe()?;
        Ok(vault)
    }

    /// A vault over a given entry (tests use the keyring crate's mock store).
    pub fn from_entry(entry: keyring::Entry) -> KeyringVault {
        KeyringVault { entry }
    }

    /// Whether the keyring answers: a read that finds the entry or finds none.
    pub fn probe(&self) -> std::io::Result<()> {
        match self.entry.get_password() {
            Ok(_) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(error) => Err(keyring_error(error)),
        }
    }
}

/// Whether a Secret Service owns its name on the session bus now (asked without activating
/// one).
#[cfg(target_os = "linux")]
fn secret_service_is_running() -> std::io::Result<()> {
    let unavailable = |what: String| std::io::Error::other(format!("no Secret Service: {what}"));
    let bus = dbus::blocking::Connection::new_session()
        .map_err(|error| unavailable(error.to_string()))?;
    let proxy = bus.with_proxy(
        "org.freedesktop.DBus",
        "/org/freedesktop/DBus",
        std::time::Duration::from_secs(2),
    );
    let (running,): (bool,) = proxy
        .method_call(
            "org.freedesktop.DBus",
            "NameHasOwner",
            ("org.freedesktop.secrets",),
        )
        .map_err(|error| unavailable(error.to_string()))?;
    if running {
        Ok(())
    } else {
        Err(unavailable(
            "nothing owns org.freedesktop.secrets".to_owned(),
        ))
    }
}

#[cfg(any(target_os = "linux", target_os = "macos", target_os = "windows"))]
impl TokenVault for KeyringVault {
    fn storage(&self) -> TokenStorage {
        TokenStorage::Keyring
    }

    fn load(&self) -> std::io::Result<Option<Tokens>> {
        match self.entry.get_password() {
            Ok(secret) => {
                let stored: StoredTokens =
                    serde_json::from_str(&secret).map_err(std::io::Error::other)?;
                Ok(Some(Tokens {
                    access_token: stored.access_token,
                    refresh_token: stored.refresh_token,
                }))
            }
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(error) => Err(keyring_error(error)),
        }
    }

    fn store(&self, tokens: &Tokens) -> std::io::Result<()> {
        let secret = serde_json::to_string(&StoredTokens {
            access_token: tokens.access_token.clone(),
            refresh_token: tokens.refresh_token.clone(),
        })
        .map_err(std::io::Error::other)?;
        self.entry.set_password(&secret).map_err(keyring_error)
    }

    fn erase(&self) -> std::io::Result<()> {
        match self.entry.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(error) => Err(keyring_error(error)),
        }
    }
}

/// How the core chooses where the tokens go.
#[derive(Clone, Default)]
pub enum VaultChoice {
    /// The platform's keyring if one answers, else `session.json`.
    #[default]
    Auto,
    /// This keyring if it answers a probe, else `session.json` (tests give a mock one).
    #[cfg(any(target_os = "linux", target_os = "macos", target_os = "windows"))]
    KeyringOrFile(Arc<KeyringVault>),
    /// `session.json` only.
    File,
}

impl fmt::Debug for VaultChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            VaultChoice::Auto => "Auto",
            #[cfg(any(target_os = "linux", target_os = "macos", target_os = "windows"))]
            VaultChoice::KeyringOrFile(_) => "KeyringOrFile",
            VaultChoice::File => "File",
        })
    }
}

/// Chooses the vault for `data_dir` (which must exist): a keyring that answers, else the
/// private file.
pub fn open_vault(data_dir: &DataDir, choice: &VaultChoice) -> Arc<dyn TokenVault> {
    let file = || -> Arc<dyn TokenVault> { Arc::new(FileVault::new(data_dir)) };
    match choice {
        VaultChoice::File => file(),
        #[cfg(any(target_os = "linux", target_os = "macos", target_os = "windows"))]
        VaultChoice::KeyringOrFile(vault) => match vault.probe() {
            Ok(()) => vault.clone(),
            Err(_) => file(),
        },
        #[cfg(any(target_os = "linux", target_os = "macos", target_os = "windows"))]
        VaultChoice::Auto => match KeyringVault::for_data_dir(data_dir) {
            Ok(vault) => Arc::new(vault),
            Err(_) => file(),
        },
        #[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
        VaultChoice::Auto => file(),
    }
}

/// Moves tokens that an older version (or a start without a keyring) left in `session.json`
/// into `vault` when that is the keyring, and returns the vault to use. A keyring that
/// refuses them leaves them in the file, and the file is used for this run: a start never
/// loses the session.
pub fn adopt_file_tokens(
    data_dir: &DataDir,
    vault: Arc<dyn TokenVault>,
) -> std::io::Result<Arc<dyn TokenVault>> {
    if vault.storage() != TokenStorage::Keyring {
        return Ok(vault);
    }
    let file = FileVault::new(data_dir);
    let Some(tokens) = file.load()? else {
        return Ok(vault);
    };
    if vault.store(&tokens).is_err() {
        return Ok(Arc::new(file));
    }
    file.erase()?;
    Ok(vault)
}

/// The vault as the portal client's token store: tokens read afresh for every request, the
/// rotated pair stored before it is used, refreshes serialised across processes by
/// `session.lock` in the data folder.
#[derive(Debug, Clone)]
pub struct VaultTokens {
    vault: Arc<dyn TokenVault>,
    session: SessionFile,
}

impl VaultTokens {
    pub fn new(vault: Arc<dyn TokenVault>, data_dir: &DataDir) -> VaultTokens {
        VaultTokens {
            vault,
            session: data_dir.session_file(),
        }
    }
}

impl TokenStore for VaultTokens {
    fn current(&self) -> std::io::Result<Option<Tokens>> {
        self.vault.load()
    }

    fn save(&self, tokens: &Tokens) -> std::io::Result<()> {
        self.vault.store(tokens)
    }

    fn lock_for_refresh(&self) -> std::io::Result<RefreshGuard> {
        self.session.lock_for_refresh()
    }
}
