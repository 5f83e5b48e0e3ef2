// Wire types of contract v1, mirroring crates/api/src/*.rs exactly (serde: camelCase fields,
// snake_case enum values). A field the Rust side skips when empty (`skip_serializing_if`) is
// optional here; a `#[serde(default)]` list that is always written is required. Times are
// RFC 3339 strings with an offset, dates are `YYYY-MM-DD` strings, UUIDs are strings, and
// amounts of money are whole đồng (VND) as numbers.
//
// This file will be generated from the Rust types (ts-rs); until then it is kept by hand and
// must change together with crates/api. The view types the core adds for the UI are in
// ./views.ts, the IPC commands in ./commands.ts.

/** Text in the three languages; Indonesian falls back to English. */
export interface LocalizedText {
  vi: string;
  en: string;
  id?: string;
}

// ---- problem.rs ----

export type ErrorCode =
  | 'malformed_request'
  | 'validation_failed'
  | 'unauthorized'
  | 'token_expired'
  | 'refresh_token_invalid'
  | 'otp_invalid'
  | 'forbidden'
  | 'consent_required'
  | 'not_found'
  | 'invalid_state'
  | 'idempotency_key_missing'
  | 'idempotency_key_reused'
  | 'idempotency_in_flight'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'internal'
  | 'unknown';

export interface FieldError {
  field: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail?: string;
  errors?: FieldError[];
}

// ---- auth.rs ----

export interface OtpRequest {
  idNumber: string;
}

export interface OtpAccepted {
  expiresIn: number;
  channel: string;
}

export interface TokenRequest {
  idNumber: string;
  otp: string;
}

export type StaffKind = 'agent' | 'volunteer' | 'officer';

export interface StaffProfile {
  code: string;
  name: string;
  kind: StaffKind;
  organisation: string;
}

// ---- documents.rs ----

export interface Address {
  provinceCode: string;
  unitCode: string;
  street: string;
}

export interface Profile {
  idNumber: string;
  fullName: string;
  birthDate: string;
  /** `male`, `female` or `other`. */
  gender: string;
  phone: string;
  email?: string;
  address: Address;
  language: string;
  updatedAt: string;
}

export type DocumentSource = 'warehouse' | 'citizen';

export interface Document {
  id: string;
  /** Open set: `id_card`, `passport`, `driving_licence`, `temporary_residence`, … */
  kind: string;
  number: string;
  issuedOn: string;
  expiresOn?: string;
  issuer: string;
  classes?: string[];
  source: DocumentSource;
  updatedAt: string;
}

export interface DocumentList {
  items: Document[];
}

// ---- catalog.rs ----

export type OnlineLevel = 'full' | 'partial';

export interface Fee {
  label: LocalizedText;
  amount: number;
  onlineAmount?: number;
}

export interface ProcessingDays {
  inPerson: number;
  online: number;
}

export interface RequiredDocument {
  id: string;
  name: LocalizedText;
  required: boolean;
  walletKind?: string;
}

export type FieldKind = 'text' | 'textarea' | 'date' | 'number' | 'id_number' | 'phone' | 'select';

export interface FieldOption {
  value: string;
  label: LocalizedText;
}

export interface FormField {
  id: string;
  label: LocalizedText;
  kind: FieldKind;
  required: boolean;
  options?: FieldOption[];
  /** `profile.fullName`, `profile.birthDate`, `profile.idNumber`, `profile.phone`,
   * `profile.address`, or `document.{kind}.number`. */
  prefill?: string;
  maxLength?: number;
}

export interface DeliveryOptions {
  counter: boolean;
  post: boolean;
  postFee: number;
  postSubsidy: number;
}

export interface Procedure {
  id: string;
  code: string;
  name: LocalizedText;
  agency: LocalizedText;
  sector: string;
  onlineLevel: OnlineLevel;
  fees: Fee[];
  processingDays: ProcessingDays;
  requiredDocuments: RequiredDocument[];
  formFields: FormField[];
  delivery: DeliveryOptions;
  keywords?: string[];
}

export interface Catalog {
  version: string;
  items: Procedure[];
}

// ---- reference.rs ----

export interface Province {
  code: string;
  name: string;
}

export type UnitKind = 'ward' | 'commune' | 'special_zone';

export interface AdminUnit {
  code: string;
  name: string;
  kind: UnitKind;
  provinceCode: string;
  formerNames: string[];
}

export interface AdminUnits {
  version: string;
  provinces: Province[];
  units: AdminUnit[];
}

// ---- application.rs ----

export type ApplicationStatus =
  | 'received'
  | 'processing'
  | 'supplement_requested'
  | 'completed'
  | 'handed_over'
  | 'rejected'
  | 'withdrawn'
  | 'unknown';

export type DeliveryMethod = 'counter' | 'post';

/** `Address` is flattened into it on the wire. */
export interface DeliveryAddress extends Address {
  recipientName: string;
  phone: string;
}

export interface DeliveryChoice {
  method: DeliveryMethod;
  address?: DeliveryAddress;
}

export type DeliveryState = 'preparing' | 'dispatched' | 'delivered' | 'returned_to_sender' | 'unknown';

export interface Delivery {
  method: DeliveryMethod;
  address?: DeliveryAddress;
  fee: number;
  subsidy: number;
  payable: number;
  state?: DeliveryState;
  trackingNumber?: string;
}

export type AttachmentRef =
  | { source: 'upload'; attachmentId: string; requirementId?: string }
  | { source: 'wallet'; documentId: string; requirementId?: string };

export interface NewApplication {
  procedureId: string;
  form: Record<string, string>;
  attachments: AttachmentRef[];
  delivery: DeliveryChoice;
}

export type ActorKind = 'citizen' | 'staff' | 'officer' | 'system';

export interface Actor {
  kind: ActorKind;
  name: string;
  code?: string;
  venue?: string;
}

export interface TimelineEntry {
  seq: number;
  status: ApplicationStatus;
  at: string;
  actor: Actor;
  note?: string;
}

export interface Supplement {
  id: string;
  at: string;
  note?: string;
  form: Record<string, string>;
  attachments: AttachmentRef[];
}

export interface NewSupplement {
  note?: string;
  form: Record<string, string>;
  attachments: AttachmentRef[];
}

export interface WithdrawRequest {
  reason?: string;
}

export interface Rating {
  /** 1 to 5. */
  stars: number;
  comment?: string;
}

export type Channel = 'online' | 'assisted';

export interface SubmittedBy {
  staffCode: string;
  staffKind: StaffKind;
  venue: string;
}

export interface Application {
  id: string;
  code: string;
  procedureId: string;
  procedureName: LocalizedText;
  status: ApplicationStatus;
  channel: Channel;
  submittedBy?: SubmittedBy;
  submittedAt: string;
  dueAt: string;
  processingDays: number;
  form: Record<string, string>;
  attachments: AttachmentRef[];
  delivery: Delivery;
  fee: number;
  timeline: TimelineEntry[];
  supplements: Supplement[];
  rating?: Rating;
  updatedAt: string;
}

export interface ApplicationList {
  items: Application[];
}

export interface Attachment {
  id: string;
  size: number;
  contentType: string;
  fileName?: string;
  uploadedAt: string;
}

// ---- sync.rs ----

export type InboxCategory = 'status' | 'delivery' | 'renewal' | 'notice' | 'unknown';

export interface InboxItem {
  id: string;
  at: string;
  category: InboxCategory;
  title: LocalizedText;
  body: LocalizedText;
  applicationId?: string;
  documentId?: string;
}
