// App-wide reactive state: the session, connectivity, and a change counter per topic that
// screens watch to reload when the core says something changed.

import { tauriBackend, type Backend } from './backend/backend';
import type { ChangeTopic, Dashboard, DraftSummary, Language, SessionState } from './backend/views';
import type { IpcError } from './backend/views';
import type { ArgsOf, CommandName, ResultOf } from './backend/commands';
import type { StartView } from './backend/generated/shell';
import { applyDisplay } from './display';
import { i18n, isLanguage, loadLanguage, useLoadedLanguage } from './i18n.svelte';
import { markStart } from './startup';

export const backend: Backend = tauriBackend;

export const app = $state<{ session: SessionState | undefined; online: boolean }>({
  session: undefined,
  online: true,
});

/** Every kind of change the core tells of. */
export const CHANGE_TOPICS: readonly ChangeTopic[] = ['queue', 'applications', 'documents', 'inbox', 'connectivity', 'session'];

export const changes = $state(Object.fromEntries(CHANGE_TOPICS.map((topic) => [topic, 0])) as Record<ChangeTopic, number>);

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

/** The dashboard and the saved drafts read with the session at start, for the home screen's
 * first render; see `startSession`. */
let firstHome: Pick<StartView, 'dashboard' | 'drafts'> = {};

/** The shell's count of change events when the start state was read; see `catchUpOnChanges`. */
let startChangesTold: number | undefined;

/** The start state asked for and not yet taken by `startSession`. */
let startAnswer: ReturnType<typeof askStart> | undefined;

function askStart() {
  markStart('start-state-asked');
  return attempt('start_state');
}

/** Asks for the start state now, while the page is still loading, rather than from `onMount`:
 * the shell answers while the page's scripts run. `startSession` takes the answer. */
export function askStartState(): void {
  startAnswer ??= askStart();
}

/** The `id` of the data block in which the shell writes the start state into the page
 * (`page_with_start` in the shell's startup.rs). */
export const PAGE_START_ID = 'opendvc-start';

/** The start state the shell wrote into the page, if it did. The block leaves the document at
 * once: the person's data does not stay in the page. Anything but a start state is ignored. */
export function takePageStart(doc: Document): StartView | undefined {
  const block = doc.getElementById(PAGE_START_ID);
  if (!block) return undefined;
  block.remove();
  try {
    const view = JSON.parse(block.textContent ?? '') as Partial<StartView> | null;
    const signedIn: unknown = view?.session?.signedIn;
    return typeof signedIn === 'boolean' ? (view as StartView) : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the app started from the page's start state and may show its first screen at
 * mount; taken once by the app. */
let readyAtMount = false;

/** Starts from the start state the shell wrote into the page: the session, the display
 * settings, the language and (for a start on the home screen) the dashboard are then in place
 * before the first render, and the first screen is in the page's first layout. An answer
 * asked for over IPC comes back as a task, which the webview runs only after that layout (the
 * main thread is busy with the scripts and then the layout), and costs a second one. When the person's language is still to be loaded, the state
 * becomes the answer `startSession` takes. Returns whether the first screen can show at once;
 * when there is no start state in the page (a development server), it asks for it.
 * `useLanguage` switches to a language if it is loaded. */
export function startFromPage(
  opensHome: boolean,
  doc: Document = document,
  useLanguage: (lang: Language) => boolean = useLoadedLanguage,
): boolean {
  const view = takePageStart(doc);
  if (!view) {
    askStartState();
    return false;
  }
  const lang = isLanguage(view.session.language) ? view.session.language : i18n.lang;
  if (!useLanguage(lang)) {
    void loadLanguage(lang).catch(() => undefined);
    startAnswer = Promise.resolve({ ok: true, value: view });
    return false;
  }
  app.session = view.session;
  app.online = view.session.online;
  firstHome = opensHome ? { dashboard: view.dashboard, drafts: view.drafts } : {};
  startChangesTold = view.changesTold;
  applyDisplay(view.session);
  markStart('session-read');
  readyAtMount = true;
  return true;
}

/** Whether `startFromPage` put everything the first screen needs in place; true once. */
export function takeReadyAtMount(): boolean {
  const ready = readyAtMount;
  readyAtMount = false;
  return ready;
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
    firstHome = opensHome ? { dashboard: result.value.dashboard, drafts: result.value.drafts } : {};
    startChangesTold = result.value.changesTold;
  } else {
    await refreshSession();
  }
}

/** The dashboard read at start, once; never after the session was read again (it may be
 * someone else's then). */
export function takeFirstDashboard(): Dashboard | undefined {
  const dashboard = firstHome.dashboard;
  firstHome.dashboard = undefined;
  return dashboard;
}

/** The saved drafts read at start, once, as `takeFirstDashboard`. */
export function takeFirstDrafts(): DraftSummary[] | undefined {
  const drafts = firstHome.drafts;
  firstHome.drafts = undefined;
  return drafts;
}

/** Called once the app listens for the core's changes: if the shell told of any between the
 * start state and now (a sync at start that finished meanwhile), nobody heard them, so the
 * session and every screen's data are read again; otherwise nothing is. */
export async function catchUpOnChanges(): Promise<void> {
  const told = await attempt('changes_told');
  if (told.ok && told.value === startChangesTold) return;
  await refreshSession();
  for (const topic of CHANGE_TOPICS) markChanged(topic);
}

export async function refreshSession(): Promise<void> {
  firstHome = {};
  const result = await attempt('session_state');
  if (result.ok) {
    app.session = result.value;
    app.online = result.value.online;
  }
}
