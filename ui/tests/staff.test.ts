// Shared devices ("staff mode"): a DVC agent at a post office or a volunteer at an outreach
// event signs in, serves one citizen after another in assisted sessions, and the device locks
// itself when left alone. The real App runs against the fake core of ./harness.ts.

import { screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { StaffProfile } from '../src/lib/backend/types';
import type { AssistedSessionView, Receipt, SessionState, StaffStatus, Tally } from '../src/lib/backend/views';
import { app } from '../src/lib/app.svelte';
import { i18n, t } from '../src/lib/i18n.svelte';
import { errorMessage } from '../src/lib/labels';
import {
  atPostOffice,
  countdown,
  deviceLocked,
  inAssistedSession,
  lockWhenIdle,
  staff,
  staffSignedIn,
} from '../src/lib/staff.svelte';
import * as fixtures from './fixtures';
import { emit } from '@tauri-apps/api/event';
import { appListening, coreChanged, fails, openApp, refuses, type Handlers } from './harness';

const agent: StaffProfile = { code: 'BDDN-HC-01', name: 'Trần Văn Minh', kind: 'agent', organisation: 'Bưu điện Hải Châu' };

const assisted: AssistedSessionView = {
  id: '0193a1b2-0000-7000-8000-0000000000s1',
  citizenInitials: 'N.T.L.',
  venue: 'Bưu cục Hải Châu',
  expiresAt: '2026-11-29T09:30:00+07:00',
  secondsLeft: 1800,
  canRead: true,
};

function staffStatus(overrides: Partial<StaffStatus> = {}): StaffStatus {
  return { staff: agent, signedIn: true, venue: { kind: 'post_office', name: 'Bưu cục Hải Châu' }, locked: false, ...overrides };
}

/** A shared device with the agent signed in and no citizen being served. */
function staffSession(status: Partial<StaffStatus> = {}, overrides: Partial<SessionState> = {}): SessionState {
  return fixtures.session({ signedIn: false, profile: undefined, staff: staffStatus(status), ...overrides });
}

/** A shared device serving a citizen: the session's profile is the citizen's. */
function assistedSession(view: Partial<AssistedSessionView> = {}, status: Partial<StaffStatus> = {}): SessionState {
  return fixtures.session({ staff: staffStatus({ session: { ...assisted, ...view }, ...status }) });
}

/** A device nobody has signed in to yet. */
function freshDevice(): SessionState {
  return fixtures.session({ signedIn: false, profile: undefined });
}

/** A shared device a staff member used before, nobody signed in now. */
function signedOutDevice(): SessionState {
  return fixtures.session({ signedIn: false, profile: undefined, staff: { staff: agent, signedIn: false, locked: false } });
}

const tally: Tally = {
  day: '2026-11-29',
  venue: 'Bưu cục Hải Châu',
  peopleHelped: 3,
  submissions: 4,
  sent: 2,
  waiting: 1,
  needsAttention: 1,
  perService: {
    'id-card-renewal': { sent: 2, waiting: 1, needsAttention: 0 },
    'birth-registration': { sent: 0, waiting: 0, needsAttention: 1 },
  },
  serviceNames: { 'id-card-renewal': fixtures.procedure.name },
  entries: [
    { sessionId: 's-1', citizenInitials: 'N.T.L.', procedureId: 'id-card-renewal', state: 'sent', applicationCode: '000.17.48.H17-261129-0001' },
    { sessionId: 's-2', citizenInitials: 'P.V.H.', procedureId: 'id-card-renewal', state: 'waiting' },
    { sessionId: 's-3', citizenInitials: 'L.T.M.', procedureId: 'birth-registration', state: 'needs_attention' },
  ],
};

const QR_SVG = '<svg xmlns="http://www.w3.org/2000/svg" id="qr-from-core" viewBox="0 0 21 21"><rect width="7" height="7"/></svg>';

function receipt(lang: 'vi' | 'en' | 'id' = 'en'): Receipt {
  return {
    lang,
    title: lang === 'vi' ? 'Giấy biên nhận hồ sơ' : 'Application receipt',
    applicationCode: '000.17.48.H17-261129-0001',
    lines: [
      { label: lang === 'vi' ? 'Thủ tục' : 'Procedure', value: lang === 'vi' ? 'Cấp đổi thẻ căn cước' : 'Renew a citizen ID card' },
      { label: lang === 'vi' ? 'Hẹn trả' : 'Due', value: '2026-12-03' },
    ],
    followUp: lang === 'vi' ? 'Tra cứu hồ sơ bằng mã QR.' : 'Follow the application with the QR code.',
    servedBy: 'Trần Văn Minh, Bưu cục Hải Châu',
    lookupLink: 'https://dvc.danang.gov.vn/s/000.17.48.H17-261129-0001',
    qrCaption: lang === 'vi' ? 'Quét để tra cứu' : 'Scan to follow',
    qrSvg: QR_SVG,
  };
}

/** Opens the app and waits for it to switch to the session's language (English), so `t()`
 * gives the text on screen. */
async function open(route: string, handlers: Handlers) {
  const view = openApp(route, handlers);
  await waitFor(() => expect(i18n.lang).toBe('en'));
  return view;
}

const called = (calls: { command: string; args: Record<string, unknown> }[], command: string) =>
  calls.filter((call) => call.command === command).map((call) => call.args);

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('staff sign-in', () => {
  it('opens on the staff sign-in on a shared device nobody is signed in to, with the last staff code filled in', async () => {
    await open('/', { session_state: signedOutDevice });
    expect(await screen.findByRole('heading', { name: t('ui-staff-signin-title') })).toBeInTheDocument();
    expect(screen.getByLabelText(t('ui-staff-code'))).toHaveValue('BDDN-HC-01');
  });

  it('refuses to sign in without a staff code and a password, saying so at the top and by each field', async () => {
    const { calls } = await open('/staff', { session_state: freshDevice });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: t('ui-staff-signin-submit') }));
    const summary = await screen.findByRole('alert');
    const links = within(summary).getAllByRole('link').map((link) => link.textContent?.trim());
    expect(links).toEqual([t('ui-staff-code-missing'), t('ui-staff-password-missing')]);
    expect(screen.getAllByText(t('ui-staff-code-missing'))).toHaveLength(2);
    expect(screen.getAllByText(t('ui-staff-password-missing'))).toHaveLength(2);
    expect(called(calls, 'staff_sign_in')).toEqual([]);
  });

  it('asks for the event’s name, commune and date when serving at an outreach event', async () => {
    const { calls } = await open('/staff', { session_state: freshDevice, admin_units: () => fixtures.adminUnits });
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText(t('ui-staff-code')), 'TNXH-HC-07');
    await user.type(screen.getByLabelText(t('ui-staff-password')), 'mat-khau-7');
    await user.click(screen.getByLabelText(t('ui-staff-where-event')));
    await screen.findByLabelText(t('ui-address-unit-search'));
    await user.clear(screen.getByLabelText(t('ui-staff-event-date')));
    await user.click(screen.getByRole('button', { name: t('ui-staff-signin-submit') }));
    const summary = await screen.findByRole('alert');
    const links = within(summary).getAllByRole('link').map((link) => link.textContent?.trim());
    expect(links).toEqual([t('ui-staff-event-name-missing'), t('ui-staff-event-unit-missing'), t('ui-staff-event-date-missing')]);
    expect(called(calls, 'staff_sign_in')).toEqual([]);
    expect(called(calls, 'admin_units')).toHaveLength(1);
  });

  it('signs an agent in at the post office typed, with exactly the code and password given, and opens the service desk', async () => {
    let signedIn = false;
    const { calls } = await open('/staff', {
      session_state: () => (signedIn ? staffSession({ venue: { kind: 'post_office', name: 'Bưu cục Hòa Cường' } }) : freshDevice()),
      staff_sign_in: () => {
        signedIn = true;
        return staffSession({ venue: { kind: 'post_office', name: 'Bưu cục Hòa Cường' } });
      },
      tally: () => tally,
    });
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText(t('ui-staff-code')), '  BDDN-HC-01 ');
    await user.type(screen.getByLabelText(t('ui-staff-password')), 'mat-khau-1');
    await user.type(screen.getByLabelText(new RegExp(t('ui-staff-post-office'))), ' Bưu cục Hòa Cường ');
    await user.click(screen.getByRole('button', { name: t('ui-staff-signin-submit') }));
    expect(await screen.findByRole('heading', { name: 'Bưu cục Hòa Cường' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: t('ui-staff-serve') })).toHaveAttribute('href', '#/serve');
    expect(called(calls, 'staff_sign_in')).toStrictEqual([
      { signIn: { code: 'BDDN-HC-01', password: 'mat-khau-1', postOffice: 'Bưu cục Hòa Cường' } },
    ]);
  });

  it('leaves the post office out when the agent serves at their own, and sends the previous password when given', async () => {
    const { calls } = await open('/staff', { session_state: freshDevice, staff_sign_in: () => staffSession(), tally: () => tally });
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText(t('ui-staff-code')), 'BDDN-HC-01');
    await user.type(screen.getByLabelText(t('ui-staff-password')), 'moi-2026');
    await user.click(screen.getByText(t('ui-staff-password-changed')));
    await user.type(screen.getByLabelText(t('ui-staff-previous-password')), 'cu-2025');
    await user.click(screen.getByRole('button', { name: t('ui-staff-signin-submit') }));
    await screen.findByRole('link', { name: t('ui-staff-serve') });
    expect(called(calls, 'staff_sign_in')).toStrictEqual([
      { signIn: { code: 'BDDN-HC-01', password: 'moi-2026', previousPassword: 'cu-2025' } },
    ]);
  });

  it('signs a volunteer in for an outreach event with its name, the commune found by its former name, and its date', async () => {
    const eventVenue = { kind: 'event', name: 'Ngày hội dịch vụ công', unitCode: '20300', date: '2026-12-05' } as const;
    const { calls } = await open('/staff', {
      session_state: freshDevice,
      admin_units: () => fixtures.adminUnits,
      staff_sign_in: () => staffSession({ venue: eventVenue }),
      tally: () => tally,
    });
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText(t('ui-staff-code')), 'TNXH-HC-07');
    await user.type(screen.getByLabelText(t('ui-staff-password')), 'mat-khau-7');
    await user.click(screen.getByLabelText(t('ui-staff-where-event')));
    await user.type(screen.getByLabelText(t('ui-staff-event-name')), ' Ngày hội dịch vụ công ');
    await user.type(await screen.findByLabelText(t('ui-address-unit-search')), 'huyen hoa vang');
    await user.click(screen.getByRole('radio', { name: /Xã Hòa Vang/ }));
    const date = screen.getByLabelText(t('ui-staff-event-date'));
    await user.clear(date);
    await user.type(date, '2026-12-05');
    await user.click(screen.getByRole('button', { name: t('ui-staff-signin-submit') }));
    expect(await screen.findByRole('heading', { name: 'Ngày hội dịch vụ công' })).toBeInTheDocument();
    expect(called(calls, 'staff_sign_in')).toStrictEqual([
      { signIn: { code: 'TNXH-HC-07', password: 'mat-khau-7', event: { name: 'Ngày hội dịch vụ công', unitCode: '20300', date: '2026-12-05' } } },
    ]);
    // The event's tally is the event's day.
    await waitFor(() => expect(called(calls, 'tally').at(-1)).toEqual({ day: '2026-12-05' }));
  });

  it('shows the core’s reason when the sign-in is refused, and keeps the form', async () => {
    await open('/staff', { session_state: freshDevice, staff_sign_in: fails('password_wrong', 'The staff code or password is wrong') });
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText(t('ui-staff-code')), 'BDDN-HC-01');
    await user.type(screen.getByLabelText(t('ui-staff-password')), 'sai');
    await user.click(screen.getByRole('button', { name: t('ui-staff-signin-submit') }));
    expect(await screen.findByRole('alert')).toHaveTextContent('The staff code or password is wrong');
    expect(screen.getByRole('heading', { name: t('ui-staff-signin-title') })).toBeInTheDocument();
    expect(screen.getByLabelText(t('ui-staff-password'))).toHaveValue('');
  });
});

