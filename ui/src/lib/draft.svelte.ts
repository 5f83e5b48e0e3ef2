// The application being prepared. It lives outside the Apply screen so that moving between the
// task pages (each its own route, so the back button works) keeps what the person entered.

import type { Draft, StagedAttachment, SubmitResult } from './backend/views';

export interface DraftState {
  draft: Draft;
  /** Files picked on this device, by requirement id. */
  files: Record<string, StagedAttachment>;
  done: { details: boolean; documents: boolean; delivery: boolean };
  /** Whether the form was already pre-filled from the profile and wallet. */
  prefilled: boolean;
  /** The person's previous answers of the same kind, by field id: offered, never filled in. */
  offered: Record<string, string>;
  result?: SubmitResult;
}

export const drafts = $state<{ current: DraftState | undefined }>({ current: undefined });

function fresh(draft: Draft): DraftState {
  return { draft, files: {}, done: { details: false, documents: false, delivery: false }, prefilled: false, offered: {} };
}

/** Starts a new draft for `procedureId` unless one for it is already in progress. */
export function startDraft(procedureId: string): DraftState {
  const current = drafts.current;
  if (current && current.draft.procedureId === procedureId && !current.result) return current;
  drafts.current = fresh({ procedureId, form: {}, attachments: [], delivery: { method: 'counter' } });
  return drafts.current;
}

/** Takes a draft the core prepared (a renewal), replacing any other. */
export function useDraft(draft: Draft): void {
  drafts.current = fresh(draft);
}

export function clearDraft(): void {
  drafts.current = undefined;
}
