//! Open311 GeoReport v2 requests (issue 16): a client files with its `api_key` (checked before
//! the body is read: none, nothing filed), reads the request back with its answer deadline,
//! sees an officer's answer as `status_notes` and `closed`; app feedback shows in the public
//! list without the reporter's name, phone, e-mail or exact address. Every answer is checked
//! against the GeoReport v2 field list, in JSON and XML. Runs on PostgreSQL too where the
//! harness runs the portal tests on it.

use opendvc_api::{AdminUnits, FeedbackCreated, OfficerFeedback, Profile};
use opendvc_tests::fixtures::Citizen;
use opendvc_tests::{Portal, PortalOptions, Reply, new_idempotency_key};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const API_KEY: &str = "fixmystreet-da-nang-test-key";
const OFFICER_PASSWORD: &str = "demo-officer-2026";
const FORM: &str = "application/x-www-form-urlencoded";

/// The fields GeoReport v2 requires in each request of `GET requests`.
const REQUIRED: &[&str] = &[
    "service_request_id",
    "status",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
];

/// Every field GeoReport v2 names for a request.
const KNOWN: &[&str] = &[
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
];

fn portal_with_client() -> Portal {
    let digest = hex::encode(Sha256::digest(API_KEY.as_bytes()));
    Portal::start(PortalOptions::default().with_config(&format!(
        "[[open311.clients]]\nname = \"FixMyStreet Đà Nẵng\"\napi_key_sha256 = \"{digest}\"\n"
    )))
}

/// Checks one request of a `GET requests` answer against the standard's field list.
fn check_request(request: &Value) {
    let object = request.as_object().expect("a request is an object");
    for field in REQUIRED {
        assert!(object.contains_key(*field), "{field} is present: {request}");
    }
    for field in object.keys() {
        assert!(
            KNOWN.contains(&field.as_str()),
            "{field} is a GeoReport v2 field: {request}"
        );
    }
    let status = object["status"].as_str().expect("status is text");
    assert!(
        ["open", "closed"].contains(&status),
        "status open or closed: {request}"
    );
    for field in [
        "requested_datetime",
        "updated_datetime",
        "expected_datetime",
    ] {
        let text = object[field].as_str().expect("a date is text");
        chrono::DateTime::parse_from_rfc3339(text)
            .unwrap_or_else(|_| panic!("{field} is ISO 8601: {text}"));
    }
}

fn post_request(portal: &Portal, query: &str, form: &str) -> Reply {
    portal
        .api()
        .post(&format!("/open311/v2/requests.json{query}"))
        .body(form.as_bytes().to_vec(), FORM)
        .send()
}

fn public_list(portal: &Portal, query: &str) -> Vec<Value> {
    portal
        .api()
        .get(&format!("/open311/v2/requests.json{query}"))
        .send()
        .expect_json(200, "the public list")
}

