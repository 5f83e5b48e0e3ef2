// The application being prepared. It lives outside the Apply screen so that moving between the
// task pages (each its own route, so the back button works) keeps what the person entered.
// The core keeps it on the device too (`save_draft`): half a second after the person stops
// typing and whenever they leave a page, so a draft survives closing the app; Home lists the
// saved ones and `resumeDraft` brings one back.

import { attempt } from './app.svelte';
import type { Draft, IpcError, SavedDraft, StagedAttachment, SubmitResult } from './backend/views';

export interface DraftState {
  /** The saved draft's id; also `draft.draftId`, so submitting it removes the saved copy. */
  id: string;
  draft: Draft;
  /** Files picked on this device, by requirement id. */
  files: Record<string, StagedAttachment>;
  done: { details: boolean; documents: boolean; delivery: boolean };
  /** Whether the form was already pre-filled from the profile and wallet. */
  prefilled: boolean;
  /** The person's previous answers of the same kind, by field id: offered, never filled in. */
  offered: Record<string, string>;
  /** Required documents whose picked file this device no longer holds: pick them again. */
  pickAgain: string[];
  result?: SubmitResult;
}

export const drafts = $state<{ current: DraftState | undefined }>({ current: undefined });

/** How long the person may pause typing before the draft is saved. */
export const SAVE_DELAY_MS = 500;

function newId(): string {
  return crypto.randomUUID();
}

function fresh(draft: Draft): DraftState {
  const id = draft.draftId ?? newId();
  return {
    id,
    draft: { ...draft, draftId: id },
    files: {},
    done: { details: false, documents: false, delivery: false },
    prefilled: false,
    offered: {},
    pickAgain: [],
  };
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
  cancelSave();
  drafts.current = undefined;
}

/** What the core keeps of the current draft: nothing once it is submitted. */
function toSave(): SavedDraft | undefined {
  const current = drafts.current;
  if (!current || current.result) return undefined;
  const snapshot = $state.snapshot(current);
  return { id: snapshot.id, draft: { ...snapshot.draft, draftId: snapshot.id }, files: snapshot.files, done: snapshot.done, pickAgain: [] };
}

let timer: ReturnType<typeof setTimeout> | undefined;
let lastSaved = '';

/** Stops a save that is waiting (the draft was submitted or discarded). */
export function cancelSave(): void {
  if (timer !== undefined) clearTimeout(timer);
  timer = undefined;
}

/** Saves the current draft now if it changed since it was last saved. */
export async function saveDraftNow(): Promise<void> {
  cancelSave();
  const draft = toSave();
  if (!draft) return;
  const text = JSON.stringify(draft);
  if (text === lastSaved) return;
  lastSaved = text;
  const result = await attempt('save_draft', { draft });
  if (!result.ok) lastSaved = '';
}

/** Saves the current draft once the person has paused for `SAVE_DELAY_MS`. */
export function scheduleSave(): void {
  cancelSave();
  timer = setTimeout(() => void saveDraftNow(), SAVE_DELAY_MS);
}

/** Watches the current draft and saves it as the person types; the Apply screen calls it. */
export function saveAsTyped(): void {
  $effect(() => {
    const current = drafts.current;
    if (!current || current.result) return;
    // Reading the whole draft makes every change of it a reason to save.
    JSON.stringify(current.draft);
    JSON.stringify(current.files);
    JSON.stringify(current.done);
    scheduleSave();
  });
  // Leaving the page (another route, or the app closing) saves what is waiting at once.
  $effect(() => () => void saveDraftNow());
}

/** Brings back the saved draft `id` as the current one; the error, if any. */
export async function resumeDraft(id: string): Promise<IpcError | undefined> {
  const result = await attempt('resume_draft', { id });
  if (!result.ok) return result.error;
  const saved = result.value;
  cancelSave();
  drafts.current = {
    id: saved.id,
    draft: { ...saved.draft, draftId: saved.id },
    files: saved.files,
    done: saved.done,
    // What the person typed wins over the pre-fill, which already happened.
    prefilled: true,
    offered: {},
    pickAgain: saved.pickAgain,
  };
  lastSaved = JSON.stringify(toSave());
  return undefined;
}

/** Forgets the saved draft `id` (the person confirmed); the error, if any. */
export async function discardDraft(id: string): Promise<IpcError | undefined> {
  if (drafts.current?.id === id) clearDraft();
  const result = await attempt('discard_draft', { id });
  return result.ok ? undefined : result.error;
}
