// View types: what the core's façade hands the UI, built from the cache and the queue. They are
// not on the portal's wire; the shell serialises them from the core's Rust types with the same
// conventions as the wire types (camelCase fields, snake_case enum values, optional = absent).

import type {
  Application,
  DeliveryChoice,
  Document,
  ErrorCode,
  InboxItem,
  NewApplication,
  NewSupplement,
  Profile,
  Rating,
  WithdrawRequest,
} from './types';

/** Languages of the app, Vietnamese first. */
export type Language = 'vi' | 'en' | 'id';

/** `session_state` and `sign_in`. `language` is known before anyone signs in. */
export interface SessionState {
  signedIn: boolean;
  profile?: Profile;
  language: Language;
  /** Whether the core reached the portal on its last try. */
  online: boolean;
}

/** What kind of change a queue item carries. */
export type QueueKind = 'application' | 'attachment' | 'supplement' | 'delivery_change' | 'withdrawal' | 'rating';

export type QueueState = 'queued' | 'sending' | 'sent' | 'needs_attention' | 'paused_auth';

/** Why a queue item needs the person: the portal's stable code and its English detail. */
export interface QueueProblem {
  /** An `ErrorCode` of the portal, or a core code such as `file_missing`. */
  code: string;
  message: string;
  /** Fields the portal refused, as `FieldError.field` paths. */
  fields?: string[];
}

/** Bytes of an upload sent so far. */
export interface QueueProgress {
  sent: number;
  total: number;
}

/** One entry of the durable submission queue (outbox). */
export interface QueueItem {
  /** UUIDv7; also the `Idempotency-Key`. */
  id: string;
  kind: QueueKind;
  state: QueueState;
  createdAt: string;
  attempts: number;
  nextAttemptAt?: string;
  problem?: QueueProblem;
  progress?: QueueProgress;
  /** Short human summary made by the core, e.g. the procedure's name. */
  summary: string;
  /** The application the item belongs to, once known. */
  applicationId?: string;
}

/** An application with what the core derives from the holiday calendar and the queue. */
export interface ApplicationView {
  application: Application;
  /** Due date passed and the application not finished. */
  overdue: boolean;
  /** Working days left until `dueAt`, negative when overdue; absent once finished. */
  workingDaysLeft?: number;
  /** Local follow-ups not yet acknowledged by the portal (shown as "waiting to send"). */
  waitingToSend: QueueItem[];
}

/** `applications`: newest first. */
export interface ApplicationsView {
  items: ApplicationView[];
  /** When the cache last heard from the portal. */
  syncedAt?: string;
}

export type Standing = 'valid' | 'renew_soon' | 'expired' | 'no_expiry' | 'unknown';

/** A document's validity as the renewal rules compute it. */
export interface DocumentValidity {
  documentId: string;
  kind: string;
  expiresOn?: string;
  daysLeft?: number;
  standing: Standing;
  /** The next reminder stage, e.g. `6_months`, with the day it fires. */
  nextStage?: { stage: string; on: string };
  /** The catalog procedure that renews this kind, if any. */
  renewalProcedure?: string;
}

/** `reminders`: the person's choice for one document's reminders. */
export type ReminderMode = 'on' | 'snoozed' | 'off';

export interface ReminderSetting {
  documentId: string;
  mode: ReminderMode;
  /** Until when a snoozed reminder stays quiet (`YYYY-MM-DD`). */
  snoozedUntil?: string;
}

/** `documents`: the wallet with each document's validity and reminder choice. */
export interface WalletEntry {
  document: Document;
  validity: DocumentValidity;
  reminder: ReminderSetting;
}

export interface DashboardCounts {
  applications: number;
  inProgress: number;
  unreadInbox: number;
  waitingToSend: number;
  needsAttention: number;
}

/** `dashboard`: what needs the person now, from the cache. */
export interface Dashboard {
  online: boolean;
  profile: Profile;
  needsAction: ApplicationView[];
  waitingToSend: QueueItem[];
  nextRenewals: DocumentValidity[];
  counts: DashboardCounts;
  syncedAt?: string;
}

/** `inbox`: newest first. */
export interface InboxEntry {
  item: InboxItem;
  read: boolean;
}

export interface Settings {
  language: Language;
  categories: { status: boolean; delivery: boolean; renewal: boolean; notice: boolean };
  /** No OS notifications between `from` and `to` (`HH:MM`, local time; may wrap midnight). */
  quietHours?: { from: string; to: string };
}

/** An application being prepared; `start_renewal` returns one pre-filled. */
export interface Draft extends NewApplication {
  /** The wallet document this draft renews, if it came from `start_renewal`. */
  renewsDocumentId?: string;
}

/** A file the person picked, copied by the core into its content-addressed store. */
export interface StagedAttachment {
  /** `sha256:{hex}`, the same id the portal will give it. */
  attachmentId: string;
  fileName: string;
  contentType: string;
  size: number;
}

/** Answer of `submit` and `follow_up`: the change is in the durable queue either way. */
export interface SubmitResult {
  itemId: string;
  /** True when the portal acknowledged it before the command returned. */
  sent: boolean;
  application?: Application;
}

/** A follow-up on an application, sent through the queue. */
export type FollowUp =
  | { kind: 'supplement'; supplement: NewSupplement }
  | { kind: 'delivery_change'; delivery: DeliveryChoice }
  | { kind: 'withdrawal'; withdraw: WithdrawRequest }
  | { kind: 'rating'; rating: Rating };

/** A document the person adds to the wallet by hand. */
export interface NewDocument {
  kind: string;
  number: string;
  issuedOn: string;
  expiresOn?: string;
  issuer: string;
  classes?: string[];
}

/** `export_calendar`: an iCalendar file of the renewal reminders. */
export interface CalendarExport {
  fileName: string;
  ics: string;
}

/** What changed in the core; the UI reloads the screens that show it. */
export type ChangeTopic = 'queue' | 'applications' | 'documents' | 'inbox' | 'connectivity' | 'session';

/** Payload of the `core://changed` event. */
export interface ChangedEvent {
  what: ChangeTopic;
}

/** Payload of the `app://navigate` event: a path of the app without `#/`, such as
 * `applications/0193…` or `documents`. Unknown paths are ignored. */
export interface NavigateEvent {
  path: string;
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
  | 'invalid_input';

/** Every IPC error has this one shape. */
export interface IpcError {
  code: IpcErrorCode;
  message: string;
  /** For `validation_failed`: the refused fields. */
  fields?: string[];
}
