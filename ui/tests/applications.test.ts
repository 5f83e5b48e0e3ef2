import { screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { FollowUp } from '../src/lib/backend/views';
import * as fixtures from './fixtures';
import { coreChanged, openApp } from './harness';

const detailRoute = `/applications/${fixtures.application().id}`;

describe('application detail', () => {
  it('shows the timeline as a stepper with the due date, the delivery and its tracking number', async () => {
    openApp(detailRoute, { application: () => fixtures.applicationView() });
    const steps = within(await screen.findByRole('list', { name: 'What has happened' }));
    expect(steps.getByText('Received')).toBeInTheDocument();
    expect(steps.getByText('Checking the photo')).toBeInTheDocument();
    expect(screen.getByText('3 working days left')).toBeInTheDocument();
    expect(screen.getByText('On its way')).toBeInTheDocument();
    expect(screen.getByText('Tracking number: EMS123456VN')).toBeInTheDocument();
  });

  it('shows the fee lines the application was charged', async () => {
    openApp(detailRoute, { application: () => fixtures.applicationView() });
    const line = await screen.findByText(/Renewal of the ID card/);
    expect(line).toHaveTextContent(/50[.,\s]?000/);
  });

  it('warns when the application is overdue, without claiming anyone was told', async () => {
    openApp(detailRoute, {
      application: () => fixtures.applicationView({}, { overdue: true, workingDaysLeft: -2 }),
    });
    const warning = await screen.findByText(/This application is late/);
    expect(warning).toBeInTheDocument();
    expect(screen.getAllByText('Overdue').length).toBeGreaterThan(0);
    expect(warning.textContent, 'no warning was sent, so none is claimed').not.toMatch(/warned|told/);
    expect(document.querySelector('a[href^="tel:"]'), 'no agency phone without a warning').toBeNull();
  });

  it('says which agency was warned and when, with its phone and address', async () => {
    openApp(detailRoute, {
      application: () =>
        fixtures.applicationView(
          {
            lateWarning: {
              stage: 'overdue',
              at: '2026-12-04T17:05:00+07:00',
              agency: {
                agencyId: 'da-nang-police',
                name: { vi: 'Công an thành phố Đà Nẵng', en: 'Da Nang City Police' },
                phone: '0236 382 2222 (invented)',
                address: '80 Lê Duẩn, Hải Châu, Đà Nẵng',
              },
            },
          },
          { overdue: true, workingDaysLeft: -2 },
        ),
    });
    const warning = await screen.findByText(/This application is late/);
    expect(warning.textContent, 'the warned agency is named').toMatch(/Da Nang City Police/);
    expect(warning.textContent, 'the warning says it was sent').toMatch(/was warned on/);
    const phone = screen.getByRole('link', { name: '0236 382 2222 (invented)' });
    expect(phone.getAttribute('href'), 'the phone is a tel: link of its digits').toBe('tel:02363822222');
    expect(screen.getByText('80 Lê Duẩn, Hải Châu, Đà Nẵng')).toBeInTheDocument();
  });

  it('shows server text as text, never as markup', async () => {
    openApp(detailRoute, {
      application: () =>
        fixtures.applicationView({
          procedureName: { vi: fixtures.XSS, en: fixtures.XSS },
          timeline: [{ seq: 1, status: 'received', at: '2026-11-20T09:00:00+07:00', actor: { kind: 'officer', name: fixtures.XSS }, note: fixtures.XSS }],
        }),
    });
    expect(await screen.findByRole('heading', { name: fixtures.XSS })).toBeInTheDocument();
    expect(screen.getByText(fixtures.XSS, { selector: '.step-note' })).toBeInTheDocument();
    expect(document.querySelector('main img')).toBeNull();
  });

  it('withdraws only after the person confirms', async () => {
    const sent: FollowUp[] = [];
    openApp(detailRoute, {
      application: () => fixtures.applicationView(),
      follow_up: (args) => {
        sent.push(args.action as FollowUp);
        return { itemId: 'q-2', sent: false };
      },
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Withdraw the application' }));
    const dialog = screen.getByRole('alertdialog');
    expect(dialog).toHaveTextContent('Withdraw this application? This cannot be undone.');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(sent).toEqual([]);

    await user.click(screen.getByRole('button', { name: 'Withdraw the application' }));
    await user.type(screen.getByLabelText(/Why are you withdrawing/), 'Moved abroad');
    await user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Withdraw the application' }));
    expect(await screen.findByText('Saved on this device. It will be sent when you are online.')).toBeInTheDocument();
    expect(sent).toEqual([{ kind: 'withdrawal', withdraw: { reason: 'Moved abroad' } }]);
  });

  it('offers to send a supplement when one is requested, and requires a note', async () => {
    const sent: FollowUp[] = [];
    openApp(detailRoute, {
      application: () => fixtures.applicationView({ status: 'supplement_requested' }),
      follow_up: (args) => {
        sent.push(args.action as FollowUp);
        return { itemId: 'q-3', sent: true };
      },
    });
    const user = userEvent.setup();
    expect(await screen.findByText('The office needs more from you')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Send more documents' }));
    await user.click(screen.getByRole('button', { name: 'Send' }));
    expect(screen.getByText('Write what you are sending, or add a file')).toBeInTheDocument();
    await user.type(screen.getByLabelText('What are you sending?'), 'New photo');
    await user.click(screen.getByRole('button', { name: 'Send' }));
    expect(await screen.findByText('Sent.')).toBeInTheDocument();
    expect(sent).toEqual([{ kind: 'supplement', supplement: { note: 'New photo', form: {}, attachments: [] } }]);
  });

  it('sends files with a supplement, staged on this device first', async () => {
    const sent: FollowUp[] = [];
    const staged: Record<string, unknown>[] = [];
    openApp(detailRoute, {
      application: () => fixtures.applicationView({ status: 'supplement_requested' }),
      stage_attachment: (args) => {
        staged.push(args);
        return { attachmentId: 'sha256:abc', fileName: args.fileName, contentType: args.contentType, size: 5 };
      },
      follow_up: (args) => {
        sent.push(args.action as FollowUp);
        return { itemId: 'q-6', sent: false };
      },
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Send more documents' }));
    await user.upload(screen.getByLabelText('Files to send (optional)'), new File(['hello'], 'anh.jpg', { type: 'image/jpeg' }));
    expect(await screen.findByText(/anh\.jpg/)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Send' }));
    expect(await screen.findByText('Saved on this device. It will be sent when you are online.')).toBeInTheDocument();
    expect(staged).toEqual([{ fileName: 'anh.jpg', contentType: 'image/jpeg', base64: 'aGVsbG8=' }]);
    expect(sent).toEqual([
      { kind: 'supplement', supplement: { form: {}, attachments: [{ source: 'upload', attachmentId: 'sha256:abc' }] } },
    ]);
  });

  it('changes the delivery to the counter', async () => {
    const sent: FollowUp[] = [];
    openApp(detailRoute, {
      application: () => fixtures.applicationView(),
      procedure: () => fixtures.procedure,
      admin_units: () => fixtures.adminUnits,
      follow_up: (args) => {
        sent.push(args.action as FollowUp);
        return { itemId: 'q-4', sent: true };
      },
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Change how I get the result' }));
    await user.click(await screen.findByLabelText(/Collect it at the one-stop counter/));
    await user.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(sent).toEqual([{ kind: 'delivery_change', delivery: { method: 'counter' } }]));
  });

  it('rates a finished application', async () => {
    const sent: FollowUp[] = [];
    openApp(detailRoute, {
      application: () => fixtures.applicationView({ status: 'completed' }),
      follow_up: (args) => {
        sent.push(args.action as FollowUp);
        return { itemId: 'q-5', sent: true };
      },
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Rate this service' }));
    expect(screen.queryByRole('button', { name: 'Withdraw the application' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Send' }));
    expect(screen.getByText('Choose from 1 to 5 stars')).toBeInTheDocument();
    await user.click(screen.getByLabelText('4 stars'));
    await user.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(sent).toEqual([{ kind: 'rating', rating: { stars: 4 } }]));
  });
});

describe('applications list', () => {
  it('reloads when the core says the applications changed', async () => {
    let status: 'processing' | 'completed' = 'processing';
    openApp('/applications', { applications: () => ({ items: [fixtures.applicationView({ status })] }) });
    expect(await screen.findByText('Being processed')).toBeInTheDocument();
    status = 'completed';
    await coreChanged('applications');
    expect(await screen.findByText('Result ready')).toBeInTheDocument();
  });

  it('marks applications with changes waiting to send', async () => {
    openApp('/applications', {
      applications: () => ({ items: [fixtures.applicationView({}, { waitingToSend: [fixtures.queueItem({ kind: 'withdrawal' })] })] }),
    });
    expect(await screen.findByText('Waiting to send')).toBeInTheDocument();
  });
});
