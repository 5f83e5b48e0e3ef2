//! Staff passwords: Argon2id hashes, verified a few at a time, an unknown staff code against
//! a decoy so that it takes as long as a wrong password. It knows nothing of HTTP, so
//! `AppState` can hold the check.

use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::Rng;
use tokio::sync::Semaphore;

use crate::error::ApiError;

/// Hashes a staff password with Argon2id and a random salt.
pub fn hash_password(password: &str) -> Result<String, ApiError> {
    let mut salt_bytes = [0u8; 16];
    rand::rng().fill(&mut salt_bytes);
    let salt = SaltString::encode_b64(&salt_bytes).map_err(ApiError::internal)?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(ApiError::internal)
}

/// Whether `password` matches the stored Argon2 hash.
pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|hash| {
            Argon2::default()
                .verify_password(password.as_bytes(), &hash)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Staff password verification: at most a few Argon2 runs at once, so a burst of sign-ins
/// cannot take every core (each run is deliberately slow and memory-hungry). An unknown staff
/// code is verified against a decoy hash, so it takes as long as a wrong password.
#[derive(Debug)]
pub struct PasswordCheck {
    permits: Semaphore,
    decoy: OnceLock<String>,
}

impl PasswordCheck {
    /// At most `concurrent` verifications at once (`staffSignIn.concurrentVerifications`).
    pub fn new(concurrent: u32) -> Self {
        PasswordCheck {
            permits: Semaphore::new(usize::try_from(concurrent).unwrap_or(1).max(1)),
            decoy: OnceLock::new(),
        }
    }

    /// Whether `password` matches `stored`, or, without a stored hash, the time a wrong
    /// password would take and `false`.
    pub async fn verify(&self, password: String, stored: Option<String>) -> Result<bool, ApiError> {
        let _permit = self.permits.acquire().await.map_err(ApiError::internal)?;
        let decoy = match &stored {
            Some(_) => None,
            None => Some(match self.decoy.get() {
                Some(decoy) => decoy.clone(),
                None => {
                    let made = tokio::task::spawn_blocking(|| hash_password("decoy"))
                        .await
                        .map_err(ApiError::internal)??;
                    self.decoy.get_or_init(|| made).clone()
                }
            }),
        };
        tokio::task::spawn_blocking(move || match (stored, decoy) {
            (Some(stored), _) => verify_password(&password, &stored),
            (None, Some(decoy)) => {
                verify_password(&password, &decoy);
                false
            }
            (None, None) => false,
        })
        .await
        .map_err(ApiError::internal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_passwords_verify_only_with_the_right_password() {
        let hash = hash_password("s3cret").expect("hashes");
        assert!(verify_password("s3cret", &hash));
        assert!(!verify_password("S3cret", &hash));
        assert!(!verify_password("s3cret", "not a hash"));
    }
}
