import { screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Settings } from '../src/lib/backend/views';
import * as fixtures from './fixtures';
import { emit } from '@tauri-apps/api/event';
import { appListening, coreChanged, openApp } from './harness';

describe('settings', () => {
  it('switches the whole app to another language at once and saves the choice', async () => {
    const saved: Settings[] = [];
    openApp('/settings', {
      settings: () => fixtures.settings,
      save_settings: (args) => {
        saved.push(args.settings as Settings);
        return args.settings;
      },
    });
    const user = userEvent.setup();
    expect(await screen.findByRole('heading', { name: 'Settings' })).toBeInTheDocument();
    await user.click(await screen.findByLabelText('Tiếng Việt'));
    expect(screen.getByRole('heading', { name: 'Cài đặt' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Trang chủ' })).toBeInTheDocument();
    expect(document.documentElement.lang).toBe('vi');
    await user.click(screen.getByLabelText('Bahasa Indonesia'));
    expect(screen.getByRole('heading', { name: 'Pengaturan' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Beranda' })).toBeInTheDocument();
    expect(document.documentElement.lang).toBe('id');
    await waitFor(() => expect(saved.map((settings) => settings.language)).toEqual(['vi', 'id']));
  });

  it('saves notification categories and quiet hours, and checks the times', async () => {
    const saved: Settings[] = [];
    openApp('/settings', {
      settings: () => fixtures.settings,
      save_settings: (args) => {
        saved.push(args.settings as Settings);
        return args.settings;
      },
    });
    const user = userEvent.setup();
    await user.click(await screen.findByLabelText('Notices from the city'));
    await user.click(screen.getByLabelText('Quiet hours'));
    const from = screen.getByLabelText('From');
    await user.clear(from);
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Enter a time like 22:00');
    expect(saved).toEqual([]);
    await user.type(from, '21:30');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Settings saved.')).toBeInTheDocument();
    expect(saved).toEqual([
      {
        language: 'en',
        categories: { status: true, delivery: true, renewal: true, notice: true },
        quietHours: { from: '21:30', to: '06:00' },
        tokenStorage: 'private_file',
        keepInTray: true,
        openAtLogin: false,
        textSize: 100,
        highContrast: false,
      },
    ]);
  });

  it('enlarges the text and switches on high contrast at once, and saves both for the device', async () => {
    const saved: Settings[] = [];
    openApp('/settings', {
      settings: () => fixtures.settings,
      save_settings: (args) => {
        saved.push(args.settings as Settings);
        return args.settings;
      },
    });
    const user = userEvent.setup();
    await user.click(await screen.findByLabelText('200%'));
    await waitFor(() => expect(document.documentElement.style.getPropertyValue('--text-scale')).toBe('2'));
    expect(document.documentElement.dataset.text).toBe('large');
    await user.click(screen.getByLabelText(/High contrast/));
    await waitFor(() => expect(document.documentElement.dataset.contrast).toBe('high'));
    await user.click(screen.getByLabelText(/Keep running in the system tray/));
    await user.click(screen.getByLabelText('Open OpenDVC when I log in to this computer'));
    await waitFor(() => expect(saved).toHaveLength(4));
    expect(saved[3]).toMatchObject({ textSize: 200, highContrast: true, keepInTray: false, openAtLogin: true });
    await user.click(screen.getByLabelText('100% (as this computer)'));
    await waitFor(() => expect(document.documentElement.style.getPropertyValue('--text-scale')).toBe('1'));
    expect(document.documentElement.dataset.text).toBeUndefined();
  });

  it('says where the sign-in is kept: the system keyring, or a file only the person can read', async () => {
    openApp('/settings', { settings: () => ({ ...fixtures.settings, tokenStorage: 'keyring' }) });
    expect(await screen.findByText('Your sign-in is stored in: the system keyring.')).toBeInTheDocument();
  });

  it('names the private file when the device has no keyring', async () => {
    openApp('/settings', { settings: () => fixtures.settings });
    expect(await screen.findByText(/stored in: a file only you can read/)).toBeInTheDocument();
  });

  it('shows the saved quiet hours', async () => {
    openApp('/settings', { settings: () => ({ ...fixtures.settings, quietHours: { from: '21:00', to: '07:30' } }) });
    expect(await screen.findByLabelText('Quiet hours')).toBeChecked();
    expect(screen.getByLabelText('From')).toHaveValue('21:00');
    expect(screen.getByLabelText('To')).toHaveValue('07:30');
  });

  it('clears this device only after the person confirms, then shows the sign-in page', async () => {
    let cleared = false;
    openApp('/settings', {
      session_state: () => (cleared ? fixtures.session({ signedIn: false, profile: undefined }) : fixtures.session()),
      settings: () => fixtures.settings,
      clear_device: () => {
        cleared = true;
        return fixtures.session({ signedIn: false, profile: undefined });
      },
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Remove my data from this device' }));
    expect(cleared).toBe(false);
    await user.click(screen.getByRole('button', { name: 'Remove my data from this device' }));
    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
    expect(cleared).toBe(true);
  });

  it('signs out after confirming', async () => {
    openApp('/settings', {
      settings: () => fixtures.settings,
      sign_out: () => fixtures.session({ signedIn: false, profile: undefined }),
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Sign out' }));
    expect(screen.getByRole('alertdialog')).toHaveTextContent('Items waiting to send stay on this device');
    await user.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
  });
});

describe('connectivity', () => {
  it('shows the offline banner as soon as the core reports the connection lost', async () => {
    let online = true;
    openApp('/', { session_state: () => fixtures.session({ online }), dashboard: () => fixtures.dashboard() });
    expect(await screen.findByText('Online')).toBeInTheDocument();
    expect(screen.queryByText(/You are offline/)).toBeNull();
    online = false;
    await coreChanged('connectivity');
    expect(await screen.findByText(/You are offline. You see what was saved on this device/)).toBeInTheDocument();
    expect(screen.getByText('Offline')).toBeInTheDocument();
  });

  it('sets the page language from the session', async () => {
    openApp('/', { session_state: () => fixtures.session({ language: 'id' }), dashboard: () => fixtures.dashboard() });
    expect(await screen.findByRole('heading', { name: /Halo, Nguyễn Thị Lan/ })).toBeInTheDocument();
    expect(document.documentElement.lang).toBe('id');
  });
});

describe('navigation', () => {
  it('names the screen in the window title and moves focus to the new content', async () => {
    openApp('/', { dashboard: () => fixtures.dashboard(), inbox: () => [] });
    await screen.findByText(/Nothing needs you now/);
    expect(document.title).toBe('Home – OpenDVC');
    await userEvent.setup().click(screen.getByRole('link', { name: 'Inbox' }));
    expect(await screen.findByText('No messages yet.')).toBeInTheDocument();
    expect(document.title).toBe('Inbox – OpenDVC');
    expect(screen.getByRole('main')).toHaveFocus();
  });
});

describe('deep links and start-up', () => {
  it('opens the screen a deep link names, and ignores one it does not know', async () => {
    const { calls } = openApp('/', { dashboard: () => fixtures.dashboard(), application: () => fixtures.applicationView() });
    await screen.findByText(/Nothing needs you now/);
    await appListening(calls);
    await emit('app://navigate', { path: 'settings/../../etc' });
    expect(window.location.hash).toBe('#/');
    await emit('app://navigate', { path: `applications/${fixtures.application().id}` });
    expect(await screen.findByRole('heading', { name: 'Renew a citizen ID card' })).toBeInTheDocument();
    expect(window.location.hash).toBe(`#/applications/${fixtures.application().id}`);
  });

  it('marks when the dashboard is first on screen', async () => {
    performance.clearMarks('opendvc:dashboard-rendered');
    openApp('/', { dashboard: () => fixtures.dashboard() });
    await screen.findByText(/Nothing needs you now/);
    await waitFor(() => expect(performance.getEntriesByName('opendvc:dashboard-rendered')).toHaveLength(1));
  });
});
