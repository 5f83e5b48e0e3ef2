import { screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Draft } from '../src/lib/backend/views';
import * as fixtures from './fixtures';
import { fails, openApp, refuses, type Handlers } from './harness';
import { problemText } from '../src/lib/checks';
import { drafts } from '../src/lib/draft.svelte';
import { errorMessage } from '../src/lib/labels';

function core(extra: Handlers = {}): Handlers {
  return {
    procedure: () => fixtures.procedure,
    documents: () => [fixtures.walletEntry],
    admin_units: () => fixtures.adminUnits,
    ...extra,
  };
}

describe('the apply flow', () => {
  it('pre-fills the form from the profile and the wallet', async () => {
    openApp('/apply/id-card-renewal/details', core());
    await waitFor(async () => expect(await screen.findByLabelText('Full name')).toHaveValue('Nguyễn Thị Lan'));
    expect(screen.getByLabelText('ID number')).toHaveValue('048090001234');
    expect(screen.getByLabelText('Phone')).toHaveValue('+84905123456');
  });

  it('offers a previous answer of the same kind without filling it in', async () => {
    openApp(
      '/apply/id-card-renewal/details',
      core({ prefill: () => ({ filled: { fullName: 'Nguyễn Thị Lan' }, offered: { phone: '0905 111 222' } }) }),
    );
    const user = userEvent.setup();
    await waitFor(async () => expect(await screen.findByLabelText('Full name')).toHaveValue('Nguyễn Thị Lan'));
    const phone = screen.getByLabelText('Phone');
    expect(phone).toHaveValue('');
    await user.click(screen.getByRole('button', { name: 'Use your previous answer: 0905 111 222' }));
    expect(phone).toHaveValue('0905 111 222');
    expect(screen.queryByRole('button', { name: /Use your previous answer/ })).not.toBeInTheDocument();
  });

  it('still pre-fills from the profile when the wallet cannot be read', async () => {
    openApp('/apply/id-card-renewal/details', core({ documents: fails('storage') }));
    await waitFor(async () => expect(await screen.findByLabelText('Full name')).toHaveValue('Nguyễn Thị Lan'));
  });

  it('lists the problems the core finds in the form in an error summary at the top and next to each field', async () => {
    const { calls } = openApp(
      '/apply/id-card-renewal/details',
      core({
        // Out of the form's order, with one problem of another task.
        check_draft: () => [
          { field: 'form.reason', code: 'field-option-invalid' },
          { field: 'delivery.address', code: 'field-required' },
          { field: 'form.idNumber', code: 'field-id-number-invalid' },
          { field: 'form.fullName', code: 'field-required' },
        ],
      }),
    );
    const user = userEvent.setup();
    const name = await screen.findByLabelText('Full name');
    await waitFor(() => expect(name).toHaveValue('Nguyễn Thị Lan'));
    await user.clear(name);
    const idNumber = screen.getByLabelText('ID number');
    await user.clear(idNumber);
    await user.type(idNumber, ' 12345 ');
    await user.click(screen.getByRole('button', { name: 'Save and continue' }));

    const summary = await screen.findByRole('alert');
    expect(within(summary).getByText('There is a problem')).toBeInTheDocument();
    const links = within(summary).getAllByRole('link').map((link) => link.textContent?.trim());
    expect(links).toEqual([
      problemText('field-required', 'Full name'),
      problemText('field-id-number-invalid', 'ID number'),
      problemText('field-option-invalid', 'Reason'),
    ]);
    expect(summary).toHaveFocus();
    expect(screen.getByLabelText('Full name')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText('ID number')).toHaveAccessibleDescription(problemText('field-id-number-invalid', 'ID number'));
    const asked = calls.filter((call) => call.command === 'check_draft').map((call) => (call.args.draft as Draft).form);
    expect(asked, 'the core is asked about the answers as they will be sent').toEqual([
      { fullName: '', idNumber: '12345', phone: '+84905123456', reason: '' },
    ]);
    expect(calls.some((call) => call.command === 'submit')).toBe(false);
    expect(window.location.hash).toBe('#/apply/id-card-renewal/details');
  });

  it('asks the core about a value once the person pauses typing, and shows its message under the field', async () => {
    const { calls } = openApp(
      '/apply/id-card-renewal/details',
      // Whatever message the core names is the one shown: here one of the UI's own.
      core({ check_field: refuses({ id_number: { '12345': 'ui-signin-id-invalid' } }) }),
    );
    const user = userEvent.setup();
    const idNumber = await screen.findByLabelText('ID number');
    await waitFor(() => expect(idNumber).toHaveValue('048090001234'));
    await user.clear(idNumber);
    await user.type(idNumber, '12345');
    await waitFor(() => expect(idNumber).toHaveAccessibleDescription('Enter your personal identification number: 12 digits'));
    expect(idNumber).toHaveAttribute('aria-invalid', 'true');
    const asked = () => calls.filter((call) => call.command === 'check_field').map((call) => call.args);
    expect(asked(), 'one question after the typing paused, none about the emptied field').toEqual([{ kind: 'id_number', value: '12345' }]);
    // No error summary while typing: it comes with saving.
    expect(screen.queryByRole('alert')).toBeNull();

    await user.type(idNumber, '6789012');
    await waitFor(() => expect(idNumber).not.toHaveAttribute('aria-invalid'));
    expect(idNumber).not.toHaveAccessibleDescription();
    expect(asked().at(-1)).toEqual({ kind: 'id_number', value: '123456789012' });
    // A choice among the procedure's own options is not asked about.
    await user.selectOptions(screen.getByLabelText('Reason'), 'age');
    expect(asked().some((args) => args.kind === 'select')).toBe(false);
  });

  it('does not pull the person back when they left a task before the core answered, and keeps what they saved', async () => {
    let answer: (problems: unknown) => void = () => {};
    openApp('/apply/id-card-renewal/details', core({ check_draft: () => new Promise((resolve) => (answer = resolve)) }));
    const user = userEvent.setup();
    await waitFor(async () => expect(await screen.findByLabelText('Full name')).toHaveValue('Nguyễn Thị Lan'));
    await user.selectOptions(screen.getByLabelText('Reason'), 'age');
    await user.click(screen.getByRole('button', { name: 'Save and continue' }));
    window.location.hash = '/apply/id-card-renewal/documents';
    expect(await screen.findByRole('heading', { name: 'Documents' })).toBeInTheDocument();
    answer([]);
    await waitFor(() => expect(drafts.current?.done.details, 'the answers were accepted').toBe(true));
    expect(window.location.hash).toBe('#/apply/id-card-renewal/documents');
    expect(screen.getByRole('heading', { name: 'Documents' })).toBeInTheDocument();
  });

  it('moves on when the core cannot be asked about the form, as the core checks it again before queueing', async () => {
    openApp('/apply/id-card-renewal/details', core({ check_draft: fails('internal') }));
    const user = userEvent.setup();
    await waitFor(async () => expect(await screen.findByLabelText('Full name')).toHaveValue('Nguyễn Thị Lan'));
    await user.selectOptions(screen.getByLabelText('Reason'), 'age');
    await user.click(screen.getByRole('button', { name: 'Save and continue' }));
    expect(await screen.findByRole('heading', { name: 'Your application' })).toBeInTheDocument();
  });

  it('moves on once the answers are valid, and marks the task completed', async () => {
    openApp('/apply/id-card-renewal/details', core());
    const user = userEvent.setup();
    await waitFor(async () => expect(await screen.findByLabelText('Full name')).toHaveValue('Nguyễn Thị Lan'));
    await user.selectOptions(screen.getByLabelText('Reason'), 'age');
    await user.click(screen.getByRole('button', { name: 'Save and continue' }));
    expect(await screen.findByRole('heading', { name: 'Your application' })).toBeInTheDocument();
    const task = screen.getByRole('link', { name: 'Your details' }).closest('li');
    expect(task).toHaveTextContent('Completed');
    expect(screen.getByText('Check and send').closest('li')).toHaveTextContent('Cannot start yet');
  });

  it('needs a postal address when the result goes by post, and finds a ward by its former name', async () => {
    openApp('/apply/id-card-renewal/delivery', core());
    const user = userEvent.setup();
    await user.click(await screen.findByLabelText(/Send it to me by post/));
    // The postage by zone and the city's share; the core quotes what is left to pay.
    expect(screen.getByText('Inside the city').closest('div')).toHaveTextContent(/20[.,\s]?000/);
    expect(screen.getByText('The city pays part of the postage').closest('div')).toHaveTextContent('the city pays 50%');
    // Pre-filled from the profile's address: clear the street to see the inline error.
    await user.clear(await screen.findByLabelText('House number and street'));
    await user.click(screen.getByRole('button', { name: 'Save and continue' }));
    const summary = await screen.findByRole('alert');
    expect(summary).toHaveTextContent('Enter the house number and street');

    await user.type(screen.getByLabelText('Find your ward or commune'), 'thach thang');
    const options = screen.getAllByRole('radio', { name: /Phường|Xã/ });
    expect(options).toHaveLength(1);
    expect(options[0]?.closest('label')).toHaveTextContent('Phường Hải Châu');
    expect(options[0]?.closest('label')).toHaveTextContent('formerly Thạch Thang');
  });

  it('checks the answers, then says the application was saved on this device when offline', async () => {
    let sent: Draft | undefined;
    openApp(
      '/apply/id-card-renewal/details',
      core({
        session_state: () => fixtures.session({ online: false }),
        submit: (args) => {
          sent = args.draft as Draft;
          return { itemId: 'q-1', sent: false };
        },
      }),
    );
    const user = userEvent.setup();
    await waitFor(async () => expect(await screen.findByLabelText('Full name')).toHaveValue('Nguyễn Thị Lan'));
    await user.selectOptions(screen.getByLabelText('Reason'), 'age');
    await user.click(screen.getByRole('button', { name: 'Save and continue' }));
    await user.click(await within(screen.getByRole('main')).findByRole('link', { name: 'Documents' }));
    // The current ID card comes from the wallet: no upload needed.
    expect(await screen.findByLabelText(/Use Citizen ID card no. 048090001234 from my documents/)).toBeChecked();
    await user.click(screen.getByRole('button', { name: 'Save and continue' }));
    await user.click(await screen.findByRole('link', { name: 'How you get the result' }));
    await user.click(await screen.findByLabelText(/Collect it at the one-stop counter/));
    await user.click(screen.getByRole('button', { name: 'Save and continue' }));

    expect(await screen.findByRole('heading', { name: 'Check your answers before sending' })).toBeInTheDocument();
    expect(screen.getByText('Reached a renewal age')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Accept and send' }));

    expect(await screen.findByRole('heading', { name: 'Saved on this device' })).toBeInTheDocument();
    expect(screen.getByText(/It will be sent by itself when you are online/)).toBeInTheDocument();
    expect(sent).toEqual({
      procedureId: 'id-card-renewal',
      form: { fullName: 'Nguyễn Thị Lan', idNumber: '048090001234', phone: '+84905123456', reason: 'age' },
      attachments: [{ source: 'wallet', documentId: fixtures.walletEntry.document.id, requirementId: 'current-card' }],
      delivery: { method: 'counter' },
      // The saved draft it came from, which the core removes once it is queued.
      draftId: expect.any(String),
    });
  });

  it('shows the application code when the portal received it at once', async () => {
    openApp(
      '/apply/id-card-renewal/details',
      core({ submit: () => ({ itemId: 'q-1', sent: true, application: fixtures.application() }) }),
    );
    const user = userEvent.setup();
    await waitFor(async () => expect(await screen.findByLabelText('Full name')).toHaveValue('Nguyễn Thị Lan'));
    await user.selectOptions(screen.getByLabelText('Reason'), 'damaged');
    await user.click(screen.getByRole('button', { name: 'Save and continue' }));
    for (const task of ['Documents', 'How you get the result']) {
      await user.click(await within(screen.getByRole('main')).findByRole('link', { name: task }));
      if (task === 'How you get the result') await user.click(await screen.findByLabelText(/Collect it/));
      await user.click(await screen.findByRole('button', { name: 'Save and continue' }));
    }
    await user.click(await screen.findByRole('button', { name: 'Accept and send' }));
    expect(await screen.findByRole('heading', { name: 'Application sent' })).toBeInTheDocument();
    expect(screen.getByText('000.17.48.H17-261129-0001')).toBeInTheDocument();
  });

  it('keeps the answers and says why when the submission could not be stored', async () => {
    openApp('/apply/id-card-renewal/details', core({ submit: fails('storage') }));
    const user = userEvent.setup();
    await waitFor(async () => expect(await screen.findByLabelText('Full name')).toHaveValue('Nguyễn Thị Lan'));
    await user.selectOptions(screen.getByLabelText('Reason'), 'age');
    await user.click(screen.getByRole('button', { name: 'Save and continue' }));
    for (const task of ['Documents', 'How you get the result']) {
      await user.click(await within(screen.getByRole('main')).findByRole('link', { name: task }));
      if (task === 'How you get the result') await user.click(await screen.findByLabelText(/Collect it/));
      await user.click(await screen.findByRole('button', { name: 'Save and continue' }));
    }
    await user.click(await screen.findByRole('button', { name: 'Accept and send' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('This device could not save the data');
    expect(screen.getByRole('heading', { name: 'Check your answers before sending' })).toBeInTheDocument();
  });

  it('attaches a file picked on this device when the wallet has no matching document', async () => {
    openApp(
      '/apply/id-card-renewal/documents',
      core({
        documents: () => [],
        stage_attachment: (args) => ({ attachmentId: 'sha256:f00d', fileName: args.fileName, contentType: args.contentType, size: 2048 }),
      }),
    );
    const user = userEvent.setup();
    const inputs = await screen.findAllByLabelText('Or choose a photo or PDF file');
    await user.upload(inputs[0] as HTMLElement, new File(['card'], 'the-card.pdf', { type: 'application/pdf' }));
    expect(await screen.findByText('File chosen: the-card.pdf (2 KB)')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Save and continue' }));
    expect(await screen.findByRole('heading', { name: 'Your application' })).toBeInTheDocument();
    expect(within(screen.getByRole('main')).getByRole('link', { name: 'Documents' }).closest('li')).toHaveTextContent('Completed');
  });

  it('says why a picked file was refused', async () => {
    openApp('/apply/id-card-renewal/documents', core({ documents: () => [], stage_attachment: fails('payload_too_large') }));
    const user = userEvent.setup();
    const inputs = await screen.findAllByLabelText('Or choose a photo or PDF file');
    await user.upload(inputs[0] as HTMLElement, new File(['big'], 'big.pdf', { type: 'application/pdf' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(errorMessage({ code: 'payload_too_large' }));
  });

  it('sends an ID card renewal with home delivery by post to an address picked by its former ward name', async () => {
    let sent: Draft | undefined;
    openApp(
      '/apply/id-card-renewal/details',
      core({
        session_state: () => fixtures.session({ profile: { ...fixtures.profile, address: { provinceCode: '', unitCode: '', street: '' } } }),
        submit: (args) => {
          sent = args.draft as Draft;
          return { itemId: 'q-9', sent: true, application: fixtures.application() };
        },
      }),
    );
    const user = userEvent.setup();
    await waitFor(async () => expect(await screen.findByLabelText('Full name')).toHaveValue('Nguyễn Thị Lan'));
    await user.selectOptions(screen.getByLabelText('Reason'), 'age');
    await user.click(screen.getByRole('button', { name: 'Save and continue' }));
    await user.click(await within(screen.getByRole('main')).findByRole('link', { name: 'Documents' }));
    await user.click(await screen.findByRole('button', { name: 'Save and continue' }));
    await user.click(await within(screen.getByRole('main')).findByRole('link', { name: 'How you get the result' }));
    await user.click(await screen.findByLabelText(/Send it to me by post/));
    await user.selectOptions(await screen.findByLabelText('Province or city'), '48');
    await user.type(screen.getByLabelText('Find your ward or commune'), 'Thuan Phuoc');
    await user.click(screen.getByRole('radio', { name: /Phường Hải Châu/ }));
    await user.type(screen.getByLabelText('House number and street'), '45 Bạch Đằng');
    await user.click(screen.getByRole('button', { name: 'Save and continue' }));

    // Every task is done, so saving the last one leads straight to "check your answers".
    expect(await screen.findByRole('heading', { name: 'Check your answers before sending' })).toBeInTheDocument();
    expect(screen.getByText(/45 Bạch Đằng, Phường Hải Châu, Thành phố Đà Nẵng/)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Accept and send' }));
    expect(await screen.findByRole('heading', { name: 'Application sent' })).toBeInTheDocument();
    expect(sent?.delivery).toEqual({
      method: 'post',
      address: { recipientName: 'Nguyễn Thị Lan', phone: '+84905123456', provinceCode: '48', unitCode: '20194', street: '45 Bạch Đằng' },
    });
  });

  it('asks the core about the phone number for the postman, and sends it without spaces', async () => {
    let sent: Draft | undefined;
    const { calls } = openApp(
      '/apply/id-card-renewal/details',
      core({
        check_field: refuses({ phone: { '0905123': 'field-phone-invalid' } }),
        submit: (args) => {
          sent = args.draft as Draft;
          return { itemId: 'q-2', sent: false };
        },
      }),
    );
    const user = userEvent.setup();
    await waitFor(async () => expect(await screen.findByLabelText('Full name')).toHaveValue('Nguyễn Thị Lan'));
    await user.selectOptions(screen.getByLabelText('Reason'), 'age');
    await user.click(screen.getByRole('button', { name: 'Save and continue' }));
    await user.click(await within(screen.getByRole('main')).findByRole('link', { name: 'Documents' }));
    await user.click(await screen.findByRole('button', { name: 'Save and continue' }));
    await user.click(await within(screen.getByRole('main')).findByRole('link', { name: 'How you get the result' }));
    await user.click(await screen.findByLabelText(/Send it to me by post/));
    const phone = screen.getByLabelText('Phone number for the postman');
    await user.clear(phone);
    await user.type(phone, '0905 123');
    await user.click(screen.getByRole('button', { name: 'Save and continue' }));
    const refused = problemText('field-phone-invalid', 'Phone number for the postman');
    expect(await screen.findByRole('alert')).toHaveTextContent(refused);
    expect(phone).toHaveAccessibleDescription(refused);
    expect(calls.filter((call) => call.command === 'check_field').at(-1)?.args).toEqual({ kind: 'phone', value: '0905123' });

    await user.type(phone, ' 456');
    await user.click(screen.getByRole('button', { name: 'Save and continue' }));
    await user.click(await screen.findByRole('button', { name: 'Accept and send' }));
    expect(await screen.findByRole('heading', { name: 'Saved on this device' })).toBeInTheDocument();
    expect(sent?.delivery.address?.phone).toBe('0905123456');
  });

  it('requires the documents the procedure needs', async () => {
    openApp('/apply/id-card-renewal/documents', core({ documents: () => [] }));
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Save and continue' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Add Your current ID card');
  });
});
