//! Proactive renewal reminders: the rules table (`data/renewal-rules.json`, per document kind:
//! how validity is computed, which procedure renews it, the reminder stages) and the pure
//! engine that says, on a given day, where each document stands and which stages are due.
//! The app reminds on the device and the portal writes inbox notices, both from this engine,
//! so both remind at the same stages, each stage once per document and expiry.

mod engine;
mod rules;

pub use engine::{
    DocumentValidity, FiredStage, NextStage, Reminder, ReminderChoice, Standing, assess,
    due_reminders, notice_id, snooze_until, stage_day, stages_up_to,
};
pub use rules::{
    Expiry, RenewalRule, RulesError, RulesTable, UnderAge, Validity, add_years, age_on,
};
