//! Applications created per second on the release portal with an on-disk database, by 1 and by
//! 16 concurrent clients over keep-alive connections, beside the bare SQLite insert loop.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use bytes::Bytes;
use opendvc_api::{
    AttachmentRef, Catalog, DeliveryAddress, DeliveryChoice, DeliveryMethod, DocumentList,
    FieldKind, IDEMPOTENCY_KEY_HEADER, NewApplication, Procedure, Profile,
};
use serde_json::json;

use super::load::{self, Outcome, Submission};
use super::sqlite_baseline::{self, Synchronous};
use super::{BenchContext, Measurement};
use crate::portal::{Portal, PortalOptions, PortalOutput};
use crate::signin::{PortalClient, demo_accounts, sign_in_citizen};

const BENCH: &str = "applications";

/// (concurrent clients, applications created in all). The 16-client phase runs for several
/// seconds: at 4,000 applications (2 s) runs of one binary spread by a quarter, more than the
/// changes it is meant to show.
const RUNS: [(usize, u64); 2] = [(1, 2_000), (16, 12_000)];

/// Rows of the bare SQLite loop: with `synchronous=NORMAL` 2,000 rows took 0.1 s, and runs
/// spread from 20,000 to 29,000 rows/s.
const BARE_ROWS: u64 = 10_000;

/// Each phase stops here even if it has not created all its applications, so a slow machine
/// or a slow build still finishes the benchmark.
const PHASE_TIME_LIMIT: Duration = Duration::from_secs(120);

/// The procedure to apply for when the catalog has it: the most common one, ID card renewal.
const PREFERRED_PROCEDURE: &str = "id-card-renewal";

/// The clients of the bare HTTP phase (as many as the portal's 16-client phase) and the
/// requests they make between them: at some 75,000 a second, two seconds of them.
const HTTP_FLOOR_RUN: (usize, u64) = (16, 150_000);

pub fn run(context: &BenchContext) -> Result<Vec<Measurement>> {
    let mut measurements = measure_on_sqlite(context, BENCH, &RUNS, "", Some(HTTP_FLOOR_RUN))?;
    // Issue 19's target for the portal's durable acknowledgements: 16 clients, each 201 on the
    // disk (synchronous=FULL, commits shared by concurrent requests), at least half the bare
    // loop that does not wait for the disk.
    let normal = measurements
        .iter()
        .find(|row| row.name.ends_with("synchronous=NORMAL"))
        .cloned();
    let sixteen = measurements
        .iter()
        .find(|row| row.name.contains(", 16 clients"))
        .cloned();
    if let (Some(normal), Some(sixteen)) = (normal, sixteen) {
        let mut beside = sixteen.compared_to(&normal);
        beside.name = format!("{} vs synchronous=NORMAL", beside.name);
        beside.details = json!({ "target": "ratio at least 0.5, every 201 durable" });
        measurements.push(beside);
    }
    Ok(measurements)
}

