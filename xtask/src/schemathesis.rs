//! API fuzzing: schemathesis generates requests from the portal's own `/openapi.json` and
//! checks that no answer is a server error and every answer matches the documented schema.
//! It runs on both databases: on SQLite in step `api fuzzing`, and on PostgreSQL in step
//! `postgres` with fewer examples per operation (the same requests reach the same handlers;
//! the second run is after the store's differences, for a fraction of the time).

use std::time::Duration;

use anyhow::{Context, Result, anyhow};

use crate::command::CommandLine;
use crate::portal::{Portal, PortalOptions, PortalOutput};
use crate::postgres::TestServer;
use crate::signin::{PortalClient, demo_accounts, sign_in_citizen, sign_in_staff};

/// Test cases per API operation on SQLite: enough to reach every documented status, small
/// enough for the 2-core CI machine.
const MAX_EXAMPLES: u32 = 30;

/// Test cases per API operation on PostgreSQL: a third of the SQLite run's.
const MAX_EXAMPLES_ON_POSTGRES: u32 = MAX_EXAMPLES / 3;

/// The database of the fuzzed portal.
#[derive(Debug, Clone, Copy)]
pub enum Database<'a> {
    /// A fresh SQLite file under `target/`.
    Sqlite,
    /// A fresh database on this PostgreSQL server, dropped afterwards.
    Postgres(&'a TestServer),
}

impl Database<'_> {
    fn name(&self) -> &'static str {
        match self {
            Database::Sqlite => "sqlite",
            Database::Postgres(_) => "postgres",
        }
    }

    fn max_examples(&self) -> u32 {
        match self {
            Database::Sqlite => MAX_EXAMPLES,
            Database::Postgres(_) => MAX_EXAMPLES_ON_POSTGRES,
        }
    }
}

/// A fresh PostgreSQL database for one run, dropped when the value is.
struct ScratchDatabase<'a> {
    server: &'a TestServer,
    name: String,
    url: String,
}

impl<'a> ScratchDatabase<'a> {
    fn create(server: &'a TestServer) -> Result<ScratchDatabase<'a>> {
        let name = format!("opendvc_fuzz_{}", uuid::Uuid::new_v4().simple());
        server.psql(server.url(), &format!("CREATE DATABASE {name}"))?;
        let url = server.database_url(&name)?;
        Ok(ScratchDatabase { server, name, url })
    }
}

impl Drop for ScratchDatabase<'_> {
    fn drop(&mut self) {
        let dropped = self.server.psql(
            self.server.url(),
            &format!("DROP DATABASE {} WITH (FORCE)", self.name),
        );
        if let Err(error) = dropped {
            eprintln!(
                "schemathesis: the database {} was left behind: {error:#}",
                self.name
            );
        }
    }
}

/// The operations for staff (a citizen's token gets 403 there): fuzzed with their tokens.
const STAFF_PATHS: &str = "^/v1/(assist|officer)/";

/// The demo clock, fuzzed in a run of its own after the rest.
const CLOCK: &str = "/v1/dev/clock";

/// The whole run stops and fails after this long; schemathesis's own `--max-time` would
/// instead keep fuzzing until the time is spent.
const TIME_LIMIT: Duration = Duration::from_secs(600);

