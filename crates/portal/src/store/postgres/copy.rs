//! The writing side of `opendvc-portal copy` (`store::copy`): the target migrated, then one
//! transaction that locks every table, checks the schema against the copy's list, refuses a
//! database that holds data, inserts the pages read from SQLite and moves each identity
//! sequence past the highest key copied. Nothing is visible before its commit, and a failure
//! anywhere leaves the database as it was.

use std::collections::{BTreeMap, BTreeSet};

use sqlx::postgres::{PgPoolOptions, Postgres};
use sqlx::{AssertSqlSafe, QueryBuilder, Row};

use super::{MIGRATOR, connect_options, migration_failed};
use crate::store::copy::{self, Converted, CopyError, CopyTable, Page, TABLES};

/// The PostgreSQL database being written, inside the copy's transaction.
#[derive(Debug)]
pub struct PostgresCopyTarget {
    transaction: sqlx::Transaction<'static, Postgres>,
}

fn target_error(error: impl std::fmt::Display) -> CopyError {
    CopyError::Target(error.to_string())
}

/// The names of every table of the list, quoted, for one statement.
fn table_list() -> String {
    TABLES
        .iter()
        .map(|table| format!("\"{}\"", table.name))
        .collect::<Vec<_>>()
        .join(", ")
}

impl PostgresCopyTarget {
    /// Migrates the database at `url`, begins the copy's transaction, locks every table against
    /// other writers, and checks the schema and that no table holds a row.
    pub async fn open(url: &str) -> Result<Self, CopyError> {
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .connect_with(connect_options(url).map_err(target_error)?)
            .await
            .map_err(target_error)?;
        MIGRATOR
            .run(&pool)
            .await
            .map_err(|error| target_error(migration_failed(error)))?;
        let mut transaction = pool.begin().await.map_err(target_error)?;
        if let Err(error) = check(&mut transaction).await {
            // Ends the transaction and its locks now rather than when the connection is reused.
            transaction.rollback().await.ok();
            pool.close().await;
            return Err(error);
        }
        Ok(PostgresCopyTarget { transaction })
    }

    /// Inserts one page of `table`, converted column by column; returns the rows inserted.
    pub async fn insert(
        &mut self,
        table: &'static CopyTable,
        page: Page,
    ) -> Result<u64, CopyError> {
        if page.rows.is_empty() {
            return Ok(0);
        }
        let mut rows = Vec::with_capacity(page.rows.len());
        for (rowid, cells) in &page.rows {
            let converted = table
                .columns
                .iter()
                .zip(cells)
                .map(|(column, cell)| {
                    copy::convert(column, cell).map_err(|reason| CopyError::BadValue {
                        table: table.name,
                        column: column.postgres,
                        rowid: *rowid,
                        reason,
                    })
                })
                .collect::<Result<Vec<Converted>, CopyError>>()?;
            rows.push(converted);
        }
        let columns: Vec<String> = table
            .columns
            .iter()
            .map(|column| format!("\"{}\"", column.postgres))
            .collect();
        let mut insert: QueryBuilder<Postgres> = QueryBuilder::new(format!(
            // Keys are kept, identity columns too; the sequences move past them at the end.
            "INSERT INTO \"{}\" ({}) OVERRIDING SYSTEM VALUE ",
            table.name,
            columns.join(", ")
        ));
        insert.push_values(rows, |mut values, row| {
            for value in row {
                match value {
                    Converted::Text(value) => values.push_bind(value),
                    Converted::Uuid(value) => values.push_bind(value),
                    Converted::Json(value) => values.push_bind(value),
                    Converted::BigInt(value) => values.push_bind(value),
                    Converted::Int(value) => values.push_bind(value),
                    Converted::Bool(value) => values.push_bind(value),
                    Converted::Bytes(value) => values.push_bind(value),
                };
            }
        });
        let done = insert
            .build()
            .execute(&mut *self.transaction)
            .await
            .map_err(|error| target_error(format!("inserting into {}: {error}", table.name)))?;
        Ok(done.rows_affected())
    }

