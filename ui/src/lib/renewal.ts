// One tap from a renewal reminder to the renewal application, pre-filled by the core.

import { attempt } from './app.svelte';
import type { IpcError } from './backend/views';
import { useDraft } from './draft.svelte';
import { navigate } from './router.svelte';

/** Asks the core for the renewal draft of `documentId` and opens it; the error, if any. */
export async function startRenewal(documentId: string): Promise<IpcError | undefined> {
  const result = await attempt('start_renewal', { documentId });
  if (!result.ok) return result.error;
  useDraft(result.value);
  navigate('apply', result.value.procedureId);
  return undefined;
}
