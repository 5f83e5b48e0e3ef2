//! The signed-in citizen's profile (one row).

use opendvc_api::Profile;
use rusqlite::{Connection, OptionalExtension, params};

use super::StoreError;
use crate::store::statements::Cached;

pub fn save(conn: &Connection, profile: &Profile) -> Result<(), StoreError> {
    conn.execute_cached(
        "INSERT INTO profile (id, json) VALUES (1, ?1)
         ON CONFLICT (id) DO UPDATE SET json = excluded.json",
        params![serde_json::to_string(profile)?],
    )?;
    Ok(())
}

pub fn load(conn: &Connection) -> Result<Option<Profile>, StoreError> {
    let json: Option<String> = conn
        .query_row_cached("SELECT json FROM profile WHERE id = 1", [], |row| {
            row.get(0)
        })
        .optional()?;
    Ok(json.map(|json| serde_json::from_str(&json)).transpose()?)
}
