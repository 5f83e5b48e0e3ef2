//! Moving a portal's data from SQLite into PostgreSQL (`opendvc-portal copy`): the one list of
//! tables in dependency order, each column with its name on either side and how its stored
//! value is converted, free of database types. `store::sqlite::copy` reads pages of rows by
//! this list, `store::postgres::copy` writes them in one transaction; `database::copy` drives
//! both.
//!
//! The two schemas hold the same data in different types: ids are text in SQLite and `uuid` in
//! PostgreSQL, JSON documents text and `jsonb` (the `_json` suffix dropped), flags 0/1 and
//! `boolean`. Primary keys are kept, identity columns included, so cursors (`change_log.seq`)
//! and references stay valid; PostgreSQL's identity sequences are moved past them afterwards.
//! Both sides check their schema against this list before a row moves, so a table or column
//! added to either schema and missing here stops the copy instead of being left behind.

use serde_json::Value as JsonValue;
use uuid::Uuid;

/// A value as SQLite stores it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

/// How a column's SQLite value becomes its PostgreSQL value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conversion {
    /// text to text.
    Text,
    /// text to `uuid`.
    Uuid,
    /// JSON text to `jsonb`.
    Json,
    /// integer to `bigint`.
    BigInt,
    /// integer to `integer`.
    Int,
    /// 0/1 to `boolean`.
    Bool,
    /// blob to `bytea`.
    Bytes,
    /// RFC 3339 text to unix seconds (`bigint`), for a column PostgreSQL keeps beside the text.
    UnixSeconds,
}

/// A PostgreSQL value, converted and ready to bind (`None` is NULL).
#[derive(Debug, Clone, PartialEq)]
pub enum Converted {
    Text(Option<String>),
    Uuid(Option<Uuid>),
    Json(Option<JsonValue>),
    BigInt(Option<i64>),
    Int(Option<i32>),
    Bool(Option<bool>),
    Bytes(Option<Vec<u8>>),
}

/// One column: read from `sqlite`, written to `postgres`, converted by `conversion`.
#[derive(Debug, Clone, Copy)]
pub struct CopyColumn {
    pub sqlite: &'static str,
    pub postgres: &'static str,
    pub conversion: Conversion,
}

/// One table, read from SQLite in rowid order (the order rows were written in) and written to
/// PostgreSQL under the same name.
#[derive(Debug, Clone, Copy)]
pub struct CopyTable {
    pub name: &'static str,
    pub columns: &'static [CopyColumn],
    /// PostgreSQL columns that PostgreSQL fills itself as the rows arrive in SQLite's order
    /// (`supplements.position`, the order supplements were added in).
    pub filled_by_postgres: &'static [&'static str],
    /// Rows per page: few where a row holds a whole file.
    pub page_rows: usize,
}

const fn same(name: &'static str, conversion: Conversion) -> CopyColumn {
    CopyColumn {
        sqlite: name,
        postgres: name,
        conversion,
    }
}

/// A JSON text column `NAME_json` of SQLite, `jsonb` `NAME` in PostgreSQL.
const fn json(sqlite: &'static str, postgres: &'static str) -> CopyColumn {
    CopyColumn {
        sqlite,
        postgres,
        conversion: Conversion::Json,
    }
}

const fn table(name: &'static str, columns: &'static [CopyColumn]) -> CopyTable {
    CopyTable {
        name,
        columns,
        filled_by_postgres: &[],
        page_rows: 500,
    }
}

use Conversion::{BigInt, Bool, Bytes, Int, Text, UnixSeconds};

