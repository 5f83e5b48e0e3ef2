//! A throwaway PostgreSQL cluster from the machine's own binaries (Debian's `postgresql`
//! package): `initdb` and `pg_ctl` in a fresh folder under `/tmp` (a checkout under `/root` is
//! out of the `postgres` user's reach, and a socket's path must stay under 107 bytes), on a
//! free port, listening on 127.0.0.1 only, run as the `postgres` user when the caller is root.
//!
//! The cluster is stopped and its folder removed when the [`Cluster`] is dropped. A test can
//! stop it (as a crash would, with [`StopMode::Immediate`]) and start it again on the same port
//! and data ([`Cluster::start_again`]), which is a database restart as its clients see it.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::Command;

/// The system user that runs the cluster when the caller is root (PostgreSQL refuses to run
/// as root).
const CLUSTER_USER: &str = "postgres";

/// How long `pg_ctl` may wait for the server to start or stop, in seconds.
const PG_CTL_TIMEOUT_SECS: u32 = 60;

/// What went wrong with a cluster, and what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    #[error(
        "no PostgreSQL server binaries (initdb, pg_ctl) found in /usr/lib/postgresql/*/bin or on \
         the PATH: install them with `sudo apt-get install -y postgresql`, or point the tests at \
         your own server with OPENDVC_TEST_DATABASE_URL=postgres://USER@HOST:PORT/DB"
    )]
    NoBinaries,
    #[error("{what}: {source} (is the postgresql package installed, and /tmp writable?)")]
    Io {
        what: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{what} failed ({status}): {output}")]
    Failed {
        what: String,
        status: String,
        output: String,
    },
}

/// What the cluster trades for speed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClusterOptions {
    /// Flush to disk at every commit (`fsync=on`): for benchmarks of durable commits. Tests
    /// run without it: the cluster is thrown away after them, and the portal's own
    /// `synchronous_commit=on` is checked either way. A stop in [`StopMode::Immediate`] loses
    /// nothing either way: the operating system still holds what was written.
    pub durable: bool,
}

/// How [`Cluster::stop`] stops the server (`pg_ctl stop --mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopMode {
    /// Disconnects every client, rolls back their transactions and shuts down cleanly.
    Fast,
    /// Kills every server process at once, as a crash would; the next start recovers from the
    /// write-ahead log.
    Immediate,
}

impl StopMode {
    fn as_arg(self) -> &'static str {
        match self {
            StopMode::Fast => "--mode=fast",
            StopMode::Immediate => "--mode=immediate",
        }
    }
}

/// The folder with the newest PostgreSQL's `initdb` and `pg_ctl`: Debian's
/// `/usr/lib/postgresql/VERSION/bin`, else the folder of an `initdb` on the `PATH`.
///
/// # Errors
/// [`ClusterError::NoBinaries`] when neither has them.
pub fn binaries() -> Result<PathBuf, ClusterError> {
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
    std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .find(|dir| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file())
        .ok_or(ClusterError::NoBinaries)
}

/// Stops a cluster and removes its folder, from wherever the [`Cluster`] itself is not at
/// hand (a signal handler). Cheap to clone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remover {
    bin: PathBuf,
    folder: PathBuf,
    run_as: Option<&'static str>,
}

impl Remover {
    fn data(&self) -> PathBuf {
        self.folder.join("data")
    }

    /// A PostgreSQL program run as the cluster's owner, from `/tmp` (the owner may not be
    /// allowed into the caller's folder).
    fn as_owner(&self, program: &str) -> Command {
        let mut command = match self.run_as {
            Some(user) => {
                let mut command = Command::new("runuser");
                command.args(["-u", user, "--"]).arg(self.bin.join(program));
                command
            }
            None => Command::new(self.bin.join(program)),
        };
        command.current_dir("/tmp");
        command
    }

    /// Stops the server (fast; nothing to do if it is down) and removes the cluster's folder.
    /// Failures are printed: there is nobody left to hand them to.
    pub fn stop_and_remove(&self) {
        if let Err(error) = self.pg_ctl_stop(StopMode::Fast) {
            eprintln!("postgres: stopping the test cluster: {error}");
        }
        if let Err(error) = std::fs::remove_dir_all(&self.folder)
            && error.kind() != std::io::ErrorKind::NotFound
        {
            eprintln!(
                "postgres: removing the test cluster's folder {}: {error}",
                self.folder.display()
            );
        }
    }

    fn pg_ctl_stop(&self, mode: StopMode) -> Result<(), ClusterError> {
        if !self.data().join("postmaster.pid").exists() {
            return Ok(());
        }
        let mut command = self.as_owner("pg_ctl");
        command
            .args(["stop", "--wait", "--silent", mode.as_arg()])
            .arg(format!("--timeout={PG_CTL_TIMEOUT_SECS}"))
            .arg("--pgdata")
            .arg(self.data());
        run(command, "pg_ctl stop")
    }
}

/// A running throwaway cluster; dropped, it is stopped and its folder removed.
#[derive(Debug)]
pub struct Cluster {
    remover: Remover,
    port: u16,
    /// The server's settings, given again at every start.
    settings: String,
}

