//! Reference data from the portal that the person needs offline: the administrative units
//! the delivery address is picked from. Kept as one JSON value in the `meta` table; the list
//! is the same for everyone and small (a few thousand units), and is only ever read whole.

use opendvc_api::AdminUnits;
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
