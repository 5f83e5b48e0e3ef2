// Runs the real App against a fake core: `mockIPC` answers each command from a table, and
// every call is recorded so tests can check what the UI asked for.

import { render } from '@testing-library/svelte';
import { mockIPC } from '@tauri-apps/api/mocks';
import { emit } from '@tauri-apps/api/event';
import App from '../src/App.svelte';
import type { CommandName } from '../src/lib/backend/commands';
import type { ChangedEvent, IpcError } from '../src/lib/backend/views';
import { drafts } from '../src/lib/draft.svelte';
import { setLanguage } from '../src/lib/i18n.svelte';
import { app } from '../src/lib/app.svelte';
import { session } from './fixtures';

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

export function fakeCore(handlers: Handlers): Call[] {
  const calls: Call[] = [];
  const table: Handlers = { session_state: () => session(), ...handlers };
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
  app.session = undefined;
  app.online = true;
  setLanguage('vi');
  window.location.hash = route;
  const calls = fakeCore(handlers);
  const view = render(App);
  return { ...view, calls };
}

export async function coreChanged(what: ChangedEvent['what']): Promise<void> {
  await emit('core://changed', { what });
}