/// The bare SQLite loops, then the release portal on an SQLite file under each of `runs`
/// (clients, applications), compared to the bare loop with `synchronous=FULL`. `label` ends
/// the name of each portal row. With `http_floor` (clients, requests), the same clients then
/// create applications against the bare HTTP server (`bare_http`), and the portal's phase with
/// as many clients is shown beside it.
pub(super) fn measure_on_sqlite(
    context: &BenchContext,
    bench: &'static str,
    runs: &[(usize, u64)],
    label: &str,
    http_floor: Option<(usize, u64)>,
) -> Result<Vec<Measurement>> {
    let portal = Portal::start(&PortalOptions {
        binary: context.portal_binary.clone(),
        db: context.work_dir.join("portal.db"),
        listen: "127.0.0.1:0".to_owned(),
        demo: true,
        demo_advance_seconds: None,
        demo_history: false,
        demo_send_in_background: true,
        output: PortalOutput::LogFile(context.work_dir.join("portal.log")),
    })?;
    let load = Load::prepare(&portal.url, &context.portal_binary)?;

    // The baseline is a commit that is on the disk when it returns (synchronous=FULL). The
    // same loop with synchronous=NORMAL is shown beside it: in WAL mode that setting survives
    // a crash of the process but not a power cut, and a portal that uses it can beat FULL.
    let mut bare = Vec::new();
    for synchronous in [Synchronous::Full, Synchronous::Normal] {
        let setting = synchronous.pragma_value();
        let rate = sqlite_baseline::insert_rate(
            &context.work_dir.join(format!("bare-{setting}.db")),
            synchronous,
            &load.stored_application,
            BARE_ROWS,
            PHASE_TIME_LIMIT,
        )?;
        println!(
            "bare SQLite, synchronous={setting}: {} rows in {:.1} s",
            rate.rows,
            rate.elapsed.as_secs_f64()
        );
        bare.push(
            Measurement::new(
                bench,
                format!("bare SQLite commit, synchronous={setting}"),
                rate.per_second(),
                "rows/s",
            )
            .with_details(json!({
                "what": "one INSERT per transaction, WAL mode, file on disk",
                "rows": rate.rows,
                "seconds": rate.elapsed.as_secs_f64(),
                "rowBytes": load.stored_application.len(),
            })),
        );
    }
    let baseline = bare[0].clone();
    let mut measurements = bare;
    for &(clients, total) in runs {
        let phase = create_concurrently(
            std::slice::from_ref(&portal.url),
            &load.citizens,
            clients,
            total,
        )?;
        measurements.push(
            phase
                .measurement(bench, label, clients, total, "SQLite file on disk")
                .compared_to(&baseline),
        );
    }
    portal.stop()?;
    if let Some((clients, total)) = http_floor {
        let server = BareHttp::start(&context.bare_http_binary())?;
        let phase = create_concurrently(
            std::slice::from_ref(&server.url),
            &load.citizens,
            clients,
            total,
        )?;
        let floor = phase.floor_measurement(bench, clients, total);
        measurements.push(floor.clone());
        if let Some(portal_row) = measurements
            .iter()
            .find(|row| row.name.contains(&format!(", {clients} clients")))
        {
            let mut beside = portal_row.clone().compared_to(&floor);
            beside.name = format!("{} vs bare HTTP", beside.name);
            beside.details = json!({
                "what": "the portal's applications a second over the requests a second its HTTP stack answers with nothing behind it",
            });
            measurements.push(beside);
        }
    }
    Ok(measurements)
}

/// The bare HTTP server (`crates/portal/examples/bare_http.rs`), killed when dropped.
struct BareHttp {
    child: std::process::Child,
    url: String,
}

impl BareHttp {
    fn start(binary: &std::path::Path) -> Result<BareHttp> {
        use std::io::BufRead as _;
        let mut child = std::process::Command::new(binary)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .with_context(|| format!("could not start {}", binary.display()))?;
        println!("$ {}", binary.display());
        let mut first_line = String::new();
        if let Some(stdout) = child.stdout.take() {
            std::io::BufReader::new(stdout).read_line(&mut first_line)?;
        }
        let server = BareHttp {
            url: first_line
                .trim()
                .strip_prefix("listening on ")
                .unwrap_or_default()
                .to_owned(),
            child,
        };
        if !server.url.starts_with("http://") {
            bail!(
                "{} said {first_line:?}, not where it listens",
                binary.display()
            );
        }
        Ok(server)
    }
}

impl Drop for BareHttp {
    fn drop(&mut self) {
        let _killed = self.child.kill();
        let _reaped = self.child.wait();
    }
}

/// The demo citizens signed in, each with an application to submit again and again, and one
/// application as the portal stores it (the payload of bare rows, so both sides write rows of a
/// similar size).
#[derive(Debug)]
pub(super) struct Load {
    pub citizens: Vec<Arc<SignedIn>>,
    pub stored_application: String,
}

