import { screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { dashboard, session, settings } from './fixtures';
import { fails, openApp, refuses } from './harness';
import { errorMessage } from '../src/lib/labels';

const signedOut = () => session({ signedIn: false, profile: undefined, language: 'vi' });

describe('sign-in', () => {
  it('refuses an ID number the core’s rule refuses, with an error summary and an inline error', async () => {
    const { calls } = openApp('/', { session_state: signedOut, check_field: refuses({ id_number: { '12345': 'field-id-number-invalid' } }) });
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('Số định danh cá nhân'), '12345');
    await user.click(screen.getByRole('button', { name: 'Gửi mã cho tôi' }));
    const summary = await screen.findByRole('alert');
    expect(summary).toHaveTextContent('Có vấn đề cần sửa');
    expect(summary).toHaveTextContent('Nhập số định danh cá nhân gồm 12 chữ số');
    expect(screen.getByLabelText('Số định danh cá nhân')).toHaveAttribute('aria-invalid', 'true');
    expect(calls.filter((call) => call.command === 'check_field').map((call) => call.args)).toEqual([{ kind: 'id_number', value: '12345' }]);
    expect(calls.some((call) => call.command === 'request_otp')).toBe(false);
  });

  it('asks for a code, then signs in and shows the home screen', async () => {
    let signedIn = false;
    const { calls } = openApp('/', {
      session_state: () => (signedIn ? session() : signedOut()),
      request_otp: () => ({ expiresIn: 300, channel: 'sms' }),
      sign_in: () => {
        signedIn = true;
        return session();
      },
      dashboard: () => dashboard(),
    });
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('Số định danh cá nhân'), '048 090 001 234');
    await user.click(screen.getByRole('button', { name: 'Gửi mã cho tôi' }));
    await user.type(await screen.findByLabelText('Mã trong tin nhắn'), '123456');
    await user.click(screen.getByRole('button', { name: 'Đăng nhập' }));
    expect(await screen.findByRole('heading', { name: /Nguyễn Thị Lan/ })).toBeInTheDocument();
    expect(calls.find((call) => call.command === 'request_otp')?.args).toEqual({ idNumber: '048090001234' });
    expect(calls.find((call) => call.command === 'sign_in')?.args).toEqual({ idNumber: '048090001234', otp: '123456' });
  });

  it('says the code is wrong next to the code field', async () => {
    openApp('/', {
      session_state: signedOut,
      request_otp: () => ({ expiresIn: 300, channel: 'sms' }),
      sign_in: fails('otp_invalid'),
    });
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('Số định danh cá nhân'), '048090001234');
    await user.click(screen.getByRole('button', { name: 'Gửi mã cho tôi' }));
    await user.type(await screen.findByLabelText('Mã trong tin nhắn'), '000000');
    await user.click(screen.getByRole('button', { name: 'Đăng nhập' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(errorMessage({ code: 'otp_invalid' }));
  });

  it('sends a new code on request', async () => {
    const { calls } = openApp('/', { session_state: signedOut, request_otp: () => ({ expiresIn: 300, channel: 'sms' }) });
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('Số định danh cá nhân'), '048090001234');
    await user.click(screen.getByRole('button', { name: 'Gửi mã cho tôi' }));
    await user.click(await screen.findByRole('button', { name: 'Gửi lại mã mới' }));
    expect(await screen.findByText('Đã gửi mã mới. Hãy dùng mã mới nhất.')).toBeInTheDocument();
    expect(calls.filter((call) => call.command === 'request_otp')).toHaveLength(2);
  });

  it('says so when the code cannot be requested offline', async () => {
    openApp('/', { session_state: signedOut, request_otp: fails('offline') });
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('Số định danh cá nhân'), '048090001234');
    await user.click(screen.getByRole('button', { name: 'Gửi mã cho tôi' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Bạn đang không có mạng');
  });

  it('switches the language of the sign-in page at once, and tells the core', async () => {
    const saved: unknown[] = [];
    openApp('/', {
      session_state: signedOut,
      settings: () => settings,
      save_settings: (args) => {
        saved.push((args.settings as { language: string }).language);
        return args.settings;
      },
    });
    const user = userEvent.setup();
    await screen.findByRole('heading', { name: 'Đăng nhập' });
    await user.click(screen.getByRole('button', { name: 'English' }));
    expect(screen.getByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
    await waitFor(() => expect(document.documentElement.lang).toBe('en'));
    await user.click(screen.getByRole('button', { name: 'Bahasa Indonesia' }));
    expect(screen.getByRole('heading', { name: 'Masuk' })).toBeInTheDocument();
    expect(document.documentElement.lang).toBe('id');
    await waitFor(() => expect(saved).toEqual(['en', 'id']));
  });
});

describe('an ended session', () => {
  it('brings the sign-in page back when a screen finds the person signed out', async () => {
    let signedIn = true;
    openApp('/applications', {
      session_state: () => (signedIn ? session() : signedOut()),
      applications: () => {
        signedIn = false;
        return Promise.reject({ code: 'not_signed_in', message: 'signed out' });
      },
    });
    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
  });
});
