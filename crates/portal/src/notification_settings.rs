//! `GET/PUT /v1/me/notification-settings`: per category of notice, which channels reach the
//! resident (app, SMS, e-mail), and the quiet hours during which SMS wait. Only the citizen's
//! own sign-in reads or changes them; a citizen who never chose gets
//! `NotificationSettings::default()`.

use axum::extract::State;
use opendvc_api::{FieldError, FieldProblemCode, NotificationSettings};

use crate::auth::CitizenOnly;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::notifications::quiet_hours::parse_hh_mm;
use crate::state::AppState;

/// The field errors of a choice: each quiet-hours time must be `HH:MM`, and enabled quiet
/// hours must not start where they end (an empty or a whole-day window is no choice).
pub fn problems(settings: &NotificationSettings) -> Vec<FieldError> {
    let quiet = &settings.quiet_hours;
    let mut errors = Vec::new();
    let start = parse_hh_mm(&quiet.start);
    let end = parse_hh_mm(&quiet.end);
    for (field, parsed) in [("quietHours.start", start), ("quietHours.end", end)] {
        if parsed.is_none() {
            errors.push(FieldError {
                field: field.to_owned(),
                code: FieldProblemCode::Invalid,
                message: "Write the time as HH:MM, 24 hours (e.g. 21:00).".to_owned(),
            });
        }
    }
    if quiet.enabled && start.is_some() && start == end {
        errors.push(FieldError {
            field: "quietHours.end".to_owned(),
            code: FieldProblemCode::Invalid,
            message: "Quiet hours must end at another time than they start.".to_owned(),
        });
    }
    errors
}

#[utoipa::path(get, path = "/v1/me/notification-settings", tag = "profile", security(("bearer" = [])),
    responses((status = 200, description = "How the portal reaches the citizen: per category (status changes, postal delivery, renewal reminders) the channels (app, SMS, e-mail), and the quiet hours (Vietnam time) during which SMS other than one-time codes and assisted-session notices wait. A citizen who never chose gets every channel and quiet hours from 21:00 to 07:00. Only the citizen's own token reads them; an assisted-session, staff or officer token gets 403 `forbidden`.", body = NotificationSettings)))]
pub async fn get_settings(
    State(state): State<AppState>,
    auth: CitizenOnly,
) -> Result<axum::Json<NotificationSettings>, ApiError> {
    let settings = state
        .store
        .notification_settings(auth.citizen_id)
        .await?
        .unwrap_or_default();
    Ok(axum::Json(settings))
}

#[utoipa::path(put, path = "/v1/me/notification-settings", tag = "profile", security(("bearer" = [])),
    request_body = NotificationSettings,
    responses((status = 200, description = "The choice is stored whole, in place of the one before, and answered back. Quiet-hours times are `HH:MM`; enabled quiet hours must not start where they end (422 `validation_failed` naming `quietHours.start` or `quietHours.end`). Only the citizen's own token changes them; an assisted-session, staff or officer token gets 403 `forbidden`.", body = NotificationSettings)))]
pub async fn put_settings(
    State(state): State<AppState>,
    auth: CitizenOnly,
    ApiJson(settings): ApiJson<NotificationSettings>,
) -> Result<axum::Json<NotificationSettings>, ApiError> {
    let errors = problems(&settings);
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    state
        .store
        .put_notification_settings(auth.citizen_id, &settings, state.clock.now().timestamp())
        .await?;
    Ok(axum::Json(settings))
}

#[cfg(test)]
mod tests {
    use super::*;
    use opendvc_api::QuietHours;

    fn with_quiet_hours(enabled: bool, start: &str, end: &str) -> NotificationSettings {
        NotificationSettings {
            quiet_hours: QuietHours {
                enabled,
                start: start.to_owned(),
                end: end.to_owned(),
            },
            ..NotificationSettings::default()
        }
    }

    fn faulty_fields(settings: &NotificationSettings) -> Vec<String> {
        problems(settings)
            .into_iter()
            .map(|error| error.field)
            .collect()
    }

    #[test]
    fn times_are_two_digit_hours_and_minutes_of_one_day() {
        for good in ["00:00", "07:00", "21:30", "23:59"] {
            assert!(parse_hh_mm(good).is_some(), "{good} is a time of day");
        }
        for bad in [
            "7:00", "24:00", "12:60", "07:00:00", "0700", "", "ab:cd", "07-00", " 7:00",
        ] {
            assert_eq!(parse_hh_mm(bad), None, "{bad:?} is refused");
        }
    }

    #[test]
    fn the_default_choice_is_valid() {
        assert!(
            problems(&NotificationSettings::default()).is_empty(),
            "the defaults pass their own check"
        );
    }

    #[test]
    fn a_bad_time_names_its_field() {
        assert_eq!(
            faulty_fields(&with_quiet_hours(true, "9pm", "07:00")),
            ["quietHours.start"]
        );
        assert_eq!(
            faulty_fields(&with_quiet_hours(false, "21:00", "25:00")),
            ["quietHours.end"],
            "times are checked also while quiet hours are off, so switching them on later \
             needs no other check"
        );
    }

    #[test]
    fn enabled_quiet_hours_must_not_start_where_they_end() {
        assert_eq!(
            faulty_fields(&with_quiet_hours(true, "22:00", "22:00")),
            ["quietHours.end"]
        );
        assert!(
            faulty_fields(&with_quiet_hours(false, "22:00", "22:00")).is_empty(),
            "switched-off quiet hours may keep any two times"
        );
    }
}
