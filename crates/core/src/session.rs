//! The data folder: `session.json` and one folder per signed-in profile.
//!
//! ```text
//! <data-dir>/
//!   session.json            portal URL, the signed-in profile, tokens (mode 0600)
//!   session.lock            serialises token refreshes across processes
//!   preferences.json        choices of this device, not of a person (the language)
//!   staging/<sha256>/<name> files picked in the app before a submission queues them
//!   profiles/<profile-key>/
//!     cache.db              copies of server state (rebuildable)
//!     outbox.db             the submission queue (never rebuilt)
//!     sender.lock           held by the one sender
//!     attachments/<sha256>  content-addressed copies of queued files
//! ```
//!
//! The profile key is a hash of the portal URL and the ID number, so the folder name does not
//! reveal whose data it holds.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use fs4::fs_std::FileExt;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::client::{RefreshGuard, TokenStore, Tokens};

/// The data folder.
#[derive(Debug, Clone)]
pub struct DataDir {
    root: PathBuf,
}

impl DataDir {
    pub fn new(root: impl Into<PathBuf>) -> DataDir {
        DataDir { root: root.into() }
    }

    /// `$OPENDVC_DATA_DIR`, else the platform's data folder + `opendvc`, else `./opendvc-data`.
    pub fn default_location() -> DataDir {
        if let Some(dir) = std::env::var_os("OPENDVC_DATA_DIR").filter(|dir| !dir.is_empty()) {
            return DataDir::new(dir);
        }
        match dirs::data_dir() {
            Some(dir) => DataDir::new(dir.join("opendvc")),
            None => DataDir::new("opendvc-data"),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn session_file(&self) -> SessionFile {
        SessionFile {
            path: self.root.join("session.json"),
            lock_path: self.root.join("session.lock"),
        }
    }

    pub fn profile_dir(&self, profile_key: &str) -> PathBuf {
        self.profiles_dir().join(profile_key)
    }

    /// The folder holding every profile's cache, queue and attachments.
    pub fn profiles_dir(&self) -> PathBuf {
        self.root.join("profiles")
    }

    /// Where the app copies files the person picked until a submission takes them into the
    /// queue; personal data, so [`crate::OpenDvc::clear_device`] deletes it too.
    pub fn staging_dir(&self) -> PathBuf {
        self.root.join("staging")
    }

    /// Where the app's webview keeps its own storage and caches. The UI stores nothing there
    /// on purpose (the core is the app's only store); keeping it in the data folder means a
    /// shared device's scan, cleanup and backup see it with everything else.
    pub fn webview_dir(&self) -> PathBuf {
        self.root.join("webview")
    }

    pub fn preferences_file(&self) -> crate::preferences::PreferencesFile {
        crate::preferences::PreferencesFile::new(self.root.join("preferences.json"))
    }
}

/// The folder name of a profile: SHA-256 of the portal URL and the ID number, 32 hex digits.
pub fn profile_key(portal_url: &str, id_number: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(portal_url.trim_end_matches('/').as_bytes());
    hasher.update(b"\n");
    hasher.update(id_number.as_bytes());
    let digest = hex::encode(hasher.finalize());
    digest[..32].to_owned()
}

fn is_plain_name(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 64
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// What `session.json` holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    /// The portal the profile belongs to (where it signed in).
    pub portal_url: String,
    pub profile_key: String,
    pub id_number: String,
    /// Absent after sign-out (the profile folder may remain while items are unsent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
}

impl Session {
    pub fn is_signed_in(&self) -> bool {
        self.access_token.is_some() && self.refresh_token.is_some()
    }
}

/// `session.json` with atomic, private writes.
#[derive(Debug, Clone)]
pub struct SessionFile {
    path: PathBuf,
    lock_path: PathBuf,
}

impl SessionFile {
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The stored session; `None` when there is none. An unreadable file counts as none: it
    /// only costs a new sign-in, and the queue lives elsewhere. So does a profile key that is
    /// not a plain folder name, which could only come from a tampered file.
    pub fn load(&self) -> std::io::Result<Option<Session>> {
        match std::fs::read(&self.path) {
            Ok(bytes) => Ok(serde_json::from_slice::<Session>(&bytes)
                .ok()
                .filter(|session| is_plain_name(&session.profile_key))),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// Writes the session to a private temporary file, syncs it and renames it into place.
    pub fn save(&self, session: &Session) -> std::io::Result<()> {
        let json = serde_json::to_vec_pretty(session).map_err(std::io::Error::other)?;
        write_private(&self.path, &json)
    }

    pub fn delete(&self) -> std::io::Result<()> {
        match std::fs::remove_file(&self.path) {
            Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(error),
            _ => Ok(()),
        }
    }
}

/// Writes `bytes` to `path` readable by the owner only: a private temporary file, synced,
/// renamed into place, and the folder synced.
pub(crate) fn write_private(path: &Path, json: &[u8]) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let temporary = path.with_extension(format!("json.tmp-{}", std::process::id()));
    {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(&temporary)?;
        file.write_all(json)?;
        file.sync_all()?;
    }
    std::fs::rename(&temporary, path)?;
    if let Some(parent) = path.parent() {
        File::open(parent)?.sync_all()?;
    }
    Ok(())
}

impl TokenStore for SessionFile {
    fn current(&self) -> std::io::Result<Option<Tokens>> {
        Ok(self.load()?.and_then(|session| {
            Some(Tokens {
                access_token: session.access_token?,
                refresh_token: session.refresh_token?,
            })
        }))
    }

    fn save(&self, tokens: &Tokens) -> std::io::Result<()> {
        let mut session = self.load()?.ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "no session to store tokens in",
            )
        })?;
        session.access_token = Some(tokens.access_token.clone());
        session.refresh_token = Some(tokens.refresh_token.clone());
        SessionFile::save(self, &session)
    }

    fn lock_for_refresh(&self) -> std::io::Result<RefreshGuard> {
        if let Some(parent) = self.lock_path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&self.lock_path)?;
        FileExt::lock_exclusive(&file)?;
        Ok(RefreshGuard::new(Some(file)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_key_hides_the_id_number() {
        let key = profile_key("http://127.0.0.1:8080/", "048090001234");
        assert_eq!(key.len(), 32);
        assert!(!key.contains("048090001234"));
        assert_eq!(key, profile_key("http://127.0.0.1:8080", "048090001234"));
        assert_ne!(key, profile_key("http://127.0.0.1:8081", "048090001234"));
    }

    #[test]
    fn tampered_profile_key_cannot_leave_the_data_folder() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = DataDir::new(dir.path()).session_file();
        std::fs::write(
            file.path(),
            r#"{"portalUrl":"http://x","profileKey":"../../etc","idNumber":"048090001234"}"#,
        )
        .expect("writes");
        assert_eq!(file.load().expect("reads"), None);
        std::fs::write(file.path(), b"{not json").expect("writes");
        assert_eq!(
            file.load().expect("reads"),
            None,
            "a garbled file is no session"
        );
    }

    #[cfg(unix)]
    #[test]
    fn session_file_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("temp dir");
        let file = DataDir::new(dir.path()).session_file();
        file.save(&Session {
            portal_url: "http://127.0.0.1:1".into(),
            profile_key: "k".into(),
            id_number: "048090001234".into(),
            access_token: Some("a".into()),
            refresh_token: Some("r".into()),
        })
        .expect("saves");
        let mode = std::fs::metadata(file.path())
            .expect("exists")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "only the owner may read the tokens");
        let tokens = TokenStore::current(&file).expect("reads").expect("tokens");
        assert_eq!(tokens.refresh_token, "r");
    }
}
