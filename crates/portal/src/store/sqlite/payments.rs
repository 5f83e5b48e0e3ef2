//! `PaymentStore` on SQLite: the `payments` table. Every write is one `IMMEDIATE` transaction
//! (one writer), with the application's change of the same payment applied inside it.

use async_trait::async_trait;
use chrono::{DateTime, FixedOffset};
use opendvc_api::{ErrorCode, PaymentMethod, PaymentStatus};
use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

use super::Cached;
use super::applications::{apply_change, owner_of};
use super::rows::{load_application, parse_uuid};
use super::{Database, SqliteStore};
use crate::error::ApiError;
use crate::store::payments::{PaymentRecord, PaymentStore, PaymentUpdate};
use crate::store::{ChangeDecision, IdempotencyRecord, StoreError, StoreResult};

const COLUMNS: &str = "id, application_id, citizen_id, method, provider, txn_ref, provider_txn, \
    amount, status, redirect_url, created_unix, expires_unix, paid_unix, receipt_json";

fn stored(text: &str, what: &str) -> StoreError {
    StoreError::Database(format!("stored payment {what} {text:?} is not known"))
}

/// A row as read, typed by column.
struct Row {
    id: String,
    application_id: String,
    citizen_id: String,
    method: String,
    provider: String,
    txn_ref: String,
    provider_txn: Option<String>,
    amount: i64,
    status: String,
    redirect_url: Option<String>,
    created_unix: i64,
    expires_unix: i64,
    paid_unix: Option<i64>,
    receipt_json: Option<String>,
}

fn read(row: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok(Row {
        id: row.get(0)?,
        application_id: row.get(1)?,
        citizen_id: row.get(2)?,
        method: row.get(3)?,
        provider: row.get(4)?,
        txn_ref: row.get(5)?,
        provider_txn: row.get(6)?,
        amount: row.get(7)?,
        status: row.get(8)?,
        redirect_url: row.get(9)?,
        created_unix: row.get(10)?,
        expires_unix: row.get(11)?,
        paid_unix: row.get(12)?,
        receipt_json: row.get(13)?,
    })
}

fn record(row: Row) -> StoreResult<PaymentRecord> {
    Ok(PaymentRecord {
        id: parse_uuid(&row.id)?,
        application_id: parse_uuid(&row.application_id)?,
        citizen_id: parse_uuid(&row.citizen_id)?,
        method: PaymentMethod::parse(&row.method).ok_or_else(|| stored(&row.method, "method"))?,
        provider: row.provider,
        txn_ref: row.txn_ref,
        provider_txn: row.provider_txn,
        amount: row.amount,
        status: PaymentStatus::parse(&row.status).ok_or_else(|| stored(&row.status, "status"))?,
        redirect_url: row.redirect_url,
        created_unix: row.created_unix,
        expires_unix: row.expires_unix,
        paid_unix: row.paid_unix,
        receipt: row
            .receipt_json
            .map(|json| serde_json::from_str(&json))
            .transpose()?,
    })
}

fn one(conn: &Connection, filter: &str, value: &str) -> StoreResult<Option<PaymentRecord>> {
    conn.query_row_cached(
        &format!("SELECT {COLUMNS} FROM payments WHERE {filter} = ?1"),
        params![value],
        read,
    )
    .optional()?
    .map(record)
    .transpose()
}

fn many(
    conn: &Connection,
    sql: &str,
    value: impl rusqlite::ToSql,
) -> StoreResult<Vec<PaymentRecord>> {
    let mut statement = conn.prepare_cached(sql)?;
    let rows = statement
        .query_map(params![value], read)?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter().map(record).collect()
}

fn one_pending_refusal() -> StoreError {
    StoreError::Refused(ApiError::invalid_state(
        "This application has a pending payment already; finish or wait for it first.",
    ))
}

fn is_unique_violation(error: &rusqlite::Error) -> bool {
    error.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation)
}

/// Applies the change `then` decides for the payment's application, when it has entries.
fn apply_then(
    tx: &Connection,
    application_id: Uuid,
    then: Option<ChangeDecision>,
    now: DateTime<FixedOffset>,
) -> StoreResult<()> {
    let Some(decide) = then else {
        return Ok(());
    };
    let current = load_application(tx, None, application_id)?
        .ok_or_else(|| StoreError::Database("a payment's application vanished".into()))?;
    let owner = owner_of(tx, application_id)?
        .ok_or_else(|| StoreError::Database("a payment's application has no owner".into()))?;
    let change = decide(&current)?;
    if change.entries.is_empty() && change.inbox.is_empty() && change.notices.is_empty() {
        return Ok(());
    }
    apply_change(tx, owner, &current, &change, now)
}