/// Every table of both schemas, each after the tables it refers to.
pub const TABLES: &[CopyTable] = &[
    table(
        "citizens",
        &[
            same("id", Conversion::Uuid),
            same("id_number", Text),
            json("profile_json", "profile"),
        ],
    ),
    table(
        "documents",
        &[
            same("id", Conversion::Uuid),
            same("citizen_id", Conversion::Uuid),
            json("document_json", "document"),
        ],
    ),
    table(
        "staff",
        &[
            same("code", Text),
            same("kind", Text),
            same("name", Text),
            same("organisation", Text),
            same("password_hash", Text),
            same("agency", Text),
            same("unit", Text),
            same("phone", Text),
            same("email", Text),
        ],
    ),
    table(
        "one_time_codes",
        &[
            same("id", BigInt),
            same("purpose", Text),
            same("id_number", Text),
            same("code_hash", Text),
            same("expires_at", BigInt),
            same("used", Bool),
        ],
    ),
    table(
        "rate_limit_hits",
        &[
            same("id", BigInt),
            same("key", Text),
            same("at", BigInt),
            same("expires_at", BigInt),
        ],
    ),
    table(
        "rate_limit_counters",
        &[
            same("key", Text),
            same("window_start", BigInt),
            same("count", BigInt),
            same("expires_at", BigInt),
        ],
    ),
    table(
        "access_tokens",
        &[
            same("token_hash", Text),
            same("subject_kind", Text),
            same("subject_id", Text),
            same("expires_at", BigInt),
            same("revoked", Bool),
            same("family_id", Conversion::Uuid),
        ],
    ),
    table(
        "refresh_tokens",
        &[
            same("token_hash", Text),
            same("family_id", Conversion::Uuid),
            same("citizen_id", Conversion::Uuid),
            same("expires_at", BigInt),
            same("used", Bool),
            same("revoked", Bool),
            same("used_at", BigInt),
            same("grace_used", Bool),
        ],
    ),
    table(
        "assist_sessions",
        &[
            same("id", Conversion::Uuid),
            same("staff_code", Text),
            same("citizen_id", Conversion::Uuid),
            same("consent_method", Text),
            same("consent_reference", Text),
            same("venue_name", Text),
            same("venue_unit_code", Text),
            json("scopes", "scopes"),
            same("created_at", BigInt),
            same("expires_at", BigInt),
            same("ended_at", BigInt),
            same("recorded_at", BigInt),
            same("device_offset_seconds", BigInt),
            same("late_items", Int),
        ],
    ),
    CopyTable {
        name: "attachment_contents",
        columns: &[
            same("id", Text),
            same("size", BigInt),
            same("content", Bytes),
        ],
        filled_by_postgres: &[],
        // An upload may be megabytes: a few per page keep the copy's memory small.
        page_rows: 8,
    },
    table(
        "attachments",
        &[
            same("attachment_id", Text),
            same("citizen_id", Conversion::Uuid),
            same("content_type", Text),
            same("file_name", Text),
            same("uploaded_at", Text),
            CopyColumn {
                sqlite: "uploaded_at",
                postgres: "uploaded_unix",
                conversion: UnixSeconds,
            },
        ],
    ),
    table(
        "applications",
        &[
            same("id", Conversion::Uuid),
            same("code", Text),
            same("citizen_id", Conversion::Uuid),
            same("procedure_id", Text),
            json("procedure_name_json", "procedure_name"),
            same("status", Text),
            same("channel", Text),
            json("submitted_by_json", "submitted_by"),
            same("submitted_at", Text),
            same("due_at", Text),
            same("processing_days", Int),
            json("form_json", "form"),
            json("attachments_json", "attachments"),
            json("delivery_json", "delivery"),
            same("fee", BigInt),
            json("rating_json", "rating"),
            same("updated_at", Text),
            json("fee_lines_json", "fee_lines"),
            same("unit_code", Text),
            same("assigned_to", Text),
        ],
    ),
    table(
        "application_code_counters",
        &[same("prefix", Text), same("last", BigInt)],
    ),
    table(
        "timeline_entries",
        &[
            same("application_id", Conversion::Uuid),
            same("seq", Int),
            same("status", Text),
            same("at", Text),
            json("actor_json", "actor"),
            same("note", Text),
        ],
    ),
    CopyTable {
        name: "supplements",
        columns: &[
            same("id", Conversion::Uuid),
            same("application_id", Conversion::Uuid),
            json("supplement_json", "supplement"),
        ],
        filled_by_postgres: &["position"],
        page_rows: 500,
    },
    table(
        "inbox_items",
        &[
            same("id", Conversion::Uuid),
            same("citizen_id", Conversion::Uuid),
            json("item_json", "item"),
        ],
    ),
    table(
        "change_log",
        &[
            same("seq", BigInt),
            same("citizen_id", Conversion::Uuid),
            same("entity_kind", Text),
            same("entity_id", Text),
            // The position readers see (given after commit on PostgreSQL) is SQLite's
            // sequence number, so every cursor and Last-Event-ID handed out stays valid.
            CopyColumn {
                sqlite: "seq",
                postgres: "position",
                conversion: BigInt,
            },
        ],
    ),
    table(
        "idempotency_keys",
        &[
            same("scope", Text),
            same("request_hash", Text),
            same("status", Int),
            same("body", Text),
            same("created_at", BigInt),
        ],
    ),
    table(
        "notification_settings",
        &[
            same("citizen_id", Conversion::Uuid),
            json("settings_json", "settings"),
            same("updated_at", BigInt),
        ],
    ),
    table(
        "notifications",
        &[
            same("id", Conversion::Uuid),
            same("citizen_id", Conversion::Uuid),
            same("channel", Text),
            same("kind", Text),
            same("recipient", Text),
            same("subject", Text),
            same("body", Text),
            same("language", Text),
            same("state", Text),
            same("attempts", Int),
            same("next_attempt_at", BigInt),
            same("claimed_until", BigInt),
            same("provider_id", Text),
            same("last_error", Text),
            same("created_at", BigInt),
            same("sent_at", BigInt),
        ],
    ),
    table(
        "dev_messages",
        &[
            same("id", BigInt),
            same("recipient", Text),
            same("channel", Text),
            same("body", Text),
            same("sent_at", Text),
        ],
    ),
    table(
        "access_log",
        &[
            same("seq", BigInt),
            same("id", Conversion::Uuid),
            same("citizen_id", Conversion::Uuid),
            same("at", BigInt),
            same("action", Text),
            same("resource", Text),
            same("resource_ref", Text),
            same("application_id", Conversion::Uuid),
            same("staff_code", Text),
            same("staff_name", Text),
            same("staff_kind", Text),
            same("staff_organisation", Text),
            same("venue_name", Text),
            same("venue_unit_code", Text),
            same("session_id", Conversion::Uuid),
            same("consent", Text),
        ],
    ),
    table(
        "renewal_stages_notified",
        &[
            same("document_id", Conversion::Uuid),
            same("expires_on", Text),
            same("days_before", BigInt),
            same("citizen_id", Conversion::Uuid),
        ],
    ),
    table(
        "late_warnings",
        &[
            same("application_id", Conversion::Uuid),
            same("stage", Text),
            same("at", Text),
            json("told_json", "told"),
            json("warning_json", "warning"),
        ],
    ),
    table(
        "feedback",
        &[
            same("id", Conversion::Uuid),
            same("citizen_id", Conversion::Uuid),
            same("category", Text),
            same("status", Text),
            same("agency_id", Text),
            same("unit_code", Text),
            same("assigned_to", Text),
            same("submitted_unix", BigInt),
            same("due_unix", BigInt),
            same("answered_unix", BigInt),
            same("first_answered_unix", BigInt),
            same("first_answer_due_unix", BigInt),
            same("next_warning_unix", BigInt),
            same("queue_key", BigInt),
            json("record_json", "record"),
        ],
    ),
    table(
        "feedback_events",
        &[
            same("feedback_id", Conversion::Uuid),
            same("seq", Int),
            json("event_json", "event"),
        ],
    ),
    CopyTable {
        name: "feedback_photos",
        columns: &[
            same("feedback_id", Conversion::Uuid),
            same("photo_id", Text),
            same("content_type", Text),
            same("content", Bytes),
        ],
        filled_by_postgres: &[],
        page_rows: 8,
    },
    table(
        "profile_changes",
        &[
            same("id", Conversion::Uuid),
            same("citizen_id", Conversion::Uuid),
            same("at", BigInt),
            same("actor", Text),
            json("fields_json", "fields"),
        ],
    ),
    table(
        "feedback_warnings",
        &[
            same("feedback_id", Conversion::Uuid),
            same("stage", Text),
            same("at", Text),
            json("told_json", "told"),
            json("warning_json", "warning"),
        ],
    ),
    table(
        "payments",
        &[
            same("id", Conversion::Uuid),
            same("application_id", Conversion::Uuid),
            same("citizen_id", Conversion::Uuid),
            same("method", Text),
            same("provider", Text),
            same("txn_ref", Text),
            same("provider_txn", Text),
            same("amount", BigInt),
            same("status", Text),
            same("redirect_url", Text),
            same("created_unix", BigInt),
            same("expires_unix", BigInt),
            same("paid_unix", BigInt),
            same("receipt_json", Text),
            same("updated_unix", BigInt),
        ],
    ),
];

