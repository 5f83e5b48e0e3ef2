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
//!
//! # Argon2id parameters
//!
//! The password is stretched with Argon2id, [`KdfParams::CURRENT`]: 32 MiB of memory, 3
//! passes, 1 lane. That is above OWASP's minimum for Argon2id (19 MiB, 2 passes, 1 lane;
//! Password Storage Cheat Sheet) on both counts, and takes about a tenth of a second on a
//! counter computer, paid once per sign-in or unlock. The parameters are stored with each
//! wrapped key, so a key wrapped with other parameters still opens; keys wrapped before
//! parameters were stored carry none and used the `argon2` crate's defaults of the time,
//! [`KdfParams::LEGACY`]. A key found with parameters other than the current ones is wrapped
//! anew at the next sign-in ([`open_with_password`] returns it to be stored).
//!
//! # Key hygiene
//!
//! Key material lives in memory only as long as it is used: [`QueueKey`] wipes its bytes
//! when dropped, and the derived wrapping key, decoded key bytes and base64 forms are held in
//! [`Zeroizing`] buffers (the `zeroize` crate, whose writes the compiler may not optimise
//! away). Callers keep passwords in `Zeroizing<String>` as well.

use argon2::Argon2;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

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

/// Argon2id parameters of a wrapped key, stored beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KdfParams {
    /// Memory, KiB.
    pub memory_kib: u32,
    /// Passes over the memory.
    pub iterations: u32,
    /// Lanes.
    pub parallelism: u32,
}

impl KdfParams {
    /// What every key is wrapped with now: 32 MiB, 3 passes, 1 lane (OWASP's minimum for
    /// Argon2id is 19 MiB and 2 passes).
    pub const CURRENT: KdfParams = KdfParams {
        memory_kib: 32 * 1024,
        iterations: 3,
        parallelism: 1,
    };

    /// What keys wrapped before the parameters were stored used: `argon2` 0.5's defaults.
    pub const LEGACY: KdfParams = KdfParams {
        memory_kib: 19 * 1024,
        iterations: 2,
        parallelism: 1,
    };

    /// The most memory a stored parameter set may ask for: a damaged or edited profile must
    /// not make a sign-in allocate gigabytes.
    const MAX_MEMORY_KIB: u32 = 1024 * 1024;

    fn argon2(self) -> Result<Argon2<'static>, SealError> {
        if self.memory_kib > Self::MAX_MEMORY_KIB || self.iterations > 64 || self.parallelism > 16 {
            return Err(SealError::Damaged);
        }
        let params = argon2::Params::new(
            self.memory_kib,
            self.iterations,
            self.parallelism,
            Some(KEY_BYTES),
        )
        .map_err(|error| SealError::Derive(error.to_string()))?;
        Ok(Argon2::new(
            argon2::Algorithm::Argon2id,
            argon2::Version::V0x13,
            params,
        ))
    }
}

/// A staff member's queue key, in memory.
#[derive(Clone)]
pub struct QueueKey {
    bytes: [u8; KEY_BYTES],
}

impl Drop for QueueKey {
    fn drop(&mut self) {
        self.bytes.zeroize();
    }
}

impl ZeroizeOnDrop for QueueKey {}

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
    pub fn to_base64(&self) -> Zeroizing<String> {
        Zeroizing::new(BASE64.encode(self.bytes))
    }

    pub fn from_base64(text: &str) -> Result<QueueKey, SealError> {
        let bytes = Zeroizing::new(BASE64.decode(text).map_err(|_| SealError::Damaged)?);
        QueueKey::from_slice(&bytes)
    }

    fn from_slice(bytes: &[u8]) -> Result<QueueKey, SealError> {
        let mut key = QueueKey {
            bytes: [0_u8; KEY_BYTES],
        };
        if bytes.len() != KEY_BYTES {
            return Err(SealError::Damaged);
        }
        key.bytes.copy_from_slice(bytes);
        Ok(key)
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
    /// The Argon2id parameters it was wrapped with; absent on keys wrapped before they were
    /// stored, which used [`KdfParams::LEGACY`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    params: Option<KdfParams>,
}

fn password_key(password: &str, salt: &[u8], params: KdfParams) -> Result<QueueKey, SealError> {
    let mut key = QueueKey {
        bytes: [0_u8; KEY_BYTES],
    };
    params
        .argon2()?
        .hash_password_into(password.as_bytes(), salt, &mut key.bytes)
        .map_err(|error| SealError::Derive(error.to_string()))?;
    Ok(key)
}

const WRAP_CONTEXT: &[u8] = b"opendvc queue key v1";

impl WrappedKey {
    /// Wraps `key` under `password` (Argon2id with [`KdfParams::CURRENT`], random salt).
    pub fn wrap(key: &QueueKey, password: &str) -> Result<WrappedKey, SealError> {
        WrappedKey::wrap_with(key, password, KdfParams::CURRENT)
    }

    /// Wraps `key` under `password` with the given parameters.
    pub fn wrap_with(
        key: &QueueKey,
        password: &str,
        params: KdfParams,
    ) -> Result<WrappedKey, SealError> {
        let mut salt = [0_u8; SALT_BYTES];
        rand::rng().fill_bytes(&mut salt);
        let wrapping = password_key(password, &salt, params)?;
        Ok(WrappedKey {
            salt: BASE64.encode(salt),
            sealed: BASE64.encode(wrapping.seal(WRAP_CONTEXT, &key.bytes)),
            params: Some(params),
        })
    }