#[test]
fn an_open311_client_files_with_its_key_and_reads_the_answer_back() {
    let portal = portal_with_client();
    let services: Vec<Value> = portal
        .api()
        .get("/open311/v2/services.json")
        .send()
        .expect_json(200, "the services");
    assert!(
        services
            .iter()
            .any(|service| service["service_code"] == "infrastructure"),
        "infrastructure is a service: {services:?}"
    );

    // No key, or a wrong one: 403 in the standard's error shape, and nothing filed.
    let form = "service_code=infrastructure&description=%E1%BB%94+g%C3%A0+l%E1%BB%9Bn+tr%C6%B0%E1%BB%9Bc+s%E1%BB%91+12+B%E1%BA%A1ch+%C4%90%E1%BA%B1ng\
                &lat=16.061123&long=108.227034&email=reporter%40example.vn&phone=0905123456&first_name=Lan&last_name=Nguyen";
    for query in ["", "?api_key=not-the-key"] {
        let refused = post_request(&portal, query, form);
        let errors: Vec<Value> = refused.expect_json(403, "a request without a known key");
        assert_eq!(
            errors[0]["code"], 403,
            "the error repeats the status: {errors:?}"
        );
        assert!(
            errors[0]["description"]
                .as_str()
                .is_some_and(|text| text.contains("api_key")),
            "the error names api_key: {errors:?}"
        );
    }
    let nothing = public_list(&portal, "");
    assert!(
        nothing.is_empty(),
        "nothing was filed without a key: {nothing:?}"
    );

    // A bad field: 400 naming it.
    let bad = post_request(
        &portal,
        &format!("?api_key={API_KEY}"),
        "service_code=infrastructure&description=x&lat=91&long=108",
    );
    let errors: Vec<Value> = bad.expect_json(400, "a latitude off the globe");
    assert!(
        errors[0]["description"]
            .as_str()
            .is_some_and(|text| text.starts_with("lat")),
        "{errors:?}"
    );
    let unknown = post_request(
        &portal,
        &format!("?api_key={API_KEY}"),
        "service_code=potholes&description=x&lat=16&long=108",
    );
    let errors: Vec<Value> = unknown.expect_json(400, "an unknown service");
    assert!(
        errors[0]["description"]
            .as_str()
            .is_some_and(|text| text.starts_with("service_code")),
        "{errors:?}"
    );

    // Filed with the key.
    let created = post_request(&portal, &format!("?api_key={API_KEY}"), form);
    let answer: Vec<Value> = created.expect_json(201, "filed with the client's key");
    let id = answer[0]["service_request_id"]
        .as_str()
        .expect("an id")
        .to_owned();
    let post_text = created.text();

    // Read back, with the answer deadline, without the reporter.
    let one: Vec<Value> = portal
        .api()
        .get(&format!("/open311/v2/requests/{id}.json"))
        .send()
        .expect_json(200, "the request read back");
    check_request(&one[0]);
    assert_eq!(one[0]["status"], "open");
    assert!(
        one[0]["expected_datetime"].is_string(),
        "the answer deadline: {one:?}"
    );
    assert_eq!(one[0]["lat"], 16.061, "the point, rounded: {one:?}");
    let text = serde_json::to_string(&one).expect("json");
    for private in ["Lan", "Nguyen", "reporter@example.vn", "0905123456"] {
        assert!(!text.contains(private), "{private} is never public: {text}");
    }

    // In the officers' queue; an officer answers and resolves it.
    let token = portal
        .staff_token("CB-SXD-01", OFFICER_PASSWORD)
        .access_token;
    let item: OfficerFeedback = portal
        .api()
        .get(&format!("/v1/officer/feedback/{id}"))
        .bearer(&token)
        .send()
        .expect_json(
            200,
            "the officer sees the Open311 request with its reporter",
        );
    assert_eq!(item.reporter.phone.as_deref(), Some("0905123456"));
    assert_eq!(item.reporter.client.as_deref(), Some("FixMyStreet Đà Nẵng"));
    let answer_text = "Sở Xây dựng đã cho vá ổ gà trong ngày.";
    portal
        .api()
        .post(&format!("/v1/officer/feedback/{id}/answer"))
        .bearer(&token)
        .fresh_idempotency_key()
        .json(&json!({"text": answer_text, "resolved": true}))
        .send()
        .expect_status(200, "the officer answers and resolves it");

    let after = portal
        .api()
        .get(&format!("/open311/v2/requests/{id}.json"))
        .send();
    let closed: Vec<Value> = after.expect_json(200, "the request after the answer");
    check_request(&closed[0]);
    assert_eq!(closed[0]["status"], "closed", "{closed:?}");
    assert_eq!(closed[0]["status_notes"], answer_text, "{closed:?}");

    // The same in XML, with the standard's element names.
    let xml = portal
        .api()
        .get(&format!("/open311/v2/requests/{id}.xml"))
        .send();
    xml.expect_status(200, "the request in XML");
    let xml_text = xml.text();
    for element in [
        "<service_requests>",
        "<request>",
        "<service_request_id>",
        "<status>closed</status>",
        "<status_notes>",
        "<expected_datetime>",
    ] {
        assert!(xml_text.contains(element), "{element} in {xml_text}");
    }
    let refused_xml = portal
        .api()
        .post("/open311/v2/requests.xml")
        .body(form.as_bytes().to_vec(), FORM)
        .send();
    refused_xml.expect_status(403, "no key, in XML too");
    assert!(
        refused_xml
            .text()
            .contains("<errors><error><code>403</code>"),
        "{}",
        refused_xml.text()
    );

    let listed = public_list(&portal, "?status=closed&service_code=infrastructure");
    assert!(
        listed
            .iter()
            .any(|request| request["service_request_id"] == id.as_str()),
        "{listed:?}"
    );
    assert!(
        public_list(&portal, "?status=open")
            .iter()
            .all(|request| request["service_request_id"] != id.as_str())
    );

    let pair = format!(
        "POST /open311/v2/requests.json?api_key=…\nContent-Type: {FORM}\n\n{form}\n\n→ {}\n{post_text}\n\nGET /open311/v2/requests/{id}.json (after the officer's answer)\n\n→ {}\n{}\n",
        created.status,
        after.status,
        serde_json::to_string_pretty(&closed).expect("json")
    );
    let file = opendvc_tests::webdriver::screenshot_dir().join("open311-round-trip.txt");
    std::fs::write(&file, pair).expect("write the request/answer pair");
}