/// Why the copy stopped. Nothing was written: the target's transaction rolls back.
#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    #[error("reading the SQLite database failed: {0}")]
    Source(String),
    #[error("writing the PostgreSQL database failed: {0}")]
    Target(String),
    #[error(
        "the target database already holds data (tables {}); copy only into a new, empty \
         database, e.g. one made with CREATE DATABASE",
        .0.join(", ")
    )]
    TargetNotEmpty(Vec<String>),
    #[error(
        "the {side} schema and the copy's list of tables (crates/portal/src/store/copy.rs) \
         differ: {}; update the list before copying",
        differences.join("; ")
    )]
    SchemaDiffers {
        side: &'static str,
        differences: Vec<String>,
    },
    #[error("{table}.{column} of the row with rowid {rowid} cannot be copied: {reason}")]
    BadValue {
        table: &'static str,
        column: &'static str,
        rowid: i64,
        reason: String,
    },
}

/// One page of a table read from SQLite: each row's rowid and its cells, in [`CopyTable`]'s
/// column order.
#[derive(Debug, Default)]
pub struct Page {
    pub rows: Vec<(i64, Vec<Cell>)>,
}

impl Page {
    /// The rowid to read the next page after; `None` when this page was the table's last.
    pub fn next_after(&self, table: &CopyTable) -> Option<i64> {
        if self.rows.len() < table.page_rows {
            return None;
        }
        self.rows.last().map(|(rowid, _)| *rowid)
    }
}

