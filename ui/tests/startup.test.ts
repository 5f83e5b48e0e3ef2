// The start: the session and the home screen's dashboard come in one answer (`start_state`), so
// the first screen renders after one round trip; the dashboard read at start is never shown to
// anyone after the session was read again.

import { render, screen } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import App from '../src/App.svelte';
import {
  PAGE_START_ID,
  app,
  askStartState,
  markChanged,
  takeFirstDashboard,
  takeReadyAtMount,
  refreshSession,
  startFromPage,
  startSession,
} from '../src/lib/app.svelte';
import { i18n, loadLanguage, setLanguage } from '../src/lib/i18n.svelte';
import { router } from '../src/lib/router.svelte';
import { markDashboardIfMounted } from '../src/lib/startup';
import { DASHBOARD_RENDERED_MARK } from '../src/lib/backend/commands';
import type { StartView } from '../src/lib/backend/generated/shell';
import * as fixtures from './fixtures';
import { fakeCore, never, openApp } from './harness';

/** A page as the shell serves it, with `text` in the start state's data block. */
function pageWith(text: string): Document {
  const page = document.implementation.createHTMLDocument('OpenDVC');
  const block = page.createElement('script');
  block.type = 'application/json';
  block.id = PAGE_START_ID;
  block.textContent = text;
  page.head.append(block);
  return page;
}

function startView(overrides: Partial<StartView> = {}): StartView {
  return { session: fixtures.session(), dashboard: fixtures.dashboard(), drafts: [], changesTold: 0, ...overrides };
}

describe('the start from the page', () => {
  it('waits for a language still to load, and asks the core nothing: the page answered', async () => {
    const calls = fakeCore({});
    await setLanguage('vi');
    const page = pageWith(JSON.stringify(startView({ session: fixtures.session({ language: 'id' }) })));
    const notLoaded = () => false;
    expect(startFromPage(true, page, notLoaded), 'Indonesian is not part of the first script').toBe(false);
    expect(takeReadyAtMount()).toBe(false);
    await startSession(true);
    expect(app.session?.language).toBe('id');
    expect(takeFirstDashboard()).toBeDefined();
    expect(calls, 'the start state in the page is the answer').toEqual([]);
  });

  it('shows the home screen with the dashboard in the first render, without a call to the core', async () => {
    await loadLanguage('en');
    const calls = fakeCore({ start_state: never, session_state: never, dashboard: never });
    window.location.hash = '/';
    router.hash = window.location.hash;
    app.session = undefined;
    const page = pageWith(JSON.stringify(startView()));
    expect(startFromPage(true, page)).toBe(true);
    expect(page.getElementById(PAGE_START_ID), "the person's data leaves the page").toBeNull();
    expect(i18n.lang).toBe('en');
    performance.clearMarks(DASHBOARD_RENDERED_MARK);
    render(App);
    // No await: the screen is there when the app is mounted, and marked as shown then.
    expect(screen.getByText(/Nothing needs you now/)).toBeInTheDocument();
    markDashboardIfMounted();
    expect(performance.getEntriesByName(DASHBOARD_RENDERED_MARK)).toHaveLength(1);
    expect(calls.filter((call) => ['start_state', 'session_state', 'dashboard'].includes(call.command))).toEqual([]);
  });

  it('asks the core when the page has no start state, or one that is not a start state', async () => {
    for (const page of [document.implementation.createHTMLDocument(''), pageWith('{"session":'), pageWith('{"session":{}}'), pageWith('null')]) {
      let asked = 0;
      fakeCore({
        start_state: () => {
          asked += 1;
          return startView();
        },
      });
      app.session = undefined;
      expect(startFromPage(true, page)).toBe(false);
      expect(app.session).toBeUndefined();
      await startSession(true);
      expect(asked, page.head.innerHTML).toBe(1);
      expect(app.session).toMatchObject({ signedIn: true });
      takeFirstDashboard();
    }
  });

  it('keeps the dashboard in the page only for a start on the home screen', async () => {
    await loadLanguage('en');
    expect(startFromPage(false, pageWith(JSON.stringify(startView())))).toBe(true);
    takeReadyAtMount();
    expect(takeFirstDashboard()).toBeUndefined();
  });
});

