// The one backend interface of the UI. In the app it is Tauri IPC; in unit tests the same
// implementation runs against `mockIPC` from `@tauri-apps/api/mocks`.

import { invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import { CHANGED_EVENT, DOWNLOADED_EVENT, NAVIGATE_EVENT, type ArgsOf, type CommandName, type ResultOf } from './commands';
import { IPC_ERROR_CODES, type ChangedEvent, type DownloadedEvent, type IpcError, type IpcErrorCode, type NavigateEvent } from './views';

export interface Backend {
  /** Runs a command of ./commands.ts; rejects with an `IpcError`. */
  call<K extends CommandName>(
    command: K,
    ...args: ArgsOf<K> extends undefined ? [] : [ArgsOf<K>]
  ): Promise<ResultOf<K>>;
  /** Calls `handler` on each `core://changed` event; resolves to a function that stops it. */
  onChanged(handler: (event: ChangedEvent) => void): Promise<() => void>;
  /** Calls `handler` on each `app://navigate` event; resolves to a function that stops it. */
  onNavigate(handler: (event: NavigateEvent) => void): Promise<() => void>;
  /** Calls `handler` on each `app://downloaded` event; resolves to a function that stops it. */
  onDownloaded(handler: (event: DownloadedEvent) => void): Promise<() => void>;
}

const KNOWN_CODES: ReadonlySet<string> = new Set<string>(IPC_ERROR_CODES);

/** Turns whatever a rejected `invoke` carried into an `IpcError`, so screens branch on one
 * shape even when the shell panicked or sent a bare string. */
export function toIpcError(reason: unknown): IpcError {
  if (typeof reason === 'object' && reason !== null && 'code' in reason) {
    const record = reason as Record<string, unknown>;
    const code = typeof record.code === 'string' && KNOWN_CODES.has(record.code) ? record.code : 'unknown';
    const message = typeof record.message === 'string' ? record.message : '';
    const fields = Array.isArray(record.fields)
      ? record.fields.filter((field): field is string => typeof field === 'string')
      : [];
    const coreCode = typeof record.coreCode === 'string' ? (record.coreCode as IpcError['coreCode']) : undefined;
    return { code: code as IpcErrorCode, message, ...(coreCode ? { coreCode } : {}), fields };
  }
  return { code: 'unknown', message: typeof reason === 'string' ? reason : String(reason), fields: [] };
}

export const tauriBackend: Backend = {
  async call(command, ...args) {
    try {
      return await invoke(command, args[0] ?? {});
    } catch (reason) {
      throw toIpcError(reason);
    }
  },
  onChanged: (handler) => listening<ChangedEvent>(CHANGED_EVENT, handler),
  onNavigate: (handler) => listening<NavigateEvent>(NAVIGATE_EVENT, handler),
  onDownloaded: (handler) => listening<DownloadedEvent>(DOWNLOADED_EVENT, handler),
};

/** Listens for the shell's `event`; the answer stops listening. Stopping fails only when the
 * page's event channel is gone (the page is going away): nothing is left to stop then. */
async function listening<T>(event: string, handler: (payload: T) => void): Promise<() => void> {
  const stop = await listen<T>(event, (received) => handler(received.payload));
  // Typed as returning nothing, Tauri's stop is asynchronous: its failure is caught here.
  return () => void Promise.resolve(stop()).catch(() => undefined);
}
