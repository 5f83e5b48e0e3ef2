//! Applications with their timelines. The timeline is kept inside the application's JSON: it
//! is always read and replaced together with the application, never queried on its own.

use opendvc_api::Application;
use rusqlite::{Connection, OptionalExtension, params};

use super::StoreError;
use crate::store::statements::Cached;

pub fn upsert(conn: &Connection, application: &Application) -> Result<(), StoreError> {
    conn.execute_cached(
        "INSERT INTO applications (id, code, status, submitted_at, due_at, json)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (id) DO UPDATE SET code = excluded.code, status = excluded.status,
             submitted_at = excluded.submitted_at, due_at = excluded.due_at, json = excluded.json",
        params![
            application.id.to_string(),
            application.code,
            application.status.as_str(),
            application.submitted_at.to_rfc3339(),
            application.due_at.to_rfc3339(),
            serde_json::to_string(application)?
        ],
    )?;
    Ok(())
}

/// All applications, newest submission first.
pub fn list(conn: &Connection) -> Result<Vec<Application>, StoreError> {
    let mut statement =
        conn.prepare_cached("SELECT json FROM applications ORDER BY submitted_at DESC, id")?;
    let rows = statement.query_map([], |row| row.get::<_, String>(0))?;
    let mut applications = Vec::new();
    for json in rows {
        applications.push(serde_json::from_str(&json?)?);
    }
    Ok(applications)
}

/// One application by its code (mã hồ sơ) or its id.
pub fn find(conn: &Connection, code_or_id: &str) -> Result<Option<Application>, StoreError> {
    let json: Option<String> = conn
        .query_row_cached(
            "SELECT json FROM applications WHERE code = ?1 OR id = ?1 LIMIT 1",
            params![code_or_id],
            |row| row.get(0),
        )
        .optional()?;
    Ok(json.map(|json| serde_json::from_str(&json)).transpose()?)
}

/// How many applications are in each status.
pub fn count_by_status(conn: &Connection) -> Result<Vec<(String, u64)>, StoreError> {
    let mut statement = conn.prepare_cached(
        "SELECT status, COUNT(*) FROM applications GROUP BY status ORDER BY status",
    )?;
    let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Applications that need the person: a supplement is requested, or the due date passed
/// while the city is still working on it. Times are compared with SQLite's `julianday`, which
/// understands the offsets in the stored RFC 3339 text.
pub fn needing_action(
    conn: &Connection,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<Application>, StoreError> {
    let mut statement = conn.prepare_cached(
        "SELECT json FROM applications
         WHERE status = 'supplement_requested'
            OR (julianday(due_at) < julianday(?1)
                AND status NOT IN ('completed', 'handed_over', 'rejected', 'withdrawn'))
         ORDER BY due_at, id",
    )?;
    let rows = statement.query_map(params![now.to_rfc3339()], |row| row.get::<_, String>(0))?;
    let mut applications = Vec::new();
    for json in rows {
        applications.push(serde_json::from_str(&json?)?);
    }
    Ok(applications)
}