describe('serving a citizen', () => {
  it('sends the citizen a consent code, then opens the session with the code they read out', async () => {
    let open_ = false;
    const { calls } = await open('/serve', {
      session_state: () => (open_ ? assistedSession() : staffSession()),
      request_consent_code: () => ({ expiresIn: 300, channel: 'sms' }),
      open_assisted_session: () => {
        open_ = true;
        return assistedSession();
      },
      dashboard: () => fixtures.dashboard(),
    });
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText(t('ui-serve-id-label')), '048 090 001 234');
    expect(screen.getByLabelText(new RegExp(t('ui-serve-consent-otp')))).toBeChecked();
    await user.click(screen.getByRole('button', { name: t('ui-serve-send-code') }));
    expect(await screen.findByText(t('ui-serve-code-sent'))).toBeInTheDocument();
    expect(called(calls, 'request_consent_code')).toEqual([{ idNumber: '048090001234' }]);
    expect(called(calls, 'open_assisted_session')).toEqual([]);

    await user.type(screen.getByLabelText(t('ui-serve-otp-label')), '654321');
    await user.click(screen.getByRole('button', { name: t('ui-serve-open') }));
    const banner = await screen.findByRole('region', { name: t('ui-session-banner-label') });
    expect(banner).toHaveTextContent(t('ui-session-serving', { initials: 'N.T.L.' }));
    expect(called(calls, 'open_assisted_session')).toEqual([
      { idNumber: '048090001234', consent: { method: 'otp', otp: '654321' } },
    ]);
    expect(window.location.hash).toBe('#/');
  });

  it('says the consent code is wrong next to the code field', async () => {
    await open('/serve', {
      session_state: () => staffSession(),
      request_consent_code: () => ({ expiresIn: 300, channel: 'sms' }),
      open_assisted_session: fails('otp_invalid'),
    });
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText(t('ui-serve-id-label')), '048090001234');
    await user.click(screen.getByRole('button', { name: t('ui-serve-send-code') }));
    await user.type(await screen.findByLabelText(t('ui-serve-otp-label')), '000000');
    await user.click(screen.getByRole('button', { name: t('ui-serve-open') }));
    expect(await screen.findByRole('alert')).toHaveTextContent(errorMessage({ code: 'otp_invalid' }));
    expect(screen.queryByRole('region', { name: t('ui-session-banner-label') })).not.toBeInTheDocument();
  });

  it('opens a session on a paper consent form with its reference, without texting the citizen', async () => {
    const { calls } = await open('/serve', {
      session_state: () => staffSession(),
      open_assisted_session: () => assistedSession(),
      dashboard: () => fixtures.dashboard(),
    });
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText(t('ui-serve-id-label')), '048090001234');
    await user.click(screen.getByLabelText(new RegExp(t('ui-serve-consent-paper'))));
    await user.type(screen.getByLabelText(t('ui-serve-reference-label')), ' GIAYUQ-2026-000123 ');
    await user.click(screen.getByRole('button', { name: t('ui-serve-open') }));
    expect(await screen.findByRole('region', { name: t('ui-session-banner-label') })).toBeInTheDocument();
    expect(called(calls, 'open_assisted_session')).toEqual([
      { idNumber: '048090001234', consent: { method: 'paper', reference: 'GIAYUQ-2026-000123' } },
    ]);
    expect(called(calls, 'request_consent_code')).toEqual([]);
  });

  it('needs the consent form’s reference and a 12-digit ID number before opening a session', async () => {
    const { calls } = await open('/serve', {
      session_state: () => staffSession(),
      check_field: refuses({ id_number: { '12345': 'field-id-number-invalid' } }),
    });
    const user = userEvent.setup();
    await user.click(await screen.findByLabelText(new RegExp(t('ui-serve-consent-paper'))));
    await user.type(screen.getByLabelText(t('ui-serve-id-label')), '12345');
    await user.click(screen.getByRole('button', { name: t('ui-serve-open') }));
    expect(await screen.findByRole('alert')).toHaveTextContent(t('ui-signin-id-invalid'));
    await user.clear(screen.getByLabelText(t('ui-serve-id-label')));
    await user.type(screen.getByLabelText(t('ui-serve-id-label')), '048090001234');
    await user.click(screen.getByRole('button', { name: t('ui-serve-open') }));
    await waitFor(() => expect(screen.getByRole('alert')).toHaveTextContent(t('ui-serve-reference-missing')));
    expect(called(calls, 'open_assisted_session')).toEqual([]);
  });

  it('offers only the paper form while offline: the code option is disabled and says why', async () => {
    await open('/serve', { session_state: () => staffSession({}, { online: false }) });
    const otp = await screen.findByLabelText(new RegExp(t('ui-serve-consent-otp')));
    expect(otp).toBeDisabled();
    expect(otp).not.toBeChecked();
    expect(screen.getByLabelText(new RegExp(t('ui-serve-consent-paper')))).toBeChecked();
    expect(screen.getByText(t('ui-serve-consent-otp-offline'))).toBeInTheDocument();
    expect(screen.getByLabelText(t('ui-serve-reference-label'))).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: t('ui-serve-send-code') })).not.toBeInTheDocument();
  });
});

