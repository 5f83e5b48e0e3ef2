//! Reference data from the portal that the person needs offline: the administrative units
//! the delivery address is picked from, and the holiday calendars that working days are
//! counted with (one value per year). Kept as one JSON value in the `meta` table; the list
//! is the same for everyone and small (a few thousand units), and is only ever read whole.

use std::ops::RangeInclusive;
use std::sync::{Arc, Mutex, PoisonError};

use opendvc_api::{AdminUnits, HolidayCalendar};
use rusqlite::Connection;
use uuid::Uuid;

use super::{StoreError, meta};

const ADMIN_UNITS: &str = "admin_units";
/// A new id at every save of the units: what the parsed copy below is keyed by.
const ADMIN_UNITS_REVISION: &str = "admin_units_revision";

/// The units last parsed, with the revision they were stored under. Every enqueue checks its
/// address against the units, and parsing a few thousand of them from JSON cost as much CPU as
/// the enqueue's own commit; the revision is one short row. Keyed by a revision id unique to
/// each save, one copy serves any database (a second profile, the staff catalog): a database
/// whose revision differs, or has none (units saved by an older version), is read and parsed.
static PARSED_UNITS: Mutex<Option<(String, Arc<AdminUnits>)>> = Mutex::new(None);

/// The cached administrative units, if they were fetched before.
pub fn admin_units(conn: &Connection) -> Result<Option<Arc<AdminUnits>>, StoreError> {
    let revision = meta::get(conn, ADMIN_UNITS_REVISION)?;
    if let Some(revision) = &revision {
        let parsed = PARSED_UNITS.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((parsed_revision, units)) = parsed.as_ref()
            && parsed_revision == revision
        {
            return Ok(Some(Arc::clone(units)));
        }
    }
    let Some(json) = meta::get(conn, ADMIN_UNITS)? else {
        return Ok(None);
    };
    let units = Arc::new(serde_json::from_str::<AdminUnits>(&json)?);
    if let Some(revision) = revision {
        *PARSED_UNITS.lock().unwrap_or_else(PoisonError::into_inner) =
            Some((revision, Arc::clone(&units)));
    }
    Ok(Some(units))
}

/// Stores `units` under a new revision.
pub fn save_admin_units(conn: &Connection, units: &AdminUnits) -> Result<(), StoreError> {
    meta::set(conn, ADMIN_UNITS, &serde_json::to_string(units)?)?;
    meta::set(conn, ADMIN_UNITS_REVISION, &Uuid::now_v7().to_string())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Cache;

    fn units(version: &str) -> AdminUnits {
        AdminUnits {
            version: version.to_owned(),
            provinces: Vec::new(),
            units: Vec::new(),
        }
    }

    fn version_read(cache: &Cache) -> Option<String> {
        cache
            .read(admin_units)
            .expect("the units are read")
            .map(|units| units.version.clone())
    }

    #[test]
    fn a_second_save_is_what_the_next_read_returns() {
        let cache = Cache::in_memory().expect("cache");
        assert_eq!(version_read(&cache), None);
        cache
            .write(|tx| save_admin_units(tx, &units("first")))
            .expect("saved");
        assert_eq!(version_read(&cache).as_deref(), Some("first"));
        cache
            .write(|tx| save_admin_units(tx, &units("second")))
            .expect("saved");
        assert_eq!(version_read(&cache).as_deref(), Some("second"));
    }

    #[test]
    fn two_databases_each_read_their_own_units() {
        let one = Cache::in_memory().expect("cache");
        let two = Cache::in_memory().expect("cache");
        one.write(|tx| save_admin_units(tx, &units("one")))
            .expect("saved");
        two.write(|tx| save_admin_units(tx, &units("two")))
            .expect("saved");
        for _ in 0..2 {
            assert_eq!(version_read(&one).as_deref(), Some("one"));
            assert_eq!(version_read(&two).as_deref(), Some("two"));
        }
    }

    #[test]
    fn a_save_rolled_back_leaves_the_units_stored_before() {
        let cache = Cache::in_memory().expect("cache");
        cache
            .write(|tx| save_admin_units(tx, &units("kept")))
            .expect("saved");
        assert_eq!(version_read(&cache).as_deref(), Some("kept"));
        let rolled_back: Result<(), StoreError> = cache.write(|tx| {
            save_admin_units(tx, &units("rolled back"))?;
            let seen = admin_units(tx)?.map(|units| units.version.clone());
            assert_eq!(
                seen.as_deref(),
                Some("rolled back"),
                "seen inside its write"
            );
            Err(StoreError::Sqlite(rusqlite::Error::InvalidQuery))
        });
        assert!(rolled_back.is_err());
        assert_eq!(version_read(&cache).as_deref(), Some("kept"));
    }

    #[test]
    fn units_saved_without_a_revision_are_still_read() {
        let cache = Cache::in_memory().expect("cache");
        cache
            .write(|tx| save_admin_units(tx, &units("revised")))
            .expect("saved");
        assert_eq!(version_read(&cache).as_deref(), Some("revised"));
        // As an older version of the app stored them: the JSON alone.
        let older = Cache::in_memory().expect("cache");
        older
            .write(|tx| meta::set(tx, ADMIN_UNITS, &serde_json::to_string(&units("older"))?))
            .expect("saved");
        assert_eq!(version_read(&older).as_deref(), Some("older"));
        assert_eq!(version_read(&cache).as_deref(), Some("revised"));
    }
}
