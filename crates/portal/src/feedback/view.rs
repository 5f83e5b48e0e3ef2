//! What every side of feedback computes alike: the clocks of an item (started at receipt or
//! at a reopening, on the portal's calendar and working hours), the flags derived from its
//! state, and the portal's own timeline actor.

use chrono::{DateTime, FixedOffset};
use opendvc_api::{Actor, ActorKind};
use opendvc_rules::feedback_clock::{
    FeedbackClocks, WorkingHours, answer_at_risk_from, resolve_at_risk_from,
};

use super::data::FeedbackServiceData;
use crate::state::AppState;
use crate::store::FeedbackRecord;

/// Both clocks of an item of `service` received at `at`.
pub fn clocks_started(
    state: &AppState,
    service: &FeedbackServiceData,
    at: DateTime<FixedOffset>,
) -> FeedbackClocks {
    FeedbackClocks::start(
        &state.calendar,
        &WorkingHours::default(),
        at,
        service.answer_hours,
        service.resolve_working_days,
    )
}

/// The clocks of `record` as they run: its own deadlines (a hand-off keeps them), at risk
/// from 75% of the time since they started.
pub fn clocks_of(state: &AppState, record: &FeedbackRecord) -> FeedbackClocks {
    let feedback = &record.feedback;
    let started = record.clock_started;
    FeedbackClocks {
        received: started,
        due_at: feedback.due_at,
        answer_at_risk_from: answer_at_risk_from(started, feedback.due_at),
        resolve_by: feedback.resolve_by,
        resolve_at_risk_from: resolve_at_risk_from(
            &state.calendar,
            &WorkingHours::default(),
            started,
            feedback.resolve_by,
        ),
    }
}

/// Starts fresh clocks on `record` at `now` (a reopening), with its service's targets.
pub fn restart_clocks(state: &AppState, record: &mut FeedbackRecord, now: DateTime<FixedOffset>) {
    if let Some(service) = state.data.feedback.service(&record.feedback.category) {
        let clocks = clocks_started(state, service, now);
        record.feedback.due_at = clocks.due_at;
        record.feedback.resolve_by = clocks.resolve_by;
        record.clock_started = now;
    }
}

/// Sets what follows from the record's state: the resident may reopen an answered or closed
/// item once.
pub fn settle(record: &mut FeedbackRecord) {
    record.feedback.can_reopen = !record.reopened && record.feedback.answered_at.is_some();
}

/// The portal itself, routing an item.
pub fn system_actor() -> Actor {
    Actor {
        kind: ActorKind::System,
        name: String::new(),
        code: None,
        venue: None,
    }
}
