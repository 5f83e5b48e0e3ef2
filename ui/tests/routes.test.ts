// The route table (src/routes.ts): which path opens which screen, for whom, and what a refused
// route shows instead; and the screens' code, loaded the first time each is shown.

import { screen, within } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import type { SessionState, StaffStatus } from '../src/lib/backend/views';
import { pathMatcher } from '../src/lib/router.svelte';
import { ROUTES, SCREENS, parseRoute, resolve, type Audience, type ScreenName } from '../src/routes';
import * as fixtures from './fixtures';
import { fakeCore, openApp } from './harness';

const agentSignedIn: StaffStatus = {
  staff: { code: 'BDDN-HC-01', name: 'Trần Văn Minh', kind: 'agent', organisation: 'Bưu điện Hải Châu' },
  signedIn: true,
  venue: { kind: 'post_office', name: 'Bưu cục Hải Châu' },
  locked: false,
};

function assisted(canRead: boolean): SessionState {
  return fixtures.session({
    staff: {
      ...agentSignedIn,
      session: { id: 's-1', citizenInitials: 'N.T.L.', venue: 'Bưu cục Hải Châu', expiresAt: '2026-11-29T09:30:00+07:00', secondsLeft: 1800, canRead },
    },
  });
}

describe('a path pattern', () => {
  it.each([
    ['/applications/:id', '/applications/abc-1', { id: 'abc-1' }],
    ['/applications/:id', '/applications/abc-1/', { id: 'abc-1' }],
    ['/applications/:id', '/applications/a%2Fb', { id: 'a/b' }],
    ['/applications/:id', '/applications', undefined],
    ['/applications/:id', '/applications/a/b', undefined],
    ['/apply/:procedureId/:step?', '/apply/passport', { procedureId: 'passport' }],
    ['/apply/:procedureId/:step?', '/apply/passport/check', { procedureId: 'passport', step: 'check' }],
    ['/', '', {}],
    ['/', '/', {}],
    ['/access-log', '/access-log', {}],
    ['/access-log', '/access.log', undefined],
  ])('%s matches %j as %j', (pattern, path, params) => {
    expect(pathMatcher(pattern)(path)).toEqual(params);
  });
});

describe('parseRoute', () => {
  it.each([
    ['', 'home', {}],
    ['#/', 'home', {}],
    ['#/applications/abc-1', 'application', { id: 'abc-1' }],
    ['#/apply/id-card-renewal/check', 'apply', { procedureId: 'id-card-renewal', step: 'check' }],
    ['#/apply/id-card-renewal', 'apply', { procedureId: 'id-card-renewal' }],
    ['#/services/a%20b', 'procedure', { id: 'a b' }],
    ['#/receipt/abc?print=1', 'receipt', { id: 'abc' }],
    ['#/nowhere', 'not_found', {}],
    ['#/applications/a/b', 'not_found', {}],
  ])('%s → %s', (hash, name, params) => {
    expect(parseRoute(hash)).toEqual({ name, params });
  });

  it('names every route once, and every screen a route opens exists', () => {
    const names = ROUTES.map((route) => route.name);
    expect(new Set(names).size, 'route names are unique').toBe(names.length);
    for (const route of ROUTES) expect(Object.keys(SCREENS), route.name).toContain(route.screen);
  });
});

describe('the guards', () => {
  const shown = (hash: string, audience: Audience, canRead = true): [ScreenName, Record<string, unknown>] => {
    const { screen: name, props } = resolve(parseRoute(hash), audience, canRead);
    return [name, props];
  };

  it.each<[string, Audience, boolean, ScreenName]>([
    // The home route is each audience's own home.
    ['#/', 'citizen', true, 'home'],
    ['#/', 'assisted', true, 'session_home'],
    ['#/', 'staff', true, 'staff_home'],
    // A citizen's screens, for the citizen and for an assisted session.
    ['#/services', 'citizen', true, 'services'],
    ['#/services', 'assisted', false, 'services'],
    ['#/queue', 'assisted', false, 'queue'],
    // What only a session allowed to read sees: a paper session gets its home instead.
    ['#/documents', 'assisted', true, 'documents'],
    ['#/documents', 'assisted', false, 'session_home'],
    ['#/applications/a-1', 'assisted', false, 'session_home'],
    ['#/inbox', 'citizen', false, 'inbox'],
    // The citizen's own settings and access log are not an assisted session's.
    ['#/settings', 'citizen', true, 'settings'],
    ['#/settings', 'assisted', true, 'not_found'],
    ['#/access-log', 'assisted', true, 'not_found'],
    // The receipt belongs to an assisted session.
    ['#/receipt/a-1', 'assisted', true, 'receipt'],
    ['#/receipt/a-1', 'citizen', true, 'not_found'],
    // The staff side: serving, or its home for anything else.
    ['#/serve', 'staff', true, 'serve'],
    ['#/serve', 'citizen', true, 'not_found'],
    ['#/staff', 'citizen', true, 'not_found'],
    ['#/documents', 'staff', true, 'staff_home'],
    ['#/nowhere', 'staff', true, 'staff_home'],
    ['#/nowhere', 'citizen', true, 'not_found'],
    // Signed in, the sign-in routes show the home.
    ['#/citizen', 'citizen', true, 'home'],
    ['#/ended', 'assisted', true, 'session_home'],
  ])('%s for %s (may read: %s) shows %s', (hash, audience, canRead, expected) => {
    expect(shown(hash, audience, canRead)[0]).toBe(expected);
  });

  it('hands each screen the parameters of its path', () => {
    expect(shown('#/applications/a%20b', 'citizen')).toEqual(['application', { id: 'a b' }]);
    expect(shown('#/apply/passport', 'citizen')).toEqual(['apply', { procedureId: 'passport', step: '' }]);
    expect(shown('#/ended', 'staff')).toEqual(['staff_home', { justEnded: true }]);
    expect(shown('#/', 'staff')).toEqual(['staff_home', { justEnded: false }]);
  });
});

