// The IPC contract between the UI and the app shell, in one place: every command the shell
// must implement, with its argument object (as passed to `invoke`, camelCase keys) and its
// result. Commands that take no arguments list `args: undefined`. Every command rejects with
// an `IpcError` (`{code, message}`); see ./views.ts.
//
// Events: the shell emits `core://changed` with a `ChangedEvent` payload whenever the core's
// cache, queue, session or connectivity changes (see CHANGED_EVENT below), and
// `app://navigate` to open a screen (NAVIGATE_EVENT).

import type { AdminUnits, Catalog, Consent, FieldKind, OtpAccepted, Procedure } from './types';
import type {
  AccessLogView,
  ApplicationView,
  ApplicationsView,
  CalendarExport,
  Dashboard,
  DiscardResult,
  Draft,
  FieldCheck,
  FieldProblem,
  FollowUp,
  InboxEntry,
  Language,
  NewDocument,
  QueueItem,
  Receipt,
  SessionEnded,
  StaffSignIn,
  Tally,
  CsvExport,
  ReminderMode,
  ReminderSetting,
  SessionState,
  Settings,
  StagedAttachment,
  SubmitResult,
  WalletEntry,
} from './views';

export interface Commands {
  /** Who is signed in, the language, and whether the portal answered lately. Never fails. */
  session_state: { args: undefined; result: SessionState };
  /** Asks the portal to text a one-time code to the registered phone. */
  request_otp: { args: { idNumber: string }; result: OtpAccepted };
  /** Exchanges the code for tokens, stores them, and starts the first sync. */
  sign_in: { args: { idNumber: string; otp: string }; result: SessionState };
  /** Ends the session on the portal (when online) and forgets the tokens. */
  sign_out: { args: undefined; result: SessionState };
  /** What needs the person now, from the cache. */
  dashboard: { args: undefined; result: Dashboard };
  /** The person's applications from the cache, newest first. */
  applications: { args: undefined; result: ApplicationsView };
  /** One application from the cache; `not_found` when unknown. */
  application: { args: { id: string }; result: ApplicationView };
  /** The wallet with validity and reminder choices. */
  documents: { args: undefined; result: WalletEntry[] };
  /** The cached catalog of procedures. */
  catalog: { args: undefined; result: Catalog };
  /** One procedure of the catalog; `not_found` when unknown. */
  procedure: { args: { id: string }; result: Procedure };
  /** Searches the catalog in any language, with or without diacritics, best match first. */
  search_catalog: { args: { query: string }; result: Procedure[] };
  /** Provinces and commune-level units, with the former names of each unit. */
  admin_units: { args: undefined; result: AdminUnits };
  /** Copies a picked file into the core's content-addressed store, so a queued submission
   * can upload it later. `base64` is the file's content. */
  stage_attachment: {
    args: { fileName: string; contentType: string; base64: string };
    result: StagedAttachment;
  };
  /** The shared rules' verdict on one value of a field kind, asked as the person types. The UI
   * holds no copy of a rule: it shows the message the core names. */
  check_field: { args: { kind: FieldKind; value: string }; result: FieldCheck };
  /** Every problem the shared rules find in a draft, against its procedure's form. */
  check_draft: { args: { draft: Draft }; result: FieldProblem[] };
  /** Puts a new application into the durable queue, then tries to send it at once. */
  submit: { args: { draft: Draft }; result: SubmitResult };
  /** Puts a follow-up on an application into the queue, then tries to send it at once. */
  follow_up: { args: { applicationId: string; action: FollowUp }; result: SubmitResult };
  /** Every queue item not yet purged, oldest first. */
  queue: { args: undefined; result: QueueItem[] };
  /** Sends an item again now (after the person fixed what it needed). */
  queue_retry: { args: { id: string }; result: QueueItem };
  /** Removes an item the person chose to give up; the UI asks for confirmation first. */
  queue_discard: { args: { id: string }; result: DiscardResult };
  /** Pulls changes from the portal and drains the queue. */
  sync_now: { args: undefined; result: undefined };
  /** The inbox, newest first. */
  inbox: { args: undefined; result: InboxEntry[] };
  mark_read: { args: { id: string }; result: undefined };
  settings: { args: undefined; result: Settings };
  save_settings: { args: { settings: Settings }; result: Settings };
  /** Switches a document's reminders on or off, or snoozes them for `days` days. */
  set_reminder: {
    args: { documentId: string; mode: ReminderMode; days?: number };
    result: ReminderSetting;
  };
  /** A pre-filled draft for renewing a wallet document. */
  start_renewal: { args: { documentId: string }; result: Draft };
  /** Adds a document to the wallet by hand. */
  add_document: { args: { document: NewDocument }; result: WalletEntry };
  /** An iCalendar file with the renewal reminders. */
  export_calendar: { args: undefined; result: CalendarExport };
  /** Signs out and deletes every personal datum from this device (cache, queue, files). */
  clear_device: { args: undefined; result: SessionState };

