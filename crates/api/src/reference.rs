//! Reference data: administrative units and public holidays.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::LocalizedText;

/// A province or centrally-run city (the upper tier).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Province {
    pub code: String,
    pub name: String,
}

/// Kind of a commune-level unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// Phường.
    Ward,
    /// Xã.
    Commune,
    /// Đặc khu.
    SpecialZone,
}

/// A commune-level unit (the lower tier), with the names people still write for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct AdminUnit {
    pub code: String,
    pub name: String,
    pub kind: UnitKind,
    pub province_code: String,
    /// Names of the wards, communes and districts merged into this unit on 1 July 2025.
    #[serde(default)]
    pub former_names: Vec<String>,
}

/// `GET /v1/admin-units`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct AdminUnits {
    /// Changes when the list changes.
    pub version: String,
    pub provinces: Vec<Province>,
    pub units: Vec<AdminUnit>,
}

/// One public holiday (a day off work).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Holiday {
    pub date: NaiveDate,
    pub name: LocalizedText,
    /// Whether the government has confirmed this date (some are announced late in the year).
    pub confirmed: bool,
}

/// `GET /v1/holidays/{year}`: the days off for civil servants in that year, weekends excluded
/// except where a weekend day is listed for completeness. Saturdays and Sundays never count as
/// working days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct HolidayCalendar {
    pub year: i32,
    pub days: Vec<Holiday>,
    /// Weekend days declared working days to make up for a bridge holiday.
    #[serde(default)]
    pub working_weekends: Vec<NaiveDate>,
    /// Where the dates come from.
    pub source: String,
}
