//! The people of a test and what they send: a signed-in citizen, an officer, a staff member,
//! and valid submissions built from the portal's own catalog.
//!
//! Everything here goes through the contract (HTTP and the `opendvc-api` types), so the same
//! fixtures serve any portal that speaks contract v1.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use opendvc_api::{
    Address, AdminUnits, Application, ApplicationList, ApplicationStatus, AttachmentRef, Catalog,
    DeliveryAddress, DeliveryChoice, DeliveryMethod, DemoOfficer, DocumentList, FieldKind,
    FormField, NewApplication, Procedure, Profile, StaffTokenResponse, TokenResponse,
    TransitionRequest,
};

use crate::{Api, Call, Portal, Reply};

/// A signed-in citizen (or an assisted session acting as one): a client and a bearer token.
#[derive(Debug, Clone)]
pub struct Citizen {
    pub id_number: String,
    pub api: Api,
    pub access_token: String,
    /// Absent for assisted-session tokens, which are not refreshable.
    pub refresh_token: Option<String>,
}

impl Citizen {
    /// Signs the demo citizen `id_number` in on `portal`.
    pub fn sign_in(portal: &mut Portal, id_number: &str) -> Citizen {
        let tokens: TokenResponse = portal.sign_in_citizen(id_number);
        Citizen {
            id_number: id_number.to_owned(),
            api: portal.api(),
            access_token: tokens.access_token,
            refresh_token: Some(tokens.refresh_token),
        }
    }

    /// Signs in the demo citizen at `index` of the demo accounts (0, 1, 2 …).
    pub fn demo(portal: &mut Portal, index: usize) -> Citizen {
        let id_number = portal
            .demo_accounts()
            .citizens
            .get(index)
            .unwrap_or_else(|| panic!("the demo has at least {} citizens", index + 1))
            .id_number
            .clone();
        Citizen::sign_in(portal, &id_number)
    }

    /// A citizen acting through another bearer token (an assisted session's).
    pub fn with_token(api: Api, id_number: &str, token: &str) -> Citizen {
        Citizen {
            id_number: id_number.to_owned(),
            api,
            access_token: token.to_owned(),
            refresh_token: None,
        }
    }

    /// `GET path` with the citizen's token.
    pub fn get(&self, path: &str) -> Reply {
        self.api.get(path).bearer(&self.access_token).send()
    }

    /// A request with the citizen's token, to finish and send.
    pub fn call(&self, method: &str, path: &str) -> Call {
        self.api.request(method, path).bearer(&self.access_token)
    }

    /// The citizen's profile.
    pub fn profile(&self) -> Profile {
        self.get("/v1/me")
            .expect_json(200, "a signed-in citizen reads their profile")
    }

    /// The citizen's applications, newest first.
    pub fn applications(&self) -> Vec<Application> {
        self.get("/v1/applications")
            .expect_json::<ApplicationList>(200, "a citizen lists their applications")
            .items
    }

    /// One application.
    pub fn application(&self, id: uuid::Uuid) -> Application {
        self.get(&format!("/v1/applications/{id}"))
            .expect_json(200, "a citizen reads their own application")
    }

    /// `POST /v1/applications` with `key`.
    pub fn submit_with_key(&self, application: &NewApplication, key: &str) -> Reply {
        self.call("POST", "/v1/applications")
            .idempotency_key(key)
            .json(application)
            .send()
    }

    /// Submits with a fresh key and expects 201.
    pub fn submit(&self, application: &NewApplication) -> Application {
        self.call("POST", "/v1/applications")
            .fresh_idempotency_key()
            .json(application)
            .send()
            .expect_json(201, "a valid submission is created")
    }

    /// The catalog.
    pub fn catalog(&self) -> Catalog {
        self.get("/v1/procedures")
            .expect_json(200, "the catalog is served")
    }

    /// The administrative units.
    pub fn admin_units(&self) -> AdminUnits {
        self.get("/v1/admin-units")
            .expect_json(200, "the administrative units are served")
    }

    /// The citizen's document wallet.
    pub fn documents(&self) -> DocumentList {
        self.get("/v1/documents")
            .expect_json(200, "a citizen reads their documents")
    }

