// No console window on Windows release builds; the app logs to stderr only in debug builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    opendvc_app_lib::run();
}