describe('the start', () => {
  it('renders the home screen from the first answer, without waiting for the dashboard command', async () => {
    const { calls } = openApp('/', {
      start_state: () => ({ session: fixtures.session(), dashboard: fixtures.dashboard() }),
      // Were the home screen to wait for this, it would never render.
      dashboard: never,
    });
    expect(await screen.findByText(/Nothing needs you now/)).toBeInTheDocument();
    expect(calls[0]?.command).toBe('start_state');
    expect(calls.some((call) => call.command === 'session_state')).toBe(false);
  });

  it('does not read the dashboard again at once, but does when something changes', async () => {
    let reads = 0;
    openApp('/', {
      start_state: () => startView(),
      dashboard: () => {
        reads += 1;
        return fixtures.dashboard();
      },
    });
    expect(await screen.findByText(/Nothing needs you now/)).toBeInTheDocument();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(reads, 'the answer read with the session is the cache as it is').toBe(0);
    markChanged('applications');
    await vi.waitFor(() => expect(reads).toBe(1));
  });

  it('reads the session and the dashboard again when a change was told before the app listened', async () => {
    let reads = 0;
    let sessionReads = 0;
    const { calls } = openApp('/', {
      start_state: () => startView({ changesTold: 4 }),
      // A sync at start finished between the start state and the app's listening.
      changes_told: () => 5,
      session_state: () => {
        sessionReads += 1;
        return fixtures.session();
      },
      dashboard: () => {
        reads += 1;
        return fixtures.dashboard();
      },
    });
    expect(await screen.findByText(/Nothing needs you now/)).toBeInTheDocument();
    await vi.waitFor(() => expect(reads).toBe(1));
    expect(sessionReads).toBe(1);
    expect(calls.map((call) => call.command)).toContain('changes_told');
  });

  it('still loads the dashboard itself when the first answer has none', async () => {
    openApp('/', {
      start_state: () => ({ session: fixtures.session() }),
      dashboard: () => fixtures.dashboard(),
    });
    expect(await screen.findByText(/Nothing needs you now/)).toBeInTheDocument();
  });

  it('keeps the first dashboard only for a start on the home screen', async () => {
    fakeCore({ start_state: () => ({ session: fixtures.session(), dashboard: fixtures.dashboard() }) });
    await startSession(false);
    expect(takeFirstDashboard()).toBeUndefined();
    await startSession(true);
    expect(takeFirstDashboard()).toBeDefined();
    expect(takeFirstDashboard(), 'taken once').toBeUndefined();
  });

  it('takes the answer asked for while the page loaded once, and asks again after that', async () => {
    let asked = 0;
    const calls = fakeCore({
      start_state: () => {
        asked += 1;
        return { session: fixtures.session(), dashboard: fixtures.dashboard() };
      },
    });
    askStartState();
    askStartState();
    await startSession(true);
    expect(asked, 'asked once, however often the page asked early; the session is read from that answer').toBe(1);
    expect(app.session?.signedIn).toBe(true);
    expect(takeFirstDashboard()).toBeDefined();
    await startSession(true);
    expect(asked, 'a later start (a reload of the session) asks afresh').toBe(2);
    expect(calls.filter((call) => call.command === 'start_state')).toHaveLength(2);
  });

  it('forgets the first dashboard once the session is read again, as after a sign-out', async () => {
    fakeCore({ start_state: () => ({ session: fixtures.session(), dashboard: fixtures.dashboard() }) });
    await startSession(true);
    await refreshSession();
    expect(takeFirstDashboard()).toBeUndefined();
  });
});

describe('after the first paint', () => {
  it('waits for the first frame to be painted, once for everyone who asks', async () => {
    vi.useFakeTimers();
    const frames: FrameRequestCallback[] = [];
    vi.stubGlobal('requestAnimationFrame', (callback: FrameRequestCallback) => frames.push(callback));
    try {
      vi.resetModules();
      const { afterFirstPaint } = await import('../src/lib/startup');
      let painted = 0;
      void afterFirstPaint().then(() => (painted += 1));
      void afterFirstPaint().then(() => (painted += 1));
      await vi.advanceTimersByTimeAsync(100);
      expect(painted, 'no frame yet').toBe(0);
      expect(frames, 'one frame asked for').toHaveLength(1);
      frames[0]!(0);
      await Promise.resolve();
      expect(painted, 'the frame is being painted: not yet').toBe(0);
      await vi.advanceTimersByTimeAsync(0);
      expect(painted).toBe(2);
      await afterFirstPaint();
      expect(frames, 'a page painted before is not waited on again').toHaveLength(1);
    } finally {
      vi.unstubAllGlobals();
      vi.useRealTimers();
    }
  });

  it('does not wait for ever for a page that is not painted', async () => {
    vi.useFakeTimers();
    vi.stubGlobal('requestAnimationFrame', () => 0);
    try {
      vi.resetModules();
      const { afterFirstPaint } = await import('../src/lib/startup');
      let waited = false;
      void afterFirstPaint().then(() => (waited = true));
      await vi.advanceTimersByTimeAsync(999);
      expect(waited).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(waited, 'a window not on screen still listens for changes').toBe(true);
    } finally {
      vi.unstubAllGlobals();
      vi.useRealTimers();
    }
  });
});