    /// A valid submission of `procedure` for this citizen, delivered as `delivery`; uploads
    /// what the procedure requires and the wallet cannot give.
    pub fn valid_application(
        &self,
        procedure: &Procedure,
        delivery: DeliveryChoice,
    ) -> NewApplication {
        let profile = self.profile();
        let documents = self.documents();
        let mut attachments = Vec::new();
        for requirement in procedure
            .required_documents
            .iter()
            .filter(|doc| doc.required)
        {
            let from_wallet = requirement.wallet_kind.as_ref().and_then(|kind| {
                documents
                    .items
                    .iter()
                    .find(|document| &document.kind == kind)
            });
            let reference = match from_wallet {
                Some(document) => AttachmentRef::Wallet {
                    document_id: document.id,
                    requirement_id: Some(requirement.id.clone()),
                },
                None => {
                    let bytes = pdf_bytes(&format!(
                        "OpenDVC test file for {} / {} / {}",
                        procedure.id,
                        requirement.id,
                        uuid::Uuid::new_v4()
                    ));
                    let attachment: opendvc_api::Attachment = self
                        .call("POST", "/v1/attachments")
                        .body(bytes, "application/pdf")
                        .send()
                        .expect_json(201, "a new file is stored");
                    AttachmentRef::Upload {
                        attachment_id: attachment.id,
                        requirement_id: Some(requirement.id.clone()),
                    }
                }
            };
            attachments.push(reference);
        }
        NewApplication {
            procedure_id: procedure.id.clone(),
            form: valid_form(procedure, &profile, &documents),
            attachments,
            delivery,
            fee_case: None,
        }
    }

    /// A valid application of `procedure` to collect at the counter, submitted.
    pub fn submit_valid(&self, procedure: &Procedure) -> Application {
        let application = self.valid_application(procedure, counter_delivery());
        self.submit(&application)
    }

    /// A postal delivery to the first commune-level unit of the citizen's province.
    pub fn post_delivery(&self) -> DeliveryChoice {
        let profile = self.profile();
        let units = self.admin_units();
        let unit = units
            .units
            .iter()
            .find(|unit| unit.province_code == profile.address.province_code)
            .or_else(|| units.units.first())
            .expect("the portal lists at least one commune-level unit");
        DeliveryChoice {
            method: DeliveryMethod::Post,
            address: Some(DeliveryAddress {
                recipient_name: profile.full_name.clone(),
                phone: "0905123456".to_owned(),
                address: Address {
                    province_code: unit.province_code.clone(),
                    unit_code: unit.code.clone(),
                    street: "12 Bạch Đằng".to_owned(),
                },
            }),
        }
    }
}

/// Collect at the one-stop counter.
pub fn counter_delivery() -> DeliveryChoice {
    DeliveryChoice {
        method: DeliveryMethod::Counter,
        address: None,
    }
}

/// A procedure that offers both delivery methods and takes at least five working days online
/// (so its due date always spans a weekend), preferring the longest.
pub fn deliverable_procedure(catalog: &Catalog) -> Procedure {
    catalog
        .items
        .iter()
        .filter(|procedure| procedure.delivery.counter && procedure.delivery.post)
        .filter(|procedure| procedure.processing_days.online >= 5)
        .max_by_key(|procedure| procedure.processing_days.online)
        .cloned()
        .expect("the demo catalog has a procedure with counter and post delivery and 5+ days")
}

/// Whether every document `procedure` requires comes from the wallet of `documents`, so a
/// submission needs no upload.
pub fn wallet_covers(procedure: &Procedure, documents: &DocumentList) -> bool {
    procedure.required_documents.iter().all(|document| {
        !document.required
            || document
                .wallet_kind
                .as_ref()
                .is_some_and(|kind| documents.items.iter().any(|held| &held.kind == kind))
    })
}

/// A free text field of `procedure`'s form that nothing prefills and that takes 40 characters:
/// where a test writes a marker to find its submissions again.
pub fn free_text_field(procedure: &Procedure) -> Option<&FormField> {
    procedure.form_fields.iter().find(|field| {
        matches!(field.kind, FieldKind::Text | FieldKind::Textarea)
            && field.prefill.is_none()
            && field.max_length.is_none_or(|max| max >= 40)
    })
}

