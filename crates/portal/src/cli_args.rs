//! What several commands of the command line take alike: the database, the public address.

/// The help of every `--db`.
pub const DB_HELP: &str = "The database: an SQLite file (PATH or sqlite://PATH, created if missing) \
    or postgres://USER@HOST:PORT/DATABASE. Without it: $OPENDVC_DATABASE_URL, else \
    opendvc-portal.db. A PostgreSQL password is read from OPENDVC_DATABASE_URL, PGPASSWORD or \
    ~/.pgpass, never from the command line";

/// The public address of `officer` without `--public-url`: a portal serving on this machine.
pub const DEFAULT_PUBLIC_URL: &str = "http://localhost:8080";

/// Parses `--public-url`: an absolute `http` or `https` URL.
pub fn parse_public_url(text: &str) -> Result<url::Url, String> {
    let url = url::Url::parse(text).map_err(|error| format!("{text:?} is no URL: {error}"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(format!("{text:?} must be an http:// or https:// address"));
    }
    Ok(url)
}