describe('the service desk', () => {
  it('shows the day’s totals for the post office', async () => {
    const { calls } = await open('/', { session_state: () => staffSession(), tally: () => tally });
    await screen.findByRole('heading', { name: t('ui-staff-tally-today') });
    await waitFor(() => expect(document.querySelector('[data-tally="people"]')).toHaveTextContent('3'));
    const cell = (name: string) => document.querySelector(`[data-tally="${name}"]`)?.textContent?.trim();
    expect({
      people: cell('people'),
      submissions: cell('submissions'),
      sent: cell('sent'),
      waiting: cell('waiting'),
      attention: cell('attention'),
    }).toEqual({ people: '3', submissions: '4', sent: '2', waiting: '1', attention: '1' });
    expect(called(calls, 'tally')[0]).toEqual({});
    expect(screen.getByText(t('ui-staff-signed-in-as', { name: agent.name, code: agent.code }))).toBeInTheDocument();
  });

  it('charts the submissions per service, by name where the core knows it', async () => {
    await open('/', { session_state: () => staffSession(), tally: () => tally });
    const table = await screen.findByRole('table');
    const rows = within(table)
      .getAllByRole('row')
      .slice(1)
      .map((row) => [within(row).getByRole('rowheader').textContent?.trim(), ...Array.from(row.querySelectorAll('td:not(.bar-cell)'), (td) => td.textContent?.trim())]);
    // Names where the core gave one, the id otherwise; then sent, waiting and needing
    // attention, each counted apart as in the totals.
    expect(rows).toEqual([
      ['Renew a citizen ID card', '2', '1', '0'],
      ['birth-registration', '0', '0', '1'],
    ]);
  });

  it('lists the submissions with the citizens’ initials and the application codes', async () => {
    await open('/', { session_state: () => staffSession(), tally: () => tally });
    await screen.findByRole('heading', { name: t('ui-staff-tally-entries') });
    const entries = Array.from(document.querySelectorAll('.tally-entries li'), (li) => li.textContent?.replace(/\s+/g, ' ').trim());
    // Newest first: the person just served is at the top.
    expect(entries).toHaveLength(3);
    expect(entries[2]).toContain('N.T.L.');
    expect(entries[2]).toContain('000.17.48.H17-261129-0001');
    expect(entries[2]).toContain(t('ui-queue-state-sent'));
    expect(entries[1]).toContain('P.V.H.');
    expect(entries[1]).toContain(t('ui-staff-tally-waiting'));
    expect(entries[0]).toContain('L.T.M.');
    expect(entries[0]).toContain(t('ui-queue-state-needs-attention'));
  });

  it('never shows a citizen’s full name or ID number, even when the session state still holds their profile', async () => {
    await open('/', { session_state: () => staffSession({}, { profile: fixtures.profile }), tally: () => tally });
    await screen.findByRole('table');
    await screen.findByText('000.17.48.H17-261129-0001');
    expect(document.body).not.toHaveTextContent(fixtures.profile.fullName);
    expect(document.body).not.toHaveTextContent(fixtures.profile.idNumber);
  });

  it('offers the CSV file to download only once the tally was exported', async () => {
    const blobs: Blob[] = [];
    const originalCreate = URL.createObjectURL;
    const originalRevoke = URL.revokeObjectURL;
    URL.createObjectURL = (blob: Blob | MediaSource) => {
      blobs.push(blob as Blob);
      return 'blob:tally';
    };
    URL.revokeObjectURL = () => {};
    try {
      const csv = 'service,sent,waiting,needs_attention\r\nid-card-renewal,2,1,0\r\n';
      const { calls } = await open('/', {
        session_state: () => staffSession(),
        tally: () => tally,
        tally_csv: () => ({ fileName: 'tally-2026-11-29.csv', csv }),
      });
      const user = userEvent.setup();
      const exportButton = await screen.findByRole('button', { name: t('ui-staff-tally-csv') });
      expect(document.getElementById('tally-csv-download')).toBeNull();
      await user.click(exportButton);
      const link = await screen.findByRole('link', { name: t('ui-staff-tally-csv-download') });
      expect(link).toHaveAttribute('id', 'tally-csv-download');
      expect(link).toHaveAttribute('download', 'tally-2026-11-29.csv');
      expect(link).toHaveAttribute('href', 'blob:tally');
      expect(called(calls, 'tally_csv')).toEqual([{}]);
      expect(blobs).toHaveLength(1);
      expect(await blobs[0]?.text()).toBe(csv);
    } finally {
      URL.createObjectURL = originalCreate;
      URL.revokeObjectURL = originalRevoke;
    }
  });

  it('says why the tally could not be exported', async () => {
    await open('/', { session_state: () => staffSession(), tally: () => tally, tally_csv: fails('storage') });
    await userEvent.setup().click(await screen.findByRole('button', { name: t('ui-staff-tally-csv') }));
    expect(await screen.findByRole('alert')).toHaveTextContent(errorMessage({ code: 'storage' }));
    expect(document.getElementById('tally-csv-download')).toBeNull();
  });

  it('says the session has ended when it reopens on #/ended', async () => {
    await open('/ended', { session_state: () => staffSession(), tally: () => tally });
    expect(await screen.findByRole('heading', { name: t('ui-staff-ended-title') })).toBeInTheDocument();
  });

  it('signs the staff member out and goes back to the staff sign-in', async () => {
    const { calls } = await open('/', {
      session_state: () => staffSession(),
      tally: () => tally,
      staff_sign_out: () => signedOutDevice(),
    });
    await userEvent.setup().click(await screen.findByRole('button', { name: t('ui-staff-sign-out') }));
    expect(await screen.findByRole('heading', { name: t('ui-staff-signin-title') })).toBeInTheDocument();
    expect(called(calls, 'staff_sign_out')).toHaveLength(1);
  });
});