/// A procedure whose required documents all come from the citizen's wallet, so a submission
/// needs no upload.
pub fn procedure_without_uploads(citizen: &Citizen) -> Procedure {
    let documents = citizen.documents();
    citizen
        .catalog()
        .items
        .into_iter()
        .find(|procedure| wallet_covers(procedure, &documents))
        .expect("the demo catalog has a procedure the wallet covers")
}

/// A procedure with a date field in its form.
pub fn procedure_with_a_date_field(catalog: &Catalog) -> (Procedure, FormField) {
    catalog
        .items
        .iter()
        .find_map(|procedure| {
            procedure
                .form_fields
                .iter()
                .find(|field| field.kind == FieldKind::Date)
                .map(|field| (procedure.clone(), field.clone()))
        })
        .expect("the demo catalog has a procedure whose form has a date field")
}

/// A value for every field of `procedure`'s form that its kind and length accept.
pub fn valid_form(
    procedure: &Procedure,
    profile: &Profile,
    documents: &DocumentList,
) -> BTreeMap<String, String> {
    procedure
        .form_fields
        .iter()
        .map(|field| (field.id.clone(), valid_value(field, profile, documents)))
        .collect()
}

fn valid_value(field: &FormField, profile: &Profile, documents: &DocumentList) -> String {
    let prefilled = field.prefill.as_deref().and_then(|source| match source {
        "profile.fullName" => Some(profile.full_name.clone()),
        "profile.birthDate" => Some(profile.birth_date.to_string()),
        "profile.idNumber" => Some(profile.id_number.clone()),
        "profile.phone" => Some(profile.phone.clone()),
        "profile.address" => Some(profile.address.street.clone()),
        other => other
            .strip_prefix("document.")
            .and_then(|rest| rest.strip_suffix(".number"))
            .and_then(|kind| documents.items.iter().find(|doc| doc.kind == kind))
            .map(|document| document.number.clone()),
    });
    let value = match field.kind {
        FieldKind::Select => field
            .options
            .first()
            .map(|option| option.value.clone())
            .unwrap_or_default(),
        FieldKind::Date => prefilled.unwrap_or_else(|| "2020-01-15".to_owned()),
        FieldKind::Number => "1".to_owned(),
        FieldKind::IdNumber => profile.id_number.clone(),
        FieldKind::Phone => "0905123456".to_owned(),
        FieldKind::Email => "hoa@example.vn".to_owned(),
        FieldKind::Text | FieldKind::Textarea => {
            prefilled.unwrap_or_else(|| "Nội dung kiểm thử".to_owned())
        }
    };
    match field.max_length {
        Some(limit) if field.kind == FieldKind::Text || field.kind == FieldKind::Textarea => {
            value.chars().take(limit as usize).collect()
        }
        _ => value,
    }
}

/// The code and password of the first demo staff member of `kind` (a DVC agent, a volunteer).
pub fn staff_of(portal: &mut Portal, kind: opendvc_api::StaffKind) -> (String, String) {
    let staff = portal
        .demo_accounts()
        .staff
        .into_iter()
        .find(|staff| staff.kind == kind)
        .expect("the demo has this kind of staff");
    (staff.code, staff.password)
}

/// A session opened at the counter for demo citizen 0 by the first demo staff member of `kind`,
/// with the consent code sent to the citizen's phone (read and submit); returns the staff
/// token and the session.
pub fn consent_code_session(
    portal: &mut Portal,
    kind: opendvc_api::StaffKind,
) -> (String, opendvc_api::AssistSession) {
    let citizen = portal.demo_accounts().citizens[0].clone();
    let (code, password) = staff_of(portal, kind);
    let token = portal.staff_token(&code, &password).access_token;
    portal
        .api()
        .post("/v1/assist/consent-codes")
        .bearer(&token)
        .json(&opendvc_api::ConsentCodeRequest {
            id_number: citizen.id_number.clone(),
        })
        .send()
        .expect_status(202, "a consent code is sent to the citizen's phone");
    let otp = portal.latest_code_sent_to(&citizen.phone);
    let session = portal
        .api()
        .post("/v1/assist/sessions")
        .bearer(&token)
        .json(&opendvc_api::AssistSessionRequest {
            id_number: citizen.id_number.clone(),
            consent: opendvc_api::Consent::Otp { otp },
            venue: None,
            opened_at: None,
        })
        .send()
        .expect_json(201, "the consent code opens a session");
    (token, session)
}

