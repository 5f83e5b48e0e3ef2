//! [`PortalClient`] itself: its configuration, its state (the HTTP client, the portal's
//! address, the token store, the staff session and clock it names) and how it is built. The
//! requests are in `request`, the endpoints in the client's `mod.rs`.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use uuid::Uuid;

use super::errors::ClientError;
use super::tokens::TokenStore;
use crate::clock::Clock;

/// Timeouts of the client.
#[derive(Debug, Clone, Copy)]
pub struct ClientConfig {
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    /// Uploads of up to 20 MiB on a slow line need longer than ordinary requests.
    pub upload_timeout: Duration,
    /// Largest answer accepted, in bytes; a larger one is [`ClientError::Malformed`].
    pub max_answer_bytes: usize,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(30),
            upload_timeout: Duration::from_secs(300),
            // Room for a catalog of tens of thousands of procedures.
            max_answer_bytes: 256 * 1024 * 1024,
        }
    }
}

/// A client of one portal.
#[derive(Clone)]
pub struct PortalClient {
    pub(super) http: reqwest::Client,
    pub(super) base: String,
    pub(super) tokens: Arc<dyn TokenStore>,
    pub(super) config: ClientConfig,
    /// Set on a staff member's delivery client: every request names the assisted session
    /// its work was created in (see the portal's late delivery rule).
    pub(super) assist_session: Option<String>,
    /// The device's clock, read for `X-Device-Time` on the staff requests that need it
    /// ([`PortalClient::with_device_clock`]).
    pub(super) device_clock: Option<Arc<dyn Clock>>,
}

/// Header naming the assisted session whose queued work a staff token delivers.
pub const ASSIST_SESSION_HEADER: &str = "X-Assist-Session";

impl fmt::Debug for PortalClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PortalClient")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

impl PortalClient {
    /// A client of the portal at `base_url` (e.g. `http://127.0.0.1:8080`).
    pub fn new(
        base_url: &str,
        tokens: Arc<dyn TokenStore>,
        config: ClientConfig,
    ) -> Result<PortalClient, ClientError> {
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .user_agent(concat!("opendvc-core/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|error| ClientError::Unreachable(error.to_string()))?;
        Ok(PortalClient {
            http,
            base: base_url.trim_end_matches('/').to_owned(),
            tokens,
            config,
            assist_session: None,
            device_clock: None,
        })
    }

    /// This client, telling the portal the device's time (`X-Device-Time`, RFC 3339, from
    /// `clock`) on every staff request that records a session opened offline or delivers a
    /// session's work late: the portal judges the session's window with the device's clock
    /// offset, so a laptop whose clock nobody set still delivers.
    pub fn with_device_clock(mut self, clock: Arc<dyn Clock>) -> PortalClient {
        self.device_clock = Some(clock);
        self
    }

    /// The device's time as the header carries it.
    pub(super) fn device_time(&self) -> Option<String> {
        self.device_clock.as_ref().map(|clock| {
            clock
                .now()
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
        })
    }

    /// This client, sending its requests as deliveries of work created in the assisted
    /// session `session_id` (with a staff token).
    pub fn delivering_for(mut self, session_id: Uuid) -> PortalClient {
        self.assist_session = Some(session_id.to_string());
        self
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }
}
