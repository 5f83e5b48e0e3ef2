//! The queue's drain through a weak link, beside its floor: a fault proxy in front of the same
//! portal answers 15% of requests 503 with `Retry-After: 1`, resets 10% of connections and drops
//! 15% of the replies after the portal acted (an outreach laptop on a bad mobile line). The
//! floor is the waiting those `Retry-After` answers impose on a client that honours them, one
//! request at a time; the drain should need at most 3x it. Every submission must arrive exactly
//! once: the bench fails when the portal holds more or fewer new applications than were queued.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use opendvc_api::ApplicationList;
use opendvc_core::session::DataDir;
use opendvc_core::{OpenDvc, OpenDvcOptions, SubmissionDraft};
use opendvc_tests::fault_proxy::{Fault, FaultPlan, FaultProxy};
use serde_json::json;

/// Submissions queued, then drained through the proxy.
pub const ITEMS: usize = 60;

/// The proxy's mix, in percent of requests.
const OVERLOADED: u32 = 15;
const RESET: u32 = 10;
const LOST_REPLY: u32 = 15;

/// The drain gives up after this long, so a regression still ends the bench.
const DRAIN_LIMIT: Duration = Duration::from_secs(900);

/// What the drain through the weak link did.
#[derive(Debug, Clone)]
pub struct LossyDrain {
    pub elapsed: Duration,
    /// The seconds the proxy's `Retry-After` answers asked for, added up.
    pub floor: Duration,
    pub details: serde_json::Value,
}

/// Queues [`ITEMS`] copies of `draft` in the profile of `data_dir` (signed in already), drains
/// them through a fault proxy in front of `portal_url`, and checks each arrived once.
pub async fn measure(
    portal_url: &str,
    access_token: &str,
    data_dir: &DataDir,
    draft: &SubmissionDraft,
) -> Result<LossyDrain> {
    let upstream: SocketAddr = portal_url
        .trim_start_matches("http://")
        .parse()
        .with_context(|| format!("the portal's address {portal_url} is not host:port"))?;
    let plan = FaultPlan::seeded(19)
        .with(Fault::Pass, 100 - OVERLOADED - RESET - LOST_REPLY)
        .with(
            Fault::Overloaded {
                retry_after_secs: 1,
            },
            OVERLOADED,
        )
        .with(Fault::Reset, RESET)
        .with(Fault::LostResponse, LOST_REPLY);
    let proxy = FaultProxy::start(upstream, FaultPlan::pass_through())?;
    let mut options = OpenDvcOptions::new(data_dir.clone());
    options.portal_override = Some(proxy.url());
    let core = OpenDvc::open(options)?;
    let before = applications_at_portal(portal_url, access_token).await?;
    for _ in 0..ITEMS {
        core.submit(draft.clone(), false).await?;
    }
    proxy.set_plan(plan);
    let started = Instant::now();
    let outcome = core.drain(DRAIN_LIMIT).await?;
    let elapsed = started.elapsed();
    let stats = proxy.stats();
    proxy.set_plan(FaultPlan::pass_through());
    drop(core);
    let after = applications_at_portal(portal_url, access_token).await?;
    println!(
        "drain through a lossy link: {} sent in {:.1} s ({} retries; proxy: {stats})",
        outcome.sent,
        elapsed.as_secs_f64(),
        outcome.retries
    );
    if outcome.sent != ITEMS || after.saturating_sub(before) != ITEMS {
        bail!(
            "through the lossy link the drain sent {} of {ITEMS} and the portal gained {} \
             applications (ended {:?})",
            outcome.sent,
            after.saturating_sub(before),
            outcome.end
        );
    }
    Ok(LossyDrain {
        elapsed,
        floor: Duration::from_secs(stats.retry_after_secs),
        details: json!({
            "submissions": ITEMS,
            "retries": outcome.retries,
            "seconds": elapsed.as_secs_f64(),
            "proxy": {
                "requests": stats.requests,
                "overloaded503": stats.service_unavailable,
                "resets": stats.resets,
                "lostReplies": stats.lost_responses,
                "retryAfterSeconds": stats.retry_after_secs,
            },
            "arrivedOnce": true,
            "target": "ratio at most 3",
        }),
    })
}

/// How many applications the signed-in citizen has at the portal (asked directly, not
/// through the proxy).
async fn applications_at_portal(portal_url: &str, access_token: &str) -> Result<usize> {
    let response = reqwest::Client::builder()
        .no_proxy()
        .build()?
        .get(format!("{portal_url}/v1/applications"))
        .bearer_auth(access_token)
        .send()
        .await?;
    let status = response.status();
    if !status.is_success() {
        return Err(anyhow!("GET /v1/applications answered {status}"));
    }
    Ok(response.json::<ApplicationList>().await?.items.len())
}
