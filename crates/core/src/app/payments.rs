//! Paying an application's fee. Unlike everything else the person changes, a payment never
//! goes through the queue: it is started at the portal at once, or not at all ("needs a
//! connection"), so that nobody pays for something the portal has not priced, and the
//! application stays as it is until then. The start carries an `Idempotency-Key` kept in the
//! cache until the portal's answer is stored, so a retry after a lost answer gets the first
//! payment back, never a second. The payments the portal answered (with their receipts) are
//! cached, so the step and the wallet's receipts show offline.

use opendvc_api::{Application, Payment, PaymentMethod};
use uuid::Uuid;

use super::{ActiveProfile, OpenDvc};
use crate::client::ClientError;
use crate::error::CoreError;
use crate::events::CoreEvent;
use crate::store::{applications, payments};
use crate::views::payments::{PaymentReceiptEntry, PaymentStepView, payment_step, receipt_entries};

impl OpenDvc {
    /// The "Pay" step of an application from the cache (works offline).
    pub fn payment_step(&self, application_id: Uuid) -> Result<PaymentStepView, CoreError> {
        let profile = self.active()?;
        let (application, cached) = profile.cache.read(|conn| {
            Ok((
                applications::find(conn, &application_id.to_string())?,
                payments::for_application(conn, application_id)?,
            ))
        })?;
        let application =
            application.ok_or_else(|| CoreError::UnknownApplication(application_id.to_string()))?;
        Ok(payment_step(&application, cached, self.online_now()))
    }

    /// Asks the portal for the application and its payments, caches both, and answers the
    /// step. When the portal cannot be reached the cached step is the answer (marked offline),
    /// not an error: the page still shows what the device knows.
    pub async fn refresh_payments(
        &self,
        application_id: Uuid,
    ) -> Result<PaymentStepView, CoreError> {
        let profile = self.payer()?;
        match self.fetch_payments(profile, application_id).await {
            Ok(()) => {}
            Err(CoreError::Client(error)) if error.is_offline() => {}
            Err(error) => return Err(error),
        }
        self.payment_step(application_id)
    }

    /// Starts paying an application by `method` at the portal and caches the payment; for
    /// VNPay its `redirectUrl` is the provider's page to open. Offline nothing is kept or
    /// queued: the answer is [`CoreError::PaymentNeedsConnection`].
    pub async fn pay(
        &self,
        application_id: Uuid,
        method: PaymentMethod,
    ) -> Result<Payment, CoreError> {
        let profile = self.payer()?;
        let now = self.now();
        let key = profile
            .cache
            .write(|tx| payments::start_key(tx, application_id, method, Uuid::now_v7(), now))?;
        let started = profile
            .client
            .start_payment(application_id, method, key)
            .await;
        self.note_client_result(&started);
        let payment = match started {
            Ok(payment) => payment,
            Err(error) if error.is_offline() => return Err(CoreError::PaymentNeedsConnection),
            Err(error @ ClientError::Conflict { .. }) => {
                // Another payment is pending (started on another device, or by an answer this
                // device lost with another method): show it rather than start a second.
                let _refreshed = self.fetch_payments(profile, application_id).await;
                return Err(error.into());
            }
            Err(error) => return Err(error.into()),
        };
        profile.cache.write(|tx| {
            payments::upsert(tx, &payment)?;
            payments::forget_key(tx, application_id)
        })?;
        self.emit(CoreEvent::ApplicationsChanged);
        Ok(payment)
    }

    /// The payment a deep link (`opendvc://payments/{id}`, from the provider's return page)
    /// names, refreshed from the portal with its application; offline, as cached.
    pub async fn refresh_payment(&self, payment_id: Uuid) -> Result<Payment, CoreError> {
        let profile = self.payer()?;
        let cached = profile
            .cache
            .read(|conn| payments::get(conn, payment_id))?
            .ok_or(CoreError::UnknownPayment(payment_id))?;
        match self.fetch_payments(profile, cached.application_id).await {
            Ok(()) => {}
            Err(CoreError::Client(error)) if error.is_offline() => {}
            Err(error) => return Err(error),
        }
        Ok(profile
            .cache
            .read(|conn| payments::get(conn, payment_id))?
            .unwrap_or(cached))
    }

    /// The electronic receipts kept on this device, newest first (works offline).
    pub fn receipts(&self) -> Result<Vec<PaymentReceiptEntry>, CoreError> {
        let profile = self.active()?;
        Ok(receipt_entries(
            profile.cache.read(payments::with_receipts)?,
        ))
    }

    /// The application and its payments from the portal, into the cache.
    async fn fetch_payments(
        &self,
        profile: &ActiveProfile,
        application_id: Uuid,
    ) -> Result<(), CoreError> {
        let listed = profile.client.payments(application_id).await;
        self.note_client_result(&listed);
        let listed = listed?;
        let application: Result<Application, ClientError> =
            profile.client.application(application_id).await;
        self.note_client_result(&application);
        let application = application?;
        profile.cache.write(|tx| {
            applications::upsert(tx, &application)?;
            for payment in &listed.payments {
                payments::upsert(tx, payment)?;
            }
            Ok(())
        })?;
        self.emit(CoreEvent::ApplicationsChanged);
        Ok(())
    }

    /// The open profile when it may pay: the citizen's own sign-in with tokens. In an assisted
    /// session the citizen pays at the counter, recorded by the officer.
    fn payer(&self) -> Result<&ActiveProfile, CoreError> {
        let profile = self.active()?;
        if profile.assisted.is_some() {
            return Err(CoreError::PaymentOwnSignInOnly);
        }
        if !profile.session.is_signed_in() {
            return Err(CoreError::NotSignedIn);
        }
        Ok(profile)
    }
}
