//! The agent's day or the event's tally: people helped, submissions per service, sent against
//! waiting, and its CSV. No personal data beyond initials and application codes, and none of
//! those in the CSV.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use opendvc_api::LocalizedText;
use opendvc_rules::VIETNAM;
use serde::Serialize;
use uuid::Uuid;

use super::files::Venue;
use crate::app::OpenDvc;
use crate::error::CoreError;
use crate::error::StaffError;
use crate::queue::{ItemKind, ItemState};

/// How long the tally of a finished session is kept on the device, days.
pub const TALLY_KEPT_DAYS: i64 = 90;

/// One submission in the tally: application code (once sent) and the citizen's initials.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TallyEntry {
    pub session_id: Uuid,
    pub citizen_initials: String,
    pub procedure_id: String,
    /// `sent`, `waiting` or `needs_attention`.
    #[cfg_attr(feature = "ts", ts(type = "'sent' | 'waiting' | 'needs_attention'"))]
    pub state: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub application_code: Option<String>,
}

/// Counts per service.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ServiceCount {
    pub sent: u64,
    pub waiting: u64,
    pub needs_attention: u64,
}

/// The agent's day or the event's tally: no personal data beyond initials and codes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Tally {
    pub day: NaiveDate,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub venue: Option<String>,
    pub people_helped: u64,
    pub submissions: u64,
    pub sent: u64,
    pub waiting: u64,
    pub needs_attention: u64,
    pub per_service: BTreeMap<String, ServiceCount>,
    /// Names of the services in `per_service`, where known.
    pub service_names: BTreeMap<String, LocalizedText>,
    pub entries: Vec<TallyEntry>,
}

impl Tally {
    /// The tally as CSV: one line per service, then the totals. Only procedure ids and
    /// counts: no codes, no initials, nothing about a person.
    pub fn to_csv(&self) -> String {
        let mut csv = String::from("day,venue,service,service_name,sent,waiting,needs_attention\n");
        let venue = csv_field(self.venue.as_deref().unwrap_or(""));
        for (service, count) in &self.per_service {
            let name = self
                .service_names
                .get(service)
                .map(|name| name.vi.as_str())
                .unwrap_or_default();
            csv.push_str(&format!(
                "{},{},{},{},{},{},{}\n",
                self.day,
                venue,
                csv_field(service),
                csv_field(name),
                count.sent,
                count.waiting,
                count.needs_attention
            ));
        }
        csv.push_str(&format!(
            "{},{},*,,{},{},{}\n",
            self.day, venue, self.sent, self.waiting, self.needs_attention
        ));
        csv.push_str(&format!(
            "{},{},people_helped,,{},,\n",
            self.day, venue, self.people_helped
        ));
        csv
    }
}

/// Quotes a CSV field when needed, and defuses spreadsheet formulas.
fn csv_field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

impl OpenDvc {
    /// The tally of `day` (default today in Vietnam) for the signed-in staff member: people
    /// helped, submissions per service, sent against waiting. Works offline and without the
    /// queue key: it reads only what is stored in the clear.
    pub fn tally(&self, day: Option<NaiveDate>) -> Result<Tally, CoreError> {
        let file = self.staff_dirs().load()?;
        if file.staff.is_none() {
            return Err(StaffError::NotSignedIn.into());
        }
        if file.locked {
            return Err(StaffError::Locked.into());
        }
        let day = day.unwrap_or_else(|| {
            self.options
                .clock
                .now()
                .with_timezone(&VIETNAM)
                .date_naive()
        });
        let mut tally = Tally {
            day,
            venue: file.venue.as_ref().map(|venue| venue.name().to_owned()),
            people_helped: 0,
            submissions: 0,
            sent: 0,
            waiting: 0,
            needs_attention: 0,
            per_service: BTreeMap::new(),
            service_names: BTreeMap::new(),
            entries: Vec::new(),
        };
        for (record, queue) in self.staff_queues(&file)? {
            let opened_on = match &record.venue {
                Venue::Event { date, .. } => *date,
                Venue::PostOffice { .. } => record.opened_at.with_timezone(&VIETNAM).date_naive(),
            };
            if opened_on != day {
                continue;
            }
            tally.people_helped += 1;
            tally.service_names.extend(record.service_names.clone());
            for item in queue.items(false)? {
                if item.kind() != ItemKind::CreateApplication {
                    continue;
                }
                let procedure_id = item.payload.procedure_id().unwrap_or_default().to_owned();
                let count = tally.per_service.entry(procedure_id.clone()).or_default();
                let state = match item.state {
                    ItemState::Sent => {
                        tally.sent += 1;
                        count.sent += 1;
                        "sent"
                    }
                    ItemState::NeedsAttention => {
                        tally.needs_attention += 1;
                        count.needs_attention += 1;
                        "needs_attention"
                    }
                    _ => {
                        tally.waiting += 1;
                        count.waiting += 1;
                        "waiting"
                    }
                };
                tally.submissions += 1;
                tally.entries.push(TallyEntry {
                    session_id: record.id,
                    citizen_initials: record.citizen_initials.clone(),
                    procedure_id,
                    state: state.to_owned(),
                    application_code: item.application_code.clone(),
                });
            }
        }
        Ok(tally)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tally_csv_holds_counts_and_defuses_formulas() {
        let mut per_service = BTreeMap::new();
        per_service.insert(
            "id-card-renewal".to_owned(),
            ServiceCount {
                sent: 2,
                waiting: 1,
                needs_attention: 0,
            },
        );
        let tally = Tally {
            day: NaiveDate::from_ymd_opt(2026, 11, 29).expect("a date"),
            venue: Some("=HYPERLINK(\"x\")".to_owned()),
            people_helped: 3,
            submissions: 3,
            sent: 2,
            waiting: 1,
            needs_attention: 0,
            per_service,
            service_names: BTreeMap::from([(
                "id-card-renewal".to_owned(),
                LocalizedText {
                    vi: "Cấp đổi thẻ căn cước".to_owned(),
                    en: "ID card renewal".to_owned(),
                    id: None,
                },
            )]),
            entries: vec![TallyEntry {
                session_id: Uuid::nil(),
                citizen_initials: "NTL".to_owned(),
                procedure_id: "id-card-renewal".to_owned(),
                state: "sent".to_owned(),
                application_code: Some("000.00.48.H17-261129-0001".to_owned()),
            }],
        };
        let csv = tally.to_csv();
        assert!(
            csv.contains(
                "2026-11-29,\"'=HYPERLINK(\"\"x\"\")\",id-card-renewal,Cấp đổi thẻ căn cước,2,1,0"
            ),
            "{csv}"
        );
        assert!(!csv.contains("NTL"), "no initials in the CSV");
        assert!(
            !csv.contains("H17-261129"),
            "no application codes in the CSV"
        );
    }
}
