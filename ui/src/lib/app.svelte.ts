// App-wide reactive state: the session, connectivity, and a change counter per topic that
// screens watch to reload when the core says something changed.

import { tauriBackend, type Backend } from './backend/backend';
import type { ChangeTopic, Dashboard, SessionState } from './backend/views';
import type { IpcError } from './backend/views';
import type { ArgsOf, CommandName, ResultOf } from './backend/commands';
import { markStart } from './startup';

export const backend: Backend = tauriBackend;

export const app = $state<{ session: SessionState | undefined; online: boolean }>({
  session: undefined,
  online: true,
});

export const changes = $state<Record<ChangeTopic, number>>({
  queue: 0,
  applications: 0,
  documents: 0,
  inbox: 0,
  connectivity: 0,
  session: 0,
});

export function markChanged(topic: ChangeTopic): void {
  changes[topic] += 1;
}

/** A command's result as a screen shows it: loading first, then data or an error. Data from
 * an earlier load stays visible while it reloads, so screens do not flicker. */
export class Resource<K extends CommandName> {
  data = $state<ResultOf<K> | undefined>(undefined);
  error = $state<IpcError | undefined>(undefined);
  loading = $state(true);
  #command: K;
  #args: () => ArgsOf<K>;
  // Loads can overlap (a change event during the first load); only the newest one may land.
  #latest = 0;

  /** `initial`: data already at hand (read at start), shown until the first load lands. */
  constructor(command: K, args: () => ArgsOf<K>, initial?: ResultOf<K>) {
    this.#command = command;
    this.#args = args;
    if (initial !== undefined) {
      this.data = initial;
      this.loading = false;
    }
  }

  async load(): Promise<void> {
    const ticket = ++this.#latest;
    this.loading = true;
    const call = backend.call as (command: K, args?: ArgsOf<K>) => Promise<ResultOf<K>>;
    try {
      const data = await call(this.#command, this.#args());
      if (ticket !== this.#latest) return;
      this.data = data;
      this.error = undefined;
    } catch (error) {
      if (ticket !== this.#latest) return;
      this.error = error as IpcError;
      // The session ended under this screen: re-reading it brings the sign-in page up.
      if (this.error.code === 'not_signed_in') void refreshSession();
    }
    this.loading = false;
  }
}

/** Calls a command and returns its result, or the error as a value. */
export async function attempt<K extends CommandName>(
  command: K,
  ...args: ArgsOf<K> extends undefined ? [] : [ArgsOf<K>]
): Promise<{ ok: true; value: ResultOf<K> } | { ok: false; error: IpcError }> {
  try {
    return { ok: true, value: await backend.call(command, ...args) };
  } catch (error) {
    return { ok: false, error: error as IpcError };
  }
}

/** The dashboard read with the session at start, for the home screen's first render; see
 * `startSession`. */
let firstDashboard: Dashboard | undefined;

/** The start state asked for and not yet taken by `startSession`. */
let startAnswer: ReturnType<typeof askStart> | undefined;

function askStart() {
  markStart('start-state-asked');
  return attempt('start_state');
}

/** Asks for the start state now, while the page is still loading: in the webview nothing
 * asynchronous (an effect, `onMount`) runs before the page's load event, and the shell answers
 * meanwhile. `startSession` takes the answer. */
export function askStartState(): void {
  startAnswer ??= askStart();
}

/** Reads the session at start, with the dashboard when the app opens on the home screen, in one
 * call: the home screen then renders without waiting for a second one. The answer asked for by
 * `askStartState`, if any, is taken once. */
export async function startSession(opensHome: boolean): Promise<void> {
  const answer = startAnswer ?? askStart();
  startAnswer = undefined;
  const result = await answer;
  if (result.ok) {
    app.session = result.value.session;
    app.online = result.value.session.online;
    firstDashboard = opensHome ? result.value.dashboard : undefined;
  } else {
    await refreshSession();
  }
}

/** The dashboard read at start, once; never after the session was read again (it may be
 * someone else's then). */
export function takeFirstDashboard(): Dashboard | undefined {
  const dashboard = firstDashboard;
  firstDashboard = undefined;
  return dashboard;
}

export async function refreshSession(): Promise<void> {
  firstDashboard = undefined;
  const result = await attempt('session_state');
  if (result.ok) {
    app.session = result.value;
    app.online = result.value.online;
  }
}
