//! The public status of an application (`GET /v1/public/status/{code}?check=NNNN`): what anyone
//! holding the receipt may know without signing in, and nothing personal.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{ApplicationStatus, DeliveryMethod, DeliveryState, LocalizedText};

/// An application's status as the public status page shows it: the procedure, the status, the
/// due date and the delivery state. No name, no address, no ID number, no phone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct PublicStatus {
    /// The application code printed on the receipt (mã hồ sơ).
    pub code: String,
    pub procedure: PublicProcedure,
    pub status: ApplicationStatus,
    /// End of the last working day for processing (17:00 Vietnam time).
    pub due_at: DateTime<FixedOffset>,
    pub delivery: PublicDelivery,
}

/// The procedure of a [`PublicStatus`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct PublicProcedure {
    pub id: String,
    pub name: LocalizedText,
}

/// How the result of a [`PublicStatus`] reaches its holder; never the address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct PublicDelivery {
    pub method: DeliveryMethod,
    /// Postal delivery state; absent for the counter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub state: Option<DeliveryState>,
}
