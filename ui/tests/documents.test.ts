import { screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Draft, WalletEntry } from '../src/lib/backend/views';
import * as fixtures from './fixtures';
import { openApp } from './harness';

describe('my documents', () => {
  it('shows each document’s standing and when it expires', async () => {
    openApp('/documents', { documents: () => [fixtures.walletEntry] });
    const card = (await screen.findByRole('heading', { name: 'Citizen ID card' })).closest('li') as HTMLElement;
    expect(within(card).getByText('Renew soon')).toBeInTheDocument();
    expect(within(card).getByText(/44 days left/)).toBeInTheDocument();
  });

  it('snoozes and switches off a reminder', async () => {
    const calls: Record<string, unknown>[] = [];
    openApp('/documents', {
      documents: () => [fixtures.walletEntry],
      set_reminder: (args) => {
        calls.push(args);
        return { documentId: args.documentId, mode: args.mode };
      },
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Remind me in 30 days' }));
    expect(await screen.findByText('We will remind you again in 30 days.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Turn reminders off' }));
    expect(await screen.findByText('Reminders are off.')).toBeInTheDocument();
    expect(calls).toEqual([
      { documentId: fixtures.walletEntry.document.id, mode: 'snoozed', days: 30 },
      { documentId: fixtures.walletEntry.document.id, mode: 'off' },
    ]);
  });

  it('starts a renewal with the draft the core prepared', async () => {
    const draft: Draft = {
      procedureId: 'id-card-renewal',
      form: { fullName: 'Nguyễn Thị Lan', reason: 'age' },
      attachments: [{ source: 'wallet', documentId: fixtures.walletEntry.document.id, requirementId: 'current-card' }],
      delivery: { method: 'counter' },
      renewsDocumentId: fixtures.walletEntry.document.id,
    };
    openApp('/documents', {
      documents: () => [fixtures.walletEntry],
      start_renewal: () => draft,
      procedure: () => fixtures.procedure,
      admin_units: () => fixtures.adminUnits,
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Renew now' }));
    expect(await screen.findByRole('heading', { name: 'Your application' })).toBeInTheDocument();
    await user.click(within(screen.getByRole('main')).getByRole('link', { name: 'Your details' }));
    expect(await screen.findByLabelText('Reason')).toHaveValue('age');
  });

  it('does not offer a renewal for a document that is still valid for long', async () => {
    const valid: WalletEntry = { ...fixtures.walletEntry, validity: { ...fixtures.walletEntry.validity, standing: 'valid', daysLeft: 2000 } };
    openApp('/documents', { documents: () => [valid] });
    await screen.findByText('Valid');
    expect(screen.queryByRole('button', { name: 'Renew now' })).toBeNull();
  });

  it('adds a document, after checking the answers', async () => {
    const added: unknown[] = [];
    openApp('/documents', {
      documents: () => [],
      add_document: (args) => {
        added.push(args.document);
        return fixtures.walletEntry;
      },
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Add a document' }));
    await user.click(screen.getByRole('button', { name: 'Save' }));
    const summary = await screen.findByRole('alert');
    expect(summary).toHaveTextContent('Choose the type of document');
    expect(summary).toHaveTextContent('Enter the document number');
    await user.selectOptions(screen.getByLabelText('Type of document'), 'passport');
    await user.type(screen.getByLabelText('Number'), 'C1234567');
    await user.type(screen.getByLabelText('Issued on'), '2020-01-15');
    await user.type(screen.getByLabelText(/Expiry date/), '2030-01-15');
    await user.type(screen.getByLabelText('Issued by'), 'Cục Quản lý xuất nhập cảnh');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Document added.')).toBeInTheDocument();
    expect(added).toEqual([
      { kind: 'passport', number: 'C1234567', issuedOn: '2020-01-15', expiresOn: '2030-01-15', issuer: 'Cục Quản lý xuất nhập cảnh' },
    ]);
  });

  it('shows the core’s refusal of a date under its field, and asks the core whether a date is one', async () => {
    const { calls } = openApp('/documents', {
      documents: () => [],
      // The core checks how the dates fit together, and names the fields it refuses.
      add_document: () => Promise.reject({ code: 'validation_failed', message: 'refused', fields: ['expiresOn'] }),
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Add a document' }));
    await user.selectOptions(screen.getByLabelText('Type of document'), 'passport');
    await user.type(screen.getByLabelText('Number'), 'C1234567');
    await user.type(screen.getByLabelText('Issued on'), '2020-01-15');
    await user.type(screen.getByLabelText(/Expiry date/), '2019-01-15');
    await user.type(screen.getByLabelText('Issued by'), 'Cục Quản lý xuất nhập cảnh');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    const summary = await screen.findByRole('alert');
    expect(summary).toHaveTextContent('The expiry date must be a real date after the issue date');
    expect(summary).not.toHaveTextContent('Enter the date it was issued');
    expect(calls.filter((call) => call.command === 'check_field').map((call) => call.args)).toEqual([
      { kind: 'date', value: '2020-01-15' },
      { kind: 'date', value: '2019-01-15' },
    ]);
    expect(screen.queryByText('Document added.')).toBeNull();
  });

  it('exports the reminders as a calendar file to download', async () => {
    openApp('/documents', {
      documents: () => [fixtures.walletEntry],
      export_calendar: () => ({ fileName: 'opendvc-reminders.ics', ics: 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n' }),
    });
    URL.createObjectURL ??= () => 'blob:calendar';
    URL.revokeObjectURL ??= () => {};
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Add reminders to my calendar' }));
    const link = await screen.findByRole('link', { name: 'Download the calendar file' });
    await waitFor(() => expect(link).toHaveAttribute('download', 'opendvc-reminders.ics'));
  });
});
