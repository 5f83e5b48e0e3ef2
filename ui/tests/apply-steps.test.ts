// Each step of the apply flow on its own (src/screens/apply/): given the procedure, the draft
// and what the device knows, what it shows and what it records. The flow through all of them
// is in ./apply.test.ts.

import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import type { Component } from 'svelte';
import { beforeEach, describe, expect, it } from 'vitest';
import type { FormField, Procedure } from '../src/lib/backend/types';
import type { Draft, FeeQuoteView, SubmitResult } from '../src/lib/backend/views';
import { drafts, startDraft, type DraftState } from '../src/lib/draft.svelte';
import { setLanguage } from '../src/lib/i18n.svelte';
import Check from '../src/screens/apply/Check.svelte';
import Delivery from '../src/screens/apply/Delivery.svelte';
import Details from '../src/screens/apply/Details.svelte';
import Documents from '../src/screens/apply/Documents.svelte';
import Done from '../src/screens/apply/Done.svelte';
import type { StepProps } from '../src/screens/apply/flow';
import TaskList from '../src/screens/apply/TaskList.svelte';
import * as fixtures from './fixtures';
import { fakeCore, type Handlers } from './harness';

const birthDate: FormField = { id: 'birthDate', label: { vi: 'Ngày sinh', en: 'Date of birth' }, kind: 'date', required: false };
const procedure: Procedure = { ...fixtures.procedure, formFields: [...fixtures.procedure.formFields, birthDate] };

const secondCard = { ...fixtures.walletEntry.document, id: '0193a1b2-0000-7000-8000-0000000000d2', number: '048090009999' };

/** A draft of `procedure` with `changes`, as the steps find it in `drafts.current`. */
function draft(changes: Partial<Omit<DraftState, 'draft'>> & { draft?: Partial<Draft> } = {}): DraftState {
  const state = startDraft(procedure.id);
  Object.assign(state.draft, changes.draft ?? {});
  Object.assign(state.done, changes.done ?? {});
  if (changes.result) state.result = changes.result;
  return state;
}

function show(step: Component<StepProps>, props: Partial<StepProps> = {}, core: Handlers = {}) {
  const calls = fakeCore({ admin_units: () => fixtures.adminUnits, ...core });
  render(step, {
    props: { procedure, wallet: [fixtures.walletEntry.document], profile: fixtures.profile, sessionRead: true, units: fixtures.adminUnits, ...props },
  });
  return calls;
}

beforeEach(() => {
  drafts.current = undefined;
  setLanguage('en');
  window.location.hash = `/apply/${procedure.id}`;
});

describe('the task list', () => {
  it('shows each task as completed or not started, and opens "check and send" only once all are done', async () => {
    draft({ done: { details: true, documents: false, delivery: true } });
    show(TaskList);
    const task = (name: string) => screen.getByRole('link', { name }).closest('li') as HTMLElement;
    expect(task('Your details')).toHaveTextContent('Completed');
    expect(task('Documents')).toHaveTextContent('Not started');
    expect(screen.getByRole('link', { name: 'Documents' })).toHaveAttribute('href', `#/apply/${procedure.id}/documents`);
    expect(screen.queryByRole('link', { name: 'Check and send' })).toBeNull();
    expect(screen.getByText('Check and send').closest('li')).toHaveTextContent('Cannot start yet');

    (drafts.current as DraftState).done.documents = true;
    expect(await screen.findByRole('link', { name: 'Check and send' })).toHaveAttribute('href', `#/apply/${procedure.id}/check`);
  });
});