impl Database {
    fn insert_payment(
        &self,
        payment: &PaymentRecord,
        then: Option<ChangeDecision>,
        now: DateTime<FixedOffset>,
        idempotency: Option<IdempotencyRecord>,
    ) -> StoreResult<PaymentRecord> {
        self.write(|tx| {
            let inserted = tx.execute_cached(
                &format!(
                    "INSERT INTO payments ({COLUMNS}, updated_unix)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?11)"
                ),
                params![
                    payment.id.to_string(),
                    payment.application_id.to_string(),
                    payment.citizen_id.to_string(),
                    payment.method.as_str(),
                    payment.provider,
                    payment.txn_ref,
                    payment.provider_txn,
                    payment.amount,
                    payment.status.as_str(),
                    payment.redirect_url,
                    payment.created_unix,
                    payment.expires_unix,
                    payment.paid_unix,
                    payment
                        .receipt
                        .as_ref()
                        .map(serde_json::to_string)
                        .transpose()?,
                ],
            );
            match inserted {
                Err(error) if is_unique_violation(&error) => return Err(one_pending_refusal()),
                other => other?,
            };
            apply_then(tx, payment.application_id, then, now)?;
            if let Some(record) = idempotency {
                let stored = tx.execute_cached(
                    "INSERT OR IGNORE INTO idempotency_keys (scope, request_hash, status, body, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![
                        record.scope,
                        record.request_hash,
                        record.status,
                        serde_json::to_string(&payment.wire())?,
                        record.created_at
                    ],
                )?;
                if stored == 0 {
                    return Err(StoreError::Refused(ApiError::new(
                        ErrorCode::IdempotencyInFlight,
                        "A request with this Idempotency-Key was processed meanwhile; resend to get its answer.",
                    )));
                }
            }
            Ok(payment.clone())
        })
    }

    fn update_payment(
        &self,
        id: Uuid,
        from: PaymentStatus,
        update: &PaymentUpdate,
        then: Option<ChangeDecision>,
        now: DateTime<FixedOffset>,
    ) -> StoreResult<Option<PaymentRecord>> {
        self.write(|tx| {
            let changed = tx.execute_cached(
                "UPDATE payments SET status = ?3,
                    provider_txn = COALESCE(?4, provider_txn),
                    paid_unix = COALESCE(?5, paid_unix),
                    receipt_json = COALESCE(?6, receipt_json),
                    updated_unix = ?7
                 WHERE id = ?1 AND status = ?2",
                params![
                    id.to_string(),
                    from.as_str(),
                    update.status.as_str(),
                    update.provider_txn,
                    update.paid_unix,
                    update
                        .receipt
                        .as_ref()
                        .map(serde_json::to_string)
                        .transpose()?,
                    now.timestamp(),
                ],
            );
            let changed = match changed {
                Err(error) if is_unique_violation(&error) => {
                    return Err(StoreError::Refused(ApiError::invalid_state(
                        "The provider's transaction is recorded on another payment.",
                    )));
                }
                other => other?,
            };
            if changed == 0 {
                return Ok(None);
            }
            let payment = one(tx, "id", &id.to_string())?
                .ok_or_else(|| StoreError::Database("an updated payment vanished".into()))?;
            apply_then(tx, payment.application_id, then, now)?;
            Ok(Some(payment))
        })
    }
}

#[async_trait]
impl PaymentStore for SqliteStore {
    async fn insert_payment(
        &self,
        record: &PaymentRecord,
        then: Option<ChangeDecision>,
        now: DateTime<FixedOffset>,
        idempotency: Option<IdempotencyRecord>,
    ) -> StoreResult<PaymentRecord> {
        let record = record.clone();
        self.blocking(move |db| db.insert_payment(&record, then, now, idempotency))
            .await
    }

    async fn payment(&self, id: Uuid) -> StoreResult<Option<PaymentRecord>> {
        self.blocking(move |db| one(&db.reader(), "id", &id.to_string()))
            .await
    }

    async fn payment_by_txn_ref(&self, txn_ref: &str) -> StoreResult<Option<PaymentRecord>> {
        let txn_ref = txn_ref.to_owned();
        self.blocking(move |db| one(&db.reader(), "txn_ref", &txn_ref))
            .await
    }

    async fn payments_of_application(
        &self,
        application_id: Uuid,
    ) -> StoreResult<Vec<PaymentRecord>> {
        self.blocking(move |db| {
            many(
                &db.reader(),
                &format!(
                    "SELECT {COLUMNS} FROM payments WHERE application_id = ?1
                     ORDER BY created_unix, id"
                ),
                application_id.to_string(),
            )
        })
        .await
    }

    async fn pending_payments(&self, created_before: i64) -> StoreResult<Vec<PaymentRecord>> {
        self.blocking(move |db| {
            many(
                &db.reader(),
                &format!(
                    "SELECT {COLUMNS} FROM payments
                     WHERE status = 'pending' AND created_unix < ?1
                     ORDER BY created_unix, id"
                ),
                created_before,
            )
        })
        .await
    }

    async fn update_payment(
        &self,
        id: Uuid,
        from: PaymentStatus,
        update: &PaymentUpdate,
        then: Option<ChangeDecision>,
        now: DateTime<FixedOffset>,
    ) -> StoreResult<Option<PaymentRecord>> {
        let update = update.clone();
        self.blocking(move |db| db.update_payment(id, from, &update, then, now))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_sqlite_store_keeps_every_payment_promise() {
        let dir = std::env::temp_dir().join(format!("opendvc-payments-{}", Uuid::now_v7()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let store = SqliteStore::open(&dir.join("portal.db")).expect("store opens");
        crate::store::payments_contract::check_every_promise(&store).await;
        drop(store);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
