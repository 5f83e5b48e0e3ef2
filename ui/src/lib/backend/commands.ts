// The IPC contract between the UI and the app shell: every command with its argument object
// and its result, the command names, and the names of the shell's events. All of it is
// generated from the shell's one command list (src-tauri/src/command_table.rs) into
// ./generated/commands.ts, which `cargo test -p opendvc-app` checks for staleness; change the
// list, then regenerate with
//   OPENDVC_BLESS=1 cargo test -p opendvc-app typescript
//
// Events: `core://changed` with a `ChangedEvent` payload whenever the core's cache, queue,
// session or connectivity changes (CHANGED_EVENT), `app://navigate` to open a screen
// (NAVIGATE_EVENT, payload `NavigateEvent`), `app://downloaded` when a download finished
// (DOWNLOADED_EVENT, payload `DownloadedEvent`).

export * from './generated/commands';
