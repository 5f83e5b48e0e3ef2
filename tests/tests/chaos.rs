//! The reliability bar of the submission queue, end to end: submissions queued by the real
//! `opendvc` CLI while the portal is unreachable, then drained through the fault proxy while
//! the CLI is killed with SIGKILL at random moments and started again. The portal must end
//! with exactly one application per queued submission, with its attachments, its delivery
//! change and its supplement once each — none missing, none doubled — and every local queue
//! item must be `sent`.
//!
//! The follow-ups are what the product really does with an application that is still queued:
//! a delivery change (valid while the application is `received`) and a supplement. The portal
//! takes a supplement only while the officer has one requested, so an officer (a thread of the
//! test, talking to the portal directly) requests a supplement on each target application as
//! soon as it arrives; the supplements are queued last, behind every submission, so the
//! officer has the whole rest of the drain to do it. Should a supplement still overtake the
//! officer, the portal refuses it (`invalid_state`), the queue keeps it as "needs attention",
//! and the test does what the person would do once the request shows up: `queue retry`. That
//! path is counted and printed, never hidden.
//!
//! On PostgreSQL (`OPENDVC_TEST_DATABASE_URL`, step `postgres` of `cargo xtask test`, where it
//! runs once) the portal is two instances on one database, and the proxy sends the client's
//! requests to them in turn, as a round-robin load balancer would; once a third of the
//! submissions have arrived, the second instance is killed with SIGKILL at a random moment of a
//! drain and started again on its port a little later. On SQLite (`cargo test -p opendvc-tests
//! --test chaos`, by hand) it is one instance, never killed.
//!
//! Size: 200 submissions and at least 5 kills by default; `OPENDVC_CHAOS_FULL=1` for 1,000
//! submissions and at least 20 kills. `OPENDVC_CHAOS_SEED` picks another seed (printed in the
//! summary, so a failing run can be repeated).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Child, ExitStatus};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use opendvc_api::{
    Address, Application, ApplicationStatus, AttachmentRef, DeliveryAddress, DeliveryMethod,
    Procedure, RefreshRequest, SyncResponse, TokenResponse, TransitionRequest,
};
use opendvc_tests::cli::Cli;
use opendvc_tests::fault_proxy::{Fault, FaultPlan, FaultProxy, FaultStats};
use opendvc_tests::fixtures::{Citizen, Officer, free_text_field, valid_form};
use opendvc_tests::{Api, Portal, PortalOptions, runs_on_postgres};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sha2::{Digest, Sha256};

/// Exit codes of `opendvc` (see `opendvc --help`).
const EXIT_SIGN_IN: i32 = 3;
const EXIT_ATTENTION: i32 = 4;
const EXIT_WAITING: i32 = 6;

/// How big a run is.
#[derive(Debug, Clone, Copy)]
struct Size {
    submissions: usize,
    min_kills: u32,
    /// A hang guard for the whole drain, not a speed assertion: a healthy run takes a small
    /// fraction of it even on a loaded machine.
    drain_deadline: Duration,
}

fn size() -> Size {
    if std::env::var("OPENDVC_CHAOS_FULL").is_ok_and(|value| value == "1") {
        Size {
            submissions: 1_000,
            min_kills: 20,
            drain_deadline: Duration::from_secs(90 * 60),
        }
    } else {
        Size {
            submissions: 200,
            min_kills: 5,
            drain_deadline: Duration::from_secs(30 * 60),
        }
    }
}

fn seed() -> u64 {
    std::env::var("OPENDVC_CHAOS_SEED")
        .ok()
        .and_then(|text| text.trim().parse().ok())
        .unwrap_or(20_261_129)
}

/// The faults of the drain: every kind the proxy has, on every request. The delays straddle
/// the CLI's request timeout (set below), so some of them are timeouts.
fn fault_plan(seed: u64) -> FaultPlan {
    FaultPlan::seeded(seed)
        .with(Fault::Pass, 60)
        .with(Fault::ServiceUnavailable, 7)
        .with(
            Fault::TooManyRequests {
                retry_after_secs: 1,
            },
            3,
        )
        .with(Fault::Reset, 8)
        .with(Fault::Delay(Duration::from_millis(300)), 6)
        .with(Fault::Delay(Duration::from_secs(5)), 1)
        .with(Fault::LostResponse, 15)
}

/// The CLI's request timeout during the drain: shorter than the longest injected delay.
const REQUEST_TIMEOUT_MS: &str = "4000";

/// Kill windows: a drain is killed after a random time in this range, unless it ends first.
const KILL_AFTER_MS: std::ops::RangeInclusive<u64> = 50..=1_500;

/// How much a kill window grows for each kill in a row after which nothing more was sent.
const STALL_WIDENING: Duration = Duration::from_millis(500);

