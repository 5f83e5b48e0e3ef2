// Every screen has the same four states: loading, empty, offline (shown from the cache with the
// offline banner) and error (a message in the person's language, and a way to try again).

import { screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { CommandName } from '../src/lib/backend/commands';
import * as fixtures from './fixtures';
import { fails, never, openApp, type Handler, type Handlers } from './harness';
import { errorMessage } from '../src/lib/labels';

interface ScreenCase {
  name: string;
  route: string;
  command: CommandName;
  /** Other commands the screen calls, answered normally. */
  others?: Handlers;
  empty: Handler;
  emptyText: RegExp;
  full: Handler;
  fullText: RegExp;
}

const CASES: ScreenCase[] = [
  {
    name: 'home',
    route: '/',
    command: 'dashboard',
    empty: () => fixtures.dashboard(),
    emptyText: /Nothing needs you now/,
    full: () =>
      fixtures.dashboard({
        needsAction: [fixtures.applicationView({ status: 'supplement_requested' })],
        waitingToSend: [fixtures.queueItem()],
        nextRenewals: [fixtures.walletEntry.validity],
      }),
    fullText: /Needs your attention/,
  },
  {
    name: 'applications',
    route: '/applications',
    command: 'applications',
    empty: () => ({ items: [] }),
    emptyText: /You have no applications yet/,
    full: () => ({ items: [fixtures.applicationView()], syncedAt: '2026-11-29T07:00:00+07:00' }),
    fullText: /Renew a citizen ID card/,
  },
  {
    name: 'application detail',
    route: `/applications/${fixtures.application().id}`,
    command: 'application',
    empty: () => fixtures.applicationView({ timeline: [] }),
    emptyText: /What has happened/,
    full: () => fixtures.applicationView(),
    fullText: /000\.17\.48\.H17-261129-0001/,
  },
  {
    name: 'services',
    route: '/services',
    command: 'catalog',
    empty: () => ({ version: '1', items: [] }),
    emptyText: /The list of services is not on this device yet/,
    full: () => ({ version: '1', items: [fixtures.procedure] }),
    fullText: /Renew a citizen ID card/,
  },
  {
    name: 'procedure',
    route: '/services/id-card-renewal',
    command: 'procedure',
    empty: () => ({ ...fixtures.procedure, feeCases: [], requiredDocuments: [] }),
    emptyText: /Free of charge/,
    full: () => fixtures.procedure,
    fullText: /Your current ID card/,
  },
  {
    name: 'documents',
    route: '/documents',
    command: 'documents',
    empty: () => [],
    emptyText: /You have no documents here yet/,
    full: () => [fixtures.walletEntry],
    fullText: /Citizen ID card/,
  },
  {
    name: 'inbox',
    route: '/inbox',
    command: 'inbox',
    empty: () => [],
    emptyText: /No messages yet/,
    full: () => [fixtures.inboxEntry],
    fullText: /Your result is ready/,
  },
  {
    name: 'queue',
    route: '/queue',
    command: 'queue',
    empty: () => [],
    emptyText: /Everything has been sent/,
    full: () => [fixtures.queueItem()],
    fullText: /Cấp đổi thẻ căn cước/,
  },
  {
    name: 'settings',
    route: '/settings',
    command: 'settings',
    empty: () => ({ ...fixtures.settings, categories: { status: false, delivery: false, renewal: false, notice: false } }),
    emptyText: /Tell me about/,
    full: () => fixtures.settings,
    fullText: /Quiet hours/,
  },
];

describe.each(CASES)('the $name screen', (testCase) => {
  it('says it is loading while the core has not answered', async () => {
    openApp(testCase.route, { ...testCase.others, [testCase.command]: never });
    expect(await screen.findByText('Loading…')).toBeInTheDocument();
  });

  it('shows its empty state', async () => {
    openApp(testCase.route, { ...testCase.others, [testCase.command]: testCase.empty });
    expect(await screen.findByText(testCase.emptyText)).toBeInTheDocument();
  });

  it('shows what the cache holds, under the offline banner, when offline', async () => {
    openApp(testCase.route, {
      ...testCase.others,
      session_state: () => fixtures.session({ online: false }),
      [testCase.command]: testCase.full,
    });
    expect(await screen.findByText(testCase.fullText)).toBeInTheDocument();
    expect(screen.getByText(/You are offline. You see what was saved on this device/)).toBeInTheDocument();
  });

  it('says what went wrong and tries again on request', async () => {
    let fail = true;
    const { calls } = openApp(testCase.route, {
      ...testCase.others,
      [testCase.command]: (args: Record<string, unknown>) => (fail ? fails('internal')(args) : testCase.full(args)),
    });
    // The message is looked up inside waitFor: the app switches to its saved language as it loads.
    await waitFor(() => expect(screen.getByText(errorMessage({ code: 'internal' }))).toBeInTheDocument());
    fail = false;
    await userEvent.setup().click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText(testCase.fullText)).toBeInTheDocument();
    await waitFor(() => expect(calls.filter((call) => call.command === testCase.command).length).toBeGreaterThanOrEqual(2));
  });
});

describe('home', () => {
  it('points to the queue when something sent needs the person’s attention', async () => {
    openApp('/', {
      dashboard: () =>
        fixtures.dashboard({ counts: { applications: 1, inProgress: 1, unreadInbox: 0, waitingToSend: 1, needsAttention: 1 } }),
    });
    expect(await screen.findByText('Something you sent needs your attention')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'See what to fix' })).toHaveAttribute('href', '#/queue');
  });
});

describe('home renewals', () => {
  it('starts a renewal in one tap, with the draft the core prepared', async () => {
    openApp('/', {
      dashboard: () => fixtures.dashboard({ nextRenewals: [fixtures.walletEntry.validity] }),
      start_renewal: () => ({
        procedureId: 'id-card-renewal',
        form: { reason: 'age' },
        attachments: [],
        delivery: { method: 'counter' },
      }),
      procedure: () => fixtures.procedure,
      documents: () => [fixtures.walletEntry],
      admin_units: () => fixtures.adminUnits,
    });
    await userEvent.setup().click(await screen.findByRole('button', { name: 'Renew now' }));
    expect(await screen.findByRole('heading', { name: 'Your application' })).toBeInTheDocument();
    expect(window.location.hash).toBe('#/apply/id-card-renewal');
  });

  it('says why a renewal could not start', async () => {
    openApp('/', {
      dashboard: () => fixtures.dashboard({ nextRenewals: [fixtures.walletEntry.validity] }),
      start_renewal: fails('not_found'),
    });
    await userEvent.setup().click(await screen.findByRole('button', { name: 'Renew now' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(errorMessage({ code: 'not_found' }));
  });
});
