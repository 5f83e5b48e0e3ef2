//! `AuthStore` on SQLite: staff, one-time codes, access and refresh tokens, assisted sessions
//! under the hourly limit of their staff member.

use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

use async_trait::async_trait;

use super::Cached;
use super::access_log::insert_access;
use super::limits::{bump_counter, hit_limits, prune_limits, reached_limit};
use super::rows::{parse_staff_kind, parse_uuid, staff_kind_str};
use super::{Database, SqliteStore};
use crate::store::{
    AccessEntry, AccessTokenRecord, AssistSessionRecord, AuthStore, Limit, LimitReached, NewOtp,
    OtpCheck, OtpGuess, RefreshOutcome, RefreshTokenRecord, Rotation, SessionOpening, StaffRecord,
    StoreError, StoreResult, TokenSubject, hourly_refusal,
};

impl Database {
    pub(super) fn staff(conn: &Connection, code: &str) -> StoreResult<Option<StaffRecord>> {
        let row = conn
            .query_row_cached(
                "SELECT code, kind, name, organisation, password_hash, agency, unit, phone, email
                 FROM staff WHERE code = ?1",
                params![code],
                |row| {
                    Ok((
                        row.get::<_, String>(0)?,
                        row.get::<_, String>(1)?,
                        row.get::<_, String>(2)?,
                        row.get::<_, String>(3)?,
                        row.get::<_, String>(4)?,
                        row.get::<_, Option<String>>(5)?,
                        row.get::<_, Option<String>>(6)?,
                        row.get::<_, Option<String>>(7)?,
                        row.get::<_, Option<String>>(8)?,
                    ))
                },
            )
            .optional()?;
        row.map(
            |(code, kind, name, organisation, password_hash, agency, unit, phone, email)| {
                Ok(StaffRecord {
                    code,
                    kind: parse_staff_kind(&kind)?,
                    name,
                    organisation,
                    password_hash,
                    agency,
                    unit,
                    phone,
                    email,
                })
            },
        )
        .transpose()
    }