describe('the lock screen', () => {
  it('shows the lock screen when the device is locked, and nothing of the citizen being served', async () => {
    await open('/', { session_state: () => assistedSession({}, { locked: true }), dashboard: () => fixtures.dashboard() });
    expect(await screen.findByRole('heading', { name: t('ui-lock-title') })).toBeInTheDocument();
    expect(screen.getByText(t('ui-lock-body', { name: agent.name }))).toBeInTheDocument();
    expect(screen.queryByRole('region', { name: t('ui-session-banner-label') })).not.toBeInTheDocument();
    expect(screen.queryByRole('navigation', { name: t('ui-nav-main') })).not.toBeInTheDocument();
    expect(document.body).not.toHaveTextContent('N.T.L.');
    expect(document.body).not.toHaveTextContent(fixtures.profile.fullName);
  });

  it('refuses a wrong password with the core’s message, then opens with the right one', async () => {
    let locked = true;
    const { calls } = await open('/', {
      session_state: () => staffSession({ locked }),
      unlock_device: (args) => {
        if (args.password !== 'dung-roi') return Promise.reject({ code: 'password_wrong', message: 'The password is wrong' });
        locked = false;
        return staffSession({ locked });
      },
      tally: () => tally,
    });
    const user = userEvent.setup();
    const password = await screen.findByLabelText(t('ui-staff-password'));
    await user.type(password, 'sai-roi');
    await user.click(screen.getByRole('button', { name: t('ui-lock-unlock') }));
    expect(await screen.findByRole('alert')).toHaveTextContent('The password is wrong');
    expect(screen.getByRole('heading', { name: t('ui-lock-title') })).toBeInTheDocument();
    expect(screen.getByLabelText(t('ui-staff-password'))).toHaveValue('');

    await user.type(screen.getByLabelText(t('ui-staff-password')), 'dung-roi');
    await user.click(screen.getByRole('button', { name: t('ui-lock-unlock') }));
    expect(await screen.findByRole('link', { name: t('ui-staff-serve') })).toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: t('ui-lock-title') })).not.toBeInTheDocument();
    expect(called(calls, 'unlock_device')).toEqual([{ password: 'sai-roi' }, { password: 'dung-roi' }]);
  });

  it('offers to sign in again as staff once a password was refused, which opens the device at once', async () => {
    let locked = true;
    const { calls } = await open('/', {
      session_state: () => staffSession({ locked }),
      unlock_device: () => Promise.reject({ code: 'locked', message: 'Too many wrong passwords. Wait before trying again.' }),
      staff_sign_in: () => {
        locked = false;
        return staffSession({ locked });
      },
      tally: () => tally,
    });
    const user = userEvent.setup();
    expect(screen.queryByRole('heading', { name: t('ui-lock-again-title') }), 'not before a refusal').toBeNull();
    await user.type(await screen.findByLabelText(t('ui-staff-password')), 'doan-sai');
    await user.click(screen.getByRole('button', { name: t('ui-lock-unlock') }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Too many wrong passwords');
    expect(screen.getByRole('heading', { name: t('ui-lock-again-title') })).toBeInTheDocument();
    await user.type(screen.getByLabelText(t('ui-lock-again-password')), 'mat-khau-dung');
    await user.click(screen.getByRole('button', { name: t('ui-lock-again') }));
    expect(await screen.findByRole('link', { name: t('ui-staff-serve') })).toBeInTheDocument();
    expect(called(calls, 'staff_sign_in')).toEqual([{ signIn: { code: agent.code, password: 'mat-khau-dung' } }]);
  });

  it('asks for the password before trying to unlock', async () => {
    const { calls } = await open('/', { session_state: () => staffSession({ locked: true }) });
    await userEvent.setup().click(await screen.findByRole('button', { name: t('ui-lock-unlock') }));
    expect(await screen.findByRole('alert')).toHaveTextContent(t('ui-staff-password-missing'));
    expect(called(calls, 'unlock_device')).toEqual([]);
  });

  it('locks on request from the header', async () => {
    const { calls } = await open('/', {
      session_state: () => staffSession(),
      tally: () => tally,
      lock_device: () => staffSession({ locked: true }),
    });
    await userEvent.setup().click(await screen.findByRole('button', { name: t('ui-lock-now') }));
    expect(await screen.findByRole('heading', { name: t('ui-lock-title') })).toBeInTheDocument();
    expect(called(calls, 'lock_device')).toHaveLength(1);
  });

  it('locks by itself after the idle time the core sets', async () => {
    const { calls } = await open('/', {
      session_state: () => staffSession({}, { autoLockSeconds: 1 }),
      tally: () => tally,
      lock_device: () => staffSession({ locked: true }, { autoLockSeconds: 1 }),
    });
    await screen.findByRole('link', { name: t('ui-staff-serve') });
    expect(await screen.findByRole('heading', { name: t('ui-lock-title') }, { timeout: 3000 })).toBeInTheDocument();
    expect(called(calls, 'lock_device')).toHaveLength(1);
  });

  // The core reports connectivity and session changes on its own; they are not use of the
  // device and must not restart the idle clock.
  it('still locks on time while the core keeps reporting connectivity changes', async () => {
    let locked = false;
    const { calls } = await open('/', {
      session_state: () => staffSession({ locked }, { autoLockSeconds: 2 }),
      tally: () => tally,
      lock_device: () => {
        locked = true;
        return staffSession({ locked }, { autoLockSeconds: 2 });
      },
    });
    await screen.findByRole('link', { name: t('ui-staff-serve') });
    const reports = setInterval(() => void coreChanged('connectivity'), 700);
    try {
      expect(await screen.findByRole('heading', { name: t('ui-lock-title') }, { timeout: 3500 })).toBeInTheDocument();
    } finally {
      clearInterval(reports);
    }
    expect(called(calls, 'lock_device')).toHaveLength(1);
  });
});

