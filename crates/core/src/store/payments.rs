//! The payments of the citizen's applications as the portal last answered them (with the
//! electronic receipt inside the JSON once paid, so a receipt shows offline), and the
//! `Idempotency-Key` of a payment being started, kept until the portal's answer is stored so
//! that a retry after a lost answer can never start a second payment.

use chrono::{DateTime, Utc};
use opendvc_api::{Payment, PaymentMethod};
use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

use super::StoreError;
use crate::store::statements::Cached;

pub fn upsert(conn: &Connection, payment: &Payment) -> Result<(), StoreError> {
    conn.execute_cached(
        "INSERT INTO payments (id, application_id, status, created_at, json)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (id) DO UPDATE SET application_id = excluded.application_id,
             status = excluded.status, created_at = excluded.created_at, json = excluded.json",
        params![
            payment.payment_id.to_string(),
            payment.application_id.to_string(),
            payment.status.as_str(),
            super::time_text(payment.created_at),
            serde_json::to_string(payment)?
        ],
    )?;
    Ok(())
}

/// One application's payments, newest first.
pub fn for_application(
    conn: &Connection,
    application_id: Uuid,
) -> Result<Vec<Payment>, StoreError> {
    let mut statement = conn.prepare_cached(
        "SELECT json FROM payments WHERE application_id = ?1 ORDER BY created_at DESC, id DESC",
    )?;
    let rows = statement.query_map(params![application_id.to_string()], |row| {
        row.get::<_, String>(0)
    })?;
    let mut payments = Vec::new();
    for json in rows {
        payments.push(serde_json::from_str(&json?)?);
    }
    Ok(payments)
}

pub fn get(conn: &Connection, payment_id: Uuid) -> Result<Option<Payment>, StoreError> {
    let json: Option<String> = conn
        .query_row_cached(
            "SELECT json FROM payments WHERE id = ?1",
            params![payment_id.to_string()],
            |row| row.get(0),
        )
        .optional()?;
    Ok(json.map(|json| serde_json::from_str(&json)).transpose()?)
}

/// Every payment that carries a receipt (paid, or paid and then refunded), newest first.
pub fn with_receipts(conn: &Connection) -> Result<Vec<Payment>, StoreError> {
    let mut statement = conn.prepare_cached(
        "SELECT json FROM payments WHERE json_extract(json, '$.receipt') IS NOT NULL
         ORDER BY created_at DESC, id DESC",
    )?;
    let rows = statement.query_map([], |row| row.get::<_, String>(0))?;
    let mut payments = Vec::new();
    for json in rows {
        payments.push(serde_json::from_str(&json?)?);
    }
    Ok(payments)
}

