//! "Who used my data": the citizen's access log, read from the portal each time.

use serde::Serialize;

use crate::views::text::in_vietnam;

/// One entry of the citizen's access log, as the "who used my data" screen and
/// `opendvc access-log` show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct AccessLogEntryView {
    pub entry: opendvc_api::AccessLogEntry,
    /// When it happened in Vietnam time (UTC+7), `YYYY-MM-DD HH:MM`.
    pub vietnam_time: String,
}

/// One page of the citizen's access log, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct AccessLogView {
    pub entries: Vec<AccessLogEntryView>,
    /// Pass back for the next (older) page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub next_cursor: Option<String>,
}

/// Shapes a page of the portal's access log for the UI and the CLI.
pub fn access_log_view(log: opendvc_api::AccessLog) -> AccessLogView {
    AccessLogView {
        entries: log
            .items
            .into_iter()
            .map(|entry| AccessLogEntryView {
                vietnam_time: in_vietnam(entry.at).format("%Y-%m-%d %H:%M").to_string(),
                entry,
            })
            .collect(),
        next_cursor: log.next_cursor,
    }
}
