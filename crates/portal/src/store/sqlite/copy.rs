//! The reading side of `opendvc-portal copy` (`store::copy`): the SQLite file opened read-only,
//! its schema checked against the copy's list, and each table read a page at a time in rowid
//! order, all inside one read transaction, so the copy sees one moment of the file even if a
//! portal still writes to it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};

use crate::store::copy::{self, Cell, CopyError, CopyTable, Page};

/// The SQLite file being copied, inside its read transaction.
#[derive(Debug)]
pub struct SqliteCopySource {
    connection: Connection,
}

fn source_error(error: rusqlite::Error) -> CopyError {
    CopyError::Source(error.to_string())
}

impl SqliteCopySource {
    /// Opens `path` read-only, checks that its tables and columns are the copy's and begins
    /// the read transaction. Blocking.
    pub fn open(path: &Path) -> Result<Self, CopyError> {
        let connection = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|error| {
            CopyError::Source(format!(
                "cannot open {} (does the file exist?): {error}",
                path.display()
            ))
        })?;
        connection
            .busy_timeout(std::time::Duration::from_secs(10))
            .map_err(source_error)?;
        connection.execute_batch("BEGIN").map_err(source_error)?;
        let differences = copy::schema_differences(&tables(&connection)?, copy::sqlite_columns);
        if !differences.is_empty() {
            return Err(CopyError::SchemaDiffers {
                side: "SQLite (a file of an older portal: run `opendvc-portal migrate --db PATH` \
                       on it first)",
                differences,
            });
        }
        Ok(SqliteCopySource { connection })
    }

    /// The rows of `table` after `after_rowid`, at most a page of them. Blocking.
    pub fn page(&self, table: &CopyTable, after_rowid: i64) -> Result<Page, CopyError> {
        let columns: Vec<String> = table
            .columns
            .iter()
            .map(|column| format!("\"{}\"", column.sqlite))
            .collect();
        let sql = format!(
            "SELECT rowid, {} FROM \"{}\" WHERE rowid > ?1 ORDER BY rowid LIMIT ?2",
            columns.join(", "),
            table.name
        );
        let mut statement = self.connection.prepare(&sql).map_err(source_error)?;
        let limit = i64::try_from(table.page_rows).unwrap_or(i64::MAX);
        let rows = statement
            .query_map((after_rowid, limit), |row| {
                let rowid: i64 = row.get(0)?;
                let cells = (1..=table.columns.len())
                    .map(|index| {
                        Ok(match row.get_ref(index)? {
                            ValueRef::Null => Cell::Null,
                            ValueRef::Integer(value) => Cell::Integer(value),
                            ValueRef::Real(value) => Cell::Real(value),
                            // Text that is not UTF-8 stops the copy rather than being altered.
                            ValueRef::Text(bytes) => {
                                Cell::Text(std::str::from_utf8(bytes)?.to_owned())
                            }
                            ValueRef::Blob(bytes) => Cell::Blob(bytes.to_vec()),
                        })
                    })
                    .collect::<rusqlite::Result<Vec<Cell>>>()?;
                Ok((rowid, cells))
            })
            .map_err(source_error)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(source_error)?;
        Ok(Page { rows })
    }
}

/// The file's tables (SQLite's own `sqlite_*` aside) with their columns.
fn tables(connection: &Connection) -> Result<BTreeMap<String, BTreeSet<String>>, CopyError> {
    let mut statement = connection
        .prepare(
            "SELECT m.name, p.name FROM sqlite_master AS m, pragma_table_info(m.name) AS p
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
        )
        .map_err(source_error)?;
    let mut tables: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let pairs = statement
        .query_map([], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
        })
        .map_err(source_error)?;
    for pair in pairs {
        let (table, column) = pair.map_err(source_error)?;
        tables.entry(table).or_default().insert(column);
    }
    Ok(tables)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_copy_covers_every_table_and_column_of_the_sqlite_schema() {
        let dir = tempfile_dir();
        let path = dir.join("portal.db");
        crate::store::sqlite::SqliteStore::open(&path).expect("a fresh SQLite store");
        let source = SqliteCopySource::open(&path);
        assert!(
            source.is_ok(),
            "the copy's list matches the schema the migrations make: {:?}",
            source.err()
        );
        let connection = Connection::open(&path).expect("the file opens");
        connection
            .execute_batch(copy::GROWN_SCHEMA)
            .expect("the schema grows");
        drop(connection);
        copy::assert_the_grown_schema_stops_the_copy(SqliteCopySource::open(&path));
        std::fs::remove_dir_all(&dir).expect("the scratch folder is removed");
    }

    fn tempfile_dir() -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("opendvc-copy-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).expect("a scratch folder");
        dir
    }
}
