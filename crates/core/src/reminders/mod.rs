//! Proactive renewal reminders: the rules table and the pure engine are the shared rules
//! (`opendvc_rules::renewal`, re-exported here); the calendar export (RFC 5545) is the app's.

mod ics;

pub use ics::{CalendarEntry, calendar};
pub use opendvc_rules::renewal::{
    DocumentValidity, Expiry, FiredStage, NextStage, Reminder, ReminderChoice, RenewalRule,
    RulesError, RulesTable, Standing, UnderAge, Validity, add_years, age_on, assess, due_reminders,
    notice_id, snooze_until, stage_day, stages_up_to,
};
