//! A throwaway PostgreSQL cluster for the tests, from the machine's own binaries (Debian's
//! `postgresql` package): `initdb` and `pg_ctl` in a fresh folder under `/tmp` (a checkout under
//! `/root` is out of the `postgres` user's reach, and a socket's path must stay under 107
//! bytes), on a free port, listening on 127.0.0.1 only, run as the `postgres` user when xtask
//! runs as root. Nothing is downloaded and no container engine is needed.
//!
//! The cluster is stopped and its folder removed when the [`Cluster`] is dropped — after the
//! tests, passed or failed — and by a signal handler when xtask is interrupted (Ctrl-C,
//! SIGTERM, SIGHUP).
//!
//! A person with their own server sets `OPENDVC_TEST_DATABASE_URL` instead
//! ([`TestServer::from_environment_or_start`]); then nothing is started.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, Once};

use anyhow::{Context, Result};

use crate::command::CommandLine;

/// The variable that names a PostgreSQL server for the tests (a URL of any database on it).
pub const TEST_DATABASE_URL_ENV: &str = "OPENDVC_TEST_DATABASE_URL";

/// The system user that runs the cluster when xtask runs as root.
const CLUSTER_USER: &str = "postgres";

/// What the cluster trades for speed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClusterOptions {
    /// Flush to disk at every commit (`fsync=on`): for benchmarks of durable commits. Tests
    /// run without it: the cluster is thrown away after them, and the portal's own
    /// `synchronous_commit=on` is checked either way.
    pub durable: bool,
}

/// A running throwaway cluster.
#[derive(Debug)]
pub struct Cluster {
    folder: PathBuf,
    bin: PathBuf,
    port: u16,
    run_as: Option<&'static str>,
    running: bool,
}

/// Clusters to stop if xtask is interrupted: their `pg_ctl`, data folder and owner.
static RUNNING: Mutex<Vec<(PathBuf, PathBuf, Option<&'static str>)>> = Mutex::new(Vec::new());
static INTERRUPT_HANDLER: Once = Once::new();

/// The folder with the newest PostgreSQL's `initdb` and `pg_ctl`: Debian's
/// `/usr/lib/postgresql/VERSION/bin`, else the folder of an `initdb` on the `PATH`.
pub fn binaries() -> Result<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|entries| {
            entries
                .filter_map(|entry| entry.ok())
                .filter_map(|entry| {
                    let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
                    let bin = entry.path().join("bin");
                    bin.join("initdb").is_file().then_some((version, bin))
                })
                .collect()
        })
        .unwrap_or_default();
    versions.sort();
    if let Some((_, bin)) = versions.pop() {
        return Ok(bin);
    }
    let on_path = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .find(|dir| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file());
    on_path.ok_or_else(|| {
        anyhow::anyhow!(
            "no PostgreSQL server binaries (initdb, pg_ctl) found in /usr/lib/postgresql/*/bin \
             or on the PATH: install them with `sudo apt-get install -y postgresql`, or point \
             the tests at your own server with {TEST_DATABASE_URL_ENV}=postgres://USER@HOST:PORT/DB"
        )
    })
}

fn is_root() -> bool {
    CommandLine::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|uid| uid.trim() == "0")
}

/// A port nobody listens on now.
fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").context("finding a free port")?;
    Ok(listener.local_addr()?.port())
}

