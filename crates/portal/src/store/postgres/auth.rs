//! `AuthStore` on PostgreSQL: staff, one-time codes, access and refresh tokens, assisted
//! sessions under the hourly limit of their staff member.

use async_trait::async_trait;
use sqlx::PgConnection;
use uuid::Uuid;

use super::access_log::insert_access;
use super::limits::{bump_counter, hit_limits, lock_limits, reached_limit};
use super::rows::{from_json, to_json};
use super::{LockSpace, PostgresStore, lock};
use crate::store::stored::{parse_staff_kind, parse_uuid, staff_kind_str};
use crate::store::{
    AccessEntry, AccessTokenRecord, AssistSessionRecord, AuthStore, Limit, LimitReached, NewOtp,
    OtpCheck, OtpGuess, RefreshOutcome, RefreshTokenRecord, Rotation, SessionOpening, StaffRecord,
    StoreError, StoreResult, TokenSubject, hourly_refusal,
};

/// Revokes every refresh and access token of one sign-in.
async fn revoke_family(conn: &mut PgConnection, family_id: Uuid) -> StoreResult<()> {
    sqlx::query!(
        "UPDATE refresh_tokens SET revoked = true WHERE family_id = $1",
        family_id
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "UPDATE access_tokens SET revoked = true WHERE family_id = $1",
        family_id
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Stores an access token, of the sign-in `family_id` when it is a citizen's.
async fn insert_access_token(
    conn: &mut PgConnection,
    token: &AccessTokenRecord,
    family_id: Option<Uuid>,
) -> StoreResult<()> {
    let (kind, subject_id) = match &token.subject {
        TokenSubject::Citizen { citizen_id } => ("citizen", citizen_id.to_string()),
        TokenSubject::Staff { code } => ("staff", code.clone()),
        TokenSubject::Assisted { session_id } => ("assisted", session_id.to_string()),
    };
    sqlx::query!(
        "INSERT INTO access_tokens (token_hash, subject_kind, subject_id, expires_at, family_id)
         VALUES ($1, $2, $3, $4, $5)",
        token.token_hash,
        kind,
        subject_id,
        token.expires_at,
        family_id
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[async_trait]
impl AuthStore for PostgresStore {
    async fn staff(&self, code: &str) -> StoreResult<Option<StaffRecord>> {
        let row = sqlx::query!(
            "SELECT code, kind, name, organisation, password_hash, agency, unit, phone, email
             FROM staff WHERE code = $1",
            code
        )
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            Ok(StaffRecord {
                code: row.code,
                kind: parse_staff_kind(&row.kind)?,
                name: row.name,
                organisation: row.organisation,
                password_hash: row.password_hash,
                agency: row.agency,
                unit: row.unit,
                phone: row.phone,
                email: row.email,
            })
        })
        .transpose()
    }

    /// One statement: of two instances seeding at once, one inserts and the other updates
    /// nothing (its insert waits for the first to commit, then conflicts).
    async fn seed_staff(&self, staff: &StaffRecord) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await?;
        let inserted = sqlx::query!(
            "INSERT INTO staff (code, kind, name, organisation, password_hash, agency, unit, phone,
                email)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT (code) DO NOTHING",
            staff.code,
            staff_kind_str(staff.kind),
            staff.name,
            staff.organisation,
            staff.password_hash,
            staff.agency,
            staff.unit,
            staff.phone,
            staff.email
        )
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted == 0 {
            sqlx::query!(
                "UPDATE staff SET agency = COALESCE(agency, $2), unit = COALESCE(unit, $3),
                    phone = COALESCE(phone, $4), email = COALESCE(email, $5)
                 WHERE code = $1",
                staff.code,
                staff.agency,
                staff.unit,
                staff.phone,
                staff.email
            )
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(inserted > 0)
    }

    /// The code-request limits are locked, checked and hit with the insert (`limits.rs`).
    async fn issue_otp(
        &self,
        code: &NewOtp,
        limits: &[Limit],
        now: i64,
    ) -> StoreResult<Result<(), LimitReached>> {
        let mut tx = self.pool.begin().await?;
        lock_limits(&mut tx, limits, now).await?;
        if let Some(reached) = reached_limit(&mut tx, limits, now).await? {
            tx.commit().await?;
            return Ok(Err(reached));
        }
        hit_limits(&mut tx, limits, now).await?;
        sqlx::query!(
            "INSERT INTO one_time_codes (purpose, id_number, code_hash, expires_at)
             VALUES ($1, $2, $3, $4)",
            code.purpose.as_str(),
            code.id_number,
            code.code_hash,
            code.expires_at
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Ok(()))
    }

    /// The failure limits are locked and checked first; the code is used up by a conditional
    /// update, so of two right guesses at once only one is accepted.
    async fn check_otp(&self, guess: &OtpGuess, now: i64) -> StoreResult<OtpCheck> {
        let mut tx = self.pool.begin().await?;
        lock_limits(&mut tx, &guess.failure_limits, now).await?;
        if let Some(reached) = reached_limit(&mut tx, &guess.failure_limits, now).await? {
            tx.commit().await?;
            return Ok(OtpCheck::Limited(reached));
        }
        let newest = sqlx::query!(
            "SELECT id, code_hash, expires_at, used FROM one_time_codes
             WHERE id_number = $1 AND purpose = $2 ORDER BY id DESC LIMIT 1",
            guess.id_number,
            guess.purpose.as_str()
        )
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(code) = newest
            && !code.used
            && code.expires_at > now
            && code.code_hash == guess.code_hash
        {
            let taken = sqlx::query!(
                "UPDATE one_time_codes SET used = true WHERE id = $1 AND NOT used",
                code.id
            )
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if taken > 0 {
                tx.commit().await?;
                return Ok(OtpCheck::Accepted);
            }
        }
        hit_limits(&mut tx, &guess.failure_limits, now).await?;
        let counted = bump_counter(&mut tx, &guess.failure_counter, now).await?;
        tx.commit().await?;
        Ok(OtpCheck::Refused { counted })
    }

    async fn insert_access_token(&self, token: &AccessTokenRecord) -> StoreResult<()> {
        insert_access_token(&mut *self.pool.acquire().await?, token, None).await
    }

    async fn access_token(&self, token_hash: &str) -> StoreResult<Option<AccessTokenRecord>> {
        let Some(row) = sqlx::query!(
            "SELECT subject_kind, subject_id, expires_at FROM access_tokens
             WHERE token_hash = $1 AND NOT revoked",
            token_hash
        )
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        let subject = match row.subject_kind.as_str() {
            "citizen" => TokenSubject::Citizen {
                citizen_id: parse_uuid(&row.subject_id)?,
            },
            "staff" => TokenSubject::Staff {
                code: row.subject_id,
            },
            "assisted" => TokenSubject::Assisted {
                session_id: parse_uuid(&row.subject_id)?,
            },
            other => return Err(StoreError::Database(format!("stored token kind {other}"))),
        };
        Ok(Some(AccessTokenRecord {
            token_hash: token_hash.to_owned(),
            subject,
            expires_at: row.expires_at,
        }))
    }

    async fn revoke_access_token(&self, token_hash: &str) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        // A citizen's access token ends its whole sign-in, refresh token included.
        let family = sqlx::query_scalar!(
            "UPDATE access_tokens SET revoked = true WHERE token_hash = $1 RETURNING family_id",
            token_hash
        )
        .fetch_optional(&mut *tx)
        .await?
        .flatten();
        if let Some(family) = family {
            revoke_family(&mut tx, family).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn insert_sign_in(
        &self,
        access: &AccessTokenRecord,
        refresh: &RefreshTokenRecord,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        insert_access_token(&mut tx, access, Some(refresh.family_id)).await?;
        sqlx::query!(
            "INSERT INTO refresh_tokens (token_hash, family_id, citizen_id, expires_at)
             VALUES ($1, $2, $3, $4)",
            refresh.token_hash,
            refresh.family_id,
            refresh.citizen_id,
            refresh.expires_at
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The token's row is read `FOR UPDATE`: of two rotations of one token at once, the second
    /// waits and then sees the first one's spending (a retry within the grace, or reuse).
    async fn rotate_refresh_token(
        &self,
        rotation: &Rotation,
        now: i64,
    ) -> StoreResult<RefreshOutcome> {
        let mut tx = self.pool.begin().await?;
        let Some(token) = sqlx::query!(
            "SELECT family_id, citizen_id, expires_at, used, revoked, used_at, grace_used
             FROM refresh_tokens WHERE token_hash = $1 FOR UPDATE",
            rotation.old_hash
        )
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(RefreshOutcome::Refused);
        };
        if token.revoked || token.expires_at <= now {
            return Ok(RefreshOutcome::Refused);
        }
        if token.used {
            // The answer to the first rotation may have been lost: the same token once more,
            // soon after, is a retry. Anything else is reuse of a stolen token, and the
            // revocation commits although the answer is a refusal.
            let retry = !token.grace_used
                && token
                    .used_at
                    .is_some_and(|at| now - at <= rotation.grace_seconds);
            if !retry {
                revoke_family(&mut tx, token.family_id).await?;
                tx.commit().await?;
                return Ok(RefreshOutcome::Refused);
            }
            sqlx::query!(
                "UPDATE refresh_tokens SET grace_used = true WHERE token_hash = $1",
                rotation.old_hash
            )
            .execute(&mut *tx)
            .await?;
        } else {
            sqlx::query!(
                "UPDATE refresh_tokens SET used = true, used_at = $2 WHERE token_hash = $1",
                rotation.old_hash,
                now
            )
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query!(
            "INSERT INTO refresh_tokens (token_hash, family_id, citizen_id, expires_at)
             VALUES ($1, $2, $3, $4)",
            rotation.new_hash,
            token.family_id,
            token.citizen_id,
            rotation.new_expires_at
        )
        .execute(&mut *tx)
        .await?;
        insert_access_token(
            &mut tx,
            &AccessTokenRecord {
                token_hash: rotation.access_hash.clone(),
                subject: TokenSubject::Citizen {
                    citizen_id: token.citizen_id,
                },
                expires_at: rotation.access_expires_at,
            },
            Some(token.family_id),
        )
        .await?;
        tx.commit().await?;
        Ok(RefreshOutcome::Rotated {
            citizen_id: token.citizen_id,
        })
    }

    async fn revoke_sign_in(&self, refresh_hash: &str) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        let family = sqlx::query_scalar!(
            "SELECT family_id FROM refresh_tokens WHERE token_hash = $1",
            refresh_hash
        )
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(family) = family {
            revoke_family(&mut tx, family).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Openings of one staff member are serialised by the advisory lock of their code, held
    /// from the count to the commit, so parallel openings (on any instance) cannot pass the
    /// limit.
    async fn open_assist_session(
        &self,
        session: &AssistSessionRecord,
        token: &AccessTokenRecord,
        opened: &AccessEntry,
        per_hour: u32,
    ) -> StoreResult<SessionOpening> {
        let mut tx = self.pool.begin().await?;
        lock(&mut tx, LockSpace::StaffSessions, &session.staff_code).await?;
        let nearby = sqlx::query_scalar!(
            "SELECT created_at FROM assist_sessions
             WHERE staff_code = $1 AND created_at > $2::bigint - 3600
               AND created_at < $2::bigint + 3600
             ORDER BY created_at",
            session.staff_code,
            session.created_at
        )
        .fetch_all(&mut *tx)
        .await?;
        if let Some(retry_after) = hourly_refusal(&nearby, session.created_at, per_hour) {
            return Ok(SessionOpening::Refused { retry_after });
        }
        sqlx::query!(
            "INSERT INTO assist_sessions (id, staff_code, citizen_id, consent_method,
                consent_reference, venue_name, venue_unit_code, scopes, created_at, expires_at,
                recorded_at, device_offset_seconds)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            session.id,
            session.staff_code,
            session.citizen_id,
            session.consent_method,
            session.consent_reference,
            session.venue_name,
            session.venue_unit_code,
            to_json(&session.scopes)?,
            session.created_at,
            session.expires_at,
            session.recorded_at,
            session.device_offset_seconds
        )
        .execute(&mut *tx)
        .await?;
        insert_access_token(&mut tx, token, None).await?;
        insert_access(&mut tx, opened).await?;
        tx.commit().await?;
        Ok(SessionOpening::Opened)
    }

    async fn assist_session(&self, id: Uuid) -> StoreResult<Option<AssistSessionRecord>> {
        let row = sqlx::query!(
            "SELECT staff_code, citizen_id, consent_method, consent_reference, venue_name,
                    venue_unit_code, created_at, expires_at, ended_at, scopes, recorded_at,
                    device_offset_seconds
             FROM assist_sessions WHERE id = $1",
            id
        )
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            Ok(AssistSessionRecord {
                id,
                staff_code: row.staff_code,
                citizen_id: row.citizen_id,
                consent_method: row.consent_method,
                consent_reference: row.consent_reference,
                venue_name: row.venue_name,
                venue_unit_code: row.venue_unit_code,
                scopes: from_json(row.scopes)?,
                created_at: row.created_at,
                expires_at: row.expires_at,
                ended_at: row.ended_at,
                recorded_at: row.recorded_at,
                device_offset_seconds: row.device_offset_seconds,
            })
        })
        .transpose()
    }

    async fn end_assist_session(&self, id: Uuid, now: i64) -> StoreResult<()> {
        sqlx::query!(
            "UPDATE assist_sessions SET ended_at = $2 WHERE id = $1 AND ended_at IS NULL",
            id,
            now
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
