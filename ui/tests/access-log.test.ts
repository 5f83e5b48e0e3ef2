// "Who used my data": the citizen's access log, read from the portal a page at a time.

import { screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { AccessLogEntryView, AccessLogView } from '../src/lib/backend/views';
import { i18n, t } from '../src/lib/i18n.svelte';
import { errorMessage } from '../src/lib/labels';
import * as fixtures from './fixtures';
import { fails, openApp, type Handlers } from './harness';

function shown(overrides: Partial<AccessLogEntryView['entry']> = {}, vietnamTime = '2026-11-29 09:15'): AccessLogEntryView {
  return {
    vietnamTime,
    entry: {
      id: `0193a1b2-0000-7000-8000-${Math.random().toString(16).slice(2, 14).padEnd(12, '0')}`,
      at: '2026-11-29T02:15:00Z',
      action: 'read',
      resource: 'documents',
      staff: { code: 'BDDN-HC-01', name: 'Trần Văn Minh', kind: 'agent', organisation: 'Bưu điện Hải Châu' },
      venue: { name: 'Bưu cục Hải Châu', unitCode: '20194' },
      sessionId: '0193a1b2-0000-7000-8000-00000000aaaa',
      consent: 'otp',
      ...overrides,
    },
  };
}

async function open(handlers: Handlers) {
  const view = openApp('/access-log', handlers);
  await waitFor(() => expect(i18n.lang).toBe('en'));
  return view;
}

describe('who used my data', () => {
  it('is reached from the settings screen', async () => {
    openApp('/settings', { settings: () => fixtures.settings });
    await waitFor(() => expect(i18n.lang).toBe('en'));
    expect(await screen.findByRole('link', { name: t('ui-access-log-title') })).toHaveAttribute('href', '#/access-log');
  });

  it('shows who, their code and organisation, where, when in Vietnam time, what, and the consent', async () => {
    const page: AccessLogView = {
      entries: [
        shown({ action: 'session_opened', resource: 'session', consent: 'paper', venue: { name: 'Ngày hội gần dân Hòa Vang' } }, '2026-11-29 08:00'),
        shown({ action: 'submitted', resource: 'application', resourceRef: '000.17.48.H17-261129-0001' }),
      ],
    };
    await open({ access_log: () => page });
    expect(await screen.findByRole('heading', { name: t('ui-access-log-title') })).toBeInTheDocument();
    const cards = await screen.findAllByRole('listitem');
    expect(cards).toHaveLength(2);
    const opened = within(cards[0]!);
    expect(opened.getByText(t('ui-access-session-opened'))).toBeInTheDocument();
    expect(opened.getByText('2026-11-29 08:00')).toBeInTheDocument();
    expect(opened.getByText(t('ui-access-log-staff-value', { name: 'Trần Văn Minh', code: 'BDDN-HC-01' }))).toBeInTheDocument();
    expect(opened.getByText('Bưu điện Hải Châu')).toBeInTheDocument();
    expect(opened.getByText('Ngày hội gần dân Hòa Vang')).toBeInTheDocument();
    expect(opened.getByText(t('ui-access-log-consent-paper'))).toBeInTheDocument();
    const submitted = within(cards[1]!);
    expect(submitted.getByText(t('ui-access-submitted-application'), { exact: false })).toBeInTheDocument();
    expect(submitted.getByText('000.17.48.H17-261129-0001')).toBeInTheDocument();
    expect(submitted.getByText(t('ui-access-log-consent-otp'))).toBeInTheDocument();
  });

  it('loads older entries a page at a time with the cursor the portal gave', async () => {
    const cursors: unknown[] = [];
    const view = await open({
      access_log: (args) => {
        cursors.push(args.cursor);
        return args.cursor === 'page-2'
          ? { entries: [shown({ resource: 'profile' }, '2026-11-20 10:00')] }
          : { entries: [shown()], nextCursor: 'page-2' };
      },
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: t('ui-access-log-more') }));
    expect(await screen.findByText('2026-11-20 10:00')).toBeInTheDocument();
    expect(screen.getAllByRole('listitem')).toHaveLength(2);
    expect(cursors).toEqual([undefined, 'page-2']);
    expect(screen.queryByRole('button', { name: t('ui-access-log-more') }), 'the last page has no more').not.toBeInTheDocument();
    expect(view.calls.filter((call) => call.command === 'access_log')).toHaveLength(2);
  });

  it('says so when nobody used the citizen’s data', async () => {
    await open({ access_log: () => ({ entries: [] }) });
    expect(await screen.findByText(t('ui-access-log-empty'))).toBeInTheDocument();
  });

  it('says why the log could not be read, and offers to try again', async () => {
    await open({ access_log: fails('offline') });
    expect(await screen.findByText(errorMessage({ code: 'offline' }))).toBeInTheDocument();
  });

  it('is not offered in an assisted session on a shared device', async () => {
    const view = openApp('/access-log', {
      session_state: () =>
        fixtures.session({
          staff: {
            staff: { code: 'BDDN-HC-01', name: 'Trần Văn Minh', kind: 'agent', organisation: 'Bưu điện Hải Châu' },
            signedIn: true,
            locked: false,
            venue: { kind: 'post_office', name: 'Bưu cục Hải Châu' },
            session: { id: 's-1', citizenInitials: 'N.T.L.', venue: 'Bưu cục Hải Châu', expiresAt: '2026-11-29T09:30:00+07:00', secondsLeft: 1800, canRead: true },
          },
        }),
      access_log: () => ({ entries: [shown()] }),
    });
    await waitFor(() => expect(i18n.lang).toBe('en'));
    expect(await screen.findByRole('heading', { name: t('ui-not-found-title') })).toBeInTheDocument();
    expect(view.calls.map((call) => call.command)).not.toContain('access_log');
  });
});
