// The start: the session and the home screen's dashboard come in one answer (`start_state`), so
// the first screen renders after one round trip; the dashboard read at start is never shown to
// anyone after the session was read again.

import { screen } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import { app, askStartState, markChanged, takeFirstDashboard, refreshSession, startSession } from '../src/lib/app.svelte';
import * as fixtures from './fixtures';
import { fakeCore, never, openApp } from './harness';

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
      start_state: () => ({ session: fixtures.session(), dashboard: fixtures.dashboard() }),
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