describe('the receipt', () => {
  const id = fixtures.application().id;
  const route = `/receipt/${id}`;

  it('shows the code and the lines, and the QR code as an image from a data: URL, never as markup', async () => {
    const { calls } = await open(route, {
      session_state: () => assistedSession(),
      receipt: () => receipt('en'),
    });
    expect(await screen.findByRole('heading', { name: 'Application receipt' })).toBeInTheDocument();
    const article = document.querySelector('article.receipt') as HTMLElement;
    expect(within(article).getByText('000.17.48.H17-261129-0001')).toBeInTheDocument();
    expect(within(article).getByText('Procedure').nextElementSibling).toHaveTextContent('Renew a citizen ID card');
    expect(within(article).getByText('Due').nextElementSibling).toHaveTextContent('2026-12-03');
    const qr = within(article).getByRole('img', { name: 'Scan to follow' });
    expect(qr.tagName).toBe('IMG');
    const src = qr.getAttribute('src') ?? '';
    expect(src.startsWith('data:image/svg+xml')).toBe(true);
    expect(decodeURIComponent(src.slice(src.indexOf(',') + 1))).toBe(QR_SVG);
    expect(article.querySelector('svg')).toBeNull();
    expect(document.getElementById('qr-from-core')).toBeNull();
    expect(called(calls, 'receipt')).toEqual([{ id }]);
  });

  it('asks the core for the receipt in the language the agent picks', async () => {
    const { calls } = await open(route, {
      session_state: () => assistedSession(),
      receipt: (args) => receipt((args.lang as 'vi' | 'en' | 'id' | undefined) ?? 'en'),
    });
    const user = userEvent.setup();
    await screen.findByRole('heading', { name: 'Application receipt' });
    const languages = screen.getByRole('group', { name: t('ui-receipt-language') });
    await user.click(within(languages).getByRole('button', { name: 'Tiếng Việt' }));
    expect(await screen.findByRole('heading', { name: 'Giấy biên nhận hồ sơ' })).toBeInTheDocument();
    expect(within(languages).getByRole('button', { name: 'Tiếng Việt' })).toHaveAttribute('aria-pressed', 'true');
    expect(called(calls, 'receipt')).toEqual([{ id }, { id, lang: 'vi' }]);
  });

  it('prints through the system print dialog the shell opens', async () => {
    const { calls } = await open(route, {
      session_state: () => assistedSession(),
      receipt: () => receipt('en'),
      print_page: () => undefined,
    });
    await screen.findByRole('heading', { name: 'Application receipt' });
    const button = document.getElementById('print-receipt') as HTMLElement;
    expect(button).toHaveTextContent(t('ui-receipt-print'));
    await userEvent.setup().click(button);
    await waitFor(() => expect(called(calls, 'print_page')).toHaveLength(1));
  });

  it('says so when the print dialog cannot be opened', async () => {
    await open(route, {
      session_state: () => assistedSession(),
      receipt: () => receipt('en'),
      print_page: fails('invalid_input', 'The print dialog could not be opened.'),
    });
    await screen.findByRole('heading', { name: 'Application receipt' });
    await userEvent.setup().click(document.getElementById('print-receipt') as HTMLElement);
    expect(await screen.findByRole('alert')).toHaveTextContent('The print dialog could not be opened.');
  });
});

