//! Sign-in and bearer tokens: citizens by ID number and one-time code, staff by code and
//! password. Tokens are random and stored only as SHA-256 hashes.
//!
//! One-time codes are limited per ID number and per client address, and wrong guesses count
//! across codes (`rate_limit`); a registered and an unregistered ID number take the same path
//! and get the same answers. A staff sign-in attempt is counted as a failure before the
//! password is verified, and verifications run a few at a time, so parallel guesses cannot
//! outrun the limit or the CPU.
//!
//! `tokens` (random tokens, their hashes, refresh and sign-out), `otp` (one-time codes and the
//! citizen's sign-in), `staff` (the staff sign-in), `passwords` (Argon2, a few at a time) and
//! `callers` (who calls, and the extractors handlers take). `passwords` imports nothing of the
//! HTTP state, so `AppState` holds a `PasswordCheck` without an import circle.

pub mod callers;
pub mod otp;
pub mod passwords;
pub mod staff;
pub mod tokens;

pub use callers::{
    AnyAuth, Caller, CitizenAuth, CitizenOnly, CitizenRead, CitizenSubmit, OfficerAuth, StaffAuth,
    access_entry, reads,
};
pub use otp::{accept_code, check_id_number, issue_code};
pub use passwords::hash_password;
pub use tokens::{new_token, token_hash};
