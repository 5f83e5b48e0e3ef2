//! The rules the OpenDVC app and the portal share, defined once: what a valid field is, how
//! working days and due dates count, what time it is in Vietnam, when a document expires and
//! when to remind of it. The app's core (offline, before it queues anything) and the portal
//! (authoritative, when a request arrives) call the same functions, so the two cannot drift.
//!
//! Depends on `opendvc-api` alone among the project's crates: rules are pure functions of
//! wire types and data, with `today` or `now` passed in.
//!
//! - [`feedback_clock`]: the answer and resolve clocks of residents' feedback.
//! - [`fees`]: what an application costs: the quote from the procedure's fee model.
//! - [`document`]: a document the resident adds to the wallet by hand.
//! - [`fields`]: one value: phone (the rule is documented there), ID number, e-mail, dates.
//! - [`form`]: a whole submission against its procedure: form, delivery, required documents.
//! - [`prefill`]: where a form field's value comes from, and the value.
//! - [`time`]: the Vietnam time zone.
//! - [`working_days`]: the working-day calendar and due dates.
//! - [`renewal`]: renewal rules and the reminder engine.

pub mod document;
pub mod feedback_clock;
pub mod fees;
pub mod fields;
pub mod form;
pub mod prefill;
pub mod renewal;
pub mod time;
pub mod working_days;

pub use feedback_clock::{FeedbackClocks, WorkingHours};
pub use form::{Checked, FieldProblem, FormUse};
pub use time::{VIETNAM, vietnam_today};
pub use working_days::{WorkingCalendar, granted_days};
