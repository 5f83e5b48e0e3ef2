//! Catalog search over 10,000 generated procedures and the demo catalog: the index build time,
//! and p50 and p95 query time of the full search beside the bare FTS5 query on the same index.
//!
//! The queries are the search test table's and every prefix of each as it is typed ("c",
//! "ca", "cap", …), which is what a search-as-you-type screen sends. The bare query
//! ([`CatalogSearch::search_bare`]) matches the typed words exactly, ranked by FTS5's own
//! `bm25()`, without prefixes, typos, synonyms or highlights: the ratio shows what those cost.
//!
//! The numbers are those of an optimised build, like the benchmarks of the binaries:
//! `bench::run` runs in an xtask built with the measured profile.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use opendvc_api::Procedure;
use opendvc_core::search::SynonymTable;
use opendvc_core::search::generator::generate_catalog;
use opendvc_core::search::query_table::QUERY_TABLE;
use opendvc_core::store::catalog_search::CatalogSearch;
use rusqlite::Connection;
use serde_json::json;

use super::{BenchContext, Measurement};

const BENCH: &str = "search";

/// Generated procedures, besides the demo catalog.
const GENERATED: usize = 10_000;

/// The generator's seed, fixed so that every run measures the same catalog.
const SEED: u64 = 7;

/// Hits asked for, as a results list on a screen shows.
const LIMIT: usize = 10;

/// Each query runs this many times; it counts with the median, so that one run interrupted by
/// other work on the machine does not count.
const RUNS_PER_QUERY: usize = 5;

/// The target for p95 of the full search, from the architecture brief.
const TARGET_P95: Duration = Duration::from_millis(5);

/// What the measuring found.
#[derive(Debug)]
struct Timings {
    procedures: usize,
    terms: usize,
    build_nanos: u64,
    queries: usize,
    /// Per query, the median of its runs, in query order.
    search_nanos: Vec<u64>,
    bare_nanos: Vec<u64>,
}

pub fn run(context: &BenchContext) -> Result<Vec<Measurement>> {
    measurements(&measure(&context.work_dir)?)
}

/// Builds the index in a database under `work_dir` and times the queries on it.
fn measure(work_dir: &Path) -> Result<Timings> {
    let mut catalog = demo_catalog()?;
    catalog.extend(generate_catalog(GENERATED, SEED));
    let synonyms = SynonymTable::bundled().context("the bundled synonym file does not load")?;
    let database = work_dir.join("search-bench.db");
    let conn = open_like_the_app(&database)?;
    let search = CatalogSearch::new(&conn);

    let started = Instant::now();
    let summary = search
        .build(&catalog, &synonyms)
        .context("the search index could not be built")?;
    let build = started.elapsed();

    let queries = typed_queries();
    // One pass first, so that both sides start with the pages they need in SQLite's cache
    // and their statements prepared.
    for query in &queries {
        search.search(query, LIMIT)?;
        search.search_bare(query, LIMIT)?;
    }
    let mut search_nanos = Vec::with_capacity(queries.len());
    let mut bare_nanos = Vec::with_capacity(queries.len());
    for query in &queries {
        search_nanos.push(median_nanos(|| search.search(query, LIMIT).map(drop))?);
        bare_nanos.push(median_nanos(|| search.search_bare(query, LIMIT).map(drop))?);
    }
    Ok(Timings {
        procedures: summary.procedures,
        terms: summary.terms,
        build_nanos: nanos(build),
        queries: queries.len(),
        search_nanos,
        bare_nanos,
    })
}

/// The portal's demo catalog, from the repository.
fn demo_catalog() -> Result<Vec<Procedure>> {
    let path = crate::workspace::root().join("crates/portal/data/procedures.json");
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("could not read the demo catalog {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not a catalog", path.display()))
}

/// An index file on disk with the app's settings for derived data (WAL, `synchronous=NORMAL`).
fn open_like_the_app(path: &Path) -> Result<Connection> {
    for suffix in ["", "-wal", "-shm"] {
        let file = PathBuf::from(format!("{}{suffix}", path.display()));
        if file.exists() {
            std::fs::remove_file(&file)?;
        }
    }
    let conn =
        Connection::open(path).with_context(|| format!("could not open {}", path.display()))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    Ok(conn)
}

/// The test table's queries, then every prefix of each, one character more at a time, as a
/// person types it.
fn typed_queries() -> Vec<String> {
    let mut queries: Vec<String> = QUERY_TABLE
        .iter()
        .map(|(query, _)| (*query).to_owned())
        .collect();
    for (query, _) in QUERY_TABLE {
        let chars: Vec<char> = query.chars().collect();
        queries.extend((1..chars.len()).map(|end| chars[..end].iter().collect::<String>()));
    }
    queries
}

