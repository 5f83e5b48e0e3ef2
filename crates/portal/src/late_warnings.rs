//! The operations centre's early warning: a worker (one per deployment, under the lease
//! `late-warnings`) looks every few minutes for open applications that are at risk (due
//! today or on the next working day, as the work queue counts it) or overdue, and warns once
//! per stage. At risk: the assigned officer, or every officer who may handle it when nobody
//! is assigned. Overdue: those and the agency's supervisors, and the citizen, whose
//! application then carries the warning (`lateWarning`: the agency told, when, and how to
//! reach it) with an inbox notice. Each warning is recorded with its SMS and e-mail in one
//! transaction, so a stage is warned of once, across restarts and several instances. Staff
//! are written to in Vietnamese.

use std::time::Duration;

use chrono::{DateTime, FixedOffset, TimeDelta};
use opendvc_api::{AgencyContact, InboxCategory, InboxItem, LateWarning, Urgency, WarningStage};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::error::ApiError;
use crate::i18n::Texts;
use crate::notifications::compose::{date_text, immediate_sms};
use crate::state::AppState;
use crate::store::{LateCandidate, NewLateWarning, NewNotice, StaffRecord};

/// How often the worker looks.
const CHECK_EVERY: Duration = Duration::from_secs(300);

/// Applications due within this many calendar days are looked at (the next working day can be
/// a week away over Tết); the work queue's urgency then decides.
const LOOK_AHEAD_DAYS: i64 = 10;

/// Staff are written to in the city's language.
const STAFF_LANGUAGE: &str = "vi";

/// Runs [`write_due`] every few minutes on the instance holding the lease `late-warnings`.
pub async fn periodic(state: AppState) {
    crate::periodic::run_once_across_instances(
        state.store.clone(),
        "late-warnings",
        CHECK_EVERY,
        || {
            let state = &state;
            async move { log(write_due(state).await) }
        },
    )
    .await;
}

/// Says in the log what a run of [`write_due`] did.
pub fn log(outcome: Result<usize, ApiError>) {
    match outcome {
        Ok(0) => {}
        Ok(written) => tracing::info!(written, "late warnings sent"),
        Err(error) => tracing::error!(problem = %error.problem.title, "late warnings failed"),
    }
}

/// Warns of every stage reached and not warned of yet; the number of warnings written. Also
/// run when the demo clock moves.
pub async fn write_due(state: &AppState) -> Result<usize, ApiError> {
    let now = state.clock.now();
    let candidates = state
        .store
        .late_candidates(now + TimeDelta::days(LOOK_AHEAD_DAYS))
        .await?;
    let mut written = 0;
    for candidate in candidates {
        let (_, urgency) = crate::officer_api::urgency(
            &state.calendar,
            candidate.status,
            candidate.due_at,
            now,
            now,
        );
        let stage = match urgency {
            Urgency::Overdue => WarningStage::Overdue,
            Urgency::AtRisk => WarningStage::AtRisk,
            _ => continue,
        };
        if candidate.warned.contains(&stage) {
            continue;
        }
        let Some(warning) = warning_for(state, &candidate, stage, now).await? else {
            continue;
        };
        let ids: Vec<Uuid> = warning.notices.iter().map(|notice| notice.id).collect();
        if state.store.record_late_warning(&warning).await? {
            written += 1;
            state.outbox.caused(&ids).await;
        }
    }
    Ok(written)
}