impl Cluster {
    /// Creates and starts a cluster in a new folder under `/tmp`.
    ///
    /// # Errors
    /// When the binaries are missing, or `initdb` or `pg_ctl start` fails (the server's log
    /// is in the error).
    pub fn start(options: ClusterOptions) -> Result<Cluster, ClusterError> {
        let bin = binaries()?;
        let run_as = is_root().then_some(CLUSTER_USER);
        let id = uuid::Uuid::new_v4().simple().to_string();
        let folder = PathBuf::from(format!(
            "/tmp/opendvc-pg-{}",
            id.get(..12).unwrap_or("cluster")
        ));
        std::fs::create_dir(&folder).map_err(|source| ClusterError::Io {
            what: format!("creating the cluster's folder {}", folder.display()),
            source,
        })?;
        let port = free_port()?;
        let settings = format!(
            "-c listen_addresses=127.0.0.1 -p {port} -k {socket} -c max_connections=300 \
             -c fsync={fsync} -c full_page_writes={fsync} -c synchronous_commit=on",
            socket = folder.display(),
            fsync = if options.durable { "on" } else { "off" },
        );
        // From here on, dropping the value removes the folder whatever fails next.
        let cluster = Cluster {
            remover: Remover {
                bin,
                folder,
                run_as,
            },
            port,
            settings,
        };
        if let Some(user) = run_as {
            let mut chown = Command::new("chown");
            chown.arg(format!("{user}:")).arg(&cluster.remover.folder);
            run(
                chown,
                &format!("handing the cluster's folder to the {user} user"),
            )?;
        }
        let mut initdb = cluster.remover.as_owner("initdb");
        initdb
            .args([
                "--auth=trust",
                "--encoding=UTF8",
                "--no-locale",
                "--username=postgres",
            ])
            .arg("--pgdata")
            .arg(cluster.remover.data());
        run(initdb, "initdb (creating the test cluster)")?;
        cluster.start_again()?;
        println!(
            "postgres: a throwaway cluster runs on 127.0.0.1:{} in {}",
            cluster.port,
            cluster.remover.folder.display()
        );
        Ok(cluster)
    }

    /// The URL of the cluster's `postgres` database, as the superuser `postgres`.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// The port the server listens on, the same across restarts.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// What stops and removes this cluster from elsewhere (a signal handler).
    pub fn remover(&self) -> Remover {
        self.remover.clone()
    }

    /// Stops the server, keeping its data for [`Cluster::start_again`]. Clients' connections
    /// break; new ones are refused until the server is started again.
    ///
    /// # Errors
    /// When `pg_ctl stop` fails.
    pub fn stop(&self, mode: StopMode) -> Result<(), ClusterError> {
        self.remover.pg_ctl_stop(mode)
    }

    /// Starts the server (again) on the same port and data, and waits until it takes
    /// connections.
    ///
    /// # Errors
    /// When `pg_ctl start` fails; the server's log is in the error.
    pub fn start_again(&self) -> Result<(), ClusterError> {
        let log = self.remover.folder.join("server.log");
        let mut command = self.remover.as_owner("pg_ctl");
        command
            .args(["start", "--wait", "--silent"])
            .arg(format!("--timeout={PG_CTL_TIMEOUT_SECS}"))
            .arg("--pgdata")
            .arg(self.remover.data())
            .arg("--log")
            .arg(&log)
            .arg("-o")
            .arg(&self.settings);
        run(command, "pg_ctl start").map_err(|error| match error {
            ClusterError::Failed {
                what,
                status,
                output,
            } => ClusterError::Failed {
                what,
                status,
                output: format!(
                    "{output}\nthe server's log:\n{}",
                    std::fs::read_to_string(&log).unwrap_or_default()
                ),
            },
            other => other,
        })
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.remover.stop_and_remove();
    }
}

/// Runs `command` to its end; an error names `what` and carries its output.
fn run(mut command: Command, what: &str) -> Result<(), ClusterError> {
    let output = command.output().map_err(|source| ClusterError::Io {
        what: format!("{what}: starting {command:?}"),
        source,
    })?;
    if output.status.success() {
        return Ok(());
    }
    Err(ClusterError::Failed {
        what: what.to_owned(),
        status: output.status.to_string(),
        output: format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
    })
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|uid| String::from_utf8_lossy(&uid.stdout).trim() == "0")
}

/// A port nobody listens on now.
fn free_port() -> Result<u16, ClusterError> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .map_err(|source| ClusterError::Io {
            what: "finding a free port".to_owned(),
            source,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpStream;

    fn accepts_connections(port: u16) -> bool {
        TcpStream::connect(("127.0.0.1", port)).is_ok()
    }

    #[test]
    fn a_cluster_restarts_on_its_port_and_is_removed_when_dropped() {
        if binaries().is_err() {
            eprintln!("skipped: no PostgreSQL binaries on this machine");
            return;
        }
        let cluster = Cluster::start(ClusterOptions { durable: false }).expect("a cluster");
        let port = cluster.port();
        let folder = cluster.remover.folder.clone();
        assert!(accepts_connections(port), "the started cluster listens");
        cluster
            .stop(StopMode::Immediate)
            .expect("the cluster stops as a crash would");
        assert!(!accepts_connections(port), "the stopped cluster refuses");
        cluster.start_again().expect("the cluster starts again");
        assert!(
            accepts_connections(port),
            "the cluster listens again on the same port"
        );
        assert!(
            cluster.url().ends_with(&format!(":{port}/postgres")),
            "the URL names the port: {}",
            cluster.url()
        );
        drop(cluster);
        assert!(!folder.exists(), "the dropped cluster's folder is removed");
        assert!(!accepts_connections(port), "the dropped cluster is stopped");
    }
}