/// When, after the moment it is due, the second instance is killed: a random delay in this
/// range, so the kill lands at a random moment of a drain.
const INSTANCE_KILL_AFTER_MS: std::ops::RangeInclusive<u64> = 0..=1_500;

/// How long the killed instance stays down before it is started again: long enough for the
/// client to meet it dead, in this range.
const INSTANCE_DOWN_MS: std::ops::RangeInclusive<u64> = 500..=2_500;

/// Submissions added when the queue empties before enough kills happened.
const TOP_UP_BATCH: usize = 10;

/// One submission queued by the CLI, and what the portal must show for it in the end.
#[derive(Debug, Clone)]
struct Planned {
    marker: String,
    procedure_id: String,
    /// The queue item that creates the application.
    item_id: String,
    /// `sha256:{hex}` of every file attached to the submission.
    uploads: BTreeSet<String>,
    /// Delivered by post in the end (submitted so, or changed to it).
    post: bool,
    delivery_changed: bool,
    supplement: Option<PlannedSupplement>,
}

#[derive(Debug, Clone)]
struct PlannedSupplement {
    note: String,
    uploads: BTreeSet<String>,
}

/// A procedure the test can submit: a free text field to carry the marker, and the files its
/// required documents need beyond the citizen's wallet.
#[derive(Debug, Clone)]
struct Usable {
    procedure: Procedure,
    marker_field: String,
    /// Required documents the wallet cannot give: each gets an uploaded file.
    uploads_needed: Vec<String>,
    /// Documents that are not required and have no wallet kind: an extra file for some.
    optional_upload: Option<String>,
}

/// Everything the test needs to write submissions as files for the CLI.
struct Workshop {
    dir: PathBuf,
    run: String,
    usable: Vec<Usable>,
    profile: opendvc_api::Profile,
    documents: opendvc_api::DocumentList,
    address_file: PathBuf,
    rng: StdRng,
    planned: Vec<Planned>,
}

impl Workshop {
    fn new(dir: &Path, citizen: &Citizen, rng: &mut StdRng) -> Workshop {
        let catalog = citizen.catalog();
        let profile = citizen.profile();
        let documents = citizen.documents();
        let held: BTreeSet<&str> = documents
            .items
            .iter()
            .map(|document| document.kind.as_str())
            .collect();
        let usable: Vec<Usable> = catalog
            .items
            .iter()
            .filter_map(|procedure| {
                let marker_field = free_text_field(procedure)?;
                let uploads_needed = procedure
                    .required_documents
                    .iter()
                    .filter(|document| document.required)
                    .filter(|document| {
                        document
                            .wallet_kind
                            .as_deref()
                            .is_none_or(|kind| !held.contains(kind))
                    })
                    .map(|document| document.id.clone())
                    .collect();
                let optional_upload = procedure
                    .required_documents
                    .iter()
                    .find(|document| !document.required && document.wallet_kind.is_none())
                    .map(|document| document.id.clone());
                Some(Usable {
                    procedure: procedure.clone(),
                    marker_field: marker_field.id.clone(),
                    uploads_needed,
                    optional_upload,
                })
            })
            .collect();
        assert!(
            usable.len() >= 10,
            "the demo catalog has at least 10 procedures with a free text field, found {}",
            usable.len()
        );
        assert!(
            usable.iter().any(|usable| usable.procedure.delivery.post)
                && usable
                    .iter()
                    .any(|usable| !usable.uploads_needed.is_empty()),
            "the usable procedures include postal delivery and uploads"
        );

        let units = citizen.admin_units();
        let unit = units
            .units
            .iter()
            .find(|unit| unit.province_code == profile.address.province_code)
            .or_else(|| units.units.first())
            .expect("the portal lists at least one commune-level unit");
        let address = DeliveryAddress {
            recipient_name: profile.full_name.clone(),
            phone: "0905123456".to_owned(),
            address: Address {
                province_code: unit.province_code.clone(),
                unit_code: unit.code.clone(),
                street: "12 Bạch Đằng".to_owned(),
            },
        };
        let address_file = dir.join("address.json");
        std::fs::write(
            &address_file,
            serde_json::to_vec(&address).expect("an address serialises"),
        )
        .expect("write the address file");
        Workshop {
            dir: dir.to_path_buf(),
            run: format!("{:08x}", rng.random::<u32>()),
            usable,
            profile,
            documents,
            address_file,
            rng: StdRng::seed_from_u64(rng.random()),
            planned: Vec::new(),
        }
    }

