//! What every `PaymentStore` promises, checked on a store given: SQLite's tests
//! (`store::sqlite::payments`) and PostgreSQL's (`store::postgres::tests`, on the server of
//! `OPENDVC_TEST_DATABASE_URL`) run the same checks.

use chrono::{DateTime, FixedOffset};
use opendvc_api::{
    Actor, ActorKind, ApplicationStatus, ErrorCode, PaymentMethod, PaymentStatus, Profile,
};
use uuid::Uuid;

use super::{
    ApplicationChange, ApplicationDraft, ChangeDecision, CitizenRecord, PaymentRecord,
    PaymentUpdate, Store, StoreError,
};

fn at(text: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(text).expect("a time")
}

fn pending(application_id: Uuid, citizen_id: Uuid, created: i64) -> PaymentRecord {
    let id = Uuid::now_v7();
    PaymentRecord {
        id,
        application_id,
        citizen_id,
        method: PaymentMethod::Vnpay,
        provider: "vnpay".into(),
        txn_ref: id.simple().to_string(),
        provider_txn: None,
        amount: 200_000,
        status: PaymentStatus::Pending,
        redirect_url: Some("https://bank.example/pay".into()),
        created_unix: created,
        expires_unix: created + 1800,
        paid_unix: None,
        receipt: None,
    }
}

fn to_received() -> ChangeDecision {
    Box::new(|application| {
        let mut change = ApplicationChange::default();
        if application.status == ApplicationStatus::AwaitingPayment {
            change.entries.push((
                ApplicationStatus::Received,
                Actor {
                    kind: ActorKind::System,
                    name: String::new(),
                    code: None,
                    venue: None,
                },
                None,
            ));
        }
        Ok(change)
    })
}

fn paid(txn: &str, at: i64) -> PaymentUpdate {
    PaymentUpdate {
        status: PaymentStatus::Paid,
        provider_txn: Some(txn.into()),
        paid_unix: Some(at),
        receipt: None,
    }
}

/// Runs every promise of `PaymentStore` on `store`.
pub async fn check_every_promise(store: &dyn Store) {
    let profile: Profile = serde_json::from_value(serde_json::json!({
        "idNumber": "048090007777", "fullName": "Người Trả Tiền", "birthDate": "1990-01-01",
        "gender": "other", "phone": "+84905007777", "language": "vi",
        "address": {"provinceCode": "48", "unitCode": "20194", "street": "1 Test"},
        "updatedAt": "2026-11-29T09:00:00+07:00"
    }))
    .expect("profile parses");
    let citizen_id = Uuid::now_v7();
    store
        .seed_citizen(
            &CitizenRecord {
                id: citizen_id,
                profile,
            },
            &[],
            &[],
        )
        .await
        .expect("citizen inserted");
    let now = at("2026-12-06T09:00:00+07:00");
    let mut draft = ApplicationDraft::sample(citizen_id, now);
    draft.first_status = ApplicationStatus::AwaitingPayment;
    let application = store
        .create_application(draft, None)
        .await
        .expect("application inserted");
    assert_eq!(application.status, ApplicationStatus::AwaitingPayment);
    let created = now.timestamp();

    let first = pending(application.id, citizen_id, created);
    store
        .insert_payment(&first, None, now, None)
        .await
        .expect("a first pending payment is inserted");
    let second = pending(application.id, citizen_id, created + 1);
    match store.insert_payment(&second, None, now, None).await {
        Err(StoreError::Refused(error)) => assert_eq!(
            error.problem.code,
            ErrorCode::InvalidState,
            "a second pending payment is refused as a state conflict"
        ),
        other => panic!("a second pending payment is refused: {other:?}"),
    }
    assert_eq!(
        store
            .payment_by_txn_ref(&first.txn_ref)
            .await
            .expect("reads"),
        Some(first.clone()),
        "a payment reads back by its reference exactly as inserted"
    );
    assert_eq!(
        store
            .pending_payments(created + 1)
            .await
            .expect("reads")
            .iter()
            .map(|payment| payment.id)
            .collect::<Vec<_>>(),
        [first.id],
        "pending payments older than the limit are listed"
    );
    assert!(
        store
            .pending_payments(created)
            .await
            .expect("reads")
            .is_empty(),
        "a payment created at the limit is not older than it"
    );

    let settled = store
        .update_payment(
            first.id,
            PaymentStatus::Pending,
            &paid("14000001", created + 60),
            Some(to_received()),
            now,
        )
        .await
        .expect("settles")
        .expect("a pending payment moves");
    assert_eq!(
        (
            settled.status,
            settled.provider_txn.as_deref(),
            settled.paid_unix
        ),
        (PaymentStatus::Paid, Some("14000001"), Some(created + 60))
    );
    assert_eq!(
        store
            .application(None, application.id)
            .await
            .expect("reads")
            .expect("exists")
            .status,
        ApplicationStatus::Received,
        "the application moves in the payment's transaction"
    );
    assert_eq!(
        store
            .update_payment(
                first.id,
                PaymentStatus::Pending,
                &paid("14000001", created + 61),
                Some(to_received()),
                now,
            )
            .await
            .expect("answers"),
        None,
        "a payment no longer pending does not move again"
    );

    let other = pending(application.id, citizen_id, created + 2);
    store
        .insert_payment(&other, None, now, None)
        .await
        .expect("with the first settled, a new pending payment is allowed");
    match store
        .update_payment(
            other.id,
            PaymentStatus::Pending,
            &paid("14000001", created + 90),
            None,
            now,
        )
        .await
    {
        Err(StoreError::Refused(_)) => {}
        other => panic!("one provider transaction is recorded on one payment only: {other:?}"),
    }
    assert_eq!(
        store
            .payments_of_application(application.id)
            .await
            .expect("reads")
            .iter()
            .map(|payment| (payment.id, payment.status))
            .collect::<Vec<_>>(),
        [
            (first.id, PaymentStatus::Paid),
            (other.id, PaymentStatus::Pending)
        ],
        "the application's payments, oldest first, the refused update undone"
    );
}