impl Load {
    /// Signs every demo citizen in on the portal at `url`, and creates one application.
    pub fn prepare(url: &str, portal_binary: &std::path::Path) -> Result<Load> {
        let client = PortalClient::new(url);
        // Every demo citizen signs in once; clients take turns over them, so 16 clients are
        // not 16 sign-ins of one person (which the one-time code rate limit would refuse).
        let accounts = demo_accounts(portal_binary)?;
        let mut citizens = Vec::new();
        for citizen in &accounts.citizens {
            let tokens = sign_in_citizen(&client, citizen)
                .with_context(|| format!("could not sign in demo citizen {}", citizen.id_number))?;
            let application = application_for(&client, &tokens.access_token)?;
            citizens.push(Arc::new(SignedIn {
                token: tokens.access_token,
                application,
            }));
        }
        let Some(first) = citizens.first() else {
            bail!("the demo accounts have no citizen to create applications for");
        };
        // One application first: it checks that creating works at all.
        let stored_application = create(&client, first)?.map_err(|(status, body)| {
            anyhow!("creating an application answered {status}: {body}")
        })?;
        Ok(Load {
            citizens,
            stored_application,
        })
    }
}

/// A signed-in citizen and the application they submit again and again.
#[derive(Debug)]
pub(super) struct SignedIn {
    token: String,
    application: NewApplication,
}

/// Creates one application with a fresh `Idempotency-Key`. `Ok(Err(..))` is a refusal (status
/// and body); `Err` is a failed connection.
fn create(client: &PortalClient, citizen: &SignedIn) -> Result<Result<String, (u16, String)>> {
    let mut response = client
        .agent()
        .post(client.url("/v1/applications"))
        .header("Authorization", format!("Bearer {}", citizen.token))
        .header(IDEMPOTENCY_KEY_HEADER, uuid::Uuid::now_v7().to_string())
        .send_json(&citizen.application)
        .context("POST /v1/applications failed")?;
    let status = response.status().as_u16();
    let body = response.body_mut().read_to_string()?;
    Ok(if status == 201 {
        Ok(body)
    } else {
        Err((status, body))
    })
}

/// The rows of the report for a phase of the load.
impl Outcome {
    /// The row of the report, `label` ending its name; says what happened on the terminal.
    pub fn measurement(
        &self,
        bench: &'static str,
        label: &str,
        clients: usize,
        requested: u64,
        database: &str,
    ) -> Measurement {
        let name = format!(
            "create application, {clients} client{}{label}",
            if clients == 1 { "" } else { "s" }
        );
        println!(
            "{name}: {} created, {} refused, {} unanswered, in {:.1} s",
            self.created,
            self.refused,
            self.unanswered,
            self.elapsed.as_secs_f64()
        );
        if let Some((status, body)) = &self.first_refusal {
            println!("  first refusal: {status} {body}");
        }
        if let Some(error) = &self.first_transport_error {
            println!("  first request without an answer: {error}");
        }
        Measurement::new(bench, name, self.per_second(), "applications/s").with_details(json!({
            "clients": clients,
            "requested": requested,
            "created": self.created,
            "refused": self.refused,
            "unanswered": self.unanswered,
            "seconds": self.elapsed.as_secs_f64(),
            "database": database,
            "notifications": "each application's SMS and e-mail written with it and sent by the worker (--demo-send-in-background)",
        }))
    }

    /// The bare HTTP phase's row; says what happened on the terminal.
    fn floor_measurement(
        &self,
        bench: &'static str,
        clients: usize,
        requested: u64,
    ) -> Measurement {
        let name = format!("bare HTTP: POST answered 201, nothing stored, {clients} clients");
        println!(
            "{name}: {} answered 201, {} refused, {} unanswered, in {:.1} s",
            self.created,
            self.refused,
            self.unanswered,
            self.elapsed.as_secs_f64()
        );
        Measurement::new(bench, name, self.per_second(), "requests/s").with_details(json!({
            "what": "the portal's HTTP stack (tokio, axum, hyper) parsing the same request and answering it, nothing looked up or stored",
            "clients": clients,
            "requested": requested,
            "answered": self.created,
            "refused": self.refused,
            "unanswered": self.unanswered,
            "seconds": self.elapsed.as_secs_f64(),
        }))
    }

    fn per_second(&self) -> f64 {
        let seconds = self.elapsed.as_secs_f64();
        if seconds > 0.0 {
            self.created as f64 / seconds
        } else {
            0.0
        }
    }
}