describe('the details step', () => {
  it('labels each field, marks the optional ones, gives a date its example, and keeps what is typed in the draft', async () => {
    draft();
    show(Details);
    expect(screen.getByText('For example 2026-03-27')).toBeInTheDocument();
    expect(screen.getByText('Date of birth').closest('label')).toHaveTextContent('(optional)');
    expect(screen.getByText('Full name').closest('label')).not.toHaveTextContent('(optional)');
    expect(screen.getByLabelText(/Date of birth/)).toHaveAttribute('type', 'date');
    expect(screen.getByLabelText('Phone')).toHaveAttribute('type', 'tel');
    expect(screen.getByLabelText('ID number')).toHaveAttribute('inputmode', 'numeric');
    await userEvent.setup().type(screen.getByLabelText('Full name'), 'Lê Văn Tám');
    expect(drafts.current?.draft.form.fullName).toBe('Lê Văn Tám');
  });

  it('saves the answers trimmed, marks the task completed and returns to the task list', async () => {
    draft({ draft: { form: { idNumber: '048090001234', phone: '0905123456', reason: 'age' } } });
    const calls = show(Details);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Full name'), '  Lê Văn Tám ');
    await user.click(screen.getByRole('button', { name: 'Save and continue' }));
    await expect.poll(() => drafts.current?.done.details).toBe(true);
    expect(drafts.current?.draft.form.fullName).toBe('Lê Văn Tám');
    expect(calls.filter((call) => call.command === 'check_draft')).toHaveLength(1);
    expect(window.location.hash).toBe(`#/apply/${procedure.id}`);
  });
});

describe('the documents step', () => {
  it('offers the wallet’s documents of the kind asked for, and records the one chosen', async () => {
    draft();
    show(Documents, { wallet: [fixtures.walletEntry.document, secondCard] });
    const group = screen.getByRole('group', { name: 'Your current ID card' });
    const choices = within(group).getAllByRole('radio');
    expect(choices).toHaveLength(2);
    await userEvent.setup().click(within(group).getByLabelText(/048090009999/));
    expect(drafts.current?.draft.attachments).toEqual([{ source: 'wallet', documentId: secondCard.id, requirementId: 'current-card' }]);
    // An optional document has no wallet kind here: only a file can be picked.
    expect(within(screen.getByRole('group', { name: /A portrait photo/ })).queryAllByRole('radio')).toHaveLength(0);
  });
});

describe('the delivery step', () => {
  it('waits for the session, then offers the profile’s address for the post', async () => {
    draft();
    show(Delivery, { sessionRead: false });
    expect(screen.getByRole('status')).toHaveTextContent('Loading…');
    expect(screen.queryByRole('radio')).toBeNull();
  });

  it('starts the postal address from the profile', async () => {
    draft({ draft: { delivery: { method: 'post' } } });
    show(Delivery);
    expect(await screen.findByLabelText('Name of the person receiving it')).toHaveValue('Nguyễn Thị Lan');
    expect(screen.getByLabelText(/Send it to me by post/)).toBeChecked();
  });
});

