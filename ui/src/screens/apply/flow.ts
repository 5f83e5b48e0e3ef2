// The apply flow's steps (GOV.UK task list): the list of tasks, one page per task (the
// details, the documents, the delivery), "check your answers", and what happened. Each step is
// its own component in this folder; ../Apply.svelte picks one by the route's step and hands it
// the same `StepProps`. What the steps share lives here.

import type { AdminUnits, AttachmentRef, Document, Procedure, Profile } from '../../lib/backend/types';
import type { Prefill } from '../../lib/backend/views';
import { drafts, type DraftState } from '../../lib/draft.svelte';
import { formatBytes, t } from '../../lib/i18n.svelte';
import { documentKindLabel } from '../../lib/labels';
import { navigate } from '../../lib/router.svelte';

/** The steps, by the route's last segment (`#/apply/{procedureId}/{step}`); the task list has none. */
export const STEPS = ['', 'details', 'documents', 'delivery', 'check', 'done'] as const;
export type Step = (typeof STEPS)[number];

export function isStep(value: string): value is Step {
  return (STEPS as readonly string[]).includes(value);
}

/** What every step is given. The draft itself each step takes from `currentDraft()`: it
 * belongs to no screen, so that it outlives them (see ../../lib/draft.svelte.ts). */
export interface StepProps {
  procedure: Procedure;
  /** The documents in the wallet (empty when it could not be read). */
  wallet: Document[];
  /** The person's profile, once the session is read (none in a session on paper consent). */
  profile: Profile | undefined;
  /** Whether the session has been read, so the profile is known (or known to be absent). */
  sessionRead: boolean;
  units: AdminUnits | undefined;
}

/** The application being prepared; ../Apply.svelte starts it before any step shows. */
export function currentDraft(): DraftState {
  return drafts.current as DraftState;
}

export function allTasksDone(current: DraftState): boolean {
  return current.done.details && current.done.documents && current.done.delivery;
}

/** After a task: back to the list; once every task is done, straight to "check your answers"
 * (which is also where each "Change" link returns). */
export function afterTask(current: DraftState): void {
  const procedureId = current.draft.procedureId;
  if (allTasksDone(current)) navigate('apply', procedureId, 'check');
  else navigate('apply', procedureId);
}

export function attachmentFor(current: DraftState, requirementId: string): AttachmentRef | undefined {
  return current.draft.attachments.find((attachment) => attachment.requirementId === requirementId);
}

/** An attachment as the person recognises it: the wallet document, or the file's name. */
export function documentLabel(current: DraftState, wallet: Document[], attachment: AttachmentRef): string {
  if (attachment.source === 'wallet') {
    const document = wallet.find((candidate) => candidate.id === attachment.documentId);
    return document ? t('ui-apply-from-wallet', { name: documentKindLabel(document.kind), number: document.number }) : attachment.documentId;
  }
  const file = attachment.requirementId ? current.files[attachment.requirementId] : undefined;
  return file ? `${file.fileName} (${formatBytes(file.size)})` : t('ui-apply-file-attached');
}

/** Fills the draft once, never over what the person typed: the values the core found in the
 * profile, the addresses (with their unit) and the wallet (`values.filled`), and the previous
 * answers it offers (`values.offered`, kept for the details step to offer). A document the
 * wallet holds answers its requirement; a person known by a profile whose procedure offers
 * only the post gets the post. */
export function prefill(current: DraftState, procedure: Procedure, profile: Profile | undefined, wallet: Document[], values: Prefill | undefined): void {
  if (current.prefilled) return;
  for (const [fieldId, value] of Object.entries(values?.filled ?? {})) {
    if (!current.draft.form[fieldId]) current.draft.form[fieldId] = value;
  }
  current.offered = { ...(values?.offered ?? {}) };
  for (const requirement of procedure.requiredDocuments) {
    if (!requirement.walletKind) continue;
    if (attachmentFor(current, requirement.id)) continue;
    const document = wallet.find((candidate) => candidate.kind === requirement.walletKind);
    if (document) current.draft.attachments.push({ source: 'wallet', documentId: document.id, requirementId: requirement.id });
  }
  if (profile && current.draft.delivery.method === 'counter' && !procedure.delivery.counter && procedure.delivery.post) {
    current.draft.delivery = { method: 'post' };
  }
  current.prefilled = true;
}
