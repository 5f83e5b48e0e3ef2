import { describe, expect, it } from 'vitest';
import { ApiFailure, OfficerApi, queueSearch } from '../src/lib/api';
import { barChart, horizontalBars, shortened } from '../src/lib/charts';
import { pathOf, routeOf } from '../src/lib/router.svelte';
import { mayUseConsole } from '../src/lib/session.svelte';
import type { Application, StaffTokenResponse } from '../src/lib/types';
import { availableActions, requiredText, transitionFor } from '../src/lib/workflow';
import { daysLeftMessage } from '../src/lib/i18n.svelte';

function application(overrides: Partial<Application>): Application {
  return {
    id: '0190d6c2-0000-7000-8000-000000000001',
    code: 'X-1',
    procedureId: 'p',
    procedureName: { vi: 'p', en: 'p' },
    status: 'received',
    channel: 'online',
    submittedAt: '2026-12-01T09:00:00+07:00',
    dueAt: '2026-12-08T17:00:00+07:00',
    processingDays: 5,
    form: {},
    attachments: [],
    delivery: { method: 'counter', fee: 0, subsidy: 0, payable: 0 },
    fee: 0,
    feeLines: [],
    timeline: [],
    supplements: [],
    updatedAt: '2026-12-01T09:00:00+07:00',
    ...overrides,
  };
}

describe('the queue request', () => {
  it('sends only the filters that are set, camelCase as on the wire', () => {
    expect(queueSearch({ limit: 50, status: 'processing', dueBefore: '2026-12-09', q: '  ', unit: '' })).toBe(
      '?limit=50&status=processing&dueBefore=2026-12-09',
    );
    expect(queueSearch({})).toBe('');
  });

  it('asks the officer endpoint with the token and says the portal’s problem on failure', async () => {
    const seen: { url: string; auth: string | null }[] = [];
    const api = new OfficerApi(() => 'secret', {
      base: 'http://portal',
      fetch: async (input, init) => {
        seen.push({ url: String(input), auth: new Headers(init?.headers).get('Authorization') });
        return new Response(JSON.stringify({ type: 't', title: 'Forbidden', status: 403, code: 'forbidden', detail: 'Not your agency.' }), {
          status: 403,
          headers: { 'Content-Type': 'application/problem+json' },
        });
      },
    });
    const failure = await api.application('abc').catch((error: unknown) => error);
    expect(seen).toEqual([{ url: 'http://portal/v1/officer/applications/abc', auth: 'Bearer secret' }]);
    expect(failure).toBeInstanceOf(ApiFailure);
    expect((failure as ApiFailure).problem?.detail).toBe('Not your agency.');
  });

  it('gives every state-changing call its own Idempotency-Key', async () => {
    const keys: (string | null)[] = [];
    const api = new OfficerApi(() => 't', {
      base: '',
      fetch: async (_input, init) => {
        keys.push(new Headers(init?.headers).get('Idempotency-Key'));
        return new Response('{}', { status: 200 });
      },
    });
    await api.transition('a', { to: 'processing' });
    await api.transition('a', { to: 'completed' });
    expect(keys[0]).toBeTruthy();
    expect(keys[1]).toBeTruthy();
    expect(keys[0]).not.toBe(keys[1]);
  });
});