describe('the session banner', () => {
  const NOW = new Date('2026-11-29T09:00:00+07:00');

  it('names the citizen by initials and counts down to the session’s end', async () => {
    // Only the clock and the banner's interval are faked: the IPC mock and waitFor keep real timeouts.
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'], now: NOW });
    await open('/', {
      session_state: () => assistedSession({ expiresAt: '2026-11-29T09:12:05+07:00' }),
      dashboard: () => fixtures.dashboard(),
    });
    const banner = await screen.findByRole('region', { name: t('ui-session-banner-label') });
    expect(banner).toHaveTextContent(t('ui-session-serving', { initials: 'N.T.L.' }));
    const timer = within(banner).getByRole('timer');
    expect(timer).toHaveTextContent(t('ui-session-time-left', { time: '12:05' }));
    expect(timer).toHaveAttribute('aria-live', 'off');
    vi.advanceTimersByTime(5000);
    await waitFor(() => expect(timer).toHaveTextContent(t('ui-session-time-left', { time: '12:00' })));
  });

  it('announces the time left once fewer than five minutes remain', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'], now: NOW });
    await open('/', {
      session_state: () => assistedSession({ expiresAt: '2026-11-29T09:04:59+07:00' }),
      dashboard: () => fixtures.dashboard(),
    });
    const banner = await screen.findByRole('region', { name: t('ui-session-banner-label') });
    const timer = within(banner).getByRole('timer');
    expect(timer).toHaveTextContent(t('ui-session-time-left', { time: '4:59' }));
    expect(timer).toHaveAttribute('aria-live', 'polite');
  });

  it('says a citizen is served when their initials are not known yet', async () => {
    await open('/', { session_state: () => assistedSession({ citizenInitials: '' }), dashboard: () => fixtures.dashboard() });
    const banner = await screen.findByRole('region', { name: t('ui-session-banner-label') });
    expect(banner).toHaveTextContent(t('ui-session-serving', { initials: t('ui-session-initials-unknown') }));
  });

  it('ends the session only after the agent confirms', async () => {
    const { calls } = await open('/', {
      session_state: () => assistedSession(),
      dashboard: () => fixtures.dashboard(),
      end_assisted_session: () => ({ id: assisted.id, endedAtPortal: true, unsentKept: 0 }),
    });
    const user = userEvent.setup();
    const banner = await screen.findByRole('region', { name: t('ui-session-banner-label') });
    await user.click(within(banner).getByRole('button', { name: t('ui-session-end') }));
    let confirm = within(banner).getByRole('alertdialog', { name: t('ui-session-end-confirm') });
    await user.click(within(confirm).getByRole('button', { name: t('ui-cancel') }));
    expect(within(banner).queryByRole('alertdialog')).not.toBeInTheDocument();
    expect(called(calls, 'end_assisted_session')).toEqual([]);

    await user.click(within(banner).getByRole('button', { name: t('ui-session-end') }));
    confirm = within(banner).getByRole('alertdialog', { name: t('ui-session-end-confirm') });
    await user.click(within(confirm).getByRole('button', { name: t('ui-session-end') }));
    await waitFor(() => expect(called(calls, 'end_assisted_session')).toHaveLength(1));
  });

  it('says why the session could not be ended', async () => {
    await open('/', {
      session_state: () => assistedSession(),
      dashboard: () => fixtures.dashboard(),
      end_assisted_session: fails('storage'),
    });
    const user = userEvent.setup();
    const banner = await screen.findByRole('region', { name: t('ui-session-banner-label') });
    await user.click(within(banner).getByRole('button', { name: t('ui-session-end') }));
    await user.click(within(within(banner).getByRole('alertdialog')).getByRole('button', { name: t('ui-session-end') }));
    expect(await within(banner).findByRole('alert')).toHaveTextContent(errorMessage({ code: 'storage' }));
  });
});