    /// The parameters this key was wrapped with.
    pub fn params(&self) -> KdfParams {
        self.params.unwrap_or(KdfParams::LEGACY)
    }

    /// The key, if `password` is the one it was wrapped with.
    pub fn unwrap(&self, password: &str) -> Result<QueueKey, SealError> {
        let salt = BASE64.decode(&self.salt).map_err(|_| SealError::Damaged)?;
        let sealed = BASE64
            .decode(&self.sealed)
            .map_err(|_| SealError::Damaged)?;
        let wrapping = password_key(password, &salt, self.params())?;
        let bytes = Zeroizing::new(
            wrapping
                .open(WRAP_CONTEXT, &sealed)
                .map_err(|_| SealError::WrongPassword)?,
        );
        QueueKey::from_slice(&bytes)
    }
}

/// Opens a staff member's wrapped key with their password. If the password changed since it
/// was wrapped, `previous_password` opens it instead. The key comes back wrapped anew with the
/// current password and [`KdfParams::CURRENT`] (to be stored) whenever the stored one was
/// wrapped with another password or other parameters, so queued work survives a password
/// change and old keys move to the current parameters at the next sign-in.
pub fn open_with_password(
    wrapped: &WrappedKey,
    password: &str,
    previous_password: Option<&str>,
) -> Result<(QueueKey, Option<WrappedKey>), SealError> {
    let key = match wrapped.unwrap(password) {
        Ok(key) if wrapped.params() == KdfParams::CURRENT => return Ok((key, None)),
        Ok(key) => key,
        Err(SealError::WrongPassword) => {
            let previous = previous_password.ok_or(SealError::WrongPassword)?;
            wrapped.unwrap(previous)?
        }
        Err(other) => return Err(other),
    };
    let rewrapped = WrappedKey::wrap(&key, password)?;
    Ok((key, Some(rewrapped)))
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
            !json.contains(key.to_base64().as_str()),
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

    #[test]
    fn the_staff_key_is_wrapped_with_argon2_parameters_that_meet_owasps_minimum() {
        let wrapped = WrappedKey::wrap(&QueueKey::generate(), "correct horse").expect("wraps");
        let json: serde_json::Value = serde_json::to_value(&wrapped).expect("serialises");
        let params = &json["params"];
        assert!(
            params["memoryKib"].as_u64().is_some_and(|m| m >= 19 * 1024),
            "at least 19 MiB of memory, stored with the key: {json}"
        );
        assert!(
            params["iterations"].as_u64().is_some_and(|t| t >= 2),
            "at least 2 passes, stored with the key: {json}"
        );
        assert!(
            params["parallelism"].as_u64().is_some_and(|p| p >= 1),
            "at least one lane: {json}"
        );
    }

    #[test]
    fn an_old_wrapped_key_still_opens_and_is_rewrapped_with_the_current_parameters() {
        let key = QueueKey::generate();
        let wrapped =
            WrappedKey::wrap_with(&key, "correct horse", KdfParams::LEGACY).expect("wraps");
        // A key wrapped before the parameters were stored has none in its JSON.
        let mut json = serde_json::to_value(&wrapped).expect("serialises");
        json.as_object_mut().expect("an object").remove("params");
        let old: WrappedKey = serde_json::from_value(json).expect("an old key reads");
        assert_eq!(old.params(), KdfParams::LEGACY);
        let (opened, rewrapped) =
            open_with_password(&old, "correct horse", None).expect("the password opens it");
        assert_eq!(opened.to_base64(), key.to_base64(), "the same queue key");
        let rewrapped = rewrapped.expect("an old key is wrapped anew to be stored");
        assert_eq!(rewrapped.params(), KdfParams::CURRENT);
        let (again, nothing) =
            open_with_password(&rewrapped, "correct horse", None).expect("opens");
        assert_eq!(again.to_base64(), key.to_base64());
        assert!(nothing.is_none(), "a current key is not rewrapped again");
    }

    #[test]
    fn key_material_is_wiped_when_dropped() {
        fn wiped_on_drop<T: ZeroizeOnDrop>() {}
        wiped_on_drop::<QueueKey>();
        wiped_on_drop::<Zeroizing<String>>();
        let mut key = QueueKey::generate();
        // What Drop runs, observed without reading freed memory.
        key.bytes.zeroize();
        assert_eq!(key.bytes, [0_u8; KEY_BYTES], "zeroize clears the key bytes");
    }

    #[test]
    fn stored_parameters_that_ask_for_absurd_memory_are_refused() {
        let key = QueueKey::generate();
        let mut json = serde_json::to_value(
            WrappedKey::wrap_with(&key, "pw", KdfParams::LEGACY).expect("wraps"),
        )
        .expect("serialises");
        json["params"]["memoryKib"] = serde_json::json!(u32::MAX);
        let edited: WrappedKey = serde_json::from_value(json).expect("reads");
        assert!(matches!(edited.unwrap("pw"), Err(SealError::Damaged)));
    }
}
