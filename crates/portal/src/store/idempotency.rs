//! What an idempotent request stores with its change (`crate::idempotency`): the record
//! written in the change's transaction, the answer read back for a replay, and an item of an
//! assisted session delivered late, counted with it.

use uuid::Uuid;

/// An item delivered late for an assisted session (`late_delivery`): counted against the
/// session's limit in the same transaction as the change it comes with, so parallel
/// deliveries cannot exceed it. A refused change is not counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LateItem {
    pub session_id: Uuid,
    /// Items the session may deliver late in all.
    pub limit: u32,
}

/// The stored answer to an idempotent request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    pub request_hash: String,
    pub status: u16,
    pub body: String,
}

/// The idempotency record to write with a change, in the same transaction.
#[derive(Debug, Clone)]
pub struct IdempotencyRecord {
    /// Citizen, method, path and key, joined.
    pub scope: String,
    pub request_hash: String,
    /// Status of the success response to store.
    pub status: u16,
    pub created_at: i64,
    /// Set when the request delivers work of an assisted session late; counted with the
    /// stored response, so a replay (answered from the record) is never counted again.
    pub late_item: Option<LateItem>,
}
