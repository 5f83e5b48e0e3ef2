//! sqlx's offline query data, `crates/portal/.sqlx`: what each of the portal's checked queries
//! takes and returns, so the portal builds without a database (`SQLX_OFFLINE=true` in
//! `.cargo/config.toml`). `cargo xtask test` checks it is current (step `postgres`);
//! `cargo xtask sqlx-prepare` writes it anew after a query or a migration changed.
//!
//! This is what `cargo sqlx prepare [--check]` does, without installing sqlx-cli (minutes of
//! compilation on every fresh CI machine): the portal is checked once more with its query
//! macros online — `DATABASE_URL` a database migrated from scratch, `SQLX_OFFLINE=false` — and
//! the macros write what they learn from the server into `SQLX_OFFLINE_DIR`, which is then
//! compared with `.sqlx` (or copied over it).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::{Context, Result, bail};

use crate::command::CommandLine;
use crate::postgres::TestServer;

/// Check the committed data, or write it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Check,
    Write,
}

fn portal_dir() -> PathBuf {
    crate::workspace::root().join("crates/portal")
}

/// The committed query data.
fn committed_dir() -> PathBuf {
    portal_dir().join(".sqlx")
}

/// The migrations, in the order sqlx applies them (by their numbered names).
fn migrations() -> Result<Vec<PathBuf>> {
    let dir = portal_dir().join("migrations/postgres");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|extension| extension == "sql"))
        .collect();
    files.sort();
    Ok(files)
}

/// The `query-*.json` files of `dir`, by name.
fn query_files(dir: &Path) -> Result<BTreeMap<String, String>> {
    let mut files = BTreeMap::new();
    if !dir.exists() {
        return Ok(files);
    }
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        let Some(name) = path.file_name().and_then(|name| name.to_str()) else {
            continue;
        };
        if name.starts_with("query-") && name.ends_with(".json") {
            files.insert(name.to_owned(), std::fs::read_to_string(&path)?);
        }
    }
    Ok(files)
}

/// What differs between the committed data and the data the server gave, as one line; `None`
/// when they are the same.
pub fn difference(
    committed: &BTreeMap<String, String>,
    fresh: &BTreeMap<String, String>,
) -> Option<String> {
    let missing = fresh
        .keys()
        .filter(|name| !committed.contains_key(*name))
        .count();
    let unused = committed
        .keys()
        .filter(|name| !fresh.contains_key(*name))
        .count();
    let changed = fresh
        .iter()
        .filter(|(name, text)| committed.get(*name).is_some_and(|old| old != *text))
        .count();
    (missing + unused + changed > 0)
        .then(|| format!("{missing} queries missing, {unused} no longer used, {changed} changed"))
}

/// Makes cargo check the portal again: its sources are older than its last check otherwise.
fn touch_portal() -> Result<()> {
    let main = portal_dir().join("src/main.rs");
    std::fs::File::options()
        .append(true)
        .open(&main)
        .and_then(|file| file.set_modified(SystemTime::now()))
        .with_context(|| format!("touching {}", main.display()))
}

/// Checks (or writes) the query data against a database of `server` migrated from scratch.
pub fn run(server: &TestServer, mode: Mode) -> Result<()> {
    let name = format!(
        "opendvc_sqlx_{}",
        uuid::Uuid::new_v4()
            .simple()
            .to_string()
            .get(..12)
            .unwrap_or("data")
    );
    server.psql(server.url(), &format!("CREATE DATABASE {name}"))?;
    let result = describe_and_compare(server, &name, mode);
    if let Err(error) = server.psql(server.url(), &format!("DROP DATABASE {name} WITH (FORCE)")) {
        eprintln!("query data: the scratch database {name} was left behind: {error:#}");
    }
    result
}

fn describe_and_compare(server: &TestServer, name: &str, mode: Mode) -> Result<()> {
    let url = server.database_url(name)?;
    for migration in migrations()? {
        server
            .psql_file(&url, &migration)
            .with_context(|| format!("applying {}", migration.display()))?;
    }
    let fresh_dir = crate::workspace::target_dir().join("sqlx-query-data");
    if fresh_dir.exists() {
        std::fs::remove_dir_all(&fresh_dir)?;
    }
    std::fs::create_dir_all(&fresh_dir)?;
    touch_portal()?;
    CommandLine::cargo()
        .args(["check", "--package", "opendvc-portal", "--all-targets"])
        .env("SQLX_OFFLINE", "false")
        .env("DATABASE_URL", &url)
        .env("SQLX_OFFLINE_DIR", &fresh_dir.display().to_string())
        // A compiler cache would answer from a build whose macros ran offline and wrote nothing.
        .env("SCCACHE_RECACHE", "1")
        .run()
        .context("checking the portal with its queries online")?;
    let fresh = query_files(&fresh_dir)?;
    if fresh.is_empty() {
        bail!(
            "the portal's check wrote no query data into {}: were its queries checked online?",
            fresh_dir.display()
        );
    }
    let committed_dir = committed_dir();
    let committed = query_files(&committed_dir)?;
    match (mode, difference(&committed, &fresh)) {
        (_, None) => {
            println!(
                "query data: crates/portal/.sqlx is current ({} queries)",
                fresh.len()
            );
            Ok(())
        }
        (Mode::Check, Some(difference)) => bail!(
            "the offline query data in crates/portal/.sqlx is stale ({difference}): run \
             `cargo xtask sqlx-prepare` and commit crates/portal/.sqlx"
        ),
        (Mode::Write, Some(difference)) => {
            if committed_dir.exists() {
                std::fs::remove_dir_all(&committed_dir)?;
            }
            std::fs::create_dir_all(&committed_dir)?;
            for (file, text) in &fresh {
                std::fs::write(committed_dir.join(file), text)?;
            }
            println!(
                "query data: crates/portal/.sqlx rewritten ({difference}; {} queries)",
                fresh.len()
            );
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(name, text)| ((*name).to_owned(), (*text).to_owned()))
            .collect()
    }

    #[test]
    fn stale_query_data_is_told_apart_from_current_data() {
        let committed = files(&[("query-a.json", "a"), ("query-b.json", "b")]);
        assert_eq!(difference(&committed, &committed.clone()), None);
        assert_eq!(
            difference(
                &committed,
                &files(&[("query-a.json", "a2"), ("query-c.json", "c")])
            ),
            Some("1 queries missing, 1 no longer used, 1 changed".to_owned())
        );
    }
}
