//! System notifications for the core's [`Notifier`](opendvc_core::notify::Notifier): the
//! title and body come localised from the core; a click brings the main window up and opens
//! the screen the notification is about.
//!
//! On a desktop ([`DesktopNotifier`], notify-rust): showing one talks to the desktop's
//! notification service (D-Bus on Linux) and waiting for the click blocks until the
//! notification is closed, so both run on a thread of their own and never stall the async
//! runtime. Without a notification service (no D-Bus session, no daemon) nothing fails: the
//! core has stored the inbox item already, so the person still sees it in the app. The shell
//! says so once on stderr.
//!
//! On a phone (`PhoneNotifier`, `tauri-plugin-notification`): the system shows it, after
//! asking the person once for permission; a tap opens the screen (`on_phone_tap`). Refused or
//! failed, the item is in the inbox all the same.

use std::sync::atomic::{AtomicBool, Ordering};

use opendvc_core::notify::Notification;
use tauri::{AppHandle, Emitter, Url};

use crate::window::{NAVIGATE_EVENT, Navigate, focus_main, navigation_path};

/// The notifier of the platform the app is built for.
#[cfg(desktop)]
pub type SystemNotifier = DesktopNotifier;
/// The notifier of the platform the app is built for.
#[cfg(mobile)]
pub type SystemNotifier = PhoneNotifier;

/// Says once on stderr that notifications do not reach the system, so a device without them
/// logs one line, not one per message.
fn report_unavailable(reported: &AtomicBool, error: &dyn std::fmt::Display) {
    if !reported.swap(true, Ordering::SeqCst) {
        eprintln!(
            "opendvc-app: system notifications are not available ({error}); new messages are in the app's inbox"
        );
    }
}

/// The screen of the app a notification's target opens (`opendvc://applications/{id}` →
/// `applications/{id}`, `opendvc://feedback/{id}` → `feedback/{id}`,
/// `opendvc://documents/{id}` → `documents`, `opendvc://inbox` → `inbox`); `None` for
/// anything else.
pub fn screen_for(notification: &Notification) -> Option<String> {
    let target = Url::parse(&notification.target).ok()?;
    if target.scheme() != "opendvc" {
        return None;
    }
    match target.host_str()? {
        "applications" | "feedback" => navigation_path(&target),
        "documents" => Some("documents".to_owned()),
        "inbox" => Some("inbox".to_owned()),
        _ => None,
    }
}

fn open(app: &AppHandle, screen: Option<String>) {
    focus_main(app);
    if let Some(path) = screen {
        // The window may be gone while the app quits; then nobody needs it.
        let _sent = app.emit(NAVIGATE_EVENT, Navigate { path });
    }
}

#[cfg(desktop)]
pub use desktop::DesktopNotifier;

#[cfg(desktop)]
mod desktop {
    use std::sync::Arc;
    use std::sync::atomic::AtomicBool;

    use opendvc_core::notify::{Notification, Notifier};
    use tauri::{AppHandle, Manager};

    use super::{open, report_unavailable, screen_for};
    use crate::state::AppState;

    /// The action id notification services report for a click on the notification itself.
    const CLICK_ACTION: &str = "default";

    /// Shows the core's notifications on the desktop.
    #[derive(Debug)]
    pub struct DesktopNotifier {
        app: AppHandle,
        /// Set once a failure was logged, so a desktop without notifications logs one line, not
        /// one per message.
        reported_unavailable: Arc<AtomicBool>,
    }

    impl DesktopNotifier {
        pub fn new(app: AppHandle) -> DesktopNotifier {
            DesktopNotifier {
                app,
                reported_unavailable: Arc::new(AtomicBool::new(false)),
            }
        }
    }

    impl Notifier for DesktopNotifier {
        fn show(&self, notification: &Notification) {
            // Some services show the click action as a button; it speaks the app's language.
            let open_label = self
                .app
                .try_state::<AppState>()
                .map(|state| state.localizer().text("notify-action-open"))
                .unwrap_or_default();
            let mut desktop = notify_rust::Notification::new();
            desktop
                .appname("OpenDVC")
                .summary(&notification.title)
                .body(&notification.body)
                .action(CLICK_ACTION, &open_label);
            let screen = screen_for(notification);
            let app = self.app.clone();
            let reported = Arc::clone(&self.reported_unavailable);
            let shown = std::thread::Builder::new()
                .name("notification".to_owned())
                .spawn(move || {
                    let handle = match desktop.show() {
                        Ok(handle) => handle,
                        Err(error) => {
                            report_unavailable(&reported, &error);
                            return;
                        }
                    };
                    wait_for_click(handle, &app, screen);
                });
            if let Err(error) = shown {
                eprintln!("opendvc-app: desktop notification not shown: {error}");
            }
        }
    }

    /// Waits on this thread until the notification is clicked or closed; a click focuses the
    /// main window and opens `screen` (Linux, the BSDs and Windows).
    #[cfg(not(target_os = "macos"))]
    fn wait_for_click(
        handle: notify_rust::NotificationHandle,
        app: &AppHandle,
        screen: Option<String>,
    ) {
        handle.wait_for_action(|action| {
            if action == CLICK_ACTION {
                open(app, screen);
            }
        });
    }

