//! Where the client keeps its tokens: [`TokenStore`], [`Tokens`], the in-memory store and
//! the guard of a refresh across processes. The refresh and the logout are in `refresh`.

use std::fmt;

/// The tokens of a signed-in citizen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tokens {
    pub access_token: String,
    pub refresh_token: String,
}

/// Holds a held lock until dropped (a file lock across processes, or nothing in memory).
#[derive(Debug)]
pub struct RefreshGuard {
    /// The locked file; the lock is released when it closes.
    _held: Option<std::fs::File>,
}

impl RefreshGuard {
    pub fn new(file: Option<std::fs::File>) -> Self {
        RefreshGuard { _held: file }
    }
}

/// Where the client keeps its tokens. A rotated refresh token must be stored before it is
/// used again, and across processes only one refresh may run at a time (the refresh token
/// rotates: a second use of the old one fails), hence [`TokenStore::lock_for_refresh`].
pub trait TokenStore: Send + Sync + fmt::Debug {
    /// The current tokens, read afresh (another process may have refreshed them).
    fn current(&self) -> std::io::Result<Option<Tokens>>;
    /// Stores new tokens durably, before returning.
    fn save(&self, tokens: &Tokens) -> std::io::Result<()>;
    /// Serialises refreshes; the guard releases on drop.
    fn lock_for_refresh(&self) -> std::io::Result<RefreshGuard>;
}

/// Tokens held in memory only; for tests and one-shot tools.
#[derive(Debug, Default)]
pub struct MemoryTokens {
    tokens: std::sync::Mutex<Option<Tokens>>,
}

impl MemoryTokens {
    pub fn new(tokens: Option<Tokens>) -> Self {
        MemoryTokens {
            tokens: std::sync::Mutex::new(tokens),
        }
    }
}

impl TokenStore for MemoryTokens {
    fn current(&self) -> std::io::Result<Option<Tokens>> {
        Ok(self
            .tokens
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone())
    }

    fn save(&self, tokens: &Tokens) -> std::io::Result<()> {
        *self
            .tokens
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(tokens.clone());
        Ok(())
    }

    fn lock_for_refresh(&self) -> std::io::Result<RefreshGuard> {
        Ok(RefreshGuard::new(None))
    }
}
