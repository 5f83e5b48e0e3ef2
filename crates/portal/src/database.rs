//! Where the portal keeps its data, and opening it: an SQLite file (the embedded default, for a
//! demo or a commune) or a PostgreSQL database (several instances at city scale).
//!
//! `--db` takes a file path, `sqlite://PATH`, or `postgres://USER@HOST:PORT/DATABASE` (also
//! `postgresql://`); without `--db` the location comes from `OPENDVC_DATABASE_URL`, else the
//! file `opendvc-portal.db`. A PostgreSQL password is taken only from the environment: that
//! variable, libpq's `PGPASSWORD`, or `~/.pgpass` (`PGPASSFILE`). A password on the command line
//! would be readable by every user of the machine in the process list, so it is refused. A URL
//! is shown only redacted: [`PostgresUrl`]'s `Display` and `Debug` never print the password.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::store::Store;
use crate::store::copy::{CopyError, CopyReport, TABLES};
pub use crate::store::postgres::PostgresOptions;
use crate::store::postgres::PostgresStore;
use crate::store::postgres::copy::PostgresCopyTarget;
use crate::store::sqlite::SqliteStore;
use crate::store::sqlite::copy::SqliteCopySource;

/// The environment variable that may hold the database URL (with its password).
pub const DATABASE_URL_ENV: &str = "OPENDVC_DATABASE_URL";

/// The SQLite file used when neither `--db` nor the environment names a database.
pub const DEFAULT_SQLITE_FILE: &str = "opendvc-portal.db";

/// Where the portal keeps its data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseLocation {
    Sqlite(PathBuf),
    Postgres(PostgresUrl),
}

/// A PostgreSQL URL. Shown only redacted; [`PostgresUrl::expose_secret`] hands the full text
/// to the driver and nowhere else.
#[derive(Clone, PartialEq, Eq)]
pub struct PostgresUrl(url::Url);

/// Why a database location cannot be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LocationError {
    #[error(
        "the PostgreSQL URL on the command line (--db, --to) carries a password, which every user of this machine could \
         read in the process list; leave it out and put the password in PGPASSWORD or \
         ~/.pgpass, or pass the whole URL in {DATABASE_URL_ENV}"
    )]
    PasswordOnCommandLine,
    #[error(
        "the PostgreSQL URL in {source_name} is not valid ({reason}); write it as \
         postgres://USER@HOST:PORT/DATABASE"
    )]
    InvalidUrl {
        source_name: &'static str,
        reason: String,
    },
}

/// Where a location was given, which decides whether it may carry a password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocationSource {
    CommandLine,
    Environment,
}

impl LocationSource {
    fn name(self) -> &'static str {
        match self {
            LocationSource::CommandLine => "--db",
            LocationSource::Environment => DATABASE_URL_ENV,
        }
    }
}

impl DatabaseLocation {
    /// The location named by `--db` (`command_line`), else by `OPENDVC_DATABASE_URL`
    /// (`environment`, empty counts as unset), else the default SQLite file.
    pub fn choose(
        command_line: Option<&str>,
        environment: Option<&str>,
    ) -> Result<Self, LocationError> {
        match (command_line, environment.filter(|text| !text.is_empty())) {
            (Some(text), _) => Self::parse(text, LocationSource::CommandLine),
            (None, Some(text)) => Self::parse(text, LocationSource::Environment),
            (None, None) => Ok(DatabaseLocation::Sqlite(PathBuf::from(DEFAULT_SQLITE_FILE))),
        }
    }

    /// The location from `--db` or the environment, read from this process's environment.
    pub fn from_arguments(command_line: Option<&str>) -> Result<Self, LocationError> {
        let environment = std::env::var(DATABASE_URL_ENV).ok();
        Self::choose(command_line, environment.as_deref())
    }

    /// Parses one location: a PostgreSQL URL, `sqlite://PATH`, or a file path.
    pub fn parse(text: &str, source: LocationSource) -> Result<Self, LocationError> {
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            let url = url::Url::parse(text).map_err(|error| LocationError::InvalidUrl {
                source_name: source.name(),
                reason: error.to_string(),
            })?;
            let url = PostgresUrl(url);
            if source == LocationSource::CommandLine && url.has_password() {
                return Err(LocationError::PasswordOnCommandLine);
            }
            return Ok(DatabaseLocation::Postgres(url));
        }
        let path = text.strip_prefix("sqlite://").unwrap_or(text);
        Ok(DatabaseLocation::Sqlite(PathBuf::from(path)))
    }
}

impl std::fmt::Display for DatabaseLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DatabaseLocation::Sqlite(path) => write!(f, "{}", path.display()),
            DatabaseLocation::Postgres(url) => write!(f, "{url}"),
        }
    }
}

impl PostgresUrl {
    /// Whether the URL carries a password, in its user part or as `?password=`.
    fn has_password(&self) -> bool {
        self.0.password().is_some() || self.0.query_pairs().any(|(key, _)| key == "password")
    }

    /// The URL with its password (if any) replaced by `redacted`.
    pub fn redacted(&self) -> String {
        let mut url = self.0.clone();
        if url.password().is_some() {
            // Only URLs that cannot have a password refuse one, and this one has one.
            let _ = url.set_password(Some("redacted"));
        }
        if url.query_pairs().any(|(key, _)| key == "password") {
            let pairs: Vec<(String, String)> = url
                .query_pairs()
                .map(|(key, value)| {
                    let value = if key == "password" {
                        "redacted".to_owned()
                    } else {
                        value.into_owned()
                    };
                    (key.into_owned(), value)
                })
                .collect();
            url.query_pairs_mut().clear().extend_pairs(pairs);
        }
        url.to_string()
    }

    /// The full URL, password included, for the driver only: never log or print it.
    pub fn expose_secret(&self) -> &str {
        self.0.as_str()
    }
}