    /// macOS hands clicks to the app itself; the notification only informs.
    #[cfg(target_os = "macos")]
    fn wait_for_click(
        _handle: notify_rust::NotificationHandle,
        _app: &AppHandle,
        _screen: Option<String>,
    ) {
    }
}

#[cfg(mobile)]
pub use phone::{PhoneNotifier, on_phone_tap};

#[cfg(mobile)]
mod phone {
    use std::sync::Arc;
    use std::sync::atomic::AtomicBool;

    use opendvc_core::notify::{Notification, Notifier};
    use tauri::AppHandle;
    use tauri::plugin::PermissionState;
    use tauri_plugin_notification::NotificationExt;

    use super::{open, report_unavailable, screen_for};

    /// The key under which a phone notification carries the screen a tap opens.
    const SCREEN_KEY: &str = "opendvcScreen";

    /// What the phone's notification plugin reports for a tap on the notification itself.
    const TAP_ACTION: &str = "tap";

    /// Shows the core's notifications through the phone's system.
    #[derive(Debug)]
    pub struct PhoneNotifier {
        app: AppHandle,
        reported_unavailable: Arc<AtomicBool>,
    }

    impl PhoneNotifier {
        pub fn new(app: AppHandle) -> PhoneNotifier {
            PhoneNotifier {
                app,
                reported_unavailable: Arc::new(AtomicBool::new(false)),
            }
        }
    }

    impl Notifier for PhoneNotifier {
        fn show(&self, notification: &Notification) {
            let app = self.app.clone();
            let reported = Arc::clone(&self.reported_unavailable);
            let title = notification.title.clone();
            let body = notification.body.clone();
            let screen = screen_for(notification);
            // Asking for the permission waits for the person; never on the async runtime.
            let shown = std::thread::Builder::new()
                .name("notification".to_owned())
                .spawn(move || {
                    let notifications = app.notification();
                    let allowed = match notifications.permission_state() {
                        Ok(PermissionState::Granted) => true,
                        Ok(PermissionState::Denied) => false,
                        Ok(_) => matches!(
                            notifications.request_permission(),
                            Ok(PermissionState::Granted)
                        ),
                        Err(error) => {
                            report_unavailable(&reported, &error);
                            return;
                        }
                    };
                    if !allowed {
                        return;
                    }
                    let mut builder = notifications.builder().title(title).body(body);
                    if let Some(screen) = screen {
                        builder = builder.extra(SCREEN_KEY, screen);
                    }
                    if let Err(error) = builder.show() {
                        report_unavailable(&reported, &error);
                    }
                });
            if let Err(error) = shown {
                eprintln!("opendvc-app: notification not shown: {error}");
            }
        }
    }

    /// A tap on one of the app's notifications opens the screen it is about.
    pub fn on_phone_tap(app: &AppHandle) {
        let handle = app.clone();
        let listening = app.notification().on_action(move |performed| {
            if performed.action_id() != TAP_ACTION {
                return;
            }
            let screen = performed
                .notification()
                .and_then(|notification| notification.extra().get(SCREEN_KEY))
                .and_then(|screen| screen.as_str())
                .map(str::to_owned);
            open(&handle, screen);
        });
        if let Err(error) = listening {
            eprintln!("opendvc-app: taps on notifications open nothing: {error}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use opendvc_api::InboxCategory;

    fn to(target: &str) -> Notification {
        Notification {
            category: InboxCategory::Status,
            title: "Hồ sơ của bạn đã được cập nhật".to_owned(),
            body: "Cấp đổi thẻ căn cước: đang xử lý".to_owned(),
            target: target.to_owned(),
            inbox_item_id: None,
        }
    }

    #[test]
    fn a_click_on_an_application_notification_opens_the_application() {
        assert_eq!(
            screen_for(&to(
                "opendvc://applications/0193a2b4-7c1d-7000-8000-00000000abcd"
            )),
            Some("applications/0193a2b4-7c1d-7000-8000-00000000abcd".to_owned())
        );
    }

    #[test]
    fn a_click_on_a_feedback_answer_opens_the_feedback_item() {
        assert_eq!(
            screen_for(&to(
                "opendvc://feedback/0193a2b4-7c1d-7000-8000-00000000abcd"
            )),
            Some("feedback/0193a2b4-7c1d-7000-8000-00000000abcd".to_owned())
        );
    }

    #[test]
    fn documents_and_inbox_notifications_open_their_screens() {
        assert_eq!(
            screen_for(&to(
                "opendvc://documents/0193a2b4-7c1d-7000-8000-00000000abcd"
            )),
            Some("documents".to_owned())
        );
        assert_eq!(screen_for(&to("opendvc://inbox")), Some("inbox".to_owned()));
    }

    #[test]
    fn a_foreign_or_malformed_target_opens_nothing() {
        assert_eq!(screen_for(&to("https://applications/x")), None);
        assert_eq!(screen_for(&to("opendvc://settings")), None);
        assert_eq!(screen_for(&to("not a url")), None);
        assert_eq!(screen_for(&to("opendvc://applications/<script>")), None);
    }
}
