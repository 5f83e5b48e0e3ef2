// Message ids for the closed sets the UI shows (statuses, states, codes). They are written out
// in full, never built from pieces, so scripts/check-locales.mjs finds every id the UI uses.

import { t } from './i18n.svelte';
import type {
  AccessAction,
  AccessResource,
  ApplicationStatus,
  DeliveryState,
  FeedbackEventKind,
  FeedbackStatus,
  InboxCategory,
} from './backend/types';
import type { IpcError, QueueKind, QueueState, Standing } from './backend/views';

const STATUS: Record<ApplicationStatus, string> = {
  awaiting_payment: 'ui-status-awaiting-payment',
  received: 'ui-status-received',
  processing: 'ui-status-processing',
  supplement_requested: 'ui-status-supplement-requested',
  completed: 'ui-status-completed',
  handed_over: 'ui-status-handed-over',
  rejected: 'ui-status-rejected',
  withdrawn: 'ui-status-withdrawn',
  unknown: 'ui-status-unknown',
};

export function statusLabel(status: ApplicationStatus): string {
  return t(STATUS[status] ?? STATUS.unknown);
}

const FEEDBACK_STATUS: Record<FeedbackStatus, string> = {
  received: 'ui-feedback-status-received',
  assigned: 'ui-feedback-status-assigned',
  answered: 'ui-feedback-status-answered',
  closed: 'ui-feedback-status-closed',
  reopened: 'ui-feedback-status-reopened',
  unknown: 'ui-feedback-status-unknown',
};

export function feedbackStatusLabel(status: FeedbackStatus): string {
  return t(FEEDBACK_STATUS[status] ?? FEEDBACK_STATUS.unknown);
}

const FEEDBACK_EVENT: Record<FeedbackEventKind, string> = {
  received: 'ui-feedback-event-received',
  assigned: 'ui-feedback-event-assigned',
  handed_off: 'ui-feedback-event-handed-off',
  answered: 'ui-feedback-event-answered',
  closed: 'ui-feedback-event-closed',
  reopened: 'ui-feedback-event-reopened',
  rated: 'ui-feedback-event-rated',
  unknown: 'ui-feedback-event-unknown',
};

export function feedbackEventLabel(kind: FeedbackEventKind): string {
  return t(FEEDBACK_EVENT[kind] ?? FEEDBACK_EVENT.unknown);
}

const DELIVERY_STATE: Record<DeliveryState, string> = {
  preparing: 'ui-delivery-state-preparing',
  dispatched: 'ui-delivery-state-dispatched',
  delivered: 'ui-delivery-state-delivered',
  returned_to_sender: 'ui-delivery-state-returned',
  unknown: 'ui-delivery-state-unknown',
};

export function deliveryStateLabel(state: DeliveryState): string {
  return t(DELIVERY_STATE[state] ?? DELIVERY_STATE.unknown);
}

const QUEUE_STATE: Record<QueueState, string> = {
  queued: 'ui-queue-state-queued',
  sending: 'ui-queue-state-sending',
  sent: 'ui-queue-state-sent',
  needs_attention: 'ui-queue-state-needs-attention',
  paused_auth: 'ui-queue-state-paused-auth',
};

export function queueStateLabel(state: QueueState): string {
  return t(QUEUE_STATE[state] ?? QUEUE_STATE.queued);
}

const QUEUE_KIND: Record<QueueKind, string> = {
  application: 'ui-queue-kind-application',
  attachment: 'ui-queue-kind-attachment',
  supplement: 'ui-queue-kind-supplement',
  delivery_change: 'ui-queue-kind-delivery-change',
  withdrawal: 'ui-queue-kind-withdrawal',
  rating: 'ui-queue-kind-rating',
  feedback: 'ui-queue-kind-feedback',
  feedback_rating: 'ui-queue-kind-feedback-rating',
  feedback_reopen: 'ui-queue-kind-feedback-reopen',
  document: 'ui-queue-kind-document',
};

export function queueKindLabel(kind: QueueKind): string {
  return t(QUEUE_KIND[kind] ?? QUEUE_KIND.application);
}