#[test]
fn app_feedback_is_public_without_the_reporters_name_phone_email_or_address() {
    let mut portal = portal_with_client();
    let citizen = Citizen::demo(&mut portal, 0);
    let profile: Profile = citizen.get("/v1/me").expect_json(200, "the profile");
    let units: AdminUnits = portal
        .api()
        .get("/v1/admin-units")
        .send()
        .expect_json(200, "units");
    let unit = &units.units[0];
    let street = "Kiệt 42/7 đường Trần Phú";
    let created: FeedbackCreated = citizen
        .call("POST", "/v1/feedback")
        .idempotency_key(&new_idempotency_key())
        .json(&json!({
            "category": "environment",
            "description": "Rác thải đổ trộm bên kênh",
            "place": {
                "address": {"provinceCode": unit.province_code, "unitCode": unit.code, "street": street},
                "lat": 16.0678, "long": 108.2208, "share": false
            }
        }))
        .send()
        .expect_json(201, "filed in the app");
    let list = public_list(&portal, "");
    let item = list
        .iter()
        .find(|request| request["service_request_id"] == created.id.to_string().as_str())
        .unwrap_or_else(|| panic!("the app's feedback is in the public list: {list:?}"));
    check_request(item);
    assert_eq!(
        item["address"],
        unit.name.as_str(),
        "the commune-level unit only: {item}"
    );
    assert!(
        item.get("lat").is_none() && item.get("long").is_none(),
        "no point unless shared: {item}"
    );
    let text = item.to_string();
    let mut private = vec![
        profile.full_name.clone(),
        profile.phone.clone(),
        street.to_owned(),
    ];
    private.extend(profile.email.clone());
    for value in private {
        assert!(!text.contains(&value), "{value} is never public: {text}");
    }
    let xml = portal.api().get("/open311/v2/requests.xml").send();
    xml.expect_status(200, "the list in XML");
    assert!(
        xml.text().contains("<service_requests><request>"),
        "{}",
        xml.text()
    );
    for junk in [
        "?status=maybe",
        "?start_date=yesterday",
        "?service_request_id=nope",
        "?start_date=2020-01-01T00:00:00Z",
    ] {
        let reply = portal
            .api()
            .get(&format!("/open311/v2/requests.json{junk}"))
            .send();
        let errors: Vec<Value> = reply.expect_json(400, "a wrong parameter");
        assert_eq!(errors[0]["code"], 400, "{junk}: {errors:?}");
    }
}

/// Moves the demo clock to the next noon in Vietnam, when no quiet hours hold an SMS.
fn move_to_noon(portal: &Portal) {
    let now = portal
        .advance_clock(1)
        .with_timezone(&opendvc_rules::VIETNAM);
    let noon = now
        .date_naive()
        .and_hms_opt(12, 0, 0)
        .expect("noon")
        .and_local_timezone(opendvc_rules::VIETNAM)
        .single()
        .expect("Vietnam keeps no summer time");
    let noon = if noon <= now {
        noon + chrono::TimeDelta::days(1)
    } else {
        noon
    };
    portal.advance_clock((noon - now).num_seconds());
}

#[test]
fn an_open311_reporter_hears_of_the_answer_at_the_phone_and_e_mail_they_gave() {
    let portal = portal_with_client();
    move_to_noon(&portal);
    let form = "service_code=infrastructure&description=C%E1%BB%99t+%C4%91i%E1%BB%87n+nghi%C3%AAng\
                &lat=16.061123&long=108.227034&email=lan.reporter%40example.vn&phone=0905+123+456&first_name=Lan";
    let created: Vec<Value> = post_request(&portal, &format!("?api_key={API_KEY}"), form)
        .expect_json(201, "filed with the client's key");
    let id = created[0]["service_request_id"]
        .as_str()
        .expect("an id")
        .to_owned();
    let token = portal
        .staff_token("CB-SXD-01", OFFICER_PASSWORD)
        .access_token;
    let answer_text = "Điện lực Đà Nẵng đã dựng lại cột điện.";
    portal
        .api()
        .post(&format!("/v1/officer/feedback/{id}/answer"))
        .bearer(&token)
        .fresh_idempotency_key()
        .json(&json!({"text": answer_text, "resolved": true}))
        .send()
        .expect_status(200, "the officer answers");
    let mut sent: Vec<(String, String)> = portal
        .dev_messages()
        .into_iter()
        .filter(|message| message.body.contains(answer_text))
        .map(|message| (message.channel, message.to))
        .collect();
    sent.sort();
    assert_eq!(
        sent,
        [
            ("email".to_owned(), "lan.reporter@example.vn".to_owned()),
            ("sms".to_owned(), "+84905123456".to_owned()),
        ],
        "the answer reaches the reporter once at each address the client sent"
    );
    let public = portal
        .api()
        .get(&format!("/open311/v2/requests/{id}.json"))
        .send()
        .text();
    for private in ["lan.reporter@example.vn", "0905", "905123456", "Lan"] {
        assert!(
            !public.contains(private),
            "{private} stays out of the public answer: {public}"
        );
    }
}