/// Fuzzes a demo portal on `database`.
pub fn fuzz_api(database: Database<'_>) -> Result<()> {
    crate::python::ensure_tools()?;
    let work_dir = crate::workspace::target_dir()
        .join("xtask")
        .join("schemathesis")
        .join(database.name());
    std::fs::create_dir_all(&work_dir)?;
    let scratch = match database {
        Database::Sqlite => None,
        Database::Postgres(server) => Some(ScratchDatabase::create(server)?),
    };
    let db = match &scratch {
        None => {
            let file = work_dir.join("portal.db");
            remove_database(&file)?;
            file
        }
        // The test server has no password, so its URL may go on the command line.
        Some(scratch) => std::path::PathBuf::from(&scratch.url),
    };
    let binary = crate::workspace::binary("debug", "opendvc-portal");
    let portal = Portal::start(&PortalOptions {
        binary: binary.clone(),
        db,
        listen: "127.0.0.1:0".to_owned(),
        demo: true,
        demo_advance_seconds: None,
        demo_history: false,
        demo_send_in_background: false,
        output: PortalOutput::LogFile(work_dir.join("portal.log")),
    })?;

    let client = PortalClient::new(&portal.url);
    let accounts = demo_accounts(&binary)?;
    let citizen = accounts
        .citizens
        .first()
        .ok_or_else(|| anyhow!("the demo accounts have no citizen to sign in"))?;
    let tokens = sign_in_citizen(&client, citizen)
        .with_context(|| format!("could not sign in demo citizen {}", citizen.id_number))?;

    let report_dir = work_dir.join("report");
    let log = work_dir.join("schemathesis.log");
    let agent = accounts
        .staff
        .iter()
        .find(|staff| staff.kind == opendvc_api::StaffKind::Agent)
        .ok_or_else(|| anyhow!("the demo accounts have no DVC agent"))?;
    let agent_token = sign_in_staff(&client, &agent.code, &agent.password)?;
    let officer = accounts
        .officers
        .first()
        .ok_or_else(|| anyhow!("the demo accounts have no officer"))?;
    let officer_token = sign_in_staff(&client, &officer.code, &officer.password)?;
    let run = |token: &str, scope: &[&str]| {
        CommandLine::new(crate::python::tool("st"))
            .args(["run", &format!("{}/openapi.json", portal.url)])
            .args(["--header", &format!("Authorization: Bearer {token}")])
            .args(["--checks", "not_a_server_error,response_schema_conformance"])
            .args(["--max-examples", &database.max_examples().to_string()])
            // Deterministic generation makes every run send the same requests (schemathesis
            // then ignores any seed) and keeps no example database between runs.
            .arg("--generation-deterministic")
            .args(scope.iter().copied())
            .args(["--report", "junit", "--report-dir"])
            .arg(&report_dir)
            .arg("--no-color")
            // schemathesis keeps a cache of the failures it found in `.schemathesis/` of its
            // working directory and retries them first on the next run; that cache belongs
            // under target/.
            .current_dir(&work_dir)
            .run_with_time_limit_into(TIME_LIMIT, &log)
    };
    // Each operation with the caller it is for: the citizen's, the DVC agent's (assisted
    // sessions), the officer's; the demo clock last, since it expires the tokens.
    let fuzzing = run(
        &tokens.access_token,
        &[
            "--exclude-path-regex",
            STAFF_PATHS,
            // Signing out would revoke the token the rest of the run uses; the integration tests
            // cover sign-out.
            "--exclude-path",
            "/v1/auth/logout",
            // An event stream stays open until its token expires, so each generated request would
            // wait out schemathesis's read timeout: minutes for no extra coverage. Its frames and
            // replay are checked by tests/tests/push.rs.
            "--exclude-path",
            "/v1/events",
            // Moving the demo clock by generated amounts (years) expires the token the run uses,
            // and every later request needing it meets 401: the run would fuzz the sign-in check
            // instead of the handlers. The clock gets a run of its own, last.
            "--exclude-path",
            CLOCK,
        ],
    )
    .and_then(|()| reached_the_handlers(&log))
    .and_then(|()| run(&agent_token, &["--include-path-regex", "^/v1/assist/"]))
    .and_then(|()| reached_the_handlers(&log))
    .and_then(|()| run(&officer_token, &["--include-path-regex", "^/v1/officer/"]))
    .and_then(|()| reached_the_handlers(&log))
    .and_then(|()| run(&tokens.access_token, &["--include-path", CLOCK]));
    let stopping = portal.stop();
    fuzzing.with_context(|| {
        format!(
            "schemathesis failed against the portal's API on {} (portal log: {})",
            database.name(),
            work_dir.join("portal.log").display()
        )
    })?;
    stopping
}