    pub(super) fn seed_staff(&self, staff: &StaffRecord) -> StoreResult<bool> {
        self.write(|tx| {
            let inserted = tx.execute_cached(
                "INSERT OR IGNORE INTO staff (code, kind, name, organisation, password_hash, agency,
                    unit, phone, email)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    staff.code,
                    staff_kind_str(staff.kind),
                    staff.name,
                    staff.organisation,
                    staff.password_hash,
                    staff.agency,
                    staff.unit,
                    staff.phone,
                    staff.email
                ],
            )?;
            if inserted == 0 {
                tx.execute_cached(
                    "UPDATE staff SET agency = COALESCE(agency, ?2), unit = COALESCE(unit, ?3),
                        phone = COALESCE(phone, ?4), email = COALESCE(email, ?5)
                     WHERE code = ?1",
                    params![
                        staff.code,
                        staff.agency,
                        staff.unit,
                        staff.phone,
                        staff.email
                    ],
                )?;
            }
            Ok(inserted > 0)
        })
    }

    pub(super) fn issue_otp(
        &self,
        code: &NewOtp,
        limits: &[Limit],
        now: i64,
    ) -> StoreResult<Result<(), LimitReached>> {
        self.write(|tx| {
            prune_limits(tx, now)?;
            if let Some(reached) = reached_limit(tx, limits, now)? {
                return Ok(Err(reached));
            }
            hit_limits(tx, limits, now)?;
            tx.execute_cached(
                "INSERT INTO one_time_codes (purpose, id_number, code_hash, expires_at)
                 VALUES (?1, ?2, ?3, ?4)",
                params![
                    code.purpose.as_str(),
                    code.id_number,
                    code.code_hash,
                    code.expires_at
                ],
            )?;
            Ok(Ok(()))
        })
    }

    pub(super) fn check_otp(&self, guess: &OtpGuess, now: i64) -> StoreResult<OtpCheck> {
        self.write(|tx| {
            prune_limits(tx, now)?;
            if let Some(reached) = reached_limit(tx, &guess.failure_limits, now)? {
                return Ok(OtpCheck::Limited(reached));
            }
            let newest = tx
                .query_row_cached(
                    "SELECT id, code_hash, expires_at, used FROM one_time_codes
                     WHERE id_number = ?1 AND purpose = ?2 ORDER BY id DESC LIMIT 1",
                    params![guess.id_number, guess.purpose.as_str()],
                    |row| {
                        Ok((
                            row.get::<_, i64>(0)?,
                            row.get::<_, String>(1)?,
                            row.get::<_, i64>(2)?,
                            row.get::<_, bool>(3)?,
                        ))
                    },
                )
                .optional()?;
            if let Some((id, stored_hash, expires_at, used)) = newest
                && !used
                && expires_at > now
                && stored_hash == guess.code_hash
            {
                tx.execute_cached(
                    "UPDATE one_time_codes SET used = 1 WHERE id = ?1",
                    params![id],
                )?;
                return Ok(OtpCheck::Accepted);
            }
            hit_limits(tx, &guess.failure_limits, now)?;
            let counted = bump_counter(tx, &guess.failure_counter, now)?;
            Ok(OtpCheck::Refused { counted })
        })
    }

    pub(super) fn insert_access_token(&self, token: &AccessTokenRecord) -> StoreResult<()> {
        self.write(|tx| insert_access_token(tx, token))
    }

    pub(super) fn access_token(
        conn: &Connection,
        token_hash: &str,
    ) -> StoreResult<Option<AccessTokenRecord>> {
        let row = conn
            .query_row_cached(
                "SELECT subject_kind, subject_id, expires_at FROM access_tokens
                 WHERE token_hash = ?1 AND revoked = 0",
                params![token_hash],
                |row| {
                    Ok((
                        row.get::<_, String>(0)?,
                        row.get::<_, String>(1)?,
                        row.get::<_, i64>(2)?,
                    ))
                },
            )
            .optional()?;
        let Some((kind, subject_id, expires_at)) = row else {
            return Ok(None);
        };
        let subject = match kind.as_str() {
            "citizen" => TokenSubject::Citizen {
                citizen_id: parse_uuid(&subject_id)?,
            },
            "staff" => TokenSubject::Staff { code: subject_id },
            "assisted" => TokenSubject::Assisted {
                session_id: parse_uuid(&subject_id)?,
            },
            other => return Err(StoreError::Database(format!("stored token kind {other}"))),
        };
        Ok(Some(AccessTokenRecord {
            token_hash: token_hash.to_owned(),
            subject,
            expires_at,
        }))
    }

    pub(super) fn revoke_access_token(&self, token_hash: &str) -> StoreResult<()> {
        self.write(|tx| {
            tx.execute_cached(
                "UPDATE access_tokens SET revoked = 1 WHERE token_hash = ?1",
                params![token_hash],
            )?;
            // A citizen's access token ends its whole sign-in, refresh token included.
            let family: Option<String> = tx
                .query_row_cached(
                    "SELECT family_id FROM access_tokens WHERE token_hash = ?1",
                    params![token_hash],
                    |row| row.get(0),
                )
                .optional()?
                .flatten();
            if let Some(family) = family {
                revoke_family(tx, &family)?;
            }
            Ok(())
        })
    }

    pub(super) fn insert_sign_in(
        &self,
        access: &AccessTokenRecord,
        refresh: &RefreshTokenRecord,
    ) -> StoreResult<()> {
        self.write(|tx| {
            insert_access_token(tx, access)?;
            tx.execute_cached(
                "UPDATE access_tokens SET family_id = ?2 WHERE token_hash = ?1",
                params![access.token_hash, refresh.family_id.to_string()],
            )?;
            tx.execute_cached(
                "INSERT INTO refresh_tokens (token_hash, family_id, citizen_id, expires_at)
                 VALUES (?1, ?2, ?3, ?4)",
                params![
                    refresh.token_hash,
                    refresh.family_id.to_string(),
                    refresh.citizen_id.to_string(),
                    refresh.expires_at
                ],
            )?;
            Ok(())
        })
    }

    pub(super) fn rotate_refresh_token(
        &self,
        rotation: &Rotation,
        now: i64,
    ) -> StoreResult<RefreshOutcome> {
        // The reuse verdict must survive the transaction, so the family revocation commits
        // even though the answer is a refusal.
        self.write(|tx| {
            let row = tx
                .query_row_cached(
                    "SELECT family_id, citizen_id, expires_at, used, revoked, used_at, grace_used
                     FROM refresh_tokens WHERE token_hash = ?1",
                    params![rotation.old_hash],
                    |row| {
                        Ok((
                            row.get::<_, String>(0)?,
                            row.get::<_, String>(1)?,
                            row.get::<_, i64>(2)?,
                            row.get::<_, bool>(3)?,
                            row.get::<_, bool>(4)?,
                            row.get::<_, Option<i64>>(5)?,
                            row.get::<_, bool>(6)?,
                        ))
                    },
                )
                .optional()?;
            let Some((family_id, citizen_id, expires_at, used, revoked, used_at, grace_used)) = row
            else {
                return Ok(RefreshOutcome::Refused);
            };
            if revoked || expires_at <= now {
                return Ok(RefreshOutcome::Refused);
            }
            if used {
                // The answer to the first rotation may have been lost: the same token once
                // more, soon after, is a retry. Anything else is reuse of a stolen token.
                let retry =
                    !grace_used && used_at.is_some_and(|at| now - at <= rotation.grace_seconds);
                if !retry {
                    revoke_family(tx, &family_id)?;
                    return Ok(RefreshOutcome::Refused);
                }
                tx.execute_cached(
                    "UPDATE refresh_tokens SET grace_used = 1 WHERE token_hash = ?1",
                    params![rotation.old_hash],
                )?;
            } else {
                tx.execute_cached(
                    "UPDATE refresh_tokens SET used = 1, used_at = ?2 WHERE token_hash = ?1",
                    params![rotation.old_hash, now],
                )?;
            }
            tx.execute_cached(
                "INSERT INTO refresh_tokens (token_hash, family_id, citizen_id, expires_at)
                 VALUES (?1, ?2, ?3, ?4)",
                params![
                    rotation.new_hash,
                    family_id,
                    citizen_id,
                    rotation.new_expires_at
                ],
            )?;
            let citizen_id = parse_uuid(&citizen_id)?;
            insert_access_token(
                tx,
                &AccessTokenRecord {
                    token_hash: rotation.access_hash.clone(),
                    subject: TokenSubject::Citizen { citizen_id },
                    expires_at: rotation.access_expires_at,
                },
            )?;
            tx.execute_cached(
                "UPDATE access_tokens SET family_id = ?2 WHERE token_hash = ?1",
                params![rotation.access_hash, family_id],
            )?;
            Ok(RefreshOutcome::Rotated { citizen_id })
        })
    }

    pub(super) fn revoke_sign_in(&self, refresh_hash: &str) -> StoreResult<()> {
        self.write(|tx| {
            let family: Option<String> = tx
                .query_row_cached(
                    "SELECT family_id FROM refresh_tokens WHERE token_hash = ?1",
                    params![refresh_hash],
                    |row| row.get(0),
                )
                .optional()?;
            if let Some(family) = family {
                revoke_family(tx, &family)?;
            }
            Ok(())
        })
    }

    pub(super) fn open_assist_session(
        &self,
        session: &AssistSessionRecord,
        token: &AccessTokenRecord,
        opened: &AccessEntry,
        per_hour: u32,
    ) -> StoreResult<SessionOpening> {
        self.write(|tx| {
            let mut statement = tx.prepare_cached(
                "SELECT created_at FROM assist_sessions
                 WHERE staff_code = ?1 AND created_at > ?2 - 3600 AND created_at < ?2 + 3600
                 ORDER BY created_at",
            )?;
            let nearby = statement
                .query_map(params![session.staff_code, session.created_at], |row| {
                    row.get::<_, i64>(0)
                })?
                .collect::<Result<Vec<_>, _>>()?;
            if let Some(retry_after) = hourly_refusal(&nearby, session.created_at, per_hour) {
                return Ok(SessionOpening::Refused { retry_after });
            }
            tx.execute_cached(
                "INSERT INTO assist_sessions (id, staff_code, citizen_id, consent_method,
                    consent_reference, venue_name, venue_unit_code, scopes, created_at, expires_at,
                    recorded_at, device_offset_seconds)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                params![
                    session.id.to_string(),
                    session.staff_code,
                    session.citizen_id.to_string(),
                    session.consent_method,
                    session.consent_reference,
                    session.venue_name,
                    session.venue_unit_code,
                    serde_json::to_string(&session.scopes)?,
                    session.created_at,
                    session.expires_at,
                    session.recorded_at,
                    session.device_offset_seconds
                ],
            )?;
            insert_access_token(tx, token)?;
            insert_access(tx, opened)?;
            Ok(SessionOpening::Opened)
        })
    }

    pub(super) fn assist_session(&self, id: Uuid) -> StoreResult<Option<AssistSessionRecord>> {
        let conn = self.reader();
        let row = conn
            .query_row_cached(
                "SELECT staff_code, citizen_id, consent_method, consent_reference, venue_name,
                        venue_unit_code, created_at, expires_at, ended_at, scopes, recorded_at,
                        device_offset_seconds
                 FROM assist_sessions WHERE id = ?1",
                params![id.to_string()],
                |row| {
                    Ok((
                        row.get::<_, String>(0)?,
                        row.get::<_, String>(1)?,
                        row.get::<_, String>(2)?,
                        row.get::<_, Option<String>>(3)?,
                        row.get::<_, String>(4)?,
                        row.get::<_, Option<String>>(5)?,
                        row.get::<_, i64>(6)?,
                        row.get::<_, i64>(7)?,
                        row.get::<_, Option<i64>>(8)?,
                        row.get::<_, String>(9)?,
                        row.get::<_, i64>(10)?,
                        row.get::<_, Option<i64>>(11)?,
                    ))
                },
            )
            .optional()?;
        row.map(
            |(
                staff_code,
                citizen_id,
                consent_method,
                consent_reference,
                venue_name,
                venue_unit_code,
                created_at,
                expires_at,
                ended_at,
                scopes,
                recorded_at,
                device_offset_seconds,
            )| {
                Ok(AssistSessionRecord {
                    id,
                    staff_code,
                    citizen_id: parse_uuid(&citizen_id)?,
                    consent_method,
                    consent_reference,
                    venue_name,
                    venue_unit_code,
                    scopes: serde_json::from_str(&scopes)?,
                    created_at,
                    expires_at,
                    ended_at,
                    recorded_at,
                    device_offset_seconds,
                })
            },
        )
        .transpose()
    }

    pub(super) fn end_assist_session(&self, id: Uuid, now: i64) -> StoreResult<()> {
        self.write(|tx| {
            tx.execute_cached(
                "UPDATE assist_sessions SET ended_at = ?2 WHERE id = ?1 AND ended_at IS NULL",
                params![id.to_string(), now],
            )?;
            Ok(())
        })
    }
}

