//! Shared devices: staff sign-in and out, assisted sessions, the tally and the receipt.

use std::path::Path;

use chrono::NaiveDate;
use opendvc_core::OpenDvc;
use opendvc_core::i18n::Arg;

use crate::args::{AssistAction, StaffAction};
use crate::exit;
use crate::output::{Failure, Output, read_stdin_line};

fn staff_lines(status: &opendvc_core::assist::StaffStatus, out: &Output) -> Vec<String> {
    let mut lines = Vec::new();
    match (&status.staff, status.signed_in) {
        (Some(staff), true) => lines.push(
            out.fmt(
                "staff-signed-in",
                &[
                    ("name", Arg::from(staff.name.clone())),
                    ("code", Arg::from(staff.code.clone())),
                    (
                        "venue",
                        Arg::from(
                            status
                                .venue
                                .as_ref()
                                .map(|venue| venue.name().to_owned())
                                .unwrap_or_default(),
                        ),
                    ),
                ],
            ),
        ),
        _ => lines.push(out.text("staff-none")),
    }
    if let Some(session) = &status.session {
        lines.push(out.fmt(
            "staff-session",
            &[
                ("initials", Arg::from(session.citizen_initials.clone())),
                ("minutes", Arg::from(session.seconds_left / 60)),
            ],
        ));
    }
    lines
}

pub(crate) async fn staff(
    core: &mut OpenDvc,
    action: StaffAction,
    out: &Output,
) -> Result<u8, Failure> {
    let status = match action {
        StaffAction::Login {
            code,
            password,
            post_office,
            event,
            place,
            date,
            previous_password,
        } => {
            let password = zeroize::Zeroizing::new(match password {
                Some(password) => password,
                None => read_stdin_line()?,
            });
            let options = opendvc_core::assist::StaffSignInOptions {
                post_office,
                event: match (event, place, date) {
                    (Some(name), Some(place), Some(date)) => Some((name, place, date)),
                    _ => None,
                },
                previous_password: previous_password.map(zeroize::Zeroizing::new),
            };
            core.staff_sign_in(&code, &password, options).await
        }
        StaffAction::Logout => {
            let status = core.staff_sign_out().await;
            if status.is_ok() && !out.json() {
                crate::output::out_line(&out.text("staff-signed-out"));
            }
            status
        }
        StaffAction::Status => core.staff_status(),
    }
    .map_err(|error| Failure::from_core(&error))?;
    out.data(&status, || staff_lines(&status, out));
    Ok(exit::OK)
}

pub(crate) async fn assist(
    core: &mut OpenDvc,
    action: AssistAction,
    out: &Output,
) -> Result<u8, Failure> {
    match action {
        AssistAction::Open {
            id_number,
            paper,
            otp,
        } => {
            let consent = match (paper, otp) {
                (Some(reference), _) => opendvc_api::Consent::Paper { reference },
                (None, Some(otp)) => opendvc_api::Consent::Otp { otp },
                (None, None) => {
                    core.request_consent_code(&id_number)
                        .await
                        .map_err(|error| Failure::from_core(&error))?;
                    crate::output::err_prompt(&out.text("assist-code-sent"));
                    opendvc_api::Consent::Otp {
                        otp: read_stdin_line()?,
                    }
                }
            };
            let session = core
                .open_assisted_session(&id_number, consent)
                .await
                .map_err(|error| Failure::from_core(&error))?;
            out.data(&session, || {
                vec![out.fmt(
                    "assist-opened",
                    &[
                        ("initials", Arg::from(session.citizen_initials.clone())),
                        ("until", Arg::from(session.expires_at.to_rfc3339())),
                    ],
                )]
            });
        }
        AssistAction::End => {
            let ended = core
                .end_assisted_session()
                .await
                .map_err(|error| Failure::from_core(&error))?;
            out.data(&ended, || {
                vec![out.fmt("assist-ended", &[("count", Arg::from(ended.unsent_kept))])]
            });
        }
    }
    Ok(exit::OK)
}

/// The day's or the event's tally, and its CSV written to `csv` when asked.
pub(crate) fn tally(
    core: &OpenDvc,
    day: Option<NaiveDate>,
    csv: Option<&Path>,
    out: &Output,
) -> Result<u8, Failure> {
    let tally = core
        .tally(day)
        .map_err(|error| Failure::from_core(&error))?;
    if let Some(path) = csv {
        std::fs::write(path, tally.to_csv())
            .map_err(|error| Failure::new("output", error.to_string(), exit::ERROR))?;
    }
    out.data(&tally, || {
        let mut lines = vec![out.fmt(
            "tally-summary",
            &[
                ("day", Arg::from(tally.day.to_string())),
                ("people", Arg::from(tally.people_helped)),
                ("submissions", Arg::from(tally.submissions)),
                ("sent", Arg::from(tally.sent)),
                ("waiting", Arg::from(tally.waiting)),
                ("attention", Arg::from(tally.needs_attention)),
            ],
        )];
        for (service, count) in &tally.per_service {
            lines.push(out.fmt(
                "tally-service",
                &[
                    ("service", Arg::from(service.clone())),
                    ("sent", Arg::from(count.sent)),
                    ("waiting", Arg::from(count.waiting)),
                    ("attention", Arg::from(count.needs_attention)),
                ],
            ));
        }
        if let Some(path) = csv {
            lines.push(out.fmt(
                "tally-csv-written",
                &[("path", Arg::from(path.display().to_string()))],
            ));
        }
        lines
    });
    Ok(exit::OK)
}

/// The receipt of a sent application, its QR code written to `svg` when asked.
pub(crate) fn receipt(
    core: &OpenDvc,
    code: &str,
    svg: Option<&Path>,
    out: &Output,
) -> Result<u8, Failure> {
    let receipt = core
        .receipt(code, None)
        .map_err(|error| Failure::from_core(&error))?;
    if let Some(path) = svg {
        std::fs::write(path, &receipt.qr_svg)
            .map_err(|error| Failure::new("output", error.to_string(), exit::ERROR))?;
    }
    out.data(&receipt, || {
        let mut lines = vec![receipt.title.clone()];
        lines.extend(
            receipt
                .lines
                .iter()
                .map(|line| format!("{}: {}", line.label, line.value)),
        );
        lines.push(receipt.follow_up.clone());
        lines.extend(receipt.served_by.clone());
        lines.push(receipt.lookup_link.clone());
        lines
    });
    Ok(exit::OK)
}
