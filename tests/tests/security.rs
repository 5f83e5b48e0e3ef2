//! Every endpoint of the portal's own OpenAPI document, tried by four intruders against one
//! victim: a citizen token of another citizen, a plain staff token (no session), a session
//! opened for the victim on a paper consent (which may submit, never read), and an officer of
//! another agency. Path parameters carry the victim's real ids. An answer leaks when it is a
//! 2xx whose body holds any of the victim's identifiers (ID number, name, phone, an
//! application's code or id, a document number); an event stream is read for its first seconds,
//! asked to replay from the start (`Last-Event-ID: 0`), which names the victim's applications if
//! it is theirs. There must be none. The endpoints come from `/openapi.json` of the running
//! portal, so a new endpoint is tried without changing this test.
//!
//! Creating things is allowed (a paper session submits for the citizen): creations are sent
//! with bodies that carry none of the victim's data, so an echo of what was sent cannot count.

use std::collections::BTreeMap;
use std::time::Duration;

use opendvc_api::{
    Application, ApplicationStatus, AssistSession, AssistSessionRequest, Consent, DemoCitizen,
    StaffKind,
};
use opendvc_tests::fixtures::{Citizen, staff_of};
use opendvc_tests::{Portal, PortalOptions};
use serde_json::{Value, json};

/// Paths that hold no citizen's data: the catalog, reference data, the service itself and the
/// demo-only dev endpoints (the dev outbox lists every message sent, by design of demo mode).
fn concerns_no_citizen(template: &str) -> bool {
    matches!(
        template,
        "/healthz"
            | "/readyz"
            | "/openapi.json"
            | "/v1/procedures"
            | "/v1/admin-units"
            | "/v1/holidays/{year}"
    ) || template.starts_with("/v1/dev/")
}

/// The public status page and its JSON twin: asked by an application's code (and, to answer,
/// the last digits of the ID number, which the intruders do not have).
fn is_public_status(template: &str) -> bool {
    template.starts_with("/s/") || template.starts_with("/v1/public/status/")
}

/// A body that would pass validation where authorisation alone must stop the caller; `{}`
/// for anything else (a new endpoint is still tried, and its row says so).
fn body_for(method: &str, template: &str, victim: &DemoCitizen) -> (Value, bool) {
    let known = match (method, template) {
        ("POST", "/v1/applications/{id}/supplements") => {
            json!({"note": "Bổ sung", "form": {}, "attachments": []})
        }
        ("PUT", "/v1/applications/{id}/delivery") => json!({"method": "counter"}),
        ("POST", "/v1/applications/{id}/withdraw") => json!({}),
        ("POST", "/v1/applications/{id}/rating") => json!({"stars": 5}),
        ("POST", "/v1/officer/applications/{id}/transition") => json!({"to": "processing"}),
        ("POST", "/v1/assist/sessions") => json!({
            "idNumber": victim.id_number,
            "consent": {"method": "paper", "reference": "GIAYUQ-2026-555555"},
        }),
        ("POST", "/v1/assist/consent-codes" | "/v1/auth/otp") => {
            json!({"idNumber": victim.id_number})
        }
        ("POST", "/v1/auth/token") => json!({"idNumber": victim.id_number, "otp": "000000"}),
        ("POST", "/v1/auth/logout") => json!({}),
        ("PUT", "/v1/me/documents/{id}/reminders") => json!({"switchedOff": true}),
        ("PUT", "/v1/me/notification-settings") => json!({
            "status": {"app": true, "sms": false, "email": true},
            "delivery": {"app": true, "sms": true, "email": true},
            "renewal": {"app": true, "sms": true, "email": true},
            "quietHours": {"enabled": true, "start": "22:00", "end": "06:30"},
        }),
        _ => return (json!({}), false),
    };
    (known, true)
}

/// One caller of the sweep.
struct Caller {
    name: &'static str,
    token: String,
}

/// What one request answered.
struct Outcome {
    status: u16,
    leaked: bool,
}

/// The HTTP clients of the sweep: one for ordinary answers, one that gives up reading an event
/// stream after a few seconds (what arrived by then is what counts).
struct Clients {
    answers: reqwest::blocking::Client,
    streams: reqwest::blocking::Client,
}

impl Clients {
    fn new() -> Clients {
        let build = |timeout: Duration| {
            reqwest::blocking::Client::builder()
                .no_proxy()
                .timeout(timeout)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("an HTTP client")
        };
        Clients {
            answers: build(Duration::from_secs(60)),
            streams: build(Duration::from_secs(3)),
        }
    }
}

/// Whether the operation answers 200 with an event stream, per the document.
fn streams(operation: &Value) -> bool {
    operation["responses"]["200"]["content"]
        .get("text/event-stream")
        .is_some()
}

/// What an event stream sent within the stream client's timeout.
fn read_stream(mut response: reqwest::blocking::Response) -> String {
    use std::io::Read;
    let mut received = Vec::new();
    let mut buffer = [0_u8; 4096];
    while received.len() < 256 * 1024 {
        match response.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(read) => received.extend_from_slice(&buffer[..read]),
        }
    }
    String::from_utf8_lossy(&received).into_owned()
}

