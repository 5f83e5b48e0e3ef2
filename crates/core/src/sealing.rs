//! Encryption at rest of queued work made for a citizen on a shared device.
//!
//! # What it protects against
//!
//! A post-office counter computer or an outreach laptop is used by many people. When an
//! assisted session ends, everything of the citizen is deleted, except the submissions that
//! could not be sent yet: they must survive until the portal acknowledges them, because a
//! lost submission is worse than a late one. Those queued items (form, address, attached
//! scans) are the one piece of the citizen's data left on the disk, and the threat is a later
//! person — the next agent on the same account, someone who borrows the laptop after the
//! event, whoever copies the disk — reading them.
//!
//! # Where the key lives, and why
//!
//! Each staff member has one random 256-bit *queue key* per device. Items and staged files
//! are sealed with it (XChaCha20-Poly1305, a fresh random 192-bit nonce per seal, the item id
//! or file hash as associated data so a sealed blob cannot be moved to another item). The key
//! is kept on disk only *wrapped*: sealed with a key derived from the staff member's password
//! by Argon2id with a random salt. The plain key is written to the staff profile only while
//! that staff member is signed in, because the queue must keep sending from any process
//! (the CLI runs one process per command, the app restarts) and a send needs the key; staff
//! sign-out erases it. So:
//! - while the staff member is signed in, whoever uses the device as them can send the
//!   queue — that is the point of being signed in, and the staff token sits beside it anyway;
//! - once they sign out (end of shift, end of event), the disk holds only ciphertext and the
//!   password-wrapped key: a later person needs that staff member's password to read it;
//! - the key is only needed to *send*, and sending needs the staff member's token, which needs
//!   their password: nobody else could deliver those items anyway, because the portal lets
//!   only the staff member who opened a session deliver its late work.
//!
//! A key stored in the outbox row beside the ciphertext would protect nothing; a key held
//! only in memory would lose every unsent submission when the app closes. The wrapped key is
//! the smallest design between those two. What it does not cover: a person who learns the
//! staff password, and copies of the plain key that the file system may keep in freed blocks
//! after sign-out (the profile file is rewritten, not shredded).

use argon2::Argon2;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use serde::{Deserialize, Serialize};

/// Length of a queue key, bytes.
pub const KEY_BYTES: usize = 32;
const NONCE_BYTES: usize = 24;
const SALT_BYTES: usize = 16;

/// Errors of sealing and opening.
#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error("the sealed data is damaged or belongs to another key")]
    Damaged,
    #[error("the password does not open this staff member's queue key")]
    WrongPassword,
    #[error("could not derive the key from the password: {0}")]
    Derive(String),
}

/// A staff member's queue key, in memory.
#[derive(Clone)]
pub struct QueueKey {
    bytes: [u8; KEY_BYTES],
}

impl std::fmt::Debug for QueueKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("QueueKey(..)")
    }
}

impl QueueKey {
    /// A new random key from the operating system's generator.
    pub fn generate() -> QueueKey {
        let mut bytes = [0_u8; KEY_BYTES];
        rand::rng().fill_bytes(&mut bytes);
        QueueKey { bytes }
    }

    pub fn from_bytes(bytes: [u8; KEY_BYTES]) -> QueueKey {
        QueueKey { bytes }
    }

    /// The key as base64, for the signed-in staff profile only.
    pub fn to_base64(&self) -> String {
        BASE64.encode(self.bytes)
    }

    pub fn from_base64(text: &str) -> Result<QueueKey, SealError> {
        let bytes = BASE64.decode(text).map_err(|_| SealError::Damaged)?;
        let bytes: [u8; KEY_BYTES] = bytes.try_into().map_err(|_| SealError::Damaged)?;
        Ok(QueueKey { bytes })
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(&self.bytes.into())
    }

    /// Seals `plain`, bound to `context`: nonce followed by ciphertext and tag.
    pub fn seal(&self, context: &[u8], plain: &[u8]) -> Vec<u8> {
        let mut nonce = [0_u8; NONCE_BYTES];
        rand::rng().fill_bytes(&mut nonce);
        let sealed = self
            .cipher()
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plain,
                    aad: context,
                },
            )
            // Encryption fails only for inputs beyond 256 GiB; queued files are at most 20 MiB.
            .unwrap_or_default();
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        out
    }

    /// Opens what [`QueueKey::seal`] sealed with the same `context`.
    pub fn open(&self, context: &[u8], sealed: &[u8]) -> Result<Vec<u8>, SealError> {
        if sealed.len() < NONCE_BYTES {
            return Err(SealError::Damaged);
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_BYTES);
        self.cipher()
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: context,
                },
            )
            .map_err(|_| SealError::Damaged)
    }

    /// Seals text as base64, for a database column.
    pub fn seal_text(&self, context: &[u8], plain: &str) -> String {
        BASE64.encode(self.seal(context, plain.as_bytes()))
    }

    pub fn open_text(&self, context: &[u8], sealed: &str) -> Result<String, SealError> {
        let bytes = BASE64.decode(sealed).map_err(|_| SealError::Damaged)?;
        String::from_utf8(self.open(context, &bytes)?).map_err(|_| SealError::Damaged)
    }
}