/// The city's officers over HTTP, as a desk that moves applications along: each officer acts
/// only for their own agency and unit (another's application answers 403), so each request
/// goes to the demo officers in turn, signed in when first needed, until one answers other
/// than 403; the officer that handled an application is remembered for it.
#[derive(Debug, Clone)]
pub struct Officer {
    pub api: Api,
    portal_url: String,
    accounts: Vec<DemoOfficer>,
    desk: Arc<Mutex<OfficerDesk>>,
}

#[derive(Debug, Default)]
struct OfficerDesk {
    /// Access tokens of the officers signed in so far, by index into the accounts.
    tokens: BTreeMap<usize, String>,
    /// Which officer handled an application.
    handled_by: BTreeMap<uuid::Uuid, usize>,
}

impl Officer {
    /// The demo officers of every agency; the first is signed in at once.
    pub fn sign_in(portal: &mut Portal) -> Officer {
        let accounts = portal.demo_accounts().officers;
        assert!(!accounts.is_empty(), "the demo has officers");
        let officer = Officer {
            api: portal.api(),
            portal_url: portal.url(),
            accounts,
            desk: Arc::default(),
        };
        officer.token(0);
        officer
    }

    /// A single demo officer, for tests about one agency: every request goes to them alone.
    pub fn of_agency(portal: &mut Portal, agency: &str) -> Officer {
        let accounts: Vec<DemoOfficer> = portal
            .demo_accounts()
            .officers
            .into_iter()
            .filter(|officer| officer.agency == agency)
            .take(1)
            .collect();
        assert!(!accounts.is_empty(), "the demo has an officer of {agency}");
        let officer = Officer {
            api: portal.api(),
            portal_url: portal.url(),
            accounts,
            desk: Arc::default(),
        };
        officer.token(0);
        officer
    }

    /// The access token of the first officer (for requests that no agency decides).
    pub fn access_token(&self) -> String {
        self.token(0)
    }

    /// The access token of the officer at `index`, signing them in when first needed.
    fn token(&self, index: usize) -> String {
        let mut desk = self
            .desk
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(token) = desk.tokens.get(&index) {
            return token.clone();
        }
        let account = &self.accounts[index];
        let token: StaffTokenResponse = Api::new(&self.portal_url)
            .post("/v1/auth/staff-token")
            .json(&opendvc_api::StaffTokenRequest {
                code: account.code.clone(),
                password: account.password.clone(),
            })
            .send()
            .expect_json(200, "a demo officer signs in");
        desk.tokens.insert(index, token.access_token.clone());
        token.access_token
    }

    fn send_as(&self, index: usize, id: uuid::Uuid, request: &TransitionRequest) -> Reply {
        self.api
            .post(&format!("/v1/officer/applications/{id}/transition"))
            .bearer(&self.token(index))
            .fresh_idempotency_key()
            .json(request)
            .send()
    }

    /// `POST /v1/officer/applications/{id}/transition` with `request`, by the officer whose
    /// agency handles the application (403 when none does, 404 when it does not exist).
    pub fn send(&self, id: uuid::Uuid, request: &TransitionRequest) -> Reply {
        let known = self
            .desk
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .handled_by
            .get(&id)
            .copied();
        if let Some(index) = known {
            return self.send_as(index, id, request);
        }
        let mut reply = None;
        for index in 0..self.accounts.len() {
            let answer = self.send_as(index, id, request);
            if answer.status != 403 {
                self.desk
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .handled_by
                    .insert(id, index);
                return answer;
            }
            reply = Some(answer);
        }
        reply.expect("at least one officer")
    }

    /// Moves the application to `to`, expecting success.
    pub fn transition(&self, id: uuid::Uuid, to: ApplicationStatus) -> Application {
        self.send(
            id,
            &TransitionRequest {
                to: Some(to),
                delivery: None,
                note: Some(format!("Chuyển sang {}", to.as_str())),
            },
        )
        .expect_json(200, "an officer moves an application along its workflow")
    }

