//! `PaymentStore` on PostgreSQL (queries checked at run time, `sqlx::query`). One pending
//! payment per application is the partial unique index `payments_one_pending`: of two parallel
//! inserts one fails on it and rolls back. A payment moves by a conditional `UPDATE … WHERE
//! status = from`: a second settler waits for the first one's row lock, then finds the status
//! moved and changes nothing. The application's change is applied under its row lock
//! (`FOR UPDATE`), taken after the payment's, in the same transaction.

use async_trait::async_trait;
use chrono::{DateTime, FixedOffset};
use opendvc_api::{ErrorCode, PaymentMethod, PaymentStatus};
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, Row};
use uuid::Uuid;

use super::PostgresStore;
use super::applications::apply_change;
use super::rows::load_application;
use crate::error::ApiError;
use crate::store::payments::{PaymentRecord, PaymentStore, PaymentUpdate};
use crate::store::{ChangeDecision, IdempotencyRecord, StoreError, StoreResult};

/// The columns every query reads, as a literal so the queries stay `&'static str`.
macro_rules! columns {
    () => {
        "id, application_id, citizen_id, method, provider, txn_ref, provider_txn, amount, \
         status, redirect_url, created_unix, expires_unix, paid_unix, receipt_json"
    };
}

fn record(row: &PgRow) -> StoreResult<PaymentRecord> {
    let method: String = row.try_get("method")?;
    let status: String = row.try_get("status")?;
    let receipt: Option<String> = row.try_get("receipt_json")?;
    Ok(PaymentRecord {
        id: row.try_get("id")?,
        application_id: row.try_get("application_id")?,
        citizen_id: row.try_get("citizen_id")?,
        method: PaymentMethod::parse(&method)
            .ok_or_else(|| StoreError::Database(format!("stored payment method {method:?}")))?,
        provider: row.try_get("provider")?,
        txn_ref: row.try_get("txn_ref")?,
        provider_txn: row.try_get("provider_txn")?,
        amount: row.try_get("amount")?,
        status: PaymentStatus::parse(&status)
            .ok_or_else(|| StoreError::Database(format!("stored payment status {status:?}")))?,
        redirect_url: row.try_get("redirect_url")?,
        created_unix: row.try_get("created_unix")?,
        expires_unix: row.try_get("expires_unix")?,
        paid_unix: row.try_get("paid_unix")?,
        receipt: receipt
            .map(|json| serde_json::from_str(&json))
            .transpose()?,
    })
}

fn unique_violation(error: &sqlx::Error) -> Option<String> {
    match error {
        sqlx::Error::Database(database) if database.code().as_deref() == Some("23505") => {
            Some(database.constraint().unwrap_or_default().to_owned())
        }
        _ => None,
    }
}

async fn apply_then(
    conn: &mut PgConnection,
    application_id: Uuid,
    then: Option<ChangeDecision>,
    now: DateTime<FixedOffset>,
) -> StoreResult<()> {
    let Some(decide) = then else {
        return Ok(());
    };
    let owner: Uuid = sqlx::query_scalar::<_, Uuid>(
        "SELECT citizen_id FROM applications WHERE id = $1 FOR UPDATE",
    )
    .bind(application_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| StoreError::Database("a payment's application vanished".into()))?;
    let current = load_application(conn, None, application_id)
        .await?
        .ok_or_else(|| StoreError::Database("a payment's application vanished".into()))?;
    let change = decide(&current)?;
    if change.entries.is_empty() && change.inbox.is_empty() && change.notices.is_empty() {
        return Ok(());
    }
    apply_change(conn, owner, &current, &change, now).await
}

