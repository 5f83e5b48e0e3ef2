//! The data folder: `session.json` and one folder per signed-in profile.
//!
//! ```text
//! <data-dir>/
//!   session.json            portal URL, the signed-in profile, and the tokens where no OS
//!                           keyring holds them (mode 0600; see crate::vault)
//!   session.lock            serialises token refreshes across processes
//!   preferences.json        choices of this device, not of a person (the language)
//!   staging/<sha256>/<name> files picked in the app until a submission queues them (the
//!                           copy is deleted then: the queue keeps its own)
//!   profiles/<profile-key>/
//!     cache.db              copies of server state (rebuildable)
//!     outbox.db             the submission queue (never rebuilt)
//!     sender.lock           held by the one sender
//!     attachments/<sha256>  content-addressed copies of queued files
//! ```
//!
//! The profile key is a hash of the portal URL and the ID number, so the folder name does not
//! reveal whose data it holds.
//!
//! On Unix every folder here is created with mode 0700 and every file with 0600
//! ([`private_dir`], [`write_private`], [`create_private_file`], [`ensure_private_file`]), and
//! [`DataDir::make_private`] narrows what it finds looser when the core opens.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use fs4::fs_std::FileExt;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::client::tokens::RefreshGuard;

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
        DataDir::system_location().unwrap_or_else(|| DataDir::new("opendvc-data"))
    }

    /// `$OPENDVC_DATA_DIR`, else the platform's data folder + `opendvc` (the folder the app and
    /// the `opendvc` command share); `None` where the platform names no data folder (Android),
    /// and the caller picks one: the app asks Tauri's path API.
    pub fn system_location() -> Option<DataDir> {
        if let Some(dir) = std::env::var_os("OPENDVC_DATA_DIR").filter(|dir| !dir.is_empty()) {
            return Some(DataDir::new(dir));
        }
        dirs::data_dir().map(|dir| DataDir::new(dir.join("opendvc")))
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Creates the data folder private to its user, and narrows everything in it that an
    /// older version or another program left readable by others (see [`private_dir`]).
    pub fn make_private(&self) -> std::io::Result<()> {
        private_dir(&self.root)?;
        narrow_tree(&self.root)
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

    /// `preferences.json`: the device's choices that outlive a sign-out (the language), read
    /// and written by the settings (`preferences::PreferencesFile::of`).
    pub fn preferences_path(&self) -> PathBuf {
        self.root.join("preferences.json")
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

    /// Serialises token refreshes across processes (`session.lock`); the guard releases on
    /// drop. The refresh token rotates: a second use of the old one would fail.
    pub fn lock_for_refresh(&self) -> std::io::Result<RefreshGuard> {
        if let Some(parent) = self.lock_path.parent() {
            private_dir(parent)?;
        }
        ensure_private_file(&self.lock_path)?;
        let file = std::fs::OpenOptions::new()
            .write(true)
            .open(&self.lock_path)?;
        FileExt::lock_exclusive(&file)?;
        Ok(RefreshGuard::new(Some(file)))
    }
}

// Everything in the data folder is personal data of one person (or, on a shared device, of
// the staff member and the citizen being served): folders are created 0700 and files 0600 on
// Unix, so another account on the same computer reads nothing. These helpers are the one way
// the core (and the shell, for staged files) creates them; `DataDir::make_private` narrows
// what an older version, or another program such as the webview, left looser.

/// Mode of every folder in the data folder: the owner only.
#[cfg(unix)]
const PRIVATE_DIR_MODE: u32 = 0o700;
/// Mode of every file in the data folder: the owner only.
#[cfg(unix)]
const PRIVATE_FILE_MODE: u32 = 0o600;

/// Creates the folder `path` and its missing parents readable by the owner only, and narrows
/// `path` itself if it exists with looser permissions.
pub fn private_dir(path: impl AsRef<Path>) -> std::io::Result<()> {
    let path = path.as_ref();
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(PRIVATE_DIR_MODE);
    }
    builder.create(path)?;
    narrow(path, true)
}

/// Opens `path` for writing as a new or emptied file readable by the owner only.
pub fn create_private_file(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    private_mode(&mut options);
    let file = options.open(path)?;
    // An existing file keeps its mode when opened: narrow it too.
    narrow(path, false)?;
    Ok(file)
}

/// Makes sure the file `path` exists and is readable by the owner only, without touching
/// its content. A database opened after this is created private, and SQLite gives its
/// `-wal` and `-shm` files the mode of the database file.
pub fn ensure_private_file(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    private_mode(&mut options);
    drop(options.open(path)?);
    narrow(path, false)
}

/// Adds `mode 0600` to options that may create a file.
fn private_mode(options: &mut std::fs::OpenOptions) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(PRIVATE_FILE_MODE);
    }
    #[cfg(not(unix))]
    {
        let _unchanged = options;
    }
}

/// Takes the group's and others' permissions away from `path` (a folder when `dir`), if it
/// has any; a symbolic link is left alone.
fn narrow(path: &Path, dir: bool) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let metadata = std::fs::symlink_metadata(path)?;
        if metadata.file_type().is_symlink() {
            return Ok(());
        }
        let mode = metadata.permissions().mode();
        if mode & 0o077 != 0 {
            let wanted = if dir {
                PRIVATE_DIR_MODE
            } else {
                mode & 0o700 | PRIVATE_FILE_MODE
            };
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(wanted))?;
        }
    }
    #[cfg(not(unix))]
    {
        let _unchanged = (path, dir);
    }
    Ok(())
}

/// Narrows every folder and file under `root` (and `root` itself) to the owner only. Symbolic
/// links are neither followed nor changed.
fn narrow_tree(root: &Path) -> std::io::Result<()> {
    let mut pending = vec![root.to_path_buf()];
    while let Some(path) = pending.pop() {
        let metadata = match std::fs::symlink_metadata(&path) {
            Ok(metadata) => metadata,
            // Deleted meanwhile (a lock file, a temporary file): nothing to narrow.
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => continue,
            Err(error) => return Err(error),
        };
        if metadata.file_type().is_symlink() {
            continue;
        }
        narrow(&path, metadata.is_dir())?;
        if metadata.is_dir() {
            for entry in std::fs::read_dir(&path)? {
                pending.push(entry?.path());
            }
        }
    }
    Ok(())
}

/// Writes `bytes` to `path` readable by the owner only: a private temporary file, synced,
/// renamed into place, and the folder synced. Missing folders are created private.
pub fn write_private(path: &Path, json: &[u8]) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        private_dir(parent)?;
    }
    let temporary = path.with_extension(format!("json.tmp-{}", std::process::id()));
    {
        let mut file = create_private_file(&temporary)?;
        file.write_all(json)?;
        file.sync_all()?;
    }
    std::fs::rename(&temporary, path)?;
    if let Some(parent) = path.parent() {
        File::open(parent)?.sync_all()?;
    }
    Ok(())
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
        let session = file.load().expect("reads").expect("a session");
        assert_eq!(session.refresh_token.as_deref(), Some("r"));
    }
}