#[async_trait]
impl AuthStore for SqliteStore {
    async fn staff(&self, code: &str) -> StoreResult<Option<StaffRecord>> {
        let code = code.to_owned();
        self.point_read(move |conn| Database::staff(conn, &code))
            .await
    }

    async fn seed_staff(&self, staff: &StaffRecord) -> StoreResult<bool> {
        let staff = staff.clone();
        self.blocking(move |db| db.seed_staff(&staff)).await
    }

    async fn issue_otp(
        &self,
        code: &NewOtp,
        limits: &[Limit],
        now: i64,
    ) -> StoreResult<Result<(), LimitReached>> {
        let code = code.clone();
        let limits = limits.to_vec();
        self.blocking(move |db| db.issue_otp(&code, &limits, now))
            .await
    }

    async fn check_otp(&self, guess: &OtpGuess, now: i64) -> StoreResult<OtpCheck> {
        let guess = guess.clone();
        self.blocking(move |db| db.check_otp(&guess, now)).await
    }

    async fn insert_access_token(&self, token: &AccessTokenRecord) -> StoreResult<()> {
        let token = token.clone();
        self.blocking(move |db| db.insert_access_token(&token))
            .await
    }

    async fn access_token(&self, token_hash: &str) -> StoreResult<Option<AccessTokenRecord>> {
        let token_hash = token_hash.to_owned();
        self.point_read(move |conn| Database::access_token(conn, &token_hash))
            .await
    }

