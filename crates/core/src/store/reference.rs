//! Reference data from the portal that the person needs offline: the administrative units
//! the delivery address is picked from, and the holiday calendars that working days are
//! counted with (one value per year). Kept as one JSON value in the `meta` table; the list
//! is the same for everyone and small (a few thousand units), and is only ever read whole.

use std::ops::RangeInclusive;

use opendvc_api::{AdminUnits, HolidayCalendar};
use rusqlite::Connection;

use super::{StoreError, meta};

const ADMIN_UNITS: &str = "admin_units";

/// The cached administrative units, if they were fetched before.
pub fn admin_units(conn: &Connection) -> Result<Option<AdminUnits>, StoreError> {
    meta::get(conn, ADMIN_UNITS)?
        .map(|json| serde_json::from_str(&json))
        .transpose()
        .map_err(StoreError::from)
}

pub fn save_admin_units(conn: &Connection, units: &AdminUnits) -> Result<(), StoreError> {
    meta::set(conn, ADMIN_UNITS, &serde_json::to_string(units)?)
}

fn holidays_key(year: i32) -> String {
    format!("holidays:{year}")
}

/// The cached holiday calendar of `year`, if it was fetched before.
pub fn holidays(conn: &Connection, year: i32) -> Result<Option<HolidayCalendar>, StoreError> {
    meta::get(conn, &holidays_key(year))?
        .map(|json| serde_json::from_str(&json))
        .transpose()
        .map_err(StoreError::from)
}

/// The cached calendars of the years in `years` (those that were fetched).
pub fn holiday_calendars(
    conn: &Connection,
    years: RangeInclusive<i32>,
) -> Result<Vec<HolidayCalendar>, StoreError> {
    let mut calendars = Vec::new();
    for year in years {
        calendars.extend(holidays(conn, year)?);
    }
    Ok(calendars)
}

pub fn save_holidays(conn: &Connection, calendar: &HolidayCalendar) -> Result<(), StoreError> {
    meta::set(
        conn,
        &holidays_key(calendar.year),
        &serde_json::to_string(calendar)?,
    )
}
