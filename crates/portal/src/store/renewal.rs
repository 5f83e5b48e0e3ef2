//! What the portal's renewal notices (`crate::renewal_notices`, through `RenewalStore`) read
//! of a citizen: the documents, the birth date an ID card's expiry follows from, and the stages
//! already notified.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use opendvc_api::Document;
use opendvc_rules::renewal::FiredStage;
use uuid::Uuid;

/// A citizen's documents as the renewal notices see them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenewalHolder {
    pub citizen_id: Uuid,
    /// An ID card's expiry follows from it (the age milestones).
    pub birth_date: NaiveDate,
    pub documents: Vec<Document>,
    /// The stages already notified, per document and expiry.
    pub notified: BTreeSet<FiredStage>,
}
