//! The PostgreSQL server of a run: the person's own (`OPENDVC_TEST_DATABASE_URL`), or a
//! throwaway cluster started for the run by `opendvc-pgcluster` (shared with the test harness,
//! whose restart test starts a private one) and stopped when the [`TestServer`] is dropped —
//! after the tests, passed or failed — and by a signal handler when xtask is interrupted
//! (Ctrl-C, SIGTERM, SIGHUP).

use std::path::{Path, PathBuf};
use std::sync::{Mutex, Once};

use anyhow::{Context, Result};
pub use opendvc_pgcluster::ClusterOptions;
use opendvc_pgcluster::{Cluster, Remover};

use crate::command::CommandLine;

/// The variable that names a PostgreSQL server for the tests (a URL of any database on it).
pub const TEST_DATABASE_URL_ENV: &str = "OPENDVC_TEST_DATABASE_URL";

/// Clusters to stop if xtask is interrupted.
static RUNNING: Mutex<Vec<Remover>> = Mutex::new(Vec::new());
static INTERRUPT_HANDLER: Once = Once::new();

fn running() -> std::sync::MutexGuard<'static, Vec<Remover>> {
    RUNNING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A cluster stopped and removed on drop and on an interrupt.
#[derive(Debug)]
struct RegisteredCluster(Cluster);

impl RegisteredCluster {
    fn start(options: ClusterOptions) -> Result<RegisteredCluster> {
        let cluster = Cluster::start(options).context("starting a throwaway PostgreSQL cluster")?;
        running().push(cluster.remover());
        INTERRUPT_HANDLER.call_once(|| {
            let installed = ctrlc::set_handler(|| {
                let clusters: Vec<Remover> = running().drain(..).collect();
                for remover in clusters {
                    remover.stop_and_remove();
                }
                std::process::exit(130);
            });
            if let Err(error) = installed {
                eprintln!(
                    "postgres: no interrupt handler ({error}); an interrupted run may leave the \
                     test cluster running"
                );
            }
        });
        Ok(RegisteredCluster(cluster))
    }
}

impl Drop for RegisteredCluster {
    fn drop(&mut self) {
        let remover = self.0.remover();
        running().retain(|registered| *registered != remover);
        // Dropping the cluster itself (right after this) stops it and removes its folder.
    }
}

/// The server the tests run against: the person's own (`OPENDVC_TEST_DATABASE_URL`), or a
/// throwaway cluster started for them.
#[derive(Debug)]
pub struct TestServer {
    url: String,
    /// Held to keep the cluster running; dropped, it stops it.
    _cluster: Option<RegisteredCluster>,
}

impl TestServer {
    pub fn from_environment_or_start(options: ClusterOptions) -> Result<TestServer> {
        if let Ok(url) = std::env::var(TEST_DATABASE_URL_ENV)
            && !url.is_empty()
        {
            println!("postgres: the tests use the server of {TEST_DATABASE_URL_ENV}");
            return Ok(TestServer {
                url,
                _cluster: None,
            });
        }
        let cluster = RegisteredCluster::start(options)?;
        Ok(TestServer {
            url: cluster.0.url(),
            _cluster: Some(cluster),
        })
    }

    /// A URL of the server (of one of its databases), for `OPENDVC_TEST_DATABASE_URL`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The URL of database `name` on the server.
    pub fn database_url(&self, name: &str) -> Result<String> {
        let mut url = reqwest::Url::parse(&self.url)
            .with_context(|| format!("{TEST_DATABASE_URL_ENV} is not a postgres:// URL"))?;
        url.set_path(&format!("/{name}"));
        Ok(url.to_string())
    }

    /// Runs `sql` on the server's database of its URL with `psql`.
    pub fn psql(&self, database_url: &str, sql: &str) -> Result<String> {
        psql_command(database_url)?
            .arg("--command")
            .arg(sql)
            .output()
    }

    /// Runs the statements of `file` on `database_url` with `psql`, stopping at the first error.
    pub fn psql_file(&self, database_url: &str, file: &Path) -> Result<String> {
        psql_command(database_url)?.arg("--file").arg(file).output()
    }
}

fn psql_command(database_url: &str) -> Result<CommandLine> {
    let psql = opendvc_pgcluster::binaries()
        .map(|bin| bin.join("psql"))
        .ok()
        .filter(|psql| psql.is_file())
        .unwrap_or_else(|| PathBuf::from("psql"));
    // The URL is the psql's first argument, where libpq reads it as a connection string.
    Ok(CommandLine::new(psql)
        .args(["--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1"])
        .arg(database_url))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_url_on_the_server_keeps_its_parameters() {
        let server = TestServer {
            url: "postgres://me@db.internal:5433/postgres?sslmode=require".into(),
            _cluster: None,
        };
        assert_eq!(
            server.database_url("opendvc_sqlx").expect("a URL"),
            "postgres://me@db.internal:5433/opendvc_sqlx?sslmode=require"
        );
        let bare = TestServer {
            url: "postgres://me@db.internal:5433".into(),
            _cluster: None,
        };
        assert_eq!(
            bare.database_url("opendvc_sqlx").expect("a URL"),
            "postgres://me@db.internal:5433/opendvc_sqlx"
        );
    }
}