describe('the application page’s actions', () => {
  it('offer the moves the portal’s workflow allows, and none to a supervisor', () => {
    expect(availableActions(application({ status: 'received' }), 'officer')).toEqual(['accept', 'supplement', 'reject']);
    expect(availableActions(application({ status: 'processing' }), 'officer')).toEqual(['supplement', 'complete', 'reject']);
    expect(availableActions(application({ status: 'processing' }), 'supervisor')).toEqual([]);
    expect(
      availableActions(
        application({ status: 'completed', delivery: { method: 'post', fee: 0, subsidy: 0, payable: 0, state: 'preparing' } }),
        'officer',
      ),
    ).toEqual(['dispatch']);
    expect(
      availableActions(
        application({ status: 'completed', delivery: { method: 'post', fee: 0, subsidy: 0, payable: 0, state: 'dispatched', trackingNumber: 'T' } }),
        'officer',
      ),
    ).toEqual(['deliver']);
    expect(availableActions(application({ status: 'completed' }), 'officer')).toEqual(['hand-over']);
    expect(availableActions(application({ status: 'handed_over' }), 'officer')).toEqual([]);
  });

  it('require the supplement’s note, the rejection’s reason and the tracking number', () => {
    expect(requiredText('supplement')).toBe('note');
    expect(requiredText('reject')).toBe('note');
    expect(requiredText('dispatch')).toBe('tracking');
    expect(requiredText('accept')).toBeNull();
    expect(transitionFor('supplement', ' the photo ')).toEqual({ to: 'supplement_requested', note: 'the photo' });
    expect(transitionFor('dispatch', 'EV123VN')).toEqual({ delivery: { state: 'dispatched', trackingNumber: 'EV123VN' } });
  });
});

describe('sign-in', () => {
  it('lets officers and supervisors in, and not agents or volunteers', () => {
    const answer = (kind: StaffTokenResponse['staff']['kind']): StaffTokenResponse => ({
      accessToken: 't',
      expiresIn: 60,
      tokenType: 'Bearer',
      staff: { code: 'c', name: 'n', kind, organisation: 'o' },
    });
    expect(mayUseConsole(answer('officer'))).toBe(true);
    expect(mayUseConsole(answer('supervisor'))).toBe(true);
    expect(mayUseConsole(answer('agent'))).toBe(false);
    expect(mayUseConsole(answer('volunteer'))).toBe(false);
  });
});

describe('routes', () => {
  it('map every console path to its page and back', () => {
    for (const route of [
      { page: 'queue' },
      { page: 'application', id: '0190d6c2-0000-7000-8000-000000000001' },
      { page: 'counter' },
      { page: 'overview' },
    ] as const) {
      expect(routeOf(pathOf(route))).toEqual(route);
    }
    expect(routeOf('/console')).toEqual({ page: 'queue' });
    expect(routeOf('/console/nothing/here')).toEqual({ page: 'not-found' });
  });
});

describe('working days left', () => {
  it('says due today, days left and days late with a positive number', () => {
    expect(daysLeftMessage(0)).toEqual(['console-due-today', {}]);
    expect(daysLeftMessage(3)).toEqual(['console-days-left', { days: 3 }]);
    expect(daysLeftMessage(-2)).toEqual(['console-days-late', { days: 2 }]);
  });
});

describe('bar charts', () => {
  it('scale the largest bar to the plot’s height and never draw below zero or above the top', () => {
    const chart = barChart(
      [
        { label: 'a', value: 2 },
        { label: 'b', value: 4 },
        { label: 'c', value: 0 },
      ],
      300,
      100,
    );
    expect(chart.bars.map((bar) => bar.height)).toEqual([50, 100, 0]);
    expect(chart.bars.map((bar) => bar.y)).toEqual([50, 0, 100]);
    const rates = barChart([{ label: 'x', value: 1.5 }], 100, 100, 1);
    expect(rates.bars[0]?.height).toBe(100);
  });
});

describe('row charts', () => {
  it('draw no bar for a value that is missing, and cut long labels with an ellipsis', () => {
    const chart = horizontalBars(
      [
        { label: 'a', value: 0.5 },
        { label: 'b', value: null },
      ],
      200,
      20,
      1,
    );
    expect(chart.rows.map((row) => row.width)).toEqual([100, 0]);
    expect(chart.rows.map((row) => row.y)).toEqual([0, 20]);
    expect(chart.height).toBe(40);
    expect(shortened('Ủy ban nhân dân phường Hải Châu', 10)).toBe('Ủy ban nh…');
    expect(shortened('short', 10)).toBe('short');
  });
});
