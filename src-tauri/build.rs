// The app's own commands are declared here so that the capability file must list each one:
// the webview may call exactly these and nothing else.
const COMMANDS: &[&str] = &[
    "session_state",
    "request_otp",
    "sign_in",
    "sign_out",
    "dashboard",
    "applications",
    "application",
    "documents",
    "catalog",
    "search_catalog",
    "procedure",
    "check_field",
    "check_draft",
    "stage_attachment",
    "access_log",
    "submit",
    "follow_up",
    "queue",
    "queue_retry",
    "queue_discard",
    "sync_now",
    "inbox",
    "mark_read",
    "admin_units",
    "settings",
    "save_settings",
    "set_reminder",
    "start_renewal",
    "add_document",
    "export_calendar",
    "clear_device",
    "report_dashboard_rendered",
    "staff_sign_in",
    "staff_sign_out",
    "request_consent_code",
    "open_assisted_session",
    "end_assisted_session",
    "lock_device",
    "unlock_device",
    "tally",
    "tally_csv",
    "receipt",
    "print_page",
];

fn main() {
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri build step failed: {error:#}");
    }
}
