// axe-core over each main screen in jsdom. Colour contrast needs real layout, so it is checked
// in the real webview by the end-to-end tests; everything else (names, labels, roles, ARIA,
// landmarks, headings) is checked here, where a failure is quick to find.

import { screen } from '@testing-library/svelte';
import axe from 'axe-core';
import { describe, expect, it } from 'vitest';
import * as fixtures from './fixtures';
import { openApp, type Handlers } from './harness';

const core: Handlers = {
  dashboard: () =>
    fixtures.dashboard({
      needsAction: [fixtures.applicationView({ status: 'supplement_requested' })],
      waitingToSend: [fixtures.queueItem()],
      nextRenewals: [fixtures.walletEntry.validity],
    }),
  applications: () => ({ items: [fixtures.applicationView()] }),
  application: () => fixtures.applicationView(),
  catalog: () => ({ version: '1', items: [fixtures.procedure] }),
  procedure: () => fixtures.procedure,
  admin_units: () => fixtures.adminUnits,
  documents: () => [fixtures.walletEntry],
  inbox: () => [fixtures.inboxEntry],
  queue: () => [fixtures.queueItem({ state: 'sending', progress: { sent: 10, total: 100 } })],
  feedback_screen: () =>
    fixtures.feedbackScreen({
      items: [fixtures.feedbackView(fixtures.answeredFeedback()), fixtures.feedbackView(fixtures.feedback({ id: '0193f00d-0000-7000-8000-000000000002' }))],
      queued: [{ queueItemId: '0193f00d-0000-7000-8000-0000000000a1', category: 'environment', description: 'Rác', photos: 1, state: 'queued' }],
    }),
  feedback_services: () => ({ services: fixtures.feedbackServices }),
  feedback_item: () => fixtures.feedbackView(fixtures.answeredFeedback()),
  settings: () => ({ ...fixtures.settings, quietHours: { from: '22:00', to: '06:00' } }),
  notification_settings: () => ({
    emailAvailable: false,
    settings: {
      status: { app: true, sms: false, email: true },
      delivery: { app: true, sms: true, email: true },
      renewal: { app: true, sms: true, email: true },
      quietHours: { enabled: true, start: '21:00', end: '07:00' },
    },
  }),
};

const SCREENS: [string, string, RegExp][] = [
  ['home', '/', /Needs your attention/],
  ['applications', '/applications', /Renew a citizen ID card/],
  ['application detail', `/applications/${fixtures.application().id}`, /What has happened/],
  ['services', '/services', /Renew a citizen ID card/],
  ['procedure', '/services/id-card-renewal', /Documents you need/],
  ['apply task list', '/apply/id-card-renewal', /Check and send/],
  ['apply details', '/apply/id-card-renewal/details', /Full name/],
  ['apply documents', '/apply/id-card-renewal/documents', /Your current ID card/],
  ['apply delivery', '/apply/id-card-renewal/delivery', /How do you want to get the result/],
  ['documents', '/documents', /Renew soon/],
  ['inbox', '/inbox', /Your result is ready/],
  ['queue', '/queue', /Sending/],
  ['feedback', '/feedback', /Feedback you sent/],
  ['new feedback', '/feedback/new', /What is it about/],
  ['feedback item', `/feedback/${fixtures.feedback().id}`, /The agency’s answer/],
  ['settings', '/settings', /Quiet hours/],
  ['notification settings', '/settings/notifications', /Quiet hours for SMS/],
];

describe.each(SCREENS)('the %s screen', (_name, route, ready) => {
  it('has no accessibility violation that axe can find without layout', async () => {
    openApp(route, core);
    await screen.findAllByText(ready);
    const result = await axe.run(document.body, {
      rules: { 'color-contrast': { enabled: false } },
      resultTypes: ['violations'],
    });
    const violations = result.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
    expect(violations).toEqual([]);
  });
});

it('signs in on an accessible page', async () => {
  openApp('/', { session_state: () => fixtures.session({ signedIn: false, profile: undefined }) });
  await screen.findByRole('heading', { name: 'Sign in' });
  const result = await axe.run(document.body, { rules: { 'color-contrast': { enabled: false } }, resultTypes: ['violations'] });
  expect(result.violations.map((violation) => violation.id)).toEqual([]);
});