describe('the app on a shared device', () => {
  it('shows the citizen’s screens under the session banner during an assisted session', async () => {
    await open('/', { session_state: () => assistedSession(), dashboard: () => fixtures.dashboard() });
    expect(await screen.findByRole('region', { name: t('ui-session-banner-label') })).toBeInTheDocument();
    expect(await screen.findByRole('heading', { name: /Nguyễn Thị Lan/ })).toBeInTheDocument();
    expect(screen.getByRole('navigation', { name: t('ui-nav-main') })).toBeInTheDocument();
    // The citizen's settings are not the agent's to change.
    expect(screen.queryByRole('link', { name: t('ui-nav-settings') })).not.toBeInTheDocument();
  });

  it('opens an assisted session made offline on the services, without a profile', async () => {
    await open('/', { session_state: () => fixtures.session({ profile: undefined, online: false, staff: staffStatus({ session: { ...assisted, canRead: false } }) }) });
    expect(await screen.findByRole('heading', { name: t('ui-session-paper-title') })).toBeInTheDocument();
    expect(screen.getByText(t('ui-session-offline-body'))).toBeInTheDocument();
    expect(screen.getByRole('link', { name: t('ui-home-new-application') })).toHaveAttribute('href', '#/services');
  });

  it('shows a paper session the submit path only, and says why it shows none of the citizen’s papers', async () => {
    const view = await open('/', {
      session_state: () => fixtures.session({ profile: undefined, staff: staffStatus({ session: { ...assisted, canRead: false } }) }),
    });
    expect(await screen.findByRole('heading', { name: t('ui-session-paper-title') })).toBeInTheDocument();
    const banner = screen.getByRole('region', { name: t('ui-session-banner-label') });
    expect(within(banner).getByText(t('ui-session-paper-note'))).toBeInTheDocument();
    expect(screen.getByRole('link', { name: t('ui-home-new-application') })).toHaveAttribute('href', '#/services');
    const tabs = screen.getByRole('navigation', { name: t('ui-nav-main') });
    expect(within(tabs).getByRole('link', { name: t('ui-nav-services') })).toBeInTheDocument();
    for (const hidden of ['ui-nav-applications', 'ui-nav-documents', 'ui-nav-inbox']) {
      expect(within(tabs).queryByRole('link', { name: t(hidden) })).not.toBeInTheDocument();
    }
    for (const route of ['/applications', '/documents', '/inbox']) {
      window.location.hash = route;
      expect(await screen.findByRole('heading', { name: t('ui-session-paper-title') })).toBeInTheDocument();
    }
    const asked = view.calls.map((call) => call.command);
    for (const read of ['dashboard', 'applications', 'application', 'documents', 'inbox']) {
      expect(asked, `a paper session never asks the core for ${read}`).not.toContain(read);
    }
  });

  it('says nothing of paper consent in a session by code', async () => {
    await open('/', { session_state: () => assistedSession(), dashboard: () => fixtures.dashboard() });
    const banner = await screen.findByRole('region', { name: t('ui-session-banner-label') });
    expect(within(banner).queryByText(t('ui-session-paper-note'))).not.toBeInTheDocument();
  });

  it('shows the service desk, not the citizen’s screens, when a staff member is signed in and nobody is served', async () => {
    await open('/', { session_state: () => staffSession(), tally: () => tally });
    expect(await screen.findByRole('heading', { name: 'Bưu cục Hải Châu' })).toBeInTheDocument();
    expect(screen.getByText(t('ui-staff-venue-post-office'))).toBeInTheDocument();
    expect(screen.queryByRole('region', { name: t('ui-session-banner-label') })).not.toBeInTheDocument();
    expect(screen.queryByRole('navigation', { name: t('ui-nav-main') })).not.toBeInTheDocument();
  });

  it('shows a citizen who signed in on a shared device at #/citizen their home screen', async () => {
    await open('/citizen', {
      session_state: () => fixtures.session({ staff: { staff: agent, signedIn: false, locked: false } }),
      dashboard: () => fixtures.dashboard(),
    });
    expect(await screen.findByRole('heading', { name: /Nguyễn Thị Lan/ })).toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: t('ui-not-found-title') })).not.toBeInTheDocument();
  });

  it('still offers the citizen sign-in on a shared device at #/citizen', async () => {
    await open('/citizen', { session_state: signedOutDevice });
    expect(await screen.findByRole('heading', { name: t('ui-signin-title') })).toBeInTheDocument();
    expect(screen.queryByLabelText(t('ui-staff-code'))).not.toBeInTheDocument();
  });
});

