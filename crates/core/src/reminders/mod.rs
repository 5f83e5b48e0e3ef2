//! Proactive renewal reminders: the rules table, the engine and the calendar export.

mod engine;
mod ics;
mod rules;

pub use engine::{
    DocumentValidity, FiredStage, NextStage, Reminder, ReminderChoice, Standing, assess,
    due_reminders, snooze_until,
};
pub use ics::{CalendarEntry, calendar};
pub use rules::{
    Expiry, RenewalRule, RulesError, RulesTable, UnderAge, Validity, add_years, age_on,
};

#[cfg(test)]
mod tests;
