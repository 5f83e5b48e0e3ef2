//! A private PostgreSQL cluster for a test that restarts the database itself, which the
//! cluster shared by a whole run (`OPENDVC_TEST_DATABASE_URL`) cannot be: the other tests run on
//! it at the same time. The cluster code is `opendvc-pgcluster`'s, shared with xtask; portals
//! are put on it with [`crate::PortalOptions::on_database_server`].

pub use opendvc_pgcluster::{Cluster, ClusterError, ClusterOptions, StopMode, binaries};

/// A private cluster for the test named `test`, or `None` with the reason printed when the
/// test does not run here: the run is not on PostgreSQL (`OPENDVC_TEST_DATABASE_URL` unset; the
/// restart tests belong to step `postgres`) or the machine has no PostgreSQL binaries.
///
/// # Panics
/// When the binaries are there and the cluster still does not start.
pub fn private_cluster_for(test: &str) -> Option<Cluster> {
    if !crate::runs_on_postgres() {
        eprintln!(
            "{test}: skipped: restarting PostgreSQL belongs to the PostgreSQL run \
             (OPENDVC_TEST_DATABASE_URL; cargo xtask test --only postgres)"
        );
        return None;
    }
    if let Err(error) = binaries() {
        eprintln!("{test}: skipped: {error}");
        return None;
    }
    Some(
        Cluster::start(ClusterOptions { durable: false })
            .unwrap_or_else(|error| panic!("{test}: a private PostgreSQL cluster: {error}")),
    )
}