describe('lockWhenIdle', () => {
  it('calls lock once the idle time has passed, and not before', () => {
    vi.useFakeTimers();
    const lock = vi.fn();
    const stop = lockWhenIdle(60, lock, new EventTarget());
    vi.advanceTimersByTime(59_999);
    expect(lock).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(lock).toHaveBeenCalledTimes(1);
    stop();
  });

  it.each(['pointerdown', 'keydown', 'touchstart', 'wheel', 'input'])('postpones the lock on %s', (name) => {
    vi.useFakeTimers();
    const lock = vi.fn();
    const target = new EventTarget();
    const stop = lockWhenIdle(60, lock, target);
    vi.advanceTimersByTime(50_000);
    target.dispatchEvent(new Event(name));
    vi.advanceTimersByTime(50_000);
    expect(lock).not.toHaveBeenCalled();
    vi.advanceTimersByTime(10_000);
    expect(lock).toHaveBeenCalledTimes(1);
    stop();
  });

  it('watches the window by default', () => {
    vi.useFakeTimers();
    const lock = vi.fn();
    const stop = lockWhenIdle(10, lock);
    vi.advanceTimersByTime(9_000);
    window.dispatchEvent(new KeyboardEvent('keydown'));
    vi.advanceTimersByTime(9_000);
    expect(lock).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1_000);
    expect(lock).toHaveBeenCalledTimes(1);
    stop();
  });

  it('stops watching when told to: no lock, and activity no longer restarts the clock', () => {
    vi.useFakeTimers();
    const lock = vi.fn();
    const target = new EventTarget();
    const stop = lockWhenIdle(60, lock, target);
    vi.advanceTimersByTime(30_000);
    stop();
    target.dispatchEvent(new Event('pointerdown'));
    vi.advanceTimersByTime(600_000);
    expect(lock).not.toHaveBeenCalled();
  });
});

describe('countdown', () => {
  it.each([
    [0, '0:00'],
    [5, '0:05'],
    [59.9, '0:59'],
    [60, '1:00'],
    [605, '10:05'],
    [3600, '60:00'],
    [-3, '0:00'],
  ])('%d seconds read %s', (seconds, text) => {
    expect(countdown(seconds)).toBe(text);
  });
});

describe('what the staff helpers say about the session', () => {
  afterEach(() => {
    app.session = undefined;
  });

  it.each([
    ['a citizen’s own device', fixtures.session(), { staff: false, signedIn: false, locked: false, assisted: false, postOffice: false }],
    ['a shared device nobody is signed in to', signedOutDevice(), { staff: true, signedIn: false, locked: false, assisted: false, postOffice: false }],
    ['an agent at the counter', staffSession(), { staff: true, signedIn: true, locked: false, assisted: false, postOffice: true }],
    [
      'a volunteer at an event',
      staffSession({ venue: { kind: 'event', name: 'Ngày hội', unitCode: '20300', date: '2026-12-05' } }),
      { staff: true, signedIn: true, locked: false, assisted: false, postOffice: false },
    ],
    ['a citizen being served', assistedSession(), { staff: true, signedIn: true, locked: false, assisted: true, postOffice: true }],
    ['a locked device with a session open', assistedSession({}, { locked: true }), { staff: true, signedIn: true, locked: true, assisted: false, postOffice: true }],
    [
      'a stale lock without anyone signed in',
      fixtures.session({ staff: { staff: agent, signedIn: false, locked: true, session: assisted } }),
      { staff: true, signedIn: false, locked: false, assisted: false, postOffice: false },
    ],
  ] as const)('on %s', (_name, state, expected) => {
    app.session = state;
    expect({
      staff: staff() !== undefined,
      signedIn: staffSignedIn(),
      locked: deviceLocked(),
      assisted: inAssistedSession(),
      postOffice: atPostOffice(),
    }).toEqual(expected);
  });
});

describe('the next person at a shared device', () => {
  it('never sees the previous person’s download notice: it goes when a citizen’s session starts or ends', async () => {
    let state = staffSession();
    const { calls } = await open('/', { session_state: () => state, tally: () => tally });
    await appListening(calls);
    await emit('app://downloaded', { ok: true, path: '/home/agent/Downloads/receipt-000.17.48.H17-261129-0001.pdf' });
    const notice = t('ui-download-saved', { path: '/home/agent/Downloads/receipt-000.17.48.H17-261129-0001.pdf' });
    expect(await screen.findByText(notice), 'the agent sees where the file went').toBeInTheDocument();

    state = assistedSession();
    await coreChanged('session');
    await waitFor(() => expect(screen.queryByText(notice), 'the citizen now served does not see the earlier download').toBeNull());

    await emit('app://downloaded', { ok: true, path: '/home/agent/Downloads/receipt-2.pdf' });
    const second = t('ui-download-saved', { path: '/home/agent/Downloads/receipt-2.pdf' });
    expect(await screen.findByText(second)).toBeInTheDocument();
    state = staffSession();
    await coreChanged('session');
    await waitFor(() => expect(screen.queryByText(second), 'the citizen’s download notice goes with their session').toBeNull());
  });
});