    async fn revoke_access_token(&self, token_hash: &str) -> StoreResult<()> {
        let token_hash = token_hash.to_owned();
        self.blocking(move |db| db.revoke_access_token(&token_hash))
            .await
    }

    async fn insert_sign_in(
        &self,
        access: &AccessTokenRecord,
        refresh: &RefreshTokenRecord,
    ) -> StoreResult<()> {
        let access = access.clone();
        let refresh = refresh.clone();
        self.blocking(move |db| db.insert_sign_in(&access, &refresh))
            .await
    }

    async fn rotate_refresh_token(
        &self,
        rotation: &Rotation,
        now: i64,
    ) -> StoreResult<RefreshOutcome> {
        let rotation = rotation.clone();
        self.blocking(move |db| db.rotate_refresh_token(&rotation, now))
            .await
    }

    async fn revoke_sign_in(&self, refresh_hash: &str) -> StoreResult<()> {
        let refresh_hash = refresh_hash.to_owned();
        self.blocking(move |db| db.revoke_sign_in(&refresh_hash))
            .await
    }

    async fn open_assist_session(
        &self,
        session: &AssistSessionRecord,
        token: &AccessTokenRecord,
        opened: &AccessEntry,
        per_hour: u32,
    ) -> StoreResult<SessionOpening> {
        let session = session.clone();
        let token = token.clone();
        let opened = opened.clone();
        self.blocking(move |db| db.open_assist_session(&session, &token, &opened, per_hour))
            .await
    }