/// `clients` clients, each with its own keep-alive connection (`load`), create `total`
/// applications between them; client N talks to the portal at `urls[N % urls.len()]`, so
/// several instances share the load as behind a round-robin balancer.
pub(super) fn create_concurrently(
    urls: &[String],
    citizens: &[Arc<SignedIn>],
    clients: usize,
    total: u64,
) -> Result<Outcome> {
    if urls.is_empty() || clients == 0 || citizens.is_empty() {
        bail!("creating applications needs a portal, a citizen and a client");
    }
    let submissions = (0..clients)
        .map(|index| {
            let citizen = &citizens[index % citizens.len()];
            Ok(Submission {
                url: urls[index % urls.len()].clone(),
                path: "/v1/applications",
                token: citizen.token.clone(),
                body: Bytes::from(serde_json::to_vec(&citizen.application)?),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    load::run(submissions, total, Instant::now() + PHASE_TIME_LIMIT)
}

/// A valid application for the signed-in citizen: the preferred procedure (or the first in the
/// catalog), its form filled from the profile, its required documents from the wallet or a
/// small upload.
fn application_for(client: &PortalClient, token: &str) -> Result<NewApplication> {
    let catalog: Catalog = client.get_json("/v1/procedures", Some(token))?;
    let profile: Profile = client.get_json("/v1/me", Some(token))?;
    let documents: DocumentList = client.get_json("/v1/documents", Some(token))?;
    let procedure = choose_procedure(&catalog)
        .ok_or_else(|| anyhow!("the catalog has no procedure to apply for"))?;

    let mut attachments = Vec::new();
    for requirement in procedure
        .required_documents
        .iter()
        .filter(|document| document.required)
    {
        let from_wallet = requirement.wallet_kind.as_ref().and_then(|kind| {
            documents
                .items
                .iter()
                .find(|document| &document.kind == kind)
        });
        attachments.push(match from_wallet {
            Some(document) => AttachmentRef::Wallet {
                document_id: document.id,
                requirement_id: Some(requirement.id.clone()),
            },
            None => AttachmentRef::Upload {
                attachment_id: upload_scan(client, token)?,
                requirement_id: Some(requirement.id.clone()),
            },
        });
    }

    let delivery = if procedure.delivery.counter || !procedure.delivery.post {
        DeliveryChoice {
            method: DeliveryMethod::Counter,
            address: None,
        }
    } else {
        DeliveryChoice {
            method: DeliveryMethod::Post,
            address: Some(DeliveryAddress {
                recipient_name: profile.full_name.clone(),
                phone: profile.phone.clone(),
                address: profile.address.clone(),
            }),
        }
    };
    Ok(NewApplication {
        procedure_id: procedure.id.clone(),
        form: fill_form(procedure, &profile),
        attachments,
        delivery,
        fee_case: None,
    })
}

fn choose_procedure(catalog: &Catalog) -> Option<&Procedure> {
    catalog
        .items
        .iter()
        .find(|procedure| procedure.id == PREFERRED_PROCEDURE)
        .or_else(|| catalog.items.first())
}

/// Uploads a small scan once (uploads are idempotent by content) and returns its id.
fn upload_scan(client: &PortalClient, token: &str) -> Result<String> {
    let scan = b"%PDF-1.4\n% OpenDVC benchmark scan\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";
    let mut response = client
        .agent()
        .post(client.url("/v1/attachments"))
        .header("Authorization", format!("Bearer {token}"))
        .header("Content-Type", "application/pdf")
        .header("X-File-Name", "scan.pdf")
        .send(&scan[..])
        .context("POST /v1/attachments failed")?;
    let status = response.status().as_u16();
    let body = response.body_mut().read_to_string()?;
    if status != 200 && status != 201 {
        bail!("POST /v1/attachments answered {status}: {body}");
    }
    let attachment: opendvc_api::Attachment = serde_json::from_str(&body)
        .with_context(|| format!("POST /v1/attachments answered {body}"))?;
    Ok(attachment.id)
}

/// Values for every field of the procedure's form, as a citizen would fill it: from the profile
/// where the field says so, otherwise a plausible value of the field's kind.
fn fill_form(procedure: &Procedure, profile: &Profile) -> BTreeMap<String, String> {
    procedure
        .form_fields
        .iter()
        .map(|field| {
            let value = match field.prefill.as_deref() {
                Some("profile.fullName") => profile.full_name.clone(),
                Some("profile.birthDate") => profile.birth_date.to_string(),
                Some("profile.idNumber") => profile.id_number.clone(),
                Some("profile.phone") => profile.phone.clone(),
                Some("profile.address") => profile.address.street.clone(),
                _ => match field.kind {
                    FieldKind::Text => profile.full_name.clone(),
                    FieldKind::Textarea => "Đề nghị giải quyết hồ sơ.".to_owned(),
                    FieldKind::Date => profile.birth_date.to_string(),
                    FieldKind::Number => "1".to_owned(),
                    FieldKind::IdNumber => profile.id_number.clone(),
                    FieldKind::Phone => profile.phone.clone(),
                    FieldKind::Email => profile
                        .email
                        .clone()
                        .unwrap_or_else(|| "hoa@example.vn".to_owned()),
                    FieldKind::Select => field
                        .options
                        .first()
                        .map(|option| option.value.clone())
                        .unwrap_or_default(),
                },
            };
            let value = match field.max_length {
                Some(limit) => value.chars().take(limit as usize).collect(),
                None => value,
            };
            (field.id.clone(), value)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile() -> Profile {
        serde_json::from_value(json!({
            "idNumber": "048090001234", "fullName": "Lê Thị Hoa", "birthDate": "1990-05-12",
            "gender": "female", "phone": "+84905000001", "language": "vi",
            "address": {"provinceCode": "48", "unitCode": "20194", "street": "12 Bạch Đằng"},
            "updatedAt": "2026-11-29T10:00:00+07:00"
        }))
        .expect("a profile as the portal sends it")
    }

    fn procedure(fields: serde_json::Value) -> Procedure {
        serde_json::from_value(json!({
            "id": "id-card-renewal", "code": "1.001612",
            "name": {"vi": "Cấp đổi thẻ căn cước", "en": "ID card renewal"},
            "agency": {"vi": "Công an", "en": "Police"}, "sector": "identity",
            "onlineLevel": "full", "feeCases": [], "processingDays": {"inPerson": 7, "online": 7},
            "requiredDocuments": [], "formFields": fields,
            "delivery": {"counter": true, "post": true}
        }))
        .expect("a procedure as the portal sends it")
    }

    #[test]
    fn form_is_filled_from_the_profile_where_the_field_says() {
        let procedure = procedure(json!([
            {"id": "name", "label": {"vi": "Họ tên", "en": "Name"}, "kind": "text",
             "required": true, "prefill": "profile.fullName"},
            {"id": "born", "label": {"vi": "Ngày sinh", "en": "Born"}, "kind": "date",
             "required": true, "prefill": "profile.birthDate"},
            {"id": "reason", "label": {"vi": "Lý do", "en": "Reason"}, "kind": "select",
             "required": true, "options": [{"value": "expired", "label": {"vi": "Hết hạn", "en": "Expired"}}]},
            {"id": "note", "label": {"vi": "Ghi chú", "en": "Note"}, "kind": "textarea",
             "required": false, "maxLength": 5}
        ]));
        let form = fill_form(&procedure, &profile());
        assert_eq!(form["name"], "Lê Thị Hoa");
        assert_eq!(form["born"], "1990-05-12");
        assert_eq!(
            form["reason"], "expired",
            "a select takes one of its options"
        );
        assert_eq!(form["note"].chars().count(), 5, "values respect maxLength");
    }

    #[test]
    fn preferred_procedure_is_chosen_when_the_catalog_has_it() {
        let mut other = procedure(json!([]));
        other.id = "passport".to_owned();
        let catalog = Catalog {
            version: "1".to_owned(),
            items: vec![other, procedure(json!([]))],
        };
        assert_eq!(
            choose_procedure(&catalog).map(|procedure| procedure.id.as_str()),
            Some(PREFERRED_PROCEDURE)
        );
    }
}