    /// A file of a few KB whose content no other file of the run has; returns its path and
    /// the attachment id the portal gives it.
    fn file(&mut self, name: &str, label: &str) -> (PathBuf, String) {
        let size = self.rng.random_range(2_048..6_144);
        let mut bytes = format!("%PDF-1.4\n% OpenDVC chaos test file {label}\n").into_bytes();
        while bytes.len() < size {
            bytes.push(b'a' + self.rng.random_range(0..26u8));
        }
        bytes.extend_from_slice(b"\n%%EOF\n");
        let path = self.dir.join(name);
        std::fs::write(&path, &bytes).expect("write an attachment file");
        let id = format!("sha256:{}", hex::encode(Sha256::digest(&bytes)));
        (path, id)
    }

    /// Queues submission number `index` with `opendvc submit` (`--no-send` while the portal is
    /// reachable) and remembers what to expect.
    fn submit(&mut self, cli: &Cli, index: usize, no_send: bool) -> usize {
        let usable = self.usable[index % self.usable.len()].clone();
        let procedure = &usable.procedure;
        let marker = format!("chaos-{}-{index:05}", self.run);
        let mut form = valid_form(procedure, &self.profile, &self.documents);
        form.insert(usable.marker_field.clone(), marker.clone());
        let form_file = self.dir.join(format!("form-{index:05}.json"));
        std::fs::write(
            &form_file,
            serde_json::to_vec(&form).expect("a form serialises"),
        )
        .expect("write the form file");

        let mut args: Vec<String> = vec![
            "submit".into(),
            "--procedure".into(),
            procedure.id.clone(),
            "--form".into(),
            form_file.display().to_string(),
        ];
        if no_send {
            args.push("--no-send".into());
        }
        let mut uploads = BTreeSet::new();
        let mut attach = usable.uploads_needed.clone();
        if index.is_multiple_of(4)
            && let Some(optional) = &usable.optional_upload
        {
            attach.push(optional.clone());
        }
        for requirement in &attach {
            let (path, id) = self.file(
                &format!("file-{index:05}-{requirement}.pdf"),
                &format!("{marker} {requirement}"),
            );
            args.push("--attach".into());
            args.push(format!("{requirement}={}", path.display()));
            uploads.insert(id);
        }
        let post = procedure.delivery.post && index % 3 == 1;
        if post {
            args.push("--delivery".into());
            args.push("post".into());
            args.push("--address".into());
            args.push(self.address_file.display().to_string());
        }
        let answer = cli.json(&args, "a valid submission is saved on this device");
        assert_eq!(
            answer["sent"], false,
            "the portal is unreachable (or sending is off), so nothing is sent yet: {answer}"
        );
        assert_eq!(answer["state"], "queued", "the submission waits: {answer}");
        let item_id = answer["itemId"]
            .as_str()
            .expect("submit names its queue item")
            .to_owned();
        self.planned.push(Planned {
            marker,
            procedure_id: procedure.id.clone(),
            item_id,
            uploads,
            post,
            delivery_changed: false,
            supplement: None,
        });
        self.planned.len() - 1
    }

    /// Queues a change to postal delivery on the still-queued submission `planned`.
    fn change_delivery(&mut self, cli: &Cli, planned: usize) {
        let item_id = self.planned[planned].item_id.clone();
        let answer = cli.json(
            [
                "delivery",
                item_id.as_str(),
                "--method",
                "post",
                "--address",
                &self.address_file.display().to_string(),
            ],
            "a delivery change on a queued submission is saved",
        );
        assert_eq!(answer["state"], "queued", "{answer}");
        let entry = &mut self.planned[planned];
        entry.post = true;
        entry.delivery_changed = true;
    }

    /// Queues a supplement (with a file for every other one) on the still-queued submission
    /// `planned`.
    fn supplement(&mut self, cli: &Cli, planned: usize, with_file: bool) {
        let item_id = self.planned[planned].item_id.clone();
        let note = format!("supplement for {}", self.planned[planned].marker);
        let mut args = vec![
            "supplement".to_owned(),
            item_id,
            "--note".to_owned(),
            note.clone(),
        ];
        let mut uploads = BTreeSet::new();
        if with_file {
            let (path, id) = self.file(&format!("supplement-{planned:05}.pdf"), &note);
            args.push("--attach".to_owned());
            args.push(path.display().to_string());
            uploads.insert(id);
        }
        let answer = cli.json(&args, "a supplement on a queued submission is saved");
        assert_eq!(answer["state"], "queued", "{answer}");
        self.planned[planned].supplement = Some(PlannedSupplement { note, uploads });
    }

    fn marker_prefix(&self) -> String {
        format!("chaos-{}-", self.run)
    }
}

/// The marker of a run in an application's form, if it carries one.
fn marker_of(application: &Application, prefix: &str) -> Option<String> {
    application
        .form
        .values()
        .find(|value| value.starts_with(prefix))
        .cloned()
}

/// The officer of the test: follows the citizen's applications through `/v1/sync` and
/// requests a supplement on each target as soon as it arrives.
struct OfficerDesk {
    stop: Arc<AtomicBool>,
    moved: Arc<Mutex<BTreeSet<String>>>,
    thread: Option<JoinHandle<(String, String)>>,
}