  // Shared devices: DVC agents at a post office, volunteers at an outreach event.
  /** Signs a staff member in and remembers the venue (post office or event). */
  staff_sign_in: { args: { signIn: StaffSignIn }; result: SessionState };
  /** Signs the staff member out; an open assisted session ends first. */
  staff_sign_out: { args: undefined; result: SessionState };
  /** Texts a consent code to the citizen's registered phone. */
  request_consent_code: { args: { idNumber: string }; result: OtpAccepted };
  /** Opens an assisted session for one citizen with their consent (code or paper form). */
  open_assisted_session: { args: { idNumber: string; consent: Consent }; result: SessionState };
  /** Ends the session: every datum of the citizen leaves the device, and the UI reloads on
   * `#/ended`. Unsent work stays sealed until the portal acknowledges it. */
  end_assisted_session: { args: undefined; result: SessionEnded };
  /** Locks the device after a period without use. */
  lock_device: { args: undefined; result: SessionState };
  /** Unlocks it with the signed-in staff member's password (checked on the device). */
  unlock_device: { args: { password: string }; result: SessionState };
  /** The day's (or the event's) tally: codes and initials only. `day` is `YYYY-MM-DD`. */
  tally: { args: { day?: string }; result: Tally };
  /** The tally as CSV: counts only. */
  tally_csv: { args: { day?: string }; result: CsvExport };
  /** The receipt of a sent application, in `lang` (default: the citizen's language). */
  receipt: { args: { id: string; lang?: Language }; result: Receipt };
  /** Opens the system print dialog for the page on screen (which can also save a PDF). */
  print_page: { args: undefined; result: undefined };
  /** Who used my data: one page of the portal's access log, newest first; `cursor` asks for
   * the next (older) page. The citizen's own sign-in only; nothing of it is kept. */
  access_log: { args: { cursor?: string }; result: AccessLogView };
}

export type CommandName = keyof Commands;
export type ArgsOf<K extends CommandName> = Commands[K]['args'];
export type ResultOf<K extends CommandName> = Commands[K]['result'];

/** The event the shell emits when the core changed; payload `ChangedEvent`. */
export const CHANGED_EVENT = 'core://changed';

/** The event the shell emits to open a screen (a deep link `opendvc://applications/{id}`, a
 * click on a notification); payload `NavigateEvent`, e.g. `{ path: 'applications/{id}' }`. */
export const NAVIGATE_EVENT = 'app://navigate';

/** The event the shell emits when a download (a CSV, a calendar file) has finished; payload
 * `DownloadedEvent`: where the file went. */
export const DOWNLOADED_EVENT = 'app://downloaded';

/** Name of the performance mark set when the home screen first shows the dashboard; the
 * benchmark reads it to measure start-up to the dashboard rendered from the cache. */
export const DASHBOARD_RENDERED_MARK = 'opendvc:dashboard-rendered';

/** Every command name, for the shell's capability list and for tests. */
export const COMMAND_NAMES: readonly CommandName[] = [
  'session_state',
  'request_otp',
  'sign_in',
  'sign_out',
  'dashboard',
  'applications',
  'application',
  'documents',
  'catalog',
  'procedure',
  'search_catalog',
  'admin_units',
  'stage_attachment',
  'access_log',
  'submit',
  'follow_up',
  'queue',
  'queue_retry',
  'queue_discard',
  'sync_now',
  'inbox',
  'mark_read',
  'settings',
  'save_settings',
  'set_reminder',
  'start_renewal',
  'add_document',
  'export_calendar',
  'clear_device',
  'staff_sign_in',
  'staff_sign_out',
  'request_consent_code',
  'open_assisted_session',
  'end_assisted_session',
  'lock_device',
  'unlock_device',
  'tally',
  'tally_csv',
  'receipt',
  'print_page',
];