describe('the routes in the app', () => {
  it('says a path it does not know names no page, with a way home', async () => {
    openApp('/nowhere/at/all', {});
    expect(await screen.findByRole('heading', { name: 'Page not found' })).toBeInTheDocument();
    expect(within(screen.getByRole('main')).getByRole('link', { name: 'Go to the home page' })).toHaveAttribute('href', '#/');
    expect(document.title).toBe('Page not found – OpenDVC');
  });

  it('shows an unknown step of the apply flow as not found', async () => {
    openApp('/apply/id-card-renewal/elsewhere', { procedure: () => fixtures.procedure, documents: () => [], admin_units: () => fixtures.adminUnits });
    expect(await screen.findByRole('heading', { name: 'Page not found' })).toBeInTheDocument();
  });

  it('keeps the citizen’s settings from an assisted session', async () => {
    const { calls } = openApp('/settings', { session_state: () => assisted(true) });
    expect(await screen.findByRole('heading', { name: 'Page not found' })).toBeInTheDocument();
    expect(calls.map((call) => call.command)).not.toContain('settings');
  });

  it('shows a paper session its home for the citizen’s documents, with the home tab current', async () => {
    const { calls } = openApp('/documents', { session_state: () => assisted(false) });
    expect(await screen.findByRole('heading', { name: 'Assisted session on a paper consent' })).toBeInTheDocument();
    const tabs = screen.getByRole('navigation', { name: 'Main menu' });
    expect(within(tabs).getByRole('link', { name: 'Home' })).toHaveAttribute('aria-current', 'page');
    expect(document.title).toBe('Home – OpenDVC');
    expect(calls.map((call) => call.command)).not.toContain('documents');
  });

  it('shows the staff side its service desk for a citizen’s route', async () => {
    const { calls } = openApp('/inbox', {
      session_state: () => fixtures.session({ signedIn: false, profile: undefined, staff: agentSignedIn }),
      tally: () => ({ day: '2026-11-29', peopleHelped: 0, submissions: 0, sent: 0, waiting: 0, needsAttention: 0, perService: {}, serviceNames: {}, entries: [] }),
    });
    expect(await screen.findByRole('heading', { name: 'Bưu cục Hải Châu' })).toBeInTheDocument();
    expect(document.title).toBe('Service desk – OpenDVC');
    expect(calls.map((call) => call.command)).not.toContain('inbox');
  });
});

describe('a screen’s code', () => {
  it('loads the first time the screen is shown, which says it is loading meanwhile', async () => {
    // A fresh copy of the app's modules, in which no screen has been loaded yet.
    vi.resetModules();
    const routes = await import('../src/routes');
    const { default: RouteScreen } = await import('../src/components/RouteScreen.svelte');
    const { cleanup, render } = await import('@testing-library/svelte');
    fakeCore({ inbox: () => [] });
    expect(routes.loadedScreen('inbox')).toBeUndefined();
    render(RouteScreen, { props: { name: 'inbox', props: {} } });
    expect(screen.getByRole('status')).toHaveTextContent('Đang tải');
    expect(await screen.findByRole('heading', { name: 'Hộp thư' })).toBeInTheDocument();
    const loaded = routes.loadedScreen('inbox');
    expect(loaded, 'the screen is kept once loaded').toBeDefined();
    expect(await routes.loadScreen('inbox')).toBe(loaded);
    cleanup();
  });
});