#[allow(clippy::too_many_arguments)]
fn try_endpoint(
    clients: &Clients,
    stream: bool,
    portal: &Portal,
    method: &str,
    path: &str,
    body: &Value,
    token: &str,
    identifiers: &[String],
) -> Outcome {
    let url = format!("{}{path}", portal.url());
    let client = if stream {
        &clients.streams
    } else {
        &clients.answers
    };
    let request = match method {
        "GET" => client.get(&url),
        "DELETE" => client.delete(&url),
        "PUT" => client.put(&url).json(body),
        "PATCH" => client.patch(&url).json(body),
        _ if path == "/v1/attachments" => client
            .post(&url)
            .header("Content-Type", "application/pdf")
            .body("%PDF-1.4\n% an intruder's file\n"),
        _ => client.post(&url).json(body),
    };
    let response = request
        .bearer_auth(token)
        .header(
            opendvc_api::IDEMPOTENCY_KEY_HEADER,
            uuid::Uuid::now_v7().to_string(),
        )
        .header("Last-Event-ID", "0")
        .send()
        .unwrap_or_else(|error| panic!("{method} {path}: no answer: {error}"));
    let status = response.status().as_u16();
    let success = response.status().is_success();
    let streaming = response
        .headers()
        .get("content-type")
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/event-stream"));
    let text = if streaming {
        read_stream(response)
    } else {
        response.text().unwrap_or_default()
    };
    Outcome {
        status,
        leaked: success
            && identifiers
                .iter()
                .any(|identifier| text.contains(identifier.as_str())),
    }
}

/// The victim's identifiers: ID number, name, phone (as stored and as typed), the codes and ids
/// of their applications, and their document numbers.
fn identifiers_of(victim: &DemoCitizen, own: &Citizen) -> Vec<String> {
    let mut identifiers = vec![
        victim.id_number.clone(),
        victim.name.clone(),
        victim.phone.clone(),
    ];
    if let Some(national) = victim.phone.strip_prefix("+84") {
        identifiers.push(format!("0{national}"));
    }
    for application in own.applications() {
        identifiers.push(application.code);
        identifiers.push(application.id.to_string());
    }
    for document in own.documents().items {
        identifiers.push(document.number);
    }
    identifiers.sort();
    identifiers.dedup();
    identifiers
}