impl OfficerDesk {
    fn open(
        citizen: &Citizen,
        officer: Officer,
        targets: BTreeSet<String>,
        prefix: String,
    ) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let moved = Arc::new(Mutex::new(BTreeSet::new()));
        let api: Api = citizen.api.clone();
        let mut access = citizen.access_token.clone();
        let mut refresh = citizen
            .refresh_token
            .clone()
            .expect("a signed-in citizen has a refresh token");
        let thread_stop = Arc::clone(&stop);
        let thread_moved = Arc::clone(&moved);
        let thread = std::thread::spawn(move || {
            let mut cursor: Option<String> = None;
            while !thread_stop.load(Ordering::Relaxed) {
                let path = match &cursor {
                    Some(cursor) => format!("/v1/sync?cursor={cursor}"),
                    None => "/v1/sync".to_owned(),
                };
                let Ok(reply) = api.get(&path).bearer(&access).try_send() else {
                    std::thread::sleep(Duration::from_millis(200));
                    continue;
                };
                if reply.status == 401 {
                    // The test's own session outlived its access token: refresh it.
                    let tokens: TokenResponse = api
                        .post("/v1/auth/refresh")
                        .json(&RefreshRequest {
                            refresh_token: refresh.clone(),
                        })
                        .send()
                        .expect_json(200, "the officer desk's citizen session refreshes");
                    access = tokens.access_token;
                    refresh = tokens.refresh_token;
                    continue;
                }
                let page: SyncResponse =
                    reply.expect_json(200, "the officer desk follows the applications");
                for application in &page.applications {
                    let Some(marker) = marker_of(application, &prefix) else {
                        continue;
                    };
                    if application.status != ApplicationStatus::Received
                        || !targets.contains(&marker)
                    {
                        continue;
                    }
                    let answer = officer.send(
                        application.id,
                        &TransitionRequest {
                            to: Some(ApplicationStatus::SupplementRequested),
                            delivery: None,
                            note: Some("Vui lòng bổ sung giấy tờ.".to_owned()),
                        },
                    );
                    answer.expect_status(200, "the officer requests a supplement");
                    thread_moved
                        .lock()
                        .unwrap_or_else(|poisoned| poisoned.into_inner())
                        .insert(marker);
                }
                cursor = Some(page.cursor);
                if !page.has_more {
                    std::thread::sleep(Duration::from_millis(150));
                }
            }
            (access, refresh)
        });
        OfficerDesk {
            stop,
            moved,
            thread: Some(thread),
        }
    }

    fn has_moved(&self, marker: &str) -> bool {
        self.moved
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .contains(marker)
    }

    fn moved_count(&self) -> usize {
        self.moved
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .len()
    }

    /// Stops the desk and returns the citizen session it kept fresh: (access, refresh).
    fn close(mut self) -> (String, String) {
        self.stop.store(true, Ordering::Relaxed);
        let thread = self.thread.take().expect("the desk runs until closed");
        thread
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    }
}