    /// Moves every identity sequence (and the change log's positions) past the highest value
    /// copied, so the next row the portal writes gets a fresh one, and commits.
    pub async fn commit(mut self) -> Result<(), CopyError> {
        let identities = sqlx::query(
            "SELECT table_name::text AS table_name, column_name::text AS column_name
             FROM information_schema.columns
             WHERE table_schema = current_schema() AND is_identity = 'YES'",
        )
        .fetch_all(&mut *self.transaction)
        .await
        .map_err(target_error)?;
        for identity in identities {
            let table: String = identity.try_get("table_name").map_err(target_error)?;
            let column: String = identity.try_get("column_name").map_err(target_error)?;
            if !TABLES.iter().any(|listed| listed.name == table) {
                continue;
            }
            let sql = format!(
                "SELECT setval(pg_get_serial_sequence($1, $2), COALESCE(MAX(\"{column}\"), 0) + 1, \
                 false) FROM \"{table}\""
            );
            sqlx::query(AssertSqlSafe(sql))
                .bind(format!("\"{table}\""))
                .bind(&column)
                .execute(&mut *self.transaction)
                .await
                .map_err(target_error)?;
        }
        // The change log's positions are a sequence of their own (`changes.rs`): the next one
        // given must come after every copied position.
        sqlx::query(
            "SELECT setval('change_log_position', COALESCE(MAX(position), 0) + 1, false)
             FROM change_log",
        )
        .execute(&mut *self.transaction)
        .await
        .map_err(target_error)?;
        self.transaction.commit().await.map_err(target_error)
    }
}

/// Locks every table of the list against other writers, and checks the schema against the list
/// and that no table holds a row.
async fn check(transaction: &mut sqlx::Transaction<'static, Postgres>) -> Result<(), CopyError> {
    sqlx::raw_sql(AssertSqlSafe(format!(
        "LOCK TABLE {} IN EXCLUSIVE MODE",
        table_list()
    )))
    .execute(&mut **transaction)
    .await
    .map_err(target_error)?;
    let differences = copy::schema_differences(&tables(transaction).await?, copy::postgres_columns);
    if !differences.is_empty() {
        return Err(CopyError::SchemaDiffers {
            side: "PostgreSQL",
            differences,
        });
    }
    let mut holding = Vec::new();
    for table in TABLES {
        let sql = format!("SELECT EXISTS (SELECT 1 FROM \"{}\")", table.name);
        let held: bool = sqlx::query_scalar(AssertSqlSafe(sql))
            .fetch_one(&mut **transaction)
            .await
            .map_err(target_error)?;
        if held {
            holding.push(table.name.to_owned());
        }
    }
    if holding.is_empty() {
        Ok(())
    } else {
        Err(CopyError::TargetNotEmpty(holding))
    }
}

/// The database's tables (sqlx's own `_sqlx_migrations` aside) with their columns.
async fn tables(
    transaction: &mut sqlx::Transaction<'static, Postgres>,
) -> Result<BTreeMap<String, BTreeSet<String>>, CopyError> {
    let rows = sqlx::query(
        "SELECT c.table_name::text AS table_name, c.column_name::text AS column_name
         FROM information_schema.columns AS c
         JOIN information_schema.tables AS t
           ON t.table_schema = c.table_schema AND t.table_name = c.table_name
         WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
           AND c.table_name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut **transaction)
    .await
    .map_err(target_error)?;
    let mut tables: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for row in rows {
        let table: String = row.try_get("table_name").map_err(target_error)?;
        let column: String = row.try_get("column_name").map_err(target_error)?;
        tables.entry(table).or_default().insert(column);
    }
    Ok(tables)
}

#[cfg(test)]
mod tests {
    use sqlx::{Connection, PgConnection};

    use super::*;
    use crate::store::postgres::tests::ScratchDatabase;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_copy_covers_every_table_and_column_of_the_postgres_schema_and_needs_an_empty_database()
     {
        let Some(scratch) = ScratchDatabase::create().await else {
            return;
        };
        match PostgresCopyTarget::open(&scratch.url).await {
            Ok(target) => target
                .transaction
                .rollback()
                .await
                .expect("the copy's transaction ends"),
            Err(error) => panic!("a new database, migrated, matches the copy's list: {error}"),
        }
        let mut connection = PgConnection::connect(&scratch.url)
            .await
            .expect("the scratch database accepts connections");
        sqlx::raw_sql(
            "INSERT INTO staff (code, kind, name, organisation, password_hash)
             VALUES ('CB-01', 'agent', 'Cán bộ', 'UBND phường', 'hash')",
        )
        .execute(&mut connection)
        .await
        .expect("a staff member is added");
        match PostgresCopyTarget::open(&scratch.url).await {
            Err(CopyError::TargetNotEmpty(tables)) => assert_eq!(
                tables,
                ["staff".to_owned()],
                "the copy names the tables that hold data"
            ),
            other => panic!("a database holding data is refused, got {other:?}"),
        }
        sqlx::raw_sql(copy::GROWN_SCHEMA)
            .execute(&mut connection)
            .await
            .expect("the schema grows");
        copy::assert_the_grown_schema_stops_the_copy(PostgresCopyTarget::open(&scratch.url).await);
        connection.close().await.ok();
    }
}
