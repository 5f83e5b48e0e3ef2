//! The resident's feedback items (with their timelines inside the JSON, read and replaced
//! together like applications), and the services feedback is filed in, cached for the form
//! offline.

use chrono::{DateTime, Utc};
use opendvc_api::{Feedback, FeedbackServices};
use rusqlite::{Connection, OptionalExtension, params};

use super::StoreError;
use crate::store::statements::Cached;

pub fn upsert(conn: &Connection, feedback: &Feedback) -> Result<(), StoreError> {
    let status = serde_json::to_value(feedback.status)?;
    conn.execute_cached(
        "INSERT INTO feedback (id, status, submitted_at, json) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (id) DO UPDATE SET status = excluded.status,
             submitted_at = excluded.submitted_at, json = excluded.json",
        params![
            feedback.id.to_string(),
            status.as_str().unwrap_or_default(),
            feedback.submitted_at.to_rfc3339(),
            serde_json::to_string(feedback)?
        ],
    )?;
    Ok(())
}

/// All of the resident's feedback, newest first.
pub fn list(conn: &Connection) -> Result<Vec<Feedback>, StoreError> {
    let mut statement =
        conn.prepare_cached("SELECT json FROM feedback ORDER BY julianday(submitted_at) DESC, id")?;
    let rows = statement.query_map([], |row| row.get::<_, String>(0))?;
    let mut items = Vec::new();
    for json in rows {
        items.push(serde_json::from_str(&json?)?);
    }
    Ok(items)
}

pub fn get(conn: &Connection, id: uuid::Uuid) -> Result<Option<Feedback>, StoreError> {
    let json: Option<String> = conn
        .query_row_cached(
            "SELECT json FROM feedback WHERE id = ?1",
            params![id.to_string()],
            |row| row.get(0),
        )
        .optional()?;
    Ok(json.map(|json| serde_json::from_str(&json)).transpose()?)
}

/// Replaces the cached services list.
pub fn save_services(
    conn: &Connection,
    services: &FeedbackServices,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    conn.execute_cached(
        "INSERT INTO feedback_services (id, json, fetched_at) VALUES (1, ?1, ?2)
         ON CONFLICT (id) DO UPDATE SET json = excluded.json, fetched_at = excluded.fetched_at",
        params![serde_json::to_string(services)?, super::time_text(now)],
    )?;
    Ok(())
}

/// The services list as last fetched, if ever.
pub fn services(conn: &Connection) -> Result<Option<FeedbackServices>, StoreError> {
    let json: Option<String> = conn
        .query_row_cached(
            "SELECT json FROM feedback_services WHERE id = 1",
            [],
            |row| row.get(0),
        )
        .optional()?;
    Ok(json.map(|json| serde_json::from_str(&json)).transpose()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Cache;
    use opendvc_api::{FeedbackService, LocalizedText};

    fn services_of(codes: &[&str]) -> FeedbackServices {
        FeedbackServices {
            services: codes
                .iter()
                .map(|code| FeedbackService {
                    code: (*code).to_owned(),
                    name: LocalizedText {
                        vi: (*code).to_owned(),
                        en: (*code).to_owned(),
                        id: None,
                    },
                    description: LocalizedText {
                        vi: String::new(),
                        en: String::new(),
                        id: None,
                    },
                    answer_hours: 24,
                    resolve_working_days: 5,
                })
                .collect(),
        }
    }

    #[test]
    fn the_services_list_is_kept_for_the_form_offline_and_replaced_by_a_fresh_one() {
        let cache = Cache::in_memory().expect("cache opens");
        let now = DateTime::parse_from_rfc3339("2026-12-06T03:00:00Z")
            .expect("time")
            .with_timezone(&Utc);
        assert_eq!(
            cache.read(services).expect("reads"),
            None,
            "nothing is cached before the first fetch"
        );
        cache
            .write(|tx| save_services(tx, &services_of(&["environment", "traffic"]), now))
            .expect("saves");
        cache
            .write(|tx| save_services(tx, &services_of(&["digital_help"]), now))
            .expect("saves");
        assert_eq!(
            cache.read(services).expect("reads"),
            Some(services_of(&["digital_help"])),
            "the last fetched list is the one kept"
        );
    }
}