    /// Moves the application through `statuses` in order.
    pub fn walk(&self, id: uuid::Uuid, statuses: &[ApplicationStatus]) -> Application {
        let mut last = None;
        for status in statuses {
            last = Some(self.transition(id, *status));
        }
        last.expect("at least one status to walk through")
    }
}

/// The usual way to a finished result: processing, then completed.
pub const TO_COMPLETED: [ApplicationStatus; 2] =
    [ApplicationStatus::Processing, ApplicationStatus::Completed];

/// All the way to the result handed over.
pub const TO_HANDED_OVER: [ApplicationStatus; 3] = [
    ApplicationStatus::Processing,
    ApplicationStatus::Completed,
    ApplicationStatus::HandedOver,
];

/// A small, well-formed PDF of one empty page that carries `note` in a comment (so that
/// different notes give different files). The portal sniffs uploads: a file must really be
/// the PDF or image its `Content-Type` says.
pub fn pdf_bytes(note: &str) -> Vec<u8> {
    let note = note.replace(['\r', '\n'], " ");
    let mut pdf = format!("%PDF-1.4\n%\u{e2}\u{e3}\u{cf}\u{d3}\n% {note}\n").into_bytes();
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ];
    let mut offsets = Vec::new();
    for (index, object) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj {object} endobj\n", index + 1).as_bytes());
    }
    let xref = pdf.len();
    let mut table = format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for offset in offsets {
        table.push_str(&format!("{offset:010} 00000 n \n"));
    }
    pdf.extend_from_slice(table.as_bytes());
    pdf.extend_from_slice(
        format!(
            "trailer << /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

/// A small, well-formed PNG (4×4 pixels of one colour chosen by `seed`).
pub fn png_bytes(seed: u8) -> Vec<u8> {
    let mut png = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut png, 4, 4);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().expect("a PNG header");
        let pixels: Vec<u8> = (0..16).flat_map(|_| [seed, 128, 255 - seed]).collect();
        writer.write_image_data(&pixels).expect("PNG pixels");
    }
    png
}

/// A small, well-formed baseline JPEG (8×8 pixels of mid grey) that carries `note` in a
/// comment segment. Its Huffman tables hold one code each: the one block's DC difference is 0
/// and its AC coefficients end at once.
pub fn jpeg_bytes(note: &str) -> Vec<u8> {
    let mut jpeg = vec![0xFF, 0xD8];
    // JFIF header.
    jpeg.extend_from_slice(&[
        0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00,
        0x01, 0x00, 0x00,
    ]);
    // The note, as a comment segment.
    let note = &note.as_bytes()[..note.len().min(1000)];
    let length = u16::try_from(note.len() + 2).expect("a short note");
    jpeg.extend_from_slice(&[0xFF, 0xFE]);
    jpeg.extend_from_slice(&length.to_be_bytes());
    jpeg.extend_from_slice(note);
    // One quantisation table of ones.
    jpeg.extend_from_slice(&[0xFF, 0xDB, 0x00, 0x43, 0x00]);
    jpeg.extend_from_slice(&[1; 64]);
    // Baseline frame: 8 bits, 8×8, one component (id 1, no subsampling, table 0).
    jpeg.extend_from_slice(&[
        0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x00, 0x08, 0x00, 0x08, 0x01, 0x01, 0x11, 0x00,
    ]);
    // Huffman tables: DC 0 and AC 0, each with one code of length 1 for symbol 0.
    for class in [0x00, 0x10] {
        jpeg.extend_from_slice(&[0xFF, 0xC4, 0x00, 0x14, class, 1]);
        jpeg.extend_from_slice(&[0; 15]);
        jpeg.push(0);
    }
    // Start of scan, then the one block: DC code `0`, end of block `0`, padded with ones.
    jpeg.extend_from_slice(&[
        0xFF,
        0xDA,
        0x00,
        0x08,
        0x01,
        0x01,
        0x00,
        0x00,
        0x3F,
        0x00,
        0b0011_1111,
    ]);
    jpeg.extend_from_slice(&[0xFF, 0xD9]);
    jpeg
}