/// The key of the payment being started for an application by `method`: the one kept from an
/// attempt whose answer never arrived, else a new one, kept before it is sent. A different
/// method replaces the kept key: the portal holds at most one pending payment per application,
/// so a second start is refused there, never doubled.
pub fn start_key(
    conn: &Connection,
    application_id: Uuid,
    method: PaymentMethod,
    new_key: Uuid,
    now: DateTime<Utc>,
) -> Result<Uuid, StoreError> {
    let kept: Option<(String, String)> = conn
        .query_row_cached(
            "SELECT method, key FROM payment_keys WHERE application_id = ?1",
            params![application_id.to_string()],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    if let Some((kept_method, key)) = kept
        && kept_method == method.as_str()
        && let Ok(key) = Uuid::parse_str(&key)
    {
        return Ok(key);
    }
    conn.execute_cached(
        "INSERT INTO payment_keys (application_id, method, key, created_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (application_id) DO UPDATE SET method = excluded.method, key = excluded.key,
             created_at = excluded.created_at",
        params![
            application_id.to_string(),
            method.as_str(),
            new_key.to_string(),
            super::time_text(now)
        ],
    )?;
    Ok(new_key)
}

/// Forgets the key once the portal's answer is stored: the next start is a new payment (after a
/// failed or expired one).
pub fn forget_key(conn: &Connection, application_id: Uuid) -> Result<(), StoreError> {
    conn.execute_cached(
        "DELETE FROM payment_keys WHERE application_id = ?1",
        params![application_id.to_string()],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Cache;
    use chrono::TimeZone;
    use opendvc_api::{LocalizedText, PaymentReceipt, PaymentStatus};

    fn payment(id: u128, application: u128, status: PaymentStatus, minute: u32) -> Payment {
        let created_at = Utc
            .with_ymd_and_hms(2026, 12, 6, 9, minute, 0)
            .single()
            .expect("a valid time");
        Payment {
            payment_id: Uuid::from_u128(id),
            application_id: Uuid::from_u128(application),
            method: PaymentMethod::Vnpay,
            amount: 200_000,
            status,
            redirect_url: None,
            provider_ref: None,
            created_at,
            paid_at: (status == PaymentStatus::Paid).then_some(created_at),
            receipt: (status == PaymentStatus::Paid).then(|| PaymentReceipt {
                receipt_no: format!("BL-{id}"),
                payer: "Nguyễn Văn An".to_owned(),
                amount: 200_000,
                procedure_id: "passport".to_owned(),
                procedure_name: LocalizedText {
                    vi: "Cấp hộ chiếu".to_owned(),
                    en: "Passport".to_owned(),
                    id: Some("Paspor".to_owned()),
                },
                application_code: "DN-1".to_owned(),
                provider: "vnpay".to_owned(),
                provider_ref: "14123456".to_owned(),
                paid_at: created_at,
            }),
        }
    }

    #[test]
    fn payments_are_listed_per_application_newest_first_and_receipts_across_them() {
        let cache = Cache::in_memory().expect("an in-memory cache");
        cache
            .write(|tx| {
                upsert(tx, &payment(1, 10, PaymentStatus::Failed, 1))?;
                upsert(tx, &payment(2, 10, PaymentStatus::Paid, 2))?;
                upsert(tx, &payment(3, 11, PaymentStatus::Pending, 3))
            })
            .expect("the cache answers");
        let listed = cache
            .read(|conn| for_application(conn, Uuid::from_u128(10)))
            .expect("the cache answers");
        let ids: Vec<_> = listed.iter().map(|p| p.payment_id.as_u128()).collect();
        assert_eq!(ids, [2, 1], "one application's payments, newest first");
        let receipts = cache.read(with_receipts).expect("the cache reads");
        assert_eq!(receipts.len(), 1, "only the paid payment carries a receipt");
        assert_eq!(receipts[0].payment_id, Uuid::from_u128(2));
    }

    #[test]
    fn a_payment_answered_again_replaces_the_cached_one() {
        let cache = Cache::in_memory().expect("an in-memory cache");
        cache
            .write(|tx| upsert(tx, &payment(1, 10, PaymentStatus::Pending, 1)))
            .expect("the cache answers");
        cache
            .write(|tx| upsert(tx, &payment(1, 10, PaymentStatus::Paid, 1)))
            .expect("the cache answers");
        let cached = cache
            .read(|conn| get(conn, Uuid::from_u128(1)))
            .expect("the cache reads");
        assert_eq!(cached.map(|p| p.status), Some(PaymentStatus::Paid));
    }

    #[test]
    fn a_retry_of_the_same_start_reuses_its_key_until_the_answer_is_stored() {
        let cache = Cache::in_memory().expect("an in-memory cache");
        let application = Uuid::from_u128(10);
        let now = Utc
            .with_ymd_and_hms(2026, 12, 6, 9, 0, 0)
            .single()
            .expect("a valid time");
        let first = cache
            .write(|tx| {
                start_key(
                    tx,
                    application,
                    PaymentMethod::Vnpay,
                    Uuid::from_u128(100),
                    now,
                )
            })
            .expect("the cache answers");
        let retry = cache
            .write(|tx| {
                start_key(
                    tx,
                    application,
                    PaymentMethod::Vnpay,
                    Uuid::from_u128(101),
                    now,
                )
            })
            .expect("the cache answers");
        assert_eq!(
            first, retry,
            "a retry after a lost answer sends the same key"
        );
        let other_method = cache
            .write(|tx| {
                start_key(
                    tx,
                    application,
                    PaymentMethod::Counter,
                    Uuid::from_u128(102),
                    now,
                )
            })
            .expect("the cache answers");
        assert_eq!(
            other_method,
            Uuid::from_u128(102),
            "another method is another request"
        );
        cache
            .write(|tx| forget_key(tx, application))
            .expect("the cache writes");
        let next = cache
            .write(|tx| {
                start_key(
                    tx,
                    application,
                    PaymentMethod::Counter,
                    Uuid::from_u128(103),
                    now,
                )
            })
            .expect("the cache answers");
        assert_eq!(
            next,
            Uuid::from_u128(103),
            "after an answer, a new start is a new payment"
        );
    }
}
