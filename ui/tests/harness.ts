// Runs the real App against a fake core: `mockIPC` answers each command from a table, and
// every call is recorded so tests can check what the UI asked for.

import { render, waitFor } from '@testing-library/svelte';
import { expect } from 'vitest';
import { mockIPC } from '@tauri-apps/api/mocks';
import { emit } from '@tauri-apps/api/event';
import App from '../src/App.svelte';
import type { CommandName } from '../src/lib/backend/commands';
import type { FieldKind } from '../src/lib/backend/types';
import type { ChangedEvent, IpcError, SessionState } from '../src/lib/backend/views';
import { drafts } from '../src/lib/draft.svelte';
import { setLanguage } from '../src/lib/i18n.svelte';
import { app, takeFirstDashboard } from '../src/lib/app.svelte';
import { prefill, session } from './fixtures';

export type Handler = (args: Record<string, unknown>) => unknown;
export type Handlers = Partial<Record<CommandName, Handler>>;

export interface Call {
  command: string;
  args: Record<string, unknown>;
}

/** An answer that never comes, to look at a screen while it loads. */
export const never: Handler = () => new Promise(() => {});

/** A command that fails with `error`. */
export function fails(code: IpcError['code'], message = 'failed in test'): Handler {
  return () => Promise.reject({ code, message });
}

/** A `check_field` answering as the core's rules would for the values listed, by kind: the
 * Fluent message id of each refused value; any other value passes. */
export function refuses(values: Partial<Record<FieldKind, Record<string, string>>>): Handler {
  return (args) => {
    const problem = values[args.kind as FieldKind]?.[args.value as string];
    return problem ? { valid: false, problem } : { valid: true, normalized: args.value };
  };
}

export function fakeCore(handlers: Handlers): Call[] {
  const calls: Call[] = [];
  // The core's rules find nothing wrong unless a test says otherwise; no draft is saved yet,
  // and a saved one is answered as it was sent.
  const table: Handlers = { session_state: () => session(), prefill: () => prefill, check_field: (args) => ({ valid: true, normalized: args.value }), check_draft: () => [], quote_fee: () => ({ choices: [], problems: [] }), drafts: () => [], save_draft: (args) => args.draft, changes_told: () => 0, ...handlers };
  // As the shell answers it: the session and, for a signed-in citizen, the dashboard when the
  // cache has one at once (a dashboard a test holds back, or fails, comes without it; the home
  // screen then loads it itself) and the saved drafts; the change events told so far.
  table.start_state ??= async (args) => {
    const session = (await table.session_state!(args)) as SessionState;
    let dashboard: unknown;
    let drafts: unknown;
    if (session.signedIn) drafts = await table.drafts!(args);
    if (session.signedIn && table.dashboard) {
      const answer = Promise.resolve()
        .then(() => table.dashboard!(args))
        .catch(() => undefined);
      const late = new Promise((resolve) => setTimeout(() => resolve(undefined), 0));
      dashboard = await Promise.race([answer, late]);
    }
    return { session, dashboard, drafts, changesTold: await table.changes_told!(args) };
  };
  mockIPC(
    (command, payload) => {
      const args = (payload ?? {}) as Record<string, unknown>;
      calls.push({ command, args });
      const handler = table[command as CommandName];
      if (!handler) return Promise.reject({ code: 'internal', message: `no fake for ${command}` });
      return handler(args);
    },
    { shouldMockEvents: true },
  );
  return calls;
}

/** Opens the app at `route` (a hash path like `/applications`) against `handlers`. */
export function openApp(route: string, handlers: Handlers) {
  drafts.current = undefined;
  takeFirstDashboard();
  app.session = undefined;
  app.online = true;
  setLanguage('vi');
  window.location.hash = route;
  const calls = fakeCore(handlers);
  const view = render(App);
  return { ...view, calls };
}

/** Waits until the app listens for the shell's events: it subscribes after its first paint and
 * then asks how many changes it missed. */
export async function appListening(calls: Call[]): Promise<void> {
  await waitFor(() => expect(calls.some((call) => call.command === 'changes_told')).toBe(true));
}

export async function coreChanged(what: ChangedEvent['what']): Promise<void> {
  await emit('core://changed', { what });
}
