// View types: what the core's façade hands the UI, built from the cache and the queue. They are
// not on the portal's wire. They are generated from the Rust types in crates/core/src/views.rs
// by crates/core/tests/typescript.rs (ts-rs) into ./generated/views.ts, which `cargo test`
// checks for staleness; change the Rust types and regenerate with
//   OPENDVC_BLESS=1 cargo test -p opendvc-core --test typescript
// Nothing here is written by hand.

export type {
  AccessLogEntryView,
  CoreCode,
  AccessLogView,
  AssistedSessionView,
  ApplicationView,
  ApplicationsView,
  CalendarExport,
  CsvExport,
  ChangedEvent,
  ChangeTopic,
  Dashboard,
  DashboardCounts,
  DiscardResult,
  DocumentValidity,
  Draft,
  Prefill,
  EventInput,
  FeeQuoteView,
  FeedbackActionInput,
  FeedbackInput,
  FeedbackScreenView,
  FeedbackView,
  FieldCheck,
  FieldProblem,
  FollowUp,
  InboxEntry,
  Language,
  NewDocument,
  NextStage,
  NotificationCategories,
  NotificationSettingsView,
  PaymentReceiptEntry,
  PaymentStage,
  PaymentStepView,
  QueueItem,
  QueueKind,
  QueueProblem,
  QueueProgress,
  QueueState,
  QueuedFeedbackView,
  DeviceQuietHours,
  Receipt,
  ReceiptLine,
  ReminderMode,
  ReminderSetting,
  ServiceCount,
  SessionEnded,
  SessionState,
  Settings,
  StaffSignIn,
  StaffStatus,
  StagedAttachment,
  Standing,
  SubmitResult,
  Tally,
  TallyEntry,
  TokenStorage,
  Venue,
  WalletEntry,
} from './generated/views';

// The shell's own types: the error every command rejects with, and the events' payloads.
// Generated from src-tauri/src by src-tauri/src/typescript.rs into ./generated/shell.ts.
export type { DownloadedEvent, IpcError, IpcErrorCode, NavigateEvent } from './generated/shell';
export { IPC_ERROR_CODES } from './generated/shell';