/// The operations that rightly answer every generated request 403: Open311 filing checks the
/// client application's `api_key` in the query string before it reads the body, and
/// schemathesis (this version) cannot set a query parameter of its own. Their validation is
/// covered by `tests/tests/portal_open311.rs` (400s naming the field, 413, 415, the key check).
/// The demo bank's page (`GET /dev/pay/{paymentId}`) likewise refuses a pay request without the
/// portal's signature over its `vnp_*` parameters, which no generated request carries; its signed
/// and tampered requests are `tests/tests/portal_payments.rs`'s.
const KEY_PROTECTED: [&str; 3] = [
    "POST /open311/v2/requests.json",
    "POST /open311/v2/requests.xml",
    "GET /dev/pay/{paymentId}",
];

/// Fails when schemathesis warns that operations answered only 401/403 (but the
/// [`KEY_PROTECTED`] ones): the run's token stopped working, and those operations' handlers
/// were never fuzzed.
fn reached_the_handlers(log: &std::path::Path) -> Result<()> {
    let text = std::fs::read_to_string(log)
        .with_context(|| format!("could not read {}", log.display()))?;
    let refused = refused_operations(&text);
    let unexpected: Vec<&str> = refused
        .iter()
        .copied()
        .filter(|operation| !KEY_PROTECTED.contains(operation))
        .collect();
    if !unexpected.is_empty() || (text.contains("Authentication failed") && refused.is_empty()) {
        anyhow::bail!(
            "schemathesis reached some operations only with a refused token ({}; see its \
             warnings above): something in the run signs the citizen out or expires the token",
            unexpected.join(", ")
        );
    }
    Ok(())
}

/// The operations schemathesis lists under its "Authentication failed" warning: the lines
/// `  - METHOD /path` after a `401 …`/`403 …` heading, up to the next blank line.
fn refused_operations(text: &str) -> Vec<&str> {
    let mut refused = Vec::new();
    let mut listing = false;
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("401 ") || trimmed.starts_with("403 ") {
            listing = true;
        } else if trimmed.is_empty() {
            listing = false;
        } else if let Some(operation) = trimmed.strip_prefix("- ").filter(|_| listing) {
            refused.push(operation);
        }
    }
    refused
}

/// Removes an SQLite database with its WAL and shared-memory files, so a run starts afresh.
fn remove_database(db: &std::path::Path) -> Result<()> {
    for suffix in ["", "-wal", "-shm"] {
        let mut path = db.as_os_str().to_owned();
        path.push(suffix);
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => {
                return Err(error).with_context(|| {
                    format!("could not remove {}", std::path::Path::new(&path).display())
                });
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const WARNING: &str = "Authentication failed: 2 operations returned only 401/403 responses\n\n\
        403 Forbidden (2 operations):\n  - POST /open311/v2/requests.json\n  \
        - POST /open311/v2/requests.xml\n\n💡 Ensure valid authentication credentials\n";

    #[test]
    fn the_open311_filing_may_refuse_every_generated_request_other_operations_may_not() {
        let dir = tempfile::tempdir().expect("temp dir");
        let log = dir.path().join("schemathesis.log");
        std::fs::write(&log, WARNING).expect("log");
        reached_the_handlers(&log).expect("the key-protected operations only");
        std::fs::write(
            &log,
            WARNING.replace("(2 operations):\n", "(3 operations):\n  - GET /v1/me\n"),
        )
        .expect("log");
        let error = reached_the_handlers(&log).expect_err("a citizen route refused");
        assert!(error.to_string().contains("GET /v1/me"), "{error}");
        std::fs::write(&log, "Authentication failed: something else\n").expect("log");
        assert!(
            reached_the_handlers(&log).is_err(),
            "an unreadable warning still fails"
        );
        std::fs::write(&log, "no warnings\n").expect("log");
        reached_the_handlers(&log).expect("nothing refused");
    }
}