#[async_trait]
impl PaymentStore for PostgresStore {
    async fn insert_payment(
        &self,
        payment: &PaymentRecord,
        then: Option<ChangeDecision>,
        now: DateTime<FixedOffset>,
        idempotency: Option<IdempotencyRecord>,
    ) -> StoreResult<PaymentRecord> {
        let mut tx = self.pool.begin().await?;
        let inserted = sqlx::query(concat!(
            "INSERT INTO payments (",
            columns!(),
            ", updated_unix)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $11)"
        ))
        .bind(payment.id)
        .bind(payment.application_id)
        .bind(payment.citizen_id)
        .bind(payment.method.as_str())
        .bind(&payment.provider)
        .bind(&payment.txn_ref)
        .bind(&payment.provider_txn)
        .bind(payment.amount)
        .bind(payment.status.as_str())
        .bind(&payment.redirect_url)
        .bind(payment.created_unix)
        .bind(payment.expires_unix)
        .bind(payment.paid_unix)
        .bind(
            payment
                .receipt
                .as_ref()
                .map(serde_json::to_string)
                .transpose()?,
        )
        .execute(&mut *tx)
        .await;
        if let Err(error) = inserted {
            return Err(match unique_violation(&error) {
                Some(_) => StoreError::Refused(ApiError::invalid_state(
                    "This application has a pending payment already; finish or wait for it first.",
                )),
                None => error.into(),
            });
        }
        apply_then(&mut tx, payment.application_id, then, now).await?;
        if let Some(record) = idempotency {
            let stored = sqlx::query(
                "INSERT INTO idempotency_keys (scope, request_hash, status, body, created_at)
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (scope) DO NOTHING",
            )
            .bind(&record.scope)
            .bind(&record.request_hash)
            .bind(i32::from(record.status))
            .bind(serde_json::to_string(&payment.wire())?)
            .bind(record.created_at)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if stored == 0 {
                return Err(StoreError::Refused(ApiError::new(
                    ErrorCode::IdempotencyInFlight,
                    "A request with this Idempotency-Key was processed meanwhile; resend to get its answer.",
                )));
            }
        }
        tx.commit().await?;
        self.sequencer.committed();
        Ok(payment.clone())
    }

    async fn payment(&self, id: Uuid) -> StoreResult<Option<PaymentRecord>> {
        sqlx::query(concat!(
            "SELECT ",
            columns!(),
            " FROM payments WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .as_ref()
        .map(record)
        .transpose()
    }

    async fn payment_by_txn_ref(&self, txn_ref: &str) -> StoreResult<Option<PaymentRecord>> {
        sqlx::query(concat!(
            "SELECT ",
            columns!(),
            " FROM payments WHERE txn_ref = $1"
        ))
        .bind(txn_ref)
        .fetch_optional(&self.pool)
        .await?
        .as_ref()
        .map(record)
        .transpose()
    }

    async fn payments_of_application(
        &self,
        application_id: Uuid,
    ) -> StoreResult<Vec<PaymentRecord>> {
        sqlx::query(concat!(
            "SELECT ",
            columns!(),
            " FROM payments WHERE application_id = $1 ORDER BY created_unix, id"
        ))
        .bind(application_id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(record)
        .collect()
    }

    async fn pending_payments(&self, created_before: i64) -> StoreResult<Vec<PaymentRecord>> {
        sqlx::query(concat!(
            "SELECT ",
            columns!(),
            " FROM payments WHERE status = 'pending' AND created_unix < $1
             ORDER BY created_unix, id"
        ))
        .bind(created_before)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(record)
        .collect()
    }

    async fn update_payment(
        &self,
        id: Uuid,
        from: PaymentStatus,
        update: &PaymentUpdate,
        then: Option<ChangeDecision>,
        now: DateTime<FixedOffset>,
    ) -> StoreResult<Option<PaymentRecord>> {
        let mut tx = self.pool.begin().await?;
        let updated = sqlx::query(concat!(
            "UPDATE payments SET status = $3,
                provider_txn = COALESCE($4, provider_txn),
                paid_unix = COALESCE($5, paid_unix),
                receipt_json = COALESCE($6, receipt_json),
                updated_unix = $7
             WHERE id = $1 AND status = $2
             RETURNING ",
            columns!()
        ))
        .bind(id)
        .bind(from.as_str())
        .bind(update.status.as_str())
        .bind(&update.provider_txn)
        .bind(update.paid_unix)
        .bind(
            update
                .receipt
                .as_ref()
                .map(serde_json::to_string)
                .transpose()?,
        )
        .bind(now.timestamp())
        .fetch_optional(&mut *tx)
        .await;
        let row = match updated {
            Err(error) if unique_violation(&error).is_some() => {
                return Err(StoreError::Refused(ApiError::invalid_state(
                    "The provider's transaction is recorded on another payment.",
                )));
            }
            other => other?,
        };
        let Some(row) = row else {
            return Ok(None);
        };
        let payment = record(&row)?;
        apply_then(&mut tx, payment.application_id, then, now).await?;
        tx.commit().await?;
        self.sequencer.committed();
        Ok(Some(payment))
    }
}