const STANDING: Record<Standing, string> = {
  valid: 'ui-standing-valid',
  renew_soon: 'ui-standing-renew-soon',
  expired: 'ui-standing-expired',
  no_expiry: 'ui-standing-no-expiry',
  unknown: 'ui-standing-unknown',
};

export function standingLabel(standing: Standing): string {
  return t(STANDING[standing] ?? STANDING.unknown);
}

const CATEGORY: Record<InboxCategory, string> = {
  status: 'ui-category-status',
  delivery: 'ui-category-delivery',
  renewal: 'ui-category-renewal',
  notice: 'ui-category-notice',
  feedback: 'ui-category-feedback',
  unknown: 'ui-category-notice',
};

export function categoryLabel(category: InboxCategory): string {
  return t(CATEGORY[category] ?? CATEGORY.unknown);
}

/** Document kinds the app knows a name for; the kind set is open, so others show as they are. */
const DOCUMENT_KIND: Record<string, string> = {
  id_card: 'ui-doc-kind-id-card',
  passport: 'ui-doc-kind-passport',
  driving_licence: 'ui-doc-kind-driving-licence',
  temporary_residence: 'ui-doc-kind-temporary-residence',
  health_insurance: 'ui-doc-kind-health-insurance',
  vehicle_inspection: 'ui-doc-kind-vehicle-inspection',
  vehicle_registration: 'ui-doc-kind-vehicle-registration',
  birth_certificate: 'ui-doc-kind-birth-certificate',
  marriage_certificate: 'ui-doc-kind-marriage-certificate',
  land_certificate: 'ui-doc-kind-land-certificate',
  construction_permit: 'ui-doc-kind-construction-permit',
  household_business: 'ui-doc-kind-household-business',
  health_certificate: 'ui-doc-kind-health-certificate',
  social_insurance: 'ui-doc-kind-social-insurance',
};

export const KNOWN_DOCUMENT_KINDS = Object.keys(DOCUMENT_KIND);

export function documentKindLabel(kind: string): string {
  const id = DOCUMENT_KIND[kind];
  return id ? t(id) : kind;
}

/** Fields of administration, in the order the catalog shows them. The set is open: a sector
 * the app has no name for goes under "other services". */
const SECTOR: [string, string][] = [
  ['identity', 'ui-sector-identity'],
  ['civil_status', 'ui-sector-civil-status'],
  ['residence', 'ui-sector-residence'],
  ['transport', 'ui-sector-transport'],
  ['health', 'ui-sector-health'],
  ['social', 'ui-sector-social'],
  ['education', 'ui-sector-education'],
  ['land', 'ui-sector-land'],
  ['construction', 'ui-sector-construction'],
  ['business', 'ui-sector-business'],
  ['justice', 'ui-sector-justice'],
];

/** Items grouped by sector, known sectors first in their order, then the rest together. */
export function bySector<T extends { sector: string }>(items: T[]): { label: string; items: T[] }[] {
  const groups = SECTOR.map(([sector, id]) => ({ label: t(id), items: items.filter((item) => item.sector === sector) }));
  const known = new Set(SECTOR.map(([sector]) => sector));
  groups.push({ label: t('ui-sector-other'), items: items.filter((item) => !known.has(item.sector)) });
  return groups.filter((group) => group.items.length > 0);
}

/** What happened and what to do, in the person's language: each IPC error code is the Fluent
 * message `error-{code with dashes}` (checked in every language by the shell's tests). */
export function errorMessage(error: Pick<IpcError, 'code'>): string {
  return t(`error-${error.code.replaceAll('_', '-')}`);
}

/** The message naming what a staff member did with the citizen's data (access log). */
export function accessWhat(action: AccessAction, resource: AccessResource): string {
  if (action === 'session_opened') return 'ui-access-session-opened';
  if (action === 'read') {
    switch (resource) {
      case 'profile':
        return 'ui-access-read-profile';
      case 'documents':
        return 'ui-access-read-documents';
      case 'applications':
      case 'application':
        return 'ui-access-read-applications';
      case 'attachment':
        return 'ui-access-read-attachment';
      default:
        return 'ui-access-read-changes';
    }
  }
  if (resource === 'application') return 'ui-access-submitted-application';
  if (resource === 'attachment') return 'ui-access-submitted-attachment';
  return 'ui-access-submitted-other';
}