describe('the check step', () => {
  it('reads the answers back as the person gave them, and sends only once every task is done', async () => {
    draft({
      draft: {
        form: { fullName: 'Nguyễn Thị Lan', reason: 'damaged', birthDate: '1990-05-12' },
        attachments: [{ source: 'wallet', documentId: fixtures.walletEntry.document.id, requirementId: 'current-card' }],
        delivery: { method: 'post', address: { recipientName: 'Nguyễn Thị Lan', phone: '0905123456', provinceCode: '48', unitCode: '20194', street: '12 Lê Lợi' } },
      },
      done: { details: true, documents: true, delivery: false },
    });
    show(Check);
    expect(screen.getByText('Card damaged')).toBeInTheDocument();
    expect(screen.getByText('12 May 1990')).toBeInTheDocument();
    expect(screen.getByText('Use Citizen ID card no. 048090001234 from my documents')).toBeInTheDocument();
    expect(screen.getByText('Not provided')).toBeInTheDocument();
    expect(screen.getByText(/12 Lê Lợi, Phường Hải Châu, Thành phố Đà Nẵng/)).toBeInTheDocument();
    // Each "Change" link says, to those who cannot see the row, what it changes.
    const change = screen.getByRole('link', { name: /^Change\s*Reason$/ });
    expect(change).toHaveTextContent('Change Reason');
    expect(change).toHaveAttribute('href', `#/apply/${procedure.id}/details`);
    expect(screen.getByRole('button', { name: 'Accept and send' })).toBeDisabled();
  });

  it('shows each fee line and the total the core computed, never a sum of its own', async () => {
    draft({ done: { details: true, documents: true, delivery: true } });
    const quote: FeeQuoteView = {
      quote: {
        feeCase: 'renewal',
        lines: [
          { kind: 'case', id: 'renewal', label: { vi: 'Cấp đổi', en: 'Renewal of the card' }, quantity: 1, amount: 50000, illustrative: false },
          { kind: 'postage', id: 'in-city', label: { vi: 'Bưu phí', en: 'Postage inside the city' }, quantity: 1, amount: 20000, illustrative: true },
          { kind: 'postage_subsidy', id: 'subsidy', label: { vi: 'Hỗ trợ', en: 'Paid by the city' }, quantity: 1, amount: -10000, illustrative: true },
        ],
        fee: 50000,
        postage: 10000,
        total: 60000,
      },
      choices: [],
      problems: [],
    };
    const calls = show(Check, {}, { quote_fee: () => quote });
    const lines = await screen.findByTestId('fee-quote');
    expect(within(lines).getByText('Renewal of the card').closest('div')).toHaveTextContent(/50[.,\s]?000/);
    expect(within(lines).getByText('Paid by the city').closest('div')).toHaveTextContent(/10[.,\s]?000/);
    expect(within(lines).getByText('Total').closest('div')).toHaveTextContent(/60[.,\s]?000/);
    expect(within(lines).getAllByText(/illustrative amount/)).toHaveLength(2);
    expect(calls.find((call) => call.command === 'quote_fee')?.args).toEqual({ draft: drafts.current?.draft });
  });

  it('lists the fee cases to choose from when the form does not decide, and quotes the one chosen', async () => {
    draft({ done: { details: true, documents: true, delivery: true } });
    const cases = [
      { id: 'new', label: { vi: 'Cấp mới', en: 'New passport' }, amount: 200000, illustrative: false },
      { id: 'lost-or-damaged', label: { vi: 'Cấp lại', en: 'Lost or damaged passport' }, amount: 400000, illustrative: false },
    ];
    const calls = show(Check, {}, { quote_fee: () => ({ choices: cases, problems: [] }) });
    const choice = await screen.findByRole('radio', { name: /Lost or damaged passport/ });
    expect(screen.getByRole('group', { name: 'Choose which fee applies to you' })).toBeInTheDocument();
    await userEvent.setup().click(choice);
    await expect.poll(() => calls.some((call) => call.command === 'quote_fee' && (call.args.draft as Draft).feeCase === 'lost-or-damaged')).toBe(true);
    expect(drafts.current?.draft.feeCase).toBe('lost-or-damaged');
  });

  it('sends the draft and shows what happened', async () => {
    draft({ done: { details: true, documents: true, delivery: true } });
    const result: SubmitResult = { itemId: 'q-1', sent: false };
    const calls = show(Check, {}, { submit: () => result });
    await userEvent.setup().click(screen.getByRole('button', { name: 'Accept and send' }));
    await expect.poll(() => drafts.current?.result).toEqual(result);
    expect(calls.find((call) => call.command === 'submit')?.args).toEqual({ draft: drafts.current?.draft });
    expect(window.location.hash).toBe(`#/apply/${procedure.id}/done`);
  });
});

describe('the last step', () => {
  it('gives the application code of an application sent', () => {
    draft({ result: { itemId: 'q-1', sent: true, application: fixtures.application() } });
    show(Done);
    expect(screen.getByRole('heading', { name: 'Application sent' })).toBeInTheDocument();
    expect(screen.getByText('000.17.48.H17-261129-0001')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'See the application' })).toHaveAttribute('href', `#/applications/${fixtures.application().id}`);
  });

  it('says an application saved offline will be sent by itself', () => {
    draft({ result: { itemId: 'q-1', sent: false } });
    show(Done);
    expect(screen.getByRole('heading', { name: 'Saved on this device' })).toBeInTheDocument();
    expect(screen.queryByText('000.17.48.H17-261129-0001')).toBeNull();
  });

  it('leads back to the task list when nothing was sent yet', () => {
    draft();
    show(Done);
    expect(screen.getByRole('link', { name: 'Your application' })).toHaveAttribute('href', `#/apply/${procedure.id}`);
  });
});
