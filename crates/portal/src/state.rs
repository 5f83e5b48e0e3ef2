//! The shared state of the HTTP handlers: one bundle of handles.

use std::sync::Arc;

use axum::extract::FromRef;
use opendvc_rules::WorkingCalendar;

use crate::auth::passwords::PasswordCheck;
use crate::client_address::TrustedProxies;
use crate::clock::Clock;
use crate::data::ReferenceData;
use crate::i18n::Texts;
use crate::idempotency::in_flight::InFlight;
use crate::notifications::Outbox;
use crate::store::Store;

/// Settings from the command line.
#[derive(Debug, Clone)]
pub struct Config {
    /// Lifetime of citizen access tokens, seconds.
    pub access_ttl: u32,
    /// Lifetime of assisted sessions, seconds.
    pub assist_ttl: u32,
    /// Whether demo-only endpoints (the dev outbox) exist.
    pub demo: bool,
    /// The load balancers whose `X-Forwarded-For` names the client (`--trusted-proxy`).
    pub trusted_proxies: TrustedProxies,
    /// The portal's address as residents reach it, without a trailing `/` (`--public-url`).
    pub public_url: String,
    /// The portal's own address for calls to itself (the demo sandbox bank's IPN and
    /// merchant API), without a trailing `/`.
    pub loopback_url: String,
}

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub data: Arc<ReferenceData>,
    pub calendar: Arc<WorkingCalendar>,
    pub texts: Arc<Texts>,
    /// The notification outbox: every SMS and e-mail goes through it.
    pub outbox: Arc<Outbox>,
    pub clock: Arc<dyn Clock>,
    /// The same clock, movable, in demo mode (`POST /v1/dev/clock`); `None` otherwise.
    pub demo_clock: Option<Arc<crate::clock::DemoClock>>,
    pub config: Config,
    /// The limits of `data/limits.json`, or of `serve --limits FILE`.
    pub limits: Arc<crate::limits::Limits>,
    /// Staff password verification, a few at a time.
    pub passwords: Arc<PasswordCheck>,
    pub in_flight: Arc<InFlight>,
    pub events: Arc<crate::events::hub::EventHub>,
    /// The client applications allowed to file Open311 requests (`[[open311.clients]]`).
    pub open311: Arc<crate::open311::keys::Open311Clients>,
    /// The payment providers configured (VNPay; in demo mode the sandbox bank).
    pub payments: Arc<crate::payments::provider::Providers>,
    /// The demo sandbox bank's book (`--demo` only).
    pub payments_sandbox: Option<Arc<crate::payments::sandbox_ledger::Ledger>>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("config", &self.config)
            .finish()
    }
}

/// The client address extractor (`client_address`) reads the trusted proxies from here.
impl FromRef<AppState> for TrustedProxies {
    fn from_ref(state: &AppState) -> Self {
        state.config.trusted_proxies.clone()
    }
}

impl AppState {
    /// Texts `citizen` the message `message_id` with `args`, in the citizen's language, at once
    /// whatever their quiet hours (a one-time code, the assisted-session notice, the code of an
    /// application made in a session); written into the outbox before the answer, and in demo
    /// mode attempted too, so a client that reads the dev outbox after the answer finds it.
    pub async fn text_citizen(
        &self,
        citizen: &crate::store::CitizenRecord,
        message_id: &str,
        args: &[(&str, String)],
    ) -> Result<(), crate::store::StoreError> {
        let language = citizen.profile.language.as_str();
        let body = self.texts.text(language, message_id, args);
        let notice = crate::notifications::compose::immediate_sms(
            Some(citizen.id),
            &citizen.profile.phone,
            language,
            message_id,
            body,
            self.clock.now(),
        );
        self.outbox.enqueue(vec![notice]).await
    }
}
