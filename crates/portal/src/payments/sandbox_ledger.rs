//! The demo sandbox bank's book of transactions (`sandbox`), in memory: a demo portal is one
//! process. Held by the shared state, so it knows nothing of it.

use std::collections::HashMap;
use std::sync::Mutex;

/// A transaction the sandbox bank knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxTxn {
    /// `vnp_*` result parameters as sent with the IPN.
    pub amount_x100: String,
    pub order_info: String,
    pub transaction_no: String,
    pub pay_date: String,
    pub response_code: String,
    /// `00` paid, `02` failed.
    pub transaction_status: String,
    pub refunded: bool,
}

/// The sandbox bank's book, in memory (a demo portal is one process).
#[derive(Debug, Default)]
pub struct Ledger {
    transactions: Mutex<HashMap<String, SandboxTxn>>,
    pub client: reqwest::Client,
}

impl Ledger {
    pub fn book(&self) -> std::sync::MutexGuard<'_, HashMap<String, SandboxTxn>> {
        self.transactions
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
