//! Demo mode: the demo people of `demo.json`, seeded idempotently, and the automatic advance
//! that moves one application a step every few seconds so a demo shows live changes.

use std::collections::HashMap;

use chrono::{DateTime, Days, FixedOffset, TimeDelta};
use opendvc_api::{
    Actor, ActorKind, ApplicationStatus, Channel, DeliveryMethod, DeliveryState, DeliveryUpdate,
    DemoAccounts, DemoCitizen, DemoOfficer, DemoStaff, DemoSupervisor, Document, DocumentSource,
    InboxItem, StaffKind, SubmittedBy, TransitionRequest,
};
use opendvc_rules::{WorkingCalendar, granted_days};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::auth::hash_password;
use crate::data::{DemoData, ReferenceData};
use crate::error::ApiError;
use crate::officer;
use crate::store::{ApplicationDraft, CitizenRecord, StaffRecord, Store};
use crate::submission;

/// The fixed id of a demo citizen, derived from the ID number so every start agrees.
pub fn citizen_uuid(id_number: &str) -> Uuid {
    let digest = Sha256::digest(format!("opendvc-demo-citizen:{id_number}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes).into_uuid()
}

/// The demo accounts, as `opendvc-portal demo-accounts` prints them.
pub fn accounts(demo: &DemoData) -> DemoAccounts {
    DemoAccounts {
        citizens: demo
            .citizens
            .iter()
            .map(|citizen| DemoCitizen {
                id_number: citizen.profile.id_number.clone(),
                phone: citizen.profile.phone.clone(),
                name: citizen.profile.full_name.clone(),
            })
            .collect(),
        staff: demo
            .staff
            .iter()
            .map(|staff| DemoStaff {
                code: staff.code.clone(),
                password: staff.password.clone(),
                kind: staff.kind,
            })
            .collect(),
        officers: demo
            .officers
            .iter()
            .map(|officer| DemoOfficer {
                code: officer.code.clone(),
                password: officer.password.clone(),
                agency: officer.agency.clone(),
                unit: officer.unit.clone(),
            })
            .collect(),
        supervisors: demo
            .supervisors
            .iter()
            .map(|supervisor| DemoSupervisor {
                code: supervisor.code.clone(),
                password: supervisor.password.clone(),
                agency: supervisor.agency.clone(),
            })
            .collect(),
    }
}

fn days_before(now: DateTime<FixedOffset>, days: i64) -> DateTime<FixedOffset> {
    now - TimeDelta::days(days)
}

/// What seeding inserted (zero everywhere on a second start).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SeedReport {
    pub citizens: usize,
    pub staff: usize,
    pub applications: usize,
}

/// Seeds the demo people; anything already there is left alone.
pub async fn seed(
    store: &dyn Store,
    data: &ReferenceData,
    calendar: &WorkingCalendar,
    now: DateTime<FixedOffset>,
) -> Result<SeedReport, ApiError> {
    let mut report = SeedReport::default();
    let demo = &data.demo;
    // The demo officers share one published password: hashing it once (one salt for all of
    // them, which reveals only that the public passwords are equal) keeps a fresh demo portal
    // starting in a fraction of a second, as the tests start many.
    let mut hashes: HashMap<String, String> = HashMap::new();
    let mut hash_once = |password: &str| -> Result<String, ApiError> {
        if let Some(hash) = hashes.get(password) {
            return Ok(hash.clone());
        }
        let hash = hash_password(password)?;
        hashes.insert(password.to_owned(), hash.clone());
        Ok(hash)
    };
    for staff in &demo.staff {
        if store.staff(&staff.code).await?.is_none() {
            let record = StaffRecord {
                code: staff.code.clone(),
                kind: staff.kind,
                name: staff.name.clone(),
                organisation: staff.organisation.clone(),
                password_hash: hash_once(&staff.password)?,
                agency: None,
                unit: None,
                phone: None,
                email: None,
            };
            report.staff += usize::from(store.seed_staff(&record).await?);
        }
    }
    let officers = demo.officers.iter().map(|officer| {
        (
            &officer.code,
            &officer.password,
            StaffRecord {
                code: officer.code.clone(),
                kind: StaffKind::Officer,
                name: officer.name.clone(),
                organisation: officer.organisation.clone(),
                password_hash: String::new(),
                agency: Some(officer.agency.clone()),
                unit: officer.unit.clone(),
                phone: officer.phone.clone(),
                email: officer.email.clone(),
            },
        )
    });
    let supervisors = demo.supervisors.iter().map(|supervisor| {
        (
            &supervisor.code,
            &supervisor.password,
            StaffRecord {
                code: supervisor.code.clone(),
                kind: StaffKind::Supervisor,
                name: supervisor.name.clone(),
                organisation: supervisor.organisation.clone(),
                password_hash: String::new(),
                agency: supervisor.agency.clone(),
                unit: None,
                phone: supervisor.phone.clone(),
                email: supervisor.email.clone(),
            },
        )
    });
    for (code, password, record) in officers.chain(supervisors) {
        match store.staff(code).await? {
            None => {
                let record = StaffRecord {
                    password_hash: hash_once(password)?,
                    ..record
                };
                report.staff += usize::from(store.seed_staff(&record).await?);
            }
            // A database seeded before officers had agencies, units or contacts: the officer
            // gets what is missing (the store fills only empty fields).
            Some(existing)
                if (existing.agency.is_none() && record.agency.is_some())
                    || (existing.unit.is_none() && record.unit.is_some())
                    || (existing.email.is_none() && record.email.is_some()) =>
            {
                store
                    .seed_staff(&StaffRecord {
                        password_hash: existing.password_hash.clone(),
                        ..record
                    })
                    .await?;
            }
            Some(_) => {}
        }
    }
    let today = now.date_naive();
    for citizen in &demo.citizens {
        let citizen_id = citizen_uuid(&citizen.profile.id_number);
        let record = CitizenRecord {
            id: citizen_id,
            profile: ReferenceData::profile_of(citizen, now),
        };
        let documents: Vec<Document> = citizen
            .documents
            .iter()
            .map(|document| Document {
                id: document.id,
                kind: document.kind.clone(),
                number: document.number.clone(),
                issued_on: shift(today, -document.issued_days_ago),
                expires_on: document.expires_in_days.map(|days| shift(today, days)),
                issuer: document.issuer.clone(),
                classes: document.classes.clone(),
                source: DocumentSource::Warehouse,
                reminders: Default::default(),
                updated_at: now,
            })
            .collect();
        let inbox: Vec<InboxItem> = citizen
            .inbox
            .iter()
            .map(|item| InboxItem {
                feedback_id: None,
                id: item.id,
                at: days_before(now, item.days_ago),
                category: item.category,
                title: item.title.clone(),
                body: item.body.clone(),
                application_id: None,
                document_id: None,
            })
            .collect();
        report.citizens += usize::from(store.seed_citizen(&record, &documents, &inbox).await?);
        for application in &citizen.applications {
            let Some(procedure) = data.procedure(&application.procedure_id) else {
                continue;
            };
            let submitted_at = days_before(now, application.submitted_days_ago);
            let processing_days = granted_days(&procedure.processing_days, application.channel);
            let mut delivery =
                submission::delivery_for(data, procedure, &application.form, &application.delivery)
                    .map_err(ApiError::validation)?;
            // The demo forms are invented: where one does not decide the fee case, the
            // procedure's first case stands for the one an officer would settle.
            let today = opendvc_rules::vietnam_today(submitted_at);
            let birth_date = Some(citizen.profile.birth_date);
            let quote = submission::fee_quote(
                procedure,
                &application.form,
                None,
                birth_date,
                application.channel,
                today,
            )
            .or_else(|_| {
                let first = procedure.fee_cases.first().map(|case| case.id.as_str());
                submission::fee_quote(
                    procedure,
                    &application.form,
                    first,
                    birth_date,
                    application.channel,
                    today,
                )
            })
            .map_err(ApiError::validation)?;
            if delivery.method == DeliveryMethod::Post {
                delivery.state = application
                    .delivery_state
                    .or(Some(DeliveryState::Preparing));
                delivery.tracking_number = application.tracking_number.clone();
            }
            let staff = demo.staff.first();
            let (submitted_by, first_actor) = match (application.channel, staff) {
                (Channel::Assisted, Some(staff)) => (
                    Some(SubmittedBy {
                        staff_code: staff.code.clone(),
                        staff_kind: staff.kind,
                        venue: staff.organisation.clone(),
                    }),
                    Actor {
                        kind: ActorKind::Staff,
                        name: staff.name.clone(),
                        code: Some(staff.code.clone()),
                        venue: Some(staff.organisation.clone()),
                    },
                ),
                _ => (None, citizen_actor()),
            };
            let officer_actor = demo
                .officers
                .first()
                .map(|officer| officer::officer_actor(&officer.code, &officer.organisation))
                .unwrap_or_else(|| officer::officer_actor("", procedure.agency.get("vi")));
            let history = application
                .history
                .iter()
                .map(|step| {
                    let at = (submitted_at + TimeDelta::days(step.days_after_submission)).min(now);
                    let actor = if step.status == ApplicationStatus::Withdrawn {
                        citizen_actor()
                    } else {
                        officer_actor.clone()
                    };
                    (step.status, at, actor, step.note.clone())
                })
                .collect();
            let draft = ApplicationDraft {
                id: application.id,
                citizen_id,
                code_prefix: submission::code_prefix(submitted_at),
                procedure_id: procedure.id.clone(),
                procedure_name: procedure.name.clone(),
                unit_code: Some(citizen.profile.address.unit_code.clone()),
                channel: application.channel,
                submitted_by,
                submitted_at,
                due_at: calendar.due_at(submitted_at, processing_days),
                processing_days,
                form: application.form.clone(),
                attachments: Vec::new(),
                delivery,
                fee: quote.fee,
                fee_lines: quote.lines,
                // A procedure paid before processing, not yet moved on: its fee is still due.
                first_status: if procedure.pay_before_processing && application.history.is_empty() {
                    ApplicationStatus::AwaitingPayment
                } else {
                    ApplicationStatus::Received
                },
                first_entry_actor: first_actor,
                first_entry_note: None,
                access: None,
                notices: crate::store::NoticesOfNew::default(),
            };
            report.applications += usize::from(store.seed_application(draft, history).await?);
        }
    }
    Ok(report)
}

fn citizen_actor() -> Actor {
    Actor {
        kind: ActorKind::Citizen,
        name: String::new(),
        code: None,
        venue: None,
    }
}

fn shift(date: chrono::NaiveDate, days: i64) -> chrono::NaiveDate {
    let magnitude = Days::new(days.unsigned_abs());
    let shifted = if days >= 0 {
        date.checked_add_days(magnitude)
    } else {
        date.checked_sub_days(magnitude)
    };
    shifted.unwrap_or(date)
}

/// The next step of the demo workflow for an application, if it has one.
pub fn next_step(application: &opendvc_api::Application, step: u64) -> Option<TransitionRequest> {
    let to = |status| {
        Some(TransitionRequest {
            to: Some(status),
            delivery: None,
            note: None,
        })
    };
    let deliver = |state, tracking_number| {
        Some(TransitionRequest {
            to: None,
            delivery: Some(DeliveryUpdate {
                state,
                tracking_number,
            }),
            note: None,
        })
    };
    match application.status {
        ApplicationStatus::Received => to(ApplicationStatus::Processing),
        ApplicationStatus::Processing => to(ApplicationStatus::Completed),
        ApplicationStatus::Completed => {
            match (application.delivery.method, application.delivery.state) {
                (DeliveryMethod::Post, None | Some(DeliveryState::Preparing)) => deliver(
                    DeliveryState::Dispatched,
                    Some(format!("EB{:09}VN", step % 1_000_000_000)),
                ),
                (DeliveryMethod::Post, Some(DeliveryState::Dispatched)) => {
                    deliver(DeliveryState::Delivered, None)
                }
                _ => to(ApplicationStatus::HandedOver),
            }
        }
        _ => None,
    }
}

/// Moves the least recently changed unfinished application one step. Returns its code.
pub async fn advance_once(
    desk: &officer::Desk<'_>,
    officer_actor: &Actor,
    step: u64,
    now: DateTime<FixedOffset>,
) -> Result<Option<String>, ApiError> {
    let store = desk.store;
    let mut candidates = Vec::new();
    for status in [
        ApplicationStatus::Received,
        ApplicationStatus::Processing,
        ApplicationStatus::Completed,
    ] {
        candidates.extend(store.applications_by_status(Some(status)).await?);
    }
    candidates.sort_by_key(|application| application.updated_at);
    let Some((application, request)) = candidates.into_iter().find_map(|application| {
        next_step(&application, step).map(|request| (application, request))
    }) else {
        return Ok(None);
    };
    let moved =
        officer::transition(*desk, application.id, request, officer_actor.clone(), now).await?;
    Ok(Some(moved.code))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::ApplicationStore;
    use crate::store::sqlite::SqliteStore;

    #[tokio::test]
    async fn seeding_twice_duplicates_nothing() {
        let dir = std::env::temp_dir().join(format!("opendvc-seed-{}", Uuid::now_v7()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let store = SqliteStore::open(&dir.join("portal.db")).expect("store opens");
        let data = ReferenceData::load().expect("data loads");
        let calendar = WorkingCalendar::new(data.holidays.values());
        let now = crate::clock::Clock::now(&crate::clock::SystemClock);
        let first = seed(&store, &data, &calendar, now)
            .await
            .expect("first seed");
        assert_eq!(
            first.citizens,
            data.demo.citizens.len(),
            "every demo citizen is seeded"
        );
        let second = seed(&store, &data, &calendar, now)
            .await
            .expect("second seed");
        assert_eq!(
            second,
            SeedReport::default(),
            "a second seed inserts nothing"
        );
        let citizen = &data.demo.citizens[0];
        let applications = store
            .applications(citizen_uuid(&citizen.profile.id_number))
            .await
            .expect("applications load");
        assert_eq!(applications.len(), citizen.applications.len());
        std::fs::remove_dir_all(&dir).ok();
    }
}
