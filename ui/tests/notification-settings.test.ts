// How the portal reaches the resident: per kind of notice by the app, SMS and e-mail, and the
// quiet hours for SMS. Read from and saved to the portal; offline nothing typed is lost.

import { screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { NotificationSettings } from '../src/lib/backend/types';
import type { NotificationSettingsView } from '../src/lib/backend/views';
import { i18n, t } from '../src/lib/i18n.svelte';
import * as fixtures from './fixtures';
import { fails, openApp, type Handlers } from './harness';

const all = { app: true, sms: true, email: true };

function stored(emailAvailable = true, overrides: Partial<NotificationSettings> = {}): NotificationSettingsView {
  return {
    emailAvailable,
    settings: {
      status: { ...all },
      delivery: { ...all },
      renewal: { ...all },
      quietHours: { enabled: true, start: '21:00', end: '07:00' },
      ...overrides,
    },
  };
}

async function open(handlers: Handlers) {
  const view = openApp('/settings/notifications', handlers);
  await waitFor(() => expect(i18n.lang).toBe('en'));
  await screen.findByRole('heading', { name: t('ui-notify-title'), level: 1 });
  return view;
}

/** The switch of one channel inside the fieldset of one kind of notice. */
async function channelSwitch(category: string, channel: string) {
  const group = await screen.findByRole('group', { name: t(category) });
  return within(group).getByRole('switch', { name: t(channel) });
}

describe('notification settings', () => {
  it('is reached from the settings screen', async () => {
    openApp('/settings', { settings: () => fixtures.settings });
    await waitFor(() => expect(i18n.lang).toBe('en'));
    expect(await screen.findByRole('link', { name: t('ui-notify-title') })).toHaveAttribute('href', '#/settings/notifications');
  });

  it('shows each kind of notice with its three channels as the portal holds them', async () => {
    await open({ notification_settings: () => stored(true, { renewal: { app: true, sms: false, email: true } }) });
    for (const category of ['ui-notify-category-status', 'ui-notify-category-delivery', 'ui-notify-category-renewal']) {
      for (const channel of ['ui-notify-channel-app', 'ui-notify-channel-sms', 'ui-notify-channel-email']) {
        expect(await channelSwitch(category, channel), `${category} ${channel} can be switched`).toBeEnabled();
      }
    }
    expect(await channelSwitch('ui-notify-category-renewal', 'ui-notify-channel-sms'), 'renewal SMS shows as off').not.toBeChecked();
    expect(await channelSwitch('ui-notify-category-status', 'ui-notify-channel-sms'), 'status SMS shows as on').toBeChecked();
    expect(screen.getByLabelText(t('ui-settings-quiet-from')), 'quiet hours start').toHaveValue('21:00');
    expect(screen.getByLabelText(t('ui-settings-quiet-to')), 'quiet hours end').toHaveValue('07:00');
  });

  it('disables e-mail with the reason when the profile has no address', async () => {
    await open({ notification_settings: () => stored(false) });
    const email = await channelSwitch('ui-notify-category-status', 'ui-notify-channel-email');
    expect(email, 'e-mail cannot be chosen without an address').toBeDisabled();
    expect(email, 'the switch is described by the reason').toHaveAccessibleDescription(t('ui-notify-no-email'));
    expect(await channelSwitch('ui-notify-category-status', 'ui-notify-channel-sms'), 'SMS still can').toBeEnabled();
  });

  it('saves SMS for status switched off and confirms it', async () => {
    const user = userEvent.setup();
    const view = await open({
      notification_settings: () => stored(),
      save_notification_settings: (args) => ({ emailAvailable: true, settings: (args as { settings: NotificationSettings }).settings }),
    });
    await user.click(await channelSwitch('ui-notify-category-status', 'ui-notify-channel-sms'));
    await user.click(screen.getByRole('button', { name: t('ui-save') }));
    expect(await screen.findByText(t('ui-notify-saved')), 'the save is confirmed').toBeInTheDocument();
    const saved = view.calls.find((call) => call.command === 'save_notification_settings');
    expect(saved?.args, 'only status SMS changed').toEqual({
      settings: { ...stored().settings, status: { app: true, sms: false, email: true } },
    });
  });

  it('says the settings cannot be changed offline and keeps what was typed', async () => {
    const user = userEvent.setup();
    await open({ notification_settings: () => stored(), save_notification_settings: fails('offline') });
    const sms = await channelSwitch('ui-notify-category-delivery', 'ui-notify-channel-sms');
    await user.click(sms);
    await user.click(screen.getByRole('switch', { name: t('ui-notify-quiet-switch') }));
    await user.click(screen.getByRole('button', { name: t('ui-save') }));
    expect(await screen.findByText(t('ui-notify-offline')), 'offline is said in words of its own').toBeInTheDocument();
    expect(await channelSwitch('ui-notify-category-delivery', 'ui-notify-channel-sms'), 'the switched-off SMS stays off').not.toBeChecked();
    expect(screen.getByRole('switch', { name: t('ui-notify-quiet-switch') }), 'quiet hours stay off').not.toBeChecked();
  });

  it('says why nothing is shown when opened offline', async () => {
    await open({ notification_settings: fails('offline') }).catch(() => undefined);
    expect(await screen.findByText(t('ui-notify-offline-load'))).toBeInTheDocument();
  });

  it('refuses quiet hours that are not a time before sending', async () => {
    const user = userEvent.setup();
    const view = await open({ notification_settings: () => stored(true, { quietHours: { enabled: true, start: '', end: '07:00' } }) });
    await user.click(await screen.findByRole('button', { name: t('ui-save') }));
    expect(await screen.findAllByText(t('ui-settings-time-invalid'))).not.toHaveLength(0);
    expect(view.calls.map((call) => call.command), 'nothing was sent').not.toContain('save_notification_settings');
  });

  it('is not offered in an assisted session on a shared device', async () => {
    const view = openApp('/settings/notifications', {
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
      notification_settings: () => stored(),
    });
    await waitFor(() => expect(i18n.lang).toBe('en'));
    expect(await screen.findByRole('heading', { name: t('ui-not-found-title') })).toBeInTheDocument();
    expect(view.calls.map((call) => call.command)).not.toContain('notification_settings');
  });
});