impl std::fmt::Display for PostgresUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl std::fmt::Debug for PostgresUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("PostgresUrl")
            .field(&self.redacted())
            .finish()
    }
}

/// Opens the store at `location` and brings its schema up to date (SQLite's migrations, or
/// sqlx's PostgreSQL migrations under their advisory lock, so instances starting together
/// migrate once).
pub async fn open(
    location: &DatabaseLocation,
    postgres: PostgresOptions,
) -> anyhow::Result<Arc<dyn Store>> {
    match location {
        DatabaseLocation::Sqlite(path) => {
            let path = path.clone();
            let store = tokio::task::spawn_blocking(move || SqliteStore::open(&path))
                .await?
                .map_err(|error| anyhow::anyhow!("cannot open the database {location}: {error}"))?;
            Ok(Arc::new(store))
        }
        DatabaseLocation::Postgres(url) => {
            let store = PostgresStore::connect(url.expose_secret(), postgres)
                .await
                .map_err(|error| anyhow::anyhow!("cannot open the database {location}: {error}"))?;
            Ok(Arc::new(store))
        }
    }
}

/// Runs the migrations of the database at `location` and returns how many were applied.
pub async fn migrate(location: &DatabaseLocation) -> anyhow::Result<usize> {
    match location {
        DatabaseLocation::Sqlite(path) => {
            let path = path.clone();
            tokio::task::spawn_blocking(move || SqliteStore::migrate(&path))
                .await?
                .map_err(|error| anyhow::anyhow!("cannot migrate the database {location}: {error}"))
        }
        DatabaseLocation::Postgres(url) => PostgresStore::migrate_only(url.expose_secret())
            .await
            .map_err(|error| anyhow::anyhow!("cannot migrate the database {location}: {error}")),
    }
}

/// Copies the portal's data from the SQLite file at `from` into the PostgreSQL database at
/// `to` (`opendvc-portal copy`): the target is migrated, must hold no data, and receives every
/// table in one transaction, so it ends with all of the data or none of it. SQLite is read in
/// one read transaction, a page at a time on the blocking pool.
pub async fn copy(from: &Path, to: &PostgresUrl) -> Result<CopyReport, CopyError> {
    let path = from.to_owned();
    let mut source = tokio::task::spawn_blocking(move || SqliteCopySource::open(&path))
        .await
        .map_err(|error| CopyError::Source(error.to_string()))??;
    let mut target = PostgresCopyTarget::open(to.expose_secret()).await?;
    let mut report = CopyReport::default();
    for table in TABLES {
        let mut copied = 0;
        let mut after = i64::MIN;
        loop {
            let (returned, page) = tokio::task::spawn_blocking(move || {
                let page = source.page(table, after);
                (source, page)
            })
            .await
            .map_err(|error| CopyError::Source(error.to_string()))?;
            source = returned;
            let page = page?;
            let next = page.next_after(table);
            copied += target.insert(table, page).await?;
            match next {
                Some(rowid) => after = rowid,
                None => break,
            }
        }
        report.tables.push((table.name, copied));
    }
    target.commit().await?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_on_the_command_line_is_refused_and_one_from_the_environment_is_kept() {
        assert_eq!(
            DatabaseLocation::choose(Some("postgres://portal:s3cret@db.internal/opendvc"), None),
            Err(LocationError::PasswordOnCommandLine),
            "a password in --db is refused"
        );
        assert_eq!(
            DatabaseLocation::choose(
                Some("postgresql://portal@db.internal/opendvc?password=s3cret"),
                None
            ),
            Err(LocationError::PasswordOnCommandLine),
            "a password as a query parameter of --db is refused too"
        );
        let Ok(DatabaseLocation::Postgres(url)) =
            DatabaseLocation::choose(None, Some("postgres://portal:s3cret@db.internal/opendvc"))
        else {
            panic!("the environment's URL is a PostgreSQL location");
        };
        assert_eq!(
            url.expose_secret(),
            "postgres://portal:s3cret@db.internal/opendvc",
            "the driver gets the password from the environment's URL"
        );
    }

    #[test]
    fn a_postgres_url_never_shows_its_password() {
        for text in [
            "postgres://portal:s3cret@db.internal:5433/opendvc",
            "postgresql://portal@db.internal/opendvc?sslmode=require&password=s3cret",
        ] {
            let location =
                DatabaseLocation::parse(text, LocationSource::Environment).expect("a valid URL");
            for shown in [
                location.to_string(),
                format!("{location:?}"),
                format!("{:#?}", location),
            ] {
                assert!(
                    !shown.contains("s3cret") && shown.contains("db.internal"),
                    "{shown} names the server but not the password"
                );
            }
        }
    }

    #[test]
    fn a_path_or_sqlite_url_is_an_sqlite_file_and_nothing_is_the_default_file() {
        assert_eq!(
            DatabaseLocation::choose(Some("sqlite:///var/lib/opendvc/portal.db"), None),
            Ok(DatabaseLocation::Sqlite(PathBuf::from(
                "/var/lib/opendvc/portal.db"
            )))
        );
        assert_eq!(
            DatabaseLocation::choose(Some("portal.db"), Some("postgres://x@y/z")),
            Ok(DatabaseLocation::Sqlite(PathBuf::from("portal.db"))),
            "--db wins over the environment"
        );
        assert_eq!(
            DatabaseLocation::choose(None, Some("")),
            Ok(DatabaseLocation::Sqlite(PathBuf::from(DEFAULT_SQLITE_FILE))),
            "an empty variable counts as unset"
        );
        assert!(matches!(
            DatabaseLocation::choose(Some("postgres://[::1"), None),
            Err(LocationError::InvalidUrl { .. })
        ));
    }
}