#[test]
fn no_intruder_reads_the_victims_data_on_any_endpoint() {
    let mut portal = Portal::start(PortalOptions::default());
    let accounts = portal.demo_accounts();
    let victim = accounts.citizens[0].clone();
    let own = Citizen::sign_in(&mut portal, &victim.id_number);
    let catalog = own.catalog();
    // Two of the victim's applications: one waiting for a supplement, so that every
    // follow-up is possible on it, and one just received, so that an officer could move it.
    let applications = own.applications();
    let waiting: Application = applications
        .iter()
        .find(|application| application.status == ApplicationStatus::SupplementRequested)
        .cloned()
        .expect("the victim has an application waiting for a supplement");
    let received: Application = applications
        .iter()
        .find(|application| application.status == ApplicationStatus::Received)
        .cloned()
        .expect("the victim has an application just received");
    let agency = catalog
        .items
        .iter()
        .find(|procedure| procedure.id == received.procedure_id)
        .map(|procedure| procedure.agency_id.clone())
        .expect("the application's procedure is in the catalog");
    let identifiers = identifiers_of(&victim, &own);
    let victims_document = own
        .documents()
        .items
        .first()
        .map(|document| document.id)
        .expect("the victim holds a document");

    let stranger = Citizen::demo(&mut portal, 1);
    let (agent_code, agent_password) = staff_of(&mut portal, StaffKind::Agent);
    let agent = portal.staff_token(&agent_code, &agent_password);
    let (volunteer_code, volunteer_password) = staff_of(&mut portal, StaffKind::Volunteer);
    let volunteer = portal.staff_token(&volunteer_code, &volunteer_password);
    let session: AssistSession = portal
        .api()
        .post("/v1/assist/sessions")
        .bearer(&volunteer.access_token)
        .json(&AssistSessionRequest {
            id_number: victim.id_number.clone(),
            consent: Consent::Paper {
                reference: "GIAYUQ-2026-000321".to_owned(),
            },
            venue: None,
            opened_at: None,
        })
        .send()
        .expect_json(201, "a volunteer opens a paper session for the victim");
    // An officer of an agency that handles none of the victim's applications: the work queue
    // of an agency that does handle one rightly shows the victim's name on it.
    let victims_agencies: Vec<&str> = applications
        .iter()
        .filter_map(|application| {
            catalog
                .items
                .iter()
                .find(|procedure| procedure.id == application.procedure_id)
                .map(|procedure| procedure.agency_id.as_str())
        })
        .collect();
    let officer = accounts
        .officers
        .iter()
        .find(|officer| {
            officer.agency != agency && !victims_agencies.contains(&officer.agency.as_str())
        })
        .expect("the demo has an officer of an agency none of the victim's applications go to");
    let officer_token = portal
        .staff_token(&officer.code, &officer.password)
        .access_token;
    let intruders = [
        Caller {
            name: "other citizen",
            token: stranger.access_token.clone(),
        },
        Caller {
            name: "staff token",
            token: agent.access_token.clone(),
        },
        // The officer goes before the paper session: a follow-up the session should not be
        // able to make (a withdrawal) would otherwise hide the officer's answer behind 409.
        Caller {
            name: "other agency",
            token: officer_token,
        },
        Caller {
            name: "paper session",
            token: session.access_token.clone(),
        },
    ];

    let document: Value = portal
        .api()
        .get("/openapi.json")
        .send()
        .expect_json(200, "the portal publishes its OpenAPI document");
    let mut operations: Vec<(String, String, bool)> = document["paths"]
        .as_object()
        .expect("the document has paths")
        .iter()
        .flat_map(|(template, item)| {
            ["get", "post", "put", "patch", "delete"]
                .into_iter()
                .filter_map(|method| {
                    item.get(method).map(|operation| {
                        (
                            method.to_ascii_uppercase(),
                            template.clone(),
                            streams(operation),
                        )
                    })
                })
        })
        .collect();
    // Signing out and ending the session go last: they spend the intruders' own tokens.
    operations.sort_by_key(|(method, template, _)| {
        (
            method == "DELETE" || template == "/v1/auth/logout",
            template.clone(),
            method.clone(),
        )
    });
    assert!(
        operations
            .iter()
            .any(|(method, template, _)| method == "GET" && template == "/v1/me"),
        "the sweep covers the document's endpoints, /v1/me among them"
    );

    let clients = Clients::new();
    let fill = |template: &str| {
        let mut path = String::new();
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            path.push_str(&rest[..open]);
            let close = rest[open..]
                .find('}')
                .map_or(rest.len(), |at| open + at + 1);
            let value = match &rest[open..close] {
                "{year}" => "2026".to_owned(),
                _ if template.starts_with("/v1/assist/sessions/") => session.id.to_string(),
                _ if template.starts_with("/v1/officer/") => received.id.to_string(),
                _ if template.starts_with("/v1/me/documents/") => victims_document.to_string(),
                _ => waiting.id.to_string(),
            };
            path.push_str(&value);
            rest = &rest[close..];
        }
        path.push_str(rest);
        path
    };

    // The detector finds the victim's data where the victim reads it, so a leak would show.
    for (path, stream) in [
        ("/v1/me", false),
        ("/v1/documents", false),
        ("/v1/applications", false),
        ("/v1/events", true),
    ] {
        let control = try_endpoint(
            &clients,
            stream,
            &portal,
            "GET",
            path,
            &json!({}),
            &own.access_token,
            &identifiers,
        );
        assert!(
            control.status == 200 && control.leaked,
            "the victim's own GET {path} shows their identifiers ({})",
            control.status
        );
    }

    let mut table = String::from("endpoint × intruder → status (! = leaks the victim's data)\n");
    table.push_str(&format!("{:<52}", "endpoint"));
    for intruder in &intruders {
        table.push_str(&format!("{:>16}", intruder.name));
    }
    table.push('\n');
    let mut leaks = Vec::new();
    let mut untyped = Vec::new();
    let mut counted = BTreeMap::new();
    for (method, template, stream) in &operations {
        let path = fill(template);
        let (body, typed) = body_for(method, template, &victim);
        if !typed && method != "GET" && method != "DELETE" && template != "/v1/attachments" {
            untyped.push(format!("{method} {template}"));
        }
        let exempt = concerns_no_citizen(template);
        // The public status page takes an application's code by design and may show it back
        // (the same form for any code, known or not); everything else of the victim's must
        // still stay out of it.
        let identifiers_to_find: Vec<String> = if is_public_status(template) {
            identifiers
                .iter()
                .filter(|identifier| !path.contains(identifier.as_str()))
                .cloned()
                .collect()
        } else {
            identifiers.clone()
        };
        let label = format!(
            "{method} {template}{}",
            if exempt { " (no citizen data)" } else { "" }
        );
        table.push_str(&format!("{label:<52}"));
        for intruder in &intruders {
            let outcome = try_endpoint(
                &clients,
                *stream,
                &portal,
                method,
                &path,
                &body,
                &intruder.token,
                &identifiers_to_find,
            );
            let leaked = outcome.leaked && !exempt;
            if leaked {
                leaks.push(format!(
                    "{} → {method} {path}: {}",
                    intruder.name, outcome.status
                ));
            }
            *counted.entry(intruder.name).or_insert(0) += 1;
            let cell = format!("{}{}", outcome.status, if leaked { "!" } else { "" });
            table.push_str(&format!("{cell:>16}"));
        }
        table.push('\n');
    }
    if !untyped.is_empty() {
        table.push_str(&format!(
            "tried with an empty JSON body (no sample body known): {untyped:?}\n"
        ));
    }
    table.push_str(&format!("requests per intruder: {counted:?}\n"));
    println!("{table}");
    assert!(
        leaks.is_empty(),
        "no intruder reads the victim's data; {} answers leaked:\n{}\n\n{table}",
        leaks.len(),
        leaks.join("\n")
    );
}