impl Drop for OfficerDesk {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Signs the CLI in. With `expect_sync`, the sync that follows the sign-in must have worked (it
/// goes through the proxy, so only while no faults are injected).
fn cli_login(portal: &mut Portal, cli: &Cli, id_number: &str, expect_sync: bool) {
    let answer = cli.sign_in(portal, id_number);
    if expect_sync {
        assert!(
            answer["signIn"]["syncError"].is_null(),
            "the first sync after sign-in worked: {answer}"
        );
    }
}

/// The local queue as `opendvc --json queue` shows it.
fn local_queue(cli: &Cli) -> serde_json::Value {
    cli.json(["queue"], "the CLI lists its queue")
}

/// Items needing attention are supplements that overtook the officer; once the officer has
/// requested the supplement, the person retries them. Anything else fails the test.
fn retry_overtaken_supplements(cli: &Cli, desk: &OfficerDesk, workshop: &Workshop) -> usize {
    let queue = local_queue(cli);
    let items = queue["items"].as_array().expect("queue items");
    let mut retried = 0;
    for item in items
        .iter()
        .filter(|item| item["state"] == "needs_attention")
    {
        let kind = &item["payload"]["kind"];
        let code = &item["reason"]["code"];
        assert!(
            kind == "supplement" && code == "invalid_state",
            "only a supplement that overtook the officer may need attention: {item}"
        );
        let parent = item["dependsOn"]
            .as_array()
            .and_then(|ids| {
                ids.iter().find_map(|id| {
                    workshop
                        .planned
                        .iter()
                        .find(|planned| Some(planned.item_id.as_str()) == id.as_str())
                })
            })
            .or_else(|| {
                let target = item["payload"]["target"]["itemId"].as_str()?;
                workshop
                    .planned
                    .iter()
                    .find(|planned| planned.item_id == target)
            })
            .expect("the refused supplement belongs to a planned submission");
        let waited = Instant::now();
        while !desk.has_moved(&parent.marker) {
            assert!(
                waited.elapsed() < Duration::from_secs(120),
                "the officer never requested the supplement of {}",
                parent.marker
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let id = item["id"].as_str().expect("an item id");
        cli.run(["queue", "retry", id])
            .expect_success("a refused item can be retried");
        retried += 1;
    }
    retried
}

/// Waits for `child` up to `window`; `None` when it is still running.
fn wait_within(child: &mut Child, window: Duration) -> Option<ExitStatus> {
    let until = Instant::now() + window;
    loop {
        if let Some(status) = child
            .try_wait()
            .expect("the drain process can be waited for")
        {
            return Some(status);
        }
        if Instant::now() >= until {
            return None;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// The second instance, killed with SIGKILL on a thread of its own at a random moment and
/// started again on the same port, while the drain goes on.
struct InstanceKiller {
    thread: Option<JoinHandle<Portal>>,
}

impl InstanceKiller {
    fn start(mut instance: Portal, kill_after: Duration, down_for: Duration) -> InstanceKiller {
        let thread = std::thread::spawn(move || {
            pause(kill_after);
            let status = instance.kill();
            assert!(
                !status.success(),
                "SIGKILL ended the second instance: {status}"
            );
            pause(down_for);
            instance.start_again();
            instance
        });
        InstanceKiller {
            thread: Some(thread),
        }
    }

    fn is_done(&self) -> bool {
        self.thread.as_ref().is_none_or(JoinHandle::is_finished)
    }

    /// The instance, running again.
    fn join(mut self) -> Portal {
        let thread = self.thread.take().expect("joined once");
        thread
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    }
}

/// Lets `span` pass in steps of at most 100 ms (a moment for a fault to land in, not a wait
/// for something to happen).
fn pause(span: Duration) {
    let until = Instant::now() + span;
    while Instant::now() < until {
        std::thread::sleep(Duration::from_millis(100).min(until - Instant::now()));
    }
}

/// The second instance's life during the drain.
enum Second {
    /// On SQLite: one instance only.
    None,
    /// Running, not killed yet.
    Waiting(Portal),
    /// Being killed and started again.
    Killing(InstanceKiller),
    /// Killed and started again.
    Restarted(Portal),
}

#[derive(Debug, Default)]
struct Tally {
    drains: u32,
    kills: u32,
    restarts: u32,
    backoff_exits: u32,
    attention_retries: usize,
    /// Sign-ins after the queue paused because the session ended (a token refresh whose
    /// answer was lost, or that was killed, spends the rotating refresh token).
    sign_ins_again: u32,
    /// Instances killed with SIGKILL and started again during the drain.
    instance_kills: u32,
    top_ups: usize,
    longest_window: Duration,
}

#[test]
fn every_queued_submission_arrives_exactly_once_through_faults_and_kills() {
    let size = size();
    let seed = seed();
    let started = Instant::now();
    let mut rng = StdRng::seed_from_u64(seed);

    let mut portal = Portal::start(PortalOptions::default());
    let mut second = if runs_on_postgres() {
        Second::Waiting(portal.start_beside(PortalOptions::default()))
    } else {
        Second::None
    };
    let mut upstreams = vec![portal.addr()];
    if let Second::Waiting(instance) = &second {
        upstreams.push(instance.addr());
    }
    let citizen = Citizen::demo(&mut portal, 0);
    let officer = Officer::sign_in(&mut portal);
    let proxy = FaultProxy::start_many(upstreams, FaultPlan::pass_through()).expect("proxy");
    let scratch = tempfile::tempdir().expect("a scratch folder");
    let files = scratch.path().join("files");
    std::fs::create_dir_all(&files).expect("the files folder");
    let cli = Cli::new(&scratch.path().join("data"), &proxy.url())
        .env("OPENDVC_BACKOFF_BASE_MS", "100")
        .env("OPENDVC_BACKOFF_CAP_MS", "2000")
        .env("OPENDVC_REQUEST_TIMEOUT_MS", REQUEST_TIMEOUT_MS);

    // Online once: sign in (which syncs) and sync the catalog explicitly.
    cli_login(&mut portal, &cli, &citizen.id_number, true);
    let synced = cli.json(["sync"], "the CLI syncs while online");
    assert!(
        synced["catalog"].is_object(),
        "the sync refreshed the catalog: {synced}"
    );
    let before = citizen.applications().len();

    // Offline: every connection to the "portal" is reset.
    let online_forwarded = proxy.stats().forwarded;
    proxy.set_unreachable(true);
    let mut workshop = Workshop::new(&files, &citizen, &mut rng);
    let queued_at = Instant::now();
    for index in 0..size.submissions {
        workshop.submit(&cli, index, false);
    }
    // Follow-ups on still-queued submissions, after all of them in the queue: delivery
    // changes on some counter submissions (first third), supplements on others (first half).
    let mut delivery_targets = Vec::new();
    let mut supplement_targets = Vec::new();
    for (index, planned) in workshop.planned.iter().enumerate() {
        let usable = workshop
            .usable
            .iter()
            .find(|usable| usable.procedure.id == planned.procedure_id)
            .expect("a planned submission's procedure is usable");
        if index < size.submissions / 3
            && index % 5 == 2
            && !planned.post
            && usable.procedure.delivery.post
        {
            delivery_targets.push(index);
        } else if index < size.submissions / 2 && index % 10 == 5 {
            supplement_targets.push(index);
        }
    }
    for &index in &delivery_targets {
        workshop.change_delivery(&cli, index);
    }
    for (n, &index) in supplement_targets.iter().enumerate() {
        workshop.supplement(&cli, index, n.is_multiple_of(2));
    }
    let queue_time = queued_at.elapsed();
    let queue = local_queue(&cli);
    assert_eq!(
        queue["summary"]["sent"], 0,
        "nothing reached the unreachable portal: {}",
        queue["summary"]
    );
    let offline_stats = proxy.stats();
    assert_eq!(
        offline_stats.forwarded, online_forwarded,
        "no request passed while the portal was unreachable: {offline_stats}"
    );
    let items_queued = queue["items"].as_array().map_or(0, Vec::len);

    // Online again, through faults, with the CLI killed at random moments.
    let targets: BTreeSet<String> = supplement_targets
        .iter()
        .map(|&index| workshop.planned[index].marker.clone())
        .collect();
    let desk = OfficerDesk::open(&citizen, officer, targets, workshop.marker_prefix());
    proxy.set_plan(fault_plan(seed));
    proxy.set_unreachable(false);
    let drain_started = Instant::now();
    let mut tally = Tally::default();
    let mut last_sent = 0;
    let mut stalled_kills = 0;
    loop {
        assert!(
            drain_started.elapsed() < size.drain_deadline,
            "hang guard: the queue did not drain within {:?} ({tally:?}); queue: {}; proxy: {}",
            size.drain_deadline,
            local_queue(&cli)["summary"],
            proxy.stats()
        );
        if matches!(second, Second::Waiting(_) | Second::Killing(_)) {
            let sent = cli.json(["status"], "the CLI shows its queue")["queue"]["sent"]
                .as_u64()
                .expect("the dashboard counts sent items");
            second = kill_second_when_due(second, sent, workshop.planned.len(), &mut rng);
        }
        let mut child = cli.spawn(["drain", "--max-wait", "600"]);
        tally.drains += 1;
        // On a machine so loaded that a drain is always killed before it sends anything, the
        // windows grow until items move again: kills stay random, and the drain progresses.
        let window =
            Duration::from_millis(rng.random_range(KILL_AFTER_MS)) + STALL_WIDENING * stalled_kills;
        tally.longest_window = tally.longest_window.max(window);
        let status = match wait_within(&mut child, window) {
            Some(status) => status,
            None => {
                child.kill().expect("SIGKILL reaches the drain");
                child.wait().expect("the killed drain is reaped");
                tally.kills += 1;
                tally.restarts += 1;
                let sent = cli.json(["status"], "the CLI shows its queue")["queue"]["sent"]
                    .as_u64()
                    .expect("the dashboard counts sent items");
                if sent > last_sent {
                    last_sent = sent;
                    stalled_kills = 0;
                } else {
                    stalled_kills += 1;
                }
                continue;
            }
        };
        match status.code() {
            Some(0) if tally.kills >= size.min_kills && !matches!(second, Second::Waiting(_)) => {
                break;
            }
            Some(0) => {
                // The queue emptied before enough kills: more submissions, then go on.
                for _ in 0..TOP_UP_BATCH {
                    let index = workshop.planned.len();
                    workshop.submit(&cli, index, true);
                    tally.top_ups += 1;
                }
            }
            Some(EXIT_ATTENTION) => {
                tally.attention_retries += retry_overtaken_supplements(&cli, &desk, &workshop);
            }
            Some(EXIT_WAITING) => tally.backoff_exits += 1,
            Some(EXIT_SIGN_IN) => {
                // The queue paused instead of burning through items; the person signs in
                // again and the same items go on with the same keys.
                // The sign-in itself is not under test here: it runs with faults paused.
                proxy.set_plan(FaultPlan::pass_through());
                cli_login(&mut portal, &cli, &citizen.id_number, false);
                tally.sign_ins_again += 1;
                proxy.set_plan(fault_plan(
                    seed.wrapping_add(u64::from(tally.sign_ins_again)),
                ));
            }
            other => panic!(
                "opendvc drain ended with {other:?} ({status}); queue: {}",
                local_queue(&cli)
            ),
        }
    }
    let drain_time = drain_started.elapsed();
    // The killing may still be under way when the queue is empty: wait for it, then for the
    // restarted instance to answer (its demo seed and migrations already ran once).
    let second = match second {
        Second::Killing(killer) => Some(killer.join()),
        Second::Restarted(instance) => Some(instance),
        Second::Waiting(_) => panic!(
            "the second instance was never killed: fewer than a third of the submissions \
             arrived before the queue emptied ({tally:?})"
        ),
        Second::None => None,
    };
    tally.instance_kills = u32::from(second.is_some());
    if let Some(instance) = &second {
        instance
            .api()
            .get("/readyz")
            .send()
            .expect_status(200, "the restarted instance is ready again");
    }
    let moved = desk.moved_count();
    let (_, refresh_token) = desk.close();
    let stats = proxy.stats();
    // The run may have outlived an access token: read the portal with a fresh one.
    let fresh: TokenResponse = citizen
        .api
        .post("/v1/auth/refresh")
        .json(&RefreshRequest { refresh_token })
        .send()
        .expect_json(200, "the test's citizen session refreshes");
    let citizen = Citizen::with_token(citizen.api.clone(), &citizen.id_number, &fresh.access_token);

    // The local queue: everything sent.
    let queue = local_queue(&cli);
    let items = queue["items"].as_array().expect("queue items").clone();
    let not_sent: Vec<&serde_json::Value> = items
        .iter()
        .filter(|item| item["state"] != "sent")
        .collect();
    assert!(
        not_sent.is_empty(),
        "every local item is sent; these are not: {not_sent:?}"
    );

    // The portal: exactly one application per queued submission, with what it should have.
    let prefix = workshop.marker_prefix();
    let applications = citizen.applications();
    let mut by_marker: BTreeMap<String, Vec<&Application>> = BTreeMap::new();
    for application in &applications {
        if let Some(marker) = marker_of(application, &prefix) {
            by_marker.entry(marker).or_default().push(application);
        }
    }
    let missing: Vec<&str> = workshop
        .planned
        .iter()
        .filter(|planned| !by_marker.contains_key(&planned.marker))
        .map(|planned| planned.marker.as_str())
        .collect();
    let doubled: Vec<(&String, usize)> = by_marker
        .iter()
        .filter(|(_, found)| found.len() > 1)
        .map(|(marker, found)| (marker, found.len()))
        .collect();
    assert!(
        missing.is_empty(),
        "submissions missing on the portal: {missing:?}"
    );
    assert!(
        doubled.is_empty(),
        "submissions doubled on the portal: {doubled:?}"
    );
    assert_eq!(
        by_marker.len(),
        workshop.planned.len(),
        "the portal has no application of this run that was not queued"
    );
    assert_eq!(
        applications.len(),
        before + workshop.planned.len(),
        "the portal holds the citizen's earlier applications plus one per submission"
    );
    let mut supplements_seen = 0;
    for planned in &workshop.planned {
        let application = by_marker[&planned.marker][0];
        let attached: BTreeSet<String> = application
            .attachments
            .iter()
            .filter_map(|attachment| match attachment {
                AttachmentRef::Upload { attachment_id, .. } => Some(attachment_id.clone()),
                AttachmentRef::Wallet { .. } => None,
            })
            .collect();
        assert_eq!(
            attached, planned.uploads,
            "{}: the application carries exactly the files attached to it",
            planned.marker
        );
        let method = if planned.post {
            DeliveryMethod::Post
        } else {
            DeliveryMethod::Counter
        };
        assert_eq!(
            application.delivery.method, method,
            "{}: the delivery is as submitted, or as changed (changed: {})",
            planned.marker, planned.delivery_changed
        );
        match &planned.supplement {
            None => assert!(
                application.supplements.is_empty(),
                "{}: no supplement where none was sent: {:?}",
                planned.marker,
                application.supplements
            ),
            Some(expected) => {
                assert_eq!(
                    application.supplements.len(),
                    1,
                    "{}: the supplement arrived exactly once: {:?}",
                    planned.marker,
                    application.supplements
                );
                let supplement = &application.supplements[0];
                assert_eq!(supplement.note.as_deref(), Some(expected.note.as_str()));
                let files: BTreeSet<String> = supplement
                    .attachments
                    .iter()
                    .filter_map(|attachment| match attachment {
                        AttachmentRef::Upload { attachment_id, .. } => Some(attachment_id.clone()),
                        AttachmentRef::Wallet { .. } => None,
                    })
                    .collect();
                assert_eq!(
                    files, expected.uploads,
                    "{}: the supplement carries its file",
                    planned.marker
                );
                assert_eq!(
                    application.status,
                    ApplicationStatus::Processing,
                    "{}: the supplement put the application back in processing",
                    planned.marker
                );
                supplements_seen += 1;
            }
        }
    }
    assert!(
        stats.per_upstream.iter().all(|&turns| turns > 0),
        "the client's requests went to every instance: {stats}"
    );
    assert!(
        tally.kills >= size.min_kills,
        "at least {} kills ({tally:?})",
        size.min_kills
    );
    let uploads: usize = workshop
        .planned
        .iter()
        .map(|planned| {
            planned.uploads.len()
                + planned
                    .supplement
                    .as_ref()
                    .map_or(0, |supplement| supplement.uploads.len())
        })
        .sum();

    print_summary(&Summary {
        seed,
        submissions: workshop.planned.len(),
        offline: size.submissions,
        uploads,
        delivery_changes: delivery_targets.len(),
        supplements: supplements_seen,
        officer_requests: moved,
        queue_items: items.len(),
        queued_offline_items: items_queued,
        tally: &tally,
        stats: &stats,
        queue_time,
        drain_time,
        total: started.elapsed(),
    });
}

/// Starts killing the second instance once a third of the submissions were sent, and collects
/// it when the killing is over.
fn kill_second_when_due(second: Second, sent: u64, planned: usize, rng: &mut StdRng) -> Second {
    match second {
        Second::Waiting(instance) if sent.saturating_mul(3) >= planned as u64 => {
            Second::Killing(InstanceKiller::start(
                instance,
                Duration::from_millis(rng.random_range(INSTANCE_KILL_AFTER_MS)),
                Duration::from_millis(rng.random_range(INSTANCE_DOWN_MS)),
            ))
        }
        Second::Killing(killer) if killer.is_done() => Second::Restarted(killer.join()),
        other => other,
    }
}

struct Summary<'a> {
    seed: u64,
    submissions: usize,
    offline: usize,
    uploads: usize,
    delivery_changes: usize,
    supplements: usize,
    officer_requests: usize,
    queue_items: usize,
    queued_offline_items: usize,
    tally: &'a Tally,
    stats: &'a FaultStats,
    queue_time: Duration,
    drain_time: Duration,
    total: Duration,
}

fn print_summary(summary: &Summary<'_>) {
    let stats = summary.stats;
    let tally = summary.tally;
    println!(
        "chaos summary (seed {seed})\n\
         \x20 submissions: {submissions} ({offline} queued offline, {top_ups} added during the \
         drain), {uploads} files, {delivery} delivery changes, {supplements} supplements \
         ({requests} supplement requests by the officer)\n\
         \x20 local queue items: {items} in the end ({queued_offline} queued while offline), \
         all sent\n\
         \x20 drain processes: {drains}, killed with SIGKILL: {kills}, restarted after a kill: \
         {restarts} (kill windows up to {window} ms), exits while backing off: {backoff}, supplements retried after \
         overtaking the officer: {attention}, sign-ins after the session ended: {again}\n\
         \x20 instances: {instances} (requests in turn: {turns:?}), killed with SIGKILL and \
         started again during the drain: {instance_kills} ({upstream_failures} requests met an \
         instance down)\n\
         \x20 faults injected: {s503} x 503, {s429} x 429, {resets} resets, {delayed} delays, \
         {lost} lost responses ({requests_total} requests, {passed} passed, {forwarded} \
         forwarded to the portal)\n\
         \x20 elapsed: queueing {queue:.1} s, drain {drain:.1} s, whole test {total:.1} s",
        seed = summary.seed,
        submissions = summary.submissions,
        offline = summary.offline,
        top_ups = tally.top_ups,
        uploads = summary.uploads,
        delivery = summary.delivery_changes,
        supplements = summary.supplements,
        requests = summary.officer_requests,
        items = summary.queue_items,
        queued_offline = summary.queued_offline_items,
        drains = tally.drains,
        kills = tally.kills,
        restarts = tally.restarts,
        backoff = tally.backoff_exits,
        window = tally.longest_window.as_millis(),
        attention = tally.attention_retries,
        again = tally.sign_ins_again,
        instances = stats.per_upstream.len(),
        instance_kills = tally.instance_kills,
        turns = stats.per_upstream,
        upstream_failures = stats.upstream_failures,
        s503 = stats.service_unavailable,
        s429 = stats.too_many_requests,
        resets = stats.resets,
        delayed = stats.delayed,
        lost = stats.lost_responses,
        requests_total = stats.requests,
        passed = stats.passed,
        forwarded = stats.forwarded,
        queue = summary.queue_time.as_secs_f64(),
        drain = summary.drain_time.as_secs_f64(),
        total = summary.total.as_secs_f64(),
    );
}
