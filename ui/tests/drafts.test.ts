// Drafts that survive (issue 18): the application being prepared is saved on the device as the
// person types (after a pause, and on leaving a page), listed on Home with the procedure and
// when it was last changed, resumed on its task list, discarded after a confirmation, and
// named when it is submitted so that the core removes it.

import { screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { DraftSummary, SavedDraft } from '../src/lib/backend/views';
import { drafts } from '../src/lib/draft.svelte';
import * as fixtures from './fixtures';
import { openApp, type Call, type Handlers } from './harness';

function core(extra: Handlers = {}): Handlers {
  return {
    procedure: () => fixtures.procedure,
    documents: () => [fixtures.walletEntry],
    admin_units: () => fixtures.adminUnits,
    dashboard: () => fixtures.dashboard(),
    ...extra,
  };
}

const saves = (calls: Call[]) => calls.filter((call) => call.command === 'save_draft').map((call) => call.args.draft as SavedDraft);

const summary: DraftSummary = {
  id: '0193a1b2-0000-7000-8000-00000000d001',
  procedureId: 'id-card-renewal',
  procedureName: fixtures.procedure.name,
  updatedAt: '2026-12-06T02:10:00Z',
};

const saved: SavedDraft = {
  id: summary.id,
  draft: { procedureId: 'id-card-renewal', form: { fullName: 'Nguyễn Thị Lan', reason: 'damaged' }, attachments: [], delivery: { method: 'counter' }, draftId: summary.id },
  files: {},
  done: { details: true, documents: false, delivery: false },
  pickAgain: [],
  updatedAt: summary.updatedAt,
};

describe('a draft that survives', () => {
  it('is saved once the person pauses typing, not at every key, and submitting names it', async () => {
    const { calls } = openApp('/apply/id-card-renewal/details', core({ submit: () => ({ itemId: 'q-1', sent: false }) }));
    const user = userEvent.setup();
    await waitFor(async () => expect(await screen.findByLabelText('Full name')).toHaveValue('Nguyễn Thị Lan'));
    const name = screen.getByLabelText('Full name');
    await user.clear(name);
    await user.type(name, 'Lê Văn Tám');
    await expect.poll(() => saves(calls).at(-1)?.draft.form.fullName, { timeout: 2000 }).toBe('Lê Văn Tám');
    expect(saves(calls).length, 'a pause saves, a key does not').toBeLessThan('Lê Văn Tám'.length);
    const id = saves(calls).at(-1)?.id;
    expect(saves(calls).at(-1)?.draft.draftId).toBe(id);

    await user.selectOptions(screen.getByLabelText('Reason'), 'damaged');
    await user.click(screen.getByRole('button', { name: 'Save and continue' }));
    await waitFor(() => expect(saves(calls).at(-1)?.done.details, 'leaving the page saves at once').toBe(true));
    for (const task of ['Documents', 'How you get the result']) {
      await user.click(await within(screen.getByRole('main')).findByRole('link', { name: task }));
      if (task === 'How you get the result') await user.click(await screen.findByLabelText(/Collect it/));
      await user.click(await screen.findByRole('button', { name: 'Save and continue' }));
    }
    await user.click(await screen.findByRole('button', { name: 'Accept and send' }));
    await screen.findByRole('heading', { name: /Saved on this device|Application sent/ });
    const submitted = calls.find((call) => call.command === 'submit')?.args.draft as { draftId?: string };
    expect(submitted.draftId, 'the core removes the saved draft it names').toBe(id);
    const afterSubmit = calls.length;
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(calls.slice(afterSubmit).filter((call) => call.command === 'save_draft'), 'a submitted draft is not saved again').toEqual([]);
  });

  it('is listed on Home with its procedure and when it was last changed, and resumed on its task list', async () => {
    const { calls } = openApp('/', core({ drafts: () => [summary], resume_draft: () => saved }));
    const user = userEvent.setup();
    const list = (await screen.findByRole('heading', { name: 'Applications in progress (1)' })).closest('section') as HTMLElement;
    expect(list).toHaveTextContent('Renew a citizen ID card');
    expect(list).toHaveTextContent('Last changed');
    await user.click(within(list).getByRole('button', { name: 'Continue' }));
    await waitFor(() => expect(window.location.hash).toBe('#/apply/id-card-renewal'));
    expect(calls.find((call) => call.command === 'resume_draft')?.args).toEqual({ id: summary.id });
    expect(drafts.current?.draft.form.fullName).toBe('Nguyễn Thị Lan');
    expect(drafts.current?.done.details).toBe(true);
    expect(await screen.findByRole('link', { name: 'Your details' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Your details' }).closest('li')).toHaveTextContent('Completed');
  });

  it('says which picked files must be picked again', async () => {
    openApp('/', core({ drafts: () => [summary], resume_draft: () => ({ ...saved, pickAgain: ['photo'] }) }));
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Continue' }));
    expect(await screen.findByText(/no longer on this device; pick it again under Documents/)).toBeInTheDocument();
  });

  it('is discarded only after the person confirms', async () => {
    let listed = [summary];
    const { calls } = openApp(
      '/',
      core({
        drafts: () => listed,
        discard_draft: () => {
          listed = [];
          return null;
        },
      }),
    );
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Delete draft' }));
    expect(calls.some((call) => call.command === 'discard_draft'), 'nothing goes before the confirmation').toBe(false);
    const dialog = screen.getByRole('alertdialog');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.getByRole('button', { name: 'Continue' })).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Delete draft' }));
    await user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Delete draft' }));
    await waitFor(() => expect(screen.queryByRole('heading', { name: /Applications in progress/ })).toBeNull());
    expect(calls.find((call) => call.command === 'discard_draft')?.args).toEqual({ id: summary.id });
  });
});