/// A queue key sealed with a key derived from a password; safe to keep on disk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WrappedKey {
    salt: String,
    sealed: String,
}

fn password_key(password: &str, salt: &[u8]) -> Result<QueueKey, SealError> {
    let mut bytes = [0_u8; KEY_BYTES];
    Argon2::default()
        .hash_password_into(password.as_bytes(), salt, &mut bytes)
        .map_err(|error| SealError::Derive(error.to_string()))?;
    Ok(QueueKey { bytes })
}

const WRAP_CONTEXT: &[u8] = b"opendvc queue key v1";

impl WrappedKey {
    /// Wraps `key` under `password` (Argon2id, default parameters, random salt).
    pub fn wrap(key: &QueueKey, password: &str) -> Result<WrappedKey, SealError> {
        let mut salt = [0_u8; SALT_BYTES];
        rand::rng().fill_bytes(&mut salt);
        let wrapping = password_key(password, &salt)?;
        Ok(WrappedKey {
            salt: BASE64.encode(salt),
            sealed: BASE64.encode(wrapping.seal(WRAP_CONTEXT, &key.bytes)),
        })
    }

    /// The key, if `password` is the one it was wrapped with.
    pub fn unwrap(&self, password: &str) -> Result<QueueKey, SealError> {
        let salt = BASE64.decode(&self.salt).map_err(|_| SealError::Damaged)?;
        let sealed = BASE64
            .decode(&self.sealed)
            .map_err(|_| SealError::Damaged)?;
        let wrapping = password_key(password, &salt)?;
        let bytes = wrapping
            .open(WRAP_CONTEXT, &sealed)
            .map_err(|_| SealError::WrongPassword)?;
        let bytes: [u8; KEY_BYTES] = bytes.try_into().map_err(|_| SealError::Damaged)?;
        Ok(QueueKey { bytes })
    }
}

/// Opens a staff member's wrapped key with their password. If the password changed since it
/// was wrapped, `previous_password` opens it instead and the key comes back wrapped anew with
/// the current password (to be stored), so queued work survives a password change.
pub fn open_with_password(
    wrapped: &WrappedKey,
    password: &str,
    previous_password: Option<&str>,
) -> Result<(QueueKey, Option<WrappedKey>), SealError> {
    match wrapped.unwrap(password) {
        Ok(key) => Ok((key, None)),
        Err(SealError::WrongPassword) => {
            let previous = previous_password.ok_or(SealError::WrongPassword)?;
            let key = wrapped.unwrap(previous)?;
            let rewrapped = WrappedKey::wrap(&key, password)?;
            Ok((key, Some(rewrapped)))
        }
        Err(other) => Err(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_text_opens_only_with_the_same_key_and_context() {
        let key = QueueKey::generate();
        let sealed = key.seal_text(b"item-1", "Nguyễn Thị Lan 048090001234");
        assert!(!sealed.contains("048090001234"));
        assert_eq!(
            key.open_text(b"item-1", &sealed).expect("opens"),
            "Nguyễn Thị Lan 048090001234"
        );
        assert!(
            key.open_text(b"item-2", &sealed).is_err(),
            "a blob moved to another item does not open"
        );
        assert!(
            QueueKey::generate().open_text(b"item-1", &sealed).is_err(),
            "another key does not open it"
        );
    }

    #[test]
    fn a_wrapped_key_opens_only_with_the_staff_password() {
        let key = QueueKey::generate();
        let wrapped = WrappedKey::wrap(&key, "correct horse").expect("wraps");
        let json = serde_json::to_string(&wrapped).expect("serialises");
        assert!(
            !json.contains(&key.to_base64()),
            "the plain key is not stored"
        );
        let opened = wrapped
            .unwrap("correct horse")
            .expect("the password opens it");
        assert_eq!(opened.to_base64(), key.to_base64());
        assert!(matches!(
            wrapped.unwrap("wrong"),
            Err(SealError::WrongPassword)
        ));
    }

    #[test]
    fn a_changed_password_opens_the_key_with_the_previous_one_and_rewraps_it() {
        let key = QueueKey::generate();
        let wrapped = WrappedKey::wrap(&key, "old secret").expect("wraps");
        assert!(matches!(
            open_with_password(&wrapped, "new secret", None),
            Err(SealError::WrongPassword)
        ));
        let (opened, rewrapped) =
            open_with_password(&wrapped, "new secret", Some("old secret")).expect("opens");
        assert_eq!(opened.to_base64(), key.to_base64());
        let rewrapped = rewrapped.expect("wrapped anew");
        let (again, none) =
            open_with_password(&rewrapped, "new secret", None).expect("the new password opens it");
        assert_eq!(again.to_base64(), key.to_base64());
        assert!(none.is_none(), "nothing to store when the password matched");
    }
}