/// How many rows of each table were copied, in copy order.
#[derive(Debug, Default)]
pub struct CopyReport {
    pub tables: Vec<(&'static str, u64)>,
}

/// Compares a side's tables and columns (name → columns) with [`TABLES`]; `expected` says
/// which columns the list names for that side. Returns what differs, empty when nothing does.
pub fn schema_differences(
    actual: &std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
    expected: impl Fn(&CopyTable) -> std::collections::BTreeSet<String>,
) -> Vec<String> {
    let mut differences = Vec::new();
    for name in actual.keys() {
        if !TABLES.iter().any(|table| table.name == name) {
            differences.push(format!("table {name} is not copied"));
        }
    }
    for table in TABLES {
        let Some(columns) = actual.get(table.name) else {
            differences.push(format!("table {} does not exist", table.name));
            continue;
        };
        let expected = expected(table);
        for column in columns.difference(&expected) {
            differences.push(format!("column {}.{column} is not copied", table.name));
        }
        for column in expected.difference(columns) {
            differences.push(format!("column {}.{column} does not exist", table.name));
        }
    }
    differences
}

/// The SQLite columns the list reads of `table`.
pub fn sqlite_columns(table: &CopyTable) -> std::collections::BTreeSet<String> {
    table
        .columns
        .iter()
        .map(|column| column.sqlite.to_owned())
        .collect()
}

/// The PostgreSQL columns the list writes of `table`, or leaves to PostgreSQL.
pub fn postgres_columns(table: &CopyTable) -> std::collections::BTreeSet<String> {
    table
        .columns
        .iter()
        .map(|column| column.postgres.to_owned())
        .chain(
            table
                .filled_by_postgres
                .iter()
                .map(|name| (*name).to_owned()),
        )
        .collect()
}

/// Converts one SQLite value for its PostgreSQL column.
pub fn convert(column: &CopyColumn, cell: &Cell) -> Result<Converted, String> {
    let text = |cell: &Cell| match cell {
        Cell::Null => Ok(None),
        Cell::Text(text) => Ok(Some(text.clone())),
        other => Err(format!("expected text, found {other:?}")),
    };
    let integer = |cell: &Cell| match cell {
        Cell::Null => Ok(None),
        Cell::Integer(value) => Ok(Some(*value)),
        other => Err(format!("expected an integer, found {other:?}")),
    };
    Ok(match column.conversion {
        Conversion::Text => Converted::Text(text(cell)?),
        Conversion::Uuid => Converted::Uuid(
            text(cell)?
                .map(|text| Uuid::parse_str(&text).map_err(|error| format!("{text}: {error}")))
                .transpose()?,
        ),
        Conversion::Json => Converted::Json(
            text(cell)?
                .map(|text| serde_json::from_str(&text).map_err(|error| error.to_string()))
                .transpose()?,
        ),
        Conversion::BigInt => Converted::BigInt(integer(cell)?),
        Conversion::Int => Converted::Int(
            integer(cell)?
                .map(|value| {
                    i32::try_from(value).map_err(|_| format!("{value} does not fit an integer"))
                })
                .transpose()?,
        ),
        Conversion::Bool => Converted::Bool(
            integer(cell)?
                .map(|value| match value {
                    0 => Ok(false),
                    1 => Ok(true),
                    other => Err(format!("{other} is no flag (0 or 1)")),
                })
                .transpose()?,
        ),
        Conversion::Bytes => Converted::Bytes(match cell {
            Cell::Null => None,
            Cell::Blob(bytes) => Some(bytes.clone()),
            other => return Err(format!("expected a blob, found {other:?}")),
        }),
        Conversion::UnixSeconds => Converted::BigInt(
            text(cell)?
                .map(|text| {
                    chrono::DateTime::parse_from_rfc3339(&text)
                        .map(|time| time.timestamp())
                        .map_err(|error| format!("{text} is no RFC 3339 time: {error}"))
                })
                .transpose()?,
        ),
    })
}

/// A column and a table the copy does not know, added to either schema by the tests of the
/// schema checks.
#[cfg(test)]
pub const GROWN_SCHEMA: &str =
    "ALTER TABLE staff ADD COLUMN badge_number text; CREATE TABLE badges (id text)";

/// Checks that opening either side of the copy on a schema grown by [`GROWN_SCHEMA`] names
/// both differences and stops.
#[cfg(test)]
pub fn assert_the_grown_schema_stops_the_copy<T: std::fmt::Debug>(opened: Result<T, CopyError>) {
    match opened {
        Err(CopyError::SchemaDiffers { differences, .. }) => assert_eq!(
            differences,
            [
                "table badges is not copied".to_owned(),
                "column staff.badge_number is not copied".to_owned()
            ],
            "a table or column the copy does not know stops it"
        ),
        other => panic!("a grown schema stops the copy, got {other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(conversion: Conversion) -> CopyColumn {
        CopyColumn {
            sqlite: "x",
            postgres: "x",
            conversion,
        }
    }

    #[test]
    fn each_stored_value_converts_to_its_postgres_type_and_a_bad_one_is_named() {
        let id = "0192f0c4-5b7a-7c3e-9a1d-2f4e6b8c0d1e";
        let cases = [
            (
                Conversion::Uuid,
                Cell::Text(id.into()),
                Converted::Uuid(Uuid::parse_str(id).ok()),
            ),
            (Conversion::Uuid, Cell::Null, Converted::Uuid(None)),
            (
                Conversion::Json,
                Cell::Text(r#"{"a":[1,"b"]}"#.into()),
                Converted::Json(Some(serde_json::json!({"a": [1, "b"]}))),
            ),
            (
                Conversion::Bool,
                Cell::Integer(1),
                Converted::Bool(Some(true)),
            ),
            (
                Conversion::Bool,
                Cell::Integer(0),
                Converted::Bool(Some(false)),
            ),
            (Conversion::Int, Cell::Integer(15), Converted::Int(Some(15))),
            (
                Conversion::UnixSeconds,
                Cell::Text("2026-12-05T23:30:00+07:00".into()),
                Converted::BigInt(Some(1_796_488_200)),
            ),
            (
                Conversion::Bytes,
                Cell::Blob(vec![0, 255]),
                Converted::Bytes(Some(vec![0, 255])),
            ),
        ];
        for (conversion, cell, expected) in cases {
            assert_eq!(
                convert(&column(conversion), &cell),
                Ok(expected),
                "{cell:?} as {conversion:?}"
            );
        }
        for (conversion, cell) in [
            (Conversion::Uuid, Cell::Text("not-a-uuid".into())),
            (Conversion::Json, Cell::Text("{".into())),
            (Conversion::Bool, Cell::Integer(2)),
            (Conversion::Int, Cell::Integer(i64::MAX)),
            (Conversion::Text, Cell::Integer(1)),
            (Conversion::UnixSeconds, Cell::Text("yesterday".into())),
        ] {
            assert!(
                convert(&column(conversion), &cell).is_err(),
                "{cell:?} is refused as {conversion:?}"
            );
        }
    }

    #[test]
    fn every_table_comes_after_the_tables_it_refers_to() {
        let position = |name: &str| TABLES.iter().position(|table| table.name == name);
        for (table, refers_to) in [
            ("documents", "citizens"),
            ("assist_sessions", "staff"),
            ("attachments", "attachment_contents"),
            ("applications", "citizens"),
            ("timeline_entries", "applications"),
            ("supplements", "applications"),
            ("access_log", "citizens"),
            ("renewal_stages_notified", "citizens"),
            ("late_warnings", "applications"),
            ("feedback", "citizens"),
            ("feedback_events", "feedback"),
            ("feedback_photos", "feedback"),
            ("feedback_warnings", "feedback"),
            ("payments", "applications"),
            ("profile_changes", "citizens"),
        ] {
            assert!(
                position(refers_to) < position(table),
                "{table} is copied after {refers_to}"
            );
        }
    }
}
