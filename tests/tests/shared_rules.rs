//! The app and the portal apply one set of rules (`opendvc-rules`): what the core refuses
//! before it queues a submission, the portal refuses too, what the core takes the portal takes,
//! and both keep a value as the rules normalise it.

use std::collections::BTreeMap;
use std::sync::Arc;

use opendvc_api::{Application, FieldKind, FieldProblemCode, NewApplication, Problem};
use opendvc_core::clock::SystemClock;
use opendvc_core::session::DataDir;
use opendvc_core::{CoreError, OpenDvc, OpenDvcOptions, SubmissionDraft};
use opendvc_tests::fixtures::{Citizen, counter_delivery, valid_form};
use opendvc_tests::{Portal, PortalOptions};

/// Phones as people type them, and whether the one rule takes them.
const PHONES: [(&str, bool); 7] = [
    ("0905 123 456", true),
    ("+84905123456", true),
    ("0236 3821 234", true),
    ("09051234", false),
    ("09051234567", false),
    ("905123456", false),
    ("0905-123-45a", false),
];

#[test]
fn the_core_and_the_portal_agree_on_every_phone_and_keep_it_as_plus_84() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let mut portal = Portal::start(PortalOptions::default());
    let person = portal.demo_accounts().citizens[0].clone();
    let citizen = Citizen::sign_in(&mut portal, &person.id_number);
    let data = tempfile::tempdir().expect("a data folder");
    let mut options = OpenDvcOptions::new(DataDir::new(data.path()));
    options.clock = Arc::new(SystemClock);
    options.portal_override = Some(portal.url());
    let mut core = OpenDvc::open(options).expect("the core opens");
    runtime
        .block_on(core.request_otp(&person.id_number))
        .expect("a code is sent");
    let code = portal.latest_code_sent_to(&person.phone);
    runtime
        .block_on(core.sign_in(&person.id_number, &code))
        .expect("the core signs in");
    runtime.block_on(core.sync_now()).expect("a sync");

    let catalog = citizen.catalog();
    let (procedure, phone_field) = catalog
        .items
        .iter()
        .filter(|procedure| procedure.delivery.counter)
        .find_map(|procedure| {
            let field = procedure
                .form_fields
                .iter()
                .find(|field| field.kind == FieldKind::Phone)?;
            Some((procedure.clone(), field.id.clone()))
        })
        .expect("the demo catalog has a procedure with a phone field");
    let form = valid_form(&procedure, &citizen.profile(), &citizen.documents());

    for (phone, valid) in PHONES {
        let mut form = form.clone();
        form.insert(phone_field.clone(), phone.to_owned());
        let application = NewApplication {
            procedure_id: procedure.id.clone(),
            form: form.clone(),
            attachments: Vec::new(),
            delivery: counter_delivery(),
            fee_case: None,
        };
        let field = format!("form.{phone_field}");

        // What the UI asks as the person types, and what it asks of the whole draft.
        let typed = core.check_field(FieldKind::Phone, phone);
        assert_eq!(typed.valid, valid, "{phone}: check_field says {typed:?}");
        let problems = core
            .check_draft(&application)
            .expect("the draft is checked");
        assert_eq!(
            problems
                .iter()
                .any(|problem| problem.field == field
                    && problem.code == FieldProblemCode::PhoneInvalid),
            !valid,
            "{phone}: check_draft says {problems:?}"
        );

        // What the core does with it before it queues anything.
        let queued = runtime.block_on(core.submit(
            SubmissionDraft {
                procedure_id: procedure.id.clone(),
                form: form.clone(),
                files: Vec::new(),
                picked: Vec::new(),
                wallet: Vec::new(),
                delivery: counter_delivery(),
                fee_case: None,
            },
            false,
        ));
        match (&queued, valid) {
            (Ok(_), true) => {}
            (Err(CoreError::InvalidSubmission(errors)), false) => {
                assert!(
                    errors.iter().any(|error| error.field == field
                        && error.code == FieldProblemCode::PhoneInvalid),
                    "{phone}: the core names the phone: {errors:?}"
                )
            }
            (other, _) => panic!(
                "{phone}: the core {} it, the rule {} it: {other:?}",
                if other.is_ok() { "queued" } else { "refused" },
                if valid { "takes" } else { "refuses" }
            ),
        }

        // What the portal, the authority, does with the same application.
        let reply = citizen.submit_with_key(&application, &uuid::Uuid::now_v7().to_string());
        if valid {
            assert_eq!(
                reply.status, 201,
                "{phone}: the portal takes what the core queued"
            );
            let stored: Application =
                serde_json::from_slice(&reply.body).expect("the portal answers the application");
            let stored_form: BTreeMap<String, String> = stored.form;
            let kept = typed.normalized.expect("a valid phone is kept");
            assert!(kept.starts_with("+84"), "{phone} is kept as {kept}");
            assert_eq!(
                stored_form.get(&phone_field),
                Some(&kept),
                "{phone}: the portal keeps it as the core would, +84…"
            );
        } else {
            assert_eq!(
                reply.status, 422,
                "{phone}: the portal refuses what the core refused"
            );
            let problem: Problem = serde_json::from_slice(&reply.body).expect("a problem document");
            assert!(
                problem
                    .errors
                    .iter()
                    .any(|error| error.field == field
                        && error.code == FieldProblemCode::PhoneInvalid),
                "{phone}: the portal names the phone with its code: {problem:?}"
            );
        }
    }
}