    async fn assist_session(&self, id: Uuid) -> StoreResult<Option<AssistSessionRecord>> {
        self.blocking(move |db| db.assist_session(id)).await
    }

    async fn end_assist_session(&self, id: Uuid, now: i64) -> StoreResult<()> {
        self.blocking(move |db| db.end_assist_session(id, now))
            .await
    }
}

/// Revokes every refresh and access token of one sign-in.
fn revoke_family(tx: &Connection, family_id: &str) -> StoreResult<()> {
    tx.execute_cached(
        "UPDATE refresh_tokens SET revoked = 1 WHERE family_id = ?1",
        params![family_id],
    )?;
    tx.execute_cached(
        "UPDATE access_tokens SET revoked = 1 WHERE family_id = ?1",
        params![family_id],
    )?;
    Ok(())
}

fn insert_access_token(tx: &Connection, token: &AccessTokenRecord) -> StoreResult<()> {
    let (kind, subject_id) = match &token.subject {
        TokenSubject::Citizen { citizen_id } => ("citizen", citizen_id.to_string()),
        TokenSubject::Staff { code } => ("staff", code.clone()),
        TokenSubject::Assisted { session_id } => ("assisted", session_id.to_string()),
    };
    tx.execute_cached(
        "INSERT INTO access_tokens (token_hash, subject_kind, subject_id, expires_at)
         VALUES (?1, ?2, ?3, ?4)",
        params![token.token_hash, kind, subject_id, token.expires_at],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests;
