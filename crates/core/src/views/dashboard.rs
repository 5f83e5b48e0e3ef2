//! The home screen: what needs the person now, from the cache and the queue only.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::NaiveDate;
use opendvc_api::{ApplicationStatus, Document, Profile};
use serde::{Deserialize, Serialize};

use crate::queue::QueueSummary;
use crate::reminders::RulesTable;
use crate::views::applications::{ApplicationEntry, ApplicationView};
use crate::views::documents::{ValidityView, validity};
use crate::views::queue::QueueItemView;

/// How many documents the home screen lists by their coming expiry.
pub const NEXT_RENEWALS: usize = 3;

/// What the home screen shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Dashboard {
    pub signed_in: bool,
    pub portal_url: Option<String>,
    pub full_name: Option<String>,
    /// Whether the portal was reachable at the last attempt; `None` before any.
    pub online: Option<bool>,
    pub queue: QueueSummary,
    pub counts_by_status: BTreeMap<String, u64>,
    /// Applications that need the person: supplement requested, overdue, or refused locally.
    pub needing_action: Vec<ApplicationEntry>,
    pub documents: u64,
    pub unread_inbox: u64,
    pub last_sync_at: Option<String>,
    pub catalog_version: Option<String>,
    /// Set when the cache was found damaged at this start and rebuilt.
    pub cache_rebuilt_from: Option<PathBuf>,
}

/// The numbers on the dashboard.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct DashboardCounts {
    pub applications: u64,
    pub in_progress: u64,
    pub unread_inbox: u64,
    pub waiting_to_send: u64,
    pub needs_attention: u64,
}

/// `dashboard`: what needs the person now, from the cache.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "Dashboard"))]
#[serde(rename_all = "camelCase")]
pub struct DashboardView {
    pub online: bool,
    pub profile: Profile,
    pub needs_action: Vec<ApplicationView>,
    pub waiting_to_send: Vec<QueueItemView>,
    pub next_renewals: Vec<ValidityView>,
    pub counts: DashboardCounts,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub synced_at: Option<String>,
}

/// The dashboard's numbers: applications by status, and the queue.
pub fn counts(dashboard: &Dashboard) -> DashboardCounts {
    let count = |status: ApplicationStatus| {
        dashboard
            .counts_by_status
            .get(status.as_str())
            .copied()
            .unwrap_or(0)
    };
    DashboardCounts {
        applications: dashboard.counts_by_status.values().sum(),
        in_progress: [
            ApplicationStatus::Received,
            ApplicationStatus::Processing,
            ApplicationStatus::SupplementRequested,
        ]
        .into_iter()
        .map(count)
        .sum(),
        unread_inbox: dashboard.unread_inbox,
        waiting_to_send: dashboard.queue.queued + dashboard.queue.sending,
        needs_attention: dashboard.queue.needs_attention,
    }
}

/// The documents that expire soonest, with their validity on `today`.
pub fn next_renewals(
    documents: &[Document],
    birth_date: Option<NaiveDate>,
    rules: &RulesTable,
    today: NaiveDate,
) -> Vec<ValidityView> {
    let mut next: Vec<ValidityView> = documents
        .iter()
        .map(|document| validity(document, birth_date, rules, today))
        .filter(|validity| validity.days_left.is_some())
        .collect();
    next.sort_by_key(|validity| validity.days_left);
    next.truncate(NEXT_RENEWALS);
    next
}

/// The home screen of a signed-in person, from the façade's dashboard and what it lists.
pub fn dashboard_view(
    dashboard: &Dashboard,
    profile: Profile,
    needs_action: Vec<ApplicationView>,
    waiting_to_send: Vec<QueueItemView>,
    next_renewals: Vec<ValidityView>,
) -> DashboardView {
    DashboardView {
        // Before the first attempt nothing says the portal is away; the first sync tells.
        online: dashboard.online.unwrap_or(true),
        profile,
        needs_action,
        waiting_to_send,
        next_renewals,
        counts: counts(dashboard),
        synced_at: dashboard.last_sync_at.clone(),
    }
}

/// A dashboard for nobody signed in.
pub fn signed_out(
    portal_url: Option<String>,
    online: Option<bool>,
    cache_rebuilt_from: Option<PathBuf>,
) -> Dashboard {
    Dashboard {
        signed_in: false,
        portal_url,
        full_name: None,
        online,
        queue: QueueSummary::default(),
        counts_by_status: BTreeMap::new(),
        needing_action: Vec::<ApplicationEntry>::new(),
        documents: 0,
        unread_inbox: 0,
        last_sync_at: None,
        catalog_version: None,
        cache_rebuilt_from,
    }
}
