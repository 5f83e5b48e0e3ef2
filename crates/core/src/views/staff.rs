//! The shared-device screens: staff sign-in with the venue, the day's tally and its CSV.
//! The staff status, session and tally themselves are the core's staff mode's own types
//! (`crate::assist`).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::assist::{StaffSignInOptions, Tally};
use crate::error::CoreError;

/// `tally_csv`: the day's or event's tally as a CSV file to save.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "CsvExport"))]
#[serde(rename_all = "camelCase")]
pub struct CsvExportView {
    pub file_name: String,
    pub csv: String,
}

/// The tally as a CSV file to save: counts only, no codes, no initials.
pub fn tally_csv(tally: &Tally) -> CsvExportView {
    CsvExportView {
        file_name: format!("opendvc-tally-{}.csv", tally.day),
        csv: tally.to_csv(),
    }
}

/// A day as the UI sends it (`YYYY-MM-DD`); none or blank means today at the venue.
pub fn parse_day(day: Option<&str>) -> Result<Option<NaiveDate>, CoreError> {
    match day.map(str::trim).filter(|day| !day.is_empty()) {
        None => Ok(None),
        Some(day) => NaiveDate::parse_from_str(day, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| CoreError::InvalidDay(day.to_owned())),
    }
}

/// `staff_sign_in`: a DVC agent (at their post office, or another one named here) or a
/// volunteer (for an outreach event) signs in on a shared device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "StaffSignIn"))]
#[serde(rename_all = "camelCase")]
pub struct StaffSignInInput {
    pub code: String,
    pub password: String,
    /// A post office other than the agent's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub post_office: Option<String>,
    /// The outreach event a volunteer serves at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub event: Option<EventInput>,
    /// After a password change: the previous password opens the queue key kept here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub previous_password: Option<String>,
}

/// An outreach event as the volunteer enters it; the date comes as text so that a wrong one
/// is answered as a refused field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "EventInput"))]
#[serde(rename_all = "camelCase")]
pub struct EventInput {
    pub name: String,
    /// The commune-level unit's code.
    pub unit_code: String,
    /// `YYYY-MM-DD`.
    pub date: String,
}

/// The passwords the UI sent are wiped from memory once the sign-in is done.
impl Drop for StaffSignInInput {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        self.password.zeroize();
        if let Some(previous) = &mut self.previous_password {
            previous.zeroize();
        }
    }
}

impl StaffSignInInput {
    /// The core's sign-in options, or the names of the refused fields.
    pub fn options(&self) -> Result<StaffSignInOptions, CoreError> {
        let event = match &self.event {
            None => None,
            Some(event) => {
                let mut refused = Vec::new();
                if event.name.trim().is_empty() {
                    refused.push("event.name".to_owned());
                }
                if event.unit_code.trim().is_empty() {
                    refused.push("event.unitCode".to_owned());
                }
                let date = NaiveDate::parse_from_str(event.date.trim(), "%Y-%m-%d").ok();
                if date.is_none() {
                    refused.push("event.date".to_owned());
                }
                match date {
                    Some(date) if refused.is_empty() => Some((
                        event.name.trim().to_owned(),
                        event.unit_code.trim().to_owned(),
                        date,
                    )),
                    _ => return Err(CoreError::InvalidEvent(refused)),
                }
            }
        };
        Ok(StaffSignInOptions {
            post_office: self.post_office.clone(),
            event,
            previous_password: self
                .previous_password
                .clone()
                .filter(|password| !password.is_empty())
                .map(zeroize::Zeroizing::new),
        })
    }
}
