//! Paying an application's fee (issue 17): the providers behind one trait (`provider`; VNPay
//! v2.1.0 in `vnpay`), the resident's payments (`resident`), the provider's callback (`ipn`),
//! the browser's return page that only shows the state (`return_page`), the reconciliation of
//! payments whose callback never came (`reconcile`), what settling a payment does (`settle`),
//! the officers' refund and cash record (`officer`), the small HTML pages (`page`) and the demo
//! portal's sandbox bank (`sandbox`, its book in `sandbox_ledger`).
//!
//! **Only the IPN or the reconciliation changes an online payment**: the return page reads,
//! and the sandbox changes a payment only through the signed IPN it sends.

pub mod ipn;
pub mod officer;
pub mod page;
pub mod provider;
pub mod reconcile;
pub mod resident;
pub mod return_page;
pub mod sandbox;
pub mod sandbox_ledger;
pub mod settle;
pub mod vnpay;
