//! The inbox screen.

use opendvc_api::InboxItem;
use serde::{Deserialize, Serialize};

/// How many inbox items the inbox screen shows.
pub const INBOX_LIMIT: u32 = 200;

/// `inbox`: an inbox item and whether the person read it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct InboxEntry {
    pub item: InboxItem,
    pub read: bool,
}
