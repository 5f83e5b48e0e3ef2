//! Tests of `AuthStore` on SQLite.

use super::*;
use crate::auth::otp::otp_hash;
use crate::auth::token_hash;
use crate::store::sqlite::tests::{citizen, scratch};
use crate::store::{Counter, OtpPurpose};

/// `check(nearby, opened_at, refused)` for a limit of 3 an hour.
fn check(nearby: &[i64], opened_at: i64, refused: bool) {
    assert_eq!(
        hourly_refusal(nearby, opened_at, 3).is_some(),
        refused,
        "sessions at {nearby:?}, one more at {opened_at}"
    );
}

#[test]
fn no_hour_of_opening_holds_more_sessions_than_the_limit() {
    check(&[], 10_000, false);
    check(&[7_000, 8_000], 10_000, false);
    check(&[7_000, 8_000, 9_000], 10_000, true);
    check(&[6_400, 8_000, 9_000], 10_000, false);
    // Recorded later, before sessions already recorded: the hour after counts too.
    check(&[10_500, 11_000, 12_000], 10_000, true);
    check(&[9_000, 12_000, 13_500], 10_000, false);
    assert_eq!(
        hourly_refusal(&[7_000, 8_000, 9_000], 10_000, 3),
        Some(600),
        "a session opened now may open once the oldest of the hour is an hour old"
    );
}

fn guess(id_number: &str, code: &str, max_failures: u32) -> OtpGuess {
    OtpGuess {
        purpose: OtpPurpose::SignIn,
        id_number: id_number.to_owned(),
        code_hash: otp_hash(id_number, code),
        failure_limits: vec![Limit {
            key: format!("failures:{id_number}"),
            max: max_failures,
            window_seconds: 3600,
        }],
        failure_counter: Counter {
            key: "failures".into(),
            window_seconds: 60,
        },
    }
}

fn code(id_number: &str, code: &str, expires_at: i64) -> NewOtp {
    NewOtp {
        purpose: OtpPurpose::SignIn,
        id_number: id_number.to_owned(),
        code_hash: otp_hash(id_number, code),
        expires_at,
    }
}

#[test]
fn wrong_guesses_count_across_codes_until_the_window_passes() {
    let scratch = scratch();
    let store = &scratch.store;
    let number = "048090009999";
    store
        .issue_otp(&code(number, "123456", 1_000), &[], 0)
        .expect("stored")
        .expect("no limits");
    for at in 0..3 {
        assert_eq!(
            store
                .check_otp(&guess(number, "000000", 5), 10 + at)
                .expect("checks"),
            OtpCheck::Refused {
                counted: u64::try_from(at + 1).expect("small")
            },
            "a wrong guess is counted portal-wide too"
        );
    }
    store
        .issue_otp(&code(number, "654321", 10_000), &[], 20)
        .expect("stored")
        .expect("no limits");
    for at in 0..2 {
        assert!(matches!(
            store
                .check_otp(&guess(number, "000000", 5), 30 + at)
                .expect("checks"),
            OtpCheck::Refused { .. }
        ));
    }
    assert_eq!(
        store
            .check_otp(&guess(number, "654321", 5), 40)
            .expect("checks"),
        OtpCheck::Limited(LimitReached { retry_after: 3570 }),
        "five failures over two codes use the limit up: the right code waits for the \
         first failure to leave the window"
    );
    assert_eq!(
        store
            .check_otp(&guess(number, "654321", 5), 3_611)
            .expect("checks"),
        OtpCheck::Accepted,
        "once the window has passed the newest code works"
    );
}

#[test]
fn only_the_newest_unused_unexpired_code_of_its_purpose_works() {
    let scratch = scratch();
    let store = &scratch.store;
    let number = "048090009999";
    store
        .issue_otp(&code(number, "123456", 1_000), &[], 0)
        .expect("stored")
        .expect("no limits");
    let mut consent = guess(number, "123456", 100);
    consent.purpose = OtpPurpose::Consent;
    assert!(
        matches!(
            store.check_otp(&consent, 500).expect("check"),
            OtpCheck::Refused { .. }
        ),
        "a sign-in code is not a consent code"
    );
    assert!(
        matches!(
            store
                .check_otp(&guess(number, "123456", 100), 1_000)
                .expect("check"),
            OtpCheck::Refused { .. }
        ),
        "expired"
    );
    store
        .issue_otp(&code(number, "222222", 2_000), &[], 1_100)
        .expect("stored")
        .expect("no limits");
    store
        .issue_otp(&code(number, "333333", 2_000), &[], 1_200)
        .expect("stored")
        .expect("no limits");
    assert!(
        matches!(
            store
                .check_otp(&guess(number, "222222", 100), 1_300)
                .expect("check"),
            OtpCheck::Refused { .. }
        ),
        "an older code gave way to the newest"
    );
    assert_eq!(
        store
            .check_otp(&guess(number, "333333", 100), 1_300)
            .expect("check"),
        OtpCheck::Accepted
    );
    assert!(
        matches!(
            store
                .check_otp(&guess(number, "333333", 100), 1_300)
                .expect("check"),
            OtpCheck::Refused { .. }
        ),
        "a used code does not work twice"
    );
}

