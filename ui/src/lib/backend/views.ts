// View types: what the core's façade hands the UI, built from the cache and the queue. They are
// not on the portal's wire. They are generated from the Rust types in crates/core/src/views.rs
// by crates/core/tests/typescript.rs (ts-rs) into ./generated/views.ts, which `cargo test`
// checks for staleness; change the Rust types and regenerate with
//   OPENDVC_BLESS=1 cargo test -p opendvc-core --test typescript
// Only what has no Rust counterpart yet is written here by hand.

import type { ErrorCode } from './types';

export type {
  AccessLogEntryView,
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
  EventInput,
  FollowUp,
  InboxEntry,
  Language,
  NewDocument,
  NextStage,
  NotificationCategories,
  QueueItem,
  QueueKind,
  QueueProblem,
  QueueProgress,
  QueueState,
  QuietHours,
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

/** The core's answer to `check_field`: one value of a field kind (a phone number, an ID
 * number, a date, …) checked by the shared rules. Written here until the core's ts-rs export
 * generates it into ./generated/views.ts. */
export interface FieldCheck {
  valid: boolean;
  /** The value as the core would keep it (trimmed; a phone as `+84…`), when it is valid. */
  normalized?: string;
  /** What is wrong, when it is not: a Fluent message id taking the field's `label`. */
  problem?: string;
}

/** One problem `check_draft` finds in a draft. Written here until the core's ts-rs export
 * generates it into ./generated/views.ts. */
export interface FieldProblem {
  /** The field's path in the draft: `form.{fieldId}`, `delivery.address.phone`, … */
  field: string;
  /** What is wrong: a Fluent message id taking the field's `label`. */
  code: string;
}

/** Payload of the `app://navigate` event: a path of the app without `#/`, such as
 * `applications/0193…` or `documents`. Unknown paths are ignored. */
export interface NavigateEvent {
  path: string;
}

/** Payload of the `app://downloaded` event: the file the download was saved as. */
export interface DownloadedEvent {
  path?: string;
  ok: boolean;
}

/** Codes an IPC error may carry: the portal's codes, and the core's own. Each one is the id of
 * a Fluent message `ui-error-{code with dashes}`. */
export type IpcErrorCode =
  | ErrorCode
  /** The portal could not be reached; the data shown comes from the cache. */
  | 'offline'
  /** The command needs a signed-in person. */
  | 'not_signed_in'
  /** The local store failed (disk full, corrupt file). */
  | 'storage'
  /** An argument the UI sent was not acceptable (e.g. an ID number that is not 12 digits). */
  | 'invalid_input'
  /** A shared device is locked; the staff member's password unlocks it. */
  | 'locked'
  /** The staff password given is not the signed-in staff member's. */
  | 'password_wrong'
  /** The assisted session has expired; a new one needs the citizen's consent again. */
  | 'session_expired'
  /** A queue item whose answer was lost must be sent once more before it can be discarded. */
  | 'discard_needs_send'
  /** The queue is being sent right now; try again in a moment. */
  | 'queue_busy';

/** Every IPC error has this one shape. */
export interface IpcError {
  code: IpcErrorCode;
  message: string;
  /** For `validation_failed`: the refused fields. */
  fields?: string[];
}
