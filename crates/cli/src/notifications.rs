//! `opendvc notifications show|set`: how the portal reaches the citizen, per kind of notice
//! (the app, SMS, e-mail) and when SMS wait, read from and written to the portal through the
//! core.

use opendvc_api::{ChannelChoice, NotificationSettings, QuietHours};
use opendvc_core::OpenDvc;
use opendvc_core::views::NotificationSettingsView;

use crate::args::{CategoryArg, NotificationsAction, Switch};
use crate::exit;
use crate::output::{Failure, Output};

pub async fn notifications(
    core: &OpenDvc,
    action: NotificationsAction,
    out: &Output,
) -> Result<u8, Failure> {
    let shown = match action {
        NotificationsAction::Show => core.notification_settings().await,
        NotificationsAction::Set {
            categories,
            app,
            sms,
            email,
            quiet_hours,
        } => {
            let current = core
                .notification_settings()
                .await
                .map_err(|error| Failure::from_core(&error))?;
            let mut settings = current.settings;
            let switches = Switches { app, sms, email };
            let categories = if categories.is_empty() {
                vec![
                    CategoryArg::Status,
                    CategoryArg::Delivery,
                    CategoryArg::Renewal,
                ]
            } else {
                categories
            };
            for category in categories {
                switches.apply(channels_of(&mut settings, category));
            }
            if let Some(text) = quiet_hours {
                settings.quiet_hours = quiet_hours_from(&text, &settings.quiet_hours);
            }
            core.save_notification_settings(&settings).await
        }
    }
    .map_err(|error| Failure::from_core(&error))?;
    out.data(&shown, || lines(out, &shown));
    Ok(exit::OK)
}

/// The channel switches given on the command line; what is not given stays.
struct Switches {
    app: Option<Switch>,
    sms: Option<Switch>,
    email: Option<Switch>,
}

impl Switches {
    fn apply(&self, channels: &mut ChannelChoice) {
        if let Some(app) = self.app {
            channels.app = app.is_on();
        }
        if let Some(sms) = self.sms {
            channels.sms = sms.is_on();
        }
        if let Some(email) = self.email {
            channels.email = email.is_on();
        }
    }
}

fn channels_of(settings: &mut NotificationSettings, category: CategoryArg) -> &mut ChannelChoice {
    match category {
        CategoryArg::Status => &mut settings.status,
        CategoryArg::Delivery => &mut settings.delivery,
        CategoryArg::Renewal => &mut settings.renewal,
    }
}

/// `off`, or `HH:MM-HH:MM`. The times are checked by the core, which names a wrong one.
fn quiet_hours_from(text: &str, current: &QuietHours) -> QuietHours {
    let text = text.trim();
    if text.eq_ignore_ascii_case("off") {
        return QuietHours {
            enabled: false,
            ..current.clone()
        };
    }
    let (start, end) = text.split_once('-').unwrap_or((text, ""));
    QuietHours {
        enabled: true,
        start: start.trim().to_owned(),
        end: end.trim().to_owned(),
    }
}

/// One line per kind of notice with its channels, then the quiet hours, then why e-mail
/// cannot be chosen when the profile has no address.
fn lines(out: &Output, shown: &NotificationSettingsView) -> Vec<String> {
    let switch = |on: bool| {
        out.text(if on {
            "notifications-on"
        } else {
            "notifications-off"
        })
    };
    let settings = &shown.settings;
    let mut lines: Vec<String> = [
        ("notifications-category-status", &settings.status),
        ("notifications-category-delivery", &settings.delivery),
        ("notifications-category-renewal", &settings.renewal),
    ]
    .into_iter()
    .map(|(label, channels)| {
        out.fmt(
            "notifications-category-line",
            &[
                ("category", out.text(label).into()),
                ("app", switch(channels.app).into()),
                ("sms", switch(channels.sms).into()),
                ("email", switch(channels.email).into()),
            ],
        )
    })
    .collect();
    let quiet = &settings.quiet_hours;
    lines.push(if quiet.enabled {
        out.fmt(
            "notifications-quiet-hours",
            &[
                ("start", quiet.start.clone().into()),
                ("end", quiet.end.clone().into()),
            ],
        )
    } else {
        out.text("notifications-quiet-hours-off")
    });
    if !shown.email_available {
        lines.push(out.text("notifications-no-email"));
    }
    lines
}