fn median_nanos<E>(mut run: impl FnMut() -> Result<(), E>) -> Result<u64>
where
    E: std::error::Error + Send + Sync + 'static,
{
    let mut samples = Vec::with_capacity(RUNS_PER_QUERY);
    for _ in 0..RUNS_PER_QUERY {
        let started = Instant::now();
        run()?;
        samples.push(nanos(started.elapsed()));
    }
    samples.sort_unstable();
    Ok(samples[samples.len() / 2])
}

fn nanos(duration: Duration) -> u64 {
    u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX)
}

/// The value at quantile `q` (0 to 1) of `values`, by the nearest-rank method.
fn quantile(values: &[u64], q: f64) -> Result<u64> {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    if sorted.is_empty() {
        bail!("no query was timed");
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    Ok(sorted[rank.clamp(1, sorted.len()) - 1])
}

fn micros(nanos: u64) -> f64 {
    nanos as f64 / 1_000.0
}

fn measurements(timings: &Timings) -> Result<Vec<Measurement>> {
    if timings.search_nanos.len() != timings.queries || timings.bare_nanos.len() != timings.queries
    {
        bail!("the search timings do not hold one time per query");
    }
    let mut out = vec![
        Measurement::new(
            BENCH,
            format!("search index build, {} procedures", timings.procedures),
            timings.build_nanos as f64 / 1_000_000.0,
            "ms",
        )
        .with_details(json!({ "procedures": timings.procedures, "terms": timings.terms })),
    ];
    for (label, q) in [("p50", 0.5), ("p95", 0.95)] {
        let bare = Measurement::new(
            BENCH,
            format!("bare FTS5 query {label}"),
            micros(quantile(&timings.bare_nanos, q)?),
            "µs",
        )
        .with_details(json!({ "queries": timings.queries, "runsPerQuery": RUNS_PER_QUERY }));
        let full_nanos = quantile(&timings.search_nanos, q)?;
        let mut details = json!({
            "queries": timings.queries,
            "runsPerQuery": RUNS_PER_QUERY,
            "procedures": timings.procedures,
            "limit": LIMIT,
        });
        if label == "p95" {
            details["targetMicros"] = json!(micros(nanos(TARGET_P95)));
            details["withinTarget"] = json!(full_nanos <= nanos(TARGET_P95));
        }
        let full = Measurement::new(
            BENCH,
            format!("catalog search {label}"),
            micros(full_nanos),
            "µs",
        )
        .compared_to(&bare)
        .with_details(details);
        out.push(bare);
        out.push(full);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_take_the_nearest_rank() {
        let values: Vec<u64> = (1..=20).rev().collect();
        assert_eq!(quantile(&values, 0.5).expect("values"), 10);
        assert_eq!(quantile(&values, 0.95).expect("values"), 19);
        assert_eq!(quantile(&[7], 0.95).expect("one value"), 7);
        assert!(quantile(&[], 0.5).is_err(), "no values, no quantile");
    }

    #[test]
    fn typed_queries_hold_the_table_and_every_prefix() {
        let queries = typed_queries();
        assert_eq!(queries[0], QUERY_TABLE[0].0, "the table comes first");
        for prefix in ["c", "ca", "cap", "cap doi can cuo"] {
            assert!(
                queries.iter().any(|query| query == prefix),
                "{prefix:?} is typed on the way to {:?}",
                QUERY_TABLE[0].0
            );
        }
        let characters: usize = QUERY_TABLE
            .iter()
            .map(|(query, _)| query.chars().count())
            .sum();
        assert_eq!(
            queries.len(),
            characters,
            "one query per character typed, the last being the whole query"
        );
    }

    #[test]
    fn the_report_compares_each_quantile_with_the_bare_query() {
        let timings = Timings {
            procedures: 10_047,
            terms: 900,
            build_nanos: 2_500_000_000,
            queries: 4,
            search_nanos: vec![1_000_000, 2_000_000, 3_000_000, 8_000_000],
            bare_nanos: vec![500_000, 500_000, 1_000_000, 2_000_000],
        };
        let found = measurements(&timings).expect("measurements");
        let names: Vec<&str> = found.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "search index build, 10047 procedures",
                "bare FTS5 query p50",
                "catalog search p50",
                "bare FTS5 query p95",
                "catalog search p95",
            ]
        );
        assert_eq!(found[0].value, 2_500.0, "the build in milliseconds");
        assert_eq!(found[2].value, 2_000.0, "p50 in microseconds");
        assert_eq!(found[2].ratio, Some(4.0), "beside the bare p50 of 500 µs");
        assert_eq!(found[4].value, 8_000.0);
        assert_eq!(found[4].ratio, Some(4.0));
        assert_eq!(
            found[4].details["withinTarget"], false,
            "8 ms is over the 5 ms target"
        );
    }
}