fn sign_in(store: &Database, citizen_id: Uuid, name: &str) -> Uuid {
    let family_id = Uuid::now_v7();
    store
        .insert_sign_in(
            &AccessTokenRecord {
                token_hash: token_hash(&format!("{name}-access")),
                subject: TokenSubject::Citizen { citizen_id },
                expires_at: 10_000,
            },
            &RefreshTokenRecord {
                token_hash: token_hash(name),
                family_id,
                citizen_id,
                expires_at: 10_000,
            },
        )
        .expect("stored");
    family_id
}

fn rotation(old: &str, new: &str) -> Rotation {
    Rotation {
        old_hash: token_hash(old),
        new_hash: token_hash(new),
        new_expires_at: 10_000,
        access_hash: token_hash(&format!("{new}-access")),
        access_expires_at: 10_000,
        grace_seconds: 60,
    }
}

#[test]
fn reusing_a_rotated_refresh_token_revokes_the_whole_family() {
    let scratch = scratch();
    let store = &scratch.store;
    let id = citizen(store);
    sign_in(store, id, "first");
    let rotated = store
        .rotate_refresh_token(&rotation("first", "second"), 100)
        .expect("rotation runs");
    assert_eq!(rotated, RefreshOutcome::Rotated { citizen_id: id });
    assert_eq!(
        store
            .rotate_refresh_token(&rotation("first", "retry"), 150)
            .expect("rotation runs"),
        RefreshOutcome::Rotated { citizen_id: id },
        "within the grace the spent token is accepted once more"
    );
    let reused = store
        .rotate_refresh_token(&rotation("first", "third"), 155)
        .expect("rotation runs");
    assert_eq!(reused, RefreshOutcome::Refused, "a second reuse is refused");
    for successor in ["second", "retry"] {
        assert_eq!(
            store
                .rotate_refresh_token(&rotation(successor, "fourth"), 300)
                .expect("rotation runs"),
            RefreshOutcome::Refused,
            "the family was revoked on reuse"
        );
        assert!(
            Database::access_token(&store.reader(), &token_hash(&format!("{successor}-access")))
                .expect("reads")
                .is_none(),
            "and its access tokens with it"
        );
    }
    assert!(
        Database::access_token(&store.reader(), &token_hash("first-access"))
            .expect("reads")
            .is_none()
    );
}

#[test]
fn a_spent_refresh_token_after_the_grace_is_reuse() {
    let scratch = scratch();
    let store = &scratch.store;
    let id = citizen(store);
    sign_in(store, id, "first");
    store
        .rotate_refresh_token(&rotation("first", "second"), 100)
        .expect("rotation runs");
    assert_eq!(
        store
            .rotate_refresh_token(&rotation("first", "late"), 161)
            .expect("rotation runs"),
        RefreshOutcome::Refused
    );
    assert_eq!(
        store
            .rotate_refresh_token(&rotation("second", "third"), 162)
            .expect("rotation runs"),
        RefreshOutcome::Refused,
        "late reuse revoked the family"
    );
}

#[test]
fn signing_out_with_either_token_ends_the_sign_in() {
    let scratch = scratch();
    let store = &scratch.store;
    let id = citizen(store);
    sign_in(store, id, "one");
    sign_in(store, id, "two");
    store
        .revoke_sign_in(&token_hash("one"))
        .expect("revoked by refresh token");
    assert!(
        Database::access_token(&store.reader(), &token_hash("one-access"))
            .expect("reads")
            .is_none()
    );
    store
        .revoke_access_token(&token_hash("two-access"))
        .expect("revoked by access token");
    assert_eq!(
        store
            .rotate_refresh_token(&rotation("two", "three"), 100)
            .expect("runs"),
        RefreshOutcome::Refused,
        "the access token's sign-in ended with it"
    );
    store
        .revoke_sign_in(&token_hash("unknown"))
        .expect("an unknown token changes nothing");
}
