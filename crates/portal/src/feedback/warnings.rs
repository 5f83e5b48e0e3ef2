//! The early warning on feedback clocks: a worker (one per deployment, under the lease
//! `feedback-warnings`) looks every minute at the items whose running clock comes close. From
//! 75% of the clock's time the assigned officer is warned (nobody assigned: the agency's
//! officers who may handle it); when the deadline passes, the agency's supervisors (none: the
//! city-wide supervisors of the operations centre). Each stage of each clock run is recorded
//! with its SMS and e-mail in one transaction, so it is warned of once, across restarts and
//! several instances. Staff are written to in Vietnamese.

use std::time::Duration;

use chrono::{DateTime, FixedOffset};
use opendvc_api::{FeedbackClock, LateWarning, Urgency, WarningStage};
use uuid::Uuid;

use super::view::clocks_of;
use crate::error::ApiError;
use crate::notifications::compose::{date_text, immediate_sms};
use crate::state::AppState;
use crate::store::feedback::STOPPED_KEY;
use crate::store::{FeedbackRecord, NewFeedbackWarning, NewNotice, StaffRecord};

/// How often the worker looks: the answer clock is hours long.
const CHECK_EVERY: Duration = Duration::from_secs(60);

/// Staff are written to in the city's language.
const STAFF_LANGUAGE: &str = "vi";

/// Runs [`write_due`] every minute on the instance holding the lease `feedback-warnings`.
pub async fn periodic(state: AppState) {
    crate::periodic::run_once_across_instances(
        state.store.clone(),
        "feedback-warnings",
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
        Ok(written) => tracing::info!(written, "feedback warnings sent"),
        Err(error) => tracing::error!(problem = %error.problem.title, "feedback warnings failed"),
    }
}

/// The stored key of a stage of a clock run.
fn stage_key(record: &FeedbackRecord, clock: FeedbackClock, stage: WarningStage) -> String {
    let clock = match clock {
        FeedbackClock::Resolve => "resolve",
        _ => "answer",
    };
    let stage = match stage {
        WarningStage::Overdue => "overdue",
        _ => "at_risk",
    };
    format!("{clock}:{stage}:{}", record.clock_started.timestamp())
}

/// Warns of every stage reached and not warned of yet; the number of warnings written. Also
/// run when the demo clock moves. Only the items due to be looked at are read (their next
/// warning point passed, or changed since): each is then scheduled for its next point.
pub async fn write_due(state: &AppState) -> Result<usize, ApiError> {
    let now = state.clock.now();
    let candidates = state
        .store
        .feedback_warning_candidates(now.timestamp())
        .await?;
    let mut written = 0;
    for candidate in candidates {
        let record = &candidate.record;
        let clock = record.clock();
        let clocks = clocks_of(state, record);
        let urgency = clocks.urgency(clock, now);
        let (stages, next) = match (urgency, clocks.running(clock)) {
            // A run that missed the at-risk point still warns of it first, then overdue.
            (Urgency::Overdue, _) => (vec![WarningStage::AtRisk, WarningStage::Overdue], None),
            (Urgency::AtRisk, Some((deadline, _))) => (vec![WarningStage::AtRisk], Some(deadline)),
            (Urgency::OnTrack, Some((_, at_risk_from))) => (Vec::new(), Some(at_risk_from)),
            _ => (Vec::new(), None),
        };
        for stage in stages {
            let key = stage_key(record, clock, stage);
            if candidate.warned.contains(&key) {
                continue;
            }
            let warning = warning_for(state, record, clock, stage, key, now).await?;
            let ids: Vec<Uuid> = warning.notices.iter().map(|notice| notice.id).collect();
            if state.store.record_feedback_warning(&warning).await? {
                written += 1;
                state.outbox.caused(&ids).await;
            }
        }
        // Recorded after the warnings: a failure above leaves the item due, to be tried again.
        let next = next.map_or(STOPPED_KEY, |at| at.timestamp());
        state
            .store
            .schedule_feedback_warning(record.feedback.id, record.queue_key(), next)
            .await?;
    }
    Ok(written)
}

async fn warning_for(
    state: &AppState,
    record: &FeedbackRecord,
    clock: FeedbackClock,
    stage: WarningStage,
    key: String,
    now: DateTime<FixedOffset>,
) -> Result<NewFeedbackWarning, ApiError> {
    let told = if stage == WarningStage::Overdue {
        supervisors_told(state, record).await?
    } else {
        officers_told(state, record).await?
    };
    let deadline = record
        .deadline()
        .unwrap_or(record.feedback.due_at)
        .with_timezone(&opendvc_rules::VIETNAM);
    let service = state
        .data
        .feedback
        .service(&record.feedback.category)
        .map_or_else(
            || record.feedback.category.clone(),
            |service| service.name.vi.clone(),
        );
    let args = [
        ("service", service),
        (
            "summary",
            record.feedback.description.chars().take(80).collect(),
        ),
        ("time", deadline.format("%H:%M").to_string()),
        (
            "date",
            date_text(&state.texts, STAFF_LANGUAGE, deadline.fixed_offset()),
        ),
        (
            "clock",
            if clock == FeedbackClock::Resolve {
                "resolve"
            } else {
                "answer"
            }
            .to_owned(),
        ),
    ];
    let notices = told
        .iter()
        .flat_map(|staff| staff_messages(state, staff, stage, &args, now))
        .collect();
    Ok(NewFeedbackWarning {
        feedback_id: record.feedback.id,
        stage: key,
        warning: LateWarning {
            stage,
            at: now,
            agency: record.feedback.agency.clone(),
        },
        told: told.iter().map(|staff| staff.code.clone()).collect(),
        notices,
    })
}

/// Who is told an item is overdue: the handling agency's supervisors or, when it has none,
/// the city-wide supervisors (the operations centre), so that someone always is. The
/// operations centre is not told when the agency has a supervisor of its own.
async fn supervisors_told(
    state: &AppState,
    record: &FeedbackRecord,
) -> Result<Vec<StaffRecord>, ApiError> {
    let supervisors = state.store.supervisors_of(&record.agency_id).await?;
    if !supervisors.is_empty() {
        return Ok(supervisors);
    }
    Ok(state.store.city_supervisors().await?)
}

/// The assigned officer, or (nobody assigned, or the assignee gone) every officer of the
/// agency who may handle the item: for a commune-level office, those of its unit.
async fn officers_told(
    state: &AppState,
    record: &FeedbackRecord,
) -> Result<Vec<StaffRecord>, ApiError> {
    let officers = state.store.officers_of(&record.agency_id).await?;
    let assigned: Vec<StaffRecord> = officers
        .iter()
        .filter(|officer| record.assigned_to.as_deref() == Some(officer.code.as_str()))
        .cloned()
        .collect();
    if !assigned.is_empty() {
        return Ok(assigned);
    }
    Ok(officers
        .into_iter()
        .filter(|officer| {
            officer.unit.is_none() || officer.unit.as_deref() == record.unit_code.as_deref()
        })
        .collect())
}

/// The SMS and e-mail to one staff member, on what they have.
fn staff_messages(
    state: &AppState,
    staff: &StaffRecord,
    stage: WarningStage,
    args: &[(&str, String)],
    now: DateTime<FixedOffset>,
) -> Vec<NewNotice> {
    let (sms_id, subject_id) = match stage {
        WarningStage::Overdue => (
            "feedback-warning-overdue-sms",
            "feedback-warning-overdue-subject",
        ),
        _ => (
            "feedback-warning-at-risk-sms",
            "feedback-warning-at-risk-subject",
        ),
    };
    let texts = &state.texts;
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