impl Cluster {
    /// Creates and starts a cluster in a new folder under `/tmp`.
    pub fn start(options: ClusterOptions) -> Result<Cluster> {
        let bin = binaries()?;
        let run_as = is_root().then_some(CLUSTER_USER);
        let folder = PathBuf::from(format!(
            "/tmp/opendvc-pg-{}",
            uuid::Uuid::new_v4()
                .simple()
                .to_string()
                .get(..12)
                .unwrap_or("cluster")
        ));
        std::fs::create_dir(&folder)
            .with_context(|| format!("creating the cluster's folder {}", folder.display()))?;
        let mut cluster = Cluster {
            folder,
            bin,
            port: free_port()?,
            run_as,
            running: false,
        };
        if let Some(user) = run_as {
            CommandLine::new("chown")
                .args([format!("{user}:"), cluster.folder.display().to_string()])
                .output()
                .with_context(|| {
                    format!("handing the cluster's folder to the {user} user (is the postgresql package installed?)")
                })?;
        }
        cluster
            .as_owner("initdb")
            .args([
                "--auth=trust",
                "--encoding=UTF8",
                "--no-locale",
                "--username=postgres",
            ])
            .arg("--pgdata")
            .arg(cluster.data())
            .output()
            .context("initdb could not create the test cluster")?;
        let settings = format!(
            "-c listen_addresses=127.0.0.1 -p {port} -k {socket} -c max_connections=300 \
             -c fsync={fsync} -c full_page_writes={fsync} -c synchronous_commit=on",
            port = cluster.port,
            socket = cluster.folder.display(),
            fsync = if options.durable { "on" } else { "off" },
        );
        register(&cluster);
        cluster
            .as_owner("pg_ctl")
            .args(["start", "--wait", "--timeout=60", "--silent"])
            .arg("--pgdata")
            .arg(cluster.data())
            .arg("--log")
            .arg(cluster.folder.join("server.log"))
            .arg("-o")
            .arg(settings)
            .output()
            .with_context(|| {
                format!(
                    "pg_ctl could not start the test cluster; its log: {}",
                    std::fs::read_to_string(cluster.folder.join("server.log")).unwrap_or_default()
                )
            })?;
        cluster.running = true;
        println!(
            "postgres: a throwaway cluster runs on 127.0.0.1:{} in {}",
            cluster.port,
            cluster.folder.display()
        );
        Ok(cluster)
    }

    fn data(&self) -> PathBuf {
        self.folder.join("data")
    }

    /// The URL of the cluster's `postgres` database, as the superuser `postgres`.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// A PostgreSQL program run as the cluster's owner.
    fn as_owner(&self, program: &str) -> CommandLine {
        owner_command(&self.bin, program, self.run_as).current_dir(Path::new("/tmp"))
    }
}

fn owner_command(bin: &Path, program: &str, run_as: Option<&str>) -> CommandLine {
    match run_as {
        Some(user) => CommandLine::new("runuser")
            .args(["-u", user, "--"])
            .arg(bin.join(program)),
        None => CommandLine::new(bin.join(program)),
    }
}

/// Stops the cluster in `data` and removes its folder.
fn stop(bin: &Path, data: &Path, run_as: Option<&str>) {
    let stopped = owner_command(bin, "pg_ctl", run_as)
        .current_dir(Path::new("/tmp"))
        .args(["stop", "--wait", "--mode=fast", "--silent"])
        .arg("--pgdata")
        .arg(data)
        .output();
    if let Err(error) = stopped {
        eprintln!("postgres: stopping the test cluster: {error:#}");
    }
    if let Some(folder) = data.parent()
        && let Err(error) = std::fs::remove_dir_all(folder)
    {
        eprintln!(
            "postgres: removing the test cluster's folder {}: {error}",
            folder.display()
        );
    }
}

fn running() -> std::sync::MutexGuard<'static, Vec<(PathBuf, PathBuf, Option<&'static str>)>> {
    RUNNING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Remembers the cluster for the interrupt handler, installing it once.
fn register(cluster: &Cluster) {
    running().push((cluster.bin.clone(), cluster.data(), cluster.run_as));
    INTERRUPT_HANDLER.call_once(|| {
        let installed = ctrlc::set_handler(|| {
            let clusters: Vec<_> = running().drain(..).collect();
            for (bin, data, run_as) in clusters {
                stop(&bin, &data, run_as);
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
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let data = self.data();
        running().retain(|(_, registered, _)| *registered != data);
        if self.running || self.folder.exists() {
            stop(&self.bin, &data, self.run_as);
        }
    }
}

/// The server the tests run against: the person's own (`OPENDVC_TEST_DATABASE_URL`), or a
/// throwaway cluster started for them.
#[derive(Debug)]
pub struct TestServer {
    url: String,
    /// Held to keep the cluster running; dropped, it stops it.
    _cluster: Option<Cluster>,
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
        let cluster = Cluster::start(options)?;
        Ok(TestServer {
            url: cluster.url(),
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
    let psql = binaries()
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