/// The warning of `stage` for `candidate`, with whom it tells; `None` when its procedure is
/// no longer in the catalog.
async fn warning_for(
    state: &AppState,
    candidate: &LateCandidate,
    stage: WarningStage,
    now: DateTime<FixedOffset>,
) -> Result<Option<NewLateWarning>, ApiError> {
    let Some(procedure) = state.data.procedure(&candidate.procedure_id) else {
        return Ok(None);
    };
    let agency_id = procedure.agency_id.clone();
    let Some(contact) = state
        .data
        .agency_contact(&agency_id, candidate.unit_code.as_deref())
    else {
        return Ok(None);
    };
    let mut told = officers_told(state, candidate, &agency_id).await?;
    if stage == WarningStage::Overdue {
        told.extend(state.store.supervisors_of(&agency_id).await?);
    }
    let args = [
        ("code", candidate.code.clone()),
        ("procedure", procedure.name.vi.clone()),
        (
            "date",
            date_text(&state.texts, STAFF_LANGUAGE, candidate.due_at),
        ),
    ];
    let notices = told
        .iter()
        .flat_map(|staff| staff_messages(&state.texts, staff, stage, &args, now))
        .collect();
    let warning = LateWarning {
        stage,
        at: now,
        agency: contact.clone(),
    };
    let inbox = (stage == WarningStage::Overdue)
        .then(|| citizen_notice(&state.texts, candidate, &contact, now));
    Ok(Some(NewLateWarning {
        application_id: candidate.id,
        citizen_id: candidate.citizen_id,
        warning,
        told: told.iter().map(|staff| staff.code.clone()).collect(),
        notices,
        inbox,
    }))
}

/// The assigned officer, or (nobody assigned, or the assignee gone) every officer of the
/// agency who may handle the application: for a commune-level office, those of its unit.
async fn officers_told(
    state: &AppState,
    candidate: &LateCandidate,
    agency_id: &str,
) -> Result<Vec<StaffRecord>, ApiError> {
    let officers = state.store.officers_of(agency_id).await?;
    let assigned: Vec<StaffRecord> = officers
        .iter()
        .filter(|officer| candidate.assigned_to.as_deref() == Some(officer.code.as_str()))
        .cloned()
        .collect();
    if !assigned.is_empty() {
        return Ok(assigned);
    }
    Ok(officers
        .into_iter()
        .filter(|officer| {
            officer.unit.is_none() || officer.unit.as_deref() == candidate.unit_code.as_deref()
        })
        .collect())
}

/// The SMS and e-mail to one staff member, on what they have.
fn staff_messages(
    texts: &Texts,
    staff: &StaffRecord,
    stage: WarningStage,
    args: &[(&str, String)],
    now: DateTime<FixedOffset>,
) -> Vec<NewNotice> {
    let (sms_id, subject_id) = match stage {
        WarningStage::Overdue => ("late-warning-overdue-sms", "late-warning-overdue-subject"),
        _ => ("late-warning-at-risk-sms", "late-warning-at-risk-subject"),
    };
    let body = texts.text(STAFF_LANGUAGE, sms_id, args);
    let mut messages = Vec::new();
    if let Some(phone) = &staff.phone {
        messages.push(immediate_sms(
            None,
            phone,
            STAFF_LANGUAGE,
            sms_id,
            body.clone(),
            now,
        ));
    }
    if let Some(email) = &staff.email {
        messages.push(NewNotice {
            channel: "email".to_owned(),
            recipient: email.clone(),
            subject: Some(texts.text(STAFF_LANGUAGE, subject_id, args)),
            ..immediate_sms(None, email, STAFF_LANGUAGE, sms_id, body, now)
        });
    }
    messages
}

/// The citizen's inbox notice of an overdue application: who was told, when, and how to
/// reach them. Its id is derived from the application, so it is written once.
fn citizen_notice(
    texts: &Texts,
    candidate: &LateCandidate,
    contact: &AgencyContact,
    now: DateTime<FixedOffset>,
) -> InboxItem {
    let digest = Sha256::digest(format!("opendvc-late-warning:{}", candidate.id).as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    let id = uuid::Builder::from_custom_bytes(bytes).into_uuid();
    InboxItem {
        feedback_id: None,
        id,
        at: now,
        category: InboxCategory::Status,
        title: texts.per_language(|language| {
            texts.text(
                language,
                "inbox-late-title",
                &[("code", candidate.code.clone())],
            )
        }),
        body: texts.per_language(|language| {
            texts.text(
                language,
                "inbox-late-body",
                &[
                    ("code", candidate.code.clone()),
                    ("date", date_text(texts, language, candidate.due_at)),
                    ("agency", contact.name.get(language).to_owned()),
                    ("phone", contact.phone.clone()),
                    ("address", contact.address.clone()),
                ],
            )
        }),
        application_id: Some(candidate.id),
        document_id: None,
    }
}
